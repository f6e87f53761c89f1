"""schema.yaml's `ignore:` applied to a database's model: what the database makes at run time (model.ignores) is left
out of it before it is compared (`diff`, `generate`'s recorded state) or written (`inspect --exclude`).

The declaration wins: an entry matching an object schema.yaml declares leaves that object in (compared and planned
as ever), so a broad glob (`staging.*`) may keep the one staging table schema.yaml manages. What lives inside an
object left out (a table's columns, indexes, triggers, grants, policies, its partitions, its serial's sequence; a
foreign server's user mappings and foreign tables; a wrapper's servers) goes with it."""

from __future__ import annotations

from schemac.model.frozen import replace
from schemac.model import Schema, Unmanaged
from schemac.model.ignores import DATABASE_KINDS, Ignore

# Each kind of a schema an entry names: the Schema fields of that kind, objects by (schema, name).
_FIELDS = {"table": ("tables",), "view": ("views",), "sequence": ("sequences",),
           "function": ("functions", "aggregates"), "type": ("enums", "domains", "composite_types", "range_types"),
           "collation": ("collations",), "operator": ("operators", "operator_classes", "operator_families"),
           "text_search": ("text_search_configs", "text_search_dictionaries")}
# Each of the database's own kinds: its Schema field, objects by their bare name (a cast's `source AS target`).
_DATABASE_FIELDS = {"extension": "extensions", "publication": "publications", "event_trigger": "event_triggers",
                    "cast": "casts", "server": "foreign_servers", "foreign_data_wrapper": "foreign_data_wrappers"}

# What schemac lists but does not manage (catalog's `unmanaged` kinds), of a kind an entry names; the others of a schema
# match an entry without kinds only, the database's others none.
_UNMANAGED = {"foreign table": "table", "function": "function", "procedure": "function", "aggregate": "function",
              "type": "type", "view": "view", "materialized view": "view", "operator": "operator",
              "operator class": "operator", "operator family": "operator", "text search configuration": "text_search",
              "text search dictionary": "text_search", "text search parser": "text_search",
              "text search template": "text_search", "subscription": "subscription", "user mapping": "user_mapping",
              "foreign data wrapper": "foreign_data_wrapper", "cast": "cast", "event trigger": "event_trigger"}


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
    gone = {kind: {x.name for x in getattr(actual, name)} - {x.name for x in getattr(desired, name)}
            for kind, name in _DATABASE_FIELDS.items()}
    gone = {kind: {n for n in names if any(i.matches(kind, n) for i in ignore)} for kind, names in gone.items()}
    gone["foreign_data_wrapper"] |= {u.name for u in actual.unmanaged if u.kind == "foreign data wrapper"
                                     and any(i.matches("foreign_data_wrapper", u.name) for i in ignore)}
    # a wrapper's servers go with it
    gone["server"] |= {x.name for x in actual.foreign_servers if x.wrapper in gone["foreign_data_wrapper"]
                       and x.name not in {s.name for s in desired.foreign_servers}}
    for kind, name in _DATABASE_FIELDS.items():
        if gone[kind]:
            changed[name] = tuple(x for x in getattr(actual, name) if x.name not in gone[kind])
            count += len(getattr(actual, name)) - len(changed[name])
    gone_servers = gone["server"]
    gone_tables: set[tuple[str, str]] = set()
    for kind, names in _FIELDS.items():
        for name in names:
            declared = {(x.schema, x.name) for x in getattr(desired, name)}
            kept = []
            for x in getattr(actual, name):
                if (x.schema, x.name) not in declared and (  # (a foreign table goes with its server)
                        x.schema in gone_namespaces or kind == "table" and x.foreign and x.foreign.server in gone_servers
                        or any(i.matches(kind, f"{x.schema}.{x.name}") for i in ignore)):
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
    unmanaged = tuple(u for u in actual.unmanaged if not _listed_gone(u, ignore, gone_namespaces, gone))
    count += len(actual.unmanaged) - len(unmanaged)
    if gone_namespaces:
        changed["schemas"] = tuple(n for n in actual.schemas if n not in gone_namespaces)
        changed["namespace_access"] = tuple(n for n in actual.namespace_access if n.name not in gone_namespaces)
    if not count:
        return actual, 0
    return replace(actual, unmanaged=unmanaged, **changed), count


def _listed_gone(u: Unmanaged, ignore: tuple[Ignore, ...], gone_namespaces: set[str], gone: dict[str, set[str]]) -> bool:
    """Whether an object listed as not managed goes: of a schema gone, of a server gone (a user mapping `role@server`,
    a credential option `server s: password`) or a wrapper gone (`wrapper w: api_key`), or matched by its bare name (an
    operator's without its argument types, a class's without `USING method`)."""
    if u.schema in gone_namespaces or u.kind == "user mapping" and u.name.rpartition("@")[2] in gone["server"]:
        return True
    holder, _, name = u.name.partition(" ")
    if u.kind == "credential option" and not u.schema and holder in ("server", "wrapper"):
        return name.rpartition(": ")[0] in gone["server" if holder == "server" else "foreign_data_wrapper"]
    kind = _UNMANAGED.get(u.kind, u.kind)
    if u.schema:
        name = u.name.split("(")[0] if u.kind == "operator" else u.name.split(" USING ")[0]
        return any(i.matches(kind, f"{u.schema}.{name}") for i in ignore)
    return kind in DATABASE_KINDS and any(i.matches(kind, u.name) for i in ignore)


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
