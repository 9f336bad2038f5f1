"""Default search spaces: every key settable, clone-safe, within the constraints."""

import numpy as np
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skastro.model_selection import (
    categorical_param,
    float_param,
    int_param,
    register_search_space,
    search_space,
)
from skastro.model_selection._search_space import _REGISTRY, _registered_entry
from skastro.utils import all_estimators
from skastro.utils._testing import check_instance

optuna = pytest.importorskip("optuna")
from optuna.distributions import (  # noqa: E402
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

SKASTRO = [check_instance(cls) for _, cls in all_estimators()]
META = [e for e in SKASTRO if "estimator" in e.get_params(deep=False)]
NEIGHBOURS = [
    RandomForestClassifier(),
    ExtraTreesClassifier(),
    HistGradientBoostingClassifier(),
    BalancedRandomForestClassifier(),
    LogisticRegression(),
    SVC(),
    KNeighborsClassifier(),
    SMOTE(),
]


def _ids(estimators):
    return [type(e).__name__ for e in estimators]


def _candidate_values(dist):
    """The edges and middle of a distribution: where bad bounds show up."""
    if isinstance(dist, CategoricalDistribution):
        return list(dist.choices)
    if isinstance(dist, IntDistribution):
        return sorted({dist.low, (dist.low + dist.high) // 2, dist.high})
    assert isinstance(dist, FloatDistribution)
    return [dist.low, (dist.low + dist.high) / 2, dist.high]


def _samples(space):
    values = {key: _candidate_values(dist) for key, dist in space.items()}
    n = max((len(v) for v in values.values()), default=0)
    return [{k: v[i % len(v)] for k, v in values.items()} for i in range(n)]


def _check_space_settable(estimator):
    space = search_space(estimator)
    valid = estimator.get_params(deep=True)
    for key, dist in space.items():
        assert key in valid, key
        assert isinstance(
            dist, IntDistribution | FloatDistribution | CategoricalDistribution
        )
        if isinstance(dist, CategoricalDistribution):
            for choice in dist.choices:  # what an RDB storage round-trips
                assert choice is None or isinstance(choice, bool | int | float | str)
    for sample in _samples(space):
        candidate = clone(estimator).set_params(**sample)
        # the estimator's own declared constraints accept every sampled value
        candidate._validate_params()
        for step in candidate.get_params(deep=True).values():
            if isinstance(step, BaseEstimator) and not hasattr(step, "steps"):
                step._validate_params()
        cloned = clone(candidate)
        params = cloned.get_params(deep=True)
        for key, value in sample.items():
            assert params[key] == value, (key, params[key], value)
    return space


@pytest.mark.parametrize("estimator", SKASTRO, ids=_ids(SKASTRO))
def test_every_skastro_estimator_has_a_settable_space(estimator):
    # registered (an empty space is allowed, but it must be a decision)
    assert _registered_entry(estimator) is not None, (
        f"no search space registered for {type(estimator).__name__}: add one in "
        "skastro/model_selection/_default_spaces.py"
    )
    _check_space_settable(estimator)


@pytest.mark.parametrize("estimator", META, ids=_ids(META))
def test_meta_estimators_search_their_inner_estimator(estimator):
    meta = clone(estimator).set_params(estimator=RandomForestClassifier())
    space = _check_space_settable(meta)
    assert "estimator__max_depth" in space
    pipe = make_pipeline(StandardScaler(), meta)
    name = type(estimator).__name__.lower()
    assert f"{name}__estimator__max_depth" in _check_space_settable(pipe)


@pytest.mark.parametrize("estimator", NEIGHBOURS, ids=_ids(NEIGHBOURS))
def test_sklearn_and_imblearn_spaces_are_settable(estimator):
    space = _check_space_settable(estimator)
    assert space  # these all have something worth tuning


def test_pipeline_keys_are_prefixed_and_unregistered_steps_skipped():
    pipe = make_imb_pipeline(StandardScaler(), SMOTE(), RandomForestClassifier())
    space = _check_space_settable(pipe)
    assert "smote__k_neighbors" in space
    assert "randomforestclassifier__max_depth" in space
    assert not [k for k in space if k.startswith("standardscaler")]
    assert set(space) == {f"smote__{k}" for k in search_space(SMOTE())} | {
        f"randomforestclassifier__{k}" for k in search_space(RandomForestClassifier())
    }


def test_unregistered_meta_estimator_searches_its_inner_estimator():
    space = _check_space_settable(BaggingClassifier(estimator=LogisticRegression()))
    assert set(space) == {"estimator__C", "estimator__class_weight"}


def test_unregistered_estimator_raises():
    class Unknown(ClassifierMixin, BaseEstimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha

    with pytest.raises(ValueError, match="no search space is registered for Unknown"):
        search_space(Unknown())
    with pytest.raises(ValueError, match="Pipeline"):
        search_space(make_pipeline(StandardScaler(), Unknown()))
    with pytest.raises(TypeError, match="expected a scikit-learn estimator"):
        search_space("RandomForestClassifier")


def test_register_validates_and_subclasses_inherit(monkeypatch):
    monkeypatch.setattr(
        "skastro.model_selection._search_space._REGISTRY", dict(_REGISTRY)
    )

    class Custom(ClassifierMixin, BaseEstimator):
        def __init__(self, alpha=1.0, depth=3):
            self.alpha = alpha
            self.depth = depth

    class Child(Custom):
        pass

    @register_search_space(Custom)
    def _space(estimator):
        return {"alpha": float_param(0.1, 1.0), "depth": int_param(1, estimator.depth)}

    assert search_space(Custom(depth=5))["depth"].high == 5
    assert set(search_space(Child())) == {"alpha", "depth"}  # along the MRO

    register_search_space("Custom", {"beta": float_param(0.0, 1.0)})
    with pytest.raises(ValueError, match="parameter 'beta'.*does not have"):
        search_space(Custom())
    with pytest.raises(TypeError, match="expected a mapping"):
        register_search_space("Custom", 3)
    with pytest.raises(TypeError, match="expected a class or a class name"):
        register_search_space(3, {})


def test_spec_validation():
    with pytest.raises(TypeError, match=r"choice 1 is \(64, 32\)"):
        categorical_param(32, (64, 32))
    with pytest.raises(ValueError, match="no choices"):
        categorical_param()
    with pytest.raises(ValueError, match="low=5 > high=1"):
        int_param(5, 1)
    with pytest.raises(ValueError, match="log=True; expected low > 0"):
        float_param(0.0, 1.0, log=True)


def test_usable_with_optuna_search_cv():
    from optuna_integration import OptunaSearchCV

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    space = search_space(pipe)
    search = OptunaSearchCV(pipe, space, n_trials=3, cv=3, random_state=0)
    search.fit(X, y)
    assert set(search.best_params_) == set(space)
    assert search.best_estimator_.score(X, y) > 0.8


def test_grid_search_cv_is_unaffected():
    """search_space only reads the estimator; GridSearchCV works as before."""
    from skastro.ensemble import HierarchicalClassifier
    from skastro.preprocessing import PhotometricColors

    rng = np.random.default_rng(1)
    mags = 18 + rng.normal(size=(80, 5))
    y = (mags[:, 1] - mags[:, 2] > 0).astype(int)
    pipe = make_pipeline(
        PhotometricColors(), HierarchicalClassifier(estimator=LogisticRegression())
    )
    before = repr(pipe.get_params(deep=True))
    space = search_space(pipe)
    assert repr(pipe.get_params(deep=True)) == before
    grid = {
        key: list(dist.choices)
        for key, dist in space.items()
        if isinstance(dist, CategoricalDistribution)
    }
    assert "photometriccolors__pairs" in grid
    assert "hierarchicalclassifier__estimator__class_weight" in grid
    search = GridSearchCV(pipe, grid, cv=3).fit(mags, y)
    n_candidates = np.prod([len(v) for v in grid.values()])
    assert len(search.cv_results_["params"]) == n_candidates
    assert search.best_score_ > 0.8  # the g-r colour decides the label
