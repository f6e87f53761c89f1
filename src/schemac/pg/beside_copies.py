"""A partition's own UNIQUE or index of its parent's definition standing beside Postgres's copy of the parent's.

A partition made (or attached) under its parent's key or index holds Postgres's copy, `<partition>_a_b_key` or
`<partition>_b_idx`, which inspect leaves out (catalog.partition_indexes). A key or index the partition was given
after that, of the same definition, is not attached and takes the next name Postgres has, numbered:
`<partition>_a_b_key1`, `<partition>_b_idx1`. schema.yaml lists it under that name where the copy's own name is
free on the table. It is made plainly (ALTER TABLE ... ADD CONSTRAINT, CREATE INDEX), and only once the parent's
key or index stands (plan.member_dependencies): made first, it would be the one the parent's CREATE INDEX or ADD
attaches, leaving no copy beside it, and a key's add must not rename the copy to its name
(plan.partition_index_ddl.add_partition_key), or the copy would be gone. DETACH leaves the table both, the copy
now its own too (compare.partition_copies)."""

from __future__ import annotations

from typing import Optional

from schemac.model import Index, Table, Unique
from schemac.pg.childindex import child_index_name, child_key_name, is_child_index_name, is_child_key_name


def _index_parts(i: Index) -> tuple[list[Optional[str]], list[Optional[str]]]:
    return [e.column for e in i.elements] + list(i.include), [e.expression for e in i.elements] + [None] * len(i.include)


def beside_copy(t: Optional[Table], obj: object) -> bool:
    """Whether `obj`, a UNIQUE or an index of partition `t`, carries a numbered copy's name whose unnumbered one
    (the copy's) no other key or index of `t` declares: its own, beside the copy Postgres holds under that name."""
    if t is None or t.partition_of is None:
        return False
    if isinstance(obj, (Index, Unique)) and obj.beside_copy:  # (under a name of its own: inspect marks it so)
        return True
    if isinstance(obj, Unique) and obj.name:
        columns = list(obj.columns) + list(obj.include)
        if not is_child_key_name(obj.name, t.name, False, columns):
            return False
        copy = child_key_name(t.name, False, columns)
    elif isinstance(obj, Index) and obj.attached_to is None:
        columns, expressions = _index_parts(obj)
        if not is_child_index_name(obj.name, t.name, columns, expressions):
            return False
        copy = child_index_name(t.name, columns, expressions)
    else:
        return False
    taken = t.constraint_names(checks=False) | {i.name for i in t.indexes}
    return obj.name != copy and copy not in taken
