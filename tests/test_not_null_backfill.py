"""A column with a default made NOT NULL over rows holding NULL: Postgres fills a new column's rows with its
default, never an existing column's NULLs, so a bare SET NOT NULL fails on them and the migration does not
apply. The migration gives those rows the default first. The oracle: the rows' values and pg_attribute's
attnotnull after the migration, and the migration applying at all."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from sqlx_project import generated_and_applied


_step = generated_and_applied


def _table(column: str, partitioned: bool = False, extra: str = "") -> str:
    parts = ("    partition_by: {strategy: list, key: k}\n" if partitioned else "")
    text = (f"{extra}tables:\n  t:\n{parts}    columns:\n      id: integer\n      k: {{type: integer, nullable: false}}\n"
            f"      a: {column}\n")
    if partitioned:
        text += "".join(f"  t_{n}:\n    partition_of: {{parent: t, bound: 'FOR VALUES IN ({n})'}}\n" for n in (1, 2))
    return text


TWICE = ("functions:\n  twice:\n    arguments: x integer\n    returns: integer\n    language: sql\n"
         "    volatility: immutable\n    body: SELECT x * 2\n")


@pytest.mark.parametrize("before, after, filled", [
    ("integer", "{type: integer, nullable: false, default: 7}", 7),
    ("{type: integer, default: 7}", "{type: integer, nullable: false, default: 7}", 7),
    ("{type: integer, default: 1}", "{type: integer, nullable: false, default: 7}", 7),
    ("integer", "{type: integer, nullable: false, default: 'twice(21)'}", 42),
], ids=["default-added", "default-kept", "default-changed", "default-calls-a-new-function"])
@pytest.mark.parametrize("partitioned", [False, True], ids=["table", "partitioned"])
def test_rows_holding_null_take_the_default(tmp_path, db_url, before, after, filled, partitioned):
    _step(tmp_path, db_url, _table(before, partitioned))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, k, a) VALUES (1, 1, NULL), (2, 2, 5), (3, 1, NULL)")
    sql = _step(tmp_path, db_url, _table(after, partitioned, TWICE if "twice" in after else ""))
    assert "WHERE a IS NULL" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, a FROM t ORDER BY id").fetchall() == [(1, filled), (2, 5), (3, filled)]
        assert conn.execute("SELECT bool_and(attnotnull) FROM pg_attribute WHERE attname = 'a' "
                            "AND attrelid IN ('t'::regclass, 't_1'::regclass, 't_2'::regclass)"
                            if partitioned else "SELECT attnotnull FROM pg_attribute WHERE attname = 'a' "
                            "AND attrelid = 't'::regclass").fetchone()[0] is True
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


def test_no_default_no_update(tmp_path, db_url):
    """Without a default nothing is invented: the migration is a bare SET NOT NULL (it applies where no row
    holds NULL)."""
    _step(tmp_path, db_url, _table("integer"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, k, a) VALUES (1, 1, 3)")
    sql = _step(tmp_path, db_url, _table("{type: integer, nullable: false}"))
    assert "UPDATE" not in sql and "SET NOT NULL" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT attnotnull FROM pg_attribute WHERE attname = 'a' AND attrelid = 't'::regclass"
                            ).fetchone()[0] is True


@pytest.mark.parametrize("column, warned", [
    ("{type: integer, nullable: false}", True),
    ("{type: integer, primary_key: true}", True),
    ("{type: integer, nullable: false, default: 0}", False),
    ("{type: integer, nullable: false, identity: by_default}", False),
    ("{type: integer, generated: id * 2}", False),
    ("integer", False),
], ids=["not-null", "primary-key", "with-default", "identity", "generated", "nullable"])
def test_a_column_added_not_null_without_a_default_is_warned(tmp_path, db_url, column, warned):
    """generate never sees the rows: it warns, and the warning is true (the migration fails on a table with a
    row and applies to an empty one)."""
    base = "tables:\n  t:\n    columns:\n      id: integer\n      k: integer\n"
    _step(tmp_path, db_url, base)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(base + f"      a: {column}\n" + ("  fresh:\n    columns:\n      b: {type: integer, nullable: false}\n"),
                      encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    warnings = [n for n in result.notices if n.startswith("warning: ")]
    assert warnings == ([f"warning: {schema}:6:7: column public.t.a is added NOT NULL without a default: the migration "
                         "fails on a table that holds rows (give it a default, or add it nullable, fill it, then make "
                         "it NOT NULL)"] if warned else [])  # (never for the new table's column)
    assert _applied_once_true(db_url, out, "INSERT INTO t (id, k) VALUES (1, 1)", warned, "DELETE FROM t") is (
        "nullable: false" in column or "primary_key" in column)


def _warnings_of(tmp_path, text: str) -> tuple:
    """schema.yaml written as `text` and generated: its path, the output folder and generate's warnings."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    return schema, out, [n for n in result.notices if n.startswith("warning: ")]


