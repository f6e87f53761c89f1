"""A new INHERITS child in an order of its own whose columns are not all its own (`inherited_only:`: attislocal
false, as a child made INHERITS and given a parent's column later has them).

ALTER TABLE ... INHERIT leaves every column the child declared its own, and no DDL makes a column of a table
inherited-only afterwards; pg_dump --binary-upgrade writes pg_attribute itself. Only a column a parent gives a
table is inherited-only, so the child is made through a scratch parent holding every column in the child's order:
CREATE TABLE ... INHERITS (scratch) declaring again only the columns that are its own (they keep the scratch
parent's places, and are local), then the real parents' INHERITs, then NO INHERIT scratch, which takes one from each
column's count: a column its real parents give stays inherited-only, the others end as they were declared. The
scratch parent is dropped at once (all in the migration's transaction).
"""

from __future__ import annotations

from schemac.model.frozen import replace

from sqlglot import exp

from schemac.compare.changes import NEW_TABLE, Change
from schemac.compare.created_tables import key_after_create
from schemac.compare.inherited_checks import FOR_INHERIT, scratch_made
from schemac.model import Parent, Table
from schemac.pg.column_storage import DEFAULT_SETTINGS
from schemac.compare.normalize import bare_null_stored
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl


def through_scratch(t: Table) -> bool:
    """Whether the new table `t` is made through a scratch parent: joined to its parents after its CREATE
    (compare.inherited_checks.inherited_child) with columns that must end inherited-only."""
    return bool(t.joins) and scratch_made(t)


def scratch_parent(t: Table) -> Parent:
    """The scratch parent's name: the table's, marked (at most 63 bytes)."""
    return Parent(t.name.encode("utf-8")[:40].decode("utf-8", "ignore") + "__schemac_columns", t.schema)


def create_through_scratch(t: Table) -> list[exp.Expression]:
    """The scratch parent, with every column of `t` in its order (an inherited-only one as `t` has it: default,
    NOT NULL under the name it keeps, generation; one of its own bare but for its generation), and `t` made INHERITS
    it, declaring its own columns again. A primary key on an inherited-only column, or on one whose NOT NULL is its
    parent's only, follows CREATE TABLE (as pg_dump adds one: compare.created_tables.key_after_create)."""
    only = set(t.inherited_only)
    columns = tuple(replace(c, identity=None, comment=None, **DEFAULT_SETTINGS) if c.name in only
                    else replace(c, identity=None, comment=None, default=None, nullable=True, not_null=None,
                                 **DEFAULT_SETTINGS) for c in t.columns)
    scratch = scratch_parent(t)
    holder = Table(name=scratch.name, schema=t.schema, columns=columns)
    # A generated column of its own is declared without its expression, which it takes from the scratch parent's
    # (PostgreSQL 15 refuses the expression declared there, 16+ a generated column under a plain one).
    child = replace(t, columns=tuple(replace(c, generated=None, virtual=False) for c in t.columns if c.name not in only),
                    inherits=(scratch,), joins=(), source=None)
    out: list[exp.Expression] = [ddl.create_table(holder), ddl.create_table(child)]
    pk = t.primary_key
    if pk is not None and (any(n in only for n in pk.columns) or key_after_create(child)):
        out.append(ddl.add_constraint(t, pk))
    return out


def leave_scratch(t: Table) -> list[exp.Expression]:
    """After the last INHERIT of `t`: NO INHERIT the scratch parent, and drop it."""
    scratch = qualified(t.schema, scratch_parent(t).name)
    return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "NO INHERIT", scratch),
            ddl.command("DROP", "TABLE", scratch)]


def inherit_statements(change: Change) -> list[exp.Expression]:
    """ALTER TABLE ... INHERIT / NO INHERIT a parent; a new table made through a scratch parent leaves it after its
    last INHERIT."""
    t, p = change.table_def, change.new or change.old
    add = change.kind == "add_inherit"
    out: list[exp.Expression] = [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name),  # type: ignore[union-attr]
                                             "INHERIT" if add else "NO INHERIT", qualified(p.schema, p.name))]  # type: ignore
    if add and change.cause == NEW_TABLE and scratch_made(t) and p == t.inherits[-1]:  # type: ignore
        out += leave_scratch(t)  # type: ignore[arg-type]
    return out


def holder_of(change: Change) -> Table:
    """The table an ADD CONSTRAINT is made on: a new child's scratch parent for the parents' CHECKs it holds
    inherited-only (those the INHERIT needs, cause FOR_INHERIT: they reach it from there)."""
    t = change.table_def
    if change.cause == FOR_INHERIT and through_scratch(t):  # type: ignore[arg-type]
        return replace(t, name=scratch_parent(t).name)  # type: ignore[arg-type]
    return t  # type: ignore[return-value]


def defaults_dropped(t: Table) -> list[exp.Expression]:
    """ALTER COLUMN ... DROP DEFAULT after a new INHERITS child's CREATE for each column schema.yaml gives a bare
    `NULL` (no default, its parent's dropped) of a type where DEFAULT NULL would store one (a varchar(10), a domain:
    compare.normalize.bare_null_stored): CREATE TABLE ... INHERITS gives it its parent's where the column leaves it
    out."""
    return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "ALTER COLUMN", quote_ident(c.name), "DROP DEFAULT")
            for c in t.columns if t.inherits and bare_null_stored(c.default, c.type)]
