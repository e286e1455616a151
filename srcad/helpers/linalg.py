"""Run-time helpers for the linalg rules (re-exported by srcad.runtime).

They act on the last two axes (matrices) or the last axis (vectors) only, so leading stack
axes and direction axes pass through them untouched; none needs a `batch` argument unless
it says so. Each has derivative rules next to the linalg rules (`srcad.rules.numpy_linalg`).
The names start with ``m`` (matrix) so they do not clash with other families' helpers.
"""

from __future__ import annotations

import numpy as np

from ..arrays import asarray as _asarray
from ..arrays import like as _like
from ..arrays import size as _size
from ..arrays import zeros as _zeros
from ..dtypes import result_type
from ..errors import UnsupportedOperationError

__all__ = [
    "mH",
    "mconj",
    "mdiag",
    "mexpand",
    "mphi",
    "mhermitian",
    "mhermitian_t",
    "mdot_promote",
    "mdot_demote",
    "mdot_out",
    "mdot_out_t",
    "mchain",
    "mchain_vjp",
    "mduals",
    "mtop_right",
    "mcorner",
    "mtlbr",
    "mtrs",
    "mresiduals",
    "mresiduals_t",
    "mtril",
    "mreal",
    "mimag_i",
    "mlike",
    "meye",
    "mcolumns",
    "muncolumns",
    "mdual",
    "msvd_check",
    "mqr_check",
]


def mH(x):
    """The conjugate transpose of a (stack of) matrices."""
    return np.conj(np.swapaxes(x, -1, -2))


def mconj(x):
    """`np.conj` for the linalg formulas (the identity on real arrays)."""
    return np.conj(x) if np.iscomplexobj(x) else x


def mdiag(v, x=None):
    """Matrices with `v`'s last axis on their diagonal: the transpose of
    `np.diagonal(x, axis1=-2, axis2=-1)`.

    They are square unless `x` gives the (possibly rectangular) matrix shape to fill.
    """
    v = _asarray(v)
    k = np.shape(v)[-1]
    rows, cols = (k, k) if x is None else np.shape(x)[-2:]
    # In v's library (a CuPy array cannot be assigned into a numpy one).
    out = np.zeros_like(v, shape=np.shape(v)[:-1] + (rows, cols))
    idx = np.arange(k)
    out[..., idx, idx] = v
    return out


def mexpand(s):
    """`s` (one number per matrix) with two trailing axes, to scale a stack of matrices."""
    return _asarray(s)[..., None, None]


def mtril(x, k=0):
    """The lower triangle of a (stack of) matrices (`np.tril` on the last two axes)."""
    return np.tril(x, k)


def mreal(x):
    """The real part (the identity on real arrays)."""
    return np.real(x) if np.iscomplexobj(x) else x


def mimag_i(x):
    """`1j * imag(x)`: the imaginary part kept on the imaginary axis; zero for real `x`.

    It is its own transpose under srcad's pairing Re(sum(a * b)), which is why the complex
    corrections in eigh/svd/qr/slogdet are written with it.
    """
    if np.iscomplexobj(x):
        return 1j * np.imag(x)
    return np.zeros_like(x)


def mlike(g, x):
    """`g` as a derivative of `x`: its real part if `x` is real, complex if `x` is complex.

    Derivatives keep their primal's kind (as in JAX): a real adjoint reaching a complex
    matrix is cast up, and a complex one reaching a real matrix (eig of a real matrix) keeps
    its real part. The helper is its own transpose, with the roles of `g` and `x` swapped.
    """
    if np.iscomplexobj(x):
        return g if np.iscomplexobj(g) else _asarray(g, dtype=result_type(g, 1j))
    return np.real(g) if np.iscomplexobj(g) else g


def meye(x, matrix=False):
    """The identity matrix as large as the last axis of `x` (or, with `matrix`, shaped like
    `x`'s matrices), in `x`'s (inexact) dtype."""
    dtype = result_type(x)
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.float64
    rows, cols = np.shape(x)[-2:] if matrix else np.shape(x)[-1:] * 2
    like = _like(x)
    if like is None:
        return np.eye(rows, cols, dtype=dtype)
    return np.eye(rows, cols, dtype=dtype, like=like)  # in x's library


