"""Syntax helpers of the write summaries (`srcad.analyze.summaries`): nested functions'
names renamed apart, nested functions bound once, how values flow between names, and a
call's arguments matched to a nested function's parameters. Pure functions of gast trees."""

from __future__ import annotations

import copy
import inspect
import itertools

import gast

from ..ir import syntax as S


def _params(fdef) -> list[str]:
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args + a.kwonlyargs]
    return names + [p.id for p in (a.vararg, a.kwarg) if p is not None]


def _root(node) -> str | None:
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _unstarred(node):
    return node.value if isinstance(node, gast.Starred) else node


def scoped(fdef: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of `fdef` whose nested functions' own names are renamed apart (``x@1``), so that
    a nested function's local ``output`` is not read as the enclosing function's ``output``
    (names read from the enclosing function keep their names)."""
    fdef = copy.deepcopy(fdef)
    counter = itertools.count(1)

    def rename(node, mapping):
        for child in S.children(node):
            if isinstance(child, (gast.FunctionDef, gast.Lambda)):
                _rename_function(child, mapping, next(counter), rename)
                continue
            if isinstance(child, gast.Name):
                child.id = mapping.get(child.id, child.id)
            rename(child, mapping)

    rename(fdef, {})
    return fdef


def _rename_function(fn, mapping: dict, k: int, rename) -> None:
    """Rename a nested function's own names (parameters, locals) to ``name@k``."""
    declared = {
        name
        for n in S.walk_no_nested(fn)
        if isinstance(n, (gast.Nonlocal, gast.Global))
        for name in n.names
    }
    own = (S.names_stored(fn) | set(_params(fn))) - declared
    if isinstance(fn, gast.FunctionDef):
        own.discard(fn.name)
    inner = {**mapping, **{n: f"{n}@{k}" for n in own}}
    a = fn.args
    outer_parts = list(getattr(fn, "decorator_list", [])) + a.defaults
    outer_parts += [d for d in a.kw_defaults if d is not None]
    for part in outer_parts:  # evaluated in the enclosing scope
        if isinstance(part, gast.Name):
            part.id = mapping.get(part.id, part.id)
        rename(part, mapping)
    for p in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        p.id = inner.get(p.id, p.id)
    for part in fn.body if isinstance(fn.body, list) else [fn.body]:
        if isinstance(part, gast.Name):
            part.id = inner.get(part.id, part.id)
        rename(part, inner)


def flows(nodes, local: set, reading: frozenset) -> tuple[dict, set]:
    """name -> the names loaded by the values stored into it (assignments, augmented ones,
    loop targets, items and attributes set, arguments of its own methods), and the names
    bound to functions (def, lambda). `reading`: the methods that do not store their
    arguments into their object."""
    flows: dict = {}
    functions = set()

    def add(targets, value):
        names = {t for target in targets for t in S.names_stored(target)}
        for target in targets:  # x[i] = v, x.a = v: x holds v
            for sub in S.walk(target):
                if isinstance(sub, (gast.Subscript, gast.Attribute)):
                    root = _root(sub)
                    if root is not None:
                        names.add(root)
                        flows.setdefault(root, set()).update(
                            loaded_values(sub.slice) if isinstance(sub, gast.Subscript) else ()
                        )
        loaded = loaded_values(value) if value is not None else set()
        if value is not None and any(isinstance(n, gast.Lambda) for n in S.walk(value)):
            functions.update(names)
        for n in names:
            flows.setdefault(n, set()).update(loaded)

    for n in nodes:
        if isinstance(n, gast.Assign):
            add(n.targets, n.value)
        elif isinstance(n, (gast.AugAssign, gast.AnnAssign, gast.NamedExpr)):
            add([n.target], n.value)
        elif isinstance(n, (gast.For, gast.comprehension)):
            add([n.target], n.iter)
        elif isinstance(n, gast.withitem) and n.optional_vars is not None:
            add([n.optional_vars], n.context_expr)
        elif isinstance(n, gast.FunctionDef):
            functions.add(n.name)
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            root = _root(n.func.value)
            if root in local and n.func.attr not in reading:
                args = [_unstarred(a) for a in n.args] + [k.value for k in n.keywords]
                flows.setdefault(root, set()).update(*(loaded_values(a) for a in args))
    return flows, functions


def loaded_values(node) -> set:
    """The names whose values `node` may read (not through an array's shape, rank, size or
    dtype, nor through len(), np.shape(), np.ndim(), np.size(), which give integers)."""
    out, todo = set(), [node]
    while todo:
        n = todo.pop()
        if isinstance(n, gast.Attribute) and n.attr in METADATA:
            continue
        if isinstance(n, gast.Call) and _metadata_call(n.func):
            continue
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            out.add(n.id)
        todo.extend(S.children(n))
    return out


METADATA = frozenset({"shape", "ndim", "size", "dtype"})


def _metadata_call(func) -> bool:
    if isinstance(func, gast.Name):
        return func.id == "len"
    return (
        isinstance(func, gast.Attribute)
        and func.attr in ("shape", "ndim", "size")
        and isinstance(func.value, gast.Name)
        and func.value.id in ("np", "numpy")
    )


def local_defs(fdef, nodes) -> dict:
    """{name: FunctionDef} for the functions nested in `fdef` whose name is bound once (by
    their def, or by ``name = lambda ...``) and never used as a parameter."""
    defs, bound = {}, {}
    for n in nodes:
        if isinstance(n, gast.FunctionDef):
            defs[n.name] = n
            bound[n.name] = bound.get(n.name, 0) + 1
        elif isinstance(n, gast.Assign) and isinstance(n.value, gast.Lambda):
            if len(n.targets) == 1 and isinstance(n.targets[0], gast.Name):
                lam = n.value
                defs[n.targets[0].id] = gast.FunctionDef(
                    n.targets[0].id, lam.args, [gast.Return(lam.body)], [], None, None, []
                )
        elif isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param, gast.Del)):
            bound[n.id] = bound.get(n.id, 0) + 1
    return {name: d for name, d in defs.items() if bound.get(name, 0) == 1}


def bind_nested(fdef, call: gast.Call) -> dict | None:
    """{parameter: [argument expressions]} of a call of a nested function, or None when the
    call's arguments cannot be matched to its parameters (starred arguments, **kwargs)."""
    a = fdef.args
    positional = [p.id for p in a.posonlyargs + a.args]
    out: dict = {}
    for i, arg in enumerate(call.args):
        if isinstance(arg, gast.Starred):
            return None
        if i < len(positional):
            out.setdefault(positional[i], []).append(arg)
        elif a.vararg is not None:
            out.setdefault(a.vararg.id, []).append(arg)
        else:
            return None
    names = positional + [p.id for p in a.kwonlyargs]
    for k in call.keywords:
        if k.arg in names:
            out.setdefault(k.arg, []).append(k.value)
        elif a.kwarg is not None and k.arg is not None:
            out.setdefault(a.kwarg.id, []).append(k.value)
        else:
            return None
    return out


def bind_signature(fn, call: gast.Call) -> dict | None:
    """{parameter: [argument expressions]} of a call of `fn`, or None."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    try:
        bound = inspect.signature(fn, follow_wrapped=False).bind(
            *call.args, **{k.arg: k.value for k in call.keywords}
        )
    except (TypeError, ValueError):
        return None
    out = {}
    for name, value in bound.arguments.items():
        values = value.values() if isinstance(value, dict) else value
        out[name] = list(values) if isinstance(value, (tuple, dict)) else [value]
    return out
