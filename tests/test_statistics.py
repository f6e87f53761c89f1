"""Extended statistics (CREATE STATISTICS, `statistics:` of a table) on a real server: inspect writes them,
generate creates them on an empty database, and each change applies over rows. The oracle is pg_catalog
itself (pg_statistic_ext, pg_get_statisticsobjdef), read by the test's own SQL."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text
from schemac.errors import SchemaFileError

ORACLE = ("SELECT pg_get_statisticsobjdef(s.oid), s.stxstattarget, obj_description(s.oid, 'pg_statistic_ext') "
          "FROM pg_statistic_ext s ORDER BY s.stxname")

BASE = """\
tables:
  orders:
    columns:
      id: {type: integer, primary_key: true}
      customer: integer
      region: text
      email: text
    statistics:
      orders_cr: [customer, region]
      orders_mail: {columns: ['lower(email)', region], kinds: [mcv, ndistinct], target: 300, comment: by mailbox}
"""


def _catalog(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(ORACLE).fetchall()


def _migrate(tmp_path, url: str, text: str, name: str) -> str:
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name=name)
    assert result.status == "written", result.message
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[-1:], record=False)
    assert check_drift(str(tmp_path / "schema.yaml"), url).differences == ()
    return result.sql


def test_statistics_are_created_changed_and_dropped_over_rows(tmp_path, db_url):
    sql = _migrate(tmp_path, db_url, BASE, "create")
    assert "CREATE STATISTICS orders_mail (ndistinct, mcv) ON (lower(email)), region FROM orders" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders SELECT g, g % 7, 'r' || g % 3, 'U' || g || '@x' FROM generate_series(1, 500) g;"
                     "ANALYZE orders")
    assert _catalog(db_url) == [
        ("CREATE STATISTICS public.orders_cr ON customer, region FROM orders", -1 if _major(db_url) < 17 else None, None),
        ("CREATE STATISTICS public.orders_mail (ndistinct, mcv) ON region, lower(email) FROM orders", 300, "by mailbox")]
    inspected = inspect_database(db_url).yaml
    assert "      orders_cr: [customer, region]\n" in inspected, inspected
    assert "orders_mail: {columns: [region, lower(email)], kinds: [ndistinct, mcv], target: 300, comment: by mailbox}" \
        in inspected, inspected
    changed = BASE.replace("orders_cr: [customer, region]", "orders_cr: {columns: [region, customer], target: 50}") \
        .replace("kinds: [mcv, ndistinct], target: 300, comment: by mailbox", "kinds: [dependencies]")
    sql = _migrate(tmp_path, db_url, changed, "change")
    assert "ALTER STATISTICS orders_cr SET STATISTICS 50" in sql and "DROP STATISTICS IF EXISTS orders_mail" in sql, sql
    assert "DROP STATISTICS IF EXISTS orders_cr" not in sql, sql  # the columns as a set: the same object
    assert [r[:2] for r in _catalog(db_url)] == [
        ("CREATE STATISTICS public.orders_cr ON customer, region FROM orders", 50),
        ("CREATE STATISTICS public.orders_mail (dependencies) ON region, lower(email) FROM orders",
         -1 if _major(db_url) < 17 else None)]
    _migrate(tmp_path, db_url, BASE.split("    statistics:")[0], "drop")
    assert _catalog(db_url) == []
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 500


def _major(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.info.server_version // 10000


@pytest.mark.parametrize("entry,message", [
    ("s: [customer]", "needs at least two columns, or one expression"),
    ("s: [customer, nope]", "names column 'nope'"),
    ("s: {columns: [customer, region], kinds: [histogram]}", "kind of statistics 's' of table 'orders' must be one of"),
    ("s: {columns: [customer, region], target: 20000}", "target of statistics 's' of table 'orders' must be an integer"),
    ("s: {on: [customer, region]}", "is read by YAML as a boolean"),
])
def test_statistics_are_loaded_strictly(entry, message):
    text = BASE.split("      orders_cr")[0] + "      " + entry + "\n"
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert str(e.value).startswith("schema.yaml:9:") and message in str(e.value), str(e.value)


MATVIEW = """\
tables:
  t:
    columns: {a: integer, b: integer, c: text}
materialized_views:
  mv:
    query: SELECT a, b, c FROM t
    statistics:
      mv_ab: [a, b]
      mv_expr: {columns: [(a + b), lower(c)], kinds: [mcv], target: 200, comment: on a matview}
