"""Functions an aggregate or a range type names, in a schema whose name needs quoting (a QGIS user's "Données SIG"):
inspect writes them `Données SIG.sum_sfunc`, as it names every such function, and the loader refused that (only
letters, digits, _ and $ in each part), so the schema.yaml inspect wrote did not load (the JSON Schema's subtype_diff and canonical said the same). The oracle: pg_aggregate's and
pg_range's functions, by regprocedure, in the source and in a database built from that schema.yaml."""

from __future__ import annotations

import pytest
from conftest import built_and_read, inspected_after, rows_of

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SOURCE = """\
CREATE SCHEMA "Données SIG";
CREATE FUNCTION "Données SIG".sum_sfunc(state numeric, v numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS 'SELECT coalesce($1, 0) + coalesce($2, 0)';
CREATE FUNCTION "Données SIG"."sum inv"(state numeric, v numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS 'SELECT coalesce($1, 0) - coalesce($2, 0)';
CREATE AGGREGATE "Données SIG".somme(numeric) (SFUNC = "Données SIG".sum_sfunc, STYPE = numeric, INITCOND = '0',
  MSFUNC = "Données SIG".sum_sfunc, MINVFUNC = "Données SIG"."sum inv", MSTYPE = numeric, MINITCOND = '0');
CREATE FUNCTION "Données SIG".num_diff(a numeric, b numeric) RETURNS double precision LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT ($1 - $2)::double precision';
CREATE TYPE "Données SIG".span AS RANGE (subtype = numeric, subtype_diff = "Données SIG".num_diff);
"""

FUNCTIONS = """SELECT a.aggfnoid::regprocedure::text, a.aggtransfn::regprocedure::text, a.aggmtransfn::regprocedure::text,
                      a.aggminvtransfn::regprocedure::text FROM pg_aggregate a
               JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace = '"Données SIG"'::regnamespace
               UNION ALL
               SELECT r.rngtypid::regtype::text, r.rngsubdiff::regprocedure::text, NULL, NULL FROM pg_range r
               WHERE r.rngtypid = '"Données SIG".span'::regtype ORDER BY 1"""


def test_functions_of_a_schema_that_needs_quoting_round_trip(db_url, tmp_path):
    text = inspected_after(db_url, SOURCE)
    assert "sfunc: Données SIG.sum_sfunc" in text
    _, rows = built_and_read(db_url, text, str(tmp_path / "b"), FUNCTIONS)
    assert rows == rows_of(db_url, FUNCTIONS) and len(rows) == 2


@pytest.mark.parametrize("value", ["'f(x)'", "'a.b.c'", "'\"s.f'", "'s.\"f'", "' s.f'"])
def test_function_names_the_loader_still_refuses(value):
    with pytest.raises(SchemaFileError, match="must be a name or schema.name"):
        load_text(f"aggregates:\n  a: {{arguments: text, sfunc: {value}, stype: text}}\n")
