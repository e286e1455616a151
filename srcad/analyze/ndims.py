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

from .. import runtime
from ..analyze.calls import bind, bind_function, some_template
from ..analyze.fresh_returns import returned_parameter
from ..ir import syntax as S
from ..ir.resolution import Resolution
from ..rules.template import BindError

_CONFLICT = -1


REAL = "__real__"  # key of the set of names known to hold real values
SHAPES = "__shapes__"  # key of {name: shape class}, see `_shape_classes`
SCALAR = ()  # the shape class of every rank-0 value
_NO_CLASS = ("conflict",)  # a name given two classes, or a value of unknown shape


def infer(fdef: gast.FunctionDef, spec_ndims: tuple, resolution: Resolution) -> dict:
    """{name: ndim}, plus REAL: the names certainly real (see `_real_names`), and SHAPES:
    names known to have the same shape (see `_shape_classes`)."""
    params = {entry[0]: entry[1] for entry in spec_ndims}
    real_params = {entry[0] for entry in spec_ndims if len(entry) == 2}
    ranks = _ranks(fdef, params, resolution)
    ranks[REAL] = frozenset(_real_names(fdef, real_params, resolution))
    ranks[SHAPES] = _shape_classes(fdef, params, ranks, resolution)
    return ranks


def same_shape(ndims: dict, names) -> object:
    """The shape class all of `names` broadcast to, when broadcasting them changes none of
    their shapes (rank-0 values aside, which fit any shape); else None."""
    classes = ndims.get(SHAPES, {})
    found = {classes.get(n) for n in names}
    if None in found:
        return None
    found.discard(SCALAR)
    if len(found) > 1:
        return None
    return found.pop() if found else SCALAR


def _shape_classes(fdef: gast.FunctionDef, params: dict, ranks: dict, resolution) -> dict:
    """{name: class}: names of one class certainly have the same shape, whatever the
    arguments' shapes. Each array parameter is a class of its own, every rank-0 value is in
    SCALAR, and an elementwise operation whose operands (rank-0 ones aside) are all of one
    class gives a value of that class. A name assigned values of two classes has none.
    Lets the reverse sweep drop an `unbroadcast` that cannot sum anything (see
    `transform.apply`), and so the tape entries kept only for it."""
    classes: dict = {p: (SCALAR if r == 0 else ("param", p)) for p, r in params.items()}
    for name, rank in ranks.items():
        if rank == 0 and isinstance(name, str) and not name.startswith("__"):
            classes[name] = SCALAR
    assigned = list(_assignments(fdef.body))
    once = _defined_once(fdef.body)
    conflict = _NO_CLASS
    for _ in range(4):
        before = dict(classes)
        for target, value in assigned:
            if classes.get(target, None) is SCALAR and ranks.get(target) == 0:
                continue
            found = SCALAR if value is None else _shape_class(value, classes, resolution)
            if found is None and target in once and _makes_array(value, classes, resolution):
                # An array bound once, outside loops, keeps one shape all its life: values
                # computed elementwise from it share it (`t3 = np.logaddexp(0.0, t2)`).
                found = ("value", target)
            old = classes.get(target)
            if found is None or (old is not None and old != found):
                classes[target] = conflict
            elif old is None:
                classes[target] = found
        if classes == before:
            break
    return {k: v for k, v in classes.items() if v is not conflict}


def _defined_once(stmts) -> set:
    """Names assigned by exactly one statement, outside loops (so never reassigned)."""
    counts: dict = {}

    def visit(body, in_loop):
        for s in body:
            if isinstance(s, (gast.For, gast.While)):
                if isinstance(s, gast.For):
                    for n in S.names_stored(s.target):
                        counts[n] = 2
                visit(s.body, True)
                visit(s.orelse, True)
            elif isinstance(s, gast.If):
                visit(s.body, in_loop)
                visit(s.orelse, in_loop)
            else:
                for n in S.names_stored(s):
                    counts[n] = counts.get(n, 0) + (2 if in_loop else 1)

    visit(stmts, False)
    return {n for n, c in counts.items() if c == 1}


