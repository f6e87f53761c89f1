"""Constraints and indexes by definition: the key two of them share when they are the same (whatever their names), the
pairing of two tables' constraints, storage parameters by value (compare.tables; plan and schemafile use the keys too)."""

from __future__ import annotations

from schemac.model.frozen import replace
from schemac.model.references import path_operator
from typing import Optional, Union
from schemac.compare.changes import Constraint
from schemac.compare.normalize import normal_form, same_scales
from schemac.model import Check, Exclusion, ForeignKey, Index, IndexElement, PrimaryKey, Table, Unique, View
from schemac.pg.names import default_constraint_name
from schemac.pg.reloptions import TOAST_PREFIX


def constraint_key(c: Constraint) -> tuple:
    if isinstance(c, PrimaryKey):
        return ("p", c.columns, c.include, c.deferrable, c.initially_deferred, c.without_overlaps, _key_parameters(c))
    if isinstance(c, Unique):
        return ("u", c.columns, c.include, c.nulls_not_distinct, c.deferrable, c.initially_deferred, c.without_overlaps,
                _key_parameters(c), c.attached_to)
    if isinstance(c, ForeignKey):
        return ("f", c.columns, c.ref_schema, c.ref_table, c.ref_columns, c.on_delete, c.on_delete_columns,
                c.on_update, c.match_full, c.deferrable, c.initially_deferred, c.period, c.enforced)
    if isinstance(c, Exclusion):
        return ("x", tuple((_element_key(e), path_operator(e.operator)) for e in c.elements), c.method,
                normal_form(c.where), c.include, c.deferrable, c.initially_deferred, _key_parameters(c))
    return ("c", normal_form(c.expression), c.no_inherit, c.enforced, c.binds)  # (binds: compare.expression_binds)


def _key_parameters(c: Union[PrimaryKey, Unique, Exclusion]) -> tuple:
    """The WITH (...) of a key's index, by value (a change re-adds the key, as one of its columns would)."""
    return tuple(sorted(parameter_values(c).items())) if c.parameters else ()  # type: ignore[arg-type]


def enforced_only(old: Constraint, new: Constraint) -> bool:
    """A foreign key only made [NOT] ENFORCED: ALTER CONSTRAINT (PostgreSQL 18), which validates one made ENFORCED,
    so not one declared NOT VALID (re-added so)."""
    return isinstance(old, ForeignKey) and isinstance(new, ForeignKey) and old.enforced != new.enforced and \
        not new.not_valid and _same_constraint(replace(old, enforced=new.enforced), new)


def _same_constraint(a: Constraint, b: Constraint) -> bool:
    """Same definition; names only count when the desired side names the constraint."""
    return constraint_key(a) == constraint_key(b) and (b.name is None or a.name is None or a.name == b.name)


def _element_key(e: IndexElement) -> tuple:
    return (e.column, normal_form(e.expression), e.order, e.effective_nulls, e.opclass, e.collation, e.opclass_options)


def same_key_values(a: Union[Index, Exclusion], b: Union[Index, Exclusion]) -> bool:
    """Whether two indexes (or EXCLUDEs) of one signature store the same values: their keys' number literals written
    with the same scales (normalize.same_scales: `(a * 1.0)` keeps 2.0, `(a * 1.00)` 2.00, which an index-only scan
    returns)."""
    return all(same_scales(x.expression, y.expression) for x, y in zip(a.elements, b.elements))


def index_signature(i: Index) -> tuple:
    return (tuple(_element_key(e) for e in i.elements), i.unique, i.method, normal_form(i.where), i.include,
            i.nulls_not_distinct)


def attach_key(c: Union[Index, PrimaryKey, Unique]) -> tuple:
    """What Postgres compares when it takes a partition's index or UNIQUE, not attached, as the copy of its parent's
    (ADD UNIQUE / CREATE INDEX on the parent, ATTACH PARTITION: keys and expressions, classes, collations, order,
    INCLUDE, predicate, uniqueness, NULLS NOT DISTINCT, method), not what the copy Postgres makes takes from the
    parent's besides: storage parameters, operator class options, deferrability (a plain UNIQUE is taken as the copy
    of a DEFERRABLE one WITH (fillfactor = 70), or of a PRIMARY KEY of its columns, a gist index with siglen = 100 of
    one with 200: 18/16/15). So
    catalog/queries' beside_parents compare; the loader's beside_copy checks the same (schemafile.indexes)."""
    if isinstance(c, Unique):
        return ("u", c.columns, c.include, c.nulls_not_distinct, c.without_overlaps)
    if isinstance(c, PrimaryKey):  # (a parent's ADD PRIMARY KEY takes a partition's UNIQUE of its columns as its copy)
        return ("u", c.columns, c.include, False, c.without_overlaps)
    return ("i", tuple(_element_key(replace(e, opclass_options=())) for e in c.elements), c.unique, c.method,
            normal_form(c.where), c.include, c.nulls_not_distinct)


def parameter_values(obj: Union[Index, Table, View], toast: bool = True) -> dict[str, str]:
    """Storage parameters (of an index, table or materialized view) by name, values spelled as written (`off` and
    `false` mean the same, but schema.yaml's spelling is what the catalog should read back). Without `toast` (the
    relation compared with has no TOAST table, so Postgres dropped them silently) the `toast.` ones are left out."""
    return {name: value for name, _, value in (p.partition("=") for p in obj.parameters)
            if toast or not name.startswith(TOAST_PREFIX)}


