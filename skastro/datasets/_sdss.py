"""SDSS DR14 SkyServer sample: ugriz magnitudes, redshift, spectroscopic class."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import fetch_file, fetcher, tabular_bunch

FOLDER = "sdss_dr14_skyserver_10k"
FILENAME = "skyserver_dr14_10k.csv"
FEATURES = ["u", "g", "r", "i", "z"]

DESCR_TEMPLATE = """\
.. _sdss_colors_dataset:

SDSS DR14 SkyServer sample (star / galaxy / QSO)
------------------------------------------------

{n} objects from SDSS Data Release 14 with a spectrum (the Kaggle "Sloan
Digital Sky Survey DR14" set, a CasJobs query joining PhotoObj and SpecObj).

**Data** (``feature_names``): u, g, r, i, z model magnitudes [AB mag]. The
file has no magnitude errors.

**Target**: the spectroscopic class, coded into ``target_names``:
{counts}.

**Also**: ``redshift`` (spectroscopic z, dimensionless), ``ra`` and ``dec``
[deg, J2000]; with ``as_frame=True``, ``frame`` holds ra, dec, u..z,
redshift and class.

**Origin**: GitHub lydiahsu/Intro_Data_Science_Fall_2018 at commit
e3f8d8e46d689947416f50fd15da3233c87da36d (file renamed, content identical).

**Cite**: Abolfathi et al. 2018, ApJS 235, 42 (SDSS DR14), and acknowledge
SDSS as its data policy asks.

**Licence**: SDSS data are public; the Kaggle page states CC BY-SA 4.0.
"""


@fetcher()
def fetch_sdss_colors(
    *, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False
) -> Bunch | tuple:
    """Load the SDSS DR14 sample: ugriz magnitudes and spectroscopic class.

    10,000 objects, classes GALAXY 4998 / STAR 4152 / QSO 850 (imbalanced:
    QSO 8.5 %), for star / galaxy / quasar classification from colours.

    Parameters
    ----------
    %(fetch_parameters)s
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame, ``target`` as a Series of class
        names, and ``frame`` with every column (ra, dec, u..z, redshift,
        class).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (10000, 5) float64 ugriz [AB mag]; ``target`` (10000,) int
        codes into ``target_names`` = ['GALAXY', 'QSO', 'STAR'] (or the class
        names when ``as_frame=True``); ``feature_names``; ``redshift``,
        ``ra``, ``dec`` (10000,) float64; ``frame`` (None unless
        ``as_frame=True``); ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    fetch_ztf_realbogus : Another tabular set (light-curve features).

    References
    ----------
    .. [1] Abolfathi et al. 2018, "The Fourteenth Data Release of the Sloan
       Digital Sky Survey", ApJS 235, 42.

    Examples
    --------
    >>> from skastro.datasets import fetch_sdss_colors
    >>> sdss = fetch_sdss_colors()
    >>> sdss.data.shape, sdss.feature_names
    ((10000, 5), ['u', 'g', 'r', 'i', 'z'])
    >>> sdss.target_names.tolist()
    ['GALAXY', 'QSO', 'STAR']
    """
    import pandas as pd

    path = fetch_file(
        FOLDER, FILENAME, data_home=data_home, download_if_missing=download_if_missing
    )
    df = pd.read_csv(path)
    missing = [c for c in [*FEATURES, "class", "redshift", "ra", "dec"] if c not in df]
    if missing:
        raise ValueError(f"{path} lacks the columns {missing}")
    target_names = np.array(sorted(df["class"].unique()))
    target = np.searchsorted(target_names, df["class"].to_numpy())
    counts = ", ".join(
        f"{name} {n}" for name, n in zip(target_names, np.bincount(target))
    )
    descr = DESCR_TEMPLATE.format(n=len(df), counts=counts)
    return tabular_bunch(
        df[["ra", "dec", *FEATURES, "redshift", "class"]].copy(),
        FEATURES,
        target,
        frame_target="class",
        as_frame=as_frame,
        return_X_y=return_X_y,
        target_names=target_names,
        redshift=df["redshift"].to_numpy(dtype=np.float64),
        ra=df["ra"].to_numpy(dtype=np.float64),
        dec=df["dec"].to_numpy(dtype=np.float64),
        DESCR=descr,
    )
