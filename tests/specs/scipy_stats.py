"""Rule specs: scipy.stats (srcad.rules.scipy.stats); empty when scipy is not installed.

Every method of a family is checked on the same calls: the arguments come from the positive
domain and the call maps them into the support (x above loc for gamma, inside the interval
for beta and uniform...), with loc, scale and the shape parameters each an argument of its
own, so that each derivative is checked, broadcasting against the others. Extra calls reach
both tails of the distribution functions, small and large shape parameters, keywords, and
for the multivariate families every form of `cov` scipy accepts.
"""

from __future__ import annotations

import importlib.util

from . import RuleSpec

SPECS: list[RuleSpec] = []

DENSITIES = ("logpdf", "pdf")
CUMULATIVE = ("cdf", "logcdf", "sf", "logsf")
CONTINUOUS = DENSITIES + CUMULATIVE
DISCRETE = ("logpmf", "pmf") + CUMULATIVE

# x, loc, scale (shape parameters come between x and loc).
LS = [((2, 3), (3,), ()), ((), (), ())]
LS1 = [((2, 3), (3,), (), ()), ((), (), (), ())]  # one shape parameter
VEC = [((3,), (), ())]
VEC1 = [((3,), (), (), ())]


def _all(dist, call, shapes, methods=CONTINUOUS, **options):
    return [
        RuleSpec(getattr(dist, m), shapes, domain="positive", call=call, **options) for m in methods
    ]


