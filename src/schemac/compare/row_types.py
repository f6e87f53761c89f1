"""A table's row type used elsewhere: Postgres refuses ALTER TABLE ... ALTER COLUMN ... TYPE on the table, and ADD
COLUMN with a default, an identity or a generation expression, while a column of another table is of that row type,
of an array of it, or of a composite type or domain over it ("cannot alter table "t" because column "u.c" uses its
row type": find_composite_type_dependencies). A materialized view's
column of it is no such user: compare.views makes the view again around the change."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.moves import as_current
from schemac.compare.domain_arrays import domain_chain
from schemac.model import Schema
from schemac.model.frozen import replace
from schemac.pg.types import type_name


def holding_types(current: Schema, key: tuple[str, str]) -> set[tuple[str, str]]:
    """The types holding type `key` (a composite type, a table's row type): itself, and the composite types,
    domains and range types (their multiranges too) over them, as Postgres follows them
    (find_composite_type_dependencies: 'cannot alter type "hit" because column "t.r" uses it', of a range over hit)."""
    held = {key}
    grown = True
    while grown:
        grown = False
        for c in current.composite_types:
            if (c.schema, c.name) not in held and any(type_name(a.type) in held for a in c.attributes):
                held.add((c.schema, c.name))
                grown = True
        for d in current.domains:
            if (d.schema, d.name) not in held and type_name(d.type) in held:
                held.add((d.schema, d.name))
                grown = True
        for r in current.range_types:
            if (r.schema, r.name) not in held and type_name(r.subtype) in held:
                held |= {(r.schema, r.name), r.multirange_key}
                grown = True
    return held


def row_type_retypes(changes: list[Change], current: Schema) -> list[tuple[Change, str]]:
    """Each column retyped whose table's row type a column of another table holds (one the migration keeps),
    with why `generate` cannot: Postgres refuses the ALTER COLUMN ... TYPE, and no statement makes it."""
    retyped = [c for c in changes if c.kind == "alter_column_type"]
    if not retyped:
        return []
    at = as_current(changes)
    gone = {(*at(c.schema, c.table), c.name) for c in changes if c.kind == "drop_column"}
    # a holder of the table's own row type retyped away from it in the same change: no holder then (its ALTER runs
    # first: plan.row_type_order); one holding it through a composite type or a domain is still refused
    retypes = {(*at(c.schema, c.table), c.name): type_name(c.new.type) for c in retyped}  # type: ignore[union-attr]
    dropped = {(c.schema, c.table) for c in changes if c.kind == "drop_table"}
    # The columns that may hold a row type (of a table's, a composite's or a domain's type: what holding_types
    # returns), in the tables' order, found in one pass: once per retyped column was quadratic (a 10,000-table
    # schema.yaml with ~500 retyped columns: 2.9 s)
    holders = {t.key for t in current.tables} | {(x.schema, x.name) for x in (*current.composite_types,
                                                                               *current.domains)}
    users = [(t, col, key) for t in current.tables if t.key not in dropped for col in t.columns
             if (key := type_name(col.type)) in holders and (t.schema, t.name, col.name) not in gone]
    out = []
    for c in retyped:
        was = at(c.schema, c.table)
        held = holding_types(current, was)
        user = next((f"{t.schema}.{t.name}.{col.name}" for t, col, key in users
                     if key in held and (t.schema, t.name) != was
                     and (retypes.get((t.schema, t.name, col.name), key) in held or key != was)), None)
        if user is not None:
            out.append((c, f"table {c.schema}.{c.table}: column {c.name} cannot change its type ({c.old.type} -> "  # type: ignore[union-attr]
                           f"{c.new.type}) while column {user} holds the table's row type (Postgres refuses it: "  # type: ignore[union-attr]
                           f"'cannot alter table \"{c.table}\" because column ... uses its row type'); drop that "
                           "column, or change its type, in a migration of its own first, or keep this one"))
    return out


def row_type_drops(changes: list[Change], current: Schema) -> list[tuple[Change, str]]:
    """Each table (composite type, view) dropped whose row type a column of a table the migration keeps still holds:
    schema.yaml gives its name to another relation or type (a table made a view of its name), or makes the view
    again (a column it reads retyped: Postgres cannot change a view's column types in place), so the column's type
    reads the same and nothing changes it, and Postgres refuses the DROP under the column ("cannot drop table t
    because other objects depend on it"); with why `generate` cannot."""
    dropped = [c for c in changes if c.kind in ("drop_table", "drop_composite_type", "drop_view")]
    if not dropped:
        return []
    at = as_current(changes)
    tables = {(c.schema, c.table) for c in changes if c.kind == "drop_table"}
    gone = {(*at(c.schema, c.table), c.name) for c in changes if c.kind == "drop_column"}
    retypes = {(*at(c.schema, c.table), c.name): type_name(c.new.type) for c in changes  # type: ignore[union-attr]
               if c.kind == "alter_column_type"}
    remade = {(c.schema, c.name) for c in changes if c.kind in ("add_view", "replace_view")}
    kept = after_attribute_drops(changes, current)
    out = []
    for c in dropped:
        kind, key = ("table", (c.schema, c.table)) if c.kind == "drop_table" else \
            ("view", (c.schema, c.name)) if c.kind == "drop_view" else ("type", (c.schema, c.name))
        held = holding_types(kept, key)
        user = next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables if t.key not in tables
                     for col in t.columns if (t.schema, t.name, col.name) not in gone
                     and type_name(col.type) in held and retypes.get((t.schema, t.name, col.name), key) in held), None)
        if user is not None:
            why = "made again: a change under it that Postgres cannot make in place" if key in remade else \
                "schema.yaml gives its name to another relation or type" if kind != "view" else "schema.yaml drops it"
            out.append((c, f"{kind} {key[0]}.{key[1]} is dropped ({why}) while column {user} holds its row type "
                           f"(Postgres refuses it: 'cannot drop {kind} "
                           f"{key[1]} because other objects depend on it'); drop that column, or change its type, in a "
                           "migration of its own first"))
    return out


def after_attribute_drops(changes: list[Change], current: Schema) -> Schema:
    """`current` with each composite type the migration alters holding only the attributes it keeps of the same type
    (a comment or collation changed keeps one): an attribute dropped or retyped (ALTER TYPE ... DROP / ALTER
    ATTRIBUTE, which the plan makes before the DROP TABLE) no longer holds the dropped table's row type then."""
    altered = {(c.schema, c.name): c.new for c in changes if c.kind == "alter_composite_type"}
    if not altered:
        return current
    types = []
    for t in current.composite_types:
        new = altered.get((t.schema, t.name))
        if new is not None:
            same = {(a.name, type_name(a.type)) for a in new.attributes}  # type: ignore[attr-defined]
            t = replace(t, attributes=tuple(a for a in t.attributes if (a.name, type_name(a.type)) in same))
        types.append(t)
    return replace(current, composite_types=tuple(types))


def _checked_domain(type_text: str, domains: dict) -> Optional[str]:
    """The domain (`type_text`'s, or one under it) with a CHECK, a NOT NULL or a DEFAULT, as schema.name, else None:
    ADD COLUMN of it gives each row that default, or NULL, through the domain's checks (ATExecAddColumn's new value,
    as a default's); an array of one none."""
    chain = [] if type_text.rstrip().endswith("]") else domain_chain(type_text, domains)
    return next((".".join(k) for k in chain
                 if domains[k].checks or domains[k].not_null or domains[k].default is not None), None)


def fills_rows(c: Change, domains: Optional[dict] = None) -> bool:
    """An ADD COLUMN giving the table's rows a value (a default, an identity, a generation expression; a generation
    expression changed is a column dropped and added again, plan.planner), or ALTER TABLE ... SET UNLOGGED, on a table
    with rows of its own (not a partitioned parent): Postgres refuses it while a column holds the table's row type (a
    materialized view's too: compare.views makes one again around it)."""
    if c.kind not in ("add_column", "set_logging", "alter_generated") or c.table_def is None \
            or c.table_def.partition_by is not None or c.new is None:  # (an alter_composite_type's table_def: a
        return False  # materialized view holding the type, compare.composite_holders.stored_user)
    if c.kind == "set_logging":
        return bool(c.new.unlogged)  # type: ignore[union-attr]
    return (c.kind == "add_column" and bool(c.new.default or c.new.identity or c.new.generated  # type: ignore[union-attr]
                                            or domains and _checked_domain(c.new.type, domains))  # type: ignore[union-attr]
            or c.kind == "alter_generated" and bool(c.new.generated))  # type: ignore[union-attr]


def row_type_additions(changes: list[Change], current: Schema, desired: Optional[Schema] = None
                       ) -> list[tuple[Change, str]]:
    """Each column added with a default, an identity or a generation expression (STORED or VIRTUAL) to a table with
    rows of its own (not a partitioned parent) whose row type a column of another table holds (one the migration
    keeps): Postgres refuses that ADD COLUMN, as it would have to give the new column's value to the rows the other
    column holds too ("cannot alter table "t" because column "u.c" uses its row type"), while it takes one without
    them (and SET DEFAULT after); with why `generate` cannot. So is one of a domain of `desired` with a CHECK, NOT NULL
    or DEFAULT (or over one): Postgres gives the rows its value through the domain (_checked_domain)."""
    domains = {(d.schema, d.name): d for d in desired.domains} if desired is not None else {}
    added = [c for c in changes if fills_rows(c, domains)]
    if not added:
        return []
    at = as_current(changes)
    gone = {(*at(c.schema, c.table), c.name) for c in changes if c.kind == "drop_column"}
    dropped = {(c.schema, c.table) for c in changes if c.kind == "drop_table"}
    # The columns kept, by type name, in the model's order (one walk: ~5% of 10,000 tables edited add ~500 columns)
    users: dict[str, list[tuple[int, str, tuple[str, str]]]] = {}
    kept = ((t, col) for t in current.tables if t.key not in dropped for col in t.columns
            if (t.schema, t.name, col.name) not in gone)
    for n, (t, col) in enumerate(kept):
        users.setdefault(type_name(col.type), []).append((n, f"{t.schema}.{t.name}.{col.name}", (t.schema, t.name)))
    out = []
    for c in added:
        was = at(c.schema, c.table)
        held = holding_types(current, was)
        found = [next((u for u in users.get(h, ()) if u[2] != was), None) for h in held]
        user = min((u for u in found if u is not None), default=(0, None))[1]
        if user is not None:
            done = "cannot be made UNLOGGED" if c.kind == "set_logging" else \
                f"column {c.name} cannot change its generation expression" if c.kind == "alter_generated" else \
                f"column {c.name} cannot be added with " + ("a default" if c.new.default else "an identity"  # type: ignore[union-attr]
                                                            if c.new.identity else "a generation expression"  # type: ignore[union-attr]
                                                            if c.new.generated else  # type: ignore[union-attr]
                                                            f"domain {_checked_domain(c.new.type, domains)}'s checks or default")  # type: ignore
            out.append((c, f"table {c.schema}.{c.table}: {done} while column "
                           f"{user} holds the table's row type (Postgres refuses it: 'cannot alter table "
                           f"\"{c.table}\" because column ... uses its row type'); add it without one (a default "
                           "may be set in a later migration: SET DEFAULT leaves the rows as they are), or drop that "
                           "column, or change its type, in a migration of its own first"))
    return out
