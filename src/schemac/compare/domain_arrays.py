"""Domains whose ALTER DOMAIN would check values a column holds in an array or a row: created again instead.

ALTER DOMAIN ... ADD CONSTRAINT (validated), VALIDATE CONSTRAINT and SET NOT NULL check every value of the domain
the database holds, and Postgres cannot reach those inside an array or a composite value: it refuses the statement
while any column is of an array of the domain, or of a domain over such an array, or of a composite type with an
attribute of it ("cannot alter type "pt" because column "stops.ps" uses it", 15 to 18; a `geometry(Point,4326)`
domain's CHECK tightened over a `pt[]` column of stops, say). Such a domain is set aside and created again, as one
over a re-created enum is (compare.types, ENUM_REBUILT): its columns are retyped to the new domain, whose cast checks
every element as the validation would have. (A composite type's attribute cannot follow it while a table has a
column of the composite: the plan refuses that at generate, plan.type_ddl, as for an enum created again; nor can a
range type over it, which has no ALTER for its subtype: `range_held` refuses that, unless the CHECK is NOT VALID;
nor a column of it in its table's partition key, which no ALTER COLUMN ... TYPE moves: `key_held`, likewise.)
"""

from __future__ import annotations

from schemac.compare.normalize import same_expression
from schemac.model import Domain, Schema
from schemac.pg.loaded import referenced_columns
from schemac.pg.types import type_name


def domain_chain(type_text: str, domains: dict) -> list[tuple[str, str]]:
    """The keys of `type_text`'s domain and of each domain under it, top first ([] for any other type): the one walk
    down a domain chain (compare.types, row_types, typmod_checks, key_held)."""
    out: list[tuple[str, str]] = []
    while (key := type_name(type_text)) in domains and key not in out:
        out.append(key)
        type_text = domains[key].type
    return out


def checks_values(old: Domain, new: Domain) -> bool:
    """Whether ALTER DOMAIN from `old` to `new` (plan.objects._alter_domain) checks the values: a NOT NULL added,
    or a CHECK added, changed or validated that is not NOT VALID."""
    if new.not_null and not old.not_null:
        return True
    was = {c.name: c for c in old.checks}
    return any(not c.not_valid and (c.name not in was or was[c.name].not_valid
                                    or not same_expression(was[c.name].expression, c.expression))
               for c in new.checks)


def in_arrays(schema: Schema) -> set[tuple[str, str]]:
    """(schema, name) of the domains a column of `schema` (a table's, a materialized view's) holds in an array or a
    composite value: a column
    of an array of the domain, of a domain over one, of an array of a domain over it (each domain below the
    brackets), or of a composite type (or an array of one) whose attribute is of any of these or of the domain."""
    domains = {(d.schema, d.name): d for d in schema.domains}
    rows = {(c.schema, c.name): c for c in schema.composite_types}
    out: set[tuple[str, str]] = set()

    def below(text: str, held: bool, seen: frozenset) -> None:
        held = held or text.rstrip().endswith("]")
        key = type_name(text)
        if key in seen:
            return
        if key in domains:
            if held:
                out.add(key)
            below(domains[key].type, held, seen | {key})
        elif key in rows:
            for a in rows[key].attributes:  # inside a row: out of ALTER DOMAIN's reach as inside an array
                below(a.type, True, seen | {key})

    for t in schema.tables:
        for column in t.columns:
            below(column.type, False, frozenset())
    for v in schema.views:  # a materialized view's column holds its values as a table's does
        for c in v.output if v.materialized else ():
            if c.type is not None:
                below(c.type, False, frozenset())
    return out


def rebuilt_for_arrays(current: Schema, cur_domains: dict, desired: tuple[Domain, ...]) -> set[tuple[str, str]]:
    """The domains of `desired` whose change checks values (checks_values) while `current` holds them in an array.
    Where no domain's change checks values (an in-sync diff), no column is walked: in_arrays reads every column of
    every table (~7 ms of a 1,000-table diff's tail, after the last reply)."""
    checked = {(d.schema, d.name) for d in desired if cur_domains.get((d.schema, d.name)) is not None
               and checks_values(cur_domains[(d.schema, d.name)], d)}
    return checked & in_arrays(current) if checked else set()


def range_held(changes: list, current: Schema) -> list[tuple]:
    """Each domain change that checks values (checks_values) while a table's column is of a range type over the
    domain (or over a domain over it), with why `generate` cannot: Postgres refuses that ALTER DOMAIN as it does under
    an array, and a range type cannot be made again over a domain created again (no ALTER for its subtype)."""
    ranges = current.range_types
    if not ranges:
        return []
    domains = {(d.schema, d.name): d for d in current.domains}
    out = []
    for c in changes:
        if c.kind != "alter_domain" or c.old is None or c.new is None or not checks_values(c.old, c.new):
            continue
        below = {(c.schema, c.name)}
        below |= {k for k, d in domains.items() if type_name(d.type) in below}  # (one level of domains over it)
        over = {(r.schema, r.name) for r in ranges if type_name(r.subtype) in below}
        user = next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables for col in t.columns
                     if type_name(col.type) in over), None)
        if user is not None:
            out.append((c, f"domain {c.schema}.{c.name}: a CHECK or NOT NULL cannot be given to it while column {user} "
                           "is of a range type over it (Postgres refuses it: 'cannot alter type ... because column ... "
                           "uses it'); declare the CHECK NOT VALID, or change that column in a migration of its own "
                           "first"))
    return out


def key_held(changes: list, current: Schema) -> list[tuple]:
    """Each domain change that checks values while a column holds the domain in an array or a composite value (so it
    is created again: rebuilt_for_arrays) and a column of it, or of a domain over it, is in its table's partition key
    (Promscale's `_ps_trace.tag`, hash-partitioned on a `ps_trace.tag_k` its composite `tag_pair` holds too), with why
    `generate` cannot: Postgres moves no partition key's column onto the domain made again ('cannot alter column
    ... because it is part of the partition key'), and refuses the ALTER DOMAIN in place (it named the key's retype
    `tag_k -> tag_k`, which the user never asked for)."""
    checked = [c for c in changes if c.kind == "alter_domain" and c.old is not None and c.new is not None
               and checks_values(c.old, c.new)]
    held = in_arrays(current) if checked else set()
    domains = {(d.schema, d.name): d for d in current.domains}
    out = []
    for c in (c for c in checked if (c.schema, c.name) in held):
        user = next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables if t.partition_by is not None
                     for col in t.columns if not col.type.rstrip().endswith("]")
                     and (c.schema, c.name) in domain_chain(col.type, domains)
                     and col.name in referenced_columns(f"({t.partition_by.key})")), None)
        if user is not None:
            out.append((c, f"domain {c.schema}.{c.name}: a CHECK or NOT NULL cannot be given to it while a column "
                           "holds it in an array or a composite value (Postgres refuses it: 'cannot alter type ... "
                           "because column ... uses it'), and it cannot be created again under its columns while "
                           f"column {user}, in its table's partition key, is of it; declare the CHECK NOT VALID, or "
                           "change the columns holding it in a migration of their own first"))
    return out
