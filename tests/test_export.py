"""srcad.export: a derivative written as a standalone module, run where srcad cannot be
imported, against hand-written numpy derivatives and finite differences; the argument
check the exported code makes; refusals."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

import srcad

RNG = np.random.default_rng(3)


# -- functions exported --------------------------------------------------------------------
def mlp_loss(W1, W2, x):
    return np.sum((np.tanh(x @ W1) @ W2) ** 2)


def mlp_grad_by_hand(W1, W2, x):
    h = np.tanh(x @ W1)
    go = 2.0 * (h @ W2)
    return x.T @ ((go @ W2.T) * (1.0 - h * h)), h.T @ go


def example_loss(params, x, y):
    W1, b1, W2, b2 = params
    h = np.tanh(x @ W1 + b1)
    return np.mean((h @ W2 + b2 - y) ** 2)


def per_example_by_hand(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    err = (h @ W2 + b2 - Y) * (2.0 / Y.shape[1])
    gh = (err @ W2.T) * (1.0 - h * h)
    return X[:, :, None] * gh[:, None, :], gh, h[:, :, None] * err[:, None, :], err


A = RNG.standard_normal((2, 3))
SCALE = 0.5
TABLE = {"shift": 0.25, "powers": (1.0, 2.0)}


def inner(x):
    return np.sin(x) * SCALE + TABLE["shift"]


def mixed(x):
    """Helpers of several kinds: a callee, globals (an array, a float, a dict of tuples),
    kinks (abs, maximum), a norm, a reduction that broadcasts back."""
    y = inner(A @ x)
    z = np.abs(y) + np.maximum(y, 0.1) ** TABLE["powers"][1]
    return np.concatenate([z, x[:1] * (np.linalg.norm(x) + np.sum(x * x))])


def mixed_sum(x):
    return np.sum(mixed(x) ** 2)


def numeric_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = eps
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(np.shape(f(x)) + x.shape)


def load(text: str) -> dict:
    """The exported module's namespace, imported from its text."""
    module = types.ModuleType("exported_for_test")
    sys.modules[module.__name__] = module
    try:
        exec(compile(text, "<exported>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


# -- running with numpy alone ----------------------------------------------------------------
# The exported module is imported by a fresh interpreter (-I -S: no site-packages, no
# current directory) that sees numpy's directory only, with srcad, scipy, jax and autograd
# made unimportable; it reports every non-standard-library module that ended up imported.
RUNNER = textwrap.dedent(
    """
    import importlib, importlib.abc, json, sys
    numpy_dir, module_dir, name, data, out, layout = sys.argv[1:7]

    class Forbid(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname.split(".")[0] in {"srcad", "scipy", "jax", "autograd"}:
                raise ImportError(f"{fullname} may not be imported here")
            return None

    sys.meta_path.insert(0, Forbid())
    sys.path += [numpy_dir, module_dir]
    import numpy as np

    arrays = np.load(data)
    flat = [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
    args = []
    for n in json.loads(layout):
        args.append(tuple(flat[:n]) if n > 1 else flat[0])
        flat = flat[n:]
    result = getattr(importlib.import_module(name), name)(*args)
    result = list(result) if isinstance(result, tuple) else [result]
    np.savez(out, *result)
    others = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names)
    print(json.dumps(sorted(others - {"numpy", "__main__", name})))
    """
)


def run_alone(tmp_path: Path, transformed, args: list, layout: list[int]) -> list[np.ndarray]:
    name = transformed.__name__
    srcad.export(transformed, tmp_path / f"{name}.py")
    flat = [a for arg, n in zip(args, layout) for a in (arg if n > 1 else [arg])]
    np.savez(tmp_path / "in.npz", *flat)
    numpy_dir = str(Path(np.__file__).parent.parent)
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", RUNNER, numpy_dir, str(tmp_path), name]
        + [str(tmp_path / "in.npz"), str(tmp_path / "out.npz"), json.dumps(layout)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []  # numpy and the standard library only
    out = np.load(tmp_path / "out.npz")
    return [out[f"arr_{i}"] for i in range(len(out.files))]


def test_mlp_gradient_runs_with_numpy_alone(tmp_path):
    x = RNG.standard_normal((8, 5))
    W1 = RNG.standard_normal((5, 6)) / 3
    W2 = RNG.standard_normal((6, 2)) / 3
    g = srcad.grad(mlp_loss, argnums=(0, 1))
    expected = g(W1, W2, x)
    got = run_alone(tmp_path, g, [W1, W2, x], [1, 1, 1])
    for a, b, c in zip(got, expected, mlp_grad_by_hand(W1, W2, x)):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(a, b)  # the same code: the same numbers


def test_vmap_of_grad_runs_with_numpy_alone(tmp_path):
    params = (
        RNG.standard_normal((4, 6)),
        RNG.standard_normal(6),
        RNG.standard_normal((6, 3)),
        RNG.standard_normal(3),
    )
    X, Y = RNG.standard_normal((16, 4)), RNG.standard_normal((16, 3))
    per_example = srcad.vmap(srcad.grad(example_loss), in_axes=(None, 0, 0))
    expected = per_example(params, X, Y)
    got = run_alone(tmp_path, per_example, [params, X, Y], [4, 1, 1])
    for a, b, c in zip(got, expected, per_example_by_hand(params, X, Y)):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(a, b)


# -- every transform, both modes --------------------------------------------------------------
X3 = np.array([0.3, -0.2, 0.7])


@pytest.mark.parametrize("name", ["jacfwd", "jacrev", "jacobian"])
def test_jacobians_against_finite_differences(name):
    t = getattr(srcad, name)(mixed)
    expected = t(X3)
    exported = load(srcad.export(t))[t.__name__]
    got = exported(X3)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got, numeric_jacobian(mixed, X3), rtol=1e-7, atol=1e-8)


def test_grad_value_and_grad_and_hessian_against_finite_differences():
    g = srcad.grad(mixed_sum)
    g(X3)
    grad = load(srcad.export(g))["grad_mixed_sum"]
    np.testing.assert_allclose(grad(X3), numeric_jacobian(mixed_sum, X3), rtol=1e-7)
    vg = srcad.value_and_grad(mixed_sum)
    vg(X3)
    value, gradient = load(srcad.export(vg))[vg.__name__](X3)
    assert value == mixed_sum(X3)
    np.testing.assert_array_equal(gradient, grad(X3))
    h = srcad.hessian(mixed_sum)
    h(X3)
    hess = load(srcad.export(h))[h.__name__]
    np.testing.assert_allclose(hess(X3), numeric_jacobian(grad, X3), rtol=1e-6, atol=1e-8)


def test_code_exported_before_any_call_is_generic():
    g = srcad.grad(mixed_sum)
    grad = load(srcad.export(g))["grad_mixed_sum"]
    np.testing.assert_allclose(grad(X3), numeric_jacobian(mixed_sum, X3), rtol=1e-7)
    g2 = srcad.grad(mlp_loss)
    generic = load(srcad.export(g2))["grad_mlp_loss"]
    W1, W2, x = np.ones((2, 2)) / 2, np.ones((2, 1)), np.ones((3, 2))
    np.testing.assert_allclose(generic(W1, W2, x), mlp_grad_by_hand(W1, W2, x)[0])


# -- the header and the argument check ----------------------------------------------------------
def test_header_names_function_file_line_arguments_and_version(tmp_path):
    g = srcad.grad(mlp_loss, argnums=(0, 1))
    g(np.ones((2, 3)), np.ones((3, 1)), np.ones((4, 2)))
    text = srcad.export(g, tmp_path / "grad.py")
    assert (tmp_path / "grad.py").read_text() == text
    header = text.split('"""')[1]
    line = mlp_loss.__code__.co_firstlineno
    assert f"grad_mlp_loss: generated by srcad {srcad.__version__} from mlp_loss" in header
    assert f"{__file__}:{line}" in header
    assert "W1: real array of rank 2, differentiated" in header
    assert "x: real array of rank 2\n" in header
    assert not re.search(r"^\s*(import|from) srcad", text, re.M)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.ones(3), "'W1' has 1 axes, not 2"),
        (np.ones((2, 3), dtype=int), "'W1' has dtype int64, not float64"),
        (np.ones((2, 3), dtype=np.float32), "'W1' has dtype float32"),
        (np.ones((2, 3)) + 0j, "'W1' is complex"),
        ("matrix", "'W1' is matrix, not a plain numpy array"),
        ([[1.0] * 3] * 2, "'W1' is list, not a number or an array"),
    ],
)
def test_exported_code_refuses_other_arguments(bad, message):
    g = srcad.grad(mlp_loss, argnums=(0, 1))
    g(np.ones((2, 3)), np.ones((3, 1)), np.ones((4, 2)))
    grad = load(srcad.export(g))["grad_mlp_loss"]
    if isinstance(bad, str):
        with pytest.warns(PendingDeprecationWarning):  # numpy's, on making one
            bad = np.matrix(np.ones((2, 3)))
    with pytest.raises(TypeError, match=message.replace("(", r"\(")):
        grad(bad, np.ones((3, 1)), np.ones((4, 2)))
    grad(np.ones((2, 3)), np.ones((3, 1)), np.ones((4, 2), dtype=int))  # data: any dtype


