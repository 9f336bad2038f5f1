"""FR-DEEP: FIRST and NVSS images of Fanaroff-Riley class I and II radio galaxies.

The cache holds one ``frdeep_<survey>.npz`` per survey, checked against its
SHA-256 (:func:`~skastro.datasets._base.fetch_file`) and then read with
``np.load(allow_pickle=False)``. The origin publishes CIFAR-style *pickled*
batches in a tarball instead; when the npz is not in the cache (and no
mirror is configured) :func:`fetch_frdeep` downloads that tarball, reads the
batches with :func:`~skastro.datasets._pickle_reader.read_pickle` (which
interprets the pickle's opcodes without unpickling: it builds numpy arrays
and plain containers and refuses every other global and every opcode that
would run code), checks a SHA-256 of the decoded content, and writes the npz
atomically. The npz is written with fixed zip metadata, so that its bytes,
and so its SHA-256, are those of the registered file; where this Python's
zlib deflates differently it is written without compression, whose SHA-256
is registered too.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions

from skastro.utils._constraints import worded

from . import _base
from ._base import _download, _mirror_url, fetch_file, fetcher, get_data_home
from ._pickle_reader import read_pickle
from ._registry import FRDEEP_ORIGINS, REMOTE_FILES

FOLDER = "frdeep_radio_galaxies"
SURVEYS = ("first", "nvss")
IMAGE_SIZE = 150
TARGET_NAMES = ("FRI", "FRII")

# SHA-256 of the decoded content (images uint8 bytes + labels int8 bytes +
# "\n".join(split)), so a conversion from the origin's batches is verified
# independently of how the npz container is written.
CONTENT_SHA256 = {
    "first": "ee97eca8260c16f351b8ab57c759a09c9846929dbf0130589169c4f21ca1f9fb",
    "nvss": "d33eb482f46584cd0e8159b23dfc49d50037af3918d65913fff0abd2a17ed02c",
}

DESCR_TEMPLATE = """\
.. _frdeep_dataset:

FR-DEEP: radio galaxies of Fanaroff-Riley class I and II ({survey_name})
------------------------------------------------------------------------

{n} radio galaxies imaged by {survey_name} ({pixel}/pixel), cut out at
150 x 150 pixels from NRAO survey images (SkyView), labelled FRI or FRII
from the FRICAT, CoNFIG and FRIICAT catalogues. The same sources appear in
the FIRST and NVSS versions (``survey=``).

**Data**: ``data`` (n, 150, 150, 1) float32, the 8-bit images of the origin
divided by 255, so in [0, 1]; channels last, ready for a CNN.

**Target**: 0 = FRI, 1 = FRII (``target_names``); counts: {counts}.

**Split**: the official split of the origin (its 11 training batches and
its test batch): ``train_index`` ({n_train} images) and ``test_index``
({n_test} images; {test_counts}), positions into ``data``.

