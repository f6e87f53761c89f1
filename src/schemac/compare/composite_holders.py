"""Which stored values hold a composite type: a column (or a materialized view's) of it, or of a domain or composite
type over it. Where none does, the type can be made again (compare.usertypes: its attributes reordered;
compare.collation_asides: an attribute's collation set aside), as nothing of its values is lost."""

from __future__ import annotations

import re
from typing import Optional

from schemac.compare.around import readded
from schemac.compare.changes import Change
from schemac.compare.row_types import holding_types
from schemac.model import CompositeType, Schema, Table
from schemac.pg.lazy import lazy
from schemac.pg.types import type_name

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")  # (sqlglot: not on diff's fast path)


def stored_user(current: Schema, c: CompositeType) -> Optional[Table]:
    """A table (or materialized view) of `current` with a column of composite type `c` (or an array of it, of a
    domain or composite type over it): Postgres refuses ALTER ATTRIBUTE ... TYPE while one stands; with none, no
    value of the type is stored (an attribute dropped loses nothing: plan.hazards)."""
    return next((t for t, _ in holders(current, c)), None)


def holders(current: Schema, c: CompositeType) -> list[tuple[Table, str]]:
    """Each table (or materialized view) of stored_user's with each of its columns holding `c`, as `column s.t.c`
    (every one: a refusal names them all)."""
    held = holding_types(current, (c.schema, c.name))
    out = [(t, f"column {t.schema}.{t.name}.{col.name}") for t in current.tables for col in t.columns
           if type_name(col.type) in held]
    return out + [(v, f"column {v.schema}.{v.name}.{col.name}") for v in current.views  # type: ignore[misc]
                  for col in v.output if v.materialized and col.type and type_name(col.type) in held]  # (a
    # materialized view's rows hold values of it too)


def remakeable(current: Schema, c: CompositeType) -> bool:
    """Whether no stored value holds composite type `c`, which can then be made again: no column of it, or of a
    domain or composite type over it (those are made again around it: holders_remade; views reading them, by
    compare.views, functions naming them, by compare.routine_dependents), and no table naming one of them (a cast in
    a CHECK, default, index or policy: read from their text, more than Postgres would hold). Else the change is
    refused as before (plan.type_ddl)."""
    if stored_user(current, c) is not None:
        return False
    names = "|".join(re.escape(name) for _, name in holding_types(current, (c.schema, c.name)))
    word = re.compile(rf"\b(?:{names})\b")
    return not any(word.search(repr(t)) for t in current.tables)


def keys_a_partition(current: Schema, c: CompositeType) -> Optional[str]:
    """The first column holding composite type `c` in its table's partition key, as `s.t.c`, else None: Postgres cannot
    retype it (plan.column_changes.key_retype_refused), so the type cannot be set aside and made again under it
    (compare.usertypes), nor its attributes retyped (key_held_composites)."""
    held = holding_types(current, (c.schema, c.name))
    return next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables if t.partition_by is not None
                 for col in t.columns if type_name(col.type) in held
                 and col.name in referenced_columns(f"({t.partition_by.key})")), None)


def key_held_composites(changes: list[Change], current: Schema) -> list[tuple[Change, str]]:
    """Each alter_composite_type whose attributes would be dropped and added again (compare.around.readded: retyped
    under a column of the type) where such a column is in its table's partition key, with why `generate` refuses it,
    --allow-destructive or not: Postgres refuses ALTER ATTRIBUTE ... TYPE under the column and retypes no partition
    key's column (the type is not set aside: keys_a_partition), and the DROP and ADD ATTRIBUTE emptied every value of
    the attribute, the partition bounds' too (fix57i)."""
    out = []
    for c in changes:
        again = readded(c)
        column = keys_a_partition(current, c.old) if again else None  # type: ignore[arg-type]
        if column is not None:
            them = "them" if len(again) > 1 else "it"
            out.append((c, f"composite type {c.schema}.{c.name}: attribute {', '.join(again)} cannot be retyped while "
                           f"column {column}, in its table's partition key, holds the type (Postgres refuses ALTER "
                           "ATTRIBUTE ... TYPE under a column of the type and retypes no partition key's column, so "
                           f"the type cannot be set aside and made again under it), and dropping and adding {them} "
                           f"again would lose every value of {them} (NULL), the partition bounds' too; keep the "
                           "attributes' types in schema.yaml, or create a new composite type with the new attributes "
                           "and a new table partitioned on a column of it, copy the rows over in a migration of your "
                           "own, then drop the old table and type"))
    return out
