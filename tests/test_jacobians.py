"""The Jacobian family and nesting: jacfwd, jacrev, jacobian, hessian, grad of grad."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.check import numerical_jvp


def fd_jacobian(f, x):
    columns = [
        np.asarray(numerical_jvp(f, [x], [e.reshape(x.shape)])).ravel() for e in np.eye(x.size)
    ]
    out = np.asarray(f(x))
    return np.stack(columns, axis=-1).reshape(out.shape + x.shape)


def make(n, m, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    b = rng.standard_normal((m, 1))
    c = rng.standard_normal(m)

    def f(x):
        # broadcasting inside: (m, 1) + (m,) and a scalar reduction
        h = np.tanh(A @ x + b.T)[0]
        return h * c + np.sum(x**2) * 0.1

    return f, rng.standard_normal(n)


@pytest.mark.parametrize("n,m", [(1, 50), (50, 1), (30, 30)])
def test_jacfwd_jacrev_and_finite_differences_agree(n, m):
    f, x = make(n, m, n * 100 + m)
    expected = fd_jacobian(f, x)
    for transform in (srcad.jacfwd, srcad.jacrev, srcad.jacobian):
        J = transform(f)(x)
        assert J.shape == (m, n)
        np.testing.assert_allclose(J, expected, rtol=1e-6, atol=1e-8)


def test_jacobian_shapes_follow_out_then_in():
    def f(X):
        return np.tanh(X) * 2.0

    X = np.random.default_rng(0).standard_normal((2, 3))
    for transform in (srcad.jacfwd, srcad.jacrev):
        J = transform(f)(X)
        assert J.shape == (2, 3, 2, 3)
        np.testing.assert_allclose(
            J.reshape(6, 6), np.diag(2 / np.cosh(X.ravel()) ** 2), atol=1e-12
        )


def test_jacobian_tuple_argnums():
    def f(x, y):
        return x * y[0] + np.sin(y)

    x, y = np.array([1.0, 2.0]), np.array([0.5, -0.3])
    for transform in (srcad.jacfwd, srcad.jacrev):
        Jx, Jy = transform(f, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(Jx, np.diag([y[0], y[0]]))
        np.testing.assert_allclose(Jy, np.array([[1.0, 0.0], [2.0, 0.0]]) + np.diag(np.cos(y)))


def test_jacobian_mode_override():
    f, x = make(3, 4, 7)
    np.testing.assert_allclose(srcad.jacobian(f, mode="fwd")(x), srcad.jacobian(f, mode="rev")(x))


def test_hessian_is_forward_over_reverse():
    def f(x):
        return np.sum(np.sin(x) * x**2)

    x = np.array([0.3, 0.7, -1.2])
    expected = np.diag(2 * np.sin(x) + 4 * x * np.cos(x) - x**2 * np.sin(x))
    np.testing.assert_allclose(srcad.hessian(f)(x), expected, atol=1e-12)
    for outer, inner in [
        (srcad.jacfwd, srcad.jacrev),
        (srcad.jacrev, srcad.jacrev),
        (srcad.jacrev, srcad.jacfwd),
        (srcad.jacfwd, srcad.jacfwd),
    ]:
        np.testing.assert_allclose(outer(inner(f))(x), expected, atol=1e-12)


def test_grad_of_grad_and_jvp_of_grad():
    def g(t):
        return np.sin(t) * t**2

    t = 0.3
    second = 2 * np.sin(t) + 4 * t * np.cos(t) - t**2 * np.sin(t)
    assert srcad.grad(srcad.grad(g))(t) == pytest.approx(second)
    third = srcad.grad(srcad.grad(srcad.grad(g)))(t)
    expected_third = 6 * np.cos(t) - 6 * t * np.sin(t) - t**2 * np.cos(t)
    assert third == pytest.approx(expected_third)

    def f(x):
        return np.sum(np.exp(x) * x)

    x = np.array([0.1, -0.4])
    _, hvp = srcad.jvp(srcad.grad(f), (x,), (np.ones(2),))
    np.testing.assert_allclose(hvp, (2 + x) * np.exp(x))


def test_linearize():
    def f(x):
        return np.sin(x) * x

    x = np.array([0.2, 1.0])
    out, f_jvp = srcad.linearize(f, x)
    np.testing.assert_allclose(out, f(x))
    np.testing.assert_allclose(f_jvp(np.ones(2)), np.cos(x) * x + np.sin(x))


def test_check_grads_order_two_exercises_nesting():
    def f(x, y):
        return np.tanh(x @ y) * np.mean(x)

    rng = np.random.default_rng(5)
    srcad.check_grads(f, (rng.standard_normal((2, 3)), rng.standard_normal((3, 2))), order=2)


def test_source_of_jacfwd_shows_driver_and_vectorized_jvp():
    f, x = make(3, 2, 1)
    text = srcad.source(srcad.jacfwd(f))
    assert "rt.basis_for" in text and "def jvp_f(x, tangents):" in text


def test_diagonal_seed_behaves_like_the_identity():
    from srcad.diagonal import Diagonal

    v = np.array([1.0, 2.0, 3.0])
    D = Diagonal(v)
    M = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(D @ M, np.diag(v) @ M)
    np.testing.assert_array_equal(M @ D, M @ np.diag(v))
    assert isinstance(D * v, Diagonal) and isinstance(2.0 * D, Diagonal)
    np.testing.assert_array_equal(np.asarray(D * v), np.diag(v * v))
    np.testing.assert_array_equal(D + M, np.diag(v) + M)  # anything else: a plain array
    np.testing.assert_array_equal(np.sum(D, axis=0), v)
    np.testing.assert_array_equal(np.reshape(D, (9,)), np.diag(v).ravel())
    assert D.shape == (3, 3) and np.shape(D) == (3, 3)


def test_diagonal_seed_supports_every_operator_and_method_of_an_array():
    from srcad.diagonal import Diagonal

    v, w = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    D, E = Diagonal(v), Diagonal(w)
    dense = np.diag(v)
    assert isinstance(D + E, Diagonal) and isinstance(D - E, Diagonal)  # found by the fuzzer
    np.testing.assert_array_equal(np.asarray(D - E), dense - np.diag(w))
    for got, want in [
        (D + 1.0, dense + 1.0),
        (1.0 - D, 1.0 - dense),
        (D / 2.0, dense / 2.0),
        (D**2, dense**2),
        (abs(-D), dense),
        (D.T, dense.T),
        (D.sum(axis=1), v),
        (D.reshape(9), dense.ravel()),
    ]:
        np.testing.assert_array_equal(np.asarray(got), want)


def test_jacrev_of_differences_of_differences():
    def f(x):
        v = x - x
        return (v - v) + x * 2.0

    np.testing.assert_array_equal(srcad.jacrev(f)(np.ones(3)), 2.0 * np.eye(3))


def test_jacobians_of_a_function_of_a_python_list():
    """A list argument is a pytree (as in JAX, and as grad returns a list for it): the
    Jacobian is a list with one d out / d xs[i] per element, not one (2, 2) matrix."""

    def f(xs):
        return np.array(xs) ** 2 * np.array([1.0, 3.0])

    for transform in (srcad.jacfwd, srcad.jacrev):
        J = transform(f)([1.0, 2.0])
        assert type(J) is list and len(J) == 2
        np.testing.assert_array_equal(J[0], [2.0, 0.0])
        np.testing.assert_array_equal(J[1], [0.0, 12.0])


# Pytrees: JAX's layout. A Jacobian has the output's structure; at each output leaf, the
# differentiated argument's structure (or, for tuple argnums, a tuple of the arguments'),
# whose leaves are shaped out_leaf.shape + in_leaf.shape. The reference below is built leaf
# by leaf from central differences, without srcad's layout helpers.


def _tree_leaves(tree):
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in _tree_leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [leaf for v in tree for leaf in _tree_leaves(v)]
    return [tree]


def _tree_rebuild(tree, leaves):
    """`tree`'s structure with its leaves taken, in order, from the iterator `leaves`."""
    if isinstance(tree, dict):
        return {k: _tree_rebuild(v, leaves) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_tree_rebuild(v, leaves) for v in tree)
    return next(leaves)


