"""What each call and attribute of a normalized function refers to: a node map.

`srcad.analyze.resolve` fills a `Resolution`; passes that add calls to the tree add their
entries too (`srcad.normalize.resolved`), so it stays current. The maps are keyed by the
nodes themselves: a map holds its nodes, so no key can ever stand for another node.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Target:
    """What a call refers to."""

    kind: str  # "rule" | "function" | "method" | "local" | "unknown" | custom rule kinds
    obj: object = None
    rule: object = None  # srcad.rules.template.Rule: the primitive's registry entry
    label: str = ""  # how to name it in messages
    method: object = None  # srcad.rules.methods.Method, for kind == "method"


@dataclasses.dataclass(frozen=True)
class Resolution:
    calls: dict  # Call node -> Target
    attributes: dict  # Attribute node -> srcad.rules.methods.Attribute entry, or None
    constants: dict  # Attribute chain node -> its value (np.pi, np.float32, ...)

    def call(self, node) -> Target:
        return self.calls[node]
