"""Round trips of real schemas nobody here wrote (tests/fixtures/corpus: chinook, pagila), on 18, 16, 15.

Load into database A; `schemac inspect` A; `schemac generate` into an empty directory; apply to an
empty database B; then `schemac diff` finds no drift against A or B, and the tests' own catalog
oracle (tests/catalog_oracle.py) shows A and B equal for every table, view, materialized view, column,
constraint, index, type, sequence and extension, and every view's deparse, options and comments
(test_views.views_of), every owner, grant, default privilege and policy (security_oracle), and every aggregate (pagila's views read its aggregate group_concat, which the
migration creates before them).
The schemas are vendored with their licenses and sources (tests/fixtures/corpus/*/SOURCE.md), so a
fresh clone runs them; SCHEMAC_CORPUS points the test at another copy.
"""

from __future__ import annotations

import os
import re

import psycopg
import pytest

from catalog_oracle import TABLES, fingerprint, fingerprint_difference, told_apart
from security_oracle import security_fingerprint
from conftest import MAJORS
from test_views import views_of
from sqlx_project import apply_all


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("SCHEMAC_CORPUS", os.path.join(ROOT, "tests", "fixtures", "corpus"))
SAMPLES = ["chinook", "pagila"]
# Written here in the style of real applications (SOURCE.md): each on one major by default, every major
# under -m slow.
OURS = ["saas", "eventlog", "analytics", "platform", "catalogue", "backend", "railsapp", "gisapp"]
RELATIONS = TABLES + ("v", "m")
VIEWS = {"chinook": 0, "pagila": 8, "saas": 3, "eventlog": 9, "analytics": 10, "platform": 3, "catalogue": 3, "backend": 1,
         "railsapp": 2, "gisapp": 7}  # gisapp: 3 + the 4 of postgis and postgis_raster (geometry_columns...)
# Extensions a sample needs beyond core (not every build has them: the case is skipped where one is missing).
NEEDS = {"platform": {"citext", "pg_trgm", "btree_gist"}, "gisapp": {"postgis", "postgis_raster"}}
# Samples run by default on the major whose build has what they need (Debian's 15 has PostGIS here).
MAJOR_OF = {"gisapp": "pg15"}
ROLES = {"platform": ("platform_reader",),
         "backend": ("bk_admin", "bk_anon", "bk_user", "bk_service", "bk_identity_admin", "bk_files_admin"),
         "gisapp": ("gis_anon",)}
# Samples whose every kind a targeted test covers in the default run (test_text_search, test_functions,
# test_views): round-tripped whole under -m slow only, to keep the default run in its budget.
SLOW_ONLY = {"catalogue"}
# gisapp's failure classes each have a case of their own in the default run (test_postgis, pairs/postgis.sql).
SLOW_ONLY |= {"gisapp"}
# Applications of several schemas with types, functions, triggers, views and materialized views of their own, as
# eventlog (16) and platform (18, with domains) are in the default run: saas (18) and analytics (15), the slowest of
# the samples (3.4 and 2.7 s of CPU, worker and servers), are round-tripped under -m slow.
SLOW_ONLY |= {"saas", "analytics"}
# pagila (views, a materialized view, functions, triggers) on every major by default: its deparse differs
# between them. chinook (tables, keys, foreign keys and plain indexes alone) under -m slow only: a class pagila's
# 15 tables hold too, with their keys, foreign keys and indexes, round-tripped on every major by default (0.9 s of
# CPU, worker and server, on 16: session 48).
CASES = [pytest.param(major, s, id=f"{s}-{major}", marks=() if s == "pagila" else (pytest.mark.slow,))
         for s in SAMPLES for major in MAJORS] + [
    pytest.param(major, s, id=f"{s}-{major}", marks=() if major == MAJOR_OF.get(s, MAJORS[n % len(MAJORS)])
                 and s not in SLOW_ONLY
                 else (pytest.mark.slow,))
    for n, s in enumerate(OURS) for major in MAJORS]


def _without_configuration_rows(text: str) -> str:
    """inspect's schema.yaml without its not-managed line of extension configuration rows (gisapp's SRID added to
    spatial_ref_sys): data, which a database made from schema.yaml lacks, as that line says."""
    lines = text.split("\n")
    gone = [n for n, line in enumerate(lines) if line.startswith("#   extension configuration rows (")]
    if not gone:
        return text
    count = int(re.match(r"#   extension configuration rows \((\d+)\)", lines[gone[0]]).group(1))
    del lines[gone[0]]
    head = next(n for n, line in enumerate(lines) if line.startswith("# Not managed by schemac ("))
    left = int(re.match(r"# Not managed by schemac \((\d+)\)", lines[head]).group(1)) - count
    if left:
        lines[head] = re.sub(r"\(\d+\)", f"({left})", lines[head], count=1)
    else:
        del lines[head]
    return "\n".join(lines)


