"""A table renamed or moved (`renamed_from`) under functions of its row type, as graphile-worker 0.16 renamed
`jobs` to `_private_jobs` and made a view `jobs`: Postgres holds the row type by OID, so `RETURNS SETOF jobs`
follows the table. And a column renamed under SQL-standard bodies that read it by its new name, as Lemmy's
`creator_id_from_comment_aggregates` reads `comment.creator_id`. Judged on the catalog (the functions' OIDs kept,
pg_get_function_result, the column's attnum), on the rows and on calling the functions, not only on schemac's own
diff."""

from __future__ import annotations

import psycopg
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

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


def _made_with_rows(url: str, tmp_path, text: str, rows: str):
    """schema.yaml `text` generated and applied to `url`, `rows` inserted: (its path, the output folder)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text)
    assert generate(str(schema), out).status == "written"
    apply_all(url, out)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    return schema, out


def _renamed(url: str, tmp_path, before_text: str, after_text: str, rows: str, functions: str) -> list:
    """`before_text` generated and applied to `url`, `rows` inserted, then `after_text` generated (no DROP FUNCTION)
    and applied, diff clean: the rows of `functions` after, each function's OID the same as before."""
    schema, out = _made_with_rows(url, tmp_path, before_text, rows)
    with psycopg.connect(url) as conn:
        before = {r[0]: r[1] for r in conn.execute(functions)}
    schema.write_text(after_text)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert "DROP FUNCTION" not in result.sql, result.sql
    apply_all(url, out)
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


COLUMN_BEFORE = """\
tables:  # (the bodies as Postgres deparses them, which diff compares with)
  comment:
    columns:
      id: {type: integer, primary_key: true}
      creator_id: {type: integer, nullable: false}
functions:
  creator_of:
    arguments: k integer
    returns: integer
    language: sql
    volatility: stable
    body: RETURN (SELECT comment.creator_id FROM comment WHERE (comment.id = creator_of.k))
  creators:
    returns: bigint
    language: sql
    volatility: stable
    body: |-
      BEGIN ATOMIC
       SELECT count(DISTINCT comment.creator_id) AS count
          FROM comment;
      END
"""
COLUMN_AFTER = COLUMN_BEFORE.replace("creator_id: {type: integer, nullable: false}",
                                     "author_id: {type: integer, nullable: false, renamed_from: creator_id}") \
    .replace("comment.creator_id", "comment.author_id") + """\
  next_author:
    arguments: k integer
    returns: integer
    language: sql
    volatility: stable
    body: RETURN (SELECT (comment.author_id + 1) AS "?column?" FROM comment WHERE (comment.id = next_author.k))
"""
ATTNUMS = "SELECT attname, attnum FROM pg_attribute WHERE attrelid = 'comment'::regclass AND attnum > 0 ORDER BY 2"


def test_a_column_renamed_under_standard_bodies_reading_its_new_name(any_db_url, tmp_path):
    """SQL-standard bodies (RETURN, BEGIN ATOMIC) are parsed at CREATE: replaced or made reading the new name, they
    run after RENAME COLUMN (before, they came first: "column comment.author_id does not exist"); the rename keeps
    the attnum, so what read the old name needs nothing before it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(COLUMN_BEFORE)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO comment VALUES (1, 10), (2, 20), (3, 10)")
        attnums = conn.execute(ATTNUMS).fetchall()
        oids = dict(conn.execute("SELECT proname, oid FROM pg_proc WHERE proname IN ('creator_of', 'creators')"))
    schema.write_text(COLUMN_AFTER)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute(ATTNUMS).fetchall() == [("id", attnums[0][1]), ("author_id", attnums[1][1])]
        assert dict(conn.execute("SELECT proname, oid FROM pg_proc WHERE proname IN ('creator_of', 'creators')")) \
            == oids  # replaced in place, not dropped
        assert conn.execute("SELECT creator_of(2), creators(), next_author(3)").fetchone() == (20, 2, 11)
        assert conn.execute("SELECT id, author_id FROM comment ORDER BY id").fetchall() == [(1, 10), (2, 20), (3, 10)]
        defs = [r[0] for r in conn.execute("SELECT pg_get_functiondef(oid) FROM pg_proc WHERE proname IN "
                                           "('creator_of', 'creators', 'next_author')")]
        assert len(defs) == 3 and all("author_id" in d and "creator_id" not in d for d in defs), defs
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text")


READER_BEFORE = """\
tables:
  t: {columns: {c1: integer, c2: integer, c3: text}}
functions:
  f: {returns: bigint, language: sql, volatility: stable, body: "BEGIN ATOMIC\\n SELECT count(t.c1) AS count\\n    FROM t;\\nEND"}
  g: {returns: bigint, language: sql, volatility: stable, body: "BEGIN ATOMIC\\n SELECT count(t.c3) AS count\\n    FROM t;\\nEND"}
"""
READER_AFTER = """\
tables:
  u: {renamed_from: t, columns: {c2: integer, c3: varchar(20)}}
functions:
  f: {returns: bigint, language: sql, volatility: stable, body: "BEGIN ATOMIC\\n SELECT count(u.c2) AS count\\n    FROM u;\\nEND"}
  g: {returns: bigint, language: sql, volatility: stable, body: "BEGIN ATOMIC\\n SELECT count(u.c3) AS count\\n    FROM u;\\nEND"}
"""


def test_standard_bodies_over_a_renamed_tables_columns_dropped_and_retyped(any_db_url, tmp_path):
    """Table t renamed u while a column f's BEGIN ATOMIC body reads is dropped and one g's reads retyped: the bodies
    name t (as recorded), the column changes u, so neither function was dropped and made again around them
    ('cannot drop column c1 of table u because other objects depend on it'; 16: 'unexpected object depending on
    column: function g()'; test_property_objects' random search on 16). Now they are, and the rows stay."""
    _destructive_edit(any_db_url, tmp_path, READER_BEFORE, "INSERT INTO t VALUES (1, 2, 'a'), (3, NULL, NULL)",
                      READER_AFTER)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("SELECT f(), g()").fetchone() == (1, 1)
        assert conn.execute("SELECT c2, c3 FROM u ORDER BY c2").fetchall() == [(2, "a"), (None, None)]
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'u'::regclass "
                            "AND attname = 'c3'").fetchone() == ("character varying(20)",)


def _destructive_edit(url: str, tmp_path, before_text: str, rows: str, after_text: str) -> None:
    """`before_text` generated and applied to `url`, `rows` inserted, then `after_text` generated with
    --allow-destructive and applied: diff clean."""
    schema, out = _made_with_rows(url, tmp_path, before_text, rows)
    schema.write_text(after_text)
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    apply_all(url, out)
    drift = check_drift(str(schema), url, out_dir=out)
    assert drift.differences == (), drift.render("text")


def test_a_standard_body_dropped_with_a_renamed_tables_column_it_reads(any_db_url, tmp_path):
    """Table t renamed u, its column c1 dropped, and f, whose BEGIN ATOMIC body reads it, dropped too: f's drop named
    t.c1, the column's u.c1, so nothing ordered it first ('cannot drop column c1 of table u because other objects
    depend on it'; test_property_objects' random search on 15). Now f goes first, and u keeps its rows."""
    _destructive_edit(any_db_url, tmp_path, READER_BEFORE.split("  g:")[0], "INSERT INTO t VALUES (1, 2, 'a')",
                      "tables:\n  u: {renamed_from: t, columns: {c2: integer, c3: text}}\n")
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT c2, c3, to_regproc('f') FROM u").fetchall() == [(2, "a", None)]
