"""Functions whose results carry no derivative, listed once.

Integer, boolean and shape results, constructors that ignore their argument's values
(``np.zeros_like``), rounding (zero derivative almost everywhere). A call to
one of these is never differentiated, whatever its arguments depend on.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import runtime as rt
from ..custom import stop_gradient
from .template import facts, nondiff, opaque, optional, outside, pure, returns, writes

# Builtins whose results carry no derivative. (zip, enumerate, reversed, sorted, iter and
# next pass values through: they are not here, so an active call to them is an error unless
# normalization rewrote it, as it does for loops over zip, enumerate and reversed.)
nondiff(
    builtins.len,
    builtins.range,
    builtins.print,
    builtins.isinstance,
    builtins.int,
    builtins.bool,
    builtins.str,
    builtins.type,
    builtins.repr,
    builtins.hash,
    builtins.id,
    builtins.callable,
    builtins.hasattr,
    builtins.format,
    builtins.round,
    builtins.all,
    builtins.any,
    builtins.ord,
    builtins.chr,
    builtins.slice,
)
# Builtins that build values from their arguments; without rules of their own (a loop over
# zip, enumerate or reversed is rewritten by normalization and differentiated). iter, next
# and sorted: srcad.rules.effects_python (they call code or advance an iterator).
pure(
    builtins.dict,
    builtins.enumerate,
    builtins.zip,
    builtins.reversed,
    builtins.complex,
    builtins.divmod,
    builtins.set,
    builtins.frozenset,
    builtins.getattr,
)
nondiff(builtins.issubclass, builtins.hex, builtins.oct, builtins.bin, builtins.ascii)
outside(builtins.input, builtins.open, builtins.breakpoint, builtins.help)
opaque(builtins.map, builtins.filter, hint="write the loop out (a list comprehension)")
opaque(builtins.eval, builtins.exec, builtins.compile, builtins.globals, builtins.locals)
opaque(builtins.vars)
writes(builtins.setattr, 0, hint="assign the attribute directly: obj.name = value")
writes(builtins.delattr, 0, hint="del obj.name")
nondiff(
    np.shape,
    np.ndim,
    np.size,
    np.result_type,
    np.dtype,
    np.iscomplexobj,
    np.isrealobj,
    np.isscalar,
    np.issubdtype,
    np.broadcast_shapes,
    np.zeros,
    np.ones,
    np.empty,
    np.zeros_like,
    np.ones_like,
    np.empty_like,
    np.eye,
    np.identity,
    np.tri,
    np.indices,
    np.floor,
    np.ceil,
    np.round,
    np.rint,
    np.trunc,
    np.fix,
    np.sign,
    np.argmax,
    np.argmin,
    np.argsort,
    np.argwhere,
    np.nonzero,
    np.flatnonzero,
    np.searchsorted,
    np.digitize,
    np.greater,
    np.greater_equal,
    np.less,
    np.less_equal,
    np.equal,
    np.not_equal,
    np.logical_and,
    np.logical_or,
    np.logical_not,
    np.logical_xor,
    np.invert,
    np.isnan,
    np.isinf,
    np.isfinite,
    np.isclose,
    np.allclose,
    np.array_equal,
    np.any,
    np.all,
    np.count_nonzero,
    np.floor_divide,
    np.bitwise_and,
    np.bitwise_or,
    np.bitwise_xor,
    np.left_shift,
    np.right_shift,
)
nondiff(optional(np, "round_"))  # numpy < 2
nondiff(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite)
# Casts to integer and boolean scalars (np.int64(x) as int(x)).
nondiff(
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.bool_,
)
nondiff(stop_gradient)
nondiff(
    rt.zeros_like, rt.scalar_seed, rt.dict_keys, rt.item_keys, rt.sequence_index, rt.sequence_count
)
nondiff(rt.unpop_position)
# numpy.random's functions draw random numbers, and their results carry the derivatives of
# their parameters: srcad.rules.effects_numpy declares them (draws, writes for shuffle).

# Tuples (of index arrays, mostly): indexing with one indexes several axes, so kinds
# inference must not take it for an array (srcad.analyze.kinds; np.where with one argument
# and np.indices(sparse=True) are decided there, by their arguments).
returns(
    "tuple",
    np.nonzero,
    np.unravel_index,
    np.tril_indices,
    np.triu_indices,
    np.diag_indices,
    np.tril_indices_from,
    np.triu_indices_from,
    np.diag_indices_from,
    np.mask_indices,
    np.ix_,
    np.shape,
    np.histogram,
    np.histogram2d,
    np.histogramdd,
)

# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.all, np.any, np.argmax, np.argmin, rank="reduce")
facts(np.zeros_like, np.ones_like, np.empty_like, np.full_like, rank="same")
facts(np.zeros, np.ones, np.empty, np.full, rank="shape")  # as many axes as the shape has
facts(np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like, fresh=True)
facts(np.eye, np.identity, fresh=True)
facts(builtins.complex, complex_result=True)
