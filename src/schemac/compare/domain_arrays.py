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
from typing import Optional

from schemac.compare.detour_readers import unmoved_reader
from schemac.model import Column, Domain, Schema, Table
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
    composite value (held_in)."""
    held = _holding(schema)
    out: set[tuple[str, str]] = set()
    for t in schema.tables:
        for column in t.columns:
            out |= held(column.type)
    for v in schema.views:  # a materialized view's column holds its values as a table's does
        for c in v.output if v.materialized else ():
            if c.type is not None:
                out |= held(c.type)
    return out


def _holding(schema: Schema, ranges: bool = False):
    """type text -> (schema, name) of the domains a column of it holds in an array or a composite value: a column
    of an array of the domain, of a domain over one, of an array of a domain over it (each domain below the
    brackets), or of a composite type (or an array of one) whose attribute is of any of these or of the domain;
    `ranges`: or of a range or multirange type over any of these (range_held refuses one over the domain itself)."""
    domains = {(d.schema, d.name): d for d in schema.domains}
    rows = {(c.schema, c.name): [a.type for a in c.attributes] for c in schema.composite_types}
    if ranges:
        rows.update({k: [r.subtype] for r in schema.range_types for k in ((r.schema, r.name), r.multirange_key)})

    def held(text: str) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()

        def below(text: str, inside: bool, seen: frozenset) -> None:
            inside = inside or text.rstrip().endswith("]")
            key = type_name(text)
            if key in seen:
                return
            if key in domains:
                if inside:
                    out.add(key)
                below(domains[key].type, inside, seen | {key})
            elif key in rows:
                for inner in rows[key]:  # inside a row: out of ALTER DOMAIN's reach as inside an array
                    below(inner, True, seen | {key})
        below(text, False, frozenset())
        return out
    return held


def key_user(current: Schema, key: tuple[str, str]) -> Optional[str]:
    """`schema.table.column` of the first column of domain `key` (or of a domain over it; not an array) in its
    table's partition key, else None: no ALTER COLUMN ... TYPE moves it onto the domain made again."""
    domains = {(d.schema, d.name): d for d in current.domains}
    return next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables if t.partition_by is not None
                 for col in t.columns if not col.type.rstrip().endswith("]") and key in domain_chain(col.type, domains)
                 and col.name in referenced_columns(f"({t.partition_by.key})")), None)


def detoured(current: Schema, key: tuple[str, str],
             arrays: Optional[set] = None) -> Optional[tuple[tuple[Table, Column], ...]]:
    """The columns holding domain `key` in an array, a composite value or a range's bounds, where a column of it keys a
    partitioned table (key_user), or where one holds it inside a range's bounds (range_holder: Postgres refuses the
    ALTER DOMAIN in place as well, and a range follows no domain created again), and each can be moved to text around
    the ALTER DOMAIN in place and back (compare.key_detours): a column of a table of no parent, partitions nor children,
    of its own type (not typed, foreign), not generated, that nothing of its table reads as of its type but what can be
    dropped and made again around it (compare.detour_readers), and every materialized view holding the domain reading
    one of them (dropped and made again around their retypes: compare.views). None for any other domain (created
    again, or refused: key_held, naming why: detour_refused). `arrays`: in_arrays(current), where the caller has it
    (one walk of every column per diff)."""
    return _detour(current, key, arrays)[0]


def detour_refused(current: Schema, key: tuple[str, str], arrays: Optional[set] = None) -> str:
    """Why the columns holding domain `key` cannot be moved to text and back around its ALTER (detoured is None): what
    reads one as of its type, or its table's place in a tree, or a materialized view; "" where none holds it so."""
    return _detour(current, key, arrays)[1]


def _detour(current: Schema, key: tuple[str, str], arrays: Optional[set]) -> tuple[Optional[tuple], str]:
    if key_user(current, key) is None and range_holder(current, key, arrays) is None and \
            range_user(current, key) is None:
        return None, ""
    held = _holding(current, ranges=True)
    out = tuple((t, col) for t in current.tables for col in t.columns if key in held(col.type))
    if not out:
        return None, ""
    moved = {(t.schema, t.name, col.name) for t, col in out}
    for v in current.views:
        if v.materialized and any(held(c.type) & {key} for c in v.output if c.type is not None) and not any(
                (d.schema, d.name, d.column) in moved for d in v.depends if d.kind == "column"):
            return None, f"materialized view {v.schema}.{v.name} holds it, reading none of the columns holding it"
    parents = {(p.schema, p.name) for t in current.tables for p in t.inherits} | \
        {(t.partition_of.parent_schema, t.partition_of.parent) for t in current.tables if t.partition_of is not None}
    for t, col in out:
        where = f"column {t.schema}.{t.name}.{col.name}"
        if t.partition_of is not None or t.inherits or t.partition_by is not None or (t.schema, t.name) in parents:
            return None, f"{where} is of a table with a parent, partitions or children"
        if t.of is not None or t.foreign is not None:
            return None, f"{where} is of a {'typed' if t.of is not None else 'foreign'} table"
        if col.generated is not None:
            return None, f"{where} is generated"
        if (reader := unmoved_reader(t, col.name)) is not None:
            return None, f"{reader} of its table reads {where} as of its type"
    return out, ""