def _makes_array(value, classes, resolution) -> bool:
    """`value` is certainly a numpy array: a matrix product, arithmetic on arrays and numbers
    (operands with a shape class), or a numpy function that does not return a tuple or list
    (an array's shape cannot change after it is made)."""
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.MatMult):
        return True
    if isinstance(value, gast.BinOp):
        operands = (_class_of(value.left, classes), _class_of(value.right, classes))
        return None not in operands
    if not isinstance(value, gast.Call):
        return False
    target = resolution.calls.get(value)
    if target is None or target.kind != "rule" or target.rule is None:
        return False
    module = getattr(target.obj, "__module__", None) or ""
    return target.rule.result == "array" and (
        module.startswith("numpy") or isinstance(target.obj, np.ufunc)
    )


def _class_of(node, classes):
    if isinstance(node, gast.Constant):
        return SCALAR if isinstance(node.value, (int, float, complex, bool)) else None
    if isinstance(node, gast.Name):
        found = classes.get(node.id)
        return None if found is _NO_CLASS else found
    return None


def _common_class(found):
    if any(c is None or not isinstance(c, tuple) for c in found):
        return None
    rest = {c for c in found if c != SCALAR}
    if len(rest) > 1:
        return None
    return rest.pop() if rest else SCALAR


def _shape_class(value, classes, resolution):
    if isinstance(value, (gast.Constant, gast.Name)):
        return _class_of(value, classes)
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        return _common_class([_class_of(value.left, classes), _class_of(value.right, classes)])
    if isinstance(value, gast.UnaryOp) and not isinstance(value.op, gast.Not):
        return _class_of(value.operand, classes)
    if isinstance(value, gast.Attribute) and value.attr in ("real", "imag"):
        return _class_of(value.value, classes)
    if not isinstance(value, gast.Call):
        return None
    target = resolution.calls.get(value)
    if target is None or target.rule is None or target.kind != "rule":
        return None
    template = some_template(target.rule)
    if template is None:
        return None
    try:
        bound = bind(value, target, template)
    except BindError:
        return None
    if target.rule.broadcast and len(bound) == len(target.rule.broadcast):
        return _common_class([_class_of(bound[p], classes) for p in target.rule.broadcast])
    if getattr(target.obj, "nin", None) == 1 and isinstance(target.obj, np.ufunc):
        if len(bound) == 1:
            return _class_of(bound[template.params[0]], classes)
    return None


def _ranks(fdef: gast.FunctionDef, params: dict, resolution: Resolution) -> dict:
    ndims: dict = {k: v for k, v in params.items() if v is not None}
    assigned = list(_assignments(fdef.body))
    shape_of = _shape_tuples(assigned, resolution)
    ndims[_SHAPE_VALUES] = _shape_values(assigned)
    for _ in range(4):
        before = dict(ndims)
        for target, value in assigned:
            rank = _rank(value, ndims, resolution) if value is not None else 0
            if rank is None and _is_call_of(value, np.broadcast_to, resolution):
                # np.broadcast_to(s, np.shape(a)) (the adjoint of a sum) has a's rank
                shape = value.args[1] if len(value.args) == 2 else None
                if isinstance(shape, gast.Name) and shape.id in shape_of:
                    rank = _of(S.name(shape_of[shape.id]), ndims)
            old = ndims.get(target)
            if rank is None or (old is not None and old != rank):
                ndims[target] = _CONFLICT
            elif old is None:
                ndims[target] = rank
        if ndims == before:
            break
    del ndims[_SHAPE_VALUES]
    return {k: v for k, v in ndims.items() if v != _CONFLICT}


_SHAPE_VALUES = "__shape_values__"  # name -> its only value, a tuple display or x.shape


