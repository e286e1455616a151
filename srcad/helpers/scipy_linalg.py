"""Run-time helpers for the scipy.linalg rules (`srcad.rules.scipy.linalg`).

The rule templates call them as ``sl.<name>``; `srcad.runtime` does not re-export them, so
that ``import srcad`` never imports scipy. Each helper that carries a derivative has rules
next to the scipy.linalg rules; the others are declared non-differentiable there.

scipy's solvers take a right-hand side without stack axes, so a derivative that carries
direction axes is folded into extra columns for them (`fold`, `unfold`).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from .. import runtime as rt
from ..errors import UnsupportedOperationError

# ----------------------------------------------------------------------------- direction axes


def fold(t, batch, keep=0):
    """(keep..., batch..., n, m) -> (keep..., n, m * prod(batch)): the `batch` axes after
    `keep` leading ones become extra columns (so one scipy solve handles every direction)."""
    t = np.asarray(t)
    if batch == 0:
        return t
    shape = np.shape(t)
    n, m = shape[-2:]
    moved = np.moveaxis(t, tuple(range(keep, keep + batch)), tuple(range(-batch, 0)))
    return np.reshape(moved, shape[:keep] + (n, m * math.prod(shape[keep : keep + batch])))


def unfold(f, shape, keep=0):
    """The inverse of `fold`: `shape` is (batch..., n, m), the shape `fold` was given after its
    `keep` leading axes."""
    f = np.asarray(f)
    batch = len(shape) - 2
    if batch == 0:
        return f
    lead = np.shape(f)[:keep]
    n, m = shape[-2:]
    split = np.reshape(f, lead + (n, m) + tuple(shape[:batch]))
    return np.moveaxis(split, tuple(range(-batch, 0)), tuple(range(keep, keep + batch)))


# ----------------------------------------------------------------------------- checks


def refuse_overwrite(name, argument):
    """overwrite_a=True / overwrite_b=True let scipy destroy an input that derivative code
    (of this call or of another one) may read later: refused."""
    raise UnsupportedOperationError(
        f"srcad does not differentiate {name}(..., overwrite_{argument}=True): scipy may "
        f"overwrite `{argument}`, which derivative code can still need",
        hint=f"leave overwrite_{argument} at False",
    )


def refuse(message, hint=None):
    """A call whose derivative srcad does not implement, refused when its derivative runs."""
    raise UnsupportedOperationError(message, hint=hint)


def trans_code(trans):
    """scipy's `trans` argument (0/1/2 or 'N'/'T'/'C') as 0, 1 or 2."""
    if isinstance(trans, str):
        code = {"N": 0, "T": 1, "C": 2}.get(trans.upper())
    else:
        code = int(trans) if trans in (0, 1, 2) else None
    if code is None:
        raise ValueError(f"unknown value for trans: {trans!r}")
    return code


def flip_trans(code):
    """The `trans` code that solves with the transpose of what `code` solves with (for real
    matrices; `cconj` completes it for complex ones when code is 2)."""
    return 1 if code == 0 else 0


# ----------------------------------------------------------------------------- linear maps


def tri(x, lower, unit_diagonal=False):
    """The triangle of `x` that solve_triangular reads (without the diagonal when it is
    taken as ones). A mask, hence its own transpose."""
    if lower:
        return np.tril(x, -1 if unit_diagonal else 0)
    return np.triu(x, 1 if unit_diagonal else 0)


def op(x, code):
    """`x`, its transpose or its conjugate transpose (trans code 0, 1, 2); each is its own
    transpose under srcad's pairing Re(sum(a * b))."""
    if code == 0:
        return x
    if code == 1:
        return np.swapaxes(x, -1, -2)
    return rt.mH(x)


def cconj(x, code):
    """`conj(x)` when the trans code is 2, else `x` (its own transpose)."""
    return np.conj(x) if code == 2 and np.iscomplexobj(x) else x


