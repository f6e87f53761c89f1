"""schema.yaml's `ignore:` applied to a database's model: what the database makes at run time (model.ignores) is left
out of it before it is compared (`diff`, `generate`'s recorded state) or written (`inspect --exclude`).

The declaration wins: an entry matching an object schema.yaml declares leaves that object in (compared and planned
as ever), so a broad glob (`staging.*`) may keep the one staging table schema.yaml manages. What lives inside an
object left out (a table's columns, indexes, triggers, grants, policies, its partitions, its serial's sequence)
goes with it."""

from __future__ import annotations

from schemac.model.frozen import replace
from schemac.model import Schema
from schemac.model.ignores import Ignore

# Each kind an entry names: the Schema fields of that kind.
_FIELDS = {"table": ("tables",), "view": ("views",), "sequence": ("sequences",),
           "function": ("functions", "aggregates"), "type": ("enums", "domains", "composite_types", "range_types")}

# What schemac lists but does not manage (catalog's `unmanaged` kinds), of a kind an entry names; the others match an
# entry without kinds only. The database's own (no schema: an event trigger, a cast) are never matched.
_UNMANAGED = {"foreign table": "table", "function": "function", "procedure": "function", "aggregate": "function",
              "type": "type", "view": "view", "materialized view": "view"}


def without_ignored(actual: Schema, desired: Schema) -> tuple[Schema, int]:
    """`actual` without the objects `desired.ignore` matches that `desired` does not declare, and how many went."""
    return _without(actual, desired.ignore, desired)


def excluded(schema: Schema, ignore: tuple[Ignore, ...]) -> tuple[Schema, int]:
    """`schema` (a catalog read) without every object `ignore` matches (`inspect --exclude`)."""
    return _without(schema, ignore, Schema())


def _without(actual: Schema, ignore: tuple[Ignore, ...], desired: Schema) -> tuple[Schema, int]:
    if not ignore:
        return actual, 0
    kept_namespaces = set(desired.used_namespaces)
    gone_namespaces = {n.name for n in actual.namespace_access} | set(actual.schemas) | set(actual.namespaces)
    gone_namespaces = {n for n in gone_namespaces if n not in kept_namespaces
                       and any(i.matches("schema", n) for i in ignore)}
    count = len(gone_namespaces)
    changed: dict[str, tuple] = {}
    gone_tables: set[tuple[str, str]] = set()
    for kind, names in _FIELDS.items():
        for name in names:
            declared = {(x.schema, x.name) for x in getattr(desired, name)}
            kept = []
            for x in getattr(actual, name):
                if (x.schema, x.name) not in declared and (
                        x.schema in gone_namespaces or any(i.matches(kind, f"{x.schema}.{x.name}") for i in ignore)):
                    count += 1
                    if kind == "table":
                        gone_tables.add((x.schema, x.name))
                    continue
                kept.append(x)
            changed[name] = tuple(kept)
    if gone_tables:  # its partitions go with a table, and a serial's sequence
        tables = changed["tables"]
        changed["tables"] = _partitions_gone(tables, gone_tables, {(t.schema, t.name) for t in desired.tables})
        count += len(tables) - len(changed["tables"])
        declared = {(q.schema, q.name) for q in desired.sequences}
        sequences = changed["sequences"]
        changed["sequences"] = tuple(
            q for q in sequences if (q.schema, q.name) in declared or not q.owned_by
            or (q.schema, q.owned_by.rsplit(".", 1)[0]) not in gone_tables)
        count += len(sequences) - len(changed["sequences"])
    unmanaged = tuple(u for u in actual.unmanaged if not u.schema or u.schema not in gone_namespaces
                      and not any(i.matches(_UNMANAGED.get(u.kind, u.kind), u.path) for i in ignore))
    count += len(actual.unmanaged) - len(unmanaged)
    if gone_namespaces:
        changed["schemas"] = tuple(n for n in actual.schemas if n not in gone_namespaces)
        changed["namespace_access"] = tuple(n for n in actual.namespace_access if n.name not in gone_namespaces)
    if not count:
        return actual, 0
    return replace(actual, unmanaged=unmanaged, **changed), count


def _partitions_gone(tables: tuple, gone: set[tuple[str, str]], declared: set[tuple[str, str]]) -> tuple:
    """`tables` without the partitions (at any depth) of a table gone that schema.yaml does not declare; `gone` gains
    them."""
    while True:
        left = [t for t in tables if t.partition_of is not None and (t.schema, t.name) not in declared
                and (t.partition_of.parent_schema, t.partition_of.parent) in gone]
        if not left:
            return tables
        gone.update((t.schema, t.name) for t in left)
        tables = tuple(t for t in tables if (t.schema, t.name) not in gone)