def fd_pytree_jacobian(f, args, argnums=0, eps=1e-6):
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    out = f(*args)
    out_leaves = _tree_leaves(out)
    # blocks[k][i][o]: d out_leaf o / d leaf i of argument k, shaped o.shape + leaf.shape
    blocks = []
    for k in nums:
        leaves = _tree_leaves(args[k])
        per_leaf = []
        for i, leaf in enumerate(leaves):
            columns = []
            for e in range(np.size(leaf)):
                step = np.zeros(np.size(leaf))
                step[e] = eps
                step = step.reshape(np.shape(leaf))

                def at(delta, k=k, i=i, leaf=leaf, leaves=leaves):
                    moved = [*leaves]
                    moved[i] = leaf + delta if np.ndim(leaf) else float(leaf + delta)
                    call = list(args)
                    call[k] = _tree_rebuild(args[k], iter(moved))
                    return [np.asarray(v, dtype=float) for v in _tree_leaves(f(*call))]

                plus, minus = at(step), at(-step)
                columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
            per_leaf.append(
                [
                    np.stack([c[o] for c in columns], axis=-1).reshape(
                        np.shape(out_leaves[o]) + np.shape(leaf)
                    )
                    for o in range(len(out_leaves))
                ]
            )
        blocks.append(per_leaf)
    at_outputs = []
    for o in range(len(out_leaves)):
        per_arg = [
            _tree_rebuild(args[k], iter([blocks[j][i][o] for i in range(len(blocks[j]))]))
            for j, k in enumerate(nums)
        ]
        at_outputs.append(tuple(per_arg) if isinstance(argnums, tuple) else per_arg[0])
    return _tree_rebuild(out, iter(at_outputs))


