"""Model -> schema.yaml text: what `schemac inspect` prints.

The output is meant to be committed and reviewed: keys in a fixed order, one line per column in
flow style, defaults left out, and byte-identical for the same database. `schemac generate`
compiles it back into the same database (the corpus round-trip tests hold it to that).
"""

from __future__ import annotations

from collections import Counter
from schemac.model.frozen import replace
from typing import Any, Optional

import yaml

from schemac.model import (Column, Function, Identity, RangeType, Schema, Sequence,
                           SequenceOptions, spelled_for, Table, View, yaml_spelling)
from schemac.pg.knowntypes import external_types_of
from schemac.schemafile.aggregates import aggregate_spec
from schemac.schemafile.operators import operator_spec
from schemac.pg.routines import arguments_text
from schemac.schemafile.emit import FastEmitter
from schemac.schemafile.literal import LiteralDumper, hidden
from schemac.compare.inherited_checks import reordered_child
from schemac.schemafile.inherits import own_columns, parent_spec as _parent_spec
from schemac.schemafile.extended_statistics import statistics_spec
from schemac.schemafile.triggers import trigger_spec
from schemac.schemafile.typewriter import Block as _Block, Flow as _Flow, FlowList as _FlowList, written_number as _number
from schemac.schemafile.typewriter import (check_spec, collation_spec, composite_spec, domain_spec, drop_empty as _drop_empty,
                                           enum_spec, foreign_key_spec, range_spec, rules_spec, text_search_config_spec, with_used_outside,
                                           text_search_dictionary_spec, unmanaged_comment)
from schemac.schemafile.grants import (grants_flow as _grants_flow, owner_spec, range_parts_spec, written_default_privileges,
                                       written_grants, written_namespaces)
from schemac.schemafile.policies import written_policies
from schemac.schemafile.publications import written_publications
from schemac.schemafile.database_settings import written_database
from schemac.schemafile.event_triggers import written_event_triggers
from schemac.schemafile.casts import written_casts
from schemac.schemafile.opclasses import written_operator_classes
from schemac.schemafile.foreign_servers import foreign_table_spec, written_foreign_servers
from schemac.schemafile.extensions import extension_spec
from schemac.schemafile.storage import storage_spec
from schemac.schemafile.index_specs import exclusion_spec, index_spec
from schemac.schemafile.replica_identity import replica_identity_spec
from schemac.schemafile.column_settings import column_settings_spec


class _Dumper(LiteralDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401
        # Indent list items under their key, as people write them.
        return super().increase_indent(flow, False)


def _escaped_next_line(value: str) -> Optional[str]:
    """A text holding U+0085 (NEL: what a cp1252 ellipsis becomes read as Latin-1) double-quoted, where PyYAML escapes
    it (`\\N`): YAML counts NEL as a line break, and PyYAML writes it raw in a quoted scalar, which reads it back
    folded into a space; nor may a literal block hold it."""
    return '"' if "\x85" in value or hidden(value) else None


def _str_style(value: str) -> Optional[str]:
    # SQL is full of single quotes: "nextval('s'::regclass)" reads better than 'nextval(''s''::regclass)'.
    return _escaped_next_line(value) or (
        '"' if "'" in value and '"' not in value and "\\" not in value and value.isprintable() else None)


def _str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=_str_style(value))


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Block, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v),
                                                                style=_escaped_next_line(v) or ("|" if "\n" in v else None)))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_EMITTER = FastEmitter(_Dumper, _Flow, _FlowList, _str_style)


def _options(o: SequenceOptions) -> dict:
    return _drop_empty({"type": o.type, "start": o.start, "increment": o.increment, "min_value": o.min_value,
                        "max_value": o.max_value, "cache": o.cache, "cycle": o.cycle})


def _identity(i: Identity) -> Any:
    kind = "always" if i.always else "by_default"
    opts = {**_options(i.options), **_drop_empty({"sequence_name": i.sequence_name}), **_access(i, "sequence"),
            **({"comment": i.comment} if i.comment is not None else {})}
    return _Flow({"generated": kind, **opts}) if opts else kind


