"""A standing INHERITS child that starts declaring a column its parent gains in the same migration: its own ADD COLUMN
first, which the parent's then merges into.

ALTER TABLE parent ADD COLUMN c gives c to every child lacking it, inherited only (pg_attribute.attislocal false,
attinhcount 1), and merges into a child holding c already ('merging definition of column "c" for child', attislocal
kept, attinhcount + 1, going no further down). A fresh build of a child that declares c (CREATE TABLE child (c ...)
INHERITS (parent)) has it its own and inherited (attislocal true), as the merge leaves it: so the child's ADD COLUMN,
which compare.differ marked INHERITED (the parent's statement making it), runs itself, before the ADD COLUMN of each
table above it that gains c (Change.before_parents; plan.member_dependencies), its tables below taking c from it.
So too under a parent's NOT NULL or generated column (measured on 18, 16 and 15: the catalog as a fresh build's).
The other way round (a child that declared c leaves it to its parents) no DDL makes c inherited only:
compare.joined_parents.left_notices says so.
"""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import INHERITED, Change
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.model.tables import inherits_above, own_columns


def _declared_anew(c: Change, t: Table, was: Optional[Table]) -> bool:
    """Whether `c` adds to `t`, standing, a column it declares itself."""
    return was is not None and was.column(c.name) is None and t.partition_of is None and \
        any(x.name == c.name for x in own_columns(t))


def declared_before_parents(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with the ADD COLUMN of a standing child declaring a column its parents gain made its own (see the
    module), before theirs."""
    out = []
    for c in changes:
        t = des_tables.get((c.schema, c.table)) if c.kind == "add_column" and c.cause == INHERITED else None
        if t is not None and t.inherits:
            gaining = {(x.schema, x.table) for x in changes if x.kind == "add_column" and x.name == c.name}
            if _declared_anew(c, t, cur_tables.get(t.key)):
                c = replace(c, cause=None, before_parents=tuple((*k, c.name) for k in inherits_above(t, des_tables)
                                                                if k in gaining))
        out.append(c)
    return out
