"""Lowering d-notation to concrete derivative code, with static zero tracking.

Accepts statements in d-notation (see `srcad.transform.dnotation`) in execution order: the
forward sweep for tangents, the backward sweep for adjoints. Guarantees: every `Deriv`,
`Zero`, `Block` and `Reset` is gone; a derivative that is known to be zero is never computed
nor stored; the first contribution to an adjoint is an assignment (``bx = ...``), later ones
add (``bx = bx + ...``, or `add` for containers); where control flow joins paths on which a
derivative is zero on one side only, that side materializes it (``bx = zeros_like(x)``),
so that after the join the derivative variable always holds a value. `Save`/`Restore` pass
through for `srcad.transform.tbr`.

The state (which derivatives hold a value, which temporaries are zero, which primal names
may be bound) is passed explicitly from statement to statement.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import gast

from ..analyze.kinds import ARRAY
from ..ir import syntax as S
from ..ir.dnotation import Block, Deriv, Materialize, Reset, Restore, Save, SetDerivative, Zero
from .zeros import Simplifier


@dataclasses.dataclass
class State:
    live: set  # primal names whose derivative variable holds a value
    zero_temps: set = dataclasses.field(default_factory=set)
    defined: set = dataclasses.field(default_factory=set)  # primal names maybe bound here

    def copy(self) -> State:
        return State(set(self.live), set(self.zero_temps), set(self.defined))


@dataclasses.dataclass(frozen=True)
class Lowering:
    reverse: bool  # adjoints (accumulate) or tangents (define)
    derived: Callable[[str], str]  # primal name -> derivative name
    kinds: dict
    rt: str  # the generated name of srcad.runtime
    batch: gast.expr | None  # expression of the direction shape, or None
    resolve: Callable  # callee expression -> object (for linearity)

    # ------------------------------------------------------------------ helpers

    def zeros(self, like) -> gast.expr:
        """``zeros_like(v)``: `like` is a primal name or a constant expression."""
        if like is None:
            raise AssertionError("srcad internal error: a zero without a shape must be used")
        args = [S.name(like) if isinstance(like, str) else S.clone(like)]
        if self.batch is not None:
            args.append(S.clone(self.batch))
        return S.call(gast.Attribute(S.name(self.rt), "zeros_like", gast.Load()), args)

    def _simplifier(self) -> Simplifier:
        return Simplifier(self.resolve, self.zeros)

    def _reads(self, node, state: State):
        """Replace derivative reads by names or zeros."""
        if isinstance(node, Deriv):
            if node.id is None:
                return Zero(like=None)
            if node.id in state.live:
                return S.name(self.derived(node.id))
            return Zero(like=node.id)
        if (
            isinstance(node, gast.Name)
            and isinstance(node.ctx, gast.Load)
            and (node.id in state.zero_temps)
        ):
            return Zero(like=None)
        fields = node.__dict__
        for field in node._fields:
            value = fields.get(field)
            if type(value) is list:
                fields[field] = [
                    self._reads(v, state) if isinstance(v, gast.AST) else v for v in value
                ]
            elif isinstance(value, gast.AST):
                fields[field] = self._reads(value, state)
        return node

    def _value(self, node, state: State):
        return self._simplifier().expr(self._reads(node, state))

    def _materialize(self, name: str) -> gast.Assign:
        return S.assign(self.derived(name), self.zeros(name))

    # ------------------------------------------------------------------ statements

    def block(self, stmts: list, state: State) -> list:
        out: list = []
        for s in stmts:
            lowered = self.statement(s, state)
            lineno = getattr(s, "lineno", None)
            if lineno is not None:
                for new in lowered:
                    if getattr(new, "lineno", None) is None:
                        new.lineno = lineno
                        new.col_offset = getattr(s, "col_offset", 0)
            out.extend(lowered)
        return out

    def statement(self, s, state: State) -> list:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], Deriv):
            return self._derivative_assign(s, state)
        if isinstance(s, Block):
            if self.reverse and not any(src in state.live for src in s.sources):
                return []
            return self.block(s.body, state)
        if isinstance(s, Reset):
            state.live.discard(s.id)
            return []
        if isinstance(s, Materialize):
            if s.id in state.live:
                return []
            state.live.add(s.id)
            return [self._materialize(s.id)]
        if isinstance(s, SetDerivative):
            value = self._value(s.value, state)
            if isinstance(value, Zero):
                state.live.discard(s.id)
                return []
            state.live.add(s.id)
            return [S.assign(self.derived(s.id), value)]
        if isinstance(s, (Save, Restore)):
            return [s]
        if isinstance(s, gast.If):
            return self._if(s, state)
        if isinstance(s, (gast.For, gast.While)):
            return self._loop(s, state)
        if isinstance(s, gast.Assign) and _mentions_derivatives(s, state):
            value = self._value(s.value, state)
            targets = s.targets
            if isinstance(value, Zero) and len(targets) == 1 and isinstance(targets[0], gast.Name):
                state.zero_temps.add(targets[0].id)
                return []
            s.value = self._simplifier().force(value)
            for t in S.names_stored(s):
                state.zero_temps.discard(t)
                state.defined.add(t)
            return [s]
        if _mentions_derivatives(s, state):
            s = self._reads(s, state)
            s = _force_all(s, self._simplifier())
        for t in S.names_stored(s):
            state.zero_temps.discard(t)
            state.defined.add(t)
        return [s]

    def _derivative_assign(self, s: gast.Assign, state: State) -> list:
        name = s.targets[0].id
        value = self._value(s.value, state)
        if name is None:
            return []
        target = self.derived(name)
        if not self.reverse:
            if isinstance(value, Zero):
                state.live.discard(name)
                return []
            state.live.add(name)
            return [S.assign(target, value)]
        if isinstance(value, Zero):
            return []
        if name in state.live:
            if self.kinds.get(name) == ARRAY:
                value = S.binop(S.name(target), gast.Add(), value)
            else:
                value = S.call(
                    gast.Attribute(S.name(self.rt), "add", gast.Load()), [S.name(target), value]
                )
        state.live.add(name)
        return [S.assign(target, value)]

    def _if(self, s: gast.If, state: State) -> list:
        test = s.test
        if _mentions_derivatives(test, state):
            test = _force_all(self._reads(test, state), self._simplifier())
        body_state, else_state = state.copy(), state.copy()
        body = self.block(s.body, body_state)
        orelse = self.block(s.orelse, else_state)
        for name in sorted(body_state.live ^ else_state.live):
            branch, branch_state = (
                (orelse, else_state) if name in body_state.live else (body, body_state)
            )
            if self.reverse or name in branch_state.defined:
                branch.append(self._materialize(name))
        state.live = body_state.live | else_state.live
        state.defined = body_state.defined | else_state.defined
        state.zero_temps = body_state.zero_temps & else_state.zero_temps
        if self.reverse and not _has_effect(body) and not _has_effect(orelse):
            return []
        return [gast.If(test=test, body=body or [gast.Pass()], orelse=orelse)]

    def _loop(self, s, state: State) -> list:
        # Lower copies of the body until the derivatives live at its entry stop growing
        # (the next iteration sees what this one left live). The last copy, lowered from
        # the entry set that holds, is the loop's body.
        entry = set(state.live)
        body = None
        for _ in range(len(entry) + 8):
            trial = state.copy()
            trial.live = set(entry)
            lowered = self.block(S.clone(s.body), trial)
            if trial.live <= entry:
                body, body_state = lowered, trial
                break
            entry |= trial.live
        pre = []
        for name in sorted(entry - state.live):
            if self.reverse or name in state.defined:
                pre.append(self._materialize(name))
        if body is None:  # not settled in the trials: lower once more from the union
            body_state = state.copy()
            body_state.live = set(entry)
            body = self.block(s.body, body_state)
        for name in sorted(entry - body_state.live):
            if self.reverse or name in body_state.defined:
                body.append(self._materialize(name))
        state.live = entry
        state.defined |= body_state.defined
        loop = copy.copy(s)
        loop.body = body or [gast.Pass()]
        return pre + [loop]


def _mentions_derivatives(node, state: State) -> bool:
    for n in S.walk(node):
        if isinstance(n, (Deriv, Zero)):
            return True
        if isinstance(n, gast.Name) and n.id in state.zero_temps:
            return True
    return False


def _force_all(node, simplifier: Simplifier):
    for field, value in gast.iter_fields(node):
        if isinstance(value, list):
            setattr(
                node,
                field,
                [
                    simplifier.force(simplifier.expr(v))
                    if isinstance(v, gast.expr)
                    else (_force_all(v, simplifier) if isinstance(v, gast.AST) else v)
                    for v in value
                ],
            )
        elif isinstance(value, gast.expr):
            setattr(node, field, simplifier.force(simplifier.expr(value)))
        elif isinstance(value, gast.AST):
            setattr(node, field, _force_all(value, simplifier))
    return node


def _has_effect(stmts: list) -> bool:
    return any(not isinstance(s, gast.Pass) for s in stmts)
