"""Rules for scipy.linalg's matrix functions (expm, sqrtm, logm...) and decompositions (eigh,
svd, qr).

Split from `srcad.rules.scipy.linalg` (which imports this module, so importing it registers
these rules too); its conventions hold here.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from ... import runtime as rt
from ...helpers import scipy_linalg as sl
from ..template import d, jvp_rule, nb, vjp_rule

# ----------------------------------------------------------------------------- matrix functions


# f([[A, E], [0, A]]) = [[f(A), L_f(A, E)], [0, f(A)]] for expm, sqrtm and logm, with L_f the
# Frechet derivative; its transpose is L_f(A^T, .) (f(X^T) = f(X)^T). sl.matfun applies f to
# stacks, so a batch of directions is a stack of block matrices.
@vjp_rule(scipy.linalg.expm)
def _(ans, A):
    k = np.shape(A)[-1]
    dual = rt.mdual(np.swapaxes(A, -1, -2), d[ans])
    d[A] = sl.matfun("expm", dual)[..., :k, k : 2 * k]


@jvp_rule(scipy.linalg.expm)
def _(ans, A):
    k = np.shape(A)[-1]
    d[ans] = sl.matfun("expm", rt.mdual(A, d[A]))[..., :k, k : 2 * k]


@vjp_rule(scipy.linalg.sqrtm)
def _(ans, A):
    k = np.shape(A)[-1]
    dual = rt.mdual(np.swapaxes(A, -1, -2), d[ans])
    d[A] = rt.mlike(sl.matfun("sqrtm", dual)[..., :k, k : 2 * k], A)


@jvp_rule(scipy.linalg.sqrtm)
def _(ans, A):
    k = np.shape(A)[-1]
    d[ans] = sl.matfun("sqrtm", rt.mdual(A, d[A]))[..., :k, k : 2 * k]


@vjp_rule(scipy.linalg.logm)
def _(ans, A):
    k = np.shape(A)[-1]
    dual = rt.mdual(np.swapaxes(A, -1, -2), d[ans])
    d[A] = rt.mlike(sl.matfun("logm", dual)[..., :k, k : 2 * k], A)


@jvp_rule(scipy.linalg.logm)
def _(ans, A):
    k = np.shape(A)[-1]
    d[ans] = sl.matfun("logm", rt.mdual(A, d[A]))[..., :k, k : 2 * k]


@vjp_rule(sl.matfun)
def _(ans, name, x):
    k = np.shape(x)[-1]
    d[x] = sl.matfun(name, rt.mdual(np.swapaxes(x, -1, -2), d[ans]))[..., :k, k : 2 * k]


@jvp_rule(sl.matfun)
def _(ans, name, x):
    k = np.shape(x)[-1]
    d[ans] = sl.matfun(name, rt.mdual(x, d[x]))[..., :k, k : 2 * k]


# solve_sylvester(a, b, q): a x + x b = q, so dx solves the same equation with right-hand
# side dq - da x - x db, and the transpose solves a^T y + y b^T = g.
@vjp_rule(scipy.linalg.solve_sylvester, linear=("q",))
def _(ans, a, b, q):
    g_q = sl.sylvester(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), d[ans])
    d[q] = g_q
    d[a] = -(g_q @ np.swapaxes(ans, -1, -2))
    d[b] = -(np.swapaxes(ans, -1, -2) @ g_q)


@jvp_rule(scipy.linalg.solve_sylvester, linear=("q",))
def _(ans, a, b, q):
    d[ans] = sl.sylvester(a, b, d[q] - d[a] @ ans - ans @ d[b])


@vjp_rule(sl.sylvester, linear=("q",))
def _(ans, a, b, q):
    g_q = sl.sylvester(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), d[ans])
    d[q] = rt.unbroadcast(g_q, q, nb)
    d[a] = rt.unbroadcast(-(g_q @ np.swapaxes(ans, -1, -2)), a, nb)
    d[b] = rt.unbroadcast(-(np.swapaxes(ans, -1, -2) @ g_q), b, nb)


@jvp_rule(sl.sylvester, linear=("q",))
def _(ans, a, b, q):
    n = np.ndim(ans)
    rhs = rt.lift(d[q], q, n, nb) - rt.lift(d[a], a, n, nb) @ ans - ans @ rt.lift(d[b], b, n, nb)
    d[ans] = sl.sylvester(a, b, rhs)


# ----------------------------------------------------------------------------- eigh


# eigh(a, b) reads the `lower` triangle of a (and of b). Generalized problem (type=1),
# a v = w b v with v^H b v = I: with C = V^H da V and D = V^H db V,
#   dw = Re diag(C) - w Re diag(D),
#   dV = V (F * (C - D diag(w)) - diag(Re diag(D)) / 2),  F[i, j] = 1 / (w[j] - w[i]);
# b=None is the same with D = 0 (numpy's eigh rule). eigvals_only=True returns w.
@vjp_rule(scipy.linalg.eigh)
def _(
    ans,
    a,
    b=None,
    *,
    lower=True,
    eigvals_only=False,
    overwrite_a=False,
    overwrite_b=False,
    type=1,
    check_finite=True,
    driver=None,
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.eigh", "a")
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.eigh", "b")
    if type != 1:
        sl.refuse(
            "srcad differentiates scipy.linalg.eigh only for type=1 (a v = w b v)",
            "write the problem as a type=1 one (type=2: a b v = w v, type=3: b a v = w v)",
        )
    if eigvals_only:
        w, v = scipy.linalg.eigh(a, b, lower=lower)
        g_w = d[ans]
        g_c = rt.mdiag(g_w)
        g_d = -rt.mdiag(g_w * w)
    else:
        w, v = ans
        g_w, g_v = d[ans]
        eye = rt.meye(w)
        f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
        h = np.swapaxes(v, -1, -2) @ g_v
        fh = f * h
        g_c = rt.mdiag(g_w) + fh
        g_d = -(fh * w[..., None, :]) - rt.mdiag(g_w * w + 0.5 * np.diagonal(h, 0, -2, -1))
    v_c = rt.mconj(v)
    v_t = np.swapaxes(v, -1, -2)
    d[a] = rt.mhermitian_t(v_c @ g_c @ v_t, not lower)
    if b is not None:
        d[b] = rt.mhermitian_t(v_c @ g_d @ v_t, not lower)


@jvp_rule(scipy.linalg.eigh)
def _(
    ans,
    a,
    b=None,
    *,
    lower=True,
    eigvals_only=False,
    overwrite_a=False,
    overwrite_b=False,
    type=1,
    check_finite=True,
    driver=None,
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.eigh", "a")
    if overwrite_b:
        sl.refuse_overwrite("scipy.linalg.eigh", "b")
    if type != 1:
        sl.refuse(
            "srcad differentiates scipy.linalg.eigh only for type=1 (a v = w b v)",
            "write the problem as a type=1 one (type=2: a b v = w v, type=3: b a v = w v)",
        )
    if eigvals_only:
        w, v = scipy.linalg.eigh(a, b, lower=lower)
    else:
        w, v = ans
    v_h = rt.mH(v)
    c = v_h @ rt.mhermitian(d[a], not lower) @ v
    eye = rt.meye(w)
    f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
    if b is None:
        d_w = rt.mreal(np.diagonal(c, 0, -2, -1))
        m = f * c
    else:
        e = v_h @ rt.mhermitian(d[b], not lower) @ v
        e_diag = rt.mreal(np.diagonal(e, 0, -2, -1))
        d_w = rt.mreal(np.diagonal(c, 0, -2, -1)) - w * e_diag
        m = f * (c - e * w[..., None, :]) - rt.mdiag(0.5 * e_diag)
    if eigvals_only:
        d[ans] = d_w
    else:
        d[ans] = (d_w, v @ m)


# ----------------------------------------------------------------------------- SVD, QR


# svd: numpy's rule (see srcad.rules.numpy_linalg); full_matrices=True only where it
# changes nothing (square matrices).
@vjp_rule(scipy.linalg.svd)
def _(
    ans,
    a,
    full_matrices=True,
    compute_uv=True,
    overwrite_a=False,
    check_finite=True,
    lapack_driver="gesdd",
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.svd", "a")
    if not compute_uv:
        u, _s, vh = scipy.linalg.svd(a, full_matrices=False)
        d[a] = (rt.mconj(u) * d[ans][..., None, :]) @ rt.mconj(vh)
    else:
        sl.check_square_full("scipy.linalg.svd", a, full_matrices, "full_matrices=False")
        u, s, vh = ans
        g_u, g_s, g_vh = d[ans]
        s_row = s[..., None, :]
        s_col = s[..., :, None]
        eye = rt.meye(s)
        f = 1 / ((s_row + s_col) * (s_row - s_col) + eye) - eye
        g_v = rt.mH(g_vh)
        j_u = f * (np.swapaxes(u, -1, -2) @ g_u)
        vh_c = rt.mconj(vh)
        j_v = f * (vh_c @ g_v)
        g_ds = (
            rt.mdiag(g_s)
            + (j_u + rt.mH(j_u)) * s_row
            + s_col * (j_v + rt.mH(j_v))
            + rt.mdiag(
                rt.mimag_i(np.diagonal(np.swapaxes(u, -1, -2) @ g_u, axis1=-2, axis2=-1)) / s
            )
        )
        u_c = rt.mconj(u)
        q_u = g_u / s_row
        q_v = g_v / s_row
        q_v = q_v - np.swapaxes(vh, -1, -2) @ (vh_c @ q_v)
        d[a] = (
            u_c @ (g_ds @ vh_c + rt.mH(q_v)) + (q_u - u_c @ (np.swapaxes(u, -1, -2) @ q_u)) @ vh_c
        )


@jvp_rule(scipy.linalg.svd)
def _(
    ans,
    a,
    full_matrices=True,
    compute_uv=True,
    overwrite_a=False,
    check_finite=True,
    lapack_driver="gesdd",
):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.svd", "a")
    if not compute_uv:
        u, _s, vh = scipy.linalg.svd(a, full_matrices=False)
        d[ans] = rt.mreal(np.sum(rt.mconj(u) * (d[a] @ rt.mH(vh)), axis=-2))
    else:
        sl.check_square_full("scipy.linalg.svd", a, full_matrices, "full_matrices=False")
        u, s, vh = ans
        v = rt.mH(vh)
        d_s = rt.mH(u) @ d[a] @ v
        s_row = s[..., None, :]
        s_col = s[..., :, None]
        eye = rt.meye(s)
        f = 1 / ((s_row + s_col) * (s_row - s_col) + eye) - eye
        dss = d_s * s_row
        sds = s_col * d_s
        d_u = u @ (
            f * (dss + rt.mH(dss)) + rt.mdiag(rt.mimag_i(np.diagonal(d_s, axis1=-2, axis2=-1)) / s)
        )
        d_v = v @ (f * (sds + rt.mH(sds)))
        da_v = d[a] @ v
        d_u = d_u + (da_v - u @ (rt.mH(u) @ da_v)) / s_row
        da_h_u = rt.mH(d[a]) @ u
        d_v = d_v + (da_h_u - v @ (vh @ da_h_u)) / s_row
        d[ans] = (d_u, rt.mreal(np.diagonal(d_s, axis1=-2, axis2=-1)), rt.mH(d_v))


# qr: numpy's rule for tall or square full-rank matrices (J. Townsend): with C = Q^H da R^-1
# and Omega = tril(C, -1) - tril(C, -1)^H + i Im(diag(C)), dQ = Q (Omega - C) + da R^-1,
# dR = (C - Omega) R. mode="full" is accepted for square matrices (where it is "economic");
# mode="r" returns (R,), with R m x n; pivoting=True permutes a's columns first (the
# permutation is held fixed). mode="raw" is refused.
@vjp_rule(scipy.linalg.qr)
def _(ans, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.qr", "a")
    sl.check_qr(a, mode)
    if pivoting:
        a_p = np.take(a, ans[-1], axis=-1)
    else:
        a_p = a
    if mode == "r":
        cols = np.shape(a)[-1]
        r = ans[0][..., :cols, :]
        q = a_p @ np.linalg.inv(r)
        g_r = d[ans][0][..., :cols, :]
        b = -(g_r @ np.swapaxes(r, -1, -2))
    else:
        q = ans[0]
        r = ans[1]
        g_q = d[ans][0]
        g_r = d[ans][1]
        b = np.swapaxes(q, -1, -2) @ g_q - g_r @ np.swapaxes(r, -1, -2)
    g_c = (
        rt.mtril(b, -1)
        - rt.mtril(rt.mH(b), -1)
        + rt.mdiag(rt.mimag_i(np.diagonal(b, axis1=-2, axis2=-1)))
        - b
    )
    r_inv_t = np.swapaxes(np.linalg.inv(r), -1, -2)
    if mode == "r":
        g_ap = rt.mconj(q) @ g_c @ r_inv_t
    else:
        g_ap = (g_q + rt.mconj(q) @ g_c) @ r_inv_t
    if pivoting:
        d[a] = np.take(g_ap, np.argsort(ans[-1]), axis=-1)
    else:
        d[a] = g_ap


@jvp_rule(scipy.linalg.qr)
def _(ans, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    if overwrite_a:
        sl.refuse_overwrite("scipy.linalg.qr", "a")
    sl.check_qr(a, mode)
    if pivoting:
        perm = ans[-1]
        a_p = np.take(a, perm, axis=-1)
        da = np.take(d[a], perm, axis=-1)
    else:
        a_p = a
        da = d[a]
    if mode == "r":
        cols = np.shape(a)[-1]
        r = ans[0][..., :cols, :]
        r_inv = np.linalg.inv(r)
        q = a_p @ r_inv
    else:
        q = ans[0]
        r = ans[1]
        r_inv = np.linalg.inv(r)
    da_r = da @ r_inv
    c = rt.mH(q) @ da_r
    low = rt.mtril(c, -1)
    omega = low - rt.mH(low) + rt.mdiag(rt.mimag_i(np.diagonal(c, axis1=-2, axis2=-1)))
    d_r = (c - omega) @ r
    if mode == "r":
        # mode="r" returns the full m x n R, whose last m - n rows are zeros
        d_r_full = rt.getitem_vjp(d_r, ans[0], (Ellipsis, slice(0, cols), slice(None)), nb)
        if pivoting:
            d[ans] = (d_r_full, rt.zeros_like(perm))
        else:
            d[ans] = (d_r_full,)
    else:
        d_q = q @ (omega - c) + da_r
        if pivoting:
            d[ans] = (d_q, d_r, rt.zeros_like(perm))
        else:
            d[ans] = (d_q, d_r)
