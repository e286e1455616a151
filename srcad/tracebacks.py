"""Point exceptions raised in generated code back at the user's source.

A traceback through generated code already shows the generated line (the source is in
`linecache`). `annotate` adds a note naming the user's file and line that the failing
generated statement comes from, read from the comment srcad writes above each block.
"""

from __future__ import annotations

import linecache
import re

_COMMENT = re.compile(r"^\s*# (?P<where>[^,]+, \S+:\d+)(?:\s+(?P<text>.*))?$")


def user_origin(filename: str, lineno: int) -> str | None:
    """'f, example.py:12  y = np.log(x)' for a generated line, from the comment above it."""
    lines = linecache.getlines(filename)
    for index in range(min(lineno, len(lines)) - 1, -1, -1):
        match = _COMMENT.match(lines[index])
        if match:
            text = match.group("text")
            return match.group("where") + (f"  {text}" if text else "")
        if lines[index].lstrip().startswith("def "):
            return None
    return None


def annotate(exc: BaseException) -> None:
    """Add a note to `exc` for each generated frame it passed through (Python >= 3.11)."""
    if not hasattr(exc, "add_note") or getattr(exc, "__srcad_annotated__", False):
        return
    tb = exc.__traceback__
    notes = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<srcad"):
            origin = user_origin(code.co_filename, tb.tb_lineno)
            if origin:
                notes.append(
                    f"srcad: line {tb.tb_lineno} of the generated {code.co_name} "
                    f"comes from {origin}"
                )
        tb = tb.tb_next
    for note in notes:
        exc.add_note(note)
    exc.__srcad_annotated__ = True
