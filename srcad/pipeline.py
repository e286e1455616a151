"""The straight-line driver: parse -> fence -> normalize -> analyze -> transform -> optimize
-> emit, for one function and one `Spec`.

`generate(fn, spec)` returns a `Generated`: the live function objects, their sources, the
text of every stage (for `srcad.show`), and the guards that tell when a cached result has
gone stale (a global or closure variable it resolved now holds another object). Calls to
other user functions are transformed through this same driver, recursively; a recursive
call binds a cell that is filled when its own generation finishes.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import threading
import types
import weakref

import gast
import numpy as np

from . import emit, fence, runtime
from .analyze import activity as activity_mod
from .analyze import aliasing
from .analyze import kinds as kinds_mod
from .analyze import ndims as ndims_mod
from .analyze.calls import bind_function
from .analyze.resolve import (
    dict_calls_as_displays,
    refuse_index_tricks,
    resolve,
    sequences_as_arrays,
)
from .errors import UnsupportedOperationError
from .ir import syntax as S
from .ir.dnotation import Block, deriv
from .ir.dnotation import accumulate as d_accumulate
from .naming import DerivedNames, Namer, identifier
from .normalize import anf, closures, controlflow
from .optimize import algebra, dce
from .optimize.propagate import propagate
from .parse import Namespace, parse_function
from .rules.methods import METHODS
from .transform import accumulate, apply, reverse, tbr

_MISSING = object()


@dataclasses.dataclass(frozen=True)
class Spec:
    mode: str  # "grad" | "value_and_grad" | "vjp" | "jvp"
    wrt: tuple  # parameter names differentiated
    tuple_out: bool = False  # grad returns a tuple of gradients (argnums was a tuple)
    has_aux: bool = False
    batch: int = 0
    kinds: tuple = ()  # (param name, kind) pairs known from the arguments
    ndims: tuple = ()  # (param name, number of dimensions) for array arguments
    stages: bool = False  # keep every stage's text for srcad.show (costs a copy of each)


class Stages(dict):
    """Stage texts, printed only when asked for (unparsing every stage costs milliseconds).

    Only `srcad.show` asks (its Spec has stages=True); other transforms skip even the copy
    of the tree that a later text needs, a few milliseconds of a first call."""

    def __init__(self, *args, enabled: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled = enabled

    def keep(self, stage: str, node) -> None:
        """Record `node` (a tree or a list of statements) as the text of `stage`."""
        if self.enabled:
            self[stage] = functools.partial(S.to_source, S.clone(node))

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if callable(value):
            value = value()
            self[key] = value
        return value


@dataclasses.dataclass
class Generated:
    functions: dict  # role ("main", "fwd", "bwd") -> function
    sources: dict  # role -> source text
    stages: dict  # stage name -> text
    guards: list  # (container, name, object): stale when container[name] is not object
    name: str = ""

    def __post_init__(self):
        # Split once, so the check on every call is two tight loops.
        unique = {(id(c), k): (c, k, o) for c, k, o in self.guards}.values()
        self._dict_guards = tuple(
            (c, k, o) for c, k, o in unique if not isinstance(c, types.CellType)
        )
        self._cell_guards = tuple((c, o) for c, k, o in unique if isinstance(c, types.CellType))

    def is_fresh(self) -> bool:
        """No global or closure variable srcad resolved now names another object."""
        for container, key, obj in self._dict_guards:
            if container.get(key, _MISSING) is not obj:
                return False
        for cell, obj in self._cell_guards:
            try:
                if cell.cell_contents is not obj:
                    return False
            except ValueError:
                return False
        return True


class Binder:
    """Names in generated code for objects srcad needs there (the runtime, callees)."""

    def __init__(self, namespace: Namespace, namer: Namer, local_names: set[str]):
        self.namespace = namespace
        self.namer = namer
        self.local_names = local_names
        self.cells: dict[str, object] = {}
        self._names: dict[int, str] = {}

    def bind(self, preferred: str, obj) -> str:
        preferred = identifier(preferred)
        key = id(obj)

        if key in self._names:
            return self._names[key]
        if (
            preferred not in self.local_names
            and preferred not in self.cells
            and self.namespace.lookup(preferred, _MISSING) is obj
            and not isinstance(obj, types.CellType)
        ):
            self._names[key] = preferred
            return preferred
        name = self.namer.fresh(preferred)
        self.cells[name] = obj
        self._names[key] = name
        return name

    def bind_as(self, name: str, obj) -> str:
        """Bind `obj` under exactly `name` (a name the namer already handed out)."""
        self.cells[name] = obj
        self._names[id(obj)] = name
        return name

    def resolve(self, node):
        """The object an expression of generated code refers to (None if unknown)."""
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name):
            return None
        if node.id in self.cells:
            obj = self.cells[node.id]
            if isinstance(obj, types.CellType):
                try:
                    obj = obj.cell_contents
                except ValueError:
                    return None
        elif node.id in self.local_names:
            return None
        else:
            obj = self.namespace.lookup(node.id, None)
        for part in reversed(path):
            obj = getattr(obj, part, None)
        return obj


# ----------------------------------------------------------------------------- cache

_lock = threading.RLock()
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_pending: dict = {}


def _key_fn(fn):
    return getattr(fn, "__func__", fn)


_unweakrefable: dict = {}


def generate(fn, spec: Spec) -> Generated:
    with _lock:
        key = _key_fn(fn)
        try:
            per_fn = _cache.setdefault(key, {})
        except TypeError:  # not weak-referenceable (ufuncs, builtins): parse will say why
            per_fn = _unweakrefable.setdefault(id(key), {})
        cached = per_fn.get(spec)
        if cached is not None and cached.is_fresh():
            return cached
        # Generation allocates many small trees that die young; the cyclic collector's passes
        # over them were a twentieth of a first grad(f). It runs again when generation ends.
        collecting = gc.isenabled()
        if collecting:
            gc.disable()
        try:
            generated = _generate(fn, spec)
        finally:
            if collecting:
                gc.enable()
        per_fn[spec] = generated
        return generated


def pending_cells(fn, spec: Spec) -> dict | None:
    return _pending.get((id(_key_fn(fn)), spec))


# ----------------------------------------------------------------------------- driver


def _param_names(fdef: gast.FunctionDef) -> list[str]:
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args]
    if a.vararg is not None:
        names.append(a.vararg.id)
    names += [p.id for p in a.kwonlyargs]
    if a.kwarg is not None:
        names.append(a.kwarg.id)
    return names


def _specialized(fn, spec: Spec):
    """A srcad transform being transformed again: its generated code for the kinds of
    arguments in `spec`, not for the last call's. (Its adjoint of a tuple argument is a tuple,
    which code generated for an array argument would add with `+`.)"""
    specialize = getattr(fn, "__srcad_specialize__", None)
    if specialize is None or not spec.kinds:
        return fn
    return specialize(spec.kinds, spec.ndims)


def _generate(fn, spec: Spec) -> Generated:
    if spec.mode in ("jacfwd", "jacrev"):
        return _generate_driver(fn, spec)
    parsed = parse_function(_specialized(fn, spec))
    target_fn = parsed.fn
    fdef = parsed.node
    stages = Stages(enabled=spec.stages)
    stages.keep("parse", fdef)
    fence.check(fdef, parsed.filename)
    namer = Namer(S.all_names(fdef))
    guards: list = []
    namespace = parsed.namespace
    user_locals = S.names_stored(fdef) | set(_param_names(fdef))
    binder = Binder(namespace, namer, user_locals)
    rt_name = binder.bind("rt", runtime)
    fdef = closures.lift(fdef, namer, binder, target_fn.__globals__, parsed.filename)
    fdef = anf.normalize_function(fdef, namer, rt_name)
    fdef = controlflow.lower_function(fdef, namer)

    stages.keep("anf", fdef)
    local_names = S.names_stored(fdef) | set(_param_names(fdef))
    binder.local_names = local_names
    # Names srcad bound for normalization (the runtime) resolve like the function's own.
    bound_cells = {
        n: o if isinstance(o, types.CellType) else types.CellType(o)
        for n, o in binder.cells.items()
    }
    visible = Namespace(namespace.globals, {**namespace.cells, **bound_cells})
    resolution = resolve(fdef, visible, local_names, parsed.filename, guards)
    dict_calls_as_displays(fdef, resolution)
    sequences_as_arrays(fdef, resolution, namer.fresh, lambda: binder.bind("np", np))

    roles = ("fwd", "bwd") if spec.mode in ("vjp", "split") else ("main",)
    key = (id(_key_fn(fn)), spec)
    cells = {role: types.CellType() for role in roles}
    _pending[key] = cells
    try:
        if spec.mode == "jvp":
            from .transform import forward_driver

            result = forward_driver.build(
                parsed,
                fdef,
                spec,
                namer,
                binder,
                resolution,
                guards,
                stages,
                _callee_factory(binder, guards),
            )
        else:
            result = _build_reverse(parsed, fdef, spec, namer, binder, resolution, guards, stages)
    finally:
        _pending.pop(key, None)
    functions, sources = {}, {}
    label_base = f"{spec.mode} of {target_fn.__qualname__}"
    for role, fdef_out in result.items():
        source = emit.unparse_function(fdef_out)
        user_cells = namespace.cells
        emitted = emit.compile_function(
            source,
            fdef_out.name,
            target_fn.__globals__,
            binder.cells,
            user_cells,
            target_fn.__defaults__ if role in ("main", "fwd") and spec.mode != "jvp" else None,
            target_fn.__kwdefaults__ if role in ("main", "fwd") and spec.mode != "jvp" else None,
            label=f"{label_base}" + ("" if role == "main" else f" ({role})"),
        )
        functions[role] = emitted.function
        sources[role] = source
        cells[role].cell_contents = emitted.function
        emitted.function.__srcad_generated__ = True
    stages["optimized"] = "\n".join(sources.values())
    return Generated(functions, sources, stages, guards, target_fn.__name__)


def _generate_driver(fn, spec: Spec) -> Generated:
    from . import drivers

    target = getattr(fn, "__srcad_function__", None)
    target = _specialized(fn, spec) if target is not None else fn
    name = getattr(target, "__name__", "f")
    inner_mode = "jvp" if spec.mode == "jacfwd" else "split"
    inner = generate(fn, Spec(inner_mode, spec.wrt, kinds=spec.kinds, batch=1, ndims=spec.ndims))
    if spec.mode == "jacfwd":
        function, text = drivers.jacfwd(
            target, list(spec.wrt), spec.tuple_out, inner.functions["main"], name
        )
    else:
        function, text = drivers.jacrev(
            target,
            list(spec.wrt),
            spec.tuple_out,
            inner.functions["fwd"],
            inner.functions["bwd"],
            name,
        )
    sources = {"main": text}
    for role, source in inner.sources.items():
        sources[f"inner_{role}"] = source
    stages = Stages(inner.stages)
    stages["optimized"] = "\n".join(sources.values())
    return Generated({"main": function}, sources, stages, inner.guards, name)


def _callee_factory(binder: Binder, guards: list):
    """How a transform calls another user function: transform it too, and bind the result."""

    def callee(target, call, target_name: str, mode: str, env: apply.Env, node):
        fn = target.obj
        from . import custom

        special = (
            fn
            if isinstance(fn, (custom.custom_vjp, custom.custom_jvp, custom.checkpoint))
            else None
        )
        if special is not None:
            fn = special.fn
        inner = getattr(fn, "__srcad_function__", None)
        if inner is not None:
            fn = inner()
        if isinstance(fn, types.MethodType):
            # obj.method(a): the function obj's class defines, with obj as its first argument
            if not isinstance(call.func, gast.Attribute):
                raise UnsupportedOperationError(
                    f"srcad cannot differentiate the bound method {target.label}() called "
                    "through another name",
                    env.where(node),
                    hint="call it as obj.method(...)",
                )
            call = gast.Call(
                func=call.func,
                args=[S.clone(call.func.value)] + list(call.args),
                keywords=call.keywords,
            )
            fn = fn.__func__

        bound = bind_function(call, fn)
        if bound is None:
            raise UnsupportedOperationError(
                f"srcad cannot match the arguments of this call to {target.label} "
                "(*args/**kwargs or a wrong number of arguments)",
                env.where(node),
                hint="call it with its parameters spelled out, one argument per parameter "
                "(srcad does not follow *args or **kwargs unpacking)",
            )
        packed = [p for p, a in bound.arguments.items() if not isinstance(a, gast.AST)]
        for p in packed:  # *args or **kwargs: a tuple or dict of the call's atoms
            values = bound.arguments[p]
            values = values.values() if isinstance(values, dict) else values
            if any(isinstance(a, gast.Name) and env.activity.is_active(a.id) for a in values):
                raise UnsupportedOperationError(
                    f"srcad cannot differentiate through the *args or **kwargs parameter "
                    f"{p!r} of {fn.__name__}",
                    env.where(node),
                    hint=f"give {fn.__name__} one parameter per value, or pass a list",
                )
        active = [
            (p, a)
            for p, a in bound.arguments.items()
            if isinstance(a, gast.Name) and env.activity.is_active(a.id)
        ]
        if not active:
            if mode == "jvp":
                return apply.Applied([d_accumulate(target_name, _zero(target_name))])
            return apply.Applied([])
        kinds = tuple(
            (p, env.kinds.get(a.id))
            for p, a in bound.arguments.items()
            if isinstance(a, gast.Name) and env.kinds.get(a.id)
        )
        real = env.ndims.get(ndims_mod.REAL, frozenset())
        ndims = tuple(
            (p, env.ndims[a.id]) if a.id in real else (p, env.ndims[a.id], "complex")
            for p, a in bound.arguments.items()
            if isinstance(a, gast.Name) and a.id in env.ndims
        )
        wrt = tuple(p for p, _ in active)
        if special is not None:
            applied = _special_call(
                special,
                fn,
                call,
                target_name,
                mode,
                env,
                node,
                bound,
                active,
                binder,
                Spec("split", wrt, kinds=kinds, batch=env.batch, ndims=ndims),
            )
            if applied is not None:
                return applied
        if mode == "vjp":
            spec = Spec("split", wrt, kinds=kinds, batch=env.batch, ndims=ndims)
            gen_cells = _callee_cells(fn, spec)
            fwd = binder.bind(f"fwd_{fn.__name__}", gen_cells["fwd"])
            bwd = binder.bind(f"bwd_{fn.__name__}", gen_cells["bwd"])
            res = env.fresh(f"{target_name}_res")
            primal = S.assign(
                S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], store=True),
                gast.Call(func=S.name(fwd), args=call.args, keywords=call.keywords),
            )
            back = env.fresh(f"b_{fn.__name__}")
            body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
            for i, (_, a) in enumerate(active):
                body.append(d_accumulate(a.id, S.subscript(S.name(back), S.const(i))))
            return apply.Applied([Block(sources=[target_name], body=body)], primal=[primal])
        spec = Spec("jvp", wrt, kinds=kinds, batch=env.batch, ndims=ndims)
        gen_cells = _callee_cells(fn, spec)
        jvp_name = binder.bind(f"jvp_{fn.__name__}", gen_cells["main"])
        tangent = env.fresh(f"d_{target_name}")
        args = _all_arguments(fn, bound, binder, env, node)
        args.append(S.tuple_([deriv(a.id) for _, a in active]))
        primal = S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(tangent, store=True)], store=True),
            S.call(S.name(jvp_name), args),
        )
        return apply.Applied([d_accumulate(target_name, S.name(tangent))], primal=[primal])

    return callee


def _special_call(
    special, fn, call, target_name, mode, env, node, bound, active, binder, split_spec
) -> apply.Applied | None:
    """Calls to custom_vjp, custom_jvp and checkpoint functions (None: differentiate `fn`)."""
    from . import custom, drivers

    positional = drivers.positional_params(fn)
    name = fn.__name__

    def accumulate_from(back: str) -> list:
        return [
            d_accumulate(a.id, S.subscript(S.name(back), S.const(positional.index(p))))
            for p, a in active
        ]

    if isinstance(special, custom.custom_vjp) and mode == "vjp":
        custom.require_rule(special, "fwd", f"{name}.defvjp(fwd, bwd)")
        fwd = binder.bind(f"{name}_fwd", special.fwd)
        bwd = binder.bind(f"{name}_bwd", special.bwd)
        res = env.fresh(f"{target_name}_res")
        primal = S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], store=True),
            gast.Call(func=S.name(fwd), args=call.args, keywords=call.keywords),
        )
        back = env.fresh(f"b_{name}")
        body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
        return apply.Applied(
            [Block(sources=[target_name], body=body + accumulate_from(back))], primal=[primal]
        )
    if isinstance(special, custom.checkpoint) and mode == "vjp":
        # Forward sweep: only the result. Backward sweep: run the forward pass again.
        cells = _callee_cells(fn, split_spec)
        fwd = binder.bind(f"fwd_{name}", cells["fwd"])
        bwd = binder.bind(f"bwd_{name}", cells["bwd"])
        again, res, back = (
            env.fresh(f"{target_name}_again"),
            env.fresh(f"{target_name}_res"),
            env.fresh(f"b_{name}"),
        )
        body = [
            S.assign(
                S.tuple_([S.name(again, store=True), S.name(res, store=True)], store=True),
                gast.Call(
                    func=S.name(fwd),
                    args=[S.clone(a) for a in call.args],
                    keywords=[S.clone(k) for k in call.keywords],
                ),
            ),
            S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)])),
        ]
        index = {p: i for i, (p, _) in enumerate(active)}
        body += [
            d_accumulate(a.id, S.subscript(S.name(back), S.const(index[p]))) for p, a in active
        ]
        return apply.Applied([Block(sources=[target_name], body=body)])
    if isinstance(special, custom.custom_jvp):
        custom.require_rule(special, "jvp", f"@{name}.defjvp")
        args = _all_arguments(fn, bound, binder, env, node)
        if mode == "jvp":
            rule = binder.bind(f"{name}_jvp", special.jvp)
            tangent = env.fresh(f"d_{target_name}")
            tangents = [
                deriv(a.id) if isinstance(a, gast.Name) else _zero(S.clone(a)) for a in args
            ]
            primal = S.assign(
                S.tuple_(
                    [S.name(target_name, store=True), S.name(tangent, store=True)], store=True
                ),
                S.call(S.name(rule), [S.tuple_(args), S.tuple_(tangents)]),
            )
            return apply.Applied([d_accumulate(target_name, S.name(tangent))], primal=[primal])
        # Reverse mode transposes the user's jvp: its vjp with respect to the tangents.
        linear, _ = drivers.linearized(fn, special.jvp, name)
        lin_spec = Spec("split", tuple(f"tangent_{p}" for p, _ in active))
        cells = _callee_cells(linear, lin_spec)
        fwd = binder.bind(f"fwd_{name}_linear", cells["fwd"])
        bwd = binder.bind(f"bwd_{name}_linear", cells["bwd"])
        rt = binder.bind("rt", runtime)
        zeros = [
            S.call(gast.Attribute(S.name(rt), "zeros_like", gast.Load()), [S.clone(a)])
            for a in args
        ]
        out, res, back = (
            env.fresh("linear_out"),
            env.fresh(f"{target_name}_res"),
            env.fresh(f"b_{name}"),
        )
        body = [
            S.assign(
                S.tuple_([S.name(out, store=True), S.name(res, store=True)], store=True),
                S.call(S.name(fwd), [S.clone(a) for a in args] + zeros),
            ),
            S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)])),
        ]
        body += [
            d_accumulate(a.id, S.subscript(S.name(back), S.const(i)))
            for i, (_, a) in enumerate(active)
        ]
        return apply.Applied([Block(sources=[target_name], body=body)])
    return None


def _all_arguments(fn, bound, binder: Binder, env, node) -> list:
    """Every parameter's argument, positionally, defaults included (jvp functions take all)."""
    import inspect

    sig = inspect.signature(fn)
    out = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY):
            raise UnsupportedOperationError(
                f"srcad's forward mode cannot yet call {fn.__name__}, which has *args, "
                "**kwargs or keyword-only parameters",
                env.where(node),
                hint="give the called function plain positional parameters, or use reverse "
                "mode (srcad.grad, srcad.vjp, srcad.jacrev) for this call",
            )
        if p.name in bound.arguments:
            out.append(bound.arguments[p.name])
        else:
            default = p.default
            if isinstance(default, (int, float, complex, str, bool, type(None))):
                out.append(S.const(default))
            else:
                out.append(S.name(binder.bind(f"{p.name}_default", default)))
    return out


