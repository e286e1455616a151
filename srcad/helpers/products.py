"""Run-time helpers for the products rules (re-exported by srcad.runtime).

Most product rules differentiate into `np.einsum` calls: the derivative of a contraction is a
contraction, so generated code stays plain numpy and differentiates again through the einsum
rule. The helpers here only compute subscripts (strings) and constant fill arrays, so they
have no derivative; the few that take a derivative argument (`conj_of`, `match_real`,
`convolve_slice`, `convolve_transpose`) have rules in `srcad.rules.numpy_products`.
"""

from __future__ import annotations

import string as _string

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as _windows

from ..arrays import asarray as _asarray
from ..arrays import is_foreign as _is_foreign
from ..arrays import like as _like
from ..arrays import zeros as _zeros
from ..dtypes import result_type

_LETTERS = _string.ascii_letters  # the labels np.einsum accepts


# ------------------------------------------------------------------------ einsum subscripts


def _parse_einsum(subscripts, operands):
    """Explicit labels of an einsum call: (one list per operand, the output list, free labels).

    '...' becomes explicit labels (right-aligned, so broadcasting works as numpy does it) and
    an implicit output (no '->') becomes numpy's: the broadcast labels, then the labels that
    occur once, in sorted order. The free labels are the ones the call does not use.
    """
    if not isinstance(subscripts, str):
        from ..errors import UnsupportedOperationError

        raise UnsupportedOperationError(
            "srcad differentiates np.einsum only with a subscripts string, not the "
            "operand-list form np.einsum(a, [0, 1], ...)",
            hint="write the subscripts as a string, e.g. np.einsum('ij,jk->ik', a, b)",
        )
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(terms)} operands")
    used = set(spec) - set(".,->")
    free = [c for c in _LETTERS if c not in used]
    ellipsis_rank = 0
    for term, x in zip(terms, operands):
        if "..." in term:
            ellipsis_rank = max(ellipsis_rank, np.ndim(x) - len(term.replace("...", "")))
    broadcast = free[:ellipsis_rank]
    free = free[ellipsis_rank:]

    def expand(term, rank):
        head, dots, tail = term.partition("...")
        if not dots:
            return list(term)
        middle = rank - len(head) - len(tail)
        return list(head) + (broadcast[len(broadcast) - middle :] if middle else []) + list(tail)

    labels = [expand(t, np.ndim(x)) for t, x in zip(terms, operands)]
    if arrow:
        out = expand(output, ellipsis_rank + len(output.replace("...", "")))
    else:
        counts = {}
        for term in terms:
            for c in term.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = list(broadcast) + sorted(c for c, k in counts.items() if k == 1)
    return labels, out, free


def _spec(terms, out) -> str:
    return ",".join("".join(t) for t in terms) + "->" + "".join(out)


def einsum_jvp_subscripts(subscripts, k, nb, *operands):
    """Subscripts of `np.einsum(subscripts, *operands)` where operand `k` carries `nb`
    leading direction axes, which the result keeps in front."""
    labels, out, free = _parse_einsum(subscripts, operands)
    lead = free[:nb]
    labels[k] = lead + labels[k]
    return _spec(labels, lead + out)


def _label_sizes(labels, operands):
    sizes: dict[str, int] = {}
    for term, x in zip(labels, operands):
        for c, n in zip(term, np.shape(x)):
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