def parameters_changed(cur: Union[Index, Table, View], des: Union[Index, Table, View]) -> bool:
    """Whether `des`'s storage parameters (and an index's keys' statistics targets) differ from those `cur` holds."""
    stats = [[getattr(e, "statistics", None) for e in getattr(x, "elements", ())] for x in (cur, des)]
    return parameter_values(cur) != parameter_values(des, getattr(cur, "toast_table", True)) or stats[0] != stats[1]


def renamed_key(old: Constraint, new: Constraint) -> bool:
    """Whether named `new` is `old` under another name, all else kept: ALTER TABLE ... RENAME CONSTRAINT (a key's index
    renamed along, not built again; a UNIQUE's foreign keys left standing) instead of a drop and an add. Not one
    whose validity or NOT VALID changes, which the drop and add say."""
    return new.name is not None and old.name is not None and old.name != new.name and type(old) is type(new) and \
        constraint_key(old) == constraint_key(new) and getattr(old, "valid", True) and \
        bool(getattr(old, "not_valid", False)) == bool(getattr(new, "not_valid", False))


def _match_constraints(current: list[Constraint], desired: list[Constraint], table: Optional[Table] = None):
    """Pair constraints: named desired ones by name, then unnamed ones by definition (not taking one a named one
    holds by its name: two UNIQUEs of one definition, the unnamed listed first, were paired crosswise and swapped
    names), and an unnamed one left over with a constraint of its kind on the same columns (then one "changed", not
    missing + unexpected), and a named one no constraint holds the name of with one of its definition whose name
    none declares (renamed_key); or, of current `table`, one of its definition left unnamed, which holds Postgres's
    name for it (`users_pkey` named `users_pk`: RENAME CONSTRAINT, its index and the foreign keys on it kept, not
    dropped and made again; not one whose name Postgres numbered, default_name_held, nor a CHECK, nor a partition's
    own, whose names its ancestors' new keys' copies may take: compare.unique_pk_copies)."""
    unmatched_current = list(current)
    found: dict[int, Optional[Constraint]] = {}
    for named in (True, False):
        for n, d in enumerate(desired):
            if (d.name is not None) != named:
                continue
            if named:
                match = next((c for c in unmatched_current if c.name == d.name), None)
            else:
                match = next((c for c in unmatched_current if type(c) is type(d) and constraint_key(c) == constraint_key(d)), None)
            if match is not None:
                unmatched_current.remove(match)
            found[n] = match
    for n, d in enumerate(desired):
        if found[n] is None and d.name is None and not isinstance(d, Check):
            match = next((c for c in unmatched_current if type(c) is type(d) and c.columns == d.columns), None)  # type: ignore
            if match is not None:
                unmatched_current.remove(match)
                found[n] = match
    names = {d.name for d in desired if d.name is not None}
    for n, d in enumerate(desired):  # a named one renamed, its definition kept: RENAME CONSTRAINT (renamed_key)
        if found[n] is None and d.name is not None:
            match = next((c for c in unmatched_current if c.name not in names and renamed_key(c, d)), None)
            paired = match
            if match is None and table is not None and table.partition_of is None and not isinstance(d, Check):
                match = next((c for c in unmatched_current if c.name is None and type(c) is type(d)
                              and not default_name_held(table, c) and renamed_key(_named(table, c), d)), None)
                paired = _named(table, match) if match is not None else None
            if match is not None:
                unmatched_current.remove(match)
                found[n] = paired
    pairs: list[tuple[Optional[Constraint], Optional[Constraint]]] = [(found[n], d) for n, d in enumerate(desired)]
    pairs.extend((c, None) for c in unmatched_current)
    return pairs


def _named(t: Table, c: Constraint) -> Constraint:
    """Unnamed `c` of `t` under the name Postgres gave it."""
    return replace(c, name=default_constraint_name(t, c))  # type: ignore[arg-type]


def default_name_given(des: Table, old: Constraint, new: Constraint) -> Optional[str]:
    """The name Postgres gives `new`, which schema.yaml now leaves unnamed, where `old` (the same constraint, as
    recorded) holds another it was named (`blocks_moderator_id_fkey`): the migration renames it so (RENAME CONSTRAINT,
    a key's index along), as a fresh build names it and as later migrations name it (DROP CONSTRAINT IF EXISTS
    blocks_creator_id_fkey). None where nothing is renamed: named, the name already Postgres's, a CHECK (always
    named), or the name taken by another constraint or index of `des` (Postgres would number it: kept as it is)."""
    if new.name is not None or not old.name or isinstance(new, Check) or type(old) is not type(new):
        return None
    name = default_constraint_name(des, new)  # type: ignore[arg-type]
    others = [c for c in des.constraints() if c is not new]
    taken = {c.name or default_constraint_name(des, c) for c in others} | {i.name for i in des.indexes}  # type: ignore[arg-type]
    return None if name == old.name or name in taken else name


def default_name_held(t: Table, key: object) -> bool:
    """Whether `key`, an unnamed primary key, UNIQUE, foreign key or EXCLUDE, has a default name another named
    constraint of `t` or, for a key with an index, an index of `t` holds: Postgres numbered it (`blocks_code_key1`),
    and DROP CONSTRAINT blocks_code_key would drop the holder (plan.held_names). Not a holder: an unnamed one (a key
    rebuilt unnamed has that default in the desired table), one of its kind on its columns (to its table: the key
    rebuilt named so)."""
    if not isinstance(key, (PrimaryKey, Unique, ForeignKey, Exclusion)) or key.name is not None:
        return False
    name, width = default_constraint_name(t, key), 4 if isinstance(key, ForeignKey) else 2
    itself = constraint_key(key)[:width]
    return name in {c.name for c in t.constraints() if c.name and constraint_key(c)[:width] != itself} or \
        not isinstance(key, ForeignKey) and name in {i.name for i in t.indexes}
