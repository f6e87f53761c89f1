"""The default operator class of a built-in type under btree and hash (pg_opclass.opcdefault, the same name under
both): an index key or a range's subtype_opclass that names it is the key without one, as the catalog reader
reads it (NULL where opcdefault). Written out (`opclass: int4_ops` on an integer column) it was a difference from
the database schema.yaml's own migration built (an index re-created, a range type refused as changed)."""

from __future__ import annotations

from typing import Mapping, Optional

from schemac.model import Table
from schemac.model.frozen import replace
from schemac.pg.noop_casts import _word
from schemac.pg.typed_strings import _QUALIFIED

_BY_TYPE = {
    '"char"': "char_ops", "bigint": "int8_ops", "bit": "bit_ops", "bit varying": "varbit_ops", "boolean": "bool_ops",
    "bytea": "bytea_ops", "character": "bpchar_ops", "date": "date_ops", "double precision": "float8_ops",
    "inet": "inet_ops", "cidr": "inet_ops", "integer": "int4_ops", "interval": "interval_ops", "jsonb": "jsonb_ops",
    "macaddr": "macaddr_ops", "macaddr8": "macaddr8_ops", "money": "money_ops", "name": "name_ops",
    "numeric": "numeric_ops", "oid": "oid_ops", "pg_lsn": "pg_lsn_ops", "real": "float4_ops", "smallint": "int2_ops",
    "text": "text_ops", "character varying": "text_ops", "time with time zone": "timetz_ops",
    "time without time zone": "time_ops", "timestamp with time zone": "timestamptz_ops",
    "timestamp without time zone": "timestamp_ops", "uuid": "uuid_ops",
}
_BTREE_ONLY = {"tsquery": "tsquery_ops", "tsvector": "tsvector_ops"}


def _base(canonical_type: str) -> str:
    """`numeric(10,2)` -> numeric, `timestamp(3) with time zone` -> timestamp with time zone."""
    head, _, rest = canonical_type.partition("(")
    return head + (rest.partition(")")[2] if rest else "")


def default_opclass(method: str, canonical_type: Optional[str]) -> Optional[str]:
    """The name of the default operator class of a built-in type (format_type's spelling) under `method`, or None
    where this does not know it (other methods, arrays, enums, ranges, extensions' types)."""
    if canonical_type is None or method not in ("btree", "hash") or canonical_type.endswith("]"):
        return None
    base = _base(canonical_type)
    return _BY_TYPE.get(base) or (_BTREE_ONLY.get(base) if method == "btree" else None)


def without_default(opclass: Optional[str], method: str, canonical_type: Optional[str]) -> Optional[str]:
    """`opclass`, or None when it is the type's default under `method` (bare or pg_catalog's)."""
    if opclass is None:
        return None
    bare = opclass[len("pg_catalog."):] if opclass.startswith("pg_catalog.") else opclass
    return None if "." not in bare and bare == default_opclass(method, canonical_type) else opclass


def _named(type_text: str, schema: str, by_key: Mapping):
    """The value `by_key` holds for the domain `type_text` names, looked up in `schema`, then public (or None)."""
    m = _QUALIFIED.fullmatch(type_text)
    if m is None:
        return None
    name = _word(m.group(2))
    return next((by_key[s, name] for s in ((_word(m.group(1)),) if m.group(1) else (schema, "public"))
                 if (s, name) in by_key), None)


def domain_collations(domains) -> dict[tuple[str, str], str]:
    """(schema, name) of each domain -> the collation a column of it has (pg_attribute.attcollation): its own, or the
    domains' under it, or "default" (its base type's), for default_opclasses_dropped."""
    by_key = {(d.schema, d.name): d for d in domains}

    def held(d, depth: int = 0) -> str:
        under = _named(d.type, d.schema, by_key) if d.collation is None and depth < 8 else None
        return d.collation or (held(under, depth + 1) if under is not None else "default")
    return {k: held(d) for k, d in by_key.items()}


def default_opclasses_dropped(table: Table, domains: Mapping[tuple[str, str], str] = {}) -> Table:
    """`table` with each btree or hash key's operator class that is its column's type's default left out, as the
    catalog reader leaves it out (above): `{name: id, opclass: int4_ops}` is the key `id`. So too a column
    key's collation that is the column's own (`{name: e, collation: C}` or `(e COLLATE "C")` on a column of collation
    C, `d COLLATE "default"` on one of none; a column of a domain has the domain's, `domains`: domain_collations),
    which pg_get_indexdef does not print. The loader's every table, and a
    materialized view's indexes as the table of its columns (compare.views: their types and collations are Postgres's
    answers for its query)."""
    if not any(e.opclass or e.collation for i in table.indexes for e in i.elements) and \
            not any(e.opclass or e.collation for x in table.exclusions for e in x.elements):
        return table  # (most tables: no walk, no copies; 25 ms of `generate` at 1,000 tables)
    types = {c.name: c.type for c in table.columns}
    collations = {c.name: c.collation or _named(c.type, table.schema, domains) or "default" for c in table.columns}

    def key(e, method: str):
        opclass = without_default(e.opclass, method, types.get(e.column)) if e.column is not None else e.opclass
        own = e.column is not None and e.collation is not None and collations.get(e.column) == e.collation
        return e if opclass == e.opclass and not own else \
            replace(e, opclass=opclass, collation=None if own else e.collation)

    indexes = tuple(replace(i, elements=tuple(key(e, i.method) for e in i.elements)) for i in table.indexes)
    exclusions = tuple(replace(x, elements=tuple(key(e, x.method) for e in x.elements)) for x in table.exclusions)
    return table if (indexes, exclusions) == (table.indexes, table.exclusions) else \
        replace(table, indexes=indexes, exclusions=exclusions)
