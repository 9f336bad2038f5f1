"""Every public estimator, fitted, survives pickle and joblib unchanged.

The common persistence test of issue 9: each estimator of
:func:`skastro.utils.all_estimators` is fitted on small data suited to it
(the small configuration of :func:`skastro.utils._testing.check_instance`),
dumped and loaded through :mod:`pickle` and :mod:`joblib`, and every output
method (``predict``, ``predict_proba``, ``transform``, ``score_samples``, ...)
of the copy must return exactly what the original returns. Keras estimators
are included.

It also checks the safety rule of the data loaders: no code path in skastro
unpickles downloaded data.
"""

import ast
import io
import pickle
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import is_classifier, is_outlier_detector, is_regressor
from sklearn.utils import get_tags

import skastro
from skastro.utils import all_estimators
from skastro.utils._testing import check_instance

OUTPUT_METHODS = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "score_samples",
    "transform",
)


def _light_curves(rng, n_objects):
    """Irregular single-band light curves, 15 to 40 points, as (t, m, err)."""
    curves = []
    for i in range(n_objects):
        n = int(rng.integers(15, 40))
        t = np.sort(rng.uniform(0.0, 100.0, n))
        period = 0.5 + i % 5
        m = 18.0 + 0.3 * np.sin(2 * np.pi * t / period) + rng.normal(0, 0.05, n)
        err = np.full(n, 0.05)
        curves.append(np.column_stack([t, m, err]))
    return curves


def _images(rng, n_objects):
    """Tiny (8, 8, 1) "cutouts": a blob for class 1, noise for class 0."""
    X = rng.normal(0.0, 0.1, size=(n_objects, 8, 8, 1)).astype(np.float32)
    y = np.arange(n_objects) % 2
    X[y == 1, 3:5, 3:5, 0] += 1.0
    return X, y


def _fit_data(estimator, rng):
    """(X_fit, y_fit, X_test) suited to ``estimator``.

    Catalogue-like data by default: magnitudes around 20 in five columns,
    three classes for classifiers. Estimators with a different natural input
    get their own data: light curves for ``LightCurveFeatures``, image
    cutouts for ``CNNClassifier``.
    """
    name = type(estimator).__name__
    n = 60
    if name == "LightCurveFeatures":
        X = _light_curves(rng, n)
        y = np.arange(n) % 3
        return X, y, _light_curves(rng, 7)
    if name == "CNNClassifier":
        X, y = _images(rng, n)
        return X, y, _images(rng, 7)[0]
    X = rng.normal(20.0, 1.0, size=(n, 5))
    X_test = rng.normal(20.0, 1.0, size=(7, 5))
    tags = get_tags(estimator)
    if tags.input_tags.positive_only:
        X, X_test = np.abs(X) + 1.0, np.abs(X_test) + 1.0
    y = np.arange(n) % 3
    # the classes depend on the data, so that classifiers learn something
    X[:, 0] += y
    if tags.classifier_tags is not None and not tags.classifier_tags.multi_class:
        y = y % 2
    if is_regressor(estimator):
        y = X[:, 0] + 0.1 * X[:, 1]
    return X, y, X_test


def _fit(estimator, X, y):
    requires_y = get_tags(estimator).target_tags.required
    if is_classifier(estimator) or is_regressor(estimator) or requires_y:
        return estimator.fit(X, y)
    if is_outlier_detector(estimator):
        return estimator.fit(X)
    return estimator.fit(X, y)


def _outputs(estimator, X_test):
    out = {}
    for method in OUTPUT_METHODS:
        if hasattr(estimator, method):
            result = getattr(estimator, method)(X_test)
            out[method] = np.asarray(result)
    if hasattr(estimator, "fit_resample"):  # samplers: the same draws after a copy
        y_test = np.arange(len(X_test)) % 2
        out["fit_resample"] = np.asarray(estimator.fit_resample(X_test, y_test)[0])
    return out


def _roundtrip_pickle(estimator):
    return pickle.loads(pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL))


def _roundtrip_joblib(estimator, tmp_path):
    path = tmp_path / "estimator.joblib"
    joblib.dump(estimator, path)
    return joblib.load(path)


def _roundtrip_joblib_compressed(estimator, tmp_path):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=3)
    buffer.seek(0)
    return joblib.load(buffer)


ROUNDTRIPS = {
    "pickle": lambda est, tmp: _roundtrip_pickle(est),
    "joblib": _roundtrip_joblib,
    "joblib-compressed": _roundtrip_joblib_compressed,
}


@pytest.fixture(scope="module")
def fitted_estimators():
    """Fit each estimator once per module: the Keras ones are the slow part."""
    cache = {}

    def get(cls):
        if cls not in cache:
            rng = np.random.default_rng(0)
            estimator = check_instance(cls)
            if "random_state" in estimator.get_params():
                estimator.set_params(random_state=0)
            X, y, X_test = _fit_data(estimator, rng)
            with warnings.catch_warnings():
                # convergence warnings on tiny data are not what is tested
                warnings.simplefilter("ignore")
                _fit(estimator, X, y)
            cache[cls] = (estimator, X_test)
        return cache[cls]

    return get


