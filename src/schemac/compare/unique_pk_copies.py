"""A partition's UNIQUE that is the copy of an ancestor's PRIMARY KEY, and what makes it so.

Postgres's ALTER TABLE ... ADD PRIMARY KEY on a partitioned table, going down its partitions, takes a partition's
UNIQUE of the key's columns (attached to nothing) as the key's copy, which stays a UNIQUE (contype 'u', conparentid
the key's) under its own name; under a partition it gives a PRIMARY KEY copy (`<partition>_pkey`, one with no such
UNIQUE), it goes on down, and takes a UNIQUE of a partition of that one alike. Nothing else makes that shape: CREATE
TABLE ... PARTITION OF under the key gives a PRIMARY KEY copy, a UNIQUE made then stands beside it; ATTACH PARTITION
does too on 18 (16 and 15 take the UNIQUE); ALTER INDEX ... ATTACH PARTITION refuses a UNIQUE's index under a
PRIMARY KEY's ('cannot attach index'), and a copy cannot be dropped while its parent's key stands. inspect writes such
a UNIQUE as the partition's (not beside_copy). So:
- a new partitioned table with such a partition below it is made without its PRIMARY KEY, added after that UNIQUE
  (`key_after_partitions`; plan.member_dependencies orders them);
- where the key stands and the partitions whose UNIQUE it takes are not those it takes in the database (a UNIQUE given
  to a partition holding the PRIMARY KEY copy, a new partition with one, one no longer given, whose partition a fresh
  build gives the PRIMARY KEY copy, one a DETACH and ATTACH leave unattached), the key is dropped, which takes its
  copies along (the UNIQUEs it held too, and their copies below: added again, with the copies renamed by hand), and
  added again after the UNIQUEs (`keys_remade_for_copies`, cause COPIES_RETAKEN): its foreign keys, and those
  referencing a partition's copy, are dropped and added around it (compare.rebuilt_keys), its rows kept;
- a partitioned table's PRIMARY KEY or UNIQUE dropped (for good or for another key) takes along the partitions' own
  UNIQUEs it took, which schema.yaml still lists (below it, or DETACHed to stand alone): added again
  (`_copies_of_dropped`); a DETACHed partition's copy it took along is dropped IF EXISTS (`_taken_along`).
"""

from __future__ import annotations

from schemac.model.frozen import replace
from schemac.compare.changes import Change
from schemac.compare.default_rows import below, partitions
from schemac.compare.definition_keys import attach_key, default_name_held
from schemac.compare.key_parts import index_comment_of_key
from schemac.model import PrimaryKey, Table, Unique

# A partitioned table's PRIMARY KEY dropped and added again so that its ADD takes the partitions' UNIQUEs schema.yaml
# gives as its copies (or gives them back Postgres's PRIMARY KEY copies).
COPIES_RETAKEN = "made again: its ADD takes the partitions' UNIQUEs as its copies"
# A detached partition's copy of its parent's key, which the key's DROP takes along first: DROP CONSTRAINT IF EXISTS.
TAKEN_ALONG = "its parent's key's DROP takes it along"


def taking(t: Table, key: tuple) -> Unique | None:
    """`t`'s UNIQUE an ancestor's PRIMARY KEY of attach key `key` takes (not beside a copy nor attached_to a twin)."""
    return next((u for u in t.uniques if attach_key(u) == key and not u.beside_copy and u.attached_to is None), None)


def taken_copies(t: Table, tables: dict, children: dict | None = None) -> dict[tuple[str, str], str]:
    """The partitions under `t`, at any depth, whose own UNIQUE `t`'s PRIMARY KEY's ADD takes as its copy: (schema,
    table) -> the UNIQUE's name (None unnamed). Under a partition without one (its copy a PRIMARY KEY) it goes on down;
    not under one holding a UNIQUE of the definition beside its copy, nor where `t` holds one (whose copies they are)."""
    if t.partition_by is None or t.primary_key is None:
        return {}
    key = attach_key(t.primary_key)
    if any(attach_key(u) == key for u in t.uniques):
        return {}
    children = partitions(tables) if children is None else children
    out, level = {}, [t]
    while level:
        nxt = []
        for p in level:
            for d in children.get((p.schema, p.name), ()):
                mine = taking(d, key)
                if mine is not None:
                    out[(d.schema, d.name)] = mine.name
                elif not any(attach_key(u) == key for u in d.uniques):
                    nxt.append(d)
        level = nxt
    return out


