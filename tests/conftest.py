"""Shared fixtures: where the real data sets live, and how a test asks for one."""

import os
from pathlib import Path

import pytest


def _data_home() -> Path | None:
    home = os.environ.get("SKASTRO_DATA")
    return Path(home) if home else None


@pytest.fixture
def require_data():
    """Return ``require(folder) -> data_home`` for tests that need real data.

    Skips with the reason when ``SKASTRO_DATA`` is unset or lacks the folder;
    under CI (``CI=true``) a missing data set fails instead of skipping.
    """

    def require(folder: str) -> Path:
        home = _data_home()
        reason = None
        if home is None:
            reason = "SKASTRO_DATA is not set; real-data test skipped"
        elif not (home / folder).is_dir():
            reason = f"data set {folder!r} not found under SKASTRO_DATA={home}"
        if reason is not None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{reason} (CI=true: real data sets are required)")
            pytest.skip(reason)
        return home

    return require
