"""Assemble reverse-mode functions from the reverse transform's sweeps.

`Mode.GRAD` and `Mode.VALUE_AND_GRAD` give one function: the forward sweep, the seed
(``b_out = rt.scalar_seed(out)``, which checks that the output is a real scalar), the
backward sweep, and the gradients returned. `Mode.VJP` gives two: a forward function
returning the outputs and the residuals the backward sweep reads, and a backward function
taking them and the output's cotangent. Each function then goes through its mode's passes.
`Mode.TRACE` gives VJP's two functions, the backward one instrumented (`srcad.build.trace`).
"""

from __future__ import annotations

import dataclasses

import gast

from .. import emit, runtime
from ..analyze import ndims as ndims_mod
from ..ir import syntax as S
from ..naming import DerivedNames
from ..optimize import dce
from ..transform import accumulate, reverse, tbr
from . import trace
from .analysis import Facts, Unit, environment
from .modes import Mode, PassContext, optimize
from .purity import keeping_call, purity


@dataclasses.dataclass
class Swept:
    """The two sweeps, lowered and commented, and what the backward one ends with."""

    forward: list
    backward: list
    grads: list  # one expression per differentiated parameter
    seed: str  # the name of the output's adjoint
    scalars: dict  # adjoint names known to be real scalars -> their value if constant
    keep: frozenset  # the user's variables and their adjoints (named as the user named them)
    adjoints: dict  # primal name -> the name of its adjoint


def build(unit: Unit, facts: Facts) -> dict:
    swept = _sweeps(unit, facts)
    if unit.spec.mode.gradient:
        return {"main": _gradient_function(unit, facts, swept)}
    functions = _split_functions(unit, facts, swept)
    if unit.spec.mode is Mode.TRACE:
        functions["bwd"] = trace.instrument(functions["bwd"], unit, swept.seed, swept.adjoints)
    return functions


def _sweeps(unit: Unit, facts: Facts) -> Swept:
    spec, namer, binder = unit.spec, unit.namer, unit.binder
    env = environment(unit, facts)
    sweeps = reverse.sweeps(unit.fdef, env)
    adjoint = DerivedNames(namer, "b")
    seed = adjoint[facts.output]
    rt = binder.bind("rt", runtime)
    batch_stmts, batch_expr = [], None
    if spec.batch:
        directions = namer.fresh("directions")
        leading = gast.Attribute(S.name(rt), "leading_shape", gast.Load())
        batch_stmts = [S.assign(directions, S.call(leading, [S.name(seed), S.const(spec.batch)]))]
        batch_expr = S.name(directions)
    lowering = accumulate.Lowering(
        True, adjoint.__getitem__, facts.kinds, rt, batch_expr, binder.resolve
    )
    state = accumulate.State(live={facts.output})
    backward = lowering.block(sweeps.backward, state)
    saved = tbr.materialize(
        sweeps.forward, backward, namer.fresh, sweeps.needs_none_init, set(facts.params)
    )
    unit.stages.keep("transform", saved.prologue + saved.forward + saved.backward)
    grads = [S.name(adjoint[p]) if p in state.live else lowering.zeros(p) for p in spec.wrt]
    # The backward sweep starts where the forward sweep ends: one comment covers both.
    name, filename = unit.parsed.name, unit.parsed.filename
    last_line: list = [None]
    forward = emit.add_comments(saved.prologue + saved.forward, name, filename, previous=last_line)
    backward = batch_stmts + emit.add_comments(saved.backward, name, filename, previous=last_line)
    scalars = {
        adjoint[n]: None
        for n, rank in env.ndims.items()
        if rank == 0 and n in adjoint and not spec.batch
    }
    # The user's variables, also where normalization renamed them (y2 for a second y).
    users = namer.original | {n for n, base in namer.base_of.items() if base in namer.original}
    keep = frozenset(users) | {name for primal, name in adjoint.items() if primal in users}
    return Swept(forward, backward, grads, seed, scalars, keep, dict(adjoint.items()))


def _gradient_function(unit: Unit, facts: Facts, swept: Swept) -> gast.FunctionDef:
    spec, namer = unit.spec, unit.namer
    rt = unit.binder.bind("rt", runtime)
    output, aux = facts.output, facts.aux
    seed_stmt = S.assign(
        swept.seed,
        S.call(gast.Attribute(S.name(rt), "scalar_seed", gast.Load()), [S.name(output)]),
    )
    scalars = dict(swept.scalars)
    certain_scalar = facts.ndims.get(output) == 0 and output in facts.ndims.get(ndims_mod.REAL, ())
    if certain_scalar:
        # Certainly a real scalar: where the seed (one, of the output's dtype) only scales a
        # product, the product alone will do, and the check is not needed.
        scalars[swept.seed] = 1.0
    kept, keep = _keep_results(unit, facts, rt)
    grad_value = swept.grads[0] if not spec.tuple_out else S.tuple_(swept.grads)
    if spec.mode is Mode.GRAD:
        ret = grad_value if aux is None else S.tuple_([grad_value, S.name(kept[aux])])
    else:
        value = S.name(kept[output])
        if aux is not None:
            value = S.tuple_([value, S.name(kept[aux])])
        ret = S.tuple_([value, grad_value])
    body = swept.forward + keep + [seed_stmt] + swept.backward + [gast.Return(value=ret)]
    pure = purity(unit.binder)
    if not certain_scalar:
        # Not known to be a real scalar: the check stays even when the seed goes unused (an
        # output that does not depend on the input), or grad of a function returning a
        # vector or None would quietly give zeros.
        pure = keeping_call(pure, rt, "scalar_seed")
    shapes = facts.ndims.get(ndims_mod.SHAPES, {})
    keep = swept.keep | set(facts.params)
    context = PassContext(pure, _elementwise(unit), scalars, shapes, keep, unit.binder.resolve)
    body = optimize(body, spec.mode, context)
    out = S.function_def(namer.fresh(f"{spec.mode.value}_{unit.parsed.name}"), [], body)
    out.args = _copy_args(unit.fdef.args)
    return out


