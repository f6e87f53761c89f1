"""schema.yaml's document checked as a whole once its families are read: each object declared once, and each
function a trigger runs, extension table a key or INHERITS names, and type a column, function or type uses known (split
from schemafile/load.py at its 400 lines)."""

from __future__ import annotations

from typing import Any, Optional

from schemac.errors import SchemaFileError
from schemac.model.functions import function_names, runs_a_known_function
from schemac.pg.knowntypes import base_name, declared_types, extension_of, suggestion, type_uses, unknown_type
from schemac.schemafile.event_triggers import no_such_function


def trigger_functions_known(holders: list, functions: list, extensions: tuple, outside: tuple) -> None:
    """Each trigger of a table or view runs a function schema.yaml declares, Postgres's own, one it lists under
    external_functions, or one that may be an extension's: anything else is not there when the migration
    creates the trigger."""
    names = function_names(functions)
    for h in holders:
        for g in h.triggers:
            if not runs_a_known_function(g.function, names, extensions, outside):
                raise SchemaFileError(no_such_function(f"function of trigger '{g.name}' of {h.qualified_name}",
                                                       g.function, "trigger"), g.source)


def extension_tables_known(tables: list, extensions: tuple) -> None:
    """A foreign key that references an extension's table (`references: {..., extension: postgis}`), and an INHERITS
    parent that is one (`inherits: [{table: tiger.addr, extension: postgis_tiger_geocoder}]`), names an extension
    schema.yaml declares, and not a table it declares too: the extension makes the table."""
    names = {e.name for e in extensions}
    declared = {t.key for t in tables}
    for t in tables:
        for p in t.inherits:
            if p.extension is not None and (p.extension not in names or (p.schema, p.name) in declared):
                raise SchemaFileError(f"table {t.qualified_name} inherits from {p.schema}.{p.name} of extension "
                                      f"{p.extension}, " + ("but schema.yaml declares that table" if p.extension in names
                                                            else "which schema.yaml does not declare"), t.source)
        for fk in t.foreign_keys:
            if fk.ref_extension is None:
                continue
            if fk.ref_extension not in names:
                raise SchemaFileError(f"foreign key of table {t.qualified_name} references {fk.ref_schema}.{fk.ref_table} "
                                      f"of extension {fk.ref_extension}, which schema.yaml does not declare", fk.source)
            if (fk.ref_schema, fk.ref_table) in declared:
                raise SchemaFileError(f"foreign key of table {t.qualified_name} references {fk.ref_schema}.{fk.ref_table} "
                                      f"as extension {fk.ref_extension}'s, but schema.yaml declares that table", fk.source)


def declared_once(objects: list, kind: str, taken: Optional[dict] = None) -> None:
    """Each (schema, name) once among `objects` (enums and domains share the type namespace), and not
    one that `taken` already holds (a sequence's name is a relation's name)."""
    seen: dict[tuple[str, str], Any] = {}
    for obj in objects:
        key = (obj.schema, obj.name)
        if key in seen:
            first = seen[key].source
            raise SchemaFileError(f"{kind} {obj.schema}.{obj.name} is declared twice (first at line "
                                  f"{first.line if first else '?'})", obj.source)
        if taken and key in taken:
            raise SchemaFileError(f"{kind} {obj.schema}.{obj.name} has the same name as {taken[key]}", obj.source)
        seen[key] = obj


def view_indexes_once(views: list, relations: dict) -> None:
    """A materialized view's index names share the namespace of relations in its schema."""
    taken = dict(relations)
    taken.update({v.key: f"{v.what} {v.qualified_name}" for v in views})
    for v in views:
        for i in v.indexes:
            if (v.schema, i.name) in taken:
                raise SchemaFileError(f"index name '{i.name}' is already used in schema {v.schema} by "
                                      f"{taken[(v.schema, i.name)]}", i.source)
            taken[(v.schema, i.name)] = f"index {v.schema}.{i.name}"


def functions_once(functions: list) -> None:
    """Overloads are distinct functions; one (schema, name, input types) is declared once."""
    seen: dict[tuple, Any] = {}
    for f in functions:
        key = (f.schema, f.name, f.identity)
        if key in seen:
            first = seen[key].source
            raise SchemaFileError(f"function {f.schema}.{f.signature} is declared twice (first at line "
                                  f"{first.line if first else '?'})", f.source)
        seen[key] = f


def _another_dialects(type_text: str) -> bool:
    from schemac.pg.typeparse import another_dialects_type  # sqlglot: only for an unknown type's message

    return another_dialects_type(type_text)


def types_known(tables, types, domains, functions, extensions, external, composites=(), ranges=(), operators=(),
                 casts=()) -> None:
    """Every type used is one Postgres, schema.yaml or a declared extension knows, or is declared in
    external_types: a typo is an error at its line, with the closest known name. `types`: the enums,
    domains, composite and range types schema.yaml declares, and its tables and views (their row types)."""
    declared = declared_types(types)
    ext_names = [e.name for e in extensions]
    ext_set = set(external)
    # Each distinct type is looked up once; the columns' (most of the uses) are looked at first, and each use
    # worded (for the message) only when one of them is unknown.
    unknown = {t: unknown_type(t, declared, ext_names, ext_set) for t in {c.type for t in tables for c in t.columns}}
    uses = type_uses(tables if any(unknown.values()) else (), domains, functions, composites, ranges, operators, casts)
    for type_text, what, source in uses:
        if type_text not in unknown:
            unknown[type_text] = unknown_type(type_text, declared, ext_names, ext_set)
        if unknown[type_text]:
            _, name = base_name(type_text)
            ext = extension_of(name)
            if ext is not None:
                hint = f"; it comes from extension {ext}: declare it under extensions:"
            elif _another_dialects(type_text):
                hint = ": not a PostgreSQL type (sqlglot knows it from another SQL dialect); write the PostgreSQL " \
                    "type, or declare a type of that name (domains:, enums:, composite_types:)"
            else:
                close = suggestion(type_text, declared, ext_names)
                hint = (f" (did you mean '{close}'?)" if close else "") + \
                    "; declare it (composite_types:, range_types:), or if the database has it (a base type, an " \
                    "extension's type), list it under external_types:"
            raise SchemaFileError(f"type of {what}: unknown type '{type_text}'{hint}", source)
