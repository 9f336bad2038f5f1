"""The shape of the power spectrum: highest power and its S/N per decade.

From the periodogram family's one walk over each object's grid (no pass of
its own): for each decade of period (:data:`DECADES`, in days) the highest
Lomb-Scargle power on the grid's frequencies in the decade, and its
signal-to-noise ``(max - mean) / std`` of the power over those frequencies.
A Cepheid or a Mira reaches a high power in its own decade (and, through
the daily aliases, in the short ones); semiregular giants stay lower in
theirs, red supergiants with more power beyond 1000 d. A decade the grid
does not reach (``min_period``, ``max_period``, the time span) gives
``fill_value``.
"""

from __future__ import annotations

from .._family import Family, FeatureSpec

# Decades of period, in days, shortest first: [low, high), None open-ended.
# The shortest runs from ``min_period`` (0.1 d by default) to 1 d, so that
# no column is empty for every object under the defaults.
DECADES = (
    (None, 1.0),
    (1.0, 10.0),
    (10.0, 100.0),
    (100.0, 1000.0),
    (1000.0, None),
)


def _label(lo, hi) -> str:
    def num(x):
        return f"{x:g}".replace(".", "p")

    if lo is None:
        return f"lt{num(hi)}d"
    if hi is None:
        return f"gt{num(lo)}d"
    return f"{num(lo)}_{num(hi)}d"


def _text(lo, hi) -> str:
    if lo is None:
        return f"periods under {hi:g} d (down to min_period)"
    if hi is None:
        return f"periods over {lo:g} d (up to max_period)"
    return f"periods in [{lo:g}, {hi:g}) d"


LABELS = tuple(_label(lo, hi) for lo, hi in DECADES)


def _compute(batch, names, values):
    out = {}
    for label in LABELS:
        out[f"spectrum_power_{label}"] = values[f"_spectrum_power_{label}"]
        out[f"spectrum_snr_{label}"] = values[f"_spectrum_snr_{label}"]
    return out


def _specs():
    specs = []
    for (lo, hi), label in zip(DECADES, LABELS):
        where = _text(lo, hi)
        specs.append(
            FeatureSpec(
                f"spectrum_power_{label}",
                f"highest Lomb-Scargle power (as period_0_power) at the grid's {where}",
                3,
            )
        )
        specs.append(
            FeatureSpec(
                f"spectrum_snr_{label}",
                f"(highest power - mean power) / std of the power over the grid's"
                f" {where}",
                3,
            )
        )
    return tuple(specs)


FAMILY = Family(
    name="spectrum",
    features=_specs(),
    requires=("periodogram",),
    compute=_compute,
)
