"""KerasMLPRegressor and CNNRegressor: targets, scaling, the Gaussian head.

Asserted here: predictions in the units of ``y`` whatever its scale (the
targets are standardised internally), several targets at once, the predicted
std of the Gaussian head following the noise of the data, a numerically
stable negative log-likelihood, routed parameters, seeding and pickling.
"""

import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

pytest.importorskip("keras")

from skastro.neural import CNNRegressor, KerasMLPRegressor
from skastro.neural._docs import TRAINING_PARAMS
from skastro.neural._heads import VARIANCE_FLOOR, gaussian_nll_loss

# no held-out data; six batches per epoch and few epochs, as Keras pays a
# fixed cost per epoch that exceeds that of the small steps here
FAST = {"batch_size": 50, "validation_fraction": 0.0}


@pytest.fixture(scope="module")
def linear():
    """y = 2 x0 - x1 + noise whose scale grows with x2 (heteroscedastic)."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 3))
    noise = 0.05 + 0.4 * (X[:, 2] > 0)
    y = 2.0 * X[:, 0] - X[:, 1] + noise * rng.normal(size=300)
    return X, y, noise


def _mlp(**kw):
    params = {"learning_rate": 0.02, "epochs": 30, **FAST}
    return KerasMLPRegressor((16,), **{**params, **kw})


def _cnn(**kw):
    params = {"conv_filters": (4,), "dense_units": (16,), "dropout": 0.0}
    params.update(learning_rate=0.02, epochs=20, **FAST)
    return CNNRegressor(**{**params, **kw})


REGRESSORS = [
    pytest.param(_mlp, id="KerasMLPRegressor"),
    pytest.param(_cnn, id="CNNRegressor"),
]


@pytest.mark.parametrize("make", REGRESSORS)
@pytest.mark.parametrize("offset, scale", [(0.0, 1.0), (19.5, 1e-3), (0.0, 1e4)])
def test_targets_in_any_units(make, offset, scale, linear):
    # the same fit whatever the target's offset and scale (redshifts of
    # 0.001 to 1, magnitudes around 20, fluxes in the thousands): the
    # standardised targets make the default learning rates work for all
    X, y, _ = linear
    reg = make(random_state=0).fit(X, offset + scale * y)
    assert reg.score(X, offset + scale * y) > 0.8
    np.testing.assert_allclose(reg.y_mean_, [offset + scale * y.mean()])
    np.testing.assert_allclose(reg.y_scale_, [scale * y.std()])
    assert reg.predict(X).shape == (300,)
    assert reg.predict(X).dtype == np.float64


@pytest.mark.parametrize("make", REGRESSORS)
def test_several_targets(make, linear):
    # y of shape (n, 2) with targets on different scales: one network, two
    # outputs, each in its own units; a (n, 1) y keeps its 2-D shape
    X, y, _ = linear
    Y = np.column_stack([y, 100.0 - 50.0 * X[:, 1]])
    reg = make(random_state=0, loss="gaussian_nll").fit(X, Y)
    mean, std = reg.predict(X, return_std=True)
    assert mean.shape == std.shape == (300, 2)
    assert reg.n_outputs_ == 2
    assert reg.score(X, Y) > 0.8
    assert np.all(std > 0)
    assert make(random_state=0).fit(X, Y[:, :1]).predict(X).shape == (300, 1)


def test_gaussian_std_follows_the_noise(linear):
    # the noise is 0.05 where x2 <= 0 and about 0.40 where x2 > 0: the
    # predicted std is several times larger in the noisy half, and about
    # two thirds of the residuals fall within one predicted std
    X, y, noise = linear
    reg = _mlp(loss="gaussian_nll", epochs=60, random_state=0).fit(X, y)
    mean, std = reg.predict(X, return_std=True)
    noisy = X[:, 2] > 0
    assert std[noisy].mean() > 3 * std[~noisy].mean()
    np.testing.assert_allclose(std[noisy].mean(), 0.45, rtol=0.3)
    assert 0.55 < np.mean(np.abs(y - mean) <= std) < 0.85
    np.testing.assert_array_equal(reg.predict(X), mean)


def test_return_std_needs_the_gaussian_head(linear):
    X, y, _ = linear
    reg = _mlp(epochs=2).fit(X, y)
    with pytest.raises(ValueError, match="return_std=True needs .*gaussian_nll"):
        reg.predict(X, return_std=True)


def test_gaussian_nll_is_stable():
    # the variance is at least VARIANCE_FLOOR, so a residual of 1e3 in
    # standardised units gives a large but finite loss; the loss matches
    # the closed-form Gaussian NLL and ignores the mean of the batch
    loss = gaussian_nll_loss("float32")
    y = np.array([[0.0], [1e3]], dtype=np.float32)
    out = np.array([[0.0, VARIANCE_FLOOR], [0.0, VARIANCE_FLOOR]], dtype=np.float32)
    value = float(loss(y, out))
    assert np.isfinite(value) and value > 1e10
    var = np.array([0.5, 2.0])
    out = np.column_stack([[0.1, -0.3], var])
    y = np.array([[0.0], [0.0]])
    expected = np.mean(0.5 * np.log(2 * np.pi * var) + 0.5 * out[:, 0] ** 2 / var)
    np.testing.assert_allclose(float(gaussian_nll_loss("float64")(y, out)), expected)


def test_weighted_fit_equals_repeated_fit(linear):
    # integer weights act as repeated samples, in the target scaling too
    X, y, _ = linear
    w = np.random.RandomState(1).randint(0, 4, size=len(y))
    weighted = _mlp(epochs=5, batch_size=1000, random_state=0)
    weighted.fit(X, y, sample_weight=w)
    repeated = _mlp(epochs=5, batch_size=1000, random_state=0).fit(
        np.repeat(X, w, axis=0), np.repeat(y, w)
    )
    np.testing.assert_allclose(weighted.y_mean_, repeated.y_mean_)
    np.testing.assert_allclose(weighted.y_scale_, repeated.y_scale_)
    np.testing.assert_allclose(
        weighted.predict(X), repeated.predict(X), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("make", REGRESSORS)
def test_seed_routing_and_pickle(make, linear):
    # equal seeds give equal networks, another seed another one; a routed
    # optimizer parameter reaches the optimizer and can be grid-searched;
    # a pickled copy predicts exactly as the original (mean and std)
    X, y, _ = linear
    eager = {"routed_params": {"compile__run_eagerly": True}, "epochs": 5}
    a = make(random_state=3, loss="gaussian_nll", **eager).fit(X, y)
    b = make(random_state=3, loss="gaussian_nll", **eager).fit(X, y)
    c = make(random_state=4, loss="gaussian_nll", **eager).fit(X, y)
    assert a.model_.run_eagerly
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert not np.allclose(a.predict(X), c.predict(X))
    restored = pickle.loads(pickle.dumps(a))
    for got, expected in zip(
        restored.predict(X, return_std=True), a.predict(X, return_std=True)
    ):
        np.testing.assert_array_equal(got, expected)
    reg = make(random_state=0, optimizer="sgd", **{**eager, "epochs": 2})
    reg.set_params(optimizer__momentum=0.5)
    reg.fit(X, y)
    assert float(reg.model_.optimizer.momentum) == 0.5
    search = GridSearchCV(clone(reg), {"optimizer__momentum": [0.0, 0.9]}, cv=2)
    assert search.fit(X, y).best_params_["optimizer__momentum"] in (0.0, 0.9)


def test_cnn_regressor_on_images():
    # a blob's brightness is the target: images (n, 8, 8, 1) go to Conv2D
    rng = np.random.RandomState(0)
    X = rng.normal(scale=0.1, size=(120, 8, 8, 1))
    y = rng.uniform(0, 2, size=120)
    X[:, 3:5, 3:5, 0] += y[:, None, None]
    reg = _cnn(random_state=0, epochs=30).fit(X, y)
    assert reg.input_shape_ == (8, 8, 1)
    assert reg.score(X, y) > 0.8
    with pytest.raises(ValueError, match="sample shape"):
        reg.predict(X[:, :, :4])


def test_dataframe_and_bad_target(linear):
    pd = pytest.importorskip("pandas")
    X, y, _ = linear
    df = pd.DataFrame(X, columns=["u_g", "g_r", "r"])
    reg = _mlp(epochs=2, random_state=0).fit(df, pd.Series(y, name="z"))
    np.testing.assert_array_equal(reg.feature_names_in_, ["u_g", "g_r", "r"])
    with pytest.raises(ValueError, match="NaN"):
        _mlp(epochs=2).fit(X, np.where(np.arange(300) == 5, np.nan, y))
    with pytest.raises(ValueError, match="loss"):
        _mlp(loss="absolute_error").fit(X, y)
    with pytest.raises(TypeError, match="stream of batches; the regressors"):
        _mlp().fit(iter([(X, y)]), None)


@pytest.mark.parametrize("cls", [KerasMLPRegressor, CNNRegressor])
def test_every_parameter_is_documented_with_its_default(cls):
    # as for the classifiers: one "name : type, default=value" line per
    # parameter, the value the signature's; the training parameters are
    # those of every Keras estimator, in the same order
    doc = cls.__doc__
    assert "%(" not in doc
    names = list(inspect.signature(cls).parameters)
    for name, param in inspect.signature(cls).parameters.items():
        lines = [line for line in doc.splitlines() if line.startswith(f"    {name} :")]
        assert len(lines) == 1, name
        default = param.default
        text = f'"{default}"' if isinstance(default, str) else repr(default)
        assert lines[0].endswith(f"default={text}"), lines[0]
    assert [n for n in names if n in TRAINING_PARAMS] == list(TRAINING_PARAMS)