def _column(c: Column, pk_inline: bool) -> Any:
    spec = {"type": c.type}
    if c.collation is not None:
        spec["collation"] = yaml_spelling(c.collation)
    if not c.nullable and not pk_inline and c.identity is None:
        spec["nullable"] = False
    if c.not_null is not None:
        nn = c.not_null
        spec["not_null"] = _Flow(_drop_empty({"name": nn.name, "not_valid": nn.not_valid, "no_inherit": nn.no_inherit,
                                              "comment": nn.comment}))
    if pk_inline:
        spec["primary_key"] = True
    if c.default is not None:
        spec["default"] = c.default
    if c.binds:  # (compare.expression_binds)
        spec["binds"] = _FlowList(c.binds)
    if c.identity is not None:
        spec["identity"] = _identity(c.identity)
    if c.generated is not None:
        spec["generated"] = _Flow({"expression": c.generated, "stored": False}) if c.virtual else c.generated
    if c.comment is not None:
        spec["comment"] = c.comment
    spec.update(column_settings_spec(c))
    if c.fdw_options:
        spec["foreign_options"] = _Flow(dict(c.fdw_options))
    if list(spec) == ["type"]:
        return c.type
    return _Flow(spec)


def _unless_default(t: Table, c) -> Table:
    """The constraint without its name when Postgres would give it that name anyway: less to review."""
    from schemac.pg.names import default_constraint_name

    return replace(c, name=None) if c.name is not None and c.name == default_constraint_name(t, c) else c


