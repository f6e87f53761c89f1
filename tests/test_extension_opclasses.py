"""An extension's operator class named in schema.yaml as people write it (pg.extension_opclasses): bare
(`opclass: gin_trgm_ops`, as the README's own `gist_trgm_ops (siglen = 32)` example names it), or the key type's
default under the index's method written out (`gist_ltree_ops` on an ltree, btree_gist's `gist_int4_ops` in an
EXCLUDE, pgvector's `vector_l2_ops` under ivfflat, PostGIS's `gist_geometry_ops_2d`). The catalog names every
class outside pg_catalog with its schema and none where it is the default, so each was drift right after
schemac's own migration ("index t_trgm is INDEX USING gin (name public.gin_trgm_ops), expected ... (name
gin_trgm_ops)"); with the extension in a schema of its own the migration did not apply ("operator class
"gin_trgm_ops" does not exist for access method "gin"").
Expressions naming such an extension's objects bare (`''::hstore`, `h ? 'x'`, `nlevel(p)`, a view's `similarity(...)`,
a domain's CHECK, a policy, a trigger's WHEN, a materialized view's index)
made a migration that did not apply ("type "hstore" does not exist"): its search_path now holds the schema after public,
and the catalog's `ext.`-qualified names compare with them (compare.on_path).

Oracle per case: the catalog of a database built by the hand-written SQL a person would run for the same objects
(tests/catalog_oracle.py's fingerprint) equals the one schemac's migration built; then `diff` says in sync, from
state.json and from schema.yaml alone, and a second `generate` writes nothing. Each case runs on the majors whose
builds have its extensions (skipped elsewhere): contrib on 18 and 15, pgvector on 18 and 16, PostGIS on 15.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database
from conftest import one_of_each_class
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.migrations.state import schema_fields_to_json, schema_from_json
from schemac.schemafile.load import load_text

CASES = {
    "contrib_classes_bare_and_defaults_written_out": (("pg18", "pg15"), """
extensions:
  - {name: pg_trgm}
  - {name: ltree}
  - {name: intarray}
  - {name: hstore}
  - {name: btree_gist}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: text
      path: ltree
      tags: "int[]"
      attrs: hstore
      room: integer
      during: tstzrange
    indexes:
      t_trgm: {columns: [{name: name, opclass: gin_trgm_ops}], method: gin}
      t_trgm_sig: {columns: [{name: name, opclass: gist_trgm_ops, opclass_options: {siglen: 32}}], method: gist}
      t_path_sig: {columns: [{name: path, opclass: gist_ltree_ops, opclass_options: {siglen: 100}}], method: gist}
      t_path: {columns: [{name: path, opclass: gist_ltree_ops}], method: gist}
      t_path_q: {columns: [{name: path, opclass: public.ltree_ops}]}
      t_tags: {columns: [{name: tags, opclass: gin__int_ops}], method: gin}
      t_tags_gist: {columns: [{name: tags, opclass: gist__int_ops}], method: gist}
      t_attrs: {columns: [{name: attrs, opclass: gin_hstore_ops}], method: gin}
      t_lower: {columns: [{expression: lower(name), opclass: gin_trgm_ops}], method: gin}
      t_sub: {columns: [{expression: 'subpath(path, 0, 1)', opclass: gist_ltree_ops}], method: gist}
    exclude:
      - name: t_no_overlap
        elements: [{name: room, with: '=', opclass: gist_int4_ops}, {name: during, with: '&&'}]
""", """
CREATE EXTENSION pg_trgm; CREATE EXTENSION ltree; CREATE EXTENSION intarray; CREATE EXTENSION hstore;
CREATE EXTENSION btree_gist;
CREATE TABLE t (id int PRIMARY KEY, name text, path ltree, tags int[], attrs hstore, room int, during tstzrange,
  CONSTRAINT t_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&));
CREATE INDEX t_trgm ON t USING gin (name gin_trgm_ops);
CREATE INDEX t_trgm_sig ON t USING gist (name gist_trgm_ops (siglen = 32));
CREATE INDEX t_path_sig ON t USING gist (path gist_ltree_ops (siglen = 100));
CREATE INDEX t_path ON t USING gist (path);
CREATE INDEX t_path_q ON t (path);
CREATE INDEX t_tags ON t USING gin (tags gin__int_ops);
CREATE INDEX t_tags_gist ON t USING gist (tags);
CREATE INDEX t_attrs ON t USING gin (attrs);
CREATE INDEX t_lower ON t USING gin (lower(name) gin_trgm_ops);
CREATE INDEX t_sub ON t USING gist (subpath(path, 0, 1));
"""),
    # (on 18 only: the throwaway server's 18 deparses the query, which 15 spells otherwise: `SELECT t.id, ...`)
    "default_class_written_out_on_a_materialized_view": (("pg18",), """
