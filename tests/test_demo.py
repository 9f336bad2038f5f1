"""``python -m skastro demo``: the table, the figures, the missing-data message."""

import math
import os
import subprocess
import sys

import pytest

from skastro._demo import Row, format_table

DEMO_DATA = (
    "sdss_dr14_skyserver_10k",
    "batse_grb",
    "asas_training",
    "snad_ztf_realbogus",
)
TASKS = (
    "SDSS star/galaxy/QSO",
    "BATSE short/long GRBs",
    "ASAS variable stars",
    "ZTF real/bogus (10% real)",
)
FIGURES = (
    "sdss_confusion_matrix.png",
    "sdss_qso_recall_vs_threshold.png",
    "batse_bic_and_posterior.png",
    "asas_folded_light_curves.png",
    "asas_feature_importances.png",
    "ztf_realbogus_precision_recall.png",
)


def _parse_table(stdout: str) -> list[list[str]]:
    """Rows of the ``a | b | c`` table in the demo's standard output."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("task "))
    header = [c.strip() for c in lines[start].split(" | ")]
    assert header == ["task", "model", "metric", "value", "time [s]"]
    assert set(lines[start + 1]) <= {"-", "+"}
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        rows.append([c.strip() for c in line.split(" | ")])
    return rows


def _run_demo(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skastro", "demo", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg", **env},
        timeout=900,
    )


def test_format_table_round_trips():
    rows = [
        Row("task A", "model | x", "metric", 0.123456, 1.25),
        Row("a longer task name", "m", "recall", 3.0, 10.0),
    ]
    text = format_table(rows)
    parsed = _parse_table(text)
    assert [r[0] for r in parsed] == ["task A", "a longer task name"]
    assert [float(r[-2]) for r in parsed] == [0.1235, 3.0]
    assert [float(r[-1]) for r in parsed] == [1.2, 10.0]  # 1.25 rounds to even
    # every line has the same width: a real table
    assert len({len(line) for line in text.splitlines()}) == 1


def test_demo_without_data_says_so_and_exits_1(tmp_path):
    """An empty cache and an unreachable origin: one paragraph, exit code 1."""
    empty = tmp_path / "empty_cache"
    empty.mkdir()
    out = tmp_path / "out"
    proc = _run_demo(
        ["--data-home", str(empty), "--output", str(out)],
        # port 9 (discard) refuses the connection at once: no network needed
        {"SKASTRO_DATA_URL": "http://127.0.0.1:9/mirror"},
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    message = proc.stderr.strip().splitlines()[-1]
    assert "could not be found in the cache" in message
    assert str(empty) in message
    assert "SKASTRO_DATA" in message
    assert not out.exists()  # nothing was run
    assert proc.stdout == ""


@pytest.mark.slow
def test_demo_runs_end_to_end(require_data, tmp_path):
    for folder in DEMO_DATA:
        home = require_data(folder)
    out = tmp_path / "figures"
    proc = _run_demo(["--output", str(out)], {"SKASTRO_DATA": str(home)})
    assert proc.returncode == 0, proc.stderr[-5000:]
    rows = _parse_table(proc.stdout)
    assert {r[0] for r in rows} == set(TASKS)
    for task, model, metric, value, seconds in rows:
        assert model and metric, (task, model, metric)
        assert math.isfinite(float(value)), (task, metric, value)
        assert float(seconds) >= 0
    values = {(r[0], r[2]): float(r[3]) for r in rows}
    # sanity bounds from the literature, not from this code's own output:
    # colours separate SDSS classes at > 90 % (e.g. Clarke et al. 2020), the
    # ASAS classes at well above chance (1/20), BIC gives 2 or 3 GRB groups
    assert values[("SDSS star/galaxy/QSO", "balanced accuracy (test)")] > 0.9
    assert values[("BATSE short/long GRBs", "components preferred by BIC")] in (2, 3)
    assert values[("ASAS variable stars", "balanced accuracy (test)")] > 0.3
    for name in FIGURES:
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 10_000, name
    assert str(out.resolve()) in proc.stdout
