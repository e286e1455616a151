"""Normalize: variadic parameters and starred arguments of known length, spelled out.

Two rewrites of a parsed function (before the fence), each exact for the calls it applies to:

`specialize_variadic(fdef, fn, count, keys)` makes the function one of its calls needs: a
def with ``*args`` called with `count` extra positional arguments and ``**kwargs`` called
with the keyword names `keys` gets one plain parameter per value (`variadic_parameters`
names them, from `fn`'s code alone, so that the caller binds its arguments to the same
names) and a first statement rebuilding what the body reads: ``args = (args_0, args_1)``,
``kwargs = {"a": kwargs_a}``. Every parameter is positional and has no default (the caller
passes each one, defaults included), so forward and reverse mode call it like any other
function. The caller's derivative code calls this specialization; the function object is
unchanged. The function a transform is given is specialized for the count of arguments it
is called with (`keys` None: its ``**kwargs`` stays, as the transform passes keywords on).

`unstar_known_lengths(fdef)` replaces a starred argument whose length the code fixes:
``g(*(a, b))`` -> ``g(a, b)``; ``g(*t)`` -> ``g(t[0], t[1])`` where `t` is bound once, to a
tuple display of that length (a tuple's length cannot change); ``g(**{"k": v})`` ->
``g(k=v)``, and ``g(**d)`` where `d` is bound once to such a dict display and only read
(subscripts, ``**d``, ``d.get``...). ``for a, b, c in zip(*xs)`` becomes
``z0, z1, z2 = xs`` then ``for a, b, c in zip(z0, z1, z2)``: the loop's target says how many
sequences zip takes, and the unpacking raises, as Python would at the first iteration, if
`xs` has another length (an empty `xs` raises where Python runs no iteration: an error,
never a wrong value). Anything else is left for the fence and the analyses to refuse.

`transpose_zip_star(fdef, ...)` (after the fence, where `srcad.runtime` has a name) spells out
the other ``zip(*e)`` that are iterated to their end: the value of an assignment (``xs, ys =
zip(*pairs)``), the argument of ``list`` or ``tuple``, the iterable of a comprehension or of
a ``for`` loop with a single target. It becomes the list of the tuples zip would give,
``[[tuple([r[j] for r in s]) for j in range(rt.zip_count(s))] for s in [list(e)]][0]``:
`e` is iterated where zip would iterate it, and `rt.zip_count` is the length of its shortest
item, checked at run time to be a list, a tuple, a string or an array (what ``r[j]`` reads
as zip iterates it; anything else is refused). Its length is found when the code runs, so
any length is right; an assignment's unpacking raises as Python's would.
"""

from __future__ import annotations

import inspect
import types

import gast

from ..ir import syntax as S

