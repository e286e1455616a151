"""The straight-line driver: parse -> fence -> normalize -> analyze -> transform -> optimize
-> emit, for one function and one `Spec`.

`generate(fn, spec)` returns a `Generated` (`srcad.build.cache`): the live function objects,
their sources, the text of every stage (for `srcad.show`), and the guards that tell when a
cached result has gone stale. Calls to other user functions are transformed through this
same driver, recursively (`srcad.build.calls`); a recursive call binds a cell that is filled
when its own generation finishes. Jacobian modes generate a small driver around the batched
jvp or vjp of the function.
"""

from __future__ import annotations

import functools
import types

import gast
import numpy as np

from .. import drivers, emit, fence, runtime
from ..analyze.alias_facts import fresh_result
from ..analyze.fresh_returns import returns_fresh
from ..analyze.resolve import attribute_guard, forwarded_to, known_values, resolve
from ..ir import syntax as S
from ..ir.resolution import EXTRA_ARGUMENTS, KnownValue
from ..naming import Namer
from ..normalize import anf, closures, controlflow, records, records_built
from ..normalize.builtin_calls import (
    inline_partials,
    map_as_comprehension,
    nest_min_max,
    partials_as_records,
)
from ..normalize.census import Census
from ..normalize.checkpointed import mark_checkpointed_loops
from ..normalize.exceptions import lower_exceptions
from ..normalize.generators import inline_generators
from ..normalize.kept_maps import consumed_maps_as_lists, move_kept_maps
from ..normalize.known_loops import unroll_known_loops
from ..normalize.match import lower_match
from ..normalize.merges import merge_dicts
from ..normalize.ordering import order_by_index
from ..normalize.outputs import name_output
from ..normalize.own_nonlocals import lower_own_nonlocals
from ..normalize.resolved import dict_calls_as_displays, sequences_as_arrays
from ..normalize.star_lengths import dispatch_star_lengths
from ..normalize.starred import lower_starred
from ..normalize.static_branches import fold_static_branches
from ..normalize.variadic import (
    specialize_variadic,
    transpose_zip_star,
    unstar_known_lengths,
    variadic_parameters,
)
from ..parse import Namespace, parse_function
from . import batched as batched_assembler
from . import cache
from . import forward as forward_assembler
from . import reverse as reverse_assembler
from .analysis import Unit, analyze, param_names
from .binder import Binder
from .calls import Calls
from .modes import Mode, Spec


def generate(fn, spec: Spec) -> cache.Generated:
    """The generated code of `fn` for `spec`, from the cache when it is still fresh.

    A srcad transform is cached under the code it generated for these arguments, not
    under the transform object: `jvp(grad(f), ...)` with a fresh `grad(f)` each call finds
    the code of an earlier, equal `grad(f)` (same function, same options give the same
    generated function), and a regenerated inner function is a new key."""
    if type(fn) is types.FunctionType and hasattr(fn, "__wrapped__"):
        fn = forwarded_to(fn) or fn  # a decorator's wrapper that only forwards its arguments
    with cache.lock:
        entries = cache.entries(_specialized(fn, spec))
        cached = entries.get(spec)
        if cached is not None and cached.is_fresh():
            return cached
        with cache.collector_paused():
            generated = _jacobian(fn, spec) if spec.mode.driver else _generate(fn, spec)
        entries[spec] = generated
        return generated


def _specialized(fn, spec: Spec):
    """A srcad transform being transformed again: its generated code for the kinds of
    arguments in `spec`, not for the last call's. (Its adjoint of a tuple argument is a tuple,
    which code generated for an array argument would add with `+`.)"""
    specialize = getattr(fn, "__srcad_specialize__", None)
    if specialize is None or not spec.kinds:
        return fn
    return specialize(spec.kinds, spec.ndims, spec.records)


