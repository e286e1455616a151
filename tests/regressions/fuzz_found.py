"""Programs the random-program fuzzer (tests/test_fuzz.py) found failing, kept verbatim.

Each case is replayed by `test_fuzz.test_regression` through every mode. `issue` says what
went wrong when the fuzzer found it. A case marked `open` still fails and runs as a strict
xfail: once srcad is fixed the test passes, strict turns that into an error, and `open` must
be set to False (the case then stays as a plain regression test).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    source: str  # defines f (and its helpers); no branch sits near its threshold
    args: str  # the arguments, as a Python expression using np
    order2: bool = False  # also run the order-2 checks
    issue: str = ""  # what failed when the fuzzer found it
    open: bool = True  # still failing today
    # While the issue is open, the fuzzer steers clear of it (so that it keeps finding new
    # bugs instead of this one): a key `fuzz_programs.programs` or `test_fuzz.check_program`
    # understands, or "" when nothing needs avoiding.
    avoid: str = ""


CASES: list[Case] = [
    Case(
        "value_and_grad_of_loop_accumulator",
        """\
def f(x):
    s = 0.0
    for i in range(3):
        s = s + x * i
    return s
""",
        "(2.0,)",
        issue="value_and_grad returns 0.0 instead of 6.0: the returned name is read after "
        "the backward sweep has popped its pre-loop value back off the tape",
        avoid="value_and_grad_loop_value",
        open=False,  # fixed in srcad (the returned value is read before the backward sweep)
    ),
    Case(
        "vjp_called_twice_loop_in_callee",
        """\
def h0(p):
    v1 = p
    for k in range(1):
        v1 = v1 + np.sin(p)
    return v1


def f(x):
    return h0(x)
""",
        "(0.3,)",
        issue="the second call of the vjp function raises IndexError (pop from empty "
        "list): fresh_tapes copies only the top-level tapes, not those in a callee's residuals",
        avoid="vjp_twice_nested_tapes",
        open=False,  # fixed: fresh_tapes copies every container among the residuals
    ),
    Case(
        "vjp_called_twice_list_in_callee",
        """\
def h(p):
    ys = []
    ys.append(p * 2.0)
    return np.sum(np.stack(ys))


def f(x):
    return h(np.sin(x))
""",
        "(0.3,)",
        issue="the second call of the vjp function raises IndexError (list index out of "
        "range): the callee's list adjoint was consumed by the first call",
        avoid="vjp_twice_nested_tapes",
        open=False,  # fixed: fresh_tapes copies every container among the residuals
    ),
    Case(
        "vjp_called_twice_list_rebuilt_in_loop",
        """\
def f(x):
    s = 0.0
    for k in range(2):
        ys = []
        ys.append(x * 2.0)
        s = s + np.sum(np.stack(ys))
    return s * 1.0
""",
        "(0.3,)",
        issue="the second call of the vjp function raises IndexError (list index out of "
        "range): the first call's ys.pop() emptied the lists saved on the ys tape, which "
        "fresh_tapes does not copy (it copies only the top-level lists)",
        avoid="vjp_twice_nested_tapes",
        open=False,  # fixed: fresh_tapes copies every container among the residuals
    ),
    Case(
        "vjp_called_twice_after_item_assignment",
        """\
def f(x):
    y = np.zeros(2)
    y[0] = np.sin(x)
    y[1] = np.cos(x)
    return np.sum(y * y)
""",
        "(0.3,)",
        issue="the second call of the vjp function returns -0.0746 instead of 0: the "
        "backward sweep restores y[1] in place in the residual y, which the next call reads",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "jvp_of_dead_branch",
        """\
def f(x):
    if x > 0.1:
        y = np.sin(x)
    return x * 2.0
""",
        "(0.3,)",
        issue="jvp raises IndentationError while compiling its generated code: the branch "
        "is emptied by dead-code elimination and left without a body",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "order2_of_dead_loop",
        """\
def f(x):
    v = x
    for i in range(2):
        v = np.tanh(v)
    return x * 2.0
""",
        "(0.3,)",
        order2=True,
        issue="check_grads(order=2) raises IndentationError compiling 'jvp of bwd_f': the "
        "dead loop's body is emptied and the for statement left without a body",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "item_assignment_then_alias",
        """\
def f(x):
    y = np.zeros(2)
    y[0] = np.sin(x)
    z = y
    return np.sum(z)
""",
        "(0.3,)",
        issue="UnsupportedOperationError at y[0] = ...: 'another name refers to the same "
        "object', but z = y comes after the change (aliasing.py documents that a copy made "
        "after the change is fine); ys.append(y) after the change is refused the same way",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "item_assignment_then_alias_in_loop",
        """\
