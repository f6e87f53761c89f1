"""A partition's primary key, UNIQUEs and indexes that schema.yaml declares as Postgres makes its copies of an
ancestor's: the same definition, unnamed (a key) or under the copy's name (an index), nothing of their own.

PARTITION OF and ATTACH make those copies, named as an unnamed key or index on the partition is (`<partition>_pkey`,
`<partition>_<columns>_key`, `<partition>_<columns>_idx`: pg.childindex), and the catalog leaves them out
(catalog.partition_indexes): compared as declared, a build of schema.yaml from scratch drifted (missing), and a copy
left under an older name (the table or a column renamed since) was kept so, where a fresh build names it after the
partition. Left out of both sides, such a copy is what the ancestor's key or index implies; a copy under another name
is dropped as a key of the partition's own, which renames it to Postgres's name (plan.partition_index_ddl's
drop_partition_key), or renamed by the table's rename (plan.table_renames)."""

from __future__ import annotations

from collections import Counter

from schemac.compare.definition_keys import constraint_key, index_signature
from schemac.compare.partition_copies import name_parts
from schemac.model import Index, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.childindex import child_index_name


def without_declared_copies(schema: Schema) -> Schema:
    """`schema` with its partitions' declared copies of their ancestors' keys and indexes left out."""
    if not any(t.partition_of and (t.primary_key or t.uniques or t.indexes) for t in schema.tables):
        return schema
    tables = {t.key: t for t in schema.tables}
    return replace(schema, tables=tuple(_folded(t, _ancestors(t, tables)) for t in schema.tables))


def _ancestors(t: Table, tables: dict) -> list[Table]:
    """`t`'s parent, its parent's parent...: a copy of each one's keys and indexes is in `t`."""
    out, p = [], t.partition_of
    while p is not None and (parent := tables.get((p.parent_schema, p.parent))) is not None and parent not in out:
        out.append(parent)
        p = parent.partition_of
    return out


def _signature(i: Index) -> tuple:
    return index_signature(i), i.parameters


def _folded(t: Table, above: list[Table]) -> Table:
    if not above:
        return t
    keys = {constraint_key(k) for a in above for k in a.unique_keys()}
    # (an ancestor with two indexes of one definition: which copy is whose is declared, attached_to)
    twins = {s for a in above for s, n in Counter(_signature(i) for i in a.indexes).items() if n > 1}
    indexes = {_signature(i) for a in above for i in a.indexes} - twins

    def key_copy(k) -> bool:
        return k.name is None and k.comment is None and k.index_comment is None and constraint_key(k) in keys

    def index_copy(i: Index) -> bool:
        return i.attached_to is None and not i.beside_copy and i.comment is None and \
            all(e.statistics is None for e in i.elements) and _signature(i) in indexes and \
            i.name == child_index_name(t.name, *name_parts(i))  # (not t_k_idx1: an index of its own beside the copy)
    pk = None if t.primary_key is not None and key_copy(t.primary_key) else t.primary_key
    return replace(t, primary_key=pk, uniques=tuple(u for u in t.uniques if not key_copy(u)),
                   indexes=tuple(i for i in t.indexes if not index_copy(i)))
