"""Names in generated code for the objects it needs (the runtime, numpy, callees)."""

from __future__ import annotations

import types

import gast

from ..naming import Namer, identifier
from ..parse import Namespace

_MISSING = object()


class Binder:
    """Binds objects to names of the generated code: the user's own name for an object when
    the function's namespace already has it there, else a fresh name held in a closure cell
    (`cells`, passed to `srcad.emit.compile_function`)."""

    def __init__(self, namespace: Namespace, namer: Namer, local_names: set[str]):
        self.namespace = namespace
        self.namer = namer
        self.local_names = local_names
        self.cells: dict[str, object] = {}
        self._names: dict[int, str] = {}

    def bind(self, preferred: str, obj) -> str:
        preferred = identifier(preferred)
        key = id(obj)

        if key in self._names:
            return self._names[key]
        if (
            preferred not in self.local_names
            and preferred not in self.cells
            and self.namespace.lookup(preferred, _MISSING) is obj
            and not isinstance(obj, types.CellType)
        ):
            self._names[key] = preferred
            return preferred
        name = self.namer.fresh(preferred)
        self.cells[name] = obj
        self._names[key] = name
        return name

    def bind_as(self, name: str, obj) -> str:
        """Bind `obj` under exactly `name` (a name the namer already handed out)."""
        self.cells[name] = obj
        self._names[id(obj)] = name
        return name

    def resolve(self, node):
        """The object an expression of generated code refers to (None if unknown)."""
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name):
            return None
        if node.id in self.cells:
            obj = self.cells[node.id]
            if isinstance(obj, types.CellType):
                try:
                    obj = obj.cell_contents
                except ValueError:
                    return None
        elif node.id in self.local_names:
            return None
        else:
            obj = self.namespace.lookup(node.id, None)
        for part in reversed(path):
            obj = getattr(obj, part, None)
        return obj

    def visible_namespace(self) -> Namespace:
        """The function's namespace, plus the names srcad bound (they resolve like its own)."""
        bound = {
            n: o if isinstance(o, types.CellType) else types.CellType(o)
            for n, o in self.cells.items()
        }
        return Namespace(self.namespace.globals, {**self.namespace.cells, **bound})
