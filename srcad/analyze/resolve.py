"""Analyze, part 1: what each call and attribute in a normalized function refers to.

Accepts an A-normal-form function and its namespace. Returns a `Resolution` map from call
and attribute nodes to `Target`s; it never changes the tree. A target is a primitive with
rules (or declared non-differentiable), a Python function to transform recursively, a method
of an array or container (mapped to the primitive it stands for), or unknown. Names are
looked up at transformation time through closure cells, globals, then builtins.
"""

from __future__ import annotations

import inspect
import types

import gast
import numpy as np

from ..errors import NameResolutionError, SrcadError, UnsupportedOperationError
from ..fence import location, statement_location
from ..ir import syntax as S
from ..ir.resolution import Resolution, Target
from ..normalize.known_loops import ItemsOf
from ..parse import parse_function
from ..rules import methods
from ..rules.template import lookup

_UNRESOLVED = object()


def _chain_root(node):
    while isinstance(node, gast.Attribute):
        node = node.value
    return node


def evaluate_chain(node, namespace, local_names: set[str], guards: list | None = None):
    """The value of `np.linalg.inv`-like chains, or _UNRESOLVED for local roots.

    Each name looked up, and each attribute read along the chain, is appended to `guards`
    as (where it lives, name, value), so that a cached transformation can tell when any of
    them has been rebound since (``CFG.act = np.cos``, `unittest.mock.patch`).
    """
    root = _chain_root(node)
    if not isinstance(root, gast.Name) or root.id in local_names:
        return _UNRESOLVED
    try:
        value = namespace.lookup(root.id)
    except KeyError:
        return _UNRESOLVED
    if guards is not None:
        cell = namespace.cells.get(root.id)
        if cell is not None:
            guards.append((cell, root.id, value))
        elif root.id in namespace.globals:
            guards.append((namespace.globals, root.id, value))
    parts = []
    n = node
    while isinstance(n, gast.Attribute):
        parts.append(n.attr)
        n = n.value
    for part in reversed(parts):
        owner = value
        try:
            value = getattr(owner, part)
        except AttributeError:
            return _UNRESOLVED
        if guards is not None:
            guards.append(attribute_guard(owner, part, value))
    return value


def attribute_guard(owner, name: str, value) -> tuple:
    """The guard that `owner.<name>` still gives `value`: a module's attribute is an entry
    of its dict (a cheap check); any other object's is read again (see srcad.build.cache)."""
    if isinstance(owner, types.ModuleType):
        return (vars(owner), name, value)
    return (AttributeOf(owner), name, value)


