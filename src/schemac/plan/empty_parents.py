"""generate's warning for a foreign key of a table the migration keeps that references a table it creates.

The table created is empty when the key is added (an old table renamed by `renamed_from:` is renamed, not created:
its rows stay; a table re-made with its rows put back, compare.default_rows, is left out), so ADD FOREIGN KEY fails on
the first row of the kept table whose key is set: a table renamed without `renamed_from:` (dropped, created again
empty, the keys of the tables referencing it pointed at the new one, as a replay of Immich's StandardizeNames gives),
or a key given to columns that already hold values. A key column the migration adds with no default holds NULL in
every row, which a MATCH SIMPLE key lets through (a MATCH FULL one only where every column is such). generate never
sees the rows, so it says so (plan.hazards.row_failures)."""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.compare.changes import Change
from schemac.pg.names import constraint_name


def empty_parent_warning(change: Change, made: AbstractSet, changes: list[Change]) -> Optional[str]:
    """The warning for `change`, if it adds a foreign key to a table not in `made` (the (schema, table) the migration
    creates) that references one in it; `changes`: the migration's, for the columns it adds and the rows it puts back."""
    fk = change.new
    if change.kind != "add_foreign_key" or (change.schema, change.table) in made or fk is None:
        return None
    ref = (fk.ref_schema, fk.ref_table)  # type: ignore[attr-defined]
    if ref not in made or fk.not_valid or not fk.enforced:  # type: ignore[attr-defined]
        return None  # (NOT VALID, NOT ENFORCED: the rows are not checked)
    if any(c.kind == "put_back_rows" and (c.schema, c.table) == ref for c in changes):
        return None
    null = {c.new.name for c in changes  # type: ignore[attr-defined]
            if c.kind == "add_column" and (c.schema, c.table) == (change.schema, change.table) and c.cause is None
            and c.new.default is None and c.new.identity is None and not c.new.generated}  # type: ignore[attr-defined]
    fresh = [col in null for col in fk.columns]  # type: ignore[attr-defined]
    if all(fresh) or (any(fresh) and not fk.match_full):  # type: ignore[attr-defined]
        return None
    return (f"warning: {change.source or change.path}: foreign key {constraint_name(change.table_def, fk)} of "
            f"{change.schema}.{change.table} references {ref[0]}.{ref[1]}, which the migration creates: it is empty "
            f"when the key is added, so the migration fails where a row of {change.schema}.{change.table} holds a key "
            f"(give {ref[0]}.{ref[1]} renamed_from: where it is an old table renamed, or fill it first)")
