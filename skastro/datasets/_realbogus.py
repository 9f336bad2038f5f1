"""SNAD ZTF real/bogus: 54 light-curve features, artefact vs astrophysical."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import fetch_file, fetcher, tabular_bunch

FOLDER = "snad_ztf_realbogus"
FILENAME = "akb_obj_features_snad4.csv"

DESCR_TEMPLATE = """\
.. _ztf_realbogus_dataset:

SNAD ZTF real/bogus (light-curve features)
------------------------------------------

{n} ZTF Data Release objects tagged by experts in the SNAD anomaly
knowledge base, each described by {n_features} features of its r-band light
curve computed with the ``light-curve`` package (``*_magn_r`` on magnitudes,
``*_flux_r`` on fluxes; e.g. amplitude [mag], kurtosis, periodogram peaks).
No light curves or image stamps are included.

**Target**: 1 = 'artefact' among the object's tags (bogus), 0 = an
astrophysical source (real); ``target_names`` = ['real', 'artefact'];
counts: {counts}.

**Also**: ``ids`` (ZTF DR object id, ``oid``).

**Origin**: GitHub snad-space/ztf_real_bogus_clf, commit
fabc3eb3d685b7e100342ad4295914bdadd6d7d7.

**Cite**: Malanchev et al. 2021, MNRAS 502, 5147 (SNAD anomaly detection in
ZTF DR); Malanchev et al. 2023, PASP 135, 024503 (SNAD viewer / akb).

**Licence**: the repository has no licence file; ZTF DR data are public, the
tags are by the SNAD team.
"""


@fetcher()
def fetch_ztf_realbogus(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load the SNAD ZTF real/bogus set: 54 features, artefact vs real.

    3,309 objects: artefact (bogus) 1645, real 1664.

    Parameters
    ----------
    %(fetch_parameters)s
    as_frame : bool, default=False
        Return ``data`` as a DataFrame, ``target`` as a Series and ``frame``
        with both (index: ``oid``).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (3309, 54) float64; ``target`` (3309,) int, 1 = artefact;
        ``target_names`` = ['real', 'artefact']; ``feature_names`` (54
        names); ``ids`` (ZTF oid); ``frame``; ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    make_cutouts : Synthetic real/bogus image cutouts.

    References
    ----------
    .. [1] Malanchev et al. 2021, "Anomaly detection in the Zwicky Transient
       Facility DR3", MNRAS 502, 5147.

    Examples
    --------
    >>> from skastro.datasets import fetch_ztf_realbogus
    >>> rb = fetch_ztf_realbogus()
    >>> rb.data.shape
    (3309, 54)
    >>> rb.target_names.tolist()
    ['real', 'artefact']
    """
    import pandas as pd

    path = fetch_file(
        FOLDER, FILENAME, data_home=data_home, download_if_missing=download_if_missing
    )
    df = pd.read_csv(path)
    for col in ("oid", "label"):
        if col not in df:
            raise ValueError(f"{path} lacks the column {col!r}")
    bad = ~df["label"].isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}: oid {df['oid'].iloc[i]} has label {df['label'].iloc[i]!r}, "
            "expected 0 (real) or 1 (artefact)"
        )
    features = [c for c in df.columns if c not in ("oid", "label")]
    target_names = np.array(["real", "artefact"])
    target = df["label"].to_numpy(dtype=np.int64)
    counts = np.bincount(target, minlength=2)
    descr = DESCR_TEMPLATE.format(
        n=len(df),
        n_features=len(features),
        counts=f"artefact {counts[1]}, real {counts[0]}",
    )
    frame = df.set_index("oid")[[*features, "label"]]
    return tabular_bunch(
        frame.rename(columns={"label": "target"}),
        features,
        target,
        frame_target="target",
        as_frame=as_frame,
        return_X_y=return_X_y,
        target_names=target_names,
        ids=df["oid"].to_numpy(),
        DESCR=descr,
    )
