"""Schema-level objects compared: extensions, enums, domains and sequences, which tables depend on."""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.compare.view_binds import with_aside
from schemac.model.frozen import replace

from schemac.compare.changes import ENUM_REBUILT, OWNS_VALUES, Change, set_aside_name, takes_using
from schemac.compare.domain_arrays import domain_chain, rebuilt_for_arrays
from schemac.compare.equality import equal_except
from schemac.compare.extension_members import member_settings_differ
from schemac.compare.extension_takes import taken_objects
from schemac.compare.moves import old_key
from schemac.compare.sequences import owners_moved, renamed_sequences
from schemac.compare.type_moves import label_renames
from schemac.compare.cast_types import casts_moved, checks_moved
from schemac.compare.normalize import normal_form, same_cast_default, same_expression
from schemac.model import Domain, Enum, Function, Schema, Sequence
from schemac.pg.routines import comparable_body, standard_statements
from schemac.pg.names import qualified
from schemac.pg.casts import converts
from schemac.pg.types import type_name
from schemac.pg.lazy import lazy

default_names_dropped = lazy("schemac.compare.body_outputs", "default_names_dropped")
bare_columns_qualified = lazy("schemac.compare.body_columns", "bare_columns_qualified")
aliases_by_place = lazy("schemac.compare.body_columns", "aliases_by_place")
same_query = lazy("schemac.compare.body_queries", "same_query")


def _keyed(objs) -> dict:
    return {(getattr(o, "schema", None), o.name): o for o in objs}


def _diff_types(ch, kind: str, current, desired, changes, on_add=lambda obj: []) -> None:
    """add_/drop_<kind>, what `changes(old, new)` finds, and comments, for enums, domains or sequences."""
    cur, des = _keyed(current), _keyed(desired)
    for key, obj in des.items():
        old = cur.get(key)
        found = [f"add_{kind}", *on_add(obj)] if old is None else changes(old, obj)
        for k in found:
            ch(k, obj, old, obj)
        if (getattr(old, "comment", None) or None) != (obj.comment or None):
            ch("set_type_comment", obj, old, obj)
    for key, obj in cur.items():
        if key not in des:
            ch(f"drop_{kind}", obj, obj, None)


def _renamed_values(current: tuple, desired: tuple, ch) -> list[Enum]:
    """The current enums with the labels schema.yaml's `renamed_values` rename (the type holding the old label and not
    the new) renamed, each such enum's rename_enum_value changed first: what else differs is then told from them."""
    des, out = _keyed(desired), []
    for e in current:
        d = des.get((e.schema, e.name))
        renames = label_renames(e, d)
        if renames:
            now = replace(e, values=tuple(renames.get(v, v) for v in e.values))
            ch("rename_enum_value", d, e, replace(now, renamed_values=tuple((n, o) for o, n in renames.items())))
            e = now
        out.append(e)
    return out