@pytest.mark.every_major  # (pagila on each major: CASES)
@pytest.mark.parametrize("major_db,sample", CASES, indirect=["major_db"])
def test_corpus_round_trip(sample, major_db, server, schemac, tmp_path, request):
    path = os.path.join(CORPUS, sample, "schema.sql")
    a = major_db
    with psycopg.connect(a, autocommit=True) as conn:
        missing = NEEDS.get(sample, set()) - {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        if missing:
            pytest.skip(f"this build has no {', '.join(sorted(missing))}")
        for role in ROLES.get(sample, ()):  # cluster objects: made once per server
            conn.execute(f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        conn.execute(open(path, encoding="utf-8").read())
    r = schemac("inspect", "--database-url", a, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    inspected = (tmp_path / "schema.yaml").read_text()
    if sample == "pagila":  # (each sample's inspect of B below equals A's, which a text unstable from read to read fails)
        assert schemac("inspect", "--database-url", a).stdout == inspected, "inspect must be byte-stable"
    r = schemac("generate", "--name", f"create_{sample}")
    assert r.returncode == 0, r.stdout + r.stderr
    # Every view is built from schema.yaml alone (pagila's read its aggregate group_concat, now managed).
    assert "could not create it from schema.yaml alone" not in r.stdout + r.stderr, r.stdout + r.stderr
    # B: a sibling database on the same server
    major = request.node.callspec.params["major_db"]
    from conftest import _server  # the same server the fixture used

    srv = _server(major)
    b = srv.create_database()
    try:
        apply_all(b, tmp_path / "generated")
        # diff clean on both: B's in JSON, A's as text (below), each format over the whole sample once
        d = schemac("diff", "--database-url", b, "--format", "json")
        assert d.returncode == 0, d.stdout + d.stderr
        expected, actual = fingerprint(a, RELATIONS, order=True), fingerprint(b, RELATIONS, order=True)
        assert actual == expected, fingerprint_difference(actual, expected)
        a_views = views_of(a)
        assert len(a_views) == VIEWS[sample] and views_of(b) == a_views
        assert security_fingerprint(b) == security_fingerprint(a)  # owners, grants, default privileges, policies
        assert schemac("inspect", "--database-url", b).stdout == _without_configuration_rows(
            inspected.replace(a.split("dbname=")[-1].split()[0], b.split("dbname=")[-1].split()[0]))
        text = schemac("diff", "--database-url", a)
        assert text.returncode == 0, text.stdout + text.stderr
        if sample == "pagila":
            assert "not managed" not in text.stdout.lower()  # its aggregate was the last object not managed
            for name in ("\nviews:", "\nmaterialized_views:", "\nfunctions:", "triggers:", "\naggregates:\n"
                         "  group_concat: {arguments: text, sfunc: _group_concat, stype: text}\n"):
                assert name in (tmp_path / "schema.yaml").read_text()
            assert "aggregate (" not in (tmp_path / "schema.yaml").read_text()
    finally:
        srv.drop_database(b)


def test_the_oracle_sees_views_functions_and_triggers(db_url):
    """The oracle can fail on what the corpus adds: two databases that differ only in a view's query, a
    function's body or a trigger's WHEN differ in exactly that kind."""
    base = ("CREATE TABLE t (a int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
            "CREATE VIEW v AS SELECT a FROM t WHERE a > 0;"
            "CREATE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION f();")
    edits = {"views": ("a > 0;", "a > 1;"), "functions": ("RETURN NEW", "RETURN OLD"),
             "triggers": ("(NEW.a > 0)", "(NEW.a > 1)")}
    assert told_apart(db_url, base, edits) == {kind: [kind] for kind in edits}


def test_the_oracle_tells_two_unnamed_arguments_apart(db_url):
    """f(text, k int, text) returning position($3 in $1) or position($1 in $3) prints alike, `POSITION(("") IN (""))`
    (an unnamed argument beside named ones prints as its name, ''): the oracle reads which parameter each reference of
    the body's parse tree is, so a migration swapping two such arguments fails it."""
    base = "CREATE FUNCTION f(text, k int, text) RETURNS int LANGUAGE sql RETURN position($3 in $1) + k;"
    assert told_apart(db_url, base, {"functions": ("$3 in $1", "$1 in $3")}) == {"functions": ["functions"]}
