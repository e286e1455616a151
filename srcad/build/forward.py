"""Assemble a forward-mode (jvp) function from the forward transform.

The generated function takes the primal parameters, then one argument ``tangents``: a tuple
with a tangent for each differentiated parameter. It returns ``(out, tangent_out)``, or
``((out, aux), tangent_out)`` with has_aux (``(None, tangent_out)`` for a spec with
``tangent_only``). With direction axes (jacfwd), the batch shape is
read off the first tangent.
"""

from __future__ import annotations

import gast

from .. import emit, runtime
from ..ir import syntax as S
from ..naming import DerivedNames
from ..transform import accumulate, forward
from .analysis import Facts, Unit, environment
from .modes import PassContext, optimize
from .purity import purity


def build(unit: Unit, facts: Facts) -> dict:
    spec, namer, binder = unit.spec, unit.namer, unit.binder
    env = environment(unit, facts)
    stmts = forward.block(unit.fdef.body[:-1], env)
    tangent = DerivedNames(namer, "d")
    for p in spec.wrt:
        tangent[p]  # the parameters' tangents are named first, in order
    rt = binder.bind("rt", runtime)
    tangents_name = namer.fresh("tangents")
    prologue, batch_expr = _prologue(unit, tangent, tangents_name, rt)
    lowering = accumulate.Lowering(
        False, tangent.__getitem__, facts.kinds, rt, batch_expr, binder.resolve
    )
    state = accumulate.State(live=set(spec.wrt), defined=set(facts.params))
    lowered = lowering.block(stmts, state)
    unit.stages.keep("transform", lowered)
    output, aux = facts.output, facts.aux
    tangent_out = S.name(tangent[output]) if output in state.live else lowering.zeros(output)
    value = S.name(output) if aux is None else S.tuple_([S.name(output), S.name(aux)])
    if spec.tangent_only:
        value = S.const(None)
    ret = gast.Return(value=S.tuple_([value, tangent_out]))
    body = emit.add_comments(prologue + lowered, unit.parsed.name, unit.parsed.filename)
    context = PassContext(
        purity(binder),
        resolve=binder.resolve,
        batch=spec.batch,
        tangents=frozenset(name for _, name in tangent.items()),
    )
    body = optimize(body + [ret], spec.mode, context)
    fname = namer.fresh(f"jvp_{unit.parsed.name}")
    return {"main": S.function_def(fname, facts.params + [tangents_name], body)}


def _prologue(unit: Unit, tangent: DerivedNames, tangents_name: str, rt: str):
    """Unpack the tangents argument; with direction axes, read their shape."""
    spec, prologue = unit.spec, []
    if spec.wrt:
        names = [S.name(tangent[p], store=True) for p in spec.wrt]
        prologue.append(S.assign(S.tuple_(names, store=True), S.name(tangents_name)))
    if not spec.batch:
        return prologue, None
    batch_name = unit.namer.fresh("directions")
    # the first tangent with a leaf (a tuple of residuals may be empty)
    shape = S.call(
        gast.Attribute(S.name(rt), "direction_shape", gast.Load()),
        [
            S.tuple_([S.name(tangent[p]) for p in spec.wrt]),
            S.tuple_([S.name(p) for p in spec.wrt]),
            S.const(spec.batch),
        ],
    )
    prologue.append(S.assign(batch_name, shape))
    return prologue, S.name(batch_name)
