"""Doctests of the ``fetch_*`` loaders need the real data sets.

They run when ``SKASTRO_DATA`` points at a cache holding the data set, are
skipped with the reason otherwise, and fail under ``CI=true`` (like the
``require_data`` fixture of the test suite). No doctest downloads anything.
"""

import os
from pathlib import Path

import pytest

_FOLDERS = {
    "fetch_sdss_colors": "sdss_dr14_skyserver_10k",
    "fetch_batse_grb": "batse_grb",
    "fetch_asas_lightcurves": "asas_training",
    "fetch_ztf_sne": "alerce_ztf_30sne",
    "fetch_ztf_snia": "ztf_bts_snia",
    "fetch_ztf_realbogus": "snad_ztf_realbogus",
    "fetch_frdeep": "frdeep_radio_galaxies",
}


@pytest.fixture(autouse=True)
def _require_data_for_fetch_doctests(request):
    if not isinstance(request.node, pytest.DoctestItem):
        return
    folder = _FOLDERS.get(request.node.name.rsplit(".", 1)[-1])
    if folder is None:
        return
    home = os.environ.get("SKASTRO_DATA")
    reason = None
    if not home:
        reason = "SKASTRO_DATA is not set; doctest of a data loader skipped"
    elif not (Path(home) / folder).is_dir():
        reason = f"data set {folder!r} not found under SKASTRO_DATA={home}"
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: real data sets are required)")
        pytest.skip(reason)
