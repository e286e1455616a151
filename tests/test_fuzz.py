"""Differential testing on random programs: every mode against finite differences and
against the other modes.

`fuzz_programs.programs()` writes small numpy programs as source text. For each one, srcad's
jvp, vjp, grad, value_and_grad, jacfwd and jacrev must agree with a central-difference
Jacobian and with each other (jacfwd == jacrev, <v, J u> == <J^T v, u>), and `check_grads`
must pass (at order 2 too on a random tenth or so of the programs). `make test` runs the
"fast" hypothesis profile; `HYPOTHESIS_PROFILE=fuzz` runs 10,000 programs.

`test_random_program_extended` runs the grammar beyond what srcad documents as supported
(tests/fuzz_extended.py: in-place numpy functions, helpers and containers that change their
arguments, aliases, casts, powers at special points, module attributes changed between two
rounds of differentiation). There a located `srcad.SrcadError` is a pass (srcad refuses),
and every number is compared with finite differences (tests/soundness/oracle.py).

Every failure found this way is kept in tests/regressions/fuzz_found.py and replayed by
`test_regression`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fuzz_extended import FEATURE_KEYS, change_cfg, new_cfg
from fuzz_programs import Program, define, programs
from helpers import printer_matches_ast_unparse
from hypothesis import HealthCheck, assume, given, settings
from regressions.fuzz_found import CASES, avoided
from regressions.soundness_open import FEATURES, avoided_features
from soundness.case import Case
from soundness.oracle import evaluate, oracle_trouble

import srcad

EPS = 1e-6  # central-difference step
# A branch test closer than this to its threshold could flip under a finite-difference
# step; such programs are discarded (the derivative does not exist there).
MARGIN = 1e-3
LARGEST = 1e4  # values or derivatives beyond this make finite differences unreliable


# Known srcad bugs the fuzzer steers around until they are fixed (each one is a strict
# xfail regression case, so a fix is noticed and its workaround then disappears).
AVOID = avoided()


class Discard(Exception):
    """The program is fine but cannot be checked at these arguments (see `prepare`)."""


def prepare(program: Program):
    """Define the program; raise `Discard` if its branches or values defeat the checks."""
    margins = []

    def _margin(value, threshold):
        margins.append(abs(float(value) - float(threshold)))
        return value

    probe = define(program.probe_source, program.name, {"_margin": _margin})
    with np.errstate(all="ignore"):
        out = probe(*program.args)
    if not np.all(np.isfinite(out)) or np.max(np.abs(out)) > LARGEST:
        raise Discard(f"output too large or not finite: {out!r}")
    if margins and min(margins) < MARGIN:
        raise Discard(f"a branch test is {min(margins):.2g} from its threshold")
    return define(program.source, program.name), out


def fd_jacobian(f, args, k: int, eps: float = EPS) -> np.ndarray:
    """d f / d args[k] by central differences, shaped out.shape + args[k].shape."""
    base = np.asarray(args[k], dtype=float)
    columns = []
    for i in range(base.size):
        step = np.zeros(base.size)
        step[i] = eps
        step = step.reshape(base.shape)

        def at(delta):
            moved = base + delta
            value = moved if np.ndim(args[k]) else float(moved)
            return np.asarray(f(*args[:k], value, *args[k + 1 :]), dtype=float)

        columns.append((at(step) - at(-step)) / (2 * eps))
    out_shape = columns[0].shape
    return np.stack(columns, axis=-1).reshape(out_shape + base.shape)


def close(what: str, got, want, scale: float, rtol=1e-5, atol=1e-6) -> None:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    if got.size == 0:
        return
    error = float(np.max(np.abs(got - want)))
    tolerance = atol + rtol * scale
    assert np.all(np.isfinite(got)) and error <= tolerance, (
        f"{what} differs: max error {error:.3g} > tolerance {tolerance:.3g}\n"
        f"srcad:\n{got}\nexpected:\n{want}"
    )


def contract(a, b, axes: int) -> np.ndarray:
    """Sum of a * b over a's last `axes` axes and b's first `axes` axes."""
    return np.tensordot(np.asarray(a, dtype=float), np.asarray(b, dtype=float), axes=axes)


def check_program(program: Program, avoid: frozenset = frozenset()) -> None:
    """Run every transform on `program` and compare; raise AssertionError on a mismatch.

    `avoid` skips the checks that known srcad bugs would fail (see regressions/fuzz_found.py).
    """
    features = program.features
    # Tapes inside a callee's residuals, or lists saved on a tape, are consumed by the first
    # call of a vjp function.
    skip_second_vjp = "vjp_twice_nested_tapes" in avoid and bool(features & {"helper", "stack"})
    # value_and_grad reads a returned loop variable after the backward sweep restored it.
    skip_value = "value_and_grad_loop_value" in avoid and "bare_return" in features
    # Second order refuses the item assignments of an array the forward sweep saves on a tape.
    order2 = program.order2 and not (
        "order2_item_assignment_in_loop" in avoid and "fill_in_loop" in features
    )
    f, out = prepare(program)
    args = program.args
    argnums = tuple(range(len(args)))
    out_ndim = np.ndim(out)
    fd = [fd_jacobian(f, args, k) for k in argnums]
    scale = max([1.0] + [float(np.max(np.abs(j))) for j in fd if j.size])
    if scale > LARGEST:
        raise Discard(f"derivatives too large for finite differences ({scale:.3g})")
    # Where a program is nearly chaotic (cos of large values, iterated), finite differences
    # depend on the step; the checks below would then blame srcad for the oracle's error.
    for k in argnums:
        coarse = fd_jacobian(f, args, k, 10 * EPS)
        if np.max(np.abs(coarse - fd[k]), initial=0.0) > 1e-7 * scale:
            raise Discard("finite differences have not converged")

    # The oracle shipped with srcad: jvp vs finite differences, vjp by the adjoint identity.
    srcad.check_grads(f, args, order=2 if order2 else 1)

    # Full Jacobians, both modes, against finite differences and each other.
    jac_fwd = srcad.jacfwd(f, argnums=argnums)(*args)
    jac_rev = srcad.jacrev(f, argnums=argnums)(*args)
    for k in argnums:
        close(f"jacfwd wrt argument {k}", jac_fwd[k], fd[k], scale)
        close(f"jacrev wrt argument {k}", jac_rev[k], fd[k], scale)
        close(f"jacfwd vs jacrev wrt argument {k}", jac_fwd[k], jac_rev[k], scale, 1e-9, 1e-9)

    rng = np.random.default_rng(0)
    tangents = tuple(
        rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal())
        for a in args
    )
    primal, tangent_out = srcad.jvp(f, args, tangents)
    close("jvp primal output", primal, out, scale, 1e-9, 1e-9)
    j_u = sum(contract(fd[k], tangents[k], np.ndim(args[k])) for k in argnums)
    close("jvp tangent", tangent_out, j_u, scale)

    cotangent = rng.standard_normal(np.shape(out)) if out_ndim else float(rng.standard_normal())
    primal, pullback = srcad.vjp(f, *args)
    close("vjp primal output", primal, out, scale, 1e-9, 1e-9)
    # A vjp function may be called more than once.
    for attempt in ("first",) if skip_second_vjp else ("first", "second"):
        cotangents = pullback(cotangent)
        assert len(cotangents) == len(args)
        for k in argnums:
            want = contract(cotangent, fd[k], out_ndim)
            close(f"vjp ({attempt} call) wrt argument {k}", cotangents[k], want, scale)
    # The adjoint identity between srcad's own two modes: <v, J u> == <J^T v, u>.
    lhs = float(np.sum(np.asarray(cotangent) * np.asarray(tangent_out)))
    rhs = sum(float(np.sum(np.asarray(c) * np.asarray(u))) for c, u in zip(cotangents, tangents))
    weight = max(1.0, float(np.sum(np.abs(cotangent))))
    close("adjoint identity <v, J u> vs <J^T v, u>", rhs, lhs, scale * weight, 1e-8, 1e-8)

    if out_ndim == 0:
        grads = srcad.grad(f, argnums=argnums)(*args)
        value, grads2 = srcad.value_and_grad(f, argnums=argnums)(*args)
        if not skip_value:
            close("value_and_grad value", value, out, scale, 1e-9, 1e-9)
        for k in argnums:
            close(f"grad wrt argument {k}", grads[k], fd[k], scale)
            close(f"value_and_grad wrt argument {k}", grads2[k], fd[k], scale)


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(programs(avoid=AVOID))
def test_random_program(program):
    try:
        with printer_matches_ast_unparse():
            check_program(program, AVOID)
    except Discard as reason:
        assume(False)
        raise AssertionError("unreachable") from reason


def _param(case):
    marks = []
    if case.open:
        marks.append(pytest.mark.xfail(strict=True, reason=case.issue))
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_regression(case):
    """Programs the fuzzer once failed on, replayed exactly."""
    args = eval(case.args, {"np": np})  # the arguments are stored as source
    program = Program(case.source, case.source, "f", args, case.order2)
    check_program(program)  # everything checked: no workaround applies here


# -------------------------------------------------------------------- the extended grammar
# The constructs known to fail today (their corpus cases are strict xfails) are left out.
AVOID_EXTENDED = AVOID | avoided_features()


def judge_extended(program: Program) -> list:
    """The verdicts (soundness.oracle.Outcome) on `program`: one, or two when it reads
    module attributes (cfg.act, cfg.scale), which change between the two rounds while the
    function stays the same object. Raises `Discard` when finite differences cannot judge."""
    cfg = new_cfg()
    namespace = {"cfg": cfg, "math": math}
    f = define(program.source, program.name, namespace)
    rounds = [None, change_cfg] if "cfg" in program.features else [None]
    outcomes = []
    for change in rounds:
        if change is not None:
            change(cfg)
        case = Case("fuzz", "fuzz", 0, f, program.args)
        reason = _untestable(program, namespace, case)
        if reason is not None:
            if not outcomes:
                raise Discard(reason)
            break
        outcome = evaluate(case)
        outcomes.append(outcome)
        if outcome.kind != "pass":
            break
    return outcomes


def _untestable(program: Program, namespace: dict, case) -> str | None:
    margins = []

    def _margin(value, threshold):
        margins.append(abs(float(value) - float(threshold)))
        return value

    probe = define(program.probe_source, program.name, {**namespace, "_margin": _margin})
    with np.errstate(all="ignore"):
        out = probe(*program.args)
    if not np.all(np.isfinite(out)) or np.max(np.abs(out), initial=0.0) > LARGEST:
        return "output too large or not finite"
    if margins and min(margins) < MARGIN:
        return "a branch test is near its threshold"
    trouble = oracle_trouble(case)
    if trouble is not None:
        return trouble
    fd = [fd_jacobian(case.fn, program.args, k) for k in range(len(program.args))]
    if max(float(np.max(np.abs(j), initial=0.0)) for j in fd) > LARGEST:
        return "derivatives too large for finite differences"
    return None


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(programs(avoid=AVOID_EXTENDED, extended=True))
def test_random_program_extended(program):
    try:
        outcomes = judge_extended(program)
    except Discard as reason:
        assume(False)
        raise AssertionError("unreachable") from reason
    for i, outcome in enumerate(outcomes):
        assert outcome.ok, f"round {i + 1}: {outcome.kind}: {outcome.detail}"


def test_extended_features_are_tied_to_the_corpus():
    """Every construct of the extended grammar has an entry in soundness_open.FEATURES,
    whose cases exist in the corpus."""
    from soundness import all_cases

    assert set(FEATURES) == set(FEATURE_KEYS)
    ids = {c.id for c in all_cases()}
    missing = {k: [i for i in v if i not in ids] for k, v in FEATURES.items()}
    assert not any(missing.values()), missing
