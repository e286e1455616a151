"""Rule specs: numpy.linalg (and the linalg runtime helpers).

Collected by tests/rule_specs.py. Inputs are shifted by a multiple of the identity so they are
well conditioned; decompositions are tested through quantities that do not depend on the
arbitrary signs of singular/eigen vectors.
"""

from __future__ import annotations

import numpy as np

from srcad import runtime as rt
from srcad.rules.template import optional

from . import RuleSpec, numpy_at_least

WELL = "a0 + 3 * np.eye(3)"  # a well-conditioned 3x3 (stack)
# Complex inputs are built inside the function from real arguments (the k=3 direction test
# draws real tangents), so both the real and the imaginary directions are checked.
COMPLEX = "(a0 + a1 * np.array(1j))"
CWELL = "a0 + a1 * np.array(1j) + 3 * np.eye(3)"
SPD = "a0 @ np.swapaxes(a0, -1, -2) + np.eye(3)"
SYM = "a0 + np.swapaxes(a0, -1, -2)"
# eigen/singular vectors up to sign: fix the sign of each column by its first entry
SIGNED = "{0} * np.sign({0}[..., :1, :])"
LSTSQ = [((4, 3), (4,)), ((4, 3), (4, 2)), ((3, 4), (3,)), ((3, 3), (3, 2))]
RECT = [((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),)]
# U diag(1, 2, 3) Vh: unchanged when a singular vector pair flips sign (or phase)
SVD = "np.linalg.svd(a0, full_matrices=False)[0] * np.array([1.0, 2.0, 3.0])"
SQUARE = [((3, 3),), ((2, 3, 3),)]

