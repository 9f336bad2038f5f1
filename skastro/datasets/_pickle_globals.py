"""The numpy constructors a pickle may name, and what each builds from its arguments.

:func:`~skastro.datasets._pickle_reader.read_pickle` maps the globals of a
pickle of numpy arrays (``numpy.core.multiarray._reconstruct``, ``scalar``,
``numpy.dtype``, ``_frombuffer``, ...) to the functions of this module, which
take bytes, dtypes and shapes and build arrays from them
(``np.frombuffer(raw, dtype).reshape(shape)``); nothing named in a pickle is
imported or looked up. :data:`GLOBALS` is the table, keyed by
``(module, name)``.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ALLOWED", "GLOBALS"]

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _short(obj: Any) -> str:
    """A repr cut to a readable length (a pickle can hold megabytes of data)."""
    return _REPR.repr(obj)


# simple dtypes only: bool, integers, floats, complex, bytes, str, raw void
_DTYPE_NAME = re.compile(r"[biufcSUV][0-9]{0,4}")


class _Global:
    """A global a pickle named, standing for one of this module's constructors."""

    def __init__(self, qualname: str, build: Callable[[tuple, str], Any] | None):
        self.qualname = qualname
        self.build = build

    def __repr__(self) -> str:
        return f"<global {self.qualname}>"


class _Pending:
    """An ndarray or dtype made by ``REDUCE`` whose ``BUILD`` has not come yet."""

    def __init__(self, kind: str, args: Any):
        self.kind = kind  # "ndarray" or "dtype"
        self.args = args
        self.value: Any = None
        self.built = False

    def __repr__(self) -> str:
        return f"<numpy {self.kind} being read>"


def _is(obj: Any, *values: str | bytes | int) -> bool:
    """Whether ``obj`` is a str, bytes or int equal to one of ``values``."""
    return isinstance(obj, str | bytes | int) and obj in values


def _as_bytes(raw: Any, what: str) -> bytes | bytearray:
    # Python 2 pickles hold raw bytes as str (decoded as latin-1 on reading)
    if isinstance(raw, str):
        return raw.encode("latin-1")
    if isinstance(raw, bytes | bytearray):
        return raw
    raise ValueError(f"{what} must be bytes, got {type(raw).__name__}")


def _check_dtype(dtype: Any, what: str) -> np.dtype:
    if not isinstance(dtype, np.dtype):
        raise ValueError(f"{what} must be a numpy dtype, got {_short(dtype)}")
    return dtype


def _check_shape(shape: Any, what: str) -> tuple[int, ...]:
    if not (
        isinstance(shape, tuple)
        and all(isinstance(d, int) and not isinstance(d, bool) for d in shape)
        and all(d >= 0 for d in shape)
    ):
        raise ValueError(f"{what} must be a tuple of ints >= 0, got {_short(shape)}")
    return shape


def _array_from_bytes(
    raw: Any, dtype: Any, shape: Any, fortran: bool, what: str
) -> np.ndarray:
    """Return a new writable array of ``shape`` read from the bytes ``raw``."""
    raw = _as_bytes(raw, f"the data of {what}")
    dtype = _check_dtype(dtype, f"the dtype of {what}")
    shape = _check_shape(shape, f"the shape of {what}")
    expected = math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"{what}: {len(raw)} bytes of data for shape {shape} and dtype "
            f"{dtype}, expected {expected}"
        )
    order = "F" if fortran else "C"
    if expected == 0:
        return np.empty(shape, dtype=dtype, order=order)
    flat = np.frombuffer(raw, dtype=dtype)
    return flat.reshape(shape, order=order).copy(order="K")


# -- the constructors the allowed globals stand for ---------------------------


def _reconstruct(args: tuple, where: str) -> _Pending:
    # numpy.core.multiarray._reconstruct(ndarray, (0,), b"b"): an empty array
    # that the next BUILD fills with its state
    if (
        len(args) != 3
        or not (isinstance(args[0], _Global) and args[0].qualname == "numpy.ndarray")
        or not _is(args[2], b"b", "b")
    ):
        raise ValueError(
            f"{where}: _reconstruct{_short(args)}, expected "
            "_reconstruct(numpy.ndarray, shape, b'b') (a plain ndarray)"
        )
    _check_shape(args[1], f"{where}: the shape argument of _reconstruct")
    return _Pending("ndarray", args)


def _build_ndarray(state: Any, where: str) -> np.ndarray:
    # ndarray.__setstate__: (version, shape, dtype, is_fortran, rawdata),
    # or the same without version in old pickles
    if isinstance(state, tuple) and len(state) == 5:
        state = state[1:]
    if not (isinstance(state, tuple) and len(state) == 4):
        raise ValueError(
            f"{where}: ndarray state {_short(state)}, expected (version, shape, dtype, "
            "is_fortran, rawdata)"
        )
    shape, dtype, fortran, raw = state
    if not isinstance(fortran, bool | int):
        raise ValueError(
            f"{where}: ndarray is_fortran {_short(fortran)}, expected a bool"
        )
    array = _array_from_bytes(raw, dtype, shape, bool(fortran), f"{where}: ndarray")
    if not array.dtype.isnative:
        # like ndarray.__setstate__, which swaps the bytes into native order
        array = array.astype(array.dtype.newbyteorder("="), order="K")
    return array


