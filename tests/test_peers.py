"""Schema-change cases written by another project (tests/fixtures/peers/migra, vendored from migra, which
is public domain; SCHEMAC_PEERS points at another copy), judged by
the tests' own oracle: load the old SQL into A and the new SQL into B; `schemac inspect` A and
`schemac generate`; put B's schema.yaml (by `schemac inspect` of B) in place and generate again; apply
the new migration over A; then `schemac diff` of A against B's schema.yaml is clean and the oracle
sees A's tables, constraints, indexes, types and sequences equal to B's.

The 26 cases on three majors take minutes: they run under `-m slow`. The cases that change objects
schemac does not manage yet are not run: NEEDS names each and what it needs (the whole-schema and
security issues); a test keeps that list true to the folder.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from catalog_oracle import TABLES, fingerprint, fingerprint_difference, sibling_database

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("SCHEMAC_PEERS", os.path.join(ROOT, "tests", "fixtures", "peers", "migra"))
CASES = sorted(os.listdir(PEERS))

# What the cases that cannot pass yet need (from the issues that will make them pass).
NEEDS = {
    # Measured failing today; each is a class of the exact-plans issue (#12):
    "partitioning": "a table's partitioning changed in place, which generate refuses (class 2)",
}


# Roles the cases name (cluster objects: created once per server, as migra's own tests do).
ROLES = ("schemainspect_test_role",)


def _load(url: str, path: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for role in ROLES:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                try:
                    conn.execute(f'CREATE ROLE "{role}"')
                except psycopg.errors.DuplicateObject:  # created meanwhile by a test on another worker
                    pass
        try:
            conn.execute(open(path, encoding="utf-8").read())
        except psycopg.errors.FeatureNotSupported as e:  # ICU or a contrib extension this server build lacks
            pytest.skip(f"this server cannot load the case: {e.diag.message_primary}")


def test_the_cases_left_out_are_cases():
    assert set(NEEDS) < set(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c not in NEEDS])
def test_peer_case(case, any_db_url, schemac, tmp_path):
    a = any_db_url
    _load(a, os.path.join(PEERS, case, "a.sql"))
    r = schemac("inspect", "--database-url", a, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    r = schemac("generate", "--name", "old")
    assert r.returncode == 0, r.stdout + r.stderr
    with sibling_database(a) as b:
        _load(b, os.path.join(PEERS, case, "b.sql"))
        r = schemac("inspect", "--database-url", b, "--output", "schema.yaml", "--force")
        assert r.returncode == 0, r.stderr
        r = schemac("generate", "--name", "new", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        migrations = Layout(str(tmp_path / "generated")).migrations()
        with psycopg.connect(a, autocommit=True) as conn:
            apply_files(conn, migrations[1:], record=False)  # A is the old schema already
        d = schemac("diff", "--database-url", a)
        assert d.returncode == 0, d.stdout + d.stderr
        expected, actual = fingerprint(b, TABLES), fingerprint(a, TABLES)
    assert actual == expected, fingerprint_difference(actual, expected)
