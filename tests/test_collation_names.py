"""How schema.yaml names a collation of another schema than public and pg_catalog (issue 13): `x.y` is schema
x's collation y when x is pg_catalog, public, a schema the file declares or one it has a collation of its
own in; else one name (pg_catalog's hold dots: en_US.utf8). The oracle is the SQL each spelling renders to
and the yaml inspect writes back, not schemac's diff; the real servers' side is tests/fixtures/kinds/
collation_schemas.sql (run by tests/test_kinds.py)."""

from __future__ import annotations

import psycopg
import yaml
from test_property import _check_a_to_b, databases

from schemac.commands.diff import check_drift
from schemac.commands.inspect import inspect_database
from schemac.model.collnames import collate_sql
from schemac.plan.type_ddl import create_composite
from schemac.schemafile.load import load_text
from schemac.schemafile.writer import dump_schema

assert databases  # the fixture test_expression_key_of_its_own_collation_migrated takes, imported

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
      quoted: {type: text, collation: '"nope"."utf8"'}
      public: {type: text, collation: public.posix}
      bare: {type: text, collation: C}
    indexes:
      t_dotted: {columns: [{name: dotted, collation: ops.bytewise}]}
"""

SQL = {"declared": '"ops"."bytewise"', "own_schema": '"own"."mine"', "declared_only": '"ext"."z"',
       "dotted": '"en_US.utf8"',
       "not_a_schema": '"nope.utf8"', "quoted": '"nope"."utf8"', "public": '"posix"', "bare": '"C"'}


def test_qualified_only_where_the_schema_is_the_files():
    schema = load_text(SCHEMA)
    (t,) = schema.tables
    assert {c.name: collate_sql(c.collation) for c in t.columns if c.collation} == SQL
    assert collate_sql(t.indexes[0].elements[0].collation) == '"ops"."bytewise"'
    assert collate_sql(schema.domains[0].collation) == '"ops"."bytewise"'
    assert collate_sql(schema.range_types[0].collation) == '"ops"."bytewise"'
    assert 'a TEXT COLLATE "own"."mine"' in create_composite(schema.composite_types[0]).sql()


def test_written_back_as_read():
    """inspect's writer spells each as the loader reads it back: `x.y` where the file makes x a schema,
    quoted as SQL for a schema it does not (one inspect did not read)."""
    schema = load_text(SCHEMA)
    (t,) = schema.tables
    text = dump_schema(schema)
    columns = yaml.safe_load(text)["tables"]["t"]["columns"]
    written = {name: spec["collation"] for name, spec in columns.items() if "collation" in spec}
    assert written == {"declared": "ops.bytewise", "own_schema": "own.mine", "declared_only": "ext.z",
                       "dotted": "en_US.utf8", "not_a_schema": "nope.utf8", "quoted": '"nope"."utf8"',
                       "public": "posix", "bare": "C"}
    again = load_text(text)
    assert [c.collation for c in again.tables[0].columns] == [c.collation for c in t.columns]
    assert [d.collation for d in again.domains] == [d.collation for d in schema.domains]
    assert dump_schema(again) == text


def test_collation_of_a_schema_not_read(db_url, tmp_path):
    """inspect -n public of a column whose collation lives in a schema it does not read: written quoted,
    `"ops"."bytewise"`, and diff of that database against the file is clean (the column's collation per
    pg_attribute is the oracle that the file names the right one)."""
    path = _column_collation_inspected(db_url, tmp_path, "CREATE SCHEMA ops; CREATE COLLATION ops.bytewise "
                                       "(provider = libc, locale = 'C'); CREATE TABLE t (s text COLLATE ops.bytewise)",
                                       "attcollation::regcollation::text", "ops.bytewise", '"ops"."bytewise"')
    assert yaml.safe_load(path.read_text())["tables"]["t"]["columns"]["s"]["collation"] == '"ops"."bytewise"'


def _column_collation_inspected(db_url, tmp_path, sql: str, named: str, expected: str, model_ref: str):
    """`sql` run (it makes table t with a column s), the column's collation `named` (an expression over pg_attribute
    a) as the catalog says it checked against `expected`; then inspect -n public's file: the model's name of the
    collation is `model_ref`, and diff of the database against the file is clean. The file's path."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql)
        (coll,) = conn.execute(f"SELECT {named} FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation "
                               "WHERE attrelid = 't'::regclass AND attname = 's'").fetchone()
    assert coll == expected
    path = tmp_path / "schema.yaml"
    path.write_text(inspect_database(db_url, ("public",)).yaml, encoding="utf-8")
    assert load_text(path.read_text()).tables[0].columns[0].collation == model_ref
    assert check_drift(str(path), db_url).differences == ()
    return path


