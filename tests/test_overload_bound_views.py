"""A view made before a newer overload of a function it calls (ADempiere's `nvl(anyelement, anyelement)`, then
`nvl(character varying, character varying)`: probe53a, metasfresh) stays bound to the older one, and Postgres prints
its call schema-qualified (`public.nvl(name2, name)`: the name alone takes the newer). inspect writes the binding
(`binds:`, compare.view_binds) and the migration makes the view with the newer renamed aside, so a database built from
schema.yaml reads the view's rows as the one inspected does (an empty name2 reads '', not name); neither warns. A view
made after both, bound as a build binds it, gets no `binds:`. Where the binding cannot be kept (the function of a
schema inspect does not read), inspect warns; where schema.yaml's query qualifies the call but binds nothing,
generate warns; `diff` sees a view whose binding differs though no recorded deparse is at hand."""

from __future__ import annotations

import json

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


# What each view's rule is bound to, by pg_depend (functions, operators of the user's schemas), and what generate's
# view build recorded for it in state.json (the depends of its forms): the build must bind as the migration does.
_BOUND = """SELECT c.relname, CASE WHEN d.refclassid = 'pg_proc'::regclass THEN d.refobjid::regprocedure::text
                                ELSE d.refobjid::regoperator::text END
            FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class c ON c.oid = r.ev_class
            WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid >= 16384
              AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)"""


def _bound(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url, autocommit=True) as conn:
        out: dict[str, list[str]] = {}
        for view, callee in conn.execute(_BOUND).fetchall():
            out.setdefault(view, []).append(callee.replace(",", ", "))
    return {k: sorted(v) for k, v in out.items()}


def _recorded(tmp_path) -> dict[str, list[str]]:
    state = json.loads((tmp_path / "generated" / "state.json").read_text())
    out: dict[str, list[str]] = {}
    for v in state.get("views", ()):  # (materialized ones too)
        calls = [f"{d['name']}({d['type']})" for d in v.get("depends", ()) if d["kind"] in ("function", "operator")]
        if calls:
            out[v["name"]] = sorted(calls)
    return out


CASES = [pytest.param(OLDER + TABLE + VIEW + NEWER, True, id="made-before-the-newer"),
         pytest.param(OLDER + NEWER + TABLE + VIEW, False, id="made-after-both")]


def _inspected_and_generated(url: str, sql: str, older: bool, binds: str, word: str, schemac, tmp_path) -> list:
    """The view's rows in the database `sql` makes (row 2: '' where bound to the older, else 'b'), after inspect wrote
    `binds` where `older` and neither inspect nor generate warned of `word`."""
    rows = _read(url, sql + ROWS)
    assert rows[1] == (2, "" if older else "b"), rows
    r = schemac("inspect", "--database-url", url, "--output", "schema.yaml")
    assert r.returncode == 0 and word not in r.stderr, r.stderr
    assert (binds in (tmp_path / "schema.yaml").read_text()) == older
    g = schemac("generate", "--name", "init")
    assert g.returncode == 0 and word not in g.stderr, g.stderr
    return rows


@pytest.mark.parametrize("major_db,sql,older", each_case_on_one_major(CASES), indirect=["major_db"])
def test_a_view_bound_to_an_older_overload_is_made_so(major_db, sql, older, schemac, tmp_path):
    rows = _inspected_and_generated(major_db, sql, older, BINDS, "nvl", schemac, tmp_path)
    with sibling_database(major_db) as b:
        apply_all(b, tmp_path / "generated")
        assert _read(b, ROWS) == rows  # (the view calls what the inspected one does)
        assert schemac("diff", "--database-url", b).returncode == 0


def test_the_view_build_binds_as_the_migration(db_url, schemac, tmp_path):
    """generate records each view's forms from its build in a throwaway database (commands.viewbuild), which makes a view
    with `binds:` with the other overloads renamed aside as the migration does: what state.json records the views call
    (a view and a materialized view bound to the older, a view over the first calling the newer) is what pg_depend of
    the inspected database and of one the migration built says, and diff, comparing with those forms, finds nothing.
    (Coverage of session 55's question: kept before this test was written.)"""
    _read(db_url, OLDER + TABLE + VIEW + "CREATE MATERIALIZED VIEW bp_m AS SELECT id, nvl(name2, name) AS displayname "
          "FROM bp;" + NEWER + "CREATE VIEW bp_w AS SELECT id, nvl(displayname, 'x'::varchar) AS d FROM bp_v;" + ROWS)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    assert schemac("generate", "--name", "init").returncode == 0
    inspected = _bound(db_url)
    assert inspected == {"bp_v": ["nvl(anyelement, anyelement)"], "bp_m": ["nvl(anyelement, anyelement)"],
                         "bp_w": ["nvl(character varying, character varying)"]}, inspected
    assert _recorded(tmp_path) == inspected
    with sibling_database(db_url) as b:
        apply_all(b, tmp_path / "generated")
        assert _bound(b) == inspected
        assert schemac("diff", "--database-url", b).returncode == 0


OP_OLDER = OLDER + "CREATE OPERATOR ?? (LEFTARG = anyelement, RIGHTARG = anyelement, FUNCTION = nvl);"
OP_NEWER = NEWER + "CREATE OPERATOR ?? (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = nvl);"
OP_VIEW = "CREATE VIEW bp_v AS SELECT id, name2 ?? name AS displayname FROM bp;"
OP_BINDS = "    binds:\n      - public.??(anyelement, anyelement)\n"
OP_CASES = [pytest.param(OP_OLDER + TABLE + OP_VIEW + OP_NEWER, True, id="made-before-the-newer"),
            pytest.param(OP_OLDER + OP_NEWER + TABLE + OP_VIEW, False, id="made-after-both")]


