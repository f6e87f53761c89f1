"""compare.cast_types: the user types an expression casts a constant through, which its normal form leaves out, are a
difference only where they cannot be a spelling: the casts Postgres adds itself (to a column's enum, to an operator's
or a function's argument type, to a domain's base enum) stay no difference. Applied on real servers by the pairs
`*casts-through*` of tests/fixtures/pairs/order.sql."""

from __future__ import annotations

import pytest

from schemac.compare.cast_types import casts_moved
from schemac.compare.normalize import same_cast_default, searched

_OWN = frozenset({"mood", "mood2", "short2", "dm"})
_DECLARED = frozenset({("public", "mood"), ("public", "mood2"), ("public", "short2"), ("public", "dm"),
                       ("public", "t")})


@pytest.mark.parametrize("database, written", [
    ("(m = 'a'::mood)", "m = 'a'"),  # Postgres's cast to the column's enum
    ("f('a'::mood)", "f('a')"),  # to a function's argument type
    ("'a'::mood", "'a'"),  # a default of an enum column, or of a domain over it
    ("(('x'::text)::short2)::text", "'x'::short2::text"),
    ("'x'::text", "'x'"),
    ("('a'::mood)::dm", "'a'::dm"),
    ("'(1,2)'::t", "'(1,2)'"),  # a table's row type, which schema.yaml declares
    ("(EXISTS (SELECT NULL::text AS \"?column?\" FROM t))", "EXISTS (SELECT NULL FROM t)"),  # an output's name
    ("st_dwithin(g, '0101000000000000000000F03F000000000000F03F'::geometry, 1)", "st_dwithin(g, 'POINT(1 1)', 1)"),
])
def test_casts_postgres_adds_are_no_difference(database: str, written: str) -> None:
    with searched((), types=_OWN, declared=_DECLARED):
        assert not casts_moved(database, written)


@pytest.mark.parametrize("database, written", [
    ("('x'::short)::text", "('x'::short2)::text"),  # through a domain schema.yaml does not declare (dropped)
    ("('x'::short)::text", "'x'"),
    ("'x'::text", "('x'::short2)::text"),  # through one of its own the database's does not name
    ("('a'::mood)::text", "('a'::mood2)::text"),  # both kept
])
def test_casts_through_other_user_types_are_a_difference(database: str, written: str) -> None:
    with searched((), types=_OWN, declared=_DECLARED):
        assert casts_moved(database, written)
        assert not same_cast_default(database, written, "text")