def _table(t: Table, key: str, tables: Optional[dict] = None) -> dict:
    t = replace(t, primary_key=_unless_default(t, t.primary_key) if t.primary_key else None,
                uniques=tuple(_unless_default(t, u) for u in t.uniques),
                foreign_keys=tuple(_unless_default(t, fk) for fk in t.foreign_keys),
                exclusions=tuple(_unless_default(t, x) for x in t.exclusions))
    spec: dict = {}
    if key != t.name:
        spec["name"] = t.name
    if t.schema != "public":
        spec["schema"] = t.schema
    if t.comment is not None:
        spec["comment"] = t.comment
    if t.partition_of is not None:
        p = t.partition_of
        spec["partition_of"] = _Flow(_drop_empty({"parent": p.parent, "bound": p.bound,
                                                  "schema": p.parent_schema if p.parent_schema != t.schema else None}))
    if t.partition_by is not None:
        spec["partition_by"] = _Flow({"strategy": t.partition_by.strategy, "key": t.partition_by.key})
    if t.inherits:
        spec["inherits"] = _FlowList(_parent_spec(p, t.schema) for p in t.inherits)
        reordered = reordered_child(t, tables or {})
        if reordered:  # its parents' columns are not first, or not in their order
            spec["column_order"] = _FlowList(c.name for c in t.columns)
            if t.inherited_only:  # columns it has from its parents only (attislocal false)
                spec["inherited_only"] = _FlowList(t.inherited_only)
        own = own_columns(t, tables or {}, reordered)
        listed = [c.name for c in own if c.name in t.inherited_only]
        if listed and not reordered:  # written (a default, NOT NULL or comment of its own), yet never declared
            spec["inherited_only"] = _FlowList(listed)
        t = replace(t, columns=own)
    spec.update(_drop_empty({"of": t.of, "unlogged": t.unlogged, "cluster_on": t.cluster_on}))
    spec.update(foreign_table_spec(t))
    spec.update(storage_spec(t))
    spec.update(replica_identity_spec(t))
    pk = t.primary_key
    pk_inline = pk is not None and len(pk.columns) == 1 and pk.name is None and pk.comment is None \
        and not (pk.deferrable or pk.include or pk.parameters) and pk.index_comment is None \
        and any(c.name == pk.columns[0] for c in t.columns)  # not on a column an INHERITS child only inherits
    if t.columns or not t.inherits:
        spec["columns"] = {c.name: _column(c, pk_inline and c.name == pk.columns[0]) for c in t.columns}  # type: ignore
    if pk is not None and not pk_inline:
        spec["primary_key"] = _Flow(_drop_empty({"columns": _FlowList(pk.columns), "name": pk.name,
                                                 "include": _FlowList(pk.include), "without_overlaps": pk.without_overlaps,
                                                 "deferrable": pk.deferrable,
                                                 "initially_deferred": pk.initially_deferred, "comment": pk.comment,
                                                 "index_comment": pk.index_comment, **storage_spec(pk)}))
    if t.uniques:
        spec["unique"] = [_Flow(_drop_empty({"columns": _FlowList(u.columns), "name": u.name,
                                             "include": _FlowList(u.include), "nulls_not_distinct": u.nulls_not_distinct,
                                             "without_overlaps": u.without_overlaps, "deferrable": u.deferrable,
                                             "initially_deferred": u.initially_deferred, "comment": u.comment,
                                             "index_comment": u.index_comment, **storage_spec(u),
                                             "beside_copy": u.beside_copy, "attached_to": u.attached_to}))
                          for u in t.uniques]
    if t.checks:
        spec["checks"] = {c.name: check_spec(c) for c in t.checks}
    if t.foreign_keys:
        spec["foreign_keys"] = [foreign_key_spec(fk, t.schema) for fk in t.foreign_keys]
    if t.exclusions:
        spec["exclude"] = [exclusion_spec(x) for x in t.exclusions]
    if t.indexes:
        spec["indexes"] = {i.name: index_spec(i) for i in t.indexes}
    if t.triggers:
        spec["triggers"] = {g.name: trigger_spec(g) for g in t.triggers}
    if t.cloned_triggers or t.cloned_trigger_comments:
        states, comments = dict(t.cloned_triggers), dict(t.cloned_trigger_comments)
        spec["cloned_triggers"] = _Flow({n: states[n] if n not in comments else _Flow(
            {**({"enabled": states[n]} if n in states else {}), "comment": comments[n]}) for n in sorted({*states, *comments})})
    if t.validated_checks:
        spec["validated_checks"] = _FlowList(t.validated_checks)
    if t.copy_comments:  # schemafile/copies.py
        spec["inherited_constraints"] = {n: _Flow({"comment": text}) for n, text in t.copy_comments}
    if t.row_type_comment is not None:
        spec["row_type_comment"] = t.row_type_comment
    if t.used_outside:
        spec["used_outside"] = list(t.used_outside)
    if t.rules:
        spec["rules"] = rules_spec(t.rules)
    if t.statistics:
        spec["statistics"] = statistics_spec(t.statistics, t.schema)
    if t.row_level_security or t.force_row_level_security:
        spec["row_level_security"] = _Flow(_drop_empty({"enabled": t.row_level_security,
                                                        "forced": t.force_row_level_security}))
    if t.policies:
        written = {name: {k: _FlowList(v) if isinstance(v, list) else v for k, v in p.items()}
                   for name, p in written_policies(t.policies).items()}
        spec["policies"] = {name: _Flow(p) if len(p) <= 3 and len(str(p)) < 80 else p for name, p in written.items()}
    spec.update(_access(t, "table"))
    return spec


def _access(obj: Any, kind: str) -> dict:
    """{"grants": ..., "owner": ...}: the grants where the access list differs from Postgres's default, the
    owner where it is pinned."""
    written = written_grants(obj.grants, kind)
    return {**({"grants": _grants_flow(written)} if written else {}), **owner_spec(obj)}


def _sequence(s: Sequence) -> Any:
    spec = _options(s.options)
    if s.schema != "public":
        spec["schema"] = s.schema
    if s.owned_by is not None:
        spec["owned_by"] = s.owned_by
    if s.unlogged:
        spec["unlogged"] = True
    if s.comment is not None:
        spec["comment"] = s.comment
    if s.used_outside:
        spec["used_outside"] = list(s.used_outside)
    spec.update(_access(s, "sequence"))
    return _Flow(spec) if "grants" not in spec and not s.used_outside else spec


