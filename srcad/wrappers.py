"""Callables without Python source of their own, made into functions srcad can read.

Accepts what a JAX or autograd user hands a transform besides a plain function:
- a function srcad has a rule for, implemented in C (``grad(np.sin)``, ``jacfwd(np.tanh)``,
  ``grad(np.sum)``, ``grad(math.exp)``, ``grad(np.floor)``), or an operator function
  (``operator.mul``);
- a ``functools.partial`` of a function srcad can transform (``grad(partial(f, y=2.0))``);
- a bound method of a plain Python class (``grad(model.loss)``);
- an object whose class defines ``__call__`` in Python (``grad(model)``), and srcad's own
  `custom_jvp`, `custom_vjp` and `checkpoint` wrappers (``grad(log1pexp)``, as in JAX).

Guarantees: `transformable(fn)` returns `fn` itself when srcad reads it directly, else a
small generated ``def`` that calls it, whose source is registered in `linecache` (so it
reads, prints and steps like any other function), with the parameters the user sees:
those of the rule's template, of the partial's signature without what the partial fixed
by keyword, or of the method without `self`. What the wrapper holds fixed (the partial's
arguments, the method's object) are constants of the wrapper. Anything else is returned
unchanged, for the parser to explain.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import itertools
import linecache
import math
import operator
import types

import numpy as np

from .rules.template import lookup

_counter = itertools.count(1)
_NO_VALUE = getattr(np, "_NoValue", object())  # numpy's marker for "argument not passed"
_by_primitive: dict[int, tuple[object, types.FunctionType]] = {}


def transformable(fn):
    """`fn`, or a generated function calling it that srcad can read (see the module doc)."""
    if isinstance(fn, types.FunctionType) or hasattr(fn, "__srcad_function__"):
        return fn
    if isinstance(fn, functools.partial):
        return _partial(fn)
    if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
        return _method(fn)
    if _called_through(fn):
        return _callable_object(fn)
    rule = lookup(fn) if _hashable(fn) else None
    operator_expression = _OPERATORS.get(fn) if _hashable(fn) else None
    if operator_expression is not None or (
        rule is not None and (rule.nondiff or (rule.vjp or rule.jvp) is not None)
    ):
        known = _by_primitive.get(id(fn))
        if known is None or known[0] is not fn:
            if operator_expression is not None:
                made = _operator(fn, operator_expression)
            elif rule.nondiff:
                made = _constant_derivative(fn)
            else:
                made = _primitive(fn, rule)
            known = _by_primitive[id(fn)] = (fn, made)
        if known[1] is not None:
            return known[1]
    return fn


def _hashable(fn) -> bool:
    try:
        hash(fn)
    except TypeError:
        return False
    return True


# operator.add and friends, as the expression a user writes (srcad's rules are the operators').
_OPERATORS = {
    operator.add: "a + b",
    operator.sub: "a - b",
    operator.mul: "a * b",
    operator.truediv: "a / b",
    operator.floordiv: "a // b",
    operator.mod: "a % b",
    operator.pow: "a ** b",
    operator.matmul: "a @ b",
    operator.neg: "-a",
    operator.pos: "+a",
    operator.abs: "abs(a)",
}


def _operator(fn, expression: str) -> types.FunctionType:
    params = "a, b" if "b" in expression else "a"
    lines = [f"def {fn.__name__}({params}):", f"    return {expression}"]
    return _compile(fn.__name__, lines, {}, f"operator.{fn.__name__}")


def _constant_derivative(fn) -> types.FunctionType | None:
    """A function srcad knows has a zero derivative (np.floor, np.sign): called with its
    required positional parameters."""
    if isinstance(fn, np.ufunc):  # (numpy 1.26's ufuncs have no signature)
        params = ["x"] if fn.nin == 1 else [f"x{i + 1}" for i in range(fn.nin)]
    else:
        try:
            real = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return None
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [p.name for p in real if p.kind in kinds and p.default is p.empty]
    spelled = _spelling(fn)
    if not params or spelled is None or not fn.__name__.isidentifier():
        return None
    lines = [
        f"def {fn.__name__}({', '.join(params)}):",
        f"    return {spelled}({', '.join(params)})",
    ]
    return _compile(fn.__name__, lines, {"np": np, "math": math}, spelled)


def _spelling(fn) -> str | None:
    """How user code spells `fn` (np.sin, np.linalg.inv, math.exp, abs), if that finds it."""
    name = getattr(fn, "__name__", None)
    if not name or not name.isidentifier():
        return None
    module = getattr(fn, "__module__", None) or ""
    candidates = [f"np.{name}", f"math.{name}", name]
    if module.startswith("numpy."):  # numpy.linalg, numpy.fft
        candidates.insert(1, f"np.{module.split('.')[1]}.{name}")
    roots = {"np": np, "math": math}
    for text in candidates:
        first, *rest = text.split(".")
        obj = roots[first] if first in roots else getattr(builtins, first, None)
        for part in rest:
            obj = getattr(obj, part, None)
        if obj is fn:
            return text
    return None


def _free(base: str, taken: set[str]) -> str:
    name = base
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _compile(name: str, lines: list[str], scope: dict, label: str) -> types.FunctionType:
    source = "\n".join(lines) + "\n"
    filename = f"<srcad wrapper of {label} #{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    defined: dict = {}  # apart from `scope`, so that a def named `abs` calls the builtin
    exec(compile(source, filename, "exec"), scope, defined)
    return defined[name]


def _primitive(fn, rule) -> types.FunctionType | None:
    template = rule.vjp if rule.vjp is not None else rule.jvp
    taken = set(template.params) | {"np", "math"}
    scope: dict = {"np": np, "math": math}
    spelled = _spelling(fn)
    if spelled is None:
        spelled = _free("primitive", taken)
        scope[spelled] = fn
    # Every parameter positional (the Jacobian drivers pass arguments so); those the
    # primitive takes by keyword only are passed to it by keyword.
    passable = _passable(fn, template)
    if not any(p not in template.defaults for p in passable):
        return None  # nothing to differentiate with respect to
    params, call = [], []
    for p in passable:
        default = template.defaults.get(p, inspect.Parameter.empty)
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        params.append(_parameter(inspect.Parameter(p, kind, default=default), scope, taken))
        call.append(f"{p}={p}" if p in template.keyword_only else p)
    name = getattr(fn, "__name__", "f")
    name = name if name.isidentifier() else "f"
    lines = [f"def {name}({_joined(params)}):", f"    return {spelled}({', '.join(call)})"]
    return _compile(name, lines, scope, spelled)


def _passable(fn, template) -> list[str]:
    """The template's parameters that the wrapper can pass to `fn` always, at their default
    too: a default numpy marks as absent (np.diff's prepend=<no value>) is not the same as
    passing the template's None, so such a parameter is left out of the wrapper."""
    try:
        real = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return list(template.params)
    if any(p.kind is p.VAR_POSITIONAL for p in real.values()):
        # arguments gathered by *args (np.atleast_1d, np.einsum): the template's own, if
        # it needs each of them (optional operands cannot be left out of a fixed call)
        required = all(p not in template.defaults for p in template.params)
        return list(template.params) if required else []
    passable = []
    for name in template.params:
        if name not in template.defaults:
            passable.append(name)
            continue
        theirs = real.get(name)
        if theirs is None or theirs.default is theirs.empty:
            continue
        ours = template.defaults[name]
        if type(theirs.default) is type(ours) and theirs.default == ours:
            passable.append(name)
        elif theirs.default is _NO_VALUE and ours is not None:
            passable.append(name)  # keepdims=False for numpy's "not passed": the same
    return passable


def _partial(fn: functools.partial):
    inner = transformable(fn.func)
    try:
        signature = inspect.signature(functools.partial(inner, *fn.args, **fn.keywords))
    except (TypeError, ValueError):  # a builtin without a signature: the parser says why
        return fn
    taken = set(signature.parameters) | {"np", "math"}
    scope: dict = {"np": np, "math": math}
    target = _free("func", taken)
    scope[target] = inner
    call = []
    for i, value in enumerate(fn.args):
        fixed = _free(f"fixed_{i}", taken)
        scope[fixed] = value
        call.append(fixed)
    params, starred = [], False
    for p in signature.parameters.values():
        if p.kind is p.KEYWORD_ONLY and p.name in fn.keywords:
            # fixed by the partial: a constant of the wrapper, not a parameter
            fixed = _free(f"fixed_{p.name}", taken)
            scope[fixed] = fn.keywords[p.name]
            call.append(f"{p.name}={fixed}")
            continue
        call.append(_argument(p))
        if p.kind is p.KEYWORD_ONLY and p.default is not p.empty and not starred:
            # positional in the wrapper too, as the Jacobian drivers pass arguments
            p = p.replace(kind=p.POSITIONAL_OR_KEYWORD)
        starred = starred or p.kind is p.VAR_POSITIONAL
        params.append(_parameter(p, scope, taken))
    for key, value in fn.keywords.items():
        if key not in signature.parameters:  # swallowed by **kwargs
            fixed = _free(f"fixed_{key}", taken)
            scope[fixed] = value
            call.append(f"{key}={fixed}")
    name = getattr(fn.func, "__name__", "f")
    name = name if name.isidentifier() else "f"
    lines = [f"def {name}({_joined(params)}):", f"    return {target}({', '.join(call)})"]
    return _compile(name, lines, scope, f"partial({name})")


def _method(fn: types.MethodType):
    signature = inspect.signature(fn)
    taken = set(signature.parameters) | {"np", "math"}
    scope: dict = {}
    target, owner = _free("method", taken), _free("self_", taken)
    scope[target], scope[owner] = fn.__func__, fn.__self__
    params = [_parameter(p, scope, taken) for p in signature.parameters.values()]
    call = [owner] + [_argument(p) for p in signature.parameters.values()]
    name = fn.__func__.__name__
    lines = [f"def {name}({_joined(params)}):", f"    return {target}({', '.join(call)})"]
    return _compile(name, lines, scope, f"{type(fn.__self__).__name__}.{name}")


def _called_through(fn) -> bool:
    """An object the wrapper calls as itself: one of srcad's rule-carrying wrappers (which
    srcad must meet as a call, to use the rule), or an instance of a Python class with a
    `__call__` written in Python."""
    from .custom import checkpoint, custom_jvp, custom_vjp

    if isinstance(fn, (custom_jvp, custom_vjp, checkpoint)):
        return True
    call = inspect.getattr_static(type(fn), "__call__", None)
    return isinstance(call, types.FunctionType) and not isinstance(fn, type)


def _callable_object(fn):
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # the parser says why
        return fn
    taken = set(signature.parameters) | {"np", "math"}
    name = getattr(fn, "__name__", None) or type(fn).__name__
    name = name if name.isidentifier() else "f"
    target = _free(name if name not in taken else "target", taken)
    scope: dict = {target: fn}
    params = [_parameter(p, scope, taken) for p in signature.parameters.values()]
    call = [_argument(p) for p in signature.parameters.values()]
    # named as the object (a custom_jvp keeps its function's name): a def of that name
    # would shadow the global it calls, so the def gets a suffix
    lines = [f"def {name}_({_joined(params)}):", f"    return {target}({', '.join(call)})"]
    return _compile(f"{name}_", lines, scope, name)


def _parameter(p: inspect.Parameter, scope: dict, taken: set) -> tuple[inspect._ParameterKind, str]:
    text = p.name
    if p.kind is p.VAR_POSITIONAL:
        text = "*" + text
    elif p.kind is p.VAR_KEYWORD:
        text = "**" + text
    elif p.default is not p.empty:
        if p.default is None or type(p.default) in (bool, int, float, str):
            text += f"={p.default!r}"  # as the user would write it
        else:
            default = _free(f"default_{p.name}", taken)
            scope[default] = p.default
            text += f"={default}"
    return p.kind, text


def _argument(p: inspect.Parameter) -> str:
    if p.kind is p.VAR_POSITIONAL:
        return "*" + p.name
    if p.kind is p.VAR_KEYWORD:
        return "**" + p.name
    if p.kind is p.KEYWORD_ONLY:
        return f"{p.name}={p.name}"
    return p.name


def _joined(params: list) -> str:
    """Parameters in order, with the `/` and `*` markers their kinds need."""
    out, kinds = [], [k for k, _ in params]
    star = any(k is inspect.Parameter.VAR_POSITIONAL for k in kinds)
    for i, (kind, text) in enumerate(params):
        if kind is inspect.Parameter.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        out.append(text)
        if kind is inspect.Parameter.POSITIONAL_ONLY and (
            i + 1 == len(params) or params[i + 1][0] is not inspect.Parameter.POSITIONAL_ONLY
        ):
            out.append("/")
    return ", ".join(out)