_SYMMETRIC = ("sym", "symmetric")
_HERMITIAN = ("her", "hermitian", "pos", "positive definite")
_GENERAL = (None, "gen", "general", "banded")


def _uplo_strict(x, lower):
    return np.tril(x, -1) if lower else np.triu(x, 1)


def effective(a, assume_a=None, lower=False, transposed=False):
    """The matrix scipy.linalg.solve and inv use: `a` itself, or the part of it that
    `assume_a` tells them to read (one triangle of a symmetric or Hermitian matrix, a
    diagonal, three diagonals, a triangle), transposed when `transposed`.

    ("banded" and the default detect the structure from `a`'s own zeros, so they read
    all of it.)"""
    if assume_a in _GENERAL:
        m = a
    elif assume_a in _SYMMETRIC:
        strict = _uplo_strict(a, lower)
        m = strict + np.swapaxes(strict, -1, -2) + rt.mdiag(np.diagonal(a, 0, -2, -1))
    elif assume_a in _HERMITIAN:
        m = rt.mhermitian(a, not lower)
    elif assume_a == "diagonal":
        m = rt.mdiag(np.diagonal(a, 0, -2, -1))
    elif assume_a == "tridiagonal":
        m = np.triu(np.tril(a, 1), -1)
    elif assume_a == "upper triangular":
        m = np.triu(a)
    elif assume_a == "lower triangular":
        m = np.tril(a)
    else:
        raise UnsupportedOperationError(
            f"srcad does not know which entries scipy reads with assume_a={assume_a!r}",
            hint="use one of 'gen', 'sym', 'her', 'pos', 'diagonal', 'tridiagonal', "
            "'banded', 'upper triangular', 'lower triangular'",
        )
    return np.swapaxes(m, -1, -2) if transposed else m


def effective_t(g, assume_a=None, lower=False, transposed=False):
    """The transpose of `effective`: a cotangent of the matrix used, gathered onto the
    entries of `a` that were read."""
    if transposed:
        g = np.swapaxes(g, -1, -2)
    if assume_a in _GENERAL:
        return g
    if assume_a in _SYMMETRIC:
        strict = _uplo_strict(g + np.swapaxes(g, -1, -2), lower)
        return strict + rt.mdiag(np.diagonal(g, 0, -2, -1))
    if assume_a in _HERMITIAN:
        return rt.mhermitian_t(g, not lower)
    return effective(g, assume_a, lower)  # the other structures are masks


# ----------------------------------------------------------------------------- LU


def lu_perm(piv):
    """The row order `perm` with a[perm] = L @ U, from lu_factor's pivot indices."""
    piv = np.asarray(piv)
    perm = np.arange(np.shape(piv)[-1])
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


# ----------------------------------------------------------------------------- matrix functions

_MATRIX_FUNCTIONS = {
    "expm": scipy.linalg.expm,
    "sqrtm": scipy.linalg.sqrtm,
    "logm": scipy.linalg.logm,
}


def matfun(name, x):
    """expm, sqrtm or logm of every matrix of a stack (older scipy takes single matrices).

    Their derivatives use the block-triangular identity f([[A, E], [0, A]]) =
    [[f(A), L_f(A, E)], [0, f(A)]], where L_f(A, E) is the Frechet derivative of f at A in
    direction E (exact, not a difference quotient)."""
    fn = _MATRIX_FUNCTIONS[name]
    x = np.asarray(x)
    if x.ndim == 2:
        return fn(x)
    flat = np.reshape(x, (-1,) + x.shape[-2:])
    out = np.stack([fn(m) for m in flat])
    return np.reshape(out, x.shape[:-2] + out.shape[-2:])


