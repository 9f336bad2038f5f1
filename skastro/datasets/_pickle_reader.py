"""Read numpy arrays and plain containers from a pickle without unpickling it.

:func:`read_pickle` interprets the opcode stream of a pickle itself, with the
argument readers of :mod:`pickletools` (which decode bytes and execute
nothing) and its own stack, mark stack and memo. It builds only data:
``None``, bools, ints, floats, str, bytes, bytearray, tuples, lists, dicts,
sets, frozensets, and numpy arrays, dtypes and scalars. The globals a pickle
of those needs are mapped to constructors of this module that take bytes and
shapes (for example ``np.frombuffer(raw, dtype).reshape(shape)``); no name
read from the file is ever imported or looked up, and every other global and
every opcode that calls or instantiates an object (``INST``, ``OBJ``,
``NEWOBJ``, ``PERSID``, ``EXT1``, ...) raises :class:`ValueError` naming it
and its byte position. The :mod:`pickle` module's loaders are not used.

Strings of Python 2 pickles (``STRING``, ``BINSTRING``, ``SHORT_BINSTRING``)
are decoded as latin-1, like ``pickle.loads(data, encoding="latin1")``.
"""

from __future__ import annotations

import codecs
import io
import math
import pickletools
import re
import reprlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["read_pickle"]

_HIGHEST_PROTOCOL = 5
_OPCODES = {op.code.encode("latin-1"): op for op in pickletools.opcodes}

# the opcodes that only move data around; anything not here and not handled
# below (GLOBAL, STACK_GLOBAL, REDUCE, BUILD) is refused
_DATA_OPS = frozenset(
    """PROTO FRAME STOP MARK POP POP_MARK DUP PUT BINPUT LONG_BINPUT MEMOIZE GET
    BINGET LONG_BINGET NONE NEWTRUE NEWFALSE INT BININT BININT1 BININT2 LONG LONG1
    LONG4 FLOAT BINFLOAT STRING BINSTRING SHORT_BINSTRING UNICODE BINUNICODE
    SHORT_BINUNICODE BINUNICODE8 BINBYTES SHORT_BINBYTES BINBYTES8 BYTEARRAY8
    EMPTY_DICT DICT SETITEM SETITEMS EMPTY_LIST LIST APPEND APPENDS EMPTY_TUPLE
    TUPLE TUPLE1 TUPLE2 TUPLE3 EMPTY_SET ADDITEMS FROZENSET""".split()
)

# opcodes whose decoded argument is the value they push
_VALUE_OPS = frozenset(
    """INT BININT BININT1 BININT2 LONG LONG1 LONG4 FLOAT BINFLOAT STRING BINSTRING
    SHORT_BINSTRING UNICODE BINUNICODE SHORT_BINUNICODE BINUNICODE8 BINBYTES
    SHORT_BINBYTES BINBYTES8""".split()
)
_CONSTANTS: dict[str, Callable[[], Any]] = {
    "NONE": lambda: None,
    "NEWTRUE": lambda: True,
    "NEWFALSE": lambda: False,
    "EMPTY_DICT": dict,
    "EMPTY_LIST": list,
    "EMPTY_TUPLE": tuple,
    "EMPTY_SET": set,
}

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


def _read_string_latin1(f: io.BytesIO) -> str:
    # STRING (protocol 0): pickletools decodes it as ASCII, pickle.loads with
    # encoding="latin1" as latin-1; do the latter
    raw = pickletools.read_stringnl(f, decode=False)
    return codecs.escape_decode(raw)[0].decode("latin-1")


