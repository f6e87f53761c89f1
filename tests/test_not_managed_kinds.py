"""Objects of a database's own that schemac neither makes nor compares, listed by inspect as not managed (and counted
by `diff --strict`) rather than lost silently (issue 13's rule; the audit of every catalog is in docs/testing.md):
languages made by CREATE LANGUAGE without an extension, and the functions written in one; large objects; security
labels; text search dictionaries and configurations made of a template or parser of the database's own (the parser
and template themselves were listed already: a migration creating the dictionary or configuration failed on an empty
database); an owner without MAINTAIN (PostgreSQL 17+). The oracle: pg_language, pg_proc, pg_largeobject_metadata, pg_seclabel/pg_shseclabel, pg_ts_dict and
pg_ts_config read by SQL of the test's own; the migration of what inspect wrote applied to an empty database."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.inspect import inspect_database

MAJORS = [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow), pytest.param("pg15", marks=pytest.mark.slow)]


def _listed(url: str, *kinds: str) -> list[tuple[str, str, str]]:
    return sorted((u.kind, u.schema, u.name) for u in inspect_database(url, ("public",)).schema.unmanaged if u.kind in kinds)


def _marked(url: str, sql: str) -> int:
    """Run `sql`, then how many DEPENDS ON EXTENSION marks (pg_depend deptype 'x') the database holds: the oracle."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
        return conn.execute("SELECT count(*) FROM pg_depend WHERE deptype = 'x'").fetchone()[0]


