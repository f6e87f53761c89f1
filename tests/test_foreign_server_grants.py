"""Foreign servers' grants (GRANT USAGE ON FOREIGN SERVER) on real servers (postgres_fdw; no connection is made):
a database whose servers hold grants (a role's, one WITH GRANT OPTION, one made by that role, PUBLIC's, an owner's
own revoked, a pinned owner's) is read, written and built by one migration on an EMPTY database; then changed
(grants revoked, granted, the grant option taken, the owner's defaults given back, another owner, a server made
again with another type keeping its grants); a grant made by hand is security drift, which `diff --sql` fixes.
Judged by this file's own SQL over pg_foreign_server.srvacl (aclexplode; acldefault where NULL) and srvowner."""

from __future__ import annotations

import json

import psycopg
import pytest
from catalog_oracle import sibling_database
from test_drift import sql_script
from test_foreign_servers import MAJORS, _migration, inspected
from sqlx_project import apply_all
from test_view_grants import roles, with_roles

FIXTURES = (roles,)  # the tests' three roles (test_view_grants), a fixture this module uses

SOURCE = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'a');
GRANT USAGE ON FOREIGN SERVER s1 TO @reader;
GRANT USAGE ON FOREIGN SERVER s1 TO @writer WITH GRANT OPTION;
SET SESSION AUTHORIZATION @writer;
GRANT USAGE ON FOREIGN SERVER s1 TO @owner;
RESET SESSION AUTHORIZATION;
CREATE SERVER "Other Server" FOREIGN DATA WRAPPER postgres_fdw;
GRANT USAGE ON FOREIGN SERVER "Other Server" TO PUBLIC;
CREATE SERVER owned TYPE 'a' FOREIGN DATA WRAPPER postgres_fdw;
ALTER SERVER owned OWNER TO @owner;
GRANT USAGE ON FOREIGN SERVER owned TO @reader;
CREATE SERVER bare FOREIGN DATA WRAPPER postgres_fdw;
REVOKE USAGE ON FOREIGN SERVER bare FROM CURRENT_USER;
CREATE SERVER plain FOREIGN DATA WRAPPER postgres_fdw;
"""
# The oracle: every server's owner and access list entries (Postgres's default where NULL).
ACL_SQL = """
SELECT s.srvname::text, s.srvowner::regrole::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.grantor::regrole::text, a.privilege_type, a.is_grantable
FROM pg_foreign_server s LEFT JOIN LATERAL aclexplode(coalesce(s.srvacl, acldefault('S', s.srvowner))) a ON true
ORDER BY 1, 3, 4, 5, 6
"""
ME = "me"  # the role that runs the tests (owns what it creates)


def acl(url: str, roles: dict[str, str]) -> list[tuple]:
    with psycopg.connect(url) as conn:
        me = conn.execute("SELECT current_user").fetchone()[0]
        back = {**{v: k for k, v in roles.items()}, me: ME}
        return [tuple(back.get(v, v) for v in row) for row in conn.execute(ACL_SQL)]


# What the oracle reads after the change, written by hand: s1 loses reader and writer's grant option (and what
# writer granted with it), gains PUBLIC; Other Server loses PUBLIC; owned moves to writer (the old owner's grant
# to reader made by it moves along), and gets another type (dropped and created again, its grants given again);
# bare's owner gets its USAGE back; plain gains reader WITH GRANT OPTION.
CHANGED = [
    ("Other Server", ME, ME, ME, "USAGE", False),
    ("bare", ME, ME, ME, "USAGE", False),
    ("owned", "writer", "reader", "writer", "USAGE", False), ("owned", "writer", "writer", "writer", "USAGE", False),
    ("plain", ME, ME, ME, "USAGE", False), ("plain", ME, "reader", ME, "USAGE", True),
    ("s1", ME, "PUBLIC", ME, "USAGE", False), ("s1", ME, ME, ME, "USAGE", False),
    ("s1", ME, "writer", ME, "USAGE", False),
]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_foreign_server_grants_round_trip_change_and_drift(tmp_path, major_db, roles, schemac):
    text = inspected(tmp_path, major_db, with_roles(SOURCE, {k: f'"{v}"' for k, v in roles.items()}), schemac)
    named = with_roles("    grants:\n      @owner: {privileges: [usage], granted_by: @writer}\n      @reader: [usage]\n"
                       "      @writer: {privileges: [usage], with_grant_option: true}\n", roles)
    assert named in text and "    grants:\n      PUBLIC: [usage]\n" in text, text
    assert schemac("generate", "--name", "base").returncode == 0
    sql = _migration(tmp_path, "base")
    assert sql.index("CREATE SERVER s1") < sql.index("GRANT USAGE ON FOREIGN SERVER s1"), sql
    with sibling_database(major_db) as b:  # an empty database
        apply_all(b, str(tmp_path / "generated"))
        assert acl(b, roles) == acl(major_db, roles)
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
        edited = text.replace(named, with_roles("    grants: {PUBLIC: [usage], @writer: [usage]}\n", roles))
        edited = edited.replace("    grants:\n      PUBLIC: [usage]\n", "")
        edited = edited.replace("    type: a\n", "    type: b\n").replace(f"owner: {roles['owner']}", f"owner: {roles['writer']}")
        edited = edited.replace("  plain:\n    wrapper: postgres_fdw\n", "  plain:\n    wrapper: postgres_fdw\n" + with_roles(
            "    grants: {@reader: {privileges: [usage], with_grant_option: true}}\n", roles))
        assert edited.count("grants:") == 4, edited  # s1, owned, bare (its owner's: []), plain
        edited = edited.replace(edited[edited.index("  bare:"):edited.index("  owned:")],
                                "  bare:\n    wrapper: postgres_fdw\n")
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        apply_all(b, str(tmp_path / "generated"))
        assert acl(b, roles) == CHANGED
        assert schemac("diff", "--database-url", b).returncode == 0
        with psycopg.connect(b, autocommit=True) as conn:  # drift made by hand
            conn.execute(f'GRANT USAGE ON FOREIGN SERVER bare TO "{roles["reader"]}"')
        r = schemac("diff", "--database-url", b, "--format", "json")
        found = json.loads(r.stdout)["differences"]
        assert r.returncode == 1 and [(d["kind"], d["object"]["name"], d.get("category")) for d in found] == \
            [("unexpected_privilege", "bare", "security")], found
        r = schemac("diff", "--database-url", b, "--sql")
        assert r.stdout == sql_script(f'REVOKE USAGE ON FOREIGN SERVER bare FROM {roles["reader"]};\n'), r.stdout
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(r.stdout)
        assert acl(b, roles) == CHANGED



def test_wrapper_grants_inspected_and_drift(db_url, tmp_path):
    """A foreign-data wrapper of the database's own with a grant (GRANT USAGE ON FOREIGN DATA WRAPPER, listed as not
    managed before): inspect writes it under the wrapper's `grants:`, a grant made and one revoked by hand are security
    drift at their lines, and a privilege a wrapper cannot hold is refused at its line."""
    from schemac.commands.diff import check_drift
    from schemac.commands.inspect import inspect_database
    from schemac.schemafile.load import load_text

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DO $$ BEGIN CREATE ROLE schemac_pair_seq_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                     "CREATE FOREIGN DATA WRAPPER w; GRANT USAGE ON FOREIGN DATA WRAPPER w TO schemac_pair_seq_reader")
        text = inspect_database(db_url).yaml
        assert "foreign_data_wrappers:\n  w:\n    grants:\n      schemac_pair_seq_reader: [usage]\n" in text, text
        schema = tmp_path / "schema.yaml"
        schema.write_text(text, encoding="utf-8")
        assert check_drift(str(schema), db_url).differences == ()
        conn.execute("REVOKE USAGE ON FOREIGN DATA WRAPPER w FROM schemac_pair_seq_reader;"
                     "GRANT USAGE ON FOREIGN DATA WRAPPER w TO PUBLIC")
    line = text.splitlines().index("      schemac_pair_seq_reader: [usage]") + 1
    assert sorted((d.kind, d.object_type, d.name, d.category, d.line) for d in check_drift(str(schema), db_url).differences) \
        == [("missing_privilege", "foreign data wrapper", "w", "security", line),
            ("unexpected_public_privilege", "foreign data wrapper", "w", "security", line - 2)]
    with pytest.raises(Exception, match=r"schema.yaml:5:16: privilege of grants to PUBLIC on foreign data wrapper 'w' "
                                        r"must be one of usage or all, not 'select'"):
        load_text("tables: {}\nforeign_data_wrappers:\n  w:\n    grants:\n      PUBLIC: [select]\n")
