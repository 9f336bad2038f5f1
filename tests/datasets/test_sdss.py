import csv

import numpy as np
import pandas as pd
import pytest

from skastro.datasets import fetch_sdss_colors

FOLDER = "sdss_dr14_skyserver_10k"


def test_fetch_sdss_colors_shapes_and_counts(require_data):
    home = require_data(FOLDER)
    sdss = fetch_sdss_colors(data_home=home)
    assert sdss.data.shape == (10000, 5)
    assert sdss.data.dtype == np.float64
    assert sdss.feature_names == ["u", "g", "r", "i", "z"]
    names = sdss.target_names[sdss.target]
    counts = dict(zip(*np.unique(names, return_counts=True)))
    # counts stated in the data README
    assert counts == {"STAR": 4152, "GALAXY": 4998, "QSO": 850}
    assert sdss.redshift.shape == sdss.ra.shape == sdss.dec.shape == (10000,)
    assert sdss.frame is None
    for word in ("GALAXY 4998", "QSO 850", "STAR 4152", "Cite", "Licence", "AB mag"):
        assert word in sdss.DESCR


def test_fetch_sdss_colors_matches_raw_file(require_data):
    # independent read with the csv module
    home = require_data(FOLDER)
    with open(home / FOLDER / "skyserver_dr14_10k.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    X, y = fetch_sdss_colors(data_home=home, return_X_y=True)
    for i in (0, 4321, 9999):
        np.testing.assert_array_equal(X[i], [float(rows[i][b]) for b in "ugriz"])
    sdss = fetch_sdss_colors(data_home=home)
    assert [sdss.target_names[t] for t in y[:50]] == [r["class"] for r in rows[:50]]
    assert sdss.redshift[17] == float(rows[17]["redshift"])


def test_fetch_sdss_colors_as_frame(require_data):
    home = require_data(FOLDER)
    sdss = fetch_sdss_colors(data_home=home, as_frame=True)
    assert isinstance(sdss.data, pd.DataFrame)
    assert list(sdss.data.columns) == ["u", "g", "r", "i", "z"]
    assert sdss.target.iloc[0] == "STAR"
    assert {"ra", "dec", "redshift", "class"} <= set(sdss.frame.columns)
    X, y = fetch_sdss_colors(data_home=home, as_frame=True, return_X_y=True)
    assert X.shape == (10000, 5) and len(y) == 10000


def test_fetch_sdss_colors_missing_file_no_download(tmp_path):
    with pytest.raises(OSError, match="skyserver_dr14_10k.csv.*download_if_missing"):
        fetch_sdss_colors(data_home=tmp_path, download_if_missing=False)
    assert not (tmp_path / FOLDER).exists()


def test_fetch_sdss_colors_bad_flag(tmp_path):
    with pytest.raises(TypeError, match="as_frame must be a bool, got 'yes'"):
        fetch_sdss_colors(data_home=tmp_path, as_frame="yes")
