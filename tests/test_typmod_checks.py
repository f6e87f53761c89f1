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
    # (as written in schema.yaml, which Postgres stores otherwise: BETWEEN as >= AND <=, an OR of two ANDs)
    ("bigint", {"v_int4": "v BETWEEN -2147483648 AND 2147483647"}, "-2147483648", "integer", "v_int4"),
    ("numeric(12,2)", {"v_range": "v BETWEEN SYMMETRIC 999999.99 AND -999999.99"}, "-999999.99", "numeric(8,2)", "v_range"),
    ("varchar(255)", {"v_len": "v <> '' AND char_length(v) BETWEEN 1 AND 50"}, "repeat('é', 50)", "varchar(50)", "v_len"),
    ("numeric(12,2)", {"v_range": "v IS NULL OR (v >= 0 AND v < 1000000)"}, "999999.99", "numeric(8,2)", "v_range"),
    ("integer", {"v_two": "(v >= 0 AND v < 10) OR (v > -100 AND v <= 32767)"}, "32767", "smallint", "v_two"),
    ("integer", {"v_two": "(v >= 0 AND v < 10) OR v > 100"}, "1", "smallint", None),
    ("bigint", {"v_out": "v NOT BETWEEN -2147483649 AND 2147483648"}, "3000000000", "integer", None),
    ("bigint", {"v_int4": "v BETWEEN -2147483649 AND 2147483647"}, "1", "integer", None),
    ("integer", {"v_or": "v < 10 AND v > -10 OR v = 40000"}, "1", "smallint", None),
], ids=["varchar-char-length", "text-length-or-null", "numeric-two-checks", "bigint-both-ways", "bigint-to-integer",
        "numeric-to-smallint", "not-valid", "no-inherit", "looser", "or-another", "or-before-and", "one-bound", "integer-below-its-range",
        "fraction-rounded", "scale-lost", "char-trimmed", "between-as-written", "between-symmetric", "char-length-between",
        "or-null-nested", "or-each-side-bounded", "or-one-side-unbounded", "not-between", "between-below-its-range",
        "or-an-equality"])
def test_a_narrowing_its_checks_prove_is_no_destructive_change(db_url, tmp_path, old, checks, rows, new, proven):
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, TABLE.format(type=json.dumps(old), checks=_checks(checks)))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO acct VALUES (1, {rows}), (2, NULL)")
        before = conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall()
    _narrowed(tmp_path, db_url, TABLE.format(type=json.dumps(new), checks=_checks(checks)), before, proven,
              new.replace("varchar", "character varying").replace("numeric(5)", "numeric(5,0)"))


def _narrowed(tmp_path, db_url, text: str, before: list, proven, said: str) -> None:
    """Generate `text` over the rows `before`: refused where `proven` is None, else written saying which CHECKs prove it,
    applied (the column of type `said`, every value kept) and in sync."""
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="narrowed")
    if proven is None:
        assert result.status == "refused" and "column v of public.acct" in result.message, result.message
        return
    assert result.status == "written", result.message
    assert f"/* every row fits {said}: the CHECKs {proven} prove it */" in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[1:], record=False)
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'acct'::regclass AND attname = 'v'").fetchone()[0] == said
        assert conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall() == before
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


DOMAIN = ("domains:\n  pct: {{type: integer, checks: {{pct_range: {check}}}}}\n  pct2: {{type: pct}}\n"
          "tables:\n  acct:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      v: {type}\n")