class AttributeOf:
    """An object whose attributes a guard reads (as opposed to a dict or a closure cell)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


def classify(obj, label: str) -> Target:
    """What calling `obj` means for differentiation."""
    rule = lookup(obj)
    if rule is not None:
        return Target("rule", obj, rule, label)
    from .. import custom

    if isinstance(obj, (custom.custom_vjp, custom.custom_jvp, custom.checkpoint)):
        return Target(type(obj).__name__, obj, None, label)
    generated = getattr(obj, "__srcad_function__", None)
    if generated is not None:
        return Target("function", obj, None, label)
    if (getattr(obj, "__module__", None) or "").startswith("srcad.") and not getattr(
        obj, "__srcad_generated__", False
    ):
        return Target("unknown", obj, None, label)  # srcad's own helpers need rules
    if isinstance(obj, types.FunctionType):
        return Target("function", forwarded_to(obj) or obj, None, label)
    if isinstance(obj, types.MethodType) and isinstance(obj.__func__, types.FunctionType):
        return Target("function", obj, None, label)
    call = inspect.getattr_static(type(obj), "__call__", None)
    if isinstance(call, types.FunctionType) and not isinstance(obj, type):
        # an object of a user class with __call__: its method, called with it as self
        return Target("function", types.MethodType(call, obj), None, label)
    return Target("unknown", obj, None, label)


def forwarded_to(fn: types.FunctionType):
    """The function a decorator's wrapper only forwards to (``@functools.wraps(f)`` over
    ``def wrapper(*args, **kwargs): return f(*args, **kwargs)``), or None: differentiating
    the wrapper is differentiating the function it calls with its own arguments."""
    wrapped = getattr(fn, "__wrapped__", None)
    code = fn.__code__
    if wrapped is None or code.co_argcount or code.co_kwonlyargcount:
        return None
    if not code.co_flags & inspect.CO_VARARGS:
        return None
    try:
        fdef = parse_function(fn).node
    except SrcadError:
        return None
    body = [s for s in fdef.body if not _docstring(s)]
    if len(body) != 1 or not isinstance(body[0], gast.Return):
        return None
    call, args = body[0].value, fdef.args
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name)):
        return None
    passes_args = (
        len(call.args) == 1
        and isinstance(call.args[0], gast.Starred)
        and isinstance(call.args[0].value, gast.Name)
        and call.args[0].value.id == args.vararg.id
    )
    passes_kwargs = not call.keywords or (
        args.kwarg is not None
        and len(call.keywords) == 1
        and call.keywords[0].arg is None
        and isinstance(call.keywords[0].value, gast.Name)
        and call.keywords[0].value.id == args.kwarg.id
    )
    if not (passes_args and passes_kwargs):
        return None
    cells = dict(zip(code.co_freevars, fn.__closure__ or ()))
    cell = cells.get(call.func.id)
    try:
        target = cell.cell_contents if cell is not None else fn.__globals__.get(call.func.id)
    except ValueError:
        return None
    return target if target is wrapped and isinstance(target, types.FunctionType) else None


def _docstring(s) -> bool:
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant)


def known_values(fdef, namespace, local_names: set[str], given: dict, guards: list) -> dict:
    """Names whose value is known when code is generated: parameters given a function by the
    call (`given`, never rebound in the body) and locals bound once, in the body, to a global
    function or to such a parameter (``act = np.tanh``, ``f = CONFIG.act``). Calls through
    them resolve like calls of the object itself."""
    stores: dict[str, int] = {}
    for node in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
    known = {p: obj for p, obj in given.items() if not stores.get(p)}
    for s in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if not (
            isinstance(s, gast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name)
            and stores.get(s.targets[0].id) == 1
        ):
            continue
        if isinstance(s.value, gast.Call):
            value = _made_transform(s.value, namespace, local_names, known, guards)
        elif _global_item(s.value, local_names):
            # LAYERS[0]: an item of a global sequence (an unrolled loop's variable,
            # srcad.normalize.known_loops, or ACTS[0](x)); a list's items may be replaced
            seq = evaluate_chain(s.value.value, namespace, local_names, guards)
            index = s.value.slice.value
            fits = isinstance(seq, (list, tuple)) and -len(seq) <= index < len(seq)
            value = seq[index] if fits else _UNRESOLVED
            if fits and isinstance(seq, list):
                guards.append((ItemsOf(seq), "__items__", tuple(seq)))
        elif isinstance(s.value, gast.Name) and s.value.id in known:
            value = known[s.value.id]
        elif isinstance(s.value, (gast.Name, gast.Attribute)):
            value = evaluate_chain(s.value, namespace, local_names, guards)
        else:
            continue
        if value is not _UNRESOLVED and (is_function(value) or user_object(value)):
            known[s.targets[0].id] = value
    return known


def _global_item(value, local_names) -> bool:
    return (
        isinstance(value, gast.Subscript)
        and isinstance(value.value, gast.Name)
        and value.value.id not in local_names
        and isinstance(value.slice, gast.Constant)
        and type(value.slice.value) is int
    )


def user_object(value) -> bool:
    """An instance of a class defined in Python by the user (a layer, a model): calls of its
    methods resolve to them when the object is known."""
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    return (
        isinstance(getattr(cls, "__dict__", None), types.MappingProxyType)
        and "__dict__" in dir(value)
        and module.split(".")[0] not in ("builtins", "numpy", "scipy", "srcad", "functools")
        and not isinstance(value, (type, types.ModuleType, types.FunctionType))
    )


def _made_transform(call: gast.Call, namespace, local_names, known: dict, guards: list):
    """``srcad.grad(energy)`` (or another transform that only makes a function) with
    arguments known now: the transformed function, made now; else _UNRESOLVED."""
    maker = evaluate_chain(call.func, namespace, local_names, guards)
    if maker is _UNRESOLVED or not getattr(maker, "__srcad_maker__", False):
        return _UNRESOLVED
    values = []
    for a in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(a, gast.Constant):
            values.append(a.value)
        elif isinstance(a, gast.Name) and a.id in known:
            values.append(known[a.id])
        elif isinstance(a, (gast.Name, gast.Attribute)):
            values.append(evaluate_chain(a, namespace, local_names, guards))
        else:
            return _UNRESOLVED
    if _UNRESOLVED in values or any(k.arg is None for k in call.keywords):
        return _UNRESOLVED
    positional = values[: len(call.args)]
    keywords = {k.arg: v for k, v in zip(call.keywords, values[len(call.args) :])}
    return maker(*positional, **keywords)


def is_function(value) -> bool:
    return callable(value) and not isinstance(value, (type, types.ModuleType))


def resolve(
    fdef: gast.FunctionDef,
    namespace,
    local_names: set[str],
    filename: str,
    guards: list | None = None,
) -> Resolution:
    calls: dict = {}
    attributes: dict = {}
    constants: dict = {}
    functions: dict = {}
    # The body only: the def's default values were evaluated when it ran (the generated
    # function takes them from fn.__defaults__), and may name what is no longer in scope.
    body = gast.Module(body=fdef.body, type_ignores=[])
    for node in S.walk(body):
        if isinstance(node, gast.Call):
            calls[node] = _resolve_call(node, namespace, local_names, filename, fdef.name, guards)
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            _require_defined(node, namespace, local_names, filename, fdef)
            if node.id not in local_names:
                value = namespace.lookup(node.id, None)
                if is_function(value):
                    functions[node] = value
        elif isinstance(node, gast.Attribute):
            root = _chain_root(node)
            if isinstance(root, gast.Name) and root.id in local_names:
                if isinstance(node.value, gast.Name):
                    attributes[node] = methods.ATTRIBUTES.get(node.attr)
            else:
                value = evaluate_chain(node, namespace, local_names, guards)
                if value is not _UNRESOLVED:
                    constants[node] = value
    return Resolution(calls, attributes, constants, functions)


def _require_defined(node: gast.Name, namespace, local_names, filename, fdef) -> None:
    """Raise `NameResolutionError` for a name bound nowhere: not a local, a closure variable,
    a global or a builtin (generated code would fail with a NameError at run time)."""
    if node.id in local_names or node.id in namespace.cells:
        return
    try:
        namespace.lookup(node.id)
    except KeyError:
        raise NameResolutionError(
            f"the name {node.id!r} is not defined",
            statement_location(node, fdef, filename, fdef.name),
            hint=f"define {node.id!r} (in the function or at module level) or pass it in as "
            "an argument",
        ) from None


def _label(func) -> str:
    from ..ir.syntax import to_source

    return to_source(func)


def _resolve_call(node: gast.Call, namespace, local_names, filename, fname, guards) -> Target:
    func = node.func
    label = _label(func)
    if (
        isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and (func.value.id in local_names)
    ):
        method = methods.METHODS.get(func.attr) or methods.DRAW_METHODS.get(func.attr)
        if method is None:
            return Target("unknown", None, None, label)
        return Target("method", method.primitive, lookup(method.primitive), label, method)
    if isinstance(func, gast.Name) and func.id in local_names:
        return Target("local", None, None, label)
    if isinstance(func, gast.Attribute) and func.attr in methods.METHODS:
        # A method of a constant array (a global or closed-over ndarray) called with a
        # differentiated argument, as in W.clip(x, 1.0): the method's rule, as for a local.
        receiver = evaluate_chain(func.value, namespace, local_names, guards)
        if isinstance(receiver, (np.ndarray, np.generic)):
            method = methods.METHODS[func.attr]
            return Target("method", method.primitive, lookup(method.primitive), label, method)
    if isinstance(func, gast.Attribute) and func.attr in methods.DRAW_METHODS:
        # rng.normal(mu, s) for a global Generator or RandomState: its derivative rule
        receiver = evaluate_chain(func.value, namespace, local_names, guards)
        if isinstance(receiver, methods.GENERATOR_TYPES):
            method = methods.DRAW_METHODS[func.attr]
            return Target("method", method.primitive, lookup(method.primitive), label, method)
    value = evaluate_chain(func, namespace, local_names, guards)

    if value is _UNRESOLVED:
        root = _chain_root(func)
        raise NameResolutionError(
            f"cannot resolve {label!r}"
            + (f": the name {root.id!r} is not defined" if isinstance(root, gast.Name) else ""),
            location(node, filename, fname),
            hint="define it before calling the transformed function",
        )
    return classify(value, label)


def _index_trick(value) -> str | None:
    """'np.r_'-like spelling when `value` is one of numpy's index-trick objects, whose
    subscripts build arrays from the index's values (np.r_[x, y], np.mgrid[0:x:5j])."""
    for name in ("r_", "c_", "mgrid", "ogrid"):
        if value is getattr(np, name, None):
            return f"np.{name}"
    return None


