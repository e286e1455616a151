"""Small generated functions that compose transforms: Jacobians, pullbacks, pushforwards.

`jacfwd(f)` is itself a generated function: it builds a batch of basis tangents, runs the
vectorized jvp of ``f`` once, and lays the result out as ``out.shape + in.shape``; for an
output or argument that is a tuple, list or dict, the Jacobian is nested as JAX nests it
(the output's structure outside, the argument's inside; `srcad.helpers.jacobians` documents
the layout). Because these drivers are generated source like every other derivative, they
can be transformed again (``jacfwd(jacrev(f))`` is the Hessian). Each driver is a few
lines of text, compiled by `srcad.emit` with its callees bound as closure cells.
"""

from __future__ import annotations

import inspect

from . import emit, runtime
from .errors import UnsupportedOperationError
from .naming import identifier


def positional_params(fn) -> list[str]:
    sig = inspect.signature(fn, follow_wrapped=False)
    names = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            continue  # a driver passes no extra arguments (code is generated for none)
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise UnsupportedOperationError(
                f"srcad's Jacobian transforms need a function with positional parameters "
                f"only; {fn.__name__} has {p.kind.description} parameter {p.name!r}",
                hint="wrap it: jacfwd(lambda x: f(x, key=value))",
            )
        names.append(p.name)
    return names


# The names a driver's body uses besides the user's parameters. A parameter may have any of
# these names (the fuzzer tried `def f(out, tangents)`), so each driver renames its own.
_INTERNAL = (
    "rt",
    "tangents",
    "out",
    "tangent_out",
    "jacobians",
    "jvp_fn",
    "fwd_fn",
    "bwd_fn",
    "residuals",
    "cotangents",
    "grads",
    "cotangent",
    "jvp_rule",
)


def local_names(params: list[str]) -> dict[str, str]:
    """Each internal name, with underscores appended until no parameter has it."""
    taken, names = set(params), {}
    for internal in _INTERNAL:
        name = internal
        while name in taken:
            name += "_"
        taken.add(name)
        names[internal] = name
    return names


def build(name: str, params: list[str], body: list[str], cells: dict, defaults, label: str):
    """Compile `def name(params): body` with `cells` as its free variables (`rt` included)."""
    name = identifier(name)
    text = f"def {name}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body)
    cells = dict(cells)
    cells.setdefault(local_names(params)["rt"], runtime)
    emitted = emit.compile_function(
        text, name, {"__builtins__": __builtins__}, cells, {}, defaults, None, label=label
    )
    emitted.function.__srcad_generated__ = True
    return emitted.function, text


def _wrt(wrt: list[str], tuple_out: bool) -> str:
    """What the Jacobian is taken with respect to: the argument, or the tuple of them."""
    return f"({', '.join(wrt)},)" if tuple_out else wrt[0]


def jacfwd(fn, wrt: list[str], tuple_out: bool, jvp_fn, fname: str, holomorphic=False, params=None):
    """The Jacobian by one batched jvp; `params` are the jvp's parameters when `fn`'s
    ``*args`` are spelled out (srcad.normalize.variadic), which then takes no defaults."""
    defaults = fn.__defaults__ if params is None else None
    params = positional_params(fn) if params is None else params
    n = local_names(params)
    args = ", ".join(params)
    seeds = _wrt(wrt, tuple_out)
    # The jvp takes one tangent per differentiated argument: a tuple argnums' basis is that
    # tuple already, one argument's basis is wrapped.
    tangents = n["tangents"] if tuple_out else f"({n['tangents']},)"
    flag = ", True" if holomorphic else ""
    body = [
        f"{n['tangents']} = {n['rt']}.basis_for({seeds}{flag})",
        f"{n['out']}, {n['tangent_out']} = {n['jvp_fn']}({args}, {tangents})",
        f"{n['jacobians']} = {n['rt']}.columns_to_jacobians({n['tangent_out']}, {n['out']}, "
        f"{seeds})",
        f"return {n['jacobians']}",
    ]
    return build(
        f"jacfwd_{fname}",
        params,
        body,
        {n["jvp_fn"]: jvp_fn},
        defaults,
        f"jacfwd of {fname}",
    )


