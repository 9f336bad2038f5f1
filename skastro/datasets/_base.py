"""Data home, the registry of remote files, and verified atomic downloads.

Every file a loader reads is listed in :data:`REMOTE_FILES` with the folder it
lives in, its URL at the pinned commit of its public origin (see each
folder's ``SOURCE.txt``) and its SHA-256. A file is looked up in
``<data_home>/<folder>/<file>``; when it is missing it is downloaded into a
temporary file in the same folder, checked against its SHA-256 *before*
anything parses it, and only then renamed into place with :func:`os.replace`,
so the cache never holds a partial or corrupted file. A file already in the
cache is checked against its SHA-256 too before a loader reads it (once per
process and version of the file: the result is kept per path, size,
modification time and inode); a corrupted one is removed from the cache and
:class:`OSError` says so, and calling the loader again downloads a fresh copy.

The environment variable ``SKASTRO_DATA_URL`` replaces every origin by a
mirror with the cache layout (``<SKASTRO_DATA_URL>/<folder>/<file>``), which
is how the tests serve a local copy over HTTP.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["get_data_home"]

_CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: where it lives in the cache and at its origin.

    ``url`` is ``None`` for a file that its origin does not publish as one
    file (a lossless conversion made when the data set was assembled); such a
    file is downloaded only from a mirror (``SKASTRO_DATA_URL``) or rebuilt
    by its loader from the origin files. ``alt_sha256`` lists the SHA-256 of
    other byte-exact encodings of the same content that such a loader may
    write instead (see ``skastro.datasets._frdeep``); a cached file is
    accepted with any of them.
    """

    folder: str
    filename: str
    url: str | None
    sha256: str
    alt_sha256: tuple[str, ...] = ()

    @property
    def accepted_sha256(self) -> tuple[str, ...]:
        """Every SHA-256 a cached copy of this file may have."""
        return (self.sha256, *self.alt_sha256)


def _raw(repo: str, commit: str, path: str) -> str:
    return (
        f"https://raw.githubusercontent.com/{repo}/{commit}/{urllib.parse.quote(path)}"
    )


_SDSS = (
    "lydiahsu/Intro_Data_Science_Fall_2018",
    "e3f8d8e46d689947416f50fd15da3233c87da36d",
)
_BATSE = ("JamesPaynter/PyGRB", "568db3ea6a5c65dcd8e076f33b62771f02bb38e9")
_ASAS = ("cesium-ml/cesium-data", "2ad85e77b6c1fea00124e055cedbc45181e9f6ba")
_ALERCE = ("alercebroker/lc_classifier", "b8a85200ed5764cebd9288a935da2e7943b252a4")
_BTS = ("light-curve/test-data", "3c8d9877643b881ec6fb6bb41fbe0fc8677b96db")
_SNAD = ("snad-space/ztf_real_bogus_clf", "fabc3eb3d685b7e100342ad4295914bdadd6d7d7")
_FRDEEP = ("HongmingTang060313/FR-DEEP", "b01744e102c61a63cc76211f98b65e3531ffb5c7")


