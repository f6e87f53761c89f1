"""The shipped cast table (schemac.pg.casts) is what each server's pg_cast says, and `converts` agrees
with what ALTER COLUMN ... TYPE does on a real server."""

from __future__ import annotations

import psycopg
import pytest
from pgharness import takes

from schemac.pg.casts import (_CASTS, ADDED_IN_18, BUILTIN_TYPES, CAST_TABLE_QUERIES, EXTENSION_STRING_TYPES,
                              base_and_dims, converts, converts_own)
from schemac.pg.knowntypes import EXTENSION_CASTS, EXTENSION_TYPES, converts_extension


@pytest.mark.every_major
def test_the_table_is_this_servers_pg_cast(any_db_url):
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        major = conn.info.server_version // 10000
        types = {r[0] for r in conn.execute(CAST_TABLE_QUERIES[0])}
        casts = {(a, b) for a, b in conn.execute(CAST_TABLE_QUERIES[1]) if a in types and b in types}
    shared = types & BUILTIN_TYPES
    assert shared >= BUILTIN_TYPES - {"xid8"}  # every type the table knows, on every major it checks
    shipped = {(a, b) for a, targets in _CASTS.items() for b in targets if a in shared and b in shared}
    assert shipped - (ADDED_IN_18 if major < 18 else set()) == {(a, b) for a, b in casts if a in shared and b in shared}


