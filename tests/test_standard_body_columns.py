"""A SQL-standard body (BEGIN ATOMIC, RETURN) kept while a column of a table it reads is retyped, where the body
names the column only implicitly: an INSERT without a column list, `*` or `t.*` selected or returned. Postgres
expands those at CREATE and records a dependency on each column (pg_depend), so ALTER COLUMN ... TYPE waits until
the routine is dropped and the routine is made again after it. The graph had no edge from the new routine to the
retype (the body named no column): the migration dropped and created it first, then the ALTER failed ('cannot alter
type of a column used by a function or procedure'). The oracle: the migration applies over rows, every row's values
kept, the catalog as the new schema.yaml built from scratch, and pg_depend's own rows for the routines. (A body
written by hand is drift for `diff` until spelled as Postgres prints it: docs/architecture.md.)"""

from __future__ import annotations

import psycopg
from catalog_oracle import fingerprint, fingerprint_difference, values
from conftest import built_from_scratch
from sqlx_project import generated_and_applied

OLD = """\
tables:
  setting:
    columns:
      version: {type: bigint, nullable: false}
      note: text
functions:
  put_version:
    procedure: true
    arguments: x bigint
    language: sql
    body: BEGIN ATOMIC INSERT INTO setting VALUES (x, 'put'); END
  latest:
    returns: bigint
    language: sql
    body: BEGIN ATOMIC SELECT max(s.version) FROM (SELECT * FROM setting) s; END
  noted:
    returns: bigint
    language: sql
    body: BEGIN ATOMIC SELECT count(*) FROM (SELECT t.* FROM setting t WHERE t.note IS NOT NULL) q; END
"""
NEW = OLD.replace("version: {type: bigint", "version: {type: numeric")
# Which routines Postgres records as reading setting.version: the three, before and after.
READERS = """SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
             WHERE d.classid = 'pg_proc'::regclass AND d.refobjid = 'setting'::regclass
               AND d.refobjsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = 'setting'::regclass
                                    AND attname = 'version')"""


def test_a_column_read_through_a_star_or_a_listless_insert_is_retyped_under_the_body(any_db_url, tmp_path):
    assert NEW != OLD
    generated_and_applied(tmp_path, any_db_url, OLD)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO setting VALUES (3006004, 'first')")
        assert conn.execute(READERS).fetchone()[0] == ["latest", "noted", "put_version"]
    before = values(any_db_url)
    sql = generated_and_applied(tmp_path, any_db_url, NEW)  # (failed: cannot alter type of a column used by ...)
    assert values(any_db_url) == before, sql
    expected = built_from_scratch(any_db_url, NEW, tmp_path / "scratch")
    actual = fingerprint(any_db_url)
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute(READERS).fetchone()[0] == ["latest", "noted", "put_version"]
        assert conn.execute("SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'setting'::regclass "
                            "AND attname = 'version'").fetchone()[0] == "numeric"
        conn.execute("CALL put_version(7)")
        assert conn.execute("SELECT latest(), noted()").fetchone() == (3006004, 2)
