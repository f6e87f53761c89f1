"""The throwaway build of views (commands/viewbuild.py) leaves out what no view can read (secondary
indexes, foreign keys, CHECKs, triggers and their functions, rules, policies, grants, comments) and sends
its statements in batches: what `generate` records for each view (deparse, columns, depends) must be
exactly what Postgres answers for the same views in the whole schema. The whole schema is the migration
applied to a real database; the oracle is SQL of the test's own over pg_catalog (pg_get_viewdef,
pg_attribute, and pg_depend of each view's rule), and the catalog reader's `depends` on that whole
database."""

from __future__ import annotations

import os

import psycopg
import pytest
from test_views import _admin

from schemac.catalog.reader import introspect
from schemac.commands.generate import generate
from schemac.commands.viewbuild import readable
from schemac.commands.views import attach_recorded
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.migrations.replay import throwaway
from schemac.migrations.state import read_state
from schemac.schemafile.load import load_text

# Every kind a view can read, in a schema other than public too; views listed before what they read.
SCHEMA = """\
schemas: [app]
enums:
  mood: {schema: app, values: [sad, ok, happy]}
domains:
  posint: {schema: app, type: integer, checks: {posint_check: VALUE > 0}}
composite_types:
  pair: {schema: app, attributes: {a: integer, b: text}}
range_types:
  floatrange: {schema: app, subtype: float8}
sequences:
  counter: {schema: app}
functions:
  double:
    schema: app
    arguments: i integer
    returns: integer
    volatility: immutable
    body: SELECT i * 2
  touch:
    schema: app
    returns: trigger
    language: plpgsql
    body: BEGIN NEW.name := lower(NEW.name); RETURN NEW; END
tables:
  person:
    schema: app
    comment: people
    columns:
      id: {type: integer, primary_key: true}
      name: {type: text, nullable: false, comment: the name}
      mood: {type: app.mood, default: "'ok'"}
      age: {type: app.posint, check: age < 200}
      pos: app.pair
      span: app.floatrange
      code: text
      serial: {type: bigint, identity: always}
    unique:
      - columns: [code]
    checks:
      named: {expression: length(name) > 0}
    indexes:
      person_name_idx: {columns: [name]}
    triggers:
      person_touch: {function: app.touch, timing: before, events: [insert, update], for_each: row}
  orders:
    schema: app
    columns:
      id: {type: integer, primary_key: true}
      person_id: {type: integer, nullable: false}
      amount: numeric(10,2)
    foreign_keys:
      - columns: [person_id]
        references: {table: person, columns: [id]}
    indexes:
      orders_person: {columns: [person_id]}
views:
  a_quoted:  # reads a view its words do not name: created once that one is (tried again)
    schema: app
    query: SELECT id FROM app."z view"
  a_reads_a_view:
    schema: app
    query: SELECT id, d FROM app.z_person WHERE d > 2
  z_person:
    schema: app
    query: SELECT id, name, mood, age, pos, (pos).b AS pos_b, span, app.double(id) AS d FROM app.person
    comment: read through a function
  z view:
    schema: app
    query: SELECT id FROM app.person
  totals:
    schema: app
    query: |
      SELECT p.id, p.name, sum(o.amount) AS total
      FROM app.person p JOIN app.orders o ON o.person_id = p.id
      GROUP BY p.id
  adults:
    query: SELECT * FROM app.person WHERE age >= 18
    security_barrier: true
    check_option: local
materialized_views:
  moods:
    schema: app
    query: SELECT mood, count(*) AS n FROM app.z_person GROUP BY mood
    indexes:
      moods_key: {columns: [mood], unique: true}
"""
# Casts to regclass and regproc, nextval: the build keeps indexes, trigger functions and identities then.
NAMES_THINGS = """\
  names_things:
    query: |
      SELECT 'app.touch'::regproc AS f, 'app.person_name_idx'::regclass AS i, nextval('app.counter') AS n,
             ROW(1, 'x')::app.pair AS p, 'sad'::app.mood AS m
"""

# The oracle: each view's deparse and columns as Postgres holds them, and what its rule depends on.
VIEWS_SQL = """
SELECT n.nspname || '.' || c.relname, pg_get_viewdef(c.oid, true),
       ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
       ARRAY(SELECT DISTINCT coalesce(
               (SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                WHERE d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid),
               (SELECT pn.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
                WHERE d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid),
               (SELECT tn.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
                WHERE d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid),
               (SELECT kn.nspname || '.' || kc.relname || '.' || k.conname FROM pg_constraint k
                JOIN pg_class kc ON kc.oid = k.conrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace
                WHERE d.refclassid = 'pg_constraint'::regclass AND k.oid = d.refobjid))
             FROM pg_rewrite r
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.deptype = 'n'
             WHERE r.ev_class = c.oid AND d.refobjid <> c.oid AND d.refobjid >= 16384 ORDER BY 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname IN ('public', 'app')
"""


