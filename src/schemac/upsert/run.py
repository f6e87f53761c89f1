"""Running an upsert: stage the rows with COPY, then one INSERT ... ON CONFLICT, in one transaction."""

from __future__ import annotations

import time
from schemac.model.frozen import frozen
from typing import Any, Iterable, Optional, Sequence

import psycopg
from psycopg import errors as pg_errors

from schemac.errors import SchemacError
from schemac.model import Table
from schemac.upsert.diagnose import copy_error, explain, first_line
from schemac.upsert.statements import CopyFormat, plan_upsert


@frozen
class UpsertResult:
    """What one :func:`bulk_upsert` call did."""

    table: str
    rows: int  # rows staged (= rows given)
    inserted: int
    updated: int  # existing rows updated in place
    seconds: float  # wall time of the whole call: staging, COPY, upsert
    copy_seconds: float  # of which staging: CREATE TEMPORARY TABLE and COPY

    @property
    def unchanged(self) -> int:
        """Existing rows left as they were (only when there is nothing to update: ON CONFLICT DO NOTHING)."""
        return self.rows - self.inserted - self.updated

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")



def bulk_upsert(conn: psycopg.Connection, table: Table, key: Sequence[str], columns: Sequence[str],
                rows: Iterable[Sequence[Any]], touch: Sequence[str] = (), *,
                format: CopyFormat = "text") -> UpsertResult:
    """Insert or update `rows` (sequences in `columns` order) into `table`, matching on `key`.

    `touch` names date/time columns set to now() whenever a row is written (inserted or updated).
    Runs in one transaction (a savepoint inside the caller's transaction); raises SchemacError for
    invalid requests (before any SQL) and for rows the database rejects (nothing is written).
    """
    plan = plan_upsert(table, key, columns, touch, format=format)
    start = time.perf_counter()
    width = len(plan.columns)
    with conn.transaction():
        cur = conn.cursor()
        cur.execute(plan.create_stage)  # type: ignore[arg-type]
        types: Optional[list[int]] = None
        if format == "binary":
            cur.execute(plan.probe_stage)  # type: ignore[arg-type]
            types = [d.type_code for d in cur.description or ()]
        n = 0
        try:
            with cur.copy(plan.copy) as copy:  # type: ignore[arg-type]
                if types is not None:
                    copy.set_types(types)
                for n, row in enumerate(rows, 1):
                    if len(row) != width:
                        raise SchemacError(f"{table.name}: row {n} has {len(row)} values, expected {width} "
                                           f"({', '.join(plan.columns)})")
                    copy.write_row(row)
        except (psycopg.Error, TypeError, ValueError) as e:
            # TypeError/ValueError: psycopg could not dump a Python value for the column's binary format
            raise copy_error(plan, e, n) from e
        copy_seconds = time.perf_counter() - start
        try:
            with conn.transaction():  # savepoint: after an error the staged rows are still there to explain it
                inserted, total = cur.execute(plan.upsert).fetchone()  # type: ignore[arg-type, misc]
        except (pg_errors.IntegrityError, pg_errors.DataError, pg_errors.CardinalityViolation) as e:
            raise explain(cur, plan, e) from e
        except (pg_errors.UndefinedTable, pg_errors.UndefinedColumn) as e:
            raise SchemacError(f"{table.name}: {first_line(e.diag.message_primary)}: the database does not match "
                               "schema.yaml (are its migrations applied?)") from e
        cur.execute(plan.drop_stage)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    return UpsertResult(table=table.qualified_name, rows=n, inserted=inserted, updated=total - inserted,
                        seconds=seconds, copy_seconds=copy_seconds)
