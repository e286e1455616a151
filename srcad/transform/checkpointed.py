"""Transform, reverse mode: a checkpointed loop (``for t in srcad.checkpointed(range(...))``).

Accepts a normalized ``for`` loop over ``range(...)`` carrying a `Checkpoint` note
(`srcad.normalize.checkpointed`), with the reverse transform's context and its statement
and plain-loop transforms (passed in, so that this module does not import `reverse`).
Returns the loop's forward and backward sweeps in the d-notation `reverse` returns:

* forward: ``bounds = rt.checkpoint_bounds(range(...), snapshots)`` splits the steps into
  segments; the loop runs segment by segment, as written (nothing taped), and at the start
  of each segment keeps the loop-carried state: the names the body reads before it writes
  them in a step, and writes (`carried`). Those are `Save` markers in a loop, so `tbr`
  turns them into stacks and drops the ones no adjoint needs.
* backward: for each segment from the last, the carried state comes back (`Restore`), the
  segment's steps run again through the ordinary reverse transform of the loop (saving what
  its adjoints need), and their backward loop follows.

The pre-loop values of the other names the body writes are kept once, before the loop, and
come back after it (the carried names get theirs from the first snapshot). Peak memory is
about one snapshot per segment plus one segment's tape, for one more forward pass of time.
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
    rt = env.bind_external("rt", apply._runtime())
    pre_f: list = []
    pre_b: list = []

    def before(stmt) -> None:
        nonlocal pre_b
        f, b = statement(_at(stmt, s), ctx)
        pre_f.extend(f)
        pre_b = b + pre_b

    snapshots = notes(s).checkpoint.snapshots
    bounds = env.fresh("bounds")
    schedule = gast.Attribute(S.name(rt), "checkpoint_bounds", gast.Load())
    before(S.assign(bounds, S.call(schedule, [S.clone(s.iter), snapshots or S.const(None)])))
    step = s.iter.args[2] if len(s.iter.args) == 3 else None
    if isinstance(step, gast.Name):  # the body may rebind it: keep the loop's own
        fixed = env.fresh("step")
        before(S.assign(fixed, S.clone(step)))
        step = S.name(fixed)
    for name in sorted(stored - set(carried)):
        saves, restores = save_restore(name, ctx)
        pre_f += saves
        pre_b = restores + pre_b

    segment = env.fresh("segment")
    lo = S.subscript(S.name(bounds), S.name(segment))
    hi = S.subscript(S.name(bounds), S.binop(S.name(segment), gast.Add(), S.const(1)))
    steps = S.call(S.name("range"), [lo, hi] + ([S.clone(step)] if step is not None else []))
    count = S.binop(S.call(S.name("len"), [S.name(bounds)]), gast.Sub(), S.const(1))
    plain = _loop(index, S.clone(steps), S.clone(s.body), s)  # cloned before it is transformed
    ctx.loop_depth += 1
    try:
        keep, put_back = _snapshots(carried, ctx)
        again_f, again_b = plain_for(_loop(index, steps, s.body, s), ctx)
    finally:
        ctx.loop_depth -= 1
    for stmt in again_f:
        mark(stmt, recompute=True)
    ctx.defined |= stored
    forward = _loop(segment, S.call(S.name("range"), [count]), keep + [plain], s)
    backward_range = S.call(S.name("reversed"), [S.call(S.name("range"), [S.clone(count)])])
    backward = _loop(segment, backward_range, put_back + again_f + again_b, s)
    return pre_f + [forward], [backward] + pre_b


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