@pytest.mark.parametrize("check, new, proven", [
    ('"VALUE BETWEEN -32768 AND 32767"', "smallint", "pct_range of domain pct"),
    ('"VALUE IS NULL OR VALUE >= 0 AND VALUE < 1000"', "numeric(3)", "pct_range of domain pct"),
    ('{expression: "VALUE BETWEEN -32768 AND 32767", not_valid: true}', "smallint", None),
    ('"VALUE BETWEEN -32768 AND 32768"', "smallint", None),
], ids=["between", "or-null", "not-valid", "looser"])
def test_a_domains_checks_prove_a_narrowing_of_its_column(db_url, tmp_path, check, new, proven):
    """A column of a domain (over a domain too) whose validated CHECKs bound VALUE, made a narrower plain type: Postgres
    checked every value of the column against them, so the retype rejects and rounds nothing, as under the table's."""
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, DOMAIN.format(check=check, type="pct2"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        if "not_valid" in check:  # (a row the NOT VALID CHECK never saw)
            conn.execute("ALTER DOMAIN pct DROP CONSTRAINT pct_range")
            conn.execute("INSERT INTO acct VALUES (3, 40000)")
            conn.execute("ALTER DOMAIN pct ADD CONSTRAINT pct_range CHECK (VALUE BETWEEN -32768 AND 32767) NOT VALID")
        conn.execute("INSERT INTO acct VALUES (1, 0), (2, NULL)" + (", (4, -32768), (5, 32767)" if new == "smallint"
                                                                   else ", (4, 999)"))
        before = conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall()
    _narrowed(tmp_path, db_url, DOMAIN.format(check=check, type=new), before, proven, new.replace("(3)", "(3,0)"))


TO_DOMAIN = ("domains:\n  d0: {{type: {base}}}\n  d: {{type: d0{null}{check}}}\n"
             "tables:\n  acct:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      v: {type}\n{checks}")


_TO_DOMAIN_CASES = [
    ("text", {"v_len": "char_length(v) BETWEEN 1 AND 20"}, "repeat('é', 20)", "varchar(20)", False,
     "char_length(VALUE) >= 1", "v_len"),
    ("numeric(12,2)", {"v_range": "v IS NULL OR (v >= 0 AND v < 1000000)"}, "999999.99", "numeric(8,2)", False,
     "VALUE >= 0 AND VALUE <= 1000000", "v_range"),
    ("bigint NOT NULL", {"v_range": "v BETWEEN -1000 AND 1000"}, "-1000", "integer", True, "VALUE > -5000",
     "v_range, NOT NULL of column v"),
    ("varchar(20)", {"v_len": "length(v) > 0"}, "repeat('x', 20)", "text", False, "length(VALUE) >= 1", ""),
    ("text", {"v_none": "v IS NULL"}, "NULL", "varchar(20)", False, "", None),
]
_TO_DOMAIN_IDS = ["text-to-varchar-domain", "numeric-over-a-domain", "not-null-bigint-to-integer", "widened-base",
                  "is-null-alone"]
# The default run takes one case of each class (proven with a NOT NULL, proven by a CHECK alone, a base widened, a base
# unproven); -m slow every one: each builds and migrates its own database.
_TO_DOMAIN_DEFAULT = {"text-to-varchar-domain", "not-null-bigint-to-integer", "widened-base", "is-null-alone"}


@pytest.mark.parametrize("old, checks, rows, base, null, check, proven", [
    pytest.param(*case, id=name, marks=() if name in _TO_DOMAIN_DEFAULT else pytest.mark.slow)
    for case, name in zip(_TO_DOMAIN_CASES, _TO_DOMAIN_IDS)])
def test_a_retype_to_a_domain_its_checks_prove_is_no_destructive_change(db_url, tmp_path, old, checks, rows, base,
                                                                         null, check, proven):
    """A column made a domain (over a domain) that checks: its validated CHECKs (and NOT NULL) prove every value fits
    the domain's base and passes each of its CHECKs and its NOT NULL (ALTER COLUMN ... TYPE checks each value against
    them): written, said at the ALTER, applied; where the base is not proven (`v IS NULL` alone proves nothing: a value
    may be cut), refused as before."""
    from sqlx_project import generated_and_applied

    null, (type_, nn, _) = (", not_null: true" if null else ""), old.partition(" NOT NULL")
    column = json.dumps(type_) if not nn else "{type: %s, nullable: false}" % json.dumps(type_)
    generated_and_applied(tmp_path, db_url, TO_DOMAIN.format(base=json.dumps(base), null="", check="", type=column,
                                                             checks=_checks(checks)))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO acct VALUES (1, {rows})" + ("" if nn else ", (2, NULL)"))
        before = conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall()
    domain = null + (", checks: {d_ok: %s}" % json.dumps(check) if check else "")
    (tmp_path / "schema.yaml").write_text(TO_DOMAIN.format(base=json.dumps(base), null="", check=domain,
                                                           type="{type: d%s}" % (", nullable: false" if nn else ""),
                                                           checks=_checks(checks)), encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="to_domain")
    if proven is None:
        assert result.status == "refused" and "column v of public.acct" in result.message, result.message
        return
    assert result.status == "written", result.message
    assert (f"/* every row fits d: the CHECKs {proven} prove it */" in result.sql) == bool(proven), result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[1:], record=False)
        assert conn.execute("SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'acct'::regclass "
                            "AND attname = 'v'").fetchone()[0] == "d"
        assert conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall() == before
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