if importlib.util.find_spec("scipy") is not None:
    from scipy import stats

    import srcad.rules.scipy  # noqa: F401 - registers the rules
    from srcad.helpers import scipy_stats as sh

    SPECS = [
        # ------------------------------------------------------------ norm
        *_all(stats.norm, "prim(3.0 * a0 - 3.0, a1 - 1.0, a2)", LS),
        *_all(stats.norm, "prim(a0, loc=a1, scale=a2)", VEC, DENSITIES),
        *_all(stats.norm, "prim(-10.0 * a0 - 10.0, a1, a2)", VEC, CUMULATIVE),
        *_all(stats.norm, "prim(10.0 * a0 + 10.0, a1, a2)", VEC, CUMULATIVE),
        *_all(stats.norm, "prim(a0 - 1.0)", [((2, 3),)]),
        # ------------------------------------------------------------ t
        *_all(stats.t, "prim(3.0 * a0 - 3.0, 3.0 * a1, a2 - 1.0, a3)", LS1, DENSITIES),
        *_all(stats.t, "prim(a0 - 1.0, df=a1 * 100.0, scale=a2)", [((3,), (3,), ())], DENSITIES),
        *_all(stats.t, "prim(3.0 * a0 - 3.0, 0.4 * a1, a2 - 1.0)", [((3,), (), ())], DENSITIES),
        *_all(stats.t, "prim(3.0 * a0 - 3.0, 4.0, a1 - 1.0, a2)", LS, CUMULATIVE),
        *_all(stats.t, "prim(-20.0 * a0, 2.5, a1, a2)", VEC, CUMULATIVE),
        *_all(stats.t, "prim(20.0 * a0, 60.0, a1, a2)", VEC, CUMULATIVE),
        # ------------------------------------------------------------ gamma
        *_all(stats.gamma, "prim(2.0 * a0 + 0.5, 2.0 * a1, a2 - 1.0, a3)", LS1, DENSITIES),
        *_all(stats.gamma, "prim(a0 * 0.1, a1 * 0.2)", [((3,), (3,))], DENSITIES),
        *_all(stats.gamma, "prim(2.0 * a0 + 0.5, 2.5, a1 - 1.0, a2)", LS, CUMULATIVE),
        *_all(stats.gamma, "prim(a0 * 0.01, 0.3, scale=a1)", [((3,), ())], CUMULATIVE),
        *_all(stats.gamma, "prim(a0 * 40.0 + 40.0, 50.0, a1, a2)", VEC, CUMULATIVE),
        # ------------------------------------------------------------ beta
        *_all(
            stats.beta,
            "prim(a3 - 1.0 + a4 * (0.1 + 0.4 * a0), a1, 2.0 * a2, a3 - 1.0, a4)",
            [((2, 3), (3,), (), (), ()), ((), (), (), (), ())],
            DENSITIES,
        ),
        *_all(stats.beta, "prim(0.4 * a0, 0.5 * a1, b=30.0 * a2)", VEC, DENSITIES),
        *_all(
            stats.beta, "prim(a2 - 1.0 + a3 * 0.45 * a0, 2.5, 0.7, a2 - 1.0, a3)", LS1, CUMULATIVE
        ),
        *_all(stats.beta, "prim(0.01 * a0, 0.5, 80.0, scale=a1)", [((3,), ())], CUMULATIVE),
        # ------------------------------------------------------------ expon
        *_all(stats.expon, "prim(2.0 * a0 + 1.0, a1 - 1.0, a2)", LS),
        *_all(stats.expon, "prim(20.0 * a0 + 20.0, scale=a1)", [((3,), ())], CUMULATIVE),
        *_all(stats.expon, "prim(1e-3 * a0, scale=a1)", [((3,), ())], CUMULATIVE),
        # ------------------------------------------------------------ laplace
        *_all(stats.laplace, "prim(3.0 * a0 - 3.0, a1 - 1.0, a2)", LS),
        *_all(stats.laplace, "prim(-20.0 * a0, a1, a2)", VEC, CUMULATIVE),
        *_all(stats.laplace, "prim(20.0 * a0, a1, a2)", VEC, CUMULATIVE),
        # ------------------------------------------------------------ logistic
        *_all(stats.logistic, "prim(3.0 * a0 - 3.0, a1 - 1.0, a2)", LS),
        *_all(stats.logistic, "prim(-30.0 * a0, a1, a2)", VEC),
        *_all(stats.logistic, "prim(30.0 * a0, a1, a2)", VEC),
        # ------------------------------------------------------------ cauchy
        *_all(stats.cauchy, "prim(3.0 * a0 - 3.0, a1 - 1.0, a2)", LS),
        *_all(stats.cauchy, "prim(-100.0 * a0, a1, a2)", VEC, CUMULATIVE),
        *_all(stats.cauchy, "prim(100.0 * a0, a1, a2)", VEC, CUMULATIVE),
        # ------------------------------------------------------------ lognorm
        *_all(stats.lognorm, "prim(2.0 * a0 + 1.0, a1, a2 - 1.0, a3)", LS1),
        *_all(stats.lognorm, "prim(0.01 * a0, 0.4 * a1, scale=a2)", VEC),
        *_all(stats.lognorm, "prim(50.0 * a0, a1 * 0.5, scale=a2)", VEC),
        # ------------------------------------------------------------ uniform
        *_all(stats.uniform, "prim(1.0 + 0.5 * a0, a1 - 1.0, a2 + 2.0)", LS),
        *_all(stats.uniform, "prim(1.0 + 0.5 * a0, scale=a1 + 2.0)", [((3,), ())]),
        # ------------------------------------------------------------ chi2
        *_all(stats.chi2, "prim(2.0 * a0 + 0.5, 3.0 * a1, a2 - 1.0, a3)", LS1, DENSITIES),
        *_all(stats.chi2, "prim(0.1 * a0, 0.6 * a1)", [((3,), (3,))], DENSITIES),
        *_all(stats.chi2, "prim(2.0 * a0 + 0.5, 3.0, a1 - 1.0, a2)", LS, CUMULATIVE),
        *_all(stats.chi2, "prim(40.0 * a0 + 80.0, 100.0, scale=a1)", [((3,), ())], CUMULATIVE),
        # ------------------------------------------------------------ poisson
        *_all(
            stats.poisson,
            "prim(np.array([0.0, 2.0, 5.0]), 3.0 * a0)",
            [((3,),), ((2, 3),), ((),)],
            DISCRETE,
        ),
        *_all(stats.poisson, "prim(np.array([1.0, 4.0, 8.0]), a0 * 2.0, 1)", [((3,),)], DISCRETE),
        *_all(stats.poisson, "prim(np.array([80.0, 100.0, 130.0]), 100.0 * a0)", [((),)], DISCRETE),
        *_all(stats.poisson, "prim(k=np.array([3.0, 9.0]), mu=a0 * 0.3)", [((2,),)], DISCRETE),
        # ------------------------------------------------------------ binom
        *_all(
            stats.binom,
            "prim(np.array([0.0, 3.0, 7.0]), 10, 0.25 * a0 + 0.2)",
            [((3,),), ((2, 3),), ((),)],
            DISCRETE,
        ),
        *_all(
            stats.binom,
            "prim(np.array([2.0, 5.0]), (4, 9), p=0.4 * a0)",
            [((2,),)],
            DISCRETE,
        ),
        *_all(stats.binom, "prim(np.array([40.0, 55.0]), 100, 0.5 * a0, 1)", [((),)], DISCRETE),
        # ------------------------------------------------------------ dirichlet
        *_all(
            stats.dirichlet,
            "prim(a0 / np.sum(a0, axis=0), a1)",
            [((3,), (3,)), ((3, 2), (3,))],
            DENSITIES,
        ),
        *_all(
            stats.dirichlet, "prim(0.3 * a0 / np.sum(a0, axis=0), a1)", [((2,), (3,))], DENSITIES
        ),
        *_all(
            stats.dirichlet,
            "prim(0.6 * a0 / np.sum(a0, axis=0), a1 * 0.3)",
            [((2, 4), (3,)), ((2, 1), (3,))],
            DENSITIES,
        ),
        # ------------------------------------------------------------ multivariate_normal
        *_all(
            stats.multivariate_normal,
            "prim(a0, a1, a2 @ a2.T + np.eye(3))",
            [((2, 3), (3,), (3, 3)), ((3,), (3,), (3, 3)), ((2, 2, 3), (3,), (3, 3))],
            DENSITIES,
        ),
        # scipy reads the lower triangle of cov: the upper one has no derivative.
        *_all(
            stats.multivariate_normal,
            "prim(a0, a1, 0.3 * a2 + 2.0 * np.eye(3))",
            [((2, 3), (3,), (3, 3))],
            DENSITIES,
        ),
        *_all(stats.multivariate_normal, "prim(a0, a1, a2)", [((2, 3), (3,), (3,))], DENSITIES),
        *_all(stats.multivariate_normal, "prim(a0, a1, a2)", [((4,), (), ())], DENSITIES),
        *_all(
            stats.multivariate_normal,
            "prim(a0, cov=a1 @ a1.T + np.eye(2))",
            [((3, 2), (2, 2))],
            DENSITIES,
        ),
        *_all(
            stats.multivariate_normal,
            "prim(a0, a1, 2.0 * a2, allow_singular=True)",
            [((3,), (3,), ())],
            DENSITIES,
        ),
        # ------------------------------------------------------------ helpers
        RuleSpec(sh.mvn_cov, [((3, 3),), ((3,),), ((),)], call="prim(a0, 3)"),
        RuleSpec(sh.mvn_cov, [((2, 3, 3),), ((2, 3),), ((2,),)], call="prim(a0, 3, 1)"),
        RuleSpec(sh.mvn_cov_vjp, [((3, 3),), ((2, 3, 3),)], kwargs=[{"core": 0}, {"core": 1}]),
        RuleSpec(sh.mvn_cov_vjp, [((2, 3, 3),)], call="prim(a0, 2)"),
    ]