# How a dict bound to a display may be used and still be known: read, never changed.
_DICT_READERS = frozenset({"get", "keys", "values", "items", "copy"})


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_varnames) | set(code.co_names)
    names |= set(code.co_freevars) | set(code.co_cellvars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def variadic_parameters(fn: types.FunctionType, count: int, keys: tuple | None) -> list[str]:
    """The specialized def's parameters, in order: the named positional ones, then one per
    extra positional argument, then one per keyword gathered by ``**kwargs``."""
    code = fn.__code__
    taken = _code_names(code)
    named = list(code.co_varnames[: code.co_argcount])
    flags = code.co_flags
    at = code.co_argcount + code.co_kwonlyargcount
    vararg = code.co_varnames[at] if flags & inspect.CO_VARARGS else None
    kwarg = code.co_varnames[at + bool(vararg)] if flags & inspect.CO_VARKEYWORDS else None

    def free(base: str) -> str:
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    extra = [free(f"{vararg}_{i}") for i in range(count)] if vararg else []
    by_key = [free(f"{kwarg}_{k}") for k in keys] if kwarg and keys is not None else []
    return named + extra + by_key


def specialize_variadic(fdef: gast.FunctionDef, fn, count: int, keys: tuple | None) -> None:
    """Rewrite `fdef` (the def of `fn`) for a call with `count` extra positional arguments
    and keyword arguments `keys` (see the module docstring)."""
    a = fdef.args
    params = variadic_parameters(fn, count, keys)
    named = len(a.posonlyargs) + len(a.args)
    extra, by_key = params[named : named + count], params[named + count :]
    first = []
    if a.vararg is not None:
        first.append(S.assign(a.vararg.id, S.tuple_([S.name(p) for p in extra])))
    if a.kwarg is not None and keys is not None:
        display = gast.Dict(keys=[S.const(k) for k in keys], values=[S.name(p) for p in by_key])
        first.append(S.assign(a.kwarg.id, display))
    for s in first:
        for n in S.walk(s):
            if "lineno" in n._attributes:
                gast.copy_location(n, fdef)
    new = [S.name(p) for p in extra + by_key]
    for p in new:
        p.ctx = gast.Param()
    a.args = a.posonlyargs + a.args + new
    if new:  # the named parameters are all passed (a parameter without default follows)
        a.defaults = []
    a.posonlyargs, a.vararg = [], None
    if keys is not None:
        a.kwarg = None
    fdef.body = first + fdef.body


def unstar_known_lengths(fdef: gast.FunctionDef, namespace, local_names: set) -> None:
    """Spell out starred arguments of known length (see the module docstring); `zip` is the
    builtin where `namespace` finds it and no name of `local_names` binds it."""
    tuples, dicts = _known_displays(fdef)
    taken = S.all_names(fdef)
    counter = [0]

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"zipped{counter[0]}"
            if name not in taken:
                taken.add(name)
                return name

    for node in S.walk(fdef):
        if isinstance(node, gast.Call):
            node.args = _spread_args(node.args, tuples)
            node.keywords = _spread_keywords(node.keywords, dicts)
    if "zip" not in local_names and namespace.lookup("zip", None) is zip:
        fdef.body = S.rewrite_statements(fdef.body, lambda s: _zip_star(s, fresh))


def _spread_args(args: list, tuples: dict) -> list:
    out = []
    for a in args:
        if not isinstance(a, gast.Starred):
            out.append(a)
        elif isinstance(a.value, gast.Tuple) and not _has_star(a.value.elts):
            out.extend(a.value.elts)
        elif isinstance(a.value, gast.Name) and a.value.id in tuples:
            n = tuples[a.value.id]
            out.extend(
                S.copy_location(S.subscript(S.name(a.value.id), S.const(i)), a) for i in range(n)
            )
        else:
            out.append(a)
    return out


def _spread_keywords(keywords: list, dicts: dict) -> list:
    out = []
    for k in keywords:
        display = k.value if k.arg is None else None
        if isinstance(display, gast.Name) and display.id in dicts:
            keys = dicts[display.id]
            out.extend(
                gast.keyword(arg=key, value=S.subscript(S.name(display.id), S.const(key)))
                for key in keys
            )
        elif isinstance(display, gast.Dict) and _string_keys(display) is not None:
            out.extend(
                gast.keyword(arg=key.value, value=v) for key, v in zip(display.keys, display.values)
            )
        else:
            out.append(k)
    return out


def _has_star(elts) -> bool:
    return any(isinstance(e, gast.Starred) for e in elts)


def _string_keys(d: gast.Dict) -> tuple | None:
    keys = []
    for k in d.keys:
        if not (
            isinstance(k, gast.Constant) and isinstance(k.value, str) and k.value.isidentifier()
        ):
            return None
        keys.append(k.value)
    return tuple(keys) if len(set(keys)) == len(keys) else None


def _known_displays(fdef: gast.FunctionDef) -> tuple[dict, dict]:
    """Names bound once, to a tuple display (-> its length) or to a dict display with string
    keys, only read (-> its keys). Parameters and names a nested def binds are left out."""
    stores: dict[str, list] = {}
    for node in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            stores.setdefault(node.id, []).append(node)
        elif isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            for n in S.walk(node.args) if not isinstance(node, gast.ClassDef) else ():
                if isinstance(n, gast.Name):
                    stores.setdefault(n.id, []).extend([n, n])
            if isinstance(node, (gast.FunctionDef, gast.ClassDef)):
                stores.setdefault(node.name, []).extend([node, node])
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            for name in node.names:
                stores.setdefault(name, []).extend([node, node])
    tuples, dicts = {}, {}
    params = {p.id for p in S.walk(fdef.args) if isinstance(p, gast.Name)}
    for s in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
            continue
        target = s.targets[0]
        if not isinstance(target, gast.Name) or len(stores.get(target.id, ())) != 1:
            continue
        if target.id in params:
            continue
        if isinstance(s.value, gast.Tuple) and not _has_star(s.value.elts):
            tuples[target.id] = len(s.value.elts)
        elif isinstance(s.value, gast.Dict) and _string_keys(s.value) is not None:
            if _only_read(fdef, target.id):
                dicts[target.id] = _string_keys(s.value)
    return tuples, dicts


def _only_read(fdef: gast.FunctionDef, name: str) -> bool:
    """Whether every load of `name` reads the dict without changing or handing it on."""
    parents = {}
    for node in S.walk(fdef):
        for child in S.children(node):
            parents[id(child)] = node
    for node in S.walk(fdef):
        if not (
            isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)
        ):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, gast.Load):
                return False
        elif isinstance(parent, gast.Attribute):
            if parent.attr not in _DICT_READERS:
                return False
        elif isinstance(parent, gast.keyword) and parent.arg is None:
            continue
        elif isinstance(parent, gast.Compare) and node is not parent.left:
            continue  # key in d
        else:
            return False
    return True


