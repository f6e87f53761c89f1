"""compare.cast_types: the user types an expression casts a constant through, which its normal form leaves out, are a
difference only where they cannot be a spelling: the casts Postgres adds itself (to a column's enum, to an operator's
or a function's argument type, to a domain's base enum) stay no difference. Applied on real servers by the pairs
`*casts-through*` of tests/fixtures/pairs/order.sql; the spellings `CAST('a' AS t)` and `t 'a'` against a database."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.compare.cast_types import casts_moved
from schemac.compare.normalize import same_cast_default, searched
from schemac.pg.verbatim import cast_names

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


_KEPT = "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TYPE mood2 AS ENUM ('a', 'c'); CREATE DOMAIN short AS text; " \
    "CREATE DOMAIN short2 AS text; "
_KEPT_YAML = "enums:\n  mood: [a, b]\n  mood2: [a, c]\ndomains:\n  short: {type: text}\n  short2: {type: text}\n"


@pytest.mark.parametrize("stored, written, moved", [
    ("('a'::mood)::text", "CAST('a' AS mood2)::text", True),
    ("('a'::mood)::text", "CAST(CAST('a' AS mood2) AS text)", True),
    ("('a'::mood)::text", "(mood2 'a')::text", True),
    ("('x'::short)::text", "CAST('x' AS short2)", True),
    ("('x'::short)::text", "short2 'x'", True),
    ("('a'::mood2)::text", "CAST('a' AS mood2)::text", False),
    ("('a'::mood2)::text", "CAST(CAST('a' AS mood2) AS text)", False),
    ("('a'::mood2)::text", "(mood2 'a')::text", False),
    ("('x'::short2)::text", "CAST('x' AS short2)", False),
    ("('x'::short2)::text", "short2 'x'", False),
])
def test_casts_spelled_cast_or_as_a_typed_constant(tmp_path, db_url, stored: str, written: str, moved: bool) -> None:
    """`CAST('a' AS t)` and `t 'a'` in schema.yaml, which Postgres stores `'a'::t`, between two types both kept: the
    database's default and CHECK through the other one are drift (a move once unseen: cast_names read '::' alone), and
    through the same one none (`t 'a'`, which sqlglot did not read, was kept verbatim and compared as text: drift after
    every migration). The database holds the spelling written (`stored` is built from `written` where not moved)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(_KEPT + f"CREATE TABLE t (n text DEFAULT {stored if moved else written}, "
                     f"CONSTRAINT k CHECK (n <> {stored if moved else written}))")
    schema = tmp_path / "schema.yaml"
    schema.write_text(_KEPT_YAML + f"tables:\n  t:\n    columns:\n      n: {{type: text, default: \"{written}\"}}\n"
                      f"    checks:\n      k: \"n <> {written}\"\n", encoding="utf-8")
    found = check_drift(str(schema), db_url, out_dir=str(empty)).differences
    assert sorted((d.kind, d.name) for d in found) == (
        [("column_default_changed", "n"), ("constraint_changed", "k")] if moved else []), found


@pytest.mark.parametrize("text, names", [
    ("CAST(CAST('a' AS app.mood2) AS text)", {("app", "mood2"), ("public", "text")}),
    ("n <> app.\"Mood\" 'a'", {("app", "Mood")}),
    ("CAST(f(x, (SELECT 1 AS y)) AS t)", {("public", "t")}),  # (an output's name is none)
    ("x AT TIME ZONE 'utc' OR x LIKE 'a' ESCAPE '!' OR trim(BOTH 'x' FROM s) <> ''", set()),
])
def test_cast_names_of_cast_and_typed_constants(text: str, names: set) -> None:
    assert cast_names(text) == names
