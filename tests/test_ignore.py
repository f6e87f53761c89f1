"""schema.yaml's `ignore:` and `inspect --exclude` (real servers 18, 16, 15): what the application makes at run time
(Chatwoot's per-account sequences `conv_dpid_seq_N`, one per row of `accounts`; a pg_partman-like premade partition; an
ETL's `tmp_*` table; a staging schema) is no drift in any format, is not written by inspect, and `generate` never
plans it; an entry naming what schema.yaml declares leaves it managed (the declaration wins)."""

from __future__ import annotations

import json

import psycopg
import pytest
import yaml

from schemac.migrations.state import compiled_schema
from schemac.schemafile.load import schema_hash

SETUP = """
CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX events_at ON events (at);
CREATE SCHEMA staging;
CREATE TABLE staging.batches (id int PRIMARY KEY, started timestamptz NOT NULL);
CREATE TABLE events_p2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
INSERT INTO events VALUES (1, '2026-01-05');
"""

# What the application does at run time: a sequence per account row, next month's partition, an ETL's table and schema.
RUN_TIME = """
DO $$ DECLARE a int; BEGIN
  FOR a IN SELECT id FROM accounts LOOP EXECUTE format('CREATE SEQUENCE IF NOT EXISTS conv_dpid_seq_%s', a); END LOOP;
END $$;
CREATE TABLE IF NOT EXISTS events_p2027_01 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2027-02-01');
CREATE TABLE IF NOT EXISTS "tmp_Import" (id int, payload jsonb);
CREATE SCHEMA IF NOT EXISTS tenant_1;
CREATE TABLE IF NOT EXISTS tenant_1.notes (id int);
CREATE TABLE IF NOT EXISTS staging.load_batch (id serial PRIMARY KEY, payload jsonb);
CREATE INDEX IF NOT EXISTS load_batch_k ON staging.load_batch ((payload->>'k'));
GRANT SELECT ON staging.load_batch TO PUBLIC;
"""

EXCLUDES = ("sequence:public.conv_dpid_seq_*", "public.events_p2027_*", "*.tmp_*", "staging.load_*", "tenant_*")
FORMATS = ("text", "json", "github", "sarif")


