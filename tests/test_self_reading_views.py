"""Views whose query reads the view itself (PostgREST's `self_recursive_view`: CREATE VIEW v AS ...; CREATE OR
REPLACE VIEW v AS ... FROM v), or reads it through a function of its row type (a cycle view -> function -> view's
row type): made as pg_dump makes them, a stub of their columns first, then their query (plan.stubs). Judged on the
catalog: each view's pg_get_viewdef and what its rule depends on (pg_depend, by pg_describe_object), and on rows."""

from __future__ import annotations

import psycopg
import pytest

from catalog_oracle import sibling_database
from conftest import MAJORS
from pairs import load_pairs
from sqlx_project import apply_all
from test_pairs import converges

from schemac.commands.generate import generate
from schemac.migrations.layout import Layout

SOURCE = """
CREATE TABLE projects (id integer PRIMARY KEY, name text, client_id integer);
INSERT INTO projects VALUES (1, 'one', 10), (2, 'two', 20);
CREATE VIEW self_recursive_view AS TABLE projects;
CREATE OR REPLACE VIEW self_recursive_view AS TABLE self_recursive_view;
CREATE VIEW named AS SELECT id, name FROM projects;
CREATE FUNCTION label(named) RETURNS text LANGUAGE sql STABLE AS $$SELECT $1.id || ':' || $1.name$$;
CREATE OR REPLACE VIEW named AS SELECT id, name FROM projects WHERE label(NULL::named) IS NULL OR id > 0;
CREATE VIEW labels AS SELECT n.id, label(n) AS label FROM named n;
CREATE VIEW counted AS SELECT 1 AS n;
CREATE FUNCTION counted_rows() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM counted; END;
CREATE OR REPLACE VIEW counted AS SELECT 1 AS n WHERE counted_rows() >= 0;
"""

VIEWS = """
SELECT c.relname, pg_get_viewdef(c.oid, true) FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' ORDER BY 1
"""
# What each view's query depends on, as Postgres recorded it (its _RETURN rule's normal dependencies).
DEPENDS = """
SELECT c.relname, pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.deptype = 'n'
WHERE c.relnamespace = 'public'::regnamespace AND r.rulename = '_RETURN' ORDER BY 1, 2
"""
ROWS = "SELECT id, name, label(named) FROM named ORDER BY 1"


def _oracle(url: str, rows: str = ROWS) -> dict:
    with psycopg.connect(url) as conn:
        return {"views": conn.execute(VIEWS).fetchall(), "depends": conn.execute(DEPENDS).fetchall(),
                "rows": conn.execute(rows).fetchall(),
                "labels": conn.execute("SELECT * FROM labels ORDER BY 1").fetchall()}


def _generated(schema, out: str, text: str) -> str:
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert not [n for n in result.notices if "could not create" in n], result.notices
    return open(Layout(out).migrations()[-1].path, encoding="utf-8").read()


MAJOR_PARAMS = [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m) for m in MAJORS]


@pytest.mark.parametrize("major_db", MAJOR_PARAMS, indirect=True)
def test_views_reading_themselves_are_inspected_and_created_from_a_stub(major_db, schemac, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    expected = _oracle(major_db)
    assert ("self_recursive_view", "column id of view self_recursive_view") in expected["depends"]
    result = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "schema.yaml").read_text()
    assert "id: {type: integer}" in text and "n: {type: integer}" in text  # the views on a cycle (a SQL-standard body)
    assert "label: {type: text}" not in text  # and only those
    migration = _generated(tmp_path / "schema.yaml", str(tmp_path / "generated"), text)
    stub = migration.index("CREATE VIEW named AS\nSELECT NULL::integer AS id")
    assert stub < migration.index("CREATE FUNCTION label") < migration.index("CREATE OR REPLACE VIEW named")
    with sibling_database(major_db) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS projects (id integer PRIMARY KEY, name text, client_id integer)")
            conn.execute("INSERT INTO projects VALUES (1, 'one', 10), (2, 'two', 20)")
        apply_all(other, str(tmp_path / "generated"))
        assert _oracle(other) == expected


BEFORE = """\
tables:
  projects:
    columns:
      id: {type: integer, primary_key: true}
      name: text
functions:
  label:
    arguments: named
    returns: text
    language: sql
    volatility: stable
    body: SELECT $1.id || ':' || $1.name
views:
  looped:
    columns: {id: {type: integer}, name: {type: text}}
    query: SELECT id, name FROM looped
  named:
    columns: {id: {type: integer}, name: {type: text}}
    query: SELECT id, name FROM projects WHERE label(NULL::named) IS NULL OR id > 0
  labels:
    query: SELECT n.id, label(n) AS label FROM named n
"""
# Changed: `named` gets a column of another type in the middle (dropped and created again, with the function of
# its row type and the view calling it around it), `looped` a column appended (CREATE OR REPLACE over itself).
AFTER = BEFORE.replace(
    "columns: {id: {type: integer}, name: {type: text}}\n    query: SELECT id, name FROM projects",
    "columns: {id: {type: integer}, code: {type: character varying(5)}, name: {type: text}}\n"
    "    query: SELECT id, 'p'::varchar(5) AS code, name FROM projects").replace(
    "looped:\n    columns: {id: {type: integer}, name: {type: text}}\n    query: SELECT id, name FROM looped",
    "looped:\n    columns: {id: {type: integer}, name: {type: text}, n: {type: bigint}}\n"
    "    query: SELECT id, name, 1::bigint AS n FROM looped")


