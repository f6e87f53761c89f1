"""An extension's operator class named in an index or EXCLUDE key as people write it: bare (`gin_trgm_ops`,
`gist_geometry_ops_nd`, pgvector's `vector_cosine_ops`), or its type's default under the index's method written out
(`gist_ltree_ops` on an ltree, `gist_int4_ops` of btree_gist on an integer).

The catalog reader names every class outside pg_catalog with its schema (`public.gin_trgm_ops`) and none where it
is the default of the key's type (pg_opclass.opcdefault) and has no parameters, so both spellings were drift after
every migration of schemac's own; and where schema.yaml puts the extension in a schema of its own
(`{name: pg_trgm, schema: extensions}`) the bare name did not resolve at CREATE INDEX ("operator class
gin_trgm_ops does not exist for access method gin"). The loader spells such a class as the catalog reads it:
qualified with the declared extension's schema (public where it names none), or none where it is the default of
the key column's type (of an expression key's, a materialized view's column's: the class takes no other); so does the reading of state.json, whose models recorded before this kept the bare name.

CLASSES: the classes of the common extensions (a pg_opclass row that is a member of each, by index method),
`name=type` for the default one of that type (format_type's spelling), as PostgreSQL 18's contrib, pgvector 0.8
and PostGIS 3.3 have them. Another extension's class is written qualified, as inspect writes it.
"""

from __future__ import annotations

from typing import Iterable, Optional

from schemac.model import Extension, Table
from schemac.model.frozen import replace
from schemac.model.references import reference_part, reference_parts
from schemac.pg.types import type_name

CLASSES = {
    'bloom': {
        'bloom': ('int4_ops=integer', 'text_ops=text'),
    },
    'btree_gin': {
        'gin': ('bit_ops=bit', 'bool_ops=boolean', 'bpchar_ops=character', 'bytea_ops=bytea', 'char_ops="char"',
                'cidr_ops=cidr', 'date_ops=date', 'enum_ops=anyenum', 'float4_ops=real',
                'float8_ops=double precision', 'inet_ops=inet', 'int2_ops=smallint', 'int4_ops=integer',
                'int8_ops=bigint', 'interval_ops=interval', 'macaddr8_ops=macaddr8', 'macaddr_ops=macaddr',
                'money_ops=money', 'name_ops=name', 'numeric_ops=numeric', 'oid_ops=oid', 'text_ops=text',
                'time_ops=time without time zone', 'timestamp_ops=timestamp without time zone',
                'timestamptz_ops=timestamp with time zone', 'timetz_ops=time with time zone', 'uuid_ops=uuid',
                'varbit_ops=bit varying', 'varchar_ops=character varying'),
    },
    'btree_gist': {
        'gist': ('gist_bit_ops=bit', 'gist_bool_ops=boolean', 'gist_bpchar_ops=character', 'gist_bytea_ops=bytea',
                 'gist_cash_ops=money', 'gist_cidr_ops=cidr', 'gist_date_ops=date', 'gist_enum_ops=anyenum',
                 'gist_float4_ops=real', 'gist_float8_ops=double precision', 'gist_inet_ops=inet',
                 'gist_int2_ops=smallint', 'gist_int4_ops=integer', 'gist_int8_ops=bigint',
                 'gist_interval_ops=interval', 'gist_macaddr8_ops=macaddr8', 'gist_macaddr_ops=macaddr',
                 'gist_numeric_ops=numeric', 'gist_oid_ops=oid', 'gist_text_ops=text',
                 'gist_time_ops=time without time zone', 'gist_timestamp_ops=timestamp without time zone',
                 'gist_timestamptz_ops=timestamp with time zone', 'gist_timetz_ops=time with time zone',
                 'gist_uuid_ops=uuid', 'gist_vbit_ops=bit varying'),
    },
    'citext': {
        'btree': ('citext_ops=citext', 'citext_pattern_ops'),
        'hash': ('citext_ops=citext',),
    },
    'cube': {
        'btree': ('cube_ops=cube',),
        'gist': ('gist_cube_ops=cube',),
    },
    'hstore': {
        'btree': ('btree_hstore_ops=hstore',),
        'gin': ('gin_hstore_ops=hstore',),
        'gist': ('gist_hstore_ops=hstore',),
        'hash': ('hash_hstore_ops=hstore',),
    },
    'intarray': {
        'gin': ('gin__int_ops',),
        'gist': ('gist__int_ops=integer[]', 'gist__intbig_ops'),
    },
    'isn': {
        'btree': ('ean13_ops=ean13', 'isbn13_ops=isbn13', 'isbn_ops=isbn', 'ismn13_ops=ismn13', 'ismn_ops=ismn',
                  'issn13_ops=issn13', 'issn_ops=issn', 'upc_ops=upc'),
        'hash': ('ean13_ops=ean13', 'isbn13_ops=isbn13', 'isbn_ops=isbn', 'ismn13_ops=ismn13', 'ismn_ops=ismn',
                 'issn13_ops=issn13', 'issn_ops=issn', 'upc_ops=upc'),
    },
    'ltree': {
        'gist': ('gist__ltree_ops=ltree[]', 'gist_ltree_ops=ltree'),
        'hash': ('hash_ltree_ops=ltree',),
        'btree': ('ltree_ops=ltree',),
    },
    'pg_trgm': {
        'gin': ('gin_trgm_ops',),
        'gist': ('gist_trgm_ops',),
    },
    'seg': {
        'gist': ('gist_seg_ops=seg',),
        'btree': ('seg_ops=seg',),
    },
    'vector': {
        'hnsw': ('bit_hamming_ops', 'bit_jaccard_ops', 'halfvec_cosine_ops', 'halfvec_ip_ops', 'halfvec_l1_ops',
                 'halfvec_l2_ops', 'sparsevec_cosine_ops', 'sparsevec_ip_ops', 'sparsevec_l1_ops',
                 'sparsevec_l2_ops', 'vector_cosine_ops', 'vector_ip_ops', 'vector_l1_ops', 'vector_l2_ops'),
        'ivfflat': ('bit_hamming_ops', 'halfvec_cosine_ops', 'halfvec_ip_ops', 'halfvec_l2_ops', 'vector_cosine_ops',
                    'vector_ip_ops', 'vector_l2_ops=vector'),
        'btree': ('halfvec_ops=halfvec', 'sparsevec_ops=sparsevec', 'vector_ops=vector'),
    },
    'postgis': {
        'brin': ('brin_geography_inclusion_ops=geography', 'brin_geometry_inclusion_ops_2d=geometry',
                 'brin_geometry_inclusion_ops_3d', 'brin_geometry_inclusion_ops_4d'),
        'btree': ('btree_geography_ops=geography', 'btree_geometry_ops=geometry'),
        'gist': ('gist_geography_ops=geography', 'gist_geometry_ops_2d=geometry', 'gist_geometry_ops_nd'),
        'hash': ('hash_geometry_ops=geometry',),
        'spgist': ('spgist_geography_ops_nd=geography', 'spgist_geometry_ops_2d=geometry', 'spgist_geometry_ops_3d',
                   'spgist_geometry_ops_nd'),
    },
    'postgis_raster': {
        'hash': ('hash_raster_ops=raster',),
    },
}