def _round_trip(url: str, tmp_path, schemac) -> str:
    """inspect, generate and apply to an empty database (which must succeed), diff clean; schema.yaml's text less its
    comment lines (the not-managed list names what it lists)."""
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    r = schemac("inspect", "--database-url", url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    r = schemac("generate", "--name", "create")
    assert r.returncode == 0, r.stdout + r.stderr
    with sibling_database(url) as b:
        apply_all(b, str(tmp_path / "generated"))
        d = schemac("diff", "--database-url", b)
        assert d.returncode == 0, d.stdout + d.stderr
    return "".join(l for l in (tmp_path / "schema.yaml").read_text().splitlines(True) if not l.startswith("#"))


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_languages_of_the_database_and_their_functions_are_listed(major_db, tmp_path, schemac):
    """CREATE [TRUSTED] LANGUAGE over a handler of the database's own (as databases older than extensions hold them):
    neither made nor listed, and a function in one was managed, so the migration failed on an empty database
    ('language "mylang" does not exist')."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert _listed(major_db, "language") == []
        conn.execute("CREATE FUNCTION my_handler() RETURNS language_handler AS '$libdir/plpgsql', 'plpgsql_call_handler' "
                     "LANGUAGE C; CREATE TRUSTED LANGUAGE mylang HANDLER my_handler; "
                     "CREATE LANGUAGE myulang HANDLER my_handler; COMMENT ON LANGUAGE mylang IS 'a language'; "
                     "CREATE FUNCTION in_mylang() RETURNS int LANGUAGE mylang AS 'begin return 1; end'; "
                     "CREATE FUNCTION in_sql() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        made = [r[0] for r in conn.execute("SELECT lanname::text FROM pg_language WHERE oid >= 16384 AND NOT EXISTS "
                                           "(SELECT FROM pg_depend WHERE objid = pg_language.oid AND deptype = 'e') ORDER BY 1")]
    assert made == ["mylang", "myulang"]
    assert _listed(major_db, "language", "function") == [
        ("function", "public", "in_mylang"), ("language", "", "mylang"), ("language", "", "myulang")]
    text = _round_trip(major_db, tmp_path, schemac)
    assert "in_sql:" in text and "in_mylang:" not in text and "my_handler:" in text, text


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_large_objects_are_listed(major_db):
    """lo_create'd objects, a comment on one and a grant on one (pg_dump carries them): lost silently before."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert _listed(major_db, "large objects") == []
        conn.execute("SELECT lo_create(424242), lo_create(424243); COMMENT ON LARGE OBJECT 424242 IS 'a picture'; "
                     "GRANT SELECT ON LARGE OBJECT 424243 TO PUBLIC")
        counts = conn.execute("SELECT count(*), count(*) FILTER (WHERE obj_description(oid, 'pg_largeobject') IS NOT NULL), "
                              "count(lomacl) FROM pg_largeobject_metadata").fetchone()
    assert counts == (2, 1, 1)
    assert _listed(major_db, "large objects") == [("large objects", "", "2 objects, 1 with a comment, 1 with an access list")]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_security_labels_are_listed(major_db):
    """SECURITY LABEL needs a label provider (a server module: sepgsql); the rows one writes are planted here, as it
    writes them (superuser), on a column, a table and the database itself: lost silently before."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int, secret text)")
        assert _listed(major_db, "security label") == []
        conn.execute("INSERT INTO pg_seclabel (classoid, objoid, objsubid, provider, label) VALUES "
                     "('pg_class'::regclass, 't'::regclass, 2, 'selinux', 'system_u:object_r:sepgsql_secret_table_t:s0'), "
                     "('pg_class'::regclass, 't'::regclass, 0, 'selinux', 'system_u:object_r:sepgsql_table_t:s0'); "
                     "INSERT INTO pg_shseclabel (classoid, objoid, provider, label) SELECT 'pg_database'::regclass, oid, "
                     "'selinux', 'system_u:object_r:sepgsql_db_t:s0' FROM pg_database WHERE datname = current_database()")
        labelled = [r[0] for r in conn.execute(
            "SELECT pg_describe_object(classoid, objoid, objsubid) || ' for ' || provider FROM pg_seclabel UNION ALL "
            "SELECT 'database ' || current_database() || ' for ' || provider FROM pg_shseclabel s "
            "WHERE s.objoid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1")]
    assert len(labelled) == 3
    assert _listed(major_db, "security label") == [("security label", "", n) for n in labelled]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_text_search_objects_over_a_parser_or_template_of_the_database_are_listed(major_db, tmp_path, schemac):
    """A parser and a template of the database's own (over Postgres's C functions) were listed, but a dictionary of
    that template and a configuration of that parser, or mapping that dictionary, were managed: the migration failed
    on an empty database ('text search template "public.tst" does not exist'). Those over Postgres's own stay managed."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TEXT SEARCH PARSER tsp (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, "
                     "LEXTYPES = prsd_lextype, HEADLINE = prsd_headline); "
                     "CREATE TEXT SEARCH TEMPLATE tst (INIT = dsimple_init, LEXIZE = dsimple_lexize); "
                     "CREATE TEXT SEARCH DICTIONARY own_template (TEMPLATE = tst); "
                     "CREATE TEXT SEARCH DICTIONARY builtin_template (TEMPLATE = simple, STOPWORDS = english); "
                     "CREATE TEXT SEARCH CONFIGURATION own_parser (PARSER = tsp); "
                     "ALTER TEXT SEARCH CONFIGURATION own_parser ADD MAPPING FOR word WITH simple; "
                     "CREATE TEXT SEARCH CONFIGURATION maps_own (PARSER = default); "
                     "ALTER TEXT SEARCH CONFIGURATION maps_own ADD MAPPING FOR word WITH own_template, simple; "
                     "CREATE TEXT SEARCH CONFIGURATION builtin (PARSER = default); "
                     "ALTER TEXT SEARCH CONFIGURATION builtin ADD MAPPING FOR word WITH builtin_template")
        own = conn.execute("SELECT (SELECT array_agg(dictname::text ORDER BY 1) FROM pg_ts_dict WHERE "
                           "dicttemplate = (SELECT oid FROM pg_ts_template WHERE tmplname = 'tst')), "
                           "(SELECT array_agg(DISTINCT cfgname::text ORDER BY cfgname::text) FROM pg_ts_config c "
                           "LEFT JOIN pg_ts_config_map m ON m.mapcfg = c.oid LEFT JOIN pg_ts_dict d ON d.oid = m.mapdict "
                           "WHERE c.cfgparser = (SELECT oid FROM pg_ts_parser WHERE prsname = 'tsp') "
                           "OR d.dicttemplate = (SELECT oid FROM pg_ts_template WHERE tmplname = 'tst'))").fetchone()
    assert own == (["own_template"], ["maps_own", "own_parser"])
    assert _listed(major_db, "text search dictionary", "text search configuration", "text search parser",
                   "text search template") == [
        ("text search configuration", "public", "maps_own"), ("text search configuration", "public", "own_parser"),
        ("text search dictionary", "public", "own_template"), ("text search parser", "public", "tsp"),
        ("text search template", "public", "tst")]
    text = _round_trip(major_db, tmp_path, schemac)
    assert "builtin_template:" in text and "builtin:" in text and "own_template:" not in text and "maps_own" not in text


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_functions_using_a_transform_are_listed(major_db, tmp_path, schemac):
    """CREATE FUNCTION ... TRANSFORM FOR TYPE (pg_proc.protrftypes): schemac writes no TRANSFORM clause and makes no
    transform, so the function was rebuilt without it (its arguments then reach the language unconverted) and `diff`
    said nothing; listed as not managed instead. A function without one stays managed."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TRANSFORM FOR int LANGUAGE SQL (FROM SQL WITH FUNCTION prsd_lextype(internal), "
                     "TO SQL WITH FUNCTION int4recv(internal)); "
                     "CREATE FUNCTION with_transform(int) RETURNS int LANGUAGE sql TRANSFORM FOR TYPE int AS 'SELECT $1'; "
                     "CREATE FUNCTION without(int) RETURNS int LANGUAGE sql AS 'SELECT $1'")
        using = [r[0] for r in conn.execute("SELECT proname::text FROM pg_proc WHERE protrftypes IS NOT NULL "
                                            "AND pronamespace = 'public'::regnamespace")]
    assert using == ["with_transform"]
    assert _listed(major_db, "function", "transform") == [("function", "public", "with_transform"),
                                                           ("transform", "", "for integer language sql")]
    text = _round_trip(major_db, tmp_path, schemac)
    assert "without:" in text and "with_transform" not in text, text


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_table_expressions_naming_a_listed_text_search_configuration_are_warned_of(major_db, tmp_path, schemac):
    """An index and a generated column over to_tsvector('own_parser', ...), own_parser a configuration of a parser the
    database made (listed as not managed): the table is managed, and its migration applies only to a database that
    has the configuration; inspect says so, as it does of a view reading a relation it does not manage. One over a
    managed configuration is no warning."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TEXT SEARCH PARSER tsp (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, "
                     "LEXTYPES = prsd_lextype, HEADLINE = prsd_headline); "
                     "CREATE TEXT SEARCH CONFIGURATION own_parser (PARSER = tsp); "
                     "ALTER TEXT SEARCH CONFIGURATION own_parser ADD MAPPING FOR word WITH simple; "
                     "CREATE TEXT SEARCH CONFIGURATION builtin (COPY = simple); "
                     "CREATE TABLE docs (id int, body text, "
                     "tsv tsvector GENERATED ALWAYS AS (to_tsvector('own_parser'::regconfig, body)) STORED); "
                     "CREATE INDEX docs_fts ON docs USING gin (to_tsvector('own_parser'::regconfig, body)); "
                     "CREATE INDEX docs_builtin ON docs USING gin (to_tsvector('builtin'::regconfig, body))")
        naming = sorted(r[0] for r in conn.execute(
            "SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend "
            "WHERE refclassid = 'pg_ts_config'::regclass AND refobjid = 'own_parser'::regconfig AND deptype = 'n'"))
    assert naming == ["default value for column tsv of table docs", "index docs_fts"]  # the generated expression
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    warned = sorted(line for line in r.stderr.splitlines() if "names text search configuration" in line)
    assert [w.split(" of table ")[0] for w in warned] == ["schemac: warning: column tsv", "schemac: warning: index docs_fts"]
    assert all("public.own_parser, which schemac does not manage" in w for w in warned), warned


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_an_owner_without_maintain_is_listed(major_db):
    """PostgreSQL 17+: REVOKE MAINTAIN ON t FROM its owner (a table, a materialized view), and default privileges on
    tables that leave their role the same. schema.yaml counts the seven older privileges as an owner's defaults (it is
    written for every major), so inspect wrote nothing and the database rebuilt gave MAINTAIN back: lost silently. An
    owner that holds MAINTAIN (a grant beside it), or less than the seven (REVOKE INSERT: a list of its own, managed), is
    not listed; before 17 nothing is (there is no MAINTAIN)."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        seventeen = conn.info.server_version >= 170000
        conn.execute("CREATE TABLE t (id int); CREATE TABLE kept (id int); CREATE TABLE fewer (id int); "
                     "CREATE MATERIALIZED VIEW m AS SELECT 1 AS x; GRANT SELECT ON kept TO PUBLIC; "
                     "REVOKE INSERT ON fewer FROM CURRENT_USER; ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC")
        if seventeen:
            conn.execute("REVOKE MAINTAIN ON t, m FROM CURRENT_USER; "
                         "ALTER DEFAULT PRIVILEGES REVOKE MAINTAIN ON TABLES FROM CURRENT_USER")
        lacking = [r[0] for r in conn.execute(
            "SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relacl IS NOT NULL "
            "AND NOT EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = c.relowner AND a.privilege_type = "
            "'MAINTAIN') AND EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = c.relowner AND "
            "a.privilege_type = 'INSERT') ORDER BY 1")]
        me = conn.execute("SELECT current_user::text").fetchone()[0]
    assert lacking == (["m", "t"] if seventeen else ["kept"])  # (before 17 no owner holds MAINTAIN: not listed either)
    assert _listed(major_db, "owner without MAINTAIN") == ([
        ("owner without MAINTAIN", "", f"tables of {me} (default privileges)"), ("owner without MAINTAIN", "public", "m"),
        ("owner without MAINTAIN", "public", "t")] if seventeen else [])



_ON_EXT = "made on an extension's relation"


def test_what_is_made_on_an_extensions_table_is_listed(db_url):
    """CREATE INDEX, ADD CONSTRAINT, CREATE TRIGGER, CREATE POLICY on an extension's table after its script ran (CREATE
    INDEX ON spatial_ref_sys): the table is not read, so they were lost without a word. Here the extension's table is
    one ALTER EXTENSION ADD TABLE made a member in the transaction of CREATE EXTENSION (no contrib of 18 makes a
    table), with a CHECK and an index of that transaction, which are taken for the script's. The oracle: pg_depend,
    the index has no 'e' row of its own (the script's have none either: tests/test_not_managed_kinds.py's PostGIS
    case)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION citext; CREATE TABLE ext_tab (a int CHECK (a > 0), b text); "
                     "CREATE INDEX ext_tab_script ON ext_tab (b); ALTER EXTENSION citext ADD TABLE ext_tab; "
                     "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end'")
        assert _listed(db_url, _ON_EXT) == []
        conn.execute("CREATE INDEX ext_tab_ab ON ext_tab (a, b)")
        conn.execute("ALTER TABLE ext_tab ADD CONSTRAINT ext_tab_u UNIQUE (b)")
        conn.execute("CREATE TRIGGER ext_tab_t BEFORE INSERT ON ext_tab FOR EACH ROW EXECUTE FUNCTION trg()")
        conn.execute("CREATE POLICY ext_tab_p ON ext_tab USING (a > 1)")
        own = conn.execute("SELECT count(*) FROM pg_depend WHERE objid = 'ext_tab_ab'::regclass AND deptype = 'e'")
        assert own.fetchone()[0] == 0
    assert [n for _, _, n in _listed(db_url, _ON_EXT)] == [
        "constraint ext_tab_u on table ext_tab", "index ext_tab_ab", "policy ext_tab_p on table ext_tab",
        "trigger ext_tab_t on table ext_tab"]


