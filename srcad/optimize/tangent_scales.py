"""Scaled tangents: a chain of elementwise scalings of one tangent is applied once.

Forward mode with direction axes (``jacfwd``, ``hessian``) pushes a tangent with a leading
axis of n directions through each elementwise step: ``dt2 = t * dz; dt3 = dt2 * t9;
dt6 = dt2 - dt3`` each cost n times the primal's work. Every such step is linear in one
base tangent with a coefficient made of primal values, so the coefficients can be combined
at the primal's size and the base scaled once, as a hand-written Jacobian does:

    dt2 = t * dz                   dt3_by_dz = t * t9
    dt3 = dt2 * t9         ->      dt6_by_dz = t - dt3_by_dz
    dt6 = dt2 - dt3                dt6 = dt6_by_dz * dz

Accepts a forward-mode function body (after copy propagation and CSE) and the names of its
tangents. A chain step is an assignment ``T = P * U``, ``U * P``, ``U / N``, ``-U`` or
``U + V`` / ``U - V`` where U and V are tangents, P a primal name or a number and N a
nonzero number; its coefficient is computed by a statement in the step's own place, so it
reads exactly the primal values the step read. The steps considered lie in one run of clean
statements (one name assigned a call-free or pure value, no ``out=``, no yield): nothing in
the run changes an array in place, so the base tangent read where the chain's result is
written holds the value the first step read, unless the run rebinds it (then the chain
stops there).

Guarantees: every tangent read outside the chain steps of its run is assigned its original
value by ``T = T_by_B * B``, up to rounding: ``(a * b) * d`` for ``a * (b * d)``, with the
coefficients in their own precision (a chain's first coefficient is made inexact, ``t *
1.0``, so integer factors never wrap around; float32 factors of a float64 tangent combine
in float32). A step whose result only other steps read is replaced by its coefficient
(dead-code elimination then drops what nothing reads). A chain of one step is left as it
is. Without direction axes the coefficients are as large as the tangents and nothing is
gained: the pass is for ``batch >= 1`` and the caller runs it only then. Returns a new
statement list; the input is not modified.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import gast

from ..ir import syntax as S
from ..naming import Namer

_LINEAR_OPS = (gast.Add, gast.Sub)


@dataclasses.dataclass(frozen=True)
class _Step:
    """A chain step: `target` = `op` of tangents `operands` (and primal `factor`)."""

    index: int  # in the run
    target: str
    kind: str  # "mul", "div", "neg", "add", "sub"
    operands: tuple  # tangent names
    factor: gast.expr | None = None  # the primal factor of mul and div


def fold(body: list, tangents: frozenset, pure: Callable) -> list:
    """`body` with chains of tangent scalings applied once (see the module docstring)."""
    if not tangents:
        return body
    body = copy.deepcopy(body)
    namer = Namer(S.all_names(gast.Module(body=body, type_ignores=[])))
    counts = _Counts(body)
    return _block(body, tangents, pure, counts, namer)


class _Counts:
    """How often each name is read and assigned in the whole function (nested code too)."""

    def __init__(self, body: list) -> None:
        self.reads: dict = {}
        self.stores: dict = {}
        for node in S.walk(gast.Module(body=body, type_ignores=[])):
            if type(node) is gast.Name:
                counts = self.reads if type(node.ctx) is gast.Load else self.stores
                counts[node.id] = counts.get(node.id, 0) + 1


def _block(stmts: list, tangents, pure, counts: _Counts, namer: Namer) -> list:
    out, run = [], []
    for s in stmts:
        if _clean(s, pure) or _comment(s):
            run.append(s)
            continue
        out += _run(run, tangents, counts, namer)
        run = []
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(s, field, None), list):
                setattr(s, field, _block(getattr(s, field), tangents, pure, counts, namer))
        for handler in getattr(s, "handlers", None) or ():
            handler.body = _block(handler.body, tangents, pure, counts, namer)
        out.append(s)
    return out + _run(run, tangents, counts, namer)


def _comment(s) -> bool:
    """A comment marker (`srcad.emit.add_comments`): a string as a statement."""
    return type(s) is gast.Expr and type(s.value) is gast.Constant and type(s.value.value) is str


def _clean(s, pure) -> bool:
    """One name assigned a value whose evaluation changes nothing."""
    if type(s) is not gast.Assign or len(s.targets) != 1 or type(s.targets[0]) is not gast.Name:
        return False
    nodes = list(S.walk(s.value))
    if any(type(n) in _SUSPENDING_OR_BINDING for n in nodes):
        return False
    calls = [n for n in nodes if type(n) is gast.Call]
    if any(k.arg == "out" for c in calls for k in c.keywords):
        return False
    if any(getattr(c.func, "attr", None) in _CHANGING_HELPERS for c in calls):
        return False
    return not calls or pure(s.value)


# A value that binds a name of its own or hands control elsewhere (where the caller may
# change an array) is not part of a run.
_SUSPENDING_OR_BINDING = (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await)
# Runtime helpers that change their argument: the purity test of dead-code elimination
# keeps their calls (their results are read), but here a run must change nothing.
_CHANGING_HELPERS = frozenset(
    ("restore_item", "write_cell", "container_pop", "list_append", "list_extend", "list_insert")
)


def _run(run: list, tangents, counts: _Counts, namer: Namer) -> list:
    """The statements of one clean run, its chains folded."""
    steps = {
        i: step
        for i, s in enumerate(run)
        if type(s) is gast.Assign and (step := _step(i, s, tangents))
    }
    if len(steps) < 2:
        return run
    needed = _needed(steps, counts)
    bases: dict = {}
    while True:  # steps demoted (operands of different bases) make their operands needed
        bases, demoted = _bases(run, steps, needed)
        if not demoted:
            break
        for i in demoted:
            needed |= set(steps.pop(i).operands)
    return _emit(run, steps, needed, bases, namer)


def _step(i: int, s, tangents) -> _Step | None:
    target, value = s.targets[0].id, s.value
    if type(value) is gast.UnaryOp and type(value.op) is gast.USub:
        if _is_tangent(value.operand, tangents):
            return _Step(i, target, "neg", (value.operand.id,))
        return None
    if type(value) is not gast.BinOp:
        return None
    left, right, op = value.left, value.right, type(value.op)
    if op in (gast.Add, gast.Sub) and _is_tangent(left, tangents):
        if _is_tangent(right, tangents):
            return _Step(i, target, "add" if op is gast.Add else "sub", (left.id, right.id))
        return None
    if op is gast.Mult:
        if _is_tangent(right, tangents) and _is_factor(left, tangents):
            return _Step(i, target, "mul", (right.id,), left)
        if _is_tangent(left, tangents) and _is_factor(right, tangents):
            return _Step(i, target, "mul", (left.id,), right)
    # Divided by a name, the coefficient 1 / P of Python numbers would raise for P == 0
    # where the tangent (an array) gave inf: only nonzero numbers divide.
    if op is gast.Div and _is_tangent(left, tangents) and _is_factor(right, tangents):
        if type(right) is gast.Constant and right.value != 0:
            return _Step(i, target, "div", (left.id,), right)
    return None


def _is_tangent(node, tangents) -> bool:
    return type(node) is gast.Name and node.id in tangents


def _is_factor(node, tangents) -> bool:
    if type(node) is gast.Constant:
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return type(node) is gast.Name and node.id not in tangents


def _needed(steps: dict, counts: _Counts) -> set:
    """The steps' targets that must hold their values: all but those assigned once in the
    whole function and read only by later steps of this run."""
    later_reads: dict = {}  # target -> its reads by steps after its own
    index_of = {step.target: i for i, step in steps.items()}
    for i, step in steps.items():
        for name in step.operands:
            if index_of.get(name, i) < i:
                later_reads[name] = later_reads.get(name, 0) + 1
    return {
        step.target
        for step in steps.values()
        if counts.stores.get(step.target) != 1
        or counts.reads.get(step.target, 0) != later_reads.get(step.target, 0)
    }


def _bases(run: list, steps: dict, needed: set) -> tuple[dict, list]:
    """{step index: (base, first index)}: the tangent each step scales and the index of its
    chain's first step; and the steps that are not chains (operands of different bases, or
    a base the run rebinds after the chain's first step)."""
    scaled: dict = {}  # a step's target not needed -> (base, first index)
    bases, demoted = {}, []
    last_store: dict = {}  # name -> index of its latest assignment in the run so far
    for i, s in enumerate(run):
        step, target = steps.get(i), s.targets[0].id if type(s) is gast.Assign else None
        found = {scaled.get(name, (name, i)) for name in step.operands} if step else set()
        scaled.pop(target, None)
        if step is not None:
            base, first = min(found, key=lambda bf: bf[1])
            if {b for b, _ in found} != {base} or last_store.get(base, -1) > first:
                demoted.append(i)
            else:
                bases[i] = (base, first)
                if target not in needed:
                    scaled[target] = bases[i]
        last_store[target] = i
    return bases, demoted


