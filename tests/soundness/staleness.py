"""Class 7: generated code that goes stale. Every procedure differentiates, changes
something the derivative depends on (a module attribute reached through a chain, defaults,
a closure cell, a class attribute, a custom rule, the source file on disk, the function's
code object), and differentiates again: the second derivative must be that of the code that
runs now (finite differences say which), or srcad must refuse with a located error.
Each procedure restores what it changed."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import textwrap
import types
from unittest import mock

import numpy as np

import srcad

from . import _userlib
from .case import Cases

CASES = Cases(__name__, 7)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])

CFG = types.SimpleNamespace(act=np.cos, scale=2.0, model=types.SimpleNamespace(act=np.cos))
PARAMS = {"act": np.cos, "scale": 2.0}
ACTS = [np.cos]
SCALE = 2.0
act = np.cos
COEF = np.array([1.0, 2.0, 3.0])


class Model:
    scale = 2.0


class Layer:
    def act(self, x):
        return np.cos(x)


LAYER = Layer()
_counter = itertools.count()


def _tanh_layer(self, x):
    return np.tanh(x)


def _h_cos(x):
    return np.cos(x)


def _h_sin(x):
    return np.sin(x)


HELPER = _h_cos


# ----------------------------------------------------------------------------- attribute chains
def uses_cfg_act(x):
    return np.sum(CFG.act(x) * W)


@CASES.procedure()
def namespace_attribute_swapped(ctx):
    try:
        ctx.check(uses_cfg_act, X)
        CFG.act = np.sin
        ctx.check(uses_cfg_act, X)
    finally:
        CFG.act = np.cos


@CASES.procedure()
def namespace_attribute_swapped_same_transform(ctx):
    g = srcad.grad(uses_cfg_act)
    try:
        first = g(X)
        CFG.act = np.sin
        ctx.expect("grad after CFG.act = np.sin", g(X), np.cos(X) * W)
        ctx.expect("grad before", first, -np.sin(X) * W)
    finally:
        CFG.act = np.cos


def uses_cfg_scale(x):
    return np.sum(x * x) * CFG.scale


@CASES.procedure()
def namespace_number_changed(ctx):
    try:
        ctx.check(uses_cfg_scale, X)
        CFG.scale = 5.0
        ctx.check(uses_cfg_scale, X)
    finally:
        CFG.scale = 2.0


def uses_deep_chain(x):
    return np.sum(CFG.model.act(x))


@CASES.procedure()
def deep_chain_swapped(ctx):
    try:
        ctx.check(uses_deep_chain, X)
        CFG.model.act = np.tanh
        ctx.check(uses_deep_chain, X)
        CFG.model = types.SimpleNamespace(act=np.exp)
        ctx.check(uses_deep_chain, X)
    finally:
        CFG.model = types.SimpleNamespace(act=np.cos)


def uses_params_entry(x):
    return np.sum(PARAMS["act"](x)) * PARAMS["scale"]


@CASES.procedure()
def dict_entry_swapped(ctx):
    try:
        ctx.check(uses_params_entry, X)
        PARAMS["act"] = np.sin
        PARAMS["scale"] = 3.0
        ctx.check(uses_params_entry, X)
    finally:
        PARAMS.update(act=np.cos, scale=2.0)


def uses_list_entry(x):
    return np.sum(ACTS[0](x))


@CASES.procedure()
def list_entry_swapped(ctx):
    try:
        ctx.check(uses_list_entry, X)
        ACTS[0] = np.exp
        ctx.check(uses_list_entry, X)
    finally:
        ACTS[0] = np.cos


def uses_library_act(x):
    return np.sum(_userlib.act(x) * W)


@CASES.procedure()
def mock_patch_object_module_attribute(ctx):
    ctx.check(uses_library_act, X)
    with mock.patch.object(_userlib, "act", np.sin):
        ctx.check(uses_library_act, X)
    ctx.check(uses_library_act, X)


@CASES.procedure()
def mock_patch_string_module_attribute(ctx):
    ctx.check(uses_library_act, X)
    with mock.patch(f"{_userlib.__name__}.act", np.exp):
        ctx.check(uses_library_act, X)


def uses_library_apply(x):
    return np.sum(_userlib.apply(x))


@CASES.procedure()
def mock_patch_global_of_followed_module(ctx):
    ctx.check(uses_library_apply, X)
    with mock.patch.object(_userlib, "act", np.sin):
        ctx.check(uses_library_apply, X)
    with mock.patch.object(_userlib, "SCALE", 5.0):
        ctx.check(uses_library_apply, X)


def uses_library_layer(x, w):
    return np.sum(_userlib.layer(x, w))


@CASES.procedure()
def mock_patch_layer_activation(ctx):
    m = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])
    ctx.check(uses_library_layer, X, m)
    with mock.patch.object(_userlib, "act", np.sin):
        ctx.check(uses_library_layer, X, m)


def uses_class_attribute(x):
    return np.sum(x * x) * Model.scale


@CASES.procedure()
def class_attribute_changed(ctx):
    try:
        ctx.check(uses_class_attribute, X)
        Model.scale = 7.0
        ctx.check(uses_class_attribute, X)
    finally:
        Model.scale = 2.0


def uses_layer_method(x):
    return np.sum(LAYER.act(x))


@CASES.procedure()
def method_replaced_on_class(ctx):
    original = Layer.act
    try:
        ctx.check(uses_layer_method, X)
        Layer.act = _tanh_layer
        ctx.check(uses_layer_method, X)
    finally:
        Layer.act = original


@CASES.procedure()
def method_shadowed_on_instance(ctx):
    try:
        ctx.check(uses_layer_method, X)
        LAYER.act = np.sin
        ctx.check(uses_layer_method, X)
    finally:
        del LAYER.act


# --------------------------------------------------------------------- globals, defaults, cells
def uses_global_scale(x):
    return np.sum(x**2) * SCALE


@CASES.procedure()
def global_number_rebound(ctx):
    global SCALE
    try:
        ctx.check(uses_global_scale, X)
        SCALE = 4.0
        ctx.check(uses_global_scale, X)
    finally:
        SCALE = 2.0


def uses_global_act(x):
    return np.sum(act(x))


@CASES.procedure()
def global_function_rebound(ctx):
    global act
    try:
        ctx.check(uses_global_act, X)
        act = np.sin
        ctx.check(uses_global_act, X)
    finally:
        act = np.cos


def uses_global_helper(x):
    return np.sum(HELPER(x) * W)


@CASES.procedure()
def global_helper_rebound(ctx):
    global HELPER
    try:
        ctx.check(uses_global_helper, X)
        HELPER = _h_sin
        ctx.check(uses_global_helper, X)
    finally:
        HELPER = _h_cos


def uses_global_array(x):
    return np.sum(COEF * x**2)


@CASES.procedure()
def global_array_changed_in_place(ctx):
    try:
        ctx.check(uses_global_array, X)
        COEF[:] = [4.0, 5.0, 6.0]
        ctx.check(uses_global_array, X)
    finally:
        COEF[:] = [1.0, 2.0, 3.0]


def with_default(x, k=2.0):
    return np.sum(x**k)


@CASES.procedure()
def defaults_replaced(ctx):
    try:
        ctx.check(with_default, X, argnums=0, checks="grad")
        with_default.__defaults__ = (3.0,)
        ctx.check(with_default, X, argnums=0, checks="grad")
    finally:
        with_default.__defaults__ = (2.0,)


def _helper_with_default(x, k=2.0):
    return x * k


def calls_helper_with_default(x):
    return np.sum(_helper_with_default(x) ** 2)


@CASES.procedure()
def helper_defaults_replaced(ctx):
    try:
        ctx.check(calls_helper_with_default, X)
        _helper_with_default.__defaults__ = (5.0,)
        ctx.check(calls_helper_with_default, X)
    finally:
        _helper_with_default.__defaults__ = (2.0,)


def with_kwdefault(x, *, k=2.0):
    return np.sum(x * k)


@CASES.procedure()
def kwdefaults_replaced(ctx):
    try:
        ctx.check(with_kwdefault, X, checks="grad")
        with_kwdefault.__kwdefaults__ = {"k": 3.0}
        ctx.check(with_kwdefault, X, checks="grad")
    finally:
        with_kwdefault.__kwdefaults__ = {"k": 2.0}


def _make_scaled():
    k = 2.0

    def scaled(x):
        return np.sum(x * x) * k

    def set_k(value):
        nonlocal k
        k = value

    return scaled, set_k


@CASES.procedure()
def closure_cell_changed(ctx):
    scaled, set_k = _make_scaled()
    ctx.check(scaled, X)
    set_k(6.0)
    ctx.check(scaled, X)


def _code_sin(x):
    return np.sum(np.sin(x))


def _code_exp(x):
    return np.sum(np.exp(x))


@CASES.procedure()
def code_object_replaced(ctx):
    f = types.FunctionType(_code_sin.__code__, _code_sin.__globals__, "f_code")
    ctx.check(f, X)
    f.__code__ = _code_exp.__code__
    ctx.check(f, X)


# --------------------------------------------------------------------------------- custom rules
@srcad.custom_vjp
def _clipped(x):
    return x * 1.0


def _clipped_fwd(x):
    return x * 1.0, None


def _bwd_two(res, g):
    return (2.0 * g,)


def _bwd_three(res, g):
    return (3.0 * g,)


def uses_custom_vjp(x):
    return np.sum(_clipped(x) * W)


@CASES.procedure()
def custom_vjp_registered_again(ctx):
    try:
        _clipped.defvjp(_clipped_fwd, _bwd_two)
        ctx.expect("grad with bwd 2 g", srcad.grad(uses_custom_vjp)(X), 2.0 * W)
        _clipped.defvjp(_clipped_fwd, _bwd_three)
        ctx.expect("grad with bwd 3 g", srcad.grad(uses_custom_vjp)(X), 3.0 * W)
    finally:
        _clipped.defvjp(_clipped_fwd, _bwd_two)


@CASES.procedure()
def custom_vjp_registered_again_same_transform(ctx):
    g = srcad.grad(uses_custom_vjp)
    try:
        _clipped.defvjp(_clipped_fwd, _bwd_two)
        ctx.expect("grad with bwd 2 g", g(X), 2.0 * W)
        _clipped.defvjp(_clipped_fwd, _bwd_three)
        ctx.expect("grad with bwd 3 g", g(X), 3.0 * W)
    finally:
        _clipped.defvjp(_clipped_fwd, _bwd_two)


@srcad.custom_jvp
def _soft(x):
    return np.log1p(np.exp(x))


def _soft_jvp_true(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _soft(x), dx / (1.0 + np.exp(-x))


def _soft_jvp_double(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _soft(x), 2.0 * dx / (1.0 + np.exp(-x))


def uses_custom_jvp(x):
    return np.sum(_soft(x))


@CASES.procedure()
def custom_jvp_registered_again(ctx):
    sigmoid = 1.0 / (1.0 + np.exp(-X))
    try:
        _soft.defjvp(_soft_jvp_true)
        ctx.expect("grad with the true rule", srcad.grad(uses_custom_jvp)(X), sigmoid)
        _, t = srcad.jvp(uses_custom_jvp, (X,), (np.ones(3),))
        ctx.expect("jvp with the true rule", t, np.sum(sigmoid))
        _soft.defjvp(_soft_jvp_double)
        ctx.expect("grad with the doubled rule", srcad.grad(uses_custom_jvp)(X), 2.0 * sigmoid)
        _, t = srcad.jvp(uses_custom_jvp, (X,), (np.ones(3),))
        ctx.expect("jvp with the doubled rule", t, 2.0 * np.sum(sigmoid))
    finally:
        _soft.defjvp(_soft_jvp_true)


# ------------------------------------------------------------------------- files edited on disk
def _write_module(ctx, text: str):
    path = ctx.tmp_path / f"edited_{next(_counter)}.py"
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    ctx.files.add(str(path))
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return path, module


def _reload(path):
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@CASES.procedure()
def file_edited_after_import(ctx):
    path, module = _write_module(
        ctx,
        """
        import numpy as np

        def f(x):
            return np.sum(np.sin(x))
        """,
    )
    ctx.check(module.f, X)
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.cos(x) * 2.0)\n\n")
    ctx.check(module.f, X)


@CASES.procedure()
def file_edited_before_first_transform(ctx):
    path, module = _write_module(
        ctx,
        """
        import numpy as np

        def f(x):
            return np.sum(x ** 3)
        """,
    )
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.exp(x)) * 3.0\n")
    ctx.check(module.f, X)


@CASES.procedure()
def file_edited_lines_shifted(ctx):
    path, module = _write_module(
        ctx,
        """
        import numpy as np

        def f(x):
            return np.sum(np.sin(x))

        def g(x):
            return np.sum(x ** 2)
        """,
    )
    ctx.check(module.f, X)
    ctx.check(module.g, X)
    path.write_text(
        "import numpy as np\n\n\ndef g(x):\n    return np.sum(x ** 4)\n\n\n"
        "def f(x):\n    return np.sum(np.tanh(x))\n"
    )
    ctx.check(module.f, X)
    ctx.check(module.g, X)


@CASES.procedure()
def file_edited_helper_only(ctx):
    path, module = _write_module(
        ctx,
        """
        import numpy as np

        def helper(x):
            return np.sin(x)

        def f(x):
            return np.sum(helper(x) * 2.0)
        """,
    )
    ctx.check(module.f, X)
    path.write_text(
        "import numpy as np\n\ndef helper(x):\n    return np.exp(x) * 3.0\n\n"
        "def f(x):\n    return np.sum(helper(x) * 2.0)\n"
    )
    ctx.check(module.f, X)


@CASES.procedure()
def file_edited_then_reloaded(ctx):
    path, module = _write_module(
        ctx,
        """
        import numpy as np

        def f(x):
            return np.sum(np.sin(x))
        """,
    )
    old_f = module.f
    ctx.check(old_f, X)
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.cos(x) * x)\n\n\n")
    new = _reload(path)
    ctx.check(new.f, X)
    ctx.check(old_f, X)
