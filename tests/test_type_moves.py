"""Enums, domains, composite and range types moved to another schema (`renamed_from: public.mood` on a type of
`schema: archive`) or renamed: ALTER TYPE (DOMAIN) ... SET SCHEMA / RENAME TO, never DROP + CREATE. Judged on the
catalog (pg_type.typnamespace, the same pg_type.oid before and after, the range's multirange and constructors beside
it), on the rows, on the function of the type still called, and on `schemac diff` finding nothing after."""

from __future__ import annotations

import psycopg
import pytest

from conftest import MAJORS
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

BEFORE = """\
schemas: [archive]
enums:
  mood: [sad, happy]
domains:
  posint: {type: integer, checks: {pos: VALUE > 0}}
composite_types:
  pair: {attributes: {a: integer, b: mood}}
range_types:
  floatrange: {subtype: double precision}
functions:
  cheer:
    arguments: m mood
    returns: mood
    language: sql
    body: SELECT $1
casts:
  - {source: pair, target: text, function: pair_text(pair), context: assignment}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      m: {type: mood, default: "'happy'::mood"}
      n: posint
      p: pair
      r: floatrange
      ms: mood[]
    checks:
      m_ok: m <> 'sad'::mood OR id > 0
views:
  v:
    query: SELECT id, m, cheer(m) AS c, 'sad'::mood AS s FROM t
"""
PAIR_TEXT = """\
  pair_text:
    arguments: pair
    returns: text
    language: sql
    volatility: immutable
    body: SELECT ($1).a::text
"""
ROWS = "INSERT INTO t VALUES (1, 'sad', 5, ROW(1, 'happy'), '[1.5,2.5)', '{sad,happy}'), (2, DEFAULT, 7, NULL, NULL, NULL)"
TYPES = ("mood", "posint", "pair", "floatrange", "floatmultirange")


def _moved(text: str, enum: str, span: str) -> str:
    """BEFORE with every type moved to archive (the enum renamed `enum`, the range `span`), what names them naming
    them there."""
    text = text.replace("  mood: [sad, happy]", f"  {enum}:\n    schema: archive\n    renamed_from: public.mood\n"
                                                 "    values: [sad, happy]")
    text = text.replace("posint: {", "posint: {schema: archive, renamed_from: public.posint, ")
    text = text.replace("pair: {attributes: {a: integer, b: mood}}",
                        "pair: {schema: archive, renamed_from: public.pair, attributes: {a: integer, b: mood}}")
    text = text.replace("floatrange: {", f"{span}: {{schema: archive, renamed_from: public.floatrange, ")
    text = text.replace(": floatrange\n", f": archive.{span}\n")
    for word in ("posint", "pair"):
        text = text.replace(f": {word}\n", f": archive.{word}\n").replace(f"source: {word}", f"source: archive.{word}")
    text = text.replace("pair_text(pair)", "pair_text(archive.pair)").replace("arguments: pair\n",
                                                                              "arguments: archive.pair\n")
    return text.replace("mood", f"archive.{enum}").replace(f"archive.archive.{enum}", f"archive.{enum}") \
        .replace(f"  archive.{enum}:\n", f"  {enum}:\n").replace("renamed_from: public.archive." + enum,
                                                                  "renamed_from: public.mood")


def _generated(url: str, schema, out: str, text: str):
    """schema.yaml made `text`, its migration written (views deparsed by the database's major) and applied."""
    schema.write_text(text)
    result = generate(str(schema), out, dev_url=psycopg.conninfo.make_conninfo(url, dbname="postgres"))
    assert result.status == "written", result.message
    apply_all(url, out)
    return result


def _made_with_rows(url: str, tmp_path, text: str, rows: str):
    """(schema.yaml, out dir) of `text` generated and applied, then `rows` inserted."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generated(url, schema, out, text)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    return schema, out


def _types(url: str) -> dict:
    """The oracle: each type's OID and schema, by its name before the move (the enum may be renamed)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT t.oid, n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = "
                            "t.typnamespace WHERE n.nspname IN ('public', 'archive') AND t.typname NOT LIKE '\\_%' "
                            "AND t.typtype IN ('e', 'd', 'c', 'r', 'm') AND t.typrelid IN (0, (SELECT oid FROM "
                            "pg_class WHERE relname = 'pair'))").fetchall()
    return {oid: (schema, name) for oid, schema, name in rows}


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
@pytest.mark.parametrize("enum,span", [("mood", "floatrange"), ("feeling", "floatspan")],
                         ids=["moved", "moved-and-renamed"])