def _applied_once_true(db_url: str, out: str, rows: str, warned: bool, gone: str,
                       error: type = psycopg.errors.NotNullViolation) -> bool:
    """The migration over `rows`: where warned, it fails with `error` (the warning is true) and applies once `gone`
    removed what it fails on; a's attnotnull after."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(rows)
        if warned:
            with pytest.raises(error):
                apply_files(conn, Layout(out).migrations())
            conn.execute(gone)
        apply_files(conn, Layout(out).migrations())
        return conn.execute("SELECT attnotnull FROM pg_attribute WHERE attname = 'a' AND attrelid = 't'::regclass"
                            ).fetchone()[0]


@pytest.mark.parametrize("after, warned", [
    ("{type: integer, nullable: false}", "made NOT NULL without a default: the migration fails where a row holds NULL "
     "in it (fill those rows first, or give it a default, which the migration gives them)"),
    ("{type: integer, nullable: false, default: 7}", None),
    ("{type: integer, not_null: {not_valid: true}}", None),
    ("{type: integer, identity: by_default}", "made an identity, which Postgres takes only on a NOT NULL column: the "
     "migration fails where a row holds NULL in it (fill those rows first)"),
], ids=["without-default", "with-default", "not-valid", "made-an-identity"])
def test_a_column_made_not_null_without_a_default_is_warned(tmp_path, db_url, after, warned):
    """An existing column made NOT NULL (pgquarrel's dellstore: the new side filled its NULLs by an UPDATE no
    schema.yaml holds): without a default nothing fills the rows holding NULL, so generate warns, and the warning is
    true (the migration fails over such a row and applies once it is gone). A nullable column made an identity
    (psqldef's AddIdentityWithSequenceToExistingColumn) is made NOT NULL before ADD GENERATED, which Postgres
    refuses on a nullable column, and no value fills its NULLs either: warned, so."""
    _step(tmp_path, db_url, _table("integer"))
    schema, out, warnings = _warnings_of(tmp_path, _table(after))
    assert warnings == ([f"warning: {schema}:6:7: column public.t.a is {warned}"] if warned else [])
    assert _applied_once_true(db_url, out, "INSERT INTO t (id, k, a) VALUES (1, 1, NULL), (2, 1, 5)", warned,
                              "DELETE FROM t WHERE a IS NULL") is True


def _key_function(volatility: str) -> str:
    """sequences: and functions: declaring next_key(), nextval() of a sequence, `volatility`."""
    return ("sequences:\n  key_seq: {}\nfunctions:\n  next_key:\n    returns: bigint\n    language: sql\n"
            f"    volatility: {volatility}\n    body: SELECT nextval('key_seq')\n")


@pytest.mark.parametrize("column, warned, functions", [
    ("{type: bigint, nullable: false, default: 'txid_current()', unique: true}", True, ""),
    ("{type: integer, default: 0, primary_key: true}", True, ""),
    ("{type: uuid, default: 'gen_random_uuid()', unique: true}", False, ""),
    ("{type: bigint, default: 'next_key()', unique: true}", False, _key_function("volatile")),
    ("{type: bigint, default: 'next_key()', unique: true}", True, _key_function("stable")),
], ids=["one-transaction-value", "constant", "row-by-row", "declared-volatile-function", "declared-stable-function"])
def test_a_column_added_with_one_default_under_a_new_key_is_warned(tmp_path, db_url, column, warned, functions):
    """ADD COLUMN gives every row the default's one value (SpiceDB's xid replayed: its history filled the column by an
    UPDATE before the key): a key made over it by the same migration fails where the table holds two rows. The
    warning is true: the migration fails over two rows and applies over one. A function schema.yaml declares VOLATILE
    is called for each row (no warning: the values differ), a STABLE one once, though its body calls nextval()."""
    base = functions + "tables:\n  t:\n    columns:\n      id: integer\n"
    _step(tmp_path, db_url, base)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(base + f"      a: {column}\n", encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    warnings = [n for n in result.notices if n.startswith("warning: ") and "one value" in n]
    assert len(warnings) == (1 if warned else 0), result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id) VALUES (1), (2)")
        if warned:
            with pytest.raises(psycopg.errors.UniqueViolation):
                apply_files(conn, Layout(out).migrations())
            conn.execute("DELETE FROM t WHERE id = 2")
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT count(DISTINCT a) = count(*) FROM t").fetchone()[0] is True


@pytest.mark.parametrize("column, check, warned", [
    ("integer", "a IS NOT NULL", True),
    ("integer", "(a IS NOT NULL) AND (a > 0)", True),
    ("integer", "NOT (a IS NULL)", True),
    ("integer", "{expression: a IS NOT NULL, not_valid: true}", False),
    ("{type: integer, default: 1}", "a IS NOT NULL", False),
    ("integer", "a > 0", False),
    ("integer", "a IS NOT NULL OR k > 0", False),
], ids=["is-not-null", "in-an-and", "not-is-null", "not-valid", "with-default", "null-passes", "in-an-or"])
def test_a_check_requiring_a_column_added_without_a_default_is_warned(tmp_path, any_db_url, column, check, warned):
    """A CHECK (a IS NOT NULL) added with its column a, nullable and without a default (pg-schema-diff's spelling of
    NOT NULL): ADD COLUMN gives every row NULL, which the ADD CONSTRAINT then refuses, as ADD COLUMN ... NOT NULL
    would. generate never sees the rows: it warns, and the warning is true (the migration fails over a row with
    Postgres's check violation and applies once it is gone); a check NULL passes, or added NOT VALID, is not warned."""
    _step(tmp_path, any_db_url, "tables:\n  t:\n    columns:\n      id: integer\n      k: integer\n")
    schema, out, warnings = _warnings_of(tmp_path, "tables:\n  t:\n    columns:\n      id: integer\n      k: integer\n"
                                         f"      a: {column}\n    checks:\n      a_check: {check}\n")
    assert warnings == ([f"warning: {schema}:8:7: check constraint a_check of public.t requires a IS NOT NULL, which "
                         "the migration adds without a default: it fails on a table that holds rows (give the column a "
                         "default, or add the check NOT VALID, fill the column, then validate it)"] if warned else [])
    assert _applied_once_true(any_db_url, out, "INSERT INTO t (id, k) VALUES (1, 1)", warned, "DELETE FROM t",
                              psycopg.errors.CheckViolation) is False
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'a_check' AND conrelid = 't'::regclass"
                            ).fetchone()[0] == 1