def test_a_bare_name_that_begins_with_a_quote():
    """A collation named `"` (or `"C"` with its quotes, or en_US.utf8 where en_US is a declared schema)
    is one name: COLLATE quotes it whole, and the writer quotes it where the loader would read the bare
    text as another name (the fuzz campaign's `collation: '"'` raised an AttributeError)."""
    text = ("schemas: [en_US]\ntables:\n  t:\n    columns:\n"
            "      q: {type: text, collation: '\"'}\n"
            "      qq: {type: text, collation: '\"\"\"C\"\"\"'}\n"
            "      dotted: {type: text, collation: '\"en_US.utf8\"'}\n")
    schema = load_text(text)
    refs = {c.name: c.collation for c in schema.tables[0].columns}
    assert refs == {"q": '"', "qq": '"C"', "dotted": "en_US.utf8"}
    assert {n: collate_sql(r) for n, r in refs.items()} == {"q": '""""', "qq": '"""C"""', "dotted": '"en_US.utf8"'}
    written = dump_schema(schema)
    assert yaml.safe_load(written)["tables"]["t"]["columns"]["qq"]["collation"] == '"""C"""'
    assert [c.collation for c in load_text(written).tables[0].columns] == list(refs.values())


def test_a_collation_named_with_a_quote_round_trips(db_url, tmp_path):
    """public's collation `"w` (its name begins with a quote): inspect writes it so that the loader reads
    the same name, and pg_attribute's collation of the column is the oracle that the file names it."""
    _column_collation_inspected(db_url, tmp_path, 'CREATE COLLATION public."""w" (provider = libc, locale = \'C\');'
                                'CREATE TABLE t (s text COLLATE public."""w")', "c.collname", '"w', '"w')


OWN_KEYS_SQL = """CREATE TABLE tk (id int, name text COLLATE "C", plain text);
CREATE INDEX tk_lx ON tk ((lower(name)) COLLATE "C");
CREATE INDEX tk_ld ON tk ((lower(plain)) COLLATE "default");
CREATE INDEX tk_lp ON tk ((lower(name)) COLLATE "POSIX");
CREATE INDEX tk_eq ON tk (((name = 'x')::text) COLLATE "C");
ALTER TABLE tk ADD CONSTRAINT tk_ex EXCLUDE USING btree ((upper(name)) COLLATE "C" WITH =);
CREATE MATERIALIZED VIEW mk AS SELECT id, name FROM tk;
CREATE INDEX mk_lx ON mk ((lower(name)) COLLATE "C");
CREATE TABLE tg (name text);
CREATE INDEX tg_x ON tg ((lower(name COLLATE "C")) COLLATE "default");"""


def _own_keys_yaml(lx: str = "C", eq: str = "C", gx: str = "collation: default") -> str:
    return f"""tables:
  tg:
    columns: {{name: {{type: text}}}}
    indexes:
      tg_x: {{columns: [{{expression: 'lower(name COLLATE "C")', {gx}}}]}}
  tk:
    columns:
      id: {{type: integer}}
      name: {{type: text, collation: C}}
      plain: {{type: text}}
    indexes:
      tk_lx: {{columns: [{{expression: lower(name), collation: {lx}}}]}}
      tk_ld: {{columns: [{{expression: lower(plain), collation: default}}]}}
      tk_lp: {{columns: [{{expression: lower(name), collation: POSIX}}]}}
      tk_eq: {{columns: [{{expression: "(name = 'x')::text", collation: {eq}}}]}}
    exclude:
      - {{name: tk_ex, using: btree, elements: [{{expression: upper(name), collation: C, with: "="}}]}}
materialized_views:
  mk:
    query: SELECT id, name FROM tk
    indexes:
      mk_lx: {{columns: [{{expression: lower(name), collation: C}}]}}
"""


