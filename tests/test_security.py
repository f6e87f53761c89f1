"""Security as code on a real server: row-level security, policies, privileges (table, column, sequence,
function) and owners, each added, changed and removed through generate -> apply (over rows) -> diff
clean, judged by an oracle of this file's own SQL over pg_policy, relrowsecurity and the access lists
(aclexplode); security drift made by hand reported with the security marking in all four formats; a
role that may only connect; a role that does not exist."""

from __future__ import annotations

import json
import os
import uuid

import psycopg
import psycopg.conninfo
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# The oracle: what the database holds, by this file's own SQL (no schemac code).
ORACLE = {
    "rls": """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations' ORDER BY 1""",
    "policies": """SELECT c.relname, p.polname, p.polcmd, p.polpermissive,
                          ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END
                                FROM unnest(p.polroles) r ORDER BY 1),
                          pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                          obj_description(p.oid, 'pg_policy')
                   FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid ORDER BY 1, 2""",
    "acl": """SELECT c.relname, NULL::text, a.grantee::regrole::text, a.privilege_type, a.is_grantable
              FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.relnamespace = 'public'::regnamespace AND a.grantee <> c.relowner AND a.grantee <> 0
              UNION ALL
              SELECT c.relname, NULL, 'PUBLIC', a.privilege_type, a.is_grantable
              FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.relnamespace = 'public'::regnamespace AND a.grantee = 0
              UNION ALL
              SELECT c.relname, t.attname::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                     a.privilege_type, a.is_grantable
              FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid, aclexplode(t.attacl) a
              WHERE c.relnamespace = 'public'::regnamespace
              UNION ALL
              SELECT p.proname, 'function', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                     a.privilege_type, a.is_grantable
              FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
              WHERE p.pronamespace = 'public'::regnamespace AND a.grantee <> p.proowner
              UNION ALL
              SELECT n.nspname, 'schema', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                     a.privilege_type, a.is_grantable
              FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
              WHERE n.nspname IN ('public', 'extra') AND a.grantee <> n.nspowner
              ORDER BY 1, 2, 3, 4, 5""",
    # The owner's own entries, its defaults too (acldefault): a grant option it gave itself, and what it keeps.
    "owner_acl": """SELECT c.relname, a.privilege_type, a.is_grantable
                    FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.grantee = c.relowner
                      AND c.relname <> '_sqlx_migrations'
                    UNION ALL
                    SELECT n.nspname, a.privilege_type, a.is_grantable
                    FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                    WHERE n.nspname = 'extra' AND a.grantee = n.nspowner
                    ORDER BY 1, 2, 3""",
    "default_acl": """SELECT d.defaclrole::regrole::text, n.nspname, d.defaclobjtype,
                             CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                             a.privilege_type, a.is_grantable
                      FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace,
                           aclexplode(d.defaclacl) a
                      WHERE a.grantee <> d.defaclrole ORDER BY 1, 2, 3, 4, 5""",
    "owners": """SELECT c.relname, c.relowner::regrole::text FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') AND c.relname <> '_sqlx_migrations'
                 UNION ALL SELECT p.proname, p.proowner::regrole::text FROM pg_proc p
                 WHERE p.pronamespace = 'public'::regnamespace
                 UNION ALL SELECT nspname, nspowner::regrole::text FROM pg_namespace WHERE nspname = 'extra'
                 ORDER BY 1""",
}


def security_fingerprint(url: str, roles: dict[str, str]) -> dict:
    """The oracle's reading, role names replaced by their placeholders (a sibling database shares them)."""
    back = {v: k for k, v in roles.items()}
    with psycopg.connect(url) as conn:
        out = {}
        for name, sql in ORACLE.items():
            rows = conn.execute(sql).fetchall()
            out[name] = [tuple(back.get(v, v) if isinstance(v, str) else
                               [back.get(x, x) for x in v] if isinstance(v, list) else v for v in row) for row in rows]
        return out


