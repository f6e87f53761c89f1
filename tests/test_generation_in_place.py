"""A generated column whose expression alone changes keeps its place among its table's columns on PostgreSQL
17+, where plan.generated_ddl sets the expression in place (ALTER COLUMN ... SET EXPRESSION), as a fresh build of
schema.yaml has it: the pairs of regenerated.sql (and types.sql's literal scale) named here, converged over rows as test_pairs converges them, then
the order of each table's columns (attnum) in the migrated database A equal to that of B, built from the new SQL,
and the generated values A holds recomputed by the new expression. Before 17 the column is dropped and added and
comes last (no statement reorders columns, and neither diff nor generate compares the order): test_pairs proves those
migrations on 16 and 15, and this order on 18 only. A VIRTUAL one (18) is set in place too, but not where its table has a
CHECK or is published: Postgres refuses it there, and it is dropped and added
(regen-virtual-expression-changed-where-postgres-refuses-it-in-place, in test_pairs)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint
from pairs import Pair, load_pairs
from test_pairs import converges

# Each pair, and a count of the rows whose generated value is not the new expression's (0 after the migration).
RECOMPUTED = {
    "regen-expression-changed-in-the-middle-keeps-its-settings-comment-and-grant":
        "SELECT count(*) FROM ledger WHERE total IS DISTINCT FROM qty * price * 2 OR label IS DISTINCT FROM 'q' || qty",
    "regen-expression-changed-through-partitions-and-inheritance-children":
        "SELECT (SELECT count(*) FROM p WHERE g IS DISTINCT FROM a * 3) + (SELECT count(*) FROM h WHERE g IS DISTINCT FROM a * 3)",
    "regen-virtual-expression-changed-in-the-middle-under-a-view-and-a-grant":  # (VIRTUAL: PostgreSQL 18+)
        "SELECT count(*) FROM price WHERE gross IS DISTINCT FROM net * 1.25",
    # (by text: numeric's 2.0 = 2.00, but a fresh build stores 2.00, which every reader prints)
    "type-generated-expression-changed-only-in-a-literals-scale":
        "SELECT count(*) FROM t WHERE g::text IS DISTINCT FROM (a * 1.00)::text OR h::text IS DISTINCT FROM (i + 1.0)::text"
        " OR k::text IS DISTINCT FROM (CASE WHEN a > 0 THEN a ELSE 0.00 END)::text",
}
PAIRS = [p for p in load_pairs() if p.id in RECOMPUTED]


def test_every_pair_named_is_one():
    assert sorted(p.id for p in PAIRS) == sorted(RECOMPUTED)


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_an_expression_set_in_place_keeps_the_columns_order(db_url, tmp_path, pair):
    built = {}
    converges(db_url, tmp_path, pair, with_new=lambda side: built.update(order=side.catalog["column_order"]))
    assert fingerprint(db_url, order=True)["column_order"] == built["order"]
    with psycopg.connect(db_url) as conn:
        assert conn.execute(RECOMPUTED[pair.id]).fetchone()[0] == 0  # type: ignore[index]


# INHERITS children on 17+ (here 18): a child's own expression changed in place (before 17 its DROP COLUMN is refused,
# 'cannot drop inherited column', on main on 18 too), and a child declaring the column bare, which takes its parent's
# expression, following the parent's SET EXPRESSION (before 17, and on main on 18, it kept the old one: drift). Not
# pairs of a file: they fail on 16 and 15 (left: docs/testing.md).
_PARENT = "CREATE TABLE p (id int, a int, g int GENERATED ALWAYS AS (a * 2) STORED);\n"
CHILDREN = [
    (Pair("child-own-expression-changed", "inline", _PARENT + "CREATE TABLE c (g int GENERATED ALWAYS AS (a * 3) STORED, "
          "note text) INHERITS (p);\nINSERT INTO c (id, a, note) VALUES (1, 2, 'x');\n",
          _PARENT + "CREATE TABLE c (g int GENERATED ALWAYS AS (a * 4) STORED, note text) INHERITS (p);\n",
          changed=(("c", "g"),)), "SELECT count(*) FROM ONLY c WHERE g IS DISTINCT FROM a * 4"),
    (Pair("child-declaring-it-bare-follows-its-parent", "inline", _PARENT + "CREATE TABLE c (g int, note text) INHERITS (p);\n"
          "INSERT INTO p (id, a) VALUES (1, 2);\nINSERT INTO c (id, a, note) VALUES (2, 3, 'x');\n",
          _PARENT.replace("a * 2", "a * 5") + "CREATE TABLE c (g int, note text) INHERITS (p);\n",
          changed=(("p", "g"), ("c", "g"))), "SELECT count(*) FROM p WHERE g IS DISTINCT FROM a * 5"),
]


@pytest.mark.parametrize("pair, recomputed", CHILDREN, ids=[p.id for p, _ in CHILDREN])
def test_a_childs_expression_on_17_and_later(db_url, tmp_path, pair, recomputed):
    built = {}
    converges(db_url, tmp_path, pair, with_new=lambda side: built.update(order=side.catalog["column_order"]))
    assert fingerprint(db_url, order=True)["column_order"] == built["order"]
    with psycopg.connect(db_url) as conn:
        assert conn.execute(recomputed).fetchone()[0] == 0  # type: ignore[index]

