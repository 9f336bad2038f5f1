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

from skastro.datasets import _base, fetch_frdeep, fetch_sdss_colors, get_data_home

SDSS = ("sdss_dr14_skyserver_10k", "skyserver_dr14_10k.csv")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _TruncatingHandler(_QuietHandler):
    """Announces the full Content-Length, sends half the bytes, hangs up."""

    def do_GET(self):
        path = self.translate_path(self.path)
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
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
    for key, entry in _base.REMOTE_FILES.items():
        assert sums[key] == entry.sha256, key
        assert entry.url is None or entry.url.startswith(
            "https://raw.githubusercontent"
        )
    data_files = {
        k for k in sums if not k[1].startswith(("SOURCE", "LICENSE", "README"))
    }
    assert data_files <= set(_base.REMOTE_FILES)


def test_download_over_http(require_data, serve, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home))
    sdss = fetch_sdss_colors(data_home=tmp_path)
    path = tmp_path.joinpath(*SDSS)
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest() == _base.REMOTE_FILES[SDSS].sha256
    )
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


def test_download_interrupted(require_data, serve, monkeypatch, tmp_path):
    home = require_data(SDSS[0])
    monkeypatch.setenv("SKASTRO_DATA_URL", serve(home, _TruncatingHandler))
    with pytest.raises(OSError, match=r"skyserver_dr14_10k.csv.*interrupted"):
        fetch_sdss_colors(data_home=tmp_path)
    assert _leftovers(tmp_path / SDSS[0]) == []


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
    monkeypatch.setitem(_base.FRDEEP_ORIGINS, "first", url)
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
    with pytest.raises(pickle.UnpicklingError, match="refusing .*system"):
        fetch_frdeep(data_home=cache)
    assert _leftovers(cache / "frdeep_radio_galaxies") == []
