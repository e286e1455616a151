"""The forwarding functions a dispatch site (`srcad.build.dispatch`) differentiates.

``make_forwarder`` writes ``def call_relu(x): return relu(x)`` with the callable that
arrived (a partial's arguments, a method's object) as globals, so that srcad's static
resolution knows the callee as if the user had named it; ``record_forwarder`` writes the
same for a function value taken apart into its code and the values it holds
(``def call_f(captured, x): c0, = captured; return f(c0, x)``), so that the derivative
covers those values too. Both are compiled (`srcad.emit`) and marked as trusted as the
generated code they call when they call generated code.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import types

from .. import emit


def callable_object(value) -> bool:
    call = inspect.getattr_static(type(value), "__call__", None)
    return isinstance(call, types.FunctionType) and not isinstance(
        value, (type, types.FunctionType, types.MethodType, functools.partial)
    )


def identifier(name: str, default: str) -> str:
    name = name.replace("<lambda>", "lambda").replace(".", "_")
    ok = name.isidentifier() and not keyword.iskeyword(name)
    return name if ok else default


def positional_names(target, count: int, taken: set) -> list[str]:
    """Names for the forwarder's positional parameters: the callee's own when it has plain
    ones (the generated code reads like the callee), else a0, a1..."""
    skip, fn = 0, target
    if isinstance(target, functools.partial):
        skip, fn = len(target.args), target.func
    if callable_object(fn):
        fn = fn.__call__
    if isinstance(fn, types.MethodType):
        skip, fn = skip + 1, fn.__func__
    code = getattr(fn, "__code__", None)
    names = list(code.co_varnames[skip : code.co_argcount]) if code is not None else []
    if len(names) >= count and not (set(names[:count]) & taken):
        return names[:count]
    return [f"a{i}" for i in range(count)]


def method_of(target):
    """The bound method a call of `target` runs with an object as self, if any."""
    if isinstance(target, functools.partial):
        target = target.func
    if callable_object(target):
        target = target.__call__
    if (
        isinstance(target, types.MethodType)
        and isinstance(target.__func__, types.FunctionType)
        and not isinstance(target.__self__, (type, types.ModuleType))
    ):
        return target
    return None


def make_forwarder(
    target, npositional: int, keywords: tuple, explicit: bool = False
) -> types.FunctionType:
    """``def call_<name>(<params>): return <callee>(<args>)``, compiled with the callee (and
    a partial's arguments, a method's object) as its globals: srcad's static resolution
    then knows the callee as if the user had named it."""
    globals_: dict = {"__builtins__": __builtins__}
    callee, fixed, fixed_keywords = target, [], {}
    if isinstance(target, functools.partial):
        callee = target.func
        for i, value in enumerate(target.args):
            globals_[f"partial_arg{i}"] = value
            fixed.append(f"partial_arg{i}")
        for k, value in target.keywords.items():
            if k not in keywords:
                globals_[f"partial_{k}"] = value
                fixed_keywords[k] = f"partial_{k}"
    label = getattr(callee, "__name__", None) or type(callee).__name__
    name = identifier(label, "f")
    if explicit and callable_object(callee):  # obj.__call__(...), for its write summary
        callee = callee.__call__
    if (
        isinstance(callee, types.MethodType)
        and not isinstance(callee.__self__, types.ModuleType)
        and isinstance(callee.__func__, types.FunctionType)
        and getattr(callee.__self__, callee.__func__.__name__, None) == callee
    ):
        # obj.method(...) (static resolution passes obj as self); obj is a global here
        owner = identifier(type(callee.__self__).__name__.lower(), "obj")
        owner = owner if owner != name else f"{owner}_obj"
        globals_[owner] = callee.__self__
        func = f"{owner}.{callee.__func__.__name__}"
    else:
        globals_[name] = callee
        func = name
    taken = set(globals_) | set(keywords)
    params = positional_names(target, npositional, taken) + list(keywords)
    arguments = fixed + params[:npositional]
    arguments += [f"{k}={v}" for k, v in fixed_keywords.items()]
    arguments += [f"{k}={k}" for k in keywords]
    fname = f"call_{name}"
    source = f"def {fname}({', '.join(params)}):\n    return {func}({', '.join(arguments)})\n"
    function = emit.compile_function(
        source, fname, globals_, {}, {}, label=f"dispatch {label}"
    ).function
    if getattr(target, "__srcad_generated__", False):
        function.__srcad_generated__ = True  # as trusted as the generated code it calls
    return function


def record_forwarder(code, npositional: int, keywords: tuple) -> types.FunctionType:
    """``def call_<name>(captured, <params>): c0, c1 = captured; return f(c0, c1, <params>)``
    for a function value taken apart into its `runtime.Code` and the values it holds, so
    that the derivative covers those values (the first parameter) too."""
    callee = code.func
    label = getattr(callee, "__name__", None) or type(callee).__name__
    name = identifier(label, "f")
    globals_: dict = {"__builtins__": __builtins__, name: callee}
    fixed = {}
    for k, value in code.keywords.items():
        if k not in keywords:
            globals_[f"partial_{k}"] = value
            fixed[k] = f"partial_{k}"
    held = [f"captured{i}" for i in range(code.count)]
    taken = set(globals_) | set(keywords) | set(held) | {"captured"}
    target = functools.partial(callee, *range(code.count)) if code.count else callee
    params = positional_names(target, npositional, taken) + list(keywords)
    arguments = held + params[:npositional]
    arguments += [f"{k}={v}" for k, v in fixed.items()] + [f"{k}={k}" for k in keywords]
    fname = f"call_{name}"
    unpack = f"    {', '.join(held)}, = captured\n" if held else ""
    source = (
        f"def {fname}({', '.join(['captured', *params])}):\n{unpack}"
        f"    return {name}({', '.join(arguments)})\n"
    )
    function = emit.compile_function(
        source, fname, globals_, {}, {}, label=f"dispatch {label}"
    ).function
    if getattr(callee, "__srcad_generated__", False):
        function.__srcad_generated__ = True  # as trusted as the generated code it calls
    return function
