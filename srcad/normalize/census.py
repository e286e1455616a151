"""The names, node kinds and calls a tree holds, found in one walk.

The driver skips the rewrites that would find nothing to rewrite in a tree. Accepts any gast
tree (nested functions included, as the rewrites walk them) and never changes it. A `Census`
is true of the tree as it was walked: a rewrite that adds code of its
own (an inlined generator, a lowered match) makes it out of date, and the driver takes a
new one after such rewrites.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S


class Census:
    """The names (`names`: every context), the node classes (`classes`), the operator
    classes of binary operations (`operators`), the attribute names (`attributes`) and the
    calls (`calls`) of a tree."""

    def __init__(self, tree):
        names: set[str] = set()
        classes: set[type] = set()
        operators: set[type] = set()
        attributes: set[str] = set()
        calls: list = []
        for node in S.walk(tree):
            cls = type(node)
            classes.add(cls)
            if cls is gast.Name:
                names.add(node.id)
            elif cls is gast.Attribute:
                attributes.add(node.attr)
            elif cls is gast.Call:
                calls.append(node)
            elif cls is gast.BinOp:
                operators.add(type(node.op))
        self.names, self.classes, self.operators = names, classes, operators
        self.attributes, self.calls = attributes, calls

    def has(self, *classes: type) -> bool:
        """Whether the tree holds a node of one of `classes`."""
        return any(c in self.classes for c in classes)

    def mentions(self, *names: str) -> bool:
        """Whether the tree holds a plain name (read, bound or a parameter) of `names`."""
        return any(n in self.names for n in names)

    def spreads(self) -> bool:
        """Whether a call or display spreads a value: ``*e`` anywhere, ``**e`` in a call."""
        if gast.Starred in self.classes:
            return True
        return any(k.arg is None for c in self.calls for k in c.keywords)
