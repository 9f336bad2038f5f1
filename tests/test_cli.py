"""``python -m skastro``: ``--version`` and the ``features`` command."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import skastro
from skastro.__main__ import main
from skastro.lightcurve import LightCurveFeatures, from_long_table


def _long_table(n_objects=4, n_points=30, seed=0):
    rng = np.random.RandomState(seed)
    rows = []
    for k in range(n_objects):
        t = np.sort(rng.uniform(0, 50, n_points))
        mag = (
            15 + 0.3 * np.sin(2 * np.pi * t / (0.5 + k)) + rng.normal(0, 0.02, n_points)
        )
        band = np.where(np.arange(n_points) % 2, "g", "r")
        rows.append(
            pd.DataFrame(
                {"oid": f"obj{k}", "mjd": t, "mag": mag, "err": 0.02, "fid": band}
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_version_prints_the_package_version():
    out = subprocess.run(
        [sys.executable, "-m", "skastro", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"skastro {skastro.__version__}"


@pytest.mark.parametrize("suffix", [".csv", ".fits", ".ecsv"])
def test_features_file_equals_the_in_memory_transform(tmp_path, suffix, capsys):
    # the command is a thin shell over from_long_table + LightCurveFeatures:
    # its table must hold the same numbers, with the ids first
    table = _long_table()
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        table.to_csv(source, index=False)
    else:
        from astropy.table import Table

        Table.from_pandas(table).write(source)
    target = tmp_path / f"out{suffix}"
    argv = [str(source), "-o", str(target), "--id", "oid", "--time", "mjd"]
    argv += ["--mag", "mag", "--err", "err", "--band", "fid", "--no-progress"]
    assert main(["features", *argv]) == 0
    assert "4 objects" in capsys.readouterr().out
    from skastro.__main__ import read_table

    written = read_table(target)
    seq = from_long_table(table, id="oid", time="mjd", mag="mag", err="err", band="fid")
    expected = LightCurveFeatures().set_output(transform="pandas").fit_transform(seq)
    assert written["oid"].astype(str).tolist() == ["obj0", "obj1", "obj2", "obj3"]
    assert list(written.columns[1:]) == list(expected.columns)
    np.testing.assert_allclose(
        written.iloc[:, 1:].to_numpy(float), expected.to_numpy(float), rtol=1e-12
    )


def test_features_selects_named_features(tmp_path):
    table = _long_table()
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    table.to_csv(source, index=False)
    argv = ["features", str(source), "-o", str(target), "--id", "oid"]
    argv += ["--time", "mjd", "--mag", "mag", "--features", "std,n_obs"]
    assert main([*argv, "--no-progress"]) == 0
    assert sorted(pd.read_csv(target).columns) == ["n_obs", "oid", "std"]


def test_a_missing_column_lists_the_columns_present(tmp_path, capsys):
    source = tmp_path / "in.csv"
    _long_table().to_csv(source, index=False)
    argv = ["features", str(source), "-o", str(tmp_path / "o.csv"), "--id", "oid"]
    with pytest.raises(SystemExit) as info:
        main([*argv, "--time", "time", "--mag", "mag"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "column 'time' (given as --time) is not in the input table" in err
    assert "['oid', 'mjd', 'mag', 'err', 'fid']" in err


def test_unknown_formats_and_missing_files_are_named(tmp_path, capsys):
    argv = ["--id", "a", "--time", "b", "--mag", "c"]
    with pytest.raises(SystemExit):
        main(["features", str(tmp_path / "none.csv"), "-o", "x.csv", *argv])
    assert "none.csv: no such file" in capsys.readouterr().err
    (tmp_path / "in.csv").write_text("a,b,c\n")
    with pytest.raises(SystemExit):
        main(["features", str(tmp_path / "in.csv"), "-o", "x.xlsx", *argv])
    assert "unknown table format '.xlsx'" in capsys.readouterr().err


def test_features_of_the_ztf_supernova_long_table(require_data, tmp_path):
    # the ZTF alert photometry (one row per detection) gives through the
    # command exactly what it gives in memory
    from skastro.datasets import fetch_ztf_sne

    frame = fetch_ztf_sne(data_home=require_data("alerce_ztf_30sne"), as_frame=True)
    long = frame.frame
    source, target = tmp_path / "sne.csv", tmp_path / "features.parquet"
    long.to_csv(source, index=False)
    cols = {"id": "id", "time": "time", "mag": "mag", "err": "err", "band": "band"}
    argv = ["features", str(source), "-o", str(target), "--no-progress"]
    for role, column in cols.items():
        argv += [f"--{role}", column]
    assert main(argv) == 0
    written = pd.read_parquet(target)
    seq = from_long_table(pd.read_csv(source), **cols)
    expected = LightCurveFeatures().set_output(transform="pandas").fit_transform(seq)
    assert len(written) == 30 and written["id"].tolist() == seq.ids.tolist()
    np.testing.assert_allclose(
        written.iloc[:, 1:].to_numpy(float), expected.to_numpy(float), rtol=1e-12
    )


def test_time_unit_reads_seconds(tmp_path):
    # times in seconds with --time-unit s give the features of the days
    table = _long_table()
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    table.assign(mjd=table["mjd"] * 86400).to_csv(source, index=False)
    argv = ["features", str(source), "-o", str(target), "--id", "oid"]
    argv += ["--time", "mjd", "--mag", "mag", "--time-unit", "s", "--no-progress"]
    assert main(argv) == 0
    seq = from_long_table(table, id="oid", time="mjd", mag="mag")
    expected = LightCurveFeatures().fit_transform(seq)
    written = pd.read_csv(target).iloc[:, 1:].to_numpy(float)
    np.testing.assert_allclose(written, expected, rtol=1e-6)