def _generated_and_applied(schema: str, out: str, db_url: str) -> tuple[dict, dict]:
    """Generate (views built in a scratch database), apply the migration: the views as the whole schema
    has them (the oracle's rows) and as state.json records them, checked equal."""
    r = generate(schema, out, dev_url=_admin(db_url))
    assert r.status == "written" and r.notices == (), (r.message, r.notices)
    with psycopg.connect(db_url, autocommit=True) as conn:  # the whole schema: every index, trigger, key...
        apply_files(conn, Layout(out).migrations()[-1:])
        whole = {row[0]: row[1:] for row in conn.execute(VIEWS_SQL)}
        read = {v.qualified_name: v for v in introspect(conn, ("app", "public")).schema.views}
    state = read_state(os.path.join(out, "state.json"))
    assert state is not None
    recorded = {v.qualified_name: v for v in state.schema.views}
    assert sorted(recorded) == sorted(whole)
    for name, (definition, columns, depends) in whole.items():
        v = recorded[name]
        assert v.definition == definition.strip().rstrip(";").rstrip(), name  # as schema.yaml keeps a query
        assert [f"{c.name} {c.type}" for c in v.output] == columns, name
        assert v.depends == read[name].depends, name
        assert {f"{d.schema}.{d.name}" for d in v.depends} == set(depends), name
    return whole, recorded


@pytest.mark.parametrize("names_things", [False, True])
def test_recorded_forms_are_those_of_the_whole_schema(names_things, db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = SCHEMA.replace("materialized_views:\n", NAMES_THINGS + "materialized_views:\n") if names_things else SCHEMA
    schema.write_text(text)
    built = readable(load_text(text), None)  # what the build leaves out (all of it, unless a query names such things)
    person = built.table("app", "person")
    assert person is not None and (person.checks, person.triggers) == ((), ())
    assert (bool(person.indexes), [f.name for f in built.functions], person.column("serial").identity is not None) \
        == (names_things, ["double", "touch"][:1 + names_things], names_things)
    whole, recorded = _generated_and_applied(str(schema), out, db_url)
    assert sorted(recorded) == ["app.a_quoted", "app.a_reads_a_view", "app.moods", "app.totals", "app.z view",
                                "app.z_person", "public.adults"] + ["public.names_things"] * names_things
    # What the whole schema has that the build left out is still read where a view needs it.
    assert "app.person.person_pkey" in whole["app.totals"][2]  # GROUP BY p.id
    assert {("constraint", "app", "person.person_pkey")} <= {(d.kind, d.schema, d.name) for d in
                                                              recorded["app.totals"].depends}
    if not names_things:
        return
    assert {"app.touch", "app.person_name_idx", "app.counter", "app.pair", "app.mood"} <= set(
        whole["public.names_things"][2])
    assert {("function", "touch"), ("relation", "person_name_idx"), ("relation", "counter")} <= {
        (d.kind, d.name) for d in recorded["public.names_things"].depends}


@pytest.mark.slow
def test_the_embedded_server_is_not_durable():
    """Removed afterwards: no fsync (a shutdown checkpoint would sync every file the build made)."""
    with throwaway(None) as (url, _where), psycopg.connect(url) as conn:
        assert [conn.execute(f"SHOW {name}").fetchone()[0] for name in ("fsync", "full_page_writes")] == ["off", "off"]


def test_a_second_generate_builds_what_changed(db_url, tmp_path):
    """With most views' forms recorded, only the views that need forms, the views they may read and the
    tables those read are built: the record is still the whole schema's."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA)
    _generated_and_applied(str(schema), out, db_url)
    edited = SCHEMA.replace("amount: numeric(10,2)", "amount: numeric(12,2)").replace("d > 2", "d > 3")
    state = read_state(os.path.join(out, "state.json"))
    assert state is not None
    desired = attach_recorded(load_text(edited), state.schema)
    needed = {v.key for v in desired.views if v.definition is None}
    assert needed == {("app", "totals"), ("app", "a_reads_a_view")}  # a column retyped under it; its query edited
    built = readable(desired, needed)
    assert ({v.name for v in built.views}, {t.name for t in built.tables}) == \
        ({"totals", "a_reads_a_view", "z_person"}, {"person", "orders"})
    schema.write_text(edited)
    whole, recorded = _generated_and_applied(str(schema), out, db_url)
    assert recorded["app.totals"].output[-1].type == "numeric"  # sum() of numeric(12,2)
    assert "d > 3" in whole["app.a_reads_a_view"][0]


def test_a_sequence_owner_is_not_built_for_views_that_do_not_read_it():
    """The build skips OWNED BY: a table is not made only because a sequence is owned by it (at 1,000 tables
    owning their id sequences, that built every table for views reading pg_catalog)."""
    desired = load_text("""\
sequences:
  t_id_seq: {owned_by: t.id}
tables:
  t:
    columns:
      id: {type: bigint, default: "nextval('t_id_seq'::regclass)"}
  u:
    columns:
      n: integer
views:
  counts: {query: "SELECT count(*) AS n FROM u"}
  catalog: {query: "SELECT relname FROM pg_catalog.pg_class"}
""")
    built = readable(desired, {v.key for v in desired.views})
    assert ({t.name for t in built.tables}, {s.name for s in built.sequences}) == ({"u"}, {"t_id_seq"})
