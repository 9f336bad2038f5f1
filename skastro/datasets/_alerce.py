"""ALeRCE: 30 ZTF supernovae with their g/r alert light curves."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import fetch_files, fetcher
from ._light_curve_sets import _counts_text, _drop_bad_points, _finish

SNE_FOLDER = "alerce_ztf_30sne"
ZTF_BANDS = ["g", "r"]

SNE_DESCR = """\
.. _ztf_sne_dataset:

ALeRCE: 30 ZTF supernovae with alert photometry
-----------------------------------------------

{n} supernovae observed by the Zwicky Transient Facility, with their ZTF
alert detections in g and r ({n_points} detections) and the ALeRCE class.

**Data**: one float64 array (n_points, 4) per object, columns time [MJD],
mag [``magpsf``: PSF magnitude of the difference image, AB mag], err
[``sigmapsf``, mag], band (code into ``bands`` = ['g', 'r'], from ZTF fid
1 and 2), sorted by time. The ``*_corr`` magnitudes (total flux including
the reference source) are in ``detections`` and not used here.

**Target**: class codes into ``target_names`` (sorted); counts: {counts}.

**Also**: ``ids`` (ZTF objectId); ``detections`` (the full alert table,
{n_alert_cols} columns) and ``non_detections`` (diffmaglim upper limits,
{n_nondet} rows) as pandas DataFrames.

**Origin**: GitHub alercebroker/lc_classifier, data_examples/, commit
b8a85200ed5764cebd9288a935da2e7943b252a4.

**Cite**: Sánchez-Sáez et al. 2021, AJ 161, 141 (ALeRCE light-curve
classifier); Förster et al. 2021, AJ 161, 242 (ALeRCE); Bellm et al. 2019,
PASP 131, 018002 (ZTF).

**Licence**: MIT (ALeRCE, 2023).
"""


@fetcher()
def fetch_ztf_sne(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load 30 ZTF supernovae: g/r alert light curves and ALeRCE classes.

    Labels SNIa 19, SNIbc 8, SLSN 2, SNII 1. The source is a long table (one
    row per alert detection), the case ``from_long_table`` is made for.

    Parameters
    ----------
    %(fetch_parameters)s
    as_frame : bool, default=False
        Also return ``frame``, a long pandas DataFrame (id, time, mag, err,
        band) with one row per detection, band as 'g' or 'r'.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: list of 30 float64 arrays (n_i, 4) = (MJD, magpsf [mag],
        sigmapsf [mag], band code); ``bands`` = ['g', 'r']; ``target`` (30,)
        int codes into ``target_names``; ``ids`` (ZTF objectId);
        ``detections``, ``non_detections`` (DataFrames); ``frame``; ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    fetch_ztf_snia : 2,289 ZTF SN Ia light curves.

    References
    ----------
    .. [1] Sánchez-Sáez et al. 2021, "Alert Classification for the ALeRCE
       Broker System: The Light Curve Classifier", AJ 161, 141.

    Examples
    --------
    >>> from skastro.datasets import fetch_ztf_sne
    >>> sne = fetch_ztf_sne()
    >>> len(sne.data), sne.data[0].shape[1], sne.bands
    (30, 4, ['g', 'r'])
    >>> sne.target_names.tolist()
    ['SLSN', 'SNII', 'SNIa', 'SNIbc']
    """
    import pandas as pd

    det, labels, nondet = (
        pd.read_csv(path)
        for path in fetch_files(
            SNE_FOLDER,
            "30_sne_detections_corr.csv",
            "30_sne_labels.csv",
            "30_sne_non_detections.csv",
            data_home=data_home,
            download_if_missing=download_if_missing,
        )
    )
    bad_fid = ~det["fid"].isin([1, 2])
    if bad_fid.any():
        i = int(np.flatnonzero(bad_fid)[0])
        raise ValueError(
            f"detection row {i} (objectId {det['objectId'].iloc[i]}) has fid "
            f"{det['fid'].iloc[i]!r}, expected 1 (g) or 2 (r)"
        )
    ids = labels["objectId"].to_numpy()
    unknown = set(det["objectId"]) - set(ids)
    if unknown:
        raise ValueError(
            f"detections of objects without a label: {sorted(unknown)[:5]}"
        )
    det = det.sort_values(["objectId", "mjd"], kind="stable")
    grouped = {
        oid: g[["mjd", "magpsf", "sigmapsf", "fid"]].to_numpy(dtype=np.float64)
        for oid, g in det.groupby("objectId", sort=False)
    }
    data = []
    for oid in ids:
        lc = grouped.get(oid, np.empty((0, 4)))
        lc[:, 3] -= 1.0  # fid 1, 2 -> band code 0 (g), 1 (r)
        data.append(np.ascontiguousarray(lc))
    data, n_bad = _drop_bad_points(ids, data, "fetch_ztf_sne")
    names = labels["classALeRCE"].to_numpy()
    target_names = np.array(sorted(set(names)))
    target = np.searchsorted(target_names, names)
    descr = SNE_DESCR.format(
        n=len(ids),
        n_points=sum(len(d) for d in data),
        counts=_counts_text(target, target_names),
        n_alert_cols=det.shape[1],
        n_nondet=len(nondet),
    )
    return _finish(
        ids=ids,
        data=data,
        target=target,
        target_names=target_names,
        bands=ZTF_BANDS,
        descr=descr,
        as_frame=as_frame,
        return_X_y=return_X_y,
        detections=det.reset_index(drop=True),
        non_detections=nondet,
    )