**Also**: ``filenames`` (the origin's image names); with ``as_frame=True``,
``frame``, a DataFrame of filename, target and split (the images stay an
array).

**Origin**: GitHub HongmingTang060313/FR-DEEP, FIRST_data/ and NVSS_data/,
commit b01744e102c61a63cc76211f98b65e3531ffb5c7 (CIFAR-style pickled
batches, converted losslessly to npz without running pickled code).

**Cite**: Tang, Scaife & Leahy 2019, MNRAS 488, 3358; Becker, White &
Helfand 1995, ApJ 450, 559 (FIRST); Condon et al. 1998, AJ 115, 1693 (NVSS).

**Licence**: the repository has no licence file and asks to cite Tang et
al. 2019; FIRST and NVSS images are public NRAO data.
"""


def _load_batch(raw: bytes, member: str) -> dict:
    source = f"FR-DEEP batch {member}"
    batch = read_pickle(raw, source=source)
    if not isinstance(batch, dict):
        raise ValueError(f"{source} holds {type(batch).__name__}, expected a dict")
    batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    for key in ("data", "labels"):
        if key not in batch:
            raise ValueError(f"{source} lacks the key {key!r}")
    return batch


def _convert_batches(archive: Path) -> dict[str, np.ndarray]:
    """Read the origin's pickled batches (train 1..11, then test) from a tarball."""
    found: dict[str, bytes] = {}
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            base = member.name.rsplit("/", 1)[-1]
            if member.isfile() and re.fullmatch(r"data_batch_\d+|test_batch", base):
                if base in found:
                    raise ValueError(f"{archive}: two members named {base}")
                found[base] = tar.extractfile(member).read()
    train = sorted(
        (b for b in found if b.startswith("data_batch_")),
        key=lambda b: int(b.rsplit("_", 1)[1]),
    )
    if not train or "test_batch" not in found:
        raise ValueError(
            f"{archive} holds the batches {sorted(found)}, expected data_batch_N "
            "and test_batch"
        )
    images, labels, split, filenames = [], [], [], []
    for name in [*train, "test_batch"]:
        batch = _load_batch(found[name], name)
        data = np.asarray(batch["data"])
        if data.dtype != np.uint8 or data.size % (IMAGE_SIZE * IMAGE_SIZE):
            raise ValueError(
                f"FR-DEEP batch {name}: data {data.dtype} of size {data.size}, "
                f"expected uint8 images of {IMAGE_SIZE}x{IMAGE_SIZE}"
            )
        data = data.reshape(-1, IMAGE_SIZE, IMAGE_SIZE)
        lab = np.asarray(batch["labels"], dtype=np.int64)
        if len(lab) != len(data) or not np.isin(lab, [0, 1]).all():
            raise ValueError(
                f"FR-DEEP batch {name}: {len(lab)} labels for {len(data)} images, "
                f"values {np.unique(lab).tolist()}, expected 0 (FRI) / 1 (FRII)"
            )
        names = batch.get("filenames", [""] * len(data))
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        images.append(data)
        labels.append(lab.astype(np.int8))
        filenames.extend(names)
        split.extend(["test" if name == "test_batch" else "train"] * len(data))
    return {
        "images": np.concatenate(images),
        "labels": np.concatenate(labels),
        "label_names": np.array(TARGET_NAMES),
        "filenames": np.array(filenames),
        "split": np.array(split),
    }


def _content_sha256(images, labels, split) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(images, dtype=np.uint8).tobytes())
    h.update(np.asarray(labels).astype(np.int8).tobytes())
    h.update("\n".join(np.asarray(split).tolist()).encode())
    return h.hexdigest()


def _write_npz(path: Path, arrays: dict[str, np.ndarray], compression: int) -> None:
    """Write ``arrays`` as an npz whose bytes depend only on their content.

    Like :func:`numpy.savez_compressed` (``compression=zipfile.ZIP_DEFLATED``)
    or :func:`numpy.savez` (``ZIP_STORED``), with a fixed date and fixed
    attributes for every member.
    """
    with zipfile.ZipFile(path, "w", compression=compression, allowZip64=True) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.create_system = 3
            info.external_attr = 0o600 << 16
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(array), allow_pickle=False)


def _build_from_origin(survey: str, dest: Path) -> Path:
    """Download the origin tarball, convert it, verify it, write ``dest``."""
    url = FRDEEP_ORIGINS[survey]
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        archive = _download(url, work / "origin.tar.gz", sha256=None)
        arrays = _convert_batches(archive)
        digest = _content_sha256(arrays["images"], arrays["labels"], arrays["split"])
        if digest != CONTENT_SHA256[survey]:
            raise OSError(
                errno.EIO,
                f"checksum mismatch for {dest.name!r} converted from {url}: content "
                f"SHA-256 {digest}, expected {CONTENT_SHA256[survey]}; nothing "
                "was written",
            )
        entry = REMOTE_FILES[(FOLDER, dest.name)]
        tmp = work / dest.name
        for compression in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
            _write_npz(tmp, arrays, compression)
            written = _base._sha256(tmp)
            if written in entry.accepted_sha256:
                break
        else:
            raise OSError(
                errno.EIO,
                f"{dest.name!r} converted from {url} has the expected content, "
                f"but the npz written here has the SHA-256 {written}, expected "
                f"{' or '.join(entry.accepted_sha256)} (this numpy or zipfile "
                "writes npz files differently); nothing was written. Set "
                "SKASTRO_DATA_URL to a mirror with the cache layout to download "
                "the npz instead",
            )
        os.replace(tmp, dest)
        _base._remember_verified(dest, written)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def _frdeep_path(survey, data_home, download_if_missing) -> Path:
    filename = f"frdeep_{survey}.npz"
    path = get_data_home(data_home) / FOLDER / filename
    mirror = _mirror_url(FOLDER, filename)
    if path.is_file() or not download_if_missing or mirror:
        return fetch_file(
            FOLDER,
            filename,
            data_home=data_home,
            download_if_missing=download_if_missing,
            retry=None
            if mirror
            else "calling fetch_frdeep again rebuilds it from the origin's batches",
        )
    return _build_from_origin(survey, path)