def _run(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _catalog(url: str) -> list[tuple[str, str]]:
    """The oracle: what the database holds of the run-time objects (pg_class), whatever schemac says."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'S', 'p') AND (c.relname LIKE 'conv_dpid_seq_%' OR c.relname LIKE 'events_p2027%' "
            "OR c.relname LIKE 'tmp_%' OR c.relname LIKE 'load_%' OR n.nspname LIKE 'tenant_%') ORDER BY 1, 2").fetchall()


@pytest.mark.every_major
def test_run_time_objects_are_no_drift_with_ignore_and_drift_without(any_db_url, schemac, tmp_path):
    """inspect --exclude leaves the run-time objects out and writes them as `ignore:`; a re-inspect is byte-identical;
    diff is clean (exit 0, --strict too) in every format, after the application made more of them (a new account's
    sequence, another premade partition); the same file without `ignore:` is drift (exit 1) in every format."""
    _run(any_db_url, SETUP + RUN_TIME)
    args = [a for x in EXCLUDES for a in ("--exclude", x)]
    r = schemac("inspect", "--database-url", any_db_url, *args, "-o", "schema.yaml", cwd=tmp_path)
    # 2 sequences, a partition, tmp_Import, load_batch and its serial's sequence, the schema tenant_1 and its table
    assert r.returncode == 0 and "; 8 objects left out by --exclude;" in r.stderr, r.stderr
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["ignore"] == [{"name": "public.conv_dpid_seq_*", "kinds": ["sequence"]}, "public.events_p2027_*",
                             "*.tmp_*", "staging.load_*", "tenant_*"], text
    assert set(doc["tables"]) == {"accounts", "events", "events_p2026_01", "batches"}, text
    assert "sequences" not in doc and "load_batch" not in text, text
    assert "tenant_1" not in text and "notes" not in text, text
    r = schemac("inspect", "--database-url", any_db_url, *args, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == text, r.stderr

    # more made at run time since: a new account's sequence, next month's partition
    _run(any_db_url, "INSERT INTO accounts VALUES (3, 'cy');" + RUN_TIME
         + "CREATE TABLE events_p2027_02 PARTITION OF events FOR VALUES FROM ('2027-02-01') TO ('2027-03-01');")
    assert _catalog(any_db_url) == [
        ("public", "conv_dpid_seq_1"), ("public", "conv_dpid_seq_2"), ("public", "conv_dpid_seq_3"),
        ("public", "events_p2027_01"), ("public", "events_p2027_02"), ("public", "tmp_Import"),
        ("staging", "load_batch"), ("staging", "load_batch_id_seq"), ("tenant_1", "notes")]
    for fmt in FORMATS:
        for strict in ((), ("--strict",)):
            r = schemac("diff", "--database-url", any_db_url, "--format", fmt, *strict, cwd=tmp_path)
            assert r.returncode == 0, (fmt, strict, r.stdout, r.stderr)
            for name in ("conv_dpid_seq", "events_p2027", "tmp_Import", "load_batch"):
                assert name not in r.stdout, (fmt, name, r.stdout)
    report = json.loads(schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path).stdout)
    # 3 sequences, 2 partitions, tmp_Import, load_batch and its serial's sequence (tenant_1 is not read: schema.yaml
    # names no object there)
    assert report["in_sync"] and report["summary"]["ignored"] == 8, report["summary"]

    r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert r.returncode == 0 and "DROP" not in r.stdout, (r.stdout, r.stderr)

    del doc["ignore"]
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    report = json.loads(schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path).stdout)
    assert "ignored" not in report["summary"]
    drift = {d["object"]["path"] for d in report["differences"]}
    assert {"public.conv_dpid_seq_3", "public.events_p2027_02", "public.tmp_Import", "staging.load_batch"} <= drift, \
        drift
    for fmt in FORMATS:
        r = schemac("diff", "--database-url", any_db_url, "--format", fmt, cwd=tmp_path)
        assert r.returncode == 1 and "conv_dpid_seq_3" in r.stdout, (fmt, r.stdout, r.stderr)
    r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert r.returncode == 1 and "DROP SEQUENCE IF EXISTS conv_dpid_seq_3;" in r.stdout, (r.stdout, r.stderr)


def test_a_glob_is_case_sensitive_and_objects_in_schema_leave_the_schema(db_url, schemac, tmp_path):
    """`public.tmp_import` does not match the catalog's `tmp_Import` (a quoted identifier, spelled as stored): inspect
    writes it, and it is managed (dropped: drift, exit 1); `staging.*` leaves out what the schema holds, not the schema
    (written in `schemas:`, no drift); `table:public.etl_log` leaves out its partition etl_log_a too."""
    _run(db_url, SETUP + RUN_TIME + "CREATE TABLE etl_log (k text) PARTITION BY LIST (k); "
                                    "CREATE TABLE etl_log_a PARTITION OF etl_log FOR VALUES IN ('a')")
    r = schemac("inspect", "--database-url", db_url, "-n", "public", "-n", "staging", "--exclude", "table:public.etl_log",
                "--exclude", "public.conv_dpid_seq_*",
                "--exclude", "public.events_p2027_*", "--exclude", "public.tmp_import", "--exclude", "staging.*",
                "-o", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = yaml.safe_load((tmp_path / "schema.yaml").read_text(encoding="utf-8"))
    assert "tmp_Import" in doc["tables"] and doc["schemas"] == ["staging"] and "sequences" not in doc, doc
    assert not [t for t in doc["tables"] if doc["tables"][t].get("schema") == "staging"], doc
    assert not [t for t in doc["tables"] if t.startswith("etl_log")], doc  # (its partition goes with it)
    r = schemac("diff", "--database-url", db_url, cwd=tmp_path)
    assert r.returncode == 0, (r.stdout, r.stderr)
    _run(db_url, 'DROP TABLE "tmp_Import"')
    r = schemac("diff", "--database-url", db_url, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1 and [(d["kind"], d["object"]["path"]) for d in json.loads(r.stdout)["differences"]] == \
        [("missing_table", "public.tmp_Import")], r.stdout


def test_the_declaration_wins_and_generate_plans_nothing_ignored(db_url, schemac, tmp_path):
    """schema.yaml declares conv_dpid_seq_1 under a glob that matches it: it stays managed (its drift reported, its
    CREATE planned); the other sequences the glob matches are neither. A sequence the last generate made and schema.yaml
    now leaves to `ignore:` is not dropped: the next migration holds no DROP."""
    (tmp_path / "schema.yaml").write_text(
        "ignore: ['public.conv_dpid_seq_*']\n"
        "sequences:\n  conv_dpid_seq_1: {increment: 1}\n  conv_dpid_seq_9: {}\n"
        "tables:\n  accounts:\n    columns:\n      id: {type: integer, primary_key: true}\n",
        encoding="utf-8")
    r = schemac("generate", "--name", "init", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    first = "".join(p.read_text() for p in sorted((tmp_path / "generated" / "migrations").glob("*.sql")))
    assert "CREATE SEQUENCE IF NOT EXISTS conv_dpid_seq_1 " in first and "conv_dpid_seq_9" in first, first
    doc = yaml.safe_load((tmp_path / "schema.yaml").read_text(encoding="utf-8"))
    del doc["sequences"]["conv_dpid_seq_9"]
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    r = schemac("generate", "--name", "later", cwd=tmp_path)
    assert r.returncode == 0 and "no changes" in (r.stdout + r.stderr).lower(), (r.stdout, r.stderr)
    assert not list((tmp_path / "generated" / "migrations").glob("*later*"))
    # diff's fast path (state.json recorded from this very schema.yaml) keeps the patterns
    data = (tmp_path / "generated" / "state.json").read_bytes()
    found = compiled_schema(data, schema_hash((tmp_path / "schema.yaml").read_text(encoding="utf-8")), "schema.yaml")
    assert found is not None and [i.pattern for i in found[0].ignore] == ["public.conv_dpid_seq_*"]

    _run(db_url, "CREATE TABLE accounts (id int PRIMARY KEY); CREATE SEQUENCE conv_dpid_seq_1 INCREMENT 5; "
                 "CREATE SEQUENCE conv_dpid_seq_2")
    r = schemac("diff", "--database-url", db_url, "--format", "json", cwd=tmp_path)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and [(d["kind"], d["object"]["path"]) for d in report["differences"]] == \
        [("sequence_changed", "public.conv_dpid_seq_1")], r.stdout
    assert report["summary"]["ignored"] == 1, report["summary"]


BAD = [
    ("ignore: public.x_*\n", 1, "ignore must be a list"),
    ("ignore:\n  - public.a_*\n  - {name: public.b_*, kinds: [index]}\n", 3, "an ignore kind must be one of schema, table, view, sequence, function, type, collation, operator, text_search, extension, publication, subscription, event_trigger, cast, server, foreign_data_wrapper, user_mapping, not 'index'"),
    ("ignore:\n  - {kinds: [table]}\n", 2, "needs the key 'name'"),
    ("ignore:\n  - {name: public.a, kind: [table]}\n", 2, "unknown key 'kind'"),
    ("ignore:\n  - ''\n", 2, "name is empty"),
    ("ignore:\n  - public.a_*\n  - public.a_*\n", 3, "given twice (first at line 2)"),
    ("ignore:\n  - {name: tmp_*, kinds: [table]}\n", 2, "names no schema-qualified object"),
    ("ignore:\n  - {name: staging.x, kinds: [schema]}\n", 2, "a namespace is named bare"),
    ("ignore:\n  - {name: public.a, kinds: []}\n", 2, "kinds is empty"),
    ("ignore:\n  - 12\n", 2, "must be a string"),
]


@pytest.mark.parametrize("text,line,message", BAD, ids=[b[2].split()[0] + str(i) for i, b in enumerate(BAD)])
def test_a_bad_ignore_entry_is_an_error_at_its_line(schemac, tmp_path, text, line, message):
    (tmp_path / "schema.yaml").write_text(text + "tables:\n  t:\n    columns:\n      id: integer\n", encoding="utf-8")
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 2 and f"schema.yaml:{line}:" in r.stderr and message in r.stderr, r.stderr


def test_a_bad_exclude_is_a_usage_error(schemac, tmp_path):
    r = schemac("inspect", "--database-url", "postgresql://nowhere.invalid/x", "--exclude", "table:tmp_*",
                cwd=tmp_path)
    assert r.returncode == 2 and "--exclude" in r.stderr and "names no schema-qualified object" in r.stderr, r.stderr
    # a kind misspelled is no glob of that name (it would match nothing): said, with the kinds there are
    r = schemac("inspect", "--database-url", "postgresql://nowhere.invalid/x", "--exclude", "servers:tenant_*",
                cwd=tmp_path)
    assert r.returncode == 2 and "unknown kind 'servers'" in r.stderr and "server, foreign_data_wrapper" in r.stderr, \
        r.stderr


def test_a_declared_view_reading_an_ignored_table(db_url, schemac, tmp_path):
    """A view schema.yaml declares reading a table `ignore:` leaves out: a new database lacks that table, so generate
    refuses the migration (exit 2, nothing written) in the words it has for any table schema.yaml does not declare;
    the table declared too (the declaration wins), both are made (checked in pg_catalog)."""
    (tmp_path / "schema.yaml").write_text(
        "ignore: ['*.tmp_*']\n"
        "tables:\n  accounts:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "views:\n  imported:\n    query: SELECT id FROM \"tmp_Import\"\n", encoding="utf-8")
    r = schemac("generate", "--dev-url", db_url, cwd=tmp_path)
    assert r.returncode == 2 and "reads tmp_Import, which schema.yaml does not declare" in r.stderr, r.stderr
    assert not list((tmp_path / "generated").glob("migrations/*.sql"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(text.replace(
        "views:", "  tmp_Import:\n    columns:\n      id: integer\n      payload: jsonb\nviews:"), encoding="utf-8")
    r = schemac("generate", "--dev-url", db_url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for path in sorted((tmp_path / "generated" / "migrations").glob("*.sql")):
        _run(db_url, path.read_text(encoding="utf-8"))
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT relname, relkind FROM pg_class WHERE relname IN ('tmp_Import', 'imported') "
                            "ORDER BY 1").fetchall() == [("imported", "v"), ("tmp_Import", "r")]
    r = schemac("diff", "--database-url", db_url, cwd=tmp_path)
    assert r.returncode == 0, (r.stdout, r.stderr)


def test_an_object_not_managed_is_left_out_and_strict_keeps_its_meaning(db_url, schemac, tmp_path):
    """A foreign table in an inheritance tree is listed, not managed (drift with --strict): `--exclude
    table:public.tmp_feed_*` leaves it out of inspect's closing list, and `diff --strict` is clean (exit 0, not_managed
    empty); without the entry --strict is drift again (exit 1, unmanaged_object)."""
    _run(db_url, "CREATE TABLE feed (id int); CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER "
                 "file_fdw; CREATE FOREIGN TABLE tmp_feed_1 () INHERITS (feed) SERVER files OPTIONS (filename '/dev/null')")
    r = schemac("inspect", "--database-url", db_url, "--exclude", "table:public.tmp_feed_*", "-o", "schema.yaml",
                cwd=tmp_path)
    assert r.returncode == 0 and "; 1 object left out by --exclude;" in r.stderr, r.stderr
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert text.count("tmp_feed") == 1 and "- {name: public.tmp_feed_*, kinds: [table]}" in text, text
    for strict in ((), ("--strict",)):
        r = schemac("diff", "--database-url", db_url, "--format", "json", *strict, cwd=tmp_path)
        report = json.loads(r.stdout)
        assert r.returncode == 0 and report["not_managed"] == [] and report["summary"]["ignored"] == 1, r.stdout
    (tmp_path / "schema.yaml").write_text(text.replace("- {name: public.tmp_feed_*, kinds: [table]}", "- public.x_*"),
                                          encoding="utf-8")
    r = schemac("diff", "--database-url", db_url, "--format", "json", "--strict", cwd=tmp_path)
    assert r.returncode == 1 and [(d["kind"], d["object"]["path"]) for d in json.loads(r.stdout)["differences"]] == \
        [("unmanaged_object", "public.tmp_feed_1")], r.stdout


# The database's own objects (and collations, operators, text search objects of a schema) made at run time: a tenant's
# foreign server, its user mapping and its password option (listed by name, not managed), a publication, a subscription, an event trigger and its function, a cast, a
# wrapper, an extension.
DATABASE_RUN_TIME = """
CREATE FOREIGN DATA WRAPPER tmp_fdw;
CREATE SERVER tenant_1 FOREIGN DATA WRAPPER tmp_fdw OPTIONS (host 'h1', password 'secret');
CREATE USER MAPPING FOR PUBLIC SERVER tenant_1;
CREATE PUBLICATION tenant_1_pub FOR TABLE accounts;
CREATE FUNCTION tmp_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER tmp_ddl ON ddl_command_end EXECUTE FUNCTION tmp_on_ddl();
CREATE TYPE tmp_pair AS (a int);
CREATE CAST (text AS tmp_pair) WITH INOUT;
CREATE COLLATION tmp_c (locale = 'C');
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
CREATE TEXT SEARCH CONFIGURATION tmp_ts (COPY = english);
CREATE TEXT SEARCH DICTIONARY tmp_dict (TEMPLATE = simple);
CREATE TEXT SEARCH TEMPLATE tmp_tpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE OPERATOR CLASS tmp_ops FOR TYPE int4 USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4);
"""
SUBSCRIPTION = ("CREATE SUBSCRIPTION tenant_1_sub CONNECTION 'dbname=nowhere' PUBLICATION p "
                "WITH (connect = false, slot_name = NONE)")
DATABASE_EXCLUDES = ("server:tenant_*", "publication:tenant_*", "subscription:tenant_*",
                     "event_trigger:tmp_*", "function:public.tmp_*", "type:public.tmp_*", "cast:text AS *tmp_pair",
                     "collation:public.tmp_*", "operator:public.===", "operator:public.tmp_*", "text_search:public.tmp_*",
                     "foreign_data_wrapper:tmp_*")


def _an_extension(url: str) -> str:
    """An extension this server's build has (pgserver's 16 ships pgvector alone, Debian's 15 and 18 contrib)."""
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT min(name) FROM pg_available_extensions WHERE name IN ('file_fdw', 'vector')")
        return found.fetchone()[0]