def diff_objects(current: Schema, desired: Schema) -> list[Change]:
    """Extensions, enums, domains and sequences: the schema-level objects tables depend on."""
    out: list[Change] = []

    def ch(kind: str, obj, old=None, new=None) -> None:
        name = obj.signature if isinstance(obj, Function) else obj.name  # overloads share a name
        out.append(Change(kind, getattr(obj, "schema", None) or "", "", name, old, new))

    cur_ext = {e.name: e for e in current.extensions}
    des_ext = {e.name: e for e in desired.extensions}
    for name, e in des_ext.items():
        if name not in cur_ext:
            ch("add_extension", e, None, e)
            out[-1] = replace(out[-1], takes=taken_objects(e, current, desired))
        elif e.schema is not None and cur_ext[name].schema != e.schema:
            # reported as changed (its version as schema.yaml's: left out, not compared); CREATE IF NOT EXISTS cannot move it
            ch("add_extension", e, cur_ext[name] if e.version else replace(cur_ext[name], version=None), e)
        if name in cur_ext and e.version is not None and e.version != cur_ext[name].version:
            ch("alter_extension", e, cur_ext[name], e)  # ALTER EXTENSION ... UPDATE TO (None: not compared)
        if e.grants != getattr(cur_ext.get(name), "grants", ()) or e.owners != getattr(cur_ext.get(name), "owners", ()) \
                or member_settings_differ(cur_ext.get(name), e):
            ch("set_extension_grants", e, cur_ext.get(name), e)
        if e.comment is not None and e.comment != getattr(cur_ext.get(name), "comment", None):
            ch("set_type_comment", e, cur_ext.get(name), e)  # (schema.yaml's comment only: None is not compared)
    for name, e in cur_ext.items():
        if name not in des_ext:
            ch("drop_extension", e, e, None)

    def enum_changes(old: Enum, new: Enum) -> list[str]:
        if old.values == new.values:
            return []
        if list(old.values) == [v for v in new.values if v in old.values]:
            return ["add_enum_value"]  # only additions, each at its place
        return ["alter_enum"]  # a value removed or reordered: re-created (ENUM_REBUILT)

    def _domain_changes(old: Domain, new: Domain) -> list[str]:
        same_checks = {c.name: (normal_form(c.expression), c.comment, c.not_valid) for c in old.checks} == \
            {c.name: (normal_form(c.expression), c.comment, c.not_valid) for c in new.checks} and \
            not checks_moved(old, new)  # (through other user types: compare.cast_types)
        same = (old.type == new.type and same_cast_default(old.default, new.default, new.type) and old.not_null == new.not_null
                and (old.not_null_name, old.not_null_comment) == (new.not_null_name, new.not_null_comment)
                and same_checks and old.collation == new.collation)
        return [] if same else ["alter_domain"]

    def sequence_changes(old: Sequence, new: Sequence) -> list[str]:
        return (["alter_sequence"] if (old.options, old.unlogged) != (new.options, new.unlogged) else []) + \
            (["set_sequence_owner"] if old.owned_by != new.owned_by else [])

    cur_enums = _renamed_values(current.enums, desired.enums, ch)
    _diff_types(ch, "enum", cur_enums, desired.enums, enum_changes)
    for c in [c for c in out if c.kind == "alter_enum"]:
        aside = replace(c.old, name=set_aside_name(c.old.name))  # type: ignore[type-var]
        out.append(Change("drop_enum", c.schema, "", aside.name, aside, None, cause=ENUM_REBUILT))
    rebuilt = {(c.schema, c.name) for c in out if c.kind == "alter_enum"}
    cur_domains = _keyed(current.domains)
    rebuilt_domains = rebuilt_domains_over(cur_domains, desired.domains, rebuilt,
                                       rebuilt_for_arrays(current, cur_domains, desired.domains))
    rebuilt |= rebuilt_domains

    def domain_changes(old: Domain, new: Domain) -> list[str]:  # noqa: F811 (one over a re-created enum too)
        if (new.schema, new.name) in rebuilt_domains:
            return []  # re-created below
        return _domain_changes(old, new)

    _diff_types(ch, "domain", current.domains, desired.domains, domain_changes)
    for d in desired.domains:
        old_d = cur_domains.get((d.schema, d.name))
        if old_d is not None and (d.schema, d.name) in rebuilt_domains:
            out += domain_set_aside(old_d, d, rebuilt)
    for i, c in enumerate(out):  # a domain dropped over one made again stands on the old one, set aside: dropped first
        if c.kind == "drop_domain" and c.cause is None and type_name(c.old.type) in rebuilt:  # type: ignore[union-attr]
            t_schema, t_name = type_name(c.old.type)  # type: ignore[union-attr]
            under = qualified(t_schema, set_aside_name(t_name)) + ("[]" if c.old.type.endswith("]") else "")  # type: ignore
            out[i] = replace(c, old=replace(c.old, type=under))  # type: ignore[type-var]
    renamed = renamed_sequences(current, desired)
    moved = {id(n) for _, n in owners_moved(current, desired, renamed)}
    for old_q, new_q in renamed:  # ALTER SEQUENCE ... RENAME (and to the options): OWNED BY follows a table's rename
        ch("alter_sequence", new_q, old_q, new_q)
        if id(new_q) in moved:  # (a hint's: OWNED BY given, taken (NONE first) or moved to another column)
            ch("set_sequence_owner", new_q, old_q, new_q)
        if (old_q.comment or None) != (new_q.comment or None):
            ch("set_type_comment", new_q, old_q, new_q)
    _diff_types(ch, "sequence", [q for q in current.sequences if all(q is not o for o, _ in renamed)],
                [q for q in desired.sequences if all(q is not n for _, n in renamed)], sequence_changes,
                on_add=lambda q: ["set_sequence_owner"] if q.owned_by else [])
    _diff_functions(ch, current.functions, desired.functions, desired)
    # A new sequence owning an integer column of a table that exists (under its old name, for one schema.yaml renames):
    # its rows may hold the values the sequence will hand out.
    if not any(c.kind == "set_sequence_owner" and c.old is None for c in out):
        return out
    existing = {(t.schema, t.name) for t in current.tables}
    tables = {(t.schema, t.name): t for t in desired.tables
              if (t.schema, t.name) in existing or old_key(t, existing)}

    def owns_values(c: Change) -> bool:
        table, _, column = c.new.owned_by.rpartition(".")  # type: ignore[union-attr]
        col = tables[(c.schema, table)].column(column) if (c.schema, table) in tables else None
        return col is not None and col.type in ("smallint", "integer", "bigint")

    return [replace(c, cause=OWNS_VALUES, table_def=tables[(c.schema, c.new.owned_by.rpartition(".")[0])])  # type: ignore
            if c.kind == "set_sequence_owner" and c.old is None and owns_values(c) else c for c in out]