def test_exported_vmap_checks_batch_sizes():
    per_example = srcad.vmap(srcad.grad(example_loss), in_axes=(None, 0, 0))
    params = (np.ones((2, 3)), np.ones(3), np.ones((3, 1)), np.ones(1))
    per_example(params, np.ones((5, 2)), np.ones((5, 1)))
    exported = load(srcad.export(per_example))[per_example.__name__]
    with pytest.raises(TypeError, match="'y' has 4 examples, not 5"):
        exported(params, np.ones((5, 2)), np.ones((4, 1)))
    with pytest.raises(TypeError, match=r"'params' has items of ranks \[2, 1, 2, 2\]"):
        exported(params[:3] + (np.ones((1, 1)),), np.ones((5, 2)), np.ones((5, 1)))


# -- refusals -------------------------------------------------------------------------------
def test_refuses_what_is_not_a_transform():
    with pytest.raises(srcad.SrcadError, match="export expects a function made by srcad"):
        srcad.export(mlp_loss)


def test_refuses_code_wrapped_for_its_arguments():
    g = srcad.grad(mixed_sum)
    g(X3.astype(np.float32))  # srcad casts the gradient back to float32 around the code
    with pytest.raises(srcad.SrcadError, match="wraps its generated code"):
        srcad.export(g)
    h = srcad.grad(lambda z: np.sum(z * z).real, holomorphic=True)
    with pytest.raises(srcad.SrcadError, match="wraps its generated code"):
        srcad.export(h)


def test_refuses_vmap_with_moved_axes():
    v = srcad.vmap(np.sin, out_axes=1)
    v(np.ones((3, 2)))
    with pytest.raises(srcad.SrcadError, match="out_axes=0"):
        srcad.export(v)


class Opaque:
    scale = 2.0


OPAQUE = Opaque()


def uses_object(x):
    return np.sum(x * OPAQUE.scale)


def test_refuses_objects_without_source():
    g = srcad.grad(uses_object)
    g(X3)
    try:
        text = srcad.export(g)
    except srcad.SrcadError as exc:
        assert "cannot write out" in str(exc) and "OPAQUE" in str(exc)
    else:  # srcad folded the attribute into the code: then it must give the same numbers
        np.testing.assert_array_equal(load(text)["grad_uses_object"](X3), g(X3))


def apply_twice(f, x):
    return np.sum(f(f(x)))


def test_refuses_code_generated_for_a_function_argument():
    g = srcad.grad(apply_twice, argnums=1)
    np.testing.assert_allclose(g(np.sin, X3), np.cos(np.sin(X3)) * np.cos(X3))
    with pytest.raises(srcad.SrcadError, match="function passed as its argument 'f'"):
        srcad.export(g)