def _zip_star(s, fresh) -> list:
    """``for a, b in zip(*xs)`` -> ``z1, z2 = xs`` and ``for a, b in zip(z1, z2)``."""
    if not (isinstance(s, gast.For) and isinstance(s.target, (gast.Tuple, gast.List))):
        return [s]
    it = s.iter
    if not (
        isinstance(it, gast.Call)
        and isinstance(it.func, gast.Name)
        and it.func.id == "zip"
        and len(it.args) == 1
        and isinstance(it.args[0], gast.Starred)
        and not it.keywords
        and not _has_star(s.target.elts)
    ):
        return [s]
    names = [fresh() for _ in s.target.elts]
    unpack = S.assign(
        S.tuple_([S.name(n, store=True) for n in names], store=True), it.args[0].value
    )
    it.args = [S.name(n) for n in names]
    for n in S.walk(unpack):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, s)
    for n in it.args:
        gast.copy_location(n, s)
    return [unpack, s]


def transpose_zip_star(fdef: gast.FunctionDef, namespace, local_names: set, rt: str) -> None:
    """Spell out ``zip(*e)`` iterated to its end (see the module docstring), where `zip`,
    `list`, `tuple` and `range` are the builtins."""
    builtins_ = {"zip": zip, "list": list, "tuple": tuple, "range": range}
    for n, f in builtins_.items():
        if n in local_names or namespace.lookup(n, None) is not f:
            return
    taken = S.all_names(fdef)
    counter = [0]

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"column{counter[0]}"
            if name not in taken:
                taken.add(name)
                return name

    def spelled(node):
        if not _is_zip_star(node):
            return node
        return S.copy_location(_transposed(node.args[0].value, rt, fresh), node)

    for node in S.walk(fdef):
        if isinstance(node, gast.Assign):
            node.value = spelled(node.value)
        elif isinstance(node, gast.For) and not isinstance(node.target, (gast.Tuple, gast.List)):
            node.iter = spelled(node.iter)
        elif isinstance(node, gast.comprehension):
            node.iter = spelled(node.iter)
        elif (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Name)
            and node.func.id in ("list", "tuple")
            and len(node.args) == 1
            and not node.keywords
        ):
            node.args[0] = spelled(node.args[0])


def _is_zip_star(node) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == "zip"
        and len(node.args) == 1
        and isinstance(node.args[0], gast.Starred)
        and not node.keywords
    )


def _transposed(seq, rt: str, fresh):
    """``[[tuple([r[j] for r in s]) for j in range(rt.zip_count(s))] for s in [list(seq)]][0]``"""
    s, j, r = fresh(), fresh(), fresh()
    column = S.call(
        S.name("tuple"),
        [
            gast.ListComp(
                S.subscript(S.name(r), S.name(j)),
                [gast.comprehension(S.name(r, store=True), S.name(s), [], 0)],
            )
        ],
    )
    count = S.call(S.attr(S.name(rt), "zip_count"), [S.name(s)])
    columns = gast.ListComp(
        column,
        [gast.comprehension(S.name(j, store=True), S.call(S.name("range"), [count]), [], 0)],
    )
    listed = gast.List(elts=[S.call(S.name("list"), [seq])], ctx=gast.Load())
    bound = gast.ListComp(columns, [gast.comprehension(S.name(s, store=True), listed, [], 0)])
    return S.subscript(bound, S.const(0))
