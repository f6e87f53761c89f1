"""An extension's type written without its schema (`geometry(Point,4326)`) while schema.yaml puts the
extension in a schema of its own (`extensions: [{name: postgis, schema: extensions}]`).

Postgres finds such a name through the search_path, which need not hold that schema (the default does
not: the migration's CREATE TABLE then fails, "type geometry does not exist"), and format_type prints it
qualified (`extensions.geometry(Point,4326)`), so schema.yaml's spelling was drift against the catalog's.
The loader qualifies it, as the catalog spells it, where schema.yaml's own types do not take the name;
so does the reading of state.json, whose models recorded before this kept the unqualified spelling (a
migration applied where the search_path held the schema): the same type, no change to plan.

An EXCLUDE element over a column of such a type names its operator bare as people write it (`g WITH &&` over a
geometry of PostGIS in `extensions`), which is the extension's own (`extensions.&&`: the catalog reader names an
operator outside pg_catalog and public so); bare, the migration's ALTER TABLE did not find it ("operator does not
exist: extensions.geometry && extensions.geometry"). The loader qualifies it as it qualifies the type.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Iterable, Optional

from schemac.model import Extension
from schemac.pg.knowntypes import EXTENSION_TYPES, base_name
from schemac.model.references import reference_part
from schemac.pg.names import format_type_ident


def extension_schemas(extensions: Iterable[Extension], taken: set[str]) -> dict[str, str]:
    """Type name -> the schema of the declared extension (outside public) that has it; `taken`: names
    schema.yaml declares itself in public, or lists under external_types."""
    return {name: e.schema for e in extensions if e.schema and e.schema != "public"
            for name in EXTENSION_TYPES.get(e.name, ()) if name not in taken}


def qualified(canonical: str, schemas: dict[str, str]) -> str:
    """`canonical` with the schema of the extension its unqualified name comes from, if any."""
    if not schemas:
        return canonical
    schema, name = base_name(canonical)
    return canonical if schema is not None or name not in schemas else f"{format_type_ident(schemas[name])}.{canonical}"


def _operators_qualified(table, schemas: dict[str, str]):
    """`table` with each EXCLUDE element over a column of an extension's type (qualified already) naming a bare
    operator given the extension's schema (see the module's docstring)."""
    if not table.exclusions:
        return table
    types = {c.name: base_name(c.type) for c in table.columns}

    def element(e):
        schema, name = types.get(e.column, (None, "")) if e.column else (None, "")
        if schema is None or schemas.get(name) != schema or "." in e.operator.lstrip("."):
            return e
        return replace(e, operator=f"{reference_part(schema)}.{e.operator}")
    exclusions = tuple(replace(x, elements=tuple(element(e) for e in x.elements)) for x in table.exclusions)
    return table if exclusions == table.exclusions else replace(table, exclusions=exclusions)


def _result(returns: Optional[str], q) -> Optional[str]:
    """A function's result type qualified (`SETOF geometry` too; a TABLE(...)'s columns are left as written)."""
    if returns is None or returns.startswith("TABLE("):
        return returns
    return "SETOF " + q(returns[len("SETOF "):]) if returns.startswith("SETOF ") else q(returns)


def qualify_extension_types(schema):
    """`schema` (a Schema) with its extension types qualified (see the module's docstring): columns,
    domains, composite attributes, range subtypes, function arguments and results."""
    taken = {t.name for t in (*schema.enums, *schema.domains, *schema.composite_types, *schema.range_types)
             if t.schema == "public"}
    schemas = extension_schemas(schema.extensions, taken | {x for x in schema.external_types if "." not in x})
    if not schemas:
        return schema
    q = lambda t: qualified(t, schemas)  # noqa: E731
    return replace(
        schema,
        tables=tuple(_operators_qualified(replace(t, columns=tuple(c if q(c.type) == c.type else replace(c, type=q(c.type))
                                                                    for c in t.columns)), schemas)
                     for t in schema.tables),
        domains=tuple(replace(d, type=q(d.type)) for d in schema.domains),
        composite_types=tuple(replace(c, attributes=tuple(replace(a, type=q(a.type)) for a in c.attributes))
                              for c in schema.composite_types),
        range_types=tuple(replace(r, subtype=q(r.subtype)) for r in schema.range_types),
        functions=tuple(replace(f, arguments=tuple(replace(a, type=q(a.type)) for a in f.arguments),
                                returns=_result(f.returns, q)) for f in schema.functions))

