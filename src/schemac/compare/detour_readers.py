"""What of a table reads a column as of its type, around compare.key_detours' move of the column to text and back.

Made text, the column no longer stands under what reads it as its type: an index over `(l).n` or a GIN over a `qty[]`
('column notation .n applied to type text', 'data type text has no default operator class for access method "gin"'),
a CHECK or EXCLUDE reading it (`NOT isempty(r)`, `EXCLUDE USING gist (r WITH &&)`). Those are dropped before the move
and made again after the move back, as around any retype (compare.tables: cause "retype"). What cannot be (a policy, a
trigger's WHEN or UPDATE OF, a statistics object, a generated column, a foreign key, a key a foreign key may
reference) keeps the ALTER DOMAIN refused (compare.domain_arrays.key_held), naming it."""

from __future__ import annotations

import re
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.definition_keys import _match_constraints, _same_constraint, default_name_held
from schemac.compare.index_swaps import same_index
from schemac.compare.key_parts import _constraints, comments_again
from schemac.model import Check, Exclusion, Index, PrimaryKey, Table

RETYPE = "retype"


def _word(name: str):
    """A search for column `name` in an expression's text (any word of the name is taken to be it: a reader too many
    is dropped and made again, or refused, never left to fail the ALTER)."""
    return re.compile(rf'(?<![\w$"]){re.escape(name)}(?![\w$"])|"{re.escape(name.replace(chr(34), chr(34) * 2))}"',
                      re.IGNORECASE).search


def _index_reads(i: Index, name: str, word) -> bool:
    """Whether index `i` reads column `name` as its type: an expression or WHERE naming it, or a key of it other than
    a btree or hash one of the type's default operator class and collation (text has no GIN operator class)."""
    return any(word(x) for x in (i.where or "", *(e.expression or "" for e in i.elements))) or any(
        e.column == name and (i.method not in ("btree", "hash") or e.opclass or e.collation) for e in i.elements)


def _constraint_reads(c: object, name: str, word) -> bool:
    """Whether CHECK or EXCLUDE `c` reads column `name` (an EXCLUDE's operator is its type's: any element of it)."""
    if isinstance(c, Check):
        return bool(word(c.expression))
    return isinstance(c, Exclusion) and any(e.column == name or word(e.expression or "") for e in c.elements) or \
        isinstance(c, Exclusion) and bool(word(c.where or ""))


def unmoved_reader(t: Table, name: str) -> Optional[str]:
    """What of `t` reads column `name` as of its type and cannot be dropped and made again around the move (a
    policy's condition, a trigger's WHEN or UPDATE OF: Postgres refuses the ALTER under them; a statistics object, a
    generated column, a foreign key; a key or unique index a foreign key may reference, or one WITHOUT OVERLAPS), said
    for a message; None where nothing does."""
    word = _word(name)
    for p in t.policies:
        if word(p.using or "") or word(p.with_check or ""):
            return f"policy {p.name}"
    for g in t.triggers:
        if word(g.when or "") or name in g.update_columns:
            return f"trigger {g.name}"
    for s in t.statistics:
        if any(word(e) for e in s.elements):
            return f"statistics {s.name}"
    for c in t.columns:
        if c.generated and word(c.generated):
            return f"generated column {c.name}"
    for fk in t.foreign_keys:
        if name in fk.columns:
            return f"foreign key {fk.name or 'on ' + name}"
    for k in (t.primary_key, *t.uniques):
        if k is not None and name in k.columns and k.without_overlaps:
            return f"{'primary key' if isinstance(k, PrimaryKey) else 'unique key'} {k.name or 'on ' + name}"
    for i in t.indexes:
        if i.unique and i.where is None and all(e.column for e in i.elements) and _index_reads(i, name, word):
            return f"unique index {i.name}"  # (one a foreign key may reference: not dropped under it)
    return None


def readers_again(t: Table, des: Table, names: set[str],
                  planned: list[Change]) -> tuple[list[Change], list[Change], list[Change]]:
    """The drops (before the moves to text) and the creations (after the moves back) of the indexes, CHECKs and
    EXCLUDEs of `t` reading a column of `names` as its type, which schema.yaml keeps as they are (one it changes or
    drops is `planned` already: compare.tables), with their comments given back; and the renames of `planned` those
    take the place of: one renamed is dropped under its old name and made under its new one (its RENAME, planned
    after the moves back, found it gone, and the move to text failed under it: 'column notation .n applied to type
    text'), as compare.tables does around a retype."""
    words = [(n, _word(n)) for n in names]
    drops: list[Change] = []
    adds: list[Change] = []
    done = {(c.kind, c.name) for c in planned}
    renames = {(c.kind, c.old.name): c for c in planned  # type: ignore[union-attr]
               if c.kind in ("rename_index", "rename_constraint") and c.old is not None and c.new is not None}
    taken: list[Change] = []

    def ch(kind: str, name: Optional[str], old: object, new: object, cause: str = RETYPE, **more) -> Change:
        return Change(kind, des.schema, des.name, name, old, new, des, cause, **more)
    des_idx = {i.name: i for i in des.indexes}
    for i in t.indexes:
        renamed = renames.get(("rename_index", i.name))
        new = renamed.new if renamed is not None else des_idx.get(i.name)
        if new is None or not same_index(i, new) or ("drop_index", i.name) in done or \
                not any(_index_reads(i, n, w) for n, w in words):
            continue
        taken += [renamed] if renamed is not None else []
        drops.append(ch("drop_index", i.name, i, new))
        adds.append(ch("add_index", new.name, i, new))
        comments_again(i, new, lambda *a: adds.append(ch(*a)))
    for old, new in _match_constraints(_constraints(t), _constraints(des), t):
        renamed = renames.get(("rename_constraint", getattr(old, "name", None)))
        if old is None or new is None or not isinstance(old, (Check, Exclusion)) or \
                not (_same_constraint(old, new) or renamed is not None and renamed.new == new) \
                or ("drop_constraint", old.name) in done or not any(_constraint_reads(old, n, w) for n, w in words):
            continue
        taken += [renamed] if renamed is not None else []
        drops.append(ch("drop_constraint", old.name, old, new, name_held=default_name_held(t, old)))
        adds.append(ch("add_constraint", new.name, old, new))
        comments_again(old, new, lambda *a: adds.append(ch(*a)))
    return drops, adds, taken