def _zero(name):
    from .ir.dnotation import Zero

    return Zero(like=name)


def _callee_cells(fn, spec: Spec) -> dict:
    pending = pending_cells(fn, spec)
    if pending is not None:
        return pending
    generated = generate(fn, spec)
    return {role: types.CellType(f) for role, f in generated.functions.items()}


# ----------------------------------------------------------------------------- reverse mode


def _output_name(fdef: gast.FunctionDef, spec: Spec, namer: Namer) -> tuple[str, str | None]:
    ret = fdef.body[-1]
    assert isinstance(ret, gast.Return)
    value = ret.value
    if not isinstance(value, gast.Name):
        name = namer.fresh("result")
        fdef.body.insert(len(fdef.body) - 1, S.assign(name, value))
        value = S.name(name)
        ret.value = S.name(name)
    if not spec.has_aux:
        return value.id, None
    out, aux = namer.fresh("out"), namer.fresh("aux")
    unpack = S.assign(
        S.tuple_([S.name(out, store=True), S.name(aux, store=True)], store=True), S.name(value.id)
    )
    unpack.lineno = getattr(ret, "lineno", None)
    fdef.body.insert(len(fdef.body) - 1, unpack)
    return out, aux


def _build_reverse(parsed, fdef, spec, namer, binder, resolution, guards, stages) -> dict:
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
        _callee_factory(binder, guards),
        ndims,
    )
    sweeps = reverse.sweeps(fdef, env)
    adjoint = DerivedNames(namer, "b")
    seed = adjoint[output]
    rt = binder.bind("rt", runtime)
    batch_stmts, batch_expr = [], None
    if spec.batch:
        directions = namer.fresh("directions")
        leading = gast.Attribute(S.name(rt), "leading_shape", gast.Load())
        call = S.call(leading, [S.name(seed), S.const(spec.batch)])
        batch_stmts = [S.assign(directions, call)]
        batch_expr = S.name(directions)
    lowering = accumulate.Lowering(True, adjoint.__getitem__, kinds, rt, batch_expr, binder.resolve)
    state = accumulate.State(live={output})
    backward = lowering.block(sweeps.backward, state)
    saved = tbr.materialize(
        sweeps.forward, backward, namer.fresh, sweeps.needs_none_init, set(params)
    )
    stages.keep("transform", saved.prologue + saved.forward + saved.backward)
    grads = [S.name(adjoint[p]) if p in state.live else lowering.zeros(p) for p in spec.wrt]
    name = parsed.name
    # The backward sweep starts where the forward sweep ends: one comment covers both.
    last_line: list = [None]
    forward = emit.add_comments(
        saved.prologue + saved.forward, name, parsed.filename, previous=last_line
    )
    backward_c = batch_stmts + emit.add_comments(
        saved.backward, name, parsed.filename, previous=last_line
    )
    pure = _purity(binder)
    scalars = {
        adjoint[n]: None
        for n, rank in env.ndims.items()
        if rank == 0 and n in adjoint and not spec.batch
    }
    if spec.mode in ("grad", "value_and_grad"):
        seed_stmt = S.assign(
            seed, S.call(gast.Attribute(S.name(rt), "scalar_seed", gast.Load()), [S.name(output)])
        )
        if env.ndims.get(output) == 0 and output in env.ndims.get(ndims_mod.REAL, ()):
            # Certainly a real scalar: where the seed (one, of the output's dtype) only
            # scales a product, the product alone will do, and the check is not needed.
            scalars[seed] = 1.0

        # The backward sweep puts overwritten values back: what the function returns is
        # kept aside first (copy propagation removes the copy where nothing is put back).
        kept, keep = {}, []
        for name_ in ([output] if spec.mode == "value_and_grad" else []) + (
            [aux] if aux is not None else []
        ):
            kept[name_] = namer.fresh(f"{name_}_value")
            copied = S.name(name_)
            if name_ in _item_assigned(fdef):
                copied = S.call(gast.Attribute(S.name(rt), "copy", gast.Load()), [copied])
            keep.append(S.assign(kept[name_], copied))
        grad_value = grads[0] if not spec.tuple_out else S.tuple_(grads)
        if spec.mode == "grad":
            ret = grad_value if aux is None else S.tuple_([grad_value, S.name(kept[aux])])
        else:
            value = S.name(kept[output])
            if aux is not None:
                value = S.tuple_([value, S.name(kept[aux])])
            ret = S.tuple_([value, grad_value])
        body = forward + keep + [seed_stmt] + backward_c + [gast.Return(value=ret)]
        body = algebra.simplify(propagate(body), _elementwise(binder), scalars)
        if scalars.get(seed) != 1.0:
            # Not known to be a real scalar: the check stays even when the seed goes unused
            # (an output that does not depend on the input), or grad of a function returning
            # a vector or None would quietly give zeros.
            pure = _keeping_output_check(pure, rt)
        body = dce.eliminate(body, set(), pure)
        fname = namer.fresh(f"{spec.mode}_{name}")
        out = S.function_def(fname, [], body)
        out.args = _copy_args(fdef.args)
        return {"main": out}
    # split: a forward function returning residuals, a backward function taking them
    ret_bwd = gast.Return(value=S.tuple_(grads))
    backward_body = dce.eliminate(propagate(backward_c + [ret_bwd]), set(), pure)
    forward_locals = set(params) | S.names_stored(gast.Module(body=forward, type_ignores=[]))
    residuals = sorted((dce.live_in(backward_body, set()) & forward_locals) - {seed})
    res_name = namer.fresh("residuals")
    outputs = [S.name(output)] + ([S.name(aux)] if aux is not None else [])
    ret_fwd = gast.Return(value=S.tuple_(outputs + [S.tuple_([S.name(r) for r in residuals])]))
    # A residual bound on one path only (a branch) still has to exist on the others.
    maybe_unbound = [r for r in residuals if r not in params]
    init = [S.assign(r, S.const(None)) for r in maybe_unbound if not _bound_first(r, forward)]
    fwd_body = dce.eliminate(propagate(init + forward + [ret_fwd]), set(), pure)

    fwd_name = namer.fresh(f"fwd_{name}")
    bwd_name = namer.fresh(f"bwd_{name}")
    fwd = S.function_def(fwd_name, [], fwd_body)
    fwd.args = _copy_args(fdef.args)
    unpack = S.assign(
        S.tuple_([S.name(r, store=True) for r in residuals], store=True), S.name(res_name)
    )
    # The backward sweep puts back what item assignments overwrote; it works on copies of
    # those arrays, so that it never changes the residuals it was given (a vjp function may
    # run twice, and a nested transform must not see its arguments change).
    restored = sorted(
        {
            s.targets[0].value.id
            for s in S.walk(gast.Module(body=backward_body, type_ignores=[]))
            if isinstance(s, gast.Assign)
            and isinstance(s.targets[0], gast.Subscript)
            and isinstance(s.targets[0].value, gast.Name)
            and s.targets[0].value.id in residuals
        }
    )
    if restored:
        # One copy of everything, so that views among the residuals stay views of the copies.
        fresh = gast.Attribute(S.name(binder.bind("rt", runtime)), "fresh_residuals", gast.Load())
        unpack.value = S.call(fresh, [S.name(res_name)])
    bwd_stmts = ([unpack] if residuals else []) + backward_body

    bwd = S.function_def(bwd_name, [res_name, seed], bwd_stmts)
    return {"fwd": fwd, "bwd": bwd}


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


