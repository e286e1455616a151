"""The batched function `srcad.vmap` calls: a normalized function rewritten for a batch of
examples (`srcad.batching`), its callees batched too, through the same driver.

The spec's `batched` says which parameters carry the batch axis (first, on every leaf):
entries ``(param, batchedness, structure)``, the structure giving the ranks of one
example's items for tuples (`srcad.batching.ranks`); its `kinds` and `ndims` describe one
example, so the code is generated for one example's ranks, as the derivative transforms
are. What a caller learns of the result is left in the stages: "batched" (a batched caller
keeps an unbatched result unbatched: the weights in a forward sweep's residuals stay one
array, not one per example), "result" (its kind and ranks) and "callees" (the code of the
functions it calls, for ``srcad.source``). A spec with the entry ``("", True, None)`` gets
a result batched on every leaf.
"""

from __future__ import annotations

import types

import gast
import numpy as np

from ..analyze import kinds as kinds_mod
from ..analyze import ndims as ndims_mod
from ..analyze.calls import bind_function
from ..analyze.resolve import evaluate_chain
from ..batching import analysis as A
from ..batching import ranks as R
from ..batching import transform as T
from ..batching.calls import Names
from ..batching.rules import Ctx
from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from .analysis import Unit
from .modes import Mode, Spec

_IN_PROGRESS: set = set()


class _Batcher:
    """One function being batched: its analyses, and the calls of its callees."""

    def __init__(self, unit: Unit):
        self.unit = unit
        fdef, spec, resolution = unit.fdef, unit.spec, unit.resolution
        self.params = {e[0]: e[1] for e in spec.batched if e[0] and A.any_batched(e[1])}
        self.kinds = kinds_mod.infer(fdef, dict(spec.kinds), resolution)
        base = ndims_mod.infer(fdef, spec.ndims, resolution)
        self.real = base.get(ndims_mod.REAL, frozenset())
        self.seeds = {**_global_ranks(unit), **{e[0]: e[1] for e in spec.ndims}}
        self.seeds.update({e[0]: e[2] for e in spec.batched if e[0] and len(e) > 2 and e[2]})
        self.structures, ranks = R.infer(fdef, self.seeds, resolution, lambda c, s: None)
        self.ndims = {**base, **ranks}
        self.names_seen: dict = {}  # the batchedness analysis's names (the dry runs read it)
        self.size_name = unit.namer.fresh("batch_size")
        self.size_used = False
        self.callees: list = []

    # -- callees ---------------------------------------------------------------------------
    def generated(self, call: gast.Call, target, structures: dict):
        return _callee(
            self.unit, call, target, self.of, self.kinds, self.ndims, self.real, structures
        )

    def of(self, node) -> A.Batched:
        return self.names_seen.get(node.id, False) if isinstance(node, gast.Name) else False

    def callee(self, call: gast.Call, target, stmt, dry: bool):
        generated = self.generated(call, target, self.structures)
        if generated is None:
            return call, False, None
        out = generated.stages["batched"]
        if dry:
            return call, out, None
        if generated not in self.callees:
            self.callees.append(generated)
        name = self.unit.binder.bind(f"vmap_{target.obj.__name__}", generated.functions["main"])
        new = gast.Call(func=S.name(name), args=call.args, keywords=call.keywords)
        return new, out, generated.stages["result"]

    def result_structure(self, call: gast.Call, structures: dict):
        target = self.unit.resolution.calls.get(call)
        if target is None or not any(A.any_batched(self.of(a)) for a in call.args):
            return None
        generated = self.generated(call, target, structures)
        return None if generated is None else _rank_structure(generated.stages["result"])

    # -- the environment of the rules ------------------------------------------------------
    def size(self) -> gast.expr:
        self.size_used = True
        return S.name(self.size_name)

    def environment(self, fresh, dry: bool = False) -> T.Env:
        unit = self.unit
        ctx = Ctx(Names(unit.binder.bind), fresh, self.kind)
        return T.Env(
            self.names_seen,
            self.kinds,
            self.ndims,
            unit.resolution,
            ctx,
            unit.parsed.filename,
            unit.parsed.name,
            self.size,
            lambda call, target, stmt: self.callee(call, target, stmt, dry),
        )

    def kind(self, node):
        return self.kinds.get(node.id) if isinstance(node, gast.Name) else None


