"""Analyze, part 4: which in-place changes are safe to differentiate.

``x[i] = v`` changes the object `x` names, and every other name for that object. So does
``x += v`` when `x` holds an array (srcad rebinds the name instead, which is exact only
when no other name sees the object). srcad differentiates such a change when `x` is
certainly the only name of its object: every assignment to `x` creates a new object
(np.zeros, arithmetic, x.copy()...), and `x` is never copied to another name, stored in a
container or returned before being changed. An argument, a view (x[1:], x.T, np.reshape,
x.flat), an alias or an item taken out of a container (lst.pop(), d.get(k)) is refused with
a message that says to copy first.

One container is no other name: a tape, the list a reverse sweep keeps `x`'s old objects on
(``T.append(x)`` right before `x` is bound anew, ``x = T.pop()`` to get one back), which a
second transform meets in srcad's own code. `_tapes` proves from the code that a list is
used only that way (none of its objects is then in reach of `x` or of anything else); a
list read any other way is an ordinary container.

Changes srcad never differentiates are refused when they touch a value that depends on a
differentiated input: in-place array methods (x.sort(), x.fill(v), x.put(...)...) and
results written into an existing array (``out=``). Returns nothing; raises
`UnsupportedOperationError` at the first unsafe statement.
"""

from __future__ import annotations

import dataclasses

import gast
import numpy as np

from .. import runtime as rt
from ..errors import UnsupportedOperationError
from ..fence import location, statement_location
from ..ir import syntax as S
from ..ir.notes import InPlace, notes
from ..ir.resolution import Resolution
from .activity import Activity

# Calls whose result is a new object, never a view of an argument.
FRESH_CALLS = {
    id(f)
    for f in (
        np.zeros,
        np.ones,
        np.empty,
        np.full,
        np.zeros_like,
        np.ones_like,
        np.empty_like,
        np.full_like,
        np.array,
        np.copy,
        np.eye,
        np.identity,
        np.arange,
        np.linspace,
        np.stack,
        np.concatenate,
        np.vstack,
        np.hstack,
        np.outer,
        np.dot,
        np.matmul,
        np.tile,
        np.repeat,
        np.diag,
        rt.copy,
        rt.fresh_residuals,
        rt.astype,
        list,
        dict,
        tuple,
    )
}
_VIEW_METHODS = {
    "reshape",
    "T",
    "transpose",
    "ravel",
    "squeeze",
    "swapaxes",
    "view",
    "diagonal",
    "real",
    "imag",
    "flatten",
}


# numpy functions whose result may be a view of (or the very same object as) an argument.
# Every other numpy function srcad has a rule for returns a new array.
_VIEW_FUNCTION_NAMES = (
    "reshape",
    "ravel",
    "transpose",
    "matrix_transpose",
    "permute_dims",
    "swapaxes",
    "moveaxis",
    "rollaxis",
    "squeeze",
    "expand_dims",
    "broadcast_to",
    "broadcast_arrays",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "asarray",
    "asanyarray",
    "ascontiguousarray",
    "asfortranarray",
    "require",
    "real",
    "imag",
    "diagonal",
    "flip",
    "fliplr",
    "flipud",
    "rot90",
    "split",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "unstack",
    "einsum",
    "nan_to_num",
    "real_if_close",
)
VIEW_FUNCTIONS = {id(getattr(np, name)) for name in _VIEW_FUNCTION_NAMES if hasattr(np, name)}
# ndarray methods that change the array in place -> what to write instead ({} is the array).
IN_PLACE_METHODS = {
    "sort": "use {0} = np.sort({0}) (a new array)",
    "partition": "use {0} = np.partition({0}, k) (a new array)",
    "fill": "use {0} = np.full_like({0}, value) (a new array)",
    "put": "build a new array: {0} = {0}.copy(), then {0}[indices] = values",
    "itemset": "build a new array: {0} = {0}.copy(), then {0}[index] = value",
    "resize": "use {0} = np.resize({0}, shape) (a new array)",
    "setfield": "build a new array instead of writing a field in place",
    "byteswap": "use {0} = {0}.byteswap() (a new array)",
}
# Attributes that are views of the array, written to as targets: y.flat[i] = v.
VIEW_ATTRIBUTES = {"flat", "real", "imag"}