@pytest.mark.parametrize("major_db,sql,older", each_case_on_one_major(OP_CASES), indirect=["major_db"])
def test_a_view_bound_to_an_older_operator_is_made_so(major_db, sql, older, schemac, tmp_path):
    """An operator is bound as a function is (pg_depend names its OID): a view applying `??` made before a newer `??` of
    its operands' types applies the older, which Postgres prints `OPERATOR(public.??)`. inspect writes `binds:` of the
    operator; generate's view build and the migration make the view with the newer moved aside (SET SCHEMA: ALTER
    OPERATOR cannot rename), so the view built reads as the inspected one ('' not 'b') and state.json records what it
    applies; a database whose view applies the newer is drift. One made after both gets no `binds:`."""
    rows = _inspected_and_generated(major_db, sql, older, OP_BINDS, "??", schemac, tmp_path)
    inspected = _bound(major_db)
    assert inspected == {"bp_v": [f"??({'anyelement, anyelement' if older else 'character varying, character varying'})"]}
    assert _recorded(tmp_path) == inspected
    with sibling_database(major_db) as b:
        apply_all(b, tmp_path / "generated")
        assert _read(b, ROWS) == rows and _bound(b) == inspected
        assert schemac("diff", "--database-url", b).returncode == 0
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("DROP VIEW bp_v; " + OP_VIEW)  # (made again after both: applies the newer)
        d = schemac("diff", "--database-url", b)
        assert d.returncode == (1 if older else 0), d.stdout + d.stderr
        if older:
            assert "view public.bp_v is VIEW public.bp_v AS SELECT" in d.stdout and "expected VIEW public.bp_v AS " \
                "SELECT id, name2 OPERATOR(public.??) name AS displayname FROM bp (calling public.??(anyelement, " \
                "anyelement))" in d.stdout, d.stdout  # (15 prints the database's columns qualified: bp.id)


def test_an_operator_binding_schema_yaml_does_not_keep_is_warned(db_url, schemac, tmp_path):
    """Of an operator as of a function: schema.yaml without the view's `binds:`, generate warns (its query applies
    OPERATOR(public.??), which the build printed bare) and diff reports the view; inspect -n app, which does not read
    public's operators, warns that it cannot keep the binding of app's view."""
    _read(db_url, OP_OLDER + TABLE + OP_VIEW + OP_NEWER + ROWS)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    (tmp_path / "schema.yaml").write_text((tmp_path / "schema.yaml").read_text().replace(OP_BINDS, ""))
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 1 and "(calling public.??(anyelement, anyelement)), expected VIEW public.bp_v" in d.stdout, \
        d.stdout + d.stderr
    g = schemac("generate", "--name", "init")
    assert g.returncode == 0 and "view public.bp_v calls OPERATOR(public.??) schema-qualified, as Postgres prints a " \
        "call bound to another overload than the one its name takes (a view made before a newer overload): the " \
        "migration binds it to public.??(character varying, character varying), not to public.??(anyelement, " \
        "anyelement)" in g.stderr, g.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA app; ALTER VIEW bp_v SET SCHEMA app")
    r = schemac("inspect", "--database-url", db_url, "-n", "app", "--output", "app.yaml")
    assert r.returncode == 0 and "schemac: warning: view app.bp_v calls public.??(anyelement, anyelement), which " \
        "Postgres prints OPERATOR(public.??) as the name alone takes another overload now" in r.stderr, r.stderr


def test_a_body_binding_names_a_declared_operator(schemac, tmp_path):
    """A function's `binds:` naming an operator (read once `operators:` are) that schema.yaml does not declare."""
    (tmp_path / "schema.yaml").write_text(
        "functions:\n  nvl:\n    arguments: anyelement, anyelement\n    returns: anyelement\n"
        "    body: SELECT COALESCE($1, $2)\n  display:\n    arguments: i text\n    returns: text\n    binds:\n"
        "      - public.??(text, text)\n    body: RETURN i OPERATOR(public.??) i\n"
        "operators:\n  ??: {left: anyelement, right: anyelement, function: nvl}\n")
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and "schema.yaml:10:9: operator of binds of function 'display': schema.yaml declares no " \
        "public.??(text, text)" in g.stderr, g.stderr


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


@pytest.mark.parametrize("operators,entry,query,error", [
    ("", "public.nvl(text, text)", "public.nvl(name, name)",
     "schema.yaml:14:9: function of binds of view 'bp_v': schema.yaml declares no public.nvl(text, text)"),
    ("operators:\n  ??: {left: anyelement, right: anyelement, function: nvl}\n", "public.??(text, text)",
     "name OPERATOR(public.??) name",
     "schema.yaml:16:9: operator of binds of view 'bp_v': schema.yaml declares no public.??(text, text)")],
    ids=["function", "operator"])
def test_binds_names_a_declared_overload(operators, entry, query, error, schemac, tmp_path):
    """A `binds:` entry naming no overload schema.yaml declares (a function, an operator) is an error at its line; of a
    SQL-standard body's too (test_a_body_binding_names_a_declared_operator)."""
    (tmp_path / "schema.yaml").write_text(
        "functions:\n  nvl:\n    arguments: anyelement, anyelement\n    returns: anyelement\n"
        "    body: SELECT COALESCE($1, $2)\n" + operators +
        "tables:\n  bp:\n    columns:\n      id: {type: integer, primary_key: true}\n      name: text\n"
        f"views:\n  bp_v:\n    binds:\n      - {entry}\n    query: SELECT id, {query} FROM bp\n")
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and error in g.stderr, g.stderr


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
