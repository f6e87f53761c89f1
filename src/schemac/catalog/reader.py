"""Live database (pg_catalog) -> the same :class:`schemac.model.Schema` the YAML loader builds.

Everything is read in one ``REPEATABLE READ READ ONLY`` transaction, so the queries see one snapshot
(a migration committing halfway through cannot give us half a table) and cannot change anything even
if pointed at production. The number of queries is fixed (one per kind of object, covering all
requested schemas), so introspecting 5 000 tables costs the same round trips as 5.

Only pg_catalog is read, which every role that may CONNECT can see: no table privileges needed. The rows are
read by :mod:`schemac.catalog.fetch` (psycopg alone), the model built from them by :mod:`schemac.catalog.rows`.
"""
from __future__ import annotations

from typing import Optional

import psycopg

from schemac.catalog.fetch import CatalogRows, read_catalog
from schemac.catalog.builder import ModelBuilder
from schemac.catalog.rows import IntrospectResult

__all__ = ["CatalogRows", "IntrospectResult", "build", "introspect", "read_catalog"]

# -- reading the catalog, then building the model -------------------------------------------

def introspect(conn: psycopg.Connection, schemas: tuple[str, ...], statement_timeout_ms: int = 30000,
               lock_timeout_ms: int = 5000, only: Optional[tuple[str, ...]] = None) -> IntrospectResult:
    """Read the objects of ``schemas`` into a model, in one READ ONLY transaction that is rolled back.

    Extensions belong to the database, not to a schema: all of them are read whatever ``schemas`` says.
    ``only``: just those queries (fetch.QUERY_NAMES), the model holding nothing of the other kinds: `generate`
    reads back only the views it built in a throwaway database (commands/views.py).
    """
    return build(read_catalog(conn, schemas, statement_timeout_ms, lock_timeout_ms, only=only))


def build(catalog: CatalogRows) -> IntrospectResult:
    """The model of what :func:`read_catalog` returned."""
    builder = ModelBuilder()
    for name, rows in catalog.rows.items():
        builder.add(name, rows)
    return builder.result(catalog)
