"""Times: datetimes, astropy Time and Quantity, time_unit, refused strings."""

import datetime

import astropy.units as u
import numpy as np
import pandas as pd
import pytest
from astropy.table import Column, MaskedColumn, QTable, Table
from astropy.time import Time, TimeDelta

from skastro.lightcurve import LightCurveSequence, from_long_table
from skastro.lightcurve._packing import pack_sequence
from skastro.lightcurve._times import as_days, day_factor

EPOCH = np.datetime64("1858-11-17")


def _datetimes(seed=0, n=40):
    rng = np.random.default_rng(seed)
    ns = rng.integers(0, 300 * 86_400 * 10**9, n)
    return np.datetime64("2019-01-01", "ns") + ns.astype("timedelta64[ns]")


def _table(times, seed=0):
    rng = np.random.default_rng(seed)
    n = len(times)
    return pd.DataFrame(
        {
            "oid": rng.choice(["a", "b", "c"], n),
            "t": times,
            "mag": rng.normal(17, 0.3, n),
            "band": rng.choice(["g", "r"], n),
        }
    )


def _packed(seq):
    return pack_sequence(seq, ["g", "r"])


def _assert_same_packing(a, b):
    # every packed array equal: the features computed from them are then equal
    for name in ("t", "m", "err", "band", "offsets"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_datetime_column_packs_exactly_as_mjd_floats():
    # a datetime64[ns] column becomes (t - 1858-11-17) / 1 day: the packed
    # arrays equal those of the same times given as MJD floats, bit for bit
    times = _datetimes()
    mjd = (times - EPOCH) / np.timedelta64(1, "D")
    kw = dict(id="oid", mag="mag", band="band")
    from_dates = from_long_table(_table(times), time="t", **kw)
    from_floats = from_long_table(_table(mjd), time="t", **kw)
    _assert_same_packing(_packed(from_dates), _packed(from_floats))
    assert 58484 < from_dates.time.min() < from_dates.time.max() < 58785


def test_tz_aware_pandas_column_is_converted_to_utc():
    # 07:00 in New York (UTC-5 in January) is 12:00 UTC, i.e. MJD 51544.5
    local = pd.Series(pd.to_datetime(["2000-01-01T07:00"] * 2)).dt.tz_localize(
        "America/New_York"
    )
    table = pd.DataFrame({"id": ["x", "x"], "t": local, "m": [1.0, 2.0]})
    seq = from_long_table(table, id="id", time="t", mag="m")
    assert seq.time.tolist() == [51544.5, 51544.5]


def test_astropy_time_column_gives_mjd_in_its_scale():
    # a Time column converts through Time.mjd, in the scale it carries (here
    # TDB, not converted to UTC): the packed arrays equal those of the MJD
    # floats, times to the precision of astropy's two-double representation
    times = _datetimes(1)
    mjd = (times - EPOCH) / np.timedelta64(1, "D")
    df = _table(mjd, seed=1)
    table = Table.from_pandas(df)
    table["t"] = Time(mjd, format="mjd", scale="tdb")
    seq_time = from_long_table(table, id="oid", time="t", mag="mag", band="band")
    seq_float = from_long_table(df, id="oid", time="t", mag="mag", band="band")
    a, b = _packed(seq_time), _packed(seq_float)
    np.testing.assert_allclose(a.t, b.t, rtol=0, atol=1e-9)
    for name in ("m", "err", "band", "offsets"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    utc = Time(mjd, format="mjd", scale="utc").tdb
    table["t"] = utc  # a UTC time moved to TDB keeps TDB's MJD (about 64 s later)
    shifted = from_long_table(table, id="oid", time="t", mag="mag")
    assert np.all((shifted.time - seq_float.time) * 86400 > 60)


@pytest.mark.parametrize(
    ("quantity", "days"),
    [([24.0, 48.0] * u.h, [1.0, 2.0]), ([86400.0] * u.s, [1.0]), ([2.0] * u.d, [2.0])],
)
def test_quantity_time_column_is_converted_to_days(quantity, days):
    # a QTable time column carries its unit: it is converted to days
    n = len(days)
    table = QTable({"id": ["a"] * n, "t": quantity, "m": np.arange(n, dtype=float)})
    seq = from_long_table(table, id="id", time="t", mag="m")
    np.testing.assert_allclose(seq.time, days, rtol=1e-15)


@pytest.mark.parametrize(
    ("scalars", "days"),
    [
        (
            list(Time([58000.5, 58001.25], format="mjd", scale="tdb")),
            [58000.5, 58001.25],
        ),
        ([TimeDelta(1.5, format="jd"), TimeDelta(86400.0, format="sec")], [1.5, 1.0]),
        ([12.0 * u.h, 2.0 * u.d], [0.5, 2.0]),
    ],
)
def test_pandas_column_of_astropy_scalars_is_converted(scalars, days):
    # a pandas column built from astropy Time / TimeDelta / Quantity scalars
    # (object dtype) converts as the array of them would, time_unit ignored
    np.testing.assert_allclose(
        as_days(pd.Series(scalars, dtype=object), time_unit="h"), days, rtol=1e-15
    )


def test_pandas_column_mixing_times_and_numbers_is_refused():
    # one Time among numbers is not read as a number: the error names it
    column = pd.Series([Time(58000.0, format="mjd"), 3.0], dtype=object)
    with pytest.raises(ValueError, match="first bad value <Time object"):
        as_days(column, column="t")


@pytest.mark.parametrize(
    ("unit", "factor"), [("s", 1 / 86400), ("h", 1 / 24), ("yr", 365.25), (u.d, 1.0)]
)
def test_time_unit_reads_floats_in_that_unit(unit, factor):
    # time_unit scales plain numbers to days; the default "d" leaves them
    table = pd.DataFrame({"id": ["a", "a"], "t": [0.0, 10.0], "m": [1.0, 2.0]})
    seq = from_long_table(table, id="id", time="t", mag="m", time_unit=unit)
    np.testing.assert_allclose(seq.time, [0.0, 10.0 * factor], rtol=1e-15)


def test_time_unit_is_ignored_by_times_that_carry_their_unit():
    # a Quantity and a datetime carry their own unit; time_unit is for numbers
    q = [1.0] * u.d
    assert as_days(q, time_unit="s").tolist() == [1.0]
    dt = np.array(["2000-01-01T12:00"], dtype="datetime64[s]")
    assert as_days(dt, time_unit="s").tolist() == [51544.5]


def test_bad_time_unit_is_named():
    # time_unit must be an astropy time unit; the message names value and type
    with pytest.raises(ValueError, match=r"time_unit='m' has physical type 'length'"):
        day_factor("m")
    with pytest.raises(ValueError, match=r"time_unit='fortnights!' is not an astropy"):
        from_long_table(
            {"id": ["a"], "t": [0.0], "m": [1.0]},
            id="id",
            time="t",
            mag="m",
            time_unit="fortnights!",
        )


def test_length_unit_time_column_is_refused_naming_column_and_types():
    # a time column in metres is not silently read as days: the message names
    # the column, its unit and physical type, and the physical type expected
    table = QTable({"id": ["a", "a"], "when": [1.0, 2.0] * u.m, "m": [1.0, 2.0]})
    with pytest.raises(
        ValueError,
        match=r"column 'when' \(given as time=\) has unit 'm' \(physical type "
        r"'length'\); expected physical type 'time'",
    ):
        from_long_table(table, id="id", time="when", mag="m")


def test_column_with_a_unit_follows_it():
    # an astropy Table column with unit "h" is read in hours; a FITS-style
    # unit naming a day count ('MJD') is days; an unknown unit is refused
    table = Table({"id": ["a", "a"], "t": Column([24.0, 36.0], unit="h"), "m": [1, 2]})
    seq = from_long_table(table, id="id", time="t", mag="m", time_unit="s")
    assert seq.time.tolist() == [1.0, 1.5]
    table["t"] = Column([58000.0, 58001.0], unit="MJD")
    assert from_long_table(table, id="id", time="t", mag="m").time.tolist() == [
        58000.0,
        58001.0,
    ]
    table["t"] = Column([1.0, 2.0], unit="furlongs_per_day")
    with pytest.raises(ValueError, match=r"'t' \(given as time=\) has the unit "):
        from_long_table(table, id="id", time="t", mag="m")


def test_date_strings_are_refused_never_parsed():
    # date strings are not parsed: the error names the column, the first bad
    # value with its type and row (its position in the table), and the fix
    table = pd.DataFrame(
        {"id": ["a", "b", "a"], "t": [58000.0, "2019-01-02", "2019-01-03"],
         "m": [1.0, 2.0, 3.0]}
    )  # fmt: skip
    with pytest.raises(
        ValueError,
        match=r"column 't' \(given as time=\) could not be read as float: first "
        r"bad value '2019-01-02' \(str\) at row 1; expected numbers of days, "
        r"datetime64, astropy Time .*pandas.to_datetime",
    ):
        from_long_table(table, id="id", time="t", mag="m")


def test_magnitude_parse_error_names_value_and_row():
    # a non-numeric magnitude names the column, the value and its table row
    table = pd.DataFrame({"id": ["a", "b", "a"], "t": [0.0, 1.0, 2.0],
                          "m": [1.0, 2.0, "n/a"]})  # fmt: skip
    with pytest.raises(
        ValueError,
        match=r"column 'm' \(given as mag=\) could not be read as float: first "
        r"bad value 'n/a' \(str\) at row 2; expected numbers",
    ):
        from_long_table(table, id="id", time="t", mag="m")


def test_missing_times_become_nan():
    # NaT, masked cells and nulls become NaN, dropped later as non-finite
    dt = np.array(["2000-01-01T12:00", "NaT"], dtype="datetime64[ns]")
    assert np.isnan(as_days(dt)[1])
    masked = MaskedColumn([1.0, 2.0], mask=[False, True])
    assert np.isnan(as_days(masked)[1]) and as_days(masked)[0] == 1.0
    objects = np.array([datetime.datetime(2000, 1, 1, 12), None], dtype=object)
    assert as_days(objects)[0] == 51544.5 and np.isnan(as_days(objects)[1])
    nullable = pd.Series([1.0, None], dtype="Float64")
    assert as_days(nullable)[0] == 1.0 and np.isnan(as_days(nullable)[1])


def test_timedelta_times_are_days():
    # durations (timedelta64, astropy TimeDelta) are days since their origin
    td = np.array([0, 36], dtype="timedelta64[h]")
    assert as_days(td).tolist() == [0.0, 1.5]
    from astropy.time import TimeDelta

    assert as_days(TimeDelta([0.5, 2.0], format="jd")).tolist() == [0.5, 2.0]


def test_complex_times_are_refused():
    # complex numbers would lose their imaginary part: refused, dtype named
    with pytest.raises(ValueError, match=r"column 'time' has dtype complex128"):
        as_days(np.array([1 + 1j]))


def test_sequence_constructor_accepts_datetimes_and_time_unit():
    # LightCurveSequence holds days whatever time type it is given
    dt = np.array(["2000-01-01T12:00", "2000-01-02T12:00"], dtype="datetime64[ns]")
    seq = LightCurveSequence(dt, [1.0, 2.0], None, None, [0, 2], ["a"])
    assert seq.time.tolist() == [51544.5, 51545.5]
    seq_s = LightCurveSequence([0.0, 43200.0], [1.0, 2.0], None, None, [0, 2], ["a"],
                               time_unit="s")  # fmt: skip
    assert seq_s.time.tolist() == [0.0, 0.5]
    assert seq_s[[0]].time.tolist() == [0.0, 0.5]  # subsets stay in days
    with pytest.raises(ValueError, match=r"LightCurveSequence: column 'time' could"):
        LightCurveSequence(["2000-01-01"], [1.0], None, None, [0, 1], ["a"])


def test_per_object_datetimes_pack_as_mjd_floats():
    # per-object dicts, DataFrames and Tables with datetime or Time columns
    # pack exactly as the same objects with MJD float times
    times = _datetimes(2, n=30)
    mjd = (times - EPOCH) / np.timedelta64(1, "D")
    rng = np.random.default_rng(2)
    mag = rng.normal(17, 0.2, 30)
    floats = [{"time": mjd[:12], "mag": mag[:12]}, {"time": mjd[12:], "mag": mag[12:]}]
    dates = [pd.DataFrame({"time": times[:12], "mag": mag[:12]}),
             {"time": times[12:], "mag": mag[12:]}]  # fmt: skip
    expected = pack_sequence(floats, [0])
    _assert_same_packing(pack_sequence(dates, [0]), expected)
    tables = [
        Table({"time": Time(mjd[:12], format="mjd"), "mag": mag[:12]}),
        (Time(mjd[12:], format="mjd"), mag[12:]),
    ]
    got = pack_sequence(tables, [0])
    np.testing.assert_allclose(got.t, expected.t, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(got.m, expected.m)


def test_per_object_time_unit_scales_every_form():
    # time_unit reaches the fast paths (plain arrays, column tuples) and the
    # per-object path (dicts) alike
    t = np.array([0.0, 3600.0, 7200.0])
    m = np.array([1.0, 2.0, 3.0])
    for X in ([np.column_stack([t, m])], [(t, m)], [{"t": t, "m": m}]):
        packed = pack_sequence(X, [0], time_unit="h")
        np.testing.assert_allclose(packed.t, [0.0, 150.0, 300.0], rtol=1e-15)


def test_per_object_bad_time_column_is_a_bad_light_curve():
    # a per-object time column in metres or of date strings names the object,
    # the column and the problem, and follows errors="warn"
    good = {"t": [0.0, 1.0], "m": [1.0, 2.0]}
    metres = {"t": [0.0, 1.0] * u.m, "m": [1.0, 2.0]}
    with pytest.raises(
        ValueError,
        match=r"light curve 1 has a time column 't' which has unit 'm' \(physical "
        r"type 'length'\); expected physical type 'time'",
    ):
        pack_sequence([good, metres], [0])
    strings = {"t": ["0.0", "2019-01-01"], "m": [1.0, 2.0]}
    with pytest.raises(
        ValueError,
        match=r"light curve 1 has a non-numeric time column 't' \(first bad value "
        r"'2019-01-01' \(str\) at row 1\)",
    ):
        pack_sequence([good, strings], [0])
    packed = pack_sequence([good, strings, good], [0], errors="warn")
    assert list(packed.bad) == [1] and packed.offsets.tolist() == [0, 2, 2, 4]
