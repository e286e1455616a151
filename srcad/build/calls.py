"""Calls from generated code to other user functions: each callee is transformed too.

`Calls` is what rule application (`srcad.transform.apply`) delegates a call to a Python
function to. It finds the function behind the call (a bound method gets its object as first
argument), binds the call's atoms to its parameters, and asks the class for that kind of
callee for the derivative statements:

* `UserFunction`: generate the callee's own split vjp (reverse) or jvp (forward), bound in a
  closure cell, and call it;
* `CustomVjp`: the user's fwd/bwd pair (reverse mode; forward mode differentiates the body);
* `CustomJvp`: the user's jvp rule (forward), transposed by srcad for reverse mode;
* `Checkpoint`: reverse mode keeps only the result and runs the callee's forward sweep again
  in the backward sweep.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable

import gast

from .. import custom, drivers, runtime
from ..analyze import ndims as ndims_mod
from ..analyze.calls import bind_function
from ..analyze.resolve import _UNRESOLVED, attribute_guard, evaluate_chain, is_function
from ..errors import UnsupportedOperationError
from ..ir import syntax as S
from ..ir.dnotation import Block, Zero, deriv
from ..ir.dnotation import accumulate as d_accumulate
from ..ir.resolution import EXTRA_ARGUMENTS, KnownValue
from ..normalize.variadic import variadic_parameters
from ..transform import apply
from . import dispatch
from .binder import Binder
from .cache import pending_cells
from .modes import Mode, Spec


@dataclasses.dataclass
class Call:
    """One call of a user function, as the derivative code sees it."""

    fn: types.FunctionType  # the function called (a method's function)
    call: gast.Call  # the call, with a method's object as first argument
    target_name: str  # the name the result is assigned to
    env: apply.Env
    node: gast.stmt  # the statement (for error locations)
    bound: inspect.BoundArguments  # parameter -> the call's atom
    active: list  # (parameter, atom) for the differentiated arguments
    spec: Spec  # the callee's split-vjp spec (its kinds, ranks and direction axes)
    special: object = None  # the custom_vjp, custom_jvp or checkpoint object called, if any


class Calls:
    """How a transform calls another user function: transform it too, and bind the result.
    `generate` is the driver's generation entry (callees are generated through it)."""

    def __init__(
        self, binder: Binder, generate: Callable, guards: list, layouts: dict | None = None
    ):
        self.binder = binder
        self.generate = generate
        self.guards = guards  # the caller's: its code is stale when a callee's code is
        self.layouts = layouts or {}  # name -> pytree.Layout (srcad.normalize.records)

    def __call__(self, target, call, target_name: str, direction: str, env: apply.Env, node):
        if target.kind == "dispatch":  # a callable known only at run time
            return dispatch.emit_call(self, call, target_name, direction, env, node)
        special = target.obj if isinstance(target.obj, _SPECIAL) else None
        fn = special.fn if special is not None else target.obj
        inner = getattr(fn, "__srcad_function__", None)
        if inner is not None:
            fn = _for_extra_arguments(fn, inner(), call)
        if isinstance(fn, types.MethodType):
            call, fn = _method_call(fn, call, target, env, node)
        variadic = special is None and _specializable(fn)
        bound = _bind(call, fn, target, env, node, variadic)
        if variadic:
            call, bound, variadic = _spelled_out(call, fn, bound, self.binder)
        active = [
            (p, a)
            for p, a in bound.arguments.items()
            if isinstance(a, gast.Name) and env.activity.is_active(a.id)
        ]
        owned = env.resolution.owned.get(call, ())
        if owned and not active:  # the user's function would change the caller's objects
            raise UnsupportedOperationError(
                f"srcad cannot run {target.label}() as written here: it changes arguments "
                "the caller hands over",
                env.where(node),
                hint="copy the arguments it changes (a = a.copy()) before the call",
            )
        if not active:
            if direction == "jvp":
                return apply.Applied([d_accumulate(target_name, Zero(like=target_name))])
            return apply.Applied([])
        functions = self._functions_passed(bound, fn, env)
        spec = _callee_spec(bound, active, env, functions, self.layouts)
        if variadic:
            spec = dataclasses.replace(spec, variadic=variadic)
        if owned:  # the callee copies them first (srcad.analyze.owned)
            spec = dataclasses.replace(spec, owned=owned)
        request = Call(fn, call, target_name, env, node, bound, active, spec, special)
        kind = _kind_of(special)(self)
        return kind.vjp(request) if direction == "vjp" else kind.jvp(request)

    def _functions_passed(self, bound, fn, env: apply.Env) -> tuple:
        """(param, KnownValue) for each function the callee receives: an argument known in the
        caller (a parameter given a function, a global function, a local bound to one) or a
        default the call leaves (``def layer(x, act=np.tanh)``). The callee is generated for
        them, as the caller is for its own."""
        out = []
        for p, a in bound.arguments.items():
            if not isinstance(a, (gast.Name, gast.Attribute)):
                continue
            kind = env.kinds.get(a.id) if isinstance(a, gast.Name) else None
            if isinstance(kind, KnownValue):
                out.append((p, kind))
            elif kind is None:
                namespace = self.binder.visible_namespace()
                guards: list = []  # kept only for a function (data may be rebound freely)
                value = evaluate_chain(a, namespace, self.binder.local_names, guards)
                if value is not _UNRESOLVED and is_function(value):
                    out.append((p, KnownValue(value)))
                    self.guards.extend(guards)
        try:
            parameters = inspect.signature(fn, follow_wrapped=False).parameters.values()
        except (TypeError, ValueError):
            return tuple(out)
        for p in parameters:
            if p.name not in bound.arguments and is_function(p.default):
                out.append((p.name, KnownValue(p.default)))
        return tuple(out)

    def cells(self, fn, spec: Spec) -> dict:
        """The cells holding `fn`'s generated functions for `spec` (pending ones when `fn`
        is being generated: a recursive call)."""
        found = pending_cells(fn, spec)
        if found is not None:
            return found
        generated = self.generate(fn, spec)
        self.guards.extend(generated.guards)
        return {role: types.CellType(f) for role, f in generated.functions.items()}

    def guard(self, special, *attributes: str) -> None:
        """The caller's code is stale when a custom rule is defined again (defvjp, defjvp)."""
        for attribute in attributes:
            self.guards.append(attribute_guard(special, attribute, getattr(special, attribute)))


