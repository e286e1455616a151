"""Small generated functions that compose transforms: Jacobians, pullbacks, pushforwards.

`jacfwd(f)` is itself a generated function: it builds a batch of basis tangents, runs the
vectorized jvp of ``f`` once, and lays the result out as ``out.shape + in.shape``. Because
these drivers are generated source like every other derivative, they can be transformed
again (``jacfwd(jacrev(f))`` is the Hessian). Each driver is a few lines of text, compiled by
`srcad.emit` with its callees bound as closure cells.
"""

from __future__ import annotations

import inspect

from . import emit, runtime
from .errors import UnsupportedOperationError
from .naming import identifier


def positional_params(fn) -> list[str]:
    sig = inspect.signature(fn)
    names = []
    for p in sig.parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise UnsupportedOperationError(
                f"srcad's Jacobian transforms need a function with positional parameters "
                f"only; {fn.__name__} has {p.kind.description} parameter {p.name!r}",
                hint="wrap it: jacfwd(lambda x: f(x, key=value))",
            )
        names.append(p.name)
    return names


def build(name: str, params: list[str], body: list[str], cells: dict, defaults, label: str):
    """Compile `def name(params): body` with `cells` as its free variables."""
    name = identifier(name)
    text = f"def {name}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body)
    cells = dict(cells)
    cells.setdefault("rt", runtime)
    emitted = emit.compile_function(
        text, name, {"__builtins__": __builtins__}, cells, {}, defaults, None, label=label
    )
    emitted.function.__srcad_generated__ = True
    return emitted.function, text


def jacfwd(fn, wrt: list[str], tuple_out: bool, jvp_fn, fname: str):
    params = positional_params(fn)
    args = ", ".join(params)
    seeds = ", ".join(wrt)
    body = [
        f"tangents = rt.basis_for(({seeds},))",
        f"out, tangent_out = jvp_fn({args}, tangents)",
        f"jacobians = rt.columns_to_jacobians(tangent_out, out, ({seeds},))",
        "return jacobians" if tuple_out else "return jacobians[0]",
    ]
    return build(
        f"jacfwd_{fname}", params, body, {"jvp_fn": jvp_fn}, fn.__defaults__, f"jacfwd of {fname}"
    )


def jacrev(fn, wrt: list[str], tuple_out: bool, fwd_fn, bwd_fn, fname: str):
    params = positional_params(fn)
    args = ", ".join(params)
    seeds = ", ".join(wrt)
    body = [
        f"out, residuals = fwd_fn({args})",
        "cotangents = rt.basis_like(out)",
        "grads = bwd_fn(residuals, cotangents)",
        f"jacobians = rt.rows_to_jacobians(grads, out, ({seeds},))",
        "return jacobians" if tuple_out else "return jacobians[0]",
    ]
    return build(
        f"jacrev_{fname}",
        params,
        body,
        {"fwd_fn": fwd_fn, "bwd_fn": bwd_fn},
        fn.__defaults__,
        f"jacrev of {fname}",
    )


def pullback(fn, fwd_fn, bwd_fn, cotangent, fname: str):
    """x -> J(x)^T v for a fixed cotangent v."""
    params = positional_params(fn)
    args = ", ".join(params)
    body = [f"out, residuals = fwd_fn({args})", "return bwd_fn(residuals, cotangent)"]
    cells = {"fwd_fn": fwd_fn, "bwd_fn": bwd_fn, "cotangent": cotangent}
    return build(f"pullback_{fname}", params, body, cells, fn.__defaults__, f"pullback of {fname}")


def pushforward(fn, jvp_fn, tangents, fname: str):
    """x -> J(x) u for fixed tangents u."""
    params = positional_params(fn)
    args = ", ".join(params)
    body = [f"out, tangent_out = jvp_fn({args}, tangents)", "return tangent_out"]
    return build(
        f"pushforward_{fname}",
        params,
        body,
        {"jvp_fn": jvp_fn, "tangents": tuple(tangents)},
        fn.__defaults__,
        f"pushforward of {fname}",
    )


def linearized(fn, jvp_rule, fname: str):
    """(primals..., tangents...) -> the tangent output of a user's custom jvp rule."""
    params = positional_params(fn)
    tangents = [f"tangent_{p}" for p in params]
    body = [
        f"out, tangent_out = jvp_rule(({', '.join(params)},), ({', '.join(tangents)},))",
        "return tangent_out",
    ]
    return build(
        f"linearized_{fname}",
        params + tangents,
        body,
        {"jvp_rule": jvp_rule},
        None,
        f"the custom jvp of {fname}, linearized",
    )
