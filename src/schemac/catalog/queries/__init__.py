"""The catalog queries, one `.sql` file per kind of object, each covering the whole database."""

from __future__ import annotations

import os
import re
from functools import lru_cache

_SQL_DIR = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of ``<name>.sql``, shipped as package data (read from beside this module: the
    package is always installed as files, and importlib.resources costs `schemac diff` ~8 ms to import)."""
    # A fragment two queries share, written once: a block comment `include key_options` is key_options.sql's text.
    return _INCLUDE.sub(lambda m: _read(m.group(1)).strip(), _read(name))


def _read(name: str) -> str:
    with open(os.path.join(_SQL_DIR, f"{name}.sql"), encoding="utf-8") as f:
        return f.read()


_INCLUDE = re.compile(r"/\* include (\w+) \*/")
