"""A call of a primitive, as a batching rule sees it and rewrites it.

`PrimitiveCall` holds the primitive, its arguments (a method call's object first, as the
registry's templates number them) and their batchedness; a rule replaces arguments by
name (`with_arg`) and prints the call again (`expr`), through the names generated code
binds (`Names`). Readable code is the point: ``np.sum(x, axis=1)``, not a helper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import gast
import numpy as np

from .. import runtime
from ..analyze.calls import rule_call_arguments
from ..ir import syntax as S
from ..rules.template import BindError, bind_call


@dataclasses.dataclass
class Names:
    """How batched code names numpy, the runtime and other objects (the binder's names)."""

    bind: Callable[[str, object], str]

    @property
    def np(self) -> str:
        return self.bind("np", np)

    @property
    def rt(self) -> str:
        return self.bind("rt", runtime)

    def rt_call(self, helper: str, args: list, keywords: dict | None = None) -> gast.Call:
        return _call(S.attr(S.name(self.rt), helper), args, keywords or {})

    def np_call(self, path: str, args: list, keywords: dict | None = None) -> gast.Call:
        return _call(S.dotted(f"{self.np}.{path}"), args, keywords or {})

    def function(self, primitive) -> gast.expr:
        """An expression naming `primitive`: np.<name>, np.linalg.<name>, rt.<name>."""
        name = getattr(primitive, "__name__", None)
        if name:
            for prefix, module in (
                (self.np, np),
                (f"{self.np}.linalg", np.linalg),
                (self.rt, runtime),
            ):
                if getattr(module, name, None) is primitive:
                    return S.dotted(f"{prefix}.{name}")
        return S.name(self.bind(name or "primitive", primitive))


def _call(func, args, keywords) -> gast.Call:
    return gast.Call(
        func=func,
        args=list(args),
        keywords=[gast.keyword(arg=k, value=v) for k, v in keywords.items()],
    )


@dataclasses.dataclass
class PrimitiveCall:
    primitive: object
    rule: object  # srcad.rules.registry.Rule
    args: list  # positional atoms, a method's object first
    keywords: dict  # name -> atom
    params: dict  # template parameter -> atom (defaults filled), empty when unbound
    positional: list  # the template's positional parameters, in order
    batched: Callable  # atom -> bool
    ndim: Callable  # atom -> rank of one example, or None

    @classmethod
    def of(cls, call: gast.Call, target, batched, ndim) -> PrimitiveCall:
        args, keywords = rule_call_arguments(call, target)
        rule = target.rule
        template = (rule.vjp or rule.jvp) if rule is not None else None
        params, positional = {}, []
        if template is not None:
            try:
                params = bind_call(template, rule, list(args), dict(keywords))
            except BindError:
                params = {}
            positional = [p for p in template.params if p not in template.keyword_only]
        primitive = rule.primitive if rule is not None else target.obj
        return cls(primitive, rule, list(args), dict(keywords), params, positional, batched, ndim)

    def arg(self, param: str):
        return self.params.get(param)

    def with_arg(self, param: str, value: gast.expr) -> PrimitiveCall:
        """This call with the argument of `param` replaced (or added as a keyword)."""
        new = dataclasses.replace(self, args=list(self.args), keywords=dict(self.keywords))
        new.params = dict(self.params)
        new.params[param] = value
        if param in new.keywords:
            new.keywords[param] = value
        elif param in self.positional and self.positional.index(param) < len(new.args):
            new.args[self.positional.index(param)] = value
        else:
            new.keywords[param] = value
        return new

    def expr(self, names: Names) -> gast.Call:
        return _call(names.function(self.primitive), self.args, self.keywords)

    def operands(self) -> list:
        return list(self.args) + list(self.keywords.values())

    def any_batched(self, *params: str) -> bool:
        if not params:
            return any(self.batched(a) for a in self.operands())
        return any(self.batched(self.params.get(p)) for p in params)