def _opcodes(data: bytes, source: str) -> Iterator[tuple[str, Any, int]]:
    """Yield ``(opcode name, decoded argument, byte position)`` up to ``STOP``.

    The loop of :func:`pickletools.genops` (it reads and decodes, nothing
    more), with the ``STRING`` argument decoded as latin-1 and errors that
    name ``source`` and the byte position.
    """
    f = io.BytesIO(data)
    while True:
        pos = f.tell()
        code = f.read(1)
        if not code:
            raise ValueError(
                f"{source}: the pickle is truncated: it ends at byte {pos} before "
                "its STOP opcode"
            )
        op = _OPCODES.get(code)
        if op is None:
            raise ValueError(
                f"{source}: unknown pickle opcode {code!r} at byte {pos}; the "
                "file is corrupted or not a pickle"
            )
        arg = None
        if op.arg is not None:
            try:
                if op.name == "STRING":
                    arg = _read_string_latin1(f)
                else:
                    arg = op.arg.reader(f)
            except ValueError as exc:
                raise ValueError(
                    f"{source}: bad or truncated argument of the pickle opcode "
                    f"{op.name} at byte {pos}: {exc}"
                ) from None
        yield op.name, arg, pos
        if op.name == "STOP":
            return


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


_GLOBALS = _globals()
_ALLOWED = ", ".join(sorted({g.qualname for g in _GLOBALS.values()}))


class _ArgsTuple(tuple):
    """A tuple holding a global: only good as the arguments of ``REDUCE``."""

    __slots__ = ()


def _tuple(items: list[Any]) -> tuple:
    if any(isinstance(x, _Global) for x in items):
        return _ArgsTuple(items)
    return tuple(items)


def _first_global(args: _ArgsTuple) -> _Global:
    return next(x for x in args if isinstance(x, _Global))