# numpy >= 2 takes solve's `b` as a vector only when b.ndim == 1; numpy 1.26 also takes it
# as a stack of vectors when b.ndim == a.ndim - 1 (lstsq's 2-D `a` makes the rules agree).
_STACKED_VECTORS = np.lib.NumpyVersion(np.__version__) < "2.0.0"


def _vector(a, b) -> bool:
    """Whether `solve(a, b)` takes `b` as a (stack of) vector(s)."""
    if _STACKED_VECTORS:
        return np.ndim(b) == np.ndim(a) - 1
    return np.ndim(b) == 1


def _solve_rank(a, b):
    """The rank of `solve(a, b)`'s problem with `b` written as a (stack of) column matrices."""
    return max(np.ndim(a), np.ndim(b) + _vector(a, b))


def mcolumns(t, a, b, batch=0):
    """`t` (shaped like `b` or like `solve(a, b)`, after `batch` direction axes) as columns.

    numpy's solve takes `b` as a vector only when `b.ndim == 1` (numpy 1.26: when
    `b.ndim == a.ndim - 1`); everything else is a stack of matrices. Rules work on the matrix
    form: a vector gets a trailing axis of 1, and size-1 axes go after the direction axes so
    that `t` lines up with `a`'s stack.
    """
    shape = np.shape(t)
    core = shape[batch:] + ((1,) if _vector(a, b) else ())
    missing = _solve_rank(a, b) - len(core)
    return np.reshape(t, shape[:batch] + (1,) * max(missing, 0) + core)


def muncolumns(m, a, b):
    """Back from `mcolumns`' matrix form to the shape `solve(a, b)` returns."""
    return m[..., 0] if _vector(a, b) else m


def mdual(a, t):
    """The block matrix [[a, t], [0, a]] (stacked over leading axes, `t` may have more).

    Powers and products of such blocks carry a derivative in their top-right block:
    [[a, t], [0, a]]^n = [[a^n, sum_k a^k t a^(n-1-k)], [0, a^n]], also for negative n.
    """
    a = _asarray(a)
    t = _asarray(t)
    lead = np.broadcast_shapes(np.shape(a)[:-2], np.shape(t)[:-2])
    m, n = np.shape(a)[-2:]
    dtype = result_type(a, t)
    out = _zeros(lead + (2 * m, 2 * n), dtype, like=_like(a, t))  # in their library
    out[..., :m, :n] = a
    out[..., m:, n:] = a
    out[..., :m, n:] = t
    return out


def msvd_check(a, full_matrices):
    """Reject what svd's derivative cannot follow: full U/Vh of a non-square matrix."""
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        raise UnsupportedOperationError(
            "srcad cannot differentiate np.linalg.svd(a, full_matrices=True) of a non-square "
            f"matrix ({m}x{n}): the extra singular vectors are not unique",
            hint="pass full_matrices=False",
        )


def mqr_check(a):
    m, n = np.shape(a)[-2:]
    if m < n:
        raise UnsupportedOperationError(
            f"srcad differentiates np.linalg.qr only for tall or square matrices, got {m}x{n}",
            hint="differentiate qr of the transpose, or of the leading square block",
        )


def mphi(x):
    """The lower triangle of `x` with its diagonal halved (Cholesky's derivative map).

    A mask, so it is its own transpose.
    """
    return np.tril(x, -1) + 0.5 * mdiag(np.diagonal(x, 0, -2, -1), x)


def _upper(uplo):
    return uplo in ("U", "u") if isinstance(uplo, str) else bool(uplo)


def mhermitian(x, uplo="L"):
    """The Hermitian matrix numpy's eigh/cholesky read from one triangle of `x`.

    LAPACK uses the `uplo` triangle ("L"/"U", or True for upper) and the real part of the
    diagonal, so a tangent of `x` acts through this (real-)linear map.
    """
    strict = np.triu(x, 1) if _upper(uplo) else np.tril(x, -1)
    return strict + mH(strict) + mdiag(mreal(np.diagonal(x, 0, -2, -1)))


def mhermitian_t(g, uplo="L"):
    """The transpose of `mhermitian`: a cotangent gathered onto the triangle that was read."""
    both = g + mH(g)
    strict = np.triu(both, 1) if _upper(uplo) else np.tril(both, -1)
    return strict + mdiag(mreal(np.diagonal(g, 0, -2, -1)))


# multi_dot: the chain is written as matrices (a 1-D first array as a row, a 1-D last one as
# a column), derivatives ride along in the top-right block of [[x, t], [0, x]] (see mdual),
# and every helper below is linear in its derivative arguments, with rules that stay inside
# this family, so the chain can be differentiated to any order without loops in templates.


