"""A tuning study on SQLite survives SIGKILL and concurrent workers.

The workers are separate Python processes running ``_tune_worker.py``; the
test reads the study back from the SQLite file with Optuna directly.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

optuna = pytest.importorskip("optuna")
from optuna.trial import TrialState  # noqa: E402

WORKER = Path(__file__).with_name("_tune_worker.py")


def _start(storage, out, *args):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    env.update(OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, str(WORKER), storage, str(out), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )


def _only_study(storage):
    summaries = optuna.get_all_study_summaries(storage=storage)
    assert len(summaries) == 1, [s.study_name for s in summaries]
    return optuna.load_study(study_name=summaries[0].study_name, storage=storage)


def _wait_for_complete(proc, storage, n, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
        try:
            study = _only_study(storage)
        except Exception:  # not created yet, or mid-creation
            time.sleep(0.1)
            continue
        if len(study.get_trials(states=(TrialState.COMPLETE,))) >= n:
            return
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"worker did not finish {n} trials in {timeout} s")


@pytest.mark.slow
def test_sigkill_mid_study_then_resume(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    n_trials = 8
    worker = _start(
        storage,
        tmp_path / "a.json",
        "--n-trials",
        n_trials,
        "--delay",
        0.2,
        "--heartbeat",
        1,
    )
    _wait_for_complete(worker, storage, 2)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert not (tmp_path / "a.json").exists()  # it really died mid-study

    before = _only_study(storage).get_trials()
    done_before = {t.number: t for t in before if t.state == TrialState.COMPLETE}
    cut_off = [t.number for t in before if t.state == TrialState.RUNNING]
    assert 2 <= len(done_before) < n_trials

    # the same call again (same derived study name) resumes the study
    resumed = _start(
        storage,
        tmp_path / "b.json",
        "--n-trials",
        n_trials,
        "--delay",
        0.2,
        "--heartbeat",
        1,
    )
    out, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, out.decode()[-3000:]
    report = json.loads((tmp_path / "b.json").read_text())

    study = _only_study(storage)
    assert study.study_name == report["study_name"]
    after = {t.number: t for t in study.get_trials()}
    # every trial finished before the kill is still there, with its value
    for number, trial in done_before.items():
        assert after[number].state == TrialState.COMPLETE
        assert after[number].value == trial.value
        assert after[number].params == trial.params
    # the resumed call only ran the missing trials: n_trials COMPLETE in all
    complete = [t for t in after.values() if t.state == TrialState.COMPLETE]
    assert len(complete) == n_trials == report["n_trials"]
    assert len(report["trials_run"]) == n_trials - len(done_before)
    assert not set(report["trials_run"]) & set(done_before)
    # the trial cut off by the kill stopped beating: recorded FAIL, not lost
    for number in cut_off:
        assert after[number].state == TrialState.FAIL
    assert not [t for t in after.values() if t.state == TrialState.RUNNING]


@pytest.mark.slow
def test_two_processes_share_one_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    n_trials = 8
    workers = [
        _start(
            storage,
            tmp_path / f"{i}.json",
            "--n-trials",
            n_trials,
            "--delay",
            0.05,
            "--seed",
            i,
        )
        for i in range(2)
    ]
    for proc in workers:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out.decode()[-3000:]
    reports = [json.loads((tmp_path / f"{i}.json").read_text()) for i in range(2)]
    assert reports[0]["study_name"] == reports[1]["study_name"]

    study = _only_study(storage)
    numbers = [t.number for t in study.get_trials()]
    run_a, run_b = (set(r["trials_run"]) for r in reports)
    # no trial lost or counted twice: each process's trials are its own and
    # together they are exactly the study's trials
    assert len(numbers) == len(set(numbers))
    assert not run_a & run_b
    assert run_a | run_b == set(numbers)
    assert len(numbers) == len(reports[0]["trials_run"]) + len(reports[1]["trials_run"])
    assert run_a and run_b  # both really worked on it
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    # both stop at n_trials; a worker mid-trial at that moment may add one
    assert n_trials <= len(complete) <= n_trials + 1
