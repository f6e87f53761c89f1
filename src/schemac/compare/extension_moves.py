"""The columns (and arguments, results, domains, attributes) of an extension's types, read in the schema the
migration moves the extension to.

An extension moved to another schema (ALTER EXTENSION ... SET SCHEMA, plan.objects) takes its types along, and
the columns of those types with them: `ext_a.citext` is `ext_b.citext` once it runs. Compared as they are
written, each column would be retyped (a rewrite of its table, refused as destructive); the current model's
columns are read with the new schema instead, and so are the functions' arguments and results (a function of
`ext_a.citext` is one of `ext_b.citext` after the move: dropping the first and creating the second would find
it there), the aggregates', the domains' base types and the composite types' attributes. A type of the old
schema the model declares (an enum, a domain, a composite or range type) is the user's, not the extension's,
and stays as it is. The operator classes of the moved extensions named by index and EXCLUDE keys move too
(pg.extension_opclasses.with_moved_classes): the index stays.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.model import Schema
from schemac.pg.extension_opclasses import with_moved_classes
from schemac.pg.names import quote_ident


def _moved(current: Schema, desired: Schema) -> dict[str, tuple[str, str]]:
    """Name -> (old schema, new schema) of the extensions schema.yaml moves."""
    was = {e.name: e.schema for e in current.extensions}
    return {e.name: (was[e.name], e.schema) for e in desired.extensions  # type: ignore[misc]
            if e.schema is not None and was.get(e.name) not in (None, e.schema)}


def with_moved_extension_types(current: Schema, desired: Schema) -> Schema:
    """`current` with the columns of the moved extensions' types in their new schema (see the module)."""
    moved = _moved(current, desired)
    if not moved:
        return current
    moves = dict(moved.values())  # old schema -> new schema (an extension in each, at most)
    current = with_moved_classes(current, moved)
    mine = {(t.schema, t.name) for field in ("enums", "domains", "composite_types", "range_types")
            for t in getattr(current, field)}

    def moved(type_text: str) -> str:
        for old, new in moves.items():
            prefix = quote_ident(old) + "."
            name = type_text[len(prefix):].split("[")[0].split("(")[0].strip('"')
            if type_text.startswith(prefix) and (old, name) not in mine:
                return quote_ident(new) + "." + type_text[len(prefix):]
        return type_text

    def typed(objects: tuple, field: str = "type") -> tuple:
        """Each object with its `field` (a type) moved."""
        return tuple(replace(o, **{field: moved(getattr(o, field))}) for o in objects)

    def result(returns: Optional[str]) -> Optional[str]:
        return returns if returns is None or returns.startswith("TABLE(") else \
            ("SETOF " + moved(returns[len("SETOF "):]) if returns.startswith("SETOF ") else moved(returns))

    return replace(current, tables=tuple(replace(t, columns=typed(t.columns)) for t in current.tables),
                   domains=typed(current.domains),
                   functions=tuple(replace(f, arguments=typed(f.arguments), returns=result(f.returns))
                                   for f in current.functions),
                   aggregates=tuple(replace(a, arguments=tuple(map(moved, a.arguments)), stype=moved(a.stype))
                                    for a in current.aggregates),
                   composite_types=tuple(replace(c, attributes=typed(c.attributes)) for c in current.composite_types))
