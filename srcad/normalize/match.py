"""Normalize: ``match`` statements become if/else chains.

Accepts a parsed function before the fence (which refuses ``match``). Each ``match`` whose
patterns are all literals (``case 0``, ``case "a"``), singletons (``None``, ``True``),
captures and wildcards (``case x``, ``case _``), or-patterns without captures
(``case 1 | 2``), sequences (``case (a, b)``, ``case [first, *rest]``), class patterns
(``case Point(x=0)``, ``case float(v)`` for the builtins that match themselves) and
``as`` patterns and mappings (``case {"kind": "relu", **rest}``), with or without guards,
becomes::

    subject = <the subject>              (evaluated once)
    if <pattern 1 matches subject>:
        <its captures bound>
        if <guard>: <body 1>
        else: <the remaining cases>      (a failed guard goes on to the next case)
    else:
        <the remaining cases>

with the tests Python's match makes: ``==`` for literals, ``is`` for singletons, a
sequence is a ``collections.abc.Sequence`` other than str, bytes and bytearray of the
right length (a numpy array is none), a class pattern is ``isinstance`` plus attribute
tests, a mapping pattern is ``isinstance(subject, collections.abc.Mapping)``, ``key in
subject`` and the key's pattern on ``subject[key]`` for each key (``**rest``: a new dict of
the other items). Captures are bound only when their pattern matched, as in Python. Guarantees: a
match with a pattern outside this list (captures under an or-pattern, positional
patterns of other classes) is left as it is, for the fence to refuse with its located
error. Names for the subject come from the function's free names (no clash).
"""

from __future__ import annotations

import builtins
import collections.abc

import gast

from ..ir import syntax as S
from ..naming import Namer

