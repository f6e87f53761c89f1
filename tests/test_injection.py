"""Injection: hostile names and SQL snippets either fail with a clear error, or create exactly what schema.yaml says.

Every accepted case goes all the way: `schemac generate` -> the migration applied to a real server (as
sqlx would, one transaction per file) -> the catalog compared before and after. The new objects must be
exactly the declared ones, spelled byte for byte as in schema.yaml; nothing else may appear or go
(roles, databases, functions, triggers, rules, settings, a canary table in another schema); defaults
must produce exactly the declared values and comments must read back exactly. Then `schemac diff`
reports the database in sync, and running it changed nothing either.
"""

from __future__ import annotations

import json
import re

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import sampled
from psycopg import sql

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

CANARY_SCHEMA = "canary"
DROP = f"DROP TABLE {CANARY_SCHEMA}.canary"
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


# -- the catalog, whole ------------------------------------------------------------------------------

def _rows(conn, query: str) -> frozenset:
    return frozenset(tuple(r) for r in conn.execute(query).fetchall())


_USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%' " \
           "AND n.nspname NOT LIKE 'pg\\_temp\\_%%'"


def catalog(url: str) -> dict[str, frozenset]:
    """Everything a migration could create, change or destroy, as sets of rows."""
    with psycopg.connect(url, autocommit=True) as conn:
        q = lambda text: _rows(conn, text.replace("%%", "%"))  # noqa: E731
        return {
            "namespaces": q(f"SELECT n.nspname FROM pg_namespace n WHERE {_USER_NS}"),
            "relations": q(f"SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                           f"ON n.oid = c.relnamespace WHERE {_USER_NS}"),
            "columns": q(f"SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
                         f"FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n "
                         f"ON n.oid = c.relnamespace WHERE {_USER_NS} AND a.attnum > 0 AND NOT a.attisdropped "
                         f"AND c.relkind IN ('r', 'p')"),
            "constraints": q(f"SELECT n.nspname, c.relname, con.conname, con.contype FROM pg_constraint con "
                             f"JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                             f"WHERE {_USER_NS} AND con.contype <> 'n'"),
            "functions": q(f"SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                           f"WHERE {_USER_NS}"),
            "types": q(f"SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                       f"WHERE {_USER_NS} AND t.typrelid = 0 AND t.typelem = 0"),
            "triggers": q("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"),
            "event_triggers": q("SELECT evtname FROM pg_event_trigger"),
            "rules": q("SELECT rulename FROM pg_rewrite WHERE rulename <> '_RETURN'"),
            "policies": q("SELECT polname FROM pg_policy"),
            "roles": q("SELECT rolname, rolsuper, rolcanlogin FROM pg_roles"),
            "databases": q("SELECT datname FROM pg_database"),
            "extensions": q("SELECT extname FROM pg_extension"),
            "publications": q("SELECT pubname FROM pg_publication"),
            "role_settings": q("SELECT setdatabase, setrole, array_to_string(setconfig, ',') FROM pg_db_role_setting"),
            "grants": q(f"SELECT n.nspname, c.relname, coalesce(array_to_string(c.relacl, ','), '') FROM pg_class c "
                        f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_NS}"),
            "canary": q(f"SELECT * FROM {CANARY_SCHEMA}.canary") if _has_canary(conn) else frozenset({("GONE",)}),
        }


def _has_canary(conn) -> bool:
    return conn.execute("SELECT to_regclass('canary.canary') IS NOT NULL").fetchone()[0]


def delta(before: dict, after: dict) -> dict[str, tuple[frozenset, frozenset]]:
    """Per kind: (appeared, disappeared); kinds without change are left out."""
    out = {}
    for kind in before:
        added, removed = after[kind] - before[kind], before[kind] - after[kind]
        if added or removed:
            out[kind] = (added, removed)
    return out


@pytest.fixture
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {CANARY_SCHEMA}")
        conn.execute(f"CREATE TABLE {CANARY_SCHEMA}.canary (id integer PRIMARY KEY, note text)")
        conn.execute(f"INSERT INTO {CANARY_SCHEMA}.canary VALUES (1, 'still here')")
    return db_url


# -- running schemac -------------------------------------------------------------------------------------

def generate_and_apply(schemac, tmp_path, url: str, doc: dict) -> str:
    """Write schema.yaml from Python data (so the expected names are known exactly), generate, apply."""
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    layout = Layout(str(tmp_path / "generated"))
    old = {m.path for m in layout.migrations()}
    r = schemac("generate", "--allow-destructive", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    new = [m for m in layout.migrations() if m.path not in old]
    assert new, r.stdout
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, new, record=False)  # as sqlx would, one transaction per file
    return text


def expected_objects(doc: dict) -> dict:
    """What the declared schema must add to the catalog, computed from the document, not from schemac."""
    relations, columns, checks, namespaces = set(), set(), set(), set()
    key_constraints = 0
    named_keys = set()
    index_names = set()
    for table, t in doc["tables"].items():
        ns = t.get("schema", "public")
        if ns != "public":
            namespaces.add((ns,))
        relations.add((ns, table, "r"))
        for col, c in t["columns"].items():
            columns.add((ns, table, col))
            if isinstance(c, dict) and c.get("unique"):
                key_constraints += 1
        if "primary_key" in t or any(isinstance(c, dict) and c.get("primary_key") for c in t["columns"].values()):
            key_constraints += 1
            if "name" in t.get("primary_key", {}):
                named_keys.add((ns, table, t["primary_key"]["name"], "p"))
        for u in t.get("unique", []):
            key_constraints += 1
            if "name" in u:
                named_keys.add((ns, table, u["name"], "u"))
        for name in t.get("checks", {}):
            checks.add((ns, table, name, "c"))
        for name in t.get("indexes", {}):
            index_names.add((ns, name, "i"))
    return dict(namespaces=namespaces, relations=relations, columns=columns, checks=checks, named_keys=named_keys,
                index_names=index_names, key_constraints=key_constraints)


def assert_exactly_declared(before: dict, after: dict, doc: dict) -> None:
    exp_ = expected_objects(doc)
    changed = delta(before, after)
    allowed = {"namespaces", "relations", "columns", "constraints", "grants", "types"}
    assert set(changed) <= allowed, {k: v for k, v in changed.items() if k not in allowed}
    for kind, (_, removed) in changed.items():
        assert not removed, f"{kind} disappeared: {removed}"
    added = {k: v[0] for k, v in changed.items()}
    assert added.get("namespaces", set()) == exp_["namespaces"]
    tables = {r for r in added.get("relations", set()) if r[2] == "r"}
    indexes = {r for r in added.get("relations", set()) if r[2] == "i"}
    others = {r for r in added.get("relations", set()) if r[2] not in ("r", "i")}
    assert tables == exp_["relations"]
    assert exp_["index_names"] <= indexes, exp_["index_names"] - indexes
    assert len(indexes) == len(exp_["index_names"]) + exp_["key_constraints"], indexes
    assert not {r for r in others if r[2] != "t"}, others  # toast tables live in pg_toast anyway
    assert {c[:3] for c in added.get("columns", set())} == exp_["columns"]
    constraints = added.get("constraints", set())
    assert {c for c in constraints if c[3] == "c"} == exp_["checks"]
    assert exp_["named_keys"] <= constraints
    assert len({c for c in constraints if c[3] in ("p", "u")}) == exp_["key_constraints"]
    assert not {c for c in constraints if c[3] not in ("p", "u", "c")}
    # array types of the new tables only (typelem = 0 filters those): no type may appear
    assert not added.get("types")


def assert_diff_in_sync(schemac, url: str) -> None:
    before = catalog(url)
    r = schemac("diff", "--database-url", url, "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert catalog(url) == before, "schemac diff changed the catalog"


# -- the cases -----------------------------------------------------------------------------------------------

HOSTILE_TABLE = 'x"; DROP TABLE canary.canary; --'
HOSTILE_SCHEMA = "Sales; Data"
QUOTE_COL = 'a"b'
UNICODE_COL = "naïve 名前 😀"
COMMENT = "it's -- /* not */ a comment; $$ dollar $$ \\ backslash\nsecond line; DROP TABLE canary.canary; --"

# column -> (declared default, value PostgreSQL must produce)
DEFAULTS = {
    "select": ("'; DROP TABLE canary.canary; --'", "; DROP TABLE canary.canary; --"),
    QUOTE_COL: ("$$it's; DROP TABLE canary.canary$$", "it's; DROP TABLE canary.canary"),
    UNICODE_COL: ("'/* not a comment */ -- nor this'", "/* not a comment */ -- nor this"),
    "semi;colon": ("'semi; colon'", "semi; colon"),
    "back\\slash": ("'\\'", "\\"),
    "dollar$$": ("$a$ $$ ; $a$", " $$ ; "),
    "%s %(x)s": ("'%s %(x)s {}'", "%s %(x)s {}"),
    "with space": ("'with'' space'", "with' space"),
    "--": ("'x' /* ); DROP TABLE canary.canary; */", "x"),
    "/*": ("'*/'", "*/"),
}

HOSTILE_DOC = {"tables": {
    HOSTILE_TABLE: {
        "schema": HOSTILE_SCHEMA,
        "comment": COMMENT,
        "columns": {
            "Order": {"type": "integer", "primary_key": True, "default": "1"},
            **{name: {"type": "text", "nullable": False, "default": d} for name, (d, _) in DEFAULTS.items()},
            "MixedCase": {"type": "integer", "default": "0", "comment": COMMENT},
            "user": "text",
            "table": {"type": "integer", "unique": True},
        },
        "unique": [{"columns": ["select", QUOTE_COL], "name": 'uq"; DROP TABLE canary.canary; --'}],
        "checks": {
            "chk; DROP TABLE canary.canary; --": "\"select\" <> '; DROP TABLE canary.canary; --x'",
            "chk $$": "\"a\"\"b\" <> $$'$$ AND \"semi;colon\" IS NOT NULL",
            "chk /*": "\"MixedCase\" >= 0 /* ); DROP TABLE canary.canary; */",
            "chk --": "\"MixedCase\" >= 0 -- ); DROP TABLE canary.canary;",
        },
        "indexes": {
            'idx"; DROP TABLE canary.canary; --': {
                "columns": ["select", {"expression": "lower(\"a\"\"b\")"}],
                "where": "\"select\" <> '; DROP TABLE canary.canary; --' AND \"naïve 名前 😀\" IS NOT NULL",
            },
            "Idx Mixed": {"columns": [{"name": "MixedCase", "order": "desc"}], "include": ["with space"]},
        },
    },
    "plain": {"columns": {"id": {"type": "bigint", "primary_key": True}}, "comment": "'); DROP TABLE canary.canary; --"},
}}


def test_hostile_names_and_literals_create_exactly_the_declared_objects(db, schemac, tmp_path):
    before = catalog(db)
    generate_and_apply(schemac, tmp_path, db, HOSTILE_DOC)
    after = catalog(db)
    assert after["canary"] == before["canary"] == frozenset({(1, "still here")})
    assert_exactly_declared(before, after, HOSTILE_DOC)
    with psycopg.connect(db, autocommit=True) as conn:
        table = sql.Identifier(HOSTILE_SCHEMA, HOSTILE_TABLE)
        conn.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table))
        cols = list(DEFAULTS)
        row = conn.execute(sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(map(sql.Identifier, cols)),
                                                                table)).fetchone()
        assert dict(zip(cols, row)) == {name: value for name, (_, value) in DEFAULTS.items()}
        oid = conn.execute("SELECT %s::regclass::oid", (f'"{HOSTILE_SCHEMA}"."{HOSTILE_TABLE.replace(chr(34), 2 * chr(34))}"',)).fetchone()[0]
        assert conn.execute("SELECT obj_description(%s, 'pg_class')", (oid,)).fetchone()[0] == COMMENT
        col_comment = conn.execute("SELECT col_description(%s, attnum) FROM pg_attribute WHERE attrelid = %s "
                                   "AND attname = 'MixedCase'", (oid, oid)).fetchone()[0]
        assert col_comment == COMMENT
        plain_comment = conn.execute("SELECT obj_description('public.plain'::regclass, 'pg_class')").fetchone()[0]
        assert plain_comment == "'); DROP TABLE canary.canary; --"
        # the checks hold exactly what was declared: the hostile literal is rejected as data, not run
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(sql.SQL("INSERT INTO {} ({}, {}) VALUES (2, '; DROP TABLE canary.canary; --x')").format(
                table, sql.Identifier("Order"), sql.Identifier("select")))
    assert_diff_in_sync(schemac, db)


def test_renaming_hostile_names(db, schemac, tmp_path):
    """RENAME statements quote both names: a second migration renames table, column and index exactly."""
    v1 = {"tables": {'old"; DROP TABLE canary.canary; --': {
        "columns": {"id": {"type": "integer", "primary_key": True}, "Old Col;": "text"},
        "indexes": {"old idx --": {"columns": ["Old Col;"]}}}}}
    v2 = {"tables": {'new $$ name': {
        "renamed_from": 'old"; DROP TABLE canary.canary; --',
        "columns": {"id": {"type": "integer", "primary_key": True},
                    "New\"Col": {"type": "text", "renamed_from": "Old Col;"}},
        "indexes": {"new idx /*": {"columns": ["New\"Col"], "renamed_from": "old idx --"}}}}}
    before = catalog(db)
    generate_and_apply(schemac, tmp_path, db, v1)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(sql.SQL("INSERT INTO {} VALUES (1, 'kept')").format(sql.Identifier(*list(v1["tables"])[0:1])))
    generate_and_apply(schemac, tmp_path, db, v2)
    after = catalog(db)
    assert_exactly_declared(before, after, v2)
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute(sql.SQL("SELECT {} FROM {}").format(sql.Identifier('New"Col'),
                                                               sql.Identifier("new $$ name"))).fetchone()
        assert row == ("kept",)  # renamed, not dropped and re-created
    assert_diff_in_sync(schemac, db)


def test_escape_and_unicode_string_defaults(db, schemac, tmp_path):
    """E'...' and U&'...' literals reach the server exactly (values checked)."""
    defaults = {
        "e": ("E'back\\\\slash \\' quote; DROP TABLE canary.canary; --'", "back\\slash ' quote; DROP TABLE canary.canary; --"),
        "u": ("U&'d\\0061t\\+000061'", "data"),
        "e2": ("e'\\x41\\n'", "A\n"),
    }
    doc = {"tables": {"t": {"columns": {"id": {"type": "integer", "primary_key": True, "default": "1"},
                                        **{c: {"type": "text", "default": d} for c, (d, _) in defaults.items()}}}}}
    before = catalog(db)
    generate_and_apply(schemac, tmp_path, db, doc)
    assert_exactly_declared(before, catalog(db), doc)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("INSERT INTO t DEFAULT VALUES")
        assert conn.execute("SELECT e, u, e2 FROM t").fetchone() == tuple(v for _, v in defaults.values())
    # Postgres stores the plain literal; the normal form decodes E'..' and U&'..' alike: no drift.
    r = schemac("diff", "--database-url", db)
    assert r.returncode == 0, r.stdout + r.stderr


# PostgreSQL's reserved key words (SQL Key Words appendix, "reserved" in the PostgreSQL column).
RESERVED = """all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
collation column concurrently constraint create cross current_catalog current_date current_role current_schema
current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for
foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading
left like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing
primary references returning right select session_user similar some symmetric system_user table tablesample then to
trailing true union unique user using variadic verbose when where window with""".split()


def test_reserved_words_and_mixed_case_as_names(db, schemac, tmp_path):
    columns = {word: "integer" for word in RESERVED}
    columns.update({"Id": {"type": "integer", "primary_key": True}, "ID": "integer", "id": "integer"})
    doc = {"tables": {
        "select": {"schema": "from", "columns": columns,
                   "checks": {"check": '"order" > 0 AND "Id" <> "ID"', "where": '"null" IS NULL'},
                   "indexes": {"index": {"columns": ["group", {"name": "user", "order": "desc"}],
                                         "where": '"true" = 1'},
                               "Table": {"columns": [{"expression": '"limit" + "offset"'}], "unique": True}},
                   "unique": [{"columns": ["all", "any"], "name": "constraint"}]},
        "Select": {"columns": {"default": {"type": "text", "default": "'default'"}}},
    }}
    before = catalog(db)
    generate_and_apply(schemac, tmp_path, db, doc)
    after = catalog(db)
    assert_exactly_declared(before, after, doc)
    assert_diff_in_sync(schemac, db)


# Each is refused when schema.yaml is loaded: exit 2, one located line, nothing written, nothing run.
REJECTED = [
    ("default-second-statement", {"a": {"type": "text", "default": f"'x'; {DROP}"}}, None, "exactly one SQL expression"),
    ("default-closes-paren", {"a": {"type": "text", "default": f"'x'); {DROP}; --"}}, None, "not valid SQL"),
    ("default-subquery", {"a": {"type": "integer", "default": "(SELECT count(*) FROM canary.canary)"}}, None,
     "subquery"),
    ("default-statement", {"a": {"type": "integer", "default": DROP}}, None, "not a statement"),
    ("default-dollar-unterminated", {"a": {"type": "text", "default": f"$$x; {DROP}"}}, None, "SQL"),
    ("default-copy-program", {"a": {"type": "text", "default": "COPY canary.canary TO PROGRAM 'id'"}}, None,
     "not a statement"),
    ("check-second-statement", {"a": "integer"}, {"checks": {"c": f"a > 0; {DROP}"}}, "exactly one SQL expression"),
    ("check-closes-paren", {"a": "integer"}, {"checks": {"c": f"a > 0); {DROP}; --"}}, "SQL"),
    ("check-subquery", {"a": "integer"}, {"checks": {"c": "a IN (SELECT id FROM canary.canary)"}}, "subquery"),
    ("where-second-statement", {"a": "integer"}, {"indexes": {"i": {"columns": ["a"], "where": f"a > 0; {DROP}"}}},
     "exactly one SQL expression"),
    ("where-exists", {"a": "integer"}, {"indexes": {"i": {"columns": ["a"],
                                                         "where": "EXISTS (SELECT 1 FROM canary.canary)"}}},
     "subquery"),
    ("expression-statement", {"a": "integer"}, {"indexes": {"i": {"columns": [{"expression": f"a); {DROP}; --"}]}}},
     "SQL"),
    ("type-statement", {"a": f"integer; {DROP}"}, None, "is not a type"),
    ("type-closes-paren", {"a": f"varchar(1)) ; {DROP}; --"}, None, "is not a type"),
    ("type-default-clause", {"a": "text DEFAULT 'x'"}, None, "DEFAULT clause"),
    ("type-collate", {"a": 'text COLLATE "C"'}, None, "COLLATE"),
    ("type-constraint", {"a": "integer REFERENCES canary.canary"}, None, "type"),
    ("type-modifier-call", {"a": "varchar(pg_sleep(10))"}, None, "whole number"),
    ("name-with-nul", {"a\x00b": "text"}, None, "NUL"),
    ("name-too-long", {"é" * 32: "text"}, None, "63 bytes"),
    ("comment-with-nul", {"a": {"type": "text", "comment": "x\x00y"}}, None, "NUL"),
]


@pytest.mark.parametrize("case_id,columns,extra,fragment",
                         sampled([pytest.param(*c, id=c[0]) for c in REJECTED], every=3))
def test_rejected_before_anything_runs(db, schemac, tmp_path, case_id, columns, extra, fragment):
    doc = {"tables": {"t": {"columns": columns, **(extra or {})}}}
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    before = catalog(db)
    for args in (("generate",), ("diff", "--database-url", db, "--sql")):
        r = schemac(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and re.match(r"^schemac: error: schema\.yaml:\d+:\d+: ", lines[0]), r.stderr
        assert fragment in lines[0], lines[0]
        assert r.stdout == ""
    assert not (tmp_path / "generated" / "migrations").exists() or not any((tmp_path / "generated" / "migrations").iterdir())
    assert catalog(db) == before


def test_diff_with_sql_never_runs_the_sql(db, schemac, tmp_path):
    """`diff --sql` prints the DDL for hostile declarations; the database stays exactly as it was."""
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(HOSTILE_DOC, allow_unicode=True), encoding="utf-8")
    before = catalog(db)
    r = schemac("diff", "--database-url", db, "--sql")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "CREATE TABLE" in r.stdout and "Drift:" in r.stderr and "Drift:" not in r.stdout
    assert catalog(db) == before
    # the SQL it printed, applied by hand, creates exactly what was declared: no drift is left
    r = schemac("diff", "--database-url", db, "--sql", "--format", "json")
    assert r.returncode == 1 and "CREATE TABLE" in r.stdout and json.loads(r.stderr)["in_sync"] is False, r.stdout
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(r.stdout)
    r = schemac("diff", "--database-url", db)
    assert r.returncode == 0, r.stdout + r.stderr


# -- generated names and literals, on the real server ----------------------------------------------------------

NAME_ALPHABET = st.sampled_from(list("aZé名😀 _-;'\"$/*\\%().,:?!@#`{}[]|<>=+~^&") + ["--", "/*", "*/", "$$", "''"])
hostile_names = st.lists(NAME_ALPHABET, min_size=1, max_size=12).map("".join).filter(
    lambda s: len(s.encode()) <= 63 and s.strip() == s and s)
hostile_literals = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_ROUND_TRIP = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_HOSTILE = dict(table=hostile_names, column=hostile_names, index=hostile_names, check=hostile_names,
                value=hostile_literals, comment=hostile_literals)


@settings(max_examples=5, derandomize=True, **_ROUND_TRIP)  # the same 5 on every run; the slow test's 40 afresh
@given(**_HOSTILE)
def test_generated_hostile_names_round_trip(db, schemac, tmp_path_factory, table, column, index, check, value, comment):
    _hostile_round_trip(db, schemac, tmp_path_factory, table, column, index, check, value, comment)


@pytest.mark.slow
@settings(max_examples=40, **_ROUND_TRIP)
@given(**_HOSTILE)
def test_generated_hostile_names_round_trip_exhaustive(db, schemac, tmp_path_factory, table, column, index, check,
                                                       value, comment):
    _hostile_round_trip(db, schemac, tmp_path_factory, table, column, index, check, value, comment)


def _hostile_round_trip(db, schemac, tmp_path_factory, table, column, index, check, value, comment):
    if len({table, index}) < 2 or column == "id":
        return  # an index and a table share one namespace
    tmp = tmp_path_factory.mktemp("gen")
    doc = {"tables": {table: {
        "schema": "hyp",
        "comment": comment,
        "columns": {"id": {"type": "integer", "primary_key": True, "default": "1"},
                    column: {"type": "text", "nullable": False, "default": _literal(value), "comment": comment}},
        "checks": {check: f'"{column.replace(chr(34), 2 * chr(34))}" IS NOT NULL'},
        "indexes": {index: {"columns": [column], "where": f"id <> 0 AND {_literal(value)} IS NOT NULL"}},
    }}}
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS hyp CASCADE")
    before = catalog(db)
    generate_and_apply(schemac, tmp, db, doc)
    after = catalog(db)
    assert_exactly_declared(before, after, doc)
    with psycopg.connect(db, autocommit=True) as conn:
        ident = sql.Identifier("hyp", table)
        conn.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES").format(ident))
        got = conn.execute(sql.SQL("SELECT {} FROM {}").format(sql.Identifier(column), ident)).fetchone()[0]
        assert got == value
        oid = conn.execute("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = 'hyp' AND c.relname = %s", (table,)).fetchone()[0]
        assert conn.execute("SELECT obj_description(%s, 'pg_class')", (oid,)).fetchone()[0] == (comment or None)
    r = schemac("diff", "--database-url", db, cwd=tmp)
    assert r.returncode == 0, r.stdout + r.stderr


def test_hostile_names_in_the_database_cannot_forge_report_lines(db, schemac, tmp_path):
    """A table in the database named with a line break cannot add a workflow command to --format github."""
    forged = "x\n::warning file=schema.yaml::forged\r\n::add-mask::y"
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE TABLE {} (id integer)").format(sql.Identifier(forged)))
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns: {id: integer}\n", encoding="utf-8")
    r = schemac("diff", "--database-url", db, "--format", "github")
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::error::", "::notice::")) for line in lines), lines
    assert "::warning" not in [line[:9] for line in lines] and not any(line.startswith("::add-mask") for line in lines)
    j = schemac("diff", "--database-url", db, "--format", "json")
    assert j.returncode == 1
    assert forged in {d["object"].get("table") for d in json.loads(j.stdout)["differences"]}  # JSON escapes it
