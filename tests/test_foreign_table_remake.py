"""A foreign table's server changed, and tables made foreign or not, on real servers (postgres_fdw; no connection is
made): Postgres has no ALTER for either, so the migration drops the table and creates it again, with its columns'
options, CHECK, comment, grants and trigger, every view reading it (and the views reading those) dropped before
and created again after with their grants. A foreign table holds no rows here: its DROP is not destructive; a
plain table made foreign loses its rows: `--allow-destructive`. A plain table whose DROP takes more along (a
serial column's sequence) stays refused. A server dropped and created again (another type) takes the foreign
tables using it along: they are made again too. Judged by this file's own SQL over pg_class, pg_foreign_table,
pg_attribute, pg_constraint, pg_trigger, pg_get_viewdef and relacl, against the edited schema written by hand."""

from __future__ import annotations

import json

import psycopg
import pytest
from catalog_oracle import sibling_database
from test_foreign_servers import MAJORS, _migration, inspected
from sqlx_project import apply_all

SOURCE = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER remote_a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'a');
CREATE SERVER remote_b FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'b');
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FOREIGN TABLE remote_orders (id bigint OPTIONS (column_name 'order_id') NOT NULL, total numeric(10,2))
  SERVER remote_a OPTIONS (table_name 'orders');
ALTER FOREIGN TABLE remote_orders ADD CONSTRAINT total_positive CHECK (total > 0);
COMMENT ON FOREIGN TABLE remote_orders IS 'orders, elsewhere';
GRANT SELECT ON remote_orders TO PUBLIC;
CREATE TRIGGER t_audit BEFORE INSERT ON remote_orders FOR EACH ROW EXECUTE FUNCTION audit();
CREATE VIEW v_orders AS SELECT id, total FROM remote_orders WHERE total > 10;
CREATE VIEW v_big AS SELECT id FROM v_orders;
GRANT SELECT ON v_big TO PUBLIC;
CREATE FOREIGN TABLE to_local (id int, note text) SERVER remote_a;
CREATE VIEW v_local AS SELECT id FROM to_local;
CREATE TABLE local_t (id int, note text);
COMMENT ON TABLE local_t IS 'local';
CREATE SERVER remote_c TYPE 'x' FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE on_c (id int) SERVER remote_c OPTIONS (table_name 'c');
GRANT SELECT ON on_c TO PUBLIC;
CREATE VIEW v_c AS SELECT id FROM on_c;
"""
# The edited schema, by hand: remote_orders on remote_b, to_local a plain table, local_t a foreign one, remote_c of
# another type (dropped and created again: so is on_c, which uses it, and v_c, which reads on_c).
EDITED = SOURCE.replace("SERVER remote_a OPTIONS (table_name 'orders')", "SERVER remote_b OPTIONS (table_name 'orders')") \
    .replace("CREATE FOREIGN TABLE to_local (id int, note text) SERVER remote_a;", "CREATE TABLE to_local (id int, note text);") \
    .replace("CREATE TABLE local_t (id int, note text);", "CREATE FOREIGN TABLE local_t (id int, note text) SERVER remote_a;") \
    .replace("COMMENT ON TABLE local_t", "COMMENT ON FOREIGN TABLE local_t").replace("TYPE 'x'", "TYPE 'y'")
RELATIONS = """SELECT c.relname, c.relkind, s.srvname, ft.ftoptions, c.relacl::text[], obj_description(c.oid, 'pg_class'),
       (SELECT array_agg(ARRAY[a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                               a.attfdwoptions::text] ORDER BY a.attnum)
        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k WHERE k.conrelid = c.oid),
       (SELECT array_agg(pg_get_triggerdef(tg.oid) ORDER BY tg.tgname) FROM pg_trigger tg WHERE tg.tgrelid = c.oid
        AND NOT tg.tgisinternal),
       CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid, true) END
FROM pg_class c LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'f', 'v') AND c.relname <> '_sqlx_migrations'
ORDER BY 1"""


def relations(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(RELATIONS).fetchall()


def _block(text: str, table: str) -> str:
    """The lines of `table` under tables: in inspect's schema.yaml."""
    start = text.index(f"\n  {table}:\n") + 1
    end = start + len(f"  {table}:\n")
    while text.startswith("    ", end):  # deeper lines belong to the table
        end = text.index("\n", end) + 1
    return text[start:end]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_foreign_table_server_changed_and_made_foreign_or_not(tmp_path, major_db, schemac):
    text = inspected(tmp_path, major_db, SOURCE, schemac)
    assert schemac("generate", "--name", "base").returncode == 0
    with sibling_database(major_db) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert relations(b) == relations(major_db)
        edited = text.replace("foreign: {server: remote_a, options: {table_name: orders}}",
                              "foreign: {server: remote_b, options: {table_name: orders}}")
        to_local = _block(text, "to_local")
        edited = edited.replace(to_local, to_local.replace("    foreign: {server: remote_a}\n", ""))
        edited = edited.replace("  local_t:\n", "  local_t:\n    foreign: {server: remote_a}\n")
        edited = edited.replace("    type: x\n", "    type: y\n")
        assert edited.count("foreign: {server:") == 3 and "remote_b, options" in edited and "type: y" in edited, edited
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change")  # local_t loses its rows: refused without --allow-destructive
        assert r.returncode != 0 and "local_t" in r.stdout + r.stderr and "remote_orders" not in r.stdout + r.stderr, \
            r.stdout + r.stderr
        r = schemac("generate", "--name", "change", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        sql = _migration(tmp_path, "change")
        assert sql.index("DROP VIEW") < sql.index("DROP FOREIGN TABLE remote_orders") < \
            sql.index("CREATE FOREIGN TABLE remote_orders") < sql.index("CREATE TRIGGER t_audit") < \
            sql.index("CREATE VIEW v_orders") < sql.index("CREATE VIEW v_big") < sql.index("GRANT SELECT ON TABLE v_big"), sql
        apply_all(b, str(tmp_path / "generated"))
        with sibling_database(major_db) as c:
            with psycopg.connect(c, autocommit=True) as conn:
                conn.execute(EDITED)
            assert relations(b) == relations(c)
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
        # drift: each table on another server, or made foreign or not, is one difference (not a missing table and an
        # unexpected one, nor its views, grants, trigger); a server made again is one too (not the table using it)
        r = schemac("diff", "--database-url", major_db, "--format", "json")
        found = sorted((d["kind"], d["object"]["table"] or "") for d in json.loads(r.stdout)["differences"])
        assert r.returncode == 1 and found == [("foreign_server_changed", "")] + \
            [("foreign_table_changed", t) for t in ("local_t", "remote_orders", "to_local")], r.stdout


@pytest.mark.parametrize("major_db", MAJORS[1:], indirect=True)
def test_plain_table_whose_drop_takes_more_stays_refused(tmp_path, major_db, schemac):
    text = inspected(tmp_path, major_db, "CREATE EXTENSION postgres_fdw; CREATE SERVER remote_a FOREIGN DATA WRAPPER "
                     "postgres_fdw; CREATE TABLE counted (id serial, note text);", schemac)
    assert schemac("generate", "--name", "base").returncode == 0
    (tmp_path / "schema.yaml").write_text(text.replace("  counted:\n", "  counted:\n    foreign: {server: remote_a}\n"))
    r = schemac("generate", "--name", "change", "--allow-destructive")
    assert r.returncode == 2 and "make a table foreign or not, in place" in r.stderr, r.stdout + r.stderr