_SPECIAL = (custom.custom_vjp, custom.custom_jvp, custom.checkpoint)


def _for_extra_arguments(transform, fn, call: gast.Call):
    """A srcad transform's code (`fn`, generated for no extra arguments) called with more
    positional arguments than it takes: the transform's code for that count of *args."""
    specialize = getattr(transform, "__srcad_specialize__", None)
    code = getattr(fn, "__code__", None)
    if specialize is None or code is None or code.co_flags & inspect.CO_VARARGS:
        return fn
    if any(isinstance(a, gast.Starred) for a in call.args):
        return fn
    extra = len(call.args) - code.co_argcount
    return specialize(((EXTRA_ARGUMENTS, extra),), (), ()) if extra > 0 else fn


def _method_call(fn: types.MethodType, call: gast.Call, target, env, node):
    """obj.method(a): the function obj's class defines, with obj as its first argument."""
    if fn.__func__.__name__ == "__call__" and isinstance(call.func, (gast.Name, gast.Attribute)):
        # a callable object, obj(a): its class's __call__(obj, a)
        call = gast.Call(
            func=call.func, args=[S.clone(call.func), *call.args], keywords=call.keywords
        )
        return call, fn.__func__
    if not isinstance(call.func, gast.Attribute):
        raise UnsupportedOperationError(
            f"srcad cannot differentiate the bound method {target.label}() called "
            "through another name",
            env.where(node),
            hint="call it as obj.method(...)",
        )
    call = gast.Call(
        func=call.func, args=[S.clone(call.func.value)] + list(call.args), keywords=call.keywords
    )
    return call, fn.__func__


def _bind(
    call: gast.Call, fn, target, env: apply.Env, node, variadic: bool
) -> inspect.BoundArguments:
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
    packed = [] if variadic else packed  # spelled out for this call (_spelled_out)
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
    return bound


def _specializable(fn) -> bool:
    """A function with *args or **kwargs (and no keyword-only parameters), which is
    generated for each call's count of arguments (srcad.normalize.variadic)."""
    code = getattr(fn, "__code__", None)
    return (
        isinstance(fn, types.FunctionType)
        and code is not None
        and bool(code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))
        and not code.co_kwonlyargcount
    )


@dataclasses.dataclass
class _Spelled:
    """A call bound to a variadic callee's specialization: parameter -> atom, in order."""

    arguments: dict


def _spelled_out(call: gast.Call, fn, bound, binder: Binder):
    """The call of `fn`'s specialization for this call: every argument positional, defaults
    included, one per parameter of `variadic_parameters`; its binding; its (count, keys)."""
    atoms = []
    for p in inspect.signature(fn, follow_wrapped=False).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            atoms.extend(bound.arguments.get(p.name, ()))
        elif p.kind is p.VAR_KEYWORD:
            atoms.extend(bound.arguments.get(p.name, {}).values())
        elif p.name in bound.arguments:
            atoms.append(bound.arguments[p.name])
        else:
            atoms.append(_default_atom(p, binder))
    count = len(bound.arguments.get(_star_name(fn, inspect.Parameter.VAR_POSITIONAL), ()))
    keys = tuple(bound.arguments.get(_star_name(fn, inspect.Parameter.VAR_KEYWORD), {}))
    names = variadic_parameters(fn, count, keys)
    spelled = gast.Call(func=call.func, args=atoms, keywords=[])
    return spelled, _Spelled(dict(zip(names, atoms))), (count, keys)