def extension_classes(extensions: Iterable[Extension]) -> dict[tuple[str, str], tuple[str, Optional[str]]]:
    """(index method, class name) -> (the schema of the declared extension that has it, the type it is the default
    of or None)."""
    out: dict[tuple[str, str], tuple[str, Optional[str]]] = {}
    for e in extensions:
        for method, names in CLASSES.get(e.name, {}).items():
            for entry in names:
                name, _, default = entry.partition("=")
                out.setdefault((method, name), (e.schema or "public", default or None))
    return out


def of_type(column_type: str, default: str) -> bool:
    """Whether a column of `column_type` (its schema and modifiers aside) is of the type `default` names."""
    return type_name(column_type)[1] == type_name(default)[1] and column_type.endswith("]") == default.endswith("]")


def _spelled(element, table: Optional[Table], method: str, classes: dict):
    if not element.opclass:
        return element
    parts = reference_parts(element.opclass)
    if parts is None or len(parts) > 2:
        return element
    found = classes.get((method, parts[-1]))
    if found is None or (len(parts) == 2 and parts[0] != found[0]):
        return element
    schema, default = found
    column = table.column(element.column) if table is not None and element.column else None
    # (an expression's type, or a materialized view's column's, is not known here: the class accepts only its own,
    # so naming it is naming the default the key gets without it, which the catalog reader names no more)
    if default is not None and not element.opclass_options and (column is None or of_type(column.type, default)):
        return replace(element, opclass=None)
    return element if len(parts) == 2 else replace(element, opclass=f"{reference_part(schema)}.{reference_part(parts[0])}")


def _object(o, spelled):
    """A table or materialized view with `spelled(element, table or None, method)` applied to each key naming a
    class."""
    exclusions = getattr(o, "exclusions", ())
    if not any(e.opclass for i in (*o.indexes, *exclusions) for e in i.elements):
        return o
    table = o if isinstance(o, Table) else None
    changed = {"indexes": tuple(replace(i, elements=tuple(spelled(e, table, i.method) for e in i.elements))
                                for i in o.indexes)}
    if exclusions:
        changed["exclusions"] = tuple(replace(x, elements=tuple(spelled(e, table, x.method) for e in x.elements))
                                      for x in exclusions)
    return o if all(changed[k] == getattr(o, k) for k in changed) else replace(o, **changed)


def _objects(schema, spelled):
    """`schema` with `spelled` applied to the keys of its tables and materialized views (the same object where none
    changes)."""
    tables = tuple(_object(t, spelled) for t in schema.tables)
    views = tuple(_object(v, spelled) if v.indexes else v for v in schema.views)
    if all(a is b for a, b in zip(tables, schema.tables)) and all(a is b for a, b in zip(views, schema.views)):
        return schema
    return replace(schema, tables=tables, views=views)


def spell_extension_classes(schema):
    """`schema` (a Schema) with the extension classes its tables' and materialized views' keys name spelled as the
    catalog reads them (see the module's docstring)."""
    classes = extension_classes(schema.extensions)
    return _objects(schema, lambda e, t, m: _spelled(e, t, m, classes)) if classes else schema


def with_moved_classes(current, moves: dict[str, tuple[str, str]]):
    """`current` (the database's Schema) with its keys' classes of the extensions schema.yaml moves (name -> (old
    schema, new schema)) named in the new schema: ALTER EXTENSION ... SET SCHEMA takes them along, and the index
    with them (`public.gist_trgm_ops` is `extensions.gist_trgm_ops` once it runs; compared as read, the index was
    dropped and made again over its rows)."""
    moved = {(method, old, name.partition("=")[0]): new for extension, (old, new) in moves.items()
             for method, names in CLASSES.get(extension, {}).items() for name in names}
    if not moved:
        return current

    def spelled(e, _table, method):
        parts = reference_parts(e.opclass) if e.opclass else None
        new = moved.get((method, parts[0], parts[1])) if parts and len(parts) == 2 else None
        return e if new is None else replace(e, opclass=f"{reference_part(new)}.{reference_part(parts[1])}")
    return _objects(current, spelled)
