"""Tuning spread over several processes on one Optuna RDB (SQLite) study.

* The crash test of the tuning issue with its trials spread over two
  processes: both are killed with SIGKILL mid-study; every trial finished
  before the kill keeps its value, and a resumed call completes the study
  to exactly ``n_trials`` finished trials.
* Several Dask workers (a real two-process ``distributed.LocalCluster``)
  call :func:`skastro.model_selection.tune` on one study: no trial is lost or
  duplicated and both workers contribute.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

FINISHED = ("COMPLETE", "PRUNED")


def _space():
    from optuna.distributions import IntDistribution

    return {
        "max_depth": IntDistribution(1, 8),
        "min_samples_leaf": IntDistribution(1, 20),
    }


# A worker script: a decision tree slowed down a little (so that the
# study is still running when it is killed) which logs the pid of every fit.
WORKER = textwrap.dedent(
    """
    import os
    import sys
    import time

    from optuna.distributions import IntDistribution
    from sklearn.datasets import make_classification
    from sklearn.tree import DecisionTreeClassifier

    from skastro.model_selection import tune


    class SlowDecisionTree(DecisionTreeClassifier):
        def fit(self, X, y, sample_weight=None, check_input=True):
            time.sleep(0.15)
            with open(sys.argv[3], "a") as log:
                log.write(f"{os.getpid()}\\n")
            return super().fit(X, y, sample_weight, check_input)


    X, y = make_classification(n_samples=120, random_state=0)
    tune(
        SlowDecisionTree(random_state=0),
        X,
        y,
        param_distributions={
            "max_depth": IntDistribution(1, 8),
            "min_samples_leaf": IntDistribution(1, 20),
        },
        cv=3,
        n_trials=int(sys.argv[2]),
        storage=sys.argv[1],
        study_name="crash-two-processes",
        pruning=False,
        random_state=int(sys.argv[4]),
    )
    """
)


def _trials(url, name):
    storage = optuna.storages.RDBStorage(
        url, engine_kwargs={"connect_args": {"timeout": 60}}
    )
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:  # not created yet
        return []
    return study.get_trials(deepcopy=False)


def _finished(trials):
    return [t for t in trials if t.state.name in FINISHED]


def test_crash_with_trials_spread_over_two_processes(tmp_path):
    n_trials = 10
    url = f"sqlite:///{tmp_path / 'study.db'}"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    pid_log = tmp_path / "fits.log"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(n_trials), str(pid_log), str(seed)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for seed in (1, 2)
    ]
    try:
        # wait until both processes have fitted and the study holds a few
        # finished trials, then kill both at once
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            pids = set(pid_log.read_text().split()) if pid_log.exists() else set()
            done = _finished(_trials(url, "crash-two-processes"))
            if len(pids) == 2 and len(done) >= 3:
                break
            assert all(p.poll() is None for p in procs), [
                p.stderr.read().decode()[-2000:] for p in procs if p.poll() is not None
            ]
            time.sleep(0.05)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait(timeout=60)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [-signal.SIGKILL] * 2

    # both processes did the work of the study
    pids = set(pid_log.read_text().split())
    assert {str(p.pid) for p in procs} <= pids

    before = {t.number: t.value for t in _finished(_trials(url, "crash-two-processes"))}
    assert 3 <= len(before) < n_trials, "the kill did not land mid-study"

    # resume in this process
    from sklearn.datasets import make_classification
    from sklearn.tree import DecisionTreeClassifier

    from skastro.model_selection import tune

    X, y = make_classification(n_samples=120, random_state=0)
    result = tune(
        DecisionTreeClassifier(random_state=0),
        X,
        y,
        param_distributions=_space(),
        cv=3,
        n_trials=n_trials,
        storage=url,
        study_name="crash-two-processes",
        pruning=False,
        random_state=3,
    )
    after = _trials(url, "crash-two-processes")
    finished_after = {t.number: t.value for t in _finished(after)}
    # every trial finished before the kill is there, with its value
    for number, value in before.items():
        assert finished_after[number] == value, number
    # exactly the requested number of finished trials, none duplicated
    assert len(finished_after) == n_trials
    assert len({t.number for t in after}) == len(after)
    assert result.n_trials_ == n_trials
    # the resumed call only ran the missing trials
    assert len(result.trials_run_) == n_trials - len(before)
    # at most one trial per killed process was cut off (left RUNNING)
    cut_off = [t for t in after if t.state.name in ("RUNNING", "FAIL")]
    assert len(cut_off) <= 2


# --- several Dask workers on one study --------------------------------------


def _tune_after_both_workers_are_ready(index, **kwargs):
    """Run ``tune`` on a Dask worker once both workers have imported it.

    Without this barrier a worker that starts late (its first import of
    skastro and Optuna) can find the whole study already run by the other.
    """
    import distributed
    from sklearn.tree import DecisionTreeClassifier

    from skastro.model_selection import tune

    class SlowDecisionTree(DecisionTreeClassifier):
        # each fit waits a little, so that one worker cannot run every
        # trial in the time the other takes to ask for its first one
        def fit(self, X, y, sample_weight=None, check_input=True):
            time.sleep(0.1)
            return super().fit(X, y, sample_weight, check_input)

    distributed.Event(f"ready-{index}").set()
    assert distributed.Event(f"ready-{1 - index}").wait(timeout=120)
    return tune(SlowDecisionTree(random_state=0), **kwargs)


def test_tune_from_two_dask_workers_on_one_study(tmp_path):
    distributed = pytest.importorskip("distributed")
    from sklearn.datasets import make_classification
    from sklearn.tree import DecisionTreeClassifier

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    n_trials = 6
    X, y = make_classification(n_samples=150, random_state=0)

    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)
        workers = sorted(client.scheduler_info(n_workers=-1)["workers"])
        futures = [
            client.submit(
                _tune_after_both_workers_are_ready,
                seed,
                X=X,
                y=y,
                param_distributions=_space(),
                cv=3,
                n_trials=n_trials,
                storage=url,
                study_name="shared",
                pruning=False,
                random_state=seed,
                workers=[address],
                allow_other_workers=False,
                pure=False,
            )
            for seed, address in enumerate(workers)
        ]
        results = client.gather(futures)

    trials = _trials(url, "shared")
    finished = _finished(trials)
    runs = [set(r.trials_run_) for r in results]
    # both workers ran trials, none ran the same trial
    assert all(runs), f"a worker ran no trial: {runs}"
    assert not runs[0] & runs[1]
    assert runs[0] | runs[1] == {t.number for t in trials}
    # nothing lost: every trial of the study completed; concurrent workers
    # may overshoot n_trials by at most one trial each (documented in tune)
    assert all(t.state.name == "COMPLETE" for t in trials)
    assert n_trials <= len(finished) <= n_trials + 1
    assert len({t.number for t in trials}) == len(trials)
    # each worker returns a model refitted with the best trial it saw
    values = {t.number: t.value for t in finished}
    for r in results:
        assert r.best_score_ == values[r.best_trial_.number]
        assert r.best_score_ >= max(values[n] for n in r.trials_run_)
        np.testing.assert_array_equal(
            r.best_estimator_.predict(X),
            DecisionTreeClassifier(random_state=0, **r.best_params_)
            .fit(X, y)
            .predict(X),
        )
