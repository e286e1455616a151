"""Normalize, part 3: rewrites that need to know what calls refer to.

Run after `srcad.analyze.resolve`, on the normalized function and its `Resolution`. Each
rewrite keeps the A-normal form and the resolution current (a call it adds gets its target):

* ``d = dict(a=x, b=y)``, where `dict` is the builtin, becomes a dict display;
* a list or tuple display passed to a numpy function as an array argument is converted by a
  statement of its own, ``t = np.asarray([x, y])``, whose rule puts direction axes first.
"""

from __future__ import annotations

import gast
import numpy as np

from ..ir import syntax as S
from ..ir.resolution import Resolution, Target
from ..rules.template import lookup


def dict_calls_as_displays(fdef: gast.FunctionDef, resolution: Resolution) -> None:
    """``d = dict(a=x, b=y)``, where `dict` is the builtin, becomes ``d = {'a': x, 'b': y}``
    (a display every mode differentiates); other calls of dict are left for the rules."""
    for s in S.statements(fdef.body):
        call = s.value if isinstance(s, gast.Assign) else None
        if not isinstance(call, gast.Call) or call.args:
            continue
        target = resolution.calls.get(call)
        if target is None or target.obj is not dict:
            continue
        if any(k.arg is None for k in call.keywords):
            continue
        s.value = gast.Dict(
            keys=[S.const(k.arg) for k in call.keywords], values=[k.value for k in call.keywords]
        )


# Parameters that take an array (not axes, shapes or a sequence of arrays of their own).
_ARRAY_PARAMS = frozenset(
    ("a", "x", "y", "x1", "x2", "b", "ary", "arr", "m", "v", "array", "values", "val", "z", "A")
)


def _array_argument(node, param, displays) -> bool:
    return isinstance(node, gast.Name) and node.id in displays and param in _ARRAY_PARAMS


def _sequence_displays(fdef) -> set[str]:
    """The names assigned a list or tuple display (without starred items)."""
    displays = set()
    for s in S.statements(fdef.body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            if isinstance(s.value, (gast.List, gast.Tuple)) and not any(
                isinstance(e, gast.Starred) for e in s.value.elts
            ):
                displays.add(s.targets[0].id)
    return displays


def _converts_sequences(target) -> bool:
    """Whether the call is of a numpy function with a rule that converts a list argument to
    an array itself (not one that takes a sequence of arrays as such)."""
    return (
        target is not None
        and target.kind == "rule"
        and not target.rule.sequences
        and (
            type(target.obj).__name__ == "ufunc"
            or (getattr(target.obj, "__module__", "") or "").startswith("numpy")
        )
    )


def sequences_as_arrays(fdef, resolution: Resolution, fresh, bind_numpy) -> None:
    """``np.mean([x, y], axis=0)`` reads ``np.mean(np.asarray([x, y]), axis=0)``.

    A numpy function converts a list argument to an array itself; its rule, given the list's
    derivative, would too, but with the list's axis first: with a batch of directions
    (jacfwd, jacrev, hessian) those lead instead, and the result was wrong. The conversion,
    made a statement of its own, has a rule that puts them right. Functions that take a
    sequence of arrays as such (np.stack, np.concatenate...) are left as they are."""
    displays = _sequence_displays(fdef)
    if not displays:
        return
    converter = lookup(np.asarray)

    def convert(name: str, lineno) -> tuple[gast.stmt, gast.Name]:
        numpy_name = bind_numpy()  # bound only where a conversion is made
        call = S.call(gast.Attribute(S.name(numpy_name), "asarray", gast.Load()), [S.name(name)])
        resolution.calls[call] = Target("rule", np.asarray, converter, "np.asarray")
        converted = fresh(f"{name}_array")
        stmt = S.assign(converted, call)
        stmt.lineno = lineno
        return stmt, S.name(converted)

    def block(stmts: list) -> list:
        out = []
        for s in stmts:
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and not isinstance(s, gast.FunctionDef):
                    setattr(s, field, block(inner))
            call = s.value if isinstance(s, gast.Assign) else None
            if isinstance(call, gast.Call):
                target = resolution.calls.get(call)
                if _converts_sequences(target):
                    template = target.rule.vjp or target.rule.jvp
                    params = template.params if template is not None else []
                    for i, a in enumerate(call.args):
                        param = params[i] if i < len(params) else None
                        if _array_argument(a, param, displays):
                            stmt, call.args[i] = convert(a.id, getattr(s, "lineno", None))
                            out.append(stmt)
                    for k in call.keywords:
                        if _array_argument(k.value, k.arg, displays):
                            stmt, k.value = convert(k.value.id, getattr(s, "lineno", None))
                            out.append(stmt)
            out.append(s)
        return out

    fdef.body = block(fdef.body)
    # A recursive closure is a reference cycle: unbound, it and what it holds (the
    # resolution, and through it the tree) go when this returns, not at the next collection.
    block = None  # noqa: F841
