"""What CREATE TABLE alone makes of a new table: the skeleton the rest of its changes are diffed from."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.not_null_names import partition_names_it
from schemac.compare.normalize import same_values
from schemac.compare.key_parts import repeated_keys
from schemac.model import Column, Table, own_columns
from schemac.pg.column_storage import DEFAULT_SETTINGS


def created_by_create_table(t: Table, parent: Optional[Table] = None, tables: Optional[dict] = None) -> Table:
    """What CREATE TABLE alone makes of `t`: the rest (foreign keys, NOT VALID checks, bound ones (the overloads they
    do not call set aside around their ADD: compare.expression_binds), indexes, comments,
    the partition attachment, a repeated UNIQUE, CLUSTER ON, REPLICA IDENTITY) follows as changes, computed by diffing this skeleton
    against `t`. A partition of `parent` is created PARTITION OF it: it takes the parent's columns as
    they are there (type, NOT NULL, default, collation) and nothing of its own."""
    if t.partition_of is not None and parent is not None:
        inherited = {c.name: c for c in parent.columns}
        # PARTITION OF copies storage and compression from the parent (its own, not necessarily the same)
        # (a NOT NULL of its own it names is made by CREATE too: plan.not_null_ddl.partition_not_nulls)
        columns = tuple(replace(c, nullable=inherited[c.name].nullable and not partition_names_it(c),
                                not_null=replace(c.not_null, comment=None) if partition_names_it(c) else None,  # type: ignore
                                default=inherited[c.name].default,
                                comment=None, **{**DEFAULT_SETTINGS, **_COPIED(inherited[c.name])})
                        if c.name in inherited else replace(c, **DEFAULT_SETTINGS) for c in t.columns)
        return replace(t, columns=columns, primary_key=None, uniques=(), checks=(), foreign_keys=(), indexes=(),
                       comment=None, triggers=(), exclusions=(), rules=(), statistics=(), cluster_on=None, row_type_comment=None,
                       **_NO_REPLICA_IDENTITY)
    repeated = repeated_keys(t)
    given = inherited_only_given(t, tables or {})
    return replace(t, columns=tuple(given.get(c.name) or _bare(c) for c in t.columns),
                   primary_key=replace(t.primary_key, comment=None, index_comment=None)
                   if t.primary_key and not key_after_create(t) else None,
                   uniques=tuple(replace(u, comment=None, index_comment=None) for u in t.uniques if u not in repeated),
                   checks=tuple(replace(c, comment=None) for c in t.checks if not c.not_valid and not c.binds),
                   foreign_keys=(), indexes=(), comment=None, partition_of=None, triggers=(), exclusions=(), rules=(),
                   statistics=(), cluster_on=None, row_type_comment=None, **_NO_REPLICA_IDENTITY)


def key_after_create(t: Table) -> bool:
    """A child's PRIMARY KEY on a column it only inherits (QGEP's value lists: `() INHERITS (value_list_base)`, then
    ADD PRIMARY KEY), or on one it declares again whose NOT NULL is its parent's only (NotNull.from_parent): added
    after CREATE TABLE, as pg_dump does, which keeps the parent's NOT NULL inherited-only (PostgreSQL 18: conislocal
    false, the parent's name); declared in CREATE TABLE ... INHERITS the key makes one of the child's own."""
    if t.primary_key is None or not t.inherits:
        return False
    listed = {c.name: c for c in own_columns(t)}
    return any(name not in listed or (listed[name].not_null is not None and listed[name].not_null.from_parent)
               for name in t.primary_key.columns)


def inherited_only_given(t: Table, tables: dict) -> dict[str, Column]:
    """An INHERITS child's columns schema.yaml lists and `inherited_only:` keeps its parents' only (attislocal false),
    as CREATE TABLE ... INHERITS makes them without declaring them (by name): its first parent's default and generation
    expression (one of its own, 17+'s SET EXPRESSION on the child, is set after: plan.generated_ddl), no comment,
    the storage and compression it copies; NOT NULL where a parent has one or the child names its own in CREATE TABLE
    (plan.ddl). What the column has of its own (a default, none, a NOT NULL, a comment, settings) follows as changes:
    ALTER TABLE ... ALTER COLUMN leaves it inherited-only, where declaring it would make it the child's own."""
    if not t.inherits or not t.inherited_only or t.source is None:
        return {}
    out: dict[str, Column] = {}
    for c in t.columns:
        if c.source == t.source or c.name not in t.inherited_only:
            continue
        pc = next((x for q in t.inherits for x in getattr(tables.get((q.schema, q.name)), "columns", ())
                   if x.name == c.name), None)
        if pc is None:  # an extension's table's (schema.yaml lists no columns of it): what default it gives is
            if c.default is not None:  # not known here, so the child's is set after (SET DEFAULT: the same or its own)
                out[c.name] = replace(_bare(c), default=_UNKNOWN)
            continue
        nn = c.not_null
        named = nn is not None and bool(nn.name) and not nn.from_parent and not nn.not_valid
        keep = not pc.nullable or named
        out[c.name] = replace(c, default=pc.default, comment=None, identity=None, nullable=c.nullable if keep else True,
                              not_null=nn if keep else None, generated=pc.generated, virtual=pc.virtual,
                              **{**DEFAULT_SETTINGS, **_COPIED(pc)})
    return out


def _bare(c: Column) -> Column:
    """The column as CREATE TABLE makes it: no comment, default settings (itself when it has neither); a bound default
    (compare.expression_binds) set after it, the overloads it does not call set aside."""
    if c.binds:
        c = replace(c, default=None, binds=())
    if c.comment is None and c.statistics is None and c.storage is None and c.compression is None and not c.options:
        return c
    return replace(c, comment=None, **DEFAULT_SETTINGS)


_UNKNOWN = "?"  # a setting CREATE TABLE copied from the parent as it is then: always stated after
_COPIED = lambda p: {k: _UNKNOWN for k in ("storage", "compression") if getattr(p, k) is not None}  # noqa: E731
_NO_REPLICA_IDENTITY = {"replica_identity": "default", "replica_identity_index": None}


def parents_generation_given(t: Table, tables: dict) -> Table:
    """An INHERITS child as its CREATE TABLE declares it: a column of its own that a parent computes by the same
    generation expression declared bare, as pg_dump does (it takes the parent's expression: PostgreSQL 15 refuses it
    declared there, 'child column "b" specifies generation expression'); one of an expression of its own keeps it."""
    if not t.inherits or t.partition_of is not None or not any(c.generated for c in t.columns):
        return t
    given = {c.name: c.generated for q in t.inherits for c in getattr(tables.get((q.schema, q.name)), "columns", ())
             if c.generated is not None and not c.virtual}
    own = {c.name for c in own_columns(t)}
    return replace(t, columns=tuple(replace(c, generated=None) if c.name in own and c.generated is not None and not c.virtual
                                    and c.name in given and same_values(given[c.name], c.generated) else c
                                    for c in t.columns))  # (`a * 1.00` is its own where the parent's is `a * 1.0`)
