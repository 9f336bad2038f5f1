import os
import pickle
import pickletools
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from skastro.datasets import fetch_frdeep
from skastro.datasets._frdeep import _load_batch
from skastro.datasets._pickle_reader import read_pickle

FOLDER = "frdeep_radio_galaxies"


@pytest.mark.parametrize("survey", ["first", "nvss"])
def test_frdeep_shapes_counts_split(require_data, survey):
    home = require_data(FOLDER)
    fr = fetch_frdeep(survey=survey, data_home=home)
    assert fr.data.shape == (600, 150, 150, 1)
    assert fr.data.dtype == np.float32
    assert fr.data.min() >= 0.0 and fr.data.max() <= 1.0
    assert np.bincount(fr.target).tolist() == [264, 336]  # data README
    assert fr.target_names.tolist() == ["FRI", "FRII"]
    assert len(fr.train_index) == 550 and len(fr.test_index) == 50
    assert np.intersect1d(fr.train_index, fr.test_index).size == 0
    assert "FRI 264, FRII 336" in fr.DESCR and "Tang" in fr.DESCR


def test_frdeep_pixels_match_raw(require_data):
    # independent read of the npz members with zipfile + np.lib.format
    home = require_data(FOLDER)
    with zipfile.ZipFile(home / FOLDER / "frdeep_first.npz") as z:
        with z.open("images.npy") as f:
            images = np.lib.format.read_array(f, allow_pickle=False)
        with z.open("split.npy") as f:
            split = np.lib.format.read_array(f, allow_pickle=False)
    fr = fetch_frdeep(data_home=home)
    np.testing.assert_array_equal(np.rint(fr.data[7, :, :, 0] * 255), images[7])
    assert fr.test_index.tolist() == np.flatnonzero(split == "test").tolist()


def test_frdeep_as_frame_and_X_y(require_data):
    home = require_data(FOLDER)
    fr = fetch_frdeep(data_home=home, survey="nvss", as_frame=True)
    assert list(fr.frame.columns) == ["filename", "target", "split"]
    assert (fr.frame["split"] == "test").sum() == 50
    X, y = fetch_frdeep(data_home=home, return_X_y=True)
    assert X.shape[0] == y.shape[0] == 600


def test_frdeep_bad_survey(tmp_path):
    with pytest.raises(ValueError, match="survey must be one of.*got 'vlass'"):
        fetch_frdeep(survey="vlass", data_home=tmp_path)


# -- the pickle-free reader of the origin's batches --------------------------

_OP = {op.name: op.code.encode("latin-1") for op in pickletools.opcodes}


def _assert_same(got, ref):
    """Equal values of the same types; arrays of the same dtype, shape and order."""
    assert type(got) is type(ref), (type(got), type(ref))
    if isinstance(ref, np.ndarray):
        assert (got.dtype, got.shape) == (ref.dtype, ref.shape)
        assert got.flags.c_contiguous == ref.flags.c_contiguous
        assert got.flags.f_contiguous == ref.flags.f_contiguous
        assert got.flags.writeable
        np.testing.assert_array_equal(got, ref)
    elif isinstance(ref, dict):
        assert list(got) == list(ref)
        for key in ref:
            _assert_same(got[key], ref[key])
    elif isinstance(ref, list | tuple):
        assert len(got) == len(ref)
        for a, b in zip(got, ref, strict=True):
            _assert_same(a, b)
    elif isinstance(ref, np.generic):
        assert got.dtype == ref.dtype and got == ref
    else:
        assert got == ref


