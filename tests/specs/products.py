"""Rule specs: products (matmul, dot, einsum, tensordot, inner, outer, kron, cross, vdot,
vecdot, matvec, vecmat, matrix_transpose, convolve, correlate) and their helpers.

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401
from srcad.rules.template import optional

from . import BINARY, UNARY, RuleSpec  # noqa: F401


def _einsum(subscripts, shapes, **options):
    args = ", ".join(f"a{i}" for i in range(len(shapes)))
    return RuleSpec(np.einsum, [shapes], call=f"np.einsum({subscripts!r}, {args})", **options)


SPECS: list[RuleSpec] = [
    # products
    RuleSpec(
        np.matmul,
        [
            ((2, 3), (3, 4)),
            ((3,), (3, 4)),
            ((2, 3), (3,)),
            ((3,), (3,)),
            ((5, 2, 3), (3, 4)),
            ((2, 3), (5, 3, 4)),
        ],
    ),
    RuleSpec(
        np.dot,
        [
            ((2, 3), (3, 4)),
            ((3,), (3, 4)),
            ((2, 3), (3,)),
            ((3,), (3,)),
            ((), (3,)),
            ((2, 2, 3), (4, 3, 2)),
        ],
    ),
    # einsum: explicit and implicit outputs, '...' with broadcasting, repeated labels,
    # labels summed inside one operand, three operands, scalars and complex (float32 is
    # checked outside the spec table: its k=3 test builds float64 tangents)
    _einsum("ij,jk->ik", ((2, 3), (3, 4))),
    _einsum("ij,jk", ((2, 3), (3, 4))),
    _einsum("ji", ((2, 3),)),
    _einsum("ii->i", ((3, 3),)),
    _einsum("ii", ((3, 3),)),
    _einsum("iij->j", ((2, 2, 3),)),
    _einsum("ij->i", ((2, 3),)),
    _einsum("...ij,...jk->...ik", ((2, 1, 3, 4), (5, 4, 2))),
    _einsum("i...,i...->...", ((3,), (3, 2))),
    _einsum("ij,ij->ij", ((2, 1), (1, 3))),
    _einsum("i,j,k->ijk", ((2,), (3,), (2,))),
    _einsum("ij,jk,kl->il", ((2, 3), (3, 2), (2, 2))),
    _einsum("i,->i", ((3,), ())),
    RuleSpec(
        np.einsum,
        [((2, 3), (2, 3), (3, 2))],
        call="np.einsum('ij,jk->ik', a0 + 1j * a1, a2)",
    ),
    RuleSpec(
        np.einsum,
        [((2, 3), (3, 2))],
        call="np.einsum('ij,jk', a0, a1, optimize=True)",
    ),
    RuleSpec(np.tensordot, [((2, 3, 4), (3, 4, 2)), ((2, 3), (2, 3))]),
    RuleSpec(
        np.tensordot,
        [((2, 3), (3, 4))],
        kwargs=[{"axes": 1}, {"axes": 0}, {"axes": ([1], [0])}],
    ),
    RuleSpec(np.tensordot, [((2, 3, 4), (4, 2))], kwargs=[{"axes": ((0, 2), (1, 0))}]),
    RuleSpec(np.inner, [((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3)), ((2, 3), ())]),
    RuleSpec(np.inner, [((2, 3), (3,), (3,))], call="np.inner(a0, a1 + 1j * a2)"),
    RuleSpec(np.outer, [((3,), (4,)), ((2, 2), (3,)), ((), (2,))]),
    RuleSpec(np.kron, [((2, 3), (2, 2)), ((3,), (2, 2)), ((2,), (3,)), ((2, 1, 2), (2, 2))]),
    RuleSpec(np.kron, [((2,), (2,), (2, 3))], call="np.kron(a0 + 1j * a1, a2)"),
    RuleSpec(np.cross, [((3,), (3,)), ((2, 3), (3,)), ((4, 1, 3), (2, 3))]),
    RuleSpec(
        np.cross,
        [((3, 2), (2, 3))],
        kwargs=[{"axisa": 0}, {"axisa": 0, "axisc": 0}, {"axisa": -2, "axisb": 1}],
    ),
    RuleSpec(np.cross, [((3, 2), (3, 2))], kwargs=[{"axis": 0}]),
    RuleSpec(np.vdot, [((3,), (3,)), ((2, 3), (3, 2))]),
    RuleSpec(np.vdot, [((3,), (3,), (3,))], call="np.vdot(a0 + 1j * a1, a2 - 1j * a1)"),
    # convolutions: both length orders (numpy swaps), every mode, complex
    RuleSpec(
        np.convolve,
        [((5,), (3,)), ((2,), (4,))],
        kwargs=[{}, {"mode": "same"}, {"mode": "valid"}],
    ),
    RuleSpec(np.convolve, [((4,), (3,), (3,))], call="np.convolve(a0, a1 + 1j * a2, 'same')"),
    RuleSpec(
        np.correlate,
        [((5,), (3,)), ((2,), (4,)), ((4,), (4,))],
        kwargs=[{}, {"mode": "same"}, {"mode": "full"}],
    ),
    RuleSpec(
        np.correlate,
        [((4,), (4,), (3,), (3,))],
        call="np.correlate(a0 + 1j * a1, a2 - 1j * a3, 'same')",
    ),
    # helpers that generated code calls
    RuleSpec(rt.match_real, [((3,), (3,))], call="rt.match_real(a0 * (1 + 2j), a1)"),
    RuleSpec(rt.match_real, [((3,), (3,))], call="rt.match_real(a0 * (1 + 2j), a1 + 0j)"),
    RuleSpec(rt.conj_of, [((3,),), ((2, 3),)], call="rt.conj_of(a0)"),
    RuleSpec(rt.conj_of, [((3,), (3,))], call="rt.conj_of(a0 + 1j * a1)"),
    RuleSpec(
        rt.convolve_slice,
        [((4,), (3,)), ((2, 4), (3,)), ((2, 1, 3), (2, 4))],
        call="rt.convolve_slice(a0, a1, 1, 4)",
    ),
    RuleSpec(
        rt.convolve_transpose,
        [((4,), (3,)), ((2, 4), (3,)), ((2, 1, 4), (2, 3))],
        call="rt.convolve_transpose(a0, a1, 5, 1)",
    ),
]

SPECS += [  # numpy >= 2.0 (matrix_transpose, vecdot), >= 2.2 (matvec, vecmat)
    RuleSpec(optional(np, "matrix_transpose"), [((2, 3),), ((4, 2, 3),)]),
    RuleSpec(optional(np, "vecdot"), [((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))]),
    RuleSpec(optional(np, "vecdot"), [((2, 3), (2, 3), (3,))], call="np.vecdot(a0 + 1j * a1, a2)"),
    RuleSpec(optional(np, "matvec"), [((2, 3), (3,)), ((2, 3), (4, 3)), ((4, 1, 2, 3), (5, 3))]),
    RuleSpec(optional(np, "matvec"), [((2, 3), (2, 3), (3,))], call="np.matvec(a0, a1 + 1j * a2)"),
    RuleSpec(optional(np, "vecmat"), [((2,), (2, 3)), ((4, 2), (2, 3)), ((5, 2), (4, 1, 2, 3))]),
    RuleSpec(optional(np, "vecmat"), [((2,), (2,), (2, 3))], call="np.vecmat(a0 + 1j * a1, a2)"),
]
