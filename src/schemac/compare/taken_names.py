"""A table renamed (`renamed_from:`) onto the name of a table schema.yaml drops: the swap a rebuilt table ends with
(Ory Keto's keto_relation_tuples_uuid made beside keto_relation_tuples, filled, then DROP TABLE keto_relation_tuples
and RENAME keto_relation_tuples_uuid TO keto_relation_tuples). Postgres refuses the RENAME while the old one holds the
name, and DROP TABLE runs after every rename: the old one is renamed aside first, to a name nothing holds, and dropped
there as any table schema.yaml leaves out (refused as destructive, as its drop is). Matched by name instead, the old
table was kept and retyped into the new one's columns and the renamed one dropped with its rows."""

from __future__ import annotations

from schemac.model import Schema, Table
from schemac.pg.names import MAX_IDENTIFIER_BYTES, clip_bytes

Key = tuple[str, str]


def taken_keys(renames: list[tuple[Key, Key]], cur_tables: dict[Key, Table]) -> list[Key]:
    """The new keys of `renames` ((new, old), in order) that a table of `cur_tables` holds and no rename frees."""
    freed = {was for _, was in renames}
    return [key for key, _ in renames if key in cur_tables and key not in freed]


def aside_name(held: Table, current: Schema, des_tables: dict[Key, Table]) -> str:
    """A name in `held`'s schema that no relation of `current` (table, view, sequence, index) nor table of schema.yaml
    holds, for `held` until it is dropped (`<name>_dropped`, numbered where that is held; within 63 bytes)."""
    used = {t.name for t in (*current.tables, *current.views, *current.sequences) if t.schema == held.schema}
    used |= {i.name for t in current.tables if t.schema == held.schema for i in t.indexes}
    used |= {name for schema, name in des_tables if schema == held.schema}
    for n in range(1, 1000):
        tail = "_dropped" if n == 1 else f"_dropped{n}"
        name = clip_bytes(held.name, MAX_IDENTIFIER_BYTES - len(tail)) + tail
        if name not in used:
            return name
    raise AssertionError("no free name")  # (a thousand tables so named: never)
