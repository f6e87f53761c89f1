"""The statements of one upsert, validated against the model before any SQL runs (no connection needed)."""

from __future__ import annotations

import uuid
from schemac.model.frozen import frozen
from typing import Literal, Optional, Sequence

from sqlglot import exp

from schemac.errors import SchemacError
from schemac.model import Table
from schemac.pg.dialect import DIALECT
from schemac.pg.idents import ident
from schemac.pg.types import build_type
from schemac.plan.ddl import table_ref

CopyFormat = Literal["binary", "text"]
_TOUCH_TYPES = ("timestamp", "date")


@frozen
class UpsertPlan:
    """The validated statements of one upsert (pure: building it needs no connection)."""

    table: Table
    key: tuple[str, ...]
    columns: tuple[str, ...]
    touch: tuple[str, ...]
    update: tuple[str, ...]  # columns set from EXCLUDED on conflict
    stage: exp.Table
    create_stage: str
    copy: str
    probe_stage: str  # SELECT columns FROM stage LIMIT 0: the staging column types for binary COPY
    upsert: str
    drop_stage: str


# -- validation and statements -----------------------------------------------------------------


def unique_keys(table: Table) -> list[tuple[str, ...]]:
    """Column sets ON CONFLICT can name for this table: primary key, UNIQUE constraints, plain unique indexes."""
    keys: list[tuple[str, ...]] = []
    if table.primary_key is not None:
        keys.append(table.primary_key.columns)
    keys.extend(u.columns for u in table.uniques)
    for index in table.indexes:
        if index.unique and index.where is None and all(e.column is not None for e in index.elements):
            keys.append(tuple(e.column for e in index.elements))  # type: ignore[misc]
    out: list[tuple[str, ...]] = []
    for k in keys:
        if not any(set(k) == set(o) for o in out):
            out.append(k)
    return out


def _names(what: str, names: Sequence[str], table: Table) -> tuple[str, ...]:
    if isinstance(names, str):
        raise SchemacError(f"{what} must be a sequence of column names, not the string {names!r}")
    names = tuple(names)
    known = {c.name for c in table.columns}
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise SchemacError(f"{what}: column names are strings, not {name!r}")
        if name not in known:
            raise SchemacError(f"table {table.qualified_name} has no column '{name}' (in {what}); "
                               f"columns: {', '.join(c.name for c in table.columns)}")
        if name in seen:
            raise SchemacError(f"{what} lists column '{name}' twice")
        seen.add(name)
    return names


def fmt_key(key: Sequence[str]) -> str:
    return "(" + ", ".join(key) + ")"


def plan_upsert(table: Table, key: Sequence[str], columns: Sequence[str], touch: Sequence[str] = (),
                format: CopyFormat = "text", stage_name: Optional[str] = None) -> UpsertPlan:
    """Validate the request against the model and build its statements; raises SchemacError."""
    if not isinstance(table, Table):
        raise SchemacError(f"bulk upsert needs a schemac.model.Table, not {type(table).__name__}")
    if format not in ("binary", "text"):
        raise SchemacError(f"COPY format must be 'binary' or 'text', not {format!r}")
    columns = _names("columns", columns, table)
    key = _names("key", key, table)
    touch = _names("touch", touch, table)
    if not columns:
        raise SchemacError("columns is empty: name the columns the rows carry")
    if not key:
        raise SchemacError("key is empty: name the primary key or a unique constraint of the table")
    keys = unique_keys(table)
    if not any(set(key) == set(k) for k in keys):
        listed = ", ".join(fmt_key(k) for k in keys) or "none"
        raise SchemacError(f"{fmt_key(key)} is not the primary key or a unique constraint of table "
                           f"{table.qualified_name}, so ON CONFLICT cannot use it; unique keys: {listed}")
    for col in key:
        if col not in columns:
            raise SchemacError(f"key column '{col}' must be one of the columns the rows carry")
    for col in touch:
        if col in columns:
            raise SchemacError(f"column '{col}' is both in columns and in touch; a touched column is set to now()")
        ctype = table.column(col).type  # type: ignore[union-attr]
        if not ctype.startswith(_TOUCH_TYPES):
            raise SchemacError(f"touch column '{col}' is {ctype}; only date/time columns can be set to now()")
    written = set(columns) | set(touch)
    for c in table.columns:
        if not c.nullable and c.default is None and c.name not in written:
            raise SchemacError(f"column '{c.name}' of {table.qualified_name} is NOT NULL without a default: "
                               "put it in columns (or in touch to set it to now())")

    identity = set(key) | set(table.primary_key.columns if table.primary_key else ())
    update = tuple(c for c in columns if c not in identity)

    stage = exp.Table(this=ident(stage_name or f"schemac_upsert_{uuid.uuid4().hex[:12]}"), db=ident("pg_temp"))
    create = exp.Create(
        kind="TABLE",
        this=exp.Schema(this=stage.copy(), expressions=[
            exp.ColumnDef(this=ident(c), kind=build_type(table.column(c).type)) for c in columns  # type: ignore[union-attr]
        ]),
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    copy = exp.Copy(
        this=exp.Schema(this=stage.copy(), expressions=[ident(c) for c in columns]),
        kind=True,
        files=[exp.Var(this="STDIN")],
        params=[exp.CopyParameter(this=exp.Var(this="FORMAT"), expression=exp.Var(this=format))],
    )
    probe = exp.select(*[exp.Column(this=ident(c)) for c in columns]).from_(stage.copy()).limit(0)

    target = table_ref(table)
    now = lambda: exp.Anonymous(this="now")  # noqa: E731
    # Key order: neighbouring keys share index pages (fewer pages read, dirtied and WAL-logged), and two
    # concurrent upserts lock their common rows in the same order, so they wait instead of deadlocking.
    select = (exp.select(*[exp.Column(this=ident(c)) for c in columns], *[now() for _ in touch])
              .from_(stage.copy())
              .order_by(*[exp.Column(this=ident(c)) for c in key]))
    assignments = [exp.EQ(this=exp.Column(this=ident(c)), expression=exp.Column(this=ident(c), table=ident("excluded")))
                   for c in update]
    assignments += [exp.EQ(this=exp.Column(this=ident(c)), expression=now()) for c in touch]
    conflict = exp.OnConflict(
        conflict_keys=[exp.Column(this=ident(c)) for c in key],
        action=exp.Var(this="DO UPDATE" if assignments else "DO NOTHING"),
        expressions=assignments or None,
    )
    inserted_flag = exp.Alias(
        this=exp.Paren(this=exp.EQ(this=exp.Column(this=ident("xmax")), expression=exp.Literal.number(0))),
        alias=ident("inserted"),
    )
    insert = exp.Insert(
        this=exp.Schema(this=target, expressions=[ident(c) for c in columns + touch]),
        expression=select,
        conflict=conflict,
        returning=exp.Returning(expressions=[inserted_flag]),
    )
    written_cte = ident("written")
    counts = exp.select(
        exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=exp.Column(this=ident("inserted")))),
        exp.Count(this=exp.Star()),
    ).from_(exp.Table(this=written_cte.copy()))
    counts.set("with_", exp.With(expressions=[exp.CTE(this=insert, alias=exp.TableAlias(this=written_cte))]))
    drop = exp.Drop(kind="TABLE", exists=True, tables=[stage.copy()])

    sql = lambda e: e.sql(dialect=DIALECT)  # noqa: E731
    return UpsertPlan(table=table, key=key, columns=columns, touch=touch, update=update, stage=stage,
                      create_stage=sql(create), copy=sql(copy), probe_stage=sql(probe), upsert=sql(counts),
                      drop_stage=sql(drop))