def same_function(a: Function, b: Function, schema: Optional[Schema] = None) -> bool:
    """One definition (`a` the database's, `b` schema.yaml's): arguments' defaults compared as expressions of their
    type casting through the same user types (compare.cast_types), bodies without the
    blank space around them, a SQL-standard one as Postgres printed it at `generate` too (`b.printed`:
    commands.body_prints). An argument's DEFAULT NULL is a default (it makes the argument optional), unlike a
    column's, which Postgres does not store: one side's and none on the other differ."""
    if len(a.arguments) != len(b.arguments):
        return False
    for x, y in zip(a.arguments, b.arguments):
        if (x.type, x.name, x.mode) != (y.type, y.name, y.mode) or (x.default is None) != (y.default is None) or \
                not same_cast_default(x.default, y.default, x.type):
            return False
    return equal_except(a, b, "arguments", "body", "comment") and (
        a.body == b.body or a.body == b.printed  # (the same text first: most functions; or Postgres's print of it)
        or comparable_body(a) == comparable_body(b) or _same_returned(a, b, schema))


def _same_returned(a: Function, b: Function, schema: Optional[Schema] = None) -> bool:
    """Two SQL-standard bodies (`RETURN expr`, `BEGIN ATOMIC ... END`) whose statements are one by one the same in
    one normal form (compare.normalize): Postgres prints a row comparison it stored, `(a, b, c) IS DISTINCT FROM
    (1, 2, 3)`, as nested ORs, `((x OR y) OR z)`, which a CREATE of that text stores flat, `(x OR y OR z)`: a function
    made from inspect's text prints otherwise than its source. Not where they cast through other user types
    (compare.cast_types: `RETURN ('a'::mood)::text` is not `RETURN ('a'::mood2)::text`). An output column's name
    that Postgres gives it is the same left unwritten (`count(t.c)`, printed `count(t.c) AS count`: compare.body_outputs),
    and a bare column of a SELECT's one table the same as that table's (`count(c)`: compare.body_columns), and a
    table's alias Postgres makes unique (`FROM tm tm_1`) the same as another (compare.body_columns), and a parameter
    beside a table `schema` (schema.yaml's) has no column of its name printed by the function's name (`f.x`); and a
    query read in a view's normal form over `schema` (compare.body_queries: subqueries, CTEs, joins, added casts)."""
    if not (a.standard_body and b.standard_body):
        return False
    x, y = standard_statements(a.body), standard_statements(b.body)
    names = {p.name for p in a.arguments if p.name} | {p.name for p in b.arguments if p.name}
    return x is not None and y is not None and len(x) == len(y) and \
        all(s == t or _same_statement(s, t) or _same_statement(default_names_dropped(s), default_names_dropped(t))
            or _same_statement(*(default_names_dropped(aliases_by_place(bare_columns_qualified(u, names, a.name, schema))) for u in (s, t)))
            or schema is not None and same_query(s, t, names, a.name, schema) and not casts_moved(s, t)
            for s, t in zip(x, y))


