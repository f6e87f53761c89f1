"""pgvector's dimensions changed over rows (issue 13: `vector(1536)` to another model's size is a changed type).

pgvector refuses every value of other dimensions (`CAST(e AS vector(4))` over a vector(3): "expected 4 dimensions,
not 3"), so the migration `generate --allow-destructive` wrote failed on the first row. Without `using:`, generate
writes it behind a look at the rows (plan.held_values: Postgres takes it over NULLs alone) that fails naming the
`using:` to write, as for a PostGIS SRID changed (pg.pgvector, plan.hazards): with
`using: "NULL"` the embeddings are cleared (computed again after), with `subvector(...)` the first dimensions kept,
under the hnsw index over the column and a view reading it. The dimensions dropped (`vector(3)` to `vector`) keep
every value: neither refused nor destructive. On 18 and 16 (pgvector there; subvector where the build has it).
"""

from __future__ import annotations

import shutil

import psycopg
import pytest

from catalog_oracle import values
from conftest import refusals_until_applied, retyped_schema
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.pg.pgvector import fits, refusal
from schemac.pg.postgis import NO, YES
from schemac.plan.widenings import is_widening

OLD = """
CREATE EXTENSION vector;
CREATE TABLE docs (id int PRIMARY KEY, title text, e vector(3));
CREATE INDEX docs_e ON docs USING hnsw (e vector_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE VIEW docs_v AS SELECT id, e FROM docs;
INSERT INTO docs VALUES (1, 'a', '[1,2,3]'), (2, 'b', NULL), (3, 'c', '[4,5,6]');
"""

SCHEMA = """
extensions:
  - {{name: vector}}
tables:
  docs:
    columns:
      id: {{type: integer, primary_key: true}}
      title: text
      e: {e}
    indexes:
      docs_e:
        columns: [{{name: e, opclass: vector_cosine_ops}}]
        method: hnsw
        with: {{m: 16, ef_construction: 64}}
views:
  docs_v: {{query: 'SELECT id, e FROM docs'}}
"""


