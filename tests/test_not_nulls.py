"""PostgreSQL 18's NOT NULL constraints (pg_constraint contype 'n'): what inspect writes of their names, and what a
schema.yaml that leaves them unnamed accepts. The round trips and changes over rows are kinds/not_nulls.sql's."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

LONG = "t" * 40
LONG_COLUMN = "c" * 40


def _not_nulls(url: str) -> dict[tuple[str, str], tuple[str, bool]]:
    """(table, column) -> (constraint name, validated), read from pg_constraint itself."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT c.relname::text, a.attname::text, k.conname::text, k.convalidated FROM pg_constraint k "
                            "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_attribute a ON a.attrelid = k.conrelid "
                            "AND a.attnum = k.conkey[1] WHERE k.contype = 'n' "
                            "AND c.relnamespace = 'public'::regnamespace").fetchall()
    return {(t, c): (n, v) for t, c, n, v in rows}


@pytest.fixture
def pg18(db_url):
    with psycopg.connect(db_url) as conn:
        if conn.info.server_version < 180000:
            pytest.skip("NOT NULL constraints are pg_constraint rows from PostgreSQL 18 on")
    return db_url


def test_postgres_own_names_are_not_written_even_clipped(pg18, tmp_path):
    """Postgres clips <table>_<column>_not_null to 63 bytes by its own rule: inspect leaves that name out as it
    leaves out the short one, and writes the one a renamed table kept and a name of the user's."""
    with psycopg.connect(pg18, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {LONG} ({LONG_COLUMN} int NOT NULL, b int NOT NULL);"
                     "CREATE TABLE orders (id int NOT NULL, note text CONSTRAINT note_given NOT NULL);"
                     "ALTER TABLE orders RENAME TO purchases")
    names = _not_nulls(pg18)
    assert names[(LONG, LONG_COLUMN)][0] == f"{'t' * 27}_{'c' * 26}_not_null"  # 63 bytes
    assert names[("purchases", "id")][0] == "orders_id_not_null"
    text = inspect_database(pg18).yaml
    assert f"      {LONG_COLUMN}: {{type: integer, nullable: false}}\n" in text, text
    assert "      id: {type: integer, nullable: false, not_null: {name: orders_id_not_null}}\n" in text, text
    assert "      note: {type: text, nullable: false, not_null: {name: note_given}}\n" in text, text
    assert text.count("not_null:") == 2, text
    schema = tmp_path / "schema.yaml"
    schema.write_text(text, encoding="utf-8")
    assert check_drift(str(schema), pg18).differences == ()
    # Left unnamed in schema.yaml, any name the constraint has is right (as for an unnamed key).
    schema.write_text(text.replace(", not_null: {name: orders_id_not_null}", ""), encoding="utf-8")
    assert check_drift(str(schema), pg18).differences == ()
    # Named otherwise, it is drift, and --sql renames it.
    schema.write_text(text.replace("{name: note_given}", "{name: note_present}"), encoding="utf-8")
    drift = check_drift(str(schema), pg18)
    assert [(d.kind, d.name, d.expected, d.actual) for d in drift.differences] == [
        ("column_nullability_changed", "note", "CONSTRAINT note_present NOT NULL", "CONSTRAINT note_given NOT NULL")]


def test_a_renamed_tables_not_null_is_changed_under_the_name_it_kept(pg18, tmp_path):
    """ALTER TABLE ... RENAME keeps <old>_<column>_not_null: a change of that constraint in the same migration
    (named, validated) must name it so, not as Postgres would name the renamed table's."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n  orders:\n    columns:\n      id: {type: integer, primary_key: true}\n"
                      "      a: {type: integer, not_null: {not_valid: true}}\n")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(pg18, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO orders VALUES (1, 5), (2, 6)")
    assert _not_nulls(pg18)[("orders", "a")] == ("orders_a_not_null", False)
    schema.write_text("tables:\n  purchases:\n    renamed_from: orders\n    columns:\n"
                      "      id: {type: integer, primary_key: true}\n      a: {type: integer, not_null: {name: a_given}}\n")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    with psycopg.connect(pg18, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
    names = _not_nulls(pg18)
    assert names[("purchases", "a")] == ("a_given", True), result.sql
    assert names[("purchases", "id")] == ("orders_id_not_null", True)
    assert check_drift(str(schema), pg18).differences == ()
