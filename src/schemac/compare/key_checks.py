"""The table a foreign key references, given to the changes that make Postgres check the key over the rows.

ADD FOREIGN KEY, VALIDATE CONSTRAINT and ALTER CONSTRAINT ... ENFORCED check the rows with a query joining both
tables (RI_Initial_Check); planning it reads each table's indexes, whose expressions and predicates are simplified
there, which inlines a quoted SQL function they call and parses its body under the session's search_path.
MusicBrainz's `artist_idx_txt ON artist USING gin (musicbrainz.mb_simple_tsvector(name))` calls a function whose body
says `mb_lower(input)` bare, found under the database's `search_path = musicbrainz, public`: under the migration's
pinned path each key from or to `artist` failed ("function mb_lower(text) does not exist ... during inlining", on
15 and 16; 17 refuses such an index at CREATE INDEX). plan.preamble.schemas_called widens such a statement with the
schemas the indexes of both tables call, as it does for CREATE INDEX itself."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.model import ForeignKey, Table

KEY_CHECKS = frozenset({"add_foreign_key", "enforce_foreign_key", "validate_constraint"})


def checked_key(change: Change) -> ForeignKey | None:
    """The foreign key a change makes Postgres check over the rows, if it is one of KEY_CHECKS' kinds for a key."""
    if change.kind not in KEY_CHECKS:
        return None
    key = change.new if change.new is not None else change.old
    return key if isinstance(key, ForeignKey) else None


def with_referenced_tables(changes: list[Change], tables: dict[tuple[str, str], Table]) -> list[Change]:
    """`changes`, each that checks a foreign key given the desired table the key references (Change.referenced)."""
    out = []
    for c in changes:
        key = checked_key(c)
        target = tables.get((key.ref_schema, key.ref_table)) if key is not None else None
        out.append(replace(c, referenced=target) if target is not None and target.indexes else c)
    return out