@pytest.mark.parametrize("domains, column, warned", [
    ("code: {type: text, not_null: true}", "code", True),
    ("code: {type: text, checks: {code_check: VALUE IS NOT NULL}}", "code", True),
    ("code: {type: text, not_null: true}\n  code2: {type: code}", "code2", True),
    ("code: {type: text, not_null: true, default: \"'x'\"}", "code", False),
    ("code: {type: text, not_null: true}\n  code2: {type: code, default: \"'x'\"}", "code2", False),
    ("code: {type: text, not_null: true}", "{type: code, default: \"'x'\"}", False),
    ("code: {type: text, not_null: true}", "code[]", False),
    ("code: {type: text, checks: {code_check: VALUE <> ''}}", "code", False),
], ids=["not-null", "check", "under-a-domain", "domain-default", "upper-default", "column-default", "array",
        "null-passes"])
def test_a_column_added_of_a_domain_refusing_null_without_a_default_is_warned(tmp_path, any_db_url, domains, column,
                                                                             warned):
    """ADD COLUMN of a domain that refuses NULL (NOT NULL, a CHECK saying VALUE IS NOT NULL, or a domain under it that
    does), with no default of the column's nor of a domain's, gives each row NULL, which the domain refuses ('domain
    code does not allow null values') where the table holds one. The warning is true: the migration fails over a row
    and applies once it is gone."""
    head = f"domains:\n  {domains}\n"
    _step(tmp_path, any_db_url, head + "tables:\n  t:\n    columns:\n      id: integer\n")
    schema, out, warnings = _warnings_of(tmp_path, head + f"tables:\n  t:\n    columns:\n      id: integer\n"
                                                          f"      a: {column}\n")
    line = head.count("\n") + 5
    assert warnings == ([f"warning: {schema}:{line}:7: column public.t.a is added of domain {column}, which refuses "
                         "NULL, without a default: the migration fails on a table that holds rows (give it a default, "
                         "or add it of the domain's base type, fill it, then make it the domain)"] if warned else [])
    assert _applied_once_true(any_db_url, out, "INSERT INTO t (id) VALUES (1)", warned, "DELETE FROM t",
                              psycopg.errors.IntegrityError) is False


