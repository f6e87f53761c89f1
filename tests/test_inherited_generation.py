"""INHERITS children's generated columns where only ADD COLUMN, or every giving parent's DROP and ADD COLUMN, makes
them: the pairs of inherits.sql named here converged over rows as test_pairs converges them, then judged by their own
SQL: pg_attribute of each table (attislocal, attinhcount, attgenerated, the generation expression) as written here,
the rows' generated values recomputed by the new expressions, and, for new children made in an order of their own
(ALTER TABLE ... INHERIT before their parent's ADD COLUMN: compare.parents_columns_later.joined_before), each table's
columns in attnum order, as the database built from the new SQL has them (B). A child whose column two parents give
(compare.shared_generation) is read by name: before 17 its columns dropped and added come last."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint
from conftest import MAJORS
from pairs import load_pairs
from test_pairs import converges

ATTRIBUTES = """
SELECT a.attname::text, a.attislocal, a.attinhcount, CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
_OWN, _ONE = (True, 0, None), (False, 1, None)  # a column of the table's own; one it has from its one parent only


def _g(local: bool, parents: int, expression: str) -> tuple:
    return (local, parents, expression)


# Reordered children joined before base's later columns: each table's columns in attnum order.
_JOINED = {
    "base": [("a", *_OWN), ("g", *_g(True, 0, "(a * 2)")), ("b", *_OWN)],
    "ownorder": [("z", *_OWN), ("g", True, 1, None), ("a", True, 1, None), ("b", *_ONE)],
    "below_own": [("z", *_ONE), ("g", *_ONE), ("a", *_ONE), ("w", *_OWN), ("b", *_ONE)],
}
# Two parents giving c its g: by name.
_P, _Q = [("a", *_OWN), ("g", *_g(True, 0, "(a * 2)"))], [("a", *_OWN), ("g", *_g(True, 0, "(a * 2)"))]
_P5, _Q5 = [("a", *_OWN), ("g", *_g(True, 0, "(a * 5)"))], [("a", *_OWN), ("g", *_g(True, 0, "(a * 5)"))]
_C_GIVEN5 = [("a", False, 2, None), ("g", *_g(False, 2, "(a * 5)")), ("note", *_OWN)]
# pair -> (its tables' columns, whether in attnum order, the count of rows whose generated value is not the new
# expression's (or not there))
CASES = {
    "inh-new-parents-later-generated-column-over-reordered-children-declaring-it-plain-or-with-children": ({
        **_JOINED, "plainkid": [("a", *_ONE), ("g", True, 1, None), ("note", *_OWN), ("b", *_ONE)],
        "withkid": [("y", *_OWN), ("a", True, 1, None), ("g", *_g(False, 1, "(a * 2)")), ("b", *_ONE)],
        "below_with": [("y", *_ONE), ("a", *_ONE), ("v", *_OWN), ("g", *_g(False, 1, "(a * 2)")), ("b", *_ONE)]}, True,
        None),  # (new tables: no rows)
    "inh-parent-gains-a-generated-column-over-a-new-reordered-child-declaring-it-plain": (_JOINED, True,
        "SELECT count(*) FILTER (WHERE g IS DISTINCT FROM a * 2) + abs(count(*) - 2) FROM ONLY base"),
    "inh-child-of-two-generating-parents-starts-declaring-its-own-under-a-changed-parent": ({
        "p": _P5, "q": _Q, "c": [("a", False, 2, None), ("g", *_g(True, 2, "(a * 7)")), ("note", *_OWN)],
        "d": [("a", *_ONE), ("g", *_g(False, 1, "(a * 7)")), ("note", *_ONE), ("w", *_OWN)]}, False,
        "SELECT (SELECT count(*) FROM ONLY p WHERE g IS DISTINCT FROM a * 5) + (SELECT count(*) FROM ONLY q WHERE g "
        "IS DISTINCT FROM a * 2) + (SELECT count(*) FROM c WHERE g IS DISTINCT FROM a * 7)"),
    "inh-child-of-two-generating-parents-starts-declaring-its-own-under-kept-parents": ({
        "p": _P, "q": _Q, "c": [("a", False, 2, None), ("g", *_g(True, 2, "(a * 7)")), ("note", *_OWN)]}, False,
        "SELECT (SELECT count(*) FROM ONLY p WHERE g IS DISTINCT FROM a * 2) + (SELECT count(*) FROM c WHERE g "
        "IS DISTINCT FROM a * 7)"),
    "inh-child-of-two-generating-parents-stops-declaring-its-own-under-changed-parents": ({
        "p": _P5, "q": _Q5, "c": _C_GIVEN5}, False, "SELECT count(*) FROM p WHERE g IS DISTINCT FROM a * 5"),
    "inh-child-of-two-generating-parents-both-changed": ({"p": _P5, "q": _Q5, "c": [*_C_GIVEN5, ("k", *_ONE)]}, False,
        "SELECT (SELECT count(*) FROM p WHERE g IS DISTINCT FROM a * 5) + (SELECT count(*) FROM q WHERE g "
        "IS DISTINCT FROM a * 5)"),
    "inh-child-of-two-generating-parents-own-expression-changed": ({
        "p": _P, "q": [("a", *_OWN), ("g", *_g(True, 0, "(a * 6)"))],
        "c": [("a", False, 2, None), ("g", *_g(True, 2, "(a * 4)")), ("note", *_OWN)]}, False,
        "SELECT (SELECT count(*) FROM ONLY p WHERE g IS DISTINCT FROM a * 2) + (SELECT count(*) FROM ONLY q WHERE g "
        "IS DISTINCT FROM a * 6) + (SELECT count(*) FROM c WHERE g IS DISTINCT FROM a * 4)"),
}
PAIRS = {p.id: p for p in load_pairs() if p.id in CASES}
# By default one of each module's on 18; every pair on every major under -m slow.
DEFAULT = {"inh-parent-gains-a-generated-column-over-a-new-reordered-child-declaring-it-plain",
           "inh-child-of-two-generating-parents-starts-declaring-its-own-under-a-changed-parent"}


def test_every_pair_named_is_one():
    assert sorted(PAIRS) == sorted(CASES)


@pytest.mark.parametrize("major_db, case", [
    pytest.param(m, case, id=f"{m}-{case}", marks=() if m == MAJORS[0] and case in DEFAULT else pytest.mark.slow)
    for case in CASES for m in MAJORS], indirect=["major_db"])
def test_generated_columns_as_a_fresh_build_has_them(major_db, tmp_path, case):
    columns, ordered, off = CASES[case]
    built: dict = {}
    converges(major_db, tmp_path, PAIRS[case], with_new=lambda side: built.update(order=side.catalog["column_order"]))
    with psycopg.connect(major_db) as conn:
        for table, expected in columns.items():
            got = [tuple(r) for r in conn.execute(ATTRIBUTES, (table,)).fetchall()]
            assert (got if ordered else sorted(got)) == (expected if ordered else sorted(expected)), table
        assert off is None or conn.execute(off).fetchone()[0] == 0  # type: ignore[index]
    if ordered:
        assert fingerprint(major_db, order=True)["column_order"] == built["order"]
