"""Class 9: callables whose names are not identifiers (lambdas bound to names, custom rules
written as lambdas, functions renamed by hand or by a decorator), names that collide once
made identifiers, and names srcad uses itself. Every generated name must be a valid,
unique identifier whatever __name__ a function has."""

from __future__ import annotations

import functools
import types

import numpy as np

import srcad

from .case import Cases

CASES = Cases(__name__, 9)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])

sq = lambda p: p * p  # noqa: E731
cube = lambda p: p * p * p  # noqa: E731
scaled = lambda p, k=2.0: p * k  # noqa: E731
OPS = {"sq": lambda p: p * p, "sin": lambda p: np.sin(p)}
compose = lambda f, g: lambda x: f(g(x))  # noqa: E731
sin_of_cos = compose(np.sin, np.cos)
λ = lambda p: np.exp(p) * 0.5  # noqa: E731


def _renamed(name, fn):
    fn.__name__ = name
    fn.__qualname__ = name
    return fn


def _h_square(p):
    return p * p


def _h_sin(p):
    return np.sin(p) * 2.0


def _h_exp(p):
    return np.exp(p)


def _h_tanh(p):
    return np.tanh(p) * 3.0


def _h_cos(p):
    return np.cos(p)


def _h_log(p):
    return np.log(1.0 + p * p)


dash = _renamed("my-helper", _h_square)
keyword = _renamed("lambda", _h_sin)
digits = _renamed("1st", _h_exp)
spaced = _renamed("a b", _h_tanh)
shadow_np = _renamed("np", _h_cos)
empty = _renamed("", _h_log)


def _h_a(p):
    return p * 2.0


def _h_b(p):
    return p * 3.0


a_dash_b = _renamed("a-b", _h_a)
a_under_b = _renamed("a_b", _h_b)


def _h_rt(p):
    return p * 4.0


srcad_rt = _h_rt  # the name generated code gives srcad.runtime


def t(p):
    return p + 1.0


def bx(p):
    return np.sin(p) * p


def d(p):
    return p * p * 0.5


def ƒ(p):  # noqa: PLC2401
    return np.cos(p) * p


# -------------------------------------------------------------------------------------- lambdas
@CASES(X)
def calls_module_lambda(x):
    return np.sum(sq(x))


@CASES(1.3)
def calls_module_lambda_float(p):
    return sq(p)


@CASES(X)
def calls_two_module_lambdas(x):
    return np.sum(sq(x) + cube(x))


@CASES(X)
def calls_lambda_with_default(x):
    return np.sum(scaled(x) * W)


@CASES(X)
def calls_lambda_in_dict(x):
    return np.sum(OPS["sq"](x) + OPS["sin"](x))


@CASES(X)
def calls_composed_lambda(x):
    return np.sum(sin_of_cos(x))


@CASES(X)
def calls_unicode_lambda(x):
    return np.sum(λ(x))


@CASES(X)
def local_lambdas_same_name(x):
    f1 = lambda v: v * 2.0  # noqa: E731
    f2 = lambda v: np.sin(v)  # noqa: E731
    return np.sum(f1(x) * f2(x))


@CASES(X)
def lambda_called_in_loop(x):
    total = 0.0
    for k in range(2):
        total = total + np.sum(sq(x) * k)
    return total


@CASES(X)
def vector_output_module_lambda(x):
    return sq(x) + cube(x)


# ---------------------------------------------------------------------- custom rules as lambdas
soft = srcad.custom_jvp(lambda x: np.log1p(np.exp(x)))
soft.defjvp(lambda primals, tangents: (soft(primals[0]), tangents[0] / (1.0 + np.exp(-primals[0]))))

clip_grad = srcad.custom_vjp(lambda x: x * 1.0)
clip_grad.defvjp(lambda x: (x * 1.0, None), lambda res, g: (np.clip(g, -1.0, 1.0),))


def _plain_double(x):
    return x * 2.0


twice = srcad.custom_jvp(_plain_double)
twice.defjvp(lambda primals, tangents: (twice(primals[0]), 2.0 * tangents[0]))


@CASES(X)
def custom_jvp_lambda_everything(x):
    return np.sum(soft(x) * W)


@CASES(X, checks="grad vjp")
def custom_vjp_lambda_everything(x):
    return np.sum(clip_grad(x) * 0.5)


@CASES(X)
def custom_jvp_rule_lambda(x):
    return np.sum(twice(x) ** 2)


# ---------------------------------------------------------------------------- renamed functions
@CASES(X)
def calls_dashed_name(x):
    return np.sum(dash(x) * W)


@CASES(X)
def calls_keyword_name(x):
    return np.sum(keyword(x))


@CASES(X)
def calls_digit_name(x):
    return np.sum(digits(x))


@CASES(X)
def calls_spaced_name(x):
    return np.sum(spaced(x))


@CASES(X)
def calls_helper_named_np(x):
    return np.sum(shadow_np(x) * np.exp(x))


@CASES(X)
def calls_empty_name(x):
    return np.sum(empty(x))


@CASES(X)
def calls_names_colliding_as_identifiers(x):
    return np.sum(a_dash_b(x) * a_under_b(x))


@CASES(X)
def calls_helper_named_srcad_rt(x):
    return np.sum(srcad_rt(x) ** 2)


@CASES(X)
def calls_helpers_named_like_temporaries(x):
    return np.sum(t(x) * bx(x) + d(x))


@CASES(X)
def calls_unicode_function(x):
    return np.sum(ƒ(x))


def _function_named(name):
    def fn(x):
        return np.sum(np.sin(x) * x)

    fn.__name__ = name
    fn.__qualname__ = name
    return fn


for _name, _label in [
    ("my-func", "dash"),
    ("class", "keyword"),
    ("9lives", "digit"),
    ("f.g", "dot"),
    ("<locals>", "angle"),
    ("np", "np"),
    ("grad_f", "grad_prefix"),
    ("x", "parameter"),
]:
    CASES.add(_function_named(_name), X, name=f"function_named_{_label}")


def _renamed_vector(x):
    return np.sin(x) * 2.0


CASES.add(_renamed("vec-out", _renamed_vector), X, name="function_named_dash_vector_output")


# ------------------------------------------------------------------------------ other callables
class Scale:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return x * self.k


SCALE3 = Scale(3.0)
HALF_POWER = functools.partial(np.power, 2.0)
PARTIAL_HELPER = functools.partial(scaled, k=5.0)


def _logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


@_logged
def _decorated_helper(x):
    return np.sin(x) * x


_made = types.FunctionType(_h_square.__code__, globals(), "<made>")


@CASES(X)
def calls_callable_instance(x):
    return np.sum(SCALE3(x) ** 2)


@CASES(X)
def calls_partial_of_numpy(x):
    return np.sum(HALF_POWER(x))


@CASES(X)
def calls_partial_of_lambda(x):
    return np.sum(PARTIAL_HELPER(x) * W)


@CASES(X)
def calls_wraps_decorated_helper(x):
    return np.sum(_decorated_helper(x))


@CASES(X)
def calls_function_type_named_made(x):
    return np.sum(_made(x) * W)