def _same_statement(s: Optional[str], t: Optional[str]) -> bool:
    return s is not None and t is not None and same_expression(s, t) and not casts_moved(s, t)


def replaceable(old: Function, new: Function) -> bool:
    """Whether CREATE OR REPLACE can turn `old` into `new` (PostgreSQL refuses to change the result type,
    the names of input parameters, the OUT parameters, or to remove a default)."""
    if old.procedure != new.procedure or old.returns != new.returns:
        return False
    for a, b in zip(old.arguments, new.arguments):
        if a.mode != b.mode or (a.name != b.name and a.mode != "out" and a.name is not None) or \
                (a.default is not None and b.default is None):
            return False
    return len(old.arguments) == len(new.arguments) and _out_row(old) == _out_row(new)


def _out_row(f: Function) -> tuple:
    """The result an OUT/INOUT parameter list defines: their types, and with two or more their names too (the
    row type's columns, which Postgres compares: "Row type defined by OUT parameters is different"; a function's
    one OUT parameter's name is free to change, its type is the result's, a procedure's is not: its result is a
    record whatever their count)."""
    outs = [a for a in f.arguments if a.mode in ("out", "inout")]
    return tuple((a.name if len(outs) > 1 or f.procedure else None, a.type) for a in outs)


def _diff_functions(ch, current, desired, schema: Schema) -> None:
    """Overloads are distinct objects, keyed by (schema, name, input types): a changed argument list is
    one function dropped and another added."""
    cur = {(f.schema, f.name, f.identity): f for f in current}
    des = {(f.schema, f.name, f.identity): with_aside(f, desired, schema.operators) for f in desired}
    for key, f in des.items():
        old = cur.get(key)
        if old is None:
            ch("add_function", f, None, f)
        elif not same_function(old, f, schema):
            ch("alter_function", f, old, f)
        if (getattr(old, "comment", None) or None) != (f.comment or None):
            ch("set_type_comment", f, old, f)
    for key, f in cur.items():
        if key not in des:
            ch("drop_function", f, f, None)


def domain_set_aside(old_d: Domain, d: Domain, rebuilt: AbstractSet[tuple[str, str]]) -> list[Change]:
    """A domain set aside (renamed) like an enum re-created, created again (over the new enum, domain or range type, or
    over its new base type): its columns are retyped through text, then the old one is dropped (before the type it
    stands on, itself set aside under it, whatever the new one stands on)."""
    if type_name(old_d.type) in rebuilt:
        e_schema, e_name = type_name(old_d.type)
        aside = replace(old_d, name=set_aside_name(old_d.name), type=qualified(e_schema, set_aside_name(e_name)))
    else:
        aside = replace(old_d, name=set_aside_name(old_d.name))
    return [Change("alter_domain", d.schema, "", d.name, old_d, d, cause=ENUM_REBUILT),
            Change("drop_domain", d.schema, "", aside.name, aside, None, cause=ENUM_REBUILT)]


