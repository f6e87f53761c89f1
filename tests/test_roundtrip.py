"""Round trips on real servers (18, 16, 15): YAML -> migration -> apply -> introspect -> no drift."""

from __future__ import annotations

import contextlib
import json
import os
import shutil

import psycopg
import pytest
from sqlx_project import apply_all

from schemac.migrations.apply import apply_files
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.catalog.connection import connect
from schemac.catalog.fetch import QUERY_NAMES
from schemac.catalog.reader import introspect
from schemac.migrations.layout import Layout

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = [os.path.join(HERE, "fixtures", "everything.yaml"), os.path.join(HERE, "fixtures", "objects.yaml"),
            os.path.join(ROOT, "schema.yaml")]
# The shipped schema.yaml (a table and its indexes, of which everything.yaml holds the kinds; its migration applied on
# every major by test_story_migration) on one major by default, every major under -m slow.
ON_ONE_MAJOR = {"schema.yaml": "pg15"}


def migrate(schema_path: str, out: str, url: str) -> None:
    generate(schema_path, out)
    apply_all(url, out)


@pytest.mark.every_major
@pytest.mark.parametrize("schema_path", [pytest.param(p, id=os.path.basename(p), marks=(
    pytest.mark.default_on(ON_ONE_MAJOR[os.path.basename(p)]),) if os.path.basename(p) in ON_ONE_MAJOR else ())
    for p in FIXTURES])
def test_generate_apply_diff_is_empty(any_db_url, tmp_path, schema_path, schemac):
    migrate(schema_path, str(tmp_path / "gen"), any_db_url)
    result = check_drift(schema_path, any_db_url)
    assert result.differences == (), result.render("text")
    assert result.sql == ""
    # and the CLI agrees, in every format
    r = schemac("diff", "--schema", schema_path, "--database-url", any_db_url, "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["in_sync"] is True and doc["differences"] == []
    r = schemac("diff", "--schema", schema_path, "--database-url", any_db_url)
    assert r.returncode == 0 and "In sync" in r.stdout


def test_introspection_query_count_is_fixed(db_url, tmp_path):
    migrate(FIXTURES[0], str(tmp_path / "gen"), db_url)
    with connect(db_url) as conn:
        big = introspect(conn, ("public", "Sales Data"))
        none = introspect(conn, ("nothing_here",))
    assert len(big.schema.tables) == 4 and none.schema.tables == ()  # 3 declared + _sqlx_migrations
    # one whole-database query per kind of object
    assert big.queries == none.queries == len(QUERY_NAMES) == 34


def test_second_generate_after_apply_writes_nothing(db_url, tmp_path):
    out = str(tmp_path / "gen")
    shutil.copy(FIXTURES[0], tmp_path / "schema.yaml")
    migrate(str(tmp_path / "schema.yaml"), out, db_url)
    assert generate(str(tmp_path / "schema.yaml"), out).status == "unchanged"


@pytest.mark.parametrize("table,cols", [
    ("t" * 60, ["a", "b"]),
    ("é" * 31, ["ü" * 20, "x"]),
    ("short", ["c" * 63, "d"]),
])
def test_default_constraint_names_match_postgres(db_url, table, cols):
    from schemac.pg.names import constraint_name, quote_ident
    from schemac.model import Column, PrimaryKey, Table, Unique

    t = Table(table, columns=tuple(Column(c, "integer") for c in cols))
    with psycopg.connect(db_url, autocommit=True) as conn:
        coldefs = ", ".join(f"{quote_ident(c)} integer" for c in cols)
        conn.execute(f"CREATE TABLE {quote_ident(table)} ({coldefs}, PRIMARY KEY ({quote_ident(cols[0])}), "
                     f"UNIQUE ({', '.join(quote_ident(c) for c in cols)}))")
        names = {r[0]: r[1] for r in conn.execute(
            "SELECT contype::text, conname::text FROM pg_constraint WHERE conrelid = %s::regclass",
            (quote_ident(table),))}
    assert names["p"] == constraint_name(t, PrimaryKey((cols[0],)))
    assert names["u"] == constraint_name(t, Unique(tuple(cols)))


# EXCLUDE elements Postgres names after what they hold (FigureIndexColname): a cast's or COLLATE's argument, or its
# type where that has none (int8 for bigint), a subscripted column, a field, a qualified function's own name.
EXCLUDED = ["(c)::bigint", "CAST(c AS bigint)", "(f(c))::bigint", "(1)::bigint", "(c + 1)::smallint", "c + 1",
            "(c)::text::varchar", '(c)::text COLLATE "C"', "s.f(c)", "x[1]", "(cc).a", "(dc)::integer", "1::d1",
            "1::s.d1", "(1)::double precision", "(1)::character varying(3)", "1::\"Quoted\"", "lower((c)::text)",
            "CASE WHEN c > 0 THEN 1 END", "coalesce(c, 0)", "ARRAY[c]", "abs(c)"]


def test_unnamed_exclusion_names_match_postgres(db_url):
    from schemac.model import Column, Exclusion, ExclusionElement, Table
    from schemac.pg.names import constraint_name

    t = Table("w", columns=(Column("c", "integer"),))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA s; CREATE TYPE ct AS (a int); CREATE DOMAIN d1 AS integer; CREATE DOMAIN s.d1 AS "
                     'integer; CREATE DOMAIN "Quoted" AS integer; CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql '
                     "IMMUTABLE AS 'SELECT a'; CREATE FUNCTION s.f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS "
                     "'SELECT a'; CREATE TABLE w (c int, x int[], cc ct, dc d1)")
        for text in EXCLUDED:
            conn.execute(f"ALTER TABLE w ADD EXCLUDE USING btree (({text}) WITH =)")
            (got,) = conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'w'::regclass AND contype = 'x' "
                                  "ORDER BY oid DESC LIMIT 1").fetchone()
            conn.execute(f'ALTER TABLE w DROP CONSTRAINT "{got}"')
            assert constraint_name(t, Exclusion((ExclusionElement(expression=text),), method="btree")) == got, text


