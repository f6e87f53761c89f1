"""Model -> schema.yaml: an index's, an EXCLUDE constraint's and their elements' specs (writer.py's tables and
materialized views)."""

from __future__ import annotations

from typing import Any

from schemac.model import Exclusion, Index, IndexElement, yaml_spelling
from schemac.schemafile.storage import storage_spec
from schemac.schemafile.typewriter import Flow, FlowList, drop_empty


def element_spec(e: IndexElement) -> Any:
    if e.order == "asc" and e.nulls is None and e.opclass is None and e.collation is None and e.column is not None \
            and e.statistics is None:
        return e.column
    spec: dict = {"name": e.column} if e.column is not None else {"expression": e.expression}
    spec.update(drop_empty({"collation": yaml_spelling(e.collation), "order": e.order if e.order != "asc" else None, "nulls": e.nulls}))
    if e.opclass is not None:  # (opclass_options come with their opclass named)
        spec.update({"opclass": e.opclass}, **storage_spec(e, "opclass_options", e.opclass_options))
    return Flow({**spec, **drop_empty({"statistics_target": e.statistics})})


def exclusion_spec(x: Exclusion) -> Any:
    elements = []
    for e in x.elements:
        spec = element_spec(e)
        elements.append(Flow({**(spec if isinstance(spec, dict) else {"name": spec}), "with": e.operator}))
    spec = drop_empty({"name": x.name})
    spec["elements"] = FlowList(elements)
    spec.update(drop_empty({"using": x.method if x.method != "gist" else None, "where": x.where,
                             "include": FlowList(x.include), "deferrable": x.deferrable,
                             "initially_deferred": x.initially_deferred, "comment": x.comment}))
    spec.update(storage_spec(x))
    spec.update(drop_empty({"index_comment": x.index_comment}))
    return spec


def index_spec(i: Index) -> dict:
    spec: dict = {"columns": FlowList(element_spec(e) for e in i.elements)}
    if i.unique:
        spec["unique"] = True
    if i.nulls_not_distinct:
        spec["nulls_not_distinct"] = True
    if i.method != "btree":
        spec["method"] = i.method
    if i.where is not None:
        spec["where"] = i.where
    if i.include:
        spec["include"] = FlowList(i.include)
    spec.update(storage_spec(i))
    if i.comment is not None:
        spec["comment"] = i.comment
    if i.attached_to is not None:
        spec["attached_to"] = i.attached_to
    if i.beside_copy:
        spec["beside_copy"] = True
    return spec if len(spec) > 2 or any(isinstance(e, Flow) for e in spec["columns"]) else Flow(spec)
