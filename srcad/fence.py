"""Stage 2, fence: refuse what srcad cannot differentiate, before any pass touches it.

Accepts a parsed `gast.FunctionDef`. Guarantees: every construct left in the tree is one the
later passes handle; anything else raises `UnsupportedSyntaxError` with file:line:col, the
offending line, the construct's name and what to write instead. Nothing is rewritten here.
"""

from __future__ import annotations

import gast

from .errors import Location, UnsupportedSyntaxError
from .ir import syntax as S

# construct -> (what it is called, what to do instead)
_REFUSED: dict[type, tuple[str, str]] = {
    gast.AsyncFunctionDef: ("an async function", "use a plain def"),
    gast.ClassDef: ("a class definition", "define the class outside the function"),
    gast.Try: ("try/except", "move the try/except outside the differentiated function"),
    gast.With: ("a with block", "move the with block outside the differentiated function"),
    gast.AsyncWith: ("async with", "move it outside the differentiated function"),
    gast.AsyncFor: ("async for", "use a plain for loop"),
    gast.Import: ("an import inside the function", "import at module level"),
    gast.ImportFrom: ("an import inside the function", "import at module level"),
    gast.Global: ("a global statement", "return the value instead of writing a global"),
    gast.Nonlocal: (
        "a nonlocal statement",
        "return the value instead of writing to an outer variable",
    ),
    gast.Yield: ("yield (a generator)", "collect the values in a list and return it"),
    gast.YieldFrom: ("yield from (a generator)", "collect the values in a list and return it"),
    gast.Await: ("await", "srcad differentiates synchronous code only"),
    gast.SetComp: ("a set comprehension", "use a list"),
    gast.Set: ("a set display", "use a list or tuple"),
}
for _extra in ("TryStar", "Match"):
    if hasattr(gast, _extra):
        _REFUSED[getattr(gast, _extra)] = (
            "try/except*" if _extra == "TryStar" else "a match statement",
            "move it outside the differentiated function"
            if _extra == "TryStar"
            else "use if/elif/else",
        )


# Calls that run or inspect code srcad cannot see.
_DYNAMIC_CODE = {
    "exec",
    "eval",
    "compile",
    "locals",
    "globals",
    "vars",
    "__import__",
    "setattr",
    "delattr",
}


def location(node, filename: str, function: str | None = None) -> Location:

    return Location(
        filename,
        getattr(node, "lineno", 0) or 0,
        getattr(node, "col_offset", 0) or 0,
        getattr(node, "end_col_offset", None)
        if getattr(node, "end_lineno", None) == getattr(node, "lineno", None)
        else None,
        function,
    )


def statement_location(node, root, filename: str, function: str | None = None) -> Location:
    """`location` of `node`, or of the statement of `root` that holds it when `node` has no
    position (normalization builds new names and calls; its statements keep the user's)."""
    if getattr(node, "lineno", None):
        return location(node, filename, function)
    for s in S.statements(list(root.body)):
        own = [getattr(s, f, None) for f in s._fields if f not in ("body", "orelse")]
        if any(n is node for v in own if v is not None for n in _walk_field(v)):
            return location(s, filename, function)
    return location(node, filename, function)


def _walk_field(value):
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, gast.AST):
            yield from S.walk(v)


def refuse(node, filename: str, what: str, instead: str, function: str | None = None):
    raise UnsupportedSyntaxError(
        f"srcad does not support {what}" + (f" (in {function})" if function else ""),
        location(node, filename, function),
        hint=instead,
    )


def _lifted_nonlocals(fdef: gast.FunctionDef) -> set:
    """The nonlocal statements of functions nested directly in `fdef` that name its own
    variables: srcad.normalize.closures lifts those functions and hands the values back."""
    own = S.names_stored(fdef) | {a.id for a in fdef.args.args + fdef.args.posonlyargs}
    allowed = set()
    todo = list(fdef.body)
    while todo:
        s = todo.pop()
        if isinstance(s, gast.FunctionDef):
            for n in S.walk_no_nested(s):
                if isinstance(n, gast.Nonlocal) and set(n.names) <= own:
                    allowed.add(n)
            continue
        for field in ("body", "orelse", "finalbody"):
            todo.extend(getattr(s, field, None) or [])
    return allowed


def check(fdef: gast.FunctionDef, filename: str) -> None:
    """Raise `UnsupportedSyntaxError` at the first construct srcad cannot handle."""
    fname = fdef.name
    allowed = _lifted_nonlocals(fdef)
    for node in S.walk(fdef):
        refused = _REFUSED.get(type(node))
        if refused and node not in allowed:
            refuse(node, filename, refused[0], refused[1], fname)
        if isinstance(node, gast.FunctionDef) and node is not fdef and node.decorator_list:
            refuse(
                node,
                filename,
                "a decorated nested function",
                "define it at module level or drop the decorator",
                fname,
            )
        if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.For)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            for t in targets:
                _check_target(t, filename, fname)
        if (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Name)
            and (node.func.id in _DYNAMIC_CODE)
        ):
            refuse(
                node,
                filename,
                f"{node.func.id}()",
                "srcad needs code it can read: write the code out in the function",
                fname,
            )
        if isinstance(node, gast.Delete):
            for t in node.targets:
                if not isinstance(t, gast.Name):
                    refuse(
                        t,
                        filename,
                        "del of an item or attribute",
                        "build a new container without the item",
                        fname,
                    )
        if isinstance(node, (gast.ListComp, gast.DictComp, gast.GeneratorExp)):
            for gen in node.generators:
                if gen.is_async:
                    refuse(node, filename, "an async comprehension", "use a plain one", fname)
                _check_target(gen.target, filename, fname)


def _check_target(target, filename, fname):
    if isinstance(target, gast.Starred):
        refuse(
            target,
            filename,
            "starred assignment (a, *rest = ...)",
            "index the sequence explicitly",
            fname,
        )
    if isinstance(target, (gast.Tuple, gast.List)):
        for e in target.elts:
            _check_target(e, filename, fname)
