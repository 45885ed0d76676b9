"""Integer arrays out of an untrusted pickle, without letting it build any numpy object.

A pickle names the functions that rebuild its objects, and unpickling calls
them. numpy's rebuilders trust their arguments: a crafted pickle can make an
array of object pointers, or a structured dtype that hides them, out of raw
bytes, and crash Python. So :func:`load_pickle` lets a pickle name numpy's
rebuilders but hands it stand-ins that only write down what they were asked
for (a :class:`Call`), and refuses every other global. :func:`decode_integer_array`
then reads such a record, accepts nothing but a plain integer array, and
builds it itself with ``np.frombuffer``.

How numpy pickles an array
--------------------------
Protocols 2 to 4: ``_reconstruct(ndarray, (0,), b"b")``, then ``__setstate__``
with ``(1, shape, dtype, is_fortran, raw_bytes)``. Protocol 5:
``_frombuffer(raw_bytes, dtype, shape, order)``. A dtype is
``dtype(typestr, align, copy)``, then ``__setstate__`` with ``(3, byte_order,
subarray, names, fields, elsize, alignment, flags)``; a plain integer type
has ``(3, byte_order, None, None, None, -1, -1, 0)``. Python 3 writes bytes
in protocol 2 as ``_codecs.encode(text, "latin1")``; Python 2's strings (the
real CIFAR-10 files) arrive as bytes when read with ``encoding="bytes"``.
"""
from __future__ import annotations

import io
import math
import pickle
import reprlib

import numpy as np

__all__ = ["decode_integer_array", "describe", "load_pickle"]


class _StandIn:
    """What a pickle gets for one numpy global: calling it only records the call."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __call__(self, *args):
        return Call(self, args)

    def __repr__(self):
        return self.name

    def __setstate__(self, state):
        raise pickle.UnpicklingError(f"a pickle may not change {self.name}")


class Call:
    """A call a pickle asked for, written down and never made.

    Attributes
    ----------
    function : the stand-in called
    args : tuple
        Its arguments, as unpickled.
    state : object or None
        What the pickle then passed to ``__setstate__``, not interpreted.
    """

    __slots__ = ("function", "args", "state")

    def __init__(self, function, args):
        self.function, self.args, self.state = function, args, None

    def __setstate__(self, state):
        self.state = state

    def __repr__(self):
        return f"<call of {self.function.name}>"


def _latin1_bytes(text, encoding):
    """``_codecs.encode(text, "latin1")``, how Python 3 writes bytes in protocol 2."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode is allowed only on text, to latin1 bytes")
    return text.encode("latin1")


_RECONSTRUCT = _StandIn("numpy's _reconstruct")
_FROMBUFFER = _StandIn("numpy's _frombuffer")
_NDARRAY = _StandIn("numpy.ndarray")
_DTYPE = _StandIn("numpy.dtype")

# Every global a pickle of integer arrays may name (numpy 1 and numpy 2 module
# names); anything else is refused.
_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy._core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _DTYPE,
    ("_codecs", "encode"): _latin1_bytes,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refused {module}.{name}: only numpy's array rebuilders may appear"
            ) from None


def load_pickle(content):
    """Unpickle ``content`` into plain Python objects and :class:`Call` records.

    Strings that Python 2 pickled come back as bytes. Any error of a damaged
    or hostile pickle propagates (``pickle.UnpicklingError`` for a refused
    global); no numpy object and no other code is ever called.
    """
    return _Unpickler(io.BytesIO(content), encoding="bytes").load()


def describe(value):
    """A short description of an unpickled value, safe to put in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, Call):
        return f"a call of {value.function.name}"
    if isinstance(value, _StandIn):
        return f"the global {value.name}"
    return f"a {type(value).__name__}"


_INTEGER_TYPES = {"i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"}
_BYTE_ORDERS = {"<", ">", "|", "="}


def _text(value):
    """A short str from a pickle: str, or ASCII bytes as Python 2 wrote them; else None."""
    if isinstance(value, bytes) and len(value) <= 8:
        value = value.decode("ascii", errors="replace")
    return value if isinstance(value, str) else None


def _integer_dtype(value):
    """The plain integer dtype a recorded ``numpy.dtype`` call describes."""
    if not (isinstance(value, Call) and value.function is _DTYPE and len(value.args) == 3):
        raise ValueError(f"has a dtype that is {describe(value)}, not a numpy dtype")
    typestr = _text(value.args[0])  # align and copy (args 1, 2) mean nothing for integers
    state = value.state
    if (
        typestr not in _INTEGER_TYPES
        or not isinstance(state, tuple)
        or len(state) != 8
        or _text(state[1]) not in _BYTE_ORDERS
        or state[:1] + state[2:] != (3, None, None, None, -1, -1, 0)
    ):
        raise ValueError(
            f"has dtype {reprlib.repr(value.args[0])} with state {reprlib.repr(state)}: "
            "only plain integer dtypes are read (no objects, fields or subarrays)"
        )
    return np.dtype(_text(state[1]) + typestr)


def _array_parts(value):
    """(raw bytes, dtype record, shape, Fortran order) of a recorded array."""
    if isinstance(value, Call) and value.function is _RECONSTRUCT:
        # _reconstruct(ndarray, (0,), b"b"), then (1, shape, dtype, is_fortran, raw).
        if value.args[:2] != (_NDARRAY, (0,)):
            raise ValueError("rebuilds something other than a numpy.ndarray")
        state = value.state
        if not (isinstance(state, tuple) and len(state) == 5 and state[0] == 1):
            raise ValueError(f"has array state {reprlib.repr(state)}, not (1, shape, dtype, ...)")
        _, shape, dtype, fortran, raw = state
    elif isinstance(value, Call) and value.function is _FROMBUFFER and value.state is None:
        if len(value.args) != 4 or value.args[3] not in ("C", "F"):
            raise ValueError(f"has _frombuffer arguments {reprlib.repr(value.args)}")
        raw, dtype, shape, order = value.args
        fortran = order == "F"
    else:
        raise ValueError(f"is {describe(value)}, not a numpy array")
    if not isinstance(fortran, int):  # a bool, or an int from Python 2
        raise ValueError(f"has a Fortran-order flag that is {describe(fortran)}")
    return raw, dtype, shape, bool(fortran)


def decode_integer_array(value):
    """The integer array that an unpickled ``value`` describes, built with np.frombuffer.

    Parameters
    ----------
    value : object
        From :func:`load_pickle`, where a numpy array was pickled.

    Returns
    -------
    ndarray
        A view of the pickled bytes, of a plain integer dtype (byte order as
        pickled), in the pickled shape; Fortran-ordered data is read in
        Fortran order.

    Raises
    ------
    ValueError
        If ``value`` is not an integer array pickled by numpy: another
        object, an object, structured or float dtype, a shape that is not a
        tuple of ints, or a buffer whose length does not match the shape. The
        message is a predicate, for the caller to put after the value's name
        (``"b'data' " + message``).
    """
    raw, dtype, shape, fortran = _array_parts(value)
    dtype = _integer_dtype(dtype)
    if not (isinstance(shape, tuple) and all(type(size) is int and size >= 0 for size in shape)):
        raise ValueError(f"has shape {reprlib.repr(shape)}, not a tuple of sizes")
    if not isinstance(raw, (bytes, bytearray)):
        raise ValueError(f"has data that is {describe(raw)}, not bytes")
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise ValueError(
            f"has {len(raw)} bytes of data, but shape {shape} of {dtype} takes "
            f"{math.prod(shape) * dtype.itemsize}"
        )
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")
