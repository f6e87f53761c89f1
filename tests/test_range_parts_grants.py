"""The privileges of a range type's parts: the constructor functions Postgres makes with it and its multirange
(GRANT ... ON ALL ROUTINES IN SCHEMA, default privileges on functions and a GRANT naming one reach them), and, on
PostgreSQL 15 (16 and later refuse it), the multirange type's own USAGE. inspect -> generate -> apply to an empty
database gives the same access lists (the oracle: this file's SQL over pg_proc.proacl of the functions pg_depend
ties to the type, and pg_type.typacl of the multirange), and diff is clean on both; drift made by hand on one is
reported as security drift; a constructor schema.yaml names that the type lacks is an error at its line."""

from __future__ import annotations

import json

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import MAJORS
import test_security
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from test_views import test_loader_errors as views_loader_errors

roles = test_security.roles  # the fixture: three roles of the test's own, reader, writer, owner

# Every entry of each constructor's access list (Postgres's default where NULL), grantor included.
CONSTRUCTORS = """
SELECT p.oid::regprocedure::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.grantor::regrole::text, a.privilege_type, a.is_grantable
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i'
                AND d.refclassid = 'pg_type'::regclass
JOIN pg_type t ON t.oid = d.refobjid AND t.typtype IN ('r', 'm'),
     aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
ORDER BY 1, 2, 3, 4, 5"""
# Every entry of each range's and multirange's own access list, and its owner.
TYPES = """
SELECT t.typname::text, t.typowner::regrole::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.grantor::regrole::text, a.privilege_type, a.is_grantable
FROM pg_type t, aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a
WHERE t.typtype IN ('r', 'm') AND t.typnamespace = 'rng'::regnamespace
ORDER BY 1, 2, 3, 4, 5"""


