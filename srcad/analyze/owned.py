"""Analyze: calls that hand a new array over to a user function that changes it in place.

Accepts a normalized function (A-normal form, control flow lowered: no ``continue``, a
``break`` only last in its loop, one ``return``) with its resolution, activity and ranks.

CFD-style helpers change an argument in place and return it (``u = bc(u)`` with ``def
bc(u): u[0] = 0; return u``). srcad differentiates such a call as a functional update when
the caller hands the array over: the callee's generated code copies the parameter first
(`Spec.owned`, `srcad.build.driver`), so its changes are changes of its own new array and
the caller's array stays as it was. That is exact when nothing can tell the two apart:

* no other name, view or container shares the argument's object at the call: every value
  the name was given is a new array (`srcad.analyze.aliasing` checks this like an item
  assignment at the call, and refuses where it fails);
* the caller never reads the name again before binding it anew (``u = bc(u)``, ``a, b =
  proj(a, b)``): not later in the function, not in the next pass of a loop around the call,
  not from a nested function;
* no other argument of the call is, or is a view of, the same array.

`find` records such calls in `Resolution.owned` (call -> the parameters handed over):
calls of plain user functions (no ``*args``/``**kwargs``) whose result is differentiated
and that are given a value carrying a derivative, where each parameter the callee may
change is given a name of an array of known rank >= 1. Any other call runs as before
(`srcad.analyze.effects` weighs its changes). A call whose arguments fail the second or
third condition is refused here, located at the user's line. What such a call returns is
new when the callee returns only new arrays or the parameters handed over
(`srcad.analyze.fresh_returns`).
"""

from __future__ import annotations

import dataclasses
import inspect
import types

import gast

from ..errors import UnsupportedOperationError
from ..fence import statement_location
from ..ir import syntax as S
from ..ir.resolution import Resolution
from .activity import Activity
from .alias_facts import Facts, collect
from .calls import bind_function
from .summaries import AUGMENTED, CHANGES, CONSTANTS, UNKNOWN, written_params


@dataclasses.dataclass(frozen=True)
class _At:
    """Where a statement runs: its order, the loops and the statement lists around it."""

    position: int
    loops: frozenset
    blocks: tuple


def find(
    fdef: gast.FunctionDef,
    resolution: Resolution,
    activity: Activity,
    kinds: dict,
    ndims: dict,
    filename: str,
) -> None:
    """Record the calls that hand arrays over (module docstring) in `resolution.owned`."""
    collected: list = []

    def facts() -> Facts:
        if not collected:
            collected.append(collect(fdef, ndims, kinds))
        return collected[0]

    walk = _Walk()
    walk.visit(fdef.body, frozenset(), ())
    nested = _names_in_nested(fdef)
    for stmt, call, at in walk.calls:
        handed = _candidates(stmt, call, resolution, activity, kinds, ndims)
        if not handed:
            continue
        where = statement_location(call, fdef, filename, fdef.name)
        label = resolution.calls[call].label
        for _, name in handed:
            why = _not_handed_over(name, stmt, call, at, walk, nested, facts)
            if why is not None:
                raise UnsupportedOperationError(
                    f"srcad cannot differentiate through this call: {label}() changes "
                    f"{name!r} in place, and {why}",
                    where,
                    hint=f"pass a copy ({label}({name}.copy(), ...)) if the caller needs "
                    f"{name!r} afterwards, or bind the result to it ({name} = {label}({name}, "
                    "...))",
                )
        resolution.owned[call] = tuple(sorted(p for p, _ in handed))


def _candidates(stmt, call, resolution, activity, kinds, ndims) -> list:
    """(parameter, argument name) for each parameter the callee may change, when the call
    qualifies (module docstring); [] otherwise."""
    target = resolution.calls.get(call)
    fn = getattr(target, "obj", None)
    if target is None or target.kind != "function" or type(fn) is not types.FunctionType:
        return []
    if fn.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return []
    if getattr(fn, "__srcad_generated__", False) or not S.names_stored(stmt) & activity.active:
        return []
    operands = set().union(*(S.names_loaded(a) for a in [*call.args, *call.keywords]))
    if not operands & activity.varied:
        return []
    summary = written_params(fn)
    bound = bind_function(call, fn)
    if summary is UNKNOWN or not summary or bound is None:
        return []
    out = []
    for param, how in summary.items():
        if how not in (CHANGES, AUGMENTED, CONSTANTS) or param not in bound.arguments:
            continue
        atom = bound.arguments[param]
        name = atom.id if isinstance(atom, gast.Name) else None
        if how == AUGMENTED and (ndims.get(name) == 0 or kinds.get(name) == "tuple"):
            continue  # `p op= v` rebinds a number or a tuple
        if name is None or ndims.get(name) == 0 or kinds.get(name) not in (None, "array"):
            return []  # not an array: effects weighs the call as before
        if how == CONSTANTS and not ndims.get(name):
            return []  # maybe an object whose attributes count calls (self.calls += 1)
        out.append((param, name))
    return out


