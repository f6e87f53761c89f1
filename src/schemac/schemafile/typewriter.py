"""The shapes schema.yaml is written in (a mapping or a list on one line, a literal block) and how
`inspect` writes CHECKs, foreign keys, enums, domains, composite and range types and collations (schemafile.writer puts
them together)."""

from __future__ import annotations

from typing import Any, Optional

from schemac.errors import printable
from schemac.model import (Check, Collation, CompositeType, Domain, Enum, ForeignKey, RangeType, Rule, TextSearchConfig,
                           TextSearchDictionary, Unmanaged)
from schemac.model.collnames import yaml_spelling


class Flow(dict):
    """A mapping printed on one line: {type: text, nullable: false}."""


class FlowList(list):
    """A list printed on one line: [a, b]."""


class Block(str):
    """A multi-line text printed as a literal block (|), as a function body is written by hand."""


def written_number(value: Optional[float]) -> Any:
    """A number as schema.yaml writes it: a whole one without its `.0` (`cost: 100`, not 100.0)."""
    return int(value) if value is not None and value == int(value) else value


def drop_empty(d: dict) -> dict:
    """Without the unset keys (None, False, empty); a 0 (`min_value: 0`) is a value, kept."""
    return {k: v for k, v in d.items() if not (v is None or v is False or v in ((), [], {}))}


def with_used_outside(spec: Any, obj: Any) -> Any:
    """A type's or sequence's spec with its `used_outside` (inspect -n), one entry a line (not a flow mapping)."""
    used = getattr(obj, "used_outside", ())
    return {**spec, "used_outside": list(used)} if used else spec


def composite_spec(c: CompositeType) -> dict:
    attributes = {a.name: a.type if a.collation is None and a.comment is None else
                  Flow(drop_empty({"type": a.type, "collation": yaml_spelling(a.collation), "comment": a.comment})) for a in c.attributes}
    return {"attributes": Flow(attributes), **drop_empty({"schema": c.schema if c.schema != "public" else None,
                                                           "comment": c.comment})}


def collation_spec(c: Collation) -> Any:
    spec = drop_empty({"provider": c.provider, "locale": c.locale, "lc_collate": c.lc_collate, "lc_ctype": c.lc_ctype})
    spec.update({"deterministic": False} if not c.deterministic else {})
    return Flow({**spec, **drop_empty({"schema": c.schema if c.schema != "public" else None, "comment": c.comment,
                                       "owner": c.owner})})


def range_spec(r: RangeType) -> Any:
    return Flow(drop_empty({"subtype": r.subtype, "schema": r.schema if r.schema != "public" else None,
                              "subtype_opclass": r.subtype_opclass, "collation": yaml_spelling(r.collation),
                              "canonical": r.canonical, "subtype_diff": r.subtype_diff, "multirange": r.multirange_written,
                              "comment": r.comment, "multirange_comment": r.multirange_comment}))


def unenforced(c: Check | ForeignKey) -> dict:
    """`enforced: false` of a NOT ENFORCED constraint; nothing (the default) of an enforced one."""
    return {} if c.enforced else {"enforced": False}


def check_spec(c: Check) -> Any:
    if not c.not_valid and not c.no_inherit and c.enforced and c.comment is None and not c.binds:
        return c.expression
    return Flow({**drop_empty({"expression": c.expression, "not_valid": c.not_valid, "no_inherit": c.no_inherit}),
                 **unenforced(c), **drop_empty({"comment": c.comment}),
                 **({"binds": FlowList(c.binds)} if c.binds else {})})  # (compare.expression_binds)


def foreign_key_spec(fk: ForeignKey, schema: str) -> dict:
    ref: dict = {"table": fk.ref_table, "columns": FlowList(fk.ref_columns)}
    if fk.ref_schema != schema:
        ref["schema"] = fk.ref_schema
    if fk.ref_extension is not None:
        ref["extension"] = fk.ref_extension
    spec: dict = {"columns": FlowList(fk.columns), "references": Flow(ref)}
    if fk.name is not None:
        spec["name"] = fk.name
    for key, value in (("on_delete", fk.on_delete), ("on_update", fk.on_update)):
        if value != "no action":
            spec[key] = value.replace(" ", "_")
    if fk.on_delete_columns:
        spec["on_delete_columns"] = FlowList(fk.on_delete_columns)
    if fk.match_full:
        spec["match"] = "full"
    spec.update(drop_empty({"period": fk.period, "deferrable": fk.deferrable, "initially_deferred": fk.initially_deferred,
                            "not_valid": fk.not_valid}))
    spec.update(unenforced(fk))
    spec.update(drop_empty({"comment": fk.comment}))
    return spec


def enum_spec(e: Enum) -> Any:
    spec = {"values": FlowList(e.values)}
    if e.schema != "public":
        spec["schema"] = e.schema
    if e.comment is not None:
        spec["comment"] = e.comment
    return spec


def domain_spec(d: Domain) -> dict:
    spec: dict = {"type": d.type}
    if d.schema != "public":
        spec["schema"] = d.schema
    if d.default is not None:
        spec["default"] = d.default
    if d.not_null:  # {name?, comment?} of its NOT NULL constraint (17+)
        nn = {k: v for k, v in (("name", d.not_null_name), ("comment", d.not_null_comment)) if v is not None}
        spec["not_null"] = Flow(nn) if nn else True
    if d.collation is not None:
        spec["collation"] = yaml_spelling(d.collation)
    if d.checks:
        spec["checks"] = {c.name: check_spec(c) for c in d.checks}
    if d.comment is not None:
        spec["comment"] = d.comment
    return spec


def text_search_dictionary_spec(d: TextSearchDictionary) -> dict:
    options = dict(o.split("=", 1) for o in d.options)
    return {"template": d.template, **drop_empty({"options": Flow(options) if options else None,
                                                  "schema": d.schema if d.schema != "public" else None,
                                                  "comment": d.comment, "owner": d.owner})}


def text_search_config_spec(c: TextSearchConfig) -> dict:
    """parser (when not pg_catalog's default), then the mappings, one token type a line."""
    spec = drop_empty({"parser": c.parser if c.parser != "default" else None,
                       "mappings": {m.token: FlowList(m.dictionaries) for m in c.mappings}})
    return {**spec, **drop_empty({"schema": c.schema if c.schema != "public" else None, "comment": c.comment,
                                  "owner": c.owner})}


def rules_spec(rules: tuple[Rule, ...]) -> dict:
    """A table's or view's `rules:`, a rule with actions over lines (one action a line)."""
    return {r.name: (dict if r.actions else Flow)(drop_empty(
        {"event": r.event, "instead": r.instead, "where": r.where, "actions": list(r.actions),
         "enabled": None if r.enabled == "origin" else r.enabled, "comment": r.comment}))
        for r in rules}


def unmanaged_comment(unmanaged: tuple[Unmanaged, ...]) -> str:
    """The closing comment of schema.yaml: what the database holds that schemac does not manage, by kind."""
    if not unmanaged:
        return ""
    lines = [f"# Not managed by schemac ({len(unmanaged)}): listed for reference, never changed."]
    by_kind: dict[str, list[str]] = {}
    for u in unmanaged:
        by_kind.setdefault(u.kind, []).append(u.path)
    for kind in sorted(by_kind):
        # (a name holding a line break would end the comment: the rest of it read as YAML)
        lines.append(f"#   {kind} ({len(by_kind[kind])}): {printable(', '.join(by_kind[kind]))}")
    return "\n".join(lines) + "\n"
