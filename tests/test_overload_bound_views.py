"""A view made before a newer overload of a function it calls (ADempiere's `nvl(anyelement, anyelement)`, then
`nvl(character varying, character varying)`: probe53a, metasfresh) stays bound to the older one, and Postgres prints
its call schema-qualified (`public.nvl(name2, name)`: the name alone takes the newer). inspect writes the binding
(`binds:`, compare.view_binds) and the migration makes the view with the newer renamed aside, so a database built from
schema.yaml reads the view's rows as the one inspected does (an empty name2 reads '', not name); neither warns. A view
made after both, bound as a build binds it, gets no `binds:`. Where the binding cannot be kept (the function of a
schema inspect does not read), inspect warns; where schema.yaml's query qualifies the call but binds nothing,
generate warns; `diff` sees a view whose binding differs though no recorded deparse is at hand."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from sqlx_project import apply_all

OLDER = "CREATE FUNCTION nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE AS 'SELECT COALESCE($1, $2)';"
NEWER = ("CREATE FUNCTION nvl(character varying, character varying) RETURNS character varying LANGUAGE sql IMMUTABLE "
         "AS $$ SELECT COALESCE(NULLIF($1, ''), $2) $$;")
TABLE = "CREATE TABLE bp (id int PRIMARY KEY, name varchar(60) NOT NULL, name2 varchar(60));"
VIEW = "CREATE VIEW bp_v AS SELECT id, nvl(name2, name) AS displayname FROM bp;"
ROWS = "INSERT INTO bp VALUES (1, 'a', NULL), (2, 'b', ''), (3, 'c', 'z');"
BINDS = "    binds:\n      - public.nvl(anyelement, anyelement)\n"


def _read(url: str, sql: str = "") -> list:
    with psycopg.connect(url, autocommit=True) as conn:
        if sql:
            conn.execute(sql)
        return conn.execute("SELECT id, displayname FROM app.bp_v ORDER BY id" if "app." in sql else
                            "SELECT id, displayname FROM bp_v ORDER BY id").fetchall()


CASES = [pytest.param(OLDER + TABLE + VIEW + NEWER, True, id="made-before-the-newer"),
         pytest.param(OLDER + NEWER + TABLE + VIEW, False, id="made-after-both")]


@pytest.mark.parametrize("major_db,sql,older", each_case_on_one_major(CASES), indirect=["major_db"])
def test_a_view_bound_to_an_older_overload_is_made_so(major_db, sql, older, schemac, tmp_path):
    rows = _read(major_db, sql + ROWS)
    assert rows[1] == (2, "" if older else "b"), rows
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert r.returncode == 0 and "nvl" not in r.stderr, r.stderr
    assert (BINDS in (tmp_path / "schema.yaml").read_text()) == older
    g = schemac("generate", "--name", "init")
    assert g.returncode == 0 and "nvl" not in g.stderr, g.stderr
    with sibling_database(major_db) as b:
        apply_all(b, tmp_path / "generated")
        assert _read(b, ROWS) == rows  # (the view calls what the inspected one does)
        assert schemac("diff", "--database-url", b).returncode == 0


def test_a_binding_schema_yaml_does_not_keep_is_warned_and_seen_by_diff(db_url, schemac, tmp_path):
    """schema.yaml without the view's `binds:`: generate warns (its query qualifies the call the build printed bare),
    and diff, with no recorded deparse (no generate run), reports the view; of a function of a schema inspect does
    not read (`-n app`), inspect warns that it cannot keep the binding."""
    _read(db_url, OLDER + TABLE + VIEW + NEWER + ROWS)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    (tmp_path / "schema.yaml").write_text(text.replace(BINDS, ""))
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 1 and "view public.bp_v is VIEW public.bp_v AS SELECT id, public.nvl(name2, name) AS " \
        "displayname FROM bp (calling public.nvl(anyelement, anyelement)), expected VIEW public.bp_v AS SELECT id, " \
        "public.nvl(name2, name) AS displayname FROM bp (compared as written" in d.stdout, d.stdout + d.stderr
    g = schemac("generate", "--name", "init")
    assert g.returncode == 0, g.stderr
    assert "schemac: warning: schema.yaml:" in g.stderr and \
           "view public.bp_v calls public.nvl(...) schema-qualified, as Postgres prints a call bound to another " \
           "overload than the one its name takes (a view made before a newer overload): the migration binds it to " \
           "public.nvl(character varying, character varying), not to public.nvl(anyelement, anyelement)" in g.stderr, g.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA app; CREATE VIEW app.bp_v AS SELECT * FROM bp_v")
        conn.execute("DROP VIEW app.bp_v; DROP VIEW bp_v; CREATE VIEW app.bp_v AS SELECT id, public.nvl(name2, name) "
                     "AS displayname FROM bp; ALTER FUNCTION nvl(varchar, varchar) RENAME TO nvl_x; "
                     "CREATE OR REPLACE VIEW app.bp_v AS SELECT id, public.nvl(name2, name) AS displayname FROM bp; "
                     "ALTER FUNCTION nvl_x(varchar, varchar) RENAME TO nvl")
    r = schemac("inspect", "--database-url", db_url, "-n", "app", "--output", "app.yaml")
    assert r.returncode == 0, r.stderr
    assert "schemac: warning: view app.bp_v calls public.nvl(anyelement, anyelement), which Postgres prints " \
           "public.nvl(...) as the name alone takes another overload now" in r.stderr, r.stderr
    assert "binds:" not in (tmp_path / "app.yaml").read_text()


def test_binds_names_a_declared_overload(schemac, tmp_path):
    """A `binds:` entry naming no overload schema.yaml declares is an error at its line."""
    (tmp_path / "schema.yaml").write_text(
        "functions:\n  nvl:\n    arguments: anyelement, anyelement\n    returns: anyelement\n"
        "    body: SELECT COALESCE($1, $2)\n"
        "tables:\n  bp:\n    columns:\n      id: {type: integer, primary_key: true}\n      name: text\n"
        "views:\n  bp_v:\n    binds:\n      - public.nvl(text, text)\n    query: SELECT id, public.nvl(name, name) FROM bp\n")
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and "schema.yaml:14:9: function of binds of view 'bp_v': schema.yaml declares no " \
                                 "public.nvl(text, text)" in g.stderr, g.stderr


def test_a_binding_to_an_older_overload_of_another_schema_is_read(db_url, schemac, tmp_path):
    """A call of `s.nvl` prints qualified under the reader's search_path whichever overload it calls: inspect deparses
    the view again under a path of `s` alone, where only a call bound to another overload than the name takes stays
    qualified. The view made before the newer gets `binds:`, the one made after none; inspect -n rpt, which does not
    read `s`, warns of the first alone."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA s; CREATE SCHEMA rpt; " + OLDER.replace(" nvl(", " s.nvl(")
                     + TABLE.replace(" bp ", " rpt.bp ") + "CREATE VIEW rpt.bp_v AS SELECT id, s.nvl(name2, name) AS "
                     "displayname FROM rpt.bp; " + NEWER.replace(" nvl(", " s.nvl(") + "CREATE VIEW rpt.bp_w AS "
                     "SELECT id, s.nvl(name2, name) AS displayname FROM rpt.bp")
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0 and "nvl" not in r.stderr, r.stderr
    text = (tmp_path / "schema.yaml").read_text()
    assert text.count("binds:") == 1 and "  bp_v:\n    schema: rpt\n    binds:\n      - s.nvl(anyelement, anyelement)\n" \
        in text, text
    r = schemac("inspect", "--database-url", db_url, "-n", "rpt", "--output", "rpt.yaml")
    assert r.returncode == 0 and "bp_w" not in r.stderr, r.stderr
    assert "schemac: warning: view rpt.bp_v calls s.nvl(anyelement, anyelement), which Postgres prints s.nvl(...) " \
           "under a search_path of s alone as the name alone takes another overload now" in r.stderr, r.stderr


