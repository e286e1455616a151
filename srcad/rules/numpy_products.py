"""Rules for products: matmul (the @ operator), dot, einsum, tensordot, inner, outer, kron,
cross, vdot, vecdot, matvec, vecmat, convolve and correlate (np.matrix_transpose is with
the shape functions).

Products are bilinear (multilinear for einsum): the tangent is one product per operand with
that operand's tangent in its place, and each adjoint is a contraction of the incoming
adjoint with the other operands. Most adjoints are therefore written as `np.einsum` calls
whose subscripts a run-time helper computes (`rt.einsum_vjp_subscripts`); they differentiate
again through the einsum rule. Complex numbers follow JAX: no conjugation in any transpose,
except that the functions that conjugate an operand (vdot, vecdot, vecmat, correlate)
transpose that conjugation. A real operand of a complex product gets the real part of its
adjoint (`rt.match_real`).
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, ndim, nondiff, optional, real, static, vjp_rule

# Subscripts, shapes and constant fills: no derivative.
nondiff(
    rt.einsum_jvp_subscripts,
    rt.einsum_vjp_subscripts,
    rt.einsum_fill,
    rt.tensordot_subscripts,
    rt.inner_subscripts,
    rt.kron_shape,
    rt.kron_split_shape,
    rt.kron_subscripts,
    rt.convolve_start,
    rt.cross_axis,
)


@vjp_rule(np.matmul, bilinear=("x", "y"))
def _(ans, x, y):
    if static(ndim(x) == 2 and ndim(y) == 2 and real(x) and real(y)):
        # What a person writes for real matrices (direction axes broadcast in front).
        d[x] = d[ans] @ y.T
        d[y] = x.T @ d[ans]
    elif static(ndim(x) == 2 and ndim(y) == 1 and real(x) and real(y) and nb == 0):
        # matrix @ vector: an outer product and a vector-matrix product. [:, None], not
        # [..., None]: srcad.jit's numba fuses it with the accumulation (8x faster)
        d[x] = d[ans][:, None] * y
        d[y] = d[ans] @ x
    elif static(ndim(x) == 2 and ndim(y) == 1 and real(x) and real(y)):
        d[x] = d[ans][..., None] * y  # (direction axes in front)
        d[y] = d[ans] @ x
    elif static(ndim(x) == 1 and ndim(y) == 2 and real(x) and real(y)):
        d[x] = d[ans] @ y.T
        d[y] = x[:, None] * d[ans][..., None, :]
    else:
        d[x] = rt.matmul_vjp_x(d[ans], x, y, nb)
        d[y] = rt.matmul_vjp_y(d[ans], x, y, nb)


@jvp_rule(np.matmul, bilinear=("x", "y"))
def _(ans, x, y):
    if static(nb == 0):
        d[ans] = d[x] @ y + x @ d[y]
    elif static(ndim(x) == 2 and ndim(y) == 1):
        # direction axes in front of the vector tangent: a matrix product with x's transpose
        d[ans] = d[x] @ y + d[y] @ x.T
    elif static(ndim(x) in (1, 2) and ndim(y) == 2):
        d[ans] = d[x] @ y + x @ d[y]  # the direction axes broadcast as a stack
    else:
        d[ans] = rt.matmul_jvp_x(d[x], x, y, nb) + rt.matmul_jvp_y(x, d[y], y, nb)


@vjp_rule(np.dot, bilinear=("a", "b"))
def _(ans, a, b):
    d[a] = rt.dot_vjp_a(d[ans], a, b, nb)
    d[b] = rt.dot_vjp_b(d[ans], a, b, nb)


@jvp_rule(np.dot, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.dot(d[a], b) + np.dot(a, d[b])
    else:
        d[ans] = rt.dot_jvp_a(d[a], a, b, nb) + rt.dot_jvp_b(a, d[b], b, nb)


# ----------------------------------------------------------------------------- einsum
# Up to five operands (x, y, z, w, v): a product of three operands has adjoints of four
# (the incoming adjoint, two operands and the fill), which are differentiated again. The
# adjoint of an operand is one einsum of the incoming adjoint, the other operands and a
# constant fill (identity matrices for repeated labels such as 'ii->i', ones for labels
# summed inside one operand or broadcast from size 1, see rt.einsum_fill). With direction
# axes the subscripts get one more label, in front. The `optimize` option only changes how
# numpy evaluates a contraction, not its value; the derivatives use numpy's default.

_EINSUM = dict(bilinear=("x", "y", "z", "w", "v"))


@vjp_rule(np.einsum, **_EINSUM)
def _(ans, subscripts, x, y=None, z=None, w=None, v=None, *, optimize=False):
    if static(y is None):
        d[x] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 0, nb, x, fill=True),
                d[ans],
                rt.einsum_fill(subscripts, 0, x),
            ),
            x,
        )
    elif static(z is None):
        d[x] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 0, nb, x, y, fill=True),
                d[ans],
                y,
                rt.einsum_fill(subscripts, 0, x, y),
            ),
            x,
        )
        d[y] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 1, nb, x, y, fill=True),
                d[ans],
                x,
                rt.einsum_fill(subscripts, 1, x, y),
            ),
            y,
        )
    elif static(w is None):
        d[x] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 0, nb, x, y, z, fill=True),
                d[ans],
                y,
                z,
                rt.einsum_fill(subscripts, 0, x, y, z),
            ),
            x,
        )
        d[y] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 1, nb, x, y, z, fill=True),
                d[ans],
                x,
                z,
                rt.einsum_fill(subscripts, 1, x, y, z),
            ),
            y,
        )
        d[z] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 2, nb, x, y, z, fill=True),
                d[ans],
                x,
                y,
                rt.einsum_fill(subscripts, 2, x, y, z),
            ),
            z,
        )
    elif static(v is None):
        d[x] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 0, nb, x, y, z, w, fill=True),
                d[ans],
                y,
                z,
                w,
                rt.einsum_fill(subscripts, 0, x, y, z, w),
            ),
            x,
        )
        d[y] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 1, nb, x, y, z, w, fill=True),
                d[ans],
                x,
                z,
                w,
                rt.einsum_fill(subscripts, 1, x, y, z, w),
            ),
            y,
        )
        d[z] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 2, nb, x, y, z, w, fill=True),
                d[ans],
                x,
                y,
                w,
                rt.einsum_fill(subscripts, 2, x, y, z, w),
            ),
            z,
        )
        d[w] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 3, nb, x, y, z, w, fill=True),
                d[ans],
                x,
                y,
                z,
                rt.einsum_fill(subscripts, 3, x, y, z, w),
            ),
            w,
        )
    else:
        d[x] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 0, nb, x, y, z, w, v, fill=True),
                d[ans],
                y,
                z,
                w,
                v,
                rt.einsum_fill(subscripts, 0, x, y, z, w, v),
            ),
            x,
        )
        d[y] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 1, nb, x, y, z, w, v, fill=True),
                d[ans],
                x,
                z,
                w,
                v,
                rt.einsum_fill(subscripts, 1, x, y, z, w, v),
            ),
            y,
        )
        d[z] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 2, nb, x, y, z, w, v, fill=True),
                d[ans],
                x,
                y,
                w,
                v,
                rt.einsum_fill(subscripts, 2, x, y, z, w, v),
            ),
            z,
        )
        d[w] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 3, nb, x, y, z, w, v, fill=True),
                d[ans],
                x,
                y,
                z,
                v,
                rt.einsum_fill(subscripts, 3, x, y, z, w, v),
            ),
            w,
        )
        d[v] = rt.match_real(
            np.einsum(
                rt.einsum_vjp_subscripts(subscripts, 4, nb, x, y, z, w, v, fill=True),
                d[ans],
                x,
                y,
                z,
                w,
                rt.einsum_fill(subscripts, 4, x, y, z, w, v),
            ),
            v,
        )


@jvp_rule(np.einsum, **_EINSUM)
def _(ans, subscripts, x, y=None, z=None, w=None, v=None, *, optimize=False):
    if static(y is None and nb == 0):
        d[ans] = np.einsum(subscripts, d[x])
    elif static(y is None):
        d[ans] = np.einsum(rt.einsum_jvp_subscripts(subscripts, 0, nb, x), d[x])
    elif static(z is None and nb == 0):
        d[ans] = np.einsum(subscripts, d[x], y) + np.einsum(subscripts, x, d[y])
    elif static(z is None):
        d[ans] = np.einsum(rt.einsum_jvp_subscripts(subscripts, 0, nb, x, y), d[x], y) + np.einsum(
            rt.einsum_jvp_subscripts(subscripts, 1, nb, x, y), x, d[y]
        )
    elif static(w is None and nb == 0):
        d[ans] = (
            np.einsum(subscripts, d[x], y, z)
            + np.einsum(subscripts, x, d[y], z)
            + np.einsum(subscripts, x, y, d[z])
        )
    elif static(w is None):
        d[ans] = (
            np.einsum(rt.einsum_jvp_subscripts(subscripts, 0, nb, x, y, z), d[x], y, z)
            + np.einsum(rt.einsum_jvp_subscripts(subscripts, 1, nb, x, y, z), x, d[y], z)
            + np.einsum(rt.einsum_jvp_subscripts(subscripts, 2, nb, x, y, z), x, y, d[z])
        )
    elif static(v is None and nb == 0):
        d[ans] = (
            np.einsum(subscripts, d[x], y, z, w)
            + np.einsum(subscripts, x, d[y], z, w)
            + np.einsum(subscripts, x, y, d[z], w)
            + np.einsum(subscripts, x, y, z, d[w])
        )
    elif static(v is None):
        d[ans] = (
            np.einsum(rt.einsum_jvp_subscripts(subscripts, 0, nb, x, y, z, w), d[x], y, z, w)
            + np.einsum(rt.einsum_jvp_subscripts(subscripts, 1, nb, x, y, z, w), x, d[y], z, w)
            + np.einsum(rt.einsum_jvp_subscripts(subscripts, 2, nb, x, y, z, w), x, y, d[z], w)
            + np.einsum(rt.einsum_jvp_subscripts(subscripts, 3, nb, x, y, z, w), x, y, z, d[w])
        )
    elif static(nb == 0):
        d[ans] = (
            np.einsum(subscripts, d[x], y, z, w, v)
            + np.einsum(subscripts, x, d[y], z, w, v)
            + np.einsum(subscripts, x, y, d[z], w, v)
            + np.einsum(subscripts, x, y, z, d[w], v)
            + np.einsum(subscripts, x, y, z, w, d[v])
        )
    else:
        d[ans] = (
            np.einsum(rt.einsum_jvp_subscripts(subscripts, 0, nb, x, y, z, w, v), d[x], y, z, w, v)
            + np.einsum(
                rt.einsum_jvp_subscripts(subscripts, 1, nb, x, y, z, w, v), x, d[y], z, w, v
            )
            + np.einsum(
                rt.einsum_jvp_subscripts(subscripts, 2, nb, x, y, z, w, v), x, y, d[z], w, v
            )
            + np.einsum(
                rt.einsum_jvp_subscripts(subscripts, 3, nb, x, y, z, w, v), x, y, z, d[w], v
            )
            + np.einsum(
                rt.einsum_jvp_subscripts(subscripts, 4, nb, x, y, z, w, v), x, y, z, w, d[v]
            )
        )


# -------------------------------------------------------------- tensordot, inner, outer
# Written as einsum on the operands (rt.tensordot_subscripts / rt.inner_subscripts give the
# subscripts), so direction axes only add a label.


@vjp_rule(np.tensordot, bilinear=("a", "b"))
def _(ans, a, b, axes=2):
    spec = rt.tensordot_subscripts(a, b, axes)
    d[a] = rt.match_real(np.einsum(rt.einsum_vjp_subscripts(spec, 0, nb, a, b), d[ans], b), a)
    d[b] = rt.match_real(np.einsum(rt.einsum_vjp_subscripts(spec, 1, nb, a, b), d[ans], a), b)


@jvp_rule(np.tensordot, bilinear=("a", "b"))
def _(ans, a, b, axes=2):
    if static(nb == 0):
        d[ans] = np.tensordot(d[a], b, axes) + np.tensordot(a, d[b], axes)
    else:
        spec = rt.tensordot_subscripts(a, b, axes)
        d[ans] = np.einsum(rt.einsum_jvp_subscripts(spec, 0, nb, a, b), d[a], b) + np.einsum(
            rt.einsum_jvp_subscripts(spec, 1, nb, a, b), a, d[b]
        )


@vjp_rule(np.inner, bilinear=("a", "b"))
def _(ans, a, b):
    spec = rt.inner_subscripts(a, b)
    d[a] = rt.match_real(np.einsum(rt.einsum_vjp_subscripts(spec, 0, nb, a, b), d[ans], b), a)
    d[b] = rt.match_real(np.einsum(rt.einsum_vjp_subscripts(spec, 1, nb, a, b), d[ans], a), b)


@jvp_rule(np.inner, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.inner(d[a], b) + np.inner(a, d[b])
    else:
        spec = rt.inner_subscripts(a, b)
        d[ans] = np.einsum(rt.einsum_jvp_subscripts(spec, 0, nb, a, b), d[a], b) + np.einsum(
            rt.einsum_jvp_subscripts(spec, 1, nb, a, b), a, d[b]
        )


# np.outer flattens its operands: the adjoint of `a` is the adjoint matrix times flat `b`,
# reshaped like `a`.
@vjp_rule(np.outer, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[a] = rt.match_real(np.reshape(d[ans] @ np.reshape(b, -1), np.shape(a)), a)
        d[b] = rt.match_real(np.reshape(np.reshape(a, -1) @ d[ans], np.shape(b)), b)
    else:
        d[a] = rt.match_real(rt.reshape_batched(d[ans] @ np.reshape(b, -1), np.shape(a), nb), a)
        d[b] = rt.match_real(rt.reshape_batched(np.reshape(a, -1) @ d[ans], np.shape(b), nb), b)


@jvp_rule(np.outer, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.outer(d[a], b) + np.outer(a, d[b])
    else:
        d[ans] = rt.reshape_batched(d[a], (-1, 1), nb) * np.reshape(b, -1) + np.reshape(
            a, (-1, 1)
        ) * rt.reshape_batched(d[b], (1, -1), nb)


# np.kron(a, b) is an einsum of `a` and `b` (padded to a common rank) with interleaved
# output axes, reshaped: kron_split_shape gives the interleaved shape.
@vjp_rule(np.kron, bilinear=("a", "b"))
def _(ans, a, b):
    spec = rt.kron_subscripts(a, b)
    pa = np.reshape(a, rt.kron_shape(a, b))
    pb = np.reshape(b, rt.kron_shape(b, a))
    g = rt.reshape_batched(d[ans], rt.kron_split_shape(a, b), nb)
    d[a] = rt.match_real(
        rt.reshape_batched(
            np.einsum(rt.einsum_vjp_subscripts(spec, 0, nb, pa, pb), g, pb), np.shape(a), nb
        ),
        a,
    )
    d[b] = rt.match_real(
        rt.reshape_batched(
            np.einsum(rt.einsum_vjp_subscripts(spec, 1, nb, pa, pb), g, pa), np.shape(b), nb
        ),
        b,
    )


@jvp_rule(np.kron, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.kron(d[a], b) + np.kron(a, d[b])
    else:
        spec = rt.kron_subscripts(a, b)
        pa = np.reshape(a, rt.kron_shape(a, b))
        pb = np.reshape(b, rt.kron_shape(b, a))
        da = rt.reshape_batched(d[a], rt.kron_shape(a, b), nb)
        db = rt.reshape_batched(d[b], rt.kron_shape(b, a), nb)
        d[ans] = rt.reshape_batched(
            np.einsum(rt.einsum_jvp_subscripts(spec, 0, nb, pa, pb), da, pb)
            + np.einsum(rt.einsum_jvp_subscripts(spec, 1, nb, pa, pb), pa, db),
            np.shape(ans),
            nb,
        )


# ------------------------------------------------------------------------------ cross
# c = a x b gives <g, a x b> = <a, b x g> = <b, g x a>. The operands broadcast, so the
# machinery sums adjoints back and aligns tangents; the vector axes are passed counted
# from the end (rt.cross_axis), which leading direction or broadcast axes do not move.
# Arrays of 2-vectors (deprecated by NumPy 2) are not supported.


@vjp_rule(np.cross, broadcast=("a", "b"), bilinear=("a", "b"))
def _(ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if static(axis is None and axisa == -1 and axisb == -1 and axisc == -1):
        d[a] = np.cross(b, d[ans])
        d[b] = np.cross(d[ans], a)
    else:
        ia = rt.cross_axis(a, axisa, axis)
        ib = rt.cross_axis(b, axisb, axis)
        ic = rt.cross_axis(ans, axisc, axis)
        d[a] = np.cross(b, d[ans], axisa=ib, axisb=ic, axisc=ia)
        d[b] = np.cross(d[ans], a, axisa=ic, axisb=ia, axisc=ib)


@jvp_rule(np.cross, broadcast=("a", "b"), bilinear=("a", "b"))
def _(ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if static(axis is None and axisa == -1 and axisb == -1 and axisc == -1):
        d[ans] = np.cross(d[a], b) + np.cross(a, d[b])
    else:
        ia = rt.cross_axis(a, axisa, axis)
        ib = rt.cross_axis(b, axisb, axis)
        ic = rt.cross_axis(ans, axisc, axis)
        d[ans] = np.cross(d[a], b, axisa=ia, axisb=ib, axisc=ic) + np.cross(
            a, d[b], axisa=ia, axisb=ib, axisc=ic
        )


# ------------------------------------------------------------------------------- vdot
# vdot(a, b) = sum(conj(a) * b) over the flattened operands: conjugate-linear in `a`, so
# the transpose conjugates the adjoint of `a` (and conjugates `a` in the adjoint of `b`).


@vjp_rule(np.vdot, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[a] = rt.match_real(np.reshape(rt.conj_of(d[ans] * b), np.shape(a)), a)
        d[b] = rt.match_real(np.reshape(d[ans] * rt.conj_of(a), np.shape(b)), b)
    else:
        g = rt.reshape_batched(d[ans], (1,), nb)
        d[a] = rt.match_real(
            rt.reshape_batched(rt.conj_of(g * np.reshape(b, -1)), np.shape(a), nb), a
        )
        d[b] = rt.match_real(
            rt.reshape_batched(g * rt.conj_of(np.reshape(a, -1)), np.shape(b), nb), b
        )


@jvp_rule(np.vdot, bilinear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.vdot(d[a], b) + np.vdot(a, d[b])
    else:
        d[ans] = rt.conj_of(rt.reshape_batched(d[a], (-1,), nb)) @ np.reshape(
            b, -1
        ) + rt.reshape_batched(d[b], (-1,), nb) @ rt.conj_of(np.reshape(a, -1))


# ---------------------------- vecdot (numpy >= 2.0), matvec and vecmat (numpy >= 2.2 ufuncs)
# Only their default core axes (the last one or two); the `axes`/`axis` options are not
# supported. vecdot and vecmat conjugate their first (vector) operand. vecdot's operands
# broadcast like an elementwise product with one trailing core axis each, so the machinery
# aligns them; matvec and vecmat go through einsum with '...'.


@vjp_rule(optional(np, "vecdot"), broadcast=("x1", "x2"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    g = rt.reshape_batched(d[ans], np.shape(ans) + (1,), nb)
    d[x1] = rt.conj_of(g * x2)
    d[x2] = g * rt.conj_of(x1)


@jvp_rule(optional(np, "vecdot"), broadcast=("x1", "x2"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    d[ans] = np.vecdot(d[x1], x2) + np.vecdot(x1, d[x2])


@vjp_rule(optional(np, "matvec"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    d[x1] = rt.match_real(
        np.einsum(
            rt.einsum_vjp_subscripts("...ij,...j->...i", 0, nb, x1, x2, fill=True),
            d[ans],
            x2,
            rt.einsum_fill("...ij,...j->...i", 0, x1, x2),
        ),
        x1,
    )
    d[x2] = rt.match_real(
        np.einsum(
            rt.einsum_vjp_subscripts("...ij,...j->...i", 1, nb, x1, x2, fill=True),
            d[ans],
            x1,
            rt.einsum_fill("...ij,...j->...i", 1, x1, x2),
        ),
        x2,
    )


@jvp_rule(optional(np, "matvec"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    if static(nb == 0):
        d[ans] = np.matvec(d[x1], x2) + np.matvec(x1, d[x2])
    else:
        d[ans] = np.einsum(
            rt.einsum_jvp_subscripts("...ij,...j->...i", 0, nb, x1, x2), d[x1], x2
        ) + np.einsum(rt.einsum_jvp_subscripts("...ij,...j->...i", 1, nb, x1, x2), x1, d[x2])


@vjp_rule(optional(np, "vecmat"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    d[x1] = rt.match_real(
        rt.conj_of(
            np.einsum(
                rt.einsum_vjp_subscripts("...i,...ij->...j", 0, nb, x1, x2, fill=True),
                d[ans],
                x2,
                rt.einsum_fill("...i,...ij->...j", 0, x1, x2),
            )
        ),
        x1,
    )
    d[x2] = rt.match_real(
        np.einsum(
            rt.einsum_vjp_subscripts("...i,...ij->...j", 1, nb, x1, x2, fill=True),
            d[ans],
            rt.conj_of(x1),
            rt.einsum_fill("...i,...ij->...j", 1, x1, x2),
        ),
        x2,
    )


@jvp_rule(optional(np, "vecmat"), bilinear=("x1", "x2"))
def _(ans, x1, x2):
    if static(nb == 0):
        d[ans] = np.vecmat(d[x1], x2) + np.vecmat(x1, d[x2])
    else:
        d[ans] = np.einsum(
            rt.einsum_jvp_subscripts("...i,...ij->...j", 0, nb, x1, x2),
            rt.conj_of(d[x1]),
            x2,
        ) + np.einsum(
            rt.einsum_jvp_subscripts("...i,...ij->...j", 1, nb, x1, x2),
            rt.conj_of(x1),
            d[x2],
        )


# ---------------------------------------------------------------- convolve, correlate
# 1-D only (as numpy). With direction axes the derivatives use rt.convolve_slice, a
# convolution along the last axis that broadcasts leading axes; its transpose
# rt.convolve_transpose gives every adjoint. rt.convolve_start says where the mode's window
# starts in the full convolution. np.correlate(a, v) is the convolution of `a` with
# conj(v) reversed, so it is conjugate-linear in `v`.


@vjp_rule(np.convolve, bilinear=("a", "v"))
def _(ans, a, v, mode="full"):
    start = rt.convolve_start(mode, rt.count(a), rt.count(v))
    d[a] = rt.match_real(rt.convolve_transpose(d[ans], v, rt.count(a), start), a)
    d[v] = rt.match_real(rt.convolve_transpose(d[ans], a, rt.count(v), start), v)


@jvp_rule(np.convolve, bilinear=("a", "v"))
def _(ans, a, v, mode="full"):
    if static(nb == 0):
        d[ans] = np.convolve(d[a], v, mode) + np.convolve(a, d[v], mode)
    else:
        start = rt.convolve_start(mode, rt.count(a), rt.count(v))
        d[ans] = rt.convolve_slice(d[a], v, start, rt.count(ans)) + rt.convolve_slice(
            a, d[v], start, rt.count(ans)
        )


@vjp_rule(np.correlate, bilinear=("a", "v"))
def _(ans, a, v, mode="valid"):
    start = rt.convolve_start(mode, rt.count(a), rt.count(v), True)
    d[a] = rt.match_real(rt.convolve_transpose(d[ans], rt.conj_of(v[::-1]), rt.count(a), start), a)
    d[v] = rt.match_real(
        rt.conj_of(rt.convolve_transpose(d[ans], a, rt.count(v), start)[..., ::-1]), v
    )


@jvp_rule(np.correlate, bilinear=("a", "v"))
def _(ans, a, v, mode="valid"):
    if static(nb == 0):
        d[ans] = np.correlate(d[a], v, mode) + np.correlate(a, d[v], mode)
    else:
        start = rt.convolve_start(mode, rt.count(a), rt.count(v), True)
        d[ans] = rt.convolve_slice(
            d[a], rt.conj_of(v[::-1]), start, rt.count(ans)
        ) + rt.convolve_slice(a, rt.conj_of(d[v][..., ::-1]), start, rt.count(ans))


# ------------------------------------------------------------------- helpers' own rules
# Generated derivative code calls these helpers with derivative arguments, so nested
# transforms (grad of grad, hessians) differentiate them again.


@vjp_rule(rt.match_real, linear=("g",))
def _(ans, g, x):
    # Taking the real part transposes to embedding the (real) adjoint: no change.
    d[g] = d[ans]


@jvp_rule(rt.match_real, linear=("g",))
def _(ans, g, x):
    d[ans] = rt.match_real(d[g], x)


@vjp_rule(rt.conj_of, linear=("x",))
def _(ans, x):
    d[x] = rt.conj_of(d[ans])


@jvp_rule(rt.conj_of, linear=("x",))
def _(ans, x):
    d[ans] = rt.conj_of(d[x])


# convolve_slice(a, v) is bilinear and broadcasts leading axes; convolve_transpose(g, v) is
# its transpose in `a` (for either operand, the full convolution being symmetric), and its
# own transposes are convolve_slice (in g) and convolve_transpose with the roles of v and
# the adjoint exchanged (in v).
@vjp_rule(rt.convolve_slice, broadcast=("a", "v"), bilinear=("a", "v"))
def _(ans, a, v, start, size):
    d[a] = rt.convolve_transpose(d[ans], v, np.shape(a)[-1], start)
    d[v] = rt.convolve_transpose(d[ans], a, np.shape(v)[-1], start)


@jvp_rule(rt.convolve_slice, broadcast=("a", "v"), bilinear=("a", "v"))
def _(ans, a, v, start, size):
    d[ans] = rt.convolve_slice(d[a], v, start, size) + rt.convolve_slice(a, d[v], start, size)


@vjp_rule(rt.convolve_transpose, broadcast=("g", "v"), bilinear=("g", "v"))
def _(ans, g, v, n, start):
    d[g] = rt.convolve_slice(d[ans], v, start, np.shape(g)[-1])
    d[v] = rt.convolve_transpose(g, d[ans], np.shape(v)[-1], start)


@jvp_rule(rt.convolve_transpose, broadcast=("g", "v"), bilinear=("g", "v"))
def _(ans, g, v, n, start):
    d[ans] = rt.convolve_transpose(d[g], v, n, start) + rt.convolve_transpose(g, d[v], n, start)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.outer, np.dot, np.matmul, fresh=True)
facts(np.einsum, view=True)  # np.einsum("ij->ji", x) is a view of x
facts(np.einsum, sequences=True)  # its operands, each with its own shape