def _transpose_plan(subscripts, k, nb, operands):
    """How to write the adjoint of operand `k` as one einsum over the incoming adjoint, the
    other operands and (maybe) a constant `fill` array.

    The adjoint has one label per axis of operand k. Three things need the fill: a label
    repeated in operand k (its adjoint lives on a diagonal: a fresh label and an identity
    matrix), a label only operand k has (summed inside the primal: broadcast with ones), and
    an axis of size 1 that einsum broadcast against a longer one (a fresh label of size 1,
    so the longer axis is summed).
    """
    labels, out, free = _parse_einsum(subscripts, operands)
    sizes = _label_sizes(labels, operands)
    lead, free = free[:nb], free[nb:]
    available = set(out).union(*(set(t) for i, t in enumerate(labels) if i != k))
    result, seen, factors = [], set(), []
    shape = np.shape(operands[k])
    for c, n in zip(labels[k], shape):
        if c in seen:
            fresh, free = free[0], free[1:]
            result.append(fresh)
            factors.append(([c, fresh], np.eye(n)))
        elif n == 1 and sizes[c] > 1:
            fresh, free = free[0], free[1:]
            result.append(fresh)
            factors.append(([fresh], np.ones(1)))
        else:
            result.append(c)
            seen.add(c)
    provided = available.union(*(set(f[0]) for f in factors))
    for c in dict.fromkeys(result):
        if c not in provided:
            factors.append(([c], np.ones(sizes[c])))
            provided.add(c)
    others = [t for i, t in enumerate(labels) if i != k]
    return [lead + out, *others], lead + result, factors


def einsum_vjp_subscripts(subscripts, k, nb, *operands, fill=False):
    """Subscripts of the adjoint of operand `k` of `np.einsum(subscripts, *operands)`.

    The adjoint is `np.einsum(spec, g, *other_operands)` with `g` the incoming adjoint (with
    `nb` leading direction axes), followed by `einsum_fill(subscripts, k, *operands)` when
    `fill` is true. Products whose operands never need the fill (no repeated labels, no
    broadcasting) pass fill=False.
    """
    terms, result, factors = _transpose_plan(subscripts, k, nb, operands)
    if fill:
        terms.append([c for labels, _ in factors for c in labels])
    elif factors:
        raise AssertionError(f"srcad internal error: {subscripts!r} needs a fill operand")
    return _spec(terms, result)


def einsum_fill(subscripts, k, *operands):
    """The constant last operand of `einsum_vjp_subscripts(..., fill=True)`: identity matrices
    and ones (a 0-d one when nothing needs filling), in the operands' real precision."""
    _, _, factors = _transpose_plan(subscripts, k, 0, operands)
    dtype = _real_dtype(*operands)
    fill = np.ones((), dtype=dtype)
    for _, factor in factors:
        fill = np.multiply.outer(fill, factor.astype(dtype))
    return fill


def _real_dtype(*arrays):
    dtype = result_type(*arrays)
    if not np.issubdtype(dtype, np.inexact):
        return np.dtype(np.float64)
    return np.finfo(dtype).dtype


# ------------------------------------------------------------- products written as einsum


def tensordot_subscripts(a, b, axes=2):
    """`np.tensordot(a, b, axes)` as einsum subscripts."""
    na, nb_ = np.ndim(a), np.ndim(b)
    if isinstance(axes, (int, np.integer)):
        axes_a = list(range(na - axes, na))
        axes_b = list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    axes_a = [i % na for i in axes_a]
    axes_b = [i % nb_ for i in axes_b]
    la = list(_LETTERS[:na])
    lb = list(_LETTERS[na : na + nb_])
    for i, j in zip(axes_a, axes_b):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in axes_a]
    out += [c for j, c in enumerate(lb) if j not in axes_b]
    return _spec([la, lb], out)


def inner_subscripts(a, b):
    """`np.inner(a, b)` as einsum subscripts (a product when either is a scalar)."""
    na, nb_ = np.ndim(a), np.ndim(b)
    la = list(_LETTERS[:na])
    lb = list(_LETTERS[na : na + nb_])
    if na and nb_:
        lb[-1] = la[-1]
        return _spec([la, lb], la[:-1] + lb[:-1])
    return _spec([la, lb], la + lb)


def kron_shape(x, other):
    """The shape of `x` padded with leading ones to the rank of the kron product."""
    return (1,) * (np.ndim(other) - np.ndim(x)) + np.shape(x)


