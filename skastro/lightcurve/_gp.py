"""Per-object Gaussian processes of light curves, for :mod:`._augment`.

One object's bands share a Matern-3/2 kernel (amplitude ``sigma``, time scale
``rho``) and an extra white-noise ``jitter`` added to the quoted errors; each
band has its own mean and is an independent realisation of that process.
The likelihood and every solve run through celerite2 (Foreman-Mackey et al.
2017), which is linear in the number of points, so fitting and drawing cost
O(n) per object. celerite2 is imported on first use.

A posterior draw uses Matheron's rule: draw ``f`` from the prior at the
observed and the new times together, then move it by the posterior mean of
the residual, ``f* + K*(K + N)^-1 (y - f - eps)``; both steps are linear-time
celerite2 operations (``dot_tril`` and ``predict``), where sampling the
predictive covariance directly would be cubic in the number of new times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LOG_2PI = np.log(2.0 * np.pi)


@dataclass
class ObjectGP:
    """A fitted GP of one light curve: hyperparameters and per-band data.

    Attributes
    ----------
    sigma, rho, jitter : float
        Kernel amplitude, Matern-3/2 time scale and extra white noise.
    bands : list of tuple
        Per band ``(t, r, err, mean)``: sorted times, residuals from the band
        mean, quoted errors, and the mean.
    """

    sigma: float
    rho: float
    jitter: float
    bands: list


def _celerite2():
    try:
        import celerite2
    except ImportError as exc:  # pragma: no cover - celerite2 is a dependency
        raise ImportError(
            "LightCurveGPAugmenter needs celerite2 (pip install celerite2)."
        ) from exc
    return celerite2


def fit_object_gp(t, m, err, band_idx, n_bands: int) -> ObjectGP:
    """Fit the shared kernel of one object by maximum likelihood.

    ``t, m, err, band_idx`` hold finite points with ``err > 0``; bands
    without points are left out.
    """
    from scipy.optimize import minimize

    celerite2 = _celerite2()
    bands = []
    for b in range(n_bands):
        sel = band_idx == b
        if not np.any(sel):
            bands.append(None)
            continue
        order = np.argsort(t[sel], kind="stable")
        tb, mb, eb = t[sel][order], m[sel][order], err[sel][order]
        w = 1.0 / eb**2
        mean = float(np.sum(w * mb) / np.sum(w))
        bands.append((tb, mb - mean, eb, mean))
    used = [x for x in bands if x is not None]
    resid = np.concatenate([x[1] for x in used])
    errs = np.concatenate([x[2] for x in used])
    e_med = float(np.median(errs))
    scale = max(float(np.std(resid)), e_med, 1e-12)
    span = max(max(float(x[0][-1] - x[0][0]) for x in used), 1e-6)
    steps = np.concatenate([np.diff(x[0]) for x in used])
    steps = steps[steps > 0]
    dt = float(np.median(steps)) if steps.size else span
    # bounds in log space: the amplitude and the jitter around the scatter,
    # the time scale from a tenth of the typical spacing to ten spans
    lo = np.log([scale * 1e-3, min(dt, span) * 0.1, scale * 1e-4])
    hi = np.log([scale * 10.0, span * 10.0, scale * 2.0])
    sig0 = np.sqrt(max(float(np.var(resid)) - e_med**2, 0.1 * scale**2))
    x0 = np.clip(np.log([sig0, np.sqrt(dt * span), 0.1 * e_med + 1e-3 * scale]), lo, hi)
    gp = celerite2.GaussianProcess(celerite2.terms.Matern32Term(sigma=1.0, rho=1.0))

    def nll(theta):
        sigma, rho, jitter = np.exp(theta)
        gp.kernel = celerite2.terms.Matern32Term(sigma=sigma, rho=rho)
        total = 0.0
        for tb, rb, eb, _ in used:
            gp.compute(tb, yerr=np.sqrt(eb**2 + jitter**2), quiet=True)
            total += gp.log_likelihood(rb)
        return -total if np.isfinite(total) else 1e25

    res = minimize(
        nll, x0, method="L-BFGS-B", bounds=list(zip(lo, hi)), options={"ftol": 1e-7}
    )
    theta = res.x if np.isfinite(res.fun) and res.fun < nll(x0) else x0
    sigma, rho, jitter = np.exp(theta)
    return ObjectGP(float(sigma), float(rho), float(jitter), bands)


def draw_band(gp_fit: ObjectGP, b: int, t_new, rng) -> np.ndarray:
    """One posterior draw of band ``b``'s latent curve at sorted ``t_new``."""
    celerite2 = _celerite2()
    tb, rb, eb, mean = gp_fit.bands[b]
    term = celerite2.terms.Matern32Term(sigma=gp_fit.sigma, rho=gp_fit.rho)
    # a prior draw at the union of the observed and the new times
    union, inverse = np.unique(np.concatenate([tb, t_new]), return_inverse=True)
    prior = celerite2.GaussianProcess(term)
    prior.compute(union, diag=np.full(union.shape[0], 1e-10 * gp_fit.sigma**2))
    f = prior.dot_tril(rng.standard_normal(union.shape[0]))[inverse]
    f_obs, f_new = f[: tb.shape[0]], f[tb.shape[0] :]
    # moved by the posterior mean of the residual (Matheron's rule)
    noise = np.sqrt(eb**2 + gp_fit.jitter**2)
    post = celerite2.GaussianProcess(term)
    post.compute(tb, yerr=noise)
    eps = noise * rng.standard_normal(tb.shape[0])
    return mean + f_new + post.predict(rb - f_obs - eps, t=t_new)


def log_predictive(gp_fit: ObjectGP, b: int, t_new, m_new, err_new) -> float:
    """Mean log predictive density of held-out points (benchmarks only)."""
    celerite2 = _celerite2()
    tb, rb, eb, mean = gp_fit.bands[b]
    term = celerite2.terms.Matern32Term(sigma=gp_fit.sigma, rho=gp_fit.rho)
    gp = celerite2.GaussianProcess(term)
    gp.compute(tb, yerr=np.sqrt(eb**2 + gp_fit.jitter**2))
    mu, var = gp.predict(rb, t=t_new, return_var=True)
    var = var + err_new**2 + gp_fit.jitter**2
    return float(
        np.mean(-0.5 * ((m_new - mean - mu) ** 2 / var + np.log(var) + _LOG_2PI))
    )