def test_collation_set_then_back_to_the_default(db_url, tmp_path):
    """COLLATE on a column, then none: the second migration's ALTER TYPE says no COLLATE (Postgres gives the
    column its type's default collation, "default" for text: a domain's own where it has one) and the catalog
    agrees with each schema.yaml in turn."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "gen")
    for collation in ("C", None):
        extra = f", collation: {collation}" if collation else ""
        schema.write_text(f"tables:\n  words:\n    columns:\n      w: {{type: text, nullable: false{extra}}}\n",
                          encoding="utf-8")
        result = generate(str(schema), out)
        assert ('COLLATE "C"' in result.sql) if collation else \
            ("SET DATA TYPE TEXT USING" in result.sql and "COLLATE" not in result.sql), result.sql
        with psycopg.connect(db_url, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations())
            (name,) = conn.execute("SELECT co.collname FROM pg_attribute a JOIN pg_collation co ON co.oid = "
                                   "a.attcollation WHERE a.attrelid = 'words'::regclass AND a.attname = 'w'").fetchone()
        assert name == (collation or "default")
        assert check_drift(str(schema), db_url).differences == ()


def test_virtual_generated_columns_on_postgres_18(any_db_url, tmp_path, schemac):
    """PostgreSQL 18's VIRTUAL generated columns: compiled as VIRTUAL (not STORED), read back as such,
    written back by inspect as `stored: false`; changing a column between the two kinds is drift, and
    the migration for it applies. Servers before 18 have no VIRTUAL: skipped there."""
    with psycopg.connect(any_db_url) as conn:
        if conn.info.server_version < 180000:
            pytest.skip("VIRTUAL generated columns need PostgreSQL 18")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "gen")
    base = ("tables:\n  prices:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
            "      net: {type: \"numeric(10,2)\", nullable: false}\n")
    schema.write_text(base + "      gross: {type: \"numeric(10,2)\", generated: {expression: net * 1.2, stored: false}}\n"
                      "      cents: {type: bigint, generated: (net * 100)::bigint}\n", encoding="utf-8")
    result = generate(str(schema), out)
    assert "GENERATED ALWAYS AS (net * 1.2) VIRTUAL" in result.sql and "STORED" in result.sql, result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO prices (id, net) VALUES (1, 10)")
        kinds = dict(conn.execute("SELECT attname, attgenerated FROM pg_attribute WHERE attrelid = 'prices'::regclass "
                                  "AND attgenerated <> ''").fetchall())
        assert kinds == {"gross": "v", "cents": "s"}
    assert check_drift(str(schema), any_db_url).differences == ()
    r = schemac("inspect", "--database-url", any_db_url, cwd=tmp_path)
    assert "gross: {type: 'numeric(10,2)', generated: {expression: (net * 1.2), stored: false}}" in r.stdout, r.stdout
    # gross becomes STORED: the database has drifted from the file until the migration runs
    schema.write_text(base + "      gross: {type: \"numeric(10,2)\", generated: net * 1.2}\n"
                      "      cents: {type: bigint, generated: (net * 100)::bigint}\n", encoding="utf-8")
    (item,) = check_drift(str(schema), any_db_url).differences
    assert item.kind == "column_generated_changed" and item.name == "gross"
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT gross FROM prices").fetchone()[0] == 12
    assert check_drift(str(schema), any_db_url).differences == ()


def test_a_table_without_columns_round_trips(db_url, tmp_path, schemac):
    """CREATE TABLE t () is valid Postgres: inspect writes `columns: {}`, and generate compiles it back."""
    from catalog_oracle import fingerprint, sibling_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bare (); CREATE TABLE other (id integer)")
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  bare:\n    columns: {}\n" in (tmp_path / "schema.yaml").read_text()
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    with sibling_database(db_url) as rebuilt:
        apply_all(rebuilt, tmp_path / "generated")
        assert schemac("diff", "--database-url", rebuilt, cwd=tmp_path).returncode == 0
        assert fingerprint(rebuilt) == fingerprint(db_url)


@pytest.mark.every_major
def test_a_query_names_a_later_major_s_columns_only_for_that_major(any_db_url):
    """constraints.sql reads PostgreSQL 18's conperiod and conenforced by name on 18 and their values before
    it (catalog.queries' `since` markers): the query runs on every major, without serialising every
    constraint's row (to_jsonb(con) made it 460 -> 800 ms at 10,000 tables)."""
    from schemac.catalog.queries import sql_text

    for major in (15, 16, 17, 18):
        text = sql_text("constraints", major)
        assert "to_jsonb(con)" not in text and "since" not in text
        assert ("con.conperiod" in text) == (major >= 18)
    with psycopg.connect(any_db_url) as conn:
        major = conn.info.server_version // 10000
        conn.execute(sql_text("constraints", major), {"schemas": ["public"]})
        with pytest.raises(psycopg.errors.UndefinedColumn) if major < 18 else contextlib.nullcontext():
            conn.execute(sql_text("constraints", 18), {"schemas": ["public"]})


def test_foreign_keys_on_every_kind_of_key_postgres_takes(db_url, tmp_path):
    """The loader refuses a foreign key whose referenced columns no key covers (Postgres would refuse the
    migration); what Postgres takes still loads and applies: a primary key's columns in another order, a
    UNIQUE constraint, a unique index on plain columns (with INCLUDE), a partitioned table's key, a partition
    (whose key is its parent's). pg_constraint is the oracle."""
    schema = tmp_path / "schema.yaml"
    schema.write_text("""\
tables:
  p:
    columns: {a: integer, b: integer, c: integer, d: integer}
    primary_key: {columns: [a, b]}
    unique:
      - {columns: [c]}
    indexes:
      p_d: {columns: [d], unique: true, include: [a]}
  parted:
    columns: {k: integer, v: integer}
    primary_key: {columns: [k]}
    partition_by: {strategy: range, key: k}
  parted_1:
    partition_of: {parent: parted, bound: "FOR VALUES FROM (0) TO (10)"}
  c:
    columns: {x: integer, y: integer, z: integer, w: integer, q: integer, r: integer}
    foreign_keys:
      - {columns: [y, x], references: {table: p, columns: [b, a]}}
      - {columns: [z], references: {table: p, columns: [c]}}
      - {columns: [w], references: {table: p, columns: [d]}}
      - {columns: [q], references: {table: parted, columns: [k]}}
      - {columns: [r], references: {table: parted_1, columns: [k]}}
""")
    out = str(tmp_path / "generated")
    assert generate(str(schema), out, name="init").status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        count = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'c'::regclass "
                             "AND conparentid = 0").fetchone()
    assert count == (5,)
    assert not check_drift(str(schema), db_url, out_dir=out).differences


