"""An identity column's sequence, as far as its grants and comment go: Postgres makes it with the column and names
it itself, but grants on it are grants like any (`GRANT ALL ON SEQUENCE t_id_seq TO api`, or default
privileges on sequences, which apply when the column is created), and COMMENT ON SEQUENCE t_id_seq is a
comment like any: compared as a sequence's, keyed to the column (the statement follows the CREATE TABLE or ADD
COLUMN that makes the sequence)."""

from __future__ import annotations

from schemac.model.frozen import replace
from schemac.model.frozen import frozen
from operator import attrgetter
from typing import Optional

from schemac.compare.changes import INHERITED, NAME_TAKEN, NAMED_AS_DEFAULT, Change
from schemac.compare.moves import sequences_named
from schemac.compare.outside_children import outside_children
from schemac.model import Schema, Sequence, Table
from schemac.model.sequences import identity_sequence_name
from schemac.pg.names import make_object_name


@frozen
class IdentitySequence(Sequence):
    """`owner` stays None (the sequence follows its table's owner: ALTER SEQUENCE ... OWNER TO is refused);
    `table_owner`, the table's pinned owner, is whose own list `its_owner: []` is (REVOKE ALL ... FROM it)."""

    table: str = ""
    column: str = ""
    table_owner: Optional[str] = None


def identity_sequences(table: Optional[Table]) -> dict[str, IdentitySequence]:
    """Column name -> the sequence of each identity column of `table` (none for None)."""
    if table is None:
        return {}
    return {c.name: IdentitySequence(name=c.identity.sequence_name or identity_sequence_name(table.name, c.name),
                                     schema=table.schema, grants=c.identity.grants, source=c.source, table=table.name,
                                     column=c.name, comment=c.identity.comment,
                                     table_owner=table.owner)
            for c in table.columns if c.identity is not None}


def owned_sequence(s: Optional[Sequence], tables: dict) -> Optional[Sequence]:
    """A sequence a column owns (a serial column's), where schema.yaml leaves its owner to its table: as an
    identity's sequence, whose owner's own list is its table's owner's (`its_owner: []`), else `s` itself."""
    if s is None or s.owned_by is None or s.owner is not None:
        return s
    table, _, column = s.owned_by.rpartition(".")
    t = tables.get((s.schema, table))
    if t is None or t.owner is None:
        return s
    return IdentitySequence(name=s.name, schema=s.schema, options=s.options, owned_by=s.owned_by, comment=s.comment,
                            source=s.source, grants=s.grants, table=table, column=column, table_owner=t.owner)


@frozen
class IdentityDifferences:
    """The tables (keys) whose identity columns' grants, or comments, may differ from the current table's: all but
    those found the same, column by column, in one walk of each table's columns a side (diff_grants and
    identity_comment_changes each walked both: at 10,000 tables each walk of every column costs ~15 ms). Sets of
    keys, seldom any: each table's identity columns kept instead made the cyclic collector walk the whole heap again
    (~0.6 s at 10,000 tables). Partitions are not walked (a partition's identity is its root's sequence)."""

    grants: frozenset = frozenset()
    comments: frozenset = frozenset()


def identity_differences(cur_tables: dict, des_tables: dict) -> IdentityDifferences:
    grants, comments = set(), set()
    for key, t in des_tables.items():
        if t.partition_of is not None:
            continue
        old = cur_tables.get(key)
        # (filter by the attribute, in C: a comprehension a side made this ~45 ms of a 10,000-table diff)
        mine = [*filter(_IDENTITY, t.columns)]
        was = [*filter(_IDENTITY, old.columns)] if old is not None else None
        if was is None or len(was) != len(mine):
            grants.add(key)
            comments.add(key)
            continue
        for a, b in zip(was, mine):
            if a.name != b.name:
                grants.add(key)
                comments.add(key)
                break
            if a.identity.grants != b.identity.grants:
                grants.add(key)
            if (a.identity.comment or None) != (b.identity.comment or None):
                comments.add(key)
    return IdentityDifferences(frozenset(grants), frozenset(comments))


_IDENTITY = attrgetter("identity")  # (an Identity is never false: a frozen dataclass of no __bool__ or __len__)


