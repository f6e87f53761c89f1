"""A parent's DROP COLUMN that an INHERITS child has the column through: ONLY where a child keeps it as its own, a
plain (recursing) one where the child has it from another parent as well, as a database built afresh has it."""

from __future__ import annotations

from schemac.compare.changes import GENERATED_REBUILT, Change
from schemac.compare.partitioning import partition_of_key
from schemac.model import Table
from schemac.model.tables import own_columns


def stable_parents(old: Table, new: Table) -> list[tuple[str, str]]:
    """The parents whose ALTER TABLE reaches `new` in this migration: its partition parent when it stays
    attached to it, the INHERITS parents it keeps."""
    p = new.partition_of
    if p is not None and old.partition_of is not None and partition_of_key(old) == partition_of_key(new):
        return [(p.parent_schema, p.parent)]
    return [(q.schema, q.name) for q in new.inherits if q in old.inherits]


def held_elsewhere(per_table: dict[tuple[str, str], list[Change]], cur_tables: dict, des_tables: dict) -> set:
    """(schema, table, column) of each INHERITS child column a parent drops that the child keeps only as another
    parent's, before and after (attinhcount 2 or more, not its own): a recursing DROP COLUMN lowers its
    attinhcount and leaves it inherited-only; ALTER TABLE ONLY (or NO INHERIT and INHERIT) would make it the
    child's own, which a later DROP COLUMN of the other parent then leaves behind."""
    drops = _drops(per_table)
    if not drops:
        return set()
    out = set()
    for key in per_table:
        old, new = cur_tables[key], des_tables[key]
        if new.partition_of is not None or old.partition_of is not None or len(new.inherits) < 2:
            continue
        parents = stable_parents(old, new)
        own = {c.name for c in own_columns(new)} - set(new.inherited_only)
        for p in parents:
            for c in old.columns:
                if (*p, c.name) not in drops or new.column(c.name) is None or c.name in own:
                    continue
                if any(q != p and (*q, c.name) not in drops and _has(cur_tables, q, c.name)
                       and _has(des_tables, q, c.name) for q in parents):
                    out.add((*key, c.name))
    return out


def _drops(per_table: dict[tuple[str, str], list[Change]]) -> set:
    """(schema, table, column) of each DROP COLUMN of a table's own, or of a generated column dropped to be added again
    under another name (renamed_from: GENERATED_REBUILT, its old name not added again)."""
    added = {(c.schema, c.table, c.name) for changes in per_table.values() for c in changes if c.kind == "add_column"}
    return {(c.schema, c.table, c.name) for changes in per_table.values() for c in changes
            if c.kind == "drop_column" and (c.cause is None or c.cause == GENERATED_REBUILT
                                            and (c.schema, c.table, c.name) not in added)}


def _has(tables: dict, key: tuple[str, str], name: str) -> bool:
    t = tables.get(key)
    return t is not None and t.column(name) is not None


def kept_below(per_table: dict[tuple[str, str], list[Change]], cur_tables: dict, des_tables: dict,
               held: set) -> set:
    """(schema, table, column) of each parent's DROP COLUMN that an INHERITS child having the column keeps: made
    ALTER TABLE ONLY (cause KEPT_BELOW), which leaves each child's columns as they were but that one, its own (a
    child that drops it too drops it after: AFTER_ONLY). `held`: the children's columns another parent gives too
    (held_elsewhere), which a plain DROP COLUMN keeps as they are."""
    drops = _drops(per_table)
    if not drops:  # (the common case: no walk of every table's columns for nothing)
        return set()
    keeps: dict[tuple, set] = {}
    through: dict[tuple, set] = {}  # (a child dropping it too: its children's keeping reaches up through it)
    for key in per_table:
        old, new = cur_tables[key], des_tables[key]
        if new.partition_of is not None or old.partition_of is not None:
            continue
        names = {c.name for c in new.columns}
        for p in stable_parents(old, new):
            for c in old.columns:
                if (*p, c.name) in drops and (*key, c.name) not in held:
                    keeps.setdefault((*p, c.name), set()).add(c.name in names)
                    if (*key, c.name) in drops:
                        through.setdefault((*p, c.name), set()).add((*key, c.name))
    only = {k for k, kept in keeps.items() if True in kept}
    grown = True
    while grown:  # a grandchild keeping it: the plain DROP of a parent above a child that drops it too would take
        # the grandchild's copy through the child's ('column "x" of relation "mid" does not exist' at the child's ONLY)
        more = {k for k, kids in through.items() if k not in only and kids & only}
        only |= more
        grown = bool(more)
    return only
