"""Shape of the light curve folded at the best period: psi and Fourier terms.

Needs ``period_0`` of each band, so the periodogram family runs first.
"""

from __future__ import annotations

from .._family import Family, FeatureSpec


def _compute(batch, names, values):
    from ..periodogram.folded import folded_features

    return folded_features(
        batch,
        values["period_0"],
        min_points=FAMILY.min_points("psi_cs"),
        min_points_fit=FAMILY.min_points("fourier_amplitude_1"),
    )


FAMILY = Family(
    name="folded",
    features=(
        FeatureSpec(
            "psi_cs",
            "cusum (range of cumulative sums) of m folded at twice period_0 (FATS)",
            3,
        ),
        FeatureSpec(
            "psi_eta", "von Neumann eta of m folded at twice period_0 (FATS)", 3
        ),
        FeatureSpec(
            "fourier_amplitude_1", "A1 of the 4-harmonic weighted fit at period_0", 9
        ),
        FeatureSpec(
            "fourier_amplitude_2", "A2 of the 4-harmonic weighted fit at period_0", 9
        ),
        FeatureSpec(
            "fourier_amplitude_3", "A3 of the 4-harmonic weighted fit at period_0", 9
        ),
        FeatureSpec(
            "fourier_amplitude_4", "A4 of the 4-harmonic weighted fit at period_0", 9
        ),
        FeatureSpec("fourier_r21", "amplitude ratio R21 = A2 / A1", 9),
        FeatureSpec("fourier_r31", "amplitude ratio R31 = A3 / A1", 9),
        FeatureSpec(
            "fourier_phi21", "phase difference phi21 = phi2 - 2 phi1, in [0, 2 pi)", 9
        ),
        FeatureSpec(
            "fourier_phi31", "phase difference phi31 = phi3 - 3 phi1, in [0, 2 pi)", 9
        ),
    ),
    requires=("periodogram",),
    compute=_compute,
)
