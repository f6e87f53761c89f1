"""Model objects -> sqlglot expression trees -> Postgres DDL text.

Nothing here concatenates user input into SQL: names become sqlglot identifiers (quoted when Postgres
needs it), expressions are the trees the loader parsed, comments are string literals.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from .dialect import DIALECT
from .expressions import parse_expression
from .model import Check, Column, Index, IndexElement, PrimaryKey, Table, Unique
from .sqltypes import build_type

_SAFE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Words the tokenizer treats specially; quoting them too is harmless and always safe.
_KEYWORDS = {k.lower() for k in Postgres.Tokenizer.KEYWORDS if k.isalpha() or "_" in k}
_RESERVED = _KEYWORDS | {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
    "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
    "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
    "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
    "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
    "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
    "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
    "unique", "user", "using", "variadic", "when", "where", "window", "with", "authorization", "binary",
    "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike", "inner", "is",
    "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
    "tablesample", "verbose",
}


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted exactly when Postgres would otherwise fold or misread it."""
    return exp.Identifier(this=name, quoted=not _SAFE.match(name) or name in _RESERVED)


def quote_ident(name: str) -> str:
    return ident(name).sql(dialect=DIALECT)


def table_ref(table: Table) -> exp.Table:
    # `public` stays implicit, as in hand-written migrations; other schemas are always qualified.
    db = ident(table.schema) if table.schema != "public" else None
    return exp.Table(this=ident(table.name), db=db)


def _string(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def column_def(column: Column, inline_pk: bool = False) -> exp.ColumnDef:
    constraints = []
    if inline_pk:
        constraints.append(exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()))
    elif not column.nullable:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    if column.default is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=parse_expression(column.default))))
    return exp.ColumnDef(this=ident(column.name), kind=build_type(column.type), constraints=constraints or None)


def _named(name: Optional[str], body: exp.Expression) -> exp.Expression:
    if name is None:
        return body
    return exp.Constraint(this=ident(name), expressions=[body])


def _columns_schema(columns: Iterable[str]) -> exp.Schema:
    return exp.Schema(expressions=[ident(c) for c in columns])


def primary_key_body(pk: PrimaryKey) -> exp.Expression:
    return exp.PrimaryKey(expressions=[ident(c) for c in pk.columns])


def unique_body(unique: Unique) -> exp.Expression:
    return exp.UniqueColumnConstraint(this=_columns_schema(unique.columns))


def check_body(check: Check) -> exp.Expression:
    return exp.CheckColumnConstraint(this=parse_expression(check.expression))


def constraint_node(c: PrimaryKey | Unique | Check) -> exp.Expression:
    if isinstance(c, PrimaryKey):
        return _named(c.name, primary_key_body(c))
    if isinstance(c, Unique):
        return _named(c.name, unique_body(c))
    return _named(c.name, check_body(c))


def create_table(table: Table) -> exp.Create:
    pk = table.primary_key
    inline_pk = pk is not None and pk.name is None and len(pk.columns) == 1
    items: list[exp.Expression] = [
        column_def(c, inline_pk=inline_pk and c.name == pk.columns[0]) for c in table.columns  # type: ignore[union-attr]
    ]
    if pk is not None and not inline_pk:
        items.append(constraint_node(pk))
    items.extend(constraint_node(u) for u in table.uniques)
    items.extend(constraint_node(c) for c in table.checks)
    return exp.Create(this=exp.Schema(this=table_ref(table), expressions=items), kind="TABLE", exists=True)


def _index_key(element: IndexElement) -> exp.Ordered:
    if element.column is not None:
        this: exp.Expression = exp.Column(this=ident(element.column))
    else:
        this = exp.Paren(this=parse_expression(element.expression))  # type: ignore[arg-type]
    desc = element.order == "desc"
    nulls_first = element.nulls == "first" if element.nulls else desc
    ordered = exp.Ordered(this=this, desc=desc or None, nulls_first=nulls_first)
    if element.nulls is not None:
        # sqlglot prints NULLS only when it differs from its own default; force the spelling the user asked.
        ordered.set("nulls_first", nulls_first)
    return ordered


def create_index(table: Table, index: Index, concurrently: bool = False) -> exp.Create:
    params = exp.IndexParameters(
        using=exp.Var(this=index.method) if index.method != "btree" else None,
        columns=[_index_key(e) for e in index.elements],
        include=[ident(c) for c in index.include] or None,
        where=exp.Where(this=parse_expression(index.where)) if index.where else None,
    )
    return exp.Create(
        this=exp.Index(this=ident(index.name), table=table_ref(table), params=params),
        kind="INDEX",
        unique=index.unique,
        exists=True,
        concurrently=concurrently,
    )


def create_schema(name: str) -> exp.Create:
    return exp.Create(this=exp.Table(db=ident(name)), kind="SCHEMA", exists=True)


def comment_on_table(table: Table, comment: Optional[str]) -> exp.Comment:
    return exp.Comment(this=table_ref(table), kind="TABLE", expression=_string(comment) if comment is not None else exp.Null())


def comment_on_column(table: Table, column: str, comment: Optional[str]) -> exp.Comment:
    ref = table_ref(table)
    col = exp.Column(this=ident(column), table=ref.this, db=ref.args.get("db"))
    return exp.Comment(this=col, kind="COLUMN", expression=_string(comment) if comment is not None else exp.Null())


NAMEDATALEN = 64


def _clip(name: str, nbytes: int) -> str:
    """The longest prefix of `name` within `nbytes` UTF-8 bytes, never splitting a character."""
    data = name.encode("utf-8")[:nbytes]
    return data.decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: Optional[str], label: str) -> str:
    """Postgres's makeObjectName(): how it names unnamed constraints (t_pkey, t_a_b_key, t_a_check)."""
    b1, b2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    avail = NAMEDATALEN - 1 - (len(label) + 1 if label else 0) - (1 if name2 else 0)
    while b1 + b2 > avail:
        if b1 > b2:
            b1 -= 1
        else:
            b2 -= 1
    parts = [_clip(name1, b1)] + ([_clip(name2, b2)] if name2 else []) + ([label] if label else [])
    return "_".join(parts)


def constraint_name(table: Table, c: PrimaryKey | Unique | Check) -> str:
    """The name Postgres gave (or will give) a constraint declared without one."""
    if c.name:
        return c.name
    if isinstance(c, PrimaryKey):
        return make_object_name(table.name, None, "pkey")
    if isinstance(c, Unique):
        return make_object_name(table.name, "_".join(c.columns), "key")
    raise ValueError("check constraints always carry a name")


def render(statement: exp.Expression) -> str:
    """One statement as Postgres SQL, terminated."""
    return statement.sql(dialect=DIALECT) + ";"
