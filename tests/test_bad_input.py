"""Property tests: bad input gives a valid result or a clear error, never worse.

For every public transformer and classifier of skastro, hypothesis draws
inputs of random shapes (empty, single sample, no feature, wrong number of
dimensions), dtypes (float16/32/64, int, bool, complex, object arrays of
numbers or strings), NaN/inf placement, huge and tiny magnitudes and
containers (ndarray, list, DataFrame); ``LightCurveFeatures`` also gets
ragged light curves of 0-2 points, negative errors, unknown bands and
mismatched columns. Each case must end in either

* a valid result: the right number of rows, the advertised number of
  columns, labels among ``classes_``, probabilities that sum to one; or
* a ``ValueError`` / ``TypeError`` whose message names the problem (it
  contains a word about what was wrong: "NaN", "infinity", "sample",
  "feature", "dtype", "complex", ...);

never another exception, a crash, a hang or output of the wrong shape.
Warnings are a valid part of a result (they are recorded, not raised).

Runs: by default a bounded, deterministic number of examples
(``derandomize=True``) that keeps this file near two minutes on two cores.
For a longer, randomised search set ``SKASTRO_HYPOTHESIS_PROFILE=long``
(500 tabular examples per estimator, 50 for the Keras ones, 1000 light-curve
batches)::

    SKASTRO_HYPOTHESIS_PROFILE=long python -m pytest tests/test_bad_input.py
"""

import os
import signal
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, TransformerMixin, is_classifier

from skastro.utils import all_estimators
from skastro.utils._testing import check_instance

PROFILE = os.environ.get("SKASTRO_HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    raise ValueError(
        f"SKASTRO_HYPOTHESIS_PROFILE={PROFILE!r}; expected 'ci' (default) or 'long'."
    )
LONG = PROFILE == "long"
KERAS = {"KerasMLPClassifier", "CNNClassifier", "Autoencoder"}
# a generous guard against hangs (not a speed test: an example that takes
# this long is stuck, whatever the machine)
HANG_SECONDS = 600


