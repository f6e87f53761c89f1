"""A foreign key whose two ends are both retyped. Where both retypes keep every value as stored (varchar(10) to
varchar(20), or to text: pg.casts.relabels), Postgres rebuilds the key after each ALTER TYPE without checking it over
the rows (the old key's check holds), so the migration keeps it; dropping and adding it (compare.differ's
BOTH_ENDS_RETYPED) would check it over every row of the referencing table. Where a retype rewrites (integer to
bigint), Postgres checks the key over the rows after each ALTER TYPE, twice, so the migration drops it and adds it
once after both.

The oracle of "no check over the rows" is a row the key does not hold, put in with the key's triggers off
(session_replication_role = replica): a check over the rows refuses it ('violates foreign key constraint'), so the
migration applies only where none runs. After it, the key stands (pg_constraint, over the new types) and holds: a new
row referencing nothing is refused."""

import psycopg
import pytest

from conftest import rows_of

SCHEMA = """tables:
  p:
    columns:
      k: {type: "%s", primary_key: true}
  c:
    columns:
      id: integer
      k: %s
    foreign_keys:
      - {columns: [k], references: {table: p, columns: [k]}}
"""
KEY = ("SELECT c.conname, format_type(a.atttypid, a.atttypmod), format_type(b.atttypid, b.atttypmod) "
       "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
       "JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1] WHERE c.contype = 'f'")


def _retyped(url: str, tmp_path, old: tuple[str, str], new: tuple[str, str], rows: str) -> str:
    """schema.yaml made with `old` types (p's key, c's column) and applied, `rows` put in, then `new`'s migration
    generated and applied: its SQL."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, url, SCHEMA % old)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA % new, encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in before], record=False)
    return result.sql


def _holds(url: str, value: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(f"INSERT INTO c VALUES (99, {value})")
        except psycopg.errors.ForeignKeyViolation:
            return True
    return False


# (old type, new type, the new type as format_type spells it, a key value, a value no key holds)
KEPT = [("varchar(10)", "varchar(20)", "character varying(20)", "'a'", "'gone'"),
        ("varchar(10)", "text", "text", "'a'", "'gone'"),
        ("numeric(10,2)", "numeric(12,2)", "numeric(12,2)", "1.5", "2.5"),
        ("timestamp(3)", "timestamp", "timestamp without time zone", "'2020-01-01'", "'1999-01-01'")]


@pytest.mark.parametrize("old,new,spelled,value,orphan", KEPT, ids=[f"{k[0]}-to-{k[1]}" for k in KEPT])
def test_a_key_both_of_whose_ends_keep_their_values_is_kept(any_db_url, tmp_path, old, new, spelled, value, orphan):
    """Both ends made longer (varchar(10) to varchar(20) or text, numeric(10,2) to numeric(12,2), timestamp(3) to
    timestamp): no DROP CONSTRAINT, and the migration applies over a row the key does not hold (failed before:
    'insert or update on table "c" violates foreign key constraint "c_k_fkey"' at the ADD FOREIGN KEY, the key
    dropped and added around the retypes)."""
    sql = _retyped(any_db_url, tmp_path, (old, old), (new, new),
                   f"INSERT INTO p VALUES ({value}); INSERT INTO c VALUES (1, {value}); SET session_replication_role = "
                   f"replica; INSERT INTO c VALUES (2, {orphan}); SET session_replication_role = origin")
    assert "DROP CONSTRAINT" not in sql and "FOREIGN KEY" not in sql, sql
    assert rows_of(any_db_url, KEY) == [("c_k_fkey", spelled, spelled)]
    assert _holds(any_db_url, orphan)


def test_a_key_both_of_whose_ends_are_rewritten_is_added_again_once(any_db_url, tmp_path):
    """integer on both ends made bigint: Postgres would check the key over the rows after each ALTER TYPE, so it is
    dropped before them and added after (one check), and holds over the rows."""
    sql = _retyped(any_db_url, tmp_path, ("integer", "integer"), ("bigint", "bigint"),
                   "INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1), (2, 2)")
    assert sql.count("DROP CONSTRAINT IF EXISTS c_k_fkey") == 1 and sql.count("ADD FOREIGN KEY") == 1, sql
    assert rows_of(any_db_url, KEY) == [("c_k_fkey", "bigint", "bigint")]
    assert rows_of(any_db_url, "SELECT id, k FROM c ORDER BY id") == [(1, 1), (2, 2)]
    assert _holds(any_db_url, "42")
