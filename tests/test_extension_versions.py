"""An extension's version (issue 13): `version` in schema.yaml, read from pg_extension.extversion, written by
`inspect` only where it is not the server's default_version, compared only where schema.yaml gives it, created with
CREATE EXTENSION ... VERSION and changed with ALTER EXTENSION ... UPDATE TO. Judged by the test's own query of
pg_extension, on every major whose build ships several versions of citext (18 and Debian's 15; pgserver's 16 has
no contrib: skipped there). The pairs of tests/fixtures/pairs/extensions.sql run here on every major too."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from conftest import MAJORS, rows_of
from pairs import load_pairs
from test_json_schema import schema_errors
from test_pairs import CASES as PAIRS_CASES, converges

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_file as load_schema

_VERSIONS = "SELECT e.extname, e.extversion, a.default_version FROM pg_extension e JOIN pg_available_extensions a " \
            "ON a.name = e.extname WHERE e.extname <> 'plpgsql' ORDER BY 1"


def _needs_citext(url: str) -> None:
    if not rows_of(url, "SELECT FROM pg_available_extension_versions WHERE name = 'citext' AND version = '1.4'"):
        pytest.skip("this server's build has no citext 1.4")


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_version_inspected_created_updated_and_drift_reported(major_db, tmp_path):
    url = major_db
    _needs_citext(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION citext VERSION '1.4'; CREATE EXTENSION pg_trgm")
    [(_, old, default), (_, trgm, trgm_default)] = rows_of(url, _VERSIONS)
    assert (old, trgm) == ("1.4", trgm_default) and default != "1.4"
    text = inspect_database(url).yaml
    assert schema_errors(text) == []
    # only where it is not the server's default: pg_trgm's, at the default, is written without one (portable)
    assert yaml.safe_load(text)["extensions"] == [{"name": "citext", "schema": "public", "version": "1.4"},
                                                  {"name": "pg_trgm", "schema": "public"}]
    schema = tmp_path / "schema.yaml"
    schema.write_text(text.replace("version: '1.4'", "version: '1.5'"), encoding="utf-8")
    drift = check_drift(str(schema), url).differences
    assert [(d.kind, d.expected, d.actual) for d in drift] == [
        ("extension_changed", "EXTENSION citext SCHEMA public VERSION '1.5'",
         "EXTENSION citext SCHEMA public VERSION '1.4'")]
    # recorded as the old side, then changed: ALTER EXTENSION ... UPDATE TO over it
    out = str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    old_files = {m.path for m in Layout(out).migrations()}
    schema.write_text(text.replace("version: '1.4'", "version: '1.5'"), encoding="utf-8")
    result = generate(str(schema), out, name="new")
    assert "ALTER EXTENSION citext UPDATE TO '1.5';" in result.sql
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in old_files], record=False)
    assert rows_of(url, _VERSIONS)[0][:2] == ("citext", "1.5")
    assert check_drift(str(schema), url).differences == ()
    # left out: not compared (the server's default is not asked for)
    schema.write_text(text.replace(", version: '1.4'", ""), encoding="utf-8")
    assert check_drift(str(schema), url).differences == ()
    schema.write_text(text.replace("schema: public, version: '1.4'", "schema: ext"), encoding="utf-8")
    assert [(d.kind, d.expected, d.actual) for d in check_drift(str(schema), url).differences] == [
        ("extension_changed", "EXTENSION citext SCHEMA ext", "EXTENSION citext SCHEMA public")]  # no version asked
    # a new database from schema.yaml alone: CREATE EXTENSION ... VERSION, not the default silently
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "schema.yaml").write_text("extensions:\n  - {name: citext, version: '1.4'}\n", encoding="utf-8")
    made = generate(str(fresh / "schema.yaml"), str(fresh / "generated"))
    assert "CREATE EXTENSION IF NOT EXISTS citext VERSION '1.4';" in made.sql


def test_version_loaded_strictly(tmp_path):
    schema = tmp_path / "schema.yaml"
    for body, message in (("{name: citext, version: 1.4}", "schema.yaml:2:29: version of extension citext must be a "
                                                           "string, not a number ('1.4'); quote it"),
                          ("{name: citext, version: ' 1.4'}", "schema.yaml:2:29: version of extension citext must be "
                                                              "a version its control file names (1.4), not ' 1.4'"),
                          ("{name: citext, version: ''}", "schema.yaml:2:29: version of extension citext must be a "
                                                          "version its control file names (1.4), not ''")):
        schema.write_text(f"extensions:\n  - {body}\n", encoding="utf-8")
        with pytest.raises(SchemacError) as e:
            load_schema(str(schema))
        assert message in str(e.value)
        assert schema_errors(f"extensions:\n  - {body}\n") != []
    schema.write_text("extensions:\n  - {name: citext, version: '1.10'}\n", encoding="utf-8")
    assert load_schema(str(schema)).extensions[0].version == "1.10"


# Pairs whose class another default test keeps (each runs here under -m slow, as test_pairs runs every pair of the
# file): the pair -> the default test of its class. A pair test_pairs' own default sample takes (on the major its turn
# gives it) is that test, whichever it is as pairs are added (its run here on 18 the same again; the pair that sample
# took before, extension-moved-under-classes-with-parameters-and-an-exclusion, had left it and run by default nowhere).
SLOW_PAIRS = {
    **{c.values[1].id: "test_pairs' own sample takes it" for c in PAIRS_CASES
       if c.values[1].file == "extensions" and not any(m.name == "slow" for m in c.marks)},
    "extension-vector-index-parameters-and-class-changed": "extension-classes-parameters-changed",
    "extension-schema-loses-the-objects-of-the-database": "extension-schema-gains-objects-of-the-database",
    "extension-string-columns-made-citext-and-back":
        "extension-hstore-columns-made-jsonb-under-a-view-without-allow-destructive; test_citext_key_warning",
}


@pytest.mark.parametrize("major_db,pair", [pytest.param(m, p, id=f"{m}-{p.id}",
                                                        marks=(pytest.mark.slow,) if p.id in SLOW_PAIRS else ())
                                           for p in load_pairs() if p.file == "extensions" for m in MAJORS],
                         indirect=["major_db"])
def test_version_pairs(major_db, tmp_path, pair):
    _needs_citext(major_db)
    converges(major_db, tmp_path, pair)


def test_views_built_where_the_declared_version_is_not_shipped(db_url, tmp_path):
    """The throwaway server that deparses views ships no citext 0.9: it makes its default instead (a view's deparse
    does not hang on the version), not a notice that the type citext does not exist; the migration keeps 0.9."""
    schema = tmp_path / "schema.yaml"
    schema.write_text("extensions:\n  - {name: citext, version: '0.9'}\ntables:\n  t:\n    columns:\n"
                      "      id: {type: integer, primary_key: true}\n      v: {type: citext}\n"
                      "views:\n  w:\n    query: SELECT id, lower(v) AS l FROM t\n", encoding="utf-8")
    result = generate(str(schema), str(tmp_path / "generated"))
    assert result.status == "written" and result.notices == (), result.notices
    assert "CREATE EXTENSION IF NOT EXISTS citext VERSION '0.9';" in result.sql
