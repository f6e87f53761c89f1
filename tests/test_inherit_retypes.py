"""A column an INHERITS child has from two parents or more, retyped alike by each (compare.scratch_retypes): Postgres
refuses each parent's ALTER COLUMN ... TYPE ('cannot alter inherited column'); the parents join a scratch parent whose
retype recurses into the child once. The oracle: the migrated database's pg_attribute (attislocal, attinhcount, type),
pg_constraint (conislocal, coninhcount) and pg_inherits (inhseqno) equal a fresh build's of the new schema.yaml, no
scratch table is left, generate warns of nothing, and the rows are kept."""

from __future__ import annotations

import psycopg
import pytest
from conftest import MAJORS, fresh_database
from sqlx_project import generated_and_applied

from schemac.commands.generate import generate

EACH_MAJOR = [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m) for m in MAJORS]

CATALOG = """
SELECT c.relname::text, a.attname::text, a.attislocal, a.attinhcount, format_type(a.atttypid, a.atttypmod)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations' ORDER BY 1, a.attnum;
SELECT conrelid::regclass::text, conname::text, contype::text, conislocal, coninhcount FROM pg_constraint
WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'n') ORDER BY 1, 2;
SELECT inhrelid::regclass::text, inhparent::regclass::text, inhseqno FROM pg_inherits ORDER BY 1, 3
"""

# The issue's: v from both parents, a CHECK and a column (b) the child has from the second only.
TWO = """tables:
  first_parent:
    columns: {v: %(t)s, a: text}
  second_parent:
    columns: {v: %(t)s, b: text}
    checks: {second_b_check: "b <> ''"}
  two_child:
    inherits: [first_parent, second_parent]
    columns: {note: text}
"""
TWO_ROWS = "INSERT INTO two_child VALUES (3, 'a', 'b', 'n'); INSERT INTO second_parent VALUES (4, 'b')"

# Three parents, two columns retyped in each (one through the parents' alike USING), a parent with a child of its
# own, a second child of two of the parents, and NOT NULL on a retyped column.
THREE = """tables:
  p1:
    columns: {v: %(t)s, w: %(u)s, a: text}
  p2:
    columns: {v: %(t)s, w: %(u)s, b: text}
    checks: {p2_b_check: "b <> ''"}
  p3:
    columns: {v: {type: %(t)s, nullable: false}, w: %(u)s, c: text}
  c3:
    inherits: [p1, p2, p3]
    columns: {note: text}
  c12:
    inherits: [p2, p1]
  only1:
    inherits: [p1]
    columns: {x: int}
"""
THREE_ROWS = ("INSERT INTO c3 VALUES (1, 10, 'a', 'b', 'c', 'n'); INSERT INTO c12 VALUES (2, 20, 'b', 'a'); "
              "INSERT INTO only1 VALUES (3, 30, 'a', 7); INSERT INTO p3 VALUES (4, 40, 'c')")
USING = '{type: bigint, using: "w + 1"}'


def _catalog(url: str) -> list:
    with psycopg.connect(url) as conn:
        return [conn.execute(q).fetchall() for q in CATALOG.split(";")]


def _migrated_as_built(major: str, url: str, tmp_path, old: str, new: str, rows: str, tables: list[str],
                       moved=lambda row: row) -> str:
    """`old` applied with `rows`, then `new`: asserts the catalog equals a fresh build of `new`'s, the rows kept (as
    `moved` gives each, where a USING changes them), no notice; the migration's SQL."""
    generated_and_applied(tmp_path, url, old)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
        before = [sorted(conn.execute(f"SELECT * FROM ONLY {t}").fetchall()) for t in tables]
    (tmp_path / "schema.yaml").write_text(new, encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True)
    assert not [n for n in result.notices if "NO INHERIT" in n or "inhseqno" in n], result.notices
    sql = generated_and_applied(tmp_path, url, new)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    built = fresh_database(major)
    fresh_url = next(built)
    try:
        generated_and_applied(fresh, fresh_url, new)
        assert _catalog(url) == _catalog(fresh_url)
    finally:
        built.close()
    with psycopg.connect(url) as conn:
        assert [sorted(conn.execute(f"SELECT * FROM ONLY {t}").fetchall()) for t in tables] == \
            [sorted(moved(r) for r in rows) for rows in before]
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%schemac_retype%'").fetchone() == (0,)
    return sql


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_column_from_two_parents_retyped_in_both_ends_as_built(major_db, request, tmp_path):
    """The child keeps b and second_b_check inherited-only (attislocal, conislocal false) and its parents in order."""
    sql = _migrated_as_built(request.node.callspec.params["major_db"], major_db, tmp_path, TWO % {"t": "integer"}, TWO % {"t": "bigint"},
                             TWO_ROWS, ["first_parent", "second_parent", "two_child"])
    assert "ALTER TABLE two_child NO INHERIT" not in sql and "__schemac_retype" in sql, sql


@pytest.mark.slow
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_three_parents_two_columns_and_other_children_end_as_built(major_db, request, tmp_path):
    """p3's NOT NULL v, p1's other child, c12 under two of the three parents: one scratch parent for each column."""
    _migrated_as_built(request.node.callspec.params["major_db"], major_db, tmp_path, THREE % {"t": "integer", "u": "integer"},
                       THREE % {"t": "bigint", "u": USING}, THREE_ROWS, ["p1", "p2", "p3", "c3", "c12", "only1"],
                       lambda row: (row[0], row[1] + 1, *row[2:]))  # (w + 1 once: each table is rewritten once)



READING = """tables:
  rp1:
    columns: {v: %(t)s, k: integer}
  rp2:
    columns: {v: %(t)s, k: integer}
  rc:
    inherits: [rp1, rp2]
"""


@pytest.mark.slow
def test_a_using_reading_another_column_is_left_to_no_inherit(db_url, tmp_path):
    """The scratch parent holds the retyped column alone: a USING reading another (k) would fail there ('column "k"
    does not exist'), so those retypes keep the child's NO INHERIT and INHERIT (and its warning); each row's v + k."""
    generated_and_applied(tmp_path, db_url, READING % {"t": "integer"})
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO rc VALUES (1, 10); INSERT INTO rp1 VALUES (2, 20); INSERT INTO rp2 VALUES (3, 30)")
    sql = generated_and_applied(tmp_path, db_url, READING % {"t": '{type: bigint, using: "v + k"}'})
    assert "ALTER TABLE rc NO INHERIT rp2" in sql and "__schemac_retype" not in sql, sql
    with psycopg.connect(db_url) as conn:
        rows = [conn.execute(f"SELECT * FROM ONLY {t}").fetchall() for t in ("rp1", "rp2", "rc")]
    assert rows == [[(22, 20)], [(33, 30)], [(11, 10)]], rows