# The builtins whose class pattern with one positional pattern matches the subject itself.
_SELF_MATCHING = frozenset(
    ("bool", "bytearray", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str")
    + ("tuple",)
)
_MAX_GUARDED = 8  # a failed guard copies the remaining cases: keep the copies few


class _Unsupported(Exception):
    pass


def lower_match(fdef: gast.FunctionDef, namespace, cells: dict) -> None:
    """Lower the match statements of `fdef` (see the module docstring). `cells` receives
    the objects the tests name (``collections.abc.Sequence``, builtins), for the binder."""
    if not any(isinstance(n, gast.Match) for n in S.walk(fdef)):
        return
    namer = Namer(S.all_names(fdef))
    local = S.names_stored(fdef)
    builtin = {
        n
        for n in _SELF_MATCHING
        if n not in local and namespace.lookup(n, None) is getattr(builtins, n)
    }
    lowering = _Lowering(namer, cells, builtin)
    fdef.body = S.rewrite_statements(fdef.body, lowering.statement)


class _Lowering:
    def __init__(self, namer: Namer, cells: dict, self_matching: set):
        self.namer, self.cells, self.self_matching = namer, cells, self_matching
        self.sequence = None
        self.mapping = None
        self.bound: dict = {}

    def _builtin(self, name: str) -> gast.Name:
        """A name for the builtin `name` that no user name hides."""
        if name not in self.bound:
            self.bound[name] = self.namer.fresh(f"{name}_")
            self.cells[self.bound[name]] = getattr(builtins, name)
        return S.name(self.bound[name])

    def statement(self, s) -> list:
        if not isinstance(s, gast.Match):
            return [s]
        if sum(c.guard is not None for c in s.cases) > _MAX_GUARDED:
            return [s]
        subject = S.name(self.namer.fresh("subject"))
        try:
            chain = self._cases(s.cases, subject)
        except _Unsupported:
            return [s]
        first = S.assign(subject.id, s.subject)
        out = [first, *chain]
        for n in out:
            for m in S.walk(n):
                if isinstance(m, (gast.stmt, gast.expr)) and getattr(m, "lineno", None) is None:
                    S.copy_location(m, s)
        return out

    def _cases(self, cases: list, subject) -> list:
        if not cases:
            return []
        case, rest = cases[0], cases[1:]
        tests, binds = self._pattern(case.pattern, subject)
        body = list(case.body)
        if case.guard is not None:
            body = [gast.If(case.guard, body, self._cases(rest, subject))]
        body = binds + body
        if not tests:  # an irrefutable pattern: the later cases never run
            return body
        test = tests[0] if len(tests) == 1 else gast.BoolOp(gast.And(), tests)
        return [gast.If(test, body, self._cases(rest, subject) if rest else [])]

    # -- patterns: (tests, in order, short-circuited; capture assignments) ---------------------
    def _pattern(self, p, subject) -> tuple[list, list]:
        if isinstance(p, gast.MatchValue):
            return [gast.Compare(S.clone(subject), [gast.Eq()], [p.value])], []
        if isinstance(p, gast.MatchSingleton):
            constant = gast.Constant(p.value, None)
            return [gast.Compare(S.clone(subject), [gast.Is()], [constant])], []
        if isinstance(p, gast.MatchAs):
            tests, binds = self._pattern(p.pattern, subject) if p.pattern else ([], [])
            if p.name is not None:
                binds = binds + [S.assign(p.name, S.clone(subject))]
            return tests, binds
        if isinstance(p, gast.MatchOr):
            alternatives = []
            for alt in p.patterns:
                tests, binds = self._pattern(alt, subject)
                if binds:
                    raise _Unsupported
                if not tests:
                    return [], []
                alternatives.append(tests[0] if len(tests) == 1 else gast.BoolOp(gast.And(), tests))
            return [gast.BoolOp(gast.Or(), alternatives)], []
        if isinstance(p, gast.MatchSequence):
            return self._sequence(p, subject)
        if isinstance(p, gast.MatchClass):
            return self._class(p, subject)
        if isinstance(p, gast.MatchMapping):
            return self._mapping(p, subject)
        raise _Unsupported

    def _mapping(self, p, subject) -> tuple[list, list]:
        """A mapping (``collections.abc.Mapping``) with each key (``key in subject``, then
        the key's pattern on ``subject[key]``); ``**rest`` binds a new dict of the others."""
        if self.mapping is None:
            self.mapping = self.namer.fresh("Mapping")
            self.cells[self.mapping] = collections.abc.Mapping
        tests = [S.call(self._builtin("isinstance"), [S.clone(subject), S.name(self.mapping)])]
        binds: list = []
        for key, q in zip(p.keys, p.patterns):
            tests.append(gast.Compare(S.clone(key), [gast.In()], [S.clone(subject)]))
            item = gast.Subscript(S.clone(subject), S.clone(key), gast.Load())
            more_tests, more_binds = self._pattern(q, item)
            tests += more_tests
            binds += more_binds
        if p.rest is not None:
            k, v = self.namer.fresh("key"), self.namer.fresh("value")
            items = S.call(gast.Attribute(S.clone(subject), "items", gast.Load()))
            others = gast.Compare(S.name(k), [gast.NotIn()], [S.tuple_(map(S.clone, p.keys))])
            loop = gast.comprehension(
                S.tuple_([S.name(k), S.name(v)], store=True), items, [others], 0
            )
            binds.append(S.assign(p.rest, gast.DictComp(S.name(k), S.name(v), [loop])))
        return tests, binds

    def _sequence(self, p, subject) -> tuple[list, list]:
        if self.sequence is None:
            self.sequence = self.namer.fresh("Sequence")
            self.cells[self.sequence] = collections.abc.Sequence
        strings = gast.Tuple(
            [self._builtin("str"), self._builtin("bytes"), self._builtin("bytearray")],
            gast.Load(),
        )
        tests = [
            S.call(self._builtin("isinstance"), [S.clone(subject), S.name(self.sequence)]),
            gast.UnaryOp(
                gast.Not(), S.call(self._builtin("isinstance"), [S.clone(subject), strings])
            ),
        ]
        stars = [i for i, q in enumerate(p.patterns) if isinstance(q, gast.MatchStar)]
        n = len(p.patterns)
        length = S.call(self._builtin("len"), [S.clone(subject)])
        if stars:
            tests.append(gast.Compare(length, [gast.GtE()], [gast.Constant(n - 1, None)]))
        else:
            tests.append(gast.Compare(length, [gast.Eq()], [gast.Constant(n, None)]))
        binds: list = []
        star = stars[0] if stars else None
        for i, q in enumerate(p.patterns):
            if isinstance(q, gast.MatchStar):
                if q.name is not None:
                    end = gast.Constant(i - n + 1, None) if i < n - 1 else None
                    part = gast.Subscript(
                        S.clone(subject), gast.Slice(gast.Constant(i, None), end, None), gast.Load()
                    )
                    binds.append(S.assign(q.name, S.call(self._builtin("list"), [part])))
                continue
            index = i if star is None or i < star else i - n
            item = gast.Subscript(S.clone(subject), gast.Constant(index, None), gast.Load())
            more_tests, more_binds = self._pattern(q, item)
            tests += more_tests
            binds += more_binds
        return tests, binds

    def _class(self, p, subject) -> tuple[list, list]:
        tests = [S.call(self._builtin("isinstance"), [S.clone(subject), p.cls])]
        binds: list = []
        if p.patterns:
            if not (isinstance(p.cls, gast.Name) and p.cls.id in self.self_matching):
                raise _Unsupported  # __match_args__ of another class
            if len(p.patterns) != 1:
                raise _Unsupported
            more_tests, more_binds = self._pattern(p.patterns[0], subject)
            tests += more_tests
            binds += more_binds
        for attr, q in zip(p.kwd_attrs, p.kwd_patterns):
            tests.append(
                S.call(self._builtin("hasattr"), [S.clone(subject), gast.Constant(attr, None)])
            )
            value = gast.Attribute(S.clone(subject), attr, gast.Load())
            more_tests, more_binds = self._pattern(q, value)
            tests += more_tests
            binds += more_binds
        return tests, binds
