"""A column given narrower modifiers its table's CHECKs prove every value fits (compare.typmod_checks): `varchar(255)`
-> `varchar(50)` under `char_length(code) <= 50`, `numeric(12,2)` -> `numeric(8,2)` under `total >= 0 AND total <
1000000`, `bigint` -> `integer` within its range, written without --allow-destructive and said at the ALTER; where the
CHECKs prove less (NOT VALID, NO INHERIT, one bound of two, a looser bound, a scale lost, a fraction to round, a char(n)
trimmed), refused as before. The pairs of
tests/fixtures/pairs/types.sql hold the deparsed spellings; here schema.yaml is written as people write it."""

from __future__ import annotations

import json

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

TABLE = "tables:\n  acct:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      v: {type}\n{checks}"


def _checks(checks: dict) -> str:
    return "    checks:\n" + "".join(f"      {k}: {json.dumps(v)}\n" for k, v in checks.items())


@pytest.mark.parametrize("old, checks, rows, new, proven", [
    ("varchar(255)", {"v_len": "char_length(v) <= 50"}, "repeat('é', 50)", "varchar(50)", "v_len"),
    ("text", {"v_ok": "v <> '' AND (v IS NULL OR length(v) < 51)"}, "repeat('x', 50)", "varchar(50)", "v_ok"),
    ("numeric(12,2)", {"v_min": "v >= 0", "v_max": "v < 1000000"}, "999999.99", "numeric(8,2)", "v_max, v_min"),
    ("bigint", {"v_range": "v > -100000 AND 99999 >= v"}, "-99999", "numeric(5)", "v_range"),
    ("bigint", {"v_int4": "v >= -2147483648 AND v < 2147483648"}, "-2147483648", "integer", "v_int4"),
    ("numeric(12)", {"v_int2": "v > -32768.5 AND v <= 32767.9"}, "32767", "smallint", "v_int2"),
    ("varchar(255)", {"v_len": {"expression": "char_length(v) <= 50", "not_valid": True}}, "'x'", "varchar(50)", None),
    ("varchar(255)", {"v_len": {"expression": "char_length(v) <= 50", "no_inherit": True}}, "'x'", "varchar(50)", None),
    ("varchar(255)", {"v_len": "char_length(v) <= 51"}, "'x'", "varchar(50)", None),
    ("varchar(255)", {"v_len": "char_length(v) <= 50 OR v = 'n/a'"}, "'x'", "varchar(50)", None),
    ("varchar(255)", {"v_len": "char_length(v) > 60 OR v <> '' AND char_length(v) <= 50"}, "repeat('x', 61)",
     "varchar(50)", None),
    ("numeric(12,2)", {"v_max": "v < 1000000"}, "1", "numeric(8,2)", None),
    ("bigint", {"v_int4": "v >= -2147483649 AND v < 2147483648"}, "1", "integer", None),
    ("numeric(12,1)", {"v_int2": "v > -32768 AND v < 32767"}, "1", "smallint", None),
    ("numeric(12,2)", {"v_range": "v > -1000000 AND v < 1000000"}, "1", "numeric(8,1)", None),
    ("character(255)", {"v_len": "length(v) <= 50"}, "'x'", "varchar(50)", None),
], ids=["varchar-char-length", "text-length-or-null", "numeric-two-checks", "bigint-both-ways", "bigint-to-integer",
        "numeric-to-smallint", "not-valid", "no-inherit", "looser", "or-another", "or-before-and", "one-bound", "integer-below-its-range",
        "fraction-rounded", "scale-lost", "char-trimmed"])
def test_a_narrowing_its_checks_prove_is_no_destructive_change(db_url, tmp_path, old, checks, rows, new, proven):
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, TABLE.format(type=json.dumps(old), checks=_checks(checks)))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO acct VALUES (1, {rows}), (2, NULL)")
        before = conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall()
    (tmp_path / "schema.yaml").write_text(TABLE.format(type=json.dumps(new), checks=_checks(checks)), encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="narrowed")
    if proven is None:
        assert result.status == "refused" and "column v of public.acct" in result.message, result.message
        return
    assert result.status == "written", result.message
    said = new.replace("varchar", "character varying").replace("numeric(5)", "numeric(5,0)")
    assert f"/* every row fits {said}: the CHECKs {proven} prove it */" in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[1:], record=False)
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'acct'::regclass AND attname = 'v'").fetchone()[0] == said
        assert conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall() == before
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
