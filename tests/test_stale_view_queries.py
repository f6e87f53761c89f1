"""A view's query left as it was while schema.yaml renames (`renamed_from:`), drops or retypes a column of a table
it reads, renames the table, or renames a column of a view it reads (the view renamed itself too, or a view it reads
renamed): `generate` refuses it at the view's line,
naming what it reads (exit 2, one line, no migration written), where it used to notice only that Postgres could not
build the view and write a migration that left drift for ever (RENAME COLUMN / RENAME TO rewrite the stored view to
`b AS a`, `FROM t2`, which no longer read as the query) or did not apply (CREATE VIEW over a column gone,
`lower(integer)`). The query rewritten with the rename is migrated over rows on every major: the view reads the same
values and Postgres stores it as a fresh build does (pg_get_viewdef, the tests' own oracle)."""

from __future__ import annotations

import os

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      a: integer\n      s: text\n"
       "views:\n  u:\n    query: SELECT id, a, lower(s) AS ls FROM t\n  w:\n    query: SELECT id, a FROM u\n")
EDITS = {  # what schema.yaml changes under a view, its query as it was: the view's line, what it reads and how
    "renamed": (OLD.replace("      a: integer", "      b: {type: integer, renamed_from: a}"), 8,
                "column a of public.t, which schema.yaml renames to b"),
    "dropped": (OLD.replace("      a: integer\n", ""), 7, "column a of public.t, which schema.yaml no longer has"),
    "retyped": (OLD.replace("      s: text", "      s: integer"), 8,
                "column s of public.t, which schema.yaml now types integer (was text)"),
    "table_renamed": (OLD.replace("  t:\n", "  t2:\n    renamed_from: t\n"), 9,
                      "public.t, which schema.yaml renames to public.t2"),
    "view_column_renamed": (OLD.replace("SELECT id, a, lower(s)", "SELECT id, a AS b, lower(s)"), 10,
                            "column a of public.u, which schema.yaml no longer has"),
    # the view renamed itself (renamed_from:), its query as it was: recorded under its old name (before: a notice, and
    # a migration whose RENAME COLUMN left u2 stored as `b AS a`, drift for ever)
    "view_renamed": (OLD.replace("      a: integer", "      b: {type: integer, renamed_from: a}").replace(
        "  u:\n", "  u2:\n    renamed_from: u\n").replace("FROM u\n", "FROM u2\n"), 8,
        "column a of public.t, which schema.yaml renames to b"),
    # a view it reads renamed (before: a notice, and ALTER VIEW u RENAME TO u2 left w stored `FROM u2`)
    "read_view_renamed": (OLD.replace("  u:\n", "  u2:\n    renamed_from: u\n"), 11,
                          "public.u, which schema.yaml renames to public.u2"),
}
VIEW_AT = {"view_column_renamed": "w", "view_renamed": "u2", "read_view_renamed": "w"}  # (else u)
VIEWDEF = "SELECT pg_get_viewdef('public.u'::regclass, true)"