def test_types_moved_keep_their_oid_values_and_functions(major_db, tmp_path, enum, span):
    before = BEFORE.replace("functions:\n", "functions:\n" + PAIR_TEXT)
    after = _moved(before, enum, span)
    assert "renamed_from: public.mood" in after and "'happy'::mood" not in after and "archive.pair)" in after
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generated(major_db, schema, out, before)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(ROWS)
    types = _types(major_db)
    assert sorted(types.values()) == sorted(("public", x) for x in TYPES)
    with psycopg.connect(major_db) as conn:
        rows = conn.execute("SELECT id, m::text, n, p::text, r::text, ms::text, p::text FROM t ORDER BY id").fetchall()
        function = conn.execute("SELECT oid FROM pg_proc WHERE proname = 'cheer'").fetchone()[0]
        view = conn.execute("SELECT 'v'::regclass::oid").fetchone()[0]
    result = _generated(major_db, schema, out, after)
    assert "SET SCHEMA archive" in result.sql and "DROP" not in result.sql and "CREATE" not in result.sql, result.sql
    multi = "floatmultirange" if span == "floatrange" else f"{span}_multirange"
    renamed = {("public", "mood"): ("archive", enum), ("public", "floatrange"): ("archive", span),
               ("public", "floatmultirange"): ("archive", multi)}
    assert _types(major_db) == {oid: renamed.get(key, ("archive", key[1])) for oid, key in types.items()}
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT id, m::text, n, p::text, r::text, ms::text, p::text FROM t ORDER BY id"
                            ).fetchall() == rows
        assert conn.execute("SELECT oid FROM pg_proc WHERE proname = 'cheer'").fetchone()[0] == function
        assert conn.execute(f"SELECT cheer('sad'::archive.{enum})::text").fetchone()[0] == "sad"
        assert conn.execute("SELECT 'v'::regclass::oid").fetchone()[0] == view
        assert conn.execute("SELECT (ROW(3, 'sad')::archive.pair)::text").fetchone()[0] == "3"  # the cast followed
        assert sorted(conn.execute("SELECT proname, pronamespace::regnamespace::text, count(*) FROM pg_proc WHERE "
                                   "proname IN ('floatrange', 'floatmultirange', %s, %s) GROUP BY 1, 2 ORDER BY 1",
                                   (span, multi)).fetchall()) == sorted([(span, "archive", 2), (multi, "archive", 3)])
    drift = check_drift(str(schema), major_db, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql
    again = generate(str(schema), out, dev_url=psycopg.conninfo.make_conninfo(major_db, dbname="postgres"))
    assert again.status == "unchanged" and any("renamed_from 'public.mood' has done its work" in n for n in again.notices)


def test_type_moved_into_a_schema_made_by_the_same_migration(db_url, tmp_path):
    """The schema is created first, the type moved into it, then a new table's column of it added."""
    text = "enums:\n  mood: [sad, happy]\ntables:\n  t:\n    columns: {m: mood}\n"
    schema, out = _made_with_rows(db_url, tmp_path, text, "INSERT INTO t VALUES ('sad')")
    result = _generated(db_url, schema, out, "schemas: [app]\n" + text.replace(
        "  mood: [sad, happy]", "  mood: {schema: app, renamed_from: public.mood, values: [sad, happy]}").replace(
        "{m: mood}", "{m: app.mood}") + "  u:\n    columns: {m: app.mood}\n")
    sql = result.sql
    assert sql.index("CREATE SCHEMA") < sql.index("ALTER TYPE mood SET SCHEMA app") < sql.index("CREATE TABLE"), sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT m::text FROM t").fetchall() == [("sad",)]
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


def test_renamed_domain_takes_the_not_null_name_a_new_one_would(db_url, tmp_path):
    """PostgreSQL 17+ names a domain's NOT NULL <domain>_not_null and keeps that name through RENAME TO: the
    migration renames it as the domain made anew would have it (a name of its own stays its own)."""
    text = "domains:\n  d1: {type: integer, not_null: true}\n  e1: {type: text, not_null: {name: e_own}}\n" \
           "tables:\n  t:\n    columns: {a: d1, b: e1}\n"
    schema, out = _made_with_rows(db_url, tmp_path, text, "INSERT INTO t VALUES (1, 'x')")
    _generated(db_url, schema, out, text.replace("  d1: {", "  d2: {renamed_from: d1, ").replace(
        "  e1: {", "  e2: {renamed_from: e1, ").replace("{a: d1, b: e1}", "{a: d2, b: e2}"))
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT t.typname::text, c.conname::text FROM pg_constraint c JOIN pg_type t ON t.oid = "
                            "c.contypid WHERE c.contype = 'n' ORDER BY 1").fetchall() == [("d2", "d2_not_null"),
                                                                                         ("e2", "e_own")]
        assert conn.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_range_moved_and_renamed_leaves_its_multirange_in_its_own_schema(major_db, tmp_path):
    """A range whose multirange MULTIRANGE_TYPE_NAME put in schema mr, moved to archive and renamed: the range and its
    five constructors (Postgres makes the multirange's three in the range's schema too) go to archive, the
    multirange stays in mr, each type keeping its OID (the move named the multirange public.fm: 'type "public.fm"
    does not exist')."""
    text = "schemas: [archive, mr]\nrange_types:\n  fr: {subtype: float8, multirange: mr.fm}\n" \
           "tables:\n  t:\n    columns: {id: {type: integer, primary_key: true}, r: fr, m: mr.fm}\n"
    schema, out = _made_with_rows(major_db, tmp_path, text, "INSERT INTO t VALUES (1, '[1,2)', '{[3,4)}')")
    query = "SELECT t.oid, n.nspname::text, t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = " \
            "t.typnamespace WHERE t.typtype IN ('r', 'm') AND n.nspname IN ('public', 'archive', 'mr') ORDER BY 3"
    with psycopg.connect(major_db) as conn:
        before = conn.execute(query).fetchall()
    _generated(major_db, schema, out, text.replace("  fr: {", "  gr: {schema: archive, renamed_from: public.fr, ")
               .replace("r: fr,", "r: archive.gr,"))
    with psycopg.connect(major_db) as conn:
        assert conn.execute(query).fetchall() == [(before[0][0], "mr", "fm"), (before[1][0], "archive", "gr")]
        assert conn.execute("SELECT proname::text, pronamespace::regnamespace::text, count(*) FROM pg_proc WHERE "
                            "proname IN ('fr', 'gr', 'fm') GROUP BY 1, 2 ORDER BY 1").fetchall() == \
            [("fm", "archive", 3), ("gr", "archive", 2)]
        assert conn.execute("SELECT r::text, m::text FROM t").fetchall() == [("[1,2)", "{[3,4)}")]
    assert check_drift(str(schema), major_db, out_dir=out).differences == ()


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_enum_renamed_and_recreated_in_one_migration(major_db, tmp_path):
    """An enum renamed by renamed_from whose values change so that it is re-created (a value removed: Prisma's
    `_new` dance in a replayed history), a domain over it renamed too: the RENAME TO runs before the re-creation sets
    the type aside under its new name (it ran after: 'type "act_kind" does not exist'), and a function naming it in
    its signature is dropped between the two (by its new name), created again after. Judged on pg_enum, on the types
    left (none set aside), on the function's argument type and on the rows."""
    text = "enums:\n  ev_kind: [code, no_code]\ndomains:\n  ev_code: {type: ev_kind}\nfunctions:\n  label:\n" \
           "    arguments: x ev_kind\n    returns: text\n    language: sql\n    body: SELECT $1::text\ntables:\n  t:\n    columns:\n" \
           "      id: {type: integer, primary_key: true}\n      k: {type: ev_kind, default: \"'code'::ev_kind\"}\n" \
           "      d: ev_code\n"
    schema, out = _made_with_rows(major_db, tmp_path, text, "INSERT INTO t VALUES (1, 'code', 'code'), (2, DEFAULT, NULL)")
    schema.write_text(text.replace("  ev_kind: [code, no_code]", "  act_kind: {renamed_from: ev_kind, values: [code, auto]}")
                      .replace("  ev_code: {", "  act_code: {renamed_from: ev_code, ").replace("ev_kind", "act_kind")
                      .replace("renamed_from: act_kind", "renamed_from: ev_kind").replace("d: ev_code", "d: act_code"))
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    apply_all(major_db, out)
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT t.typname::text, e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = "
                            "e.enumtypid ORDER BY 1, e.enumsortorder").fetchall() == [("act_kind", "code"),
                                                                                     ("act_kind", "auto")]
        assert conn.execute("SELECT typname::text, typbasetype::regtype::text FROM pg_type WHERE typnamespace = "
                            "'public'::regnamespace AND typtype IN ('e', 'd') ORDER BY 1").fetchall() == \
            [("act_code", "act_kind"), ("act_kind", "-")]
        assert conn.execute("SELECT id, k::text, d::text, pg_typeof(k)::text FROM t ORDER BY id").fetchall() == \
            [(1, "code", "code", "act_kind"), (2, "code", None, "act_kind")]
        assert conn.execute("SELECT pg_get_function_identity_arguments(oid), label('code') FROM pg_proc WHERE proname = 'label'"
                            ).fetchall() == [("x act_kind", "code")]
    assert check_drift(str(schema), major_db, out_dir=out).differences == (), result.sql


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
@pytest.mark.parametrize("schema_line", ["", pytest.param("schema: app, renamed_from: public.ev_kind, ",
                                                          marks=pytest.mark.slow)], ids=["renamed", "moved-and-renamed"])
