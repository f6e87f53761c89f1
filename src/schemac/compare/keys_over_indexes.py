"""A table's unique index that schema.yaml makes its UNIQUE or PRIMARY KEY (`CREATE UNIQUE INDEX users_email_key` ->
`UNIQUE (email)`): ALTER TABLE ... ADD CONSTRAINT ... USING INDEX takes the index as the key's, where Postgres lets it,
not DROP INDEX and ADD CONSTRAINT, which builds the index again over every row (and drops the foreign keys that stand
on it first)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Index, PrimaryKey, Table, Unique
from schemac.model.frozen import replace
from schemac.pg.names import constraint_name

# A drop_index of a unique index the key's ADD CONSTRAINT ... USING INDEX takes: no statement of its own.
TAKEN_BY_KEY = "taken by a key's ADD CONSTRAINT ... USING INDEX"


def keys_over_indexes(changes: list[Change], cur: Table, des: Table) -> list[Change]:
    """`changes` of a table with each new UNIQUE or PRIMARY KEY that a unique index it drops can become given that
    index (`Change.using_index`), the index's drop marked TAKEN_BY_KEY: the one of the key's name, else one of another
    name (`users_email_idx` made `UNIQUE (email)`, users_email_key: ADD CONSTRAINT ... USING INDEX renames the index
    to the key's name, where ALTER INDEX ... RENAME and the ADD would do the same). Not on a partitioned table nor a
    partition (Postgres refuses USING INDEX on the first; a partition's index may be a copy)."""
    if des.partition_by is not None or des.partition_of is not None or cur.partition_by is not None or \
            cur.partition_of is not None:
        return changes
    dropped = {c.old.name: n for n, c in enumerate(changes)  # type: ignore[union-attr]
               if c.kind == "drop_index" and c.cause is None and c.new is None}
    if not dropped:
        return changes
    out = list(changes)
    keys = [n for n, c in enumerate(changes)
            if c.kind == "add_constraint" and c.old is None and isinstance(c.new, (Unique, PrimaryKey))]
    for own in (True, False):  # (the index of the key's name first, then one of another)
        for n in keys:
            c, name = out[n], constraint_name(des, out[n].new)  # type: ignore[arg-type]
            taken = None if c.using_index else next((i for i, at in dropped.items() if out[at].cause is None and
                                                     (i == name) == own and _takes(changes[at].old, c.new)), None)
            if taken is not None:  # (keys taking each other's names: one index renamed aside first, plan.name_swaps)
                out[dropped[taken]] = replace(changes[dropped[taken]], cause=TAKEN_BY_KEY)
                out[n] = replace(c, using_index=taken)
    return out


def _takes(index: Index, key: object) -> bool:
    """Whether ADD CONSTRAINT `key` USING INDEX `index` gives the key schema.yaml declares, and Postgres accepts it:
    a valid unique btree index of plain columns in their default order and operator class, no predicate, of the key's
    columns, INCLUDE columns, NULLS [NOT] DISTINCT, storage parameters and index comment."""
    elements = index.elements
    return index.unique and index.valid and index.method == "btree" and index.where is None and \
        index.attached_to is None and not getattr(key, "without_overlaps", False) and \
        all(e.column and e.expression is None and e.order == "asc" and e.nulls in (None, "last") and e.opclass is None
            and e.collation is None and not e.opclass_options for e in elements) and \
        tuple(e.column for e in elements) == tuple(key.columns) and tuple(index.include) == tuple(key.include) and \
        index.nulls_not_distinct == getattr(key, "nulls_not_distinct", False) and \
        tuple(index.parameters) == tuple(key.parameters) and (index.comment or None) == (key.index_comment or None)