def _front(fn, spec: Spec) -> Unit:
    """Parse, fence, normalize and resolve: the function as the transforms see it."""
    parsed = parse_function(_specialized(fn, spec))
    fdef = parsed.node
    if spec.variadic:  # a call's count of *args and **kwargs keys: one parameter each
        specialize_variadic(fdef, parsed.fn, *spec.variadic)
    elif fdef.args.vararg is not None:  # the transformed function: its call's extra count
        specialize_variadic(fdef, parsed.fn, dict(spec.kinds).get(EXTRA_ARGUMENTS, 0), None)
    _copy_owned(fdef, spec.owned)
    stages = cache.Stages(enabled=spec.stages)
    stages.keep("parse", fdef)
    # The generated function takes the defaults the function has now, and runs its code.
    guards: list = [
        attribute_guard(parsed.fn, attribute, getattr(parsed.fn, attribute))
        for attribute in ("__code__", "__defaults__", "__kwdefaults__")
    ]
    # "array" is trusted only with a known rank: a callee's argument inferred as an array
    # may be a tuple a nondifferentiable numpy call returned (np.nonzero)
    ranked = {entry[0] for entry in spec.ndims}
    decided = {p: k for p, k in spec.kinds if k != "array" or p in ranked}
    extra_cells = _lower_statements(fdef, parsed, decided, guards)
    fence.check(fdef, parsed.filename)
    namer = Namer(S.all_names(fdef))
    user_locals = S.names_stored(fdef) | set(param_names(fdef))
    binder = Binder(parsed.namespace, namer, user_locals)
    for name, obj in extra_cells.items():
        binder.bind_as(name, obj)
    rt_name = binder.bind("rt", runtime)
    _lower_builtin_calls(fdef, parsed.namespace, user_locals, rt_name, decided, guards)
    fdef = closures.lift(fdef, namer, binder, parsed.filename, _def_compiler(parsed, binder))
    constructors = _constructors(binder, rt_name, parsed.filename)
    built, made = records_built.rewrite(fdef, parsed.namespace, user_locals, constructors, guards)
    fdef = anf.normalize_function(fdef, namer, rt_name)
    fdef = controlflow.lower_function(fdef, namer)
    layouts = records.rewrite(fdef, dict(spec.records), rt_name, parsed.filename, built, made)
    records_built.rewrite_methods(fdef, layouts, binder.bind, parsed.filename, guards, namer.fresh)
    stages.keep("anf", fdef)
    binder.local_names = S.names_stored(fdef) | set(param_names(fdef))
    visible = binder.visible_namespace()
    given = {p: k.obj for p, k in spec.kinds if isinstance(k, KnownValue)}
    known = known_values(fdef, visible, binder.local_names, given, guards)
    if known:  # functions passed or bound once: calls through them resolve to the function
        cells = {n: types.CellType(obj) for n, obj in known.items()}
        visible = Namespace(visible.globals, {**visible.cells, **cells})
    local_names = binder.local_names - set(known)
    resolution = resolve(fdef, visible, local_names, parsed.filename, guards)
    dict_calls_as_displays(fdef, resolution)
    sequences_as_arrays(fdef, resolution, namer.fresh, lambda: binder.bind("np", np))
    calls = Calls(binder, generate, guards, layouts)
    return Unit(parsed, fdef, spec, namer, binder, resolution, guards, stages, calls, known)


def _lower_statements(fdef, parsed, decided: dict, guards: list) -> dict:
    """The statement rewrites before the fence: branches and loops known for the call's
    kinds, starred targets, generators, match, try, nonlocal, checkpointed loops. Returns
    the objects the rewritten code reads (for the binder)."""
    fold_static_branches(fdef, parsed.namespace, decided, guards)
    unroll_known_loops(fdef, parsed.namespace, guards)
    if Census(fdef).has(gast.Starred):  # (the rewrites before it make no starred targets)
        lower_starred(fdef)
    extra_cells: dict = {}  # what the inlined generators and lowered matches read
    inline_generators(fdef, parsed.namespace, parsed.filename, guards, extra_cells)
    lower_match(fdef, parsed.namespace, extra_cells)
    lower_exceptions(fdef, parsed.namespace, parsed.filename)
    # (a census of the code as it is now: an inlined generator brings code of its own; the
    # nonlocal rewrite makes no starred argument)
    seen = Census(fdef)
    if seen.has(gast.Nonlocal):
        lower_own_nonlocals(fdef, parsed.namespace, parsed.filename, extra_cells)
    if seen.spreads():
        local = S.names_stored(fdef) | set(param_names(fdef))
        unstar_known_lengths(fdef, parsed.namespace, local)
    mark_checkpointed_loops(fdef, parsed.namespace, guards, parsed.filename)
    return extra_cells