extensions:
  - {name: ltree}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      path: ltree
materialized_views:
  tm:
    query: SELECT id, path FROM t
    indexes:
      tm_path: {columns: [{name: path, opclass: gist_ltree_ops}], method: gist}
""", """
CREATE EXTENSION ltree;
CREATE TABLE t (id int PRIMARY KEY, path ltree);
CREATE MATERIALIZED VIEW tm AS SELECT id, path FROM t;
CREATE INDEX tm_path ON tm USING gist (path);
"""),
    "classes_of_an_extension_in_a_schema_of_its_own": (("pg18", "pg15"), """
schemas:
  - name: extensions
extensions:
  - {name: pg_trgm, schema: extensions}
  - {name: ltree, schema: extensions}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: text
      path: ltree
    indexes:
      t_trgm: {columns: [{name: name, opclass: gin_trgm_ops}], method: gin}
      t_path_sig: {columns: [{name: path, opclass: gist_ltree_ops, opclass_options: {siglen: 100}}], method: gist}
      t_path: {columns: [{name: path, opclass: extensions.gist_ltree_ops}], method: gist}
""", """
CREATE SCHEMA extensions; CREATE EXTENSION pg_trgm SCHEMA extensions; CREATE EXTENSION ltree SCHEMA extensions;
CREATE TABLE t (id int PRIMARY KEY, name text, path extensions.ltree);
CREATE INDEX t_trgm ON t USING gin (name extensions.gin_trgm_ops);
CREATE INDEX t_path_sig ON t USING gist (path extensions.gist_ltree_ops (siglen = 100));
CREATE INDEX t_path ON t USING gist (path);
"""),
    "pgvector_classes_bare_and_default_written_out": (("pg18", "pg16"), """
extensions:
  - {name: vector}
tables:
  items:
    columns:
      id: {type: integer, primary_key: true}
      embedding: vector(3)
    indexes:
      items_hnsw:
        columns: [{name: embedding, opclass: vector_cosine_ops}]
        method: hnsw
        with: {m: 16, ef_construction: 64}
      items_ivf:
        columns: [{name: embedding, opclass: vector_l2_ops}]
        method: ivfflat
        with: {lists: 100}
      items_ip: {columns: [{name: embedding, opclass: vector_ip_ops}], method: ivfflat}
""", """
CREATE EXTENSION vector;
CREATE TABLE items (id int PRIMARY KEY, embedding vector(3));
CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE INDEX items_ivf ON items USING ivfflat (embedding) WITH (lists = 100);
CREATE INDEX items_ip ON items USING ivfflat (embedding vector_ip_ops);
"""),
    "postgis_classes_bare_and_default_written_out": (("pg15",), """
extensions:
  - {name: postgis}
tables:
  f:
    columns:
      id: {type: integer, primary_key: true}
      g: geometry(PointZ,4326)
      geog: geography(Point,4326)
    indexes:
      f_nd: {columns: [{name: g, opclass: gist_geometry_ops_nd}], method: gist}
      f_2d: {columns: [{name: g, opclass: gist_geometry_ops_2d}], method: gist}
      f_sp3d: {columns: [{name: g, opclass: spgist_geometry_ops_3d}], method: spgist}
      f_brin3d: {columns: [{name: g, opclass: brin_geometry_inclusion_ops_3d}], method: brin}
      f_geog: {columns: [{name: geog, opclass: gist_geography_ops}], method: gist}
""", """
CREATE EXTENSION postgis;
CREATE TABLE f (id int PRIMARY KEY, g geometry(PointZ,4326), geog geography(Point,4326));
CREATE INDEX f_nd ON f USING gist (g gist_geometry_ops_nd);
CREATE INDEX f_2d ON f USING gist (g);
CREATE INDEX f_sp3d ON f USING spgist (g spgist_geometry_ops_3d);
CREATE INDEX f_brin3d ON f USING brin (g brin_geometry_inclusion_ops_3d);
CREATE INDEX f_geog ON f USING gist (geog);
"""),
    # An EXCLUDE element's operator written bare over a column of an extension's type, the extension in a schema of its
    # own: the extension's operator (`extensions.&&`), as the catalog names it; bare, the migration did not apply
    # ("operator does not exist: extensions.geometry && extensions.geometry").
    "exclusion_operators_of_an_extension_in_a_schema_of_its_own": (("pg15",), """
