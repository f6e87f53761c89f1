"""The keys a generated column stands in, made again around it where compare.around drops and adds the column
again (a function its expression calls dropped and created again: storage.get_level's result made smallint under
Supabase's storage.prefixes, whose PRIMARY KEY is (bucket_id, level, name)). DROP COLUMN takes along each PRIMARY
KEY, UNIQUE and foreign key on it; the ADD COLUMN brings none back."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.compare.changes import GENERATED_REBUILT, Change
from schemac.model import ForeignKey, Table
from schemac.pg.names import constraint_name


def keys_over(old_t: Table, new_t: Table, regenerated: set[str],
              touched: Callable[[str, Optional[str]], bool]) -> list[Change]:
    """The PRIMARY KEY, UNIQUEs and foreign keys of `old_t` on a column of `regenerated` (a generated column dropped
    and added again around a function it calls): DROP COLUMN takes them along, so each is added again after the ADD,
    with its comment and its index's (a key: compare.rebuilt_keys then moves the foreign keys that reference it)."""
    out: list[Change] = []
    pairs = [(old_t.primary_key, new_t.primary_key)] if old_t.primary_key and new_t.primary_key else []
    pairs += [(u, n) for u in old_t.uniques for n in new_t.uniques
              if constraint_name(new_t, n) == constraint_name(old_t, u)]
    pairs += [(f, n) for f in old_t.foreign_keys for n in new_t.foreign_keys if n.name is not None and n.name == f.name]
    for old, new in pairs:
        kind = "foreign_key" if isinstance(old, ForeignKey) else "constraint"
        name = constraint_name(new_t, new) if kind == "constraint" else new.name
        over = {*old.columns, *getattr(old, "include", ())}
        if not over & regenerated or touched(f"drop_{kind}", name) or touched(f"drop_{kind}", new.name):
            continue
        made = [Change(f"drop_{kind}", new_t.schema, new_t.name, new.name, old, new, new_t, GENERATED_REBUILT),
                Change(f"add_{kind}", new_t.schema, new_t.name, new.name, old, new, new_t, GENERATED_REBUILT)]
        if new.comment and not touched("set_constraint_comment", new.name):
            made.append(Change("set_constraint_comment", new_t.schema, new_t.name, new.name, old, new, new_t,
                               GENERATED_REBUILT))
        if getattr(new, "index_comment", None) and not touched("set_index_comment", None):
            made.append(Change("set_index_comment", new_t.schema, new_t.name, None, old, new, new_t,
                               GENERATED_REBUILT))
        out += made
    return out


def retypes_left_out(changes: list[Change], made: list[Change]) -> list[Change]:
    """`changes` without the ALTER TYPE of a generated column that `made` (compare.around) drops and adds again with
    its new type: run after the ADD, it did nothing but count as a narrowing (integer to smallint) that --allow-
    destructive must permit, where the values are derived and none is lost."""
    again = {(c.schema, c.table, c.name) for c in made if c.kind == "drop_column" and c.cause == GENERATED_REBUILT}
    if not again:
        return changes
    return [c for c in changes if not (c.kind == "alter_column_type" and (c.schema, c.table, c.name) in again)]