"""


def test_statistics_of_a_materialized_view(tmp_path, db_url):
    """A materialized view's extended statistics (PostgreSQL's stats_ext.sql makes one): inspect left them out, so a
    database made from its schema.yaml had none; now created, inspected, made again with the view, changed and
    dropped like a table's."""
    sql = _migrate(tmp_path, db_url, MATVIEW, "create")
    assert "CREATE STATISTICS mv_ab ON a, b FROM mv" in sql, sql
    expected = [("CREATE STATISTICS public.mv_ab ON a, b FROM mv", -1 if _major(db_url) < 17 else None, None),
                ("CREATE STATISTICS public.mv_expr (mcv) ON (a + b), lower(c) FROM mv", 200, "on a matview")]
    assert _catalog(db_url) == expected
    inspected = inspect_database(db_url).yaml
    assert "    statistics:\n      mv_ab: [a, b]\n      mv_expr: {columns: [(a + b), lower(c)], kinds: [mcv], target: 200, " \
           "comment: on a matview}\n" in inspected, inspected
    rebuilt = MATVIEW.replace("SELECT a, b, c FROM t", "SELECT a, b, c, a * 2 AS d FROM t").replace("[a, b]", "[a, d]")
    sql = _migrate(tmp_path, db_url, rebuilt, "rebuild")  # the view made again: its statistics with it
    assert _catalog(db_url) == [("CREATE STATISTICS public.mv_ab ON a, d FROM mv", *expected[0][1:]), expected[1]]
    _migrate(tmp_path, db_url, rebuilt.split("    statistics:")[0], "drop")
    assert _catalog(db_url) == []


TWO_SCHEMAS = ("SELECT sn.nspname::text, pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s "
               "JOIN pg_namespace sn ON sn.oid = s.stxnamespace ORDER BY 1, 2")


def test_one_name_in_two_schemas_on_one_table(tmp_path, db_url):
    """Two statistics objects of one table with one name, in two schemas (PostgreSQL's stats_ext.sql makes
    `ab1_a_b_stats` and `regress_schema_2.ab1_a_b_stats` on ab1): inspect keyed both by the name, so the second
    overwrote the first and a database made from schema.yaml lacked one. The one outside the table's schema is keyed
    `schema.name`, with `name:`; each is compared, made and dropped on its own."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA s2; CREATE TABLE ab1 (a int, b int, c int); "
                     "CREATE STATISTICS ab1_a_b_stats ON a, b FROM ab1; "
                     "CREATE STATISTICS s2.ab1_a_b_stats (mcv) ON b, c FROM ab1")
        expected = conn.execute(TWO_SCHEMAS).fetchall()
    assert len(expected) == 2
    text = inspect_database(db_url).yaml
    assert "      s2.ab1_a_b_stats: {name: ab1_a_b_stats, columns: [b, c], kinds: [mcv], schema: s2}\n" in text, text
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="create")
    assert result.status == "written", result.message
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations(), record=False)
            assert conn.execute(TWO_SCHEMAS).fetchall() == expected
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences == ()
    sql = _migrate(tmp_path, db_url, text.replace("columns: [b, c], kinds: [mcv]", "columns: [a, c], kinds: [mcv]"),
                   "change")
    assert "DROP STATISTICS IF EXISTS s2.ab1_a_b_stats" in sql and "DROP STATISTICS IF EXISTS ab1_a_b_stats" not in sql, sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute(TWO_SCHEMAS).fetchall() == [
            expected[0], ("s2", "CREATE STATISTICS s2.ab1_a_b_stats (mcv) ON a, c FROM ab1")]


WHERE = ("SELECT sn.nspname::text, s.stxname::text, c.relnamespace::regnamespace::text, c.relname::text "
         "FROM pg_statistic_ext s JOIN pg_namespace sn ON sn.oid = s.stxnamespace JOIN pg_class c ON c.oid = s.stxrelid "
         "ORDER BY 1, 2")
VAULT = """\
tables:
  t:
    schema: vault
    columns: {a: integer, b: integer}
    statistics:
      st: [a, b]
"""


def test_a_schema_holding_only_a_statistics_object_is_kept_and_made(tmp_path, db_url):
    """A statistics object may live in another schema than its table's. Its schema was not among the schemas
    schema.yaml uses (Schema.used_namespaces), so moving vault.t out while vault.st stays wrote DROP SCHEMA vault,
    which Postgres refused ("cannot drop schema vault because other objects depend on it"), and a statistics object
    alone in a new schema got no CREATE SCHEMA ("schema "fresh" does not exist")."""
    _migrate(tmp_path, db_url, VAULT, "create")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO vault.t SELECT g, g % 3 FROM generate_series(1, 50) g")
    moved = VAULT.replace("    schema: vault\n", "    renamed_from: vault.t\n").replace("st: [a, b]", "st: {columns: [a, b], schema: vault}")
    _migrate(tmp_path, db_url, moved, "move")
    with psycopg.connect(db_url) as conn:
        assert conn.execute(WHERE).fetchall() == [("vault", "st", "public", "t")]
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 50
    fresh = moved + "      st2: {columns: [b, a], kinds: [mcv], schema: fresh}\n"
    _migrate(tmp_path, db_url, fresh, "fresh")
    with psycopg.connect(db_url) as conn:
        assert conn.execute(WHERE).fetchall() == [("fresh", "st2", "public", "t"), ("vault", "st", "public", "t")]
