"""Emit: a generated gast function -> Python source -> a live function object.

Accepts a generated `gast.FunctionDef` whose statements carry the user's line numbers.
Guarantees: the source is printed as `ast.unparse` prints it (by srcad.printer), with a comment
naming the user's function, file and line before each block of statements that comes from
one user line; it is compiled under a unique file name registered in `linecache` (so
`inspect.getsource`, pdb and tracebacks show it); the function runs with the user's own
globals (read live, never copied) and with closure cells for the user's closure variables
(the user's own cells) and for the helpers srcad binds (the runtime, transformed callees).
"""

from __future__ import annotations

import dataclasses
import itertools
import linecache
import os
import textwrap
import threading
import types

import gast

from . import printer
from .ir import syntax as S

_counter = itertools.count(1)
_lock = threading.Lock()


@dataclasses.dataclass
class Emitted:
    function: types.FunctionType
    source: str  # the function alone, at column 0
    filename: str


def _comment_text(source_lines: dict, function: str, filename: str, lineno: int) -> str:
    line = source_lines.get(lineno)
    if line is None:
        line = linecache.getline(filename, lineno).strip()
        source_lines[lineno] = line
    base = os.path.basename(filename) if not filename.startswith("<") else filename
    text = f"{function}, {base}:{lineno}"
    if line:
        text += f"  {line}"
    return text


def add_comments(
    stmts: list,
    function: str,
    filename: str,
    cache: dict | None = None,
    previous: list | None = None,
) -> list:
    """Put a comment marker before each run of statements that comes from one user line."""
    cache = {} if cache is None else cache
    state = previous if previous is not None else [None]
    out = []
    for s in stmts:
        lineno = getattr(s, "lineno", None)
        if lineno is not None and lineno != state[0] and filename:
            text = _comment_text(cache, function, filename, lineno).replace("\n", " ")
            out.append(S.expr_stmt(S.const(printer.COMMENT + text)))
            state[0] = lineno
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and not isinstance(s, gast.FunctionDef):
                setattr(s, field, add_comments(inner, function, filename, cache, state))
        out.append(s)
    return out


def unparse_function(fdef: gast.FunctionDef) -> str:
    return printer.function_source(fdef)


def compile_function(
    source: str,
    name: str,
    globals_: dict,
    cells: dict[str, object],
    user_cells: dict,
    defaults=None,
    kwdefaults=None,
    label: str = "",
) -> Emitted:
    """Compile `source` (one def at column 0) and bind its free names to cells."""
    free = sorted(set(cells) | set(user_cells))
    params = ", ".join(free)
    factory = (
        f"def __srcad_bind__({params}):\n"
        + textwrap.indent(source, "    ")
        + f"    return {name}\n"
    )
    with _lock:
        number = next(_counter)
    filename = f"<srcad {label or name} #{number}>"
    code = compile(factory, filename, "exec")
    linecache.cache[filename] = (len(factory), None, factory.splitlines(True), filename)
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner = next(
        c for c in factory_code.co_consts if isinstance(c, types.CodeType) and c.co_name == name
    )
    closure = []
    for var in inner.co_freevars:
        if var in user_cells:
            closure.append(user_cells[var])
        else:
            value = cells[var]
            closure.append(value if isinstance(value, types.CellType) else types.CellType(value))
    fn = types.FunctionType(inner, globals_, name, defaults, tuple(closure) or None)
    fn.__qualname__ = name
    if kwdefaults:
        fn.__kwdefaults__ = dict(kwdefaults)
    return Emitted(fn, source, filename)