def _database_objects(url: str) -> list[tuple[str, str]]:
    """The oracle: the run-time objects pg_catalog holds, whatever schemac says."""
    with psycopg.connect(url) as conn:
        return conn.execute("""
            SELECT 'extension', extname::text FROM pg_extension WHERE extname <> 'plpgsql'
            UNION ALL SELECT 'server', srvname FROM pg_foreign_server
            UNION ALL SELECT 'user mapping', srvname FROM pg_user_mappings
            UNION ALL SELECT 'publication', pubname FROM pg_publication
            UNION ALL SELECT 'subscription', subname FROM pg_subscription
            UNION ALL SELECT 'event trigger', evtname FROM pg_event_trigger
            UNION ALL SELECT 'cast', castsource::regtype || ' AS ' || casttarget::regtype FROM pg_cast WHERE casttarget::regtype::text = 'tmp_pair'
            UNION ALL SELECT 'collation', collname FROM pg_collation WHERE collname LIKE 'tmp%'
            UNION ALL SELECT 'operator', oprname FROM pg_operator WHERE oprname = '==='
            UNION ALL SELECT 'text search', cfgname FROM pg_ts_config WHERE cfgname LIKE 'tmp%'
            UNION ALL SELECT 'wrapper', fdwname FROM pg_foreign_data_wrapper WHERE fdwname LIKE 'tmp%'
            ORDER BY 1, 2""").fetchall()


