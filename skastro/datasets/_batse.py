"""CGRO/BATSE gamma-ray bursts: durations, fluences and hardness per burst."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._base import fetch_files, fetcher, tabular_bunch

FOLDER = "batse_grb"
DURATION_FILE = "duration_table_5b.txt"
FLUX_FILES = {"4B": "flux_table_4b.txt", "5B": "flux_table_5b.txt"}
FEATURES = ["T90", "T50", "F1", "F2", "F3", "F4", "HR32"]
DURATION_COLUMNS = [
    "trigger", "T50", "T50_err", "T50_start", "T90", "T90_err", "T90_start"
]  # fmt: skip
FLUX_COLUMNS = [
    "trigger", "F1", "F1_err", "F2", "F2_err", "F3", "F3_err", "F4", "F4_err",
    "P64", "P64_err", "P64_time", "P256", "P256_err", "P256_time",
    "P1024", "P1024_err", "P1024_time",
]  # fmt: skip
SHORT_T90 = 2.0

DESCR_TEMPLATE = """\
.. _batse_grb_dataset:

CGRO/BATSE gamma-ray burst catalogue (durations and fluences)
-------------------------------------------------------------

{n} gamma-ray bursts seen by BATSE on the Compton Gamma Ray Observatory,
with the durations of the current (5B) duration table merged by trigger
number with the 4-channel fluences of the 4B and 5B flux tables.

**Data** (``feature_names``): T90, T50 [s] (times to collect 90 % and 50 %
of the counts); F1, F2, F3, F4 [erg cm^-2], fluences in the 20-50, 50-100,
100-300 and >300 keV channels; HR32 = F3 / F2, the hardness ratio.

**Rows**: a burst is kept when it has both a duration and fluences (inner
join on the trigger number): {n_dur} bursts have durations, {n_flux} have
fluences ({n_4b} from 4B, {n_5b} from 5B{dup_text}); {n_dur_only} bursts
with a duration but no fluences and {n_flux_only} with fluences but no
duration are left out. Every kept burst has T90 > 0. Missing values are
kept, not dropped: {n_zero} bursts have a fluence of exactly 0 in at least
one channel (F4 mostly: {n_zero_f4}), and HR32 is NaN for the {n_nan_hr}
bursts where F2 or F3 is not positive.

**Target**: 0 = short (T90 < 2 s), 1 = long (T90 >= 2 s), the conventional
split (Kouveliotou et al. 1993); ``target_names`` = ['short', 'long'];
counts: {counts}. The target is a function of the T90 column, so it is meant
for clustering demonstrations in the (log T90, log HR32) plane, not as an
independent label.

**Also**: ``ids`` (BATSE trigger numbers); with ``as_frame=True``,
``frame`` holds every column of both tables (errors, T50/T90 start times,
peak fluxes P64, P256, P1024 [ph cm^-2 s^-1] with errors and times) and the
flux table of origin.

**Origin**: GitHub JamesPaynter/PyGRB, extra/, commit
568db3ea6a5c65dcd8e076f33b62771f02bb38e9 (upstream: the BATSE Gamma-Ray
Burst Catalog, NASA MSFC / HEASARC).

**Cite**: Paciesas et al. 1999, ApJS 122, 465 (BATSE 4B catalogue);
Kouveliotou et al. 1993, ApJ 413, L101 (short and long bursts).

