"""What each call and attribute of a normalized function refers to: a node map.

`srcad.analyze.resolve` fills a `Resolution`; passes that add calls to the tree add their
entries too (`srcad.normalize.resolved`), so it stays current. The maps are keyed by the
nodes themselves: a map holds its nodes, so no key can ever stand for another node.
"""

from __future__ import annotations

import dataclasses


class KnownValue:
    """The kind of a name whose value is known when code is generated: a function passed as an
    argument (``act=np.tanh``), or a local bound once to a global one (``f = np.tanh``).
    Calls through the name resolve to that object; generated code is specialized on it (it is
    part of the cache key, compared by identity)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, KnownValue) and other.obj is self.obj

    def __hash__(self):
        return hash(id(self.obj))

    def __repr__(self):
        return f"KnownValue({getattr(self.obj, '__name__', type(self.obj).__name__)})"


# The entry of a call's kinds (`Spec.kinds`) that counts the arguments beyond the named
# positional parameters, gathered by *args: generated code is specialized on the count
# (srcad.normalize.variadic); no parameter has this name.
EXTRA_ARGUMENTS = "*"


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
    # Name node (a load of a global or closure variable) -> the function it names, for
    # functions passed as arguments (apply(relu, x))
    functions: dict = dataclasses.field(default_factory=dict)
    # Call node -> the parameters of a user function whose objects the call hands over:
    # the callee works on copies of them (srcad.analyze.owned)
    owned: dict = dataclasses.field(default_factory=dict)

    def call(self, node) -> Target:
        return self.calls[node]
