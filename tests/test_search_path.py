"""A migration means public by an unqualified name, whatever search_path the role applying it has.

schema.yaml's objects without a schema are public's, as `inspect` and `diff` read them (the reader pins
search_path = public). The role that applies the migrations may have a path of its own: ALTER DATABASE / ROLE
... SET search_path, or the default "$user", public where a schema bears the role's name. Its first schema got
every unqualified table, index and view, and `diff` found public's missing (plan/preamble.py). The oracle is
pg_class and pg_index: where each object is, and which table an index is on.
"""

from __future__ import annotations

import psycopg

SCHEMA = """tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      v: {type: text, default: "'x'"}
    indexes:
      t_v: {columns: [v]}
views:
  tv:
    query: SELECT id, v FROM t
database:
  settings:
    search_path: other, public  # the database's own setting, which schema.yaml manages too
"""

WHERE = """SELECT c.relname::text, n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relname IN ('t', 't_pkey', 't_v', 't_w', 'tv', '_sqlx_migrations') ORDER BY 1, 2"""


def test_objects_land_in_public_under_a_search_path_of_the_database(db_url, tmp_path, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA other; CREATE TABLE other.t (id integer, v text)")  # a table of the same name first
        conn.execute(f'ALTER DATABASE "{conn.info.dbname}" SET search_path = other, public')
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    assert schemac("generate", "--name", "first").returncode == 0
    applied = schemac("apply", "--database-url", db_url)
    assert applied.returncode == 0, applied.stderr
    # An index added to the table that now holds rows, CONCURRENTLY: one statement outside a transaction.
    (tmp_path / "schema.yaml").write_text(SCHEMA.replace("      t_v: {columns: [v]}\n",
                                                         "      t_v: {columns: [v]}\n      t_w: {columns: [id, v]}\n"))
    assert schemac("generate", "--name", "second", "--concurrently").returncode == 0
    applied = schemac("apply", "--database-url", db_url)
    assert applied.returncode == 0, applied.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute(WHERE).fetchall() == [
            ("_sqlx_migrations", "other"),  # sqlx's (and apply's) own table follows the role's path, as sqlx makes it
            ("t", "other"), ("t", "public"), ("t_pkey", "public"), ("t_v", "public"), ("t_w", "public"), ("tv", "public")]
        assert conn.execute("SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = 'public.t_w'::regclass"
                            ).fetchone() == ("public.t",)
        # the index in a file of its own, then the file checking that it was built valid (plan.online_only.built_valid),
        # no main file (it would hold the search_path's SET lines alone)
        assert conn.execute("SELECT count(*) FROM other._sqlx_migrations WHERE success").fetchone() == (3,)
    diff = schemac("diff", "--database-url", db_url)
    assert diff.returncode == 0, diff.stdout + diff.stderr
