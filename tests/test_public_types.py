"""A user type written `public.mood` in schema.yaml (people qualify names) is the catalog's `mood`: format_type()
leaves public unqualified. It was written to the migration as it is (which applies) and compared as written,
so `diff` reported `type is mood, expected public.mood` forever. pg.types spells it as format_type does, unless
the bare name is one of Postgres's own (`public.text` stays qualified)."""

from __future__ import annotations

import psycopg

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.pg.types import canonical_type

SCHEMA = """\
extensions: [citext]
enums:
  mood: [happy, sad]
domains:
  feeling: {type: public.mood, not_null: false}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      m: {type: public.mood}
      ms: {type: "public.mood[]"}
      f: {type: public.feeling}
      c: {type: public.citext}
functions:
  cheer:
    arguments: "p public.mood"
    returns: public.mood
    language: sql
    body: "SELECT 'happy'::public.mood"
"""


def test_public_qualified_user_types_match_the_catalog(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA)
    assert generate(str(schema), out, name="init").status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        types = dict(conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                  "WHERE attrelid = 't'::regclass AND attnum > 0").fetchall())
        conn.execute("INSERT INTO t VALUES (1, 'sad', '{happy}', 'happy', 'X')")
        assert conn.execute("SELECT cheer('sad')").fetchone() == ("happy",)
    assert types == {"id": "integer", "m": "mood", "ms": "mood[]", "f": "feeling", "c": "citext"}
    result = check_drift(str(schema), db_url, out_dir=out)
    assert not result.differences, result.differences
    assert generate(str(schema), out).status == "unchanged"


def test_only_public_and_only_a_name_postgres_does_not_have():
    assert canonical_type("public.mood") == "mood" and canonical_type('"public"."Mood"[]') == '"Mood"[]'
    assert canonical_type("public.vector(3)") == "vector(3)" and canonical_type("app.mood") == "app.mood"
    for own in ("public.text", "public.int4", 'public."numeric"', 'public."timestamp"'):
        assert canonical_type(own).startswith("public."), own
    # a name that is a keyword but no type of pg_catalog's (int4 is integer's): format_type() spells public's bare,
    # quoted, as it does a domain public."integer" (pairs rw-domains-named-like-built-in-types)
    assert canonical_type("public.integer") == canonical_type('"integer"') == '"integer"'