@fetcher(
    survey=[
        worded(
            StrOptions(set(SURVEYS)),
            message=f"survey must be one of {list(SURVEYS)}, got {{value!r}}",
        )
    ]
)
def fetch_frdeep(
    *,
    survey: str = "first",
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
) -> Bunch | tuple:
    """Load FR-DEEP: 600 radio-galaxy images, FRI 264 / FRII 336.

    Parameters
    ----------
    survey : {"first", "nvss"}, default="first"
        Which survey's images: FIRST (1.8 arcsec/pixel) or NVSS (15
        arcsec/pixel). Same sources, labels and split in both.
    %(data_home)s
    download_if_missing : bool, default=True
        When the npz is not in the cache: download it from the mirror given
        by ``SKASTRO_DATA_URL``, or else convert the origin's pickled batches
        (without running pickled code); otherwise raise :class:`OSError`.
    %(return_X_y)s
    as_frame : bool, default=False
        Also return ``frame``, a DataFrame of filename, target and split.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (600, 150, 150, 1) float32 in [0, 1]; ``target`` (600,) int,
        0 = FRI, 1 = FRII; ``target_names`` = ['FRI', 'FRII'];
        ``train_index`` (550,) and ``test_index`` (50,), the official split;
        ``filenames``; ``feature_names`` (None: the features are pixels);
        ``frame``; ``DESCR``.
    (data, target) : tuple if ``return_X_y=True``

    See Also
    --------
    make_cutouts : Synthetic image cutouts with a knob on the class balance.

    References
    ----------
    .. [1] Tang, Scaife & Leahy 2019, "Transfer learning for radio galaxy
       classification", MNRAS 488, 3358.

    Examples
    --------
    >>> from skastro.datasets import fetch_frdeep
    >>> fr = fetch_frdeep(survey="nvss")
    >>> fr.data.shape, fr.data.dtype
    ((600, 150, 150, 1), dtype('float32'))
    >>> len(fr.train_index), len(fr.test_index)
    (550, 50)
    >>> X_train, y_train = fr.data[fr.train_index], fr.target[fr.train_index]
    """
    path = _frdeep_path(survey, data_home, download_if_missing)
    with np.load(path, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]
        split, filenames = npz["split"], npz["filenames"]
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or images.dtype != np.uint8:
        raise ValueError(
            f"{path}: images {images.dtype} {images.shape}, expected uint8 "
            f"(n, {IMAGE_SIZE}, {IMAGE_SIZE})"
        )
    data = (images.astype(np.float32) / np.float32(255.0))[..., np.newaxis]
    target = labels.astype(np.int64)
    train_index = np.flatnonzero(split == "train")
    test_index = np.flatnonzero(split == "test")
    counts = np.bincount(target, minlength=2)
    test_counts = np.bincount(target[test_index], minlength=2)
    descr = DESCR_TEMPLATE.format(
        survey_name=survey.upper(),
        pixel='1.8"' if survey == "first" else '15"',
        n=len(target),
        counts=f"FRI {counts[0]}, FRII {counts[1]}",
        n_train=len(train_index),
        n_test=len(test_index),
        test_counts=f"FRI {test_counts[0]}, FRII {test_counts[1]}",
    )
    if return_X_y:
        return data, target
    frame = None
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({"filename": filenames, "target": target, "split": split})
    return Bunch(
        data=data,
        target=target,
        target_names=np.array(TARGET_NAMES),
        feature_names=None,
        train_index=train_index,
        test_index=test_index,
        filenames=filenames,
        frame=frame,
        DESCR=descr,
    )
