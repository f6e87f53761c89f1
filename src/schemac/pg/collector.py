"""The cyclic garbage collector paused while a command builds many objects (models above all, and the modules
it loads) that form no garbage cycles. Here, below every stage, so that importing it loads nothing else.

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
    resume it inside. `keep`: what was built meanwhile stays (it goes to the oldest generation on the way
    out); `generate`'s planning, whose trees are freed as they go, says False."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep

    def __enter__(self) -> "GCPause":
        self.was = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.was:
            self._kept()
            gc.enable()

    def _kept(self) -> None:
        # (get_freeze_count walks every frozen object: not asked while OutOfSight holds the models frozen)
        if self.keep and not OutOfSight.holding and gc.get_freeze_count() == 0:
            # What was built meanwhile goes straight to the oldest generation: otherwise the
            # first young collection after enable() walks all of it (~30 ms at 1,000 tables).
            gc.freeze()
            gc.unfreeze()

    @contextmanager
    def resumed(self) -> Iterator[None]:
        """Collection on for a while (what was built so far kept as on the way out: `diff`'s slow path resumed it
        to load schema.yaml, and its first young collection walked the catalog's rows and the record, ~40 ms)."""
        if self.was:
            self._kept()
            gc.enable()
        try:
            yield
        finally:
            gc.disable()


class OutOfSight:
    """`generate`'s two models out of the cyclic garbage collector's sight while the migration is planned,
    printed and recorded (gc.freeze, undone on the way out). They are ~10^5 objects at 1,000 tables that
    never form garbage cycles, and each full collection (triggered by what else is made meanwhile) walked
    all of them again (at 1,000 tables: 2 collections, ~0.25 s)."""

    holding = False  # a model is frozen now (by any OutOfSight)

    def __init__(self) -> None:
        self.frozen = False

    def models_built(self) -> None:
        if gc.isenabled() and not self.frozen:
            gc.freeze()
            self.frozen = OutOfSight.holding = True

    def __enter__(self) -> "OutOfSight":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.frozen:
            gc.unfreeze()  # back to the oldest generation: a later full collection sees them again
            OutOfSight.holding = False