def identity_comment_changes(cur_tables: dict, des_tables: dict, changes: list[Change],
                             differences: Optional[IdentityDifferences] = None) -> list[Change]:
    """COMMENT ON SEQUENCE of each identity's sequence whose comment is not the one schema.yaml gives it (a new
    sequence, of a table or identity made by the plan, has none). A partition's identity is its root's sequence.
    `differences`: identity_differences(cur_tables, des_tables), where the caller has them."""
    made = {(c.schema, c.table) for c in changes if c.kind == "add_table"}
    differences = differences or identity_differences(cur_tables, des_tables)
    out = []
    for key, t in des_tables.items():
        if t.partition_of is not None or (key not in differences.comments and key not in made):
            continue
        comments = [(c.name, c.identity.comment) for c in t.columns if c.identity is not None]
        if not comments:
            continue
        old_table = None if key in made else cur_tables.get(key)
        if not _comments_differ(old_table, comments):  # (the sequences made only where a comment changes: ~1 in 1,000)
            continue
        was = identity_sequences(old_table)
        for column, s in identity_sequences(t).items():
            old = was.get(column)
            if ((old.comment if old is not None else None) or None) != (s.comment or None):
                out.append(Change("set_type_comment", t.schema, "", s.name if old is None else old.name, old,
                                  s if old is None else replace(s, name=old.name)))
    return out


def _comments_differ(old: Optional[Table], comments: list[tuple[str, Optional[str]]]) -> bool:
    """Whether an identity's sequence comment of a table, (column, comment) of each of its identity columns, is not
    the one of the same column's identity in `old`."""
    was = {c.name: c.identity.comment for c in old.columns if c.identity is not None} if old is not None else {}
    return any((was.get(name) or None) != (comment or None) for name, comment in comments)