def key_after_partitions(t: Table, tables: dict) -> Table:
    """`t` as CREATE TABLE makes it: without its PRIMARY KEY where a partition under it holds a UNIQUE that is that
    key's copy (the differ then adds the key after CREATE TABLE, after that UNIQUE)."""
    return replace(t, primary_key=None) if taken_copies(t, tables) else t


def keys_remade_for_copies(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with a partitioned table's standing PRIMARY KEY dropped and added again where the partitions whose
    UNIQUE its ADD takes differ from the database's (one taken, made by the migration, or one no longer to be taken,
    under a partition kept below it); and the partitions' UNIQUE ADDs that such a key, or one this migration adds,
    takes under a partition of a partition carrying the tables above it (`above`: plan.member_dependencies orders
    the key's ADD after them)."""
    des_below, cur_below = partitions(des_tables), partitions(cur_tables)
    out, above = list(changes), {}
    attached = {(c.schema, c.table) for c in changes if c.kind == "attach_partition"}
    for key, t in des_tables.items():
        taken = taken_copies(t, des_tables, des_below)
        for d in taken:  # (below a partition of `t`: the tables above its parent, `t` too)
            path = _path(des_tables[d], t, des_tables)
            if path:
                above[d] = above.get(d, ()) + path[1:] + (key,)
        cur = cur_tables.get(key)
        if cur is None or cur.primary_key is None or t.primary_key is None or attach_key(cur.primary_key) != \
                attach_key(t.primary_key) or any((c.schema, c.table) == key and c.kind in ("drop_constraint",
                "add_constraint") and isinstance(c.old or c.new, PrimaryKey) for c in changes):
            continue  # (new, or its key added or made again anyway: added after the UNIQUEs it takes)
        was = taken_copies(cur, cur_tables, cur_below)
        kept_below = set(below(t, des_tables, des_below))
        dropped = {(c.schema, c.table) for c in changes if c.kind == "drop_constraint" and isinstance(c.old, Unique)
                   and (c.schema, c.table) in was and was[(c.schema, c.table)] == c.old.name}
        # (one DETACHed and ATTACHed again, or under a partition so: DETACH leaves the UNIQUE unattached, 18's ATTACH
        # gives a PRIMARY KEY copy beside it)
        dropped |= {d for d in taken if {d, *_path(des_tables[d], t, des_tables)} & attached}
        if any(d not in was or d in dropped for d in taken) or any(d in kept_below and d not in taken for d in was):
            out += _again(cur, t) + _copies_again(changes, cur_tables, des_tables, kept_below & set(below(
                cur, cur_tables, cur_below)), attach_key(t.primary_key))
    out = _taken_along(out + _copies_of_dropped(out, cur_tables, des_tables), cur_tables, des_tables)
    return [replace(c, above=above[(c.schema, c.table)]) if c.kind == "add_constraint" and isinstance(c.new, Unique)
            and (c.schema, c.table) in above and not c.above else c for c in out]


def _copies_of_dropped(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """A kept partitioned table's PRIMARY KEY or UNIQUE dropped (for good, or for a key of its definition)
    takes along the partitions' own UNIQUEs (and PRIMARY KEYs renamed by hand) it took as its copies, at any depth,
    that schema.yaml still lists on them, below it or DETACHed: added again after the DROP (`_copies_again`)."""
    out: list[Change] = []
    remade = {(c.schema, c.table) for c in changes if c.kind in ("add_table", "drop_table")}
    for c in changes:
        if c.kind != "drop_constraint" or not isinstance(c.old, (PrimaryKey, Unique)):
            continue
        cur, t = cur_tables.get((c.schema, c.table)), des_tables.get((c.schema, c.table))
        if cur is None or t is None or cur.partition_by is None or t.partition_by is None or cur.key in remade:
            continue
        key = attach_key(c.old)
        # (kept below it, or DETACHed to stand alone: its copy, now its own, waits for the DETACH)
        kept = set(below(t, des_tables)) | {d for d in below(cur, cur_tables) if d in des_tables
                                            and des_tables[d].partition_of is None}
        under = {d for d in kept & set(below(cur, cur_tables)) - remade
                 if isinstance(c.old, Unique) or cur_tables[d].primary_key is None
                 or attach_key(cur_tables[d].primary_key) == key}
        out += [a for a in _copies_again(changes + out, cur_tables, des_tables, under, key)
                if isinstance(c.old, PrimaryKey) or not isinstance(a.new, PrimaryKey)]
    return out


def _taken_along(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with the DROP of a detached partition's copy of its parent's key made IF EXISTS (cause TAKEN_ALONG)
    where that key is dropped too: the key's DROP, before the DETACH, takes the copy along."""
    gone: dict[tuple[str, str], set] = {}
    for c in changes:
        cur = cur_tables.get((c.schema, c.table))
        if c.kind == "drop_constraint" and isinstance(c.old, (PrimaryKey, Unique)) and cur is not None \
                and cur.partition_by is not None:
            for d in below(cur, cur_tables):
                gone.setdefault(d, set()).add(attach_key(c.old))
    out = []
    for c in changes:
        d, t = (c.schema, c.table), des_tables.get((c.schema, c.table))
        if c.kind == "drop_constraint" and isinstance(c.old, (PrimaryKey, Unique)) and d in gone and t is not None \
                and t.partition_of is None and attach_key(c.old) in gone[d]:
            c = replace(c, cause=TAKEN_ALONG)
        out.append(c)
    return out


def _path(d: Table, top: Table, tables: dict) -> tuple[tuple[str, str], ...]:
    """The tables between partition `d` and `top`, its ancestor: its parent and those above it, below `top`."""
    out, p = [], d.partition_of
    while p is not None and (p.parent_schema, p.parent) != top.key:
        out.append((p.parent_schema, p.parent))
        q = tables.get(out[-1])
        p = q.partition_of if q is not None else None
    return tuple(out)


def _copies_again(changes: list[Change], cur_tables: dict, des_tables: dict, under: set, key: tuple) -> list[Change]:
    """What a key's DROP takes along that schema.yaml lists on the partitions `under` it in both models, their ADDs
    left unplanned: a PRIMARY KEY (its copy renamed by hand) and a UNIQUE of its definition attached into it (the copy
    taken, or one attached to that one below), added again after it (plan.partition_index_ddl.add_partition_key
    renames the copy the key's ADD made, or adds it), with their comments."""
    out: list[Change] = []
    for d in sorted(under):
        t, cur = des_tables[d], cur_tables.get(d)
        if cur is None:
            continue
        for new in (t.primary_key, taking(t, key)):
            if new is None:
                continue
            old = cur.primary_key if isinstance(new, PrimaryKey) else taking(cur, key)
            if old is not None and old.name == new.name and not any(
                    (c.schema, c.table) == d and c.kind == "add_constraint" and type(c.new) is type(new)
                    and c.name == new.name for c in changes):
                out += _added_again(t, old, new)
    return out


def _again(cur: Table, t: Table) -> list[Change]:
    """DROP and ADD of `t`'s PRIMARY KEY, its comments after (they went with the DROP)."""
    old, new = cur.primary_key, t.primary_key
    return [Change("drop_constraint", t.schema, t.name, old.name, old, new, t, COPIES_RETAKEN,  # type: ignore[union-attr]
                   name_held=default_name_held(cur, old))] + _added_again(t, old, new)


def _added_again(t: Table, old: object, new: PrimaryKey | Unique) -> list[Change]:
    out = [Change("add_constraint", t.schema, t.name, new.name, old, new, t, COPIES_RETAKEN)]
    again = "comment of a re-created object"
    if new.comment:
        out.append(Change("set_constraint_comment", t.schema, t.name, new.name, old, new, t, again))
    if index_comment_of_key(new):
        out.append(Change("set_index_comment", t.schema, t.name, None, old, new, t, again))
    return out