def test_expression_key_of_its_own_collation(db_url, tmp_path):
    """An expression key whose COLLATE names the collation its expression has anyway (`lower(name)` COLLATE "C" over
    a column of collation C, `lower(plain)` COLLATE "default" over one of none), which pg_get_indexdef leaves out: the
    same key as schema.yaml's, in an index, an EXCLUDE and a materialized view's index (it drifted for ever after the
    migration that made it: prop56). One other than the expression's own is a difference: `(name = 'x')::text` has the
    default collation, whatever name's, so its COLLATE "C" is printed and compared; tk_lx said POSIX is another
    index; so is tg_x without its COLLATE "default", on a table of no collation but the default one (its expression's
    is C: the catalog reader read no pg_get_indexdef there, so no COLLATE, and found both the same)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(OWN_KEYS_SQL)
    path = tmp_path / "schema.yaml"
    path.write_text(_own_keys_yaml(), encoding="utf-8")
    assert check_drift(str(path), db_url).differences == ()
    for lx, eq, gx, changed in (("POSIX", "C", "collation: default", "tk_lx"), ("C", "default", "collation: default",
                                                                                  "tk_eq"), ("C", "C", "", "tg_x")):
        path.write_text(_own_keys_yaml(lx, eq, gx), encoding="utf-8")
        assert [(d.kind, d.name) for d in check_drift(str(path), db_url).differences] == [("index_changed", changed)]


def test_expression_key_of_its_own_collation_migrated(databases):
    """A→B through generate and apply over rows, diff clean after (test_property's check, one major by default): B
    makes tk with keys of their expression's own collation; then its column name, of collation POSIX under
    `lower(name)` COLLATE "POSIX" (its own), made C: ALTER TYPE built the index again from its deparse, which left the
    COLLATE out, so it took C (the index is made again around the change now), in an index and an EXCLUDE."""
    def tk(coll: str) -> dict:
        return {"columns": {"id": {"type": "integer"}, "name": {"type": "text", "collation": coll}},
                "indexes": {"tk_lx": {"columns": [{"expression": "lower(name)", "collation": "POSIX"}]}},
                "exclude": [{"name": "tk_ex", "using": "btree",
                             "elements": [{"expression": "upper(name)", "collation": "POSIX", "with": "="}]}]}
    _check_a_to_b(databases, {"tables": {}}, {"tables": {"tk": tk("POSIX")}})
    _check_a_to_b(databases, {"tables": {"tk": tk("POSIX")}}, {"tables": {"tk": tk("C")}})


RENAMED_KEYS_SQL = """\
CREATE TABLE tk (id int PRIMARY KEY, name text COLLATE "C");
CREATE INDEX tk_lx ON tk ((lower(name)) COLLATE "C");
CREATE INDEX tk_lp ON tk ((lower(name)) COLLATE "POSIX");
ALTER TABLE tk ADD EXCLUDE USING btree ((upper(name)) COLLATE "C" WITH =);
INSERT INTO tk VALUES (1, 'a'), (2, 'B');"""
RENAMED_KEYS_YAML = """\
tables:
  tk2:
    renamed_from: tk
    columns:
      id: {type: integer, primary_key: true}
      nm: {type: text, collation: C, renamed_from: name}
    indexes:
      tk_lx: {columns: [{expression: lower(nm), collation: C}]}
      tk_lp: {columns: [{expression: lower(nm), collation: POSIX}]}
    exclude:
      - {using: btree, elements: [{expression: upper(nm), collation: C, with: "="}]}
"""
KEY_OIDS = "SELECT relname, oid::int FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace " \
           "AND relname NOT LIKE '%pkey' ORDER BY 2"


def test_expression_key_of_its_own_collation_renamed(any_db_url, tmp_path):
    """A table renamed (`renamed_from:`) with the column its expression keys read, the keys' COLLATE their expressions'
    own (which pg_get_indexdef leaves out), an unnamed EXCLUDE among them: the key took schema.yaml's COLLATE only where
    its expression read as written (`lower(name)` against `lower(nm)`: before the RENAME COLUMN), and an EXCLUDE only
    under schema.yaml's name for it (an unnamed one of the renamed table keeps Postgres's name after the old one,
    tk_upper_excl, where schema.yaml's is named after tk2): diff reported them changed ('index tk_lx is INDEX USING
    btree ((LOWER(nm))), expected ... COLLATE "C"') and `diff --sql` dropped and made them again. Now only the
    renames, which `diff --sql` makes alone (the keys' OIDs kept), then in sync."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(RENAMED_KEYS_SQL)
        oids = conn.execute(KEY_OIDS).fetchall()
    path = tmp_path / "schema.yaml"
    path.write_text(RENAMED_KEYS_YAML, encoding="utf-8")
    drift = check_drift(str(path), any_db_url)
    assert [(d.kind, d.name) for d in drift.differences] == [("pending_rename", None), ("pending_rename", "nm")], \
        drift.render("text")
    assert "DROP" not in drift.sql and "CREATE" not in drift.sql, drift.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(drift.sql)
        assert conn.execute(KEY_OIDS).fetchall() == [(n.replace("tk_upper", "tk2_upper"), o) for n, o in oids]
        assert conn.execute("SELECT id, nm FROM tk2 ORDER BY id").fetchall() == [(1, "a"), (2, "B")]
    drift = check_drift(str(path), any_db_url)
    assert drift.differences == (), drift.render("text")