def assert_same_tree(got, want, rtol=1e-6, atol=1e-7, where="jacobian"):
    """Same containers (types, keys, lengths), same leaf shapes, close values."""
    if isinstance(want, dict):
        # Same keys; rebuilt dicts list them sorted, as JAX's do.
        assert type(got) is dict and sorted(got) == sorted(want), f"{where}: {got!r}"
        for k in want:
            assert_same_tree(got[k], want[k], rtol, atol, f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want), f"{where}: {got!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same_tree(g, w, rtol, atol, f"{where}[{i}]")
    else:
        assert isinstance(got, (np.ndarray, float, np.floating)), f"{where}: {got!r}"
        assert np.shape(got) == np.shape(want), f"{where}: {np.shape(got)} != {np.shape(want)}"
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=where)


def out_tuple(x):
    return x, x * x


def out_dict(x):
    return dict(a=x, b=x * x)


def out_list(x):
    return [x, np.sum(x)]


def out_nested(x):
    # x[:, None] * x, not np.outer: jacfwd(jacrev(np.outer)) fails on its own (a matmul rule).
    return {"pair": (np.sin(x), [x[:, None] * x]), "total": np.sum(x**3), "same": x}


def out_float_leaf(x):
    return (x * 2.0, float(np.sum(x)) * 1.0, 3.5)


def out_of_matrix(X):
    return {"rows": np.sum(X, axis=1), "t": X.T * X[0, 0]}


OUTPUT_PYTREES = [out_tuple, out_dict, out_list, out_nested, out_float_leaf]


@pytest.mark.parametrize("f", OUTPUT_PYTREES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev, srcad.jacobian])
def test_jacobian_of_a_pytree_output_has_its_structure(f, transform):
    x = np.array([0.3, 0.5, -0.8])
    assert_same_tree(transform(f)(x), fd_pytree_jacobian(f, (x,)))


