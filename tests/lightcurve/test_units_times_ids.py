"""LightCurveFeatures with the inputs astronomers hold: ids, time units,
datetimes, astropy Time, ragged tuples, and spans that would make the
periodogram unbounded."""

import numpy as np
import pandas as pd
import pytest
from astropy.time import Time

from skastro.lightcurve import LightCurveFeatures, from_long_table

FEATURES = ["std", "n_obs", "period_0", "period_0_power", "duration"]


def _table(n_objects=3, n=40, seed=0):
    rng = np.random.RandomState(seed)
    rows = []
    for k in range(n_objects):
        t = 59000.0 + np.sort(rng.uniform(0, 30, n))
        mag = (
            15 + 0.3 * np.sin(2 * np.pi * t / (0.3 + 0.2 * k)) + rng.normal(0, 0.01, n)
        )
        rows.append(pd.DataFrame({"oid": f"ZTF{k}", "mjd": t, "mag": mag, "err": 0.01}))
    return pd.concat(rows, ignore_index=True)


def test_pandas_output_is_indexed_by_the_object_ids():
    # set_output(transform="pandas") keeps the ids of a LightCurveSequence
    # instead of renumbering the objects 0..n-1
    seq = from_long_table(_table(), id="oid", time="mjd", mag="mag", err="err")
    lcf = LightCurveFeatures(features=FEATURES).set_output(transform="pandas")
    out = lcf.fit_transform(seq)
    assert out.index.tolist() == ["ZTF0", "ZTF1", "ZTF2"] and out.index.name == "id"
    np.testing.assert_array_equal(
        out.to_numpy(), lcf.set_output(transform="default").transform(seq)
    )
    # a subset keeps its own ids (as after a CV split)
    assert lcf.set_output(transform="pandas").transform(seq[[2, 0]]).index.tolist() == [
        "ZTF2",
        "ZTF0",
    ]


def test_datetime_time_and_mjd_inputs_give_identical_features():
    # the same instants as MJD floats, datetime64 and astropy Time
    table = _table()
    mjd = table["mjd"].to_numpy()
    as_datetime = table.assign(mjd=Time(mjd, format="mjd").datetime64)
    lcf = LightCurveFeatures(features=FEATURES)
    columns = dict(id="oid", time="mjd", mag="mag", err="err")
    expected = lcf.fit_transform(from_long_table(table, **columns))
    from_dt = lcf.fit_transform(from_long_table(as_datetime, **columns))
    np.testing.assert_allclose(from_dt, expected, rtol=1e-9)
    curves = [
        (
            Time(g["mjd"].to_numpy(), format="mjd"),
            g["mag"].to_numpy(),
            g["err"].to_numpy(),
        )
        for _, g in table.groupby("oid")
    ]
    np.testing.assert_allclose(lcf.fit_transform(curves), expected, rtol=1e-9)


def test_time_unit_converts_seconds_and_hours_to_days():
    # periods and durations come out in days whatever unit the times are in
    table = _table()
    seconds = table.assign(mjd=table["mjd"] * 86400.0)
    columns = dict(id="oid", time="mjd", mag="mag", err="err")
    expected = LightCurveFeatures(features=FEATURES).fit_transform(
        from_long_table(table, **columns)
    )
    curves = [
        (g["mjd"].to_numpy(), g["mag"].to_numpy(), g["err"].to_numpy())
        for _, g in seconds.groupby("oid")
    ]
    out = LightCurveFeatures(features=FEATURES, time_unit="s").fit_transform(curves)
    np.testing.assert_allclose(out, expected, rtol=1e-7)
    regular = np.sin(np.arange(48.0) / 6.0)[None, :]  # one epoch an hour
    hourly = LightCurveFeatures(features=["duration"], time_unit="h")
    assert hourly.fit_transform(regular)[0, 0] == pytest.approx(47 / 24)
    with pytest.raises(ValueError, match="'m'"):
        LightCurveFeatures(time_unit="m").fit(regular)


def test_a_huge_span_is_refused_with_its_span_grid_and_fix():
    # times in seconds read as days: the grid would hold ~10^9 frequencies;
    # the bound refuses before any kernel runs (asserted as the grid size in
    # the message, not as a timing)
    t = 59000.0 * 86400 + np.sort(np.random.RandomState(0).uniform(0, 3e6, 40))
    curve = np.column_stack([t, np.sin(t), np.full(40, 0.1)])
    lcf = LightCurveFeatures(features=["period_0"])
    with pytest.raises(ValueError) as info:
        lcf.fit_transform([curve])
    message = str(info.value)
    assert "light curve 0 spans" in message and "max_frequencies=1000000" in message
    grid = float(message.split("would hold ")[1].split(" frequencies")[0])
    assert grid > 1e8
    assert "time_unit=" in message
    # fast features need no grid: the same curve is fine without a periodogram
    assert np.isfinite(
        LightCurveFeatures(features=["std"]).fit_transform([curve])
    ).all()


def test_a_huge_span_under_warn_is_one_rejected_row():
    good = _table(1)
    g = (good["mjd"].to_numpy(), good["mag"].to_numpy(), good["err"].to_numpy())
    wild = (np.r_[g[0], 1e9], np.r_[g[1], 15.0], np.r_[g[2], 0.01])  # one wild time
    lcf = LightCurveFeatures(features=["period_0", "std"], errors="warn")
    with pytest.warns(UserWarning, match="1 light curve\\(s\\) rejected.*1: spans"):
        out = lcf.fit_transform([g, wild, g])
    assert np.isnan(out[1]).all()
    np.testing.assert_array_equal(out[0], out[2])
    assert np.isfinite(out[0]).all()


def test_max_frequencies_bounds_the_grid():
    # a span just over the bound is refused, raising the bound admits it
    t = np.linspace(0.0, 100.0, 50)
    curve = np.column_stack([t, np.sin(t)])
    size = 5.0 * 100.0 / 0.1  # oversampling * span / min_period
    LightCurveFeatures(features=["period_0"], max_frequencies=int(size)).fit_transform(
        [curve]
    )
    with pytest.raises(ValueError, match="max_frequencies=4999"):
        LightCurveFeatures(
            features=["period_0"], max_frequencies=int(size) - 1
        ).fit_transform([curve])