def _entries() -> dict[tuple[str, str], RemoteFile]:
    rows = [
        (
            "sdss_dr14_skyserver_10k",
            "skyserver_dr14_10k.csv",
            _raw(*_SDSS, "data/Skyserver_SQL2_27_2018 6_51_39 PM.csv"),
            "15d44ee8ed234ae46a0ddb25af0921798798cf48d79f26d614dbb519cb6d8acc",
        ),
        (
            "batse_grb",
            "duration_table_5b.txt",
            _raw(*_BATSE, "extra/duration_table_5b.txt"),
            "6f972ae4fbbc9fc026b240614893fca0b062a53f35a7d93ee83b210a0d982718",
        ),
        (
            "batse_grb",
            "flux_table_4b.txt",
            _raw(*_BATSE, "extra/flux_table_4b.txt"),
            "490f09f10ab11346b49be093b8ac9797e2bd0568e05396e7f6f932e17f91836a",
        ),
        (
            "batse_grb",
            "flux_table_5b.txt",
            _raw(*_BATSE, "extra/flux_table_5b.txt"),
            "366afa9c93e475cc829aaab0daa5b24c352bfdaf424b09807c3d80bc85744739",
        ),
        (
            "asas_training",
            "asas_training_set.tar.gz",
            _raw(*_ASAS, "asas_training/asas_training_set.tar.gz"),
            "6c66c4435b03576a3b20416fac9b7b9453d2a9189e1af745733816a0715e08fd",
        ),
        (
            "asas_training",
            "asas_training_set_classes.dat",
            _raw(*_ASAS, "asas_training/asas_training_set_classes.dat"),
            "572f628cccf3ce529326c085034ed310c79503fba3a9ac2447e2959ae540d85f",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_detections_corr.csv",
            _raw(*_ALERCE, "data_examples/30_sne_detections_corr.csv"),
            "35dc54b2e5cbfad64ba8c41649759a3e45f9754cada8e416c422a7b1f674d260",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_labels.csv",
            _raw(*_ALERCE, "data_examples/30_sne_labels.csv"),
            "b8b446c81ed6c273c2b3ce21639cbf7d69c3295abeed2daeae523c0113cb3369",
        ),
        (
            "alerce_ztf_30sne",
            "30_sne_non_detections.csv",
            _raw(*_ALERCE, "data_examples/30_sne_non_detections.csv"),
            "aa3afbd33be876f0b8afc8cbafb84c6cbdc4679e352addfb009d4c858c4c10b9",
        ),
        (
            "ztf_bts_snia",
            "bts.csv",
            _raw(*_BTS, "SNIa/bts.csv"),
            "21fab8b612a58cc3d440f64d02351478a20ea56157f7069bf53673aa4a3225c1",
        ),
        (
            # made with `git archive` of SNIa/light-curves/: no single origin file
            "ztf_bts_snia",
            "snia_light_curves.tar.gz",
            None,
            "ebe30a893ab6900e8177242becf784f1e7924016d02283eefdceb56b607cab9a",
        ),
        (
            "snad_ztf_realbogus",
            "akb_obj_features_snad4.csv",
            _raw(*_SNAD, "akb_obj_features_snad4.csv"),
            "d8915c49ccf17ee76a3e902f94e4e72c57658ff6d6ec8451df47b4c0dc7987b7",
        ),
        (
            "snad_ztf_realbogus",
            "akb.ztf.snad.space.json",
            _raw(*_SNAD, "akb.ztf.snad.space.json"),
            "5ab9fdca2f3d0270a33cbf885e62458ba4d26bb97d28ac91fad2d44150dfe6ed",
        ),
        (
            "snad_ztf_realbogus",
            "feature_snad4_r_100.json",
            _raw(*_SNAD, "feature_snad4_r_100.json"),
            "4f2498b81251102808ba0b0ebfba97ccf2d7469f2673001b7b12fc52633b4f33",
        ),
        (
            # converted from the origin's pickled batches by fetch_frdeep
            "frdeep_radio_galaxies",
            "frdeep_first.npz",
            None,
            "cb0626bfb610bd8f48dc633570349583a94ad91b2c229fb016d137f28b977707",
        ),
        (
            "frdeep_radio_galaxies",
            "frdeep_nvss.npz",
            None,
            "be0c7123367cd993e83955c7b807d7c2c7479fa06b4c6fd8827a604fb3874aad",
        ),
    ]
    # the FR-DEEP npz as fetch_frdeep writes it without compression, where the
    # zlib of this Python does not reproduce the deflated bytes of the mirror
    alt = {
        "frdeep_first.npz": (
            "6510fa14ac9bbeca7affb53c98b0c52908f2c93954d4d42e31a6cfb96cf56a93",
        ),
        "frdeep_nvss.npz": (
            "5cc3654a3cd9259ae1e7430583d62f8aaedde036c5b2d26c2f0d2fbd39a60e65",
        ),
    }
    return {(f, n): RemoteFile(f, n, u, s, alt.get(n, ())) for f, n, u, s in rows}


