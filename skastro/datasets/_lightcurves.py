"""Light-curve sets: ASAS variable stars, ALeRCE ZTF supernovae, ZTF BTS SNe Ia.

Every loader returns ``data`` as a list of per-object float64 arrays, one row
per observation, sorted by time, with columns ``(t, mag, err)`` for a
single-band set and ``(t, mag, err, band)`` for a multi-band one, where
``band`` is an integer code into the Bunch's ``bands`` list. That is the
form :class:`skastro.lightcurve.LightCurveFeatures` accepts. With
``as_frame=True`` the Bunch also holds ``frame``, the same points as a long
table (one row per observation: id, time, mag, err, band, with band as its
name).
"""

from __future__ import annotations

import io
import os
import tarfile
import warnings

import numpy as np
from sklearn.utils import Bunch

from ._base import _check_bool, fetch_file

_LC_COLUMNS = ["time", "mag", "err", "band"]


def _check_flags(**flags) -> None:
    for name, value in flags.items():
        _check_bool(name, value)


def _read_tar_tables(path, *, suffix: str, header: bool):
    """Read every ``*suffix`` member of a tar archive as one CSV table.

    The members are concatenated in memory (nothing is extracted to disk) and
    parsed by one ``pandas.read_csv``; returns ``(names, table, counts)`` with
    the member stems, the rows of all members and the row count per member.
    """
    import pandas as pd

    names, chunks, counts = [], [], []
    head = None
    with tarfile.open(path, "r:*") as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(suffix)):
                continue
            raw = tar.extractfile(member).read().strip()
            if header:
                first, _, raw = raw.partition(b"\n")
                if head is None:
                    head = first.strip()
                elif first.strip() != head:
                    raise ValueError(
                        f"{member.name} in {path} has the header {first!r}, "
                        f"expected {head!r} like the other light curves"
                    )
                raw = raw.strip()
            names.append(member.name.rsplit("/", 1)[-1][: -len(suffix)])
            counts.append(raw.count(b"\n") + 1 if raw else 0)
            if raw:
                chunks.append(raw)
    body = b"\n".join(chunks)
    if header and head is not None:
        body = head + b"\n" + body
    table = pd.read_csv(io.BytesIO(body), header=0 if header else None)
    if len(table) != sum(counts):
        raise ValueError(
            f"{path}: parsed {len(table)} rows but the members hold "
            f"{sum(counts)} lines (blank or broken lines inside a light curve)"
        )
    return names, table, np.asarray(counts)


def _split_objects(ids, columns, counts, *, sort=True):
    """Cut stacked columns into one (n_i, n_columns) float64 array per object."""
    stacked = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    parts = np.split(stacked, np.cumsum(counts)[:-1]) if len(counts) else []
    if sort:
        parts = [p[np.argsort(p[:, 0], kind="stable")] for p in parts]
    return [np.ascontiguousarray(p) for p in parts]


def _drop_bad_points(ids, data, dataset: str):
    """Drop non-finite points, warning with the count (never silently)."""
    n_bad = 0
    out = []
    for lc in data:
        keep = np.isfinite(lc).all(axis=1)
        n_bad += int((~keep).sum())
        out.append(lc[keep] if not keep.all() else lc)
    if n_bad:
        warnings.warn(
            f"{dataset}: dropped {n_bad} observations with a non-finite time, "
            "magnitude or error",
            UserWarning,
            stacklevel=3,
        )
    return out, n_bad


def _long_frame(ids, data, bands):
    import pandas as pd

    n = np.array([len(lc) for lc in data])
    stacked = np.concatenate(data) if data else np.empty((0, 4))
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.asarray(ids, dtype=object), n),
            "time": stacked[:, 0],
            "mag": stacked[:, 1],
            "err": stacked[:, 2],
        }
    )
    if stacked.shape[1] > 3:
        frame["band"] = np.asarray(bands, dtype=object)[stacked[:, 3].astype(int)]
    else:
        frame["band"] = bands[0]
    return frame


def _counts_text(target, target_names) -> str:
    counts = np.bincount(target, minlength=len(target_names))
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{target_names[i]} {counts[i]}" for i in order)


def _finish(
    *, ids, data, target, target_names, bands, descr, as_frame, return_X_y, **extra
):
    if return_X_y:
        return data, target
    n_cols = data[0].shape[1] if data else 3
    return Bunch(
        data=data,
        target=target,
        target_names=np.asarray(target_names),
        feature_names=_LC_COLUMNS[:n_cols],
        bands=list(bands),
        ids=np.asarray(ids),
        frame=_long_frame(ids, data, bands) if as_frame else None,
        DESCR=descr,
        **extra,
    )


# --------------------------------------------------------------------- ASAS

ASAS_FOLDER = "asas_training"

ASAS_DESCR = """\
.. _asas_lightcurves_dataset:

ASAS variable-star training set (Richards et al. 2012)
------------------------------------------------------

{n} V-band light curves of variable stars from the All Sky Automated Survey,
labelled into {n_classes} classes by Richards et al. (2012); {n_points}
observations in all ({n_bad} non-finite points dropped).

**Data**: one float64 array (n_points, 3) per star, columns time [days, HJD
- 2450000 as in the source], mag [V, mag], err [mag], sorted by time. One
band: ``bands`` = ['V'].

**Target**: class codes into ``target_names`` (sorted names); counts:
{counts}.

**ids**: the ASAS training-set file id of each star.

**Origin**: GitHub cesium-ml/cesium-data, asas_training/, commit
2ad85e77b6c1fea00124e055cedbc45181e9f6ba (the file that
``cesium.datasets.fetch_asas_training`` downloads).

**Cite**: Richards et al. 2012, ApJS 203, 32; Pojmanski 2002, Acta Astron. 52,
397 (ASAS).

**Licence**: the cesium-data repository has no licence file; ASAS data are
public.
"""


