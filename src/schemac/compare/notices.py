"""generate's and diff's notices of schema.yaml's hints, beside the changes: a `renamed_from` the migration cannot
use (or whose rename was made), a `using:` on a column not retyped, a UNIQUE repeating another key. Not changes:
said, then the plan goes on (compare.differ lists the changes)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change, takes_using
from schemac.compare.column_renames import column_moves, net_renames
from schemac.compare.inherited_renames import children_follow_renames
from schemac.compare.moves import old_key, rename_cycles
from schemac.compare.key_parts import repeated_keys
from schemac.model import Schema

__all__ = ["applied_renames", "ignored_renames", "repeated_key_notices", "unused_usings"]


def repeated_key_notices(desired: Schema) -> list[str]:
    """A UNIQUE that repeats the primary key or another UNIQUE: Postgres accepts it (and inspect writes
    it from real databases), but it is a second index to keep up on every write."""
    notes = []
    for t in desired.tables:
        for u in repeated_keys(t):
            notes.append(f"{u.source or t.qualified_name}: warning: unique ({', '.join(u.columns)}) of "
                         f"{t.qualified_name} repeats the columns of another key: Postgres keeps both indexes")
    return notes


def unused_usings(desired: Schema, changes: list[Change]) -> list[str]:
    """`using:` on a column whose type this migration does not change (or that an earlier one used)."""
    used = {(c.schema, c.table, c.name) for c in changes if takes_using(c)}
    return [f"{c.source or c.name}: using of column {t.qualified_name}.{c.name} ignored: the migration does not "
            "change its type (or an earlier migration used it); remove it"
            for t in desired.tables for c in t.columns if c.using and (t.schema, t.name, c.name) not in used]


def _rename_hints(current: Schema, desired: Schema) -> list[tuple[str, str, str, str, object]]:
    """Each `renamed_from` hint that `current` cannot rename: (where, kind, old name, new name, done),
    done when `current` already has the new name and not the old one (the rename happened), or holds both and records
    the hint (a swap or rotation an earlier migration made: compare.column_renames), None where a column's table holds
    both otherwise (renamed onto a name no hint frees)."""
    hints = []
    keys = {t.key for t in current.tables} if any(t.renamed_from for t in desired.tables) else set()
    honoured = children_follow_renames({t.key: t for t in current.tables}, {t.key: t for t in desired.tables})
    for t in desired.tables:  # (a child's hint its parent's swap makes too: not ignored)
        was = old_key(t, keys) if t.renamed_from else None
        old_t = current.table(*was) if was else None
        new_t = current.table(t.schema, t.name)
        if t.renamed_from and old_t is None:
            new_name = f"{t.schema}.{t.name}" if "." in t.renamed_from else t.name  # (schema.name: moved)
            hints.append((str(t.source or t.qualified_name), "table", t.renamed_from, new_name, new_t is not None))
        cur = old_t or new_t
        moves = net_renames(column_moves(cur, honoured[t.key])).items() if cur is not None and any(c.renamed_from for c in t.columns) \
            else {}.items()
        for c in t.columns:
            if c.renamed_from and (cur is None or cur.column(c.renamed_from) is None):
                hints.append((str(c.source or c.name), "column", c.renamed_from, c.name,
                              cur is not None and cur.column(c.name) is not None))
            elif c.renamed_from and cur is not None and (c.renamed_from, c.name) not in moves:  # both held: a swap
                done = "swapped" if (h := cur.column(c.name)) is not None and h.renamed_from == c.renamed_from else None
                hints.append((str(c.source or c.name), "column", c.renamed_from, c.name, done))
        for i in t.indexes:
            if not i.renamed_from:
                continue
            names = {x.name for x in cur.indexes} if cur is not None else set()
            if i.renamed_from not in names:
                hints.append((str(i.source or i.name), "index", i.renamed_from, i.name, i.name in names))
    for kind, objects, others in (("sequence", desired.sequences, current.sequences), ("view", desired.views, current.views),
                                  ("enum", desired.enums, current.enums), ("domain", desired.domains, current.domains),
                                  ("composite type", desired.composite_types, current.composite_types),
                                  ("range type", desired.range_types, current.range_types)):
        keys = {(q.schema, q.name) for q in others} if any(q.renamed_from for q in objects) else set()
        for q in objects:
            if q.renamed_from and old_key(q, keys) is None:
                hints.append((str(q.source or q.name), kind, q.renamed_from, f"{q.schema}.{q.name}",
                              (q.schema, q.name) in keys))
    return hints + _attribute_hints(current, desired) + _publication_hints(current, desired)


def _attribute_hints(current: Schema, desired: Schema) -> list[tuple[str, str, str, str, object]]:
    """_rename_hints' of composite types' attributes: a `renamed_from` naming no attribute the recorded type has (the
    rename made already where it has the new one), of a type it has under its name or its old one (renamed_from)."""
    hints: list[tuple[str, str, str, str, object]] = []
    if not any(a.renamed_from for c in desired.composite_types for a in c.attributes):
        return hints
    keys = {(c.schema, c.name): c for c in current.composite_types}
    for c in desired.composite_types:
        cur = keys.get(old_key(c, set(keys)) or (c.schema, c.name))
        names = {a.name for a in cur.attributes} if cur is not None else set()
        hints += [(str(c.source or c.name), "attribute", a.renamed_from, a.name, a.name in names)
                  for a in c.attributes if a.renamed_from and a.renamed_from not in names]
    return hints


def _publication_hints(current: Schema, desired: Schema) -> list[tuple[str, str, str, str, object]]:
    """_rename_hints' of publications (a database's, by name alone): done where `current` has the new name and not
    the old, or holds both and records the hint (compare.publications.publication_moves renames none then): of a
    swap or rotation where the hints lead back to it, else of a chain (b from a while a from c)."""
    cur = {p.name: p for p in current.publications}
    looped = {name for cycle in rename_cycles({p.name: p.renamed_from for p in desired.publications if p.renamed_from})
              for name, _ in cycle}
    hints: list[tuple[str, str, str, str, object]] = []
    for p in desired.publications:
        was = p.renamed_from
        if not was or was == p.name:
            continue
        if was not in cur:
            hints.append((str(p.source or p.name), "publication", was, p.name, p.name in cur))
        elif p.name in cur and cur[p.name].renamed_from == was:
            hints.append((str(p.source or p.name), "publication", was, p.name, "swapped" if p.name in looped else "chained"))
    return hints


def ignored_renames(current: Schema, desired: Schema) -> list[str]:
    """`renamed_from` hints the next migration cannot use: said, then ignored. One whose rename an
    earlier migration made says when it can go: once that migration is applied everywhere."""
    notes = []
    for where, kind, old, new, done in _rename_hints(current, desired):
        if done is None:
            notes.append(f"{where}: renamed_from '{old}' ignored: the recorded table has both column {old} and {new}, "
                         f"and no hint renames {new} away (a swap or rotation of names is made where each name of it "
                         "is renamed): rename through a third name, in two migrations")
        elif done:
            did = "records this hint, of a swap or rotation of names" if done == "swapped" else \
                "records this hint, of a chain of renames" if done == "chained" else f"has {kind} {new} and no {old}"
            notes.append(f"{where}: renamed_from '{old}' has done its work: the recorded schema {did}; remove it once the migration that renamed it is applied to every "
                         f"database (`schemac diff` against a database says when)")
        else:
            scope = "table" if kind in ("column", "index") else "type" if kind == "attribute" else "schema"
            notes.append(f"{where}: renamed_from '{old}' ignored: no such {kind} in the recorded {scope}")
    return notes


def applied_renames(database: Schema, desired: Schema) -> list[str]:
    """`renamed_from` hints whose rename this database already has: the hint can be removed (for
    every database the migrations reach, once each has the rename)."""
    return [f"{where}: renamed_from '{old}' can be removed: this database has the rename ({kind} {new}, no {old})"
            for where, kind, old, new, done in _rename_hints(database, desired) if done]