def _function(f: Function) -> dict:
    spec: dict = {}
    if f.schema != "public":
        spec["schema"] = f.schema
    if f.procedure:
        spec["procedure"] = True
    if f.arguments:
        spec["arguments"] = arguments_text(f.arguments)
    if f.returns is not None:
        spec["returns"] = f.returns
    spec["language"] = f.language
    if f.library is not None:
        spec["library"] = f.library
    for key, value, default in (("volatility", f.volatility, "volatile"), ("parallel", f.parallel, "unsafe")):
        if value != default:
            spec[key] = value
    spec.update(_drop_empty({"strict": f.strict, "security_definer": f.security_definer, "leakproof": f.leakproof,
                             "cost": _number(f.cost), "rows": _number(f.rows)}))
    if f.support is not None:
        spec["support"] = f.support
    if f.binds:
        spec["binds"] = list(f.binds)
    if f.config:
        spec["set"] = _Flow({name: value for name, _, value in (c.partition("=") for c in f.config)})
    if f.comment is not None:
        spec["comment"] = f.comment
    spec.update(_access(f, "function"))
    if f.used_outside:
        spec["used_outside"] = list(f.used_outside)
    spec["body"] = _Block(f.body)
    return spec


def _view(v: View) -> dict:
    """A view as schema.yaml declares it: the query as Postgres deparses it, options, comments, indexes."""
    spec: dict = {"schema": v.schema} if v.schema != "public" else {}
    spelled = dict(s.partition("=")[::2] for s in v.spelled)
    spec.update({k: spelled.get(k, on) for k, on in (("security_barrier", v.security_barrier),
                                                      ("security_invoker", v.security_invoker)) if on is not None})
    spec.update(_drop_empty({"check_option": v.check_option}))
    if v.materialized and not v.with_data:
        spec["with_data"] = False
    spec.update(storage_spec(v))
    if v.comment is not None:
        spec["comment"] = v.comment
    if v.columns:
        spec["columns"] = {c.name: _Flow(_drop_empty({"type": c.type, "collation": yaml_spelling(c.collation),
                                                      "comment": c.comment, "default": c.default,
                                                      "statistics_target": c.statistics, "storage": c.storage,
                                                      "compression": c.compression}))
                           for c in v.columns}
    if v.indexes:
        spec["indexes"] = {i.name: index_spec(i) for i in v.indexes}
    if v.cluster_on is not None:
        spec["cluster_on"] = v.cluster_on
    if v.statistics:
        spec["statistics"] = statistics_spec(v.statistics, v.schema)
    if v.triggers:
        spec["triggers"] = {g.name: trigger_spec(g) for g in v.triggers}
    if v.rules:
        spec["rules"] = rules_spec(v.rules)
    if v.used_outside:
        spec["used_outside"] = list(v.used_outside)
    if v.binds:
        spec["binds"] = list(v.binds)
    spec.update(_access(v, "table"))
    spec["query"] = _Block(v.query)
    return spec


def _function_keys(functions: tuple) -> dict:
    """A function's name; an overload's name(types); schema-qualified where two schemas share it."""
    def key(f: Function, qualify: bool) -> str:
        return (f"{f.schema}." if qualify else "") + (f.signature if overloaded[(f.schema, f.name)] else f.name)

    overloaded = {}
    for f in functions:
        overloaded[(f.schema, f.name)] = (f.schema, f.name) in overloaded
    first = Counter(key(f, False) for f in functions)
    return {id(f): key(f, first[key(f, False)] > 1) for f in functions}


def _keys(objects: tuple) -> dict:
    """Mapping keys: the object's name, or schema.name (with a name: key) where two schemas share a name."""
    names = Counter(o.name for o in objects)  # (list.count per object was quadratic: 10^8 compares at 10,000 tables)
    return {id(o): (o.name if names[o.name] == 1 else f"{o.schema}.{o.name}") for o in objects}


def _type_grants(spec: Any, obj: Any) -> Any:
    """A type's spec with its `grants:` where they differ from Postgres's default (PUBLIC's USAGE), its owner."""
    if not hasattr(obj, "grants") or isinstance(obj, Sequence):
        return spec
    parts = range_parts_spec(obj) if isinstance(obj, RangeType) else {}
    return (_Flow if isinstance(spec, _Flow) and not parts else dict)({**spec, **_access(obj, "type"), **parts})


