"""Owners (an aggregate's too, with its grants; a collation's, text search dictionary's and configuration's and
statistics object's), a default-privileges list granting to its own role, an identity column's sequence's grants
(from default privileges and GRANT ON SEQUENCE) and `SET search_path = ''` through inspect
-> generate -> apply to an empty sibling, judged by tests/security_oracle.py (owners, grants with their
grantors, default privileges, policies: SQL of its own over pg_catalog) and pg_proc.proconfig.

inspect writes the owner of every object the database's owner does not own (that role runs the migrations),
never the one of a sequence a column owns (it follows its table), and the `public` schema's only where it
is not `pg_database_owner`."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import yaml
from catalog_oracle import sibling_database
from security_oracle import security_fingerprint

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SQL = """
CREATE SCHEMA vault AUTHORIZATION {svc};
GRANT USAGE ON SCHEMA vault TO {api};
ALTER SCHEMA public OWNER TO {svc};
CREATE TYPE vault.kind AS ENUM ('a', 'b');
ALTER TYPE vault.kind OWNER TO {svc};
CREATE TABLE vault.secrets (id serial PRIMARY KEY, kind vault.kind, body text);
ALTER TABLE vault.secrets OWNER TO {svc};
GRANT SELECT ON vault.secrets TO {api};
CREATE TABLE vault.mine (id int PRIMARY KEY);
CREATE SEQUENCE vault.loose;
ALTER SEQUENCE vault.loose OWNER TO {svc};
CREATE VIEW vault.names AS SELECT id FROM vault.secrets;
ALTER VIEW vault.names OWNER TO {api};
CREATE FUNCTION vault.peek(i int) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
  AS $$ SELECT body FROM vault.secrets WHERE id = i $$;
