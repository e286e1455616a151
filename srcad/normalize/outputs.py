"""Normalize, part 4: the function's output gets a name of its own.

Accepts a function after control-flow lowering (one ``return`` at the end). Guarantees that
the return statement returns a name; with ``has_aux`` the returned pair is unpacked into two
fresh names, the differentiated output and the auxiliary data, just before the return.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S
from ..naming import Namer


def name_output(fdef: gast.FunctionDef, has_aux: bool, namer: Namer) -> tuple[str, str | None]:
    """(the output's name, the auxiliary data's name or None); may insert statements."""
    ret = fdef.body[-1]
    assert isinstance(ret, gast.Return)
    value = ret.value
    if not isinstance(value, gast.Name):
        name = namer.fresh("result")
        fdef.body.insert(len(fdef.body) - 1, S.assign(name, value))
        value = S.name(name)
        ret.value = S.name(name)
    if not has_aux:
        return value.id, None
    out, aux = namer.fresh("out"), namer.fresh("aux")
    unpack = S.assign(
        S.tuple_([S.name(out, store=True), S.name(aux, store=True)], store=True), S.name(value.id)
    )
    unpack.lineno = getattr(ret, "lineno", None)
    fdef.body.insert(len(fdef.body) - 1, unpack)
    return out, aux