**Licence**: NASA mission data (US Government work, public); PyGRB is
BSD-3-Clause.
"""


def _read_flux_table(path):
    values = np.array(Path(path).read_text().split(), dtype=np.float64)
    if values.size % len(FLUX_COLUMNS):
        raise ValueError(
            f"{path} holds {values.size} numbers, not a multiple of the "
            f"{len(FLUX_COLUMNS)} numbers per burst expected"
        )
    return values.reshape(-1, len(FLUX_COLUMNS))


@fetcher()
def fetch_batse_grb(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load the BATSE burst catalogue: T90, T50, fluences and hardness.

    1,973 bursts with both a duration and channel fluences (short 477 /
    long 1496 by T90 < 2 s); see ``DESCR`` for how the tables are merged and
    how missing values are kept.

    Parameters
    ----------
    %(fetch_parameters)s
    as_frame : bool, default=False
        Return ``data`` as a DataFrame, ``target`` as a Series and ``frame``
        with every catalogue column (index: trigger number).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n_bursts, 7) float64: T90 [s], T50 [s], F1..F4
        [erg cm^-2], HR32 = F3/F2 (NaN where undefined); ``target`` 0 short /
        1 long; ``target_names``; ``feature_names``; ``ids`` (trigger
        numbers); ``frame``; ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    References
    ----------
    .. [1] Paciesas et al. 1999, "The Fourth BATSE Gamma-Ray Burst Catalog
       (Revised)", ApJS 122, 465.
    .. [2] Kouveliotou et al. 1993, "Identification of two classes of
       gamma-ray bursts", ApJ 413, L101.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.datasets import fetch_batse_grb
    >>> grb = fetch_batse_grb()
    >>> grb.feature_names
    ['T90', 'T50', 'F1', 'F2', 'F3', 'F4', 'HR32']
    >>> grb.data.shape
    (1973, 7)
    >>> np.bincount(grb.target).tolist()
    [477, 1496]
    """
    import pandas as pd

    dur_path, *flux_paths = fetch_files(
        FOLDER,
        DURATION_FILE,
        *FLUX_FILES.values(),
        data_home=data_home,
        download_if_missing=download_if_missing,
    )
    dur = pd.DataFrame(np.loadtxt(dur_path, ndmin=2), columns=DURATION_COLUMNS)
    fluxes = []
    for cat, path in zip(FLUX_FILES, flux_paths, strict=True):
        table = pd.DataFrame(_read_flux_table(path), columns=FLUX_COLUMNS)
        table["catalog"] = cat
        fluxes.append(table)
    n_4b, n_5b = len(fluxes[0]), len(fluxes[1])
    flux = pd.concat(fluxes, ignore_index=True)
    # a burst in both flux tables keeps its newer (5B) row
    n_dup = int(flux.duplicated("trigger", keep="last").sum())
    flux = flux.drop_duplicates("trigger", keep="last")
    if dur["trigger"].duplicated().any():
        t = dur["trigger"][dur["trigger"].duplicated()].iloc[0]
        raise ValueError(f"{dur_path}: trigger {int(t)} appears more than once")
    merged = dur.merge(flux, on="trigger", how="inner", validate="one_to_one")
    merged = merged.sort_values("trigger", kind="stable").reset_index(drop=True)
    bad_t90 = ~(merged["T90"] > 0)
    if bad_t90.any():
        i = int(np.flatnonzero(bad_t90)[0])
        raise ValueError(
            f"trigger {int(merged['trigger'].iloc[i])} has T90 "
            f"{merged['T90'].iloc[i]!r}, expected a positive duration in seconds"
        )
    f2, f3 = merged["F2"], merged["F3"]
    ok = (f2 > 0) & (f3 > 0)
    merged["HR32"] = np.where(ok, f3 / f2.where(f2 > 0, 1.0), np.nan)
    merged["trigger"] = merged["trigger"].astype(np.int64)
    target = (merged["T90"].to_numpy() >= SHORT_T90).astype(np.int64)
    counts = np.bincount(target, minlength=2)
    fluence = merged[["F1", "F2", "F3", "F4"]]
    descr = DESCR_TEMPLATE.format(
        n=len(merged),
        n_dur=len(dur),
        n_flux=len(flux),
        n_4b=n_4b,
        n_5b=n_5b,
        dup_text=f"; {n_dup} in both, 5B kept" if n_dup else "; none in both",
        n_dur_only=int((~dur["trigger"].isin(flux["trigger"])).sum()),
        n_flux_only=int((~flux["trigger"].isin(dur["trigger"])).sum()),
        n_zero=int((fluence <= 0).any(axis=1).sum()),
        n_zero_f4=int((merged["F4"] <= 0).sum()),
        n_nan_hr=int((~ok).sum()),
        counts=f"short {counts[0]}, long {counts[1]}",
    )
    return tabular_bunch(
        merged.set_index("trigger").assign(target=target),
        FEATURES,
        target,
        frame_target="target",
        as_frame=as_frame,
        return_X_y=return_X_y,
        target_names=np.array(["short", "long"]),
        ids=merged["trigger"].to_numpy(),
        DESCR=descr,
    )