def kron_split_shape(a, b):
    """The shape of `np.kron(a, b)` with each axis split in two, (a0, b0, a1, b1, ...)."""
    pairs = zip(kron_shape(a, b), kron_shape(b, a))
    return tuple(n for pair in pairs for n in pair)


def kron_subscripts(a, b):
    """einsum subscripts of kron on padded operands, with interleaved output axes."""
    rank = max(np.ndim(a), np.ndim(b))
    la = _LETTERS[:rank]
    lb = _LETTERS[rank : 2 * rank]
    return f"{la},{lb}->" + "".join(x + y for x, y in zip(la, lb))


def cross_axis(x, axis, override=None):
    """np.cross's vector axis of `x` counted from the end (`override` is np.cross's axis=)."""
    axis = axis if override is None else override
    return axis - np.ndim(x) if axis >= 0 else axis


# ------------------------------------------------------------------- complex bookkeeping


def conj_of(x):
    """The complex conjugate of `x` (`x` itself when it is real).

    vdot, vecdot, vecmat and correlate conjugate an operand; their rules call this helper,
    which has rules of its own, rather than np.conj.
    """
    if np.iscomplexobj(x):
        return np.conj(x)
    return x


def match_real(g, x):
    """The adjoint `g` for the primal `x`: its real part when `x` is real.

    A real operand of a complex product or transform gets a real adjoint (JAX's convention:
    the transpose of the real-to-complex embedding takes the real part).
    """
    if np.iscomplexobj(g) and not np.iscomplexobj(x):
        return np.real(g)
    return g


# ----------------------------------------------------------------------- convolution


def convolve_start(mode, n, m, correlate=False):
    """Where np.convolve / np.correlate of lengths n and m start in the full convolution."""
    short = min(n, m)
    if mode == "full":
        return 0
    if mode == "valid":
        return short - 1
    if mode == "same":
        # np.correlate swaps its operands when the second is longer and reverses the result,
        # which moves the centred window by one when the shorter length is even.
        return short // 2 if correlate and n < m else (short - 1) // 2
    raise ValueError(f"srcad supports convolution modes 'full', 'same' and 'valid', not {mode!r}")


def _sliding(a, m):
    """The windows of length `m` along `a`'s last axis (a new last axis of length `m`)."""
    if not _is_foreign(a):
        return _windows(a, m, axis=-1)  # a view, no copy
    # numpy's strided view converts to numpy: gather the windows in a's library (CuPy...)
    n = a.shape[-1] - m + 1
    return a[..., np.arange(n, like=a)[:, None] + np.arange(m, like=a)]


def convolve_slice(a, v, start, size):
    """Full convolution of `a` and `v` along their last axes, entries start..start+size-1.

    Leading axes broadcast like numpy's (direction axes are leading axes), so this is
    np.convolve for stacks of vectors.
    """
    a, v = _asarray(a), _asarray(v)
    if a.shape[-1] < v.shape[-1]:
        a, v = v, a  # the full convolution is symmetric; slide the shorter one
    m = v.shape[-1]
    pad = [(0, 0)] * (a.ndim - 1) + [(m - 1, m - 1)]
    padded = np.pad(a, pad)
    windows = _sliding(padded, m)[..., start : start + size, :]
    return np.einsum("...kj,...j->...k", windows, v[..., ::-1])


def convolve_transpose(g, v, n, start):
    """Transpose of `a -> convolve_slice(a, v, start, size)` for `a` of length `n`.

    `g` goes back into the full convolution's length at `start`; entry i of the result is
    sum_j full[i + j] * v[j] (a correlation, without conjugation).
    """
    g, v = _asarray(g), _asarray(v)
    m = v.shape[-1]
    size = g.shape[-1]
    full = _zeros(g.shape[:-1] + (n + m - 1,), g.dtype, like=_like(g))
    full[..., start : start + size] = g
    windows = _sliding(full, m)
    return np.einsum("...ij,...j->...i", windows, v)
