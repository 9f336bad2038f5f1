"""ZTF Bright Transient Survey: type Ia supernova light curves (g, r, i)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import fetcher
from ._light_curve_sets import (
    _ArchiveSet,
    _counts_text,
    _drop_bad_points,
    _finish,
    _split_objects,
)

SNIA_FOLDER = "ztf_bts_snia"
# the BTS table, and each light curve as ``<ZTF id>.csv`` (with a header line)
SNIA_FILES = _ArchiveSet("bts.csv", "snia_light_curves.tar.gz", ".csv", header=True)
BTS_BANDS = ["g", "r", "i"]
_BTS_BAND_CODE = {"g": 0, "R": 1, "r": 1, "i": 2}

SNIA_DESCR = """\
.. _ztf_snia_dataset:

ZTF Bright Transient Survey: type Ia supernova light curves
-----------------------------------------------------------

{n} spectroscopically classified SNe Ia of the ZTF Bright Transient Survey
(BTS), with their ZTF light curves ({n_points} points; band counts
{band_counts}) and the BTS metadata.

**Data**: one float64 array (n_points, 4) per object, columns time [MJD],
mag [AB mag], err [mag], band (code into ``bands`` = ['g', 'r', 'i']; the
source calls r 'R'), sorted by time.

**Target**: the BTS subtype, codes into ``target_names``; counts: {counts}.
Nearly one class: use it for regression (``metadata`` redshift, peakmag,
rise, fade) or unsupervised work, not for subtype classification.

**Also**: ``ids`` (ZTF ids); ``metadata``, the BTS table row of each object
(ZTFID, IAUID, RA, Dec, peakt, peakfilt, peakmag, peakabs, duration, rise,
fade, type, redshift, b, A_V) as a DataFrame aligned with ``data``;
numeric columns that the BTS writes with '>' or '-' are kept as text.
{n_meta_only} BTS rows without a light curve are left out.

**Origin**: GitHub light-curve/test-data, SNIa/, commit
3c8d9877643b881ec6fb6bb41fbe0fc8677b96db (light curves from the ANTARES
broker, metadata from the BTS explorer).

**Cite**: Fremling et al. 2020, ApJ 895, 32; Perley et al. 2020, ApJ 904, 35
(ZTF BTS); Bellm et al. 2019, PASP 131, 018002 (ZTF).

**Licence**: the test-data repository has no licence file; ZTF alert data
are public.
"""


@fetcher()
def fetch_ztf_snia(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load 2,289 ZTF Bright Transient Survey SN Ia light curves (g, r, i).

    Parameters
    ----------
    %(data_home)s
    download_if_missing : bool, default=True
        Download missing files; otherwise raise :class:`OSError`. The light
        curve archive has no single-file origin, so it is downloaded only from
        a mirror given by ``SKASTRO_DATA_URL``.
    %(return_X_y)s
    %(light_curves_as_frame)s

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: list of 2289 float64 arrays (n_i, 4) = (MJD, mag, err, band
        code); ``bands`` = ['g', 'r', 'i']; ``target`` int codes into
        ``target_names`` (BTS types); ``ids``; ``metadata`` (DataFrame);
        ``frame``; ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    fetch_ztf_sne : ZTF supernovae of several types.

    References
    ----------
    .. [1] Fremling et al. 2020, "The Zwicky Transient Facility Bright
       Transient Survey. I.", ApJ 895, 32.
    .. [2] Perley et al. 2020, "The Zwicky Transient Facility Bright
       Transient Survey. II.", ApJ 904, 35.

    Examples
    --------
    >>> from skastro.datasets import fetch_ztf_snia
    >>> snia = fetch_ztf_snia()
    >>> len(snia.data), snia.bands
    (2289, ['g', 'r', 'i'])
    >>> snia.metadata.shape
    (2289, 15)
    """

    meta, archive, names, table, counts = SNIA_FILES.read(
        SNIA_FOLDER, data_home, download_if_missing
    )
    expected = ["time", "mag", "magerr", "band"]
    if list(table.columns) != expected:
        raise ValueError(
            f"{archive}: light-curve columns {list(table.columns)}, expected {expected}"
        )
    band = table["band"].astype(str)
    unknown = ~band.isin(list(_BTS_BAND_CODE))
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        obj = names[int(np.searchsorted(np.cumsum(counts), i, side="right"))]
        raise ValueError(
            f"light curve {obj} has band {band.iloc[i]!r}, expected one of "
            f"{sorted(_BTS_BAND_CODE)}"
        )
    codes = band.map(_BTS_BAND_CODE).to_numpy(dtype=np.float64)
    data = _split_objects(
        names, [table["time"], table["mag"], table["magerr"], codes], counts
    )
    ids = np.array(names)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    data = [data[i] for i in order]
    data, n_bad = _drop_bad_points(ids, data, "fetch_ztf_snia")
    meta = meta.drop_duplicates("ZTFID").set_index("ZTFID")
    missing = [i for i in ids if i not in meta.index]
    if missing:
        raise ValueError(
            f"{len(missing)} light curves have no row in bts.csv, e.g. {missing[0]}"
        )
    n_meta_only = len(meta.index.difference(ids))
    metadata = meta.loc[ids].reset_index()
    types = metadata["type"].to_numpy(dtype=str)
    target_names = np.array(sorted(set(types)))
    target = np.searchsorted(target_names, types)
    band_counts = np.bincount(codes.astype(int), minlength=3)
    descr = SNIA_DESCR.format(
        n=len(ids),
        n_points=sum(len(d) for d in data),
        band_counts=", ".join(f"{b} {c}" for b, c in zip(BTS_BANDS, band_counts)),
        counts=_counts_text(target, target_names),
        n_meta_only=n_meta_only,
    )
    return _finish(
        ids=ids,
        data=data,
        target=target,
        target_names=target_names,
        bands=BTS_BANDS,
        descr=descr,
        as_frame=as_frame,
        return_X_y=return_X_y,
        metadata=metadata,
    )