_UNPROVEN_CASES = [
    ("text", {"v_len": "char_length(v) <= 20"}, "'AB'", "varchar(20)", False, "VALUE ~ '^[A-Z]+$'", "'ab'", "v_len"),
    ("varchar(20)", {}, "'AB'", "text", False, "VALUE ~ '^[A-Z]+$'", "'ab'", ""),
    ("text", {"v_len": "char_length(v) <= 20"}, "'AB'", "varchar(20)", False, "char_length(VALUE) >= 1", "''", "v_len"),
    ("text", {"v_len": "char_length(v) <= 20"}, "'AB'", "varchar(20)", True, "", "NULL", "v_len"),
    ("text", {"v_len": "char_length(v) <= 20"}, "'AB'", "varchar(20)", False, "VALUE IS NULL OR VALUE <> ''", "''",
     "v_len"),
    ("bigint", {"v_range": "v BETWEEN -1000 AND 1000"}, "1", "integer", False, "VALUE > -1000", "-1000", "v_range"),
]
_UNPROVEN_IDS = ["regex-unproven", "regex-over-a-widened-base", "bound-unproven", "not-null-unproven", "or-unproven",
                 "bound-looser"]
_UNPROVEN_DEFAULT = {"regex-unproven", "regex-over-a-widened-base"}


@pytest.mark.parametrize("old, checks, rows, base, null, check, bad, proven", [
    pytest.param(*case, id=name, marks=() if name in _UNPROVEN_DEFAULT else pytest.mark.slow)
    for case, name in zip(_UNPROVEN_CASES, _UNPROVEN_IDS)])
def test_a_retype_to_a_domain_its_checks_do_not_prove_is_warned_not_refused(db_url, tmp_path, old, checks, rows, base,
                                                                           null, check, bad, proven):
    """A column made a domain (over a domain) whose base keeps every value (a wider one, or one the table's CHECKs
    prove, said at the ALTER) but whose CHECK or NOT NULL nothing proves (a regex, a bound the table's do not imply, a
    NULL the column may hold, an OR): ALTER COLUMN ... TYPE checks each value against them and refuses the whole
    statement where one fails ('value for domain d violates check constraint'), changing nothing. It was refused as
    destructive; it is written with a warning, which is true: the migration fails over a row holding a value the domain
    refuses, nothing changed, and applies once that row is gone, every value kept."""
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, TO_DOMAIN.format(base=json.dumps(base), null="", check="",
                                                             type=json.dumps(old), checks=_checks(checks) if checks else ""))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO acct VALUES (1, {rows})" + ("" if null else ", (2, NULL)"))
        before = conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall()
        conn.execute(f"INSERT INTO acct VALUES (3, {bad})")
    domain = (", not_null: true" if null else "") + (", checks: {d_ok: %s}" % json.dumps(check) if check else "")
    (tmp_path / "schema.yaml").write_text(TO_DOMAIN.format(base=json.dumps(base), null="", check=domain, type="d",
                                                           checks=_checks(checks) if checks else ""), encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="to_domain")
    assert result.status == "written", result.message
    said, at = ("NOT NULL of domain d" if null else "d_ok of domain d"), tmp_path / "schema.yaml"
    assert [n for n in result.notices if n.startswith("warning: ")] == [
        f"warning: {at}:8:7: column public.acct.v is made d, whose {said} no CHECK or NOT NULL of the table proves "
        "every row passes: the migration fails where a row holds a value one refuses (ALTER ... TYPE checks each, and "
        "then changes nothing: fix those rows first)"] + ([  # (d, which was, made NOT NULL too: true of v's NULL)
            f"warning: {at}:3:3: domain public.d is made NOT NULL: the migration fails where a row holds NULL in a "
            "column of it (public.acct.v: fill those rows first)"] if null else []), result.notices
    fits = base.replace("varchar", "character varying")
    assert (f"/* every row fits {fits}, the base of d: the CHECKs {proven} prove it */" in result.sql) == bool(proven)
    migrations = Layout(str(tmp_path / "generated")).migrations()[1:]
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityError, match="domain d"):
            apply_files(conn, migrations, record=False)
        conn.execute("DELETE FROM acct WHERE id = 3")
        apply_files(conn, migrations, record=False)
        assert conn.execute("SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'acct'::regclass "
                            "AND attname = 'v'").fetchone()[0] == "d"
        assert conn.execute("SELECT id, v::text FROM acct ORDER BY id").fetchall() == before
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