@dataclasses.dataclass(frozen=True)
class Change:
    """One in-place change of the object `obj` names."""

    stmt: gast.stmt
    obj: str  # the name (in normalized code) whose object changes
    position: int  # statement counter: the order statements run in, loops aside
    loops: frozenset  # the loops around it
    blocks: tuple  # the statement lists around it, outermost first
    augmented: InPlace | None = None  # for `x op= v`


@dataclasses.dataclass
class Facts:
    """What `collect` learns from one walk over the function."""

    definitions: dict = dataclasses.field(default_factory=dict)  # name -> [Definition]
    # (name, position, loops, tape): tape is the list `name` is appended to, or None
    escapes: list = dataclasses.field(default_factory=list)
    changes: list = dataclasses.field(default_factory=list)  # [Change]
    views: dict = dataclasses.field(default_factory=dict)  # view name -> {base names}
    reads: dict = dataclasses.field(default_factory=dict)  # name -> [(position, loops)]
    # list name -> [TapeUse]: `T.append(y)`, `y = T.pop()` and `T.pop()` (see `_tapes`)
    tape_uses: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class TapeUse:
    """`T.append(owner)` (rebound: `owner` is bound again right after), `owner = T.pop()`,
    or `T.pop()` (owner None)."""

    position: int
    owner: str | None
    append: bool
    rebound: bool = False


@dataclasses.dataclass(frozen=True)
class Definition:
    value: object  # the right-hand side; None when unpacked from a sequence
    position: int
    loops: frozenset
    blocks: tuple
    augmented: bool = False  # `x op= v`: the same object, changed (or a new immutable one)


def _fresh_value(value, resolution: Resolution) -> bool:
    """Whether evaluating `value` certainly makes a new object (never a view or an alias)."""
    if isinstance(
        value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Compare, gast.Constant)
    ):
        return True
    if isinstance(value, gast.Call):
        target = resolution.calls.get(value)
        if target is None:
            return False
        if target.kind == "method":
            # x.copy(), x.sum(), x.clip(...) make new objects; x.reshape(...) and the other
            # methods numpy answers with a view of x do not.
            if target.method.name in ("copy", "astype"):
                return _copies(value)  # x.astype(t, copy=False) may be x itself
            if target.method.name in ("pop", "get"):
                return False  # an item of a container, which may have other names
            primitive = target.method.primitive
            return (
                target.method.name not in _VIEW_METHODS
                and primitive is not None
                and id(primitive) not in VIEW_FUNCTIONS
            )

        if target.obj is not None and id(target.obj) in FRESH_CALLS:
            return _copies(value)  # np.array(x, copy=False) may be x itself
        if isinstance(target.obj, np.ufunc) and not any(k.arg == "out" for k in value.keywords):
            return True
        rule = target.rule
        if rule is not None and rule.broadcast:  # elementwise functions
            return True
        # Other numpy functions with rules make new arrays, except those that return views.
        module = getattr(target.obj, "__module__", None) or ""
        return (
            target.kind == "rule"
            and module.startswith("numpy")
            and id(target.obj) not in VIEW_FUNCTIONS
        )
    return False


def _copies(call: gast.Call) -> bool:
    """Whether a call that copies by default is not told otherwise (``copy=False``)."""
    return all(
        isinstance(k.value, gast.Constant) and k.value.value is True
        for k in call.keywords
        if k.arg == "copy"
    )


