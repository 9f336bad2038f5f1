"""skastro: scikit-learn estimators for astronomy.

Subpackages are imported on first access, so ``import skastro`` stays cheap
and never imports TensorFlow, Keras or Optuna.
"""

import importlib

__version__ = "0.1.0.dev0"

__all__ = [
    "datasets",
    "ensemble",
    "lightcurve",
    "mixture",
    "model_selection",
    "neural",
    "plotting",
    "preprocessing",
    "utils",
]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