@pytest.fixture
def roles(request):
    """Three roles of this test's own (roles belong to the cluster, which tests share): their names by
    placeholder, {reader}, {writer}, {owner}; dropped afterwards with whatever they hold."""
    urls = [v for k, v in request.node.funcargs.items() if k in ("major_db", "db_url")]
    url = urls[0]
    suffix = uuid.uuid4().hex[:8]
    names = {k: f"sec_{k}_{suffix}" for k in ("reader", "writer", "owner")}
    with psycopg.connect(url, autocommit=True) as conn:
        for n in names.values():
            conn.execute(f'CREATE ROLE "{n}"')
    yield names
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP OWNED BY " + ", ".join(f'"{n}"' for n in names.values()))
        for n in names.values():
            conn.execute(f'DROP ROLE "{n}"')


BASE = """\
schemas: [{{name: extra, grants: {{{reader}: [usage, create]}}}}]
default_privileges:
  - {{role: {owner}, objects: tables, schema: public, grants: {{{reader}: [select]}}}}
  - {{role: {owner}, objects: functions, grants: {{PUBLIC: []}}}}
functions:
  current_tenant:
    returns: integer
    language: sql
    volatility: stable
    body: select 1
    grants: {{PUBLIC: [], {reader}: [execute]}}
sequences:
  ticket_no: {{grants: {{{writer}: [usage, select]}}}}
tables:
  accounts:
    columns:
      id: {{type: integer, primary_key: true}}
      tenant: {{type: integer, nullable: false}}
      manager: text
    row_level_security: {{enabled: true}}
    policies:
      tenant_rows:
        roles: [{reader}, {writer}]
        using: tenant = current_tenant()
      managers_write:
        command: update
        as: restrictive
        roles: [{writer}]
        using: manager = current_user
        with_check: manager = current_user
        comment: only managers change rows
    grants:
      {reader}: [select]
      {writer}: [select, insert, "update (manager)"]
  notes:
    columns:
      id: {{type: integer, primary_key: true}}
      body: text
    grants:
      {reader}: {{privileges: [select], with_grant_option: true}}
"""

EDITED = """\
schemas:
  - {{name: extra, owner: {owner}, grants: {{PUBLIC: [usage]}}}}
  - {{name: public, grants: {{{writer}: [usage]}}}}
default_privileges:
  - {{role: {owner}, objects: tables, grants: {{{writer}: [select, insert]}}}}
  - {{role: {owner}, objects: sequences, schema: extra, grants: {{{reader}: {{privileges: [usage], with_grant_option: true}}}}}}
functions:
  current_tenant:
    returns: integer
    language: sql
    volatility: stable
    body: select 1
    owner: {owner}
sequences:
  ticket_no: {{owner: {owner}}}
tables:
  accounts:
    owner: {owner}
    columns:
      id: {{type: integer, primary_key: true}}
      tenant: {{type: integer, nullable: false}}
      manager: text
    row_level_security: {{enabled: true, forced: true}}
    policies:
      tenant_rows:
        roles: [{reader}]
        using: tenant = current_tenant() AND manager IS NOT NULL
      managers_write:
        command: update
        roles: [{writer}]
        using: manager = current_user
      inserts:
        command: insert
        roles: [{writer}]
        with_check: "tenant > 0"
    grants:
      {reader}: [select, "select (manager)"]
      {writer}: {{privileges: [select], with_grant_option: [insert]}}
  notes:
    columns:
      id: {{type: integer, primary_key: true}}
      body: text
    row_level_security: {{enabled: false, forced: true}}
    grants:
      PUBLIC: [select]
      {reader}: [select]
"""

# Two plain tables (no security of their own).
PLAIN_TABLES = ("tables:\n  accounts:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
                "      tenant: {{type: integer, nullable: false}}\n      manager: text\n"
                "  notes:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      body: text\n")
# Grants an owner gives itself WITH GRANT OPTION (pg_dump writes them): named, the owner's list is what it holds.
OWNED_PLAIN = "schemas: [{{name: extra, owner: {owner}}}]\n" + \
    PLAIN_TABLES.replace("  accounts:\n", "  accounts:\n    owner: {owner}\n")
OWNED_WITH_OPTION = "schemas: [{{name: extra, owner: {owner}, grants: {{{owner}: {{privileges: [usage], " \
    "with_grant_option: [create]}}}}}}]\n" + PLAIN_TABLES.replace("  accounts:\n", "  accounts:\n    owner: {owner}\n"
                                                               "    grants:\n      {owner}: {{privileges: [select], "
                                                               "with_grant_option: [update]}}\n")

ROWS = ["INSERT INTO accounts VALUES (1, 1, 'a'), (2, 1, NULL)", "INSERT INTO notes VALUES (1, 'x')"]