def collect(fdef: gast.FunctionDef, ndims: dict | None = None, kinds: dict | None = None) -> Facts:
    """Definitions, escapes (another name or a container gets the object) and in-place
    changes of every name, each with its position and the loops and blocks around it."""
    facts = Facts()
    counter = [0]

    def define(name, value, loops, blocks, augmented=False):
        d = Definition(value, counter[0], loops, blocks, augmented)
        facts.definitions.setdefault(name, []).append(d)

    def escape(name, loops, tape=None):
        facts.escapes.append((name, counter[0], loops, tape))

    def tape_use(tape, owner, append, rebound=False):
        use = TapeUse(counter[0], owner, append, rebound)
        facts.tape_uses.setdefault(tape, []).append(use)

    def read(node, loops):
        for name in S.names_loaded(node):
            facts.reads.setdefault(name, []).append((counter[0], loops))

    def visit(stmts, loops, blocks):
        blocks = blocks + (id(stmts),)
        for i, s in enumerate(stmts):
            counter[0] += 1
            augmented = notes(s).inplace
            if isinstance(s, (gast.For, gast.While, gast.If)):
                read(s.iter if isinstance(s, gast.For) else s.test, loops)
            else:
                read(s, loops)
            if isinstance(s, gast.Assign):
                target = s.targets[0]
                if augmented is not None and isinstance(target, gast.Name):
                    # `t = x + v` (then `x = t` in loops): x keeps its object. Record the
                    # change once, at the operation; the copy into x is no escape.
                    define(target.id, s.value, loops, blocks, augmented=True)
                    if isinstance(s.value, gast.BinOp):
                        facts.changes.append(
                            Change(s, augmented.read, counter[0], loops, blocks, augmented)
                        )
                    continue
                if isinstance(target, gast.Name):
                    define(target.id, s.value, loops, blocks)
                    tape = _method_of(s.value, "pop")
                    if tape is not None and not s.value.args:
                        tape_use(tape, target.id, append=False)
                    if isinstance(s.value, gast.Name):
                        escape(s.value.id, loops)
                    base = _view_base(s.value, ndims or {}, kinds or {})
                    if base is not None:
                        # A view of a view sees its base's base too.
                        bases = {base} | facts.views.get(base, set())
                        facts.views.setdefault(target.id, set()).update(bases)
                elif isinstance(target, (gast.Tuple, gast.List)):
                    # each element of a call's result is as new as the call's (qr, eigh...)
                    value = s.value
                    if isinstance(value, gast.Name):  # normalization put the call first
                        earlier = facts.definitions.get(value.id, [])
                        value = earlier[-1].value if len(earlier) == 1 else None
                    value = value if isinstance(value, gast.Call) else None

                    for e in target.elts:
                        define(e.id, value, loops, blocks)
                elif isinstance(target, gast.Subscript):
                    facts.changes.append(Change(s, target.value.id, counter[0], loops, blocks))
                    if isinstance(s.value, gast.Name):
                        escape(s.value.id, loops)
                if isinstance(s.value, (gast.Tuple, gast.List, gast.Dict)):
                    for e in S.walk(s.value):
                        if isinstance(e, gast.Name):
                            escape(e.id, loops)
            elif isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
                call = s.value
                func = call.func
                tape = _method_of(call, "append")
                if tape is not None and _one_name_argument(call) and call.args[0].id != tape:
                    owner = call.args[0].id
                    tape_use(tape, owner, True, _rebound_next(stmts, i, owner))
                    escape(owner, loops, tape)
                elif isinstance(func, gast.Attribute) and func.attr in (
                    "append",
                    "insert",
                    "extend",
                ):
                    for a in call.args:
                        if isinstance(a, gast.Name):
                            escape(a.id, loops)
                elif _method_of(call, "pop") is not None and not call.args:
                    tape_use(func.value.id, None, append=False)
            if isinstance(s, (gast.For, gast.While)):
                visit(s.body, loops | {s}, blocks)
            elif isinstance(s, gast.If):
                visit(s.body, loops, blocks)
                visit(s.orelse, loops, blocks)

    visit(fdef.body, frozenset(), ())
    return facts


def _method_of(value, method: str) -> str | None:
    """T for a call ``T.method(...)`` on a name, else None."""
    if (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == method
        and isinstance(value.func.value, gast.Name)
        and not value.keywords
    ):
        return value.func.value.id
    return None


def _one_name_argument(call: gast.Call) -> bool:
    return len(call.args) == 1 and isinstance(call.args[0], gast.Name) and not call.keywords


def _rebound_next(stmts: list, i: int, owner: str) -> bool:
    """Whether `owner` is bound again after ``stmts[i]`` (an append of it) before anything can
    change its object: only simple statements that change nothing through `owner` come
    between, so that the binding always runs next (no branch, loop, break or continue)."""
    for s in stmts[i + 1 :]:
        augmented = notes(s).inplace
        if augmented is not None and owner in (augmented.read, augmented.user):
            return False  # `owner op= v` may change the object in place
        if isinstance(s, gast.Expr):
            continue
        if not isinstance(s, gast.Assign):
            return False
        target = s.targets[0]
        if isinstance(target, gast.Name) and target.id == owner:
            return True
        if isinstance(target, (gast.Tuple, gast.List)) and any(
            isinstance(e, gast.Name) and e.id == owner for e in target.elts
        ):
            return True
        if isinstance(target, gast.Subscript) and S.is_name(target.value, owner):
            return False
    return False


def _is_pop(value) -> bool:
    return _method_of(value, "pop") is not None


