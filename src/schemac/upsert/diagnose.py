"""A row Postgres rejected, explained: which row (position and key), which constraint, which value."""

from __future__ import annotations

import re
from typing import Any, Optional, Sequence

import psycopg
from psycopg import errors as pg_errors
from sqlglot import exp

from schemac.errors import SchemacError
from schemac.pg.dialect import DIALECT
from schemac.pg.idents import ident
from schemac.pg.expressions import parse_expression, referenced_columns
from schemac.upsert.statements import UpsertPlan, fmt_key

_COPY_CONTEXT = re.compile(r"\bCOPY \S+, line (\d+)(?:, column ([^:]+)(?::\s*(.+))?)?")
_ROW_NUMBER = "schemac_row"  # alias of row_number() in diagnostic queries only


def first_line(text: Optional[str]) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def copy_error(plan: UpsertPlan, e: Exception, n: int) -> SchemacError:
    """A value Postgres (or psycopg) could not take while staging: name the row and the column."""
    name = plan.table.name
    diag = e.diag if isinstance(e, psycopg.Error) else None
    message = first_line(diag.message_primary if diag else None) or first_line(str(e))
    m = _COPY_CONTEXT.search((diag.context if diag else None) or "")
    if m:
        where = f"row {m.group(1)}"
        if m.group(2):
            where += f", column {m.group(2).strip()}"
        value = f" (value {m.group(3).strip()})" if m.group(3) else ""
        return SchemacError(f"{name}: {where}: {message}{value}")
    if (diag is None or getattr(e, "sqlstate", None) is None) and n:
        # Raised by psycopg while dumping a Python value (binary COPY needs the matching Python types).
        return SchemacError(f"{name}: row {n}: {message} (format='text' accepts any value whose text "
                            "form Postgres parses)")
    return SchemacError(f"{name}: staging the rows failed: {message}")


def _value(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _row_label(plan: UpsertPlan, record: dict[str, Any]) -> str:
    key = ", ".join(f"{c}={_value(record[c])}" for c in plan.key)
    return f"row {record[_ROW_NUMBER]} ({key})"


def _first_staged(cur: psycopg.Cursor, plan: UpsertPlan, condition: exp.Expression,
                  extra: Sequence[str]) -> Optional[dict[str, Any]]:
    """The first staged row (in input order) where `condition` holds, with its 1-based position.

    The staging table is filled by one COPY and never updated, so its physical order (ctid) is the
    order the rows were given in.
    """
    wanted = list(dict.fromkeys([*plan.key, *extra]))
    numbered = exp.select(
        exp.Alias(this=exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[
            exp.Ordered(this=exp.Column(this=ident("ctid")))])), alias=ident(_ROW_NUMBER)),
        *[exp.Column(this=ident(c)) for c in wanted],
    ).from_(plan.stage.copy())
    query = (exp.select(exp.Column(this=ident(_ROW_NUMBER)), *[exp.Column(this=ident(c)) for c in wanted])
             .from_(exp.Subquery(this=numbered, alias=exp.TableAlias(this=ident("staged"))))
             .where(condition)
             .order_by(exp.Column(this=ident(_ROW_NUMBER)))
             .limit(1))
    cur.execute(query.sql(dialect=DIALECT))  # type: ignore[arg-type]
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([_ROW_NUMBER, *wanted], row))


def explain(cur: psycopg.Cursor, plan: UpsertPlan, e: psycopg.Error) -> SchemacError:
    table = plan.table
    name = table.name
    diag = e.diag
    constraint = diag.constraint_name
    detail = first_line(diag.message_detail)
    fallback = f"{name}: {first_line(diag.message_primary)}" + (f" ({detail})" if detail else "")
    try:
        if isinstance(e, pg_errors.CheckViolation):
            check = next((c for c in table.checks if c.name == constraint), None)
            if check is not None and referenced_columns(check.expression) <= set(plan.columns):
                refs = sorted(referenced_columns(check.expression))
                failing = exp.Is(this=exp.Paren(this=parse_expression(check.expression)), expression=exp.false())
                record = _first_staged(cur, plan, failing, refs)
                if record is not None:
                    values = ", ".join(f"{c}={_value(record[c])}" for c in refs)
                    return SchemacError(f"{name}: {_row_label(plan, record)} violates check {check.name} "
                                        f"({check.expression}): {values}")
            return SchemacError(f"{name}: a row violates check {constraint}" + (f" ({detail})" if detail else ""))
        if isinstance(e, pg_errors.NotNullViolation) and diag.column_name in plan.columns:
            column = diag.column_name
            record = _first_staged(cur, plan, exp.Is(this=exp.Column(this=ident(column)), expression=exp.Null()),
                                   [column])
            if record is not None:
                return SchemacError(f"{name}: {_row_label(plan, record)} violates NOT NULL: {column}=NULL")
        if isinstance(e, pg_errors.CardinalityViolation):
            # ON CONFLICT DO UPDATE cannot touch one row twice: the batch repeats a key.
            dup = _duplicate_key(cur, plan)
            if dup is not None:
                shown = ", ".join(f"{c}={_value(v)}" for c, v in zip(plan.key, dup[0]))
                return SchemacError(f"{name}: key {fmt_key(plan.key)} repeats within the batch: ({shown}) "
                                    f"appears {dup[1]} times; each key may appear once per upsert")
        if isinstance(e, pg_errors.UniqueViolation):
            return SchemacError(f"{name}: a row violates unique constraint {constraint}"
                                + (f" ({detail})" if detail else ""))
    except psycopg.Error:
        pass  # the diagnosis itself failed; the database's own message still names the problem
    return SchemacError(fallback)


def _duplicate_key(cur: psycopg.Cursor, plan: UpsertPlan) -> Optional[tuple[tuple[Any, ...], int]]:
    cols = [exp.Column(this=ident(c)) for c in plan.key]
    query = (exp.select(*[c.copy() for c in cols], exp.Count(this=exp.Star()))
             .from_(plan.stage.copy())
             .group_by(*[c.copy() for c in cols])
             .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
             .limit(1))
    cur.execute(query.sql(dialect=DIALECT))  # type: ignore[arg-type]
    row = cur.fetchone()
    if row is None:
        return None
    return tuple(row[:-1]), row[-1]
