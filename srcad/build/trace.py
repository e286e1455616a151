"""Instrument the backward function of `Mode.TRACE` (`srcad.trace_grad`).

Accepts the backward function of a split reverse-mode derivative (as `Mode.VJP` assembles
and optimizes it: parameters ``(residuals, seed)``), and the map from primal names to their
adjoints. Guarantees: the function first gets its recorder (``trace =
trace_site.recorder()``, see `srcad.trace.record`) and records the seed; after every
statement that assigns an adjoint it calls ``trace.record(line, "bx", bx)``, with the line
of the user's code the statement comes from; every loop whose body records is bracketed by
``trace.enter(line)``, ``trace.step()`` (first in the body) and ``trace.leave()``. Nothing
else changes: the adjoints are the ones the uninstrumented code computes, and `grad`,
`vjp` and the other modes never see this pass.
"""

from __future__ import annotations

import ast
import linecache
import re

import gast

from ..ir import syntax as S
from ..trace.record import Site
from .analysis import Unit


def instrument(bwd: gast.FunctionDef, unit: Unit, seed: str, adjoints: dict) -> gast.FunctionDef:
    """`bwd` with its adjoints recorded (see the module docstring); `adjoints` maps primal
    names to adjoint names."""
    variables = {b: p for p, b in adjoints.items()}
    trace = unit.namer.fresh("trace")
    lines: dict = {}
    seed_line = _first_line(bwd.body) or unit.fdef.lineno
    body, _ = _block(bwd.body, variables, trace, [seed_line], lines)
    lines[seed_line] = None
    filename = unit.parsed.filename
    texts = {n: linecache.getline(filename, n).strip() for n in sorted(lines)}
    versions, expressions, rebound = _bindings(unit, dict(texts))
    named = {b: versions.get(p, p) for b, p in variables.items()}
    site = Site(unit.parsed.name, filename, texts, named, expressions, rebound)
    site_name = unit.binder.bind("trace_site", site)
    start = S.assign(trace, S.call(S.attr(S.name(site_name), "recorder")))
    bwd.body = [start, _record(trace, seed_line, seed)] + body
    return bwd


def _first_line(stmts: list) -> int | None:
    """The user line of the first statement, in execution order, that has one."""
    for s in stmts:
        if getattr(s, "lineno", None) is not None:
            return s.lineno
        for field in ("body", "orelse"):
            inner = _first_line(getattr(s, field, None) or [])
            if inner is not None:
                return inner
    return None


def _record(trace: str, line: int, adjoint: str) -> gast.stmt:
    call = S.call(
        S.attr(S.name(trace), "record"), [S.const(line), S.const(adjoint), S.name(adjoint)]
    )
    return S.expr_stmt(call)


def _event(trace: str, method: str, *args) -> gast.stmt:
    return S.expr_stmt(S.call(S.attr(S.name(trace), method), [S.const(a) for a in args]))


def _block(stmts: list, variables: dict, trace: str, line: list, lines: dict) -> tuple[list, bool]:
    """The statements with their records; whether any was added. `line` holds the user line
    of the statement last seen (a statement without one continues its predecessor's)."""
    out, recorded = [], False
    for s in stmts:
        if getattr(s, "lineno", None) is not None:
            line[0] = s.lineno
        if isinstance(s, (gast.For, gast.While)):
            loop_line = line[0]
            s.body, inner = _block(s.body, variables, trace, line, lines)
            if inner:
                s.body.insert(_after_comments(s.body), _event(trace, "step"))
                out += [_event(trace, "enter", loop_line), s, _event(trace, "leave")]
                lines[loop_line] = None
                recorded = True
                continue
        elif isinstance(s, gast.If):
            s.body, in_body = _block(s.body, variables, trace, line, lines)
            s.orelse, in_else = _block(s.orelse, variables, trace, line, lines)
            recorded = recorded or in_body or in_else
        out.append(s)
        for name in _adjoints_assigned(s, variables):
            out.append(_record(trace, line[0], name))
            lines[line[0]] = None
            recorded = True
    return out, recorded


def _after_comments(body: list) -> int:
    """The position after the comment markers that open a block (so the step call sits
    under the comment naming the line, as the code it counts does)."""
    return 0 if not body or not _is_comment(body[0]) else 1


def _is_comment(s) -> bool:
    return (
        isinstance(s, gast.Expr)
        and isinstance(s.value, gast.Constant)
        and isinstance(s.value.value, str)
        and s.value.value.startswith("__srcad_comment__:")
    )


def _adjoints_assigned(s, variables: dict) -> list[str]:
    """The adjoint variables a statement binds or changes in place (``bx[i] = ...``)."""
    if not isinstance(s, (gast.Assign, gast.AugAssign)):
        return []
    found = []
    targets = s.targets if isinstance(s, gast.Assign) else [s.target]
    for target in targets:
        for node in S.walk(target):
            if isinstance(node, gast.Name) and node.id in variables and node.id not in found:
                found.append(node.id)
    return found


def _bindings(unit: Unit, lines: dict) -> tuple[dict, dict, frozenset]:
    """What the normalized function binds, said in the user's terms: the user variable
    each name is a version of (normalization renames a variable bound again, ``h`` then
    ``h2``); for each temporary normalization introduced and bound once, the expression it
    holds (``t`` -> ``W @ h``); and the variables bound in a loop or by several lines."""
    code = unit.parsed.fn.__code__
    user = set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
    filename = unit.parsed.filename
    versions: dict = {}
    values: dict = {}
    lines_of: dict = {}  # variable -> the user lines binding it
    rebound: set = set()

    def bind(name: str, lineno, in_loop: bool) -> str:
        variable = name if name in user else _version_of(name, lineno, filename, lines)
        versions[name] = variable
        lines_of.setdefault(variable, set()).add(lineno)
        if in_loop:
            rebound.add(variable)
        return variable

    def visit(stmts: list, in_loop: bool) -> None:
        for s in stmts:
            lineno = getattr(s, "lineno", None)
            if isinstance(s, (gast.For, gast.While)):
                if isinstance(s, gast.For):
                    for name in S.names_stored(s.target):
                        bind(name, lineno, True)
                visit(s.body, True)
                visit(s.orelse, True)
            elif isinstance(s, gast.If):
                visit(s.body, in_loop)
                visit(s.orelse, in_loop)
            elif isinstance(s, gast.Assign):
                for name in S.names_stored(s.targets[0]):
                    bind(name, lineno, in_loop)
                if isinstance(s.targets[0], gast.Name):
                    values.setdefault(s.targets[0].id, []).append(s.value)

    visit(unit.fdef.body, False)
    rebound.update(v for v, at in lines_of.items() if len(at) > 1)
    expressions = {
        n: S.to_source(v[0]).strip()
        for n, v in values.items()
        if len(v) == 1 and versions.get(n) == n and n not in user
    }
    return versions, expressions, frozenset(rebound)


def _version_of(name: str, lineno, filename: str, texts: dict) -> str:
    """The user variable `name` is a version of (``h2`` of ``h``, ``W1_2`` of ``W1``): one
    the user's line `lineno` assigns, whose name `name` extends with a counter. Else `name`
    itself (a temporary)."""
    match = re.fullmatch(r"(.+?)_?(\d+)", name)
    if match is None or lineno is None:
        return name
    if lineno not in texts:
        texts[lineno] = linecache.getline(filename, lineno).strip()
    try:
        tree = ast.parse(texts[lineno] or "")
    except SyntaxError:
        return name
    assigned = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    for base in sorted(assigned, key=len, reverse=True):
        if re.fullmatch(re.escape(base) + r"_?\d+", name):
            return base
    return name