def jacrev(
    fn,
    wrt: list[str],
    tuple_out: bool,
    fwd_fn,
    bwd_fn,
    fname: str,
    holomorphic=False,
    value=False,
    transform="jacrev",
    params=None,
):
    """The Jacobian by one batched vjp; with `value`, ``(out, jacobian)``; `transform`
    "grad" for grad(holomorphic=True), which needs a scalar output; `params` as `jacfwd`."""
    defaults = fn.__defaults__ if params is None else None
    params = positional_params(fn) if params is None else params
    n = local_names(params)
    args = ", ".join(params)
    seeds = _wrt(wrt, tuple_out)
    # The backward sweep returns one adjoint per differentiated argument, in a tuple.
    grads = n["grads"] if tuple_out else f"({n['grads']},)"
    options = ", True" if holomorphic else ""
    options += f", {transform!r}" if transform != "jacrev" else ""
    result = f"{n['out']}, {n['jacobians']}" if value else n["jacobians"]
    body = [
        f"{n['out']}, {n['residuals']} = {n['fwd_fn']}({args})",
        f"{n['cotangents']} = {n['rt']}.basis_like({n['out']}{options})",
        f"{grads} = {n['bwd_fn']}({n['residuals']}, {n['cotangents']})",
        f"{n['jacobians']} = {n['rt']}.rows_to_jacobians({n['grads']}, {n['out']}, {seeds})",
        f"return {result}",
    ]
    return build(
        f"jacrev_{fname}",
        params,
        body,
        {n["fwd_fn"]: fwd_fn, n["bwd_fn"]: bwd_fn},
        defaults,
        f"jacrev of {fname}",
    )


def pullback(fn, fwd_fn, bwd_fn, cotangent, fname: str, params=None):
    """x -> J(x)^T v for a fixed cotangent v (`params` as `jacfwd`)."""
    defaults = fn.__defaults__ if params is None else None
    params = positional_params(fn) if params is None else params
    n = local_names(params)
    args = ", ".join(params)
    body = [
        f"{n['out']}, {n['residuals']} = {n['fwd_fn']}({args})",
        f"return {n['bwd_fn']}({n['residuals']}, {n['cotangent']})",
    ]
    cells = {n["fwd_fn"]: fwd_fn, n["bwd_fn"]: bwd_fn, n["cotangent"]: cotangent}
    return build(f"pullback_{fname}", params, body, cells, defaults, f"pullback of {fname}")


def pushforward(fn, jvp_fn, tangents, fname: str, params=None):
    """x -> J(x) u for fixed tangents u (`params` as `jacfwd`)."""
    defaults = fn.__defaults__ if params is None else None
    params = positional_params(fn) if params is None else params
    n = local_names(params)
    args = ", ".join(params)
    body = [
        f"{n['out']}, {n['tangent_out']} = {n['jvp_fn']}({args}, {n['tangents']})",
        f"return {n['tangent_out']}",
    ]
    return build(
        f"pushforward_{fname}",
        params,
        body,
        {n["jvp_fn"]: jvp_fn, n["tangents"]: tuple(tangents)},
        defaults,
        f"pushforward of {fname}",
    )


def linearized(fn, jvp_rule, fname: str):
    """(primals..., tangents...) -> the tangent output of a user's custom jvp rule."""
    params = positional_params(fn)
    tangents = []
    for p in params:
        name = f"tangent_{p}"
        while name in params or name in tangents:
            name += "_"
        tangents.append(name)
    n = local_names(params + tangents)
    body = [
        f"{n['out']}, {n['tangent_out']} = {n['jvp_rule']}(({', '.join(params)},), "
        f"({', '.join(tangents)},))",
        f"return {n['tangent_out']}",
    ]
    return build(
        f"linearized_{fname}",
        params + tangents,
        body,
        {n["jvp_rule"]: jvp_rule},
        None,
        f"the custom jvp of {fname}, linearized",
    )
