"""A range type's constructors given a new access list: Postgres makes them the bootstrap superuser's whoever creates
the type, so a REVOKE on them by the database's non-superuser owner (the type's owner) is only a WARNING of Postgres
('no privileges could be revoked'): the migration applies and changes nothing, drift `diff` reports. `generate`
cannot know which role will run the migration: it warns at the range's line (plan.constructor_owner). The oracle
that the warning is true is Postgres: run by the owner (tests/owner_mode.py), the constructor's proacl is what it
was (PUBLIC's EXECUTE) and its owner the bootstrap superuser (oid 10); the same file run by the superuser
revokes it. A range renamed renames its constructors (ALTER FUNCTION ... RENAME TO), which Postgres refuses the owner
outright ('must be owner of function'): warned alike, refused run by the owner, applied by the superuser."""

import psycopg
import pytest
from conftest import rows_of
from owner_mode import as_owner, hand_over
from sqlx_project import generated_and_applied

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = """range_types:
  fr: {subtype: double precision}
tables:
  t:
    columns:
      id: integer
      r: fr
"""
NEW = OLD.replace("  fr: {subtype: double precision}\n", """  fr:
    subtype: double precision
    constructor_grants:
      'fr(double precision, double precision)': {public: []}
""")
# The constructor's owner, and whether PUBLIC may run it, by its access list (NULL: Postgres's default, acldefault).
ACL = ("SELECT p.proowner::int, EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a "
       "WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') FROM pg_proc p "
       "WHERE p.oid = 'fr(double precision, double precision)'::regprocedure")




def _handed_over_then_generated(url: str, tmp_path, new: str):
    """OLD migrated into `url` as the superuser, handed to the owner with a row, then `new` generated: the schema
    file, generate's warnings and the new migration files."""
    generated_and_applied(tmp_path, url, OLD)
    hand_over(url)  # the database and the type are the owner's; the constructors stay the bootstrap superuser's
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, fr(1, 2))")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(new, encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    return schema, [n for n in result.notices if n.startswith("warning: ")], \
        [m for m in Layout(out).migrations() if m.path not in before]


def _applied(url: str, added: list, by_the_owner: bool = False) -> None:
    """The new migration files applied to `url` by the superuser, or by the database's owner (as_owner)."""
    with psycopg.connect(url, autocommit=True) as conn:
        if by_the_owner:
            as_owner(conn)
        apply_files(conn, added, record=False)


@pytest.mark.parametrize("major_db", ["pg18"], indirect=True)
def test_a_constructor_revoked_is_warned_as_a_superusers_statement(major_db, tmp_path):
    schema, warnings, added = _handed_over_then_generated(major_db, tmp_path, NEW)
    assert warnings == [
        f"warning: {schema}:5:7: range type public.fr's constructors fr(double precision, double precision) are given "
        "a new access list: Postgres makes them the bootstrap superuser's whoever creates the type, so only a "
        "superuser's GRANT or REVOKE changes it (any other role's, the type's owner's too, is a warning of Postgres "
        "and changes nothing: run this migration as a superuser)"]
    _applied(major_db, added, by_the_owner=True)  # applies: Postgres only warns
    assert rows_of(major_db, ACL) == [(10, True)]
    assert check_drift(str(schema), major_db).differences != ()
    _applied(major_db, added)
    assert rows_of(major_db, ACL) == [(10, False)]
    assert check_drift(str(schema), major_db).differences == ()
    assert rows_of(major_db, "SELECT id, r::text FROM t") == [(1, "[1,2)")]


@pytest.mark.parametrize("major_db", ["pg18"], indirect=True)
def test_a_range_renamed_is_warned_as_a_superusers_migration(major_db, tmp_path):
    new = OLD.replace("  fr: {subtype: double precision}", "  fs: {subtype: double precision, renamed_from: public.fr}")
    schema, warnings, added = _handed_over_then_generated(major_db, tmp_path, new.replace("r: fr", "r: fs"))
    assert warnings == [
        f"warning: {schema}:2:3: range type public.fs's constructors are renamed or moved with it (ALTER FUNCTION): "
        "Postgres makes them the bootstrap superuser's whoever creates the type, so only a superuser may (any other "
        "role's migration, the type's owner's too, fails 'must be owner of function': run this migration as a "
        "superuser)"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner of function"):
        _applied(major_db, added, by_the_owner=True)
    _applied(major_db, added)
    assert rows_of(major_db, "SELECT proowner::int FROM pg_proc WHERE oid = 'fs(float8, float8)'::regprocedure") \
        == [(10,)]
    assert check_drift(str(schema), major_db).differences == ()
    assert rows_of(major_db, "SELECT id, r::text FROM t") == [(1, "[1,2)")]