def test_enum_renamed_and_given_a_value_in_one_migration(major_db, tmp_path, schema_line):
    """An enum renamed (or moved) by renamed_from and given a value: the value's file, committed before the rest,
    adds it under the name the type has then, the old one (it named the new one: 'type "act_kind" does not
    exist'), and the rename follows; the new value used as a default. Judged on the type's OID, its labels in order
    (pg_enum) and the rows."""
    text = "enums:\n  ev_kind: [code, no_code]\ntables:\n  t:\n    columns:\n" \
           "      id: {type: integer, primary_key: true}\n      k: {type: ev_kind, default: \"'code'::ev_kind\"}\n"
    schema, out = _made_with_rows(major_db, tmp_path, text, "INSERT INTO t VALUES (1, 'no_code'), (2, DEFAULT)")
    query = "SELECT t.oid, t.typnamespace::regnamespace::text, t.typname::text, array_agg(e.enumlabel::text ORDER BY " \
            "e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY 1, 2, 3"
    with psycopg.connect(major_db) as conn:
        (oid, _, _, _), = conn.execute(query).fetchall()
    where = "app." if schema_line else ""
    schema.write_text(("schemas: [app]\n" if schema_line else "") + text.replace(
        "  ev_kind: [code, no_code]", f"  act_kind: {{{schema_line or 'renamed_from: ev_kind, '}values: [code, auto, no_code]}}")
        .replace("k: {type: ev_kind, default: \"'code'::ev_kind\"}", f"k: {{type: {where}act_kind, default: \"'auto'::{where}act_kind\"}}"))
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(major_db, out)
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert conn.execute(query).fetchall() == [(oid, "app" if schema_line else "public", "act_kind",
                                                   ["code", "auto", "no_code"])]
        conn.execute("INSERT INTO t (id) VALUES (3)")
        assert conn.execute("SELECT id, k::text FROM t ORDER BY id").fetchall() == [(1, "no_code"), (2, "code"), (3, "auto")]
    assert check_drift(str(schema), major_db, out_dir=out).differences == (), result.sql


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_function_and_view_dropped_beside_a_domain_renamed_over_one_made_again(major_db, tmp_path):
    """A domain renamed (dd -> ddr) over a domain made again on another base (dpos integer -> bigint), beside an enum
    made again (its values reordered); a function f_d(dpos) RETURNS dd and a view naming the enum ('a'::mood) and dd
    dropped in the same migration. What the current model names by the renamed type's new name (the function's result,
    the view's cast) waited for ddr made again, which follows the set-aside of dpos and of mood: DROP FUNCTION IF EXISTS
    f_d(dpos) then named the new dpos (skipped) and DROP DOMAIN ddr__schemac_old failed ('function
    f_d(dpos__schemac_old) depends on type ddr__schemac_old'), and DROP VIEW v2 ran after DROP TYPE mood__schemac_old
    ('view v2 depends on type mood__schemac_old'). Judged on pg_type (nothing set aside, the bases), pg_proc, pg_class
    and the rows."""
    text = "enums:\n  mood: [a, x y]\ndomains:\n  dpos: {type: integer}\n  dd: {type: dpos}\nfunctions:\n  f_d: " \
           "{arguments: a dpos, returns: dd, language: sql, body: select (a)::dd}\ntables:\n  t: {columns: {id: {type: " \
           "integer, primary_key: true}, k: dd, d: dpos, e: mood}}\nviews:\n  v2: {query: \"SELECT 'a'::mood AS lit, " \
           "(d)::dd AS dc FROM t\"}\n"
    schema, out = _made_with_rows(major_db, tmp_path, text, "INSERT INTO t VALUES (1, 2, 3, 'x y'), (2, NULL, -4, 'a')")
    schema.write_text("enums:\n  mood: [x y, a]\ndomains:\n  dpos: {type: bigint}\n  ddr: {type: dpos, renamed_from: dd}\n"
                      "tables:\n  t: {columns: {id: {type: integer, primary_key: true}, k: ddr, d: dpos, e: mood}}\n")
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    apply_all(major_db, out)
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT typname::text, typtype::text, coalesce(format_type(nullif(typbasetype, 0), NULL), '') "
                            "FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd') ORDER BY 1"
                            ).fetchall() == [("ddr", "d", "dpos"), ("dpos", "d", "bigint"), ("mood", "e", "")]
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'f_d'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname = 'v2'").fetchone()[0] == 0
        assert conn.execute("SELECT id, k::text, d::text, e::text, pg_typeof(k)::text, pg_typeof(d)::text FROM t "
                            "ORDER BY id").fetchall() == [(1, "2", "3", "x y", "ddr", "dpos"), (2, None, "-4", "a", "ddr", "dpos")]
        assert conn.execute("SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum").fetchone()[0] == ["x y", "a"]
    assert check_drift(str(schema), major_db, out_dir=out).differences == (), result.sql
