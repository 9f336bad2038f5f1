"""tune(): n_trials semantics, failures, storage, study names, seeds, pruning."""

import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skastro.model_selection import DEFAULT_STORAGE, TuningResult, tune

optuna = pytest.importorskip("optuna")
from optuna.distributions import CategoricalDistribution as Cat  # noqa: E402
from optuna.distributions import FloatDistribution as Float  # noqa: E402
from optuna.trial import TrialState  # noqa: E402


class CentroidClassifier(ClassifierMixin, BaseEstimator):
    """Nearest shrunken centroid: cheap, deterministic, with a tunable knob."""

    def __init__(self, shrink=0.0, fail=False):
        self.shrink = shrink
        self.fail = fail

    def fit(self, X, y):
        if self.fail:
            raise RuntimeError(
                f"CentroidClassifier refuses to fit (shrink={self.shrink})"
            )
        self.classes_ = np.unique(y)
        centroids = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        self.centroids_ = centroids * (1.0 - self.shrink)
        return self

    def predict(self, X):
        d = ((X[:, None, :] - self.centroids_[None]) ** 2).sum(axis=-1)
        return self.classes_[d.argmin(axis=1)]


class SkillClassifier(ClassifierMixin, BaseEstimator):
    """Reads the true label from column 0 and gets a ``skill`` fraction right."""

    def __init__(self, skill=1.0):
        self.skill = skill

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        truth = X[:, 0].astype(int)
        n_right = int(round(self.skill * len(X)))
        return np.where(np.arange(len(X)) < n_right, truth, 1 - truth)


SHRINK = {"shrink": Float(0.0, 0.95)}


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=60) > 0).astype(int)
    return X, y


def _states(study):
    return [t.state for t in study.get_trials()]


def test_n_trials_is_the_total_the_study_should_hold(tmp_path, data):
    X, y = data
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    kwargs = dict(param_distributions=SHRINK, cv=3, storage=storage, pruning=False)
    first = tune(CentroidClassifier(), X, y, n_trials=3, random_state=0, **kwargs)
    assert isinstance(first, TuningResult)
    assert first.trials_run_ == [0, 1, 2] and first.n_trials_ == 3

    # same call, larger total: only the missing two trials run
    second = tune(CentroidClassifier(), X, y, n_trials=5, random_state=0, **kwargs)
    assert second.study_name_ == first.study_name_
    assert second.trials_run_ == [3, 4] and second.n_trials_ == 5
    assert _states(second.study_) == [TrialState.COMPLETE] * 5
    # the resumed sampler is seeded past the stored trials: no replayed params
    shrinks = [t.params["shrink"] for t in second.study_.get_trials()]
    assert len(set(shrinks)) == 5

    # a total already reached runs nothing and returns the same best trial
    third = tune(CentroidClassifier(), X, y, n_trials=4, random_state=0, **kwargs)
    assert third.trials_run_ == [] and third.n_trials_ == 5
    assert third.best_params_ == second.best_params_
    best = max(second.study_.get_trials(), key=lambda t: t.value)
    assert third.best_params_ == best.params


class ModeClassifier(CentroidClassifier):
    """A centroid classifier with a knob of every categorical value type."""

    def __init__(self, shrink=0.0, fail=False, mode=None):
        super().__init__(shrink=shrink, fail=fail)
        self.mode = mode


def test_categorical_values_round_trip_through_sqlite(tmp_path, data):
    X, y = data
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    choices = [None, True, 3, 2.5, "balanced"]
    kwargs = dict(
        param_distributions={"mode": Cat(choices), **SHRINK},
        cv=3,
        storage=storage,
        pruning=False,
        random_state=0,
    )
    tune(ModeClassifier(), X, y, n_trials=8, **kwargs)
    # a later call opens the storage afresh and reads the stored values back
    resumed = tune(ModeClassifier(), X, y, n_trials=8, **kwargs)
    assert resumed.trials_run_ == []
    seen = [t.params["mode"] for t in resumed.study_.get_trials()]
    for value in seen:
        assert any(
            value is c or (type(value) is type(c) and value == c) for c in choices
        )
    mode = resumed.best_estimator_.mode
    assert mode is resumed.best_params_["mode"] or mode == resumed.best_params_["mode"]
    clone(resumed.best_estimator_)  # set from stored values, still clone-safe


def test_failed_trials_are_recorded_and_do_not_stop_the_search(data):
    X, y = data
    space = {"fail": Cat([False, True]), **SHRINK}
    with pytest.warns(FitFailedWarning) as record:
        result = tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=space,
            n_trials=8,
            cv=3,
            storage=":memory:",
            pruning=False,
            random_state=0,
        )
    trials = result.study_.get_trials()
    failed = [t for t in trials if t.state == TrialState.FAIL]
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert failed and complete  # this seed draws both
    assert len(trials) == 8 == len(result.trials_run_)  # n_trials attempts
    assert all(t.params["fail"] for t in failed)
    assert not any(t.params["fail"] for t in complete)
    for t in failed:
        assert (
            "RuntimeError: CentroidClassifier refuses to fit" in t.user_attrs["error"]
        )
    message = str(record[0].message)
    n_failed, n_run = map(int, re.search(r"(\d+) of (\d+) trials", message).groups())
    assert (n_failed, n_run) == (len(failed), 8)
    assert result.n_trials_ == len(complete)  # FAIL does not count
    assert result.best_params_["fail"] is False