@pytest.mark.slow
def test_an_index_on_a_postgis_table_is_listed():
    """The case found (PostGIS, only on the Debian 15 build here): the indexes the TIGER geocoder's script made on its
    tables are no members of the extension (no pg_depend 'e' of their own, as the index made since) and are not
    listed; CREATE INDEX on spatial_ref_sys since is."""
    from conftest import _server
    from catalog_oracle import sibling_database

    server = _server("pg15")
    if server is None:
        pytest.skip("no pg15 server here")
    with sibling_database(server.url) as db, psycopg.connect(db, autocommit=True) as conn:
        if not conn.execute("SELECT FROM pg_available_extensions WHERE name = 'postgis_tiger_geocoder'").fetchall():
            pytest.skip("no PostGIS here")
        conn.execute("CREATE EXTENSION postgis; CREATE EXTENSION fuzzystrmatch; CREATE EXTENSION postgis_tiger_geocoder")
        made = conn.execute("SELECT count(*) FROM pg_index i WHERE i.indrelid = 'tiger.addr'::regclass").fetchone()[0]
        assert made > 1
        schemas = ("public", "tiger")
        assert [u for u in inspect_database(db, schemas).schema.unmanaged if u.kind == _ON_EXT] == []
        conn.execute("CREATE INDEX spatial_ref_sys_auth ON spatial_ref_sys (auth_name, auth_srid)")
        listed = [(u.schema, u.name) for u in inspect_database(db, schemas).schema.unmanaged if u.kind == _ON_EXT]
    assert listed == [("public", "index spatial_ref_sys_auth")]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_objects_marked_as_depending_on_an_extension_are_listed(major_db):
    """ALTER INDEX / FUNCTION / MATERIALIZED VIEW / TRIGGER ... DEPENDS ON EXTENSION (pg_depend deptype 'x', which pg_dump
    writes: test_pg_dump's extdependtab indexes): the objects are managed, the mark was lost silently. plpgsql is the
    extension every database has. The oracle: pg_depend's 'x' rows."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE dep_tab (c1 int PRIMARY KEY, c2 int); CREATE INDEX dep_tab_c2 ON dep_tab (c2); "
                     "CREATE FUNCTION dep_fn() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; "
                     "CREATE TRIGGER dep_trg BEFORE INSERT ON dep_tab FOR EACH ROW EXECUTE FUNCTION dep_fn(); "
                     "CREATE MATERIALIZED VIEW dep_mv AS SELECT c1 FROM dep_tab")
    assert _listed(major_db, "depends on extension") == []
    assert _marked(major_db, "ALTER INDEX dep_tab_c2 DEPENDS ON EXTENSION plpgsql; "
                             "ALTER INDEX dep_tab_pkey DEPENDS ON EXTENSION plpgsql; "
                             "ALTER FUNCTION dep_fn() DEPENDS ON EXTENSION plpgsql; "
                             "ALTER TRIGGER dep_trg ON dep_tab DEPENDS ON EXTENSION plpgsql; "
                             "ALTER MATERIALIZED VIEW dep_mv DEPENDS ON EXTENSION plpgsql") == 5
    assert [n for _, _, n in _listed(major_db, "depends on extension")] == [
        "function dep_fn() on plpgsql", "index dep_tab_c2 on plpgsql", "index dep_tab_pkey on plpgsql",
        "materialized view dep_mv on plpgsql", "trigger dep_trg on table dep_tab on plpgsql"]


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_a_mark_on_an_object_of_a_schema_named_in_mixed_case_is_listed(major_db):
    """pg_identify_object names the schema quoted ("Ext"), which the schemas read (Ext) never equalled: the index's
    DEPENDS ON EXTENSION mark of a mixed-case schema was lost silently. The oracle: pg_depend's 'x' rows."""
    assert _marked(major_db, 'CREATE SCHEMA "Ext"; CREATE TABLE "Ext".t (c int); CREATE INDEX t_c ON "Ext".t (c); '
                             'CREATE FUNCTION "Ext"."Fn"() RETURNS int LANGUAGE sql AS \'SELECT 1\'; '
                             'ALTER INDEX "Ext".t_c DEPENDS ON EXTENSION plpgsql; '
                             'ALTER FUNCTION "Ext"."Fn"() DEPENDS ON EXTENSION plpgsql') == 2
    listed = sorted((u.schema, u.name) for u in inspect_database(major_db, ("public", "Ext")).schema.unmanaged
                    if u.kind == "depends on extension")
    assert listed == [("Ext", 'function "Ext"."Fn"() on plpgsql'), ("Ext", 'index "Ext".t_c on plpgsql')]