def _tapes(facts: Facts, resolution: Resolution) -> dict:
    """The lists that only move objects of one name to and fro (a reverse sweep's tapes):
    tape name -> the name (its owner).

    A tape T of y is a new list (`_new_tape`) that the function touches only through
    ``T.append(y)`` with y bound anew right after (`_rebound_next`), ``y = T.pop()`` and
    ``T.pop()``; `_check_change` weighs any other read of T (an exposure: the residuals
    returned) like a name sharing y's object. Until T is exposed, an object is in T at most
    once and never while y names it: it came from y, which was bound to another object
    before anything could change it, and it leaves T only by a pop, which removes it. So no
    change through y reaches an object in T, and ``y = T.pop()`` gives y an object that T
    shares with no one: only the names that shared it before it went on the tape may, and
    those are escapes of y, which `_check_change` still weighs."""
    tapes = {}
    for tape, uses in facts.tape_uses.items():
        owners = {u.owner for u in uses if u.owner is not None}
        if len(owners) != 1 or not all(u.rebound for u in uses if u.append):
            continue
        definitions = facts.definitions.get(tape, [])
        if definitions and all(_new_tape(d.value, resolution) for d in definitions):
            tapes[tape] = owners.pop()
    return tapes


def _new_tape(value, resolution: Resolution) -> bool:
    """Whether `value` makes a list whose items no one else refers to: ``[]``, or (the tapes
    a split backward sweep is given) one unpacked from `rt.fresh_residuals`, which copies
    the residuals just for this call. The latter is the premise the check takes for every
    residual unpacked from it (each element of a fresh call's result is new, `collect`)."""
    if isinstance(value, gast.List):
        return not value.elts
    if isinstance(value, gast.Call):
        target = resolution.calls.get(value)
        return target is not None and target.obj is rt.fresh_residuals
    return False


def _known_immutable(name: str, ndims: dict, kinds: dict) -> bool:
    """Whether `name` certainly holds a number or a tuple, which `op=` never changes in place.

    A name of rank 0 counts as a number: a 0-d array would be changed in place too, but numpy
    operations give scalars, not 0-d arrays, and a 0-d argument is rare."""
    return ndims.get(name) == 0 or kinds.get(name) == "tuple"


def _defined_fresh_each_iteration(obj: str, change: Change, facts: Facts, loops) -> bool:
    """Whether a new object is bound to `obj` at each iteration of `loops` (the loops the
    change shares with a later sharing of the object), before the change.

    Then a name that gets the object after the change, in those loops, holds the previous
    iteration's object when the next change happens: it never sees a change. Unless a tape
    in those loops gives `obj` back an object it had before (``obj = T.pop()``)."""
    definitions = facts.definitions.get(obj, [])
    if any(_is_pop(d.value) and loops <= d.loops for d in definitions):
        return False
    for d in definitions:
        if (
            not d.augmented
            and not _is_pop(d.value)
            and d.loops == loops
            and d.position < change.position
            and change.blocks[: len(d.blocks)] == d.blocks
        ):
            return True
    return False


def _view_base(value, ndims: dict, kinds: dict) -> str | None:
    """The name `value` may be a view of: y[...], y.T, y.reshape(...), np.reshape(y, ...)."""
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        base = value.value.id
        if kinds.get(base) in ("list", "tuple", "dict") or _copying_index(
            value.slice, ndims.get(base), ndims
        ):
            return None  # an element of a container, a number, or a fancy-indexed copy
        return base
    if (
        isinstance(value, gast.Attribute)
        and isinstance(value.value, gast.Name)
        and (value.attr in _VIEW_METHODS or value.attr in VIEW_ATTRIBUTES or value.attr == "mT")
    ):
        return value.value.id
    if isinstance(value, gast.Call):
        func = value.func
        if (
            isinstance(func, gast.Attribute)
            and isinstance(func.value, gast.Name)
            and func.attr in _VIEW_METHODS
        ):
            return func.value.id
        if (
            isinstance(func, gast.Attribute)
            and func.attr in _VIEW_FUNCTION_NAMES
            and value.args
            and isinstance(value.args[0], gast.Name)
        ):
            return value.args[0].id
    return None