def _batch():
    rng = np.random.default_rng(0)
    shared = np.arange(4, dtype=np.uint8)
    return {
        "batch_label": "training batch 1 of 11",
        "labels": [0, 1, 1, 0, -3, 2**70],
        "data": rng.integers(0, 256, (4, 150 * 150), dtype=np.uint8),
        "filenames": ["0001.png", "\xe9t\xe9.png", ""],
        b"bytes_key": b"\x00\xff raw",
        "int8": np.arange(-3, 3, dtype=np.int8),
        "float32_fortran": np.asfortranarray(rng.random((3, 4), dtype=np.float32)),
        "float64": rng.random((2, 3, 2)),
        "float64_fortran": np.asfortranarray(rng.random((5, 2))),
        "big_endian": np.arange(5, dtype=">f8"),
        "zero_d": np.array(3.5),
        "empty": np.zeros((0, 3), dtype=np.uint8),
        "empty_fortran": np.zeros((2, 0), dtype=np.float32, order="F"),
        "str_array": np.array(["FRI", "FRII"]),
        "nested": (1, (2.5, None, True), ("x", (b"y", False)), ()),
        "scalars": [np.float64(1.5), np.int64(-7), np.uint8(3), np.float32(0.25)],
        "dtype": np.dtype("<i4"),
        "numbers": [-1, 0, 255, 65536, -(2**40), 1e300, float("inf")],
        "shared": [shared, shared],
    }


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_read_pickle_equals_pickle_loads(protocol):
    data = pickle.dumps(_batch(), protocol=protocol)
    got = read_pickle(data)
    _assert_same(got, pickle.loads(data, encoding="latin1"))
    assert got["shared"][0] is got["shared"][1]  # memo: one object, twice


@pytest.mark.parametrize("protocol", [4, 5])
def test_read_pickle_sets(protocol):
    obj = {"set": {1, "a", b"b"}, "frozenset": frozenset({2, (3, 4)})}
    if protocol == 5:
        obj["bytearray"] = bytearray(b"\x00\x01")
    data = pickle.dumps(obj, protocol=protocol)
    got = read_pickle(data)
    assert got == pickle.loads(data) == obj
    assert [type(v) for v in got.values()] == [type(v) for v in obj.values()]


def _py2_pickle():
    """A CIFAR batch as Python 2 wrote it: protocol 2, keys and data as str."""

    def short_str(s):  # SHORT_BINSTRING: a Python 2 str, latin-1 bytes
        raw = s.encode("latin-1") if isinstance(s, str) else s
        return _OP["SHORT_BINSTRING"] + bytes([len(raw)]) + raw

    def binstring(raw):  # BINSTRING: a Python 2 str of any length
        return _OP["BINSTRING"] + struct.pack("<i", len(raw)) + raw

    def k(n):
        return _OP["BININT1"] + bytes([n])

    pixels = bytes(range(256)) * 2  # every byte value, 2 images of 16 x 16
    dtype = (
        _OP["GLOBAL"] + b"numpy\ndtype\n"
        + short_str("u1") + k(0) + k(1) + _OP["TUPLE3"] + _OP["REDUCE"]
        + _OP["BINPUT"] + b"\x02"
        + _OP["MARK"] + k(3) + short_str("|") + _OP["NONE"] * 3
        + _OP["BININT"] + struct.pack("<i", -1) + _OP["BININT"] + struct.pack("<i", -1)
        + k(0) + _OP["TUPLE"] + _OP["BUILD"]
    )  # fmt: skip
    array = (
        _OP["GLOBAL"] + b"numpy.core.multiarray\n_reconstruct\n"
        + _OP["GLOBAL"] + b"numpy\nndarray\n"
        + k(0) + _OP["TUPLE1"] + short_str("b") + _OP["TUPLE3"] + _OP["REDUCE"]
        + _OP["BINPUT"] + b"\x01"
        + _OP["MARK"] + k(1)
        + k(2) + _OP["BININT2"] + struct.pack("<H", 256) + _OP["TUPLE2"]
        + dtype + _OP["NEWFALSE"] + binstring(pixels)
        + _OP["TUPLE"] + _OP["BUILD"]
    )  # fmt: skip
    return (
        _OP["PROTO"] + b"\x02" + _OP["EMPTY_DICT"] + _OP["BINPUT"] + b"\x00"
        + _OP["MARK"]
        + short_str("batch_label") + binstring(b"training batch 1 of 1 \xe9")
        + short_str("labels") + _OP["EMPTY_LIST"]
        + _OP["MARK"] + k(0) + k(1) + _OP["APPENDS"]
        + short_str("filenames") + _OP["EMPTY_LIST"]
        + _OP["MARK"] + short_str("a.png") + short_str(b"\xe9.png") + _OP["APPENDS"]
        + short_str("data") + array
        + _OP["SETITEMS"] + _OP["STOP"]
    )  # fmt: skip


