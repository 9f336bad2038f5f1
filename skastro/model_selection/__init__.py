"""Optuna tuning for skastro: search spaces, persistent studies, pruning.

Optuna is imported only when a function here is called, so importing this
subpackage stays cheap.
"""

from . import _default_spaces  # noqa: F401  (registers the default spaces)
from ._pruning import keras_pruning_callback
from ._result import TuningResult
from ._search_space import (
    register_search_space,
    registered_search_spaces,
    search_space,
)
from ._specs import categorical_param, float_param, int_param
from ._storage import DEFAULT_STORAGE
from ._tune import tune

__all__ = [
    "DEFAULT_STORAGE",
    "TuningResult",
    "categorical_param",
    "float_param",
    "int_param",
    "keras_pruning_callback",
    "register_search_space",
    "registered_search_spaces",
    "search_space",
    "tune",
]