def _star_name(fn, kind) -> str | None:
    params = inspect.signature(fn, follow_wrapped=False).parameters.values()
    return next((p.name for p in params if p.kind is kind), None)


def _default_atom(p: inspect.Parameter, binder: Binder):
    if isinstance(p.default, (int, float, complex, str, bool, type(None))):
        return S.const(p.default)
    return S.name(binder.bind(f"{p.name}_default", p.default))


def _callee_spec(bound, active: list, env: apply.Env, functions: tuple, layouts: dict) -> Spec:
    """The callee's split-vjp spec, for the kinds, ranks and pytree layouts of this call's
    arguments (and the functions it is passed)."""
    names = [(p, a) for p, a in bound.arguments.items() if isinstance(a, gast.Name)]
    passed = dict(functions)
    kinds = tuple(
        (p, env.kinds.get(a.id)) for p, a in names if env.kinds.get(a.id) and p not in passed
    )
    kinds += functions
    real = env.ndims.get(ndims_mod.REAL, frozenset())
    ndims = tuple(
        (p, env.ndims[a.id]) if a.id in real else (p, env.ndims[a.id], "complex")
        for p, a in names
        if a.id in env.ndims
    )
    wrt = tuple(p for p, _ in active)
    records = tuple((p, layouts[a.id]) for p, a in names if a.id in layouts)
    return Spec(Mode.VJP, wrt, kinds=kinds, batch=env.batch, ndims=ndims, records=records)


def _split_call(calls: Calls, request: Call, fn, name: str, spec: Spec, call: gast.Call):
    """``out, res = fwd_f(args)`` for the forward sweep, and the backward call's statements
    (``b_f = bwd_f(res, b_out)``, then one contribution per active argument)."""
    env, target_name = request.env, request.target_name
    cells = calls.cells(fn, spec)
    fwd = calls.binder.bind(f"fwd_{name}", cells["fwd"])
    bwd = calls.binder.bind(f"bwd_{name}", cells["bwd"])
    res = env.fresh(f"{target_name}_res")
    primal = S.assign(
        S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], store=True),
        gast.Call(func=S.name(fwd), args=call.args, keywords=call.keywords),
    )
    back = env.fresh(f"b_{name}")
    body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
    return primal, back, body


def _contributions(back: str, active: list, positions: dict | None = None) -> list:
    """``d[a] = back[i]`` for each active argument (i: its position among the active ones,
    or in `positions`)."""
    return [
        d_accumulate(
            a.id, S.subscript(S.name(back), S.const(i if positions is None else positions[p]))
        )
        for i, (p, a) in enumerate(active)
    ]


class UserFunction:
    """A Python function srcad reads and transforms."""

    def __init__(self, calls: Calls):
        self.calls = calls

    def vjp(self, request: Call) -> apply.Applied:
        fn = request.fn
        primal, back, body = _split_call(
            self.calls, request, fn, fn.__name__, request.spec, request.call
        )
        body += _contributions(back, request.active)
        return apply.Applied([Block(sources=[request.target_name], body=body)], primal=[primal])

    def jvp(self, request: Call) -> apply.Applied:
        fn, env = request.fn, request.env
        spec = dataclasses.replace(request.spec, mode=Mode.JVP)
        cells = self.calls.cells(fn, spec)
        jvp_name = self.calls.binder.bind(f"jvp_{fn.__name__}", cells["main"])
        tangent = env.fresh(f"d_{request.target_name}")
        args = _all_arguments(request, self.calls.binder)
        args.append(S.tuple_([deriv(a.id) for _, a in request.active]))
        primal = S.assign(
            S.tuple_(
                [S.name(request.target_name, store=True), S.name(tangent, store=True)],
                store=True,
            ),
            S.call(S.name(jvp_name), args),
        )
        return apply.Applied([d_accumulate(request.target_name, S.name(tangent))], primal=[primal])