schemas:
  - name: extensions
extensions:
  - {name: postgis, schema: extensions}
  - {name: btree_gist, schema: extensions}
tables:
  zones:
    columns:
      id: {type: integer, primary_key: true}
      kind: integer
      area: geometry(Polygon,4326)
    exclude:
      - name: zones_no_overlap
        elements: [{name: kind, with: '='}, {name: area, with: '&&'}]
""", """
CREATE SCHEMA extensions; CREATE EXTENSION postgis SCHEMA extensions; CREATE EXTENSION btree_gist SCHEMA extensions;
CREATE TABLE zones (id int PRIMARY KEY, kind int, area extensions.geometry(Polygon,4326),
  CONSTRAINT zones_no_overlap EXCLUDE USING gist (kind WITH =, area WITH OPERATOR(extensions.&&)));
"""),
    "exclusion_operator_of_citext_in_a_schema_of_its_own": (("pg18", "pg15"), """
schemas:
  - name: ext
extensions:
  - {name: citext, schema: ext}
tables:
  users:
    columns:
      id: {type: integer, primary_key: true}
      email: citext
    exclude:
      - name: users_email_excl
        using: btree
        elements: [{name: email, with: '='}]
""", """
CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext;
CREATE TABLE users (id int PRIMARY KEY, email ext.citext,
  CONSTRAINT users_email_excl EXCLUDE USING btree (email WITH OPERATOR(ext.=)));
"""),
    # Expressions naming the objects of extensions in a schema of their own bare, as the database they were written
    # against (Supabase's `extensions` on its search_path) found them: a default's cast, CHECKs' operators and a cast
    # of a column, an index expression's function and its predicate's operator, a generated column, a function's body.
    # The migration pinned the search_path to public alone ("type "hstore" does not exist"); it now holds the declared
    # extensions' schemas after public, and the normal forms read `ext.nlevel(p)`, `OPERATOR(ext.?)`, `::ext.citext`
    # (the catalog's) as the bare names (compare.on_path).
    "expressions_naming_extension_objects_bare": (("pg18", "pg15"), """
schemas:
  - name: ext
extensions:
  - {name: hstore, schema: ext}
  - {name: ltree, schema: ext}
  - {name: citext, schema: ext}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      h: {type: hstore, default: "''::hstore"}
      p: ltree
      e: citext
      name: text
      depth: {type: integer, generated: nlevel(p)}
    checks: {t_h: "h ? 'x'", t_e: "e <> 'x'::citext", t_name: "name::citext <> 'y'"}
    indexes:
      t_nlevel: {columns: [{expression: 'nlevel(p)'}], where: "h ? 'k'"}
functions:
  f: {arguments: "x hstore", returns: text, language: sql, volatility: immutable, body: "select x -> 'a'"}
""", """
CREATE SCHEMA ext; CREATE EXTENSION hstore SCHEMA ext; CREATE EXTENSION ltree SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;
CREATE TABLE t (id int PRIMARY KEY, h ext.hstore DEFAULT ''::ext.hstore, p ext.ltree, e ext.citext, name text,
  depth int GENERATED ALWAYS AS (ext.nlevel(p)) STORED,
  CONSTRAINT t_h CHECK (h OPERATOR(ext.?) 'x'), CONSTRAINT t_e CHECK (e OPERATOR(ext.<>) 'x'::ext.citext),
  CONSTRAINT t_name CHECK (name::ext.citext OPERATOR(ext.<>) 'y'));