def f(x):
    s = 0.0
    for k in range(2):
        y = np.zeros(2)
        y[0] = x
        z = y
        s = s + np.sum(z)
    return s * 1.0
""",
        "(0.3,)",
        issue="UnsupportedOperationError at y[0] = x ('another name or container refers to "
        "the same object'): z = y comes after the change, which is accepted outside a loop "
        "but refused inside one although y is a new array at every iteration (the same with "
        "np.sum(y if x > 0.1 else 2.0 * y))",
        avoid="alias_after_item_assignment_in_loop",
        open=False,  # fixed: a new object bound earlier in the same iteration is no alias
    ),
    Case(
        "order2_of_item_assignment",
        """\
def f(x):
    y = np.zeros(2)
    y[0] = x
    return np.sum(np.sin(y))
""",
        "(0.3,)",
        order2=True,
        issue="check_grads(order=2), the default order, raises UnsupportedOperationError "
        "located in srcad's own generated code ('vjp of f (fwd)'): the fwd function returns y "
        "among its residuals, which the alias check takes for a second name (hessian works)",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "order2_of_item_assignment_in_loop",
        """\
def f(x):
    s = 0.0
    for k in range(2):
        y = np.zeros(2)
        y[0] = x
        s = s + np.sum(y * y)
    return s * 1.0
""",
        "(0.3,)",
        order2=True,
        issue="check_grads(order=2), hessian and grad(grad(f)) raise UnsupportedOperationError "
        "in srcad's own generated code ('vjp of f (fwd)' / 'grad of f': y[0] = x, 'another "
        "name or container refers to the same object'): the forward sweep saves y on a tape "
        "at each iteration, and the alias check then refuses the item assignment",
        avoid="order2_item_assignment_in_loop",
        open=False,  # fixed: the alias check proves a reverse sweep's tapes share nothing
    ),
    Case(
        "order2_of_list_append_in_loop",
        """\
def f(x):
    ys = []
    for i in range(2):
        ys.append(x * i)
    return np.sum(np.stack(ys) ** 2)
""",
        "(0.3,)",
        order2=True,
        issue="check_grads(order=2), hessian and grad(grad(f)) raise MissingRuleError: the "
        "runtime helper rt.drop_last in the generated backward sweep has no jvp or vjp rule",
        open=False,  # fixed in srcad while this suite was written (651c8c2)
    ),
    Case(
        "vjp_called_twice_item_assignment_in_loop",
        """\
def f(x1):
    v1 = x1 * 1.0
    for v2 in range(3):
        v3 = np.zeros(2)
        v3[0] = v1[0]
        v1 = v1 * np.cos(v3)
    return np.sum(v1)
""",
        "(np.array([0.3, 0.5]),)",
        issue="the second call of the vjp function gave [0.81, 1] instead of [0.68, 1], "
        "silently: the first call's backward sweep put v3's items back in place, in the "
        "residual array the second call starts from",
        open=False,  # fixed: a vjp function copies residual arrays when its sweep writes items
    ),
    Case(
        "vjp_called_twice_item_assignment_in_callee",
        """\
def h(v1):
    for v2 in range(3):
        v3 = np.zeros(2)
        v3[0] = v1[0]
        v1 = v1 * np.cos(v3)
    return v1


def f(x1):
    return np.sum(h(x1 * 1.0))
""",
        "(np.array([0.3, 0.5]),)",
        issue="as vjp_called_twice_item_assignment_in_loop, in a callee's backward sweep",
        open=False,
    ),
    Case(
        "view_of_a_restored_array_in_vjp",
        """\
def f(x):
    y = x * 1.0
    s = 0.0
    for _ in range(2):
        v = y[1:]
        s = s + np.sum(v * x[1:])
        y[1] = s
    return s + np.sum(y)
""",
        "(np.array([0.3, -0.7, 1.2]),)",
        order2=True,
        issue="vjp and jacrev gave [1, 4.83, 7.24] instead of [1, 3.02, 7.24] (grad was right), "
        "silently: the split backward sweep put y's items back in a copy of y, which the "
        "residual view v = y[1:] did not see (found while testing views, not by the fuzzer)",
        open=False,  # fixed: one joint copy of the residuals keeps views as views
    ),
    Case(
        "self_assignment_in_a_branch",
        """\
def f(x):
    y = x * x
    if x > 0.1:
        y = y
    return y * 2.0
