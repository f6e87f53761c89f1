"""How schema.yaml names a collation of another schema than public and pg_catalog (issue 13): `x.y` is schema
x's collation y when x is pg_catalog, public, a schema the file declares or one it has a collation of its
own in; else one name (pg_catalog's hold dots: en_US.utf8). The oracle is the SQL each spelling renders to
and the yaml inspect writes back, not schemac's diff; the real servers' side is tests/fixtures/kinds/
collation_schemas.sql (run by tests/test_kinds.py)."""

from __future__ import annotations

from schemac.model.collnames import collate_sql, yaml_spelling
from schemac.plan.type_ddl import create_composite
from schemac.schemafile.load import load_text
from schemac.schemafile.writer import dump_schema

SCHEMA = """\
schemas: [ops, ext]
collations:
  bytewise: {provider: libc, locale: C, schema: ops}
  mine: {provider: libc, locale: C, schema: own}
domains:
  code: {type: text, collation: ops.bytewise}
composite_types:
  pair:
    attributes: {a: {type: text, collation: own.mine}, b: integer}
range_types:
  trange: {subtype: text, collation: ops.bytewise}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      declared: {type: text, collation: ops.bytewise}
      own_schema: {type: text, collation: own.mine}
      declared_only: {type: text, collation: ext.z}
      dotted: {type: text, collation: en_US.utf8}
      not_a_schema: {type: text, collation: nope.utf8}
      public: {type: text, collation: public.posix}
      bare: {type: text, collation: C}
    indexes:
      t_dotted: {columns: [{name: dotted, collation: ops.bytewise}]}
"""

SQL = {"declared": '"ops"."bytewise"', "own_schema": '"own"."mine"', "declared_only": '"ext"."z"',
       "dotted": '"en_US.utf8"',
       "not_a_schema": '"nope.utf8"', "public": '"posix"', "bare": '"C"'}


def test_qualified_only_where_the_schema_is_the_files():
    schema = load_text(SCHEMA)
    (t,) = schema.tables
    assert {c.name: collate_sql(c.collation) for c in t.columns if c.collation} == SQL
    assert collate_sql(t.indexes[0].elements[0].collation) == '"ops"."bytewise"'
    assert collate_sql(schema.domains[0].collation) == '"ops"."bytewise"'
    assert collate_sql(schema.range_types[0].collation) == '"ops"."bytewise"'
    assert 'a TEXT COLLATE "own"."mine"' in create_composite(schema.composite_types[0]).sql()


def test_written_back_as_read():
    schema = load_text(SCHEMA)
    (t,) = schema.tables
    written = {c.name: yaml_spelling(c.collation) for c in t.columns if c.collation}
    assert written == {"declared": "ops.bytewise", "own_schema": "own.mine", "declared_only": "ext.z",
                       "dotted": "en_US.utf8",
                       "not_a_schema": "nope.utf8", "public": "posix", "bare": "C"}
    text = dump_schema(schema)
    again = load_text(text)
    assert [c.collation for c in again.tables[0].columns] == [c.collation for c in t.columns]
    assert [d.collation for d in again.domains] == [d.collation for d in schema.domains]
    assert dump_schema(again) == text
