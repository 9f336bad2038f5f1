"""The Keras runtime around one fit or predict call.

Keras is imported here, inside functions, so that importing
:mod:`skastro.neural` stays cheap. The context managers set what Keras keeps
as global state (random seeds, ``floatx``) for the duration of one call and
put it back afterwards, so that nothing leaks to code running after a fit.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np

__all__ = [
    "float_dtype",
    "history_dict",
    "import_keras",
    "keras_floatx",
    "seeded_keras",
]

#: the precisions of the ``dtype`` parameter; mixed precision keeps float32 data
DTYPES = ("float32", "float64", "mixed_float16")


def float_dtype(dtype: str) -> str:
    """The dtype of the data, inputs and outputs of a network of precision ``dtype``.

    ``"mixed_float16"`` computes hidden layers in float16 but keeps variables,
    inputs and outputs in float32 (Keras's mixed precision policy).

    Examples
    --------
    >>> from skastro.neural._keras_runtime import float_dtype
    >>> float_dtype("mixed_float16"), float_dtype("float64")
    ('float32', 'float64')
    """
    return "float32" if dtype == "mixed_float16" else dtype


def import_keras():
    """Import Keras, with a clear message when the ``keras`` extra is missing."""
    try:
        import keras
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(
            "skastro.neural needs Keras 3 and a backend: pip install 'skastro[keras]'"
        ) from exc
    return keras


@contextmanager
def seeded_keras(seed: int):
    """Seed Python, NumPy and the Keras backend; restore Python's and NumPy's.

    ``keras.utils.set_random_seed`` also reseeds the global ``random`` and
    ``numpy.random`` states: they are put back on exit, so a fit does not
    change the random streams of code running after it.
    """
    keras = import_keras()
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 (the global state is restored)
    keras.utils.set_random_seed(int(seed))
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


@contextmanager
def keras_floatx(dtype: str):
    """Set Keras's ``floatx`` (and dtype policy) to the network's precision.

    Keras casts every float array given to ``fit``/``predict`` (inputs,
    targets, sample weights) to ``floatx``; without this a float64 network
    would be fed float32-rounded data. For ``"mixed_float16"`` the global
    dtype policy is set too, so that ``Model.compile`` wraps the optimizer in
    a loss-scale optimizer and layers built without a ``dtype`` compute in
    float16. The previous values are restored on exit, so nothing leaks to
    code running after the call.
    """
    keras = import_keras()
    previous = keras.config.floatx(), keras.config.dtype_policy()
    policy = dtype if dtype == "mixed_float16" else float_dtype(dtype)
    keras.config.set_floatx(float_dtype(dtype))
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_floatx(previous[0])
        keras.config.set_dtype_policy(previous[1])


def history_dict(history) -> dict[str, list[float]]:
    """The per-epoch metrics of a ``keras.callbacks.History`` as plain floats."""
    return {
        key: [float(v) for v in values]
        for key, values in (getattr(history, "history", None) or {}).items()
    }