def _write(folder, text: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "schema.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _built_from_scratch(url: str, text: str, folder, roles: dict) -> dict:
    path = _write(folder, text)
    generate(path, os.path.join(folder, "generated"))
    with sibling_database(url) as other:
        apply_all(other, os.path.join(folder, "generated"))
        return security_fingerprint(other, roles)


def _apply_new(url: str, out: str, already: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[already:], record=False)


CASES = [pytest.param(BASE, EDITED, id="added-then-changed"), pytest.param(EDITED, BASE, id="changed-back"),
         pytest.param(BASE, PLAIN_TABLES, id="removed"),
         pytest.param(OWNED_PLAIN, OWNED_WITH_OPTION, id="owner-grants-itself-the-grant-option"),
         pytest.param(OWNED_WITH_OPTION, OWNED_PLAIN, id="owner-grant-option-revoked")]


@pytest.mark.parametrize("major_db,old,new", each_case_on_one_major(CASES), indirect=["major_db"])
def test_security_round_trip(major_db, old, new, roles, tmp_path):
    """old -> generate -> apply -> diff clean; rows in; new -> generate -> apply over them -> diff clean; the
    oracle sees the migrated database equal to new built from scratch, and every row kept."""
    old, new = old.format(**roles), new.format(**roles)
    folder = tmp_path / "project"
    path, out = _write(folder, old), str(folder / "generated")
    assert generate(path, out).status == "written"
    _apply_new(major_db, out, 0)
    assert check_drift(path, major_db).differences == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        for sql in ROWS:
            conn.execute(sql)
    _write(folder, new)
    result = generate(path, out, allow_destructive=True)
    assert result.status == "written", result
    _apply_new(major_db, out, 1)
    assert check_drift(path, major_db).differences == ()
    assert generate(path, out, check=True).status != "written"
    expected = _built_from_scratch(major_db, new, tmp_path / "scratch", roles)
    actual = security_fingerprint(major_db, roles)
    if "owner:" not in new:  # owners are compared only where schema.yaml pins them: the old ones stay
        del expected["owners"], actual["owners"]
    assert actual == expected
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT count(*) FROM accounts").fetchone() == (2,)


# Each kind of security drift made by hand, with the kind each must be reported as.
DRIFT = [
    ("GRANT ALL ON accounts TO PUBLIC", "unexpected_public_privilege", "accounts"),
    ("GRANT CREATE ON SCHEMA public TO PUBLIC", "unexpected_public_privilege", ""),
    ('GRANT DELETE ON notes TO "{writer}"', "unexpected_privilege", "notes"),
    ('REVOKE SELECT ON notes FROM "{reader}"', "missing_privilege", "notes"),
    ("ALTER TABLE accounts DISABLE ROW LEVEL SECURITY", "row_security_disabled", "accounts"),
    ("ALTER TABLE notes NO FORCE ROW LEVEL SECURITY", "row_security_not_forced", "notes"),
    ("DROP POLICY inserts ON accounts", "missing_policy", "accounts"),
    ("ALTER POLICY tenant_rows ON accounts USING (true)", "policy_changed", "accounts"),
    ("CREATE POLICY open_all ON accounts USING (true)", "unexpected_policy", "accounts"),
    ("ALTER FUNCTION current_tenant() OWNER TO CURRENT_USER", "owner_changed", ""),
    ('ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" GRANT DELETE ON TABLES TO "{writer}"', "unexpected_privilege", ""),
]


def test_security_drift_in_every_format(db_url, roles, tmp_path, schemac):
    """Every kind of security drift made by hand is reported with the security marking in text, JSON,
    GitHub annotations and SARIF; other drift keeps its own; --only security keeps the security drift alone,
    and `diff --sql` undoes it all."""
    schema = str(tmp_path / "schema.yaml")
    (tmp_path / "schema.yaml").write_text(EDITED.format(**roles))
    assert generate(schema, str(tmp_path / "generated")).status == "written"
    _apply_new(db_url, str(tmp_path / "generated"), 0)
    assert check_drift(schema, db_url).differences == ()
    # inspect writes the same security back: its schema.yaml diffs clean, owners aside (not written)
    r = schemac("inspect", "--database-url", db_url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    inspected = (tmp_path / "inspected.yaml").read_text()
    assert "row_level_security: {enabled: true, forced: true}" in inspected
    assert "PUBLIC: [select]" in inspected and "with_grant_option: [insert]" in inspected, inspected
    assert check_drift(str(tmp_path / "inspected.yaml"), db_url).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        for sql, _, _ in DRIFT:
            conn.execute(sql.format(**roles))
        conn.execute("COMMENT ON TABLE notes IS 'not security'")
    result = check_drift(schema, db_url)
    found = json.loads(result.render("json"))["differences"]
    security = {(d["kind"], d["object"]["table"] or "") for d in found if d.get("category") == "security"}
    assert security == {(kind, table) for _, kind, table in DRIFT}
    assert [d["kind"] for d in found if "category" not in d] == ["comment_changed"]
    public = next(d for d in found if d["kind"] == "unexpected_public_privilege" and d["object"]["table"])
    assert public["message"].startswith("PUBLIC (every role) holds ") and "on table public.accounts" in public["message"]
    assert public["line"] is not None

    log = json.loads(result.render("sarif"))["runs"][0]
    rules = {rule["id"]: rule for rule in log["tool"]["driver"]["rules"]}
    for _, kind, _ in DRIFT:
        assert "security" in rules[kind]["properties"]["tags"]
        assert float(rules[kind]["properties"]["security-severity"]) > 0
    assert "security-severity" not in rules["comment_changed"]["properties"]
    assert {res["level"] for res in log["results"]} == {"error"}
    assert sum(res["properties"].get("category") == "security" for res in log["results"]) == len(DRIFT)

    annotations = [line for line in result.render("github").splitlines() if "title=" in line]
    assert all(line.startswith("::error ") for line in annotations)
    assert sum("schemac security drift%3A " in line for line in annotations) == len(DRIFT)

    text = result.render("text")
    assert text.count("[security]") == len(DRIFT), text
    assert f"{len(DRIFT)} of them security drift" in text

    r = schemac("diff", "--database-url", db_url, "--only", "security", "--format", "json", "--sql")
    assert r.returncode == 1
    assert {d["kind"] for d in json.loads(r.stderr)["differences"]} == {kind for _, kind, _ in DRIFT}
    with psycopg.connect(db_url, autocommit=True) as conn:  # the fix --sql prints (the whole plan)
        conn.execute(r.stdout)
        conn.execute("COMMENT ON TABLE notes IS 'not security'")
    assert schemac("diff", "--database-url", db_url, "--only", "security").returncode == 0
    assert schemac("diff", "--database-url", db_url).returncode == 1


def test_a_role_that_may_only_connect_reads_the_same_report(db_url, roles, tmp_path):
    """Reading privileges needs the catalogs alone: a role with CONNECT (and no schema usage, no table
    privilege) gets the report a superuser gets."""
    schema = str(tmp_path / "schema.yaml")
    (tmp_path / "schema.yaml").write_text(BASE.format(**roles))
    generate(schema, str(tmp_path / "generated"))
    _apply_new(db_url, str(tmp_path / "generated"), 0)
    ci = f"sec_ci_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")  # public is not declared: an extra is drift
        conn.execute("GRANT ALL ON notes TO PUBLIC")
        conn.execute("ALTER TABLE accounts DISABLE ROW LEVEL SECURITY")
        conn.execute(f'CREATE ROLE "{ci}" LOGIN')
    try:
        with psycopg.connect(db_url, user=ci) as conn:  # the role really cannot read the tables
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM public.accounts")
        url = psycopg.conninfo.make_conninfo(db_url, user=ci)
        as_ci, as_admin = check_drift(schema, url).differences, check_drift(schema, db_url).differences
        # (the REVOKE above is not: what an undeclared namespace lacks is not drift, only what it holds more)
        assert sorted((d.kind, d.table) for d in as_ci) == [("row_security_disabled", "accounts"),
                                                            ("unexpected_public_privilege", ""),
                                                            ("unexpected_public_privilege", "notes")]
        assert [d.to_json() for d in as_ci] == [d.to_json() for d in as_admin]
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(f'DROP ROLE "{ci}"')


@pytest.mark.parametrize("where,line", [("grants:\n      nobody_{s}: [select]", 5), ("owner: nobody_{s}", 2),
                                        ("policies:\n      p: {{roles: [nobody_{s}], using: 'true'}}", 5)])
def test_a_role_that_does_not_exist_is_drift_at_its_line(db_url, tmp_path, schemac, where, line):
    """A role schema.yaml names that the database lacks is drift of the database (it cannot hold what schema.yaml
    gives the role), not an error: a `missing_role` difference at its line (an owner: at its object's), security
    drift, exit 1 in every format; `diff --sql` writes no script (roles are created outside schema.yaml) and says why
    in one line, exit 2. Before, a plain diff stopped at the role with exit 2 and no report."""
    s = uuid.uuid4().hex[:8]
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns: {id: integer}\n    " + where.format(s=s) + "\n")
    found = check_drift(str(tmp_path / "schema.yaml"), db_url).differences
    roles = [d for d in found if d.kind == "missing_role"]
    assert [(d.name, os.path.basename(d.file), d.line, d.category, d.expected, d.actual) for d in roles] == \
        [(f"nobody_{s}", "schema.yaml", line, "security", f"nobody_{s}", None)], found
    assert ("missing_table", "t") in [(d.kind, d.table) for d in found]  # (the rest of the drift reported too)
    r = schemac("diff", "--database-url", db_url, "--format", "json")
    assert r.returncode == 1, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert [(d["kind"], d["object"]["type"], d["object"]["name"], d["line"]) for d in report["differences"]
            if d["kind"] == "missing_role"] == [("missing_role", "role", f"nobody_{s}", line)]
    r = schemac("diff", "--database-url", db_url, "--only", "security")
    assert r.returncode == 1 and f"role nobody_{s} does not exist" in r.stdout, r.stdout + r.stderr
    r = schemac("diff", "--database-url", db_url, "--sql")
    errors = [x for x in r.stderr.splitlines() if x.startswith("schemac: error:")]
    assert r.returncode == 2 and r.stdout == "" and len(errors) == 1, r.stdout + r.stderr
    assert f"role 'nobody_{s}' (schema.yaml:{line}) does not exist" in errors[0], errors


@pytest.mark.slow
def test_the_roles_schema_yaml_names_are_made_on_the_embedded_replay_server(schemac, tmp_path):
    """generate --verify, the offline diff and rebuild-state replay into an embedded server of their own: a new
    cluster, holding none of the roles schema.yaml names, so Postgres refused the replay of every schema granting to
    a role or pinning an owner ('role "nobody_..." does not exist', exit 2). They are made there NOLOGIN before the
    migrations run (migrations.replay; never on a --dev-url cluster, whose roles are the user's)."""
    s = uuid.uuid4().hex[:8]
    (tmp_path / "schema.yaml").write_text(
        f"tables:\n  t:\n    columns: {{id: integer}}\n    owner: nobody_o{s}\n    grants:\n      nobody_g{s}: [select]\n"
        f"    row_level_security: {{enabled: true}}\n    policies:\n      p: {{roles: [nobody_g{s}], using: 'true'}}\n")
    env = {"SCHEMAC_DEV_URL": None, "DATABASE_URL": None, "PGHOST": None, "PGDATABASE": None, "PGPORT": None}
    r = schemac("generate", "--verify", env=env)
    assert r.returncode == 0 and "Verified" in r.stdout, r.stdout + r.stderr
    r = schemac("diff", env=env)
    assert r.returncode == 0 and "In sync" in r.stdout, r.stdout + r.stderr
    r = schemac("rebuild-state", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f'"nobody_g{s}"' in (tmp_path / "generated" / "state.json").read_text()


@pytest.mark.slow
def test_the_roles_only_older_migrations_name_are_made_on_the_embedded_replay_server(schemac, tmp_path):
    """A role an older migration grants to, owns by or names in a policy, which schema.yaml and state.json no longer
    name (a later migration revoked it): the replay into a new cluster stopped at that older file ('role
    "nobody_..." does not exist', exit 2). The roles the files' statements name are made NOLOGIN first too (not one a
    file makes itself with CREATE ROLE, which would then refuse it: 'role "nobody_m..." already exists')."""
    s = uuid.uuid4().hex[:8]
    schema, env = tmp_path / "schema.yaml", {"SCHEMAC_DEV_URL": None, "DATABASE_URL": None, "PGHOST": None,
                                             "PGDATABASE": None, "PGPORT": None}
    schema.write_text(
        f"tables:\n  t:\n    columns: {{id: integer}}\n    owner: nobody_o{s}\n    grants:\n      nobody_g{s}: [select]\n"
        f"    row_level_security: {{enabled: true}}\n    policies:\n      p: {{roles: [nobody_p{s}], using: 'true'}}\n")
    assert schemac("generate", "--name", "first", env=env).returncode == 0
    made = tmp_path / "generated" / "migrations" / "00000000000000_by_hand.sql"
    made.write_text(f"CREATE ROLE nobody_m{s} NOLOGIN;\n-- GRANT SELECT ON t TO nobody_c{s};\n"
                    f"COMMENT ON ROLE nobody_m{s} IS 'GRANT x TO nobody_c{s}';\n", encoding="utf-8")
    schema.write_text("tables:\n  t:\n    columns: {id: integer}\n    row_level_security: {enabled: true}\n")
    r = schemac("generate", "--name", "second", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"nobody_g{s}" not in (tmp_path / "generated" / "state.json").read_text()
    r = schemac("diff", env=env)
    assert r.returncode == 0 and "In sync" in r.stdout, r.stdout + r.stderr
    schema.write_text("tables:\n  t:\n    columns: {id: integer, x: text}\n    row_level_security: {enabled: true}\n")
    r = schemac("generate", "--verify", "--name", "third", env=env)
    assert r.returncode == 0 and "Verified" in r.stdout, r.stdout + r.stderr
    r = schemac("rebuild-state", env=env)
    assert r.returncode == 0, r.stdout + r.stderr


ONE_CASE = each_case_on_one_major([pytest.param(id="schema")])  # 18 by default, every major under -m slow

POLICY_CONDITIONS = """\
functions:
  uid:
    schema: auth
    returns: uuid
    language: sql
    volatility: stable
    body: select null::uuid
tables:
  other:
    schema: app
    columns: {id: integer, org_id: integer}
    row_level_security: {enabled: true}
    policies:
      p: {using: "exists (select 1 from members m where m.org_id = org_id)"}
  members:
    columns:
      org_id: {type: integer}
      user_id: {type: uuid}
      role: text
  projects:
    columns:
      id: {type: integer, primary_key: true}
      org_id: integer
      owner_id: uuid
      public: {type: boolean, default: false}
    row_level_security: {enabled: true}
    policies:
      members_read:
        command: select
        using: exists (select 1 from members m where m.org_id = projects.org_id and m.user_id = auth.uid())
      members_read2:
        command: select
        using: org_id in (select m.org_id from members m where m.user_id = (select auth.uid()))
      signed_in:
        command: select
        using: (select auth.uid() is not null)
      owner_write:
        command: update
        using: owner_id = auth.uid()
        with_check: owner_id = auth.uid() and public is not true
      admins:
        using: "exists (select 1 from members where members.org_id = org_id and members.role = 'admin')"
      open_insert:
        command: insert
        with_check: "public = true or coalesce(owner_id::text, '') <> ''"
"""


@pytest.mark.parametrize("major_db", ONE_CASE, indirect=True)
def test_policy_conditions_as_postgres_prints_them(major_db, tmp_path, capsys):
    """Conditions with subqueries come back from Postgres reworded (columns qualified by the relation they
    resolve to, innermost first: `org_id` inside `FROM members` is members.org_id; a subquery's output named
    `AS uid`; casts added): diff is clean, and a condition changed by hand is still told apart. A condition
    that is one scalar subquery (`(select auth.uid() is not null)`, as pg_dump prints `USING ((SELECT
    app.is_admin() AS is_admin))`) is read, not kept verbatim with a warning."""
    path = _write(tmp_path, POLICY_CONDITIONS)
    generate(path, str(tmp_path / "generated"))
    assert "kept verbatim" not in capsys.readouterr().err
    _apply_new(major_db, str(tmp_path / "generated"), 0)
    assert check_drift(path, major_db).differences == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("ALTER POLICY members_read ON projects USING "
                     "(EXISTS (SELECT 1 FROM members m WHERE m.org_id = m.org_id AND m.user_id = auth.uid()))")
    assert [(d.kind, d.name) for d in check_drift(path, major_db).differences] == [("policy_changed", "members_read")]


SUPABASE_LIKE = os.path.join(os.path.dirname(__file__), "fixtures", "security", "supabase_like.sql")


@pytest.mark.parametrize("major_db", ONE_CASE, indirect=True)
def test_a_real_world_schema_inspected_and_rebuilt(major_db, tmp_path, schemac):
    """SQL written by hand (tests/fixtures/security/supabase_like.sql) -> inspect -> generate -> applied to an
    empty sibling: every policy, RLS flag, access-list entry and owner equal, by the oracle; diff clean on both."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        for role in ("anon", "authenticated", "service_role"):  # cluster objects, shared by tests: kept
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                try:
                    conn.execute(f"CREATE ROLE {role}")
                except psycopg.errors.DuplicateObject:
                    pass
        conn.execute(open(SUPABASE_LIKE, encoding="utf-8").read())
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    assert generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated")).status == "written"
    assert check_drift(str(tmp_path / "schema.yaml"), major_db).differences == ()
    names = {"anon": "anon", "authenticated": "authenticated", "service_role": "service_role"}
    with sibling_database(major_db) as other:
        apply_all(other, tmp_path / "generated")
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences == ()
        rebuilt = security_fingerprint(other, names)
    original = security_fingerprint(major_db, names)
    assert len(original["acl"]) >= 50 and len(original["policies"]) == 12
    assert rebuilt == original


def test_a_column_retyped_under_a_policy(db_url, tmp_path):
    """Postgres refuses ALTER COLUMN TYPE on a column a policy uses: the policy is dropped and created
    again around it (with its comment), over rows; diff clean after."""
    text = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      owner: {type: %s}\n"
            "    row_level_security: {enabled: true}\n    policies:\n"
            "      mine: {using: owner = current_user, comment: own rows}\n")
    path = _write(tmp_path, text % "varchar(20)")
    generate(path, str(tmp_path / "generated"))
    _apply_new(db_url, str(tmp_path / "generated"), 0)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 'a')")
    _write(tmp_path, text % "text")
    assert generate(path, str(tmp_path / "generated")).status == "written"
    _apply_new(db_url, str(tmp_path / "generated"), 1)
    assert check_drift(path, db_url).differences == ()
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT obj_description(oid, 'pg_policy') FROM pg_policy").fetchall() == [("own rows",)]
        assert conn.execute("SELECT owner FROM t").fetchall() == [("a",)]


POLICIES = "SELECT polname::text, polcmd::text, polpermissive, polqual IS NULL, polwithcheck IS NULL FROM pg_policy ORDER BY 1"


def test_a_policy_with_no_condition(db_url, tmp_path):
    """CREATE POLICY p ON t, with neither USING nor WITH CHECK (PostgreSQL's object_address.sql makes one): Postgres
    takes it, inspect wrote it as `p: {}`, and generate refused it ("needs using or with_check")."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int); ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY bare ON t; "
                     "CREATE POLICY bare_insert ON t AS RESTRICTIVE FOR INSERT")
        expected = conn.execute(POLICIES).fetchall()
    assert expected == [("bare", "*", True, True, True), ("bare_insert", "a", False, True, True)]
    path = _write(tmp_path, inspect_database(db_url).yaml)
    assert "      bare: {}\n" in open(path, encoding="utf-8").read()
    assert generate(path, str(tmp_path / "generated")).status == "written"
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(POLICIES).fetchall() == expected
        assert check_drift(path, other).differences == ()


def test_a_policys_roles_are_named_as_sql_names_them():
    """A policy's roles in a report are written as its CREATE POLICY names them: `TO "Admin-Role", "o'brien",
    service_role`, PUBLIC as the keyword; bare, `TO Admin-Role, o'brien` read as neither SQL nor one name each."""
    from schemac.compare.changes import Change
    from schemac.model import PUBLIC, Policy
    from schemac.report.security import security_difference

    old = Policy("admin_all", roles=("Admin-Role",), using="true")
    new = Policy("admin_all", roles=("Admin-Role", "o'brien", "service_role", PUBLIC), using="true")
    said = security_difference(Change("alter_policy", "api", "t0", "admin_all", old, new), lambda *a: a[-1])
    assert said == "policy admin_all is POLICY PERMISSIVE FOR ALL TO \"Admin-Role\" USING (true), expected POLICY " \
        "PERMISSIVE FOR ALL TO \"Admin-Role\", \"o'brien\", service_role, PUBLIC USING (true)", said