def test_all_trials_failing_raises_with_the_error(data):
    X, y = data
    with (
        pytest.warns(FitFailedWarning),
        pytest.raises(ValueError, match="refuses to fit"),
    ):
        tune(
            CentroidClassifier(fail=True),
            X,
            y,
            param_distributions=SHRINK,
            n_trials=2,
            cv=3,
            storage=":memory:",
        )


def test_default_storage_is_a_sqlite_file_in_the_cwd(tmp_path, monkeypatch, data):
    X, y = data
    monkeypatch.chdir(tmp_path)
    kwargs = dict(param_distributions=SHRINK, cv=3, n_trials=2, pruning=False)
    first = tune(CentroidClassifier(), X, y, **kwargs)
    assert DEFAULT_STORAGE == "sqlite:///skastro_tuning.db"
    assert (tmp_path / "skastro_tuning.db").is_file()
    assert re.fullmatch(r"skastro-CentroidClassifier-[0-9a-f]{16}", first.study_name_)

    again = tune(CentroidClassifier(), X, y, **{**kwargs, "n_trials": 3})
    assert again.study_name_ == first.study_name_ and again.trials_run_ == [2]

    # another data set, space, scoring or cv is another study
    names = {
        tune(CentroidClassifier(), X, 1 - y, **kwargs).study_name_,
        tune(CentroidClassifier(), X, y, **{**kwargs, "cv": 4}).study_name_,
        tune(
            CentroidClassifier(), X, y, **kwargs, scoring="balanced_accuracy"
        ).study_name_,
        tune(
            CentroidClassifier(),
            X,
            y,
            **{**kwargs, "param_distributions": {"shrink": Float(0.0, 0.5)}},
        ).study_name_,
    }
    assert len(names) == 4 and first.study_name_ not in names
    summaries = optuna.get_all_study_summaries(storage=DEFAULT_STORAGE)
    assert len(summaries) == 5


def test_same_random_state_same_search_in_memory(data):
    X, y = data

    def run(seed):
        result = tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=SHRINK,
            n_trials=6,
            cv=3,
            storage=":memory:",
            random_state=seed,
        )
        return result, [t.params for t in result.study_.get_trials()]

    a, params_a = run(42)
    b, params_b = run(42)
    _, params_c = run(7)
    assert params_a == params_b
    assert a.best_params_ == b.best_params_ and a.best_score_ == b.best_score_
    assert params_a != params_c


def test_per_fold_pruning_reports_running_means_and_prunes(data):
    X, y = data
    X = np.column_stack([y, X])  # column 0 is the truth SkillClassifier reads
    cv = StratifiedKFold(4)
    result = tune(
        SkillClassifier(),
        X,
        y,
        param_distributions={"skill": Float(0.0, 1.0)},
        n_trials=14,
        cv=cv,
        storage=":memory:",
        random_state=0,
        pruning=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0),
    )
    trials = result.study_.get_trials()
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert pruned and complete
    assert result.n_trials_ == len(pruned) + len(complete) == 14  # PRUNED counts

    for t in trials:
        # fold scores recomputed independently of tune
        expected = cross_val_score(SkillClassifier(**t.params), X, y, cv=cv)
        steps = sorted(t.intermediate_values)
        assert steps == list(range(len(steps)))
        for k in steps:
            assert t.user_attrs[f"split{k}_test_score"] == pytest.approx(expected[k])
            assert t.intermediate_values[k] == pytest.approx(expected[: k + 1].mean())
        if t.state == TrialState.COMPLETE:
            assert len(steps) == 4 and t.value == pytest.approx(expected.mean())
        else:
            assert len(steps) < 4
            # pruned where it fell below the median of earlier trials
            k = steps[-1]
            earlier = [
                u.intermediate_values[k]
                for u in trials[: t.number]
                if u.state == TrialState.COMPLETE and k in u.intermediate_values
            ]
            assert t.intermediate_values[k] < np.median(earlier)


def test_pruning_false_reports_nothing(data):
    X, y = data
    result = tune(
        CentroidClassifier(),
        X,
        y,
        param_distributions=SHRINK,
        n_trials=6,
        cv=3,
        storage=":memory:",
        pruning=False,
        random_state=0,
    )
    assert all(t.state == TrialState.COMPLETE for t in result.study_.get_trials())
    assert all(not t.intermediate_values for t in result.study_.get_trials())