def _elementwise(binder: Binder):
    """Whether a callee expression is a one-argument elementwise function (np.tanh...)."""

    def test(func) -> bool:
        obj = binder.resolve(func)
        return getattr(obj, "nin", None) == 1 and getattr(obj, "nout", None) == 1

    return test


def _copy_args(args: gast.arguments) -> gast.arguments:

    new = S.clone(args)
    for node in S.walk(new):
        if isinstance(node, gast.Name):
            node.ctx = gast.Param()
    return new


_PURE_METHODS = {name for name, m in METHODS.items() if not m.mutates}
_PURE_BUILTINS = {
    "len",
    "range",
    "reversed",
    "slice",
    "tuple",
    "list",
    "dict",
    "min",
    "max",
    "abs",
    "float",
    "int",
    "isinstance",
    "zip",
    "enumerate",
    "sum",
}


def _keeping_output_check(pure, rt: str):
    def keep(node) -> bool:
        if (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Attribute)
            and node.func.attr == "scalar_seed"
            and isinstance(node.func.value, gast.Name)
            and node.func.value.id == rt
        ):
            return False
        return pure(node)

    return keep


def _purity(binder: Binder):
    from .rules.template import lookup

    random = runtime.np.random

    def pure(node) -> bool:
        for n in S.walk(node):
            if isinstance(n, gast.Call):
                func = n.func
                if (
                    isinstance(func, gast.Name)
                    and func.id in _PURE_BUILTINS
                    and (func.id not in binder.local_names)
                ):
                    continue
                obj = binder.resolve(func)
                if obj is None:
                    if isinstance(func, gast.Attribute) and func.attr in (
                        "append",
                        "pop",
                        "extend",
                        "insert",
                        "update",
                        "setdefault",
                        "clear",
                        "remove",
                        "sort",
                        "fill",
                        "put",
                        "resize",
                        "itemset",
                    ):
                        return False
                    if isinstance(func, gast.Attribute) and func.attr in _PURE_METHODS:
                        continue  # array methods on locals (x.sum(), x.reshape(...))
                    return False
                if getattr(obj, "__module__", "") and str(
                    getattr(obj, "__module__", "")
                ).startswith("numpy.random"):
                    return False
                if obj is runtime or getattr(obj, "__module__", None) in (
                    "srcad.runtime",
                    "srcad.shapes",
                ):
                    continue
                if lookup(obj) is not None:
                    continue
                if obj is random:
                    return False
                return False
        return True

    return pure
