"""A table's CHECK or a column's default made before a newer overload of a function it calls keeps calling the older
(Postgres binds an expression's calls when it stores it) and prints the call schema-qualified: inspect writes the
binding (`binds:`, compare.expression_binds), `diff` sees a binding that differs from schema.yaml's, and the loader
holds each entry to a declared overload (the pairs of tests/fixtures/pairs/functions.sql, check-* and default-*, cover
the migrations over rows on every major)."""

from __future__ import annotations

import re

import psycopg

OLDER = "CREATE FUNCTION nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE AS 'SELECT COALESCE($1, $2)';"
NEWER = ("CREATE FUNCTION nvl(character varying, character varying) RETURNS character varying LANGUAGE sql IMMUTABLE "
         "AS $$ SELECT COALESCE(NULLIF($1, ''), $2) $$;")
TABLE = ("CREATE TABLE bp (id int PRIMARY KEY, name varchar(60) NOT NULL, name2 varchar(60), "
         "a varchar DEFAULT nvl(''::varchar, 'x'::varchar), CONSTRAINT bp_nvl CHECK (nvl(name2, name) <> 'b'));")
FUNCTIONS = ("functions:\n  nvl:\n    arguments: anyelement, anyelement\n    returns: anyelement\n"
             "    body: SELECT COALESCE($1, $2)\n")


def test_inspect_writes_the_bindings_and_diff_sees_one_that_differs(db_url, schemac, tmp_path):
    """The CHECK and the default inspect reads bound to nvl(anyelement, anyelement) are written with `binds:`, and
    diff of the same database says in sync; schema.yaml without them: diff reports each, naming the binding (the texts
    alone read the same; the migration's would call the newer)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(OLDER + TABLE + NEWER)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert len(re.findall(r"binds: \['public\.nvl\(anyelement,\s+anyelement\)'\]", text)) == 2, text
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 0, d.stdout + d.stderr
    (tmp_path / "schema.yaml").write_text(re.sub(r",\s+binds: \[[^]]*\]", "", text))
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 1 and "column a: default is public.nvl(''::character varying, 'x'::character varying) " \
        "(calling public.nvl(anyelement, anyelement)), expected public.nvl(''::character varying, 'x'::character " \
        "varying)  [" in d.stdout and "check constraint bp_nvl is CHECK (((public.nvl(name2, name))::text <> " \
        "'b'::text)) (calling public.nvl(anyelement, anyelement)), expected" in d.stdout, d.stdout + d.stderr


def test_binds_of_a_check_or_a_default_names_a_declared_overload(schemac, tmp_path):
    """A CHECK's `binds:` entry naming no overload schema.yaml declares is refused at the CHECK's line; a column's
    `binds:` without a default, and a domain's CHECK's, are refused."""
    table = "tables:\n  bp:\n    columns:\n      id: {type: integer, primary_key: true}\n      name: text\n"
    (tmp_path / "schema.yaml").write_text(
        FUNCTIONS + table + "    checks:\n      c: {expression: \"public.nvl(name, name) <> ''\", "
        "binds: ['public.nvl(text, text)']}\n")
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and "binds of check 'c' of table public.bp: schema.yaml declares no " \
        "public.nvl(text, text)" in g.stderr, g.stderr
    (tmp_path / "schema.yaml").write_text(FUNCTIONS + table.replace(
        "name: text\n", "name: {type: text, binds: ['public.nvl(anyelement, anyelement)']}\n"))
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and "binds is a default's" in g.stderr, g.stderr
    (tmp_path / "schema.yaml").write_text(
        FUNCTIONS + "domains:\n  dn:\n    type: text\n    checks:\n      c: {expression: \"public.nvl(VALUE, 'b') <> "
        "'b'\", binds: ['public.nvl(anyelement, anyelement)']}\n")
    g = schemac("generate", "--name", "init")
    assert g.returncode == 2 and "binds is a table's CHECK's" in g.stderr, g.stderr