def _named(spec: Any, obj: Any, key: str) -> Any:
    """spec with a name: key first when the mapping key is not the name."""
    if key == obj.name:
        return spec
    named = {"name": obj.name, **spec}
    return _Flow(named) if isinstance(spec, _Flow) else named


def dump_schema(schema: Schema, header: Optional[str] = None) -> str:
    doc: dict = written_database(schema)
    if schema.extensions:
        doc["extensions"] = [extension_spec(e) for e in schema.extensions]
    used = {t.schema for t in schema.tables}
    extra = written_namespaces(sorted(set(schema.schemas) - used - {"public"}), schema.namespace_access, schema.public_absent)
    spelled_for({x if isinstance(x, str) else x["name"] for x in extra} | {c.schema for c in schema.collations})
    if extra:
        doc["schemas"] = _FlowList(extra) if all(isinstance(x, str) for x in extra) else \
            [x if isinstance(x, str) else _Flow({k: _grants_flow(v) if k == "grants" else v for k, v in x.items()}) for x in extra]
    for field, write in (("collations", collation_spec), ("text_search_dictionaries", text_search_dictionary_spec), ("text_search_configs", text_search_config_spec),
                         ("enums", enum_spec), ("domains", domain_spec), ("composite_types", composite_spec), ("range_types", range_spec), ("sequences", _sequence)):
        objects = getattr(schema, field)
        if objects:
            keys = _keys(objects)
            doc[field] = {keys[id(o)]: _named(with_used_outside(_type_grants(write(o), o), o), o, keys[id(o)]) for o in objects}
    for key, external in (("external_types", external_types_of(schema)), ("external_functions", schema.external_functions),
                          ("external_tables", schema.external_tables)):
        if external:
            doc[key] = _FlowList(list(external))
    if schema.ignore:  # (inspect --exclude's patterns: the next diff leaves the same objects out)
        doc["ignore"] = [_Flow({"name": i.pattern, "kinds": _FlowList(list(i.kinds))}) if i.kinds else i.pattern
                         for i in schema.ignore]
    defaults = written_default_privileges(schema.default_privileges)
    if defaults:
        doc["default_privileges"] = [_Flow({**d, "grants": _grants_flow(d["grants"])}) for d in defaults]
    if schema.functions:
        keys = _function_keys(schema.functions)
        doc["functions"] = {keys[id(f)]: _named(_function(f), f, keys[id(f)]) for f in schema.functions}
    for field, spec in (("aggregates", lambda a: {**aggregate_spec(a), **_access(a, "function")}), ("operators", lambda o: {**operator_spec(o), **owner_spec(o)})):
        if getattr(schema, field):  # overloads keyed name(types), as functions
            keys = _function_keys(getattr(schema, field))
            doc[field] = {keys[id(o)]: _named(_Flow(spec(o)), o, keys[id(o)]) for o in getattr(schema, field)}
    doc.update(written_operator_classes(schema.operator_classes, schema.operator_families))
    keys = _keys(schema.tables)
    by_key = {t.key: t for t in schema.tables}
    doc["tables"] = {keys[id(t)]: _table(t, keys[id(t)], by_key) for t in schema.tables}
    for field, materialized in (("views", False), ("materialized_views", True)):
        views = tuple(v for v in schema.views if v.materialized == materialized)
        keys = _keys(views)
        if views:
            doc[field] = {keys[id(v)]: _named(_view(v), v, keys[id(v)]) for v in views}
    doc.update({**written_foreign_servers(schema.foreign_servers, schema.foreign_data_wrappers), **written_publications(schema.publications), **written_event_triggers(schema.event_triggers),
                **written_casts(schema.casts)})
    body = _EMITTER.dump(doc)  # what yaml.dump(doc, Dumper=_Dumper, width=120, ...) writes, faster (emit.py)
    out = (header or "") + body
    return out + unmanaged_comment(schema.unmanaged)
