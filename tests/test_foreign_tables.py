"""Foreign tables on a real server (postgres_fdw; no connection is made), managed as tables with `foreign:`:
a schema with a server, two foreign tables (column options, a NOT NULL, a default, a collation, a CHECK,
comments, a grant) and a view over one is read, written and built by one migration on an EMPTY database (the
view after the foreign table it reads), compared with the source by the tests' own SQL over pg_class,
pg_foreign_table, pg_attribute (attfdwoptions), pg_foreign_server and pg_get_viewdef; then a change round over
that database (a table option changed, a column added with options, a column's options changed, a foreign table
dropped) equals what the tests' SQL builds from scratch."""

from __future__ import annotations

import psycopg
import pytest
from test_foreign_servers import MAJORS, _migration, need_postgres_fdw, servers

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SERVER = """CREATE EXTENSION postgres_fdw;
CREATE SERVER remote_pg FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.example', dbname 'app', port '5432');
CREATE TABLE local_t (id bigint PRIMARY KEY);
"""
ORDERS = """CREATE FOREIGN TABLE remote_orders (
  id bigint OPTIONS (column_name 'order_id') NOT NULL,
  total numeric(10,2) DEFAULT 0,
  note text COLLATE "C"%s
) SERVER remote_pg OPTIONS (schema_name 'sales', table_name '%s');
COMMENT ON FOREIGN TABLE remote_orders IS 'orders, elsewhere';
COMMENT ON COLUMN remote_orders.total IS 'in euros';
GRANT SELECT ON remote_orders TO PUBLIC;
CREATE VIEW v_remote AS SELECT r.id, r.total FROM remote_orders r JOIN local_t l USING (id);
"""
USERS = """CREATE SCHEMA ext;
CREATE FOREIGN TABLE ext.remote_users (id int, name text) SERVER remote_pg;
ALTER FOREIGN TABLE ext.remote_users ADD CONSTRAINT id_positive CHECK (id > 0);
"""
SOURCE = SERVER + ORDERS % ("", "orders") + USERS
FOREIGN_TABLES = """SELECT n.nspname, c.relname, c.relkind, s.srvname, ft.ftoptions, c.relacl::text[],
       obj_description(c.oid, 'pg_class'),
       (SELECT array_agg(ARRAY[a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                               a.attfdwoptions::text, pg_get_expr(ad.adbin, ad.adrelid), col_description(c.oid, a.attnum),
                               a.attcollation::regcollation::text] ORDER BY a.attnum)
        FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k
        WHERE k.conrelid = c.oid AND k.contype = 'c')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_foreign_table ft ON ft.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = ft.ftserver
ORDER BY 1, 2"""
VIEW = "SELECT pg_get_viewdef('v_remote'::regclass, true)"


def catalog(url):
    with psycopg.connect(url) as conn:
        return conn.execute(FOREIGN_TABLES).fetchall(), conn.execute(VIEW).fetchone(), servers(url)


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_foreign_tables_round_trip_and_change(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    need_postgres_fdw(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "# Not managed" not in text and "warning" not in r.stderr, r.stderr + text
    assert "    foreign: {server: remote_pg, options: {schema_name: sales, table_name: orders}}\n" in text, text
    assert "      id: {type: bigint, nullable: false, foreign_options: {column_name: order_id}}\n" in text, text
    r = schemac("generate", "--name", "base")
    assert r.returncode == 0 and "could not create" not in r.stderr, r.stderr
    sql = _migration(tmp_path, "base")
    assert sql.index("CREATE SERVER") < sql.index("CREATE FOREIGN TABLE remote_orders") < sql.index("CREATE VIEW"), sql
    with sibling_database(major_db) as b:  # an empty database: the view after the foreign table it reads
        apply_all(b, str(tmp_path / "generated"))
        assert catalog(b) == catalog(major_db)
        assert schemac("diff", "--database-url", b).returncode == 0
        edited = text.replace("table_name: orders}", "table_name: orders_v2}")
        edited = edited.replace("      note: {type: text, collation: C}\n", "      note: {type: text, collation: C}\n"
                                "      extra: {type: text, foreign_options: {column_name: x}}\n")
        edited = edited.replace("foreign_options: {column_name: order_id}", "foreign_options: {column_name: oid2}")
        start = edited.index("  remote_users:\n")
        end = edited.index("\n  ", edited.index("    checks:\n", start) + 30) + 1
        edited = edited[:start] + edited[end:]
        assert "remote_users" not in edited and "schema: ext" not in edited, edited
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        sql = _migration(tmp_path, "change")
        assert "ALTER FOREIGN TABLE remote_orders OPTIONS (SET table_name 'orders_v2');" in sql, sql
        assert "DROP FOREIGN TABLE ext.remote_users;" in sql, sql
        apply_all(b, str(tmp_path / "generated"))
        with sibling_database(major_db) as c:
            with psycopg.connect(c, autocommit=True) as conn:
                conn.execute(SERVER + (ORDERS % (",\n  extra text OPTIONS (column_name 'x')", "orders_v2")).replace(
                    "'order_id'", "'oid2'") + "CREATE SCHEMA ext;")
            assert catalog(b) == catalog(c)
        assert schemac("diff", "--database-url", b).returncode == 0


@pytest.mark.parametrize("text, message", [
    ("tables:\n  t:\n    foreign: {server: s}\n    columns: {id: integer}\n",
     "2:3: table public.t: its server s is not declared under foreign_servers:"),
    ("foreign_servers: {s: {wrapper: w}}\ntables:\n  t:\n    foreign: {server: s}\n    columns: {id: {type: integer, primary_key: true}}\n",
     "4:5: table 't' is a foreign table (foreign:), which cannot have primary_key"),
    ("tables:\n  t:\n    columns: {id: {type: integer, foreign_options: {a: b}}}\n",
     "column 'id' of table 't': foreign_options belong to a foreign table's columns"),
    ("foreign_servers: {s: {wrapper: w}}\ntables:\n  t:\n    foreign: {server: s, host: x}\n    columns: {id: integer}\n",
     "4:26: unknown key 'host' in foreign of table 't'"),
])
def test_foreign_table_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert message in str(e.value), str(e.value)


def test_foreign_table_drift_is_reported(tmp_path, db_url, schemac):
    """Options changed by hand (the table's, a column's) are drift that names them; `diff --sql` writes the
    ALTER FOREIGN TABLE that puts them back, which, run, leaves no drift."""
    need_postgres_fdw(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER FOREIGN TABLE remote_orders OPTIONS (SET table_name 'other', DROP schema_name);"
                     "ALTER FOREIGN TABLE remote_orders ALTER COLUMN id OPTIONS (DROP column_name)")
    r = schemac("diff", "--database-url", db_url, "--sql")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "remote_orders: SERVER remote_pg OPTIONS (table_name 'other'), expected SERVER remote_pg " \
           "OPTIONS (schema_name 'sales', table_name 'orders')" in r.stderr, r.stderr
    assert "column id: no OPTIONS, expected OPTIONS (column_name 'order_id')" in r.stderr, r.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(r.stdout)
        assert conn.execute("SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'remote_orders'::regclass"
                            ).fetchone()[0] == ["schema_name=sales", "table_name=orders"]  # as CREATE gave them
    assert schemac("diff", "--database-url", db_url).returncode == 0
