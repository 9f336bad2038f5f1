import errno
import functools
import hashlib
import http.server
import io
import os
import pickle
import tarfile
import threading

import numpy as np
import pytest

from skastro.datasets import (
    _base,
    _registry,
    fetch_batse_grb,
    fetch_frdeep,
    fetch_sdss_colors,
    get_data_home,
)

SDSS = ("sdss_dr14_skyserver_10k", "skyserver_dr14_10k.csv")
FRDEEP = ("frdeep_radio_galaxies", "frdeep_first.npz")


@pytest.fixture(autouse=True)
def _fresh_verified_memo(monkeypatch):
    # each test starts with no cached file known to be verified
    monkeypatch.setattr(_base, "_VERIFIED", {})


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _file_bytes(self) -> bytes:
        with open(self.translate_path(self.path), "rb") as f:
            return f.read()


class _TruncatingHandler(_QuietHandler):
    """Announces the full Content-Length, sends half the bytes, hangs up."""

    def do_GET(self):
        body = self._file_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


class _HangUpHandler(_QuietHandler):
    """Sends no Content-Length, then half the bytes, and closes the connection."""

    def do_GET(self):
        body = self._file_bytes()
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


@pytest.fixture
def serve():
    servers = []

    def start(directory, handler=_QuietHandler):
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_get_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("SKASTRO_DATA", str(tmp_path))
    assert get_data_home() == tmp_path
    assert get_data_home(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv("SKASTRO_DATA")
    assert get_data_home() == get_data_home("~/skastro_data").expanduser()
    assert not get_data_home().as_posix().startswith("~")


def test_registry_matches_shared_checksums(require_data):
    # independent source of truth: SHA256SUMS.txt shipped with the data
    home = require_data(SDSS[0])
    sums = {}
    for line in (home / "SHA256SUMS.txt").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[tuple(name.split("/", 1))] = digest
    for key, entry in _registry.REMOTE_FILES.items():
        assert sums[key] == entry.sha256, key
        assert entry.url is None or entry.url.startswith(
            "https://raw.githubusercontent"
        )
    data_files = {
        k for k in sums if not k[1].startswith(("SOURCE", "LICENSE", "README"))
    }
    assert data_files <= set(_registry.REMOTE_FILES)


def test_download_over_http(require_data, serve, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    sdss = fetch_sdss_colors(data_home=tmp_path)
    path = tmp_path.joinpath(*SDSS)
    expected = _registry.REMOTE_FILES[SDSS].sha256
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected
    assert _leftovers(tmp_path / SDSS[0]) == [SDSS[1]]
    assert np.bincount(sdss.target).tolist() == [4998, 850, 4152]
    # a second call reads the cache: the server is no longer needed
    monkeypatch.setenv("SKASTRO_DATA_URL", "http://127.0.0.1:9/unreachable")
    fetch_sdss_colors(data_home=tmp_path)


def test_download_checksum_mismatch(require_data, serve, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    mirror = tmp_path / "mirror"
    (mirror / SDSS[0]).mkdir(parents=True)
    raw = bytearray(home.joinpath(*SDSS).read_bytes())
    raw[1000] ^= 1  # one flipped bit
    mirror.joinpath(*SDSS).write_bytes(bytes(raw))
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(mirror))
    cache = tmp_path / "cache"
    with pytest.raises(
        OSError, match=r"checksum mismatch for 'skyserver_dr14_10k.csv'"
    ):
        fetch_sdss_colors(data_home=cache)
    assert _leftovers(cache / SDSS[0]) == []


@pytest.mark.parametrize(
    "handler, message",
    [
        (_TruncatingHandler, r"'skyserver_dr14_10k.csv' from .* was interrupted: got "),
        # without Content-Length the short file is caught by its SHA-256
        (_HangUpHandler, r"checksum mismatch for 'skyserver_dr14_10k.csv'"),
    ],
)
def test_download_interrupted_then_retry(
    require_data, serve, monkeypatch, tmp_path, handler, message
):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home, handler))
    with pytest.raises(OSError, match=message) as exc:
        fetch_sdss_colors(data_home=tmp_path)
    assert "no partial file was kept" in str(exc.value) or "removed" in str(exc.value)
    assert _leftovers(tmp_path / SDSS[0]) == []  # no file, no *.part
    # the connection is good again: a retry succeeds
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    sdss = fetch_sdss_colors(data_home=tmp_path)
    assert np.bincount(sdss.target).tolist() == [4998, 850, 4152]
    assert _leftovers(tmp_path / SDSS[0]) == [SDSS[1]]


