"""The tables whose indexes Postgres reads planning or computing what a change makes it run over rows.

ADD FOREIGN KEY, VALIDATE CONSTRAINT and ALTER CONSTRAINT ... ENFORCED check the rows with a query joining both
tables (RI_Initial_Check), and so does a key re-added by ALTER COLUMN ... TYPE of a column it joins (on either side);
a table rewritten (a column retyped, added with a volatile default or generated, SET LOGGED) builds every index again
from its expressions; an UPDATE giving a column's NULLs its default before SET NOT NULL, and a materialized view's
CREATE or REFRESH, are queries over the tables. Planning a query simplifies each index's expressions and predicate,
and so does computing an index over the rows: either inlines a quoted SQL function they call, its body parsed under
the session's search_path. MusicBrainz's `artist_idx_txt ON artist USING gin (musicbrainz.mb_simple_tsvector(name))`
calls a function whose body says `mb_lower(input)` bare, found under the database's `search_path = musicbrainz,
public`: under the migration's pinned path each of those statements over `artist` failed ("function mb_lower(text)
does not exist ... during inlining", on 15 and 16; 17 refuses such an index at CREATE INDEX).
plan.preamble.schemas_called widens such a statement with the schemas the indexes of the table and of its neighbours
call, as it does for CREATE INDEX itself."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.model import ForeignKey, Table, View

KEY_CHECKS = frozenset({"add_foreign_key", "enforce_foreign_key", "validate_constraint"})
_REWRITES = frozenset({"alter_column_type", "add_column", "alter_generated", "set_logging",
                       "set_not_null", "alter_not_null"})  # (the last two: an UPDATE giving NULLs the default)
_POPULATES = frozenset({"add_view", "replace_view", "refresh_view"})


def replanned(change: Change) -> bool:
    """Whether a change's ALTER TABLE may make Postgres plan or compute its table's indexes (and its neighbours')."""
    if change.table_def is None:
        return False
    if change.kind in _REWRITES:
        return True
    key = change.new if change.new is not None else change.old
    return change.kind in KEY_CHECKS and isinstance(key, ForeignKey)


def _read_tables(change: Change, tables: dict[tuple[str, str], Table]) -> tuple[Table, ...]:
    """The desired tables with indexes that a materialized view a change populates reads (its query planned over
    them), as Postgres recorded them (View.depends)."""
    view = change.new
    if change.kind not in _POPULATES or not isinstance(view, View) or not view.materialized or not view.with_data:
        return ()
    keys = dict.fromkeys((d.schema, d.name) for d in view.depends if d.kind in ("relation", "column"))
    return tuple(tables[k] for k in keys if k in tables and tables[k].indexes)


def with_neighbours(changes: list[Change], tables: dict[tuple[str, str], Table]) -> list[Change]:
    """`changes`, each replanned one given the desired tables its table's keys reference and those whose keys
    reference it (Change.neighbours), those that have indexes; a materialized view populated, the tables it reads."""
    changes = [replace(c, neighbours=read) if (read := _read_tables(c, tables)) else c for c in changes]
    if not any(replanned(c) for c in changes):
        return changes
    referencing: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, t in tables.items():
        for fk in t.foreign_keys:
            referencing.setdefault((fk.ref_schema, fk.ref_table), []).append(key)
    out = []
    for c in changes:
        if not replanned(c):
            out.append(c)
            continue
        own = (c.table_def.schema, c.table_def.name)  # type: ignore[union-attr]
        near = [(fk.ref_schema, fk.ref_table) for fk in c.table_def.foreign_keys]  # type: ignore[union-attr]
        found = [tables[k] for k in dict.fromkeys(near + referencing.get(own, [])) if k != own and k in tables]
        near_tables = tuple(t for t in found if t.indexes)
        out.append(replace(c, neighbours=near_tables) if near_tables else c)
    return out