def test_nested_row_comparisons_in_sync_once_rebuilt(any_db_url, tmp_path, schemac):
    """`((a, b), (c, d), e) IS DISTINCT FROM ((1, 2), (3, 4), 5)` in an index: Postgres prints it `(ROW(a, b) IS
    DISTINCT FROM ROW(1, 2) OR ...)`; made again from that text, it expands the inner rows and prints one flat OR of
    five, which the normal form grouped otherwise, `(a OR b) OR (c OR d)` against `((a OR b) OR c) OR d`: diff of
    the rebuilt database reported the index changed, drift no migration ends. The normal form groups every AND and
    OR chain one way (compare.rewrite._left_deep). The index's own text cannot come back: no DDL stores it nested."""
    from catalog_oracle import sibling_database

    index = "SELECT pg_get_indexdef('pts_nested_ix'::regclass)"
    rows = ("INSERT INTO pts VALUES (1, 1, 2, 3, 4, 5), (2, NULL, 2, 3, 4, 5), (3, 1, 2, 3, 4, 6);"
            "SET enable_seqscan = off;")
    query = "SELECT array_agg(id ORDER BY id) FROM pts WHERE ((a, b), (c, d), e) IS DISTINCT FROM ((1, 2), (3, 4), 5)"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE pts (id int PRIMARY KEY, a int, b int, c int, d int, e int);"
                     "CREATE INDEX pts_nested_ix ON pts"
                     " ((((a, b), (c, d), e) IS DISTINCT FROM ((1, 2), (3, 4), 5)))")
        source = conn.execute(index).fetchone()[0]
    assert "ROW(a, b) IS DISTINCT FROM ROW(1, 2)" in source
    assert schemac("inspect", "--database-url", any_db_url, "--output", "schema.yaml", cwd=tmp_path).returncode == 0
    assert schemac("generate", cwd=tmp_path).returncode == 0
    with sibling_database(any_db_url) as rebuilt:
        with psycopg.connect(rebuilt, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert "ROW(" not in conn.execute(index).fetchone()[0]  # (the flat print: the shape this test is about)
            conn.execute(rows)
            assert conn.execute(query).fetchone()[0] == [2, 3]
        r = schemac("diff", "--database-url", rebuilt, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
