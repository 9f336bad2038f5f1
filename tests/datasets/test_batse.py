import numpy as np
import pandas as pd
import pytest

from skastro.datasets import fetch_batse_grb

FOLDER = "batse_grb"


def _flux_rows(path):
    # independent parse: 5 lines per burst (4 + 4 + 3 + 3 + 3 numbers)
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    out = {}
    for k in range(0, len(lines), 5):
        first, second = lines[k], lines[k + 1]
        out[int(first[0])] = [float(v) for v in first[1::2] + second[::2]]
    return out


def test_batse_merge_counts(require_data):
    home = require_data(FOLDER)
    grb = fetch_batse_grb(data_home=home)
    dur = {
        int(r.split()[0]): r.split()
        for r in (home / FOLDER / "duration_table_5b.txt").read_text().splitlines()
    }
    flux = _flux_rows(home / FOLDER / "flux_table_4b.txt")
    flux5 = _flux_rows(home / FOLDER / "flux_table_5b.txt")
    assert len(flux) == 1292 and len(flux5) == 843  # SOURCE.txt
    flux.update(flux5)
    both = sorted(set(dur) & set(flux))
    assert len(both) == 1973  # SOURCE.txt: 1191 (4B) + 782 (5B)
    assert grb.data.shape == (1973, 7)
    np.testing.assert_array_equal(grb.ids, both)
    n_short = sum(float(dur[t][4]) < 2 for t in both)
    assert np.bincount(grb.target).tolist() == [n_short, 1973 - n_short]
    k = 1500
    t = both[k]
    f1, f2, f3, f4 = flux[t]
    expected = [float(dur[t][4]), float(dur[t][1]), f1, f2, f3, f4, f3 / f2]
    np.testing.assert_allclose(grb.data[k], expected, rtol=1e-12)
    # DESCR states what was left out and what is NaN, with counts
    assert (
        f"{len(set(dur) - set(flux))} bursts\nwith a duration but no fluences"
        in grb.DESCR
    )
    n_nan = int(np.isnan(grb.data[:, -1]).sum())
    assert n_nan > 0 and f"NaN for the {n_nan}" in grb.DESCR


def test_batse_hardness_nan_only_where_undefined(require_data):
    home = require_data(FOLDER)
    grb = fetch_batse_grb(data_home=home)
    f2, f3, hr = grb.data[:, 3], grb.data[:, 4], grb.data[:, 6]
    defined = (f2 > 0) & (f3 > 0)
    assert np.isnan(hr).tolist() == (~defined).tolist()
    np.testing.assert_allclose(hr[defined], f3[defined] / f2[defined])
    assert (grb.data[:, 0] > 0).all()


def test_batse_as_frame(require_data):
    home = require_data(FOLDER)
    grb = fetch_batse_grb(data_home=home, as_frame=True)
    assert isinstance(grb.data, pd.DataFrame)
    assert grb.frame.index.name == "trigger"
    assert {"P64", "T90_err", "catalog", "target"} <= set(grb.frame.columns)
    assert set(grb.frame["catalog"]) == {"4B", "5B"}


def test_batse_missing(tmp_path):
    with pytest.raises(OSError, match="duration_table_5b.txt"):
        fetch_batse_grb(data_home=tmp_path, download_if_missing=False)