@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev])
def test_jacobian_of_a_tuple_output_is_exact(transform):
    x = np.array([0.3, 0.5])
    J = transform(out_tuple)(x)
    assert type(J) is tuple and len(J) == 2
    np.testing.assert_array_equal(J[0], np.eye(2))
    np.testing.assert_array_equal(J[1], np.diag(2 * x))
    # A matrix input: each leaf is out_leaf.shape + X.shape.
    X = np.arange(6.0).reshape(2, 3) / 7
    J = transform(out_of_matrix)(X)
    assert J["rows"].shape == (2, 2, 3) and J["t"].shape == (3, 2, 2, 3)
    assert_same_tree(J, fd_pytree_jacobian(out_of_matrix, (X,)))


@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev])
def test_a_float_leaf_of_the_output_gives_the_input_shape(transform):
    x = np.array([0.3, 0.5, -0.8])
    J = transform(out_float_leaf)(x)
    assert [np.shape(j) for j in J] == [(3, 3), (3,), (3,)]
    np.testing.assert_array_equal(J[1], np.ones(3))
    np.testing.assert_array_equal(J[2], np.zeros(3))  # a constant leaf


def in_tuple(p):
    a, b = p
    return np.sin(a) * np.sum(b**2)


def in_list(p):
    return [p[0] * p[1][0], np.tanh(p[1]) * p[2]]


def in_dict(p):
    return {"u": np.exp(p["w"]) @ p["m"], "v": p["s"] * p["w"]}


INPUT_PYTREES = [
    (in_tuple, (np.array([0.3, 0.5]), np.array([1.0, 2.0, 3.0]))),
    (in_list, [np.array([0.3, -0.5]), np.array([[1.0, 2.0], [0.5, 0.1]]), 0.7]),
    (
        in_dict,
        {"w": np.array([0.2, -0.1]), "m": np.array([[1.0, 2.0, 3.0], [0.5, 0.1, -1]]), "s": 1.5},
    ),
]


@pytest.mark.parametrize("f,p", INPUT_PYTREES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev, srcad.jacobian])
def test_jacobian_with_respect_to_a_pytree_argument(f, p, transform):
    assert_same_tree(transform(f)(p), fd_pytree_jacobian(f, (p,)))


@pytest.mark.parametrize("f,p", INPUT_PYTREES, ids=lambda v: getattr(v, "__name__", ""))
def test_jacfwd_and_jacrev_agree_on_pytrees(f, p):
    assert_same_tree(srcad.jacfwd(f)(p), srcad.jacrev(f)(p), rtol=1e-12, atol=1e-12)


def two_pytrees(x, p, scale):
    return {"a": (x * p["w"], np.sum(x) * p["c"]), "b": [scale * p["w"][:1]]}


@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev, srcad.jacobian])
def test_tuple_argnums_put_a_tuple_at_each_output_leaf(transform):
    x, p = np.array([0.3, -0.4]), {"w": np.array([1.5, 2.0]), "c": 0.5}
    J = transform(two_pytrees, argnums=(0, 1))(x, p, 2.0)
    assert type(J["a"][0]) is tuple and len(J["a"][0]) == 2
    assert J["a"][0][0].shape == (2, 2) and J["a"][0][1]["c"].shape == (2,)
    assert J["a"][1][1]["c"].shape == () and J["b"][0][1]["w"].shape == (1, 2)
    assert_same_tree(J, fd_pytree_jacobian(lambda x, p: two_pytrees(x, p, 2.0), (x, p), (0, 1)))
    # One argument of a tuple argnums: still a tuple at each leaf (as JAX has it).
    J = transform(two_pytrees, argnums=(1,))(x, p, 2.0)
    assert type(J["b"][0]) is tuple and len(J["b"][0]) == 1
    assert_same_tree(J, fd_pytree_jacobian(lambda x, p: two_pytrees(x, p, 2.0), (x, p), (1,)))