_TRICK_HINTS = {
    "np.r_": "np.concatenate([np.atleast_1d(a), np.atleast_1d(b)])",
    "np.c_": "np.column_stack([a, b])",
    "np.mgrid": "np.linspace and np.meshgrid",
    "np.ogrid": "np.linspace and np.meshgrid",
}


def refuse_index_tricks(fdef, resolution: Resolution, varied, filename: str) -> None:
    """np.r_[x, y] and friends with a differentiated value in the brackets: the value flows
    through what Python sees as an index, which carries no derivative; srcad would give zero."""
    assigns = [s for s in S.statements(fdef.body) if isinstance(s, gast.Assign)]
    tricks: dict[str, str] = {}  # name -> np.r_ (after ANF: t = np.r_; b = t[x, y])
    for s in assigns:
        value, target = s.value, s.targets[0]
        if isinstance(value, gast.Attribute) and value in resolution.constants:
            trick = _index_trick(resolution.constants[value])
            if trick is not None and isinstance(target, gast.Name):
                tricks[target.id] = trick
    for s in assigns:
        value = s.value
        if not isinstance(value, gast.Subscript):
            continue
        base = value.value
        trick = None
        if isinstance(base, gast.Name):
            trick = tricks.get(base.id)
        elif isinstance(base, gast.Attribute) and base in resolution.constants:
            trick = _index_trick(resolution.constants[base])
        if trick is not None and S.names_loaded(value.slice) & set(varied):
            raise UnsupportedOperationError(
                f"srcad cannot differentiate {trick}[...] of a differentiated value: numpy "
                "builds the array from what Python passes as an index, and an index carries "
                "no derivative",
                location(s, filename, fdef.name),
                hint=f"build it with functions srcad differentiates: {_TRICK_HINTS[trick]}",
            )