def _copying_index(index, ndim: int | None, ndims: dict) -> bool:
    """Whether indexing an array of `ndim` dimensions with `index` certainly copies: integers
    for every axis (a number comes out), or an index array (numpy copies)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    integers = 0
    for part in parts:
        if isinstance(part, gast.Constant) and type(part.value) is int:
            integers += 1
        elif isinstance(part, gast.Name) and ndims.get(part.id) == 0:
            integers += 1
        elif isinstance(part, gast.Name) and (ndims.get(part.id) or 0) >= 1:
            return True  # an index array (integers or a mask)
        elif isinstance(part, gast.List):
            return True  # x[[0, 2]]
        else:
            return False  # a slice, None, ..., or a name of unknown rank: maybe a view
    return ndim is not None and integers == ndim


def _view_read_after(view: str, change: Change, facts: Facts) -> bool:
    """Whether a view made before `change` is read after it (and so sees the change, which
    the derivative would not)."""
    defined = [d.position for d in facts.definitions.get(view, [])]
    for at, loops in facts.reads.get(view, []):
        if at > change.position:
            # Unless the view was made anew (after the change) before this read.
            if not any(change.position < p < at for p in defined):
                return True
        elif change.loops & loops:
            # In a loop, the next iteration reads what this one changed, unless the view is
            # made again at each iteration, before the read.
            if not any(p < at and change.loops <= _loops_of(view, p, facts) for p in defined):
                return True
    return False


def _loops_of(name: str, position: int, facts: Facts) -> frozenset:
    for d in facts.definitions.get(name, []):
        if d.position == position:
            return d.loops
    return frozenset()


def _describe(change: Change) -> str:
    if change.augmented is not None:
        name, op = change.augmented.user, change.augmented.operator
        return f"{name} {op}= ... (it changes the array {name!r} names in place)"
    return f"an item assignment to {change.obj!r}"


def _check_change(
    change: Change,
    facts: Facts,
    params: set,
    resolution: Resolution,
    where,
    view_bases: dict,
    tapes: dict,
) -> None:
    """Raise unless `change` is certainly seen by no other name than the changed one."""
    obj = change.obj
    shown = change.augmented.user if change.augmented is not None else obj
    what = _describe(change)
    redo = (
        f"write {shown} = {shown} {change.augmented.operator} ... (a new array) instead"
        if change.augmented is not None
        else None
    )
    if obj in params:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate {what}: {shown!r} is an argument, and the change "
            "would reach the caller's array",
            where,
            hint=redo or f"copy it first: {shown} = {shown}.copy()",
        )
    values = facts.definitions.get(obj, [])
    views = [
        d.value
        for d in values
        if isinstance(d.value, gast.Attribute) and d.value.attr in VIEW_ATTRIBUTES
    ]
    if views and change.augmented is None:
        view = views[0]
        base = S.to_source(view.value)
        raise UnsupportedOperationError(
            f"srcad cannot differentiate an assignment through {base}.{view.attr}[...]: it "
            f"changes {base} in place",
            where,
            hint=f"build a new array instead: {base} = {base}.copy(), then assign to "
            f"{base}[...] directly (or use np.where)",
        )
    own_tapes = {tape for tape, owner in tapes.items() if owner == obj}
    fresh = all(
        d.augmented
        or (d.value is not None and _fresh_value(d.value, resolution))
        or _method_of(d.value, "pop") in own_tapes
        for d in values
    )
    if not values or not fresh:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate {what}: {shown!r} may share memory with another "
            "array (a view, an alias or an argument), which would change too",
            where,
            hint=redo or f"make it a new array first: {shown} = {shown}.copy()",
        )
    for view, bases in view_bases.items():
        if obj in bases and _view_read_after(view, change, facts):
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {what}: {view!r} is a view of {shown!r} made "
                "before the change and read after it, so it would change too",
                where,
                hint=f"make the other array a copy ({view} = ....copy()) or change "
                f"{shown} before taking it",
            )
    # Sharing the object before it changes (or in a loop around the change) would let the
    # other name see the change; sharing it afterwards is harmless, and so is sharing it
    # after the change in a loop that binds a new object first at every iteration.
    # (name, position, loops, whether it keeps the objects of every iteration)
    shares = [
        (n, at, loops, False) for n, at, loops, tape in facts.escapes if tape not in own_tapes
    ]
    # Appends to its own tapes share no object that changes (`_tapes`), until the tape is
    # exposed: another read of it (returning it with the residuals) may keep its objects.
    for tape in sorted(own_tapes):
        uses = {u.position for u in facts.tape_uses[tape]}
        shares += [
            (obj, at, loops, True) for at, loops in facts.reads.get(tape, []) if at not in uses
        ]
    for name, at, escape_loops, keeps_all in shares:
        if name != obj:
            continue
        if at < change.position:
            harmful = True
        elif change.loops & escape_loops:
            # shared later in an iteration of loops around the change: harmless if those
            # loops bind a new object before the change at every iteration (unless what
            # shares it keeps every iteration's object)
            shared = change.loops & escape_loops
            harmful = keeps_all or not _defined_fresh_each_iteration(obj, change, facts, shared)
        else:
            harmful = False
        if harmful:
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {what}: another name or container refers to the "
                "same object, which would change too",
                where,
                hint=redo or f"copy before sharing it: other = {shown}.copy()",
            )


def _check_calls(fdef, resolution: Resolution, filename: str, varied: frozenset) -> None:
    """Refuse in-place array methods and `out=` on values that depend on the inputs."""
    for node in S.walk(fdef):
        if not isinstance(node, gast.Call):
            continue
        func = node.func
        if (
            isinstance(func, gast.Attribute)
            and isinstance(func.value, gast.Name)
            and func.attr in IN_PLACE_METHODS
            and resolution.calls.get(node) is not None
            and resolution.calls[node].kind in ("unknown", "method")
            and _changes_in_place(node)
            and _names(node) & varied
        ):
            obj = func.value.id
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {obj}.{func.attr}(...): it changes {obj!r} in place",
                statement_location(node, fdef, filename, fdef.name),
                hint=IN_PLACE_METHODS[func.attr].format(obj),
            )
        out = _out_argument(node, resolution)
        if out is not None and (_names(node) & varied):
            value, index = out
            rest = S.clone(node)
            rest.keywords = [k for k in rest.keywords if k.arg != "out"]
            rest.args = rest.args[:index] if index is not None else rest.args
            target = S.to_source(value) if isinstance(value, gast.Name) else "y"
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {S.to_source(node.func)}(..., out=...): writing "
                "the result into an existing array changes it in place",
                statement_location(node, fdef, filename, fdef.name),
                hint=f"write {target} = {S.to_source(rest)} instead",
            )


def _changes_in_place(call: gast.Call) -> bool:
    """byteswap changes the array only with inplace=True; the other methods always do."""
    if call.func.attr != "byteswap":
        return True
    flags = [k.value for k in call.keywords if k.arg == "inplace"] + call.args[:1]
    return any(not (isinstance(f, gast.Constant) and not f.value) for f in flags)


def _out_argument(call: gast.Call, resolution: Resolution):
    """(the array a call writes its result into, its position or None for `out=`): from
    `out=` or a ufunc's extra positional argument; None if the call writes nothing."""
    for k in call.keywords:
        if k.arg == "out" and not (isinstance(k.value, gast.Constant) and k.value.value is None):
            return k.value, None
    target = resolution.calls.get(call)
    obj = getattr(target, "obj", None)
    if isinstance(obj, np.ufunc) and len(call.args) > obj.nin:
        return call.args[obj.nin], obj.nin
    return None