def sylvester(a, b, q):
    """solve_sylvester(a, b, q) (a @ x + x @ b = q) for stacks: leading axes of a, b and q
    broadcast."""
    a, b, q = np.asarray(a), np.asarray(b), np.asarray(q)
    if a.ndim == b.ndim == q.ndim == 2:
        return scipy.linalg.solve_sylvester(a, b, q)
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2], q.shape[:-2])
    a = np.broadcast_to(a, lead + a.shape[-2:])
    b = np.broadcast_to(b, lead + b.shape[-2:])
    q = np.broadcast_to(q, lead + q.shape[-2:])
    out = [scipy.linalg.solve_sylvester(a[i], b[i], q[i]) for i in np.ndindex(*lead)]
    if not out:
        return np.zeros(lead + q.shape[-2:], dtype=rt.result_type(a, b, q))
    return np.reshape(np.stack(out), lead + out[0].shape)


# ----------------------------------------------------------------------------- block_diag


def _core(x, batch):
    """The shape block_diag gives a block: 0-d -> (1, 1), 1-d -> (1, n)."""
    core = np.shape(x)[batch:]
    return (1,) * (2 - len(core)) + tuple(core)


def core_shapes(blocks, batch=0):
    """The shape each block has after its `batch` leading axes (None for an absent one)."""
    return [None if x is None else tuple(np.shape(x)[batch:]) for x in blocks]


def bdiag(blocks, batch=0):
    """scipy.linalg.block_diag of the blocks (None ones skipped), each with `batch` leading
    direction axes, which the result keeps."""
    present = [np.asarray(x) for x in blocks if x is not None]
    lead = np.broadcast_shapes(*(np.shape(x)[:batch] for x in present)) if present else ()
    cores = [_core(x, batch) for x in present]
    rows = sum(c[0] for c in cores)
    cols = sum(c[1] for c in cores)
    dtype = rt.result_type(*present) if present else np.float64
    out = np.zeros(lead + (rows, cols), dtype=dtype)
    r = c = 0
    for x, core in zip(present, cores):
        out[..., r : r + core[0], c : c + core[1]] = np.reshape(x, np.shape(x)[:batch] + core)
        r, c = r + core[0], c + core[1]
    return out


def bdiag_t(g, shapes, batch=0):
    """The transpose of `bdiag`: the diagonal blocks of `g` (with `batch` leading axes),
    shaped as `shapes` says (None for an absent block)."""
    g = np.asarray(g)
    lead = np.shape(g)[:batch]
    out = []
    r = c = 0
    for shape in shapes:
        if shape is None:
            out.append(None)
            continue
        core = (1,) * (2 - len(shape)) + tuple(shape)
        out.append(np.reshape(g[..., r : r + core[0], c : c + core[1]], lead + tuple(shape)))
        r, c = r + core[0], c + core[1]
    return out


def check_square_full(name, a, full, hint):
    """Reject full factors of a non-square matrix: their extra columns are not unique."""
    m, n = np.shape(a)[-2:]
    if full and m != n:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate the full factors {name} returns for a non-square "
            f"matrix ({m}x{n}): the extra columns are not unique",
            hint=f"pass {hint}",
        )


def check_qr(a, mode):
    """Reject the qr calls whose derivative srcad does not implement."""
    if mode not in ("full", "economic", "r"):
        raise UnsupportedOperationError(
            f"srcad does not differentiate scipy.linalg.qr(..., mode={mode!r})",
            hint="use mode='economic', 'full' (square matrices) or 'r'",
        )
    m, n = np.shape(a)[-2:]
    if m < n:
        raise UnsupportedOperationError(
            f"srcad differentiates scipy.linalg.qr only for tall or square matrices, got {m}x{n}",
            hint="differentiate qr of the transpose, or of the leading square block",
        )
    if mode == "full":
        check_square_full("scipy.linalg.qr", a, True, "mode='economic'")


def check_matrix(a, name):
    """Reject stacks of matrices where a right-hand side's layout would be ambiguous (scipy
    >= 1.15 broadcasts some solvers over stacks, with its own rules for `b`)."""
    if np.ndim(a) != 2:
        raise UnsupportedOperationError(
            f"srcad differentiates {name} of a single matrix, got an array of shape {np.shape(a)}",
            hint="loop over the matrices, or use numpy.linalg's solvers, which srcad "
            "differentiates on stacks",
        )
