"""The real-program corpus (issue 15): published example programs, ported to numpy.

Every program in tests/real_programs/ runs through check_grads (jvp against finite
differences, vjp by the adjoint identity, and the same for the derivatives themselves at
order 2), and, independently of it, through grad, value_and_grad, vjp, jvp and a
Hessian-vector product (srcad.jvp of srcad.grad), each compared with central differences
of the program itself, never with srcad's other mode. A program srcad refuses today is a
strict xfail: the test checks that the refusal is the recorded one, so it fails as soon as
srcad learns the program (or refuses it for another reason). A derivative that disagrees
with finite differences raises WrongDerivative, which no xfail accepts.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from real_programs import Program, all_programs

import srcad
from srcad.check import GradientCheckError, transformable
from srcad.wrt import jvp_wrt


class WrongDerivative(AssertionError):
    """srcad returned a number that disagrees with finite differences (never xfailed)."""


# ------------------------------------------------------------------ pytrees of floats
def _is_float(x):
    return isinstance(x, float) or (
        isinstance(x, (np.ndarray, np.floating)) and np.issubdtype(np.asarray(x).dtype, np.floating)
    )


def _leaves(tree):
    if isinstance(tree, (list, tuple)):
        return [leaf for t in tree for leaf in _leaves(t)]
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in _leaves(tree[k])]
    return [tree] if _is_float(tree) else []


def _shift(tree, leaves, scale):
    """tree with each float leaf plus scale * the matching entry of leaves."""
    it = iter(leaves)

    def walk(t):
        if isinstance(t, (list, tuple)):
            return type(t)(walk(x) for x in t)
        if isinstance(t, dict):
            return {k: walk(v) for k, v in t.items()}
        return t + scale * next(it) if _is_float(t) else t

    return walk(tree)


def _vdot(a, b):
    return float(sum(np.sum(np.asarray(x) * np.asarray(y)) for x, y in zip(a, b)))


def _random_like(tree, rng):
    return [rng.standard_normal(np.shape(x)) for x in _leaves(tree)]


def _moved(args, argnums, dirs, scale):
    args = list(args)
    for i, d in zip(argnums, dirs):
        args[i] = _shift(args[i], d, scale)
    return tuple(args)


def _close(got, want, what, p, rtol=1e-4, atol=1e-6):
    if not abs(got - want) <= atol + rtol * max(1.0, abs(want)):
        raise WrongDerivative(f"{p.name}: {what}: srcad gives {got!r}, differences give {want!r}")


# ------------------------------------------------------------------ the checks
def _scalar(out):
    return not isinstance(out, (tuple, list, dict)) and np.ndim(out) == 0


def _check_grad_and_hvp(p: Program, out):
    rng = np.random.default_rng(1)
    f, args, argnums = p.fn, p.args, p.argnums
    u = [_random_like(args[i], rng) for i in argnums]
    eps = 1e-6
    fd = (f(*_moved(args, argnums, u, eps)) - f(*_moved(args, argnums, u, -eps))) / (2 * eps)
    value, grads = srcad.value_and_grad(f, argnums=argnums)(*args)
    _close(float(value), float(out), "value_and_grad's value", p, rtol=1e-10, atol=1e-12)
    got = sum(_vdot(_leaves(g), d) for g, d in zip(grads, u))
    _close(got, fd, "value_and_grad's gradient along a random direction", p)
    g0 = srcad.grad(f, argnums=argnums[0])(*args)
    _close(_vdot(_leaves(g0), u[0]), _vdot(_leaves(grads[0]), u[0]), "grad", p, 1e-10, 1e-12)
    if p.order < 2:
        return
    # u' H v for the first differentiated argument, by four evaluations of f: independent
    # of every srcad derivative.
    i = argnums[0]
    v = _random_like(args[i], rng)
    h = 1e-4

    def at(a, b):
        return f(*_moved(args, (i,), [[a * x + b * y for x, y in zip(u[0], v)]], h))

    mixed = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h)
    grad_f = srcad.grad(f, argnums=i)
    tangents = _shift(args[i], [-x for x in _leaves(args[i])], 1.0)  # zeros, same tree
    tangents = _shift(tangents, v, 1.0)
    if all(_leaves(a) and len(_leaves(a)) == _count(a) for a in args):
        dirs = [
            tangents if j == i else _shift(a, [-x for x in _leaves(a)], 1.0)
            for j, a in enumerate(args)
        ]
        _, hv = srcad.jvp(grad_f, args, tuple(dirs))
    else:
        hv = jvp_wrt(grad_f, args, [i], [tangents])[1]
    _close(_vdot(_leaves(hv), u[0]), mixed, "Hessian-vector product", p, rtol=1e-3, atol=1e-5)
    x = args[i]
    if type(x) is np.ndarray and x.dtype.kind == "f" and 0 < x.size <= 64:
        # the full Hessian too (jacfwd of grad, with direction axes), where it is small
        hessian = np.reshape(srcad.hessian(f, argnums=i)(*args), (x.size, x.size))
        u_h_v = np.ravel(u[0][0]) @ hessian @ np.ravel(v[0])
        _close(u_h_v, mixed, "Hessian (jacfwd of grad)", p, rtol=1e-3, atol=1e-5)


def _count(tree):
    if isinstance(tree, (list, tuple)):
        return sum(_count(t) for t in tree)
    if isinstance(tree, dict):
        return sum(_count(t) for t in tree.values())
    return 1


def _check_first_order(p: Program):
    """vjp and jvp of a program with kinks, against central differences at p.args."""
    rng = np.random.default_rng(2)
    f, args = transformable(p.fn), p.args  # a bound method, as check_grads takes it
    wrt = [i for i, a in enumerate(args) if _leaves(a) and len(_leaves(a)) == _count(a)]
    dirs = [_random_like(args[i], rng) for i in wrt]
    eps = 1e-6
    plus, minus = f(*_moved(args, wrt, dirs, eps)), f(*_moved(args, wrt, dirs, -eps))
    fd = [(a - b) / (2 * eps) for a, b in zip(_leaves(plus), _leaves(minus))]
    tangents = [
        _shift(_shift(args[i], [-x for x in _leaves(args[i])], 1.0), d, 1.0)
        for i, d in zip(wrt, dirs)
    ]
    out, tangent_out = jvp_wrt(f, args, wrt, tangents)
    for got, want in zip(_leaves(tangent_out), fd):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6, err_msg=f"{p.name}: jvp")
    _, pullback = srcad.wrt.vjp_wrt(f, args, wrt)
    ct = _random_like(out, rng)
    ct_tree = _shift(_shift(out, [-x for x in _leaves(out)], 1.0), ct, 1.0)
    grads = pullback(ct_tree)
    lhs = _vdot(ct, fd)
    rhs = sum(_vdot(_leaves(g), d) for g, d in zip(grads, dirs))
    _close(rhs, lhs, "vjp (adjoint identity against central differences)", p)


def _run(p: Program):
    out = p.fn(*p.args)
    try:
        if p.smooth:
            srcad.check_grads(p.fn, p.args, order=p.order)
        else:
            _check_first_order(p)
        if _scalar(out):
            _check_grad_and_hvp(p, out)
    except GradientCheckError as e:  # a SrcadError too: keep it out of the xfails
        raise WrongDerivative(str(e)) from e
    except AssertionError as e:
        raise WrongDerivative(str(e)) from e
    except srcad.SrcadError as e:
        if p.refused is None or p.refused not in str(e):
            raise AssertionError(f"{p.name}: unexpected refusal: {e}") from e
        raise


def _param(p: Program):
    marks = []
    if p.refused is not None:
        marks.append(
            pytest.mark.xfail(
                strict=True, raises=srcad.SrcadError, reason=f"item {p.cause}: {p.refused}"
            )
        )
    return pytest.param(p, id=p.name, marks=marks)


PROGRAMS = all_programs()


def test_the_first_scipy_stats_call_in_a_process(tmp_path):
    # Once the first scipy.stats method srcad met in a process was refused ("logpdf()
    # changes its arguments in place"): the lookup of a bound method tried its class's
    # function before loading the scipy rules, which have an entry for the method itself.
    script = tmp_path / "first_call.py"
    script.write_text(
        "import numpy as np, srcad\n"
        "from scipy import stats\n"
        "def f(y):\n"
        "    return stats.multivariate_normal.logpdf(y, np.zeros(2), np.eye(2))\n"
        "print(srcad.grad(f)(np.array([0.1, 0.2])))\n"
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr.strip()
    assert run.stdout.split() == ["[-0.1", "-0.2]"]


# CFDPython's laplace2d divides by a zero norm on its first sweep, as in the lesson
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero encountered:RuntimeWarning")


@pytest.mark.parametrize("p", [_param(p) for p in PROGRAMS])
def test_program(p):
    _run(p)


def test_corpus_is_big_and_cited():
    assert len(PROGRAMS) >= 40
    assert len({p.name for p in PROGRAMS}) == len(PROGRAMS)
    for p in PROGRAMS:
        assert p.source.startswith("https://"), p.name
        assert p.refused is None or p.cause is not None, p.name


# ------------------------------------------------------------------ the checks can fail
def _quadratic(x):
    return np.sum(np.sin(x) * x)


_QUADRATIC = Program("q", _quadratic, (np.array([0.3, -0.7]),), "https://x", "")


def test_a_wrong_gradient_is_reported(monkeypatch):
    real = srcad.value_and_grad

    def off_by_ten_percent(f, argnums=0):
        def run(*args):
            value, grads = real(f, argnums=argnums)(*args)
            return value, tuple(g * 1.1 for g in grads)

        return run

    monkeypatch.setattr(srcad, "value_and_grad", off_by_ten_percent)
    with pytest.raises(WrongDerivative, match="gradient along a random direction"):
        _check_grad_and_hvp(_QUADRATIC, _quadratic(*_QUADRATIC.args))


def test_a_wrong_hessian_vector_product_is_reported(monkeypatch):
    real = srcad.jvp
    monkeypatch.setattr(srcad, "jvp", lambda f, p, t: (lambda o: (o[0], 1.1 * o[1]))(real(f, p, t)))
    with pytest.raises(WrongDerivative, match="Hessian-vector product"):
        _check_grad_and_hvp(_QUADRATIC, _quadratic(*_QUADRATIC.args))


def test_a_wrong_hessian_is_reported(monkeypatch):
    real = srcad.hessian
    monkeypatch.setattr(srcad, "hessian", lambda f, argnums=0: lambda *a: 1.1 * real(f)(*a))
    with pytest.raises(WrongDerivative, match="Hessian \\(jacfwd of grad\\)"):
        _check_grad_and_hvp(_QUADRATIC, _quadratic(*_QUADRATIC.args))


def test_a_wrong_first_order_derivative_is_reported(monkeypatch):
    import srcad.wrt

    real = srcad.wrt.vjp_wrt

    def doubled(f, args, wrt):
        out, pullback = real(f, args, wrt)
        return out, lambda ct: tuple(2.0 * g for g in pullback(ct))

    monkeypatch.setattr(srcad.wrt, "vjp_wrt", doubled)
    with pytest.raises(WrongDerivative, match="adjoint identity"):
        _check_first_order(_QUADRATIC)