def _global_ranks(unit: Unit) -> dict:
    """The ranks of the arrays the function reads from its globals and closure (a weight
    matrix `W` in ``x @ W``), guarded: the code is generated again when one is rebound."""
    namespace = unit.binder.visible_namespace()
    local = unit.binder.local_names
    out = {}
    for node in S.walk(unit.fdef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in local:
            if node.id in out:
                continue
            value = evaluate_chain(node, namespace, local, None)
            if isinstance(value, (np.ndarray, np.generic, float, complex)):
                evaluate_chain(node, namespace, local, unit.guards)
                out[node.id] = int(np.ndim(value))
    return out


def build(unit: Unit, output: str) -> dict:
    fdef, spec = unit.fdef, unit.spec
    b = _Batcher(unit)
    dry = b.environment(lambda base: base, dry=True)  # its statements are thrown away
    key = (unit.parsed.fn, spec)
    _IN_PROGRESS.add(key)
    try:
        analysis = A.Analysis(
            fdef,
            b.params,
            unit.resolution,
            lambda value: T.rhs(value, dry, value).batched,
            unit.parsed.filename,
        )
        b.names_seen.update(analysis.names)
        analysis.names = b.names_seen
        batched = analysis.run()
        # The ranks again, now that the callees' results are known.
        b.structures, ranks = R.infer(fdef, b.seeds, unit.resolution, b.result_structure)
        b.ndims.update(ranks)
    finally:
        _IN_PROGRESS.discard(key)
    b.size_used = False
    env = b.environment(unit.namer.fresh)
    body = T.block(fdef.body[:-1], env)
    result = batched.get(output, False)
    if any(e[0] == "" for e in spec.batched) and result is not True:
        body += T._promote(output, result, True, env, fdef.body[-1])
        result = True
    if b.size_used:
        body = [S.assign(b.size_name, _size_of(b.params, env.ctx.names))] + body
    fdef.body = body + [fdef.body[-1]]
    fdef.name = f"vmap_{fdef.name}"
    unit.stages["batched"] = result
    unit.stages["result"] = _structure(fdef, output, b.kinds, b.ndims, b.structures)
    unit.stages["callees"] = "\n".join(
        text for g in b.callees for text in (g.sources["main"], g.stages["callees"]) if text
    )
    return {"main": fdef}


def _structure(fdef: gast.FunctionDef, name: str, kinds: dict, ndims: dict, structures: dict):
    """What a caller learns of the value `name` holds at the end: ``(kind, rank)``, or
    ``("items", (...))`` for a tuple display, its items described alike."""
    displays = {
        s.targets[0].id: s.value
        for s in S.statements(fdef.body)
        if isinstance(s, gast.Assign)
        and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Tuple)
    }

    def describe(node, depth=0):
        if isinstance(node, gast.Name) and node.id in displays and depth < 8:
            items = displays[node.id].elts
            return ("items", tuple(describe(e, depth + 1) for e in items))
        if isinstance(node, gast.Name):
            structure = structures.get(node.id, ndims.get(node.id))
            return (kinds.get(node.id), structure)
        return (None, 0) if isinstance(node, gast.Constant) else (None, None)

    return describe(S.name(name))


def _rank_structure(result):
    """A result's description as a rank structure (`srcad.batching.ranks`)."""
    if result is None:
        return None
    if result[0] == "items":
        return ("tuple", tuple(_rank_structure(r) for r in result[1]))
    return result[1]


def _size_of(params: dict, names: Names) -> gast.expr:
    """`rt.batch_size(p)` of a batched parameter (an item of it, for a tuple with batched
    items)."""
    for p, b in params.items():
        path: list = []
        while isinstance(b, tuple):
            i = next(i for i, e in enumerate(b) if A.any_batched(e))
            path.append(i)
            b = b[i]
        if b is True:
            node: gast.expr = S.name(p)
            for i in path:
                node = S.subscript(node, S.const(i))
            return names.rt_call("batch_size", [node])
    raise AssertionError("a batched function without a batched parameter")


def _callee(unit: Unit, call, target, of, kinds, ndims, real, structures):
    """The generated batched code of a user function called with batched arguments (None
    when no argument is batched)."""
    fn = target.obj
    inner = getattr(fn, "__srcad_function__", None)
    if inner is not None:
        fn = inner()
    if not isinstance(fn, types.FunctionType):
        raise _refuse(unit, call, f"vmap cannot batch the call to {target.label}")
    bound = bind_function(call, fn)
    if bound is None:
        raise _refuse(unit, call, f"vmap cannot match the arguments of {target.label}")
    batched, callee_kinds, callee_ndims = [], [], []
    for param, atom in bound.arguments.items():
        if not isinstance(atom, gast.AST):
            raise _refuse(unit, call, f"vmap does not batch *args or **kwargs of {target.label}")
        b = of(atom)
        name = atom.id if isinstance(atom, gast.Name) else None
        structure = structures.get(name) if isinstance(structures.get(name), tuple) else None
        if A.any_batched(b) or structure is not None:
            batched.append((param, b, structure))
        if name in kinds:
            callee_kinds.append((param, kinds[name]))
        if name in ndims and isinstance(ndims[name], int):
            entry = (param, ndims[name])
            callee_ndims.append(entry if name in real else entry + ("complex",))
    if not any(A.any_batched(b) for _, b, _ in batched):
        return None
    spec = Spec(
        Mode.VMAP,
        tuple(p for p, b, _ in batched if A.any_batched(b)),
        kinds=tuple(callee_kinds),
        ndims=tuple(callee_ndims),
        batched=tuple(batched),
    )
    if (fn, spec) in _IN_PROGRESS:
        raise _refuse(unit, call, f"vmap does not batch the recursive call to {target.label}")
    return unit.calls.generate(fn, spec)


def _refuse(unit: Unit, node, message: str) -> UnsupportedOperationError:
    return UnsupportedOperationError(
        message,
        location(node, unit.parsed.filename, unit.parsed.name),
        hint="call a function defined with def, with its parameters spelled out",
    )