def _vector(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone() is None:
            pytest.skip("this server's build has no pgvector")


@pytest.mark.parametrize("major_db", ["pg18", "pg16"], indirect=True)
def test_dimensions_changed_need_using_and_convert_the_rows(major_db, tmp_path):
    _vector(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(OLD)
        subvector = conn.execute("SELECT 1 FROM pg_proc WHERE proname = 'subvector'").fetchone() is not None
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA.format(e="vector(3)"), encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"  # (the database is that schema already)

    schema.write_text(SCHEMA.format(e="vector(4)"), encoding="utf-8")
    # without `using:`: written behind a look at the rows (Postgres takes it over NULLs alone), which fails over these
    # saying which `using:` to write, leaving everything as it was (it was refused at generate)
    unguarded = values(major_db)
    shutil.copytree(out, str(tmp_path / "before"))
    guarded = generate(str(schema), out, name="dims")
    assert guarded.status == "written", guarded.message
    assert [n for n in guarded.notices if "column public.docs.e" in n and "dimensions 3 to 4" in n], guarded.notices
    with psycopg.connect(major_db, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation) as failed:
            apply_files(conn, Layout(out).migrations()[1:], record=False)
    message = failed.value.diag.message_primary or ""
    assert "column public.docs.e holds a value" in message and "dimensions 3 to 4" in message, message
    assert 'using: "NULL"' in message and values(major_db) == unguarded, message
    shutil.rmtree(out)
    shutil.copytree(str(tmp_path / "before"), out)  # (the project as before that generate: `using:` next)

    using, expected = ("{type: 'vector(2)', using: 'subvector(e, 1, 2)::vector(2)'}", [(1, "[1,2]"), (2, None), (3, "[4,5]")]) \
        if subvector else ("{type: 'vector(2)', using: 'NULL'}", [(1, None), (2, None), (3, None)])
    schema.write_text(SCHEMA.format(e=using), encoding="utf-8")
    before = values(major_db)
    assert generate(str(schema), out, name="dims").status == "refused"  # values change: destructive, as any retype
    result = generate(str(schema), out, name="dims", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
        got = conn.execute("SELECT id, e::text FROM docs ORDER BY id").fetchall()
        typ = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                           "WHERE attrelid = 'docs'::regclass AND attname = 'e'").fetchone()
        index = conn.execute("SELECT pg_get_indexdef('docs_e'::regclass)").fetchone()[0]
    assert got == expected and typ == ("vector(2)",), (got, typ)
    assert "USING hnsw (e vector_cosine_ops) WITH (m='16', ef_construction='64')" in index, index
    after = values(major_db)
    retyped = ("public.docs", "e")  # the one column whose values the retype changes; every other one kept as it was
    assert retyped in before and {k: v for k, v in after.items() if k != retyped} == \
        {k: v for k, v in before.items() if k != retyped}
    drift = check_drift(str(schema), major_db, out_dir=out)
    assert drift.differences == (), drift.render("text")


def test_which_pgvector_type_changes_keep_every_value():
    """fits() and is_widening() by pgvector's typmod check (checked on a server by the test above): other
    dimensions keep no value, dimensions dropped keep every one, dimensions added or another kind depend on the
    values (halfvec rounds)."""
    cases = {("vector(3)", "vector(4)"): NO, ("halfvec(4)", "halfvec(2)"): NO, ("vector(3)", "halfvec(4)"): NO,
             ("ext.vector(3)[]", "ext.vector(4)[]"): NO, ("sparsevec(5)", "sparsevec(6)"): NO,
             ("vector(3)", "vector"): YES, ("ext.halfvec(2)", "ext.halfvec"): YES,
             ("vector", "vector(3)"): None, ("vector(3)", "halfvec(3)"): None}
    for (old, new), answer in cases.items():
        assert fits(old, new) == answer, (old, new)
        assert is_widening(old, new) == (answer == YES), (old, new)
    assert fits("integer", "vector(3)") is None and refusal("e", "vector(3)", "vector") is None
    assert 'or "subvector(e, 1, 2)::halfvec(2)"' in refusal("e", "halfvec(4)", "halfvec(2)")
    assert "subvector" not in refusal("e", "vector(2)", "vector(4)")  # (no dimensions to keep: more are needed)
    assert 'or "ext.subvector(e, 1, 2)::ext.vector(2)"' in refusal("e", "ext.vector(3)", "ext.vector(2)")


PARTS = """
CREATE EXTENSION vector;
CREATE DOMAIN embedding AS vector(3);
CREATE TYPE scored AS (score float8, parts embedding[]);
CREATE TABLE passages (id int PRIMARY KEY, best scored, alls scored[]);
INSERT INTO passages VALUES (1, ROW(0.5, ARRAY[NULL, '[1,2,3]']::embedding[]), NULL),
  (2, ROW(0.1, ARRAY[NULL]::embedding[]), ARRAY[ROW(0.2, ARRAY['[4,5,6]']::embedding[]), NULL]::scored[]),
  (3, ROW(0.3, NULL), ARRAY[ROW(0.4, '{}')]::scored[]);
"""


@pytest.mark.parametrize("major_db", ["pg18", "pg16"], indirect=True)
def test_a_composites_array_attribute_of_a_domain_given_other_dimensions_is_guarded(major_db, tmp_path):
    """A composite type's attribute that is an array of a domain made over vector(4) from vector(3): the type is made
    again and the columns (a plain one and an array of the type) retyped through text, whose cast pgvector refuses for
    an element of 3 dimensions ('expected 4 dimensions, not 3', the migration failing on its ALTER before). Now generate
    warns and the migration looks at the arrays' elements first (plan.held_values), raising naming the column and the
    attribute parts[] where one holds a value, nothing done; over NULL elements and empty arrays it applies."""
    _vector(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(PARTS)
    schema, out, result = retyped_schema(major_db, tmp_path, "vector(3)", "vector(4)")
    for column in ("best", "alls"):
        assert [n for n in result.notices if f"column public.passages.{column}: its composite type's attribute parts[] "
                "is of domain public.embedding created again over vector(4)" in n], result.notices
    failures = refusals_until_applied(major_db, out, ("UPDATE passages SET best = ROW((best).score, NULL) WHERE id = 1",
                                                      "UPDATE passages SET alls = NULL WHERE id = 2"))
    assert "column public.passages.best is retyped to scored (composite type public.scored made again): its attribute " \
        "parts[] of domain public.embedding created again over vector(4) (was vector(3))" in failures[0], failures
    assert "column public.passages.alls is retyped to scored[] (composite type public.scored made again): its " \
        "attribute parts[] of domain public.embedding" in failures[1] and "dimensions 3 to 4" in failures[1], failures
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT id, (best).score, (alls[1]).score FROM passages ORDER BY id").fetchall() == \
            [(1, 0.5, None), (2, 0.1, None), (3, 0.3, 0.4)]
    drift = check_drift(str(schema), major_db)
    assert drift.differences == (), drift.render("text")


PAGES = """
CREATE EXTENSION vector;
CREATE DOMAIN embedding AS vector(3);
CREATE TYPE hit AS (score float8, e embedding);
CREATE TYPE page AS (n int, hits hit[]);
CREATE DOMAIN hit_d AS hit;
CREATE TYPE erange AS RANGE (subtype = embedding);
CREATE TYPE hrange AS RANGE (subtype = hit);
CREATE TABLE passages (id int PRIMARY KEY, pg page, pgs page[], top hit_d, r erange, m emultirange, hr hrange);
INSERT INTO passages VALUES (1, ROW(1, ARRAY[NULL, ROW(0.1, '[1,2,3]')]::hit[]), NULL, ROW(0.2, '[1,2,3]'),
    erange(NULL, '[1,2,3]'), emultirange(erange(NULL, '[0,0,0]'), erange('[1,1,1]', NULL)),
    hrange(ROW(0.1, NULL)::hit, ROW(0.2, '[1,2,3]')::hit)),
  (2, ROW(2, '{}'), ARRAY[NULL, ROW(3, ARRAY[ROW(0.3, '[4,5,6]')]::hit[])]::page[], ROW(0.4, NULL), erange(NULL, NULL),
    emultirange(), hrange(ROW(0.3, NULL)::hit, ROW(0.4, NULL)::hit)),
  (3, ROW(4, ARRAY[ROW(0.5, NULL)]::hit[]), ARRAY[ROW(5, ARRAY[NULL, ROW(0.6, NULL)]::hit[])]::page[], NULL, NULL,
    NULL, NULL);
"""


@pytest.mark.parametrize("major_db", ["pg18", pytest.param("pg16", marks=pytest.mark.slow)], indirect=True)
def test_a_composites_array_of_composites_a_domain_over_a_composite_and_a_range_are_guarded(major_db, tmp_path):
    """A domain over vector(3) made over vector(4) under an attribute of a composite type held in an array attribute
    of another (page.hits[].e), in a plain column and an array column: their retypes through text failed at apply
    ('expected 4 dimensions, not 3'), no guard nor warning (compare.composite_rebases stopped at the array). Now the
    walk goes through the array and the look tests each element's attribute; the column of a domain over the composite
    is named as such ('domain public.hit_d over composite type public.hit', where it read 'composite type
    public.hit_d'). A range type over the domain, set aside and made again with it, was refused as one over an enum
    ('values removed or reordered'), then failed alike: its columns' bounds (each range's of a multirange) are looked
    at as such attributes. NULL elements, attributes and bounds and empty arrays hold nothing: they apply."""
    _vector(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(PAGES)
    schema, out, result = retyped_schema(major_db, tmp_path, "vector(3)", "vector(4)")
    for column, path in (("pg", "composite type's attribute hits[].e"), ("pgs", "composite type's attribute hits[].e"),
                         ("top", "composite type's attribute e"), ("r", "range type's bound"),
                         ("m", "multirange type's ranges[].lower/upper"), ("hr", "range type's lower/upper.e")):
        assert [n for n in result.notices if f"column public.passages.{column}: its {path} is of domain public.embedding "
                "created again over vector(4)" in n], result.notices
    failures = refusals_until_applied(major_db, out, ("UPDATE passages SET pg = ROW((pg).n, NULL) WHERE id = 1",
                                                      "UPDATE passages SET pgs = NULL WHERE id = 2",
                                                      "UPDATE passages SET top = NULL WHERE id = 1",
                                                      "UPDATE passages SET r = erange(NULL, NULL) WHERE id = 1",
                                                      "UPDATE passages SET m = emultirange() WHERE id = 1",
                                                      "UPDATE passages SET hr = NULL WHERE id = 1"))
    assert "column public.passages.pg is retyped to page (composite type public.page made again): its attribute " \
        "hits[].e of domain public.embedding created again over vector(4) (was vector(3))" in failures[0], failures
    assert "column public.passages.pgs is retyped to page[] (composite type public.page made again): its attribute " \
        "hits[].e of domain public.embedding" in failures[1] and "dimensions 3 to 4" in failures[1], failures
    assert "column public.passages.top is retyped to hit_d (domain public.hit_d over composite type public.hit made " \
        "again): its attribute e of domain public.embedding" in failures[2], failures
    assert "column public.passages.r is retyped to erange (range type public.erange made again): its bound of domain " \
        "public.embedding" in failures[3], failures
    assert "column public.passages.m is retyped to emultirange (multirange type public.emultirange made again): its " \
        "ranges[].lower/upper of domain public.embedding" in failures[4], failures
    assert "column public.passages.hr is retyped to hrange (range type public.hrange made again): its lower/upper.e " \
        "of domain public.embedding" in failures[5], failures
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT id, (pg).n, (pgs[2]).n, (top).score FROM passages ORDER BY id").fetchall() == \
            [(1, 1, None, None), (2, 2, None, 0.4), (3, 4, None, None)]
    drift = check_drift(str(schema), major_db)
    assert drift.differences == (), drift.render("text")