@pytest.mark.parametrize("major_db", MAJOR_PARAMS, indirect=True)
def test_changed_views_reading_themselves_are_made_again_from_a_stub(major_db, tmp_path):
    assert AFTER != BEFORE and AFTER.count("code") == 2 and "1::bigint" in AFTER
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generated(schema, out, BEFORE)
    apply_all(major_db, out)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO projects VALUES (1, 'one'), (2, 'two')")
    migration = _generated(schema, out, AFTER)
    assert "DROP VIEW" in migration and "CREATE OR REPLACE VIEW looped" in migration
    apply_all(major_db, out)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    _generated(fresh / "schema.yaml", str(fresh / "generated"), AFTER)
    rows = "SELECT id, code, name, label(named) FROM named ORDER BY 1"
    with sibling_database(major_db) as other:
        apply_all(other, str(fresh / "generated"))
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("INSERT INTO projects VALUES (1, 'one'), (2, 'two')")
        expected = _oracle(other, rows)
    assert _oracle(major_db, rows) == expected
    assert ("n",) in [tuple(r) for r in psycopg.connect(major_db).execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'looped'::regclass AND attnum > 0")]


@pytest.mark.parametrize("query", ["SELECT id FROM looped", "SELECT 1 AS id WHERE f(NULL::looped)"],
                         ids=["reads-itself", "through-its-row-type"])
def test_a_view_reading_itself_without_its_columns_types_is_a_notice_saying_so(db_url, tmp_path, query):
    text = ("functions:\n  f: {arguments: looped, returns: boolean, language: sql, body: SELECT true}\n"
            f"views:\n  looped:\n    query: {query}\n")
    (tmp_path / "schema.yaml").write_text(text)
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"),
                      dev_url=psycopg.conninfo.make_conninfo(db_url, dbname="postgres"))
    assert any("view public.looped: PostgreSQL could not create it from schema.yaml alone: its query reads the view "
               "itself" in n and "{a: {type: integer}}" in n for n in result.notices), result.notices


def test_views_reading_themselves_dropped_with_the_function_of_their_row_type(db_url, tmp_path):
    """Dropped for good, with the function of its row type it calls: DROP VIEW is refused while the function takes
    its row, DROP FUNCTION while the view calls it; the view is emptied to its stub first."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generated(schema, out, BEFORE)
    apply_all(db_url, out)
    gone = BEFORE.split("functions:")[0] + "views:\n  looped:\n    columns: {id: {type: integer}, name: {type: text}}\n" \
        "    query: SELECT id, name FROM looped\n"
    migration = _generated(schema, out, gone)
    assert migration.index("CREATE OR REPLACE VIEW named AS\nSELECT NULL::integer AS id") < \
        migration.index("DROP FUNCTION") < migration.index("DROP VIEW IF EXISTS named"), migration
    apply_all(db_url, out)
    with psycopg.connect(db_url) as conn:
        assert conn.execute(VIEWS).fetchall() == [("looped", " SELECT id,\n    name\n   FROM looped;")]
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'label'").fetchone()[0] == 0


# order.sql's pairs of a table renamed onto the name of a view over it, which the migration drops: the view's reads,
# named as they are after the rename (compare.moves), are the table's, not the view's own: dropped as it stands (no
# stub of NULLs first, which probe50a found in Windmill's v2 job tables going back to v1); a stub only for a real cycle.
# What reads the table under that name is not what read the view: kept (compare.views.stand_in_readers).
ONTO = {p.id: p for p in load_pairs() if p.id.startswith(("table-renamed-onto-the-name-of-a-view-over-it",
                                                          "table-renamed-onto-its-stand-in-views-name",
                                                          "two-tables-renamed-onto-the-names-of-views"))}


@pytest.mark.parametrize("name", sorted(ONTO))
@pytest.mark.parametrize("major_db", MAJOR_PARAMS, indirect=True)
def test_a_view_whose_name_a_renamed_table_takes_is_dropped_without_a_stub(major_db, tmp_path, name):
    assert len(ONTO) == 5
    converges(major_db, tmp_path, ONTO[name])
    text = "".join(m.read_text() for m in sorted((tmp_path / "generated" / "migrations").glob("*_new*.sql")))
    if name.endswith("-from-a-stub"):  # (its function of the view's row: dropped between the stub and the view)
        assert text.index("CREATE OR REPLACE VIEW queue AS\nSELECT NULL::integer AS id") < \
            text.index("DROP FUNCTION IF EXISTS queue_label") < text.index("DROP VIEW IF EXISTS queue;"), text
    else:
        assert "NULL::" not in text and "CREATE OR REPLACE VIEW" not in text, text
    if name.endswith("-over-it-dropped-without-a-stub"):  # (a view reading the table, kept; one over its retyped column)
        assert "running_ids" not in text and text.index("DROP VIEW IF EXISTS queue_tags") < text.index("ALTER COLUMN tag"), text
    assert text.index("DROP VIEW IF EXISTS ") < text.index(" RENAME TO "), text
