"""Rules for numpy.linalg.

Every rule works on stacks of matrices: numpy's linalg functions broadcast over leading axes,
and a leading direction axis (``nb == 1``) is just one more stack axis for them, so most
templates need no special case for it (matmul, solve and inv broadcast the direction axis
against the primal's stack). The exceptions are ``b`` in `solve` (a vector or a matrix,
decided at run time) and products of arrays without stack axes (`multi_dot`).

Complex numbers follow JAX: the vjp is the transpose of the jvp under Re(sum(a * b)), so a
holomorphic function (inv, solve, det, matrix_power...) transposes with plain transposes, and
the Hermitian decompositions (eigh, cholesky, svd, qr) transpose their conjugations
explicitly. Decompositions are differentiable only where their factors are (distinct
eigen/singular values, full rank); at ties the formulas divide by zero, as in JAX and
autograd. The rules of the helpers these templates call (rt.mH, rt.mdual...) are in
`srcad.rules.numpy_linalg_helpers`, which this module imports.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, nondiff, optional, returns, static, vjp_rule

nondiff(np.linalg.matrix_rank, rt.meye, rt.msvd_check, rt.mqr_check)
returns(
    "tuple",
    np.linalg.slogdet,
    np.linalg.eigh,
    np.linalg.eig,
    np.linalg.svd,
    np.linalg.qr,
    np.linalg.lstsq,
)

# ----------------------------------------------------------------------------- structure


@vjp_rule(optional(np.linalg, "matrix_transpose"), linear=("x",))
def _(ans, x):
    d[x] = np.linalg.matrix_transpose(d[ans])


@jvp_rule(optional(np.linalg, "matrix_transpose"), linear=("x",))
def _(ans, x):
    d[ans] = np.linalg.matrix_transpose(d[x])


@vjp_rule(optional(np.linalg, "diagonal"), linear=("x",))
def _(ans, x):
    d[x] = rt.mdiag(d[ans], x)


@jvp_rule(optional(np.linalg, "diagonal"), linear=("x",))
def _(ans, x):
    d[ans] = np.linalg.diagonal(d[x])


@vjp_rule(optional(np.linalg, "trace"), linear=("x",))
def _(ans, x):
    d[x] = rt.mexpand(d[ans]) * rt.meye(x, True)


@jvp_rule(optional(np.linalg, "trace"), linear=("x",))
def _(ans, x):
    d[ans] = np.linalg.trace(d[x])


# ----------------------------------------------------------------------------- inverses


@vjp_rule(np.linalg.inv)
def _(ans, a):
    ans_t = np.swapaxes(ans, -1, -2)
    d[a] = -(ans_t @ d[ans] @ ans_t)


@jvp_rule(np.linalg.inv)
def _(ans, a):
    d[ans] = -(ans @ d[a] @ ans)


# solve(a, b): b is a vector only when b.ndim == 1 (numpy >= 2; numpy 1.26: a stack of
# vectors when b.ndim == a.ndim - 1), otherwise a stack of matrices that broadcasts against
# a's stack. The rules work on b as columns (rt.mcolumns, rt.muncolumns decide which).
@vjp_rule(np.linalg.solve, linear=("b",))
def _(ans, a, b):
    gb = np.linalg.solve(np.swapaxes(a, -1, -2), rt.mcolumns(d[ans], a, b, nb))
    d[b] = rt.unbroadcast(rt.muncolumns(gb, a, b), b, nb)
    x_t = np.swapaxes(rt.mcolumns(ans, a, b), -1, -2)
    d[a] = rt.unbroadcast(-(gb @ x_t), a, nb)


@jvp_rule(np.linalg.solve, linear=("b",))
def _(ans, a, b):
    x = rt.mcolumns(ans, a, b)
    if static(nb == 0):
        rhs = rt.mcolumns(d[b], a, b) - d[a] @ x
    else:
        rhs = rt.mcolumns(d[b], a, b, nb) - rt.lift(d[a], a, np.ndim(x), nb) @ x
    d[ans] = rt.muncolumns(np.linalg.solve(a, rhs), a, b)


# ----------------------------------------------------------------------------- determinants


@vjp_rule(np.linalg.det)
def _(ans, a):
    d[a] = rt.mexpand(d[ans] * ans) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp_rule(np.linalg.det)
def _(ans, a):
    d[ans] = ans * np.trace(np.linalg.solve(a, d[a]), axis1=-2, axis2=-1)


# slogdet: with t = tr(a^-1 da) = d log(det a), d logabsdet = Re(t) and d sign = sign * i Im(t)
# (zero for real matrices, whose sign is piecewise constant).
@vjp_rule(np.linalg.slogdet)
def _(ans, a):
    sign, _logabsdet = ans
    g_sign, g_logabsdet = d[ans]
    g = rt.mimag_i(g_sign * sign) + g_logabsdet
    d[a] = rt.mexpand(g) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp_rule(np.linalg.slogdet)
def _(ans, a):
    sign, _logabsdet = ans
    t = np.trace(np.linalg.solve(a, d[a]), axis1=-2, axis2=-1)
    d[ans] = (sign * rt.mimag_i(t), rt.mreal(t))


# ----------------------------------------------------------------------------- powers


# The block matrix [[a, t], [0, a]] raised to the power n carries the derivative of a^n in
# direction t in its top-right block (for negative n too, through the block inverse), so
# the rule needs no loop over the factors. The vjp is the same with a transposed.
@vjp_rule(np.linalg.matrix_power)
def _(ans, a, n):
    k = np.shape(a)[-1]
    dual = rt.mdual(np.swapaxes(a, -1, -2), d[ans])
    d[a] = np.linalg.matrix_power(dual, n)[..., :k, k : 2 * k]


@jvp_rule(np.linalg.matrix_power)
def _(ans, a, n):
    k = np.shape(a)[-1]
    d[ans] = np.linalg.matrix_power(rt.mdual(a, d[a]), n)[..., :k, k : 2 * k]


# pinv: the derivative of the Moore-Penrose inverse at a matrix of constant (here full)
# rank (Golub & Pereyra); one of the two projector terms vanishes for full rank, both are
# kept so that tall, wide and square matrices share the formula. `rcond`/`rtol` only
# decide the rank, and are not differentiated.
@vjp_rule(np.linalg.pinv)
def _(ans, a, rcond=None):
    g = d[ans]
    p_t = np.swapaxes(ans, -1, -2)
    a_t = np.swapaxes(a, -1, -2)
    p_c = rt.mconj(ans)
    d[a] = -(p_t @ g @ p_t) + rt.mH(
        p_c @ p_t @ (g - g @ p_t @ a_t) + (g - a_t @ p_t @ g) @ p_t @ p_c
    )


@jvp_rule(np.linalg.pinv)
def _(ans, a, rcond=None):
    da_h = rt.mH(d[a])
    p_h = rt.mH(ans)
    d[ans] = (
        -(ans @ d[a] @ ans)
        + ans @ p_h @ (da_h - da_h @ a @ ans)
        + (da_h - ans @ a @ da_h) @ p_h @ ans
    )


# ----------------------------------------------------------------------------- Cholesky


# numpy reads only one triangle of `a` (the lower one, or the upper one with upper=True),
# (and the real part of its diagonal), so the derivative is taken through that reading:
# the effective Hermitian tangent is rt.mhermitian(da). (JAX symmetrizes instead; both agree
# on Hermitian tangents.)
# With L = cholesky(a): dL = L phi(L^-1 dS L^-H), phi = lower triangle with halved diagonal.
@vjp_rule(np.linalg.cholesky)
def _(ans, a, *, upper=False):
    if static(upper):
        low = rt.mH(ans)
        g = rt.mH(d[ans])
    else:
        low = ans
        g = d[ans]
    low_inv = np.linalg.inv(low)
    g_x = rt.mphi(np.swapaxes(low, -1, -2) @ g)
    g_s = np.swapaxes(low_inv, -1, -2) @ g_x @ rt.mconj(low_inv)
    if static(upper):
        d[a] = rt.mhermitian_t(g_s, "U")
    else:
        d[a] = rt.mhermitian_t(g_s)


@jvp_rule(np.linalg.cholesky)
def _(ans, a, *, upper=False):
    if static(upper):
        low = rt.mH(ans)
        s = rt.mhermitian(d[a], "U")
    else:
        low = ans
        s = rt.mhermitian(d[a])
    low_inv = np.linalg.inv(low)
    d_low = low @ rt.mphi(low_inv @ s @ rt.mH(low_inv))
    if static(upper):
        d[ans] = rt.mH(d_low)
    else:
        d[ans] = d_low


# ----------------------------------------------------------------------------- eigen


# eigh reads only the UPLO triangle of `a` (see cholesky). With M = V^H dS V:
# dw = Re(diag(M)), dV = V (F * M), F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it
# (inf at repeated eigenvalues, where the eigenvectors are not differentiable: as JAX).
@vjp_rule(np.linalg.eigh)
def _(ans, a, UPLO="L"):
    w, v = ans
    g_w, g_v = d[ans]
    eye = rt.meye(w)
    f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
    inner = rt.mdiag(g_w) + f * (np.swapaxes(v, -1, -2) @ g_v)
    g_s = rt.mconj(v) @ inner @ np.swapaxes(v, -1, -2)
    d[a] = rt.mhermitian_t(g_s, UPLO)


@jvp_rule(np.linalg.eigh)
def _(ans, a, UPLO="L"):
    w, v = ans
    s = rt.mhermitian(d[a], UPLO)
    m = rt.mH(v) @ s @ v
    eye = rt.meye(w)
    f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
    d[ans] = (rt.mreal(np.diagonal(m, axis1=-2, axis2=-1)), v @ (f * m))


@vjp_rule(np.linalg.eigvalsh)
def _(ans, a, UPLO="L"):
    _w, v = np.linalg.eigh(a, UPLO)
    g_s = (rt.mconj(v) * d[ans][..., None, :]) @ np.swapaxes(v, -1, -2)
    d[a] = rt.mhermitian_t(g_s, UPLO)


@jvp_rule(np.linalg.eigvalsh)
def _(ans, a, UPLO="L"):
    _w, v = np.linalg.eigh(a, UPLO)
    s = rt.mhermitian(d[a], UPLO)
    d[ans] = rt.mreal(np.sum(rt.mconj(v) * (s @ v), axis=-2))


# eig (general square matrices): with M = V^-1 da V, dw = diag(M) and dV = V (F * M), then
# the part along each eigenvector that would change its unit norm is removed (numpy returns
# unit-norm eigenvectors; the phase of complex ones is left as this formula gives it, so
# only phase-invariant functions of them are well defined, as in JAX). A real matrix may
# have complex eigenpairs: its adjoint is the real part.
@vjp_rule(np.linalg.eig)
def _(ans, a):
    w, v = ans
    g_w, g_v = d[ans]
    eye = rt.meye(w)
    f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
    g_u = g_v - rt.mconj(v) * rt.mreal(np.sum(g_v * v, axis=-2, keepdims=True))
    g_m = rt.mdiag(g_w) + f * (np.swapaxes(v, -1, -2) @ g_u)
    v_inv_t = np.swapaxes(np.linalg.inv(v), -1, -2)
    d[a] = rt.mlike(v_inv_t @ g_m @ np.swapaxes(v, -1, -2), a)


@jvp_rule(np.linalg.eig)
def _(ans, a):
    w, v = ans
    m = np.linalg.inv(v) @ d[a] @ v
    eye = rt.meye(w)
    f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
    d_u = v @ (f * m)
    d_v = d_u - v * rt.mreal(np.sum(rt.mconj(v) * d_u, axis=-2, keepdims=True))
    d[ans] = (np.diagonal(m, axis1=-2, axis2=-1), d_v)


# eigvals returns eig's eigenvalues in eig's order (both come from the same LAPACK geev).
@vjp_rule(np.linalg.eigvals)
def _(ans, a):
    _w, v = np.linalg.eig(a)
    v_inv_t = np.swapaxes(np.linalg.inv(v), -1, -2)
    g_a = (v_inv_t * d[ans][..., None, :]) @ np.swapaxes(v, -1, -2)
    d[a] = rt.mlike(g_a, a)


@jvp_rule(np.linalg.eigvals)
def _(ans, a):
    _w, v = np.linalg.eig(a)
    v_inv_t = np.swapaxes(np.linalg.inv(v), -1, -2)
    d[ans] = np.sum(v_inv_t * (d[a] @ v), axis=-2)


# ----------------------------------------------------------------------------- SVD


# svd (as JAX): with dS = U^H da V, ds = Re(diag(dS)), F[i, j] = 1 / (s[j]^2 - s[i]^2),
#   dU = U (F * (dS S + S dS^H) + i Im(diag(dS)) / S) + (I - U U^H) da V / S
#   dV = V (F * (S dS + dS^H S)) + (I - V V^H) da^H U / S
# The projector terms vanish for square matrices and for the longer side's factor; they are
# always computed, so one formula covers tall, wide and square. The i Im term fixes the
# phase of complex singular vectors (zero for real ones). Repeated or zero singular values
# give inf, as in JAX. full_matrices=True is accepted only where it changes nothing (square).
@vjp_rule(np.linalg.svd)
def _(ans, a, full_matrices=True, compute_uv=True):
    if static(not compute_uv):
        u, _s, vh = np.linalg.svd(a, full_matrices=False)
        d[a] = (rt.mconj(u) * d[ans][..., None, :]) @ rt.mconj(vh)
    else:
        if static(full_matrices):
            rt.msvd_check(a, full_matrices)
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


@jvp_rule(np.linalg.svd)
def _(ans, a, full_matrices=True, compute_uv=True):
    if static(not compute_uv):
        u, _s, vh = np.linalg.svd(a, full_matrices=False)
        d[ans] = rt.mreal(np.sum(rt.mconj(u) * (d[a] @ rt.mH(vh)), axis=-2))
    else:
        if static(full_matrices):
            rt.msvd_check(a, full_matrices)
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


@vjp_rule(optional(np.linalg, "svdvals"))
def _(ans, x):
    u, _s, vh = np.linalg.svd(x, full_matrices=False)
    d[x] = (rt.mconj(u) * d[ans][..., None, :]) @ rt.mconj(vh)


@jvp_rule(optional(np.linalg, "svdvals"))
def _(ans, x):
    u, _s, vh = np.linalg.svd(x, full_matrices=False)
    d[ans] = rt.mreal(np.sum(rt.mconj(u) * (d[x] @ rt.mH(vh)), axis=-2))


# ----------------------------------------------------------------------------- QR


# qr, mode="reduced", for tall or square full-rank matrices (as JAX; see J. Townsend, "Differ-
# entiating the QR decomposition"): with C = Q^H da R^-1 and Omega = tril(C, -1) -
# tril(C, -1)^H + i Im(diag(C)), dQ = Q (Omega - C) + da R^-1, dR = (C - Omega) R.
@vjp_rule(np.linalg.qr)
def _(ans, a, mode="reduced"):
    rt.mqr_check(a)
    q, r = ans
    g_q, g_r = d[ans]
    b = np.swapaxes(q, -1, -2) @ g_q - g_r @ np.swapaxes(r, -1, -2)
    g_c = (
        rt.mtril(b, -1)
        - rt.mtril(rt.mH(b), -1)
        + rt.mdiag(rt.mimag_i(np.diagonal(b, axis1=-2, axis2=-1)))
        - b
    )
    r_inv_t = np.swapaxes(np.linalg.inv(r), -1, -2)
    d[a] = (g_q + rt.mconj(q) @ g_c) @ r_inv_t


@jvp_rule(np.linalg.qr)
def _(ans, a, mode="reduced"):
    rt.mqr_check(a)
    q, r = ans
    da_r = d[a] @ np.linalg.inv(r)
    c = rt.mH(q) @ da_r
    low = rt.mtril(c, -1)
    omega = low - rt.mH(low) + rt.mdiag(rt.mimag_i(np.diagonal(c, axis1=-2, axis2=-1)))
    d[ans] = (q @ (omega - c) + da_r, (c - omega) @ r)


# ----------------------------------------------------------------------------- multi_dot


# multi_dot(arrays) is the chain product of `arrays` (1-D ends as a row/column). Its tangent
# is the top-right block of the chain of [[x, t], [0, x]] blocks (rt.mduals); its adjoints
# are L_i^T g R_i^T (rt.mchain_vjp). The helpers' own rules use the same block trick, so
# no template loops over the list.
@vjp_rule(np.linalg.multi_dot, linear=("arrays",))
def _(ans, arrays):
    mats = rt.mdot_promote(arrays, arrays)
    d[arrays] = rt.mdot_demote(rt.mchain_vjp(rt.mdot_out(d[ans], arrays), mats), arrays)


@jvp_rule(np.linalg.multi_dot, linear=("arrays",))
def _(ans, arrays):
    mats = rt.mdot_promote(arrays, arrays)
    dual = rt.mchain(rt.mduals(mats, rt.mdot_promote(d[arrays], arrays)))
    d[ans] = rt.mdot_out_t(rt.mtop_right(dual), arrays)


returns("list", rt.mdot_promote, rt.mdot_demote, rt.mchain_vjp, rt.mduals, rt.mtlbr, rt.mtrs)


@vjp_rule(rt.mdot_promote, linear=("xs",))
def _(ans, xs, arrays):
    d[xs] = rt.mdot_demote(d[ans], arrays)


@jvp_rule(rt.mdot_promote, linear=("xs",))
def _(ans, xs, arrays):
    d[ans] = rt.mdot_promote(d[xs], arrays)


@vjp_rule(rt.mdot_demote, linear=("ms",))
def _(ans, ms, arrays):
    d[ms] = rt.mdot_promote(d[ans], arrays)


@jvp_rule(rt.mdot_demote, linear=("ms",))
def _(ans, ms, arrays):
    d[ans] = rt.mdot_demote(d[ms], arrays)


@vjp_rule(rt.mdot_out, linear=("g",))
def _(ans, g, arrays):
    d[g] = rt.mdot_out_t(d[ans], arrays)


@jvp_rule(rt.mdot_out, linear=("g",))
def _(ans, g, arrays):
    d[ans] = rt.mdot_out(d[g], arrays)


@vjp_rule(rt.mdot_out_t, linear=("m",))
def _(ans, m, arrays):
    d[m] = rt.mdot_out(d[ans], arrays)


@jvp_rule(rt.mdot_out_t, linear=("m",))
def _(ans, m, arrays):
    d[ans] = rt.mdot_out_t(d[m], arrays)


@vjp_rule(rt.mchain)
def _(ans, mats):
    d[mats] = rt.mchain_vjp(d[ans], mats)


@jvp_rule(rt.mchain)
def _(ans, mats):
    d[ans] = rt.mtop_right(rt.mchain(rt.mduals(mats, d[mats])))


# With [[0, g], [0, 0]] in place of g and dual blocks in place of the factors, the two
# diagonal quarters of mchain_vjp's results add up to its derivative along the factors.
@vjp_rule(rt.mchain_vjp)
def _(ans, g, mats):
    duals = rt.mduals(mats, d[ans])
    d[g] = rt.mtop_right(rt.mchain(duals))
    d[mats] = rt.mtlbr(rt.mchain_vjp(rt.mcorner(g), duals))


@jvp_rule(rt.mchain_vjp)
def _(ans, g, mats):
    along_mats = rt.mtlbr(rt.mchain_vjp(rt.mcorner(g), rt.mduals(mats, d[mats])))
    d[ans] = rt.add(rt.mchain_vjp(d[g], mats), along_mats)


@vjp_rule(rt.mduals, linear=("xs", "ts"))
def _(ans, xs, ts):
    d[xs] = rt.mtlbr(d[ans])
    d[ts] = rt.mtrs(d[ans])


@jvp_rule(rt.mduals, linear=("xs", "ts"))
def _(ans, xs, ts):
    d[ans] = rt.mduals(d[xs], d[ts])


@vjp_rule(rt.mtlbr, linear=("ms",))
def _(ans, ms):
    d[ms] = rt.mduals(d[ans], None)


@jvp_rule(rt.mtlbr, linear=("ms",))
def _(ans, ms):
    d[ans] = rt.mtlbr(d[ms])


@vjp_rule(rt.mtrs, linear=("ms",))
def _(ans, ms):
    d[ms] = rt.mduals(None, d[ans])


@jvp_rule(rt.mtrs, linear=("ms",))
def _(ans, ms):
    d[ans] = rt.mtrs(d[ms])


@vjp_rule(rt.mtop_right, linear=("m",))
def _(ans, m):
    d[m] = rt.mcorner(d[ans])


@jvp_rule(rt.mtop_right, linear=("m",))
def _(ans, m):
    d[ans] = rt.mtop_right(d[m])


@vjp_rule(rt.mcorner, linear=("g",))
def _(ans, g):
    d[g] = rt.mtop_right(d[ans])


@jvp_rule(rt.mcorner, linear=("g",))
def _(ans, g):
    d[ans] = rt.mcorner(d[g])


# ----------------------------------------------------------------------------- lstsq


# lstsq(a, b) for a full-rank `a` (2-D, as numpy requires): x = pinv(a) b, so dx follows the
# pinv derivative (both projector terms kept: tall, square and wide systems). The residual
# sums |r|^2 (r = b - a x) exist only for tall full-rank systems, where a^H r = 0 makes
# their derivative 2 Re(sum(conj(r) (db - da x))). s are a's singular values (as svdvals);
# the rank is an integer.
@vjp_rule(np.linalg.lstsq)
def _(ans, a, b, rcond=None):
    x, residuals, _rank, s = ans
    g_x, g_res, _g_rank, g_s = d[ans]
    p = np.linalg.pinv(a)
    p_t = np.swapaxes(p, -1, -2)
    x_c = rt.mcolumns(x, a, b)
    r_c = rt.mcolumns(b, a, b) - a @ x_c
    g_xc = rt.mcolumns(g_x, a, b, nb)
    g_r = 2 * rt.mconj(r_c) * rt.mresiduals_t(g_res, residuals, np.shape(r_c)[-1])[..., None, :]
    g_rhs = p_t @ g_xc + g_r
    d[b] = rt.unbroadcast(rt.muncolumns(g_rhs, a, b), b, nb)
    u, _s, vh = np.linalg.svd(a, full_matrices=False)
    p_h_x = rt.mH(p) @ x_c
    d[a] = (
        -(g_rhs @ np.swapaxes(x_c, -1, -2))
        + rt.mH(rt.mconj(p) @ p_t @ g_xc @ np.swapaxes(r_c, -1, -2))
        + rt.mH((g_xc - np.swapaxes(a, -1, -2) @ (p_t @ g_xc)) @ np.swapaxes(p_h_x, -1, -2))
        + (rt.mconj(u) * g_s[..., None, :]) @ rt.mconj(vh)
    )


@jvp_rule(np.linalg.lstsq)
def _(ans, a, b, rcond=None):
    x, residuals, rank, s = ans
    p = np.linalg.pinv(a)
    x_c = rt.mcolumns(x, a, b)
    r_c = rt.mcolumns(b, a, b) - a @ x_c
    da_h = rt.mH(d[a])
    d_rhs = rt.mcolumns(d[b], a, b, nb) - d[a] @ x_c
    p_h_x = rt.mH(p) @ x_c
    d_xc = p @ d_rhs + p @ rt.mH(p) @ (da_h @ r_c) + (da_h @ p_h_x - p @ (a @ (da_h @ p_h_x)))
    d_res = rt.mresiduals(2 * rt.mreal(np.sum(rt.mconj(r_c) * d_rhs, axis=-2)), residuals)
    u, _s, vh = np.linalg.svd(a, full_matrices=False)
    # `0.0 * s +` gives d_s its shape when d[a] is zero (a constant matrix), where the
    # simplifier drops the other term and would otherwise have no shape for the zero.
    d_s = 0.0 * s + rt.mreal(np.sum(rt.mconj(u) * (d[a] @ rt.mH(vh)), axis=-2))
    d[ans] = (rt.muncolumns(d_xc, a, b), d_res, rt.zeros_like(rank), d_s)


@vjp_rule(rt.mresiduals, linear=("t",))
def _(ans, t, residuals):
    d[t] = rt.mresiduals_t(d[ans], residuals, np.shape(t)[-1])


@jvp_rule(rt.mresiduals, linear=("t",))
def _(ans, t, residuals):
    d[ans] = rt.mresiduals(d[t], residuals)


@vjp_rule(rt.mresiduals_t, linear=("g",))
def _(ans, g, residuals, k):
    d[g] = rt.mresiduals(d[ans], residuals)


@jvp_rule(rt.mresiduals_t, linear=("g",))
def _(ans, g, residuals, k):
    d[ans] = rt.mresiduals_t(d[g], residuals, k)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.linalg.eig, np.linalg.eigvals, complex_result=True)
facts(np.linalg.multi_dot, sequences=True)  # each matrix its own shape

# The rest of this family's rules (they register on import).
from . import numpy_linalg_helpers  # noqa: E402, F401
