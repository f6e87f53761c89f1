"""`inspect -n public` of a Supabase-shaped database: a trigger on auth.users running public.handle_new_user(), a
policy on storage.objects calling public.is_admin() and a view of schema api over public.profiles live in schemas
not read, yet run or read what schema.yaml manages (the migration cannot drop that function or table while they
stand). They were lost silently: neither written nor listed. Now listed as not managed, by inspect and by diff,
and only where their schema is not read. The oracle is SQL of its own over pg_trigger, pg_policy and pg_depend."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from test_json_schema import schema_errors

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SQL = """
CREATE SCHEMA auth; CREATE SCHEMA storage; CREATE SCHEMA api;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE TABLE storage.objects (id uuid PRIMARY KEY, owner uuid, name text);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
CREATE POLICY platform_own ON storage.objects USING (owner IS NOT NULL);
CREATE TABLE profiles (id uuid PRIMARY KEY, username text);
CREATE FUNCTION handle_new_user() RETURNS trigger LANGUAGE plpgsql AS
  $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
CREATE FUNCTION is_admin() RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT false $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
CREATE POLICY "admins see all" ON storage.objects FOR SELECT USING (public.is_admin());
CREATE VIEW api.profiles AS SELECT id, username FROM public.profiles;
CREATE VIEW api.emails AS SELECT id, email FROM auth.users;
"""
ORACLE = """
SELECT 'trigger', c.relnamespace::regnamespace::text || '.' || c.relname || '.' || t.tgname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgfoid::regproc::text NOT LIKE '%%.%%' AND c.relnamespace <> 'public'::regnamespace
UNION ALL
SELECT DISTINCT 'policy', c.relnamespace::regnamespace::text || '.' || c.relname || '.' || p.polname
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_depend d ON d.classid = 'pg_policy'::regclass
  AND d.objid = p.oid AND d.refclassid = 'pg_proc'::regclass
  AND d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
UNION ALL
SELECT DISTINCT 'view', c.relnamespace::regnamespace::text || '.' || c.relname
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass
  AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
  AND d.refobjid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
