"""What the catalog queries returned, before it becomes a model.

Apart from catalog/fetch.py (psycopg's): a process that had the rows read by a forked child
(catalog/forked.py) gets this back without importing psycopg.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class CatalogRows:
    """What the catalog queries returned, before it becomes a model. Reading needs psycopg only, so
    `schemac diff` can put the queries in flight before it has imported sqlglot (see commands/diff.py)."""

    rows: dict[str, list[dict[str, Any]]]
    queries: int
    server_version: int
    history: Optional[list[tuple]] = None  # `_sqlx_migrations` rows, when asked for and readable
