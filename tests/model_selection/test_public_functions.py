"""The public functions of skastro.model_selection declare their constraints.

Each one carries ``validate_params`` with a constraint for every parameter,
so a bad argument is refused before any work starts, with an error that
names the parameter and the value.
"""

import inspect

import numpy as np
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

import skastro.model_selection as ms
from skastro.model_selection import tune

FUNCTIONS = [
    getattr(ms, name) for name in ms.__all__ if inspect.isfunction(getattr(ms, name))
]


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_parameter_has_a_constraint(func):
    declared = set(func._skl_parameter_constraints)
    named = {
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    assert declared == named


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"timeout": -1.0}, "timeout"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"cv": "five"}, "cv"),
        ({"random_state": "seed"}, "random_state"),
        ({"study_name": 3}, "study_name"),
        ({"param_distributions": [("C", 1.0)]}, "param_distributions"),
    ],
)
def test_tune_refuses_a_bad_argument_before_optimising(data, kwargs, param):
    # the message names the parameter and the bad value
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter of tune"):
        tune(LogisticRegression(), *data, storage=":memory:", **kwargs)


def test_tune_leaves_the_estimators_parameter_checks_on(data):
    # a trial's estimator validates its parameters when it is fitted, so a
    # value outside its constraints fails the trial with the estimator's error
    pytest.importorskip("optuna")
    from optuna.distributions import CategoricalDistribution

    with (
        pytest.warns(FitFailedWarning),
        pytest.raises(ValueError, match="'C' parameter of LogisticRegression"),
    ):
        tune(
            LogisticRegression(),
            *data,
            param_distributions={"C": CategoricalDistribution([-1.0])},
            n_trials=1,
            cv=3,
            storage=":memory:",
        )
