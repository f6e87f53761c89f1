"""Fill a throwaway database's tables with the synthetic rows of synth.py, by COPY, then VACUUM ANALYZE
them so the planner sees what a real table of that size would show it.

Building an index once over a million rows (a sort) is several times faster than inserting a million
keys into it one by one, so the tables' indexes, keys and foreign keys are set aside during the COPY and
made again afterwards from Postgres's own definitions (pg_get_indexdef, pg_get_constraintdef): the same
objects under the same names; a row that breaks a key or a foreign key is refused then. (Comments too:
and their comments are put back.)"""

from __future__ import annotations

import time
from schemac.model.frozen import frozen

import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from schemac.model import Schema
from schemac.queries.synth import CHUNK_ROWS, Planner, TablePlan
from schemac.queries.values import GenerationError



@frozen
class Filled:
    """The plans of the rows written (for params drawn from them) and how long it took."""

    plans: dict[str, TablePlan]
    copy_seconds: float  # generating and COPYing the rows (the server checks NOT NULL and CHECKs meanwhile)
    keys_seconds: float  # building the keys and indexes again (and checking the foreign keys)
    analyze_seconds: float  # VACUUM ANALYZE

    def rows(self) -> dict[str, int]:
        return {name: p.rows for name, p in self.plans.items()}


def _ident(qualified: str) -> sql.Composable:
    schema, name = qualified.split(".", 1)
    return sql.Identifier(schema, name)


def fill(conn: psycopg.Connection, schema: Schema, sizes: dict[str, int], default_rows: int = 1000) -> Filled:
    """Replace every table's rows with `sizes[table]` (else `default_rows`) synthetic rows. `conn` is in
    autocommit: each table's COPY is its own transaction, and VACUUM needs none."""
    planner = Planner(schema, sizes, default_rows)
    plans = planner.plan_all()
    started = time.perf_counter()
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")
    names = [p.table.qualified_name for p in plans]
    if plans:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(_ident(n) for n in names)))
    rebuild = _set_aside(conn, names)
    plans_by_name = {conn.execute("SELECT %s::regclass::text", (sql.Identifier(*n.split(".", 1)).as_string(conn),))
                     .fetchone()[0]: p for n, p in zip(names, plans)}  # as _set_aside names them
    for p in plans:
        target = sql.SQL("COPY {} ({}) FROM STDIN").format(
            _ident(p.table.qualified_name), sql.SQL(", ").join(sql.Identifier(c) for c in p.columns))
        try:
            with conn.cursor() as cur, cur.copy(target, writer=QueuedLibpqWriter(cur)) as copy:
                for start in range(0, p.rows, CHUNK_ROWS):
                    copy.write(p.chunk(start, min(start + CHUNK_ROWS, p.rows)))
        except psycopg.Error as e:
            diag = e.diag
            what = f" (constraint {diag.constraint_name})" if diag.constraint_name else ""
            raise GenerationError(
                f"table {p.table.qualified_name}: the server refused the synthetic rows{what}: "
                f"{diag.message_primary or e}; give the columns it names a distribution: hint", p.table.source) from None
    copied = time.perf_counter()
    for table, statement in rebuild:
        try:
            conn.execute(statement)
        except psycopg.Error as e:
            raise GenerationError(f"{table}: the synthetic rows break {statement[:160]}: "
                                  f"{e.diag.message_primary or e}; give the columns a distribution: hint",
                                  plans_by_name[table].table.source if table in plans_by_name else None) from None
    keyed = time.perf_counter()
    for p in plans:
        conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(_ident(p.table.qualified_name)))
    return Filled(planner.plans, copied - started, keyed - copied, time.perf_counter() - keyed)


# Per table: its indexes that no constraint owns, and its primary key, UNIQUE, EXCLUDE and FOREIGN KEY
# constraints, each with the statement that makes it again, as Postgres prints it.
_DEFINITIONS = """
SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid),
       obj_description(c.oid, 'pg_constraint'), obj_description(c.conindid, 'pg_class'), c.conindid::regclass::text
FROM pg_constraint c
WHERE c.contype IN ('p', 'u', 'x', 'f') AND c.conparentid = 0
  AND (c.conrelid = ANY(%(tables)s::regclass[]) OR c.confrelid = ANY(%(tables)s::regclass[]))
ORDER BY c.contype = 'f' DESC, c.oid
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class'),
       i.indrelid::regclass::text
FROM pg_index i
WHERE i.indrelid = ANY(%(tables)s::regclass[])
  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
ORDER BY i.indexrelid
"""


def _set_aside(conn: psycopg.Connection, tables: list[str]) -> list[tuple[str, str]]:
    """Drop the tables' foreign keys (those referencing them too), keys and indexes; the statements that
    make them again, in an order that works (keys and indexes, then foreign keys)."""
    if not tables:
        return []
    regs = [sql.Identifier(*t.split(".", 1)).as_string(conn) for t in tables]
    constraints = conn.execute(_DEFINITIONS, {"tables": regs}).fetchall()
    indexes = conn.execute(_INDEXES, {"tables": regs}).fetchall()
    keys: list[tuple[str, str]] = []
    foreign: list[tuple[str, str]] = []
    for table, name, kind, definition, comment, index_comment, index in constraints:  # foreign keys come first
        conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
        made = [sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(sql.SQL(table), sql.Identifier(name),
                                                                        sql.SQL(definition))]
        if comment is not None:
            made.append(sql.SQL("COMMENT ON CONSTRAINT {} ON {} IS {}").format(sql.Identifier(name), sql.SQL(table),
                                                                              sql.Literal(comment)))
        if index_comment is not None and kind != "f":
            made.append(sql.SQL("COMMENT ON INDEX {} IS {}").format(sql.SQL(index), sql.Literal(index_comment)))
        (foreign if kind == "f" else keys).extend((table, m.as_string(conn)) for m in made)
    for index, definition, comment, table in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(index)))
        keys.append((table, definition))
        if comment is not None:
            keys.append((table, sql.SQL("COMMENT ON INDEX {} IS {}").format(sql.SQL(index), sql.Literal(comment))
                         .as_string(conn)))
    return keys + foreign
