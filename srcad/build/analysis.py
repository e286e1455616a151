"""One analysis of a normalized function, shared by the forward and reverse assemblers.

`Unit` is a function being generated, with what the front end made of it; `analyze` runs
the analyses (kinds, activity, ranks) and the checks that refuse what would be wrong (index
tricks, unsafe in-place changes), and returns their results as one `Facts` value.
"""

from __future__ import annotations

import dataclasses

import gast

from ..analyze import activity as activity_mod
from ..analyze import aliasing, effects, owned
from ..analyze import kinds as kinds_mod
from ..analyze import ndims as ndims_mod
from ..analyze.activity import Activity
from ..analyze.resolve import refuse_index_tricks, refuse_user_operators
from ..ir import syntax as S
from ..ir.resolution import KnownValue, Resolution
from ..naming import Namer
from ..parse import ParsedFunction
from ..transform import apply
from .binder import Binder
from .cache import RankGuard, Stages, free_rank
from .modes import Mode, Spec


@dataclasses.dataclass
class Unit:
    """One function being generated, after normalization and name resolution."""

    parsed: ParsedFunction
    fdef: gast.FunctionDef  # normalized
    spec: Spec
    namer: Namer
    binder: Binder
    resolution: Resolution
    guards: list
    stages: Stages
    calls: object  # srcad.build.calls.Calls: how the code calls other user functions
    known: dict = dataclasses.field(default_factory=dict)  # name -> function it holds


@dataclasses.dataclass(frozen=True)
class Facts:
    params: list  # every parameter name, in order
    output: str  # the name of the differentiated output
    aux: str | None  # the name of the auxiliary output (has_aux)
    kinds: dict
    activity: Activity
    ndims: dict


def param_names(fdef: gast.FunctionDef) -> list[str]:
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args]
    if a.vararg is not None:
        names.append(a.vararg.id)
    names += [p.id for p in a.kwonlyargs]
    if a.kwarg is not None:
        names.append(a.kwarg.id)
    return names


def free_ranks(fdef: gast.FunctionDef, binder: Binder, guards: list) -> tuple:
    """Rank entries (as `Spec.ndims` has them) for the global and closure arrays `fdef`
    reads, such as the data a loss closes over: specialized on like arguments (`X @ w` is a
    matrix-vector product), each with a `RankGuard` that regenerates the code if the
    variable comes to hold an array of another rank or kind."""
    namespace = binder.visible_namespace()
    entries = []
    seen = set()
    for node in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if not (type(node) is gast.Name and type(node.ctx) is gast.Load):
            continue
        name = node.id
        if name in seen or name in binder.local_names or name in binder.cells:
            continue
        seen.add(name)
        cell = namespace.cells.get(name)
        container = cell if cell is not None else namespace.globals
        if cell is None and name not in namespace.globals:
            continue
        rank = free_rank(namespace.lookup(name, None))
        if rank is None:
            continue
        guards.append(RankGuard(container, name, rank[0], rank[1]))
        entries.append((name, rank[0], "complex") if rank[1] else (name, rank[0]))
    return tuple(entries)


def analyze(unit: Unit, output: str, aux: str | None) -> Facts:
    fdef, spec, resolution, parsed = unit.fdef, unit.spec, unit.resolution, unit.parsed
    known = {n: KnownValue(obj) for n, obj in unit.known.items()}
    kinds = kinds_mod.infer(fdef, {**dict(spec.kinds), **known}, resolution)
    activity = activity_mod.analyze(fdef, set(spec.wrt), {output}, resolution)
    refuse_index_tricks(fdef, resolution, activity.varied, parsed.filename)
    refuse_user_operators(
        fdef,
        unit.binder.visible_namespace(),
        unit.binder.local_names,
        resolution,
        kinds,
        activity.varied,
        parsed.filename,
    )
    free = free_ranks(fdef, unit.binder, unit.guards)
    ndims = ndims_mod.infer(fdef, spec.ndims + free, resolution)
    generated = getattr(parsed.fn, "__srcad_generated__", False)
    if not generated:  # srcad's own code hands nothing over (its callees copy already)
        owned.find(fdef, resolution, activity, kinds, ndims, parsed.filename)
    aliasing.check(fdef, resolution, parsed.filename, activity, ndims, kinds, parsed.fn, spec.owned)
    reverse = spec.mode is not Mode.JVP
    effects.check(fdef, resolution, activity, kinds, ndims, parsed.filename, reverse, generated)
    return Facts(param_names(fdef), output, aux, kinds, activity, ndims)


def environment(unit: Unit, facts: Facts) -> apply.Env:
    """What rule application needs to know (shared by both transforms)."""
    return apply.Env(
        resolution=unit.resolution,
        activity=facts.activity,
        kinds=facts.kinds,
        fresh=unit.namer.fresh,
        batch=unit.spec.batch,
        bind_external=unit.binder.bind,
        filename=unit.parsed.filename,
        function=unit.parsed.name,
        callee=unit.calls,
        ndims=facts.ndims,
    )