def _write(folder, text: str) -> None:
    with open(os.path.join(folder, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(text)


def _applied(folder, url: str, start: int = 0) -> int:
    """Apply generated/'s migrations from the `start`-th on to `url`; how many there are."""
    files = Layout(os.path.join(folder, "generated")).migrations()
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, files[start:])
    return len(files)


@pytest.mark.parametrize("edit, embedded", [*(pytest.param(e, False, id=e) for e in EDITS),
                                             pytest.param("renamed", True, marks=pytest.mark.slow, id="embedded")])
def test_a_query_left_naming_a_column_changed_under_it_is_refused_at_its_line(schemac, tmp_path, db_url, edit,
                                                                             embedded):
    """The views built on the test server's 18, or (`embedded`, two initdbs: -m slow) on the embedded server
    generate starts itself."""
    text, line_number, reads = EDITS[edit]
    env = {"SCHEMAC_DEV_URL": None} if embedded else None
    _write(tmp_path, OLD)
    assert schemac("generate", env=env).returncode == 0
    _applied(tmp_path, db_url)
    _write(tmp_path, text)
    r = schemac("generate", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.splitlines()
    view = VIEW_AT.get(edit, "u")
    assert line.startswith(f"schemac: error: schema.yaml:{line_number}:3: view public.{view}: its query still reads "
                           f"{reads}, and PostgreSQL cannot create the view so ("), line
    assert len(Layout(os.path.join(tmp_path, "generated")).migrations()) == 1  # nothing written
    with psycopg.connect(db_url) as conn:  # the database as it was
        assert conn.execute(VIEWDEF).fetchone()[0] == " SELECT id,\n    a,\n    lower(s) AS ls\n   FROM t;"


@pytest.mark.parametrize("edit, query", [("renamed", "SELECT id, b AS a, lower(s) AS ls FROM t"),
                                        ("table_renamed", "SELECT id, a, lower(s) AS ls FROM t2")])
def test_a_rename_written_into_the_query_too_migrates_like_a_fresh_build(schemac, tmp_path, any_db_url, edit, query):
    """w reads u's columns as they were: kept as they are."""
    _write(tmp_path, OLD)
    assert schemac("generate").returncode == 0
    applied = _applied(tmp_path, any_db_url)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 10, 'X'), (2, NULL, 'Yz')")
    new = EDITS[edit][0].replace("SELECT id, a, lower(s) AS ls FROM t\n", query + "\n")
    assert query in new
    _write(tmp_path, new)
    r = schemac("generate")
    assert r.returncode == 0 and "could not create" not in r.stderr, r.stderr
    _applied(tmp_path, any_db_url, applied)
    assert schemac("diff", "--database-url", any_db_url).returncode == 0
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT * FROM u ORDER BY id").fetchall() == [(1, 10, "x"), (2, None, "yz")]
        assert conn.execute("SELECT * FROM w ORDER BY id").fetchall() == [(1, 10), (2, None)]
        migrated = conn.execute(VIEWDEF).fetchone()[0]
    with sibling_database(any_db_url) as other:
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        _write(fresh, new)
        assert schemac("generate", cwd=fresh).returncode == 0
        _applied(fresh, other)
        with psycopg.connect(other) as conn:
            assert conn.execute(VIEWDEF).fetchone()[0] == migrated


@pytest.mark.parametrize("edit", ["renamed", "dropped", "table_renamed", "view_renamed", "read_view_renamed",
                                  "view_column_renamed"])
def test_generate_check_refuses_such_a_query_without_a_server(schemac, tmp_path, edit):
    """`generate --check` builds no view: the recorded query, as it was, still reading a table or view schema.yaml
    renames, or naming a column it renames or drops, is refused alike (exit 2, one line at the view's line); before,
    --check listed the changes and exited 1, the full run then refusing (or, a view renamed, writing the drift). A
    view's column its own edited query no longer names (`a AS b`: the query's words name its columns) alike: before,
    --check could not know the view's columns without a build, and exited 1."""
    text, line_number, reads = EDITS[edit]
    _write(tmp_path, OLD)
    assert schemac("generate").returncode == 0
    _write(tmp_path, text)
    r = schemac("generate", "--check")
    assert r.returncode == 2 and "Traceback" not in r.stderr, (r.stdout, r.stderr)
    (line,) = r.stderr.splitlines()
    assert line == (f"schemac: error: schema.yaml:{line_number}:3: view public.{VIEW_AT.get(edit, 'u')}: its query "
                    f"still reads {reads}: write the query for what schema.yaml has now"), line


@pytest.mark.parametrize("edit", ["retyped", "star"])
def test_generate_check_leaves_a_query_that_may_still_build(schemac, tmp_path, edit):
    """What only a build tells: a column retyped under the query (lower(integer) fails, a wider integer would not), a
    renamed column read by `*` (which reads it under its new name): --check lists the changes (exit 1), no refusal."""
    old = OLD.replace("SELECT id, a FROM u", "SELECT * FROM t") if edit == "star" else OLD
    new = EDITS["retyped"][0] if edit == "retyped" else EDITS["renamed"][0].replace("SELECT id, a FROM u", "SELECT * FROM t")
    _write(tmp_path, old.replace("SELECT id, a, lower(s) AS ls FROM t", "SELECT id, lower(s) AS ls FROM t")
           if edit == "star" else old)
    assert schemac("generate").returncode == 0
    _write(tmp_path, new.replace("SELECT id, a, lower(s) AS ls FROM t", "SELECT id, lower(s) AS ls FROM t")
           if edit == "star" else new)
    r = schemac("generate", "--check")
    assert r.returncode == 1 and "error" not in r.stderr, (r.stdout, r.stderr)


@pytest.mark.parametrize("edit", ["view_renamed", pytest.param("read_view_renamed", marks=pytest.mark.slow)])
def test_a_renamed_views_stale_query_is_refused_built_on_each_major(schemac, tmp_path, any_db_url, edit):
    """The views built on the server of each major (SCHEMAC_DEV_URL: a scratch database there): the same refusal."""
    text, line_number, reads = EDITS[edit]
    env = {"SCHEMAC_DEV_URL": any_db_url}
    _write(tmp_path, OLD)
    assert schemac("generate", env=env).returncode == 0
    _write(tmp_path, text)
    r = schemac("generate", env=env)
    assert r.returncode == 2 and f"schema.yaml:{line_number}:3: view public.{VIEW_AT[edit]}: its query still reads " \
        f"{reads}, and PostgreSQL cannot create" in r.stderr, r.stderr
    assert len(Layout(os.path.join(tmp_path, "generated")).migrations()) == 1
