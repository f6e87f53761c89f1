"""The views of a schema that a migration creating it all makes of a stub and their query (plan.stubs), given the
types of their columns: `inspect` writes them into schema.yaml (`columns: {a: {type: integer}}`), for the
throwaway build of views, which knows a view's columns only from its query, to make the stub of one whose query
reads the view itself."""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.changes import Change
from schemac.compare.view_reads import reads_itself, view_keys
from schemac.model import Schema, View, ViewColumn
from schemac.plan.graph import edges
from schemac.plan.keys import refs_of
from schemac.plan.stubs import on_cycles


def stubbed_views(schema: Schema) -> set[tuple[str, str]]:
    """The keys of the plain views that read themselves, or lie on a cycle of the graph of creating the views and
    the functions, aggregates and types that name a view's row type (only those can close one)."""
    views = [v for v in schema.views if not v.materialized and v.output]
    out = {v.key for v in views if reads_itself(v)}
    rows = set().union(*(view_keys(v) for v in views)) if views else set()
    others = [(kind, o) for kind, objects in (("add_function", schema.functions), ("add_aggregate", schema.aggregates),
                                              ("add_composite_type", schema.composite_types),
                                              ("add_domain", schema.domains))
              for o in objects if refs_of(None, o) & rows]
    if not others:
        return out
    changes = [Change("add_view", v.schema, "", v.name, None, v) for v in views] + \
        [Change(kind, o.schema, "", o.name, None, o) for kind, o in others]
    return out | {views[i].key for i in on_cycles(edges(changes), len(changes)) if i < len(views)}


def with_stub_types(schema: Schema) -> Schema:
    """`schema` with every column of each view `stubbed_views` names given its type (beside its comment, default)."""
    stubbed = stubbed_views(schema)
    if not stubbed:
        return schema
    return replace(schema, views=tuple(_typed(v) if v.key in stubbed else v for v in schema.views))


def _typed(v: View) -> View:
    given = {c.name: c for c in v.columns}
    return replace(v, columns=tuple(replace(given.get(c.name, ViewColumn(c.name)), type=c.type, collation=c.collation)
                                    for c in v.output))
