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
from ..ir.resolution import Resolution
from ..rules.registry import Effect, method_entry
from .activity import Activity
from .alias_facts import (
    Change,
    Facts,
    _fresh_value,
    _is_pop,
    _method_of,
    collect,
)
from .calls import bind_function


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


def _describe(change: Change) -> tuple[str, str, str | None]:
    """(what the change is, the name to show, what to write instead) for messages."""
    if change.method is not None:
        obj = change.obj
        return (
            f"{obj}.{change.method}(...) (it changes the list {obj!r} names in place)",
            obj,
            f"build a new list instead: {obj} = {obj} + [value], or {obj} = list({obj}) first",
        )
    if change.call is not None:
        obj = change.obj
        return (
            f"the call of {change.call}(), which changes {obj!r} in place",
            obj,
            f"pass a copy: {change.call}({obj}.copy(), ...)",
        )
    if change.augmented is not None:
        name, op = change.augmented.user, change.augmented.operator
        what = f"{name} {op}= ... (it changes the array {name!r} names in place)"
        return what, name, f"write {name} = {name} {op} ... (a new array) instead"
    return f"an item assignment to {change.obj!r}", change.obj, None


def _check_change(change: Change, facts: Facts, context: _Context, where) -> None:
    """Raise unless `change` is certainly seen by no other name than the changed one."""
    what, shown, redo = _describe(change)
    if change.obj in context.params:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate {what}: {shown!r} is an argument, and the change "
            "would reach the caller's object",
            where,
            hint=redo or f"copy it first: {shown} = {shown}.copy()",
        )
    _refuse_view_attribute(change, facts, where)
    own_tapes = {tape for tape, owner in context.tapes.items() if owner == change.obj}
    _refuse_shared_definition(change, facts, context, own_tapes, where)
    for view, bases in context.view_bases.items():
        if change.obj in bases and _view_read_after(view, change, facts):
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {what}: {view!r} is a view of {shown!r} (or "
                "holds one) made before the change and read after it, so it would change too",
                where,
                hint=f"make the other array a copy ({view} = ....copy()) or change "
                f"{shown} before taking it",
            )
    if _shared_before(change, facts, own_tapes):
        raise UnsupportedOperationError(
            f"srcad cannot differentiate {what}: another name or container refers to the "
            "same object, which would change too",
            where,
            hint=redo or f"copy before sharing it: other = {shown}.copy()",
        )


def _refuse_view_attribute(change: Change, facts: Facts, where) -> None:
    """y.flat[i] = v (the name holds y.flat, y.real...): it changes y, not a new array."""
    if change.augmented is not None or change.method is not None:
        return
    for d in facts.definitions.get(change.obj, []):
        entry = (
            method_entry(np.ndarray, d.value.attr) if isinstance(d.value, gast.Attribute) else None
        )
        if entry is not None and entry.refused_write:
            base = S.to_source(d.value.value)
            raise UnsupportedOperationError(
                f"srcad cannot differentiate an assignment through {base}.{d.value.attr}[...]: "
                f"it changes {base} in place",
                where,
                hint=entry.refused_write.replace("{0}", base),
            )


def _refuse_shared_definition(change, facts: Facts, context, own_tapes: set, where) -> None:
    """Every value the changed name was given must be a new object (or its own tape's)."""
    # only the definitions that may reach the change: before it, or in a loop around it
    values = [
        d
        for d in facts.definitions.get(change.obj, [])
        if d.position < change.position or d.loops & change.loops
    ]
    fresh = all(
        d.augmented
        or (d.value is not None and _fresh_value(d.value, context.resolution))
        or _method_of(d.value, "pop") in own_tapes
        or _fresh_temporary(d.value, facts, context)
        for d in values
    )
    if values and fresh:
        return
    what, shown, redo = _describe(change)
    raise UnsupportedOperationError(
        f"srcad cannot differentiate {what}: {shown!r} may share memory with another "
        "object (a view, an alias, an item of a container or an argument), which would "
        "change too",
        where,
        hint=redo or f"make it a new array first: {shown} = {shown}.copy()",
    )


def _fresh_temporary(value, facts: Facts, context) -> bool:
    """``a = t`` where `t` is read nowhere else and only ever given new objects (normal form
    names the new array of ``a = a * x`` first: ``t = a * x; a = t``)."""
    if not isinstance(value, gast.Name) or len(facts.reads.get(value.id, ())) != 1:
        return False
    definitions = facts.definitions.get(value.id, [])
    return bool(definitions) and all(
        d.value is not None and not d.augmented and (_fresh_value(d.value, context.resolution))
        for d in definitions
    )


def _shared_before(change: Change, facts: Facts, own_tapes: set) -> bool:
    """Whether another name or container shares the object before it changes (or in a loop
    around the change): it would see the change. Sharing it afterwards is harmless, and so
    is sharing it after the change in a loop that binds a new object first at every
    iteration."""
    obj = change.obj
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
            return True
        shared = change.loops & escape_loops
        if shared and (keeps_all or not _defined_fresh_each_iteration(obj, change, facts, shared)):
            return True
    return False


@dataclasses.dataclass(frozen=True)
class _Context:
    params: set
    resolution: Resolution
    view_bases: dict
    tapes: dict