def _dtype(args: tuple, where: str) -> _Pending:
    # numpy.dtype(name, align, copy); the next BUILD sets the byte order
    if not (
        len(args) == 3
        and isinstance(args[0], str)
        and _DTYPE_NAME.fullmatch(args[0])
        and all(isinstance(a, bool | int) for a in args[1:])
    ):
        raise ValueError(
            f"{where}: dtype{_short(args)}, expected dtype(name, align, copy) of a "
            "bool, integer, float, complex, bytes or str type such as 'u1'"
        )
    return _Pending("dtype", args)


def _build_dtype(name: str, state: Any, where: str) -> np.dtype:
    # dtype.__setstate__: (version, byteorder, subarray, names, fields, elsize,
    # alignment, flags[, metadata])
    if not (
        isinstance(state, tuple)
        and len(state) in (8, 9)
        and _is(state[0], 3, 4)
        and _is(state[1], "<", ">", "|", "=")
        and all(x is None for x in state[2:5])
        and isinstance(state[5], int)
        and (len(state) == 8 or state[8] is None)
    ):
        raise ValueError(
            f"{where}: dtype {name!r} with state {_short(state)}, expected the "
            "state of a simple dtype (no fields, subarray or metadata)"
        )
    dtype = np.dtype(name)
    elsize = state[5]
    if dtype.kind in "SUV" and elsize >= 0:
        unit = 4 if dtype.kind == "U" else 1
        if elsize % unit:
            raise ValueError(f"{where}: dtype {name!r} of {elsize} bytes")
        dtype = np.dtype(f"{dtype.kind}{elsize // unit}")
    if state[1] in "<>" and dtype.byteorder != "|":
        dtype = dtype.newbyteorder(state[1])
    return dtype


def _scalar(args: tuple, where: str) -> np.generic:
    # numpy.core.multiarray.scalar(dtype, raw bytes of one item)
    if len(args) != 2:
        raise ValueError(
            f"{where}: scalar{_short(args)}, expected scalar(dtype, bytes)"
        )
    dtype = _check_dtype(args[0], f"{where}: the dtype of a numpy scalar")
    return _array_from_bytes(args[1], dtype, (), False, f"{where}: numpy scalar")[()]


def _frombuffer(args: tuple, where: str) -> np.ndarray:
    # numpy.core.numeric._frombuffer(buffer, dtype, shape, order): protocol 5
    if len(args) != 4 or not _is(args[3], "C", "F"):
        raise ValueError(
            f"{where}: _frombuffer{_short(args)}, expected _frombuffer(bytes, dtype, "
            "shape, 'C' or 'F')"
        )
    return _array_from_bytes(
        args[0], args[1], args[2], args[3] == "F", f"{where}: ndarray"
    )


def _codecs_encode(args: tuple, where: str) -> bytes:
    # how Python 3 writes bytes in protocols 0 to 2
    if not (
        len(args) == 2
        and isinstance(args[0], str)
        and _is(args[1], "latin1", "latin-1")
    ):
        raise ValueError(
            f"{where}: _codecs.encode{_short(args)}, expected "
            "_codecs.encode(str, 'latin1')"
        )
    return args[0].encode("latin-1")


def _empty_bytes(args: tuple, where: str) -> bytes:
    # how Python 3 writes b"" in protocols 0 to 2
    if args != ():
        raise ValueError(
            f"{where}: bytes{_short(args)}, expected bytes() (empty bytes)"
        )
    return b""


def _globals() -> dict[tuple[str, str], _Global]:
    table: dict[tuple[str, str], _Global] = {}
    multiarray = ("numpy.core.multiarray", "numpy._core.multiarray")
    for modules, name, build in [
        (multiarray, "_reconstruct", _reconstruct),
        (multiarray, "scalar", _scalar),
        (("numpy.core.numeric", "numpy._core.numeric"), "_frombuffer", _frombuffer),
        (("numpy",), "ndarray", None),  # only as the subtype of _reconstruct
        (("numpy",), "dtype", _dtype),
        (("_codecs",), "encode", _codecs_encode),
        (("builtins", "__builtin__"), "bytes", _empty_bytes),
    ]:
        for module in modules:
            table[module, name] = _Global(f"{module}.{name}", build)
    return table


#: ``(module, name)`` of every global a pickle may name -> its constructor.
GLOBALS = _globals()
#: Their names, for the messages.
ALLOWED = ", ".join(sorted({g.qualname for g in GLOBALS.values()}))
