"""Real astronomical data sets (``fetch_*``) and synthetic generators (``make_*``).

The loaders read ``<data_home>/<folder>/<file>`` from a cache (``data_home``
argument, else ``$SKASTRO_DATA``, else ``~/skastro_data``) and download a
missing file from its public origin, verifying its SHA-256.
"""

from ._alerce import fetch_ztf_sne
from ._asas import fetch_asas_lightcurves
from ._base import get_data_home
from ._batse import fetch_batse_grb
from ._bts import fetch_ztf_snia
from ._frdeep import fetch_frdeep
from ._generators import make_cutouts, make_light_curves
from ._realbogus import fetch_ztf_realbogus
from ._sdss import fetch_sdss_colors

__all__ = [
    "fetch_asas_lightcurves",
    "fetch_batse_grb",
    "fetch_frdeep",
    "fetch_ztf_realbogus",
    "fetch_ztf_sne",
    "fetch_ztf_snia",
    "fetch_sdss_colors",
    "get_data_home",
    "make_cutouts",
    "make_light_curves",
]