def test_result_forwards_to_the_refitted_best_estimator(data):
    X, y = data
    result = tune(
        CentroidClassifier(),
        X,
        y,
        param_distributions=SHRINK,
        n_trials=3,
        cv=3,
        storage=":memory:",
        scoring="balanced_accuracy",
    )
    expected = clone(CentroidClassifier()).set_params(**result.best_params_).fit(X, y)
    np.testing.assert_array_equal(result.predict(X), expected.predict(X))
    assert result.best_estimator_.shrink == result.best_params_["shrink"]
    assert result.score(X, y) == pytest.approx(result.scorer_(expected, X, y))
    assert result.n_splits_ == 3
    assert len(result.trials_dataframe()) == 3
    assert result.study_name_ in repr(result)


def test_bad_arguments_are_named(tmp_path, data):
    X, y = data
    base = dict(cv=3, storage=":memory:", n_trials=2)
    with pytest.raises(ValueError, match="'depth' is not a parameter of Centroid"):
        tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions={"depth": Float(0, 1)},
            **base,
        )
    with pytest.raises(TypeError, match=r"param_distributions\['shrink'\] is \[0, 1\]"):
        tune(CentroidClassifier(), X, y, param_distributions={"shrink": [0, 1]}, **base)
    with pytest.raises(ValueError, match="n_trials=0"):
        tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=SHRINK,
            **{**base, "n_trials": 0},
        )
    with pytest.raises(TypeError, match="storage=3"):
        tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=SHRINK,
            **{**base, "storage": 3},
        )
    with pytest.raises(TypeError, match="pruning='yes'"):
        tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=SHRINK,
            pruning="yes",
            **base,
        )
    with pytest.raises(ValueError, match="no search space is registered"):
        tune(CentroidClassifier(), X, y, **base)

    storage = f"sqlite:///{tmp_path / 'min.db'}"
    optuna.create_study(study_name="losses", storage=storage, direction="minimize")
    with pytest.raises(ValueError, match="study 'losses' in the storage minimises"):
        tune(
            CentroidClassifier(),
            X,
            y,
            param_distributions=SHRINK,
            cv=3,
            storage=storage,
            study_name="losses",
        )


def test_a_study_made_for_another_estimator_is_refused(tmp_path, data):
    # resuming by name checks what the study was created for: another
    # estimator or another search space is refused with both named, before
    # any trial runs (not at refit, where the parameter names would clash)
    X, y = data
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    common = dict(storage=storage, study_name="shared", cv=3, random_state=0)
    tune(CentroidClassifier(), X, y, param_distributions=SHRINK, n_trials=2, **common)
    skill = {"skill": Float(0.0, 1.0)}
    with pytest.raises(ValueError) as info:
        tune(SkillClassifier(), X, y, param_distributions=skill, n_trials=3, **common)
    message = str(info.value)
    assert "created for CentroidClassifier with search space ['shrink']" in message
    assert "this call tunes SkillClassifier with ['skill']" in message
    study = optuna.load_study(study_name="shared", storage=storage)
    assert len(study.trials) == 2
    # the same estimator and space resume the study
    result = tune(
        CentroidClassifier(), X, y, param_distributions=SHRINK, n_trials=3, **common
    )
    assert result.n_trials_ == 3


def test_study_purpose_is_recorded_with_its_marker_last(monkeypatch, data):
    # two processes may create and resume one study at the same moment: the
    # key that marks the purpose as recorded is written after the others, so
    # the other process sees either no record or all of it (a half-written
    # record reads as "search space None" and refuses a same-purpose resume)
    X, y = data
    written = []
    original = optuna.study.Study.set_user_attr

    def record(self, key, value):
        written.append(key)
        original(self, key, value)

    monkeypatch.setattr(optuna.study.Study, "set_user_attr", record)
    tune(
        CentroidClassifier(),
        X,
        y,
        param_distributions=SHRINK,
        n_trials=1,
        cv=3,
        storage=":memory:",
    )
    purpose = [key for key in written if key.startswith("skastro_")]
    assert purpose[-1] == "skastro_estimator"
    assert set(purpose) == {"skastro_estimator", "skastro_lineage", "skastro_space"}


def test_progress_bar_passes_through(data, capsys):
    X, y = data
    tune(
        CentroidClassifier(),
        X,
        y,
        param_distributions=SHRINK,
        n_trials=2,
        cv=3,
        storage=":memory:",
        show_progress_bar=True,
    )
    assert "2/2" in capsys.readouterr().err


def test_a_subclass_of_the_estimator_may_resume_its_study(tmp_path, data):
    # a slowed-down or instrumented subclass shares the study of its parent
    # class (the same model, the same search space)
    class Instrumented(CentroidClassifier):
        pass

    X, y = data
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    common = dict(
        storage=storage, study_name="family", cv=3, param_distributions=SHRINK
    )
    tune(Instrumented(), X, y, n_trials=2, **common)
    assert tune(CentroidClassifier(), X, y, n_trials=3, **common).n_trials_ == 3