def scalar_of_tuple(p):
    a, b = p
    return np.sum(np.sin(a)) * b**2 + np.sum(a * a) * b


def scalar_of_dict(p):
    return np.sum(np.sin(p["a"])) * np.sum(p["b"] ** 2)


def test_hessian_of_a_function_of_a_tuple_argument():
    a, b = np.array([0.3, 0.5]), 2.0
    H = srcad.hessian(scalar_of_tuple)((a, b))
    haa = np.diag(-np.sin(a) * b**2 + 2 * b)
    hab = np.cos(a) * 2 * b + 2 * a
    hbb = 2 * np.sum(np.sin(a))
    want = ((haa, hab), (hab, np.asarray(hbb)))
    assert_same_tree(H, want, rtol=1e-12, atol=1e-12)
    for outer, inner in [
        (srcad.jacfwd, srcad.jacrev),
        (srcad.jacrev, srcad.jacrev),
        (srcad.jacrev, srcad.grad),
        (srcad.jacfwd, srcad.jacfwd),
    ]:
        assert_same_tree(outer(inner(scalar_of_tuple))((a, b)), want, rtol=1e-12, atol=1e-12)


def test_hessian_of_a_function_of_a_dict_argument():
    p = {"a": np.array([0.3, 0.5]), "b": np.array([2.0, -1.0, 0.5])}
    H = srcad.hessian(scalar_of_dict)(p)
    assert list(H) == ["a", "b"] and list(H["a"]) == ["a", "b"]
    assert H["a"]["b"].shape == (2, 3) and H["b"]["a"].shape == (3, 2)
    grad = srcad.grad(scalar_of_dict)
    assert_same_tree(H, fd_pytree_jacobian(grad, (p,)), rtol=1e-6, atol=1e-7)
    assert_same_tree(srcad.jacrev(srcad.jacrev(scalar_of_dict))(p), H, rtol=1e-12, atol=1e-12)


def test_hessian_with_tuple_argnums_nests_tuples():
    def f(x, y):
        return np.sum(x**2 * y) + np.sum(y**3)

    x, y = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    (hxx, hxy), (hyx, hyy) = srcad.hessian(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(hxx, np.diag(2 * y))
    np.testing.assert_allclose(hxy, np.diag(2 * x))
    np.testing.assert_allclose(hyx, np.diag(2 * x))
    np.testing.assert_allclose(hyy, np.diag(6 * y))


@pytest.mark.parametrize("outer", [srcad.jacfwd, srcad.jacrev])
@pytest.mark.parametrize("inner", [srcad.jacfwd, srcad.jacrev])
def test_jacobian_of_the_jacobian_of_a_pytree_output(outer, inner):
    x = np.array([0.3, 0.5, -0.8])
    first = inner(out_nested)
    second = outer(first)(x)
    assert_same_tree(second, fd_pytree_jacobian(srcad.jacfwd(out_nested), (x,)))
    assert second["pair"][1][0].shape == (3, 3, 3, 3)


def test_jacobian_of_the_jacobian_with_respect_to_a_pytree_argument():
    f, p = INPUT_PYTREES[1]
    want = fd_pytree_jacobian(srcad.jacrev(f), (p,))
    for outer in (srcad.jacfwd, srcad.jacrev):
        for inner in (srcad.jacfwd, srcad.jacrev):
            assert_same_tree(outer(inner(f))(p), want)


def test_a_non_numeric_output_is_refused_for_jacobians():
    def f(x):
        return x * 2.0, "label"

    for transform in (srcad.jacfwd, srcad.jacrev):
        with pytest.raises(srcad.SrcadError, match="holds a str") as info:
            transform(f)(np.ones(2))
        assert "hint:" in str(info.value)


def test_none_in_an_output_is_a_pytree_without_leaves_as_in_jax():
    def f(x):
        return x * 2.0, None

    for transform in (srcad.jacfwd, srcad.jacrev):
        jac, nothing = transform(f)(np.ones(2))
        np.testing.assert_array_equal(jac, 2.0 * np.eye(2))
        assert nothing is None


def test_jacobian_checks_its_arguments_before_choosing_a_mode():
    """jacobian sizes the arguments to pick a mode: a missing argument or a non-numeric leaf
    must get srcad's own error, not an IndexError from the sizing."""

    def f(x, y=1.0):
        return x * y

    with pytest.raises(srcad.SrcadError, match="argnums 1 refers to argument 'y'"):
        srcad.jacobian(f, argnums=1)(np.ones(2))

    def g(p):
        return p[0] * 2.0

    with pytest.raises(srcad.SrcadError, match=r"argument 'p'\[1\] is None"):
        srcad.jacobian(g)((np.ones(2), None))


def test_second_order_jacobian_of_a_vector_times_a_stack_of_matrices():
    # jacrev's cotangents are a stack of matrices; jacfwd's directions must go before them
    # (matmul_jvp_x broadcast the two against each other and raised ValueError).
    def f(x):
        return np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))

    def jacobian(x):  # written out: d f_ij / d x_k
        eye = np.eye(len(x))
        product = eye[:, None, :] * x[None, :, None] + x[:, None, None] * eye[None, :, :]
        return np.cos(np.outer(x, x))[..., None] * product - np.sin(x @ x) * 2 * x

    x = np.array([0.3, -0.7])
    eps = 1e-6
    expected = np.stack(
        [(jacobian(x + eps * e) - jacobian(x - eps * e)) / (2 * eps) for e in np.eye(2)], -1
    )
    hessian = srcad.jacfwd(srcad.jacrev(f))(x)
    assert hessian.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(srcad.jacrev(f)(x), jacobian(x), atol=1e-12)
    np.testing.assert_allclose(hessian, expected, atol=1e-7)
    np.testing.assert_allclose(srcad.jacrev(srcad.jacfwd(f))(x), expected, atol=1e-7)
    np.testing.assert_allclose(srcad.jacfwd(srcad.jacfwd(f))(x), expected, atol=1e-7)


