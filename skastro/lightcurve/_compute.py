"""One packed chunk of light curves -> its feature columns.

The registry's families run in order (each reading the estimator parameters
it declares), the registry's ``min_points`` mask what a band is too short
for, and the columns are laid out as the output plan names them.
"""

from __future__ import annotations

import numpy as np

from ._features._family import mask_short
from ._features._registry import families_for, per_band_specs


def compute_chunk(packed, plan, *, params: dict, fill_value: float) -> np.ndarray:
    """Features of one packed chunk, ``plan.names`` in order.

    Parameters
    ----------
    packed : PackedLightCurves
        The chunk.
    plan : OutputPlan
        What to compute and in which order (see ``_plan.output_plan``).
    params : dict
        The estimator's parameters (``n_peaks`` and those the families
        declare).
    fill_value : float
        Value of a feature an object cannot support, and of rejected rows.
    """
    from ._features._batch import SegmentBatch
    from ._features._multiband import colour_columns

    n_obj = packed.n_objects
    n_bands = len(packed.bands)
    n_peaks = params["n_peaks"]
    batch = SegmentBatch(
        packed.t,
        packed.m,
        packed.err,
        packed.segment_offsets(),
        n_objects=n_obj,
        n_bands=n_bands,
    )
    values: dict[str, np.ndarray] = {}
    for family in families_for(plan.base, plan.groups, n_bands, n_peaks):
        kwargs = {name: params[name] for name in family.params}
        values.update(family.compute(batch, plan.base, values, **kwargs))
    # the registry's minimum points, whatever a kernel gave below them
    base = set(plan.base)
    mask_short(
        values, [s for s in per_band_specs(n_peaks) if s.name in base], batch.lengths
    )
    cols = []
    for b in range(n_bands):
        for name in plan.base:
            cols.append(values[name].reshape(n_obj, n_bands)[:, b])
    if n_bands > 1 and plan.groups:
        cols += colour_columns(batch, values, plan.groups, n_peaks)
    out = np.column_stack(cols) if cols else np.empty((n_obj, 0))
    if out.shape[1] != len(plan.names):
        raise RuntimeError(
            f"LightCurveFeatures computed {out.shape[1]} columns for "
            f"{len(plan.names)} names; the feature registry and the kernels "
            "disagree."
        )
    out = np.where(np.isfinite(out), out, fill_value)
    if packed.bad:
        out[np.fromiter(packed.bad.keys(), dtype=np.intp)] = fill_value
    return out