def rebuilt_domains_over(cur_domains: dict, desired: tuple[Domain, ...], rebuilt: AbstractSet,
                     arrayed: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Domains created again under their columns: Postgres has no ALTER DOMAIN for a base type or collation, nor
    one checking values held in arrays (`arrayed`: compare.domain_arrays); a domain over an enum or domain created
    again goes with it (to a fixed point: domains over those)."""
    out: set[tuple[str, str]] = set(arrayed)
    for d in desired:
        old = cur_domains.get((d.schema, d.name))
        if old is not None and (old.type != d.type or old.collation != d.collation):
            out.add((d.schema, d.name))
    grew = True
    while grew:
        grew = False
        for d in desired:
            old = cur_domains.get((d.schema, d.name))
            key = (d.schema, d.name)
            if old is not None and key not in out and type_name(old.type) == type_name(d.type) \
                    and type_name(d.type) in (rebuilt | out):
                out.add(key)
                grew = True
    return out


def base_type(type_text: str, domains: dict) -> str:
    """The type a domain stands on at the bottom (through domains over domains), its array brackets kept; any
    other type itself."""
    base = type_text.rstrip()
    dims = ""
    while base.endswith("[]"):
        base, dims = base[:-2].rstrip(), dims + "[]"
    seen = set()
    while type_name(base) in domains and type_name(base) not in seen:
        seen.add(type_name(base))
        base = domains[type_name(base)].type
    return base + dims


def open_base(type_text: str, domains: dict) -> str:
    """`base_type` of a domain where neither it nor any domain under it has a CHECK or NOT NULL (every value of its
    base type is one of its values); "" for a domain that checks something, and for any other type."""
    keys = domain_chain(type_text, domains)
    if not keys or any(domains[k].checks or domains[k].not_null for k in keys):
        return ""
    return base_type(type_text, domains)


def checked_base(type_text: str, domains: dict) -> tuple:
    """(`base_type`, the names of its CHECKs and NOT NULL) of a domain that checks something, it or a domain under it
    (`code_upper of domain public.code20`, `NOT NULL of domain public.qty`), which ALTER COLUMN ... TYPE checks each
    value against, refusing the migration where one fails; () for a domain that checks nothing, any other type and an
    array."""
    if type_text.rstrip().endswith("]"):
        return ()
    names = [n + f" of domain {qualified(*k)}" for k in domain_chain(type_text, domains)
             for n in [c.name for c in domains[k].checks] + (["NOT NULL"] if domains[k].not_null else [])]
    return (base_type(type_text, domains), *names) if names else ()


def cast_directly(changes: list[Change], current: dict, desired: dict, rebuilt: frozenset = frozenset()) -> list[Change]:
    """`changes` with each column retype from or to a domain marked `direct_cast` where both base types are
    Postgres's own and one casts to the other (pg.casts): ALTER COLUMN ... TYPE then takes `CAST(c AS d)`, as
    Postgres's `USING c::d` does (numeric -> integer rounds). A domain over an enum (created again: no cast leads
    from the one set aside) still goes through text. A retype from a domain is marked with its `from_base` too, one to a
    domain that checks nothing with its `to_base` (one that checks: `to_checked`, checked_base), one onto its domain
    created again over another base type with that type (`rebased`). One taking schema.yaml's `using:` from an enum
    made again (or a domain over one), which the expression reads as of the type's new definition, is marked `via` it.
    `current`, `desired`: the domains by (schema, name); `rebuilt`: the enums and domains set aside and made again."""
    if rebuilt:
        changes = [replace(c, via=c.old.type) if c.kind == "alter_column_type" and type_name(c.old.type) in rebuilt  # type: ignore
                   and type_name(base_type(c.old.type, current)) in rebuilt and takes_using(c) else c  # type: ignore
                   for c in changes]
    if not current and not desired:
        return changes

    def direct(old: str, new: str) -> bool:
        return (type_name(old) in current or type_name(new) in desired) and \
            converts(base_type(old, current), base_type(new, desired)) is True

    def marked(c: Change) -> Change:
        old, new = c.old.type, c.new.type  # type: ignore[union-attr]
        if c.cause in (None, ENUM_REBUILT) and direct(old, new):
            c = replace(c, direct_cast=True)
        if type_name(new) in desired:
            c = replace(c, to_base=open_base(new, desired), to_checked=checked_base(new, desired))
            if c.cause == ENUM_REBUILT and type_name(old) in current and base_type(old, current) != base_type(new, desired):
                c = replace(c, rebased=base_type(new, desired))
        return replace(c, from_base=base_type(old, current)) if type_name(old) in current else c

    return [marked(c) if c.kind == "alter_column_type" else c for c in changes]


def keyed_domains(schema: Schema) -> dict:
    return _keyed(schema.domains)
