"""The planner: Changes -> sqlglot statements, in the order `diff` sorted them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from . import ddl
from .diff import Change
from .expressions import parse_expression
from .model import Check, Column, Index, PrimaryKey, Table, Unique
from .sqltypes import build_type


def _alter(table: Table, *actions: exp.Expression) -> exp.Alter:
    return exp.Alter(this=ddl.table_ref(table), kind="TABLE", actions=list(actions))


def _index_ref(table: Table, name: str) -> exp.Table:
    return exp.Table(this=ddl.ident(name), db=ddl.ident(table.schema) if table.schema != "public" else None)


def statements_for(change: Change) -> list[exp.Expression]:
    t = change.table_def
    assert t is not None or change.kind == "add_schema"
    k = change.kind
    if k == "add_schema":
        return [ddl.create_schema(change.schema)]
    if k == "rename_table":
        return [exp.Alter(this=ddl.table_ref(change.old), kind="TABLE",  # type: ignore[arg-type]
                          actions=[exp.AlterRename(this=exp.Table(this=ddl.ident(t.name)))])]  # type: ignore
    if k == "rename_column":
        return [_alter(t, exp.RenameColumn(this=exp.Column(this=ddl.ident(change.old.name)),  # type: ignore
                                           to=exp.Column(this=ddl.ident(change.name))))]  # type: ignore[arg-type]
    if k == "rename_index":
        return [exp.Alter(this=_index_ref(t, change.old.name), kind="INDEX",  # type: ignore
                          actions=[exp.AlterRename(this=exp.Table(this=ddl.ident(change.name)))])]  # type: ignore
    if k == "add_table":
        return [ddl.create_table(t)]  # type: ignore[arg-type]
    if k == "drop_table":
        return [exp.Drop(tables=[ddl.table_ref(t)], kind="TABLE")]  # type: ignore[arg-type]
    if k == "add_index":
        return [ddl.create_index(t, change.new)]  # type: ignore[arg-type]
    if k == "drop_index":
        return [exp.Drop(tables=[_index_ref(t, change.name)], kind="INDEX", exists=True)]  # type: ignore[arg-type]
    if k == "add_column":
        return [_alter(t, ddl.column_def(change.new))]  # type: ignore[arg-type]
    if k == "drop_column":
        return [_alter(t, exp.Drop(tables=[exp.Column(this=ddl.ident(change.name))], kind="COLUMN"))]  # type: ignore
    col: Column = change.new  # type: ignore[assignment]
    if k == "alter_column_type":
        using = exp.Cast(this=exp.Column(this=ddl.ident(col.name)), to=build_type(col.type))
        return [_alter(t, exp.AlterColumn(this=ddl.ident(col.name), dtype=build_type(col.type), using=using))]
    if k == "set_not_null":
        return [_alter(t, exp.AlterColumn(this=ddl.ident(col.name), allow_null=False))]
    if k == "drop_not_null":
        return [_alter(t, exp.AlterColumn(this=ddl.ident(col.name), drop=True, allow_null=True))]
    if k == "set_default":
        return [_alter(t, exp.AlterColumn(this=ddl.ident(col.name), default=parse_expression(col.default)))]
    if k == "drop_default":
        return [_alter(t, exp.AlterColumn(this=ddl.ident(col.name), drop=True))]
    if k == "add_constraint":
        return [_alter(t, exp.AddConstraint(expressions=[ddl.constraint_node(change.new)]))]  # type: ignore
    if k == "drop_constraint":
        name = ddl.constraint_name(t, change.old)  # type: ignore[arg-type]
        return [_alter(t, exp.Drop(tables=[exp.Table(this=ddl.ident(name))], kind="CONSTRAINT"))]
    if k == "set_table_comment":
        return [ddl.comment_on_table(t, change.new.comment)]  # type: ignore
    if k == "set_column_comment":
        return [ddl.comment_on_column(t, change.name, change.new.comment)]  # type: ignore
    raise ValueError(f"no DDL for change kind {k}")


def plan(changes: list[Change]) -> list[exp.Expression]:
    out: list[exp.Expression] = []
    for c in changes:
        out.extend(statements_for(c))
    return out


def validate_constraint(table: Table, name: str) -> exp.Command:
    """sqlglot has no node for VALIDATE CONSTRAINT: a Command from parts sqlglot rendered."""
    return exp.Command(this="ALTER", expression=f"TABLE {ddl.table_ref(table).sql(dialect=ddl.DIALECT)} "
                                                 f"VALIDATE CONSTRAINT {ddl.quote_ident(name)}")


@dataclass(frozen=True)
class OnlinePlan:
    """`--concurrently`: what runs in the main migration, and what must run outside a transaction.

    Each CREATE INDEX CONCURRENTLY needs a file of its own: Postgres runs a multi-statement file as one
    implicit transaction, where CONCURRENTLY is refused. CHECK constraints on existing tables are added
    NOT VALID in the main file (a brief lock) and validated in a later file (no exclusive lock).
    """

    main: list[exp.Expression]
    concurrent: list[tuple[str, exp.Expression]]  # (index name, statement)
    validate: list[exp.Expression]


def plan_online(changes: list[Change], existing: set[tuple[str, str]]) -> OnlinePlan:
    main: list[exp.Expression] = []
    concurrent: list[tuple[str, exp.Expression]] = []
    validate: list[exp.Expression] = []
    for c in changes:
        on_existing = (c.schema, c.table) in existing
        if c.kind == "add_index" and on_existing:
            concurrent.append((c.name, ddl.create_index(c.table_def, c.new, concurrently=True)))  # type: ignore
        elif c.kind == "add_constraint" and on_existing and isinstance(c.new, Check):
            stmt = _alter(c.table_def, exp.AddConstraint(expressions=[ddl.constraint_node(c.new)]))  # type: ignore
            stmt.set("not_valid", True)
            main.append(stmt)
            validate.append(validate_constraint(c.table_def, c.new.name))  # type: ignore[arg-type]
        else:
            main.extend(statements_for(c))
    return OnlinePlan(main, concurrent, validate)


def render_sql(statements: list[exp.Expression]) -> str:
    """Statements as a reviewable script: one per paragraph, CREATE TABLE laid out one column a line."""
    parts = []
    for s in statements:
        if isinstance(s, exp.Create) and s.args.get("kind") == "TABLE" and isinstance(s.this, exp.Schema):
            head = s.copy()
            head.this.set("expressions", None)
            items = ",\n  ".join(item.sql(dialect=ddl.DIALECT) for item in s.this.expressions)
            parts.append(f"{head.sql(dialect=ddl.DIALECT)} (\n  {items}\n);")
        else:
            parts.append(s.sql(dialect=ddl.DIALECT) + ";")
    return "\n\n".join(parts) + ("\n" if parts else "")
