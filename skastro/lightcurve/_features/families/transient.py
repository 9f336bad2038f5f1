"""Transient fits: Bazin (2009) and Villar et al. (2019) models, in flux.

Each band is fitted on its own by weighted least squares (weights
:math:`1/\\delta_i^2`), Levenberg-Marquardt with at most ``MAX_ITER``
iterations, from a start read off the curve: baseline :math:`B` the mean of
the faintest fifth of the points, amplitude from the brightest point,
:math:`\\tau_\\mathrm{rise}` and :math:`\\tau_\\mathrm{fall}` from the rise and
decline half-widths around it, :math:`t_0` the brightest time minus the
rise. The values must be fluxes (a magnitude curve is upside down for
these models). Uncertainties are the square roots of the diagonal of
:math:`(J^T W J)^{-1}` at the optimum (not rescaled by the reduced
chi-square: multiply by ``sqrt(reduced_chi2)`` for the scaled ones), mapped
from the internal log / logistic parameters by the delta method.
"""

from __future__ import annotations

import numpy as np

from .._family import Family, FeatureSpec

MAX_ITER = 100

_BAZIN = (
    ("amplitude", "amplitude A"),
    ("baseline", "baseline flux B"),
    ("t0", "reference time t0"),
    ("rise_time", "rise time tau_rise"),
    ("fall_time", "decline time tau_fall"),
)
_VILLAR = (
    *_BAZIN,
    ("plateau_rel_amplitude", "relative plateau amplitude nu = -beta gamma / A"),
    ("plateau_duration", "plateau duration gamma"),
)
_BAZIN_FORM = (
    "Bazin (2009) fit in flux, f(t) = A exp(-(t - t0) / tau_fall)"
    " / (1 + exp(-(t - t0) / tau_rise)) + B"
)
_VILLAR_FORM = (
    "Villar et al. (2019) fit in flux, f(t) = B + A / (1 + exp(-(t - t0) /"
    " tau_rise)) * (1 - nu (t - t0) / gamma before t0 + gamma, (1 - nu)"
    " exp(-(t - t0 - gamma) / tau_fall) after)"
)


def _names(prefix, params):
    return (
        tuple(f"{prefix}_{p}" for p, _ in params)
        + tuple(f"{prefix}_{p}_err" for p, _ in params)
        + (f"{prefix}_reduced_chi2",)
    )


def _specs(prefix, params, form):
    k = len(params)
    out = [
        FeatureSpec(f"{prefix}_{p}", f"{what}: {form}", k + 1, step=prefix)
        for p, what in params
    ]
    out += [
        FeatureSpec(
            f"{prefix}_{p}_err",
            f"1-sigma uncertainty of {prefix}_{p}, from the inverse normal matrix"
            " (not scaled by the reduced chi-square)",
            k + 1,
            step=prefix,
        )
        for p, _ in params
    ]
    out.append(
        FeatureSpec(
            f"{prefix}_reduced_chi2",
            f"chi-square of the {prefix} fit over N - {k} degrees of freedom",
            k + 1,
            step=prefix,
        )
    )
    return tuple(out)


# the kernel's columns, in order
BAZIN_NAMES = _names("bazin", _BAZIN)
VILLAR_NAMES = _names("villar", _VILLAR)


# the multi-band groups this family fills, by model (their values are passed
# on as ``_<group>_<suffix>``, per object)
MULTIBAND_GROUPS = {"bazin": "bazin_multiband", "villar": "villar_multiband"}
MULTIBAND_SHARED = {
    "bazin": ("t0", "rise_time", "fall_time"),
    "villar": (
        "t0",
        "rise_time",
        "fall_time",
        "plateau_rel_amplitude",
        "plateau_duration",
    ),
}


def multiband_suffixes(model: str, labels) -> list[str]:
    """Output suffixes of the multi-band ``model`` fit, in the kernel's order.

    The shared parameters, their errors, the reduced chi-square, then each
    band's amplitude, amplitude error, baseline and baseline error (each
    quantity for every band of ``labels`` in turn).
    """
    shared = MULTIBAND_SHARED[model]
    out = [*shared, *(f"{p}_err" for p in shared), "reduced_chi2"]
    for what in ("amplitude", "amplitude_err", "baseline", "baseline_err"):
        out += [f"{what}_{b}" for b in labels]
    return out


def _compute(batch, names, values):
    from ..kernels import transient, transient_multiband

    shared = set()
    if batch.n_bands > 1:
        shared = {m for m, group in MULTIBAND_GROUPS.items() if group in names}
    models = FAMILY.steps(names) | shared
    out = {}
    for model in sorted(models) or ["bazin", "villar"]:
        out.update(transient.fit(batch, model, MAX_ITER))
    for model in sorted(shared):
        start = np.column_stack([out[f"{model}_{p}"] for p in MULTIBAND_SHARED[model]])
        fitted = transient_multiband.fit(batch, model, start, MAX_ITER)
        suffixes = multiband_suffixes(model, range(batch.n_bands))
        for c, suffix in enumerate(suffixes):
            out[f"_{MULTIBAND_GROUPS[model]}_{suffix}"] = fitted[:, c]
    return out


FAMILY = Family(
    name="transient",
    features=_specs("bazin", _BAZIN, _BAZIN_FORM)
    + _specs("villar", _VILLAR, _VILLAR_FORM),
    compute=_compute,
)
