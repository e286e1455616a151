"""Transform, reverse mode: a checkpointed loop (``for t in srcad.checkpointed(range(...))``).

Accepts a normalized ``for`` loop over ``range(...)`` carrying a `Checkpoint` note
(`srcad.normalize.checkpointed`), with the reverse transform's context and its statement
and plain-loop transforms (passed in, so that this module does not import `reverse`).
Returns the loop's forward and backward sweeps in the d-notation `reverse` returns:

* forward: ``bounds, actions = rt.checkpoint_plan(range(...), snapshots)`` gives the plan
  (binomial checkpointing, `srcad.helpers.revolve`); the loop runs as written (nothing
  taped), keeping the loop-carried state at each of ``bounds``: the names the body reads
  before it writes them in a step, and writes (`carried`). Those are `Save` markers in a
  loop, so `tbr` turns them into stacks.
* backward: a loop over ``actions``: "keep" pushes the carried state again, "restore" pops
  it back (`Restore`), "advance" runs steps as written, "reverse" runs steps again through
  the ordinary reverse transform of the loop (saving what their adjoints need) and then
  their backward loop. Everything but the backward loops is marked `recompute`: what it
  reads comes from a snapshot or from earlier in the same step, never from a tape restore,
  which `tbr` takes into account.

The pre-loop values of the other names the body writes are kept once, before the loop, and
come back after it (the carried names get theirs from the first snapshot). Peak memory is
`snapshots` copies of the carried state plus one step's tape.
A body that changes in place an object it did not create in the same step (``x[i] = v``,
``xs.append(v)`` where x or xs lives across steps, an attribute assignment) is refused: a
snapshot keeps a reference, not the object's old content.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..errors import UnsupportedOperationError
from ..ir import syntax as S
from ..ir.dnotation import Restore, Save
from ..ir.notes import mark, notes
from . import apply, containers


def sweeps(s: gast.For, ctx, statement: Callable, plain_for: Callable, save_restore: Callable):
    """The forward and backward sweeps of the checkpointed loop `s` (see the module)."""
    env = ctx.env
    index = s.target.id
    stored = S.names_stored(gast.Module(body=s.body, type_ignores=[])) | {index}
    if not any(env.activity.is_active(n) for n in stored):
        return plain_for(s, ctx)  # no derivative flows through the loop: nothing to tape
    _refuse_mutations(s.body, set(), env)
    carried = sorted((exposed_reads(s.body, set()) & stored) - {index})
    pre_f, pre_b, (bounds, actions), step = _plan(s, ctx, statement)
    for name in sorted(stored - set(carried)):
        saves, restores = save_restore(name, ctx)
        pre_f += saves
        pre_b = restores + pre_b

    def steps(lo, hi):
        return S.call(S.name("range"), [lo, hi] + ([S.clone(step)] if step is not None else []))

    segment, action, lo, hi = (env.fresh(n) for n in ("segment", "action", "first", "last"))
    # the forward sweep: keep the carried state at each bound, run to the next as written
    ends = [S.subscript(S.name(bounds), S.name(segment))]
    ends.append(S.subscript(S.name(bounds), S.binop(S.name(segment), gast.Add(), S.const(1))))
    advance = _loop(index, steps(*ends), S.clone(s.body), s)  # a copy, before the transform
    count = S.binop(S.call(S.name("len"), [S.name(bounds)]), gast.Sub(), S.const(1))
    ctx.loop_depth += 1
    try:
        keep, put_back = _snapshots(carried, ctx)
        keep_again = [S.clone(k) for k in keep]
        again_f, again_b = plain_for(_loop(index, steps(S.name(lo), S.name(hi)), s.body, s), ctx)
    finally:
        ctx.loop_depth -= 1
    forward = _loop(segment, S.call(S.name("range"), [count]), keep + [advance], s)
    # the backward sweep: the plan's actions (`srcad.helpers.revolve`)
    rerun = _loop(index, steps(S.name(lo), S.name(hi)), S.clone(s.body), s)
    for stmt in keep_again + [rerun] + put_back + again_f:
        mark(stmt, recompute=True)
    branches = [("keep", keep_again), ("advance", [rerun]), ("restore", put_back)]
    chosen = again_f + again_b
    for name, body in reversed(branches):
        test = gast.Compare(S.name(action), [gast.Eq()], [S.const(name)])
        chosen = [gast.If(test=test, body=body or [gast.Pass()], orelse=chosen)]
    move = env.fresh("move")
    names = [S.name(n, store=True) for n in (action, lo, hi)]
    unpack = S.assign(S.tuple_(names, store=True), S.name(move))
    backward = _loop(move, S.name(actions), [unpack] + chosen, s)
    ctx.defined |= stored
    return pre_f + [forward], [_at(backward, s)] + pre_b


def _plan(s: gast.For, ctx, statement: Callable) -> tuple[list, list, tuple, object]:
    """``bounds, actions = rt.checkpoint_plan(range(...), snapshots)`` (and the range's
    step kept in a name of its own, which the body cannot rebind), through `statement`:
    (forward, backward, the two names, the step or None)."""
    env = ctx.env
    pre_f: list = []
    pre_b: list = []

    def before(stmt) -> None:
        nonlocal pre_b
        f, b = statement(_at(stmt, s), ctx)
        pre_f.extend(f)
        pre_b = b + pre_b

    snapshots = notes(s).checkpoint.snapshots
    names = env.fresh("bounds"), env.fresh("actions")
    rt = env.bind_external("rt", apply._runtime())
    plan = gast.Attribute(S.name(rt), "checkpoint_plan", gast.Load())
    plan = S.call(plan, [S.clone(s.iter), snapshots or S.const(None)])
    before(S.assign(S.tuple_([S.name(n, store=True) for n in names], store=True), plan))
    step = s.iter.args[2] if len(s.iter.args) == 3 else None
    if isinstance(step, gast.Name):
        fixed = env.fresh("step")
        before(S.assign(fixed, S.clone(step)))
        step = S.name(fixed)
    return pre_f, pre_b, names, step


def _snapshots(carried: list, ctx) -> tuple[list, list]:
    keep, put_back = [], []
    for name in carried:
        site = next(ctx.sites)
        ctx.none_init.add(name)  # a step may bind it before the first snapshot reads it
        keep.append(Save(site=site, value=S.name(name), name=name, in_loop=True))
        target = S.name(name, store=True)
        put_back.append(Restore(site=site, target=target, name=name, in_loop=True))
        mark(put_back[-1], recompute=True)  # the rerun reads it: tbr keeps it
    return keep, put_back


def _loop(index: str, iterable, body: list, source) -> gast.For:
    loop = gast.For(
        target=S.name(index, store=True), iter=iterable, body=body, orelse=[], type_comment=None
    )
    return _at(loop, source)


def _at(new, old):
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))
    return new


def exposed_reads(stmts: list, written: set) -> set:
    """The names `stmts` may read before writing them (`written` holds the names certainly
    written before; it grows with those `stmts` certainly write)."""
    reads: set = set()
    for s in stmts:
        if isinstance(s, gast.If):
            reads |= S.names_loaded(s.test) - written
            body, orelse = set(written), set(written)
            reads |= exposed_reads(s.body, body) | exposed_reads(s.orelse, orelse)
            written |= body & orelse
        elif isinstance(s, (gast.For, gast.While)):
            header = s.iter if isinstance(s, gast.For) else s.test
            reads |= S.names_loaded(header) - written
            inner = set(written) | (S.names_stored(s.target) if isinstance(s, gast.For) else set())
            reads |= exposed_reads(s.body, inner)
            if isinstance(s, gast.While):
                reads |= S.names_loaded(s.test) - inner  # tested again after the body
        else:
            reads |= S.names_loaded(s) - written
            written |= S.names_stored(s)
    return reads


def _refuse_mutations(stmts: list, fresh: set, env) -> None:
    """Refuse a change in place of an object not created earlier in the same step."""
    for s in stmts:
        changed = None
        value = getattr(s, "value", None)
        if isinstance(s, gast.Assign):
            target = s.targets[0]
            if isinstance(target, gast.Attribute):
                changed = S.to_source(target)
            elif isinstance(target, gast.Subscript):
                base = target.value
                name = base.id if isinstance(base, gast.Name) else None
                changed = name if name not in fresh else None
        if changed is None and isinstance(s, (gast.Assign, gast.Expr)):
            if isinstance(value, gast.Call):
                name = containers.mutation_target(value, env, active_only=False)
                changed = name if name is not None and name not in fresh else None
        if changed is not None:
            raise UnsupportedOperationError(
                f"srcad cannot checkpoint a loop whose body changes {changed} in place: "
                "it lives across steps, and a snapshot would not keep its old content",
                env.where(s),
                hint="build a new value each step (xs = xs + [v], np.concatenate), "
                "or drop srcad.checkpointed(...) for this loop",
            )
        if isinstance(s, (gast.If, gast.For, gast.While)):
            _refuse_mutations(s.body, set(fresh), env)
            _refuse_mutations(s.orelse, set(fresh), env)
        elif isinstance(s, gast.Assign):
            if isinstance(value, gast.Name):
                fresh -= S.names_stored(s)  # another name for an object: not a new one
            else:
                fresh |= S.names_stored(s)
