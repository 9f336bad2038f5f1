"""Features between bands: colours and the multi-band period."""

from __future__ import annotations

import numpy as np

from .families.transient import MULTIBAND_GROUPS, multiband_suffixes

# multi-band transient group -> model
TRANSIENT_GROUPS = {group: model for model, group in MULTIBAND_GROUPS.items()}


def colour_columns(batch, values, groups, n_peaks) -> list[np.ndarray]:
    """Columns of the selected multi-band groups, in output order.

    Colours are between adjacent bands (``bands_[i] - bands_[i + 1]``):
    difference of the plain means, of the medians, and of the minimum
    magnitudes (each band's maximum brightness).
    """
    n_obj, n_bands = batch.n_objects, batch.n_bands
    lengths = batch.lengths
    seg = np.repeat(np.arange(batch.n_segments), lengths)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(seg, weights=batch.m, minlength=batch.n_segments) / lengths
    median = batch.median
    first = batch.offsets[:-1]
    brightest = np.full(batch.n_segments, np.nan)
    ok = lengths > 0
    brightest[ok] = batch.sorted_m[first[ok]]
    per = {
        "color_mean": mean.reshape(n_obj, n_bands),
        "color_median": median.reshape(n_obj, n_bands),
        "color_max": brightest.reshape(n_obj, n_bands),
    }
    cols = []
    for group in groups:
        if group == "period_multiband_best":
            for suffix in ("", "_amplitude", "_chi2_reduction", "_is_alias"):
                cols.append(values[f"_period_multiband_best{suffix}"])
            continue
        if group in TRANSIENT_GROUPS:
            model = TRANSIENT_GROUPS[group]
            for suffix in multiband_suffixes(model, range(n_bands)):
                cols.append(values[f"_{group}_{suffix}"])
            continue
        if group == "period_multiband":
            for j in range(n_peaks):
                cols.append(values[f"_period_multiband_{j}"])
                cols.append(values[f"_period_multiband_{j}_power"])
            continue
        arr = per[group]
        for b in range(n_bands - 1):
            cols.append(arr[:, b] - arr[:, b + 1])
    return cols
