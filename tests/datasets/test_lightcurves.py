import csv
import dataclasses
import functools
import hashlib
import io
import tarfile
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from skastro.datasets import (
    _registry,
    fetch_asas_lightcurves,
    fetch_ztf_sne,
    fetch_ztf_snia,
)

# counts stated in asas_training/SOURCE.txt
ASAS_COUNTS = {
    "Mira": 91, "Classical_Cepheid": 89, "RR_Lyrae_FM": 86, "W_Ursae_Maj": 68,
    "Semireg_PV": 68, "LSP": 54, "RSG": 35, "Beta_Lyrae": 33, "SARG_B": 29,
    "RR_Lyrae_FO": 29, "Delta_Scuti": 28, "Beta_Persei": 27, "RV_Tauri": 24,
    "ChemPeculiar": 23, "Weakline_T_Tauri": 20, "Beta_Cephei": 18, "RS_CVn": 17,
    "RCB": 17, "SARG_A": 15, "PopII_Cepheid": 13, "Herbig_AEBE": 8,
    "Pulsating_Be": 5, "MultiMode_Cepheid": 4, "ClassT_Tauri": 4, "RR_Lyrae_DM": 2,
    "S_Doradus": 1, "SX_Phe": 1, "Ellipsoidal": 1,
}  # fmt: skip


def _label_counts(bunch):
    return dict(Counter(bunch.target_names[bunch.target].tolist()))


def _check_light_curves(data, n_cols):
    for lc in data:
        assert lc.dtype == np.float64 and lc.ndim == 2 and lc.shape[1] == n_cols
        assert np.all(np.diff(lc[:, 0]) >= 0), "times must be sorted"
        assert np.isfinite(lc).all()


@functools.cache
def _load_asas(home):
    return fetch_asas_lightcurves(data_home=home, as_frame=True)


@pytest.fixture
def asas(require_data):
    home = require_data("asas_training")
    return home, _load_asas(home)


def test_asas_shapes_and_counts(asas):
    home, b = asas
    assert len(b.data) == len(b.target) == len(b.ids) == 810
    _check_light_curves(b.data, 3)
    assert _label_counts(b) == ASAS_COUNTS
    assert b.bands == ["V"]
    assert b.feature_names == ["time", "mag", "err"]
    assert "Mira 91" in b.DESCR and "Richards" in b.DESCR
    # ~490k points according to SOURCE.txt
    assert sum(len(lc) for lc in b.data) == len(b.frame) == 490855


def test_asas_matches_raw_member(asas):
    home, b = asas
    path = home / "asas_training" / "asas_training_set_classes.dat"
    classes = dict(csv.reader(io.StringIO(path.read_text())))
    with tarfile.open(home / "asas_training" / "asas_training_set.tar.gz") as tar:
        for k in (0, 404, 809):
            oid = b.ids[k]
            raw = tar.extractfile(f"asas_training_set/{oid}.dat").read().decode()
            ref = np.loadtxt(io.StringIO(raw), delimiter=",")
            ref = ref[np.argsort(ref[:, 0], kind="stable")]
            np.testing.assert_array_equal(b.data[k], ref)
            assert b.target_names[b.target[k]] == classes[str(oid)]
    sub = b.frame[b.frame["id"] == b.ids[3]]
    np.testing.assert_array_equal(sub[["time", "mag", "err"]].to_numpy(), b.data[3])


def test_ztf_sne(require_data):
    home = require_data("alerce_ztf_30sne")
    b = fetch_ztf_sne(data_home=home, as_frame=True)
    assert len(b.data) == 30
    _check_light_curves(b.data, 4)
    assert _label_counts(b) == {"SNIa": 19, "SNIbc": 8, "SLSN": 2, "SNII": 1}
    assert b.bands == ["g", "r"]
    assert sum(len(lc) for lc in b.data) == 784
    # independent read of one object with the csv module
    path = home / "alerce_ztf_30sne/30_sne_detections_corr.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    oid = b.ids[5]
    ref = sorted(
        (float(r["mjd"]), float(r["magpsf"]), float(r["sigmapsf"]), int(r["fid"]) - 1)
        for r in rows
        if r["objectId"] == oid
    )
    np.testing.assert_allclose(b.data[5], np.array(ref), rtol=0, atol=1e-9)
    g = b.frame[(b.frame["id"] == oid) & (b.frame["band"] == "g")]
    assert len(g) == sum(1 for r in rows if r["objectId"] == oid and r["fid"] == "1")
    assert isinstance(b.non_detections, pd.DataFrame)


