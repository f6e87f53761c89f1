"""The partitions a migration file's DROP TABLE would take with it that the file neither drops nor detaches.

Postgres drops a partitioned table's partitions with it, rows and all, without CASCADE and without a word. generate
writes a DROP TABLE of each partition it knows of (and refuses one a `used_outside:` lists), but it reads no database:
a partition made after `inspect` (in a schema not read, or in one read, before the next inspect) is in neither, and
only `diff` says so. `schemac apply` is the one command that runs the DROP, so it looks, before each file runs: the
file's DROP TABLE and DETACH PARTITION statements (read with sqllex's tokens: one in a string or a body is none;
a bare name as the file's last SET search_path, else the connection's, resolves it), then the database's partitions
under what it drops. The file is read as a whole (a detach after the drop is taken as one before it): schemac writes
detaches first, and a hand-written file that does otherwise fails at its DETACH anyway."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import psycopg

from schemac.errors import SchemacError
from schemac.migrations import sqltext
from schemac.pg.sqllex import LexError, Token, folded, tokens

# Every partition below the tables dropped (oids), not through one detached (its subtree stays), as schema.name.
_BELOW = """
WITH RECURSIVE down(oid, top) AS (
    SELECT i.inhrelid, i.inhparent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE c.relispartition AND i.inhparent = ANY (%(dropped)s::oid[]) AND i.inhrelid <> ALL (%(detached)s::oid[])
    UNION
    SELECT i.inhrelid, down.top FROM down JOIN pg_inherits i ON i.inhparent = down.oid
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE c.relispartition AND i.inhrelid <> ALL (%(detached)s::oid[]))
SELECT DISTINCT format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)), down.top::oid::int8
  FROM down JOIN pg_class c ON c.oid = down.oid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE down.oid <> ALL (%(dropped)s::oid[])
 ORDER BY 1
"""
_RESOLVED = "SELECT name, to_regclass(name)::oid::int8 FROM unnest(%s::text[]) AS name"


@dataclass(frozen=True)
class Lost:
    name: str  # the partition, schema.name as quote_ident spells them
    dropped: str  # the table whose DROP TABLE takes it, as the file names it
    line: int  # that statement's line in the file


@dataclass(frozen=True)
class _Named:
    schema: Optional[str]
    name: str
    path: Optional[tuple[str, ...]]  # the file's search_path where the name is bare (None: the connection's)
    statement: sqltext.Statement
    shown: str  # as the file names it

    def candidates(self) -> list[str]:
        """The texts to_regclass resolves this name by, in the order Postgres tries them."""
        q = _quoted
        if self.schema is not None:
            return [f"{q(self.schema)}.{q(self.name)}"]
        return [q(self.name)] if self.path is None else [f"{q(s)}.{q(self.name)}" for s in self.path]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def partitions_lost(conn: psycopg.Connection, text: str) -> list[Lost]:
    """What the DROP TABLEs of the migration file `text` would drop with their tables that it neither drops nor
    detaches itself, by partition name (empty where it drops no table: no query then)."""
    drops, detaches = _read(text)
    if not drops:
        return []
    wanted = sorted({c for n in drops + detaches for c in n.candidates()})
    found = {name: oid for name, oid in conn.execute(_RESOLVED, (wanted,)) if oid is not None}
    oid_of = {n: next((found[c] for c in n.candidates() if c in found), None) for n in drops + detaches}
    by_oid = {oid: n for n in drops if (oid := oid_of[n]) is not None}
    if not by_oid:
        return []
    detached = [oid for n in detaches if (oid := oid_of[n]) is not None]
    rows = conn.execute(_BELOW, {"dropped": list(by_oid), "detached": detached}).fetchall()
    out = {}
    for name, top in rows:
        n = by_oid[top]
        out.setdefault(name, Lost(name, n.shown, n.statement.line))
    return sorted(out.values(), key=lambda lost: lost.name)


def _read(text: str) -> tuple[list[_Named], list[_Named]]:
    """The tables the file's DROP TABLE statements name, and the partitions its DETACH PARTITIONs name."""
    drops: list[_Named] = []
    detaches: list[_Named] = []
    path: Optional[tuple[str, ...]] = None
    for s in sqltext.split(text):
        head = s.text[:60].lower()
        if not head.startswith(("drop", "alter", "set")):
            continue
        try:
            toks = [t for t in tokens(s.text) if t.kind != ";"]
        except LexError:
            continue
        words = [folded(t) if t.kind in ("word", "name") else t.text for t in toks]
        if words[:1] == ["set"] and "search_path" in words[1:3]:
            path = _search_path(toks[words.index("search_path") + 1:])
        elif words[:2] == ["drop", "table"]:
            i = 4 if words[2:4] == ["if", "exists"] else 2
            while i < len(toks):
                named, i = _name(toks, i)
                if named is None:
                    break
                drops.append(_at(named, path, s))
                if i >= len(toks) or toks[i].kind != ",":
                    break
                i += 1
        elif words[:2] == ["alter", "table"] and "detach" in words:
            at = words.index("detach")
            if words[at + 1:at + 2] == ["partition"]:
                named, _ = _name(toks, at + 2)
                if named is not None:
                    detaches.append(_at(named, path, s))
    return drops, detaches


def _at(named: tuple[Optional[str], str], path: Optional[tuple[str, ...]], s: sqltext.Statement) -> _Named:
    return _Named(named[0], named[1], path if named[0] is None else None, s, ".".join(x for x in named if x))


def _name(toks: list[Token], i: int) -> tuple[Optional[tuple[Optional[str], str]], int]:
    """A [schema.]name at toks[i], and the index past it."""
    parts = []
    while i < len(toks) and toks[i].kind in ("word", "name"):
        parts.append(folded(toks[i]))
        i += 1
        if i < len(toks) and toks[i].kind == ".":
            i += 1
            continue
        break
    if not parts or len(parts) > 3:
        return None, i
    return (parts[-2] if len(parts) > 1 else None, parts[-1]), i


def _search_path(toks: list[Token]) -> Optional[tuple[str, ...]]:
    """The schemas of `SET [LOCAL] search_path {= | TO} a, "b", 'c'` (None for DEFAULT: the connection's)."""
    names = [t for t in toks if t.kind in ("word", "name", "string")]
    if names and names[0].kind == "word" and names[0].text.lower() in ("to", "default"):
        names = names[1:] if names[0].text.lower() == "to" else []
    if not names or (names[0].kind == "word" and names[0].text.lower() == "default"):
        return None
    return tuple(t.text[1:-1].replace("''", "'") if t.kind == "string" else folded(t) for t in names)


def refuse_lost(conn: psycopg.Connection, filename: str, text: str) -> None:
    """A SchemacError (exit 2) naming the partitions `partitions_lost` finds in the file, before any of it runs."""
    lost = partitions_lost(conn, text)
    if not lost:
        return
    by_drop: dict[tuple[int, str], list[str]] = {}
    for p in lost:
        by_drop.setdefault((p.line, p.dropped), []).append(p.name)
    said = "; ".join(f"line {line}: DROP TABLE {table} would drop {'partitions' if len(names) > 1 else 'partition'} "
                     f"{', '.join(names)} with it, rows and all" for (line, table), names in sorted(by_drop.items()))
    raise SchemacError(f"{filename}: {said}: the file neither drops nor detaches them (made after inspect, schema.yaml "
                       "does not know them); nothing of it was run: detach them (ALTER TABLE ... DETACH PARTITION) or "
                       "drop them yourself first, then apply again")
