"""Acceptance of issue 3: no third-party data file or pickle is tracked by git."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from skastro.datasets import _registry

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_SUFFIXES = (".npz", ".npy", ".pkl", ".pickle", ".tar.gz", ".tgz", ".fits")


def _tracked_files():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [ROOT / p for p in out.decode().split("\0") if p]


def test_no_data_files_or_pickles_tracked():
    files = _tracked_files()
    bad = [f for f in files if f.name.endswith(FORBIDDEN_SUFFIXES)]
    bad += [f for f in files if f.name.startswith(("data_batch_", "test_batch"))]
    assert not bad, bad
    known = {e.sha256 for e in _registry.REMOTE_FILES.values()}
    copies = [
        f
        for f in files
        if f.is_file() and hashlib.sha256(f.read_bytes()).hexdigest() in known
    ]
    assert not copies, f"copies of registered data files are tracked: {copies}"