@pytest.mark.every_major
def test_database_level_objects_made_at_run_time(any_db_url, schemac, tmp_path):
    """Objects of the database's own (a foreign server and its user mapping, a publication, a subscription, an event
    trigger, a cast, a wrapper, an extension) and a schema's collation, operator and text search configuration made at
    run time: inspect --exclude KIND:PATTERN leaves them out and writes them as `ignore:`; diff is clean (--strict too:
    none listed as not managed); without the entries each is drift (--strict: the listed ones too)."""
    extension = _an_extension(any_db_url)
    _run(any_db_url, f"CREATE TABLE accounts (id int PRIMARY KEY); CREATE EXTENSION {extension};" + DATABASE_RUN_TIME)
    _run(any_db_url, SUBSCRIPTION)
    try:
        assert _database_objects(any_db_url) == [
            ("cast", "text AS tmp_pair"), ("collation", "tmp_c"), ("event trigger", "tmp_ddl"),
            ("extension", extension), ("operator", "==="), ("publication", "tenant_1_pub"), ("server", "tenant_1"),
            ("subscription", "tenant_1_sub"), ("text search", "tmp_ts"), ("user mapping", "tenant_1"),
            ("wrapper", "tmp_fdw")]
        args = [a for x in (*DATABASE_EXCLUDES, f"extension:{extension}") for a in ("--exclude", x)]
        r = schemac("inspect", "--database-url", any_db_url, *args, "-o", "schema.yaml", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        assert set(doc) == {"tables", "ignore"}, text
        assert {"name": "tenant_*", "kinds": ["server"]} in doc["ignore"], text
        body = text.split("\nignore:")[0]  # (the closing list of objects not managed included)
        for name in ("tenant_1", "tmp_", "===", extension, "PUBLIC@"):
            assert name not in body, (name, text)
        for strict in ((), ("--strict",)):
            r = schemac("diff", "--database-url", any_db_url, "--format", "json", *strict, cwd=tmp_path)
            report = json.loads(r.stdout)
            assert r.returncode == 0 and report["not_managed"] == [], (strict, r.stdout, r.stderr)
        # a new tenant's server and publication since: still clean
        _run(any_db_url, "CREATE SERVER tenant_2 FOREIGN DATA WRAPPER tmp_fdw; CREATE PUBLICATION tenant_2_pub")
        r = schemac("diff", "--database-url", any_db_url, "--strict", cwd=tmp_path)
        assert r.returncode == 0, (r.stdout, r.stderr)
        r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
        assert r.returncode == 0 and "DROP" not in r.stdout, (r.stdout, r.stderr)

        del doc["ignore"]
        (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        r = schemac("diff", "--database-url", any_db_url, "--format", "json", "--strict", cwd=tmp_path)
        report = json.loads(r.stdout)
        drift = {d["object"]["path"] for d in report["differences"]}
        assert r.returncode == 1, r.stdout
        for name in ("tenant_1", "tenant_2", "tenant_1_pub", "tenant_2_pub", "tmp_ddl", "tmp_fdw", f"public.{extension}",
                     "tenant_1_sub", "PUBLIC@tenant_1", "server tenant_1: password", "public.tmp_c", "public.tmp_ts", "public.tmp_dict",
                     "public.tmp_tpl", "public.tmp_ops USING btree", "public.tmp_pair"):
            assert name in drift, (name, sorted(drift))
        assert any("===" in p for p in drift) and any("tmp_pair" in p and " AS " in p for p in drift), drift
    finally:
        _run(any_db_url, "DROP SUBSCRIPTION IF EXISTS tenant_1_sub")


def test_a_database_object_is_ignored_by_its_kind_only_and_the_declaration_wins(db_url, schemac, tmp_path):
    """A bare glob without kinds names a schema, never a foreign server of that name (drift); `kinds: [server,
    publication]` leaves the undeclared ones out; a publication schema.yaml declares under the glob stays managed (its
    change reported); a user mapping and a foreign table go with their server (neither listed by --strict nor drift), a
    server and its password option with their wrapper."""
    _run(db_url, "CREATE TABLE accounts (id int PRIMARY KEY); CREATE EXTENSION file_fdw; "
                 "CREATE SERVER tenant_1 FOREIGN DATA WRAPPER file_fdw; CREATE USER MAPPING FOR PUBLIC SERVER tenant_1; "
                 "CREATE PUBLICATION tenant_1_pub FOR TABLE accounts WITH (publish = 'insert'); "
                 "CREATE PUBLICATION tenant_2_pub; "
                 "CREATE FOREIGN TABLE tenant_1_feed (id int) SERVER tenant_1 OPTIONS (filename '/dev/null'); "
                 "CREATE FOREIGN DATA WRAPPER tmp_w; CREATE SERVER other FOREIGN DATA WRAPPER tmp_w "
                 "OPTIONS (password 'x')")
    head = "tables:\n  accounts:\n    columns:\n      id: {type: integer, primary_key: true}\nextensions: [file_fdw]\n" \
           "publications:\n  tenant_1_pub: {tables: [accounts]}\n"
    (tmp_path / "schema.yaml").write_text("ignore: ['tenant_*']\n" + head, encoding="utf-8")
    r = schemac("diff", "--database-url", db_url, "--format", "json", "--strict", cwd=tmp_path)
    found = {(d["kind"], d["object"]["path"]) for d in json.loads(r.stdout)["differences"]}
    assert r.returncode == 1 and {p for _, p in found} >= {"tenant_1", "tenant_2_pub", "tenant_1_pub",
                                                            "public.tenant_1_feed", "tmp_w", "other"}, r.stdout
    (tmp_path / "schema.yaml").write_text("ignore: [{name: 'tenant_*', kinds: [server, publication]}, "
                                          "{name: 'tmp_*', kinds: [foreign_data_wrapper]}]\n" + head, encoding="utf-8")
    r = schemac("diff", "--database-url", db_url, "--format", "json", "--strict", cwd=tmp_path)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and [d["object"]["path"] for d in report["differences"]] == ["tenant_1_pub"], r.stdout
    # tenant_1, its user mapping and foreign table, tenant_2_pub; the wrapper tmp_w, its server other and its password
    assert report["not_managed"] == [] and report["summary"]["ignored"] == 7, report


def test_generate_never_drops_a_database_object_left_to_ignore(schemac, tmp_path):
    """Publications the last generate made that schema.yaml now leaves to `ignore: [{name: tenant_*, kinds:
    [publication]}]` are no longer managed: the next generate writes nothing; without the entry it drops them."""
    head = "tables:\n  accounts:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    (tmp_path / "schema.yaml").write_text(head + "publications:\n  tenant_1_pub: {tables: [accounts]}\n"
                                          "  tenant_2_pub: {}\n", encoding="utf-8")
    r = schemac("generate", "--name", "init", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (tmp_path / "schema.yaml").write_text("ignore: [{name: 'tenant_*', kinds: [publication]}]\n" + head,
                                          encoding="utf-8")
    r = schemac("generate", "--dry-run", cwd=tmp_path)
    assert r.returncode == 0 and "no changes" in (r.stdout + r.stderr).lower(), (r.stdout, r.stderr)
    (tmp_path / "schema.yaml").write_text(head, encoding="utf-8")
    r = schemac("generate", "--dry-run", "--allow-destructive", cwd=tmp_path)
    assert r.returncode == 0 and "DROP PUBLICATION" in r.stdout and "tenant_2_pub" in r.stdout, (r.stdout, r.stderr)