class CustomVjp(UserFunction):
    """A `srcad.custom_vjp`: reverse mode calls the user's fwd and bwd."""

    def vjp(self, request: Call) -> apply.Applied:
        special = request.special
        name = request.fn.__name__
        custom.require_rule(special, "fwd", f"{name}.defvjp(fwd, bwd)")
        self.calls.guard(special, "fwd", "bwd")
        env, target_name, binder = request.env, request.target_name, self.calls.binder
        fwd = binder.bind(f"{name}_fwd", special.fwd)
        bwd = binder.bind(f"{name}_bwd", special.bwd)
        res = env.fresh(f"{target_name}_res")
        call = request.call
        primal = S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], store=True),
            gast.Call(func=S.name(fwd), args=call.args, keywords=call.keywords),
        )
        back = env.fresh(f"b_{name}")
        body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
        positional = drivers.positional_params(request.fn)
        positions = {p: positional.index(p) for p, _ in request.active}
        body += _contributions(back, request.active, positions)
        return apply.Applied([Block(sources=[target_name], body=body)], primal=[primal])


class Checkpoint(UserFunction):
    """A `srcad.checkpoint`: the forward sweep keeps only the result; the backward sweep
    runs the callee's forward sweep again."""

    def vjp(self, request: Call) -> apply.Applied:
        fn, env, target_name = request.fn, request.env, request.target_name
        name = fn.__name__
        cells = self.calls.cells(fn, request.spec)
        fwd = self.calls.binder.bind(f"fwd_{name}", cells["fwd"])
        bwd = self.calls.binder.bind(f"bwd_{name}", cells["bwd"])
        again, res, back = (
            env.fresh(f"{target_name}_again"),
            env.fresh(f"{target_name}_res"),
            env.fresh(f"b_{name}"),
        )
        call = request.call
        rerun = gast.Call(
            func=S.name(fwd),
            args=[S.clone(a) for a in call.args],
            keywords=[S.clone(k) for k in call.keywords],
        )
        body = [
            S.assign(
                S.tuple_([S.name(again, store=True), S.name(res, store=True)], store=True), rerun
            ),
            S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)])),
        ]
        body += _contributions(back, request.active)
        return apply.Applied([Block(sources=[target_name], body=body)])


class CustomJvp(UserFunction):
    """A `srcad.custom_jvp`: forward mode calls the user's rule; reverse mode transposes
    it (the vjp of the rule with respect to the tangents)."""

    def jvp(self, request: Call) -> apply.Applied:
        special = request.special
        name = request.fn.__name__
        custom.require_rule(special, "jvp", f"@{name}.defjvp")
        self.calls.guard(special, "jvp")
        env, target_name = request.env, request.target_name
        args = _all_arguments(request, self.calls.binder)
        rule = self.calls.binder.bind(f"{name}_jvp", special.jvp)
        tangent = env.fresh(f"d_{target_name}")
        tangents = [
            deriv(a.id) if isinstance(a, gast.Name) else Zero(like=S.clone(a)) for a in args
        ]
        primal = S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(tangent, store=True)], store=True),
            S.call(S.name(rule), [S.tuple_(args), S.tuple_(tangents)]),
        )
        return apply.Applied([d_accumulate(target_name, S.name(tangent))], primal=[primal])

    def vjp(self, request: Call) -> apply.Applied:
        special, fn, env = request.special, request.fn, request.env
        target_name, binder = request.target_name, self.calls.binder
        name = fn.__name__
        custom.require_rule(special, "jvp", f"@{name}.defjvp")
        self.calls.guard(special, "jvp")
        args = _all_arguments(request, binder)
        linear, _ = drivers.linearized(fn, special.jvp, name)
        spec = Spec(Mode.VJP, tuple(f"tangent_{p}" for p, _ in request.active))
        cells = self.calls.cells(linear, spec)
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
        body += _contributions(back, request.active)
        return apply.Applied([Block(sources=[target_name], body=body)])


_KINDS = {custom.custom_vjp: CustomVjp, custom.custom_jvp: CustomJvp, custom.checkpoint: Checkpoint}


def _kind_of(special) -> type:
    for cls, kind in _KINDS.items():
        if isinstance(special, cls):
            return kind
    return UserFunction


def _all_arguments(request: Call, binder: Binder) -> list:
    """Every parameter's argument, positionally, defaults included (jvp functions take all)."""
    fn, bound = request.fn, request.bound
    if isinstance(bound, _Spelled):
        return list(bound.arguments.values())
    out = []
    for p in inspect.signature(fn, follow_wrapped=False).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY):
            raise UnsupportedOperationError(
                f"srcad's forward mode cannot yet call {fn.__name__}, which has *args, "
                "**kwargs or keyword-only parameters",
                request.env.where(request.node),
                hint="give the called function plain positional parameters, or use reverse "
                "mode (srcad.grad, srcad.vjp, srcad.jacrev) for this call",
            )
        if p.name in bound.arguments:
            out.append(bound.arguments[p.name])
        else:
            out.append(_default_atom(p, binder))
    return out
