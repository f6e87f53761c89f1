"""Triggers, event triggers, operators, casts, operator classes and families of a database read that run a function the read does not hold.

`inspect -n public` reads no table of another schema: one its foreign keys reference (Supabase's auth.users), or
one of its views reads, is recorded in `external_tables`, which inspect writes so that schema.yaml can declare the
keys (and say what the views need). It reads no function
of another schema either, and Postgres's own are never read: a trigger or
event trigger that runs one of a schema not read (not Postgres's, not in the schema of an extension read)
is kept, and the function recorded in `external_functions` (`with_outside_functions`), which inspect writes
so that schema.yaml can declare the trigger (the loader refuses one whose function nothing makes or names:
the migration would create it before its function and fail). `diff` reads the same database against a
schema.yaml: there a trigger whose function schema.yaml does not list under external_functions is listed as
not managed, rather than called drift, and a function it lists is no undeclared function
(`as_schema_yaml_reads`). An operator whose function the read does not hold (one of another schema, or a C
function, which is not managed) is listed as not managed (external_functions name trigger functions only),
and so is a cast whose function the read does not hold.
"""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.model import Schema, Unmanaged
from schemac.model.functions import function_names, runs_a_known_function
from schemac.model.clones import of_known_triggers
from schemac.pg.names import call_parts, joined_reference, split_operator, split_reference


def _run(function: str) -> str:
    return joined_reference(*split_reference(function))


def with_outside_functions(schema: Schema) -> Schema:
    """`schema` with, as external_functions, every function its triggers and event triggers run that it does
    not know (the read holds it not, nor is it Postgres's or an extension's), as `schema.name`, sorted."""
    names = function_names(schema.functions)
    known = lambda function: runs_a_known_function(function, names, schema.extensions)  # noqa: E731
    schema = with_run_functions_listed(schema)
    read = {t.key for t in schema.tables}
    referenced = {joined_reference(fk.ref_schema, fk.ref_table) for t in schema.tables for fk in t.foreign_keys
                  if fk.ref_extension is None and (fk.ref_schema, fk.ref_table) not in read}
    referenced = sorted(referenced | _read_by_views(schema))
    schema = replace(schema, external_tables=tuple(referenced)) if referenced else schema
    operators, listed = _operators_known(schema, names)
    casts = tuple(c for c in schema.casts if c.function is None or known(call_parts(c.function)[0]))
    listed += [Unmanaged("cast", "", c.name) for c in schema.casts if c not in casts]
    dropped = {(o.schema, o.name) for o in schema.operators if o not in operators}
    families = tuple(f for f in schema.operator_families if _members_known(f, known, dropped))
    listed += [Unmanaged("operator family", f.schema, f.signature) for f in schema.operator_families if f not in families]
    lost = {f.identity for f in schema.operator_families if f not in families}  # and the classes in such a family
    classes = tuple(c for c in schema.operator_classes if _members_known(c, known, dropped) and c.family_key() not in lost)
    listed += [Unmanaged("operator class", c.schema, c.signature) for c in schema.operator_classes if c not in classes]
    return replace(schema, operators=operators, casts=casts, operator_classes=classes, operator_families=families,
                   unmanaged=_sorted((*schema.unmanaged, *listed))) if listed else schema


def with_run_functions_listed(schema: Schema) -> Schema:
    """`schema` with each function its triggers and event triggers run that it does not know added to
    external_functions: also after `inspect --exclude extension:moddatetime` took away the extension whose function
    a kept trigger runs (else the loader refuses the trigger of the file inspect wrote)."""
    names = function_names(schema.functions)
    runs = [g.function for h in (*schema.tables, *schema.views) for g in h.triggers] + \
        [e.function for e in schema.event_triggers]
    outside = {_run(f) for f in runs if not runs_a_known_function(f, names, schema.extensions, schema.external_functions)}
    return replace(schema, external_functions=tuple(sorted({*schema.external_functions, *outside}))) if outside \
        else schema


def _read_by_views(schema: Schema) -> set[str]:
    """The relations of a schema not read that a view of the read reads (a view in public over Supabase's
    auth.users, `-n public`): listed under external_tables too, as `schema.name`; Postgres's own and those in an
    extension's schema (PostGIS's spatial_ref_sys) left out."""
    read = {n.name for n in schema.namespace_access}
    if not read or not schema.views:
        return set()
    skipped = read | {"pg_catalog", "information_schema"} | {e.schema for e in schema.extensions}
    return {joined_reference(d.schema, d.name) for v in schema.views for d in v.depends
            if d.schema not in skipped and d.kind in ("relation", "column")}  # (most are of a schema read)


def _members_known(c, known, dropped: set) -> bool:
    """Whether the read holds an operator class's (or family's) support functions (or they are Postgres's, an
    extension's) and its operators: a C function's class is listed as not managed, as its function is."""
    ops = {split_operator(o.operator) for o in c.operators}
    return all(known(call_parts(f.function)[0]) for f in c.functions) and not ops & dropped


def _operators_known(schema: Schema, names: frozenset) -> tuple[tuple, list[Unmanaged]]:
    """The operators whose function the read holds (or Postgres's, an extension's), and the others listed."""
    kept = tuple(o for o in schema.operators if runs_a_known_function(o.function, names, schema.extensions))
    return kept, [Unmanaged("operator", o.schema, o.signature) for o in schema.operators if o not in kept]