def _check_calls(fdef, resolution: Resolution, filename: str, varied: frozenset) -> None:
    """Refuse in-place array methods and `out=` on values that depend on the inputs."""
    for node in S.walk(fdef):
        if not isinstance(node, gast.Call):
            continue
        func = node.func
        if (
            isinstance(func, gast.Attribute)
            and isinstance(func.value, gast.Name)
            and _in_place_method(func.attr) is not None
            and resolution.calls.get(node) is not None
            and resolution.calls[node].kind in ("unknown", "method")
            and _changes_in_place(node)
            and _names(node) & varied
        ):
            obj = func.value.id
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {obj}.{func.attr}(...): it changes {obj!r} in place",
                statement_location(node, fdef, filename, fdef.name),
                hint=_in_place_method(func.attr).hint_for(obj),
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


def _in_place_method(name: str):
    """The registry entry of the array method `name` if it changes the array in place
    (x.sort(), x.fill(v)); operators' methods (__iadd__...) are the augmented assignments'."""
    entry = method_entry(np.ndarray, name)
    if entry is None or entry.effect is not Effect.WRITES or name.startswith("__"):
        return None
    return entry


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
    owned: tuple = (),
) -> None:
    """Raise `UnsupportedOperationError` at the first in-place change srcad would get wrong.

    `ndims` and `kinds` (from the ndims and kinds analyses) tell which names hold numbers,
    whose augmented assignments rebind instead of changing an object. Views read after a
    change, and the list methods srcad models, are checked in the user's code only (`fn` not
    generated by srcad): in generated code differentiated again, the changes include the
    backward sweep's restores, which put back the values such views are read for, and its
    lists are tapes (the corpus checks these at order 2). A call that hands an array over
    to a user function (`Resolution.owned`) counts as a change of it at the call; `owned`:
    the parameters handed over to this function, which its code copies first."""
    ndims, kinds = ndims or {}, kinds or {}
    varied = activity.varied
    _check_calls(fdef, resolution, filename, varied)
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    params -= set(owned)
    facts = collect(fdef, ndims, kinds)
    if resolution.owned:
        facts.changes.extend(_handed_over(fdef, resolution, facts))
    generated = getattr(fn, "__srcad_generated__", False)
    tapes = _tapes(facts, resolution) if facts.tape_uses and facts.changes else {}
    context = _Context(params, resolution, {} if generated else facts.views, tapes)
    for change in facts.changes:
        if change.call is None and _harmless(change, facts, varied, ndims, kinds, generated):
            continue
        where = location(change.stmt, filename, fdef.name)
        _check_change(change, facts, context, where)


def _handed_over(fdef, resolution: Resolution, facts: Facts) -> list:
    """The changes of the arrays calls hand over (srcad.analyze.owned), at the calls."""
    out = []
    for s in S.statements(fdef.body):
        call = getattr(s, "value", None)
        params = resolution.owned.get(call) if isinstance(call, gast.Call) else None
        if not params:
            continue
        bound = bind_function(call, resolution.calls[call].obj)
        label = resolution.calls[call].label
        for p in params:
            out.append(Change(s, bound.arguments[p].id, *facts.at[id(s)], call=label))
    return out


def _harmless(
    change: Change, facts: Facts, varied, ndims: dict, kinds: dict, generated: bool
) -> bool:
    """Changes that need no check: `x op= v` on a number or a tuple (srcad rebinds the name,
    which is exact there), and other changes that involve no value depending on an input
    (they run as written)."""
    s = change.stmt
    if change.augmented is not None:
        # srcad rebinds the name: exact for numbers and for an object no other name sees,
        # whether or not it carries a derivative (another name would keep the old value).
        container = change.augmented.container
        if container is not None and _numbers_only(container, facts, ndims):
            return True  # l[i] += v on a list of numbers: no item is changed in place
        return _known_immutable(change.obj, ndims, kinds)
    if change.method is not None:
        return generated or (change.obj not in varied and not (_names(s.value) & varied))
    return change.obj not in varied and not (_names(s.value) & varied)


def _numbers_only(container: str, facts: Facts, ndims: dict) -> bool:
    """Whether every item a list or dict can hold is a number (so that no item is an array
    changed in place): it is only ever built by displays, or repetitions of displays, of
    numbers, and given numbers by item assignments and list methods."""
    values = [d.value for d in facts.definitions.get(container, [])]
    if not values:
        return False
    for value in values:
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult):
            value = value.left if isinstance(value.left, (gast.List, gast.Tuple)) else value.right
        if isinstance(value, (gast.List, gast.Tuple)):
            items = value.elts
        elif isinstance(value, gast.Dict):
            items = value.values
        else:
            return False
        if not all(_number(e, ndims) for e in items):
            return False
    for change in facts.changes:
        if change.obj != container or change.augmented is not None:
            continue
        stored = change.stmt.value
        if change.method == "extend":
            return False  # the items of another list: not followed here
        if change.method is not None:
            args = stored.args if isinstance(stored, gast.Call) else []
            stored = args[-1] if change.method in ("append", "insert") and args else None
        if stored is not None and not _number(stored, ndims):
            return False
    return True


def _number(node, ndims: dict) -> bool:
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (int, float, complex, bool))
    return isinstance(node, gast.Name) and ndims.get(node.id) == 0