def test_ztf_sne_return_X_y(require_data):
    home = require_data("alerce_ztf_30sne")
    X, y = fetch_ztf_sne(data_home=home, return_X_y=True)
    assert len(X) == len(y) == 30


def test_ztf_snia(require_data):
    home = require_data("ztf_bts_snia")
    b = fetch_ztf_snia(data_home=home)
    assert len(b.data) == len(b.ids) == len(b.metadata) == 2289
    _check_light_curves(b.data, 4)
    assert b.bands == ["g", "r", "i"]
    assert (b.metadata["ZTFID"].to_numpy() == b.ids).all()
    types = b.metadata["type"]
    assert _label_counts(b) == types.value_counts().to_dict()
    with tarfile.open(home / "ztf_bts_snia/snia_light_curves.tar.gz") as tar:
        names = [m.name for m in tar if m.isfile() and m.name.endswith(".csv")]
        assert len(names) == 2289
        k = 1000
        raw = tar.extractfile(f"SNIa/light-curves/{b.ids[k]}.csv").read().decode()
    rows = list(csv.DictReader(io.StringIO(raw)))
    code = {"g": 0, "R": 1, "i": 2}
    ref = sorted(
        (float(r["time"]), float(r["mag"]), float(r["magerr"]), code[r["band"]])
        for r in rows
    )
    np.testing.assert_allclose(np.sort(b.data[k], axis=0), np.sort(ref, axis=0))
    assert b.frame is None


def test_lightcurve_loaders_missing_cache(tmp_path):
    for fetch in (fetch_asas_lightcurves, fetch_ztf_sne, fetch_ztf_snia):
        with pytest.raises(OSError, match="download_if_missing=False"):
            fetch(data_home=tmp_path, download_if_missing=False)


def _fake_asas_cache(root, curves, classes, monkeypatch):
    folder = root / "asas_training"
    folder.mkdir(parents=True)
    with tarfile.open(folder / "asas_training_set.tar.gz", "w:gz") as tar:
        for oid, text in curves.items():
            raw = text.encode()
            info = tarfile.TarInfo(f"asas_training_set/{oid}.dat")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    lines = ["filename,class", *(f"{k},{v}" for k, v in classes.items())]
    (folder / "asas_training_set_classes.dat").write_text("\n".join(lines) + "\n")
    # the loaders verify cached files: register the fakes' SHA-256 for this test
    for name in ("asas_training_set.tar.gz", "asas_training_set_classes.dat"):
        key = ("asas_training", name)
        sha256 = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        entry = dataclasses.replace(_registry.REMOTE_FILES[key], sha256=sha256)
        monkeypatch.setitem(_registry.REMOTE_FILES, key, entry)


def test_asas_bad_points_dropped_with_a_count(tmp_path, monkeypatch):
    curves = {
        11: "3.0,12.0,0.05\n1.0,12.1,0.04\n2.0,nan,0.05\n",
        7: "1.5,9.0,0.02\n2.5,9.1,0.02\n",
    }
    _fake_asas_cache(tmp_path, curves, {11: "Mira", 7: "RCB"}, monkeypatch)
    with pytest.warns(UserWarning, match="dropped 1 observations"):
        b = fetch_asas_lightcurves(data_home=tmp_path)
    assert b.ids.tolist() == [7, 11]
    np.testing.assert_array_equal(b.data[1], [[1.0, 12.1, 0.04], [3.0, 12.0, 0.05]])
    assert b.target_names[b.target].tolist() == ["RCB", "Mira"]
    assert "1 non-finite points dropped" in b.DESCR


def test_asas_unlabelled_curve_is_an_error(tmp_path, monkeypatch):
    _fake_asas_cache(tmp_path, {5: "1.0,9.0,0.02\n"}, {6: "Mira"}, monkeypatch)
    with pytest.raises(ValueError, match="no class.*id 5"):
        fetch_asas_lightcurves(data_home=tmp_path)