class _Machine:
    """Stack, mark stack and memo of one pickle being read."""

    def __init__(self, source: str):
        self.source = source
        self.stack: list[Any] = []
        self.marks: list[list[Any]] = []
        self.memo: dict[int, Any] = {}

    def where(self, name: str, pos: int) -> str:
        return f"{self.source}: pickle opcode {name} at byte {pos}"

    def pop(self, name: str, pos: int) -> Any:
        if not self.stack:
            raise ValueError(f"{self.where(name, pos)} found an empty stack")
        return self.stack.pop()

    def top(self, name: str, pos: int) -> Any:
        if not self.stack:
            raise ValueError(f"{self.where(name, pos)} found an empty stack")
        return self.stack[-1]

    def pop_mark(self, name: str, pos: int, *, in_tuple: bool = False) -> list[Any]:
        if not self.marks:
            raise ValueError(f"{self.where(name, pos)} found no MARK")
        items, self.stack = self.stack, self.marks.pop()
        return [self.value(x, name, pos, in_tuple=in_tuple) for x in items]

    def value(self, obj: Any, name: str, pos: int, *, in_tuple: bool = False) -> Any:
        """``obj`` as a value to store in a container or return.

        A numpy array or dtype must have had its ``BUILD``; a global may only
        be an item of a tuple (``in_tuple``), which then is good only as the
        arguments of ``REDUCE`` (``_reconstruct(numpy.ndarray, ...)``).
        """
        if in_tuple and isinstance(obj, _Global):
            return obj
        if isinstance(obj, _Pending):
            if not obj.built:
                raise ValueError(
                    f"{self.where(name, pos)} uses a numpy {obj.kind} before "
                    "the BUILD that sets its state"
                )
            return obj.value
        if isinstance(obj, _Global | _ArgsTuple):
            obj = obj if isinstance(obj, _Global) else _first_global(obj)
            raise ValueError(
                f"{self.where(name, pos)} uses the global {obj.qualname} as a "
                "value; only numpy arrays, dtypes, scalars and plain "
                "containers can be read"
            )
        return obj

    def find_global(self, module: Any, qualname: Any, name: str, pos: int):
        glob = None
        if isinstance(module, str) and isinstance(qualname, str):
            glob = _GLOBALS.get((module, qualname))
            full = f"{module}.{qualname}"[:200]
        else:
            full = f"{_short(module)}.{_short(qualname)}"
        if glob is None:
            raise ValueError(
                f"{self.where(name, pos)} names the global {full}, "
                "which is not allowed: only the numpy array, dtype and scalar "
                f"constructors are ({_ALLOWED})"
            )
        self.stack.append(glob)

    def reduce(self, name: str, pos: int) -> None:
        args = self.pop(name, pos)
        func = self.pop(name, pos)
        where = self.where(name, pos)
        if not isinstance(func, _Global) or func.build is None:
            raise ValueError(
                f"{where} calls {_short(func)}, which is not an allowed constructor"
            )
        if not isinstance(args, tuple):
            raise ValueError(
                f"{where}: the arguments of {func.qualname} are {_short(args)}, "
                "expected a tuple"
            )
        args = tuple(args)
        self.stack.append(func.build(args, f"{where} ({func.qualname})"))

    def build(self, name: str, pos: int) -> None:
        state = self.value(self.pop(name, pos), name, pos)
        obj = self.top(name, pos)
        where = self.where(name, pos)
        if not isinstance(obj, _Pending) or obj.built:
            raise ValueError(
                f"{where} sets the state of {_short(obj)}; only a numpy ndarray or "
                "dtype made by the previous REDUCE can have one"
            )
        if obj.kind == "ndarray":
            obj.value = _build_ndarray(state, where)
        else:
            obj.value = _build_dtype(obj.args[0], state, where)
        obj.built = True

    def step(self, name: str, arg: Any, pos: int) -> None:
        """Run one data opcode: move, store or collect values."""
        stack = self.stack
        if name in _VALUE_OPS:  # ints, floats, str, bytes: the argument itself
            stack.append(arg)
        elif name in _CONSTANTS:
            stack.append(_CONSTANTS[name]())
        elif name == "BYTEARRAY8":
            stack.append(bytearray(arg))
        elif name == "PROTO":
            if arg > _HIGHEST_PROTOCOL:
                raise ValueError(
                    f"{self.where(name, pos)}: protocol {arg}, expected at most "
                    f"{_HIGHEST_PROTOCOL}"
                )
        elif name == "MARK":
            self.marks.append(stack)
            self.stack = []
        elif name == "POP":
            if stack:
                stack.pop()
            else:
                self.pop_mark(name, pos)
        elif name == "POP_MARK":
            self.pop_mark(name, pos)
        elif name == "DUP":
            stack.append(self.top(name, pos))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"):
            key = len(self.memo) if name == "MEMOIZE" else int(arg)
            if key < 0:
                raise ValueError(f"{self.where(name, pos)}: negative memo key {key}")
            self.memo[key] = self.top(name, pos)
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if int(arg) not in self.memo:
                raise ValueError(f"{self.where(name, pos)}: memo key {arg} not set")
            stack.append(self.memo[int(arg)])
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            if len(stack) < n:
                raise ValueError(
                    f"{self.where(name, pos)} found {len(stack)} items on the "
                    f"stack, expected {n}"
                )
            items = [self.value(x, name, pos, in_tuple=True) for x in stack[-n:]]
            del stack[-n:]
            stack.append(_tuple(items))
        elif name == "TUPLE":
            items = self.pop_mark(name, pos, in_tuple=True)
            self.stack.append(_tuple(items))
        elif name in ("LIST", "FROZENSET"):
            items = self.pop_mark(name, pos)
            self.stack.append(list(items) if name == "LIST" else frozenset(items))
        elif name == "DICT":
            items = self.pop_mark(name, pos)
            pairs = self._pairs(items, name, pos)
            self.stack.append(pairs)
        elif name == "SETITEM":
            value = self.value(self.pop(name, pos), name, pos)
            key = self.value(self.pop(name, pos), name, pos)
            self._target(dict, name, pos)[key] = value
        elif name == "SETITEMS":
            items = self.pop_mark(name, pos)
            self._target(dict, name, pos).update(self._pairs(items, name, pos))
        elif name == "APPEND":
            value = self.value(self.pop(name, pos), name, pos)
            self._target(list, name, pos).append(value)
        elif name == "APPENDS":
            items = self.pop_mark(name, pos)
            self._target(list, name, pos).extend(items)
        elif name == "ADDITEMS":
            items = self.pop_mark(name, pos)
            self._target(set, name, pos).update(items)
        elif name not in ("FRAME", "STOP"):  # pragma: no cover
            raise AssertionError(f"data opcode {name} not handled")

    def _target(self, kind: type, name: str, pos: int) -> Any:
        obj = self.top(name, pos)
        if type(obj) is not kind:
            raise ValueError(
                f"{self.where(name, pos)} adds items to {_short(obj)}, expected "
                f"a {kind.__name__}"
            )
        return obj

    def _pairs(self, items: list, name: str, pos: int) -> dict:
        if len(items) % 2:
            raise ValueError(
                f"{self.where(name, pos)}: odd number of items ({len(items)}) "
                "for keys and values"
            )
        return dict(zip(items[::2], items[1::2], strict=True))


