"""A table renamed or moved (`renamed_from`) under functions of its row type, as graphile-worker 0.16 renamed
`jobs` to `_private_jobs` and made a view `jobs`: Postgres holds the row type by OID, so `RETURNS SETOF jobs`
follows the table. Judged on the catalog (the functions' OIDs kept, pg_get_function_result), on the rows and on
calling the functions, not only on schemac's own diff."""

from __future__ import annotations

import psycopg

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

BEFORE = """\
schemas: [worker]
tables:
  jobs:
    schema: worker
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      key: {type: text}
functions:
  complete_jobs:
    schema: worker
    arguments: job_ids bigint[]
    returns: SETOF worker.jobs
    language: sql
    body: DELETE FROM worker.jobs WHERE id = ANY(job_ids) RETURNING *
  job_key:
    schema: worker
    arguments: j worker.jobs
    returns: text
    language: sql
    body: SELECT coalesce(j.key, (NULL::worker.jobs).key, '')
"""
AFTER = BEFORE.replace("  jobs:\n    schema: worker\n", "  _private_jobs:\n    schema: worker\n    renamed_from: jobs\n") \
    .replace("worker.jobs", "worker._private_jobs") + """\
views:
  jobs:
    schema: worker
    query: SELECT j.id, j.key FROM worker._private_jobs j
"""
FUNCTIONS = "SELECT proname, oid, pg_get_function_result(oid), pg_get_function_arguments(oid) FROM pg_proc " \
            "WHERE pronamespace = 'worker'::regnamespace ORDER BY 1"


def _apply(url: str, out: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())


def _renamed(url: str, tmp_path, before_text: str, after_text: str, rows: str, functions: str) -> list:
    """`before_text` generated and applied to `url`, `rows` inserted, then `after_text` generated (no DROP FUNCTION)
    and applied, diff clean: the rows of `functions` after, each function's OID the same as before."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(before_text)
    assert generate(str(schema), out).status == "written"
    _apply(url, out)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
        before = {r[0]: r[1] for r in conn.execute(functions)}
    schema.write_text(after_text)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert "DROP FUNCTION" not in result.sql, result.sql
    _apply(url, out)
    with psycopg.connect(url, autocommit=True) as conn:
        after = conn.execute(functions).fetchall()
    assert [(r[0], r[1]) for r in after] == sorted(before.items())  # the same functions: not made again
    drift = check_drift(str(schema), url, out_dir=out)
    assert drift.differences == (), drift.render("text")
    return after


def test_functions_of_a_renamed_tables_row_type_follow_it(any_db_url, tmp_path):
    # (refused before: "type worker._private_jobs does not exist", CREATE before the RENAME)
    after = _renamed(any_db_url, tmp_path, BEFORE, AFTER, "INSERT INTO worker.jobs (key) VALUES ('a'), (NULL)",
                     FUNCTIONS)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert [(r[0], r[2], r[3]) for r in after] == [
            ("complete_jobs", "SETOF worker._private_jobs", "job_ids bigint[]"),
            ("job_key", "text", "j worker._private_jobs")]
        assert conn.execute("SELECT worker.job_key(j) FROM worker.jobs v JOIN worker._private_jobs j USING (id) "
                            "ORDER BY v.id").fetchall() == [("a",), ("",)]
        assert conn.execute("SELECT id FROM worker.complete_jobs(ARRAY[1::bigint])").fetchall() == [(1,)]


VIEW_BEFORE = """\
tables:
  jobs:
    columns:
      id: {type: bigint, primary_key: true}
      key: {type: text}
views:
  open_jobs:
    query: SELECT j.id, j.key FROM jobs j
functions:
  list_jobs:
    returns: SETOF open_jobs
    language: sql
    body: SELECT * FROM open_jobs
  job_key:
    arguments: j open_jobs
    returns: text
    language: sql
    body: SELECT coalesce(j.key, '')
"""
VIEW_AFTER = VIEW_BEFORE.replace("  open_jobs:\n    query", "  pending_jobs:\n    renamed_from: open_jobs\n    query") \
    .replace("SETOF open_jobs", "SETOF pending_jobs").replace("FROM open_jobs", "FROM pending_jobs") \
    .replace("j open_jobs", "j pending_jobs")
PUBLIC_FUNCTIONS = FUNCTIONS.replace("'worker'", "'public'")


def test_functions_of_a_renamed_views_row_type_follow_it(any_db_url, tmp_path):
    """A view renamed (`renamed_from`) under a function `RETURNS SETOF` it and one taking its row: Postgres holds the
    row type by OID, so both follow the RENAME; generate dropped and made them again after it (applied, diff clean,
    needless: their grants and OIDs lost, their callers' plans reset). Now they are kept, a body naming the view
    replaced in place."""
    after = _renamed(any_db_url, tmp_path, VIEW_BEFORE, VIEW_AFTER, "INSERT INTO jobs VALUES (1, 'a'), (2, NULL)",
                     PUBLIC_FUNCTIONS)
    assert [(r[0], r[2], r[3]) for r in after] == [("job_key", "text", "j pending_jobs"),
                                                   ("list_jobs", "SETOF pending_jobs", "")]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, job_key(l) FROM list_jobs() l ORDER BY id").fetchall() == [(1, "a"), (2, "")]
