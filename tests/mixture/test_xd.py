"""Tests for skastro.mixture.XDGaussianMixture (extreme deconvolution)."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from skastro.mixture import XDGaussianMixture, _xd_em

# the error-free mixture the synthetic data are drawn from
WEIGHTS = np.array([0.4, 0.6])
MEANS = np.array([[-3.0, 1.0], [4.0, 4.0]])
COVS = np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.8]]])


def _noisy_mixture(n, seed=0):
    """Draws from the mixture plus heteroscedastic Gaussian errors.

    Every point's error standard deviation in every feature is 0.2 to 2
    times its component's intrinsic scale in that feature (log-uniform).
    Returns the noisy X, the standard deviations and the components.
    """
    rng = np.random.default_rng(seed)
    comp = rng.choice(2, size=n, p=WEIGHTS)
    chol = np.linalg.cholesky(COVS)
    truth = MEANS[comp] + np.einsum("nab,nb->na", chol[comp], rng.normal(size=(n, 2)))
    scale = np.sqrt(np.diagonal(COVS, axis1=1, axis2=2))[comp]
    err = scale * np.exp(rng.uniform(np.log(0.2), np.log(2.0), size=(n, 2)))
    return truth + err * rng.normal(size=(n, 2)), err, comp


def _full_errors(n, d, seed=0):
    """Correlated error covariances A A^T, one per sample."""
    A = np.random.default_rng(seed).normal(0.0, 0.4, size=(n, d, d))
    return A @ A.transpose(0, 2, 1)


def _sorted(weights, means, covs):
    """Components in order of their first mean coordinate."""
    order = np.argsort(means[:, 0])
    return weights[order], means[order], covs[order]


def test_recovers_the_error_free_mixture_where_plain_gmm_is_inflated():
    # 40,000 points: the sampling error of each fitted covariance is ~2 %,
    # so the 5 % bounds test the deconvolution, not the luck of the draw
    X, err, _ = _noisy_mixture(40_000)
    xd = XDGaussianMixture(2, random_state=0).fit(X, X_err=err)
    assert xd.converged_
    weights, means, covs = _sorted(xd.weights_, xd.means_, xd.covariances_)
    for k in range(2):
        mean_err = np.linalg.norm(means[k] - MEANS[k]) / np.linalg.norm(MEANS[k])
        cov_err = np.linalg.norm(covs[k] - COVS[k]) / np.linalg.norm(COVS[k])
        assert mean_err < 0.05, (k, means[k])
        assert cov_err < 0.05, (k, covs[k])
    np.testing.assert_allclose(weights, WEIGHTS, atol=0.02)
    # the plain mixture fits the noisy density: covariances inflated > 20 %
    gm = GaussianMixture(2, random_state=0).fit(X)
    _, _, plain_covs = _sorted(gm.weights_, gm.means_, gm.covariances_)
    for k in range(2):
        assert np.trace(plain_covs[k]) > 1.2 * np.trace(COVS[k]), k


def test_one_em_step_matches_astroml():
    # astroML's XDGMM._EMstep is an independent loop-per-sample implementation
    # of the same update (Bovy et al. eqs. 16-18): from the same start, the
    # same parameters to rounding
    density = pytest.importorskip("astroML.density_estimation")
    X, _, _ = _noisy_mixture(400, seed=1)
    S = _full_errors(400, 2, seed=2)
    ref = density.XDGMM(2)
    ref.alpha, ref.mu, ref.V = WEIGHTS.copy(), MEANS.copy(), COVS.copy()
    log_lik = ref.logL(X, S) / len(X)
    ref._EMstep(X, S)
    weights, means, covs, ours_log_lik = _xd_em.em_step(X, S, WEIGHTS, MEANS, COVS, 0.0)
    np.testing.assert_allclose(weights, ref.alpha, rtol=1e-12)
    np.testing.assert_allclose(means, ref.mu, rtol=1e-12)
    np.testing.assert_allclose(covs, ref.V, rtol=1e-12)
    assert ours_log_lik == pytest.approx(log_lik, rel=1e-12)


def test_full_fit_matches_astroml():
    # both fits converge (tight tolerances, no regularisation) to the same
    # maximum of the likelihood from their own initialisations
    density = pytest.importorskip("astroML.density_estimation")
    X, err, _ = _noisy_mixture(1000, seed=1)
    S = np.einsum("na,ab->nab", err**2, np.eye(2))
    with warnings.catch_warnings():
        # astroML starts from 10 iterations of GaussianMixture, unconverged
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = density.XDGMM(2, max_iter=1000, tol=1e-8, random_state=0).fit(X, S)
    xd = XDGaussianMixture(2, tol=1e-10, max_iter=5000, reg_covar=0.0).fit(X, X_err=S)
    ours = _sorted(xd.weights_, xd.means_, xd.covariances_)
    theirs = _sorted(ref.alpha, ref.mu, ref.V)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-4)
    assert xd.score(X, X_err=S) == pytest.approx(ref.logL(X, S) / len(X), rel=1e-8)


def test_score_samples_matches_a_loop_per_sample_reference():
    # reference: every sample and component through scipy's multivariate normal
    X, _, _ = _noisy_mixture(500, seed=3)
    S = _full_errors(500, 2, seed=4)
    xd = XDGaussianMixture(2, random_state=0).fit(X, X_err=S)
    expected = np.array(
        [
            logsumexp(
                [
                    np.log(w) + multivariate_normal(m, V + S_i).logpdf(x)
                    for w, m, V in zip(xd.weights_, xd.means_, xd.covariances_)
                ]
            )
            for x, S_i in zip(X, S)
        ]
    )
    np.testing.assert_allclose(xd.score_samples(X, X_err=S), expected, rtol=1e-10)
    assert xd.score(X, X_err=S) == pytest.approx(expected.mean(), rel=1e-10)
    proba = xd.predict_proba(X, X_err=S)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(xd.predict(X, X_err=S), proba.argmax(axis=1))


def test_without_errors_it_is_a_full_gaussian_mixture():
    # X_err=None and all-zero errors both fit the noisy density, as
    # sklearn's GaussianMixture does (same maximum, tight tolerances)
    X, _, _ = _noisy_mixture(2000, seed=5)
    gm = GaussianMixture(2, tol=1e-10, max_iter=1000, random_state=0).fit(X)
    for X_err in (None, np.zeros_like(X)):
        xd = XDGaussianMixture(2, tol=1e-10, max_iter=1000, random_state=0)
        xd.fit(X, X_err=X_err)
        for a, b in zip(
            _sorted(xd.weights_, xd.means_, xd.covariances_),
            _sorted(gm.weights_, gm.means_, gm.covariances_),
        ):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(xd.score_samples(X), gm.score_samples(X), rtol=1e-6)


def test_standard_deviations_are_diagonal_covariances():
    X, err, _ = _noisy_mixture(1000, seed=6)
    S = np.einsum("na,ab->nab", err**2, np.eye(2))
    a = XDGaussianMixture(2, random_state=0).fit(X, X_err=err)
    b = XDGaussianMixture(2, random_state=0).fit(X, X_err=S)
    np.testing.assert_allclose(a.covariances_, b.covariances_, rtol=1e-12)
    np.testing.assert_allclose(a.score_samples(X, err), b.score_samples(X, S))


def test_chunked_estep_gives_the_same_fit(monkeypatch):
    # a tiny chunk (4 samples at a time) sums the same statistics
    X, _, _ = _noisy_mixture(300, seed=7)
    S = _full_errors(300, 2, seed=8)
    whole = XDGaussianMixture(2, random_state=0).fit(X, X_err=S)
    monkeypatch.setattr(_xd_em, "_CHUNK_FLOATS", 32)
    chunked = XDGaussianMixture(2, random_state=0).fit(X, X_err=S)
    np.testing.assert_allclose(chunked.covariances_, whole.covariances_, rtol=1e-10)
    assert chunked.n_iter_ == whole.n_iter_


def test_sample_draws_from_the_deconvolved_mixture():
    X, err, _ = _noisy_mixture(4000, seed=9)
    xd = XDGaussianMixture(2, random_state=0).fit(X, X_err=err)
    draws, labels = xd.sample(20_000)
    assert draws.shape == (20_000, 2)
    np.testing.assert_allclose(np.bincount(labels) / 20_000, xd.weights_, atol=0.02)
    for k in range(2):
        cov = np.cov(draws[labels == k], rowvar=False)
        np.testing.assert_allclose(cov, xd.covariances_[k], atol=0.06)
    # seeded: the same draws again
    np.testing.assert_array_equal(xd.sample(50)[0], xd.sample(50)[0])
    with pytest.raises(ValueError, match="n_samples=0"):
        xd.sample(0)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random_from_data"])
def test_same_seed_same_fit_and_pickle(init_params):
    X, err, _ = _noisy_mixture(600, seed=10)
    a = XDGaussianMixture(2, init_params=init_params, random_state=3).fit(X, X_err=err)
    b = XDGaussianMixture(2, init_params=init_params, random_state=3).fit(X, X_err=err)
    np.testing.assert_array_equal(a.means_, b.means_)
    np.testing.assert_array_equal(a.covariances_, b.covariances_)
    copy = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(copy.score_samples(X, err), a.score_samples(X, err))


def test_random_init_and_several_inits_keep_the_best():
    X, err, _ = _noisy_mixture(600, seed=11)
    one = XDGaussianMixture(2, init_params="random", random_state=0).fit(X, X_err=err)
    best = XDGaussianMixture(2, n_init=3, init_params="random", random_state=0)
    best.fit(X, X_err=err)
    assert best.lower_bound_ >= one.lower_bound_ - 1e-9
    assert best.bic(X, err) == pytest.approx(
        -2 * best.score(X, X_err=err) * 600 + 11 * np.log(600)
    )


def test_unconverged_fit_warns():
    X, err, _ = _noisy_mixture(300, seed=12)
    with pytest.warns(ConvergenceWarning, match="max_iter=1 "):
        xd = XDGaussianMixture(2, max_iter=1, random_state=0).fit(X, X_err=err)
    assert not xd.converged_ and xd.n_iter_ == 1


# --- bad input: errors name the sample and the value --------------------------


def _X(n=20):
    return np.random.default_rng(0).normal(size=(n, 2))


def test_nan_error_names_the_sample():
    err = np.full((20, 2), 0.1)
    err[7, 1] = np.nan
    with pytest.raises(ValueError, match=r"X_err of sample 7 .*non-finite value nan"):
        XDGaussianMixture().fit(_X(), X_err=err)


def test_negative_standard_deviation_names_the_sample():
    err = np.full((20, 2), 0.1)
    err[3, 0] = -0.5
    match = r"sample 3 .*negative standard deviation -0.5 in feature 0"
    with pytest.raises(ValueError, match=match):
        XDGaussianMixture().fit(_X(), X_err=err)


def test_non_positive_definite_covariance_names_sample_and_eigenvalue():
    S = np.tile(np.eye(2) * 0.1, (20, 1, 1))
    S[11] = [[1.0, 2.0], [2.0, 1.0]]  # eigenvalues 3 and -1
    with pytest.raises(ValueError, match=r"sample 11 .*smallest eigenvalue is -1\b"):
        XDGaussianMixture().fit(_X(), X_err=S)


def test_asymmetric_covariance_names_the_sample():
    S = np.tile(np.eye(2) * 0.1, (20, 1, 1))
    S[5, 0, 1] = 0.05
    with pytest.raises(ValueError, match=r"X_err of sample 5 is not symmetric"):
        XDGaussianMixture().fit(_X(), X_err=S)


@pytest.mark.parametrize("shape", [(19, 2), (20, 3), (20, 2, 3), (20,)])
def test_shape_mismatch_names_both_shapes(shape):
    with pytest.raises(ValueError, match=r"X_err has shape .* X of shape \(20, 2\)"):
        XDGaussianMixture().fit(_X(), X_err=np.ones(shape))
    xd = XDGaussianMixture().fit(_X())
    with pytest.raises(ValueError, match="does not match X"):
        xd.score_samples(_X(), X_err=np.ones(shape))


def test_fewer_samples_than_components():
    with pytest.raises(ValueError, match="3 samples, fewer than n_components=4"):
        XDGaussianMixture(4).fit(_X(3))
