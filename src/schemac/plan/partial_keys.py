"""generate's warning for a key over the columns of a partial unique index, which it replaces or is added beside.

A unique index WHERE deleted_at IS NULL (MikroORM's and Medusa's soft delete) lets two rows outside its predicate hold
the same key: a soft-deleted product and a live one of the same handle. Turned into a UNIQUE constraint, a PRIMARY KEY
or a unique index without a predicate (or given one beside it), the key reads every row, and the migration's ADD
CONSTRAINT (or CREATE UNIQUE INDEX) fails on such a pair. generate never sees the rows, so it says so
(plan.hazards.row_failures), as it does for a column made citext under a key (plan.folded_keys)."""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.compare.changes import Change
from schemac.model.constraints import UNIQUE_KEY_TYPES, Index
from schemac.pg.names import constraint_name


def partial_key_warning(change: Change, made: AbstractSet, changes: list[Change]) -> Optional[str]:
    """The warning for `change`, if it adds a UNIQUE or PRIMARY KEY, or a unique index without a predicate, to a table
    not in `made` (the (schema, table) the migration creates) over the very columns of a partial unique index that
    `changes` (the migration's) drop from it, or that it keeps there (one it adds holds no row yet)."""
    key = full_key(change)
    if key is None or (change.schema, change.table) in made:
        return None
    what, columns = key[0], set(key[1])
    here = (change.schema, change.table)
    added = {c.name for c in changes if c.kind == "add_index" and (c.schema, c.table) == here}
    dropped = [c.old for c in changes if c.kind == "drop_index" and (c.schema, c.table) == here]
    kept = [i for i in change.table_def.indexes if i.name not in added] if change.table_def is not None else []
    for old in dropped + kept:
        if isinstance(old, Index) and old.unique and old.where and plain_columns(old) == columns:
            how = "replaces" if old in dropped else "is added beside"
            return (f"warning: {change.source or change.path}: {what} of {change.schema}.{change.table} {how} the "
                    f"partial unique index {old.name} (WHERE {old.where}) over the same columns: the migration fails "
                    "where two rows outside that predicate (soft-deleted ones) hold the same key (make those rows "
                    "differ, or delete them, first)")
    return None


def full_key(change: Change) -> Optional[tuple[str, tuple[str, ...]]]:
    """What `change` adds (how a warning names it) and its key columns, if it adds a key reading every row: a
    UNIQUE or PRIMARY KEY, or a unique index of plain columns without a predicate (plan.shared_defaults' too)."""
    new = change.new
    if change.kind == "add_constraint" and isinstance(new, UNIQUE_KEY_TYPES) and change.table_def is not None:
        return f"key {constraint_name(change.table_def, new)}", tuple(new.columns)
    if change.kind == "add_index" and isinstance(new, Index) and new.unique and not new.where and plain_columns(new):
        return f"unique index {new.name}", tuple(e.column for e in new.elements)  # type: ignore[misc]
    return None


def plain_columns(index: Index) -> Optional[set]:
    """The columns of an index whose every key is a plain column (None where one is an expression; plan.new_keys'
    too)."""
    columns = [e.column for e in index.elements]
    return None if None in columns else set(columns)
