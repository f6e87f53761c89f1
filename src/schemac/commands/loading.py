"""The commands' modules loaded with the cyclic garbage collector off (cli.py).

Loading modules (click, sqlglot, PyYAML, psycopg, the model's dataclasses) allocates many objects and
makes next to no garbage cycles, yet the allocations trigger collections that walk everything loaded so
far again. At 1,000 tables the collections while loading cost ~15 ms of `generate --dry-run`'s CPU and
~11 ms of `inspect`'s; with loading() they cost ~1 ms. What was loaded meanwhile goes to the oldest
generation when collection resumes, as model.collector.GCPause does (which cli.py cannot use here:
importing it loads the whole model): otherwise the next young collections walk all of it once more
(+13 ms of `generate --dry-run`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def loading() -> Iterator[None]:
    """No cyclic collection inside; back on afterwards only if it was on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_freeze_count() == 0:  # (nobody froze a model meanwhile: OutOfSight)
                gc.freeze()
                gc.unfreeze()
            gc.enable()