def _vector_ends(arrays):
    return np.ndim(arrays[0]) == 1, np.ndim(arrays[-1]) == 1


def mdot_promote(xs, arrays):
    """The arrays of a multi_dot chain (or derivatives of them) as matrices, as a list."""
    first, last = _vector_ends(arrays)
    out = list(xs)
    if first:
        out[0] = _asarray(out[0])[..., None, :]
    if last:
        out[-1] = _asarray(out[-1])[..., :, None]
    return out


def mdot_demote(ms, arrays):
    """The transpose of `mdot_promote`: matrices back to the arrays' own shapes."""
    first, last = _vector_ends(arrays)
    out = list(ms)
    if first:
        out[0] = out[0][..., 0, :]
    if last:
        out[-1] = out[-1][..., :, 0]
    return out


def mdot_out(g, arrays):
    """A multi_dot result (or its derivative) as the matrix the chain of matrices gives."""
    first, last = _vector_ends(arrays)
    g = _asarray(g)
    if first:
        g = g[..., None, :] if not last else g[..., None, None]
    elif last:
        g = g[..., :, None]
    return g


def mdot_out_t(m, arrays):
    """The transpose of `mdot_out`: the chain's matrix back to multi_dot's result shape."""
    first, last = _vector_ends(arrays)
    if first and last:
        return m[..., 0, 0]
    if first:
        return m[..., 0, :]
    if last:
        return m[..., :, 0]
    return m


def mchain(mats):
    """The product of a list of (stacks of) matrices, left to right."""
    out = mats[0]
    for m in mats[1:]:
        out = np.matmul(out, m)
    return out


def mchain_vjp(g, mats):
    """The adjoints of every factor of `mchain(mats)`: L_i^T g R_i^T, as a list."""
    n = len(mats)
    lefts, acc = [], None
    for m in mats:
        lefts.append(acc)
        acc = m if acc is None else np.matmul(acc, m)
    rights, acc = [None] * n, None
    for i in range(n - 1, -1, -1):
        rights[i] = acc
        acc = mats[i] if acc is None else np.matmul(mats[i], acc)
    out = []
    for left, right in zip(lefts, rights):
        r = g
        if left is not None:
            r = np.matmul(np.swapaxes(left, -1, -2), r)
        if right is not None:
            r = np.matmul(r, np.swapaxes(right, -1, -2))
        out.append(r)
    return out


def mduals(xs, ts):
    """`mdual(x, t)` for every pair, as a list; None stands for a list of zeros."""
    if xs is None:
        xs = [np.zeros_like(t) for t in ts]
    if ts is None:
        ts = [np.zeros_like(x) for x in xs]
    return [mdual(x, t) for x, t in zip(xs, ts)]


def mtop_right(m):
    """The top-right quarter of (a stack of) block matrices."""
    rows, cols = np.shape(m)[-2] // 2, np.shape(m)[-1] // 2
    return m[..., :rows, cols:]


def mcorner(g):
    """[[0, g], [0, 0]]: the transpose of `mtop_right`."""
    return mdual(np.zeros_like(g), g)


def mtlbr(ms):
    """The sum of the two diagonal quarters of every block matrix: the transpose of
    `mduals(xs, None)`."""
    out = []
    for m in ms:
        rows, cols = np.shape(m)[-2] // 2, np.shape(m)[-1] // 2
        out.append(m[..., :rows, :cols] + m[..., rows:, cols:])
    return out


def mtrs(ms):
    """`mtop_right` of every block matrix: the transpose of `mduals(None, ts)`."""
    return [mtop_right(m) for m in ms]


def mresiduals(t, residuals):
    """A derivative of lstsq's residuals: `t` where numpy reports residuals, else empty.

    numpy returns the residual sums only for a full-rank tall system (else an empty array).
    """
    if _size(residuals):
        return t
    t = _asarray(t)
    return np.zeros_like(t, shape=np.shape(t)[:-1] + (0,))


def mresiduals_t(g, residuals, k):
    """The transpose of `mresiduals`: `g`, or zeros for the `k` columns when it was empty."""
    if _size(residuals):
        return g
    g = _asarray(g)
    return np.zeros_like(g, shape=np.shape(g)[:-1] + (k,))
