"""A PRIMARY KEY, UNIQUE or unique index added to a table that holds rows: the migration fails where two rows share the
key, and `generate`, which never sees the rows, warns at the key's line, naming the query that finds them
(plan.new_keys). The oracles are Postgres's: the migration fails with a unique violation over such a pair, the query
the warning names returns that pair, and the migration applies once it is gone. A key the rows already keep is not
warned of."""

import re

import psycopg
import pytest

from conftest import each_case_on_one_major

OLD = """tables:
  t:
    columns:
      id: {type: integer, nullable: false}
      a: integer
      b: text
%s"""
KEYS = {
    "unique": ("    unique:\n      - {columns: [id, a], name: t_ida}\n", "8:9: key t_ida", [(1, 1, 2)]),
    "primary-key": ("    primary_key: {columns: [id], name: t_pk}\n", "7:5: primary key t_pk", [(1, 2)]),
    "unique-index": ("    indexes:\n      t_lb: {columns: [{expression: lower(b)}], unique: true, where: a > 0}\n",
                     "8:7: unique index t_lb", [("x", 2)]),
}
# (id 1 twice, (1, 'x') twice, lower(b) 'x' twice where a > 0; the NULLs a key counts distinct, and 'x' where a <= 0,
# collide with nothing)
ROWS = "INSERT INTO t VALUES (1, 1, 'x'), (1, 1, 'X'), (2, NULL, NULL), (3, NULL, NULL), (4, -1, 'x')"


@pytest.mark.parametrize("major_db,key", each_case_on_one_major([pytest.param(k, id=k) for k in KEYS]),
                         indirect=["major_db"])
def test_a_key_added_over_rows_is_warned_naming_the_query_that_finds_its_duplicates(major_db, tmp_path, key):
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    block, what, found = KEYS[key]
    generated_and_applied(tmp_path, major_db, OLD % "")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    before = {m.path for m in Layout(out).migrations()}
    schema.write_text(OLD % block, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    (warning,) = [n for n in result.notices if n.startswith("warning: ")]
    assert warning.startswith(f"warning: {schema}:{what} of public.t is added over the rows the table holds: the "
                              "migration fails where two of them hold the same key (find them with `"), warning
    query = re.search(r"find them with `([^`]*)`", warning).group(1)
    added = [m for m in Layout(out).migrations() if m.path not in before]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(ROWS)
        with pytest.raises(psycopg.errors.UniqueViolation):
            apply_files(conn, added, record=False)
        assert conn.execute(query).fetchall() == found
        conn.execute("UPDATE t SET id = 5, b = 'y' WHERE b = 'X'")
        assert conn.execute(query).fetchall() == []
        apply_files(conn, added, record=False)


@pytest.mark.parametrize("old,new", [
    # a UNIQUE over fewer of its columns, kept or dropped (the rows are unique on those already)
    ("    unique:\n      - {columns: [a], name: t_a}\n",
     "    unique:\n      - {columns: [a], name: t_a}\n      - {columns: [a, b], name: t_ab}\n"),
    ("    unique:\n      - {columns: [a], name: t_a}\n", "    unique:\n      - {columns: [b, a], name: t_ba}\n"),
    # a unique index given a narrower predicate, or a NULLS NOT DISTINCT key over a primary key's column
    ("    indexes:\n      t_b: {columns: [b], unique: true, where: a > 0}\n",
     "    indexes:\n      t_b: {columns: [b], unique: true, where: a > 0 AND id > 1}\n"),
    ("    primary_key: {columns: [id]}\n",
     "    primary_key: {columns: [id]}\n    unique:\n      - {columns: [id, b], nulls_not_distinct: true}\n"),
])
def test_a_key_the_rows_already_keep_is_not_warned(tmp_path, old, new):
    assert_unwarned(tmp_path, OLD % old, OLD % new)


def test_a_key_over_a_column_added_numbering_the_rows_is_not_warned(tmp_path):
    """A surrogate key: an identity (or a serial) added with its PRIMARY KEY gives each row a value of its own."""
    assert_unwarned(tmp_path, "tables:\n  t:\n    columns: {a: integer}\n",
                    "tables:\n  t:\n    columns:\n      a: integer\n      id: {type: bigint, identity: always}\n"
                    "    primary_key: {columns: [id]}\n")


@pytest.mark.parametrize("concurrently", [False, True])
@pytest.mark.parametrize("old,new,what", [
    ("    unique:\n      - {columns: [a, b], name: t_u}\n", "    unique:\n      - {columns: [a], name: t_u}\n",
     "8:9: key t_u"),
    ("    indexes:\n      t_u: {columns: [a, b], unique: true}\n",
     "    indexes:\n      t_u: {columns: [a], unique: true}\n", "8:7: unique index t_u"),
])
def test_a_key_narrowed_to_fewer_of_its_columns_is_warned(tmp_path, old, new, what, concurrently):
    """UNIQUE (a, b) made UNIQUE (a) (dropped and added again; --concurrently, built beside as t_u_ccnew): the rows
    unique on (a, b) may share a; the old key proves nothing of the new one."""
    (warning,) = warnings_after(tmp_path, OLD % old, OLD % new, concurrently=concurrently)
    assert warning.startswith(f"warning: {tmp_path / 'schema.yaml'}:{what} of public.t is added over the rows the "
                              "table holds"), warning
    assert "`SELECT a, count(*) FROM t WHERE a IS NOT NULL GROUP BY a HAVING count(*) > 1`" in warning


def assert_unwarned(tmp_path, old: str, new: str) -> None:
    """schema.yaml `old`, then `new`, generated: the second migration written without a warning."""
    assert warnings_after(tmp_path, old, new) == []


def warnings_after(tmp_path, old: str, new: str, **options) -> list[str]:
    """schema.yaml `old` generated, then `new` (with generate's `options`): the second migration's warnings."""
    from schemac.commands.generate import generate

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(old, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(new, encoding="utf-8")
    result = generate(str(schema), out, **options)
    assert result.status == "written", result.message
    return [n for n in result.notices if n.startswith("warning: ")]
