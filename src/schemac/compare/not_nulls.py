"""A column's NOT NULL as PostgreSQL 18 keeps it, a constraint (pg_constraint contype 'n'): its name, NOT VALID
and NO INHERIT beside the nullability compare.tables compares."""

from __future__ import annotations

from dataclasses import replace

from schemac.model import Column, NotNull
from schemac.pg.names import default_not_null_name


def not_null_changes(table: str, old: Column, new: Column) -> list[tuple[str, Column]]:
    """(kind, old column) of each change between two columns' NOT NULLs; `table` the current table's name.
    An alter_not_null's old column names its constraint as the database does (Postgres's default where the
    catalog said none), which the statements rename, validate or alter."""
    if old.nullable != new.nullable:
        return [("drop_not_null" if new.nullable else "set_not_null", old)]
    if new.nullable or old.not_null == new.not_null:
        return []
    was, will = old.not_null or NotNull(), new.not_null or NotNull()
    if will.name is None:  # unnamed in schema.yaml: any name the constraint has is right (as for keys)
        will = replace(will, name=was.name)
    if was == will:
        return []
    return [("alter_not_null", replace(old, not_null=replace(was, name=was.name or default_not_null_name(table, old.name))))]