""",
        "(0.3,)",
        order2=True,
        issue="grad gave 0.0 instead of 1.2, silently: the reverse sweep of `y = y` moved y's "
        "adjoint to y and then reset it (found at order 2, where srcad's own backward code "
        "holds `bv1 = bv1`, by a fuzzed program with an if/else and an item assignment loop)",
        open=False,  # fixed: normalization drops self-assignments
    ),
    Case(
        "order2_through_by_equals_by",
        """\
def f(x1):
    if x1[0] > -1.0:
        v1 = x1 * x1
        v1 += 1.5
        v0 = v1 * np.ones((2, 1))
    else:
        v0 = np.ones((2, 1))
    v3 = np.zeros((2, 1))
    for k in range(2):
        v3[k] = v0[k]
    return np.sum(v3 * v3)
""",
        "(np.array([0.3]),)",
        order2=True,
        issue="jacrev(grad(f)) gave 12.72 instead of 14.16 (hessian was right), silently",
        open=False,  # fixed with self_assignment_in_a_branch
    ),
    Case(
        "grad_of_grad_after_pop",
        """\
def f(x):
    ys = [x, x * x, np.sin(x)]
    z = ys.pop()
    return z * ys[1]
""",
        "(0.7,)",
        order2=True,
        issue="grad(grad(f)) returned 2.04 instead of 3.11 (silently): the backward sweep put "
        "the popped value back with rt.unpop, a helper the second transform did not undo",
        open=False,  # fixed: the value goes back with seq.append / seq.insert
    ),
    Case(
        "order2_of_pop_at_an_index_and_extend",
        """\
def f(x):
    ys = [x]
    ys.extend([x * x, np.sin(x), x ** 3])
    z = ys.pop(-2)
    w = ys.pop(1)
    return ys[1] * z + w * ys[0]
""",
        "(0.7,)",
        order2=True,
        issue="order 2 raised MissingRuleError for rt.pop_derivative (forward mode) and "
        "IndexError after rt.truncate (reverse mode)",
        open=False,  # fixed: list methods in the generated code instead of helpers
    ),
]


# A parameter with the name of a local of srcad's Jacobian / pullback drivers (srcad/drivers.py)
# collides with it: parameter name -> what happens.
_DRIVER_NAME_ISSUES = {
    "rt": "jacfwd and jacrev raise AttributeError ('numpy.ndarray' object has no attribute "
    "'basis_for' / 'basis_like'): the drivers call rt.<helper>, and rt is the argument",
    "tangents": "jacfwd and check_grads(order=2) raise ValueError: the jacfwd and pushforward "
    "drivers' local 'tangents' replaces the argument of the same name",
    "tangent_out": "jacfwd raises IndexError: the driver's local 'tangent_out' replaces the "
    "argument before the Jacobian is assembled",
    "jvp_fn": "jacfwd and check_grads(order=2) raise TypeError ('numpy.ndarray' object is not "
    "callable): the argument shadows the drivers' jvp_fn",
    "fwd_fn": "jacrev and check_grads(order=2) raise TypeError ('numpy.ndarray' object is not "
    "callable): the argument shadows the drivers' fwd_fn",
    "bwd_fn": "jacrev and check_grads(order=2) raise TypeError ('numpy.ndarray' object is not "
    "callable): the argument shadows the drivers' bwd_fn",
    "out": "jacrev raises ValueError (cannot reshape): the driver's 'out, residuals = "
    "fwd_fn(...)' replaces the argument 'out', later read for the input's shape",
    "residuals": "jacrev raises ValueError or AttributeError (depending on shapes): the "
    "driver's local 'residuals' replaces the argument",
    "grads": "jacrev raises ValueError (cannot reshape): the driver's local 'grads' replaces "
    "the argument",
    "cotangent": "check_grads(order=2) raises ValueError (operands could not be broadcast): "
    "the pullback driver's 'cotangent' is shadowed by the argument",
}
for _name, _issue in [*_DRIVER_NAME_ISSUES.items(), ("jacobians", ""), ("jvp_rule", "")]:
    CASES.append(
        Case(
            f"parameter_named_{_name}",
            f"def f({_name}, y):\n    return np.sum(np.sin({_name})) * y\n",
            "(np.array([0.3, 0.5, 0.1]), np.array([0.2, 0.7]))",
            order2=True,
            issue=_issue,
            avoid="driver_names",
            open=False,  # fixed: drivers rename their locals away from the parameters
        )
    )


def avoided() -> frozenset:
    """The workarounds the fuzzer needs for the issues still open."""
    return frozenset(c.avoid for c in CASES if c.open and c.avoid)
