"""A function schema.yaml declares outside the migration's search_path, called bare in an expression: refused at the
expression's line (schemafile.bare_calls), where the migration would fail ("function norm(text) does not exist")."""

from __future__ import annotations

import pytest

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

HEAD = """\
schemas: [util]
extensions:
  - {name: pg_trgm, schema: ext}
functions:
  norm:
    schema: util
    arguments: s text
    returns: text
    volatility: immutable
    language: sql
    body: SELECT lower($1)
  lower:
    schema: util
    arguments: s text
    returns: text
    language: sql
    body: SELECT $1
  near:
    schema: ext
    arguments: s text
    returns: text
    language: sql
    body: SELECT $1
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: text
"""

CASES = {
    "index": "    indexes:\n      t_norm: {columns: [{expression: norm(name)}]}\n",
    "index-where": "    indexes:\n      t_w: {columns: [id], where: \"norm(name) <> ''\"}\n",
    "check": "    checks:\n      c: \"norm(name) <> ''\"\n",
    "default": "      other: {type: text, default: norm('x')}\n",
    "generated": "      other: {type: text, generated: norm(name)}\n",
    "policy": "    policies:\n      p: {command: select, using: \"norm(name) = 'a'\"}\n",
    "trigger-when": "    triggers:\n      g: {timing: before, events: [update], for_each: row, function: f,"
                    " when: \"norm(new.name) <> ''\"}\n",
    "view": "views:\n  v: {query: \"SELECT \\\"norm\\\"(name) AS n FROM t\"}\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bare_call_of_another_schemas_function_is_refused(case):
    text = HEAD + CASES[case]
    if case == "trigger-when":
        text = text.replace("functions:\n", "functions:\n  f: {returns: trigger, language: plpgsql, "
                                                "body: BEGIN RETURN NEW; END}\n")
    with pytest.raises(SchemaFileError) as e:
        load_text(text)
    at = text.index(CASES[case])
    line = text.count("\n", 0, at) + 1  # the line of what the case adds
    assert int(str(e.value).split(":")[1]) in (line, line + 1), str(e.value)  # (the object's key or its line)
    assert "calls norm(...) without a schema" in str(e.value) and "qualify it: util.norm(...)" in str(e.value)
    assert "search_path public, ext" in str(e.value)


@pytest.mark.parametrize("expression", [
    "util.norm(name)",  # qualified
    "lower(name)",  # Postgres's own, which pg_catalog finds first
    "near(name)",  # a schema on the migration's path (an extension's)
    "length('norm(x)')",  # a string
])
def test_what_the_migrations_path_finds_is_loaded(expression):
    load_text(HEAD + "    checks:\n      c: \"" + expression + " IS NOT NULL\"\n")


def test_a_name_public_declares_too_is_found():
    text = HEAD.replace("  lower:\n", "  norm_public:\n    name: norm\n    arguments: s text\n    returns: text\n"
                        "    language: sql\n    body: SELECT 'x'\n  lower:\n")
    load_text(text + "    checks:\n      c: \"norm(name) IS NOT NULL\"\n")


def test_a_cte_or_an_alias_named_like_the_function_is_no_call():
    load_text(HEAD + "views:\n  v: {query: \"WITH a AS (SELECT 1), norm(x) AS (SELECT 2) SELECT g.x FROM norm, "
              "generate_series(1, 2) norm2(x), t norm(y), generate_series(1, 2) g(x)\"}\n")
    with pytest.raises(SchemaFileError, match="calls norm"):
        load_text(HEAD + "views:\n  v: {query: \"WITH norm(x) AS (SELECT 2) SELECT x, NOT norm(name) AS n "
                         "FROM norm, t\"}\n")


def test_a_name_a_declared_extension_has_is_the_extensions():
    """PostGIS's geometrytype(geometry) in public beside topology.geometrytype(topogeometry) (postgis_topology loaded
    as plain SQL): tiger's CHECKs call it bare, and Postgres finds PostGIS's; a name PostGIS lacks is still refused."""
    text = HEAD.replace("  - {name: pg_trgm, schema: ext}\n", "  - {name: pg_trgm, schema: ext}\n  - postgis\n") \
        .replace("  norm:\n", "  geometrytype:\n    schema: util\n    arguments: tg integer\n    returns: text\n"
                              "    language: sql\n    body: SELECT 'x'\n  norm:\n")
    load_text(text + "    checks:\n      c: \"geometrytype(NULL::integer) IS NOT NULL\"\n")
    with pytest.raises(SchemaFileError, match="calls norm"):
        load_text(text + "    checks:\n      c: \"norm(name) IS NOT NULL\"\n")
