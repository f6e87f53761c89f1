"""plan.preamble.may_hold_unqualified_equals: the prefilter that decides whether a table's (or a column's, a CHECK's,
an index's) statements are rendered to be searched for an unqualified `=` (IS DISTINCT FROM, NULLIF, a simple CASE).
It searches a table's expressions joined by a NUL, once: each place an expression can be is found, and no match
is made of the end of one expression and the start of the next."""

from __future__ import annotations

from dataclasses import replace

import pytest

from schemac.plan.preamble import may_hold_unqualified_equals
from schemac.model import Table
from schemac.schemafile.load import load_with_digest

PLAIN = """tables:
  t:
    columns:
      id: {type: bigint, primary_key: true}
      a: {type: integer, default: '0'}
      b: {type: integer, generated: (a + 1)}
      c: text
    checks:
      t_a_check: (a >= 0)
    indexes:
      t_a_idx: {columns: [a], where: (a > 0)}
      t_expr_idx: {columns: [{expression: (a + b)}]}
"""

# Each place an expression of a table can hold one of the words, and the object that holds it alone.
PLACES = [
    ("column default", "default: '0'", "default: \"NULLIF(random(), 0.5)::integer\"", lambda t: t.columns[1]),
    ("generated column", "generated: (a + 1)", "generated: CASE a WHEN 1 THEN 2 ELSE 3 END", lambda t: t.columns[2]),
    ("CHECK", "t_a_check: (a >= 0)", "t_a_check: (a IS DISTINCT FROM 5)", lambda t: t.checks[0]),
    ("index predicate", "where: (a > 0)", "where: (a is distinct from b)", lambda t: t.indexes[0]),
    ("index key", "{expression: (a + b)}", "{expression: 'nullif(a, b)'}", lambda t: t.indexes[1]),
]


def _table(text: str) -> Table:
    schema, _ = load_with_digest(text)
    return next(iter(schema.tables))


def test_a_table_without_the_words_is_not_searched():
    table = _table(PLAIN)
    assert may_hold_unqualified_equals(table) is False
    assert not any(may_hold_unqualified_equals(x) for x in (*table.columns, *table.checks, *table.indexes))


@pytest.mark.parametrize("where, old, new, holder", PLACES, ids=[p[0] for p in PLACES])
def test_each_place_of_a_table_is_searched(where, old, new, holder):
    assert old in PLAIN
    table = _table(PLAIN.replace(old, new))
    assert may_hold_unqualified_equals(table) is True
    assert may_hold_unqualified_equals(holder(table)) is True  # the object alone, as online.py and planner.py ask


@pytest.mark.parametrize("first, second", [("NULLI", "F(1)"), ("x.ca", "se"), ("DISTINC", "T")])
def test_no_match_is_made_across_two_expressions(first, second):
    """One expression ending as the next begins, so that joined without a separator they would spell a word
    (the texts here are not SQL: only the search is under test). The table is not taken for one that may hold it."""
    table = _table(PLAIN)
    a, b = table.columns[1], table.columns[2]
    for left, right in ((replace(a, default=first), replace(b, generated=second)),
                        (replace(a, default=None, generated=first), replace(b, default=second, generated=None))):
        columns = (table.columns[0], left, right, table.columns[3])
        assert may_hold_unqualified_equals(replace(table, columns=columns)) is False
    check, index = replace(table.checks[0], expression=first), replace(table.indexes[0], where=second)
    assert may_hold_unqualified_equals(replace(table, checks=(check,), indexes=(index,))) is False
    assert may_hold_unqualified_equals(replace(table, columns=(replace(a, default=first + second),))) is True
