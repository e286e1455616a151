"""Analyze, part 5: the number of dimensions of each value, where the code determines it.

Derivative code is generated for given argument ranks (like JAX specializes on shapes), so
rules can pick the form a person would write: ``bW = x.T @ g`` when `x` and `g` are matrices
instead of a helper that handles every rank. Accepts a normalized function and the ranks of
its array parameters; returns {name: ndim} for the names whose rank is certain (a name given
two different ranks is left out). Never changes the tree.
"""

from __future__ import annotations

import gast
import numpy as np

from ..analyze.calls import bind, some_template
from ..ir import syntax as S
from ..ir.resolution import Resolution
from ..rules.template import BindError

_CONFLICT = -1
_REDUCTIONS = {
    id(f)
    for f in (
        np.sum,
        np.mean,
        np.prod,
        np.max,
        np.min,
        np.amax,
        np.amin,
        np.var,
        np.std,
        np.all,
        np.any,
        np.argmax,
        np.argmin,
    )
}
_SAME_RANK = {
    id(f)
    for f in (
        np.transpose,
        np.conj,
        np.real,
        np.imag,
        np.copy,
        np.negative,
        np.cumsum,
        np.cumprod,
        np.flip,
        np.sort,
        np.clip,
        np.zeros_like,
        np.ones_like,
        np.ascontiguousarray,
    )
}


REAL = "__real__"  # key of the set of names known to hold real values


def infer(fdef: gast.FunctionDef, spec_ndims: tuple, resolution: Resolution) -> dict:
    """{name: ndim}, plus REAL: the names certainly real (see `_real_names`)."""
    params = {entry[0]: entry[1] for entry in spec_ndims}
    real_params = {entry[0] for entry in spec_ndims if len(entry) == 2}
    ranks = _ranks(fdef, params, resolution)
    ranks[REAL] = frozenset(_real_names(fdef, real_params, resolution))
    return ranks


def _ranks(fdef: gast.FunctionDef, params: dict, resolution: Resolution) -> dict:
    ndims: dict = {k: v for k, v in params.items() if v is not None}
    assigned = list(_assignments(fdef.body))
    for _ in range(4):
        before = dict(ndims)
        for target, value in assigned:
            rank = _rank(value, ndims, resolution) if value is not None else 0
            old = ndims.get(target)
            if rank is None or (old is not None and old != rank):
                ndims[target] = _CONFLICT
            elif old is None:
                ndims[target] = rank
        if ndims == before:
            break
    return {k: v for k, v in ndims.items() if v != _CONFLICT}


def rank_of(value, ndims: dict, resolution: Resolution) -> int | None:
    """The rank of what one right-hand side computes, given the ranks of names `ndims`
    (for analyses that know more names, as vmap's of the items of tuples)."""
    return _rank(value, ndims, resolution)


def _assignments(stmts):
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            yield s.targets[0].id, s.value
        elif isinstance(s, gast.Assign) and isinstance(s.targets[0], (gast.Tuple, gast.List)):
            for t in s.targets[0].elts:
                yield t.id, gast.Subscript(s.value, gast.Constant(0, None), gast.Load())
        elif isinstance(s, gast.For):
            yield s.target.id, None  # a range index: a Python int
            yield from _assignments(s.body)
        elif isinstance(s, (gast.If, gast.While)):
            yield from _assignments(s.body)
            yield from _assignments(s.orelse)


def _of(node, ndims):
    if isinstance(node, gast.Constant):
        return 0 if isinstance(node.value, (int, float, complex, bool)) else None
    if isinstance(node, gast.Name):
        rank = ndims.get(node.id)
        return None if rank == _CONFLICT else rank
    return None


def _broadcast(*ranks):
    if any(r is None for r in ranks):
        return None
    return max(ranks) if ranks else None


def _rank(value, ndims, resolution):
    if isinstance(value, (gast.Constant, gast.Name)):
        return _of(value, ndims)
    if isinstance(value, gast.BinOp):
        left, right = _of(value.left, ndims), _of(value.right, ndims)
        if isinstance(value.op, gast.MatMult):
            return _matmul(left, right)
        return _broadcast(left, right)
    if isinstance(value, gast.UnaryOp):
        return _of(value.operand, ndims)
    if isinstance(value, gast.Compare):
        return _broadcast(_of(value.left, ndims), _of(value.comparators[0], ndims))
    if isinstance(value, gast.Attribute):
        if value.attr in ("T", "real", "imag", "mT"):
            return _of(value.value, ndims)
        if value.attr in ("ndim", "size"):
            return 0
        return None
    if isinstance(value, gast.Subscript):
        return _index(_of(value.value, ndims), value.slice, ndims)
    if isinstance(value, gast.Call):
        return _call(value, ndims, resolution)
    return None


