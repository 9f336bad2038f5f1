"""Data home, verified atomic downloads, and what every ``fetch_*`` loader shares.

A file of :data:`~skastro.datasets._registry.REMOTE_FILES` is looked up in
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

:func:`fetcher` declares the parameters every loader takes (``data_home``,
``download_if_missing``, ``return_X_y``, ``as_frame``) once: their
constraints and their documentation.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from skastro.utils._constraints import worded

from ._registry import REMOTE_FILES, RemoteFile

__all__ = ["fetch_file", "fetch_files", "fetcher", "get_data_home", "tabular_bunch"]

_CHUNK = 1 << 16


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
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


def fetch_files(
    folder: str,
    *filenames: str,
    data_home: str | os.PathLike | None,
    download_if_missing: bool,
) -> list[Path]:
    """:func:`fetch_file` for each of ``filenames`` of ``folder``, in order."""
    return [
        fetch_file(
            folder,
            name,
            data_home=data_home,
            download_if_missing=download_if_missing,
        )
        for name in filenames
    ]


# ------------------------------------------------ what every fetch_* shares

_FLAGS = ("download_if_missing", "return_X_y", "as_frame")

#: Type hints of the parameters every ``fetch_*`` loader takes.
FETCH_ANNOTATIONS: dict[str, str] = {
    "data_home": "str | os.PathLike | None",
    **{flag: "bool" for flag in _FLAGS},
}

#: Their constraints.
FETCH_CONSTRAINTS: dict[str, list] = {
    "data_home": [str, os.PathLike, None],
    **{
        flag: [worded("boolean", message=flag + " must be a bool, got {value!r}")]
        for flag in _FLAGS
    },
}

# Their documentation: ``%(name)s`` in a loader's docstring is replaced by the
# piece ``name`` (``fetch_parameters`` is the first three, as most loaders
# word them; ``light_curves_as_frame`` is ``as_frame`` of a light-curve set).
_DATA_HOME_DOC = """data_home : str or path-like, default=None
        Cache folder; ``None`` means ``$SKASTRO_DATA`` or ``~/skastro_data``."""
_RETURN_X_Y_DOC = """return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch."""
_DOCS = {
    "data_home": _DATA_HOME_DOC,
    "return_X_y": _RETURN_X_Y_DOC,
    "light_curves_as_frame": """as_frame : bool, default=False
        Also return ``frame``, a long pandas DataFrame (id, time, mag, err,
        band) with one row per observation.""",
    "fetch_parameters": f"""{_DATA_HOME_DOC}
    download_if_missing : bool, default=True
        Download missing files from the origin; otherwise raise
        :class:`OSError`.
    {_RETURN_X_Y_DOC}""",
}


def fetcher(**constraints: list) -> Callable[[Callable], Callable]:
    """Decorate a ``fetch_*`` loader: shared type hints, constraints and docs.

    The loader's signature lists the shared parameters with their defaults;
    it gets their type hints (:data:`FETCH_ANNOTATIONS`), ``validate_params``
    with :data:`FETCH_CONSTRAINTS` plus ``constraints`` (its own parameters),
    and the ``%(name)s`` pieces of its docstring filled in.
    """

    def decorate(func: Callable) -> Callable:
        func.__annotations__ = {**FETCH_ANNOTATIONS, **func.__annotations__}
        doc = func.__doc__
        for name, text in _DOCS.items():
            doc = doc.replace(f"%({name})s", text)
        func.__doc__ = doc
        return validate_params(
            {**FETCH_CONSTRAINTS, **constraints}, prefer_skip_nested_validation=True
        )(func)

    return decorate


def tabular_bunch(
    frame: Any,
    features: list[str],
    target: np.ndarray,
    *,
    frame_target: str,
    as_frame: bool,
    return_X_y: bool,
    **attributes: Any,
) -> Bunch | tuple:
    """The result of a loader of a table: ``(data, target)`` or a Bunch.

    ``frame`` holds the ``features`` and the target column ``frame_target``.
    With ``as_frame``, ``data`` is ``frame[features]``, ``target`` is
    ``frame[frame_target]`` and the Bunch holds ``frame``; otherwise ``data``
    is a float64 array, ``target`` is returned as given and ``frame`` is
    None. ``attributes`` go into the Bunch.
    """
    if as_frame:
        data, target = frame[features], frame[frame_target]
    else:
        data, frame = frame[features].to_numpy(dtype=np.float64), None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        feature_names=list(features),
        frame=frame,
        **attributes,
    )