def _lower_builtin_calls(fdef, namespace, user_locals, rt_name, decided: dict, guards) -> None:
    """The call rewrites after the fence: min/max, maps, partials, orderings, zip(*e),
    starred calls of a run-time length, dict merges. Each runs only where the tree holds
    what it rewrites (none of them makes what a later one looks for)."""
    seen = Census(fdef)
    if seen.mentions("max", "min"):
        nest_min_max(fdef, namespace, user_locals)
    if seen.mentions("map"):
        move_kept_maps(fdef, namespace, user_locals)
        consumed_maps_as_lists(fdef, namespace, user_locals)
        map_as_comprehension(fdef, namespace, user_locals)
        seen = Census(fdef)  # map(partial, fs, xs) became calls of partial
    if _makes_partials(seen, namespace, user_locals):
        inline_partials(fdef, namespace, user_locals)
        partials_as_records(fdef, namespace, user_locals, rt_name)
    if seen.mentions("sorted", "max", "min"):
        order_by_index(fdef, namespace, user_locals, rt_name)
    if seen.has(gast.Starred):
        transpose_zip_star(fdef, namespace, user_locals, rt_name)
        # g(*xs) of a length known when the code runs: valid while g's signature is the same
        for callee in dispatch_star_lengths(fdef, namespace, user_locals, rt_name):
            guards.append(attribute_guard(callee, "__code__", callee.__code__))
            guards.append(attribute_guard(callee, "__defaults__", callee.__defaults__))
    dict_params = {p for p, k in decided.items() if k == "dict"}
    if (
        dict_params
        or seen.has(gast.Dict, gast.DictComp)
        or seen.mentions("dict")
        or gast.BitOr in seen.operators
        or "dict_merge" in seen.attributes
    ):
        merge_dicts(fdef, namespace, user_locals, dict_params, rt_name)


def _makes_partials(seen: Census, namespace, user_locals) -> bool:
    """Whether a call with positional arguments, none starred, is one of functools.partial:
    the partial rewrites look at no others (and look them up with more local names than
    `user_locals`, so they find no more partials than this)."""
    for call in seen.calls:
        if not call.args or any(isinstance(a, gast.Starred) for a in call.args):
            continue
        if namespace.value_of(call.func, user_locals) is functools.partial:
            return True
    return False


def _copy_owned(fdef, owned: tuple) -> None:
    """``p = p.copy()`` first, for each parameter whose object the caller hands over
    (`Spec.owned`): the function's changes to it in place are then changes of its own new
    array, which the caller never sees and the alias check accepts like a local's."""
    copies = []
    for p in owned:
        copy = S.assign(p, S.call(gast.Attribute(S.name(p), "copy", gast.Load()), []))
        for node in gast.walk(copy):
            gast.copy_location(node, fdef)
        copies.append(copy)
    fdef.body[:0] = copies


_CONSTRUCTORS: dict = {}  # (record class, __init__) -> the constructor srcad wrote for it


def _constructors(binder: Binder, rt_name: str, filename: str):
    """How `records_built` names the constructor of a record class: a def srcad writes
    (compiled with the class's __init__'s globals), bound in `binder`, read back from its
    tree (srcad.parse reads `__srcad_origin__`)."""

    def build(cls, replaced: tuple | None = None) -> str:
        # a plain class's __init__ may be replaced: the key holds it
        key = (cls, vars(cls).get("__init__"), replaced)
        function = _CONSTRUCTORS.get(key)
        if function is not None:
            return binder.bind(function.__name__, function)
        standin = records_built.standin(cls)
        node, defaults, globals_ = records_built.constructor_source(
            cls, "srcad_rt", "record", replaced
        )
        source = emit.unparse_function(node)
        cells = {"srcad_rt": types.CellType(runtime), "record": types.CellType(standin)}
        emitted = emit.compile_function(
            source, node.name, dict(globals_), cells, {}, defaults or None, None, label=node.name
        )
        function = emitted.function
        function.__srcad_origin__ = (filename, S.clone(node))
        _CONSTRUCTORS[key] = function
        return binder.bind(node.name, function)

    return build


def _def_compiler(parsed, binder: Binder):
    """How normalization compiles the nested functions it lifts: in the user's globals,
    with the user's closure cells."""

    def compile_def(node, cells: dict, defaults, label: str):
        source = emit.unparse_function(node)
        user_cells = dict(binder.namespace.cells)
        globals_ = parsed.fn.__globals__
        emitted = emit.compile_function(
            source, node.name, globals_, cells, user_cells, defaults, None, label=label
        )
        # read back with the user's lines (srcad.parse), for messages located in the user's file
        emitted.function.__srcad_origin__ = (parsed.filename, S.clone(node))
        return emitted.function

    return compile_def


