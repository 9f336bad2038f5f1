"""scikit-learn's estimator checks over every public skastro estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skastro.utils import all_estimators
from skastro.utils._testing import (
    EXPECTED_FAILED_CHECKS,
    check_instance,
    expected_failed_checks,
)

ESTIMATORS = [check_instance(cls) for _, cls in all_estimators()]


def test_all_estimators_found():
    names = {name for name, _ in all_estimators()}
    assert {
        "PhotometricColors",
        "MagnitudeToFlux",
        "FluxToMagnitude",
        "PolarTransformer",
        "SkyCoordinateTransformer",
    } <= names


def test_expected_failures_have_reasons():
    names = {name for name, _ in all_estimators()}
    for name, checks in EXPECTED_FAILED_CHECKS.items():
        assert name in names, f"expected failures listed for unknown {name}"
        for check, reason in checks.items():
            assert isinstance(reason, str) and len(reason) > 20, (name, check)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("type_filter", ["classifier", "transformer"])
def test_all_estimators_filter(type_filter):
    import sklearn.base as skbase

    mixin = {
        "classifier": skbase.ClassifierMixin,
        "transformer": skbase.TransformerMixin,
    }[type_filter]
    for _, cls in all_estimators(type_filter):
        assert issubclass(cls, mixin)


def test_all_estimators_bad_filter():
    with pytest.raises(ValueError, match="type_filter got"):
        all_estimators("spaceship")
