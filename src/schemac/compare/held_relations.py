"""A recorded unnamed primary key, UNIQUE or EXCLUDE whose default name another relation of its schema holds: another
table's index or named key, a table, view, sequence or composite type. Its index is a relation of the schema too, so
Postgres numbered it (ChooseRelationName: blocks_pkey1), as it does where a constraint or index of its own table holds
the name (definition_keys.default_name_held). schema.yaml cannot say so now (schemafile.default_names), but a state
recorded before can: its drop (DROP CONSTRAINT blocks_pkey: "does not exist", rolled back), comment and index comment
find it by what it is (plan.held_names), never by that name."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import INDEXED_KEY_TYPES, Schema
from schemac.model.frozen import replace
from schemac.pg.names import default_constraint_name

_KINDS = frozenset(("drop_constraint", "set_constraint_comment", "set_index_comment"))


def _relations(current: Schema) -> set[tuple[str, str]]:
    """The names of the current schema's relations but its unnamed keys' indexes (whose names are the question)."""
    out = {(x.schema, x.name) for x in (*current.tables, *current.views, *current.sequences, *current.composite_types)}
    for t in current.tables:
        out |= {(t.schema, i.name) for i in t.indexes}
        out |= {(t.schema, k.name) for k in t.indexed_keys() if k.name}
    return out


def held_in_schema(changes: list[Change], current: Schema) -> list[Change]:
    """`changes`, those of such a key marked `name_held`."""
    keyed = [i for i, c in enumerate(changes) if c.kind in _KINDS and not c.name_held and c.table_def is not None
             and isinstance(c.old, INDEXED_KEY_TYPES) and c.old.name is None]
    if not keyed:
        return changes
    relations, out = _relations(current), list(changes)
    for i in keyed:
        c = changes[i]
        if (c.table_def.schema, default_constraint_name(c.table_def, c.old)) in relations:  # type: ignore
            out[i] = replace(c, name_held=True)
    return out
