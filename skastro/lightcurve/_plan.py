"""Which features a configuration outputs: their names, order and definitions.

A function of the parameters (``features``, ``n_peaks``) and the bands only,
shared by :class:`~skastro.lightcurve.LightCurveFeatures` and
:func:`feature_definitions`. Light: reads the registry, no kernel.
"""

from __future__ import annotations

from typing import NamedTuple

from ._features._registry import (
    FATS_DIFFERENCES,
    FATS_NAMES,
    MULTIBAND_GROUPS,
    OPT_IN_FAMILIES,
    OPT_IN_GROUPS,
    PERIODIC_FAMILIES,
    multiband_names,
    per_band_specs,
)

__all__ = ["feature_definitions"]

PRESETS = ("all", "fast", "fats", "transient")


class OutputPlan(NamedTuple):
    """What a configuration computes and outputs, in output order.

    Attributes
    ----------
    base : list of str
        Per-band features (registry names, registry order).
    groups : list of str
        Multi-band groups (with several bands).
    names : list of str
        Output names.
    keys : list of str
        The registry (or multi-band) name defining each output.
    """

    base: list
    groups: list
    names: list
    keys: list


def resolve_features(features, n_peaks: int):
    """(per-band names, multi-band groups, {skastro name: FATS name})."""
    specs = per_band_specs(n_peaks)
    known = [s.name for s in specs]
    rename = {}
    if isinstance(features, str):
        if features == "all":
            base = [s.name for s in specs if s.family not in OPT_IN_FAMILIES]
            groups = [g for g in MULTIBAND_GROUPS if g not in OPT_IN_GROUPS]
        elif features == "fast":
            skip = PERIODIC_FAMILIES + OPT_IN_FAMILIES
            base = [s.name for s in specs if s.family not in skip]
            groups = ["color_mean", "color_median", "color_max"]
        elif features == "transient":
            base = [s.name for s in specs if s.family == "transient"]
            groups = list(OPT_IN_GROUPS)
        else:  # fats
            base = [n for n in FATS_NAMES.values() if n in known]
            rename = {v: k for k, v in FATS_NAMES.items()}
            groups = []
    else:
        base, groups = [], []
        for name in features:
            if not isinstance(name, str):
                raise TypeError(
                    f"features must be a preset or a list of str; got "
                    f"{name!r} of type {type(name).__name__}."
                )
            if name in known:
                base.append(name)
            elif name in MULTIBAND_GROUPS:
                groups.append(name)
            elif name in FATS_NAMES and FATS_NAMES[name] in known:
                base.append(FATS_NAMES[name])
                rename[FATS_NAMES[name]] = name
            else:
                raise ValueError(
                    f"features: unknown feature {name!r}; expected a preset "
                    f"{list(PRESETS)}, a name among {known} or a multi-band "
                    f"group among {list(MULTIBAND_GROUPS)}."
                )
        if not base and not groups:
            raise ValueError("features: the list is empty; name at least one.")
    order = {n: i for i, n in enumerate(known)}
    base = sorted(set(base), key=order.__getitem__)
    return base, [g for g in MULTIBAND_GROUPS if g in groups], rename


def output_plan(features, n_peaks: int, bands) -> OutputPlan:
    """The :class:`OutputPlan` of ``features`` and ``n_peaks`` over ``bands``."""
    base, groups, rename = resolve_features(features, n_peaks)
    bands = [str(b) for b in bands]
    names, keys = [], []
    if len(bands) == 1:
        names = [rename.get(n, n) for n in base]
        keys = list(base)
    else:
        for b in bands:
            names += [f"{rename.get(n, n)}_{b}" for n in base]
            keys += list(base)
        mb = multiband_names(bands, n_peaks)
        for g in groups:
            if g == "period_multiband":
                picked = [
                    n
                    for n in mb
                    if n.startswith("period_multiband_") and "_best" not in n
                ]
            elif g == "period_multiband_best":
                picked = [n for n in mb if n.startswith("period_multiband_best")]
            elif g in OPT_IN_GROUPS:
                picked = [n for n in mb if n.startswith(g + "_")]
            else:
                suffix = "_" + g.split("_", 1)[1]
                picked = [
                    n for n in mb if n.startswith("color_") and n.endswith(suffix)
                ]
            names += picked
            keys += picked
    return OutputPlan(base, groups, names, keys)


def feature_definitions(
    features: str | list[str] = "all",
    *,
    bands: list | None = None,
    n_peaks: int = 3,
) -> dict[str, str]:
    """One-line definition of every feature a configuration outputs.

    Parameters
    ----------
    features : {"all", "fast", "fats", "transient"} or list of str, \
default="all"
        As in :class:`LightCurveFeatures`.
    bands : list of str or int, default=None
        Bands; with several, per-band names get ``_<band>`` and the
        multi-band features are added.
    n_peaks : int, default=3
        Periodogram peaks.

    Returns
    -------
    definitions : dict of str to str
        Output name -> definition (biased or unbiased, magnitude or flux),
        in output order. A feature under its FATS name ends with how the
        FATS definition differs, where it does (in brackets).

    See Also
    --------
    LightCurveFeatures : The transformer that computes them.

    Examples
    --------
    >>> from skastro.lightcurve import feature_definitions
    >>> defs = feature_definitions()
    >>> len(defs) >= 45
    True
    >>> defs["std"]
    'unbiased (N - 1) standard deviation sigma_m'
    >>> list(feature_definitions(["mean", "color_mean"], bands=["g", "r"]))
    ['mean_g', 'mean_r', 'color_g_r_mean']
    >>> feature_definitions(["Amplitude"])["Amplitude"]
    'half peak-to-peak (max(m) - min(m)) / 2 [FATS: half the difference of the medians of the top and bottom 5 %; skastro: half peak-to-peak]'
    """  # noqa: E501
    bands = [str(b) for b in (bands if bands is not None else [0])]
    plan = output_plan(features, n_peaks, bands)
    rename = resolve_features(features, n_peaks)[2]
    specs = {s.name: s.definition for s in per_band_specs(n_peaks)}
    mb = multiband_names(bands, n_peaks)
    out = {}
    for name, key in zip(plan.names, plan.keys):
        definition = specs.get(key) or mb[key]
        note = FATS_DIFFERENCES.get(rename.get(key))
        out[name] = f"{definition} [{note}]" if note else definition
    return out
