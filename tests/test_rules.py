"""check_grads over every rule in the spec table, and the table's completeness."""

from __future__ import annotations

import collections
import importlib.util
import re

import numpy as np
import pytest
from helpers import function_from_source
from rule_specs import COVERED_ELSEWHERE, SPECS, spec_name

import srcad
from srcad import build
from srcad import runtime as rt
from srcad.build import Mode
from srcad.rules.template import all_rules, registry_key

if importlib.util.find_spec("scipy") is not None:
    import srcad.rules.scipy  # noqa: F401 - scipy's rules count when scipy is installed

DOMAINS = {
    "real": lambda rng, s: rng.standard_normal(s),
    "positive": lambda rng, s: rng.uniform(0.5, 2.0, s),
    "unit": lambda rng, s: rng.uniform(-0.9, 0.9, s),
    "nonzero": lambda rng, s: rng.choice([-1, 1], s) * rng.uniform(0.5, 2.0, s),
    "away_from_ties": lambda rng, s: (
        rng.permutation(np.arange(np.prod(s, dtype=int)) * 0.37 + rng.uniform(0, 0.1)).reshape(s)
        - 1.0
    ),
}


def _cases():
    for spec in SPECS:
        for shapes in spec.shapes:
            for kwargs in spec.kwargs:
                label = f"{spec_name(spec)}-{shapes}-{kwargs}"
                yield pytest.param(spec, shapes, kwargs, id=label)


Pair = collections.namedtuple("Pair", "a b")  # a record, for rt.make_record's spec


def _function(spec, nargs, kwargs):
    args = ", ".join(f"a{i}" for i in range(nargs))
    if spec.call is not None:
        body = spec.call
    else:
        kw = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        body = f"prim({args}{', ' + kw if kw else ''})"
    return function_from_source(
        f"def f({args}):\n    return {body}\n",
        "f",
        {"prim": spec.primitive, "rt": rt, "Pair": Pair},
    )


def _arguments(spec, shapes, seed=0):
    rng = np.random.default_rng(seed)
    args = []
    for i, s in enumerate(shapes):
        value = DOMAINS[spec.domain](rng, s)
        if spec.domain == "away_from_ties" and i:
            value = value + 0.011 * (i + 1)
        args.append(np.asarray(value, dtype=spec.dtype) if s else float(value))
    return tuple(args)


@pytest.mark.parametrize("spec,shapes,kwargs", list(_cases()))
def test_rule(spec, shapes, kwargs):
    f = _function(spec, len(shapes), kwargs)
    srcad.check_grads(
        f,
        _arguments(spec, shapes),
        order=spec.order,
        modes=spec.modes,
        rtol=spec.rtol,
        atol=spec.atol,
    )


@pytest.mark.parametrize("spec,shapes,kwargs", list(_cases()))
def test_rule_with_three_directions(spec, shapes, kwargs):
    """A batch of k=3 directions gives what 3 single-direction runs give, in both modes."""
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    rng = np.random.default_rng(1)
    params = [f"a{i}" for i in range(len(args))]
    tangents = [rng.standard_normal((3,) + np.shape(a)).astype(np.result_type(a)) for a in args]
    batched = build.generate(f, build.Spec(Mode.JVP, tuple(params), batch=1))
    out, tangent_out = batched.functions["main"](*args, tuple(tangents))
    for k in range(3):
        _, single = srcad.jvp(f, args, tuple(t[k] for t in tangents))
        np.testing.assert_allclose(tangent_out[k], single, rtol=1e-10, atol=1e-12)
    cotangents = rng.standard_normal((3,) + np.shape(out)).astype(np.result_type(out))
    batched = build.generate(f, build.Spec(Mode.VJP, tuple(params), batch=1))
    out, residuals = batched.functions["fwd"](*args)
    grads = batched.functions["bwd"](residuals, cotangents)
    _, pullback = srcad.vjp(f, *args)
    for k in range(3):
        for got, want in zip(grads, pullback(cotangents[k])):
            np.testing.assert_allclose(got[k], want, rtol=1e-10, atol=1e-12)


def _one_active_cases():
    for spec in SPECS:
        shapes = spec.shapes[0]
        for k in range(len(shapes) if len(shapes) > 1 else 0):
            yield pytest.param(spec, shapes, k, id=f"{spec_name(spec)}-{shapes}-argument-{k}")


@pytest.mark.parametrize("spec,shapes,k", list(_one_active_cases()))
def test_rule_with_one_argument_differentiated(spec, shapes, k):
    """The others are constants (globals): each rule must cope with zero derivatives that have
    no variable to take a shape from, and methods of constant arrays must find their rules."""
    args = _arguments(spec, shapes)
    kwargs = spec.kwargs[0]
    names = {f"a{i}": ("x" if i == k else f"c{i}") for i in range(len(args))}
    if spec.call is not None:
        body = re.sub(r"\ba\d+\b", lambda m: names[m.group(0)], spec.call)
    else:
        keywords = "".join(f", {key}={value!r}" for key, value in kwargs.items())
        body = f"prim({', '.join(names.values())}{keywords})"
    scope = {"prim": spec.primitive, "rt": rt, "Pair": Pair}
    scope.update({f"c{i}": a for i, a in enumerate(args) if i != k})
    f = function_from_source(f"def f(x):\n    return {body}\n", "f", scope)
    srcad.check_grads(f, (args[k],), order=1, modes=spec.modes, rtol=spec.rtol, atol=spec.atol)


def _srcad_rules():
    """Rules srcad itself registers (tests may register rules of their own)."""
    return [
        r
        for r in all_rules()
        if any(t is not None and t.func.__module__.startswith("srcad.") for t in (r.vjp, r.jvp))
    ]


def test_every_rule_has_a_spec():
    # Keyed as the registry keys them: a bound method (scipy.stats.norm.logpdf) is a new
    # object at each access.
    specified = {registry_key(s.primitive) for s in SPECS}
    specified |= {registry_key(p) for p in COVERED_ELSEWHERE}
    missing = sorted(
        r.name
        for r in _srcad_rules()
        if not r.nondiff and registry_key(r.primitive) not in specified
    )
    assert not missing, f"rules without a spec in tests/specs/: {missing}"


def test_every_spec_names_a_rule():
    registered = {registry_key(r.primitive) for r in all_rules() if r.vjp or r.jvp}
    unknown = [spec_name(s) for s in SPECS if registry_key(s.primitive) not in registered]
    assert not unknown, f"specs for functions without rules: {unknown}"


def test_every_rule_has_both_modes():
    one_sided = sorted(
        r.name for r in all_rules() if not r.nondiff and (r.vjp is None) != (r.jvp is None)
    )
    assert not one_sided, f"rules with only one of vjp/jvp: {one_sided}"


def test_vjp_and_jvp_agree_on_the_differentiable_parameters():
    """Activity analysis reads them off whichever template of a rule is parsed first."""
    for rule in _srcad_rules():
        if rule.vjp is not None and rule.jvp is not None:
            assert rule.vjp.outputs == rule.jvp.reads, rule.name
