"""The migration history of a database: the rows of sqlx's `_sqlx_migrations` table, when it has one.

:mod:`schemac.report.history` compares them with generated/migrations.
"""

from __future__ import annotations

from typing import Optional

import psycopg

from schemac.catalog.queries import sql_text


def read_history(conn: psycopg.Connection) -> Optional[list[tuple]]:
    """Rows of `_sqlx_migrations` (version, description, success, checksum), or None when the database
    has no such table or this role may not read it. Called inside the catalog's READ ONLY transaction
    (:func:`schemac.catalog.reader.read_catalog`), so it sees the same snapshot and is rolled back with it."""
    exists = conn.execute("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    readable = conn.execute("SELECT has_table_privilege('_sqlx_migrations', 'SELECT')").fetchone()
    if not readable or not readable[0]:
        return None
    return [tuple(r) for r in conn.execute(sql_text("sqlx_history"))]  # type: ignore[arg-type]
