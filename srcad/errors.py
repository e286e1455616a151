"""The errors srcad raises.

Every error a user can provoke is a `SrcadError`. Errors that concern a place in the user's
source carry a `Location` and print it compiler-style: ``file:line:col: message``, then the
offending line with a caret under the construct.
"""

from __future__ import annotations

import dataclasses
import linecache


@dataclasses.dataclass(frozen=True)
class Location:
    """A place in a source file (1-based line, 0-based column, as `ast` counts them)."""

    filename: str
    lineno: int
    col: int = 0
    end_col: int | None = None
    function: str | None = None

    def line_text(self) -> str:
        return linecache.getline(self.filename, self.lineno).rstrip("\n")

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}:{self.col + 1}"

    def excerpt(self) -> str:
        """The source line with a caret under the construct (empty if the line is unknown)."""
        text = self.line_text()
        if not text:
            return ""
        width = 1
        if self.end_col is not None and self.end_col > self.col:
            width = self.end_col - self.col
        width = max(1, min(width, len(text) - self.col))
        return f"    {text}\n    {' ' * self.col}{'^' * width}"


class SrcadError(Exception):
    """Base class of every error srcad raises on bad input."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.location}: {self.message}" if self.location else self.message
        parts = [head]
        if self.location is not None:
            excerpt = self.location.excerpt()
            if excerpt:
                parts.append(excerpt)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class SourceUnavailableError(SrcadError):
    """The function's source cannot be read (a builtin, a bare REPL, exec'd code...)."""


class UnsupportedSyntaxError(SrcadError):
    """The fence refused a construct srcad cannot differentiate."""


class MissingRuleError(SrcadError):
    """An active call to a function that has no derivative rule and no Python source."""


class RuleDefinitionError(SrcadError):
    """A derivative rule template is malformed (raised when the rule is registered)."""


class NameResolutionError(SrcadError):
    """A name the function uses could not be resolved while transforming it."""


class NonScalarOutputError(SrcadError):
    """`grad` of a function whose output is not a real scalar."""


class InputTypeError(SrcadError):
    """A differentiated argument is not a float or complex value (for example an integer)."""


class ArgnumsError(SrcadError):
    """`argnums` does not fit the function's arguments."""


class ShapeMismatchError(SrcadError):
    """A tangent or cotangent does not match its primal in structure, shape or dtype."""


class ComplexDerivativeError(SrcadError):
    """A complex input or output where the transform needs ``holomorphic=True`` (as JAX), or
    ``holomorphic=True`` for a function that is not holomorphic at the point."""


class UnsupportedOperationError(SrcadError):
    """A supported construct used in a way srcad cannot differentiate correctly."""
