"""Invariances of the features (hypothesis).

Times and magnitudes are drawn on a dyadic grid (multiples of 1/64) and the
shifts are multiples of 1/64 too, so ``t - t_first`` is exact in floating
point: a time shift must then leave every feature but ``time_mean``
bit-for-bit unchanged.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from skastro.lightcurve import LightCurveFeatures
from skastro.lightcurve._features._registry import per_band_specs

N_PEAKS = 2
LCF = LightCurveFeatures(n_peaks=N_PEAKS, min_period=1.0, oversampling=3)
NAMES = LCF.fit([np.zeros((3, 2))]).get_feature_names_out().tolist()
LOCATION = {s.name for s in per_band_specs(N_PEAKS) if s.location}
PERIODIC = {n for n in NAMES if n.startswith(("period", "psi", "fourier"))}


@st.composite
def light_curves(draw):
    n = draw(st.integers(3, 40))
    ticks = draw(
        st.lists(st.integers(0, 64 * 200), min_size=n, max_size=n, unique=True)
    )
    t = np.sort(np.array(ticks, float)) / 64
    m = np.array(draw(st.lists(st.integers(-640, 640), min_size=n, max_size=n))) / 64
    e = np.array(draw(st.lists(st.integers(1, 64), min_size=n, max_size=n))) / 64
    return np.column_stack([t, 15 + m, e])


def _features(curve):
    return LCF.transform([curve])[0]


def _close(a, b, names, rtol=1e-7):
    """Equal where both finite (or both fill); tolerance for roundoff."""
    for x, y, name in zip(a, b, names):
        if np.isnan(x) or np.isnan(y):
            assert np.isnan(x) and np.isnan(y), (name, x, y)
        else:
            assert np.isclose(x, y, rtol=rtol, atol=1e-9), (name, x, y)


@settings(max_examples=30, deadline=None)
@given(light_curves(), st.integers(-64 * 10**5, 64 * 10**5))
def test_time_shift_changes_only_time_mean(curve, shift):
    shifted = curve.copy()
    shifted[:, 0] += shift / 64
    a, b = _features(curve), _features(shifted)
    j = NAMES.index("time_mean")
    assert b[j] == a[j] + shift / 64 or np.isclose(b[j], a[j] + shift / 64)
    np.testing.assert_array_equal(np.delete(a, j), np.delete(b, j))


@settings(max_examples=30, deadline=None)
@given(light_curves(), st.integers(-64 * 5, 64 * 5).filter(lambda c: c != 0))
def test_magnitude_offset_changes_only_location_features(curve, offset):
    moved = curve.copy()
    moved[:, 1] += offset / 64
    a, b = _features(curve), _features(moved)
    keep = [i for i, n in enumerate(NAMES) if n not in LOCATION and n not in PERIODIC]
    _close(a[keep], b[keep], [NAMES[i] for i in keep])
    # location features follow the offset
    for name in ("mean", "weighted_mean", "median"):
        j = NAMES.index(name)
        assert np.isclose(b[j], a[j] + offset / 64, rtol=1e-12)
    # periodogram: same powers; the peak order may only change on exact ties
    p = [NAMES.index(f"period_{k}_power") for k in range(N_PEAKS)]
    _close(a[p], b[p], ["power"] * N_PEAKS, rtol=1e-6)
    if np.all(np.isfinite(a[p])) and a[p[0]] > a[p[1]] * (1 + 1e-6):
        per = [NAMES.index(n) for n in PERIODIC if not n.endswith("power")]
        _close(a[per], b[per], [NAMES[i] for i in per], rtol=1e-5)


@settings(max_examples=30, deadline=None)
@given(light_curves(), st.randoms(use_true_random=False))
def test_point_order_changes_nothing(curve, rnd):
    order = list(range(len(curve)))
    rnd.shuffle(order)
    np.testing.assert_array_equal(_features(curve), _features(curve[order]))
