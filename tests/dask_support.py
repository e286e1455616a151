"""What of numpy Dask lacks, as the rule specs find it (docs/scaling.md shows this table).

`tests/test_dask.py` runs every rule spec with its array arguments made Dask arrays. A spec
whose function itself does not run lazily on Dask arrays (Dask has no such function, or not
with that option, or it computes the array) is skipped only when its function is listed
here; a listed function that does run lazily fails the test, so the table stays true for the
installed Dask. The reason is what users read in the docs.
"""

from __future__ import annotations

# The function as users call it -> what Dask (2026.8) lacks.
DASK_LACKS = {}

# srcad's own helpers the specs exercise whose Dask form is not lazy, and why.
SRCAD_EAGER = {}
