"""Extreme deconvolution: the vectorised EM of Bovy, Hogg & Roweis (2011).

The numerical core of :class:`~skastro.mixture.XDGaussianMixture`: checking
the per-sample error covariances, the E-step quantities of every (sample,
component) pair as batched linear algebra, and the M-step. Samples are taken
in chunks (a bounded working set of ``n_chunk x n_components x d x d``
floats), never one at a time.

Notation of the paper (eqs. 16-18): sample :math:`x_i` with error covariance
:math:`S_i`, component :math:`j` of weight :math:`\\alpha_j`, mean
:math:`m_j` and intrinsic covariance :math:`V_j`; :math:`T_{ij} = V_j + S_i`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

# floats held at once per chunk in the E-step (n_chunk * n_components * d * d)
_CHUNK_FLOATS = 2**22
_LOG_2PI = np.log(2.0 * np.pi)


def check_errors(X_err, n_samples: int, n_features: int, *, owner: str):
    """Return the error covariances as (n_samples, n_features, n_features).

    ``None`` (no errors) is returned as ``None``. Standard deviations of
    shape (n_samples, n_features) become diagonal covariances. Errors name
    the offending sample and value: a non-finite entry, a negative standard
    deviation, an asymmetric or a non-positive-semidefinite covariance (with
    its smallest eigenvalue), a shape that does not match X.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.mixture._xd_em import check_errors
    >>> check_errors(np.ones((3, 2)), 3, 2, owner="XD")[0]
    array([[1., 0.],
           [0., 1.]])
    """
    if X_err is None:
        return None
    try:
        S = np.asarray(X_err, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{owner}: X_err could not be read as floats: {exc}") from exc
    std_shape = (n_samples, n_features)
    if S.shape not in (std_shape, (*std_shape, n_features)):
        raise ValueError(
            f"{owner}: X_err has shape {S.shape}, which does not match X of shape "
            f"{std_shape}; expected standard deviations of shape {std_shape} or "
            f"covariances of shape {(*std_shape, n_features)}."
        )
    bad = ~np.isfinite(S)
    if bad.any():
        where = np.argwhere(bad)[0]
        raise ValueError(
            f"{owner}: X_err of sample {where[0]} holds the non-finite value "
            f"{float(S[tuple(where)])!r} at index {tuple(int(i) for i in where[1:])}; "
            "expected finite errors."
        )
    if S.ndim == 2:
        if (S < 0).any():
            i, f = np.argwhere(S < 0)[0]
            raise ValueError(
                f"{owner}: X_err of sample {i} has the negative standard deviation "
                f"{float(S[i, f])!r} in feature {f}; expected standard deviations >= 0."
            )
        out = np.zeros((n_samples, n_features, n_features))
        idx = np.arange(n_features)
        out[:, idx, idx] = S**2
        return out
    scale = np.abs(S).max(axis=(1, 2))
    asym = np.abs(S - S.transpose(0, 2, 1)).max(axis=(1, 2)) > 1e-10 * scale
    if asym.any():
        i = int(np.flatnonzero(asym)[0])
        raise ValueError(
            f"{owner}: X_err of sample {i} is not symmetric: {S[i].tolist()!r}; "
            "expected error covariance matrices."
        )
    smallest = np.linalg.eigvalsh(S)[:, 0]
    negative = smallest < -1e-10 * scale
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise ValueError(
            f"{owner}: X_err of sample {i} is not positive semi-definite: its "
            f"smallest eigenvalue is {smallest[i]:.6g}; expected error "
            "covariance matrices."
        )
    return S


def _chunks(n_samples: int, n_components: int, n_features: int):
    size = max(1, _CHUNK_FLOATS // (n_components * n_features * n_features))
    for start in range(0, n_samples, size):
        yield slice(start, min(start + size, n_samples))


def _pair_terms(X, S, means, covariances):
    """log N(x_i | m_j, T_ij), T_ij^-1 and x_i - m_j for one chunk.

    ``S`` is None for zero errors: then T_j = V_j is shared by every sample
    (arrays of leading length 1 broadcast over the samples).
    """
    T = covariances[np.newaxis] if S is None else covariances + S[:, np.newaxis]
    try:
        chol = np.linalg.cholesky(T)
    except np.linalg.LinAlgError as exc:
        raise ValueError(
            "the extreme-deconvolution fit failed: a component covariance plus "
            "an error covariance is not positive definite (a collapsed "
            "component); increase reg_covar or decrease n_components."
        ) from exc
    T_inv = np.linalg.inv(T)
    diff = X[:, np.newaxis, :] - means  # (n, K, d)
    T_inv_diff = (T_inv @ diff[..., np.newaxis])[..., 0]
    maha = np.einsum("nka,nka->nk", diff, T_inv_diff)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    log_gauss = -0.5 * (X.shape[1] * _LOG_2PI + log_det + maha)
    return log_gauss, T_inv, T_inv_diff


def weighted_log_prob(X, S, weights, means, covariances) -> np.ndarray:
    """log(alpha_j N(x_i | m_j, V_j + S_i)), shape (n_samples, n_components)."""
    n, d = X.shape
    out = np.empty((n, len(weights)))
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    for part in _chunks(n, len(weights), d):
        S_part = None if S is None else S[part]
        out[part] = _pair_terms(X[part], S_part, means, covariances)[0] + log_weights
    return out


def em_step(X, S, weights, means, covariances, reg_covar: float):
    """One EM iteration (Bovy et al. 2011, eqs. 16-18).

    Returns the new ``(weights, means, covariances)`` and the mean
    log-likelihood per sample of the data under the parameters given.
    The sums run chunk by chunk: with :math:`c_{ij} = b_{ij} - m_j =
    V_j T_{ij}^{-1} (x_i - m_j)` and :math:`q_{ij}` the responsibilities,
    the new mean is :math:`m_j + \\sum_i q_{ij} c_{ij} / q_j` and the new
    covariance :math:`V_j - V_j (\\sum_i q_{ij} T_{ij}^{-1}) V_j / q_j +
    \\sum_i q_{ij} (b_{ij} - m'_j)(b_{ij} - m'_j)^T / q_j`, which avoids
    forming :math:`B_{ij}` for every pair.
    """
    n, d = X.shape
    K = len(weights)
    q_sum = np.zeros(K)
    qc_sum = np.zeros((K, d))
    qcc_sum = np.zeros((K, d, d))
    qT_inv_sum = np.zeros((K, d, d))
    log_lik = 0.0
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    for part in _chunks(n, K, d):
        S_part = None if S is None else S[part]
        log_gauss, T_inv, T_inv_diff = _pair_terms(X[part], S_part, means, covariances)
        log_prob = log_gauss + log_weights
        norm = logsumexp(log_prob, axis=1)
        log_lik += norm.sum()
        q = np.exp(log_prob - norm[:, np.newaxis])
        c = (covariances @ T_inv_diff[..., np.newaxis])[..., 0]
        qc = q[..., np.newaxis] * c
        q_sum += q.sum(axis=0)
        qc_sum += qc.sum(axis=0)
        qcc_sum += np.einsum("nka,nkb->kab", qc, c)
        if S_part is None:
            qT_inv_sum += q.sum(axis=0)[:, np.newaxis, np.newaxis] * T_inv[0]
        else:
            qT_inv_sum += np.einsum("nk,nkab->kab", q, T_inv)
    q_sum += 10 * np.finfo(np.float64).eps
    shift = qc_sum / q_sum[:, np.newaxis]
    new_means = means + shift
    scatter = qcc_sum / q_sum[:, np.newaxis, np.newaxis] - np.einsum(
        "ka,kb->kab", shift, shift
    )
    shrink = covariances @ (qT_inv_sum / q_sum[:, np.newaxis, np.newaxis]) @ covariances
    new_cov = covariances - shrink + scatter
    new_cov = 0.5 * (new_cov + new_cov.transpose(0, 2, 1))
    new_cov += reg_covar * np.eye(d)
    return q_sum / q_sum.sum(), new_means, new_cov, log_lik / n