def identity_sequences_aside(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """ALTER SEQUENCE ... RENAME TO of a kept identity's sequence whose name a new sequence takes (schema.yaml's
    `t_id_seq` beside t.id's identity): CREATE SEQUENCE IF NOT EXISTS would skip the new one. It gets the name
    Postgres gives the identity's sequence when a relation holds the first (ChooseRelationName: t_id_seq1,
    t_id_seq2, ... the first no relation of either side holds), or the one schema.yaml gives it."""
    made = {(c.schema, c.name) for c in changes if c.kind == "add_sequence"}
    if not made:
        return []
    des_tables = {t.key: t for t in desired.tables}
    taken = {(x.schema, n) for m in (current, desired) for x in (*m.tables, *m.views, *m.sequences)
             for n in (x.name, *(getattr(i, "name", None) for i in getattr(x, "indexes", ())))}
    taken |= {(t.schema, s.name) for m in (current, desired) for t in m.tables for s in identity_sequences(t).values()}
    out = []
    for t in current.tables:
        kept = des_tables.get(t.key)
        for column, s in identity_sequences(t).items():
            new_c = kept.column(column) if kept is not None else None
            if (s.schema, s.name) not in made or new_c is None or new_c.identity is None:
                continue
            name = new_c.identity.sequence_name if new_c.identity.sequence_name != s.name else None
            n = 0
            while name is None or ((s.schema, name) in taken and name != new_c.identity.sequence_name):
                n += 1
                name = make_object_name(t.name, column, f"seq{n}")
            taken.add((s.schema, name))
            old = Sequence(name=s.name, schema=s.schema, owned_by=f"{t.name}.{column}")  # (after a move of t)
            out.append(Change("alter_sequence", s.schema, "", s.name, old, replace(old, name=name), cause=NAME_TAKEN))
    return out


def identity_sequences_named(current: Schema, desired: Schema, changes: list[Change],
                             cur_tables: Optional[dict] = None) -> list[Change]:
    """ALTER SEQUENCE ... RENAME TO Postgres's name (`t_id_seq`) of a kept identity's sequence held under another (an
    older table's or column's, `t_old_id_seq`, kept through a RENAME TABLE or COLUMN of the project's history or of
    this migration, its options changed in place or not:
    `cur_tables`, the tables as Postgres has them after compare.moves) where schema.yaml gives it no `sequence_name`:
    a fresh build names it so, as a serial's owned sequence is renamed; to schema.yaml's `sequence_name` where it gives
    another (a fresh build's SEQUENCE NAME: `t_ident` where the database holds `t_id_seq`). Not drift (NAMED_AS_DEFAULT:
    report.describe), as `sequence_name` is not compared; left where a relation of either side holds that name (but
    an identity's sequence renamed away here: a chain of table renames, b_n_seq -> c_n_seq, a_n_seq -> b_n_seq), the
    identity is dropped or made again, or the table is a partition (its root's sequence)."""
    renamed = {(c.schema, c.table, c.old.name): c.name for c in changes if c.kind == "rename_column"}  # type: ignore
    tables = [sequences_named(t) if any((t.schema, t.name, c.name) in renamed for c in t.columns) else t  # (as made)
              for t in (cur_tables.values() if cur_tables is not None else current.tables)]
    des_tables = {t.key: t for t in desired.tables}
    named = {k for k, t in des_tables.items()
             if any(c.identity is not None and c.identity.sequence_name for c in t.columns)}
    held = [(t, des_tables.get(t.key)) for t in tables if t.partition_of is None and (t.key in named
            or any(c.identity is not None and c.identity.sequence_name for c in t.columns))]
    held = [(t, kept) for t, kept in held if kept is not None and kept.partition_of is None]
    if not held:
        return []
    remade = {(c.schema, c.table, c.name) for c in changes if c.kind in ("drop_identity", "drop_column")
              or c.kind == "alter_identity" and getattr(c.old, "identity", None) is None}  # (one added: a new sequence)
    taken = {(x.schema, n) for m in (current, desired) for x in (*m.tables, *m.views, *m.sequences)
             for n in (x.name, *(getattr(i, "name", None) for i in getattr(x, "indexes", ())))}
    taken -= {(t.schema, t.name) for t in current.tables} - {(t.schema, t.name) for t in tables}  # (renamed away)
    idents = {(t.schema, s.name) for t in tables for s in identity_sequences(t).values()}
    taken |= idents | {(c.schema, c.new.name) for c in changes if c.kind == "alter_sequence" and c.new is not None}
    wanted = {(t.schema, s.name): (t.name, column) for t in desired.tables for column, s in identity_sequences(t).items()}
    out: list[Change] = []
    todo = [(t, kept, column, s) for t, kept in held for column, s in identity_sequences(t).items()]
    while todo:  # (again while a rename frees a name another waits for: a chain's)
        left = []
        for t, kept, was, s in todo:
            column = renamed.get((kept.schema, kept.name, was), was)  # (a RENAME COLUMN of this migration's)
            new_c = kept.column(column)
            if new_c is None or new_c.identity is None or (kept.schema, kept.name, column) in remade:
                continue
            name = new_c.identity.sequence_name or identity_sequence_name(kept.name, column)
            if name == s.name or wanted.get((s.schema, name), (kept.name, column)) != (kept.name, column):
                continue
            if (s.schema, name) in taken:
                left.append((t, kept, was, s))
                continue
            taken.add((s.schema, name))
            taken.discard((s.schema, s.name))
            old = Sequence(name=s.name, schema=s.schema, owned_by=f"{t.name}.{column}")  # (after a move of t)
            out.append(Change("alter_sequence", s.schema, "", s.name, old, replace(old, name=name), cause=NAMED_AS_DEFAULT))
        if len(left) == len(todo):
            break
        todo = left
    return out


def identities_over_children(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with each identity column added to a table that another inherits (INHERITS: schema.yaml's child, or
    a `child table` its used_outside names, recorded or declared) marked over_children: the ADD COLUMN ... IDENTITY
    Postgres refuses there is written in steps (plan.partitioned_identity), the children's rows numbered too. So are a
    NOT NULL set and a generated column changed there, whose UPDATE (NULLs given the default, a VIRTUAL column's values
    kept) reaches the children's rows: their triggers are quieted too (plan.quiet_triggers)."""
    if not any(c.kind in _THROUGH_CHILDREN or c.kind == "add_column" and getattr(c.new, "identity", None)
               for c in changes):
        return changes
    parents = {(p.schema, p.name) for t in des_tables.values() if t.partition_of is None for p in t.inherits}
    parents |= {key for key, kids in outside_children(cur_tables, des_tables).items()
                if any(k.startswith("child table ") for k in kids)}
    return [replace(c, over_children=True) if (c.schema, c.table) in parents and (
        c.kind in _THROUGH_CHILDREN or c.kind == "add_column" and c.cause != INHERITED and getattr(c.new, "identity", None))
        else c for c in changes]


_THROUGH_CHILDREN = frozenset({"set_not_null", "alter_generated"})  # (their UPDATE: plan.column_ddl)