def _generate(fn, spec: Spec) -> cache.Generated:
    unit = _front(fn, spec)
    with cache.pending(fn, spec, spec.mode.roles) as cells:
        output, aux = name_output(unit.fdef, spec.has_aux, unit.namer)
        if spec.mode is Mode.VMAP:
            result = batched_assembler.build(unit, output)
        else:
            facts = analyze(unit, output, aux)
            if spec.mode is Mode.JVP:
                result = forward_assembler.build(unit, facts)
            else:
                result = reverse_assembler.build(unit, facts)
    functions, sources = _emit(unit, result)
    for role, function in functions.items():
        cells[role].cell_contents = function
    unit.stages["optimized"] = "\n".join(sources.values())
    target = unit.parsed.fn
    return cache.Generated(functions, sources, unit.stages, unit.guards, target.__name__)


def _emit(unit: Unit, result: dict) -> tuple[dict, dict]:
    """Print and compile each generated function, with the user's globals and cells."""
    spec, target = unit.spec, unit.parsed.fn
    functions, sources = {}, {}
    label = f"{spec.mode.value} of {target.__qualname__}"
    for role, fdef in result.items():
        source = emit.unparse_function(fdef)
        # The functions called like the user's (grad, the forward half of a vjp) take its
        # defaults; a jvp function takes every argument.
        takes_defaults = role in ("main", "fwd") and spec.mode is not Mode.JVP
        # (a def given parameters for a call's *args has every named one passed: no defaults)
        count, keys = spec.variadic or (dict(spec.kinds).get(EXTRA_ARGUMENTS, 0), ())
        defaults = target.__defaults__ if takes_defaults and not (count or keys) else None
        emitted = emit.compile_function(
            source,
            fdef.name,
            target.__globals__,
            unit.binder.cells,
            unit.parsed.namespace.cells,
            defaults,
            target.__kwdefaults__ if takes_defaults else None,
            label=label + ("" if role == "main" else f" ({role})"),
        )
        emitted.function.__srcad_generated__ = True
        if role == ("main" if spec.mode is Mode.JVP else "fwd") and not spec.has_aux:
            # (out, tangent) or (out, residuals): code differentiated again knows `out` is
            # a new object where the user's function returns one (alias_facts)
            emitted.function.__srcad_fresh_result__ = returns_fresh(
                target, fresh_result, spec.owned
            )
        functions[role], sources[role] = emitted.function, source
    return functions, sources


def _jacobian(fn, spec: Spec) -> cache.Generated:
    """jacfwd / jacrev: a driver around the batched jvp or split vjp of `fn`."""
    target = getattr(fn, "__srcad_function__", None)
    target = _specialized(fn, spec) if target is not None else fn
    name = getattr(target, "__name__", "f")
    inner_mode = Mode.JVP if spec.mode is Mode.JACFWD else Mode.VJP
    inner = generate(
        fn,
        Spec(
            inner_mode,
            spec.wrt,
            kinds=spec.kinds,
            batch=1,
            ndims=spec.ndims,
            records=spec.records,
        ),
    )
    wrt = list(spec.wrt)
    extra = dict(spec.kinds).get(EXTRA_ARGUMENTS, 0)
    params = None  # the call's arguments gathered by *args: one parameter each
    if extra and type(target) is types.FunctionType:
        params = variadic_parameters(target, extra, None)
    if spec.mode is Mode.JACFWD:
        jvp_fn = inner.functions["main"]
        function, text = drivers.jacfwd(
            target, wrt, spec.tuple_out, jvp_fn, name, bool(spec.holomorphic), params
        )
    else:
        fwd, bwd = inner.functions["fwd"], inner.functions["bwd"]
        # grad and value_and_grad with holomorphic=True: Jacobians of a complex scalar
        value = spec.holomorphic == "value_and_grad"
        transform = "grad" if spec.holomorphic in ("grad", "value_and_grad") else "jacrev"
        function, text = drivers.jacrev(
            target,
            wrt,
            spec.tuple_out,
            fwd,
            bwd,
            name,
            bool(spec.holomorphic),
            value,
            transform,
            params,
        )
    sources = {"main": text}
    for role, source in inner.sources.items():
        sources[f"inner_{role}"] = source
    stages = cache.Stages(inner.stages)
    stages["optimized"] = "\n".join(sources.values())
    return cache.Generated({"main": function}, sources, stages, inner.guards, name)
