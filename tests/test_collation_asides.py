"""A used collation's definition changed (Postgres has no ALTER COLLATION for it): set aside and made again under its
users (compare.collation_asides; generate refused it before). The oracles are Postgres's: after the migration a
query's ORDER BY sorts the rows by the new definition; two rows equal under a new nondeterministic collation under a
UNIQUE fail the migration with a unique violation, which generate warns of at the column's line, and it applies once
they differ. ICU is in Debian's 15 build here, not in 18's or 16's."""

import psycopg
import pytest

from conftest import each_case_on_one_major, rows_of, two_roles
from test_citext_key_warning import warned_then_applied

SCHEMA = """collations:
  ci: %s
tables:
  t:
    columns:
      id: integer
      handle: {type: text, collation: ci}
    unique:
      - {columns: [handle]}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_collation_made_nondeterministic_under_a_key_is_set_aside_warned_and_sorts_anew(major_db, tmp_path):
    schema, warnings = warned_then_applied(major_db, tmp_path, SCHEMA % "{provider: libc, locale: C}",
                                           SCHEMA % "{provider: icu, locale: und-u-ks-level2, deterministic: false}",
                                           "INSERT INTO t VALUES (1, 'Ann'), (2, 'ann'), (3, 'bob'), (4, 'Carl')",
                                           "DELETE FROM t WHERE id = 2")
    assert warnings == [
        f"warning: {schema}:7:7: column public.t.handle is given collation ci, which is nondeterministic: the "
        "migration fails where two rows equal under it ('Ann', 'ann' where it ignores case) are held under t_handle_key "
        "(make those rows differ first)"], warnings
    assert rows_of(major_db, "SELECT handle FROM t ORDER BY handle") == [("Ann",), ("bob",), ("Carl",)]  # ('C': B < a)
    assert rows_of(major_db, "SELECT collname, collprovider, collisdeterministic FROM pg_collation "
                             "WHERE collname LIKE 'ci%'") == [("ci", "i", False)]


OWNED = """CREATE COLLATION mb (provider = libc, locale = 'C');
ALTER COLLATION mb OWNER TO {other};
COMMENT ON COLLATION mb IS 'MusicBrainz';
CREATE TABLE ar (id integer PRIMARY KEY, name text COLLATE mb NOT NULL UNIQUE);
INSERT INTO ar VALUES (1, 'x'), (2, 'y'), (3, 'X');
"""


@pytest.mark.parametrize("major_db,case", each_case_on_one_major([pytest.param("owned", id="owned")]), indirect=["major_db"])
def test_a_collation_set_aside_of_another_owner_reports_its_comment_and_owner_and_is_left_clean(major_db, tmp_path, case):
    """A database whose collation another role owns, with a comment (its schema.yaml inspect's), then schema.yaml
    changing its definition and comment and pinning no owner: `diff` reports the comment and owner the collation has
    (not those of the new one the plan makes: "comment is none"), the migration makes it the migration role's with
    the new comment, and `diff` is clean after it."""
    from schemac.commands.diff import check_drift
    from schemac.commands.generate import generate
    from schemac.commands.inspect import inspect_database
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    with psycopg.connect(major_db, autocommit=True) as conn, two_roles(conn, "coll") as (_, other):
        conn.execute(OWNED.format(other=other))
        try:
            schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
            text = inspect_database(major_db).yaml
            schema.write_text(text, encoding="utf-8")
            assert generate(str(schema), out, name="old").status == "written"  # (the database is it)
            assert f"mb: {{provider: libc, locale: C, comment: MusicBrainz, owner: {other}}}" in text, text
            schema.write_text(text.replace(f"locale: C, comment: MusicBrainz, owner: {other}",
                                           "locale: POSIX, comment: MB2"), encoding="utf-8")
            assert [d.message for d in check_drift(str(schema), major_db).differences] == [
                "collation public.mb is COLLATION (provider = libc, locale = C), expected COLLATION (provider = libc, "
                "locale = POSIX)",
                f"collation public.mb is owned by {other}, expected the migrations' role (schema.yaml pins no owner)",
                "collation mb: comment is 'MusicBrainz', expected 'MB2'"]
            assert generate(str(schema), out, name="new").status == "written"
            apply_files(conn, Layout(out).migrations()[1:], record=False)
            assert conn.execute("SELECT collowner = current_user::regrole, obj_description(oid, 'pg_collation'), "
                                "collcollate FROM pg_collation WHERE collname LIKE 'mb%'").fetchall() == [(True, "MB2", "POSIX")]
            assert check_drift(str(schema), major_db, out_dir=out).differences == ()
            assert conn.execute("SELECT name FROM ar ORDER BY name").fetchall() == [("X",), ("x",), ("y",)]
        finally:
            conn.execute("DROP TABLE IF EXISTS ar; DROP COLLATION IF EXISTS mb; DROP COLLATION IF EXISTS mb__schemac_old")