def _not_handed_over(name, stmt, call, at: _At, walk, nested: set, facts):
    """Why the caller may still see `name`'s object after the call, or None."""
    if name in nested:
        return f"a nested function reads {name!r} (it would see the change)"
    atoms = [*call.args, *(k.value for k in call.keywords)]
    if sum(S.is_name(a, name) for a in atoms) > 1:
        return f"the call is given {name!r} twice"
    for other in atoms:
        for n in S.names_loaded(other) - {name}:
            if name in _views(facts).get(n, ()):
                return f"another argument of the call ({n!r}) is a view of {name!r}"
    if not _dead_after(name, at, walk):
        return (
            f"the caller reads {name!r} after the call (the change would show there), or in "
            "the next pass of a loop around it"
        )
    return None


def _views(facts) -> dict:
    return facts().views


def _dead_after(name: str, at: _At, walk) -> bool:
    """Whether every read of `name` that may follow the call sees a new binding first."""
    reads = walk.reads.get(name, [])
    definitions = walk.definitions.get(name, [])
    later = [d for d in definitions if d.blocks == at.blocks and d.position > at.position]
    if later:  # bound anew in the same statement list: every path after the call runs it
        rebound = min(d.position for d in later)
        return not any(at.position < r.position < rebound for r in reads)
    if any(r.position > at.position for r in reads):
        return False
    for r in reads:  # in a loop, the next pass must bind the name anew before reading it
        shared = r.loops & at.loops
        if shared and not any(
            d.position < r.position and shared <= d.loops and r.blocks[: len(d.blocks)] == d.blocks
            for d in definitions
        ):
            return False
    return True


def _names_in_nested(fdef: gast.FunctionDef) -> set:
    out = set()
    for node in S.walk(fdef):
        if node is not fdef and isinstance(node, (gast.FunctionDef, gast.Lambda)):
            out |= {n.id for n in S.walk(node) if isinstance(n, gast.Name)}
    return out


class _Walk:
    """Reads, bindings and calls of a normalized body, in execution order. A ``while``
    test is read inside its loop (it runs again after every pass)."""

    def __init__(self):
        self.position = 0
        self.reads: dict = {}  # name -> [_At]
        self.definitions: dict = {}  # name -> [_At]
        self.calls: list = []  # (statement, call, _At)

    def note(self, table: dict, names, at: _At) -> None:
        for n in names:
            table.setdefault(n, []).append(at)

    def visit(self, stmts: list, loops: frozenset, blocks: tuple) -> None:
        blocks = blocks + (id(stmts),)
        for s in stmts:
            self.position += 1
            at = _At(self.position, loops, blocks)
            if isinstance(s, gast.For):
                self.note(self.reads, S.names_loaded(s.iter), at)
                inner = _At(self.position, loops | {s}, blocks + (id(s.body),))
                self.note(self.definitions, S.names_stored(s.target), inner)
                self.visit(s.body, loops | {s}, blocks)
            elif isinstance(s, gast.While):
                self.note(
                    self.reads, S.names_loaded(s.test), _At(self.position, loops | {s}, blocks)
                )
                self.visit(s.body, loops | {s}, blocks)
            elif isinstance(s, gast.If):
                self.note(self.reads, S.names_loaded(s.test), at)
                self.visit(s.body, loops, blocks)
                self.visit(s.orelse, loops, blocks)
            else:
                self.note(self.reads, S.names_loaded(s), at)
                if isinstance(s, gast.Assign):
                    stored = set().union(*(S.names_stored(t) for t in s.targets))
                    self.note(self.definitions, stored, at)
                value = getattr(s, "value", None)
                if isinstance(value, gast.Call):
                    self.calls.append((s, value, at))