def read_pickle(data: bytes, *, source: str = "pickle") -> Any:
    r"""Read the data in a pickle of numpy arrays and plain containers.

    The pickle is interpreted opcode by opcode, never unpickled: nothing
    named in it is imported or called. What it can hold: ``None``, bools,
    ints, floats, str, bytes, tuples, lists, dicts, sets and frozensets
    (protocols 4 and 5), bytearray (protocol 5), and numpy arrays, dtypes
    (bool, integer, float, complex, bytes and str) and scalars, in pickle
    protocols 0 to 5 (data in band).

    Parameters
    ----------
    data : bytes
        The pickle.
    source : str, default="pickle"
        What the pickle is (a file or archive member name), for the messages.

    Returns
    -------
    obj : object
        What ``pickle.loads(data, encoding="latin1")`` returns for such a
        pickle: Python 2 ``str`` are decoded as latin-1, arrays are new
        writable copies.

    Raises
    ------
    ValueError
        For a truncated or corrupted pickle, and for anything it could only
        build by running code: any other global (``os.system``,
        ``builtins.eval``, ``numpy.load``, ...), and the opcodes ``INST``,
        ``OBJ``, ``NEWOBJ``, ``NEWOBJ_EX``, ``PERSID``, ``BINPERSID``,
        ``EXT1``/``2``/``4``, ``NEXT_BUFFER`` and ``READONLY_BUFFER``. The
        message names the opcode or global and its byte position.

    Examples
    --------
    >>> from skastro.datasets._pickle_reader import read_pickle
    >>> read_pickle(b"\x80\x02}X\x06\x00\x00\x00labels]K\x00aK\x01as.")
    {'labels': [0, 1]}
    >>> read_pickle(b"cos\nsystem\n(S'echo hi'\ntR.", source="batch")
    Traceback (most recent call last):
    ...
    ValueError: batch: pickle opcode GLOBAL at byte 0 names the global os.system, ...
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    machine = _Machine(source)
    for name, arg, pos in _opcodes(bytes(data), source):
        try:
            if name == "STOP":
                return machine.value(machine.pop(name, pos), name, pos)
            if name == "GLOBAL":
                module, _, qualname = arg.partition(" ")
                machine.find_global(module, qualname, name, pos)
            elif name == "STACK_GLOBAL":
                qualname = machine.pop(name, pos)
                module = machine.pop(name, pos)
                machine.find_global(module, qualname, name, pos)
            elif name == "REDUCE":
                machine.reduce(name, pos)
            elif name == "BUILD":
                machine.build(name, pos)
            elif name in _DATA_OPS:
                machine.step(name, arg, pos)
            else:
                raise ValueError(
                    f"{source}: pickle opcode {name} at byte {pos} is not allowed: "
                    "it makes objects by running code, and only numpy arrays, "
                    "dtypes, scalars and plain containers can be read"
                )
        except TypeError as exc:  # an unhashable key or set item
            raise ValueError(
                f"{machine.where(name, pos)}: {exc}; the pickle is corrupted or "
                "holds more than plain data"
            ) from None
    raise AssertionError("unreachable: _opcodes ends with STOP")  # pragma: no cover