def _emit(run: list, steps: dict, needed: set, bases: dict, namer: Namer) -> list:
    out, coefficient = [], {}  # tangent -> the name of its coefficient (absent: 1)
    for i, s in enumerate(run):
        step = steps.get(i)
        if step is None:
            out.append(s)
            continue
        base = bases[i][0]
        if step.target in needed and not any(name in coefficient for name in step.operands):
            out.append(s)  # one scaling of the base: as it is
            continue
        expr = _coefficient(step, coefficient)
        name = namer.fresh(f"{step.target}_by_{base}")
        out.append(S.copy_location(S.assign(name, expr), s))
        if step.target in needed:
            value = gast.BinOp(left=S.name(name), op=gast.Mult(), right=S.name(base))
            out.append(S.copy_location(S.assign(step.target, value), s))
        else:
            coefficient[step.target] = name
    return out


def _coefficient(step: _Step, coefficient: dict) -> gast.expr:
    def of(name):
        found = coefficient.get(name)
        return S.name(found) if found is not None else S.const(1.0)

    if step.kind == "neg":
        return gast.UnaryOp(op=gast.USub(), operand=of(step.operands[0]))
    if step.kind in ("add", "sub"):
        op = gast.Add() if step.kind == "add" else gast.Sub()
        return gast.BinOp(left=of(step.operands[0]), op=op, right=of(step.operands[1]))
    factor = copy.deepcopy(step.factor)
    operand = step.operands[0]
    if step.kind == "div":
        return gast.BinOp(left=of(operand), op=gast.Div(), right=factor)
    if operand in coefficient:
        return gast.BinOp(left=of(operand), op=gast.Mult(), right=factor)
    # The first coefficient of a chain is made inexact: two integer factors (uint8 pixels)
    # multiplied in their own type would wrap around, where each scaled a float tangent.
    if type(factor) is gast.Constant:
        return S.const(float(factor.value) if type(factor.value) is int else factor.value)
    return gast.BinOp(left=factor, op=gast.Mult(), right=S.const(1.0))
