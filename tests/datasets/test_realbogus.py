import csv
import json

import numpy as np
import pandas as pd
import pytest

from skastro.datasets import fetch_ztf_realbogus

FOLDER = "snad_ztf_realbogus"


def test_realbogus_shapes_and_counts(require_data):
    home = require_data(FOLDER)
    rb = fetch_ztf_realbogus(data_home=home)
    assert rb.data.shape == (3309, 54)
    assert len(rb.feature_names) == 54
    assert all(n.endswith(("_magn_r", "_flux_r")) for n in rb.feature_names)
    assert np.bincount(rb.target).tolist() == [1664, 1645]  # data README
    assert "artefact 1645" in rb.DESCR


def test_realbogus_target_is_the_artefact_tag(require_data):
    # independent check: label 1 <=> 'artefact' among the expert tags (JSON)
    home = require_data(FOLDER)
    rb = fetch_ztf_realbogus(data_home=home)
    records = json.loads((home / FOLDER / "akb.ztf.snad.space.json").read_text())
    tags = {r["oid"]: r["tags"] for r in records}
    is_artefact = np.array(["artefact" in tags[oid] for oid in rb.ids])
    np.testing.assert_array_equal(rb.target == 1, is_artefact)
    with open(home / FOLDER / "akb_obj_features_snad4.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    k = 2000
    np.testing.assert_array_equal(
        rb.data[k], [float(rows[k][c]) for c in rb.feature_names]
    )


def test_realbogus_as_frame(require_data):
    home = require_data(FOLDER)
    X, y = fetch_ztf_realbogus(data_home=home, as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and X.shape == (3309, 54)
    assert X.index.name == "oid" and int(y.sum()) == 1645


def test_realbogus_missing(tmp_path):
    with pytest.raises(OSError, match="akb_obj_features_snad4.csv"):
        fetch_ztf_realbogus(data_home=tmp_path, download_if_missing=False)
