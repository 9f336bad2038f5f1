"""Read numpy arrays and plain containers from a pickle without unpickling it.

:func:`read_pickle` interprets the opcode stream of a pickle itself, with the
argument readers of :mod:`pickletools` (which decode bytes and execute
nothing) and its own stack, mark stack and memo. It builds only data:
``None``, bools, ints, floats, str, bytes, bytearray, tuples, lists, dicts,
sets, frozensets, and numpy arrays, dtypes and scalars. The globals a pickle
of those needs are mapped to the constructors of :mod:`._pickle_globals`,
which take bytes and shapes (for example
``np.frombuffer(raw, dtype).reshape(shape)``); no name read from the file is
ever imported or looked up, and every other global and
every opcode that calls or instantiates an object (``INST``, ``OBJ``,
``NEWOBJ``, ``PERSID``, ``EXT1``, ...) raises :class:`ValueError` naming it
and its byte position. The :mod:`pickle` module's loaders are not used.

Strings of Python 2 pickles (``STRING``, ``BINSTRING``, ``SHORT_BINSTRING``)
are decoded as latin-1, like ``pickle.loads(data, encoding="latin1")``.
"""

from __future__ import annotations

import codecs
import io
import pickletools
from collections.abc import Callable, Iterator
from typing import Any

from ._pickle_globals import (
    ALLOWED,
    GLOBALS,
    _build_dtype,
    _build_ndarray,
    _Global,
    _Pending,
    _short,
)

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
            glob = GLOBALS.get((module, qualname))
            full = f"{module}.{qualname}"[:200]
        else:
            full = f"{_short(module)}.{_short(qualname)}"
        if glob is None:
            raise ValueError(
                f"{self.where(name, pos)} names the global {full}, "
                "which is not allowed: only the numpy array, dtype and scalar "
                f"constructors are ({ALLOWED})"
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
