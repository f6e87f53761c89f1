"""Fill a throwaway database's tables with the synthetic rows of synth.py, by COPY, then VACUUM ANALYZE
them so the planner sees what a real table of that size would show it."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from schemac.model import Schema
from schemac.queries.synth import Planner, TablePlan
from schemac.queries.values import GenerationError

CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class Filled:
    """The plans of the rows written (for params drawn from them) and how long it took."""

    plans: dict[str, TablePlan]
    copy_seconds: float  # generating and COPYing the rows (the server checks every constraint meanwhile)
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
    if plans:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(_ident(p.table.qualified_name) for p in plans)))
    for p in plans:
        target = sql.SQL("COPY {} ({}) FROM STDIN").format(
            _ident(p.table.qualified_name), sql.SQL(", ").join(sql.Identifier(c) for c in p.columns))
        try:
            with conn.cursor() as cur, cur.copy(target) as copy:
                for start in range(0, p.rows, CHUNK_ROWS):
                    copy.write(p.chunk(start, min(start + CHUNK_ROWS, p.rows)))
        except psycopg.Error as e:
            diag = e.diag
            what = f" (constraint {diag.constraint_name})" if diag.constraint_name else ""
            raise GenerationError(
                f"table {p.table.qualified_name}: the server refused the synthetic rows{what}: "
                f"{diag.message_primary or e}; give the columns it names a distribution: hint") from None
    copied = time.perf_counter()
    for p in plans:
        conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(_ident(p.table.qualified_name)))
    return Filled(planner.plans, copied - started, time.perf_counter() - copied)