@pytest.mark.parametrize("column, warned", [("code", True), ("code[]", False), ("text", False)],
                         ids=["column-of-it", "array-of-it", "none-of-it"])
def test_a_domain_made_not_null_over_a_column_of_it_is_warned(tmp_path, any_db_url, column, warned):
    """A domain made NOT NULL (ALTER DOMAIN ... SET NOT NULL) fails where a column of it holds NULL ('column "a" of
    table "t" contains null values'), as a column made NOT NULL does: generate warns where a table's column is of it,
    and the warning is true (the migration fails over such a row and applies once it is gone)."""
    table = f"tables:\n  t:\n    columns:\n      id: integer\n      a: {column}\n"
    _step(tmp_path, any_db_url, "domains:\n  code: {type: text}\n" + table)
    schema, out, warnings = _warnings_of(tmp_path, "domains:\n  code: {type: text, not_null: true}\n" + table)
    # (an array of it: the domain made again, the column retyped through text behind plan.held_values' look, which
    # a NULL element fails: said as that guard, not as a column of it)
    held = [f"warning: {schema}:7:7: column public.t.a is retyped to code[] through text, which checks each value of "
            "domain public.code held in it against its new CHECKs or NOT NULL: the migration fails where a row holds a "
            "value they refuse (it looks first, naming the row)"] if column == "code[]" else []
    assert warnings == ([f"warning: {schema}:2:3: domain public.code is made NOT NULL: the migration fails where a row "
                         "holds NULL in a column of it (public.t.a: fill those rows first)"] if warned else held)
    assert _applied_once_true(any_db_url, out, "INSERT INTO t (id) VALUES (1)", warned, "DELETE FROM t",
                              psycopg.errors.IntegrityError) is False


@pytest.mark.parametrize("before, after", [
    ("{type: code, nullable: false}", "{type: code, nullable: false}"),
    ("{type: text, nullable: false}", "{type: code, nullable: false}"),
    ("coded", "code"),
    ("{type: text, nullable: false}\n      b: code", "{type: code, nullable: false}\n      b: code"),
], ids=["not-null-column-of-it", "retyped-to-it-proven", "retyped-from-a-not-null-domain", "beside-a-nullable-one"])
def test_a_domain_made_not_null_over_columns_holding_no_null_is_not_warned(tmp_path, any_db_url, before, after):
    """A domain made NOT NULL while each column of it holds no NULL as the database has it (its validated NOT NULL,
    or the NOT NULL of the domain it was of, the proof a retype to the domain is no destructive change by:
    compare.typmod_checks) fails on no row: not warned (it was, for every column of it). The migration applies over
    rows (a nullable column beside such one, named alone, holding none there)."""
    head = "domains:\n  coded: {type: text, not_null: true}\n  code: {type: text%s}\n"
    table = "tables:\n  t:\n    columns:\n      id: integer\n      a: %s\n"
    _step(tmp_path, any_db_url, head % "" + table % before)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, a, b) VALUES (1, 'x', 'y')" if " b:" in before
                     else "INSERT INTO t (id, a) VALUES (1, 'x')")
    schema, out, warnings = _warnings_of(tmp_path, head % ", not_null: true" + table % after)
    assert warnings == ([f"warning: {schema}:3:3: domain public.code is made NOT NULL: the migration fails where a row "
                         "holds NULL in a column of it (public.t.b: fill those rows first)"] if " b:" in after else [])
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT a::text, pg_typeof(a)::text FROM t").fetchall() == [("x", "code")]
    assert check_drift(str(schema), any_db_url).differences == ()