SPECS: list[RuleSpec] = [
    # structure
    # (numpy >= 2.0)
    RuleSpec(optional(np.linalg, "matrix_transpose"), [((2, 3),), ((4, 2, 3),)]),
    RuleSpec(optional(np.linalg, "diagonal"), [((3, 3),), ((2, 3, 4),)]),
    RuleSpec(optional(np.linalg, "trace"), [((3, 3),), ((2, 3, 4),)]),
    # inverses
    RuleSpec(np.linalg.inv, SQUARE, call=f"np.linalg.inv({WELL})"),
    RuleSpec(np.linalg.inv, [((3, 3), (3, 3))], call=f"np.linalg.inv({CWELL})"),
    RuleSpec(
        np.linalg.solve,
        [
            ((3, 3), (3,)),
            ((3, 3), (3, 2)),
            ((3, 3), (2, 3, 2)),
            ((2, 3, 3), (2, 3, 1)),
            # numpy >= 2: a 1-D b is a vector, a 2-D one a matrix; numpy 1.26: b is a stack
            # of vectors when b.ndim == a.ndim - 1
            *(
                [((2, 3, 3), (3,)), ((2, 3, 3), (3, 2))]
                if numpy_at_least("2.0.0")
                else [((2, 3, 3), (2, 3))]
            ),
        ],
        call=f"np.linalg.solve({WELL}, a1)",
    ),
    RuleSpec(np.linalg.solve, [((3, 3), (3, 3), (3,))], call=f"np.linalg.solve({CWELL}, a2)"),
    # determinants
    RuleSpec(np.linalg.det, SQUARE, call=f"np.linalg.det({WELL})"),
    RuleSpec(np.linalg.det, [((3, 3), (3, 3))], call=f"np.linalg.det({CWELL})"),
    RuleSpec(
        np.linalg.slogdet,
        SQUARE,
        call=f"np.linalg.slogdet({WELL})[1] + np.linalg.slogdet(a0 - 3 * np.eye(3))[1]",
    ),
    RuleSpec(
        np.linalg.slogdet,
        [((3, 3), (3, 3))],
        call=f"np.linalg.slogdet({CWELL})[0] * np.linalg.slogdet({CWELL})[1]",
    ),
    # powers and pseudo-inverses
    RuleSpec(np.linalg.matrix_power, SQUARE, call="np.linalg.matrix_power(a0, 3)"),
    RuleSpec(np.linalg.matrix_power, [((3, 3),)], call="np.linalg.matrix_power(a0, 0)"),
    RuleSpec(np.linalg.matrix_power, [((3, 3),)], call="np.linalg.matrix_power(a0, 1)"),
    RuleSpec(np.linalg.matrix_power, SQUARE, call=f"np.linalg.matrix_power({WELL}, -2)"),
    RuleSpec(
        np.linalg.matrix_power, [((3, 3), (3, 3))], call=f"np.linalg.matrix_power({CWELL}, 2)"
    ),
    RuleSpec(np.linalg.pinv, [((4, 3),), ((3, 4),), ((2, 4, 3),)], call="np.linalg.pinv(a0)"),
    RuleSpec(np.linalg.pinv, [((3, 3),)], call=f"np.linalg.pinv({WELL})"),
    RuleSpec(np.linalg.pinv, [((4, 3), (4, 3))], call=f"np.linalg.pinv({COMPLEX})"),
    # Cholesky: numpy reads one triangle, so a non-symmetric input checks the triangle logic
    RuleSpec(np.linalg.cholesky, SQUARE, call=f"np.linalg.cholesky({SPD})"),
    RuleSpec(np.linalg.cholesky, SQUARE, call="np.linalg.cholesky(0.3 * a0 + 3 * np.eye(3))"),
    *(  # upper=: numpy >= 2.0
        [
            RuleSpec(
                np.linalg.cholesky,
                SQUARE,
                call="np.linalg.cholesky(0.3 * a0 + 3 * np.eye(3), upper=True)",
            )
        ]
        if numpy_at_least("2.0.0")
        else []
    ),
    RuleSpec(
        np.linalg.cholesky,
        [((3, 3), (3, 3))],
        call=f"np.linalg.cholesky({COMPLEX} @ rt.mH({COMPLEX}) + 3 * np.eye(3))",
    ),
    # eigen: eigenvalues, and eigenvectors with a fixed sign (first row positive)
    RuleSpec(np.linalg.eigh, SQUARE, call=f"np.linalg.eigh({SYM})[0]"),
    RuleSpec(np.linalg.eigh, SQUARE, call=f"{SIGNED.format('np.linalg.eigh(' + SYM + ')[1]')}"),
    RuleSpec(
        np.linalg.eigh,
        [((3, 3),)],
        call="np.linalg.eigh(a0)[0] * " + SIGNED.format("np.linalg.eigh(a0)[1]"),
    ),
    RuleSpec(
        np.linalg.eigh,
        [((3, 3),)],
        call="np.linalg.eigh(a0, 'U')[0] * " + SIGNED.format("np.linalg.eigh(a0, UPLO='U')[1]"),
    ),
    RuleSpec(
        np.linalg.eigh,
        [((3, 3), (3, 3))],
        call=f"np.linalg.eigh({COMPLEX})[0] * np.abs(np.linalg.eigh({COMPLEX})[1])",
    ),
    RuleSpec(np.linalg.eigvalsh, SQUARE, call="np.linalg.eigvalsh(a0)"),
    RuleSpec(np.linalg.eigvalsh, [((3, 3),)], call="np.linalg.eigvalsh(a0, UPLO='U')"),
    RuleSpec(np.linalg.eigvalsh, [((3, 3), (3, 3))], call=f"np.linalg.eigvalsh({COMPLEX})"),
    RuleSpec(np.linalg.eig, SQUARE, call=f"np.linalg.eig({SYM})[0]"),
    RuleSpec(np.linalg.eig, SQUARE, call=SIGNED.format(f"np.linalg.eig({SYM})[1]")),
    # a general real matrix (complex eigenpairs at this seed): phase-free |v|
    RuleSpec(
        np.linalg.eig,
        [((3, 3),), ((2, 3, 3),)],
        call="np.linalg.eig(a0)[0][..., None, :] * np.abs(np.linalg.eig(a0)[1])",
    ),
    RuleSpec(np.linalg.eigvals, SQUARE, call="np.linalg.eigvals(a0)"),
    RuleSpec(np.linalg.eigvals, [((3, 3), (3, 3))], call=f"np.linalg.eigvals({COMPLEX})"),
    # SVD: through quantities that do not depend on the signs/phases of singular vectors
    RuleSpec(np.linalg.svd, RECT, call="np.linalg.svd(a0, full_matrices=False)[1]"),
    RuleSpec(np.linalg.svd, RECT, call=f"{SVD} @ np.linalg.svd(a0, full_matrices=False)[2]"),
    RuleSpec(np.linalg.svd, [((4, 3),)], call="np.linalg.svd(a0, full_matrices=False)[0] ** 2"),
    RuleSpec(np.linalg.svd, [((3, 4),)], call="np.linalg.svd(a0, full_matrices=False)[2] ** 2"),
    RuleSpec(np.linalg.svd, [((3, 3),)], call="np.linalg.svd(a0)[1] * np.linalg.svd(a0)[0] ** 2"),
    RuleSpec(np.linalg.svd, [((4, 3),)], call="np.linalg.svd(a0, compute_uv=False)"),
    RuleSpec(
        np.linalg.svd,
        [((4, 3), (4, 3)), ((3, 4), (3, 4))],
        call=f"{SVD.replace('a0', COMPLEX)} @ np.linalg.svd({COMPLEX}, full_matrices=False)[2]",
    ),
    RuleSpec(np.linalg.svd, [((4, 3), (4, 3))], call=f"np.linalg.svd({COMPLEX}, compute_uv=False)"),
    RuleSpec(  # numpy >= 2.0
        optional(np.linalg, "svdvals"), [((3, 4),), ((2, 4, 3),)], call="np.linalg.svdvals(a0)"
    ),
    # QR (tall or square)
    RuleSpec(np.linalg.qr, [((3, 3),), ((4, 3),), ((2, 4, 3),)], call="np.linalg.qr(a0)[0]"),
    RuleSpec(np.linalg.qr, [((3, 3),), ((4, 3),), ((2, 4, 3),)], call="np.linalg.qr(a0)[1]"),
    RuleSpec(
        np.linalg.qr,
        [((4, 3), (4, 3))],
        call=f"np.linalg.qr({COMPLEX})[1] * np.abs(np.linalg.qr({COMPLEX})[0][:3])",
    ),
    # multi_dot (1-D ends are a row and a column)
    RuleSpec(
        np.linalg.multi_dot,
        [((2, 3), (3, 4), (4, 2)), ((3,), (3, 4), (4,)), ((3,), (3, 4), (4, 2))],
        call="np.linalg.multi_dot([a0, a1, a2])",
    ),
    RuleSpec(np.linalg.multi_dot, [((2, 3), (3,))], call="np.linalg.multi_dot([a0, a1])"),
    # lstsq (full rank): solution, residual sums (tall systems only), singular values
    RuleSpec(np.linalg.lstsq, LSTSQ, call="np.linalg.lstsq(a0, a1)[0]"),
    RuleSpec(np.linalg.lstsq, LSTSQ, call="np.linalg.lstsq(a0, a1)[1]"),
    RuleSpec(np.linalg.lstsq, [((4, 3), (4,))], call="np.linalg.lstsq(a0, a1)[3]"),
    RuleSpec(
        np.linalg.lstsq,
        [((4, 3), (4, 3), (4,))],
        call=f"np.linalg.lstsq({COMPLEX}, a2)[0] * np.linalg.lstsq({COMPLEX}, a2)[1]",
    ),
    # helpers
    RuleSpec(rt.mH, [((2, 3),), ((4, 2, 3),)], call="rt.mH(a0)"),
    RuleSpec(rt.mH, [((2, 3), (2, 3))], call=f"rt.mH({COMPLEX})"),
    RuleSpec(rt.mconj, [((2, 3), (2, 3))], call=f"rt.mconj({COMPLEX})"),
    RuleSpec(rt.mdiag, [((3,),), ((2, 3),)], call="rt.mdiag(a0)"),
    RuleSpec(rt.mdiag, [((2, 3), (3, 4))], call="rt.mdiag(a0, a1)"),
    RuleSpec(rt.mexpand, [((),), ((2,),)], call="rt.mexpand(a0)"),
    RuleSpec(rt.mtril, [((3, 3),), ((2, 3, 4),)], call="rt.mtril(a0, -1)"),
    RuleSpec(rt.mreal, [((2, 3), (2, 3))], call=f"rt.mreal({COMPLEX})"),
    RuleSpec(rt.mimag_i, [((2, 3), (2, 3))], call=f"rt.mimag_i({COMPLEX}) * {COMPLEX}"),
    RuleSpec(rt.mlike, [((2, 3), (2, 3))], call="rt.mlike(a0 * np.array(1j), a1)"),
    RuleSpec(rt.mlike, [((2, 3), (2, 3))], call="rt.mlike(a0, a1 * np.array(1j))"),
    RuleSpec(rt.mhermitian, [((3, 3),), ((2, 3, 3),)], call="rt.mhermitian(a0)"),
    RuleSpec(rt.mhermitian, [((3, 3), (3, 3))], call=f"rt.mhermitian({COMPLEX}, 'U')"),
    RuleSpec(rt.mhermitian_t, [((3, 3),), ((2, 3, 3),)], call="rt.mhermitian_t(a0, True)"),
    RuleSpec(rt.mhermitian_t, [((3, 3), (3, 3))], call=f"rt.mhermitian_t({COMPLEX})"),
    RuleSpec(rt.mphi, [((3, 3),), ((2, 3, 3),)], call="rt.mphi(a0)"),
    RuleSpec(rt.mcolumns, [((3,), (2, 3, 3))], call="rt.mcolumns(a0, a1, a0)"),
    RuleSpec(rt.mcolumns, [((2, 3), (2, 3, 3))], call="rt.mcolumns(a0, a1, a0, 1)"),
    RuleSpec(rt.muncolumns, [((2, 3, 1), (3,))], call="rt.muncolumns(a0, np.eye(3), a1)"),
    RuleSpec(rt.mdual, [((2, 3), (2, 3)), ((2, 3), (4, 2, 3))], call="rt.mdual(a0, a1)"),
    # multi_dot's helpers
    RuleSpec(rt.mdot_promote, [((3,), (3, 2))], call="rt.mdot_promote([a0, a1], [a0, a1])[0]"),
    RuleSpec(rt.mdot_demote, [((1, 3), (3,), (3, 2))], call="rt.mdot_demote([a0], [a1, a2])[0]"),
    RuleSpec(rt.mdot_out, [((2,), (3,), (3, 2))], call="rt.mdot_out(a0, [a1, a2])"),
    RuleSpec(rt.mdot_out_t, [((1, 2), (3,), (3, 2))], call="rt.mdot_out_t(a0, [a1, a2])"),
    RuleSpec(rt.mchain, [((2, 3), (3, 4), (4, 2))], call="rt.mchain([a0, a1, a2])"),
    RuleSpec(
        rt.mchain_vjp, [((2, 2), (2, 3), (3, 4), (4, 2))], call="rt.mchain_vjp(a0, [a1, a2, a3])[1]"
    ),
    RuleSpec(rt.mduals, [((2, 3), (2, 3))], call="rt.mduals([a0], [a1])[0]"),
    RuleSpec(rt.mtlbr, [((4, 6),)], call="rt.mtlbr([a0])[0]"),
    RuleSpec(rt.mtrs, [((4, 6),)], call="rt.mtrs([a0])[0]"),
    RuleSpec(rt.mtop_right, [((4, 6),), ((2, 4, 6),)], call="rt.mtop_right(a0)"),
    RuleSpec(rt.mcorner, [((2, 3),)], call="rt.mcorner(a0)"),
    RuleSpec(rt.mresiduals, [((2,), (2,)), ((2,), (0,))], call="rt.mresiduals(a0, a1)"),
    RuleSpec(rt.mresiduals_t, [((2,), (2,)), ((0,), (0,))], call="rt.mresiduals_t(a0, a1, 2)"),
]
