"""The migration history of a database: the rows of sqlx's `_sqlx_migrations` table, when it has one.

:mod:`schemac.report.history` compares them with generated/migrations.
"""

from __future__ import annotations

from typing import Optional

import psycopg
from psycopg import sql

from schemac.catalog.queries import sql_text


def read_history(conn: psycopg.Connection, table: tuple[str, ...] = ("_sqlx_migrations",)) -> Optional[list[tuple]]:
    """Rows of `_sqlx_migrations`, or of `table` (sqlx.toml's table-name: (name,) or (schema, name)):
    (version, description, success, checksum); None when the database has no such table or this role
    may not read it. Called inside the catalog's READ ONLY transaction
    (:func:`schemac.catalog.reader.read_catalog`), so it sees the same snapshot and is rolled back with it."""
    name = sql.Identifier(*table)
    quoted = name.as_string(conn)
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (quoted,)).fetchone()
    if not exists or not exists[0]:
        return None
    readable = conn.execute("SELECT has_table_privilege(%s, 'SELECT')", (quoted,)).fetchone()
    if not readable or not readable[0]:
        return None
    query = sql.SQL(sql_text("sqlx_history")).format(table=name)
    return [tuple(r) for r in conn.execute(query)]
