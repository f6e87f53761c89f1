"""A table read from schema.yaml checked against its columns once it has them all: the columns its keys, CHECKs and
indexes name, a partition's list of its parent's columns, its key's and NOT NULLs' columns, a foreign key's
referenced key (schemafile.tables reads the table)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional
from schemac.errors import SchemaFileError
from schemac.model import Column, ForeignKey, PrimaryKey, Source, Table
from schemac.pg.loaded import checked_columns


def _check_columns_known(t: Table) -> None:
    """Every column a partition's own constraints and indexes name exists (now that it has columns)."""
    names = {c.name for c in t.columns}
    used: list[tuple[str, Optional[Source]]] = []
    for c in t.constraints(checks=False):
        used += [(col, c.source) for col in c.columns]
    for c in t.checks:
        used += [(col, c.source) for col in checked_columns(c.expression)]
    for i in t.indexes:
        used += [(e.column, i.source) for e in i.elements if e.column]
        used += [(col, i.source) for e in i.elements if e.expression for col in checked_columns(e.expression)]
        used += [(col, i.source) for col in i.include]
    for col, src in used:
        if col not in names:
            raise SchemaFileError(f"table {t.qualified_name} names column '{col}', which neither it nor its parent has; "
                                  f"columns: {', '.join(sorted(names))}", src)


def _with_parent_columns(t: Table, parent: Table) -> Table:
    """A partition that lists its columns lists its parent's, of their types: Postgres attaches no table that
    lacks one, has another or types one otherwise ("child table is missing column"). Each is NOT NULL where the
    parent's is (as Postgres requires; the parent's primary key makes one so, which the list need not repeat)."""
    mine = {c.name: c for c in t.columns}
    for c in parent.columns:
        own = mine.pop(c.name, None)
        if own is None:
            raise SchemaFileError(f"table {t.qualified_name} is a partition of {parent.qualified_name} and lists its "
                                  f"columns, but not '{c.name}': a partition has every column of its parent; "
                                  f"columns of {parent.qualified_name}: {', '.join(x.name for x in parent.columns)}",
                                  t.source)
        if own.type != c.type:
            raise SchemaFileError(f"column '{c.name}' of table {t.qualified_name} is {own.type}, but a partition's "
                                  f"columns are of its parent's types: {parent.qualified_name}.{c.name} is {c.type}",
                                  own.source)
    for c in mine.values():
        raise SchemaFileError(f"column '{c.name}' of table {t.qualified_name} is not a column of its parent "
                              f"{parent.qualified_name}: a partition has only its parent's columns", c.source)
    held = {c.name for c in parent.columns if not c.nullable}
    return replace(t, columns=tuple(replace(c, nullable=False) if c.nullable and c.name in held else c
                                    for c in t.columns))


def _check_own_key(t: Table, parent: Table) -> None:
    """A partition's primary key, under a parent that has one, is its copy (named of its own): Postgres
    refuses a second."""
    mine, theirs = t.primary_key, parent.primary_key
    if mine is not None and theirs is not None and (mine.columns, mine.include) != (theirs.columns, theirs.include):
        raise SchemaFileError(f"table {t.qualified_name}: a partition's primary key is its parent's "
                              f"({', '.join(theirs.columns + theirs.include)}), named as the partition likes; "
                              f"not ({', '.join(mine.columns + mine.include)})", mine.source)


def check_foreign_partition(t: Table, above: list[Table]) -> None:
    """A foreign table as a partition, under no table holding a unique index: Postgres builds no index on a foreign
    partition, and refuses one under a primary key, UNIQUE or unique index ('cannot create foreign partition of
    partitioned table'), or such a key added over it ('cannot create unique index on partitioned table')."""
    if t.foreign is None:
        return
    for a in above:
        held = "a primary key" if a.primary_key is not None else "a UNIQUE" if a.uniques else \
            "a unique index" if any(i.unique for i in a.indexes) else None
        if held:
            raise SchemaFileError(f"table {t.qualified_name} is a foreign table (foreign:) and a partition under "
                                  f"{a.qualified_name}, which has {held}: Postgres builds no index on a foreign "
                                  "partition and refuses it under a unique one", t.source)


def _check_not_nulls(columns: list[Column], pk: Optional[PrimaryKey], partitioned: bool, what: str) -> None:
    """What Postgres refuses of a column's `not_null`: NOT VALID under a primary key (made validated with
    it), NO INHERIT on a partitioned table (its partitions must have it)."""
    for c in columns:
        if c.not_null is None:
            continue
        if c.not_null.not_valid and pk is not None and c.name in pk.columns:
            raise SchemaFileError(f"column '{c.name}' of {what} is in the primary key, whose NOT NULL Postgres "
                                  "makes validated: not_null cannot be not_valid", c.source)
        if c.not_null.no_inherit and partitioned:
            raise SchemaFileError(f"column '{c.name}' of {what}: a partitioned table's NOT NULL cannot be "
                                  "no_inherit (Postgres refuses it: its partitions must have it)", c.source)


def _check_referenced_key(t: Table, fk: ForeignKey, ref: Table) -> None:
    """A foreign key onto columns Postgres finds a key for, or an error at its line (its migration would fail at apply).
    A PERIOD one needs a key WITHOUT OVERLAPS on the same columns, the same period last; any other takes the first
    key on its column set and refuses one WITHOUT OVERLAPS ("foreign key must use PERIOD"), so only a set no
    plain key has is refused."""
    columns = frozenset(fk.ref_columns)
    temporal = {(frozenset(k.columns), k.columns[-1]) for k in ref.unique_keys()
                if not k.deferrable and k.without_overlaps}
    if fk.period:
        if (columns, fk.ref_columns[-1]) in temporal:
            return
        needed = (f"which no primary key or unique constraint of it WITHOUT OVERLAPS on {fk.ref_columns[-1]} has as its "
                  "columns (Postgres requires one, not deferrable, for a foreign key with period: true)")
    elif columns in _unique_keys(ref):
        return
    elif any(columns == key for key, _ in temporal):
        needed = "whose key on them is WITHOUT OVERLAPS (Postgres takes one only for a foreign key with period: true)"
    else:
        needed = ("which no primary key, unique constraint or unique index of it has as its columns (Postgres requires "
                  "one, not deferrable)")
    raise SchemaFileError(f"foreign key of table {t.qualified_name} references ({', '.join(fk.ref_columns)}) of table "
                          f"{ref.qualified_name}, {needed}", fk.source)


def _unique_keys(t: Table) -> set[frozenset]:
    """The column sets a foreign key without PERIOD may reference (Postgres's rule): a primary key's or UNIQUE's that
    is not deferrable nor WITHOUT OVERLAPS, a unique index's on plain columns without WHERE. (A partition's come from
    its parent: not asked.)"""
    keys = [k for k in t.unique_keys() if not k.deferrable and not k.without_overlaps]
    out = {frozenset(k.columns) for k in keys}
    out |= {frozenset(e.column for e in i.elements) for i in t.indexes
            if i.unique and i.where is None and all(e.column is not None and e.expression is None for e in i.elements)}
    return out