CREATE INDEX t_nlevel ON t (ext.nlevel(p)) WHERE h OPERATOR(ext.?) 'k';
SET check_function_bodies = off;  -- (its body finds `->` through the caller's search_path)
CREATE FUNCTION f(x ext.hstore) RETURNS text LANGUAGE sql IMMUTABLE AS 'select x -> ''a''';
"""),
    # A domain's CHECK, a policy and a trigger's WHEN naming them bare (the same reading: compare.on_path).
    "policies_triggers_and_domains_naming_extension_objects_bare": (("pg18", "pg15"), """
schemas:
  - name: ext
extensions:
  - {name: hstore, schema: ext}
  - {name: citext, schema: ext}
domains:
  d_email: {type: citext, checks: {d_email_at: "VALUE <> ''::citext"}}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      h: hstore
      e: d_email
    row_level_security: {enabled: true}
    policies:
      t_sel: {command: select, using: "h ? 'x'"}
    triggers:
      t_trg: {timing: before, events: [update], function: trg, for_each: row, when: "NEW.h ? 'y'"}
functions:
  trg: {returns: trigger, language: plpgsql, body: "begin return new; end"}
""", """
CREATE SCHEMA ext; CREATE EXTENSION hstore SCHEMA ext; CREATE EXTENSION citext SCHEMA ext;
CREATE DOMAIN d_email AS ext.citext CONSTRAINT d_email_at CHECK (VALUE OPERATOR(ext.<>) ''::ext.citext);
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE TABLE t (id int PRIMARY KEY, h ext.hstore, e d_email);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_sel ON t FOR SELECT USING (h OPERATOR(ext.?) 'x');
CREATE TRIGGER t_trg BEFORE UPDATE ON t FOR EACH ROW WHEN (NEW.h OPERATOR(ext.?) 'y') EXECUTE FUNCTION trg();
"""),
    # A view's query naming them bare, as Postgres deparses it where the schema is on the search_path (and a materialized
    # view's index expression): built in the
    # throwaway server under the migration's search_path (it failed there: compared as written, drift), and compared
    # from schema.yaml alone as written with the catalog's `ext.` names off (compare.views.same_query). (On 18 only:
    # 15 deparses `SELECT t.id, ...`.)
    "a_view_naming_extension_objects_bare": (("pg18",), """
schemas:
  - name: ext
extensions:
  - {name: hstore, schema: ext}
  - {name: pg_trgm, schema: ext}
  - {name: ltree, schema: ext}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      h: hstore
      name: text
      p: ltree
views:
  v: {query: "SELECT id, h -> 'a'::text AS a, similarity(name, 'x'::text) AS s FROM t"}
materialized_views:
  mv:
    query: SELECT id, p FROM t
    indexes:
      mv_depth: {columns: [{expression: nlevel(p)}]}
""", """
CREATE SCHEMA ext; CREATE EXTENSION hstore SCHEMA ext; CREATE EXTENSION pg_trgm SCHEMA ext;
CREATE EXTENSION ltree SCHEMA ext;
CREATE TABLE t (id int PRIMARY KEY, h ext.hstore, name text, p ext.ltree);
CREATE VIEW v AS SELECT id, h OPERATOR(ext.->) 'a' AS a, ext.similarity(name, 'x') AS s FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT id, p FROM t;
CREATE INDEX mv_depth ON mv (ext.nlevel(p));
"""),
}


def _catalog(url: str) -> dict:
    return {k: [r for r in v if "_sqlx_migrations" not in repr(r)] for k, v in fingerprint(url).items()}


# The default run takes one case of each class (the others under -m slow): the case -> the default case of its class
# (pg.extension_opclasses reads every extension's classes and operators alike).
SLOW_CASES = {
    "pgvector_classes_bare_and_default_written_out": "contrib_classes_bare_and_defaults_written_out",
    "postgis_classes_bare_and_default_written_out": "contrib_classes_bare_and_defaults_written_out",
    "exclusion_operators_of_an_extension_in_a_schema_of_its_own": "exclusion_operator_of_citext_in_a_schema_of_its_own",
}


@pytest.mark.parametrize("major_db,case", [pytest.param(m, p.values[0], id=f"{m}-{p.id}", marks=p.marks)
                                           for p in one_of_each_class(sorted(CASES), SLOW_CASES)
                                           for m in CASES[p.id][0]], indirect=["major_db"])
def test_an_extension_class_as_people_write_it_builds_and_stays_in_sync(tmp_path, major_db, case):
    _, text, by_hand = CASES[case]
    schema, out, empty = tmp_path / "schema.yaml", str(tmp_path / "generated"), tmp_path / "empty"
    schema.write_text(text, encoding="utf-8")
    empty.mkdir()
    with sibling_database(major_db) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            try:
                conn.execute(by_hand)
            except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile) as e:
                pytest.skip(f"this server's build lacks an extension of the case: {e.diag.message_primary}")
        assert generate(str(schema), out).status == "written"
        apply_all(major_db, out)
        ours, theirs = _catalog(major_db), _catalog(other)
        assert ours == theirs, fingerprint_difference(ours, theirs)
        assert check_drift(str(schema), other, out_dir=str(empty)).differences == ()
    both = check_drift(str(schema), major_db, out_dir=out, and_alone=True)  # (one catalog read, judged both ways)
    assert (both.desired_from, both.differences) == ("state.json", ())
    assert both.alone is not None and (both.alone.desired_from, both.alone.differences) == ("schema.yaml", ())
    assert generate(str(schema), out).status == "unchanged"


def test_a_record_made_before_reads_its_bare_class_as_the_catalog_spells_it():
    """state.json recorded by an earlier schemac kept `gin_trgm_ops` and `gist_ltree_ops` as written: read back,
    they are the loader's spelling now, so the first `generate` after the upgrade plans no index again."""
    text = CASES["classes_of_an_extension_in_a_schema_of_its_own"][1]
    loaded = load_text(text, "schema.yaml")
    keys = {i.name: [(e.opclass, e.opclass_options) for e in i.elements] for i in loaded.tables[0].indexes}
    assert keys == {"t_trgm": [("extensions.gin_trgm_ops", ())],
                    "t_path_sig": [("extensions.gist_ltree_ops", ("siglen=100",))], "t_path": [(None, ())]}
    record = json.loads(json.dumps(schema_fields_to_json(loaded)))  # (as an earlier schemac wrote it: as written)
    for index, written in zip(record["tables"][0]["indexes"], ("gin_trgm_ops", "gist_ltree_ops", "gist_ltree_ops")):
        index["elements"][0]["opclass"] = written
    read = schema_from_json(record)
    assert {i.name: [(e.opclass, e.opclass_options) for e in i.elements] for i in read.tables[0].indexes} == keys


@pytest.mark.parametrize("major_db", ["pg18"], indirect=True)
def test_a_class_parameter_changed_by_hand_is_drift_that_says_which(tmp_path, major_db):
    """An index whose class's parameters changed by hand (`gist_trgm_ops (siglen = 64)` where schema.yaml says 32):
    drift, and the report shows both sides' parameters (it wrote `INDEX USING gist (name public.gist_trgm_ops)` for
    both, the one difference unseen)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(CASES["contrib_classes_bare_and_defaults_written_out"][1], encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("DROP INDEX t_trgm_sig; CREATE INDEX t_trgm_sig ON t USING gist (name gist_trgm_ops (siglen = 64))")
    drift = check_drift(str(schema), major_db, out_dir=out)
    assert len(drift.differences) == 1
    assert "index t_trgm_sig is INDEX USING gist (name public.gist_trgm_ops(siglen=64)), expected INDEX USING gist " \
        "(name public.gist_trgm_ops(siglen=32))" in drift.render("text"), drift.render("text")


@pytest.mark.parametrize("major_db", ["pg18"], indirect=True)
def test_an_extension_moved_takes_its_classes_along_and_keeps_the_index(tmp_path, major_db):
    """pg_trgm moved from public to `extensions` under an index of its class (with parameters): ALTER EXTENSION ...
    SET SCHEMA takes the class along, and the index with it. The index was compared as read (`public.gist_trgm_ops`
    against `extensions.gist_trgm_ops`), so the migration dropped it and made it again over its rows; now it is kept
    (the same relfilenode), its definition names the class in its new schema, and diff is in sync."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = """
extensions:
  - {name: pg_trgm, schema: public}
tables:
  rooms:
    columns:
      id: {type: integer, primary_key: true}
      name: text
    indexes:
      rooms_n: {columns: [{name: name, opclass: gist_trgm_ops, opclass_options: {siglen: 32}}], method: gist}
"""
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO rooms VALUES (1, 'bob'), (2, NULL)")
        node = conn.execute("SELECT relfilenode FROM pg_class WHERE relname = 'rooms_n'").fetchone()
    schema.write_text("schemas: [{name: extensions}]\n" + text.replace("schema: public", "schema: extensions"),
                      encoding="utf-8")
    result = generate(str(schema), out, name="moved")
    assert result.status == "written" and "DROP INDEX" not in result.sql, result.sql
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT relfilenode FROM pg_class WHERE relname = 'rooms_n'").fetchone() == node
        assert "extensions.gist_trgm_ops (siglen='32')" in \
            conn.execute("SELECT pg_get_indexdef('rooms_n'::regclass)").fetchone()[0]
    assert check_drift(str(schema), major_db, out_dir=out).differences == ()