def _sorted(unmanaged: tuple) -> tuple:
    return tuple(sorted(unmanaged, key=lambda u: (u.kind, u.schema, u.name)))


def without_outside_functions(schema: Schema, external: tuple[str, ...] = ()) -> Schema:
    """`schema` less the triggers and event triggers that run a function it does not know and `external`
    does not name: listed as not managed. (Its operators were sorted so when it was read: with_outside_functions.)"""
    names = function_names(schema.functions)
    known = lambda function: runs_a_known_function(function, names, schema.extensions, external)  # noqa: E731
    listed: list[Unmanaged] = []

    def kept(holders: tuple) -> tuple:
        out = []
        for h in holders:
            if not h.triggers:  # (most views: none walked)
                out.append(h)
                continue
            outside = [g for g in h.triggers if not known(g.function)]
            listed.extend(Unmanaged("trigger", h.schema, f"{h.name}.{g.name}") for g in outside)
            out.append(replace(h, triggers=tuple(g for g in h.triggers if g not in outside)) if outside else h)
        return tuple(out)

    # (no table with a trigger or a partition's clone of one, as in most schemas: none walked, ~1 ms at 1,000 tables)
    tables = of_known_triggers(kept(schema.tables)) if any(
        t.triggers or t.cloned_triggers or t.cloned_trigger_comments for t in schema.tables) else schema.tables
    views = kept(schema.views)
    events = tuple(e for e in schema.event_triggers if known(e.function))
    listed += [Unmanaged("event trigger", "", e.name) for e in schema.event_triggers if e not in events]
    named = tuple(f for f in schema.external_functions if f in external)
    if not listed:
        return schema if named == schema.external_functions else replace(schema, external_functions=named)
    return replace(schema, tables=tables, views=views, event_triggers=events, external_functions=named,
                   unmanaged=_sorted((*schema.unmanaged, *listed)))


def as_schema_yaml_reads(actual: Schema, desired: Schema) -> Schema:
    """The database read as `desired` (schema.yaml) covers it: triggers running a function it neither holds
    nor lists under external_functions listed as not managed; the functions it lists there not compared."""
    external = desired.external_functions
    out = without_outside_functions(actual, external)
    if external and any(f"{f.schema}.{f.name}" in external for f in out.functions):
        out = replace(out, functions=tuple(f for f in out.functions if f"{f.schema}.{f.name}" not in external))
    return out


def views_reading_unmanaged(schema: Schema) -> list[str]:
    """One warning per view of the read and unmanaged relation it reads (a foreign table: schemac does not
    manage them): a migration creating the view applies only to a database that has that relation already,
    not to an empty one (`generate --verify`, `diff` without a database)."""
    listed = {(u.schema, u.name): u.kind for u in schema.unmanaged if u.schema}
    out = []
    for v in schema.views:
        read = sorted({(d.schema, d.name) for d in v.depends if d.kind in ("relation", "column")} & listed.keys())
        out += [f"{v.what} {v.qualified_name} reads {listed[r]} {r[0]}.{r[1]}, which schemac does not manage: a "
                f"migration creating the {v.what} applies only to a database that has {r[0]}.{r[1]} already, not to "
                "an empty one (generate --verify, diff without a database); create it before applying" for r in read]
    return out


# How a table's expression names a text search configuration or dictionary (Postgres's deparse: a literal cast to the
# reg type, the name schema-qualified where the schema is not on the search path).
_NAMED_AS = {"text search configuration": "regconfig", "text search dictionary": "regdictionary"}


def expressions_naming_unmanaged(schema: Schema) -> list[str]:
    """One warning per table expression (an index key or predicate, a column default or generated column, a CHECK)
    naming a text search configuration or dictionary listed as not managed (`'tsc2'::regconfig`: one of a parser or
    template of the database's own): a migration making the expression applies only to a database that has it."""
    named = {f"'{spelled}'::{_NAMED_AS[u.kind]}": u for u in schema.unmanaged if u.kind in _NAMED_AS
             for spelled in (u.name, f"{u.schema}.{u.name}")}
    if not named:
        return []
    out = []
    for t in schema.tables:
        texts = [(f"index {i.name}", x) for i in t.indexes for x in (i.where, *(e.expression for e in i.elements))]
        texts += [(f"column {c.name}", x) for c in t.columns for x in (c.default, c.generated)]
        texts += [(f"check {k.name}", k.expression) for k in t.checks]
        found = dict.fromkeys((what, u) for what, text in texts if text for literal, u in named.items() if literal in text)
        out += [f"{what} of table {t.schema}.{t.name} names {u.kind} {u.schema}.{u.name}, which schemac does not "
                "manage: a migration making it applies only to a database that has it already, not to an empty one; "
                "create it before applying" for what, u in found]
    return out


def bodies_unnamed(schema: Schema) -> list[str]:
    """One warning per SQL-standard body that still names a parameter "" (catalog.kindrows._unnamed_parameters could
    not tell which unnamed argument each is: pg.param_order): the migration creating it fails until it is edited."""
    from schemac.pg.sqllex import tokens

    return [f"{'procedure' if f.procedure else 'function'} {f.schema}.{f.signature}: Postgres prints its unnamed "
            'arguments as "" in its body and which one each is could not be told: write each as its $n in the file '
            "(the migration creating it fails as written)" for f in schema.functions
            if f.standard_body and '""' in f.body and any(t.kind == "name" and t.text == '""' for t in tokens(f.body))]