ALTER FUNCTION vault.peek(int) OWNER TO {svc};
REVOKE ALL ON FUNCTION vault.peek(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vault.peek(int) TO {api};
ALTER DEFAULT PRIVILEGES IN SCHEMA vault GRANT ALL ON TABLES TO CURRENT_USER, {api};
ALTER DEFAULT PRIVILEGES FOR ROLE {svc} IN SCHEMA vault GRANT SELECT ON SEQUENCES TO {svc};
CREATE AGGREGATE vault.total(int) (sfunc = int4pl, stype = int, initcond = '0');
ALTER AGGREGATE vault.total(int) OWNER TO {svc};
REVOKE ALL ON FUNCTION vault.total(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vault.total(int) TO {api};
ALTER DEFAULT PRIVILEGES IN SCHEMA vault GRANT USAGE ON SEQUENCES TO {api};
CREATE TABLE vault.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);
GRANT SELECT ON SEQUENCE vault.notes_id_seq TO {svc};
INSERT INTO vault.notes (body) VALUES ('a'), ('b');
CREATE COLLATION vault.bytes (locale = 'C');
ALTER COLLATION vault.bytes OWNER TO {svc};
CREATE TEXT SEARCH DICTIONARY vault.plain (TEMPLATE = simple);
ALTER TEXT SEARCH DICTIONARY vault.plain OWNER TO {api};
CREATE TEXT SEARCH CONFIGURATION vault.words (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION vault.words OWNER TO {svc};
CREATE STATISTICS vault.kinds (dependencies) ON id, kind FROM vault.secrets;
ALTER STATISTICS vault.kinds OWNER TO {api};
"""


@pytest.fixture
def roles(db_url):
    """Two roles of this test's own (cluster objects), dropped afterwards with what they hold."""
    suffix = uuid.uuid4().hex[:8]
    names = {"svc": f"own_svc_{suffix}", "api": f"own_api_{suffix}"}
    with psycopg.connect(db_url, autocommit=True) as conn:
        for n in names.values():
            conn.execute(f'CREATE ROLE "{n}"')
    yield names
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS vault CASCADE; ALTER SCHEMA public OWNER TO pg_database_owner")
        for n in names.values():
            conn.execute(f'DROP OWNED BY "{n}"')
            conn.execute(f'DROP ROLE "{n}"')


def test_owners_default_privileges_and_an_empty_search_path_rebuilt(db_url, roles, tmp_path, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL.format(**roles))
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    doc = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    svc, api = roles["svc"], roles["api"]
    assert {s["name"]: s.get("owner") for s in doc["schemas"] if isinstance(s, dict)} == {"public": svc, "vault": svc}
    assert doc["tables"]["secrets"]["owner"] == svc and "owner" not in doc["tables"]["mine"]
    assert doc["sequences"]["loose"]["owner"] == svc and "owner" not in doc["sequences"]["secrets_id_seq"]
    assert (doc["views"]["names"]["owner"], doc["functions"]["peek"]["owner"], doc["enums"]["kind"]["owner"]) == (api, svc, svc)
    assert (doc["aggregates"]["total"]["owner"], doc["aggregates"]["total"]["grants"]) == (svc, {"PUBLIC": [], api: ["execute"]})
    assert (doc["collations"]["bytes"]["owner"], doc["text_search_dictionaries"]["plain"]["owner"],
            doc["text_search_configs"]["words"]["owner"],
            doc["tables"]["secrets"]["statistics"]["kinds"]["owner"]) == (svc, api, svc, api)
    assert generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated")).status == "written"
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            config = conn.execute("SELECT proconfig FROM pg_proc WHERE proname = 'peek'").fetchone()
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences == ()
        rebuilt = security_fingerprint(other)
        with psycopg.connect(other, autocommit=True) as conn:  # an owner changed by hand is security drift
            conn.execute(f'ALTER COLLATION vault.bytes OWNER TO "{api}"; ALTER STATISTICS vault.kinds OWNER TO "{svc}"')
        drift = check_drift(str(tmp_path / "schema.yaml"), other).differences
        assert sorted((d.kind, d.object_type, d.category) for d in drift) == [
            ("owner_changed", "collation", "security"), ("owner_changed", "statistics", "security")], drift
    original = security_fingerprint(db_url)
    assert config == (['search_path=""'],)
    assert ("postgres", "vault", "r", "postgres", "postgres", "SELECT", False) in original["default_privileges"]
    assert (svc, "vault", "S", svc, svc, "SELECT", False) in original["default_privileges"]
    assert {r[2]: r[3] for r in original["object_owners"]} == {"bytes": svc, "plain": api, "words": svc, "kinds": api}
    assert rebuilt == original


def _sequence_acl(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("""SELECT a.grantee::regrole::text, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
                               WHERE c.oid = 'vault.notes_id_seq'::regclass AND a.grantee <> c.relowner ORDER BY 1, 2""").fetchall()


def test_identity_sequence_grants_changed_in_schema_yaml(db_url, roles, tmp_path, schemac):
    """An identity's `grants:` edited in the inspected schema.yaml: generate writes GRANT/REVOKE ON SEQUENCE
    t_id_seq, which applies over rows; diff clean; the access list is what schema.yaml says."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL.format(**roles))
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    svc, api = roles["svc"], roles["api"]
    assert _sequence_acl(db_url) == sorted([(api, "USAGE"), (svc, "SELECT")])
    generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"))
    doc = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    identity = doc["tables"]["notes"]["columns"]["id"]["identity"]
    assert identity == {"generated": "always", "grants": {api: ["usage"], svc: ["select"]}}
    identity["grants"] = {api: ["select", "update"]}
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"))
    assert "ON SEQUENCE vault.notes_id_seq" in result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[-1:])
        assert conn.execute("SELECT count(*) FROM vault.notes").fetchone() == (2,)
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
    assert _sequence_acl(db_url) == [(api, "SELECT"), (api, "UPDATE")]


def test_unpinned_owner_taken_by_another_role_is_drift(db_url, roles, tmp_path, schemac):
    """An object schema.yaml manages without pinning its owner (a collation's too) is the migrations' role's (the
    database owner's, as inspect takes it): one owned by another role is `owner_changed` drift, and diff's SQL gives
    it back (`OWNER TO CURRENT_USER`); what the owner of sqlx's `_sqlx_migrations` owns (migrations run as another
    role than the database owner) is not. Before, diff found none of these (an owner left unpinned was never
    compared; a statistics object's, an operator's and a
    publication's, until later still)."""
    svc, api = roles["svc"], roles["api"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA vault; CREATE TABLE vault.t (id int PRIMARY KEY); CREATE TYPE vault.e AS ENUM ('a');"
                     "CREATE VIEW vault.v AS SELECT id FROM vault.t; CREATE SEQUENCE vault.s;"
                     "CREATE FUNCTION vault.f() RETURNS int LANGUAGE sql AS 'select 1'; CREATE COLLATION vault.c (locale = 'C');"
                     "CREATE STATISTICS vault.st ON (id + 1) FROM vault.t;"
                     "CREATE OPERATOR vault.=== (leftarg = int, rightarg = int, function = int4eq);"
                     "CREATE PUBLICATION vault_feed FOR TABLE vault.t")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    assert "owner" not in (tmp_path / "schema.yaml").read_text()
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f'ALTER TYPE vault.e OWNER TO "{svc}"; ALTER TABLE vault.t OWNER TO "{svc}";'
                     f'ALTER VIEW vault.v OWNER TO "{svc}"; ALTER SEQUENCE vault.s OWNER TO "{api}";'
                     f'ALTER FUNCTION vault.f() OWNER TO "{api}"; ALTER SCHEMA vault OWNER TO "{api}";'
                     f'ALTER COLLATION vault.c OWNER TO "{svc}"; ALTER STATISTICS vault.st OWNER TO "{svc}";'
                     f'ALTER OPERATOR vault.=== (int, int) OWNER TO "{api}";'
                     f'GRANT CREATE ON DATABASE "{conn.info.dbname}" TO "{api}"; ALTER PUBLICATION vault_feed OWNER TO "{api}"')
    drift = check_drift(str(tmp_path / "schema.yaml"), db_url)
    assert sorted((d.kind, d.object_type, d.actual) for d in drift.differences) == [
        ("owner_changed", "collation", svc), ("owner_changed", "function", api), ("owner_changed", "operator", api),
        ("owner_changed", "publication", api), ("owner_changed", "schema", api), ("owner_changed", "sequence", api), ("owner_changed", "statistics", svc),
        ("owner_changed", "table", svc), ("owner_changed", "type", svc), ("owner_changed", "view", svc)], drift.differences
    assert "ALTER TYPE vault.e OWNER TO CURRENT_USER" in drift.sql and "ALTER SCHEMA vault OWNER TO CURRENT_USER" in drift.sql
    assert "ALTER PUBLICATION vault_feed OWNER TO CURRENT_USER" in drift.sql
    with psycopg.connect(db_url, autocommit=True) as conn:  # api runs the migrations: its objects are no drift
        conn.execute(f'CREATE TABLE public._sqlx_migrations (version bigint PRIMARY KEY);'
                     f'ALTER TABLE public._sqlx_migrations OWNER TO "{api}"')
    drift = check_drift(str(tmp_path / "schema.yaml"), db_url)
    assert sorted((d.object_type, d.actual) for d in drift.differences) == [
        ("collation", svc), ("statistics", svc), ("table", svc), ("type", svc), ("view", svc)]
    assert "ALTER COLLATION vault.c OWNER TO CURRENT_USER" in drift.sql
    assert "ALTER STATISTICS vault.st OWNER TO CURRENT_USER" in drift.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP TABLE public._sqlx_migrations")


def test_a_given_back_owners_privileges_name_the_migrations_role(db_url, roles, tmp_path, schemac):
    """An unpinned table taken by another role that then revoked its own privileges: its access list is compared as
    the migrations' role's (compare.given_back), and the report names that role in words. Before, its name (none:
    given_back.MIGRATION_ROLE) was printed bare: "role , its owner, holds no privilege on table vault.t"."""
    svc = roles["svc"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA vault; CREATE TABLE vault.t (id int PRIMARY KEY)")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f'ALTER TABLE vault.t OWNER TO "{svc}"; REVOKE ALL ON vault.t FROM "{svc}"')
        assert conn.execute("SELECT relacl::text FROM pg_class WHERE oid = 'vault.t'::regclass").fetchone()[0] == "{}"
    drift = check_drift(str(tmp_path / "schema.yaml"), db_url)
    said = [d.message for d in drift.differences]
    assert ("owner_changed", svc) in [(d.kind, d.actual) for d in drift.differences], said
    assert any(m.startswith("the migrations' role, its owner, holds no privilege on table vault.t")
               for m in said), said
    assert not any("role ," in m for m in said), said


def test_a_renamed_tables_statistics_owner_is_given_back(db_url, roles, tmp_path):
    """A statistics object of a table schema.yaml renames (`renamed_from`), its owner pinned no more: the migration
    renamed the table and left the statistics object the old role's (compare.statistics looked the table up under
    its new name in the recorded schema, found none, and gave back nothing), where a table kept under its name gave
    it back. Now ALTER STATISTICS ... OWNER TO CURRENT_USER follows the rename; pg_statistic_ext is the oracle."""
    svc = roles["svc"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA vault; CREATE TABLE vault.t (a int, b int); INSERT INTO vault.t VALUES (1, 2); '
                     f'CREATE STATISTICS vault.st ON a, b FROM vault.t; ALTER STATISTICS vault.st OWNER TO "{svc}"')
        me = conn.execute("SELECT current_user").fetchone()[0]
    from schemac.commands.inspect import inspect_database

    doc = yaml.safe_load(inspect_database(db_url).yaml)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    (key, table), = [(k, t) for k, t in doc["tables"].items() if t.get("statistics")]
    assert [s.get("owner") for s in table["statistics"].values()] == [svc]
    renamed = {**table, "name": "t2", "renamed_from": "t",
               "statistics": {k: {f: v for f, v in s.items() if f != "owner"} for k, s in table["statistics"].items()}}
    schema.write_text(yaml.safe_dump({**doc, "tables": {"t2": renamed}}, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT stxrelid::regclass::text, stxowner::regrole::text FROM pg_statistic_ext "
                            "WHERE stxname = 'st'").fetchall() == [("vault.t2", me)]
        assert conn.execute("SELECT * FROM vault.t2").fetchall() == [(1, 2)]  # (renamed, not made again)
    assert check_drift(str(schema), db_url, out_dir=out, history=False).differences == ()