def _shape_values(assigned) -> dict:
    """{name: value} for the names bound once, to a tuple display or to ``x.shape``."""
    values: dict = {}
    for target, value in assigned:
        shape = isinstance(value, gast.Tuple) or (
            isinstance(value, gast.Attribute)
            and value.attr == "shape"
            and isinstance(value.value, gast.Name)
        )
        values[target] = value if shape and target not in values else None
    return {k: v for k, v in values.items() if v is not None}


def _filled_rank(call, ndims):
    """np.zeros(shape) and its kin: the length of `shape` (an int, a tuple, x.shape)."""
    shape = call.args[0] if call.args else None
    shape = next((k.value for k in call.keywords if k.arg == "shape"), shape)
    if isinstance(shape, gast.Name):
        shape = ndims[_SHAPE_VALUES].get(shape.id, shape)
    if isinstance(shape, gast.Constant) and type(shape.value) is int:
        return 1
    if isinstance(shape, gast.Tuple):
        return len(shape.elts)
    if isinstance(shape, gast.Attribute) and shape.attr == "shape":
        return _of(shape.value, ndims)
    return None


def _is_call_of(value, fn, resolution) -> bool:
    if not isinstance(value, gast.Call):
        return False
    target = resolution.calls.get(value)
    return target is not None and target.obj is fn


def _shape_tuples(assigned, resolution) -> dict:
    """{name: a} for the names bound only to ``np.shape(a)`` (for one name `a`)."""
    found: dict = {}
    for target, value in assigned:
        if (
            _is_call_of(value, np.shape, resolution)
            and len(value.args) == 1
            and isinstance(value.args[0], gast.Name)
            and found.get(target, value.args[0].id) == value.args[0].id
        ):
            found[target] = value.args[0].id
        else:
            found[target] = None
    return {k: v for k, v in found.items() if v is not None}


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
    if target is not None and target.kind == "function":
        return _returned_argument(call, target.obj, ndims)
    rank = getattr(getattr(target, "rule", None), "rank", "")
    if rank == "shape" and _SHAPE_VALUES in ndims:
        return _filled_rank(call, ndims)  # np.zeros(shape) and its kin
    if rank == "same" and call.args and not any(k.arg == "shape" for k in call.keywords):
        if target.kind == "rule" and some_template(target.rule) is None:
            return _of(call.args[0], ndims)  # np.zeros_like(x), which has no template
    if target is None or target.rule is None or target.kind not in ("rule", "method"):
        return None
    obj, rule = target.obj, target.rule
    if rule.rank == "scalar":
        return 0  # a number (rt.count, np.mean's adjoint differentiated again)
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
    if rule.rank == "same":
        return _of(first, ndims)
    if rule.rank == "reduce":
        return _reduced(_of(first, ndims), bound.get("axis"), bound.get("keepdims"))
    if obj is np.matmul:
        return _matmul(_of(bound["x"], ndims), _of(bound["y"], ndims))
    if obj is runtime.unbroadcast:
        # generated code differentiated again: the adjoint has its operand's rank (plus the
        # direction axes it keeps)
        batch = bound.get("batch")
        extra = 0 if batch is None else batch.value if isinstance(batch, gast.Constant) else None
        rank = _of(bound["x"], ndims)
        return None if rank is None or not isinstance(extra, int) else rank + extra
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


def _reduced(rank, axis, keepdims):
    """The rank of a reduction of a value of `rank` over `axis` (syntax), or None."""
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
            or (target.rule is not None and target.rule.complex_result)
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


def _returned_argument(call, fn, ndims):
    """A user function that returns one of its parameters (``u = bc(u)``): its argument's
    rank."""
    param = returned_parameter(fn)
    bound = bind_function(call, fn) if param is not None else None
    if bound is None or param not in bound.arguments:
        return None
    return _of(bound.arguments[param], ndims)
