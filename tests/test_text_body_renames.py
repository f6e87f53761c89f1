"""A column renamed by schema.yaml's `renamed_from:` under functions whose bodies Postgres keeps as text: a PL/pgSQL
trigger function (`NEW.a`) and a SQL function between quotes (`SELECT a FROM t`); and a table renamed (u to u2) under
another. RENAME does not reach them: the migration applies and the next INSERT, or call, fails (probe56d). generate
now warns of each, naming the function, the column or table and the rename (compare.text_body_renames); not of a
function reading another table's column of that name, nor of one naming the table but not the column; and of none
when the same edit changes the bodies to name the new names. The oracle is Postgres: after the migration, the INSERT
and the calls fail where it warned, and succeed where the bodies were edited."""

from __future__ import annotations

import psycopg
import pytest
from conftest import migrated_then_described
from pairs import with_renames

from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = """CREATE TABLE t (id int PRIMARY KEY, a int, note text);
CREATE TABLE u (a int);
CREATE FUNCTION t_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.note := 'a=' || NEW.a; RETURN NEW; END $$;
CREATE TRIGGER t_note BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_note();
CREATE FUNCTION a_of(p int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT a FROM public.t WHERE id = p $$;
CREATE FUNCTION u_total() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT sum(a) FROM public.u $$;
CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.t $$;
INSERT INTO t (id, a) VALUES (1, 5);
"""
# The new side as the user's database would stand after RENAME COLUMN alone: the bodies name `a` still (a SQL body
# between quotes is checked at CREATE, so the column is renamed after it).
KEPT = OLD.replace("INSERT INTO t (id, a) VALUES (1, 5);", "ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE u RENAME TO u2;")
EDITED = KEPT.replace("'a=' || NEW.a", "'a=' || NEW.b").replace("SELECT a FROM public.t", "SELECT b FROM public.t") \
    .replace("ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE u RENAME TO u2;", "").replace("a int, note", "b int, note") \
    .replace("TABLE u (a int)", "TABLE u2 (a int)").replace("FROM public.u ", "FROM public.u2 ")


def _generated(db_url, tmp_path, new_sql):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with migrated_then_described(db_url, schema, out, OLD, new_sql) as (_, old_files):
        hints = (("public.t.b", "a"), ("public.u2", "u"))
        schema.write_text(with_renames(schema.read_text(encoding="utf-8"), hints), encoding="utf-8")
        result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    assert 'RENAME COLUMN a TO b' in result.sql and 'RENAME TO u2' in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in old_files], record=False)
    return result


def test_a_body_left_naming_the_old_column_is_warned_of(db_url, tmp_path):
    result = _generated(db_url, tmp_path, KEPT)
    said = sorted(n.split(": warning: ", 1)[1].split(", which this migration")[0] for n in result.notices
                  if "which this migration renames to" in n)
    assert said == ["function public.a_of(integer) (sql) names column a of t",
                    "function public.t_note() (plpgsql) names column a of t",
                    "function public.u_total() (sql) names table u"], result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn, match='record "new" has no field "a"'):
            conn.execute("INSERT INTO t (id, b) VALUES (2, 6)")
        with pytest.raises(psycopg.errors.UndefinedColumn, match='column "a" does not exist'):
            conn.execute("SELECT a_of(1)")
        with pytest.raises(psycopg.errors.UndefinedTable, match='relation "public.u" does not exist'):
            conn.execute("SELECT u_total()")
        assert conn.execute("SELECT t_count()").fetchone() == (1,)


def test_no_warning_where_the_same_edit_names_the_new_column(db_url, tmp_path):
    result = _generated(db_url, tmp_path, EDITED)
    assert not [n for n in result.notices if "renames to" in n], result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, b) VALUES (2, 6)")
        assert conn.execute("SELECT note, a_of(2), u_total() FROM t WHERE id = 2").fetchone() == ("a=6", 6, None)