def _settings(n_ci, n_long):
    return settings(
        max_examples=n_long if LONG else n_ci,
        derandomize=not LONG,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


ESTIMATORS = [
    (name, cls)
    for name, cls in all_estimators(["transformer", "classifier"])
    if name != "LightCurveFeatures"  # 2-D input covered below with the rest
] + [(n, c) for n, c in all_estimators() if n == "LightCurveFeatures"]
IDS = [name for name, _ in ESTIMATORS]


class Hang(Exception):
    """An example ran for HANG_SECONDS."""


@contextmanager
def _no_hang():
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def handler(signum, frame):
        raise Hang(f"an example ran for more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- words an error message must use, per problem ---------------------------

KEYWORDS = {
    "empty": ("sample", "empty", "0 ", "least", "no object", "no light", "n_samples"),
    "no_features": ("feature", "column", "empty", "0)", "least", "band", "shape"),
    "nan": ("nan", "missing", "finite", "infinity", "non-finite"),
    "inf": ("inf", "finite", "too large", "non-finite"),
    "huge": ("inf", "finite", "too large", "overflow", "range", "large"),
    "strings": ("str", "convert", "dtype", "numeric", "float", "object", "number"),
    "complex": ("complex",),
    "ndim": ("dim", "2d", "2-d", "shape", "reshape", "array", "expected"),
    "n_features": ("feature", "column", "expect", "band", "shape", "epoch"),
    "one_class": ("class", "label", "target"),
    "few_features": ("feature", "column", "band", "least", "pair", "2", "two"),
    "few_samples": ("sample", "least", "class", "component", "split", "fold"),
    "negative_err": ("err", "positive", "> 0", ">0", "negative", "sigma"),
    "unknown_band": ("band",),
    "mismatch": ("length", "mismatch", "shape", "same", "column", "point"),
}


def _check_error(exc, problems, where):
    """The exception must be ValueError/TypeError naming one of the problems."""
    if isinstance(exc, Hang):
        raise exc
    if not isinstance(exc, (ValueError, TypeError)):
        raise AssertionError(
            f"{where}: raised {type(exc).__name__} (expected a valid result or a "
            f"ValueError/TypeError) for problems {sorted(problems)}: {exc!r}"
        ) from exc
    message = str(exc)
    assert len(message) >= 10, f"{where}: {type(exc).__name__} with no message"
    words = {w for p in problems for w in KEYWORDS[p]}
    if words:
        low = message.lower()
        assert any(w in low for w in words), (
            f"{where}: {type(exc).__name__} message does not name the problem "
            f"{sorted(problems)} (expected one of {sorted(words)}): {message!r}"
        )


def _call(estimator, method, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = getattr(estimator, method)(*args)
    return result, caught


def _check_output(estimator, method, result, n_samples, finite_input, warned):
    name = type(estimator).__name__
    where = f"{name}.{method}"
    out = np.asarray(result)
    if method in ("transform", "fit_transform"):
        assert out.ndim == 2 and out.shape[0] == n_samples, (where, out.shape)
        if hasattr(estimator, "get_feature_names_out"):
            n_out = len(estimator.get_feature_names_out())
            assert out.shape[1] == n_out, (where, out.shape, n_out)
        if finite_input and not warned and name != "LightCurveFeatures":
            # LightCurveFeatures gives fill_value (NaN) to objects too short
            # for a feature, by design; the others must be finite
            assert np.isfinite(out.astype(float)).all(), (where, "non-finite out")
    elif method == "predict":
        assert out.shape[:1] == (n_samples,), (where, out.shape)
        if hasattr(estimator, "classes_") and is_classifier(estimator):
            assert np.isin(out, estimator.classes_).all(), (where, "unknown label")
    elif method == "predict_proba":
        n_classes = len(estimator.classes_)
        assert out.shape == (n_samples, n_classes), (where, out.shape)
        if finite_input and not warned:
            assert np.isfinite(out).all(), (where, "non-finite probabilities")
        if np.isfinite(out).all():
            assert (out >= -1e-12).all(), (where, "negative probability")
            np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    elif method in ("score_samples", "decision_function"):
        assert out.shape[:1] == (n_samples,), (where, out.shape)


# --- tabular (2-D) cases for every transformer and classifier ---------------

DTYPES = [
    "float64",
    "float32",
    "float16",
    "int64",
    "bool",
    "object-numbers",
    "object-strings",
    "complex128",
]
SCALES = ["magnitudes", "huge", "tiny", "negative", "zeros"]
INJECT = ["none", "nan-one", "inf-one", "neginf-one", "nan-all", "nan-column"]
CONTAINERS = ["ndarray", "list", "dataframe", "1d", "3d"]


def _mostly(common, others):
    """Draw ``common`` half of the time, else one of ``others``: half of the
    cases stay close to valid input, so that valid results get checked too."""
    return st.one_of(st.just(common), st.sampled_from(others))


@st.composite
def tabular_cases(draw):
    return {
        "seed": draw(st.integers(0, 2**16)),
        "n_samples": draw(_mostly(24, [0, 1, 2, 3, 6])),
        "n_features": draw(_mostly(5, [0, 1, 2, 3])),
        "dtype": draw(_mostly("float64", DTYPES[1:])),
        "scale": draw(_mostly("magnitudes", SCALES[1:])),
        "inject": draw(_mostly("none", INJECT[1:])),
        "container": draw(_mostly("ndarray", CONTAINERS[1:])),
        "phase": draw(st.sampled_from(["fit", "predict"])),
        "n_classes": draw(_mostly(3, [1, 2])),
    }


def _values(rng, n, p, scale):
    if scale == "magnitudes":
        return rng.normal(20.0, 1.5, size=(n, p))
    if scale == "huge":
        return rng.choice([1e300, -1e300, 1e30, 3e38], size=(n, p))
    if scale == "tiny":
        return rng.choice([1e-300, -1e-300, 5e-324, 1e-30], size=(n, p))
    if scale == "negative":
        return -np.abs(rng.normal(20.0, 1.5, size=(n, p)))
    return np.zeros((n, p))


def _make_tabular(case, n_samples=None, n_features=None):
    """Build X for a case; return (X, problems, finite, n_rows)."""
    rng = np.random.default_rng(case["seed"])
    n = case["n_samples"] if n_samples is None else n_samples
    p = case["n_features"] if n_features is None else n_features
    X = _values(rng, n, p, case["scale"])
    problems = set()
    if n == 0:
        problems.add("empty")
    if p == 0:
        problems.add("no_features")
    if p == 1:
        problems.add("few_features")
    if n in (1, 2, 3):
        problems.add("few_samples")
    if case["scale"] in ("huge", "tiny"):
        problems.add("huge")
    inject = case["inject"]
    if X.size and inject != "none":
        i, j = rng.integers(n), rng.integers(p)
        if inject == "nan-one":
            X[i, j] = np.nan
        elif inject == "inf-one":
            X[i, j] = np.inf
        elif inject == "neginf-one":
            X[i, j] = -np.inf
        elif inject == "nan-all":
            X[:] = np.nan
        elif inject == "nan-column":
            X[:, j] = np.nan
        problems.add("inf" if "inf" in inject else "nan")
    finite = bool(np.isfinite(X).all()) and case["scale"] not in ("huge", "tiny")

    dtype = case["dtype"]
    if dtype in ("float32", "float16", "int64", "bool", "complex128"):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NaN -> int casts
            X = X.astype(dtype)
        if dtype == "complex128":
            problems.add("complex")
        if dtype == "float16" and case["scale"] in ("huge", "tiny"):
            problems.add("inf")
        if dtype in ("int64", "bool", "float16"):
            # the cast itself can create inf (float16 overflow) or garbage
            finite = finite and bool(np.isfinite(X.astype(float)).all())
    elif dtype == "object-numbers":
        X = X.astype(object)
    elif dtype == "object-strings":
        X = X.astype(str).astype(object)
        if X.size:
            X[0, 0] = "not-a-number"
            problems.add("strings")
        finite = False

    container = case["container"]
    if container == "list":
        X = X.tolist()
    elif container == "dataframe":
        X = pd.DataFrame(X, columns=[f"c{k}" for k in range(p)])
    elif container == "1d":
        X = np.asarray(X).reshape(-1)
        problems.add("ndim")
    elif container == "3d":
        X = np.asarray(X).reshape(n, p, 1)
        problems.add("ndim")
    return X, problems, finite, n


def _labels(case, n):
    rng = np.random.default_rng(case["seed"] + 1)
    k = case["n_classes"]
    y = np.arange(n) % k
    rng.shuffle(y)
    return np.asarray(["star", "galaxy", "qso"])[y]


def _good_tabular(case):
    good = {**case, "dtype": "float64", "scale": "magnitudes", "inject": "none"}
    good.update(container="ndarray", n_samples=24, n_features=5, n_classes=3)
    return _make_tabular(good)[0], _labels(good, 24)


OUTPUT_METHODS = (
    "transform",
    "predict",
    "predict_proba",
    "score_samples",
    "decision_function",
)


def _fit(estimator, X, y):
    if is_classifier(estimator):
        return _call(estimator, "fit", X, y)
    return _call(estimator, "fit", X)


def _run_tabular_case(cls, case, make=check_instance):
    estimator = make(cls)
    name = cls.__name__
    if case["phase"] == "fit":
        X, problems, finite, n = _make_tabular(case)
        y = _labels(case, n)
        if is_classifier(estimator) and len(set(y)) < 2:
            problems.add("one_class")
        X_eval, n_eval, finite_eval = X, n, finite
        try:
            with _no_hang():
                _, caught = _fit(estimator, X, y)
        except Exception as exc:
            _check_error(exc, problems, f"{name}.fit")
            return
    else:
        # fit on good data, then predict/transform on bad data with the same
        # number of features (or not: then the mismatch must be named)
        X_good, y_good = _good_tabular(case)
        with _no_hang():
            _, caught = _fit(estimator, X_good, y_good)
        X_eval, problems, finite_eval, n_eval = _make_tabular(case)
        problems.discard("few_samples")
        problems.discard("few_features")
        if case["n_features"] != 5:
            problems.add("n_features")
    warned = bool(caught)
    for method in OUTPUT_METHODS:
        if not hasattr(estimator, method):
            continue
        try:
            with _no_hang():
                result, caught = _call(estimator, method, X_eval)
        except Exception as exc:
            _check_error(exc, problems, f"{name}.{method}")
            continue
        _check_output(
            estimator, method, result, n_eval, finite_eval, warned or bool(caught)
        )


@pytest.mark.parametrize("cls", [c for _, c in ESTIMATORS], ids=IDS)
def test_tabular_bad_input(cls):
    n_ci, n_long = (6, 50) if cls.__name__ in KERAS else (40, 500)

    @_settings(n_ci, n_long)
    @given(case=tabular_cases())
    def run(case):
        _run_tabular_case(cls, case)

    run()


# --- light curves: ragged, 0-2 points, bad errors, unknown bands ------------


@st.composite
def light_curve_cases(draw):
    n_objects = draw(st.integers(0, 6))
    curves = []
    for _ in range(n_objects):
        curves.append(
            {
                "n_points": draw(st.sampled_from([0, 1, 2, 3, 5, 30])),
                "scale": draw(_mostly("magnitudes", SCALES[1:])),
                "inject": draw(_mostly("none", ["nan", "inf", "time-nan"])),
                "err": draw(_mostly("ok", ["zero", "negative", "none"])),
                "band": draw(_mostly("mixed", ["g", "r", "unknown"])),
                "mismatch": draw(_mostly(False, [False, False, True])),
                "duplicate_times": draw(st.booleans()),
            }
        )
    return {
        "seed": draw(st.integers(0, 2**16)),
        "curves": curves,
        "form": draw(st.sampled_from(["arrays", "dicts", "dataframes", "objects"])),
        "errors": draw(st.sampled_from(["raise", "warn"])),
    }


def _make_curves(case):
    rng = np.random.default_rng(case["seed"])
    codes = {"g": 0.0, "r": 1.0, "unknown": 7.0}
    problems, curves = set(), []
    for spec in case["curves"]:
        n = spec["n_points"]
        t = np.sort(rng.uniform(0.0, 100.0, n))
        if spec["duplicate_times"] and n >= 2:
            t[1] = t[0]
        m = _values(rng, n, 1, spec["scale"])[:, 0]
        if spec["scale"] in ("huge", "tiny"):
            problems.add("huge")
        # the non-finite point (dropped) and the bad error are different
        # points, else dropping one would remove the other problem
        k = int(rng.integers(n)) if n else 0
        bad_err = spec["err"] in ("zero", "negative")
        inject = spec["inject"]
        if n == 1 and (bad_err or spec["band"] == "unknown"):
            inject = "none"
        if n and inject == "nan":
            m[k] = np.nan
        elif n and inject == "inf":
            m[k] = np.inf
        elif n and inject == "time-nan":
            t[k] = np.nan
        err = np.full(n, 0.05)
        if n and bad_err:
            err[(k + 1) % n] = 0.0 if spec["err"] == "zero" else -0.1
            problems.add("negative_err")
        if spec["band"] == "mixed":
            band = rng.choice([0.0, 1.0], n)
        else:
            band = np.full(n, codes[spec["band"]])
            if n and spec["band"] == "unknown":
                problems.add("unknown_band")
        columns = {"time": t, "mag": m, "err": err, "band": band}
        if spec["mismatch"] and n:
            columns["mag"] = m[:-1]
            problems.add("mismatch")
        curves.append(columns)

    form = case["form"]
    out = []
    for c in curves:
        if form == "arrays":
            if len(c["mag"]) != len(c["time"]):
                # an (n, 4) array cannot hold columns of different lengths:
                # hand the ragged columns over as a dict instead
                out.append(dict(c))
            else:
                out.append(np.column_stack([c["time"], c["mag"], c["err"], c["band"]]))
        elif form == "dicts":
            out.append(dict(c))
        elif form == "dataframes":
            if len(c["mag"]) != len(c["time"]):
                out.append(dict(c))
            else:
                out.append(pd.DataFrame(c))
        else:  # an object array of per-object arrays
            out.append(
                np.column_stack([c["time"], c["mag"], c["err"], c["band"]])
                if len(c["mag"]) == len(c["time"])
                else dict(c)
            )
    if form == "objects":
        holder = np.empty(len(out), dtype=object)
        holder[:] = out
        out = holder
    if len(out) == 0:
        problems.add("empty")
    return out, problems


def _lightcurve_features_cls():
    from skastro.lightcurve import LightCurveFeatures

    return LightCurveFeatures


@_settings(60, 1000)
@given(case=light_curve_cases())
def test_light_curves_bad_input(case):
    cls = _lightcurve_features_cls()
    # fitted on good curves with known bands; the bad ones go to transform,
    # and to fit in a second estimator
    rng = np.random.default_rng(0)
    good = [
        np.column_stack(
            [
                np.sort(rng.uniform(0, 100, 20)),
                rng.normal(18, 0.1, 20),
                np.full(20, 0.05),
                np.repeat([0.0, 1.0], 10),
            ]
        )
        for _ in range(3)
    ]
    curves, problems = _make_curves(case)
    params = dict(n_peaks=1, min_period=1.0, oversampling=2.0, errors=case["errors"])
    estimator = cls(bands=[0.0, 1.0], **params).fit(good)
    n_out = len(estimator.get_feature_names_out())
    where = "LightCurveFeatures.transform"
    try:
        with _no_hang():
            result, caught = _call(estimator, "transform", curves)
    except Exception as exc:
        _check_error(exc, problems, where)
    else:
        out = np.asarray(result)
        assert out.shape == (len(curves), n_out), (where, out.shape)
        # bad objects cannot come out as valid numbers without a warning
        bad = problems & {"negative_err", "unknown_band", "mismatch"}
        if bad:
            assert case["errors"] == "warn" and caught, (
                f"{where}: {sorted(bad)} accepted silently with errors="
                f"{case['errors']!r}"
            )

    # fit on the bad curves (bands learnt from them)
    where = "LightCurveFeatures.fit_transform"
    estimator = cls(**params)
    try:
        with _no_hang():
            result, caught = _call(estimator, "fit_transform", curves)
    except Exception as exc:
        _check_error(exc, problems - {"unknown_band"}, where)
    else:
        out = np.asarray(result)
        n_out = len(estimator.get_feature_names_out())
        assert out.shape == (len(curves), n_out), (where, out.shape)


# --- the harness itself can fail --------------------------------------------


class _DropsNaNRows(TransformerMixin, BaseEstimator):
    """A broken transformer: silently drops the rows holding NaN."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=float)
        return X[~np.isnan(X).any(axis=1)]

    def get_feature_names_out(self):
        return np.asarray([f"x{i}" for i in range(5)])


class _IndexErrorOnEmpty(_DropsNaNRows):
    """A broken transformer: an IndexError on empty input."""

    def transform(self, X):
        X = np.asarray(X, dtype=float)
        return X - X[0]


class _VagueError(_DropsNaNRows):
    """A broken transformer: a ValueError that does not say what is wrong."""

    def transform(self, X):
        raise ValueError("something went wrong somewhere")


BASE_CASE = {
    "seed": 0,
    "n_samples": 24,
    "n_features": 5,
    "dtype": "float64",
    "scale": "magnitudes",
    "inject": "none",
    "container": "ndarray",
    "phase": "predict",
    "n_classes": 3,
}


@pytest.mark.parametrize(
    "broken, change, message",
    [
        (_DropsNaNRows, {"inject": "nan-one"}, "transform"),
        (_IndexErrorOnEmpty, {"n_samples": 0}, "raised IndexError"),
        (_VagueError, {"inject": "inf-one"}, "does not name the problem"),
    ],
)
def test_harness_catches_broken_estimators(broken, change, message):
    with pytest.raises(AssertionError, match=message):
        _run_tabular_case(broken, {**BASE_CASE, **change}, make=lambda cls: cls())
    # and the same estimator passes a case it handles
    if broken is not _VagueError:
        _run_tabular_case(broken, BASE_CASE, make=lambda cls: cls())