def _names(node) -> set:
    return {n.id for n in S.walk(node) if isinstance(n, gast.Name)}


def check(
    fdef: gast.FunctionDef,
    resolution: Resolution,
    filename: str,
    activity: Activity,
    ndims: dict | None = None,
    kinds: dict | None = None,
    fn=None,
) -> None:
    """Raise `UnsupportedOperationError` at the first in-place change srcad would get wrong.

    `ndims` and `kinds` (from the ndims and kinds analyses) tell which names hold numbers,
    whose augmented assignments rebind instead of changing an object. Views read after a
    change are checked in the user's code only (`fn` not generated by srcad): in generated
    code differentiated again, the changes include the backward sweep's restores, which put
    back the values such views are read for (the corpus checks these at order 2)."""
    ndims, kinds = ndims or {}, kinds or {}
    varied = activity.varied
    _check_calls(fdef, resolution, filename, varied)
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    facts = collect(fdef, ndims, kinds)
    view_bases = {} if getattr(fn, "__srcad_generated__", False) else facts.views
    tapes = _tapes(facts, resolution) if facts.tape_uses and facts.changes else {}
    for change in facts.changes:
        s = change.stmt
        if change.augmented is not None:
            # srcad rebinds the name: exact for numbers and for an object no other name sees,
            # whether or not it carries a derivative (another name would keep the old value).
            if _known_immutable(change.obj, ndims, kinds):
                continue
        elif change.obj not in varied and not (_names(s.value) & varied):
            # A change of a value that depends on no input runs as written.
            continue
        _check_change(
            change, facts, params, resolution, location(s, filename, fdef.name), view_bases, tapes
        )