def _matmul(a, b):
    if a is None or b is None or a == 0 or b == 0:
        return None
    if a == 1 and b == 1:
        return 0
    if a == 1:
        return b - 1
    if b == 1:
        return a - 1
    return max(a, b)


def _index(rank, index, ndims):
    if rank is None:
        return None
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    out = rank
    for p in parts:
        if isinstance(p, gast.Slice):
            continue
        if isinstance(p, gast.Constant):
            if p.value is None:
                out += 1
            elif p.value is Ellipsis:
                continue
            elif isinstance(p.value, int):
                out -= 1
            else:
                return None
        elif isinstance(p, gast.Name) and ndims.get(p.id) == 0:
            out -= 1  # an integer variable
        else:
            return None
    return out if out >= 0 else None


def _call(call, ndims, resolution):
    target = resolution.calls.get(call)
    if target is None or target.rule is None or target.kind not in ("rule", "method"):
        return None
    obj, rule = target.obj, target.rule
    template = some_template(rule)
    if template is None:
        return None
    try:
        bound = bind(call, target, template)
    except BindError:
        return None
    first = bound.get(template.params[0]) if template.params else None
    if rule.broadcast:
        return _broadcast(*[_of(bound[p], ndims) for p in rule.broadcast])
    if getattr(obj, "nin", None) == 1:
        return _of(first, ndims)
    if id(obj) in _SAME_RANK:
        return _of(first, ndims)
    if id(obj) in _REDUCTIONS:
        rank = _of(first, ndims)
        axis, keepdims = bound.get("axis"), bound.get("keepdims")
        if rank is None or not isinstance(keepdims, (gast.Constant, type(None))):
            return None
        if keepdims is not None and keepdims.value:
            return rank
        if axis is None or (isinstance(axis, gast.Constant) and axis.value is None):
            return 0
        if isinstance(axis, gast.Constant) and isinstance(axis.value, int):
            return rank - 1
        if isinstance(axis, gast.Tuple):
            return rank - len(axis.elts)
        return None
    if obj is np.matmul:
        return _matmul(_of(bound["x"], ndims), _of(bound["y"], ndims))
    if obj is np.dot:
        a, b = _of(bound["a"], ndims), _of(bound["b"], ndims)
        if a is None or b is None:
            return None
        if a == 0 or b == 0:
            return max(a, b)
        return a + b - 2
    if obj is np.reshape:
        shape = bound.get("shape")
        if isinstance(shape, gast.Constant) and isinstance(shape.value, int):
            return 1
        if isinstance(shape, gast.Tuple):
            return len(shape.elts)
        return None
    return None


# Functions that can turn real inputs into complex outputs.
_COMPLEX_MAKERS = {
    id(f)
    for f in (
        np.fft.fft,
        np.fft.ifft,
        np.fft.fft2,
        np.fft.ifft2,
        np.fft.fftn,
        np.fft.ifftn,
        np.fft.rfft,
        np.fft.rfft2,
        np.fft.rfftn,
        np.fft.ihfft,
        np.linalg.eig,
        np.linalg.eigvals,
        np.emath.sqrt,
        np.emath.log,
        complex,
    )
}


def _real_names(fdef: gast.FunctionDef, real_params: set, resolution: Resolution) -> set:
    """Names whose values are certainly real: computed only from real parameters and real
    constants by operations that keep values real (no globals: their dtype is unknown)."""
    real = set(real_params)
    assigned = list(_assignments(fdef.body))
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    candidates = {t for t, _ in assigned} - (params - real)
    changed = True
    while changed:  # remove a name as soon as one of its definitions may be complex
        changed = False
        for target, value in assigned:
            if target in candidates and not _real_value(value, candidates | real, resolution):
                candidates.discard(target)
                changed = True
    return real | candidates


def _real_value(value, real: set, resolution: Resolution) -> bool:
    if value is None:
        return True  # a range index
    if isinstance(value, gast.Constant):
        return not isinstance(value.value, complex)
    if isinstance(value, gast.Name):
        return value.id in real
    if isinstance(value, gast.Attribute):
        if value in resolution.constants:  # np.pi: real if its value is
            constant = resolution.constants[value]
            return isinstance(constant, (int, float)) and not isinstance(constant, complex)
        return _real_value(value.value, real, resolution)
    if isinstance(value, gast.Call):
        target = resolution.calls.get(value)
        if (
            target is None
            or target.kind not in ("rule", "method")
            or (target.obj is not None and id(target.obj) in _COMPLEX_MAKERS)
        ):
            return False
        if target.kind == "method" and not _real_value(value.func.value, real, resolution):
            return False
        operands = list(value.args) + [k.value for k in value.keywords]
        return all(_real_value(a, real, resolution) for a in operands)
    if isinstance(value, gast.Starred):
        return _real_value(value.value, real, resolution)
    children = [c for c in S.children(value) if isinstance(c, gast.expr)]
    return all(_real_value(c, real, resolution) for c in children)
