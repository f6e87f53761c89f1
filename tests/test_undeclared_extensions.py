"""What an extension makes, used by schema.yaml, whose extension schema.yaml does not declare (fix57l's finding).

`inspect --exclude extension:file_fdw` on a database with `CREATE SERVER files FOREIGN DATA WRAPPER file_fdw` wrote
the server without the extension, said nothing, and `diff` was in sync; the migration `generate` made of that file
failed on a new database ('foreign-data wrapper "file_fdw" does not exist'). So did an index over pg_trgm's
`public.gin_trgm_ops` with `--exclude extension:pg_trgm` ('operator class ... does not exist'). The loader accepts
both (Postgres does): inspect now warns on stderr and generate says so, naming the object, what it uses, its line
and the way out. The oracle: the migration refused by an empty database as said, and, once the extension is
declared, no word and the migration applied to an empty database (pg_foreign_server, pg_opclass of the index)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.commands.generate import generate
from schemac.compare.default_classes import CORE_DEFAULTS
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# (pgserver's 16 ships no contrib: neither file_fdw nor pg_trgm)
MAJORS = ["pg18", pytest.param("pg15", marks=pytest.mark.slow)]
# extension -> (what the database has, what inspect's warning and generate's notice say, the notice's line's key in
# schema.yaml, the empty database's refusal, the oracle's query and rows)
CASES = {
    "file_fdw": ("CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER file_fdw; CREATE TABLE t (id int);",
                 ("foreign server files uses foreign data wrapper file_fdw, which nothing",) * 2, "files:",
                 'foreign-data wrapper "file_fdw" does not exist',
                 "SELECT s.srvname, w.fdwname FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw",
                 [("files", "file_fdw")]),
    "pg_trgm": ("CREATE EXTENSION pg_trgm; CREATE TABLE t (id int PRIMARY KEY, c text); "
                "CREATE INDEX t_c_trgm ON t USING gin (c gin_trgm_ops);",
                ("index t_c_trgm of public.t uses operator class public.gin_trgm_ops of extension pg_trgm",) * 2,
                "t_c_trgm:",
                'operator class "public.gin_trgm_ops" does not exist',
                "SELECT i.indexrelid::regclass::text, o.opcname FROM pg_index i JOIN pg_opclass o ON o.oid = i.indclass[0] "
                "WHERE i.indexrelid = 't_c_trgm'::regclass", [("t_c_trgm", "gin_trgm_ops")]),
    # (inspect lists the type under external_types:, which generate's notice was of already, without the way out)
    "citext": ("CREATE EXTENSION citext; CREATE TABLE t (id int PRIMARY KEY, c citext); INSERT INTO t VALUES (1, 'A');",
               ("type citext is extension citext's, which the file does not declare",
                "table public.t uses type citext, which external_types: lists"), "t:", 'type "citext" does not exist',
               "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
               "WHERE a.attrelid = 't'::regclass AND a.attname = 'c'", [("c", "citext")]),
    # fix57n's left: sqlglot knows HSTORE as a type of its own, so the loader took an hstore argument and column for
    # Postgres's own: inspect wrote them with no external_types: and no word, and the migration failed as below
    "hstore": ("CREATE EXTENSION hstore; CREATE TABLE t (id int PRIMARY KEY, tags hstore); INSERT INTO t VALUES "
               "(1, 'a=>1'); CREATE FUNCTION f(h hstore) RETURNS int LANGUAGE sql AS 'SELECT 1';",
               ("type hstore is extension hstore's, which the file does not declare",
                "function public.f uses type hstore, which external_types: lists"), "f:", 'type hstore does not exist',
               "SELECT p.proname::text, pg_get_function_arguments(p.oid) FROM pg_proc p WHERE p.proname = 'f' "
               "UNION ALL SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
               "WHERE a.attrelid = 't'::regclass AND a.attname = 'tags'", [("f", "h hstore"), ("tags", "hstore")]),
    # fix57n's left: btree_gist's gist_int4_ops is integer's default class under gist, so the catalog reader names no
    # class, and the migration failed as below with no word (compare.default_classes)
    "btree_gist": ("CREATE EXTENSION btree_gist; CREATE TABLE t (room int, during tsrange, "
                   "CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&));",
                   ("keys column room (integer) under gist with no operator class",) * 2, "- name: no_overlap",
                   'data type integer has no default operator class for access method "gist"',
                   "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'x'",
                   [("no_overlap", "EXCLUDE USING gist (room WITH =, during WITH &&)")]),
}


def _applied_to_empty(url: str, out: str, query: str) -> list:
    """`query`'s rows in an empty database after the migrations in `out` (refused: the error raised)."""
    with sibling_database(url) as empty, psycopg.connect(empty, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        return conn.execute(query).fetchall()


@pytest.mark.parametrize("extension", list(CASES))
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_what_an_undeclared_extension_makes_is_said_until_it_is_declared(major_db, schemac, tmp_path, extension):
    source, (warning, notice), key, refusal, query, rows = CASES[extension]

    def said(text: str, marker: str) -> list[str]:
        return [line for line in text.splitlines() if marker in line]

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(source)
    left = tmp_path / "left"
    left.mkdir()
    r = schemac("inspect", "--database-url", major_db, "--exclude", f"extension:{extension}", "-o", "schema.yaml",
                cwd=left)
    assert r.returncode == 0, r.stderr
    text = (left / "schema.yaml").read_text()
    assert "extensions" not in text
    warned = said(r.stderr, warning)
    assert len(warned) == 1 and warned[0].startswith("schemac: warning: "), r.stderr
    assert schemac("diff", "--database-url", major_db, cwd=left).returncode == 0  # (in sync: the database has it)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith(key))
    result = generate(str(left / "schema.yaml"), str(left / "generated"))
    assert result.status == "written"
    notices = said("\n".join(result.notices), notice)
    assert len(notices) == 1 and notices[0].startswith(f"{left / 'schema.yaml'}:{line}:"), result.notices
    assert f"declare extension {extension} under extensions:" in notices[0]
    with pytest.raises(psycopg.errors.UndefinedObject) as e:  # as said: an empty database has no such object
        _applied_to_empty(major_db, str(left / "generated"), query)
    assert refusal in str(e.value)

    declared = tmp_path / "declared"
    declared.mkdir()
    r = schemac("inspect", "--database-url", major_db, "-o", "schema.yaml", cwd=declared)
    assert r.returncode == 0 and said(r.stderr, warning) == [], r.stderr
    assert extension in (declared / "schema.yaml").read_text()
    result = generate(str(declared / "schema.yaml"), str(declared / "generated"))
    assert result.status == "written" and said("\n".join(result.notices), notice) == []
    assert _applied_to_empty(major_db, str(declared / "generated"), query) == rows


def test_a_wrapper_declared_or_an_unknown_extension_is_no_notice(tmp_path):
    """No server: nothing; a wrapper of the database's own declared, or an extension this does not know (which may make
    any wrapper): no word; the same server without either: the notice (no database read: the loader's model)."""
    cases = {"wrapper: own\n": "foreign_data_wrappers:\n  own: {}\n", "wrapper: mysql_fdw\n": "extensions: [mysql_fdw]\n",
             "wrapper: w\n": "extensions: [some_extension]\n"}
    for server, beside in cases.items():
        for text, said in ((beside, False), ("", True)):
            schema = tmp_path / "schema.yaml"
            schema.write_text(text + "foreign_servers:\n  s1:\n    " + server, encoding="utf-8")
            result = generate(str(schema), str(tmp_path / "generated"), dry_run=True)
            found = [n for n in result.notices if "foreign server s1 uses foreign data wrapper" in n]
            assert len(found) == said, (text, server, result.notices)


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_a_trigger_over_an_excluded_extensions_function_loads(major_db, schemac, tmp_path):
    """`inspect --exclude extension:moddatetime` kept a trigger running moddatetime(m) and listed the function nowhere:
    the loader refused the file inspect wrote ('schema.yaml declares no function moddatetime'), `diff` and `generate`
    exit 2. It is listed under external_functions: now, as a function of a schema inspect did not read, and said on
    stderr; the migration, as external_functions: means, applies where the function is made beforehand."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION moddatetime; CREATE TABLE t (id int PRIMARY KEY, m timestamp); CREATE TRIGGER "
                     "t_m BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION moddatetime(m);")
    r = schemac("inspect", "--database-url", major_db, "--exclude", "extension:moddatetime", "-o", "schema.yaml")
    assert r.returncode == 0, r.stderr
    assert "external_functions: [public.moddatetime]" in (tmp_path / "schema.yaml").read_text()
    assert [line for line in r.stderr.splitlines() if "function public.moddatetime a trigger runs" in line
            and line.startswith("schemac: warning: ")], r.stderr
    r = schemac("diff", "--database-url", major_db)
    assert r.returncode == 0, r.stdout + r.stderr
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"))
    assert result.status == "written"
    with pytest.raises(psycopg.errors.UndefinedFunction) as e:  # (what external_functions: means: made beforehand)
        _applied_to_empty(major_db, str(tmp_path / "generated"), "SELECT 1")
    assert "moddatetime" in str(e.value)


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_core_default_classes_are_the_servers(major_db):
    """compare.default_classes.CORE_DEFAULTS is pg_opclass's default gist and gin classes of a bare server, by type."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        rows = conn.execute("SELECT am.amname, format_type(c.opcintype, NULL) FROM pg_opclass c JOIN pg_am am ON "
                            "am.oid = c.opcmethod WHERE c.opcdefault AND am.amname IN ('gist', 'gin')").fetchall()
    assert {m: frozenset(t for a, t in rows if a == m) for m in ("gist", "gin")} == CORE_DEFAULTS
