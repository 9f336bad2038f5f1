import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from skastro.datasets import fetch_frdeep
from skastro.datasets._frdeep import NumpyOnlyUnpickler

FOLDER = "frdeep_radio_galaxies"


@pytest.mark.parametrize("survey", ["first", "nvss"])
def test_frdeep_shapes_counts_split(require_data, survey):
    home = require_data(FOLDER)
    fr = fetch_frdeep(survey=survey, data_home=home)
    assert fr.data.shape == (600, 150, 150, 1)
    assert fr.data.dtype == np.float32
    assert fr.data.min() >= 0.0 and fr.data.max() <= 1.0
    assert np.bincount(fr.target).tolist() == [264, 336]  # data README
    assert fr.target_names.tolist() == ["FRI", "FRII"]
    assert len(fr.train_index) == 550 and len(fr.test_index) == 50
    assert np.intersect1d(fr.train_index, fr.test_index).size == 0
    assert "FRI 264, FRII 336" in fr.DESCR and "Tang" in fr.DESCR


def test_frdeep_pixels_match_raw(require_data):
    # independent read of the npz members with zipfile + np.lib.format
    home = require_data(FOLDER)
    with zipfile.ZipFile(home / FOLDER / "frdeep_first.npz") as z:
        with z.open("images.npy") as f:
            images = np.lib.format.read_array(f, allow_pickle=False)
        with z.open("split.npy") as f:
            split = np.lib.format.read_array(f, allow_pickle=False)
    fr = fetch_frdeep(data_home=home)
    np.testing.assert_array_equal(np.rint(fr.data[7, :, :, 0] * 255), images[7])
    assert fr.test_index.tolist() == np.flatnonzero(split == "test").tolist()


def test_frdeep_as_frame_and_X_y(require_data):
    home = require_data(FOLDER)
    fr = fetch_frdeep(data_home=home, survey="nvss", as_frame=True)
    assert list(fr.frame.columns) == ["filename", "target", "split"]
    assert (fr.frame["split"] == "test").sum() == 50
    X, y = fetch_frdeep(data_home=home, return_X_y=True)
    assert X.shape[0] == y.shape[0] == 600


def test_frdeep_bad_survey(tmp_path):
    with pytest.raises(ValueError, match="survey must be one of.*got 'vlass'"):
        fetch_frdeep(survey="vlass", data_home=tmp_path)


def test_numpy_only_unpickler_loads_arrays():
    batch = {"data": np.arange(6, dtype=np.uint8).reshape(2, 3), "labels": [0, 1]}
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        out = NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(batch, protocol))).load()
        np.testing.assert_array_equal(out["data"], batch["data"])
        assert out["labels"] == [0, 1]


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_numpy_only_unpickler_refuses_os_system():
    payload = pickle.dumps({"data": _Evil(), "labels": []}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r"refusing .*system"):
        NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    payload = pickle.dumps(eval, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r"refusing .*\.eval"):
        NumpyOnlyUnpickler(io.BytesIO(payload)).load()
