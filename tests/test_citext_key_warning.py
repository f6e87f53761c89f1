"""A string column made citext under a key: citext's I/O keeps every value (no --allow-destructive), but its equality
ignores letter case, so two rows differing only in case ('Ann', 'ann') become duplicates where a PRIMARY KEY, UNIQUE or
unique index reads the column, and the rebuilt index refuses them. `generate` never sees the rows: it warns at the
column's line (plan.hazards.row_failures). The oracle that the warning is true is Postgres: the migration fails with a
unique violation over such a pair and applies over rows without one (the column then citext, by pg_attribute)."""

import psycopg
import pytest

from conftest import rows_of

OLD = """extensions: [{name: citext}]
tables:
  t:
    columns:
      id: integer
      name: %s
      active: boolean
%s"""
KEYS = {"unique": ("    unique:\n      - {columns: [name]}\n", "t_name_key"),
        "partial-unique-index": ("    indexes:\n      t_live: {columns: [name], unique: true, where: active}\n", "t_live")}
TYPE = "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'name'"


def warned_then_applied(url: str, tmp_path, old: str, new: str, rows: str, mend: str,
                        refused: type = psycopg.errors.UniqueViolation) -> tuple[str, list[str]]:
    """schema.yaml `old` migrated into `url`, `rows` inserted, then `new` generated: its migration must fail with
    `refused` (a unique violation), then apply once `mend` has run. The schema file's path and generate's warnings."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, url, old)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(new, encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    added = [m for m in Layout(out).migrations() if m.path not in before]
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(refused):
            apply_files(conn, added, record=False)
        conn.execute(mend)
        apply_files(conn, added, record=False)
    return str(schema), [n for n in result.notices if n.startswith("warning: ")]


@pytest.mark.parametrize("key", list(KEYS))
def test_a_keyed_column_made_citext_is_warned_and_fails_over_a_case_pair(any_db_url, tmp_path, key):
    if rows_of(any_db_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'") == [(0,)]:
        pytest.skip("this build has no citext")
    block, name = KEYS[key]
    schema, warnings = warned_then_applied(any_db_url, tmp_path, OLD % ("text", block), OLD % ("citext", block),
                                           "INSERT INTO t VALUES (1, 'Ann', true), (2, 'ann', true), (3, 'Bob', true)",
                                           "DELETE FROM t WHERE name = 'ann'")
    assert warnings == [
        f"warning: {schema}:6:7: column public.t.name is made citext, whose equality ignores letter case: the migration "
        f"fails where two rows differ only in case ('Ann', 'ann') under {name} (make those rows differ first)"]
    assert rows_of(any_db_url, TYPE) == [("citext",)]
    assert rows_of(any_db_url, "SELECT name::text FROM t ORDER BY id") == [("Ann",), ("Bob",)]


def test_an_unkeyed_column_made_citext_is_not_warned(tmp_path):
    """No key reads the column (an index that is not unique, a key on another column): no two values collide."""
    from schemac.commands.generate import generate

    block = "    primary_key: {columns: [id]}\n    indexes:\n      t_name: {columns: [name]}\n"
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(OLD % ("text", block), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(OLD % ("citext", block), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written" and not [n for n in result.notices if n.startswith("warning: ")], result.notices


FK = """extensions: [{name: citext}]
tables:
  p:
    columns:
      k: {type: text, primary_key: true}
  c:
    columns:
      id: integer
      k: %s
    foreign_keys:
      - {columns: [k], references: {table: p, columns: [k]}}
"""


def test_a_foreign_keys_columns_made_citext_apply_over_rows(db_url, tmp_path):
    """Both ends of a foreign key made citext: Postgres refuses the key between text and citext ('cannot be
    implemented'), so the key is dropped before the two retypes and added after (compare.differ, BOTH_ENDS_RETYPED);
    written without --allow-destructive (every value kept; the referenced key warned of, as any key made citext), and
    applied over rows: the key stands again over the two citext columns (pg_constraint), the rows the same."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, FK % "text")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p VALUES ('Ann'), ('Bob'); INSERT INTO c VALUES (1, 'Ann'), (2, 'Bob')")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text((FK % "citext").replace("k: {type: text,", "k: {type: citext,"), encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert [n.split(": ", 2)[2] for n in result.notices if n.startswith("warning: ")] == [
        "column public.p.k is made citext, whose equality ignores letter case: the migration fails where two rows "
        "differ only in case ('Ann', 'ann') under p_pkey (make those rows differ first)"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in before], record=False)
    assert rows_of(db_url, "SELECT conrelid::regclass::text, confrelid::regclass::text, "
                           "format_type(a.atttypid, a.atttypmod) FROM pg_constraint c JOIN pg_attribute a "
                           "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'") == [
        ("c", "p", "citext")]
    assert rows_of(db_url, "SELECT id, k::text FROM c ORDER BY id") == [(1, "Ann"), (2, "Bob")]


def test_a_foreign_keys_ends_leaving_citext_are_warned_and_fail_over_a_case_match(any_db_url, tmp_path):
    """Both ends of a foreign key made text from citext: the key, dropped around the two retypes, is added again
    comparing exactly, so a row that matched its referenced row only ignoring case ('firefox' referencing 'Firefox',
    as Socorro's citext product names) fails it: warned at the key's line, Postgres's ForeignKeyViolation makes it
    true, and the migration applies once the row matches exactly (pg_constraint: the key stands, every row matched)."""
    if rows_of(any_db_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'") == [(0,)]:
        pytest.skip("this build has no citext")
    schema, warnings = warned_then_applied(any_db_url, tmp_path,
                                           (FK % "citext").replace("k: {type: text,", "k: {type: citext,"), FK % "text",
                                           "INSERT INTO p VALUES ('Firefox'); INSERT INTO c VALUES (1, 'firefox')",
                                           "UPDATE c SET k = 'Firefox'", psycopg.errors.ForeignKeyViolation)
    assert warnings == [
        f"warning: {schema}:11:9: foreign key c_k_fkey of public.c is added again over columns no longer compared "
        "ignoring letter case (citext, or a nondeterministic collation, before): the migration fails where a row "
        "matches the row it references only so ('firefox' referencing 'Firefox'; make those rows match exactly first)"]
    assert rows_of(any_db_url, "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'") == [
        ("c_k_fkey", True)]
    assert rows_of(any_db_url, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = 'k' "
                               "AND attrelid IN ('p'::regclass, 'c'::regclass)") == [("text",), ("text",)]
    assert rows_of(any_db_url, "SELECT c.id FROM c LEFT JOIN p ON p.k = c.k WHERE p.k IS NULL") == []