def test_list_argument_given_to_a_numpy_function():
    # np.append's adjoint of a list is one array: grad, vjp and jacrev lay it out as the list.
    from helpers import function_from_source

    f = function_from_source(
        """
        def f(A, b):
            return np.append(A, b) * np.array([1.0, 10.0, 100.0, 1000.0])
        """,
        "f",
    )
    A = [1.0, 2.0, 3.0]
    out, pullback = srcad.vjp(f, A, 4.0)
    grads = pullback(np.ones(4))
    assert isinstance(grads[0], list)
    np.testing.assert_allclose(grads[0], [1.0, 10.0, 100.0])
    g = srcad.grad(lambda A: np.sum(f(A, 4.0)))(A)
    assert isinstance(g, list)
    np.testing.assert_allclose(g, [1.0, 10.0, 100.0])
    forward, reverse = srcad.jacfwd(f)(A, 4.0), srcad.jacrev(f)(A, 4.0)
    assert isinstance(forward, list) and isinstance(reverse, list)
    for a, b in zip(forward, reverse):
        np.testing.assert_allclose(a, b)
    srcad.check_grads(f, (A, 4.0), order=2)


def test_jacfwd_through_an_item_assignment_of_a_scalar_at_repeated_positions():
    # Found by the fuzzer: with direction axes, the scalar's tangent (one value per direction)
    # must broadcast into the indexed positions after the direction axis.
    def f(x0):
        v0 = 1.0 * x0 + np.zeros((2,))
        v0[[1, 1, 0]] = np.sum(x0, axis=0)
        return np.sin(0.5 * np.ones((3,))) + np.mean(v0)

    x = np.array([0.3, -0.2])
    np.testing.assert_allclose(srcad.jacfwd(f)(x), np.ones((3, 2)))
    np.testing.assert_allclose(srcad.jacrev(f)(x), np.ones((3, 2)))