def fetch_asas_lightcurves(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load 810 ASAS V-band light curves of variable stars, 28 classes.

    The training set of Richards et al. (2012): Mira 91, Classical Cepheid
    89, RR Lyrae FM 86, ..., down to single objects (strongly imbalanced).

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; ``None`` means ``$SKASTRO_DATA`` or ``~/skastro_data``.
    download_if_missing : bool, default=True
        Download missing files from the origin; otherwise raise
        :class:`OSError`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Also return ``frame``, a long pandas DataFrame (id, time, mag, err,
        band) with one row per observation.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: list of 810 float64 arrays (n_i, 3) = (time [days], V mag,
        err [mag]), sorted by time; ``target`` (810,) int codes into
        ``target_names`` (28 sorted class names); ``ids`` (810,) int file ids;
        ``bands`` = ['V']; ``feature_names`` = ['time', 'mag', 'err'];
        ``frame`` (None unless ``as_frame=True``); ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    fetch_ztf_sne : Multi-band ZTF supernova light curves.
    make_light_curves : Synthetic light curves with known periods.

    References
    ----------
    .. [1] Richards et al. 2012, "Construction of a Calibrated Probabilistic
       Classification Catalog: Application to 50k Variable Sources in the
       All-Sky Automated Survey", ApJS 203, 32.

    Examples
    --------
    >>> from skastro.datasets import fetch_asas_lightcurves
    >>> asas = fetch_asas_lightcurves()
    >>> len(asas.data), asas.data[0].shape[1]
    (810, 3)
    >>> len(asas.target_names)
    28
    """
    import pandas as pd

    _check_flags(
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )
    kw = dict(data_home=data_home, download_if_missing=download_if_missing)
    archive = fetch_file(ASAS_FOLDER, "asas_training_set.tar.gz", **kw)
    classes = pd.read_csv(
        fetch_file(ASAS_FOLDER, "asas_training_set_classes.dat", **kw)
    )
    names, table, counts = _read_tar_tables(archive, suffix=".dat", header=False)
    if table.shape[1] != 3:
        raise ValueError(
            f"{archive}: light curves have {table.shape[1]} columns, expected 3 "
            "(time, mag, magerr)"
        )
    ids = np.array([int(n) for n in names])
    label_of = dict(zip(classes["filename"].astype(int), classes["class"]))
    unlabelled = [i for i in ids if i not in label_of]
    if unlabelled:
        raise ValueError(
            f"{len(unlabelled)} ASAS light curves have no class in "
            f"asas_training_set_classes.dat, e.g. id {unlabelled[0]}"
        )
    order = np.argsort(ids, kind="stable")
    data = _split_objects(ids, [table[0], table[1], table[2]], counts)
    data, n_bad = _drop_bad_points(ids, data, "fetch_asas_lightcurves")
    ids = ids[order]
    data = [data[i] for i in order]
    labels = np.array([label_of[i] for i in ids])
    target_names = np.array(sorted(set(labels)))
    target = np.searchsorted(target_names, labels)
    descr = ASAS_DESCR.format(
        n=len(ids),
        n_classes=len(target_names),
        n_points=sum(len(d) for d in data),
        n_bad=n_bad,
        counts=_counts_text(target, target_names),
    )
    return _finish(
        ids=ids,
        data=data,
        target=target,
        target_names=target_names,
        bands=["V"],
        descr=descr,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


# ------------------------------------------------------------ ALeRCE 30 SNe

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


def fetch_ztf_sne(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load 30 ZTF supernovae: g/r alert light curves and ALeRCE classes.

    Labels SNIa 19, SNIbc 8, SLSN 2, SNII 1. The source is a long table (one
    row per alert detection), the case ``from_long_table`` is made for.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; ``None`` means ``$SKASTRO_DATA`` or ``~/skastro_data``.
    download_if_missing : bool, default=True
        Download missing files from the origin; otherwise raise
        :class:`OSError`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
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

    _check_flags(
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )
    kw = dict(data_home=data_home, download_if_missing=download_if_missing)
    det = pd.read_csv(fetch_file(SNE_FOLDER, "30_sne_detections_corr.csv", **kw))
    labels = pd.read_csv(fetch_file(SNE_FOLDER, "30_sne_labels.csv", **kw))
    nondet = pd.read_csv(fetch_file(SNE_FOLDER, "30_sne_non_detections.csv", **kw))
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


# ----------------------------------------------------------- ZTF BTS SNe Ia

SNIA_FOLDER = "ztf_bts_snia"
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


def fetch_ztf_snia(
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load 2,289 ZTF Bright Transient Survey SN Ia light curves (g, r, i).

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; ``None`` means ``$SKASTRO_DATA`` or ``~/skastro_data``.
    download_if_missing : bool, default=True
        Download missing files; otherwise raise :class:`OSError`. The light
        curve archive has no single-file origin, so it is downloaded only from
        a mirror given by ``SKASTRO_DATA_URL``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Also return ``frame``, a long pandas DataFrame (id, time, mag, err,
        band) with one row per observation.

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
    import pandas as pd

    _check_flags(
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )
    kw = dict(data_home=data_home, download_if_missing=download_if_missing)
    meta = pd.read_csv(fetch_file(SNIA_FOLDER, "bts.csv", **kw))
    archive = fetch_file(SNIA_FOLDER, "snia_light_curves.tar.gz", **kw)
    names, table, counts = _read_tar_tables(archive, suffix=".csv", header=True)
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
