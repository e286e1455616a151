"""Rules for scipy.linalg.

The mathematics is numpy.linalg's (`srcad.rules.numpy_linalg`), and so are most helpers;
what differs is scipy's signatures. Arguments that only choose an algorithm or skip a check
(check_finite, lapack_driver, driver, lwork) are accepted and change nothing. Arguments that
select which entries of a matrix scipy reads (lower=, assume_a=, unit_diagonal=) are
followed: the derivative is taken through the entries read. overwrite_a=True and
overwrite_b=True are refused when the derivative runs: scipy may then destroy an input that
derivative code still reads.

scipy's solvers take right-hand sides without stack axes, so derivatives that carry
direction axes (``nb == 1``) are folded into extra columns for them (`sl.fold`,
`sl.unfold`). Derivative code calls scipy's own functions (solve_triangular, cho_solve,
lu_solve, solve, solve_sylvester...), whose rules then give the second order.

Complex matrices follow the numpy.linalg conventions (the vjp is the transpose of the jvp,
no conjugation); decompositions are differentiable where their factors are (distinct
eigen/singular values, full rank), as in JAX. The matrix functions and decompositions have
their rules in `srcad.rules.scipy.linalg_decompositions`, which this module imports.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from ... import runtime as rt
from ...helpers import scipy_linalg as sl
from ..template import d, jvp_rule, nb, nondiff, returns, static, vjp_rule

nondiff(
    sl.trans_code,
    sl.flip_trans,
    sl.refuse_overwrite,
    sl.refuse,
    sl.lu_perm,
    sl.core_shapes,
    sl.check_square_full,
    sl.check_qr,
    sl.check_matrix,
)
returns("tuple", scipy.linalg.cho_factor, scipy.linalg.lu_factor, scipy.linalg.qr)
# A tuple or a single array, depending on eigvals_only= / compute_uv=.
returns("unknown", scipy.linalg.eigh, scipy.linalg.svd)
returns("list", sl.bdiag_t)

# ----------------------------------------------------------------------------- Cholesky


# cholesky reads the `lower` triangle of `a` (the upper one by default) and returns L or
# U = L^H. With L: dL = L phi(L^-1 dS L^-H), dS the Hermitian matrix read (numpy's rule).
@vjp_rule(scipy.linalg.cholesky)
def _(ans, a, lower=False, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.cholesky", "a")
    if lower:
        low = ans
        g = d[ans]
    else:
        low = rt.mH(ans)
        g = rt.mH(d[ans])
    low_inv = np.linalg.inv(low)
    g_x = rt.mphi(np.swapaxes(low, -1, -2) @ g)
    g_s = np.swapaxes(low_inv, -1, -2) @ g_x @ rt.mconj(low_inv)
    d[a] = rt.mhermitian_t(g_s, not lower)


@jvp_rule(scipy.linalg.cholesky)
def _(ans, a, lower=False, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.cholesky", "a")
    if lower:
        low = ans
    else:
        low = rt.mH(ans)
    low_inv = np.linalg.inv(low)
    d_low = low @ rt.mphi(low_inv @ rt.mhermitian(d[a], not lower) @ rt.mH(low_inv))
    if lower:
        d[ans] = d_low
    else:
        d[ans] = rt.mH(d_low)


# cho_factor returns (c, lower): c holds the factor in the `lower` triangle and a copy of
# `a`'s other strict triangle (which cho_solve ignores); both parts are differentiated.
@vjp_rule(scipy.linalg.cho_factor)
def _(ans, a, lower=False, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.cho_factor", "a")
    c, _lower = ans
    g_c, _g_lower = d[ans]
    if lower:
        low = np.tril(c)
        g = np.tril(g_c)
        g_rest = np.triu(g_c, 1)
    else:
        low = rt.mH(np.triu(c))
        g = rt.mH(np.triu(g_c))
        g_rest = np.tril(g_c, -1)
    low_inv = np.linalg.inv(low)
    g_x = rt.mphi(np.swapaxes(low, -1, -2) @ g)
    g_s = np.swapaxes(low_inv, -1, -2) @ g_x @ rt.mconj(low_inv)
    d[a] = rt.mhermitian_t(g_s, not lower) + g_rest


@jvp_rule(scipy.linalg.cho_factor)
def _(ans, a, lower=False, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.cho_factor", "a")
    c, flag = ans
    if lower:
        low = np.tril(c)
    else:
        low = rt.mH(np.triu(c))
    low_inv = np.linalg.inv(low)
    d_low = low @ rt.mphi(low_inv @ rt.mhermitian(d[a], not lower) @ rt.mH(low_inv))
    if lower:
        d_c = d_low + np.triu(d[a], 1)
    else:
        d_c = rt.mH(d_low) + np.tril(d[a], -1)
    d[ans] = (d_c, rt.zeros_like(flag))


# cho_solve((c, lower), b) = A^-1 b with A = L L^H, L the `lower` triangle of c (or U^H).
# dx = A^-1 (db - dA x), dA = dL L^H + L dL^H. The transpose: gb = A^-T g = conj(A^-1
# conj(g)), and with gA = -gb x^T, gL = (gA + gA^H) conj(L) on L's triangle.
@vjp_rule(scipy.linalg.cho_solve, linear=("b",))
def _(ans, c_and_lower, b, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.cho_solve", "b")
    c, lower = c_and_lower
    sl.check_matrix(c, "scipy.linalg.cho_solve")
    x = rt.mcolumns(ans, c, b)
    g = rt.mconj(rt.mcolumns(d[ans], c, b, nb))
    if static(nb == 0):
        s = scipy.linalg.cho_solve(c_and_lower, g)
    else:
        s = sl.unfold(scipy.linalg.cho_solve(c_and_lower, sl.fold(g, nb)), np.shape(g))
    g_b = rt.mconj(s)
    d[b] = rt.muncolumns(g_b, c, b)
    g_a = -(g_b @ np.swapaxes(x, -1, -2))
    g_sym = g_a + rt.mH(g_a)
    if lower:
        g_c = np.tril(g_sym @ rt.mconj(np.tril(c)))
    else:
        g_c = np.triu(rt.mH(g_sym @ rt.mconj(rt.mH(np.triu(c)))))
    d[c_and_lower] = (g_c, rt.zeros_like(lower))


@jvp_rule(scipy.linalg.cho_solve, linear=("b",))
def _(ans, c_and_lower, b, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.cho_solve", "b")
    c, lower = c_and_lower
    sl.check_matrix(c, "scipy.linalg.cho_solve")
    d_c = d[c_and_lower][0]
    if lower:
        low = np.tril(c)
        d_low = np.tril(d_c)
    else:
        low = rt.mH(np.triu(c))
        d_low = rt.mH(np.triu(d_c))
    x = rt.mcolumns(ans, c, b)
    d_ax = d_low @ (rt.mH(low) @ x) + low @ (rt.mH(d_low) @ x)
    rhs = rt.mcolumns(d[b], c, b, nb) - d_ax
    if static(nb == 0):
        d_x = scipy.linalg.cho_solve(c_and_lower, rhs)
    else:
        d_x = sl.unfold(scipy.linalg.cho_solve(c_and_lower, sl.fold(rhs, nb)), np.shape(rhs))
    d[ans] = rt.muncolumns(d_x, c, b)


# ----------------------------------------------------------------------------- triangular


# solve_triangular(a, b, trans) = M^-1 b with M = op(T): T the triangle read (unit diagonal
# taken as ones), op the identity, ^T or ^H. M^-T is a solve with the other trans (and
# conjugations for trans="C").
@vjp_rule(scipy.linalg.solve_triangular, linear=("b",))
def _(ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.solve_triangular", "b")
    sl.check_matrix(a, "scipy.linalg.solve_triangular")
    code = sl.trans_code(trans)
    other = sl.flip_trans(code)
    x = rt.mcolumns(ans, a, b)
    g = sl.cconj(rt.mcolumns(d[ans], a, b, nb), code)
    if static(nb == 0):
        s = scipy.linalg.solve_triangular(a, g, other, lower, unit_diagonal)
    else:
        folded = scipy.linalg.solve_triangular(a, sl.fold(g, nb), other, lower, unit_diagonal)
        s = sl.unfold(folded, np.shape(g))
    g_b = sl.cconj(s, code)
    d[b] = rt.muncolumns(g_b, a, b)
    d[a] = sl.tri(sl.op(-(g_b @ np.swapaxes(x, -1, -2)), code), lower, unit_diagonal)


@jvp_rule(scipy.linalg.solve_triangular, linear=("b",))
def _(ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.solve_triangular", "b")
    sl.check_matrix(a, "scipy.linalg.solve_triangular")
    code = sl.trans_code(trans)
    x = rt.mcolumns(ans, a, b)
    rhs = rt.mcolumns(d[b], a, b, nb) - sl.op(sl.tri(d[a], lower, unit_diagonal), code) @ x
    if static(nb == 0):
        d_x = scipy.linalg.solve_triangular(a, rhs, trans, lower, unit_diagonal)
    else:
        folded = scipy.linalg.solve_triangular(a, sl.fold(rhs, nb), trans, lower, unit_diagonal)
        d_x = sl.unfold(folded, np.shape(rhs))
    d[ans] = rt.muncolumns(d_x, a, b)


# ----------------------------------------------------------------------------- general solves


# solve(a, b) = M^-1 b with M = sl.effective(a, ...): the entries assume_a= and lower= make
# scipy read (a triangle of a symmetric matrix...), transposed with transposed=True. The
# derivative solves with M itself, so it is exact whatever structure scipy detects.
@vjp_rule(scipy.linalg.solve, linear=("b",))
def _(
    ans,
    a,
    b,
    lower=False,
    overwrite_a=False,
    overwrite_b=False,
    check_finite=True,
    assume_a=None,
    transposed=False,
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.solve", "a")
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.solve", "b")
    sl.check_matrix(a, "scipy.linalg.solve")
    m_t = sl.effective(a, assume_a, lower, not transposed)
    x = rt.mcolumns(ans, a, b)
    g = rt.mcolumns(d[ans], a, b, nb)
    if static(nb == 0):
        g_b = scipy.linalg.solve(m_t, g)
    else:
        g_b = sl.unfold(scipy.linalg.solve(m_t, sl.fold(g, nb)), np.shape(g))
    d[b] = rt.muncolumns(g_b, a, b)
    d[a] = sl.effective_t(-(g_b @ np.swapaxes(x, -1, -2)), assume_a, lower, transposed)


@jvp_rule(scipy.linalg.solve, linear=("b",))
def _(
    ans,
    a,
    b,
    lower=False,
    overwrite_a=False,
    overwrite_b=False,
    check_finite=True,
    assume_a=None,
    transposed=False,
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.solve", "a")
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.solve", "b")
    sl.check_matrix(a, "scipy.linalg.solve")
    m = sl.effective(a, assume_a, lower, transposed)
    x = rt.mcolumns(ans, a, b)
    rhs = rt.mcolumns(d[b], a, b, nb) - sl.effective(d[a], assume_a, lower, transposed) @ x
    if static(nb == 0):
        d_x = scipy.linalg.solve(m, rhs)
    else:
        d_x = sl.unfold(scipy.linalg.solve(m, sl.fold(rhs, nb)), np.shape(rhs))
    d[ans] = rt.muncolumns(d_x, a, b)


# inv(a) = M^-1, M as for solve (scipy >= 1.16 takes assume_a= and lower=).
@vjp_rule(scipy.linalg.inv)
def _(ans, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.inv", "a")
    ans_t = np.swapaxes(ans, -1, -2)
    d[a] = sl.effective_t(-(ans_t @ d[ans] @ ans_t), assume_a, lower)


@jvp_rule(scipy.linalg.inv)
def _(ans, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.inv", "a")
    d[ans] = -(ans @ sl.effective(d[a], assume_a, lower) @ ans)


@vjp_rule(scipy.linalg.det)
def _(ans, a, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.det", "a")
    d[a] = rt.mexpand(d[ans] * ans) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp_rule(scipy.linalg.det)
def _(ans, a, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.det", "a")
    d[ans] = ans * np.trace(np.linalg.solve(a, d[a]), axis1=-2, axis2=-1)


# ----------------------------------------------------------------------------- LU


# lu_factor(a) = (lu, piv) with a[perm] = L U (L unit lower, U upper, both stored in lu).
# With the rows fixed, F = L^-1 da[perm] U^-1 gives dL = L tril(F, -1), dU = triu(F) U.
@vjp_rule(scipy.linalg.lu_factor)
def _(ans, a, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.lu_factor", "a")
    sl.check_matrix(a, "scipy.linalg.lu_factor")
    lu, piv = ans
    g_lu, _g_piv = d[ans]
    low = np.tril(lu, -1) + rt.meye(lu, True)
    up = np.triu(lu)
    g_f = np.tril(np.swapaxes(low, -1, -2) @ np.tril(g_lu, -1), -1) + np.triu(
        np.triu(g_lu) @ np.swapaxes(up, -1, -2)
    )
    low_inv_t = np.swapaxes(np.linalg.inv(low), -1, -2)
    up_inv_t = np.swapaxes(np.linalg.inv(up), -1, -2)
    g_rows = low_inv_t @ g_f @ up_inv_t
    d[a] = np.take(g_rows, np.argsort(sl.lu_perm(piv)), axis=-2)


@jvp_rule(scipy.linalg.lu_factor)
def _(ans, a, overwrite_a=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.lu_factor", "a")
    sl.check_matrix(a, "scipy.linalg.lu_factor")
    lu, piv = ans
    low = np.tril(lu, -1) + rt.meye(lu, True)
    up = np.triu(lu)
    f = np.linalg.inv(low) @ np.take(d[a], sl.lu_perm(piv), axis=-2) @ np.linalg.inv(up)
    d[ans] = (low @ np.tril(f, -1) + np.triu(f) @ up, rt.zeros_like(piv))


# lu_solve((lu, piv), b, trans) = M^-1 b with M = op(A), A = P L U rebuilt from lu.
@vjp_rule(scipy.linalg.lu_solve, linear=("b",))
def _(ans, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.lu_solve", "b")
    lu, piv = lu_and_piv
    sl.check_matrix(lu, "scipy.linalg.lu_solve")
    code = sl.trans_code(trans)
    x = rt.mcolumns(ans, lu, b)
    g = sl.cconj(rt.mcolumns(d[ans], lu, b, nb), code)
    if static(nb == 0):
        s = scipy.linalg.lu_solve(lu_and_piv, g, sl.flip_trans(code))
    else:
        folded = scipy.linalg.lu_solve(lu_and_piv, sl.fold(g, nb), sl.flip_trans(code))
        s = sl.unfold(folded, np.shape(g))
    g_b = sl.cconj(s, code)
    d[b] = rt.muncolumns(g_b, lu, b)
    g_rows = np.take(sl.op(-(g_b @ np.swapaxes(x, -1, -2)), code), sl.lu_perm(piv), axis=-2)
    low = np.tril(lu, -1) + rt.meye(lu, True)
    up = np.triu(lu)
    g_lu = np.tril(g_rows @ np.swapaxes(up, -1, -2), -1) + np.triu(
        np.swapaxes(low, -1, -2) @ g_rows
    )
    d[lu_and_piv] = (g_lu, rt.zeros_like(piv))


@jvp_rule(scipy.linalg.lu_solve, linear=("b",))
def _(ans, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.lu_solve", "b")
    lu, piv = lu_and_piv
    sl.check_matrix(lu, "scipy.linalg.lu_solve")
    d_lu = d[lu_and_piv][0]
    code = sl.trans_code(trans)
    low = np.tril(lu, -1) + rt.meye(lu, True)
    up = np.triu(lu)
    d_rows = np.tril(d_lu, -1) @ up + low @ np.triu(d_lu)
    d_m = sl.op(np.take(d_rows, np.argsort(sl.lu_perm(piv)), axis=-2), code)
    rhs = rt.mcolumns(d[b], lu, b, nb) - d_m @ rt.mcolumns(ans, lu, b)
    if static(nb == 0):
        d_x = scipy.linalg.lu_solve(lu_and_piv, rhs, trans)
    else:
        d_x = sl.unfold(scipy.linalg.lu_solve(lu_and_piv, sl.fold(rhs, nb), trans), np.shape(rhs))
    d[ans] = rt.muncolumns(d_x, lu, b)


# ----------------------------------------------------------------------------- block_diag


# block_diag(*arrs) takes its blocks as separate arguments: the rule names up to eight
# (a call with more is refused where it is made).
@vjp_rule(scipy.linalg.block_diag, linear=("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"))
def _(ans, a0=None, a1=None, a2=None, a3=None, a4=None, a5=None, a6=None, a7=None):
    shapes = sl.core_shapes([a0, a1, a2, a3, a4, a5, a6, a7])
    parts = sl.bdiag_t(d[ans], shapes, nb)
    d[a0] = parts[0]
    d[a1] = parts[1]
    d[a2] = parts[2]
    d[a3] = parts[3]
    d[a4] = parts[4]
    d[a5] = parts[5]
    d[a6] = parts[6]
    d[a7] = parts[7]


@jvp_rule(scipy.linalg.block_diag, linear=("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"))
def _(ans, a0=None, a1=None, a2=None, a3=None, a4=None, a5=None, a6=None, a7=None):
    d[ans] = sl.bdiag([d[a0], d[a1], d[a2], d[a3], d[a4], d[a5], d[a6], d[a7]], nb)


@vjp_rule(sl.bdiag, linear=("blocks",))
def _(ans, blocks, batch=0):
    d[blocks] = sl.bdiag_t(d[ans], sl.core_shapes(blocks, batch), batch + nb)


@jvp_rule(sl.bdiag, linear=("blocks",))
def _(ans, blocks, batch=0):
    d[ans] = sl.bdiag(d[blocks], batch + nb)


@vjp_rule(sl.bdiag_t, linear=("g",))
def _(ans, g, shapes, batch=0):
    d[g] = sl.bdiag(d[ans], batch + nb)


@jvp_rule(sl.bdiag_t, linear=("g",))
def _(ans, g, shapes, batch=0):
    d[ans] = sl.bdiag_t(d[g], shapes, batch + nb)


# ----------------------------------------------------------------------------- helpers


@vjp_rule(sl.fold, linear=("t",))
def _(ans, t, batch, keep=0):
    d[t] = sl.unfold(d[ans], np.shape(t)[keep:], keep + nb)


@jvp_rule(sl.fold, linear=("t",))
def _(ans, t, batch, keep=0):
    d[ans] = sl.fold(d[t], batch, keep + nb)


@vjp_rule(sl.unfold, linear=("f",))
def _(ans, f, shape, keep=0):
    d[f] = sl.fold(d[ans], len(shape) - 2, keep + nb)


@jvp_rule(sl.unfold, linear=("f",))
def _(ans, f, shape, keep=0):
    d[ans] = sl.unfold(d[f], shape, keep + nb)


@vjp_rule(sl.tri, linear=("x",))
def _(ans, x, lower, unit_diagonal=False):
    d[x] = sl.tri(d[ans], lower, unit_diagonal)


@jvp_rule(sl.tri, linear=("x",))
def _(ans, x, lower, unit_diagonal=False):
    d[ans] = sl.tri(d[x], lower, unit_diagonal)


@vjp_rule(sl.op, linear=("x",))
def _(ans, x, code):
    d[x] = sl.op(d[ans], code)


@jvp_rule(sl.op, linear=("x",))
def _(ans, x, code):
    d[ans] = sl.op(d[x], code)


@vjp_rule(sl.cconj, linear=("x",))
def _(ans, x, code):
    d[x] = sl.cconj(d[ans], code)


@jvp_rule(sl.cconj, linear=("x",))
def _(ans, x, code):
    d[ans] = sl.cconj(d[x], code)


@vjp_rule(sl.effective, linear=("a",))
def _(ans, a, assume_a=None, lower=False, transposed=False):
    d[a] = sl.effective_t(d[ans], assume_a, lower, transposed)


@jvp_rule(sl.effective, linear=("a",))
def _(ans, a, assume_a=None, lower=False, transposed=False):
    d[ans] = sl.effective(d[a], assume_a, lower, transposed)


@vjp_rule(sl.effective_t, linear=("g",))
def _(ans, g, assume_a=None, lower=False, transposed=False):
    d[g] = sl.effective(d[ans], assume_a, lower, transposed)


@jvp_rule(sl.effective_t, linear=("g",))
def _(ans, g, assume_a=None, lower=False, transposed=False):
    d[ans] = sl.effective_t(d[g], assume_a, lower, transposed)


# The rest of this family's rules (they register on import).
from . import linalg_decompositions  # noqa: E402, F401