def range_holder(current: Schema, key: tuple[str, str], arrays: Optional[set] = None) -> Optional[str]:
    """`schema.table.column` of the first column holding domain `key` inside a range's bounds where none holds it in
    an array or a composite value alone (in_arrays, or `arrays` where the caller has it: the domain is then altered
    in place), else None."""
    if key in (in_arrays(current) if arrays is None else arrays):
        return None
    held = _holding(current, ranges=True)
    return next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables for col in t.columns
                 if key in held(col.type)), None)


def rebuilt_for_arrays(current: Schema, cur_domains: dict, desired: tuple[Domain, ...]) -> set[tuple[str, str]]:
    """The domains of `desired` whose change checks values (checks_values) while `current` holds them in an array.
    Where no domain's change checks values (an in-sync diff), no column is walked: in_arrays reads every column of
    every table (~7 ms of a 1,000-table diff's tail, after the last reply)."""
    checked = {(d.schema, d.name) for d in desired if cur_domains.get((d.schema, d.name)) is not None
               and checks_values(cur_domains[(d.schema, d.name)], d)}
    if not checked:
        return set()
    arrays = in_arrays(current)
    return {k for k in checked & arrays if detoured(current, k, arrays) is None}


def range_user(current: Schema, key: tuple[str, str]) -> Optional[str]:
    """`schema.table.column` of the first column of a range type over domain `key` (or over a domain over it), else
    None: Postgres refuses the ALTER DOMAIN under it as under an array, and a range type cannot be made again over a
    domain created again (no ALTER for its subtype)."""
    if not current.range_types:
        return None
    below = {key} | {(d.schema, d.name) for d in current.domains if type_name(d.type) == key}  # (one level over it)
    over = {(r.schema, r.name) for r in current.range_types if type_name(r.subtype) in below}
    return next((f"{t.schema}.{t.name}.{col.name}" for t in current.tables for col in t.columns
                 if type_name(col.type) in over), None)


def range_held(changes: list, current: Schema) -> list[tuple]:
    """Each domain change that checks values (checks_values) while a table's column is of a range type over the
    domain (range_user) whose holders cannot be moved to text and back around the ALTER (detoured), with why
    `generate` cannot."""
    if not current.range_types:
        return []
    out, arrays = [], None
    for c in changes:
        if c.kind != "alter_domain" or c.old is None or c.new is None or not checks_values(c.old, c.new):
            continue
        if (user := range_user(current, (c.schema, c.name))) is None:
            continue
        arrays = in_arrays(current) if arrays is None else arrays
        if (why := detour_refused(current, (c.schema, c.name), arrays)):
            out.append((c, f"domain {c.schema}.{c.name}: a CHECK or NOT NULL cannot be given to it while column {user} "
                           "is of a range type over it (Postgres refuses it: 'cannot alter type ... because column ... "
                           "uses it'; a range type cannot follow the domain made again: no ALTER for its subtype), nor "
                           f"can the columns holding it be moved to text and back around the ALTER ({why}); declare "
                           "the CHECK NOT VALID, or change that column in a migration of its own first"))
    return out


def key_held(changes: list, current: Schema) -> list[tuple]:
    """Each domain change that checks values while a column holds the domain in an array or a composite value and a
    column of it, or of a domain over it, is in its table's partition key (Promscale's `_ps_trace.tag`,
    hash-partitioned on a `ps_trace.tag_k` its composite `tag_pair` holds too), where the columns holding it cannot be
    moved to text around the ALTER DOMAIN in place (detoured), with why `generate` cannot: Postgres moves no partition
    key's column onto the domain made again ('cannot alter column ... because it is part of the partition key'), and
    refuses the ALTER DOMAIN in place under them (it named the key's retype `tag_k -> tag_k`, which the user never
    asked for)."""
    checked = [c for c in changes if c.kind == "alter_domain" and c.old is not None and c.new is not None
               and checks_values(c.old, c.new)]
    held = in_arrays(current) if checked else set()
    out = []
    for c in checked:
        if detoured(current, key := (c.schema, c.name), held) is not None:
            continue
        inside = range_holder(current, (c.schema, c.name), held)  # (one over the domain itself: range_held's)
        if inside is not None:
            out.append((c, f"domain {c.schema}.{c.name}: a CHECK or NOT NULL cannot be given to it while column "
                           f"{inside} holds it inside a range's bounds (Postgres refuses it: 'cannot alter type ... "
                           "because column ... uses it'), nor can the columns holding it be moved to text and back "
                           f"around the ALTER ({detour_refused(current, key, held)}); declare the CHECK "
                           "NOT VALID, or change that column in a migration of its own first"))
            continue
        user = key_user(current, (c.schema, c.name)) if (c.schema, c.name) in held else None
        if user is not None:
            out.append((c, f"domain {c.schema}.{c.name}: a CHECK or NOT NULL cannot be given to it while a column "
                           "holds it in an array or a composite value (Postgres refuses it: 'cannot alter type ... "
                           "because column ... uses it'), and it cannot be created again under its columns while "
                           f"column {user}, in its table's partition key, is of it, nor can the columns holding it "
                           f"be moved to text and back around the ALTER ({detour_refused(current, key, held)}); "
                           "declare the CHECK NOT VALID, or change the columns holding it in a migration of their "
                           "own first"))
    return out
