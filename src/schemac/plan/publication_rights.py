"""generate's note of the migration's own UPDATEs (plan.published_fills) that a publication of another role than the
table's owner would refuse whatever replica identity the table is given: said before anyone runs it (plan.rights).

Teams run migrations as the role owning their tables. plan.published_fills stops that role's publications publishing
UPDATEs around a backfill; another role's it cannot alter, so it gives the table the first replica identity Postgres
takes the UPDATE under (REPLICA IDENTITY FULL, else USING INDEX of a unique index). Where none can (a column list
leaving out a column of every key the table has, so no identity is covered by it, FULL being covered by no list
that leaves out a column), its block refuses at apply: the note names, at generate time, the publication, its owner
and the table (applying it needs a superuser or a role that can SET ROLE to that owner); a publication as the
current schema has it too, which the migration alters or drops after the backfill.

generate reads no database: the owners are schema.yaml's (`owner:`). Where the table's is not given, the migration's
role may own the publication (its block then stops it, and the note's SET ROLE to that owner is one it has) or not
(the block refuses): the note says what applying needs either way, as it names an OWNER TO's role; where the
publication's is not given, it names "the owner of publication p". Only a table and publication whose owners
schema.yaml gives as one role are left out: the role owning the table then alters the publication."""

from __future__ import annotations

from typing import Iterable, Optional

from schemac.compare.changes import Change
from schemac.compare.default_rows import ancestors
from schemac.model import Schema, Table
from schemac.model.frozen import replace
from schemac.model.publications import Publication
from schemac.pg.lazy import lazy
from schemac.pg.names import qualified, quote_ident

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")

_FILLS = frozenset({"set_not_null", "alter_generated", "add_column"})  # (compare.published_backfills' UPDATEs)


def refused_fills(changes: Iterable[Change], desired: Schema,
                  current: Optional[Schema] = None) -> dict[str, dict[str, dict[str, int]]]:
    """{table as plan.published_fills' block names it (qualified): {publication's owner: {what needs it: 1}}} for
    each published backfill of a table no replica identity of which another owner's publication would take the
    UPDATE under: a publication of `desired`, or one of `current` as it is before the migration changes it (its
    ALTER PUBLICATION, DROP PUBLICATION run after the backfills: one that leaves the table, or lists its key, then)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    before = [p for p in current.publications if p not in desired.publications] if current is not None else []
    schemas = [desired] + ([replace(desired, publications=tuple(before))] if before else [])
    for c in changes:
        t = c.table_def
        if not c.published or c.kind not in _FILLS or t is None:
            continue
        for leaf, pub in ((leaf, pub) for s in schemas for leaf in _tree(s, t) for pub in _refusing(s, leaf, t.owner)):
            what = f"UPDATE {qualified(leaf.schema, leaf.name)} under publication {pub.name}"
            role = pub.owner or f"the owner of publication {pub.name}"  # (not in schema.yaml: not named)
            out.setdefault(qualified(t.schema, t.name), {}).setdefault(role, {})[what] = 1
    return out


def lent_publications(current: Schema) -> dict[str, str]:
    """{publication's name as the migration prints it: its owner} for each publication the current schema has whose
    `owner:` is not that of a table it lists: the migration's role, the tables' owner, cannot ALTER, DROP or COMMENT
    ON it ('must be owner of publication p'): plan.rights names that owner. (A new one is the migration's role's until
    its ALTER ... OWNER TO, which plan.rights names.)"""
    owners = {t.key: t.owner for t in current.tables}
    return {quote_ident(p.name): p.owner for p in current.publications
            if p.owner is not None and any(owners.get(m.key) not in (None, p.owner) for m in p.tables)}


def _tree(schema: Schema, t: Table) -> list[Table]:
    """`t` and the tables under it (partitions, INHERITS children), at any depth: an UPDATE through it reaches them."""
    tree, more = [t], True
    while more:
        keys = {x.key for x in tree}
        under = [x for x in schema.tables if x.key not in keys and (
            (x.partition_of and (x.partition_of.parent_schema, x.partition_of.parent) in keys)
            or any((p.schema, p.name) in keys for p in x.inherits))]
        tree += under
        more = bool(under)
    return tree


def _ancestors(schema: Schema, t: Table) -> list[tuple[str, str]]:
    """The keys of the tables `t` is a partition of, nearest first."""
    p = t.partition_of
    parent = schema.table(p.parent_schema, p.parent) if p is not None else None
    return list(ancestors(parent, schema.tables_by_key())) if parent is not None else []


def _entry(schema: Schema, pub: Publication, leaf: Table) -> Optional[tuple[Optional[tuple[str, ...]], Optional[str]]]:
    """The column list and row filter `pub` checks an UPDATE of `leaf` against (its own membership's, or its topmost
    published ancestor's under publish_via_partition_root), ((None, None): published whole); None: not published."""
    members = {m.key: m for m in pub.tables}
    ancestors = [k for k in _ancestors(schema, leaf) if k in members]
    own = members[ancestors[-1]] if pub.via_partition_root and ancestors else members.get(leaf.key)
    if own is not None:
        return own.columns, own.where
    whole = pub.all_tables or leaf.schema in pub.schemas or bool(ancestors)
    return (None, None) if whole else None


def _identities(leaf: Table) -> list[frozenset[str]]:
    """The column sets `leaf`'s replica identity may be: FULL's (every column), its primary key's, and each unique
    index's or UNIQUE's that may be one (immediate, not partial, of plain NOT NULL columns)."""
    not_null = {c.name for c in leaf.columns if not c.nullable}
    keys = [leaf.primary_key.columns] if leaf.primary_key and not leaf.primary_key.deferrable else []
    keys += [u.columns for u in leaf.uniques if not u.deferrable]
    keys += [tuple(e.column for e in i.elements) for i in leaf.indexes if i.unique and i.where is None
             and all(e.column for e in i.elements)]  # type: ignore[misc]
    return [frozenset(c.name for c in leaf.columns)] + [frozenset(k) for k in keys if set(k) <= not_null]


def _refusing(schema: Schema, leaf: Table, owner: Optional[str]) -> list[Publication]:
    """The publications of another owner than `owner` (either not known: maybe another) publishing UPDATEs of `leaf`
    under which no identity of it takes them: a column list must cover the identity, a row filter read only columns
    of it."""
    checked = []
    for pub in schema.publications:
        if "update" in pub.publish and (pub.owner is None or pub.owner != owner):
            entry = _entry(schema, pub, leaf)
            if entry is not None and entry != (None, None):
                columns, where = entry
                checked.append((pub, set(columns) if columns is not None else None,
                                referenced_columns(where) if where else set()))
    if not checked or any(all((cols is None or ident <= cols) and read <= ident for _, cols, read in checked)
                          for ident in _identities(leaf)):
        return []
    return [pub for pub, _, _ in checked]
