"""A view's query left as it was while schema.yaml renames (`renamed_from:`), drops or retypes a column of a table
it reads, renames the table, or renames a column of a view it reads: `generate` refuses it at the view's line,
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
}
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
    view = "w" if edit == "view_column_renamed" else "u"
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