def _read(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def _rebuilt(url: str, tmp_path, schemac) -> tuple[list, list]:
    """inspect `url`, generate, apply to an empty sibling database: the oracle's readings there, diff clean on both."""
    r = schemac("inspect", "--database-url", url, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert check_drift(str(tmp_path / "schema.yaml"), url, out_dir=str(tmp_path / "generated")).differences == ()
    with sibling_database(url) as other:
        apply_all(other, tmp_path / "generated")
        assert check_drift(str(tmp_path / "schema.yaml"), other, out_dir=str(tmp_path / "generated")).differences == ()
        return _read(other, CONSTRUCTORS), _read(other, TYPES)


# The multirange's own access list and owner are 15's (16.2's too): 15 stays in the default run beside 18 (conftest).
MULTIRANGE_MAJORS = [pytest.param(m, marks=pytest.mark.every_major if m == "pg15" else ()) for m in MAJORS]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_constructor_grants_round_trip(major_db, roles, tmp_path, schemac):
    """GRANT ALL ON ALL ROUTINES (with grant option), a grant made by the role holding that option, PUBLIC's EXECUTE
    revoked on two: the rebuilt database holds the same access lists on all five constructors (each was listed as
    not managed and left at Postgres's default)."""
    reader, giver = roles["reader"], roles["writer"]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(f'''CREATE SCHEMA rng; GRANT USAGE ON SCHEMA rng TO "{giver}";
            CREATE TYPE rng.r AS RANGE (subtype = int4);
            CREATE TYPE rng.floatrange AS RANGE (subtype = float8);
            GRANT ALL ON ALL ROUTINES IN SCHEMA rng TO "{giver}" WITH GRANT OPTION;
            REVOKE EXECUTE ON FUNCTION rng.r(int, int), rng.r_multirange(VARIADIC rng.r[]) FROM PUBLIC;
            SET ROLE "{giver}"; GRANT EXECUTE ON FUNCTION rng.r(int, int, text) TO "{reader}"; RESET ROLE;
            GRANT EXECUTE ON FUNCTION rng.floatmultirange(rng.floatrange) TO "{reader}"''')
    expected = _read(major_db, CONSTRUCTORS)
    assert len({row[0] for row in expected}) == 10, expected
    assert ("rng.r(integer,integer,text)", reader, giver, "EXECUTE", False) in expected
    assert not any(row[0] == "rng.r(integer,integer)" and row[1] == "PUBLIC" for row in expected)
    constructors, _ = _rebuilt(major_db, tmp_path, schemac)
    assert constructors == expected
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "r_multirange(VARIADIC rng.r[]): {PUBLIC: []," in text, text
    assert "range constructor privileges" not in text


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_constructor_grant_drift_and_new_types(major_db, roles, tmp_path, schemac):
    """schema.yaml's constructor_grants on a new type are made by the migration (PUBLIC's EXECUTE revoked); a grant
    made by hand on a constructor is security drift, which `diff --sql` takes back."""
    reader = roles["reader"]
    (tmp_path / "schema.yaml").write_text(f"""\
range_types:
  r:
    subtype: int4
    constructor_grants:
      r(int4, int4): {{PUBLIC: [], {reader}: [execute]}}
      r_multirange(r[]): {{PUBLIC: []}}
""", encoding="utf-8")
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        may = conn.execute(f"""SELECT has_function_privilege('{reader}', 'r(int, int)', 'EXECUTE'),
                                      has_function_privilege('{reader}', 'r_multirange(r[])', 'EXECUTE'),
                                      has_function_privilege('{reader}', 'r(int, int, text)', 'EXECUTE'),
                                      (SELECT proacl::text[] FROM pg_proc WHERE oid = 'r_multirange(r[])'::regprocedure)
                            """).fetchone()
        assert may[:3] == (True, False, True) and not any(a.startswith("=") for a in may[3]), may
    schema, out = str(tmp_path / "schema.yaml"), str(tmp_path / "generated")
    assert check_drift(schema, major_db, out_dir=out).differences == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("GRANT EXECUTE ON FUNCTION r_multirange() TO PUBLIC")  # PUBLIC's already: no drift
        assert check_drift(schema, major_db, out_dir=out).differences == ()
        conn.execute(f'GRANT EXECUTE ON FUNCTION r_multirange(r) TO "{reader}"')
    found = json.loads(check_drift(schema, major_db, out_dir=out).render("json"))["differences"]
    assert [(d["kind"], d["object"]["name"], d.get("category")) for d in found] == \
        [("unexpected_privilege", "r_multirange(r)", "security")], found
    r = schemac("diff", "--database-url", major_db, "--only", "security", "--sql", cwd=tmp_path)
    assert r.returncode == 1
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(r.stdout)
        acl = conn.execute("SELECT proacl::text[] FROM pg_proc WHERE oid = 'r_multirange(r)'::regprocedure").fetchone()[0]
        assert not any(a.startswith(reader) for a in acl), acl
    assert check_drift(schema, major_db, out_dir=out).differences == ()


@pytest.mark.parametrize("major_db", MULTIRANGE_MAJORS, indirect=True)
def test_multirange_grants_round_trip(major_db, roles, tmp_path, schemac):
    """PostgreSQL 15 keeps a multirange's own access list (GRANT USAGE ON TYPE r_multirange, PUBLIC's revoked, a grant
    by the role holding the option; PUBLIC's alone revoked, a list of none, which state.json read back as the default):
    the rebuilt database holds the same (it held Postgres's default). 18 refuses
    the GRANT and keeps none (the range's stands for it): nothing is written, and the range's grants round-trip."""
    reader, giver = roles["reader"], roles["writer"]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(f'''CREATE SCHEMA rng; GRANT USAGE ON SCHEMA rng TO "{giver}";
            CREATE TYPE rng.r AS RANGE (subtype = int4); GRANT USAGE ON TYPE rng.r TO "{reader}"''')
        try:  # refused by 18 and later minors of 16 and 17 (16.2 takes it: the rule is the minor's, not the major's)
            conn.execute(f'''GRANT USAGE ON TYPE rng.r_multirange TO "{giver}" WITH GRANT OPTION;
                REVOKE USAGE ON TYPE rng.r_multirange FROM PUBLIC;
                SET ROLE "{giver}"; GRANT USAGE ON TYPE rng.r_multirange TO "{reader}"; RESET ROLE;
                CREATE TYPE rng.q AS RANGE (subtype = int8); REVOKE USAGE ON TYPE rng.q_multirange FROM PUBLIC''')
            own = True
        except psycopg.errors.InvalidGrantOperation:  # "cannot set privileges of multirange types"
            own = False
        assert own or conn.info.server_version >= 160000
    expected = _read(major_db, TYPES)
    assert (("r_multirange", "postgres", reader, giver, "USAGE", False) in expected) == own, expected
    _, types = _rebuilt(major_db, tmp_path, schemac)
    assert types == expected
    assert ("multirange_grants" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")) == own


@pytest.mark.parametrize("major_db", MULTIRANGE_MAJORS, indirect=True)
@pytest.mark.parametrize("made", ["by-its-owner", "given-to-its-owner"])
def test_multirange_owner_round_trip(major_db, roles, made, tmp_path, schemac):
    """A range type made by the role that owns it (its multirange is that role's too), or made by another and given to
    it (ALTER TYPE ... OWNER TO, which on PostgreSQL 15 leaves the multirange, and its access list, with the maker):
    the rebuilt database, whose migration makes the type and then sets its owner, holds the same owners and access
    lists on both (on 15 its multirange stayed with the migration's role, or was moved where the source kept it).
    18 moves a multirange with its range: nothing to do there."""
    owner, reader = roles["owner"], roles["reader"]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA rng; GRANT USAGE, CREATE ON SCHEMA rng TO "{owner}"')
        if made == "by-its-owner":
            conn.execute(f'SET ROLE "{owner}"; CREATE TYPE rng.r AS RANGE (subtype = int4); RESET ROLE')
        else:
            conn.execute(f'CREATE TYPE rng.r AS RANGE (subtype = int4); ALTER TYPE rng.r OWNER TO "{owner}"')
        conn.execute(f'GRANT USAGE ON TYPE rng.r TO "{reader}"')
    expected = _read(major_db, TYPES)
    owners = {(row[0], row[1]) for row in expected}  # 18 moves the multirange with its range; 15 (16.2 too) does not
    assert ("r", owner) in owners and len(owners) == 2, expected
    _, types = _rebuilt(major_db, tmp_path, schemac)
    assert types == expected


@pytest.mark.parametrize("body,where,message", [
    ("range_types:\n  r: {subtype: int4, constructor_grants: {r(int4): {PUBLIC: []}}}\n", "2:43",
     "constructor_grants of range type 'r': 'r(int4)' is not one of its constructors (r(integer, integer), "),
    ("range_types:\n  r: {subtype: int4, constructor_grants: {'r(int4, int4)': {x: [usage]}}}\n", "2:65",
     "privilege of grants to x on constructor r(integer, integer) of range type 'r' must be one of execute"),
    ("range_types:\n  r: {subtype: int4, constructor_grants: {'r(int, int)': {}, 'r(int4,int4)': {}}}\n", "2:62",
     "names r(integer, integer) a second time"),
])
def test_loader_errors(body, where, message, tmp_path):
    views_loader_errors(body, where, message, tmp_path)
