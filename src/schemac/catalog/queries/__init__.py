"""The catalog queries, one `.sql` file per kind of object, each covering the whole database."""

from __future__ import annotations

import os
from functools import lru_cache

_SQL_DIR = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of ``<name>.sql``, shipped as package data (read from beside this module: the
    package is always installed as files, and importlib.resources costs `schemac diff` ~8 ms to import)."""
    with open(os.path.join(_SQL_DIR, f"{name}.sql"), encoding="utf-8") as f:
        return f.read()
