"""Run-time helpers for the reductions rules (re-exported by srcad.runtime)."""

from __future__ import annotations

import numpy as np  # noqa: F401
