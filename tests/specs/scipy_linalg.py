"""Rule specs: scipy.linalg (and the helpers of its rules). Empty without scipy.

Collected by tests/rule_specs.py; `prim` is the spec's function in `call`. Inputs are shifted
by multiples of the identity so they are well conditioned; inputs that are not symmetric
check that a rule differentiates only the triangle scipy reads; decompositions are tested
through quantities that do not depend on the signs of eigen/singular vectors.
"""

from __future__ import annotations

import inspect

from . import RuleSpec

try:
    import scipy.linalg
except ImportError:  # scipy is optional: no specs, and no scipy rules registered
    SPECS: list[RuleSpec] = []
else:
    import srcad.rules.scipy  # noqa: F401 - registers the rules these specs check
    from srcad.helpers import scipy_linalg as sl

    SPD = "a0 @ np.swapaxes(a0, -1, -2) + np.eye(3)"
    WELL = "a0 + 3 * np.eye(3)"
    COMPLEX = "(a0 + a1 * np.array(1j))"
    HPD = f"{COMPLEX} @ rt.mH({COMPLEX}) + 3 * np.eye(3)"
    SYM = "a0 + np.swapaxes(a0, -1, -2)"
    SIGNED = "{0} * np.sign({0}[..., :1, :])"
    SQUARE = [((3, 3),)]
    B_SHAPES = [((3, 3), (3,)), ((3, 3), (3, 2))]
    # lu_solve takes any (lu, piv): lu holds a unit lower L and an upper U, piv row swaps.
    LU = f"({WELL}, np.array([2, 2, 2]))"
    SVD = "prim(a0, full_matrices=False)[0] * np.array([1.0, 2.0, 3.0])"

    SPECS = [
        # Cholesky: the default reads the upper triangle, lower=True the lower one
        RuleSpec(scipy.linalg.cholesky, SQUARE, call=f"prim({SPD})"),
        RuleSpec(scipy.linalg.cholesky, SQUARE, call="prim(0.3 * a0 + 3 * np.eye(3))"),
        RuleSpec(scipy.linalg.cholesky, SQUARE, call="prim(0.3 * a0 + 3 * np.eye(3), lower=True)"),
        RuleSpec(scipy.linalg.cholesky, [((3, 3), (3, 3))], call=f"prim({HPD}, lower=True)"),
        RuleSpec(scipy.linalg.cholesky, [((3, 3), (3, 3))], call=f"prim({HPD})"),
        # cho_factor: the factor's triangle and the copy of a's other triangle
        RuleSpec(scipy.linalg.cho_factor, SQUARE, call="prim(0.3 * a0 + 3 * np.eye(3))[0]"),
        RuleSpec(
            scipy.linalg.cho_factor,
            SQUARE,
            call="prim(0.3 * a0 + 3 * np.eye(3), lower=True)[0]",
        ),
        # cho_solve with a factor from numpy (lower) or a triangle of any matrix (upper)
        RuleSpec(
            scipy.linalg.cho_solve,
            B_SHAPES,
            call=f"prim((np.linalg.cholesky({SPD}), True), a1)",
        ),
        RuleSpec(scipy.linalg.cho_solve, B_SHAPES, call=f"prim(({WELL}, False), a1)"),
        RuleSpec(
            scipy.linalg.cho_solve,
            [((3, 3), (3, 3), (3, 2))],
            call=f"prim((np.linalg.cholesky({HPD}), True), a2)",
        ),
        RuleSpec(
            scipy.linalg.cho_solve,
            [((3, 3), (3, 3), (3,))],
            call=f"prim((rt.mH(np.linalg.cholesky({HPD})), False), a2 * np.array(1j))",
        ),
        # solve_triangular: trans, lower, unit_diagonal; the other triangle is not read
        RuleSpec(
            scipy.linalg.solve_triangular,
            B_SHAPES,
            call=f"prim({WELL}, a1, trans={{trans}}, lower={{lower}}, unit_diagonal={{unit}})",
        ),
        # solve: assume_a selects what is read; transposed= solves with a^T
        RuleSpec(scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1)"),
        RuleSpec(scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, transposed=True)"),
        RuleSpec(scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, assume_a='sym')"),
        RuleSpec(
            scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, assume_a='sym', lower=True)"
        ),
        RuleSpec(scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, assume_a='pos')"),
        RuleSpec(
            scipy.linalg.solve,
            [((3, 3), (3, 3), (3,))],
            call=f"prim({COMPLEX} + 3 * np.eye(3), a2, assume_a='her', lower=True)",
        ),
        RuleSpec(
            scipy.linalg.solve,
            [((3, 3), (3, 3), (3, 2))],
            call=f"prim({COMPLEX} + 3 * np.eye(3), a2 * np.array(1j))",
        ),
        # inv and det
        RuleSpec(scipy.linalg.inv, SQUARE, call=f"prim({WELL})"),
        RuleSpec(scipy.linalg.inv, [((3, 3), (3, 3))], call=f"prim({COMPLEX} + 3 * np.eye(3))"),
        RuleSpec(scipy.linalg.det, SQUARE, call=f"prim({WELL})"),
        RuleSpec(scipy.linalg.det, SQUARE, call="prim(a0)"),
        # LU: lu_factor's lu (piv is an integer array), lu_solve with trans
        RuleSpec(scipy.linalg.lu_factor, SQUARE + [((4, 4),)], call="prim(a0)[0]"),
        RuleSpec(scipy.linalg.lu_factor, SQUARE, call=f"prim({WELL})[0]"),
        RuleSpec(scipy.linalg.lu_solve, B_SHAPES, call=f"prim({LU}, a1, trans={{trans}})"),
        RuleSpec(
            scipy.linalg.lu_solve,
            [((3, 3), (3, 3), (3,))],
            call=f"prim(({COMPLEX} + 3 * np.eye(3), np.array([1, 2, 2])), a2, trans={{trans}})",
        ),
        # matrix functions: small and large norms (expm squares), near-identity for logm
        RuleSpec(scipy.linalg.expm, SQUARE, call="prim(a0)"),
        RuleSpec(scipy.linalg.expm, SQUARE, call="prim(3.0 * a0)"),
        RuleSpec(scipy.linalg.expm, [((3, 3), (3, 3))], call=f"prim({COMPLEX})"),
        RuleSpec(scipy.linalg.sqrtm, SQUARE, call=f"prim({SPD})"),
        RuleSpec(scipy.linalg.sqrtm, SQUARE, call=f"prim({WELL})"),
        RuleSpec(scipy.linalg.logm, SQUARE, call="prim(0.2 * a0 + np.eye(3))"),
        RuleSpec(scipy.linalg.logm, SQUARE, call=f"prim({SPD})"),
        # eigh: eigenvalues, sign-fixed eigenvectors; generalized (b=) and the upper triangle
        RuleSpec(scipy.linalg.eigh, SQUARE, call=f"prim({SYM})[0]"),
        RuleSpec(scipy.linalg.eigh, SQUARE, call=SIGNED.format(f"prim({SYM})[1]")),
        RuleSpec(
            scipy.linalg.eigh,
            SQUARE,
            call="prim(a0, lower=False)[0] * " + SIGNED.format("prim(a0, lower=False)[1]"),
        ),
        RuleSpec(scipy.linalg.eigh, SQUARE, call="prim(a0, eigvals_only=True)"),
        RuleSpec(
            scipy.linalg.eigh,
            [((3, 3), (3, 3))],
            call="prim(a0, 0.3 * a1 + 2 * np.eye(3))[0]",
        ),
        RuleSpec(
            scipy.linalg.eigh,
            [((3, 3), (3, 3))],
            call=SIGNED.format("prim(a0, 0.3 * a1 + 2 * np.eye(3), lower=False)[1]"),
        ),
        RuleSpec(
            scipy.linalg.eigh,
            [((3, 3), (3, 3))],
            call="prim(a0, 0.3 * a1 + 2 * np.eye(3), eigvals_only=True)",
        ),
        RuleSpec(
            scipy.linalg.eigh,
            [((3, 3), (3, 3))],
            call=f"prim({COMPLEX})[0] * np.abs(prim({COMPLEX})[1])",
        ),
        RuleSpec(
            scipy.linalg.eigh,
            [((3, 3), (3, 3))],
            call=f"prim({COMPLEX}, {HPD})[0] * np.abs(prim({COMPLEX}, {HPD})[1])",
        ),
        # SVD, through sign-free quantities
        RuleSpec(scipy.linalg.svd, [((3, 3),)], call="prim(a0)[1]"),
        RuleSpec(scipy.linalg.svd, [((4, 3),), ((3, 4),)], call="prim(a0, full_matrices=False)[1]"),
        RuleSpec(
            scipy.linalg.svd,
            [((3, 3),), ((4, 3),), ((3, 4),)],
            call=f"{SVD} @ prim(a0, full_matrices=False)[2]",
        ),
        RuleSpec(scipy.linalg.svd, [((3, 3),)], call="prim(a0)[1] * prim(a0)[0] ** 2"),
        RuleSpec(scipy.linalg.svd, [((4, 3),)], call="prim(a0, compute_uv=False)"),
        # QR: economic (tall), full (square), mode="r", column pivoting
        RuleSpec(scipy.linalg.qr, [((3, 3),)], call="prim(a0)[0] + prim(a0)[1]"),
        RuleSpec(
            scipy.linalg.qr,
            [((4, 3),)],
            call="prim(a0, mode='economic')[0] @ prim(a0, mode='economic')[1]",
        ),
        RuleSpec(scipy.linalg.qr, [((4, 3),)], call="prim(a0, mode='economic')[0] ** 3"),
        RuleSpec(scipy.linalg.qr, [((4, 3),), ((3, 3),)], call="prim(a0, mode='r')[0]"),
        RuleSpec(
            scipy.linalg.qr,
            [((4, 3),)],
            call="prim(a0, mode='economic', pivoting=True)[1] ** 3",
        ),
        RuleSpec(scipy.linalg.qr, [((4, 3),)], call="prim(a0, mode='r', pivoting=True)[0]"),
        RuleSpec(
            scipy.linalg.qr,
            [((4, 3), (4, 3))],
            call=f"prim({COMPLEX}, mode='economic')[1]"
            f" * np.abs(prim({COMPLEX}, mode='economic')[0][:3])",
        ),
        # Sylvester: a x + x b = q
        RuleSpec(
            scipy.linalg.solve_sylvester,
            [((3, 3), (2, 2), (3, 2))],
            call="prim(a0 + 3 * np.eye(3), a1 + 3 * np.eye(2), a2)",
        ),
        # block_diag of up to eight blocks (0-d and 1-d blocks are rows)
        RuleSpec(scipy.linalg.block_diag, [((2, 2), (3,), ())], call="prim(a0, a1, a2)"),
        RuleSpec(scipy.linalg.block_diag, [((2, 3),)], call="prim(a0, np.eye(2), a0)"),
        # helpers
        RuleSpec(sl.fold, [((2, 3, 2),)], call="prim(a0, 1)"),
        RuleSpec(sl.fold, [((2, 4, 3, 2),)], call="prim(a0, 2)"),
        RuleSpec(sl.fold, [((4, 2, 3, 2),)], call="prim(a0, 1, 1)"),
        RuleSpec(sl.unfold, [((3, 4),)], call="prim(a0, (2, 3, 2))"),
        RuleSpec(sl.unfold, [((5, 3, 4),)], call="prim(a0, (2, 3, 2), 1)"),
        RuleSpec(sl.tri, [((3, 3),)], call="prim(a0, True) + prim(a0, False, True)"),
        RuleSpec(sl.op, [((2, 3),)], call="prim(a0, 1)"),
        RuleSpec(sl.op, [((2, 3), (2, 3))], call=f"prim({COMPLEX}, 2) + prim({COMPLEX}, 0).T"),
        RuleSpec(sl.cconj, [((2, 3), (2, 3))], call=f"prim({COMPLEX}, 2) * prim({COMPLEX}, 1)"),
        RuleSpec(
            sl.effective,
            [((3, 3),)],
            call="prim(a0, {assume_a}, True) + prim(a0, {assume_a}, False, True)",
        ),
        RuleSpec(
            sl.effective_t,
            [((3, 3),)],
            call="prim(a0, {assume_a}, True) + prim(a0, {assume_a}, False, True)",
        ),
        RuleSpec(sl.matfun, [((3, 3),), ((2, 3, 3),)], call="prim('expm', a0)"),
        RuleSpec(sl.matfun, [((2, 3, 3),)], call=f"prim('sqrtm', {SPD})"),
        RuleSpec(sl.matfun, [((3, 3),)], call="prim('logm', 0.2 * a0 + np.eye(3))"),
        RuleSpec(
            sl.sylvester,
            [((3, 3), (2, 2), (3, 2)), ((3, 3), (2, 2), (2, 3, 2)), ((2, 3, 3), (2, 2), (3, 2))],
            call="prim(a0 + 3 * np.eye(3), a1 + 3 * np.eye(2), a2)",
        ),
        RuleSpec(sl.bdiag, [((2, 2), (3,))], call="prim([a0, None, a1])"),
        RuleSpec(sl.bdiag, [((2, 2, 2), (2, 3))], call="prim([a0, a1], 1)"),
        RuleSpec(sl.bdiag_t, [((3, 5),)], call="prim(a0, [(2, 2), None, (3,)])[2]"),
        RuleSpec(sl.bdiag_t, [((2, 3, 5),)], call="prim(a0, [(2, 2), (1, 3)], 1)[0]"),
    ]

    # scipy >= 1.15 reads only the structure assume_a= names (older versions refuse these)
    if "assume_a" in inspect.signature(scipy.linalg.inv).parameters:
        for _assume in ("diagonal", "tridiagonal", "upper triangular", "lower triangular"):
            SPECS.append(
                RuleSpec(
                    scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, assume_a={_assume!r})"
                )
            )
        SPECS.append(
            RuleSpec(scipy.linalg.solve, B_SHAPES, call=f"prim({WELL}, a1, assume_a='banded')")
        )
        SPECS.append(RuleSpec(scipy.linalg.inv, SQUARE, call=f"prim({WELL}, assume_a='pos')"))
        SPECS.append(
            RuleSpec(scipy.linalg.inv, SQUARE, call=f"prim({WELL}, assume_a='sym', lower=True)")
        )

    def _expand(spec, **choices):
        """One spec per combination of the `{name}` placeholders in its call."""
        import itertools

        names = list(choices)
        out = []
        for values in itertools.product(*(choices[n] for n in names)):
            fields = dict(zip(names, values))
            out.append(RuleSpec(**{**spec.__dict__, "call": spec.call.format(**fields)}))
        return out

    _EXPANDED = []
    for _spec in SPECS:
        if _spec.primitive is scipy.linalg.solve_triangular:
            _EXPANDED += _expand(
                _spec, trans=(0, "'T'", 2), lower=(False, True), unit=(False, True)
            )
        elif _spec.primitive is scipy.linalg.lu_solve:
            _EXPANDED += _expand(_spec, trans=(0, 1, 2))
        elif _spec.primitive in (sl.effective, sl.effective_t):
            _EXPANDED += _expand(
                _spec,
                assume_a=(
                    None,
                    "'sym'",
                    "'her'",
                    "'pos'",
                    "'diagonal'",
                    "'tridiagonal'",
                    "'upper triangular'",
                    "'lower triangular'",
                ),
            )
        else:
            _EXPANDED.append(_spec)
    SPECS = _EXPANDED
