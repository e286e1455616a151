"""The public API's boundary: srcad errors leave it without srcad's internal frames.

A `SrcadError` already says where the problem is in the user's code (file, line, column and
the offending line), so the dozen frames of parser, fence and analysis it was raised through
only push that message out of sight. At the boundary (the public functions, decorated with
`public`, and the call of a transformed function) the error is raised again with its
traceback cut at that frame: a user sees their own line, one srcad line, then the message.
Chained exceptions (``raise ... from``) keep their tracebacks. Set the environment variable
``SRCAD_FULL_TRACEBACK=1`` to keep the whole traceback, when debugging srcad itself.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from .errors import SrcadError

P = ParamSpec("P")
R = TypeVar("R")


def full_traceback() -> bool:
    """Whether SRCAD_FULL_TRACEBACK asks for srcad's internal frames."""
    return os.environ.get("SRCAD_FULL_TRACEBACK", "") not in ("", "0")


def cut_srcad_frames(exc: SrcadError) -> SrcadError:
    """`exc`, to be raised again by the caller: its traceback then starts at the caller."""
    return exc if full_traceback() else exc.with_traceback(None)


def public(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, whose srcad errors leave it with srcad's internal frames cut."""

    @functools.wraps(fn)
    def srcad_api(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SrcadError as exc:
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)

    return srcad_api
