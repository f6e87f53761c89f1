"""A column's NOT NULL constraint with a name, NOT VALID or NO INHERIT (PostgreSQL 18+): the clause a column
definition carries, and the ALTER TABLE statements sqlglot has no node for (ADD CONSTRAINT ... NOT NULL,
RENAME / VALIDATE / ALTER CONSTRAINT), built from parts quoted by pg.names."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.not_null_names import partition_names_it
from schemac.compare.under_parent import UnderParent
from schemac.model import Column, NotNull, Table
from schemac.pg.idents import ident
from schemac.pg.names import default_not_null_name, qualified, quote_ident
from schemac.plan.sql_strings import comment_value


def inline_not_null(column: Column) -> Optional[exp.ColumnConstraint]:
    """The NOT NULL of a column definition (None for a nullable one, and for a NOT VALID one, which only
    ALTER TABLE ... ADD CONSTRAINT can make: not_valid_statements)."""
    nn = column.not_null
    if column.nullable or (nn is not None and (nn.not_valid or nn.from_parent)):
        return None
    if nn is None:
        return exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())
    kind = exp.Var(this="NOT NULL NO INHERIT") if nn.no_inherit else exp.NotNullColumnConstraint()
    return exp.ColumnConstraint(this=ident(nn.name) if nn.name else None, kind=kind)


def _alter(t: Table, *parts: str) -> exp.Command:
    return exp.Command(this="ALTER", expression=" ".join(("TABLE", qualified(t.schema, t.name)) + parts))


def add_not_null(t: Table, column: Column) -> exp.Command:
    """ALTER TABLE t ADD [CONSTRAINT name] NOT NULL column [NOT VALID] [NO INHERIT]."""
    nn = column.not_null or NotNull()
    return _alter(t, "ADD", *(("CONSTRAINT", quote_ident(nn.name)) if nn.name else ()), "NOT NULL",
                  quote_ident(column.name), *(("NOT VALID",) if nn.not_valid else ()),
                  *(("NO INHERIT",) if nn.no_inherit else ()))


def not_valid_statements(t: Table, columns: tuple[Column, ...]) -> list[exp.Expression]:
    """The NOT VALID NOT NULLs of new columns (of a new table), added after them; then the comments of their NOT
    NULLs, which neither carries."""
    made = [c for c in columns if not c.nullable and c.not_null is not None]
    return [add_not_null(t, c) for c in made if c.not_null.not_valid] + \
        [not_null_comment(t, c.name, c.not_null) for c in made if c.not_null.comment is not None]  # type: ignore


def not_null_comment(t: Table, column: str, nn: NotNull, name: Optional[str] = None) -> exp.Command:
    """COMMENT ON CONSTRAINT of a column's NOT NULL, under `name`, else its own or Postgres's default name."""
    return exp.Command(this="COMMENT", expression=" ".join((
        "ON CONSTRAINT", quote_ident(name or nn.name or default_not_null_name(t.name, column)), "ON",
        qualified(t.schema, t.name), "IS", comment_value(nn.comment))))


def alter_not_null(t: Table, old: Column, new: Column) -> list[exp.Expression]:
    """The NOT NULL of `old` (its constraint named as the database has it: compare.not_nulls) made `new`'s:
    renamed, validated, [NO] INHERIT altered; made NOT VALID again by dropping and adding it (Postgres keeps
    one NOT NULL per column, and never un-validates one)."""
    was, will = old.not_null or NotNull(), new.not_null or NotNull()
    if will.not_valid and not was.not_valid:
        drop = _alter(t, "ALTER COLUMN", quote_ident(new.name), "DROP NOT NULL")
        return [drop, add_not_null(t, new)] + ([not_null_comment(t, new.name, will)] if will.comment else [])
    name = was.name or ""
    out: list[exp.Expression] = []
    if will.name is not None and will.name != name:
        out.append(_alter(t, "RENAME CONSTRAINT", quote_ident(name), "TO", quote_ident(will.name)))
        name = will.name
    if was.not_valid and not will.not_valid:
        out.append(_alter(t, "VALIDATE CONSTRAINT", quote_ident(name)))
    if was.no_inherit != will.no_inherit:
        out.append(_alter(t, "ALTER CONSTRAINT", quote_ident(name), "NO INHERIT" if will.no_inherit else "INHERIT"))
    if was.comment != will.comment:
        if will.comment is not None and t.inherits and not was.comment:
            # an INHERITS child's copy of its parent's NOT NULL (conislocal false) made its own, as the catalog reads
            # a column's commented NOT NULL (a copy's comment is inherited_constraints:); a no-op on its own one
            out.append(_alter(t, "ALTER COLUMN", quote_ident(new.name), "SET NOT NULL"))
        out.append(not_null_comment(t, new.name, will, name))
    return out


def remade_under_parent(new: Column, parent: UnderParent) -> list[exp.Expression]:
    """The renames of the children's own NOT NULLs merged with their parent's (compare.not_null_remade), which Postgres
    refuses while the parent's holds: those children's made their own (ALTER TABLE ONLY ... SET NOT NULL: an ATTACHed
    partition's is inherited only, which the parent's DROP would take), the parent's dropped, each renamed, the
    parent's added again (it merges into theirs and reaches its other children under the parent's name). Written once,
    by the lead change under that parent; () by the others."""
    up, column = qualified(parent.schema, parent.name), quote_ident(new.name)
    if not parent.lead:
        return []
    return [exp.Command(this="ALTER", expression=f"TABLE ONLY {qualified(*own)} ALTER COLUMN {column} SET NOT NULL")
            for own in parent.made_own] + \
        [exp.Command(this="ALTER", expression=f"TABLE {up} ALTER COLUMN {column} DROP NOT NULL")] + \
        [exp.Command(this="ALTER", expression=f"TABLE {qualified(schema, name)} RENAME CONSTRAINT {quote_ident(was)} "
                                              f"TO {quote_ident(will)}") for schema, name, was, will in parent.renames] + \
        [exp.Command(this="ALTER", expression=f"TABLE {up} ADD CONSTRAINT {quote_ident(parent.not_null)} NOT NULL {column}")]


def partition_not_nulls(t: Table) -> str:
    """A partition's own named NOT NULLs, as CREATE TABLE ... PARTITION OF parent (col WITH OPTIONS CONSTRAINT name NOT
    NULL) declares them (compare.created_tables.created_by_create_table): the only way to name one, the parent's copy
    being inherited, which Postgres refuses to rename."""
    named = [c for c in t.columns if partition_names_it(c)]
    return "(" + ", ".join(f"{quote_ident(c.name)} WITH OPTIONS CONSTRAINT {quote_ident(c.not_null.name)} NOT NULL"  # type: ignore
                           for c in named) + ")" if named else ""


def inherited_not_nulls(table: Table) -> list[exp.Expression]:
    """The NOT NULLs an INHERITS child names itself on the columns it has from its parents only (`inherited_only:`):
    CONSTRAINT name NOT NULL column in CREATE TABLE (PostgreSQL 18), which keeps the column inherited-only; after
    CREATE, the parent's inherited one would refuse the name (CREATE TABLE ... (PRIMARY KEY (id)) INHERITS makes such)."""
    return [exp.Var(this=f"CONSTRAINT {quote_ident(c.not_null.name)} NOT NULL {quote_ident(c.name)}"  # type: ignore
                         + (" NO INHERIT" if c.not_null.no_inherit else "")) for c in _inherited_named(table)]  # type: ignore


def inherited_not_null_comments(table: Table) -> list[exp.Expression]:
    """The comments of the NOT NULLs inherited_not_nulls makes (not_valid_statements comments the table's own
    columns' only): a child's copy of its parent's made its own (SET NOT NULL), commented, was made uncommented."""
    return [not_null_comment(table, c.name, c.not_null) for c in _inherited_named(table)  # type: ignore[arg-type]
            if c.not_null.comment is not None]  # type: ignore[union-attr]


def _inherited_named(table: Table) -> list[Column]:
    if not table.inherits or not table.inherited_only:
        return []
    return [c for c in table.columns if c.name in table.inherited_only and not c.nullable and c.not_null is not None
            and c.not_null.name and not c.not_null.from_parent and not c.not_null.not_valid]
