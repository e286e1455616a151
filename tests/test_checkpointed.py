"""Checkpointed loops (issue 17, item 5): ``for t in srcad.checkpointed(range(n), snapshots=k)``.

Gradients equal those of the same loop written plainly (whose own are checked elsewhere) and
finite differences (`srcad.check_grads`, to order 2), for several step and snapshot counts;
the generated code keeps only the loop-carried state per segment; what cannot be checkpointed
is refused with the user's line."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import function_from_source

import srcad

RNG = np.random.default_rng(0)
W = RNG.normal(size=(3, 3)) * 0.6
H0 = RNG.normal(size=3)
XS = RNG.normal(size=(9, 3))

LOOP = """
def rnn(W, h0, xs):
    h = h0
    loss = 0.0
    for t in {iterable}:
        a = W @ h + xs[t]
        if t % 2 == 0:
            h = np.tanh(a)
        else:
            h = np.sin(a) * 0.9
        loss = loss + np.sum(h ** 2) * 0.1
    return loss + np.sum(h)
"""


def _rnn(iterable: str):
    return function_from_source(LOOP.format(iterable=iterable), "rnn", {"srcad": srcad})


@pytest.mark.parametrize("n", [0, 1, 2, 5, 9])
@pytest.mark.parametrize("snapshots", [None, 1, 2, 3, 4, 20])
def test_gradient_equals_the_plain_loop(n, snapshots):
    checkpointed = _rnn(f"srcad.checkpointed(range({n}), snapshots={snapshots})")
    plain = _rnn(f"range({n})")
    got = srcad.grad(checkpointed, argnums=(0, 1, 2))(W, H0, XS)
    want = srcad.grad(plain, argnums=(0, 1, 2))(W, H0, XS)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    # the function itself runs as written
    assert checkpointed(W, H0, XS) == plain(W, H0, XS)


@pytest.mark.parametrize("snapshots", [None, 1, 3, 20])
def test_finite_differences_to_order_two(snapshots):
    f = _rnn(f"srcad.checkpointed(range(9), snapshots={snapshots})")
    srcad.check_grads(f, (W, H0, XS), order=2)


def test_hessian_and_a_vjp_called_twice():
    f = _rnn("srcad.checkpointed(range(7), snapshots=2)")
    plain = _rnn("range(7)")
    np.testing.assert_allclose(srcad.hessian(f)(W, H0, XS), srcad.hessian(plain)(W, H0, XS))
    _, pullback = srcad.vjp(f, W, H0, XS)
    first, second = pullback(1.0), pullback(1.0)
    want = srcad.grad(plain, argnums=(0, 1, 2))(W, H0, XS)
    for a, b, w in zip(first, second, want):
        np.testing.assert_allclose(a, w, rtol=1e-12)
        np.testing.assert_allclose(b, w, rtol=1e-12)


def scalar_loop(x):
    y = x
    for t in srcad.checkpointed(range(6), snapshots=2):
        y = np.sin(y) * x + t
    return y


def test_grad_of_grad_and_jvp():
    srcad.check_grads(scalar_loop, (0.7,), order=2)
    h = 1e-5
    g = srcad.grad(scalar_loop)
    numeric = (g(0.7 + h) - g(0.7 - h)) / (2 * h)
    np.testing.assert_allclose(srcad.grad(g)(0.7), numeric, rtol=1e-6)


def nested(x):
    acc = 0.0
    for k in range(3):
        h = x * (k + 1)
        for _t in srcad.checkpointed(range(5)):
            z = h
            for j in range(2):
                z = np.cos(z) + x[j]
            h = np.tanh(z) * h
        acc = acc + np.sum(h)
    return acc


def checkpointed_twice(x):
    h = x
    for k in srcad.checkpointed(range(4), snapshots=2):
        for _t in srcad.checkpointed(range(5)):
            h = np.tanh(h * 1.1 + k)
    return np.sum(h)


def strided(x, step):
    h = x
    for t in srcad.checkpointed(range(1, 10, step), 2):
        h = np.tanh(h) * t
        step = 100  # the loop keeps the step it started with
    return np.sum(h)


def carried_list(x):
    hs = []
    h = x
    for t in srcad.checkpointed(range(6), snapshots=3):
        h = np.tanh(h + t)
        hs = hs + [h]
    return np.sum(np.stack(hs) ** 2)


X = np.array([0.3, -0.2, 0.5])


@pytest.mark.parametrize("f", [nested, checkpointed_twice, carried_list])
def test_nested_loops_and_carried_lists(f):
    srcad.check_grads(f, (X,), order=2)


def test_a_step_from_a_variable_rebound_in_the_body():
    srcad.check_grads(lambda x: strided(x, 3), (X,), order=2)


def test_only_the_carried_state_is_kept_per_segment():
    source = srcad.source(srcad.grad(_rnn("srcad.checkpointed(range(9), snapshots=3)")))
    forward = source[: source.index("scalar_seed")]
    segment_loop = forward[forward.index("for segment in") :]
    # the forward sweep keeps h and loss (carried) once per segment, nothing per step
    kept = re.findall(r"(\w+)\.append\((\w+)\)", segment_loop)
    assert sorted(value for _, value in kept) == ["h", "loss"]


def test_golden_source():
    f = function_from_source(
        """
        def rnn(W, h, xs):
            for t in srcad.checkpointed(range(xs.shape[0])):
                h = np.tanh(W @ h + xs[t])
            return np.sum(h)
        """,
        "rnn",
        {"srcad": srcad},
    )
    lines = [
        line
        for line in srcad.source(srcad.grad(f)).splitlines()
        if not line.strip().startswith("#") and line.strip()
    ]
    assert lines == [
        "def grad_rnn(W, h, xs):",
        "    h_saved = []",
        "    t4_saved = []",
        "    t4 = None",
        "    h_saved2 = []",
        "    t2 = xs.shape",
        "    t3 = t2[0]",
        "    bounds, actions = rt.checkpoint_plan(range(t3), None)",
        "    for segment in range(len(bounds) - 1):",
        "        h_saved.append(h)",
        "        for t in range(bounds[segment], bounds[segment + 1]):",
        "            t4 = W @ h",
        "            t5 = xs[t]",
        "            t6 = t4 + t5",
        "            h = np.tanh(t6)",
        "    b_result = rt.scalar_seed(np.sum(h))",
        "    bh = np.broadcast_to(b_result, np.shape(h))",
        "    bW = rt.zeros_like(W)",
        "    for move in actions:",
        "        action, first, last = move",
        "        if action == 'keep':",
        "            h_saved.append(h)",
        "        elif action == 'advance':",
        "            for t in range(first, last):",
        "                t4 = W @ h",
        "                t5 = xs[t]",
        "                t6 = t4 + t5",
        "                h = np.tanh(t6)",
        "        else:",
        "            if action == 'restore':",
        "                h = h_saved.pop()",
        "            else:",
        "                for t in range(first, last):",
        "                    t4_saved.append(t4)",
        "                    t4 = W @ h",
        "                    t5 = xs[t]",
        "                    t6 = t4 + t5",
        "                    h_saved2.append(h)",
        "                    h = np.tanh(t6)",
        "                for t in reversed(range(first, last)):",
        "                    bt6 = bh * (1.0 - h * h)",
        "                    h = h_saved2.pop()",
        "                    bt4 = rt.unbroadcast(bt6, t4)",
        "                    bW = bW + rt.matmul_vjp_x(bt4, W, h, 0)",
        "                    bh = rt.matmul_vjp_y(bt4, W, h, 0)",
        "                    t4 = t4_saved.pop()",
        "    return bW",
    ]


def test_plain_iteration_outside_transforms():
    assert list(srcad.checkpointed(range(3), snapshots=2)) == [0, 1, 2]
    with pytest.raises(srcad.SrcadError, match="positive int"):
        srcad.checkpointed(range(3), snapshots=0)


REFUSED = [
    (
        "for t in srcad.checkpointed([1.0, 2.0]):\n        h = h * t",
        "over range",
    ),
    (
        "for t in srcad.checkpointed(range(3)):\n        h = h * 2\n        if t > 1:\n"
        "            break",
        "can break",
    ),
    (
        "for t in srcad.checkpointed(range(3)):\n        h = h * 2\n        if t > 1:\n"
        "            return h",
        "can return",
    ),
    (
        "hs = []\n    for t in srcad.checkpointed(range(3)):\n        h = h * 2\n"
        "        hs.append(h)\n    h = hs[0]",
        "changes hs in place",
    ),
    (
        "y = np.zeros(3)\n    for t in srcad.checkpointed(range(3)):\n        y[t] = h[t] * 2\n"
        "        h = h * y",
        "changes y in place",
    ),
    ("r = srcad.checkpointed(range(3))\n    for t in r:\n        h = h * 2", "loop's iterable"),
]


@pytest.mark.parametrize("body, message", REFUSED)
def test_refused_with_the_users_line(body, message):
    source = f"def f(h):\n    {body}\n    return np.sum(h)\n"
    f = function_from_source(source, "f", {"srcad": srcad})
    with pytest.raises(srcad.SrcadError, match=message) as info:
        srcad.grad(f)(np.ones(3))
    assert re.match(r"<srcad-test \d+>:[2-5]:\d+: ", str(info.value))


def plain_strided(x, step):
    h = x
    for t in range(1, 10, step):
        h = np.tanh(h) * t
        step = 100
    return np.sum(h)


def test_a_plain_loop_whose_body_rebinds_its_step():
    # found on the way: the reverse transform copied such a loop's body, whose calls the
    # analyses then did not know (a KeyError instead of a derivative)
    srcad.check_grads(lambda x: plain_strided(x, 3), (X,), order=2)


def _run_plan(n: int, snapshots, start: int = 0, step: int = 1) -> tuple[int, int]:
    """Play `checkpoint_plan` on states that are step positions: every step is reversed
    once, from its own state, last first; returns (steps run forward, most snapshots kept)."""
    from srcad.helpers.revolve import checkpoint_plan

    def position(value):
        return (value - start) // step

    bounds, actions = checkpoint_plan(range(start, start + step * n, step), snapshots)
    stack, state, runs, most = [], 0, 0, 0
    for k in range(len(bounds) - 1):
        assert position(bounds[k]) == state
        stack.append(state)
        runs += position(bounds[k + 1]) - state
        state = position(bounds[k + 1])
        most = max(most, len(stack))
    assert state == n
    reversed_steps = []
    for action, first, last in actions:
        if action == "keep":
            stack.append(state)
            most = max(most, len(stack))
        elif action == "restore":
            state = stack.pop()
        elif action == "advance":
            assert state == position(first)
            runs += position(last) - state
            state = position(last)
        else:
            assert action == "reverse" and state == position(first) == position(last) - 1
            reversed_steps.append(state)
            state = None
    assert reversed_steps == list(reversed(range(n)))
    assert stack == [] and state == (0 if n else 0)
    return runs, most


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 20, 33, 100])
@pytest.mark.parametrize("snapshots", [None, 1, 2, 3, 5, 200])
def test_binomial_plan_reverses_every_step_from_its_state(n, snapshots):
    runs, most = _run_plan(n, snapshots)
    assert _run_plan(n, snapshots, start=5, step=3) == (runs, most)
    bound = snapshots if snapshots is not None else int(np.ceil(np.sqrt(n))) if n else 1
    assert most <= min(bound, n) + 1


def test_binomial_plan_repeats_steps_as_revolve_does():
    from math import comb

    # 100 snapshots for 10^4 steps: C(100 + t, t) >= 10^4 first for t = 3, so each step
    # runs forward at most 3 times before its reverse (revolve's bound: t n - C(s + t, t - 1))
    runs, most = _run_plan(10**4, 100)
    assert most <= 101
    assert runs <= 3 * 10**4 - comb(100 + 3, 2) + 10**3
    # as many snapshots as steps: each step runs forward once before its reverse
    assert _run_plan(50, 50)[0] == 50


def test_peak_memory_is_bounded():
    import tracemalloc

    rng = np.random.default_rng(1)
    W, xs = rng.normal(size=(16, 16)) * 0.3, rng.normal(size=(2000, 16))
    peaks = []
    for iterable in ("range(2000)", "srcad.checkpointed(range(2000))"):
        f = function_from_source(
            f"""
            def f(W, h, xs):
                for t in {iterable}:
                    h = np.tanh(W @ h + xs[t])
                return np.sum(h)
            """,
            "f",
            {"srcad": srcad},
        )
        g = srcad.grad(f)
        g(W, np.zeros(16), xs)  # generated once, outside the measurement
        tracemalloc.start()
        g(W, np.zeros(16), xs)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 0.1 * peaks[0], peaks