WHERE c.relnamespace <> 'public'::regnamespace
ORDER BY 1, 2"""


@pytest.mark.default_on("pg18")  # (no branch of its code path is a major's: spread over the majors, every major under -m slow)
def test_what_other_schemas_hang_on_the_schemas_read(any_db_url, tmp_path):
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
        # (search_path is public: a function of public's prints unqualified)
        expected = conn.execute(ORACLE).fetchall()
    assert expected == [("policy", 'storage.objects.admins see all'), ("trigger", "auth.users.on_auth_user_created"),
                        ("view", "api.profiles")]
    kinds = {"policy": "policy of a schema not read", "trigger": "trigger of a schema not read",
             "view": "view of a schema not read"}
    listed = lambda schema: sorted((u.kind, u.path) for u in schema.unmanaged if u.kind.endswith("not read"))  # noqa: E731
    want = sorted((kinds[k], path) for k, path in expected)
    found = inspect_database(db_url, ("public",))
    assert listed(found.schema) == want
    assert "# Not managed by schemac" in found.yaml and "auth.users.on_auth_user_created" in found.yaml
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    drift = check_drift(str(schema), db_url)
    assert drift.differences == () and sorted((u.kind, u.path) for u in drift.unmanaged) == want
    # every schema read: all of them are managed, none listed
    assert listed(inspect_database(db_url).schema) == []
    # public and auth read: the trigger is auth's (read); the policy and the views are outside, api.emails now too
    assert listed(inspect_database(db_url, ("public", "auth")).schema) == \
        sorted([w for w in want if "trigger" not in w[0]] + [("view of a schema not read", "api.emails")])


@pytest.mark.default_on("pg16")  # (as the first)
def test_a_function_they_hang_on_is_not_dropped_under_them(any_db_url, tmp_path):
    """inspect -n public writes under each function what the schemas not read hold that depends on it
    (`used_outside:`); generate refuses a migration dropping one of them (its arguments changed, or it is no longer
    declared), naming them, where the migration failed on the database ('cannot drop function is_admin() because
    other objects depend on it'); a body changed (CREATE OR REPLACE) is written and applies."""
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    assert doc["functions"]["is_admin"]["used_outside"] == ['policy "admins see all" on storage.objects']
    assert doc["functions"]["handle_new_user"]["used_outside"] == ["trigger on_auth_user_created on auth.users"]
    assert schema_errors(found.yaml) == []
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    assert check_drift(str(schema), db_url).differences == ()
    resigned = {**doc["functions"]["is_admin"], "arguments": "strict boolean DEFAULT false"}
    for edit, named in (({**doc["functions"], "is_admin": resigned},
                         'function public.is_admin(): the migration would drop it (its arguments or result changed) '
                         'while policy "admins see all" on storage.objects'),
                        ({"is_admin": doc["functions"]["is_admin"]},
                         "function public.handle_new_user(): the migration would drop it (no longer declared) while "
                         "trigger on_auth_user_created on auth.users")):
        schema.write_text(yaml.safe_dump({**doc, "functions": edit}, sort_keys=False), encoding="utf-8")
        with pytest.raises(SchemacError) as refused:
            generate(str(schema), out, allow_destructive=True)
        assert named in str(refused.value), str(refused.value)
        with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.DependentObjectsStillExist):
            conn.execute(f"DROP FUNCTION {'is_admin()' if 'is_admin' in named else 'handle_new_user()'}")
    body = {**doc["functions"]["is_admin"], "body": " SELECT true "}
    schema.write_text(yaml.safe_dump({**doc, "functions": {**doc["functions"], "is_admin": body}}, sort_keys=False),
                      encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT public.is_admin()").fetchone() == (True,)


def test_an_overload_nothing_outside_hangs_on_is_dropped(db_url, tmp_path):
    """`used_outside` belongs to one signature: an overload of is_admin() that nothing outside calls (is_admin(integer))
    is dropped (no longer declared) and the migration applies, where generate refused it naming the policy on
    is_admin() (matched by name); the one the policy calls is still refused."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
        conn.execute("CREATE FUNCTION is_admin(uid integer) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT uid = 0 $$")
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    overloads = {k: v for k, v in doc["functions"].items() if k.startswith("is_admin")}
    assert len(overloads) == 2 and sorted(bool(v.get("used_outside")) for v in overloads.values()) == [False, True]
    for key, spec in overloads.items():
        kept = {k: v for k, v in doc["functions"].items() if k != key}
        schema.write_text(yaml.safe_dump({**doc, "functions": kept}, sort_keys=False), encoding="utf-8")
        if spec.get("used_outside"):  # the policy's: refused, naming it
            with pytest.raises(SchemacError, match='policy "admins see all" on storage.objects'):
                generate(str(schema), out, allow_destructive=True)
            continue
        assert generate(str(schema), out, allow_destructive=True).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'is_admin'").fetchone() == (1,)
        assert conn.execute("SELECT public.is_admin()").fetchone() == (False,)


@pytest.mark.default_on("pg15")  # (as the first)
def test_a_table_a_view_outside_reads_is_not_dropped_under_it(any_db_url, tmp_path):
    """inspect -n public writes under public.profiles that api.profiles reads it (id, username) (`used_outside:`);
    generate refuses (SchemacError, exit 2) dropping the table, or dropping or retyping a column the view reads (or
    changing the generation expression of one api.handles reads: dropped and added again), naming the view, where the migration failed on the database (Postgres's own refusal checked); a column the view
    does not read is dropped and the migration applies."""
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
        conn.execute("ALTER TABLE profiles ADD COLUMN bio text, "
                     "ADD COLUMN handle text GENERATED ALWAYS AS (lower(username)) STORED")
        conn.execute("CREATE VIEW api.handles AS SELECT handle FROM public.profiles")
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    assert doc["tables"]["profiles"]["used_outside"] == ["view api.handles (handle)", "view api.profiles (id, username)"]
    assert schema_errors(found.yaml) == []
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    assert check_drift(str(schema), db_url).differences == ()
    profiles = doc["tables"]["profiles"]
    columns = profiles["columns"]
    retyped = {**columns, "username": {**columns["username"], "type": "varchar(40)"}} \
        if isinstance(columns["username"], dict) else {**columns, "username": "varchar(40)"}
    regenerated = {**columns["handle"], "generated": "upper(username)"}
    gone, unaltered = psycopg.errors.DependentObjectsStillExist, psycopg.errors.FeatureNotSupported
    for tables, named, refused_sql, error in (
            ({k: v for k, v in doc["tables"].items() if k != "profiles"},
             "table public.profiles: the migration would drop it while view api.handles (handle); view api.profiles "
             "(id, username)",
             "DROP TABLE profiles", gone),
            ({**doc["tables"], "profiles": {**profiles, "columns": {k: v for k, v in columns.items() if k != "username"}}},
             "the migration would drop column username while view api.profiles (id, username)",
             "ALTER TABLE profiles DROP COLUMN username", gone),
            ({**doc["tables"], "profiles": {**profiles, "columns": retyped}},
             "the migration would change the type of column username while view api.profiles (id, username)",
             "ALTER TABLE profiles ALTER COLUMN username TYPE varchar(40)", unaltered),
            ({**doc["tables"], "profiles": {**profiles, "columns": {**columns, "handle": regenerated}}},
             "the migration would drop and add again column handle while view api.handles (handle)",
             "ALTER TABLE profiles DROP COLUMN handle", gone)):
        schema.write_text(yaml.safe_dump({**doc, "tables": tables}, sort_keys=False), encoding="utf-8")
        with pytest.raises(SchemacError) as refused:
            generate(str(schema), out, allow_destructive=True)
        assert named in str(refused.value), str(refused.value)
        with psycopg.connect(db_url) as conn, pytest.raises(error):
            conn.execute(refused_sql)
    kept = {**profiles, "columns": {k: v for k, v in columns.items() if k != "bio"}}
    schema.write_text(yaml.safe_dump({**doc, "tables": {**doc["tables"], "profiles": kept}}, sort_keys=False),
                      encoding="utf-8")
    assert generate(str(schema), out, allow_destructive=True).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'profiles'::regclass AND attname = 'bio'"
                            ).fetchone() == (0,)
        assert conn.execute("SELECT * FROM api.profiles").fetchall() == []


READERS = """
CREATE SCHEMA auth;
CREATE TABLE profiles (id int PRIMARY KEY, username text, role text, extra int, bio text);
INSERT INTO profiles VALUES (1, 'ann', 'admin', 10, 'a'), (2, 'bob', 'user', 20, 'b');
CREATE TABLE logs (id int, msg text);
INSERT INTO logs VALUES (1, 'hello');
CREATE FUNCTION ok(i int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT i > 0';
CREATE TABLE auth.users (id int PRIMARY KEY, name text);
INSERT INTO auth.users VALUES (1, 'ann');
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY admins ON auth.users USING (EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = users.id AND p.role = 'admin'));
CREATE POLICY writers ON auth.users FOR INSERT WITH CHECK ((SELECT p.username FROM public.profiles p WHERE p.id = users.id) IS NOT NULL);
CREATE FUNCTION auth.role_of(i int) RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT p.role FROM public.profiles p WHERE p.id = i; END;
CREATE FUNCTION auth.positive(i int) RETURNS boolean LANGUAGE sql BEGIN ATOMIC SELECT public.ok(i); END;
CREATE FUNCTION auth.log_count() RETURNS bigint LANGUAGE sql RETURN (SELECT count(*) FROM public.logs);
CREATE MATERIALIZED VIEW auth.extras AS SELECT id, extra FROM public.profiles;
CREATE TABLE auth.events (id int, msg text);
CREATE RULE keep_log AS ON INSERT TO auth.events DO ALSO INSERT INTO public.logs (id, msg) VALUES (new.id, new.msg);
CREATE FUNCTION auth.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER checked BEFORE INSERT ON auth.users FOR EACH ROW WHEN (public.ok(new.id)) EXECUTE FUNCTION auth.noop();
CREATE TABLE codes (id int PRIMARY KEY, code int UNIQUE);
INSERT INTO codes VALUES (1, 5);
CREATE TABLE auth.refs (c int REFERENCES public.codes (code));
INSERT INTO auth.refs VALUES (5);
CREATE TABLE kin (id int, v text);
CREATE TABLE auth.kid (extra int) INHERITS (public.kin);
INSERT INTO auth.kid VALUES (1, 'a', 2), (2, NULL, 3);
CREATE TABLE pt (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE auth.pt1 PARTITION OF public.pt FOR VALUES FROM (0) TO (10);
INSERT INTO pt VALUES (1, 1);
CREATE FUNCTION seven() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 7';
CREATE TABLE auth.dflt (a int DEFAULT public.seven(), b int CHECK (b < public.seven()),
                        c int GENERATED ALWAYS AS (public.seven() + 1) STORED);
CREATE INDEX dflt_i ON auth.dflt ((a + public.seven()));
INSERT INTO auth.dflt (b) VALUES (1);
CREATE DOMAIN auth.small AS int CHECK (VALUE < public.seven());
CREATE SEQUENCE s;
CREATE TABLE auth.numbered (n bigint DEFAULT nextval('public.s'));
INSERT INTO auth.numbered DEFAULT VALUES;
"""


def test_policies_functions_and_rules_outside_that_read_a_table(db_url, tmp_path):
    """A table's `used_outside:` held only the views, materialized views and rules of the schemas not read: a policy of
    auth.users whose USING or WITH CHECK reads public.profiles in a subquery, a function of auth of a SQL-standard body
    (BEGIN ATOMIC, RETURN) reading it were missing, so generate wrote the DROP COLUMN or ALTER COLUMN TYPE Postgres
    refuses ('cannot alter type of a column used in a policy definition', '... used by a function or procedure'); nor
    did a function's `used_outside:` name such a function calling it (DROP FUNCTION refused). Now inspect -n public
    writes them all, each with the columns it reads, lists them (and the rule, and the trigger whose WHEN calls
    public.ok) as not managed, and generate refuses each such change naming them, over rows (Postgres's own refusal
    checked); a column none of them reads is dropped and the migration applies, the rows kept. So for a foreign key of
    auth.refs referencing public.codes (code): the table, the column and its UNIQUE are not dropped under it, while
    code retyped to bigint is written and applies (Postgres converts it under the foreign key). And for a table of auth
    inheriting public.kin (Postgres refuses DROP TABLE kin) and a partition of public.pt there (DROP TABLE pt drops it
    with its rows): neither table is dropped under them, nor a column of theirs dropped or retyped (ALTER TABLE
    recurses to auth.kid and auth.pt1: Postgres drops or retypes their column too, unasked). And public.seven(), which a default, a generated column, a
    CHECK and an index of auth.dflt and a domain's CHECK of auth call, is not dropped under them, nor the sequence s a
    default of auth.numbered takes its values from."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(READERS)
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    assert doc["tables"]["profiles"]["used_outside"] == [
        "function auth.role_of(integer) (id, role)", "materialized view auth.extras (id, extra)",
        "policy admins on auth.users (id, role)", "policy writers on auth.users (id, username)"]
    assert doc["tables"]["logs"]["used_outside"] == ["function auth.log_count()", "rule keep_log on auth.events (id, msg)"]
    assert doc["functions"]["ok"]["used_outside"] == ["function auth.positive(integer)", "trigger checked on auth.users"]
    assert doc["tables"]["codes"]["used_outside"] == ["foreign key refs_c_fkey on auth.refs (code)"]
    assert doc["sequences"]["s"]["used_outside"] == ["default of column auth.numbered.n"]
    assert doc["functions"]["seven"]["used_outside"] == [
        "constraint dflt_b_check on auth.dflt", "constraint small_check on domain auth.small",
        "default of column auth.dflt.a", "generated column auth.dflt.c", "index auth.dflt_i"]
    assert (doc["tables"]["kin"]["used_outside"], doc["tables"]["pt"]["used_outside"]) == (
        ["child table auth.kid"], ["partition auth.pt1"])
    assert sorted((u.kind, u.path) for u in found.schema.unmanaged if u.kind.endswith("not read")) == [
        ("child table of a schema not read", "auth.kid"), ("foreign key of a schema not read", "auth.refs.refs_c_fkey"),
        ("function of a schema not read", "auth.log_count()"), ("function of a schema not read", "auth.positive(integer)"),
        ("function of a schema not read", "auth.role_of(integer)"), ("partition of a schema not read", "auth.pt1"), ("policy of a schema not read", "auth.users.admins"),
        ("policy of a schema not read", "auth.users.writers"), ("rule of a schema not read", "auth.events.keep_log"),
        ("trigger of a schema not read", "auth.users.checked"), ("view of a schema not read", "auth.extras")]
    assert schema_errors(found.yaml) == []
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    assert check_drift(str(schema), db_url).differences == ()
    profiles, columns = doc["tables"]["profiles"], doc["tables"]["profiles"]["columns"]

    def with_columns(**changed):
        kept = {k: v for k, v in {**columns, **changed}.items() if v is not None}
        return {**doc, "tables": {**doc["tables"], "profiles": {**profiles, "columns": kept}}}

    def with_table(name, **changed):
        spec = {k: v for k, v in {**doc["tables"][name], **changed}.items() if v is not None}
        return {**doc, "tables": {**doc["tables"], name: spec}}

    gone, unaltered = psycopg.errors.DependentObjectsStillExist, psycopg.errors.FeatureNotSupported
    for edited, named, refused_sql, error in (
            (with_columns(role=None), "the migration would drop column role while function auth.role_of(integer) "
             "(id, role); policy admins on auth.users (id, role)", "ALTER TABLE profiles DROP COLUMN role", gone),
            (with_columns(role="varchar(9)"), "change the type of column role while function auth.role_of(integer) "
             "(id, role); policy admins on auth.users (id, role)", "ALTER TABLE profiles ALTER role TYPE varchar(9)",
             unaltered),
            (with_columns(username="varchar(9)"), "change the type of column username while policy writers on "
             "auth.users (id, username)", "ALTER TABLE profiles ALTER username TYPE varchar(9)", unaltered),
            ({**doc, "tables": {k: v for k, v in doc["tables"].items() if k != "logs"}},
             "table public.logs: the migration would drop it while function auth.log_count(); rule keep_log on "
             "auth.events (id, msg)", "DROP TABLE logs", gone),
            ({**doc, "tables": {k: v for k, v in doc["tables"].items() if k != "codes"}}, "table public.codes: the "
             "migration would drop it while foreign key refs_c_fkey on auth.refs (code)", "DROP TABLE codes", gone),
            ({**doc, "tables": {k: v for k, v in doc["tables"].items() if k != "kin"}}, "table public.kin: the "
             "migration would drop it while child table auth.kid", "DROP TABLE kin", gone),
            ({**doc, "functions": {k: v for k, v in doc["functions"].items() if k != "seven"}},
             "function public.seven(): the migration would drop it (no longer declared) while constraint dflt_b_check on "
             "auth.dflt; constraint small_check on domain auth.small; default of column auth.dflt.a; generated column "
             "auth.dflt.c; index auth.dflt_i", "DROP FUNCTION seven()", gone),
            ({**doc, "sequences": {}}, "sequence public.s: the migration would drop it while default of column "
             "auth.numbered.n", "DROP SEQUENCE s", gone),
            (with_table("codes", unique=None), "table public.codes: the migration would drop key (code) while foreign "
             "key refs_c_fkey on auth.refs (code)", "ALTER TABLE codes DROP CONSTRAINT codes_code_key", gone),
            (with_table("codes", columns={"id": doc["tables"]["codes"]["columns"]["id"]}, unique=None), "the migration would drop "
             "column code while foreign key refs_c_fkey on auth.refs (code)", "ALTER TABLE codes DROP code", gone),
            ({**doc, "functions": {"ok": {**doc["functions"]["ok"], "arguments": "i bigint"}}},
             "function public.ok(integer): the migration would drop it (its arguments or result changed) while function "
             "auth.positive(integer); trigger checked on auth.users", "DROP FUNCTION ok(integer)", gone)):
        _assert_refused(db_url, schema, out, edited, named, refused_sql, error)
    # a partition there: DROP TABLE would drop it with its rows (Postgres does not refuse it)
    schema.write_text(yaml.safe_dump({**doc, "tables": {k: v for k, v in doc["tables"].items() if k != "pt"}},
                                     sort_keys=False), encoding="utf-8")
    with pytest.raises(SchemacError, match=r"table public.pt: the migration would drop it while partition auth.pt1 .*"
                                           r"drops it with its rows"):
        generate(str(schema), out, allow_destructive=True)
    with psycopg.connect(db_url) as conn:
        conn.execute("DROP TABLE pt")
        assert conn.execute("SELECT to_regclass('auth.pt1')").fetchone() == (None,)
        conn.rollback()
    # a column of kin or pt dropped or retyped: ALTER TABLE recurses to auth.kid and auth.pt1 (Postgres runs it there)
    kin = doc["tables"]["kin"]["columns"]
    for edited, named in (
            (with_table("kin", columns={"id": kin["id"]}), "table public.kin: the migration would drop column v, "
             "which Postgres does to child table auth.kid too"),
            (with_table("kin", columns={**kin, "v": "varchar(20)"}), "table public.kin: the migration would change "
             "the type of column v, which Postgres does to child table auth.kid too"),
            (with_table("pt", columns={"k": doc["tables"]["pt"]["columns"]["k"]}), "table public.pt: the migration "
             "would drop column id, which Postgres does to partition auth.pt1 too")):
        schema.write_text(yaml.safe_dump(edited, sort_keys=False), encoding="utf-8")
        with pytest.raises(SchemacError) as refused:
            generate(str(schema), out, allow_destructive=True)
        assert named in str(refused.value), str(refused.value)
    with psycopg.connect(db_url) as conn:
        conn.execute("ALTER TABLE kin ALTER v TYPE varchar(20)")
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                            "WHERE attrelid = 'auth.kid'::regclass AND attname = 'v'").fetchone() == ("character varying(20)",)
        conn.execute("ALTER TABLE kin DROP COLUMN v; ALTER TABLE pt DROP COLUMN id")
        assert conn.execute("SELECT attrelid::regclass::text, attname FROM pg_attribute WHERE attrelid IN ('auth.kid'"
                            "::regclass, 'auth.pt1'::regclass) AND attnum > 0 AND NOT attisdropped ORDER BY 1, attnum"
                            ).fetchall() == [("auth.kid", "id"), ("auth.kid", "extra"), ("auth.pt1", "k")]  # v, id lost
        conn.rollback()
    retyped = with_table("codes", columns={**doc["tables"]["codes"]["columns"], "code": "bigint"})
    schema.write_text(yaml.safe_dump({**retyped, "tables": {**retyped["tables"], "profiles": with_columns(bio=None)[
        "tables"]["profiles"]}}, sort_keys=False), encoding="utf-8")  # (the foreign key takes a type it compares with)
    assert generate(str(schema), out, allow_destructive=True).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, username, role, extra FROM profiles ORDER BY id").fetchall() == [
            (1, "ann", "admin", 10), (2, "bob", "user", 20)]
        assert conn.execute("SELECT auth.role_of(1), auth.log_count()").fetchone() == ("admin", 1)
        assert conn.execute("SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'codes'::regclass "
                            "AND attname = 'code'").fetchone() == ("bigint",)
        with pytest.raises(psycopg.errors.ForeignKeyViolation):  # (the foreign key of auth still holds)
            conn.execute("INSERT INTO auth.refs VALUES (6)")
    assert check_drift(str(schema), db_url).differences == ()


def test_a_view_a_view_outside_reads_is_not_dropped_under_it(db_url, tmp_path):
    """A managed view or materialized view that a view of a schema not read reads had no `used_outside:`: generate
    wrote its DROP VIEW (no longer declared, or made again around a column retyped under it), which Postgres refuses
    ('view api.v2 depends on view v1'). Now inspect -n public writes under each what reads it, with the columns, and
    generate refuses those changes naming it (Postgres's own refusal checked), while a view replaced in place (CREATE
    OR REPLACE, a column added at its end) is written and applies over the rows."""
    found, doc, schema, out = _first_migration(
        db_url, "CREATE SCHEMA api; CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x'); "
                "CREATE VIEW v1 AS SELECT a, b FROM t; CREATE MATERIALIZED VIEW mv AS SELECT a FROM t; "
                "CREATE VIEW api.v2 AS SELECT a FROM public.v1; CREATE VIEW api.v3 AS SELECT a FROM public.mv", tmp_path)
    assert doc["views"]["v1"]["used_outside"] == ["view api.v2 (a)"]
    assert doc["materialized_views"]["mv"]["used_outside"] == ["view api.v3 (a)"]
    assert schema_errors(found.yaml) == []
    columns = doc["tables"]["t"]["columns"]
    retyped = {**doc, "tables": {"t": {**doc["tables"]["t"], "columns": {**columns, "a": "bigint"}}}}
    for edited, named, refused_sql in (
            ({**doc, "views": {}}, "view public.v1: the migration would drop it while view api.v2 (a)", "DROP VIEW v1"),
            (retyped, "view public.v1: the migration would drop it (and make it again, around a change under it) while "
             "view api.v2 (a)", "DROP VIEW v1"),
            (retyped, "materialized view public.mv: the migration would drop it (and make it again, around a change "
             "under it) while view api.v3 (a)", "DROP MATERIALIZED VIEW mv")):
        _assert_refused(db_url, schema, out, edited, named, refused_sql, psycopg.errors.DependentObjectsStillExist)
    grown = {**doc["views"]["v1"], "query": "SELECT a, b, b || 'y' AS c FROM t"}
    schema.write_text(yaml.safe_dump({**doc, "views": {"v1": grown}}, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT * FROM api.v2").fetchall() == [(1,)]
        assert conn.execute("SELECT c FROM v1").fetchall() == [("xy",)]
    assert check_drift(str(schema), db_url, out_dir=out, history=False).differences == ()  # (deparse: state.json)


def test_a_type_a_schema_not_read_uses_is_not_dropped_under_it(db_url, tmp_path):
    """A managed enum, domain, composite or range type that a column, function or domain of a schema not read uses
    had no `used_outside:`: generate wrote DROP TYPE for it (no longer declared, or an enum made again for its values
    reordered), which Postgres refuses ('column m of table auth.t depends on type mood'). Now inspect -n public writes
    under each what uses it (its array's users, and its multirange's, too), and generate refuses those changes naming
    them (Postgres's own refusal checked), while an enum value added in place is written and applies over the rows."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA auth; CREATE TYPE mood AS ENUM ('a', 'b'); CREATE DOMAIN pos AS int CHECK (VALUE > 0); "
                     "CREATE TYPE pair AS (x int, y int); CREATE TYPE floatrange AS RANGE (subtype = float8); "
                     "CREATE TABLE auth.t (m public.mood, ms public.mood[], p public.pos, c public.pair, "
                     "r public.floatmultirange); INSERT INTO auth.t VALUES ('b', '{a}', 1, (1, 2), '{[1,2]}'); "
                     "CREATE FUNCTION auth.f(public.floatrange) RETURNS int LANGUAGE sql AS 'SELECT 1'; "
                     "CREATE DOMAIN auth.d AS public.mood")
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    assert [doc[kind][name]["used_outside"] for kind, name in (
        ("enums", "mood"), ("domains", "pos"), ("composite_types", "pair"), ("range_types", "floatrange"))] == [
        ["domain auth.d", "table column auth.t.m", "table column auth.t.ms"], ["table column auth.t.p"],
        ["table column auth.t.c"], ["function auth.f(public.floatrange)", "table column auth.t.r"]]
    assert schema_errors(found.yaml) == []
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    pair = doc["composite_types"]["pair"]
    for edited, named, refused_sql, error in (
            ({**doc, "enums": {}}, "enum public.mood: the migration would drop it while domain auth.d; table column "
             "auth.t.m; table column auth.t.ms", "DROP TYPE mood", psycopg.errors.DependentObjectsStillExist),
            ({**doc, "enums": {"mood": {**doc["enums"]["mood"], "values": ["b", "a"]}}}, "enum public.mood: the "
             "migration would drop it and make it again (its values removed or reordered) while domain auth.d",
             "DROP TYPE mood", psycopg.errors.DependentObjectsStillExist),
            ({**doc, "domains": {}}, "domain public.pos: the migration would drop it while table column auth.t.p",
             "DROP DOMAIN pos", psycopg.errors.DependentObjectsStillExist),
            ({**doc, "composite_types": {}}, "composite type public.pair: the migration would drop it while table "
             "column auth.t.c", "DROP TYPE pair", psycopg.errors.DependentObjectsStillExist),
            ({**doc, "composite_types": {"pair": {**pair, "attributes": {"x": "bigint", "y": "integer"}}}},
             "composite type public.pair: the migration would change the type of an attribute while table column "
             "auth.t.c", "ALTER TYPE pair ALTER ATTRIBUTE x TYPE bigint", psycopg.errors.FeatureNotSupported),
            ({**doc, "range_types": {}}, "range type public.floatrange: the migration would drop it while function "
             "auth.f(public.floatrange); table column auth.t.r", "DROP TYPE floatrange",
             psycopg.errors.DependentObjectsStillExist)):
        _assert_refused(db_url, schema, out, edited, named, refused_sql, error)
    grown = {**doc, "enums": {"mood": {**doc["enums"]["mood"], "values": ["a", "b", "c"]}},
             "composite_types": {"pair": {**pair, "attributes": {"x": "integer", "y": "integer", "z": "text"}}}}
    schema.write_text(yaml.safe_dump(grown, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT m, (c).x, (c).z FROM auth.t").fetchall() == [("b", 1, None)]
        conn.execute("INSERT INTO auth.t (m) VALUES ('c')")
    assert check_drift(str(schema), db_url, out_dir=out, history=False).differences == ()



@pytest.mark.slow  # (the default run keeps this file's cheaper cases)
def test_a_partition_of_a_partition_of_a_schema_not_read_is_said(db_url, tmp_path):
    """A column renamed and one added on public.pt, whose partition public.pt_a (partitioned itself) has its partition
    auth.pt_a1 in a schema not read: generate refused the rename ('would drop column id, which Postgres does to
    partition auth.pt_a1 too': pt_a's copy was compared as dropped and added, compare.inherited_renames), and said
    nothing of the ADD COLUMN reaching auth.pt_a1 through pt_a (its change, made by pt's statement, was passed over).
    Now the RENAME COLUMN is written, and the warning names auth.pt_a1 under pt_a; pg_attribute of auth.pt_a1 and its
    rows after the migration show both reached it."""
    _, doc, schema, out = _first_migration(
        db_url, "CREATE SCHEMA auth; CREATE TABLE pt (id int, k int, r int) PARTITION BY LIST (k); "
                "CREATE TABLE pt_a PARTITION OF pt FOR VALUES IN (1) PARTITION BY LIST (r); "
                "CREATE TABLE auth.pt_a1 PARTITION OF pt_a FOR VALUES IN (1); INSERT INTO pt VALUES (1, 1, 1)", tmp_path)
    assert doc["tables"]["pt_a"]["used_outside"] == ["partition auth.pt_a1"]
    columns = {"ident": {"type": "integer", "renamed_from": "id"}, "k": "integer", "r": "integer",
               "w": {"type": "integer", "default": "4"}}
    pt_a = {k: v for k, v in doc["tables"]["pt_a"].items() if k != "columns"}  # (its parent's, as PARTITION OF)
    schema.write_text(yaml.safe_dump({**doc, "tables": {"pt": {**doc["tables"]["pt"], "columns": columns},
                                                        "pt_a": pt_a}}, sort_keys=False), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert [n.split(" too, ")[0].split(": ", 1)[1] for n in result.notices if "ALTER TABLE on" in n] == [
        "table public.pt_a: Postgres runs the migration's ALTER TABLE on partition auth.pt_a1 (RENAME COLUMN id TO "
        "ident, ADD COLUMN w)"], result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT * FROM auth.pt_a1").fetchall() == [(1, 1, 1, 4)]
        assert [r[0] for r in conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'auth.pt_a1'::regclass "
                                           "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")] == ["ident", "k", "r", "w"]



@pytest.mark.slow  # (the default run keeps this file's cheaper cases)
def test_an_entry_taken_out_of_a_renamed_table_still_counts(db_url, tmp_path):
    """public.profiles renamed to people (`renamed_from`) in the edit that takes api.profiles out of its used_outside
    and drops the column username it reads: the recorded entry was looked up under the new name, found none, and
    generate wrote the RENAME and the DROP COLUMN Postgres refuses. Now the recorded table counts under the name
    schema.yaml gives it (Postgres's refusal checked)."""
    _, doc, schema, out = _first_migration(db_url, "CREATE SCHEMA api; CREATE TABLE profiles (id int PRIMARY KEY, "
                                                   "username text); CREATE VIEW api.profiles AS SELECT id, username "
                                                   "FROM public.profiles", tmp_path)
    people = {**{k: v for k, v in doc["tables"]["profiles"].items() if k != "used_outside"},
              "renamed_from": "profiles", "columns": {"id": doc["tables"]["profiles"]["columns"]["id"]}}
    _assert_refused(db_url, schema, out, {**doc, "tables": {"people": people}}, "table public.people: the migration "
                    "would drop column username while view api.profiles (id, username)",
                    "ALTER TABLE profiles DROP COLUMN username", psycopg.errors.DependentObjectsStillExist)



def test_an_entry_taken_out_of_a_chain_of_renamed_tables_still_counts(db_url, tmp_path):
    """A chain (b renamed_from a, c renamed_from b) in the edit that takes api.av out of a's used_outside and drops the
    column it reads: the recorded entries were looked up by the new names, b's found under the old b (c's), and
    generate wrote the DROP COLUMN Postgres refuses. Now each table counts under the name the chain gives it."""
    _, doc, schema, out = _first_migration(db_url, "CREATE SCHEMA api; CREATE TABLE a (id int PRIMARY KEY, username "
                                                   "text); CREATE TABLE b (id int PRIMARY KEY, w text); CREATE VIEW "
                                                   "api.av AS SELECT id, username FROM public.a", tmp_path)
    b = {**{k: v for k, v in doc["tables"]["a"].items() if k != "used_outside"},
         "renamed_from": "a", "columns": {"id": doc["tables"]["a"]["columns"]["id"]}}
    c = {**doc["tables"]["b"], "renamed_from": "b"}
    _assert_refused(db_url, schema, out, {**doc, "tables": {"b": b, "c": c}}, "table public.b: the migration "
                    "would drop column username while view api.av (id, username)",
                    "ALTER TABLE a DROP COLUMN username", psycopg.errors.DependentObjectsStillExist)

def _first_migration(db_url, sql, tmp_path):
    """`sql` run, `inspect -n public` of it written as schema.yaml and its first migration generated: (what inspect
    found, schema.yaml as data, its path, the output folder)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql)
    found = inspect_database(db_url, ("public",))
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    return found, yaml.safe_load(found.yaml), schema, out


def _assert_refused(db_url, schema, out, edited, named, refused_sql, error):
    """generate refuses schema.yaml `edited` (exit 2), naming `named`; Postgres itself refuses `refused_sql`."""
    schema.write_text(yaml.safe_dump(edited, sort_keys=False), encoding="utf-8")
    with pytest.raises(SchemacError) as refused:
        generate(str(schema), out, allow_destructive=True)
    assert named in str(refused.value), str(refused.value)
    with psycopg.connect(db_url) as conn, pytest.raises(error):
        conn.execute(refused_sql)


CHILDREN = """
CREATE SCHEMA auth;
CREATE TABLE kin (id int, v text);
CREATE TABLE auth.kid (extra int) INHERITS (public.kin);
INSERT INTO auth.kid VALUES (1, 'a', 2), (2, NULL, 3);
CREATE TABLE pt (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE auth.pt1 PARTITION OF public.pt FOR VALUES FROM (0) TO (10);
INSERT INTO pt VALUES (1, 1), (NULL, 2);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
"""


def test_what_reaches_a_child_or_partition_of_a_schema_not_read_is_said(db_url, tmp_path):
    """A managed table that a table of a schema not read inherits (auth.kid of public.kin), or whose partition lives
    there (auth.pt1 of public.pt): a column renamed or added, a CHECK added, a NOT NULL set (its NULLs filled first by
    an UPDATE of the parent), a default set, an index or a row trigger made on the partitioned one, were written
    silently, and Postgres made them on auth.kid and auth.pt1 too (ALTER TABLE recurses; the UPDATE reaches their
    rows). Now generate warns, naming each child and what reaches it, even where the edit took the child out of
    schema.yaml's used_outside (the recorded one names it); a NO INHERIT CHECK and a statement trigger, which stay
    on the parent, are not named. An identity column added to public.kin, written as the ADD COLUMN Postgres refuses
    ('cannot recursively add identity column to table that has child tables', checked), is added in steps and
    auth.kid's rows numbered, said too. The oracle is pg_attribute, pg_constraint, pg_index, pg_trigger and the rows of
    auth's tables after the migration."""
    _, doc, schema, out = _first_migration(db_url, CHILDREN, tmp_path)
    assert (doc["tables"]["kin"]["used_outside"], doc["tables"]["pt"]["used_outside"]) == (
        ["child table auth.kid"], ["partition auth.pt1"])
    kin, pt = doc["tables"]["kin"], doc["tables"]["pt"]
    kin = {"columns": {"ident": {"type": "integer", "renamed_from": "id"},
                       "v": {"type": "text", "nullable": False, "default": "'n'"}, "w": {"type": "integer", "default": "5"}},
           "checks": {"v_len": "length(v) > 0", "v_here": {"expression": "v <> 'z'", "no_inherit": True}}}  # (used_outside taken out)
    pt = {**pt, "columns": {"id": "integer", "k": {"type": "integer", "nullable": False, "default": "3"}},
          "indexes": {"pt_id": {"columns": ["id"]}},
          "triggers": {"each_row": {"timing": "before", "events": ["insert"], "for_each": "row", "function": "noop"},
                       "once": {"timing": "after", "events": ["insert"], "for_each": "statement", "function": "noop"}}}
    schema.write_text(yaml.safe_dump({**doc, "tables": {"kin": kin, "pt": pt}}, sort_keys=False), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    said = [n for n in result.notices if "Postgres runs the migration's ALTER TABLE on" in n]
    assert len(said) == 2, result.notices
    assert "table public.kin: Postgres runs the migration's ALTER TABLE on child table auth.kid (RENAME COLUMN id TO " \
           "ident, ADD COLUMN w, SET NOT NULL v, SET DEFAULT v, ADD CONSTRAINT v_len) too" in said[0], said
    assert "table public.pt: Postgres runs the migration's ALTER TABLE on partition auth.pt1 (SET NOT NULL k, SET " \
           "DEFAULT k, CREATE INDEX pt_id, CREATE TRIGGER each_row) too" in said[1], said
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT attrelid::regclass::text, attname, attnotnull, pg_get_expr(adbin, adrelid) "
                            "FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum WHERE "
                            "attrelid IN ('auth.kid'::regclass, 'auth.pt1'::regclass) AND attnum > 0 AND NOT "
                            "attisdropped ORDER BY 1, attname").fetchall() == [
            ("auth.kid", "extra", False, None), ("auth.kid", "ident", False, None), ("auth.kid", "v", True, "'n'::text"),
            ("auth.kid", "w", False, "5"), ("auth.pt1", "id", False, None), ("auth.pt1", "k", True, "3")]
        assert conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'auth.kid'::regclass AND contype = 'c'"
                            ).fetchall() == [("v_len",)]
        assert conn.execute("SELECT count(*) FROM pg_index WHERE indrelid = 'auth.pt1'::regclass").fetchone() == (1,)
        assert conn.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'auth.pt1'::regclass").fetchall() == [
            ("each_row",)]
        assert conn.execute("SELECT ident, v, w FROM auth.kid ORDER BY ident").fetchall() == [(1, "a", 5), (2, "n", 5)]
        assert conn.execute("SELECT id, k FROM auth.pt1 ORDER BY k").fetchall() == [(1, 1), (None, 2)]
    numbered = {"kin": {**kin, "columns": {**kin["columns"], "n": {"type": "integer", "identity": "always"}},
                        "used_outside": ["child table auth.kid"]}, "pt": pt}
    schema.write_text(yaml.safe_dump({**doc, "tables": numbered}, sort_keys=False), encoding="utf-8")
    result = generate(str(schema), out)
    assert any("child table auth.kid (ADD COLUMN n (an identity: their rows numbered by an UPDATE through it))" in n
               for n in result.notices), result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InvalidTableDefinition):  # (what was written before)
            conn.execute("ALTER TABLE kin ADD COLUMN n int GENERATED ALWAYS AS IDENTITY")
        apply_files(conn, Layout(out).migrations()[2:])
        assert conn.execute("SELECT ident, n FROM auth.kid ORDER BY ident").fetchall() == [(1, 1), (2, 2)]
        assert conn.execute("SELECT attidentity FROM pg_attribute WHERE attrelid = 'kin'::regclass AND attname = 'n' "
                            "UNION ALL SELECT attidentity FROM pg_attribute WHERE attrelid = 'auth.kid'::regclass AND "
                            "attname = 'n'").fetchall() == [("a",), ("",)]


@pytest.mark.slow  # (the default run keeps this file's cheaper cases)
def test_an_entry_taken_out_with_the_change_it_guards_still_counts(db_url, tmp_path):
    """A column a view of api reads, dropped in the same edit that took the view out of the table's `used_outside:`:
    generate wrote `ALTER TABLE profiles DROP COLUMN username`, which Postgres refused ('view api.profiles depends on
    column username'), where a function so edited was refused (the recorded entry counted for functions, types, views
    and sequences, not for a table's columns). Now the recorded entry counts for columns too; and the way out the
    message gives works: the view dropped outside schemac, the entry taken out and generated alone (no migration:
    recorded), the column is then dropped and the migration applies over the rows."""
    _, doc, schema, out = _first_migration(db_url, "CREATE SCHEMA api; CREATE TABLE profiles (id int PRIMARY KEY, "
                                           "username text); INSERT INTO profiles VALUES (1, 'ann'); CREATE VIEW "
                                           "api.profiles AS SELECT id, username FROM public.profiles", tmp_path)
    assert doc["tables"]["profiles"]["used_outside"] == ["view api.profiles (id, username)"]
    columns = doc["tables"]["profiles"]["columns"]
    unlisted = {**doc, "tables": {"profiles": {k: v for k, v in doc["tables"]["profiles"].items()
                                              if k != "used_outside"}}}
    dropped = {**doc, "tables": {"profiles": {**unlisted["tables"]["profiles"], "columns": {"id": columns["id"]}}}}
    _assert_refused(db_url, schema, out, dropped, "the migration would drop column username while view api.profiles "
                    "(id, username)", "ALTER TABLE profiles DROP COLUMN username",
                    psycopg.errors.DependentObjectsStillExist)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP VIEW api.profiles")
    schema.write_text(yaml.safe_dump(unlisted, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out).status == "unchanged"
    schema.write_text(yaml.safe_dump(dropped, sort_keys=False), encoding="utf-8")
    assert generate(str(schema), out, allow_destructive=True).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT * FROM profiles").fetchall() == [(1,)]


def test_what_a_schema_not_read_made_after_inspect_is_said_by_diff(db_url, tmp_path):
    """A view of api reading public.profiles, a partition of public.pt and a trigger running public.touch() made in
    schemas not read after `inspect -n public`: schema.yaml's used_outside lacked them, diff said nothing (used_outside
    is never compared), and generate wrote the DROP COLUMN and DROP FUNCTION Postgres refuses, and the DROP TABLE
    that takes the partition with its rows. Now diff, reading the database, says per object what its used_outside:
    lacks (a notice: no drift), naming each; Postgres's refusal and the partition lost are checked."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA api; CREATE TABLE profiles (id int PRIMARY KEY, username text); "
                     "CREATE TABLE pt (id int, k int) PARTITION BY LIST (k); "
                     "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'")
    found = inspect_database(db_url, ("public",))
    assert "used_outside" not in found.yaml
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    assert check_drift(str(schema), db_url).notices == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE VIEW api.names AS SELECT username FROM public.profiles; "
                     "CREATE TABLE api.pt1 PARTITION OF public.pt FOR VALUES IN (1); INSERT INTO pt VALUES (1, 1); "
                     "CREATE TRIGGER touched BEFORE INSERT ON api.pt1 FOR EACH ROW EXECUTE FUNCTION public.touch()")
    drift = check_drift(str(schema), db_url)
    assert drift.differences == ()
    said = sorted(n.split(": the database has ")[0].rsplit(": ", 1)[-1] + " | " +
                  n.split(": the database has ")[1].split(" of a schema")[0] for n in drift.notices)
    assert said == ["function public.touch() | trigger touched on api.pt1", "table public.profiles | view api.names "
                    "(username)", "table public.pt | partition api.pt1"], drift.notices
    with psycopg.connect(db_url) as conn:
        with pytest.raises(psycopg.errors.DependentObjectsStillExist):
            conn.execute("ALTER TABLE profiles DROP COLUMN username")
        conn.rollback()
        conn.execute("DROP TABLE pt")
        assert conn.execute("SELECT to_regclass('api.pt1')").fetchone() == (None,)
        conn.rollback()


def test_a_type_a_cast_of_a_schema_not_read_hangs_on_is_not_dropped(any_db_url, tmp_path):
    """A cast from a managed enum (composite type) whose function is of a schema not read, auth.g(anyenum)
    (auth.r(record)): the cast is not managed (its function is not read) and no other entry named the type, so
    generate wrote DROP TYPE mood (pair), which Postgres refuses ('cast from mood to text depends on type mood').
    Now the type's used_outside names the cast and generate refuses, Postgres's refusal checked."""
    found, doc, schema, out = _first_migration(
        any_db_url, "CREATE SCHEMA auth; CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TYPE pair AS (x int, y int); "
                    "CREATE FUNCTION auth.g(anyenum) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$; "
                    "CREATE CAST (mood AS text) WITH FUNCTION auth.g(anyenum); "
                    "CREATE FUNCTION auth.r(record) RETURNS text LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN 1; END'; "
                    "CREATE CAST (pair AS text) WITH FUNCTION auth.r(record)", tmp_path)
    assert (doc["enums"]["mood"]["used_outside"], doc["composite_types"]["pair"]["used_outside"]) == (
        ["cast (public.mood AS pg_catalog.text)"], ["cast (public.pair AS pg_catalog.text)"])
    assert "casts" not in doc and schema_errors(found.yaml) == []
    for edited, named, refused_sql in (
            ({**doc, "enums": {}}, "enum public.mood: the migration would drop it while cast (public.mood AS "
             "pg_catalog.text)", "DROP TYPE mood"),
            ({**doc, "composite_types": {}}, "composite type public.pair: the migration would drop it while cast "
             "(public.pair AS pg_catalog.text)", "DROP TYPE pair")):
        _assert_refused(any_db_url, schema, out, edited, named, refused_sql, psycopg.errors.DependentObjectsStillExist)
