"""One analysis of a normalized function, shared by the forward and reverse assemblers.

`Unit` is a function being generated, with what the front end made of it; `analyze` runs
the analyses (kinds, activity, ranks) and the checks that refuse what would be wrong (index
tricks, unsafe in-place changes), and returns their results as one `Facts` value.
"""

from __future__ import annotations

import dataclasses

import gast

from ..analyze import activity as activity_mod
from ..analyze import aliasing, effects
from ..analyze import kinds as kinds_mod
from ..analyze import ndims as ndims_mod
from ..analyze.activity import Activity
from ..analyze.resolve import refuse_index_tricks
from ..ir.resolution import KnownValue, Resolution
from ..naming import Namer
from ..parse import ParsedFunction
from ..transform import apply
from .binder import Binder
from .cache import Stages
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


def analyze(unit: Unit, output: str, aux: str | None) -> Facts:
    fdef, spec, resolution, parsed = unit.fdef, unit.spec, unit.resolution, unit.parsed
    known = {n: KnownValue(obj) for n, obj in unit.known.items()}
    kinds = kinds_mod.infer(fdef, {**dict(spec.kinds), **known}, resolution)
    activity = activity_mod.analyze(fdef, set(spec.wrt), {output}, resolution)
    refuse_index_tricks(fdef, resolution, activity.varied, parsed.filename)
    ndims = ndims_mod.infer(fdef, spec.ndims, resolution)
    aliasing.check(fdef, resolution, parsed.filename, activity, ndims, kinds, parsed.fn)
    generated = getattr(parsed.fn, "__srcad_generated__", False)
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
