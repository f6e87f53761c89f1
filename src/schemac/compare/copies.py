"""The comments on a partition's or INHERITS child's copies of its parents' constraints (Table.copy_comments,
schemafile/copies.py): COMMENT ON CONSTRAINT name ON child, as `set_copy_comment`.

A copy is made with its parent's constraint (ADD CONSTRAINT, ADD FOREIGN KEY, SET NOT NULL on the table above) and
with the child (CREATE TABLE ... PARTITION OF / INHERITS, ATTACH PARTITION, INHERIT): one the plan makes has no
comment. So after `changes` a copy's comment is the current one but where the plan may make the copy anew, where it is
none; the statement runs where that is not schema.yaml's (COMMENT ... IS NULL on a copy made anew is harmless, and
said where the current one had a comment: it may be the copy Postgres kept).
"""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.model import Table
from schemac.pg.copies import copies_of
from schemac.pg.names import constraint_name, default_not_null_name

Key = tuple[str, str]
_MADE = ("add_table", "attach_partition", "add_inherit")


def _remade(changes: list[Change]) -> set[tuple[str, str, str]]:
    """(schema, table, constraint name) of the constraints the plan adds (or adds again) that children copy."""
    out = set()
    for c in changes:
        if c.kind in ("add_constraint", "add_foreign_key") and c.table_def is not None and c.new is not None:
            name = getattr(c.new, "name", None) or (constraint_name(c.table_def, c.new)  # type: ignore[arg-type]
                                                    if c.kind == "add_foreign_key" else None)
            out.add((c.schema, c.table, name))  # type: ignore[arg-type]
        elif c.kind in ("set_not_null", "alter_not_null") and c.new is not None:
            nn = getattr(c.new, "not_null", None)
            out.add((c.schema, c.table, nn.name if nn is not None and nn.name else
                     default_not_null_name(c.table, c.name or "")))
    return out


def diff_copy_comments(cur_tables: dict[Key, Table], des_tables: dict[Key, Table],
                       changes: list[Change]) -> list[Change]:
    """COMMENT ON CONSTRAINT of each copy whose comment after `changes` is not schema.yaml's."""
    if not any(t.copy_comments for t in (*cur_tables.values(), *des_tables.values())):
        return []
    made = {(c.schema, c.table) for c in changes if c.kind in _MADE}
    remade = _remade(changes)
    out: list[Change] = []
    for key, t in sorted(des_tables.items()):
        cur = cur_tables.get(key)
        was, will = dict(cur.copy_comments) if cur is not None else {}, dict(t.copy_comments)
        if not was and not will:
            continue
        copies = copies_of(t, des_tables)
        for name in sorted({*was, *will}):
            copy = copies.get(name)
            if copy is None:  # no copy any more (or the table's own): nothing to comment
                continue
            anew = cur is None or key in made or any(k in made or (*k, name) in remade for k in copy.above)
            before = None if anew else was.get(name)
            if before != will.get(name) or (anew and was.get(name) is not None):
                out.append(Change("set_copy_comment", t.schema, t.name, name, replace(copy, comment=was.get(name)),
                                  replace(copy, comment=will.get(name)), t))
    return out