def refuse_user_operators(
    fdef, namespace, local_names: set[str], resolution: Resolution, kinds: dict, varied, filename
) -> None:
    """``S * x``, ``S @ x`` for an object of a user class (a global, a closure variable, an
    attribute of one, or an argument): Python calls the class's ``__mul__``, which srcad
    does not read, and the rules of ``*`` and ``@`` would take it for numpy's product. Refused
    where the expression carries a derivative."""
    constants: dict[str, object] = {}  # t = CFG.scaler (after ANF): the attribute's value
    for s in S.statements(fdef.body):
        if (
            isinstance(s, gast.Assign)
            and isinstance(s.targets[0], gast.Name)
            and s.value in resolution.constants
        ):
            constants[s.targets[0].id] = resolution.constants[s.value]
    for node in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if not isinstance(node, gast.BinOp) or not S.names_loaded(node) & set(varied):
            continue
        for operand in (node.left, node.right):
            if not isinstance(operand, gast.Name):
                continue
            name = operand.id
            if name in local_names:
                value = constants.get(name)
                user = kinds.get(name) == "object" or user_object(value)
            else:
                value = namespace.lookup(name, None)
                user = user_object(value)
            if isinstance(value, np.ndarray):
                continue  # an ndarray subclass: numpy's operators
            if user:
                raise UnsupportedOperationError(
                    f"srcad cannot differentiate an operator applied to {name!r}, an object "
                    "of a user class: Python calls the class's own method, which srcad does "
                    "not read",
                    statement_location(node, fdef, filename, fdef.name),
                    hint="call a method of the object by name (obj.apply(x)), which srcad "
                    "transforms, or compute with its arrays (obj.w * x)",
                )
