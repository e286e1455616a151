"""Normalize: a starred argument of unknown length, dispatched on its length at run time.

Accepts a parsed function (after the fence and `srcad.normalize.variadic`, before ANF), the
namespace its free names come from, its local names and the name bound to
`srcad.runtime`. A call ``g(a, *e, b)`` left with a starred argument (a list built in a
loop, a parameter, a tuple rebound: a length the code does not fix) whose callee `g` the
namespace names, and whose signature allows a few lengths of `e` (a Python function without
``*args``: each count of positional arguments its parameters and defaults take; a numpy
ufunc: its count of inputs), becomes one call per length, chosen when the code runs::

    [g(a, s[0], b) if len(s) == 1 else g(a, s[0], s[1], b) if len(s) == 2
     else rt.starred_count_error('g', len(s), (1, 2)) for s in [list(e)]][0]

`e` is made a list once, where the call would unpack it; any other argument must be a
name, a constant or an attribute of a name (reading them cannot change `e`, so they may be
read after it). A length the signature does not take raises TypeError, as the call would.
Each branch is a call of known arity that the transforms differentiate as written, so the
derivative is right for every length. `dispatched_callees` lists the functions whose
signature chose the lengths: the caller's code is valid while their code and defaults are
those (the driver guards them). Callees with ``*args``, builtins without a signature and
local callables are left as they are (refused by the transforms).
"""

from __future__ import annotations

import types

import gast
import numpy as np

from ..ir import syntax as S


def dispatch_star_lengths(fdef: gast.FunctionDef, namespace, local_names: set, rt: str) -> list:
    """Rewrite calls with a starred argument of unknown length in place (see the module
    docstring); the Python functions whose signatures were read."""
    if "len" in local_names or namespace.lookup("len", None) is not len:
        return []
    if "list" in local_names or namespace.lookup("list", None) is not list:
        return []
    taken = S.all_names(fdef)
    counter = [0]
    callees: list = []

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"starred{counter[0]}"
            if name not in taken:
                taken.add(name)
                return name

    for node in list(S.walk(fdef)):
        for field, value in gast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                new = _dispatched(item, namespace, local_names, rt, fresh, callees)
                if new is None:
                    continue
                if isinstance(value, list):
                    value[i] = new
                else:
                    setattr(node, field, new)
    return callees


def _simple(node) -> bool:
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, (gast.Name, gast.Constant))


def _dispatched(call, namespace, local_names, rt: str, fresh, callees: list):
    if not isinstance(call, gast.Call):
        return None
    stars = [i for i, a in enumerate(call.args) if isinstance(a, gast.Starred)]
    if len(stars) != 1 or any(k.arg is None for k in call.keywords):
        return None
    star = stars[0]
    others = [a for i, a in enumerate(call.args) if i != star]
    if not all(_simple(a) for a in others + [k.value for k in call.keywords]):
        return None
    callee = namespace.value_of(call.func, local_names)
    lengths = _lengths(callee, len(others), {k.arg for k in call.keywords})
    if not lengths:
        return None
    if isinstance(callee, types.FunctionType):
        callees.append(callee)
    s = fresh()
    count = S.call(S.name("len"), [S.name(s)])
    label = S.const(getattr(callee, "__name__", "the function"))
    expr = S.call(
        S.attr(S.name(rt), "starred_count_error"),
        [label, count, S.tuple_([S.const(n) for n in lengths])],
    )
    for n in reversed(lengths):
        items = [S.subscript(S.name(s), S.const(i)) for i in range(n)]
        args = [S.clone(a) for a in call.args[:star]] + items
        args += [S.clone(a) for a in call.args[star + 1 :]]
        keywords = [gast.keyword(arg=k.arg, value=S.clone(k.value)) for k in call.keywords]
        spelled = gast.Call(func=S.clone(call.func), args=args, keywords=keywords)
        test = gast.Compare(
            left=S.call(S.name("len"), [S.name(s)]), ops=[gast.Eq()], comparators=[S.const(n)]
        )
        expr = gast.IfExp(test=test, body=spelled, orelse=expr)
    listed = gast.List(elts=[S.call(S.name("list"), [call.args[star].value])], ctx=gast.Load())
    bound = gast.ListComp(expr, [gast.comprehension(S.name(s, store=True), listed, [], 0)])
    return S.copy_location(S.subscript(bound, S.const(0)), call)


def _lengths(callee, others: int, keywords: set) -> tuple:
    """The lengths of the starred argument the callee's signature takes, given `others`
    positional arguments and the keyword names; () when srcad cannot tell."""
    if isinstance(callee, np.ufunc):
        n = callee.nin - others
        return (n,) if n >= 0 and not keywords & {"out", "where"} else ()
    if not isinstance(callee, types.FunctionType):
        return ()
    code = callee.__code__
    if code.co_flags & 0x04:  # CO_VARARGS: any length (its count is not known here)
        return ()
    params = code.co_varnames[: code.co_argcount]
    first_default = len(params) - len(callee.__defaults__ or ())
    valid = []
    for total in range(len(params) + 1):
        named = set(params[total:])
        if keywords & set(params[:total]):
            continue  # a parameter given twice
        if any(p not in keywords for i, p in enumerate(params) if total <= i < first_default):
            continue  # a parameter without default left out
        if not named >= (keywords & set(params)):
            continue
        if total >= others:
            valid.append(total - others)
    return tuple(valid)