def test_download_write_error_then_retry(require_data, serve, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    calls = []

    def disk_full(f, chunk):
        calls.append(len(chunk))
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        f.write(chunk)

    with monkeypatch.context() as m:
        m.setattr(_base, "_write_chunk", disk_full)
        with pytest.raises(
            OSError, match="could not write 'skyserver_dr14_10k.csv'"
        ) as exc:
            fetch_sdss_colors(data_home=tmp_path)
    assert exc.value.errno == errno.ENOSPC
    assert "No space left" in str(exc.value)
    assert "no partial file was kept" in str(exc.value)
    assert _leftovers(tmp_path / SDSS[0]) == []
    # the disk has room again: a retry succeeds
    assert fetch_sdss_colors(data_home=tmp_path).data.shape == (10000, 5)


def test_file_without_origin_needs_a_mirror(monkeypatch, tmp_path):
    monkeypatch.delenv("SKASTRO_DATA_URL", raising=False)
    with pytest.raises(OSError, match="snia_light_curves.tar.gz.*SKASTRO_DATA_URL"):
        _base.fetch_file("ztf_bts_snia", "snia_light_curves.tar.gz", data_home=tmp_path)
    assert (
        not (tmp_path / "ztf_bts_snia").exists()
        or _leftovers(tmp_path / "ztf_bts_snia") == []
    )


def _origin_tarball(npz_path, out, *, tamper=None):
    """Rebuild the origin's layout: CIFAR-style pickled batches of 50 in a tar.gz."""
    with np.load(npz_path, allow_pickle=False) as z:
        images, labels, split, names = (
            z["images"],
            z["labels"],
            z["split"],
            z["filenames"],
        )
    train, test = np.flatnonzero(split == "train"), np.flatnonzero(split == "test")
    batches = {f"data_batch_{k + 1}": train[50 * k : 50 * (k + 1)] for k in range(11)}
    batches["test_batch"] = test
    with tarfile.open(out, "w:gz") as tar:
        for name, idx in batches.items():
            batch = {
                "batch_label": name,
                "labels": [int(v) for v in labels[idx]],
                "data": images[idx].reshape(len(idx), -1),
                "filenames": [str(v) for v in names[idx]],
            }
            if tamper is not None:
                batch = tamper(name, batch)
            raw = pickle.dumps(batch, protocol=2)
            info = tarfile.TarInfo(f"FIRST_PNG_dataset/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def _serve_origin(serve, monkeypatch, tmp_path, home, tamper=None):
    origin = tmp_path / "origin"
    origin.mkdir()
    npz = home / "frdeep_radio_galaxies" / "frdeep_first.npz"
    _origin_tarball(npz, origin / "FIRST_PNG_dataset.tar.gz", tamper=tamper)
    url = serve(origin) + "/FIRST_PNG_dataset.tar.gz"
    monkeypatch.delenv("SKASTRO_DATA_URL", raising=False)
    monkeypatch.setitem(_registry.FRDEEP_ORIGINS, "first", url)
    return npz


def test_frdeep_converted_from_pickled_batches(
    require_data, serve, monkeypatch, tmp_path
):
    home = require_data("frdeep_radio_galaxies")
    npz = _serve_origin(serve, monkeypatch, tmp_path, home)
    cache = tmp_path / "cache"
    fr = fetch_frdeep(data_home=cache)
    assert _leftovers(cache / "frdeep_radio_galaxies") == ["frdeep_first.npz"]
    ref = fetch_frdeep(data_home=home)
    np.testing.assert_array_equal(fr.data, ref.data)
    np.testing.assert_array_equal(fr.target, ref.target)
    np.testing.assert_array_equal(fr.test_index, ref.test_index)
    with np.load(npz, allow_pickle=False) as a:
        with np.load(cache / "frdeep_radio_galaxies/frdeep_first.npz") as b:
            assert sorted(a.files) == sorted(b.files)
            np.testing.assert_array_equal(a["filenames"], b["filenames"])
    # the conversion writes the registered file byte for byte, so the next
    # load (in a fresh process: no memo) verifies it and does not rebuild it
    assert _sha(cache.joinpath(*FRDEEP)) == _registry.REMOTE_FILES[FRDEEP].sha256
    monkeypatch.setattr(_base, "_VERIFIED", {})
    monkeypatch.setitem(_registry.FRDEEP_ORIGINS, "first", "http://127.0.0.1:9/gone")
    np.testing.assert_array_equal(fetch_frdeep(data_home=cache).data, ref.data)


def test_frdeep_conversion_checksum_mismatch(
    require_data, serve, monkeypatch, tmp_path
):
    home = require_data("frdeep_radio_galaxies")

    def flip_label(name, batch):
        if name == "data_batch_3":
            batch["labels"][0] = 1 - batch["labels"][0]
        return batch

    _serve_origin(serve, monkeypatch, tmp_path, home, tamper=flip_label)
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match="checksum mismatch for 'frdeep_first.npz'"):
        fetch_frdeep(data_home=cache)
    assert _leftovers(cache / "frdeep_radio_galaxies") == []


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_frdeep_conversion_refuses_code(require_data, serve, monkeypatch, tmp_path):
    home = require_data("frdeep_radio_galaxies")

    def inject(name, batch):
        if name == "test_batch":
            batch["batch_label"] = _Evil()
        return batch

    _serve_origin(serve, monkeypatch, tmp_path, home, tamper=inject)
    cache = tmp_path / "cache"
    with pytest.raises(
        ValueError,
        match=r"FR-DEEP batch test_batch: pickle opcode GLOBAL at byte \d+ names the "
        r"global (posix|nt|os)\.system, which is not allowed",
    ):
        fetch_frdeep(data_home=cache)
    assert _leftovers(cache / "frdeep_radio_galaxies") == []


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached_copy(home, cache, key, *, damage=None):
    """Copy a real data file into the cache ``cache``, damaged by ``damage``."""
    raw = bytearray(home.joinpath(*key).read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x10
    elif damage == "truncate":
        del raw[len(raw) // 3 :]
    path = cache.joinpath(*key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_corrupted_cache_file_removed_then_redownloaded(
    require_data, serve, monkeypatch, tmp_path, damage
):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    cache = tmp_path / "cache"
    path = _cached_copy(home, cache, SDSS, damage=damage)
    actual = _sha(path)
    with pytest.raises(OSError) as exc:
        fetch_sdss_colors(data_home=cache)
    message = str(exc.value)
    assert f"{SDSS[0]}/{SDSS[1]} in {path.parent} is corrupted" in message
    expected = _registry.REMOTE_FILES[SDSS].sha256
    assert f"SHA-256 {actual}, expected {expected}" in message
    assert "it was removed from the cache" in message
    assert "calling the loader again downloads a fresh copy" in message
    assert exc.value.errno == errno.EIO
    assert _leftovers(cache / SDSS[0]) == []
    # the retry goes through the normal (verified) download from the mirror
    sdss = fetch_sdss_colors(data_home=cache)
    assert np.bincount(sdss.target).tolist() == [4998, 850, 4152]
    assert _sha(path) == _registry.REMOTE_FILES[SDSS].sha256


def test_corrupted_cache_file_of_several(require_data, serve, monkeypatch, tmp_path):
    # BATSE reads three files: only the damaged one is removed and downloaded
    home = require_data("batse_grb")
    cache = tmp_path / "cache"
    names = ["duration_table_5b.txt", "flux_table_4b.txt", "flux_table_5b.txt"]
    for name in names:
        damage = "flip" if name == "flux_table_4b.txt" else None
        _cached_copy(home, cache, ("batse_grb", name), damage=damage)
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    with pytest.raises(OSError, match=r"batse_grb/flux_table_4b.txt in .* corrupted"):
        fetch_batse_grb(data_home=cache)
    assert _leftovers(cache / "batse_grb") == [names[0], names[2]]
    ref = fetch_batse_grb(data_home=home)
    got = fetch_batse_grb(data_home=cache)
    np.testing.assert_array_equal(got.data, ref.data)
    assert _leftovers(cache / "batse_grb") == names


def test_cached_file_hashed_once_per_version(require_data, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.delenv("SKASTRO_DATA_URL", raising=False)
    path = _cached_copy(home, tmp_path, SDSS)
    calls = []
    sha256 = _base._sha256
    monkeypatch.setattr(_base, "_sha256", lambda p: calls.append(p) or sha256(p))
    for _ in range(3):
        fetch_sdss_colors(data_home=tmp_path)
    assert calls == [path]
    # a new version of the file (here: truncated in place) is hashed again
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(OSError, match="is corrupted"):
        fetch_sdss_colors(data_home=tmp_path, download_if_missing=False)
    assert len(calls) == 2


def test_corrupted_cache_file_without_download(require_data, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", "http://127.0.0.1:9/unreachable")
    path = _cached_copy(home, tmp_path, SDSS, damage="flip")
    with pytest.raises(
        OSError,
        match=r"it was removed from the cache; calling the loader with "
        r"download_if_missing=True downloads a fresh copy",
    ):
        fetch_sdss_colors(data_home=tmp_path, download_if_missing=False)
    assert not path.exists()
    with pytest.raises(OSError, match="not found .* download_if_missing=False"):
        fetch_sdss_colors(data_home=tmp_path, download_if_missing=False)


def test_corrupted_cache_file_that_cannot_be_removed(
    require_data, monkeypatch, tmp_path
):
    # a read-only cache (simulated: the tests may run as root, who ignores modes)
    home = require_data(SDSS[0])
    monkeypatch.delenv("SKASTRO_DATA_URL", raising=False)
    path = _cached_copy(home, tmp_path, SDSS, damage="truncate")
    unlink = type(path).unlink

    def read_only(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return unlink(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "unlink", read_only)
    with pytest.raises(OSError) as exc:
        fetch_sdss_colors(data_home=tmp_path)
    message = str(exc.value)
    assert f"{SDSS[0]}/{SDSS[1]} in {path.parent} is corrupted: SHA-256" in message
    assert (
        "could not be removed from the cache ([Errno 13] Permission denied" in message
    )
    assert "delete it by hand" in message
    assert path.exists()


def test_frdeep_corrupted_npz_detected_before_parsing(
    require_data, serve, monkeypatch, tmp_path
):
    home = require_data(FRDEEP[0])
    cache = tmp_path / "cache"
    path = _cached_copy(home, cache, FRDEEP, damage="flip")
    actual = _sha(path)
    _serve_origin(serve, monkeypatch, tmp_path, home)
    loads = []
    np_load = np.load
    monkeypatch.setattr(np, "load", lambda *a, **k: loads.append(a) or np_load(*a, **k))
    with pytest.raises(OSError) as exc:
        fetch_frdeep(data_home=cache)
    assert loads == []  # np.load never saw the corrupted file
    message = str(exc.value)
    assert f"{FRDEEP[0]}/{FRDEEP[1]} in {path.parent} is corrupted" in message
    expected = _registry.REMOTE_FILES[FRDEEP].sha256
    assert f"SHA-256 {actual}, expected {expected}" in message
    assert (
        "it was removed from the cache; calling fetch_frdeep again rebuilds it from "
        "the origin's batches" in message
    )
    assert _leftovers(cache / FRDEEP[0]) == []
    # the retry converts the origin's batches, and writes the registered file
    fr = fetch_frdeep(data_home=cache)
    assert _sha(path) == _registry.REMOTE_FILES[FRDEEP].sha256
    np.testing.assert_array_equal(fr.data, fetch_frdeep(data_home=home).data)


def test_frdeep_corrupted_npz_redownloaded_from_mirror(
    require_data, serve, monkeypatch, tmp_path
):
    home = require_data(FRDEEP[0])
    path = _cached_copy(home, tmp_path, FRDEEP, damage="truncate")
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    with pytest.raises(
        OSError, match="removed from the cache; calling the loader again"
    ):
        fetch_frdeep(data_home=tmp_path)
    assert not path.exists()
    assert fetch_frdeep(data_home=tmp_path).data.shape == (600, 150, 150, 1)
    assert _sha(path) == _registry.REMOTE_FILES[FRDEEP].sha256


def test_frdeep_conversion_without_matching_deflate(
    require_data, serve, monkeypatch, tmp_path
):
    # where zlib deflates differently the npz is written uncompressed, whose
    # SHA-256 is registered as an alternative and accepted on the next load
    home = require_data(FRDEEP[0])
    _serve_origin(serve, monkeypatch, tmp_path, home)
    entry = _registry.REMOTE_FILES[FRDEEP]
    other_zlib = _registry.RemoteFile(*FRDEEP, None, "0" * 64, entry.alt_sha256)
    monkeypatch.setitem(_registry.REMOTE_FILES, FRDEEP, other_zlib)
    cache = tmp_path / "cache"
    fr = fetch_frdeep(data_home=cache)
    assert _sha(cache.joinpath(*FRDEEP)) == entry.alt_sha256[0]
    monkeypatch.setattr(_base, "_VERIFIED", {})
    monkeypatch.setitem(_registry.FRDEEP_ORIGINS, "first", "http://127.0.0.1:9/gone")
    np.testing.assert_array_equal(fetch_frdeep(data_home=cache).data, fr.data)
    # and where neither encoding is reproduced, nothing is written
    nothing = _registry.RemoteFile(*FRDEEP, None, "0" * 64, ("1" * 64,))
    monkeypatch.setitem(_registry.REMOTE_FILES, FRDEEP, nothing)
    (tmp_path / "again").mkdir()
    _serve_origin(serve, monkeypatch, tmp_path / "again", home)
    with pytest.raises(OSError, match="has the expected content, but the npz written"):
        fetch_frdeep(data_home=tmp_path / "cache2")
    assert _leftovers(tmp_path / "cache2" / FRDEEP[0]) == []
