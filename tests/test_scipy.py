"""scipy.special and scipy.stats through srcad's transforms, as users call them: a maximum
likelihood fit, derivatives that once were silently zero, the refusals, and the optional
dependency (the rule specs themselves are in tests/specs/scipy_*.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("scipy")

import scipy.optimize  # noqa: E402
import scipy.special as sc  # noqa: E402
from scipy import stats  # noqa: E402

import srcad  # noqa: E402

# Heavy tails (df = 3), so that the likelihood has its maximum at a finite df.
DATA = stats.t.rvs(3.0, loc=1.5, scale=0.7, size=500, random_state=np.random.default_rng(0))


def student_nll(theta):
    loc, log_scale, log_df = theta[0], theta[1], theta[2]
    return -np.sum(stats.t.logpdf(DATA, np.exp(log_df), loc, np.exp(log_scale)))


def test_student_t_fit_with_srcad_gradients_matches_finite_differences():
    theta0 = np.array([0.0, 0.5, 2.0])
    grad = srcad.grad(student_nll)
    eps = 1e-6
    central = [
        (student_nll(theta0 + eps * e) - student_nll(theta0 - eps * e)) / (2 * eps)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(grad(theta0), central, rtol=1e-6)
    with_srcad = scipy.optimize.minimize(student_nll, theta0, jac=grad, method="BFGS")
    with_fd = scipy.optimize.minimize(student_nll, theta0, jac=None, method="BFGS")
    assert with_srcad.success and with_fd.success
    np.testing.assert_allclose(with_srcad.x, with_fd.x, rtol=1e-5, atol=1e-5)
    assert np.max(np.abs(grad(with_srcad.x))) < 1e-4


def norm_loss(x, mu, sigma):
    return np.sum(stats.norm.logpdf(x, mu, sigma))


def test_norm_logpdf_gradient_is_not_zero():
    """srcad once read scipy's logpdf source, went through np.place and gave 0."""
    x = np.array([0.3, -1.2, 2.0])
    gx, gmu, gsigma = srcad.grad(norm_loss, argnums=(0, 1, 2))(x, 0.5, 1.5)
    z = (x - 0.5) / 1.5
    np.testing.assert_allclose(gx, -z / 1.5)
    np.testing.assert_allclose(gmu, np.sum(z / 1.5))
    np.testing.assert_allclose(gsigma, np.sum((z * z - 1.0) / 1.5))


def gaussian_process_nll(log_ell, x, y):
    k = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / np.exp(2 * log_ell))
    return -stats.multivariate_normal.logpdf(y, np.zeros(len(x)), k + 0.1 * np.eye(len(x)))


def test_hessians_through_scipy_match_finite_differences():
    x = np.linspace(0.0, 3.0, 6)
    y = np.sin(x)
    srcad.check_grads(gaussian_process_nll, (0.2, x, y), order=2)
    theta = np.array([0.3, 0.2, 1.8])
    hessian = srcad.hessian(student_nll)(theta)
    grad = srcad.grad(student_nll)
    eps = 1e-5
    columns = [(grad(theta + eps * e) - grad(theta - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(hessian, np.array(columns).T, rtol=1e-5, atol=1e-6)


def lse_with_sign(a, b):
    value, sign = sc.logsumexp(a, axis=0, b=b, return_sign=True)
    return np.sum(value * sign)


def test_logsumexp_return_sign_unpacked_in_user_code():
    a = np.array([[0.3, 1.2], [2.5, -0.1]])
    b = np.array([[1.0, -2.0], [0.5, 0.3]])
    srcad.check_grads(lse_with_sign, (a, b), order=2)


def bessel(v, z):
    return np.sum(sc.iv(v, z))


def t_cdf(x, df):
    return np.sum(stats.t.cdf(x, df))


def binom_logpmf(n, p):
    return np.sum(stats.binom.logpmf(3, n, p))


def zeta_in_x(x, q):
    return sc.zeta(x, q)


@pytest.mark.parametrize(
    "fn,args,argnums,what",
    [
        (bessel, (1.5, np.array([0.5, 2.0])), 0, "scipy.special.iv with respect to v"),
        (t_cdf, (np.array([0.5, 2.0]), 3.0), 1, "scipy.stats.t.cdf with respect to df"),
        (binom_logpmf, (10.0, 0.3), 0, "scipy.stats.binom.logpmf with respect to n"),
        (zeta_in_x, (3.0, 1.5), 0, "scipy.special.zeta with respect to x"),
    ],
)
def test_parameters_without_a_closed_form_derivative_are_refused(fn, args, argnums, what):
    with pytest.raises(srcad.SrcadError, match=what) as grad_error:
        srcad.grad(fn, argnums=argnums)(*args)
    assert "test_scipy.py" in str(grad_error.value)  # located at the user's call
    tangents = tuple(
        np.ones_like(a) if i == argnums else np.zeros_like(a) for i, a in enumerate(args)
    )
    with pytest.raises(srcad.SrcadError, match=what):
        srcad.jvp(fn, args, tangents)


def test_refused_parameters_may_be_constants():
    z = np.array([0.5, 2.0])
    g = srcad.grad(bessel, argnums=1)((0.0, 1.5), z)
    np.testing.assert_allclose(g, [sc.i1(0.5), 0.5 * (sc.iv(0.5, 2.0) + sc.iv(2.5, 2.0))])
    assert srcad.grad(t_cdf)(z, 3.0) == pytest.approx(stats.t.pdf(z, 3.0))


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_import_srcad_does_not_import_scipy():
    assert _run("import sys, srcad; print('scipy' in sys.modules)") == "False"


def test_scipy_rules_load_when_srcad_meets_a_scipy_function(tmp_path):
    module = tmp_path / "lazy_user.py"
    module.write_text(
        textwrap.dedent(
            """
            import numpy as np
            import scipy.special as sc

            def f(x):
                return np.sum(sc.gammaln(x))
            """
        )
    )
    code = f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import numpy as np, srcad, lazy_user
        loaded = 'srcad.rules.scipy' in sys.modules
        print(loaded, srcad.grad(lazy_user.f)(np.array([1.0, 2.0])))
    """
    assert _run(code) == "False [-0.57721566  0.42278434]"
