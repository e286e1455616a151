"""Assemble a forward-mode (jvp) function from the forward transform.

The generated function takes the primal parameters, then one argument ``tangents``: a tuple
with a tangent for each differentiated parameter. It returns ``(out, tangent_out)``.
"""

from __future__ import annotations

import gast

from .. import emit, runtime
from ..analyze import activity as activity_mod
from ..analyze import aliasing
from ..analyze import kinds as kinds_mod
from ..analyze import ndims as ndims_mod
from ..analyze.resolve import refuse_index_tricks
from ..ir import syntax as S
from ..naming import DerivedNames
from ..optimize import dce
from ..optimize.propagate import propagate
from . import accumulate, apply, forward


def build(parsed, fdef, spec, namer, binder, resolution, guards, stages, callee) -> dict:
    from ..pipeline import _output_name, _param_names, _purity

    params = _param_names(fdef)
    output, aux = _output_name(fdef, spec, namer)
    kinds = kinds_mod.infer(fdef, dict(spec.kinds), resolution)
    act = activity_mod.analyze(fdef, set(spec.wrt), {output}, resolution)
    refuse_index_tricks(fdef, resolution, act.varied, parsed.filename)
    ndims = ndims_mod.infer(fdef, spec.ndims, resolution)
    aliasing.check(fdef, resolution, parsed.filename, act, ndims, kinds, parsed.fn)

    env = apply.Env(
        resolution,
        act,
        kinds,
        namer.fresh,
        spec.batch,
        binder.bind,
        parsed.filename,
        parsed.name,
        callee,
        ndims,
    )
    body = fdef.body[:-1]
    stmts = forward.block(body, env)
    tangent = DerivedNames(namer, "d")
    for p in spec.wrt:
        tangent[p]
    rt = binder.bind("rt", runtime)
    batch_expr = None
    prologue = []
    tangents_name = namer.fresh("tangents")
    if spec.wrt:
        unpack = S.assign(
            S.tuple_([S.name(tangent[p], store=True) for p in spec.wrt], store=True),
            S.name(tangents_name),
        )
        prologue.append(unpack)
    if spec.batch:
        batch_name = namer.fresh("directions")
        first = tangent[spec.wrt[0]]
        prologue.append(
            S.assign(
                batch_name,
                S.call(
                    gast.Attribute(S.name(rt), "direction_shape", gast.Load()),
                    [S.name(first), S.name(spec.wrt[0]), S.const(spec.batch)],
                ),
            )
        )
        batch_expr = S.name(batch_name)
    lowering = accumulate.Lowering(
        False, tangent.__getitem__, kinds, rt, batch_expr, binder.resolve
    )
    state = accumulate.State(live=set(spec.wrt), defined=set(params))
    lowered = lowering.block(stmts, state)
    stages.keep("transform", lowered)
    if output in state.live:
        tangent_out = S.name(tangent[output])
    else:
        tangent_out = lowering.zeros(output)
    value = S.name(output) if aux is None else S.tuple_([S.name(output), S.name(aux)])
    ret = gast.Return(value=S.tuple_([value, tangent_out]))
    body = emit.add_comments(prologue + lowered, parsed.name, parsed.filename)
    body = dce.eliminate(propagate(body + [ret]), set(), _purity(binder))
    fname = namer.fresh(f"jvp_{parsed.name}")
    out = S.function_def(fname, params + [tangents_name], body)
    return {"main": out}