# (old type, new type, a value of the old type): a sample across categories, each way.
SAMPLES = [("bigint", "timestamp with time zone", "86400"), ("date", "integer", "'2024-01-02'"),
           ("uuid", "bigint", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"), ("boolean", "integer", "true"),
           ("integer", "boolean", "1"), ("json", "jsonb", "'{}'"), ("numeric(6,2)", "integer", "1.5"),
           ("timestamp(3) with time zone", "date", "now()"), ("inet", "cidr", "'10.0.0.0/8'"),
           ("integer[]", "bigint[]", "'{1,2}'"), ("integer", "integer[]", "1"), ("text", "integer[]", "'{1}'"),
           ("money", "numeric", "1"), ("point", "box", "'(1,1)'"), ("interval", "time without time zone", "'1 hour'"),
           ("bytea", "uuid", "'\\x00'"), ("character varying(5)", "xml", "'<a/>'"), ("real", "money", "1")]


@pytest.mark.parametrize("old,new,value", SAMPLES, ids=[f"{a}->{b}" for a, b, _ in SAMPLES])
def test_converts_is_what_alter_column_type_does(db_url, old, new, value):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE t (c {old})")
        works = takes(conn, f"ALTER TABLE t ALTER COLUMN c TYPE {new} USING CAST(c AS {new})", psycopg.errors.CannotCoerce)
    assert converts(old, new) is works


def test_types_it_does_not_know_are_not_judged():
    assert converts("mood", "text") is None and converts("public.vector(3)", "real[]") is None


# (old type, new type): a type of the schema's own on a side (an enum, a composite, a range and its multirange, arrays
# of them), each way, against Postgres's own types of every kind: string, number, boolean, range, array.
OWN = ("CREATE TYPE mood AS ENUM ('a'); CREATE TYPE pair AS (a integer, b integer);"
       "CREATE TYPE r AS RANGE (subtype = integer)")
OWN_SAMPLES = [("integer", "pair"), ("pair", "integer"), ("pair", "text"), ("text", "pair"), ("character varying(5)", "r"),
               ("pair[]", "text"), ("text[]", "pair[]"), ("text[]", "mood"), ("text", "mood[]"), ("mood[]", "text[]"),
               ("mood", "boolean"), ("boolean", "mood"), ("mood", "name"), ("r", "int4range"), ("int4range", "r"),
               ("r", "text"), ("r", "integer[]"), ("mood", "pair"), ("pair", "r"), ("r[]", "integer[]"),
               ("r_multirange", "r"), ("int4multirange", "r_multirange"), ("jsonb", "pair"), ("pair", "pair")]


def test_converts_own_is_what_alter_column_type_does(db_url):
    """pg.casts.converts_own (no declared cast) against ALTER COLUMN ... TYPE ... USING CAST(c AS new) on a real
    server, which refuses a cast it has not (CannotCoerce) whether or not rows are there."""
    own = {"mood", "pair", "r", "r_multirange"}
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(OWN)
        for i, (old, new) in enumerate(OWN_SAMPLES):
            conn.execute(f"CREATE TABLE t{i} (c {old})")
            works = takes(conn, f"ALTER TABLE t{i} ALTER COLUMN c TYPE {new} USING CAST(c AS {new})",
                          psycopg.errors.CannotCoerce)
            judged = converts_own(old, new, base_and_dims(old)[0] in own, base_and_dims(new)[0] in own)
            assert judged is works, (old, new)


def test_the_extension_string_types_are_category_s(db_url):
    """EXTENSION_STRING_TYPES: the types of category S (pg_type.typcategory) among the extensions' types schemac
    knows (pg.knowntypes.EXTENSION_TYPES) that this build has."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        strings = set()
        for name in sorted(set(EXTENSION_TYPES) & available & {"citext", "hstore", "ltree", "cube", "seg", "isn"}):
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {name} CASCADE")
            strings |= {r[0] for r in conn.execute(
                "SELECT t.typname FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid "
                "AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = %s "
                "AND t.typcategory = 'S'", (name,))}
    assert "citext" in available and strings == EXTENSION_STRING_TYPES


# (old, new): contrib's types to and from arrays, Postgres's own types and each other, each way.
EXTENSION_SAMPLES = [("ltree", "text[]"), ("text[]", "ltree"), ("ltree", "ltree[]"), ("ltree[]", "ltree"),
                     ("text[]", "hstore"), ("hstore", "text[]"), ("character varying[]", "hstore"), ("text", "ltree[]"),
                     ("ltree", "character varying(10)[]"), ("cube", "double precision[]"), ("double precision[]", "cube"),
                     ("seg", "real[]"), ("isbn", "bigint[]"), ("integer[]", "query_int"), ("ltree", "integer"),
                     ("integer", "ltree"), ("hstore", "jsonb"), ("jsonb", "hstore"), ("isbn", "bigint"), ("isbn13", "isbn"),
                     ("isbn", "issn"), ("ean13[]", "upc[]"), ("ltree[]", "text[]"), ("cube", "seg"), ("ltree", "lquery")]


def test_contribs_casts_are_this_servers(db_url):
    """EXTENSION_CASTS is every pg_cast row the extensions it lists make on this build (PostGIS's checked on 15 by
    hand, where this build has none), and converts_extension agrees with ALTER COLUMN ... TYPE ... USING CAST(c AS new)
    on the server: `ltree` -> `text[]` fails ("cannot cast type ltree to text[]"), OpenRemote's asset path."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        made = sorted(set(EXTENSION_CASTS) & available)
        for name in made:
            conn.execute(f"CREATE EXTENSION IF NOT EXISTS {name} CASCADE")
        casts = {r for r in conn.execute(
            "SELECT format_type(k.castsource, NULL), format_type(k.casttarget, NULL) FROM pg_cast k JOIN pg_depend d ON "
            "d.classid = 'pg_cast'::regclass AND d.objid = k.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = "
            "d.refobjid WHERE e.extname = ANY(%s)", (made,))}
        assert {"hstore", "ltree", "cube", "isn"} <= set(made)
        assert casts == frozenset().union(*(EXTENSION_CASTS[e] for e in made))
        for i, (old, new) in enumerate(EXTENSION_SAMPLES):
            conn.execute(f"CREATE TABLE x{i} (c {old})")
            works = takes(conn, f"ALTER TABLE x{i} ALTER COLUMN c TYPE {new} USING CAST(c AS {new})",
                          psycopg.errors.CannotCoerce)
            assert converts_extension(old, new) is works, (old, new)


def test_an_ltree_made_a_text_array_needs_using(schemac, tmp_path, db_url):
    """ltree -> text[] over rows (OpenRemote's asset path as ltree and as an array of ids): the migration was
    `USING CAST(path AS text[])`, which Postgres refuses; generate refuses at the column's line and names `using:`, and
    with it the rows hold what the expression computes (the oracle: the expression over the old rows)."""
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    schema = tmp_path / "schema.yaml"
    using = "string_to_array(ltree2text(path), '.')"
    base = "extensions: [ltree]\ntables:\n  asset:\n    columns:\n      id: {type: text, primary_key: true}\n"
    schema.write_text(base + "      path: ltree\n")
    assert schemac("generate").returncode == 0, schemac("generate").stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO asset VALUES ('a', 'a'), ('b', 'a.b'), ('c', NULL)")
        expected = conn.execute(f"SELECT id, {using} FROM asset ORDER BY id").fetchall()
    schema.write_text(base + "      path: text[]\n")
    refused = schemac("generate", "--allow-destructive")
    assert refused.returncode == 2 and refused.stdout == "", refused.stderr
    assert refused.stderr.startswith("schemac: error: schema.yaml:6:7: column public.asset.path: PostgreSQL has no "
                                     "cast from ltree to text[]; add `using:`"), refused.stderr
    schema.write_text(base + f"      path: {{type: 'text[]', using: \"{using}\"}}\n")
    assert schemac("generate", "--allow-destructive").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert conn.execute("SELECT id, path FROM asset ORDER BY id").fetchall() == expected == [
            ("a", ["a"]), ("b", ["a", "b"]), ("c", None)]
    assert schemac("diff", "--database-url", db_url).returncode == 0


def _built_over(schemac, tmp_path, db_url: str, columns: str, rows: str) -> tuple:
    """Table t (id and `columns`, schema.yaml's lines) generated, applied to `db_url` and given `rows`: schema.yaml's
    path, its text without `columns`, and the migrations' layout."""
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    schema = tmp_path / "schema.yaml"
    base = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    schema.write_text(base + columns)
    assert schemac("generate").returncode == 0, schemac("generate").stderr
    migrations = Layout(str(tmp_path / "generated"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, migrations.migrations())
        conn.execute(rows)
    return schema, base, migrations


def test_a_char_holding_a_letter_made_integer_fails_as_postgres_refuses(schemac, tmp_path, db_url):
    """A "char" made integer reads what it holds through text ('7' -> 7: pair type-char-byte-to-numbers-reads-its-text),
    not the byte's code of Postgres's one cast ('7' -> 55); a row holding a letter then fails the migration with
    Postgres's own error, nothing changed, as its ALTER ... TYPE integer without USING refuses the retype."""
    from schemac.migrations.apply import apply_files

    schema, base, migrations = _built_over(schemac, tmp_path, db_url, "      c: '\"char\"'\n",
                                           "INSERT INTO t VALUES (1, '7'), (2, 'a')")
    schema.write_text(base + "      c: integer\n")
    assert schemac("generate", "--allow-destructive").returncode == 0
    written = open(migrations.migrations()[-1].path, encoding="utf-8").read()
    assert "USING CAST(CAST(c AS TEXT) AS INT)" in written, written
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match='invalid input syntax for type integer: "a"'):
            apply_files(conn, migrations.migrations()[1:])
        assert conn.execute("SELECT id, c::text, pg_typeof(c)::text FROM t ORDER BY id").fetchall() == [
            (1, "7", '"char"'), (2, "a", '"char"')]
        conn.execute("DELETE FROM t WHERE id = 2")
        apply_files(conn, migrations.migrations()[1:])
        assert conn.execute("SELECT id, c FROM t").fetchall() == [(1, 7)]


def test_a_string_made_bytea_is_guarded_where_a_value_holds_a_backslash(schemac, tmp_path, db_url):
    """varchar -> bytea without `using:` (crates.io's api_tokens.token) is `USING CAST(token AS bytea)`, whose input
    reads a backslash as an escape: 'a\\b' failed the migration ('invalid input syntax for type bytea') and '\\x41'
    became the byte A, with no word at generate. Now generate warns (still refused without --allow-destructive), and the
    migration looks first: it stops naming the `using:` to write where a value (an array's element) holds a backslash,
    nothing changed; without one each value's text becomes its bytes."""
    from schemac.migrations.apply import apply_files

    schema, base, migrations = _built_over(
        schemac, tmp_path, db_url, "      token: {type: varchar, nullable: false}\n      codes: 'text[]'\n",
        "INSERT INTO t VALUES (1, 'abc', '{x,NULL}'), (2, 'a\\b', NULL), (3, 'é', '{\"y\\\\\\\\z\"}')")
    schema.write_text(base + "      token: {type: bytea, nullable: false}\n      codes: 'bytea[]'\n")
    assert schemac("generate").returncode == 1
    written = schemac("generate", "--allow-destructive")
    assert written.returncode == 0, written.stderr
    warned = [line for line in written.stderr.splitlines() if line.startswith("schemac: warning: ")]
    assert warned == [f"schemac: warning: schema.yaml:{n}:7: column public.t.{c}: {old} -> {new}: Postgres's cast to "
                      "bytea reads a backslash as an escape (a backslash then x and hex digits, two backslashes, a "
                      "backslash and three octal digits), making other bytes of the value, and refuses any other "
                      "('invalid input syntax for type bytea'); "
                      f"add `using:` to the column: an SQL expression giving each value's bytes{kept}, or \"CAST({c} "
                      f"AS {new})\" to read the escapes, used by this migration only: the migration fails where a row "
                      "holds a value with a backslash (it looks first: without one, each value's text becomes its "
                      "bytes)" for n, c, old, new, kept in (
                          (5, "token", "character varying", "bytea",
                           " (e.g. using: \"convert_to(token, 'UTF8')\", its text's bytes in UTF8)"),
                          (6, "codes", "text[]", "bytea[]", ""))], written.stderr
    held = "SELECT id, token::text, codes::text FROM t ORDER BY id"
    with psycopg.connect(db_url, autocommit=True) as conn:
        before = conn.execute(held).fetchall()
        for fix, column in (("SELECT 1", "token"), ("UPDATE t SET token = '\\x41' WHERE id = 2", "token"),
                            ("DELETE FROM t WHERE id = 2", "codes")):
            conn.execute(fix)
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation,
                               match=f"is retyped .* while column public.t.{column} holds a value with a backslash"):
                apply_files(conn, migrations.migrations()[1:])
        assert conn.execute(held).fetchall() == [before[0], before[2]]
        conn.execute("UPDATE t SET codes = '{z}' WHERE id = 3")
        apply_files(conn, migrations.migrations()[1:])
        assert conn.execute("SELECT id, token, codes FROM t ORDER BY id").fetchall() == [
            (1, b"abc", [b"x", None]), (3, "é".encode(), [b"z"])]
    assert schemac("diff", "--database-url", db_url).returncode == 0