ESTIMATORS = all_estimators()


def test_some_estimators_are_public():
    # an empty list would make every parametrised test below vacuous
    assert len(ESTIMATORS) >= 1


@pytest.mark.parametrize("roundtrip", sorted(ROUNDTRIPS))
@pytest.mark.parametrize(
    "cls", [cls for _, cls in ESTIMATORS], ids=[name for name, _ in ESTIMATORS]
)
def test_roundtrip_identical_outputs(cls, roundtrip, fitted_estimators, tmp_path):
    estimator, X_test = fitted_estimators(cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = _outputs(estimator, X_test)
        copy = ROUNDTRIPS[roundtrip](estimator, tmp_path)
        after = _outputs(copy, X_test)
    assert before, f"{cls.__name__} has none of the output methods {OUTPUT_METHODS}"
    assert copy is not estimator
    assert type(copy) is type(estimator)
    assert sorted(after) == sorted(before)
    for method in before:
        assert after[method].shape == before[method].shape, method
        np.testing.assert_array_equal(
            after[method],
            before[method],
            err_msg=f"{cls.__name__}.{method} changed after a {roundtrip} round trip",
        )
    # the copy keeps every parameter, and the fitted attributes' names
    assert repr(copy.get_params()) == repr(estimator.get_params())
    fitted = {k for k in vars(estimator) if k.endswith("_") and not k.startswith("_")}
    assert fitted <= set(vars(copy))


@pytest.mark.parametrize(
    "cls", [cls for _, cls in ESTIMATORS], ids=[name for name, _ in ESTIMATORS]
)
def test_roundtrip_of_unfitted_estimator_clones_the_same(cls):
    from sklearn.base import clone

    estimator = check_instance(cls)
    copy = _roundtrip_pickle(estimator)
    assert repr(clone(copy).get_params()) == repr(estimator.get_params())


def _calls_in(path: Path):
    """Yield (dotted call name, line) for every call in the module at path."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            parts = []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
            yield ".".join(reversed(parts)), node


UNSAFE_LOADS = {
    "pickle.load",
    "pickle.loads",
    "cPickle.load",
    "joblib.load",
    "dill.load",
    "cloudpickle.load",
    "pd.read_pickle",
    "pandas.read_pickle",
}


def _unsafe_loads(path: Path, root: Path) -> list[str]:
    """Every call in ``path`` that could unpickle data, as "file:line calls name"."""
    offenders = []
    for name, node in _calls_in(path):
        where = f"{path.relative_to(root)}:{node.lineno}"
        if name in UNSAFE_LOADS or name.endswith(".read_pickle"):
            offenders.append(f"{where} calls {name}")
        if name in {"np.load", "numpy.load"}:
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    offenders.append(f"{where} calls {name} with allow_pickle")
    return offenders


def test_no_code_path_unpickles_data():
    """Loaders never unpickle: no pickle/joblib load, no np.load(allow_pickle=True)."""
    root = Path(skastro.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files, root
    offenders = [o for path in files for o in _unsafe_loads(path, root.parent)]
    assert not offenders, "\n".join(offenders)


def test_unsafe_load_detector_finds_planted_calls(tmp_path):
    # the scanner above must be able to fail: it finds planted calls
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nimport joblib\nimport numpy as np\n"
        "def f(p):\n"
        "    a = pickle.load(open(p, 'rb'))\n"
        "    b = np.load(p, allow_pickle=True)\n"
        "    c = np.load(p, allow_pickle=False)\n"
        "    return a, b, c, joblib.load(p)\n"
    )
    offenders = _unsafe_loads(bad, tmp_path)
    assert offenders == [
        "bad.py:5 calls pickle.load",
        "bad.py:6 calls np.load with allow_pickle",
        "bad.py:8 calls joblib.load",
    ]


def _unrestricted_unpicklers(path: Path, root: Path) -> list[str]:
    """Subclasses of pickle.Unpickler that do not restrict ``find_class``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {ast.unparse(b) for b in node.bases}
        if bases & {"pickle.Unpickler", "Unpickler", "_pickle.Unpickler"}:
            methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            if "find_class" not in methods:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return found


def test_unpicklers_restrict_globals():
    """A loader that must read an origin's pickles (FR-DEEP's CIFAR-style
    batches) does it only through an Unpickler whose find_class allows a
    fixed list of globals, never with pickle.load."""
    root = Path(skastro.__file__).parent
    offenders = [
        o
        for path in sorted(root.rglob("*.py"))
        for o in _unrestricted_unpicklers(path, root.parent)
    ]
    assert not offenders, "\n".join(offenders)


def test_unrestricted_unpickler_detector(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\n"
        "class Open(pickle.Unpickler):\n    pass\n"
        "class Closed(pickle.Unpickler):\n"
        "    def find_class(self, module, name):\n        raise ValueError\n"
    )
    assert _unrestricted_unpicklers(bad, tmp_path) == ["bad.py:2 Open"]
