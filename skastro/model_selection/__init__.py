"""Optuna tuning for skastro: search spaces, persistent studies, pruning.

Optuna is imported only when a function here is called, so importing this
subpackage stays cheap.
"""

from ._pruning import keras_pruning_callback
from ._search_space import (
    categorical_param,
    float_param,
    int_param,
    register_search_space,
    registered_search_spaces,
    search_space,
)
from ._tune import DEFAULT_STORAGE, TuningResult, tune

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