def _keep_results(unit: Unit, facts: Facts, rt: str) -> tuple[dict, list]:
    """The backward sweep puts overwritten values back: what the function returns is kept
    aside first (copy propagation removes the copy where nothing is put back)."""
    kept, keep = {}, []
    names = [facts.output] if unit.spec.mode is Mode.VALUE_AND_GRAD else []
    names += [facts.aux] if facts.aux is not None else []
    changed = _item_assigned(unit.fdef)
    for name in names:
        kept[name] = unit.namer.fresh(f"{name}_value")
        copied = S.name(name)
        if name in changed:
            copied = S.call(gast.Attribute(S.name(rt), "copy", gast.Load()), [copied])
        keep.append(S.assign(kept[name], copied))
    return kept, keep


def _split_functions(unit: Unit, facts: Facts, swept: Swept) -> dict:
    """A forward function returning residuals, a backward function taking them."""
    namer, mode, params = unit.namer, unit.spec.mode, facts.params
    context = PassContext(purity(unit.binder))
    ret_bwd = gast.Return(value=S.tuple_(swept.grads))
    backward_body = optimize(swept.backward + [ret_bwd], mode, context)
    forward_locals = set(params) | S.names_stored(gast.Module(body=swept.forward, type_ignores=[]))
    residuals = sorted((dce.live_in(backward_body, set()) & forward_locals) - {swept.seed})
    outputs = [S.name(facts.output)] + ([S.name(facts.aux)] if facts.aux is not None else [])
    # Without residuals (a linear function), one number stands in: differentiated again, the
    # residuals' tangent then has a leaf to read the direction axes from (hessian of a
    # function calling a linear helper).
    residual_tuple = S.tuple_([S.name(r) for r in residuals] or [S.const(0.0)])
    ret_fwd = gast.Return(value=S.tuple_(outputs + [residual_tuple]))
    # A residual bound on one path only (a branch) still has to exist on the others.
    init = [
        S.assign(r, S.const(None))
        for r in residuals
        if r not in params and not _bound_first(r, swept.forward)
    ]
    fwd_body = optimize(init + swept.forward + [ret_fwd], mode, context)
    fwd = S.function_def(namer.fresh(f"fwd_{unit.parsed.name}"), [], fwd_body)
    fwd.args = _copy_args(unit.fdef.args)
    res_name = namer.fresh("residuals")
    unpack = _unpack_residuals(unit, residuals, res_name, backward_body)
    bwd_stmts = ([unpack] if residuals else []) + backward_body
    bwd = S.function_def(namer.fresh(f"bwd_{unit.parsed.name}"), [res_name, swept.seed], bwd_stmts)
    return {"fwd": fwd, "bwd": bwd}


def _unpack_residuals(unit: Unit, residuals: list, res_name: str, backward_body: list):
    """``a, b = residuals``. The backward sweep puts back what item assignments overwrote;
    it works on copies of those arrays, so that it never changes the residuals it was given
    (a vjp function may run twice, and a nested transform must not see its arguments
    change): one copy of everything, so that views among the residuals stay views."""
    unpack = S.assign(
        S.tuple_([S.name(r, store=True) for r in residuals], store=True), S.name(res_name)
    )
    restored = {
        s.targets[0].value.id
        for s in S.walk(gast.Module(body=backward_body, type_ignores=[]))
        if isinstance(s, gast.Assign)
        and isinstance(s.targets[0], gast.Subscript)
        and isinstance(s.targets[0].value, gast.Name)
        and s.targets[0].value.id in residuals
    }
    if restored:
        rt = unit.binder.bind("rt", runtime)
        fresh = gast.Attribute(S.name(rt), "fresh_residuals", gast.Load())
        unpack.value = S.call(fresh, [S.name(res_name)])
    return unpack


def _bound_first(name: str, stmts: list) -> bool:
    """Whether a top-level statement binds `name` before any compound statement runs."""
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            return False
        if name in S.names_stored(s):
            return True
    return False


def _item_assigned(fdef) -> set:
    """Names whose objects the function changes in place (x[i] = v)."""
    return {
        n.targets[0].value.id
        for n in S.walk(fdef)
        if isinstance(n, gast.Assign)
        and isinstance(n.targets[0], gast.Subscript)
        and isinstance(n.targets[0].value, gast.Name)
    }


def _elementwise(unit: Unit):
    """Whether a callee expression is a one-argument elementwise function (np.tanh...)."""

    def test(func) -> bool:
        obj = unit.binder.resolve(func)
        return getattr(obj, "nin", None) == 1 and getattr(obj, "nout", None) == 1

    return test


def _copy_args(args: gast.arguments) -> gast.arguments:
    new = S.clone(args)
    for node in S.walk(new):
        if isinstance(node, gast.Name):
            node.ctx = gast.Param()
    return new
