"""What a feature family declares: its features, their definitions and kernel.

A family is one compiled kernel and the features it fills. The declaration
(:class:`Family`) is light: it holds names, definitions, minimum points,
the estimator parameters the kernel reads, and a ``compute`` function that
imports the kernel (numba) only when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class FeatureSpec:
    """One per-band feature.

    Attributes
    ----------
    name : str
        Stable output name (per-band features get ``_<band>`` appended when
        there is more than one band). A per-peak feature's name and
        definition are templates with ``{j}`` (the peak) and ``{ordinal}``.
    definition : str
        One line: what it is, biased or unbiased, magnitude or flux.
    min_points : int
        Fewest points of a band for which it is defined; fewer gives
        ``fill_value`` (the registry masks it, whatever the kernel returns).
    location : bool, default=False
        Whether it changes when a constant is added to every magnitude.
    step : str or None, default=None
        Optional pass of the kernel that computes it: the pass runs only
        when one of its features is asked for.
    family : str, default=""
        Name of the family that computes it (set by :class:`Family`).
    """

    name: str
    definition: str
    min_points: int
    location: bool = False
    step: str | None = None
    family: str = ""


def ordinal(j: int) -> str:
    """``"1st"``, ``"2nd"``, ``"3rd"``, ``"4th"``... for ``j = 0, 1, 2, 3...``."""
    return {0: "1st", 1: "2nd", 2: "3rd"}.get(j, f"{j + 1}th")


@dataclass(frozen=True)
class Family:
    """One kernel and the features it computes, in the kernel's column order.

    Attributes
    ----------
    name : str
        Family name (``"stats"``, ``"periodogram"``, ...).
    features : tuple of FeatureSpec
        Features filled once per band, in output order.
    peak_features : tuple of FeatureSpec, default=()
        Per-peak templates, repeated for peaks ``0 .. n_peaks - 1`` (peak
        after peak) before ``features``.
    params : tuple of str, default=()
        :class:`~skastro.lightcurve.LightCurveFeatures` parameters passed
        to ``compute`` as keyword arguments.
    requires : tuple of str, default=()
        Families whose values ``compute`` reads (computed first).
    compute : callable
        ``compute(batch, names, values, **params) -> dict`` of name ->
        ndarray of shape ``(n_segments,)`` (per-object helper values start
        with ``_``). ``names`` are the features asked for (the kernel may
        skip optional passes for the others); ``values`` holds what earlier
        families computed.
    """

    name: str
    features: tuple[FeatureSpec, ...]
    compute: Callable = field(repr=False)
    peak_features: tuple[FeatureSpec, ...] = ()
    params: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    def specs(self, n_peaks: int = 3) -> list[FeatureSpec]:
        """Features in output order, per-peak templates expanded."""
        out = [
            replace(
                s,
                name=s.name.format(j=j),
                definition=s.definition.format(j=j, ordinal=ordinal(j)),
                family=self.name,
            )
            for j in range(n_peaks)
            for s in self.peak_features
        ]
        return out + [replace(s, family=self.name) for s in self.features]

    def min_points(self, name: str) -> int:
        """``min_points`` of the feature ``name`` (a template for peaks)."""
        for s in (*self.peak_features, *self.features):
            if s.name == name:
                return s.min_points
        raise KeyError(f"{self.name} has no feature {name!r}")

    def steps(self, names) -> set[str]:
        """Optional kernel passes needed by the features ``names``."""
        wanted = set(names)
        return {s.step for s in self.features if s.step and s.name in wanted}


def mask_short(values: dict, specs, lengths: np.ndarray) -> None:
    """Set each feature to NaN where a band has fewer than its ``min_points``.

    ``values[spec.name]`` has one entry per segment; ``lengths`` holds the
    points per segment. Modified in place.
    """
    short = {}
    for spec in specs:
        k = spec.min_points
        if k <= 0 or spec.name not in values:
            continue
        if k not in short:
            short[k] = np.flatnonzero(lengths < k)
        if short[k].shape[0]:
            col = np.array(values[spec.name], dtype=float)
            col[short[k]] = np.nan
            values[spec.name] = col
