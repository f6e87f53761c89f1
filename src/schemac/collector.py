"""The cyclic garbage collector paused while a command builds many objects that form no garbage cycles.

Each collection that their allocation triggers walks the growing heap again: the model decoded from
state.json, the catalog's rows, a plan's statement trees (which are cyclic, each node knowing its parent,
but are let go by plan.trees.release once printed). Used by `diff`, `inspect`, state.json's reader and
`generate`'s planning.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


class GCPause:
    """Cyclic garbage collection off for a while (and back on only if it was on), with a way to
    resume it inside."""

    def __enter__(self) -> "GCPause":
        self.was = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.was:
            if gc.get_freeze_count() == 0:
                # What was built meanwhile goes straight to the oldest generation: otherwise the
                # first young collection after enable() walks all of it (~30 ms at 1,000 tables).
                gc.freeze()
                gc.unfreeze()
            gc.enable()

    @contextmanager
    def resumed(self) -> Iterator[None]:
        if self.was:
            gc.enable()
        try:
            yield
        finally:
            gc.disable()