# Joins whose entries are Python lists of scalars: the derivative of a list entry is a list
# of items carrying the direction axis (as for np.array). jacrev used to index that axis
# instead of the item (a silently wrong row), jacfwd to stack it in the wrong place.
def join_scalar_list(x):
    return np.concatenate([x[:2], [np.sum(x * x)]])


def join_nested_lists(x):
    pair = [x[0] * x[1], np.sum(x)]
    return np.concatenate([x[:1], pair]) * np.sum(np.asarray(pair))


def stack_of_lists(x):
    return np.stack([[x[0], x[1] ** 2], x[1:]]).ravel()


def vstack_of_lists(x):
    return np.vstack([[np.sin(x[0]), x[2]], x[:2] * x[2]]).ravel()


def hstack_of_list(x):
    return np.hstack([[x[2] ** 3], x, [np.prod(x)]])


@pytest.mark.parametrize(
    "f", [join_scalar_list, join_nested_lists, stack_of_lists, vstack_of_lists, hstack_of_list]
)
def test_joins_of_python_lists_against_finite_differences(f):
    x = np.array([0.3, -0.2, 0.7])
    want = fd_jacobian(f, x)
    np.testing.assert_allclose(srcad.jacrev(f)(x), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcad.jacfwd(f)(x), want, rtol=1e-6, atol=1e-8)
    w = np.linspace(1.0, 2.0, want.shape[0])
    np.testing.assert_allclose(
        srcad.grad(lambda x: np.sum(f(x) * w))(x), w @ want, rtol=1e-6, atol=1e-8
    )


# x[idx] = v where v has fewer axes than x[idx]: v's tangent keeps its direction axis first.
# With as many directions as x[idx] has items, numpy broadcast it along the items instead
# (jacfwd gave the transposed Jacobian, silently); with others it raised.
def set_slice_to_scalar(x):
    v = np.ones(2)
    v[0:2] = x[0] * 2.0 + x[1] * 3.0
    return v


def set_repeated_items_to_scalar(x):
    v = np.ones(3)
    v[[1, 1, 0]] = np.sum(x * x)
    return v * x[0]


def set_rows_to_vector(x):
    m = np.zeros((3, 2))
    m[1:] = x[:2] * x[2]
    return m.ravel()


@pytest.mark.parametrize(
    "f, n", [(set_slice_to_scalar, 2), (set_repeated_items_to_scalar, 3), (set_rows_to_vector, 3)]
)
def test_setitem_of_fewer_axes_against_finite_differences(f, n):
    x = np.array([0.3, -0.2, 0.7])[:n]
    want = fd_jacobian(f, x)
    np.testing.assert_allclose(srcad.jacfwd(f)(x), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcad.jacrev(f)(x), want, rtol=1e-6, atol=1e-8)


_clipped = srcad.custom_vjp(lambda x: x * 1.0)
_clipped.defvjp(lambda x: (x * 1.0, None), lambda res, g: (np.clip(g, -1.0, 1.0),))


def test_hessian_through_a_backward_function_without_residuals():
    # The gradient's tangent comes from a callee whose differentiated argument (the None
    # residuals) holds no array: its zero had no direction axis, and the Jacobian's reshape
    # failed. The gradient, 0.5 everywhere, does not depend on x.
    def f(x):
        return np.sum(_clipped(x) * 0.5)

    x = np.array([0.3, -0.7, 1.2])
    np.testing.assert_array_equal(srcad.hessian(f)(x), np.zeros((3, 3)))


def test_hessian_of_logsumexp():
    # rt.divide of a seed without a tangent (the gradient's) must stay a shapeless zero
    def lse(x):
        m = np.max(x)
        return m + np.log(np.sum(np.exp(x - m)))

    x = np.array([0.3, 0.8, -1.3, 0.1])
    p = np.exp(x - np.max(x))
    p /= p.sum()
    np.testing.assert_allclose(srcad.hessian(lse)(x), np.diag(p) - np.outer(p, p), atol=1e-14)