BODY = ("CREATE FUNCTION display(i int) RETURNS varchar LANGUAGE sql STABLE BEGIN ATOMIC SELECT nvl(name2, name) FROM bp "
        "WHERE id = i; END;")


@pytest.mark.parametrize("sql,older", [(OLDER + TABLE + BODY + NEWER, True), (OLDER + NEWER + TABLE + BODY, False)],
                         ids=["made-before-the-newer", "made-after-both"])
def test_a_standard_body_bound_to_an_older_overload_is_made_so(db_url, sql, older, schemac, tmp_path):
    """A SQL-standard body is bound when it is made, as a view's query (pg_depend names the older overload, and
    Postgres prints its call `public.nvl(name2, name)`): inspect writes the function's `binds:` and the migration makes
    it with the newer renamed aside, so it reads as the inspected one ('' not 'b'). Not where it was made after both.
    Of a schema inspect does not read (`-n app` of app.display calling public.nvl), it warns."""
    def display(url: str, setup: str = "") -> tuple:
        with psycopg.connect(url, autocommit=True) as conn:
            if setup:
                conn.execute(setup)
            return conn.execute("SELECT display(2)").fetchone()
    assert display(db_url, sql + ROWS) == ("" if older else "b",)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0 and "nvl" not in r.stderr, r.stderr
    assert ("    binds:\n      - public.nvl(anyelement, anyelement)\n" in (tmp_path / "schema.yaml").read_text()) == older
    assert schemac("generate", "--name", "init").returncode == 0
    with sibling_database(db_url) as b:
        apply_all(b, tmp_path / "generated")
        assert display(b, ROWS) == ("" if older else "b",)
        assert schemac("diff", "--database-url", b).returncode == 0
    if older:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA app; ALTER FUNCTION display(int) SET SCHEMA app")
        r = schemac("inspect", "--database-url", db_url, "-n", "app", "--output", "app.yaml")
        assert "schemac: warning: function app.display(integer): its SQL-standard body calls public.nvl(anyelement, " \
               "anyelement), bound to another overload than the one its name takes now" in r.stderr, r.stderr