#: Every file a loader reads, keyed by ``(folder, filename)``.
REMOTE_FILES: dict[tuple[str, str], RemoteFile] = _entries()

#: Origin archives of FR-DEEP (CIFAR-style pickled batches), per survey.
FRDEEP_ORIGINS: dict[str, str] = {
    "first": _raw(*_FRDEEP, "FIRST_data/FIRST_PNG_dataset.tar.gz"),
    "nvss": _raw(*_FRDEEP, "NVSS_data/NVSS_PNG_dataset.tar.gz"),
}


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder of the data cache.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The cache folder. ``None`` means the environment variable
        ``SKASTRO_DATA`` when it is set, else ``~/skastro_data``. The folder
        is not created here; a download creates what it needs.

    Returns
    -------
    data_home : pathlib.Path
        The cache folder, with ``~`` expanded. Files live in
        ``<data_home>/<folder>/<file>``.

    Examples
    --------
    >>> from skastro.datasets import get_data_home
    >>> get_data_home("/tmp/my_cache").as_posix()
    '/tmp/my_cache'
    """
    if data_home is None:
        data_home = os.environ.get("SKASTRO_DATA") or "~/skastro_data"
    return Path(data_home).expanduser()


def _mirror_url(folder: str, filename: str) -> str | None:
    base = os.environ.get("SKASTRO_DATA_URL")
    if not base:
        return None
    return f"{base.rstrip('/')}/{folder}/{urllib.parse.quote(filename)}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# (resolved path, size, mtime_ns, inode) of each cached file whose SHA-256 was
# checked in this process -> that SHA-256
_VERIFIED: dict[tuple[str, int, int, int], str] = {}


def _stat_key(path: Path) -> tuple[str, int, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)


def _remember_verified(path: Path, sha256: str) -> None:
    _VERIFIED[_stat_key(path)] = sha256


def _verify_cached(entry: RemoteFile, path: Path, retry: str) -> None:
    """Check the SHA-256 of the cached ``path``; remove it if it is corrupted.

    Raises :class:`OSError` naming the file, the actual and the expected
    SHA-256, whether the file could be removed, and ``retry`` (what calling
    the loader again does).
    """
    key = _stat_key(path)
    if _VERIFIED.get(key) in entry.accepted_sha256:
        return
    actual = _sha256(path)
    if actual in entry.accepted_sha256:
        _VERIFIED[key] = actual
        return
    try:
        path.unlink()
    except FileNotFoundError:
        fate = f"it is gone from the cache; {retry}"
    except OSError as exc:
        fate = (
            f"it could not be removed from the cache ({exc}); delete it by hand "
            f"(or make the cache writable), then {retry}"
        )
    else:
        fate = f"it was removed from the cache; {retry}"
    expected = " or ".join(entry.accepted_sha256)
    raise OSError(
        errno.EIO,
        f"cached data file {entry.folder}/{entry.filename} in {path.parent} is "
        f"corrupted: SHA-256 {actual}, expected {expected}; {fate}",
    )


def _write_chunk(f, chunk: bytes) -> None:
    # one place that writes downloaded bytes (tests make it fail with ENOSPC)
    f.write(chunk)


def _download(url: str, dest: Path, *, sha256: str | None, timeout: float = 60.0):
    """Download ``url`` to ``dest`` atomically; verify ``sha256`` when given.

    The bytes go to a temporary file next to ``dest``; it is removed on any
    failure (HTTP error, connection closed before ``Content-Length`` bytes,
    write error, checksum mismatch), and renamed to ``dest`` only once
    complete and verified.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{dest.name}.", suffix=".part", dir=dest.parent
    )
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        n_bytes = 0
        try:
            f = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        try:
            with f, urllib.request.urlopen(url, timeout=timeout) as resp:
                length = resp.headers.get("Content-Length")
                while chunk := resp.read(_CHUNK):
                    try:
                        _write_chunk(f, chunk)
                    except OSError as exc:
                        raise OSError(
                            exc.errno,
                            f"could not write {dest.name!r} into {dest.parent} "
                            f"({os.strerror(exc.errno) if exc.errno else exc}); "
                            "no partial file was kept",
                        ) from exc
                    h.update(chunk)
                    n_bytes += len(chunk)
            if length is not None and n_bytes != int(length):
                raise OSError(
                    errno.EIO,
                    f"download of {dest.name!r} from {url} was interrupted: got "
                    f"{n_bytes} of {int(length)} bytes; no partial file was kept",
                )
        except http.client.HTTPException as exc:
            raise OSError(
                errno.EIO,
                f"download of {dest.name!r} from {url} was interrupted "
                f"({type(exc).__name__}: {exc}); no partial file was kept",
            ) from exc
        if sha256 is not None and h.hexdigest() != sha256:
            raise OSError(
                errno.EIO,
                f"checksum mismatch for {dest.name!r} downloaded from {url}: "
                f"SHA-256 {h.hexdigest()}, expected {sha256}; the file was "
                "removed",
            )
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def fetch_file(
    folder: str,
    filename: str,
    *,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    retry: str | None = None,
) -> Path:
    """Return the cached path of a registered file, downloading it if needed.

    A file already in the cache is returned only once its SHA-256 matches the
    registry (checked once per process and version of the file); a corrupted
    one is removed. A missing one is downloaded and verified by
    :func:`_download`.

    Parameters
    ----------
    folder, filename : str
        The key of the file in :data:`REMOTE_FILES`.
    data_home : str or path-like, default=None
        The cache folder (:func:`get_data_home`).
    download_if_missing : bool, default=True
        Download a missing file, else raise :class:`OSError`.
    retry : str, default=None
        What calling the loader again does once a corrupted file was removed,
        for the message; ``None`` means downloading a fresh copy.

    Returns
    -------
    path : pathlib.Path
        ``<data_home>/<folder>/<filename>``, verified.

    Raises
    ------
    OSError
        Naming the file: when the cached copy is corrupted (its SHA-256, the
        expected one, and whether it was removed), when it is missing and
        ``download_if_missing=False``, when it has no single-file origin and
        no mirror is configured, or when the download fails.
    """
    entry = REMOTE_FILES[(folder, filename)]
    path = get_data_home(data_home) / folder / filename
    if path.is_file():
        if not download_if_missing:
            retry = (
                "calling the loader with download_if_missing=True downloads a "
                "fresh copy"
            )
        elif retry is None:
            if _mirror_url(folder, filename) or entry.url:
                retry = "calling the loader again downloads a fresh copy"
            else:
                retry = (
                    "set SKASTRO_DATA_URL to a mirror with the cache layout and "
                    "call the loader again to download a fresh copy"
                )
        _verify_cached(entry, path, retry)
        return path
    if not download_if_missing:
        raise OSError(
            errno.ENOENT,
            f"data file {folder}/{filename} not found in {path.parent} and "
            "download_if_missing=False",
        )
    url = _mirror_url(folder, filename) or entry.url
    if url is None:
        raise OSError(
            errno.ENOENT,
            f"data file {folder}/{filename} is not in the cache {path.parent} and "
            "its origin does not publish it as one file; set SKASTRO_DATA_URL "
            "to a mirror with the cache layout, or copy the file into the cache",
        )
    _download(url, path, sha256=entry.sha256)
    _remember_verified(path, entry.sha256)
    return path


def _check_bool(name: str, value) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {value!r}")
