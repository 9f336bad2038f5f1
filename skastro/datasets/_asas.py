"""ASAS variable stars: the training set of Richards et al. (2012)."""

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

ASAS_FOLDER = "asas_training"
# the class of each star, and its light curve as ``<id>.dat`` (no header line)
ASAS_FILES = _ArchiveSet(
    "asas_training_set_classes.dat", "asas_training_set.tar.gz", ".dat", header=False
)

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


@fetcher()
def fetch_asas_lightcurves(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load 810 ASAS V-band light curves of variable stars, 28 classes.

    The training set of Richards et al. (2012): Mira 91, Classical Cepheid
    89, RR Lyrae FM 86, ..., down to single objects (strongly imbalanced).

    Parameters
    ----------
    %(fetch_parameters)s
    %(light_curves_as_frame)s

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

    classes, archive, names, table, counts = ASAS_FILES.read(
        ASAS_FOLDER, data_home, download_if_missing
    )
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
