"""The intermediate notation of derivative code: ``d[v]`` as a node of its own.

Rule templates write ``d[x]``; transforms emit the same. `Deriv(id=v)` is the derivative
(tangent or adjoint) of the primal name ``v``; ``id=None`` stands for the derivative of a
constant, which is zero. An assignment to a `Deriv` means "define" in forward mode and "add
into" in reverse mode. `Zero(like=v)` is a derivative known to be zero, with the primal name
whose shape it has (or None). `Block` groups the statements of one rule application with the
names whose derivatives it reads, so that lowering can skip it when all of them are zero.
`Reset` marks the point where a reverse-mode adjoint goes back to zero (the primal's
definition). `Save`/`Restore` mark where reverse mode may save a value that is about to be
overwritten; `srcad.transform.tbr` decides which of them are needed.

None of these nodes survive lowering; `emit` refuses a tree that still holds one.
"""

from __future__ import annotations

import gast


class Deriv(gast.AST):
    _fields = ("id", "ctx")

    def __init__(self, id=None, ctx=None, **kw):  # noqa: A002 - mirrors gast.Name
        super().__init__(**kw)
        self.id = id
        self.ctx = ctx if ctx is not None else gast.Load()


class Zero(gast.AST):
    _fields = ("like",)

    def __init__(self, like=None, **kw):
        super().__init__(**kw)
        self.like = like


class Block(gast.stmt):
    _fields = ("sources", "body")

    def __init__(self, sources=(), body=None, **kw):
        super().__init__(**kw)
        self.sources = list(sources) if sources is not None else []
        self.body = body or []


class Reset(gast.stmt):
    _fields = ("id",)

    def __init__(self, id=None, **kw):  # noqa: A002
        super().__init__(**kw)
        self.id = id


class Save(gast.stmt):
    """Forward sweep: keep `value` (an expression of primal names) for site `site`; inside a
    loop (`in_loop`) every iteration keeps its own."""

    _fields = ("site", "value", "name", "in_loop")

    def __init__(self, site=0, value=None, name="", in_loop=False, **kw):
        super().__init__(**kw)
        self.site = site
        self.value = value
        self.name = name
        self.in_loop = in_loop


class Restore(gast.stmt):
    """Backward sweep: put back what site `site` saved into `target`.

    `helper` is None for a plain assignment (``target = saved``), or ``(rt, obj, index)``:
    put the item back with ``rt.restore_item(obj, index, saved)``, which also removes a dict
    key the forward sweep added."""

    _fields = ("site", "target", "name", "in_loop", "helper")

    def __init__(self, site=0, target=None, name="", in_loop=False, helper=None, **kw):
        super().__init__(**kw)
        self.site = site
        self.target = target  # an assignable expression (a name, or x[idx])
        self.name = name  # the primal name whose value comes back
        self.in_loop = in_loop
        self.helper = helper


class Materialize(gast.stmt):
    """Make sure the derivative of `id` holds a real value (a list about to be mutated)."""

    _fields = ("id",)

    def __init__(self, id=None, **kw):  # noqa: A002
        super().__init__(**kw)
        self.id = id


class SetDerivative(gast.stmt):
    """Reverse mode: replace (not add to) the adjoint of `id` with `value`."""

    _fields = ("id", "value")

    def __init__(self, id=None, value=None, **kw):  # noqa: A002
        super().__init__(**kw)
        self.id = id
        self.value = value


def deriv(name: str | None, store: bool = False) -> Deriv:
    return Deriv(id=name, ctx=gast.Store() if store else gast.Load())


def accumulate(name: str | None, value) -> gast.Assign:
    return gast.Assign(targets=[deriv(name, store=True)], value=value, type_comment=None)


def is_deriv_store(stmt) -> bool:
    return (
        isinstance(stmt, gast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], Deriv)
    )