def test_read_pickle_python2_protocol2():
    data = _py2_pickle()
    got = read_pickle(data)
    _assert_same(got, pickle.loads(data, encoding="latin1"))
    assert got["batch_label"] == "training batch 1 of 1 \xe9"
    assert got["labels"] == [0, 1] and got["filenames"] == ["a.png", "\xe9.png"]
    expected = np.frombuffer(bytes(range(256)) * 2, np.uint8).reshape(2, 256)
    np.testing.assert_array_equal(got["data"], expected)
    assert _load_batch(data, "data_batch_1")["data"].dtype == np.uint8


def test_read_pickle_python2_protocol0_string():
    # STRING holds escaped latin-1 bytes (pickletools would insist on ASCII)
    data = b"(dp0\nS'k\\xe9y'\np1\nS'\\x00\\xff'\np2\ns."
    assert read_pickle(data) == pickle.loads(data, encoding="latin1")
    assert read_pickle(data) == {"k\xe9y": "\x00\xff"}


class _Reduce:
    """Pickles as ``func(*args)``: what a hostile pickle would call."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _hostile(marker):
    touch = f"open({str(marker)!r}, 'w').close()"
    return {
        "os.system via GLOBAL": (
            pickle.dumps({"data": _Reduce(os.system, f"touch {marker}")}, protocol=2),
            r"GLOBAL at byte \d+ names the global (posix|nt|os)\.system",
        ),
        "builtins.eval via STACK_GLOBAL": (
            pickle.dumps([_Reduce(eval, touch)], protocol=4),
            r"STACK_GLOBAL at byte \d+ names the global builtins\.eval",
        ),
        "numpy.load via REDUCE": (
            pickle.dumps(_Reduce(np.load, str(marker)), protocol=2),
            r"GLOBAL at byte 2 names the global numpy\.load, which is not allowed",
        ),
        "numpy.dtype called on a path": (
            pickle.dumps(_Reduce(np.dtype, str(marker)), protocol=2),
            r"REDUCE at byte \d+ \(numpy.dtype\): dtype\(",
        ),
        "NEWOBJ": (
            _OP["PROTO"] + b"\x02" + _OP["EMPTY_TUPLE"] + _OP["EMPTY_TUPLE"]
            + _OP["NEWOBJ"] + _OP["STOP"],
            r"opcode NEWOBJ at byte 4 is not allowed",
        ),
        "INST": (
            _OP["MARK"] + _OP["INST"] + b"os\nsystem\n" + _OP["STOP"],
            r"opcode INST at byte 1 is not allowed",
        ),
        "OBJ": (_OP["MARK"] + _OP["OBJ"], r"opcode OBJ at byte 1 is not allowed"),
        "PERSID": (
            _OP["PERSID"] + marker.name.encode() + b"\n" + _OP["STOP"],
            r"opcode PERSID at byte 0 is not allowed",
        ),
        "BINPERSID": (
            _OP["NONE"] + _OP["BINPERSID"] + _OP["STOP"],
            r"opcode BINPERSID at byte 1 is not allowed",
        ),
        "EXT1": (_OP["EXT1"] + b"\x01", r"opcode EXT1 at byte 0 is not allowed"),
        "NEXT_BUFFER (out of band)": (
            pickle.dumps(
                np.arange(3), protocol=5, buffer_callback=lambda b: False
            ),
            r"opcode NEXT_BUFFER at byte \d+ is not allowed",
        ),
        "_reconstruct of another type": (
            _OP["GLOBAL"] + b"numpy.core.multiarray\n_reconstruct\n"
            + _OP["GLOBAL"] + b"numpy\ndtype\n" + _OP["EMPTY_TUPLE"]
            + _OP["SHORT_BINBYTES"] + b"\x01b" + _OP["TUPLE3"] + _OP["REDUCE"]
            + _OP["STOP"],
            r"expected _reconstruct\(numpy.ndarray, shape, b'b'\)",
        ),
        "global as a value": (
            pickle.dumps(np.ndarray, protocol=2),
            r"uses the global numpy.ndarray as a value",
        ),
    }  # fmt: skip


@pytest.mark.parametrize("case", list(_hostile(Path("marker"))))
def test_read_pickle_refuses_code(tmp_path, case):
    marker = tmp_path / "pwned"
    data, message = _hostile(marker)[case]
    with pytest.raises(ValueError, match=message):
        read_pickle(data, source="batch")
    assert not marker.exists()  # nothing ran
    if case == "builtins.eval via STACK_GLOBAL":
        pickle.loads(data)  # unpickled, the same bytes do run their code
        assert marker.exists()


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_read_pickle_truncated(protocol):
    batch = {"labels": [0, 1], "data": np.arange(6, dtype=np.uint8).reshape(2, 3)}
    data = pickle.dumps(batch, protocol=protocol)
    for end in range(len(data)):
        with pytest.raises(ValueError, match=r"^batch: "):
            read_pickle(data[:end], source="batch")
    with pytest.raises(ValueError, match=r"truncated: it ends at byte 0"):
        read_pickle(b"", source="batch")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff.", r"unknown pickle opcode b'\\xff' at byte 0"),
        (b"\x80\x06N.", r"PROTO at byte 0: protocol 6, expected at most 5"),
        (b"a.", r"APPEND at byte 0 found an empty stack"),
        (b"t.", r"TUPLE at byte 0 found no MARK"),
        (b"h\x05.", r"BINGET at byte 0: memo key 5 not set"),
        (b"(K\x01d.", r"DICT at byte 3: odd number of items"),
        (b"}]K\x01s.", r"SETITEM at byte 4: unhashable type: 'list'"),
        (b"K\x01K\x02a.", r"APPEND at byte 4 adds items to 1, expected a list"),
        (b"}}b.", r"BUILD at byte 2 sets the state of {}"),
    ],
)
def test_read_pickle_malformed(data, message):
    with pytest.raises(ValueError, match=message):
        read_pickle(data)


def test_read_pickle_array_with_wrong_byte_count():
    data = bytearray(pickle.dumps(np.arange(4, dtype=np.uint8), protocol=3))
    i = data.index(b"C\x04\x00\x01\x02\x03")  # SHORT_BINBYTES of the data
    data[i : i + 6] = b"C\x03\x00\x01\x02"
    with pytest.raises(ValueError, match=r"3 bytes of data for shape \(4,\)"):
        read_pickle(bytes(data))


def test_load_batch_checks_the_batch():
    with pytest.raises(ValueError, match=r"FR-DEEP batch x holds list, expected a"):
        _load_batch(pickle.dumps([1]), "x")
    with pytest.raises(ValueError, match=r"FR-DEEP batch x lacks the key 'labels'"):
        _load_batch(pickle.dumps({b"data": np.zeros(1)}, protocol=2), "x")


def test_no_unpickling_in_skastro():
    # issue #9: no code path in skastro calls pickle.load on downloaded data
    import ast

    import skastro

    root = Path(skastro.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute) and node.attr in (
                "Unpickler",
                "load",
                "loads",
            ):
                if isinstance(node.value, ast.Name) and node.value.id == "pickle":
                    names = [f"pickle.{node.attr}"]
            found += [
                f"{path.relative_to(root)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in ("pickle", "_pickle", "cloudpickle", "dill")
            ]
    assert found == []
