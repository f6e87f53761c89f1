"""A table's row type held by a column elsewhere (directly, as an array, inside a composite type or a domain):
Postgres refuses to retype a column of the table then ('cannot alter table "i_0" because column "i_1.i" uses
its row type'), and no statement makes the change; `generate` says so at the column's line instead of writing a
migration that does not apply. A materialized view holding the rows is made again around the change (pairs
realworld.sql rw-column-retyped-under-a-materialized-view-of-the-tables-rows)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database, values
from conftest import inspected_after, migrated_then_described, one_of_each_class
from owner_mode import OWNER, as_owner, ensure_owner, hand_over
from sqlx_project import apply_all, generated_and_applied

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

USERS = {  # how the other table holds i_0's row type -> (its SQL, the column named in the refusal)
    "column": ("CREATE TABLE i_1 (id int, i i_0);", "public.i_1.i"),
    "array": ("CREATE TABLE i_1 (id int, i i_0[]);", "public.i_1.i"),
    "composite": ("CREATE TYPE c AS (x i_0); CREATE TYPE cc AS (y c); CREATE TABLE i_1 (id int, v cc);", "public.i_1.v"),
    "domain": ("CREATE DOMAIN d AS i_0 CHECK ((VALUE).i > 0); CREATE TABLE i_1 (id int, v d);", "public.i_1.v"),
}


@pytest.mark.parametrize("held", sorted(USERS))
def test_a_column_retyped_under_its_tables_row_type_held_elsewhere_is_refused(db_url, tmp_path, held):
    users, column = USERS[held]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = f"CREATE TABLE i_0 (i integer); {users} INSERT INTO i_0 VALUES (1);"
    with migrated_then_described(db_url, schema, out, old, old.replace("i integer", "i bigint")):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out)
    assert f"{schema}:" in str(e.value) and f"column i cannot change its type (integer -> bigint) while column {column} " \
        "holds the table's row type" in str(e.value)
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refused:
        conn.execute("ALTER TABLE i_0 ALTER COLUMN i TYPE bigint")  # (what the refusal says: Postgres's own answer)
    assert "uses its row type" in str(refused.value)


def test_a_column_retyped_where_the_row_types_holders_go_is_written(db_url, tmp_path):
    """The column holding the row type dropped, and a table holding it dropped, in the same edit: no refusal, and
    the migration applies over rows (the drops first). The oracle: the catalog that of the new SQL loaded directly,
    and every value but the dropped columns' as it was (i_0's retyped in place, not a table made again)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "CREATE TABLE i_0 (i integer); CREATE TABLE i_1 (id int, i i_0); CREATE TABLE i_2 (i i_0[]); " \
          "INSERT INTO i_0 VALUES (1), (NULL); INSERT INTO i_1 VALUES (7, ROW(1)); " \
          "INSERT INTO i_2 VALUES (ARRAY[ROW(2)::i_0])"
    with migrated_then_described(db_url, schema, out, old, "CREATE TABLE i_0 (i bigint); CREATE TABLE i_1 (id int);") \
            as (new, _):
        assert generate(str(schema), out, allow_destructive=True).status == "written"
        before = values(db_url)
        apply_all(db_url, out)
        actual, expected = fingerprint(db_url), fingerprint(new)
        assert actual == expected, fingerprint_difference(actual, expected)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    dropped = {("public.i_1", "i"), ("public.i_2", "i")}
    assert dropped < set(before) and values(db_url) == {k: v for k, v in before.items() if k not in dropped}


@pytest.mark.parametrize("held", ["column", "array"])
def test_a_column_retyped_where_the_row_types_holder_is_retyped_away_is_written(db_url, tmp_path, held):
    """The column holding the row type (directly, or as an array) retyped to text in the same edit: generate refused
    it as if the holder kept the row type; now the holder's ALTER COLUMN ... TYPE runs first (plan.row_type_order),
    over rows: its values as text of the old row type, the table's column retyped after. A holder retyped to an
    array of the row type still holds it: refused."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    users = USERS[held][0]
    old = f"CREATE TABLE i_0 (i integer); {users} INSERT INTO i_0 VALUES (1); " \
          f"INSERT INTO i_1 VALUES (1, {'ROW(5)' if held == 'column' else 'ARRAY[ROW(5)::i_0]'});"
    new = "CREATE TABLE i_0 (i bigint); CREATE TABLE i_1 (id int, i text);"
    with migrated_then_described(db_url, schema, out, old, new):
        assert generate(str(schema), out, allow_destructive=True).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT i FROM i_1").fetchall() == [("(5)" if held == "column" else "{(5)}",)]
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'i_0'::regclass "
                            "AND attname = 'i'").fetchone() == ("bigint",)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


def test_a_holder_retyped_to_an_array_of_the_row_type_still_holds_it(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "CREATE TABLE i_0 (i integer); CREATE TABLE i_1 (id int, i i_0);"
    with migrated_then_described(db_url, schema, out, old, "CREATE TABLE i_0 (i bigint); CREATE TABLE i_1 (id int, i i_0[]);"):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out, allow_destructive=True)
    assert "while column public.i_1.i holds the table's row type" in str(e.value)


COMPOSITE_USERS = {  # how reg holds composite type entity -> its SQL
    # (its CHECK reads the attribute kept: one refusing the retyped attribute's NULL would refuse the rows once its
    # values are lost, as Postgres refuses them when the migration adds it again after the ALTER TYPE)
    "domain": "CREATE DOMAIN entity_dmn AS entity CHECK ((VALUE).schema_name IS NOT NULL); CREATE TABLE reg (id int, e entity_dmn);",
    "domain array": "CREATE DOMAIN entity_dmn AS entity; CREATE TABLE reg (id int, e entity_dmn[]);",
    "composite": "CREATE TYPE pair AS (a entity, b int); CREATE TABLE reg (id int, p pair);",
}


@pytest.mark.parametrize("held", sorted(COMPOSITE_USERS))
def test_a_composite_attribute_retyped_under_a_table_holding_it_through_another_type_keeps_its_values(
        db_url, tmp_path, held):
    """The same rule for a composite type's attribute (ALTER TYPE ... ALTER ATTRIBUTE ... TYPE), held through a domain
    over it (a bitemporal schema's vrsn.entity_fullname_dmn), an array of such a domain, or another composite: Postgres
    refuses the retype ('cannot alter type "entity" because column "reg.e" uses it'); the attribute was dropped and
    added again, its values lost (refused without --allow-destructive); now the type is set aside and made again with
    the domain or composite over it (compare.range_holders), the column retyped through text: varchar(30) ->
    varchar(63) written without the flag, applied over rows, every value kept, in sync with schema.yaml."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = f"CREATE TYPE entity AS (schema_name text, table_name varchar(30)); {COMPOSITE_USERS[held]}"
    with migrated_then_described(db_url, schema, out, old, old.replace("varchar(30)", "varchar(63)")):
        result = generate(str(schema), out)
        assert result.status == "written", result.message
        assert "DROP ATTRIBUTE" not in result.sql and "ALTER TYPE entity RENAME TO entity__schemac_old" in result.sql
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refusal:
        conn.execute("ALTER TYPE entity ALTER ATTRIBUTE table_name TYPE varchar(63)")
    assert 'because column "reg.' in str(refusal.value)
    value = {"domain": "ROW('s', 't')::entity", "domain array": "ARRAY[ROW('s', 't')::entity]",
             "composite": "ROW(ROW('s', 't')::entity, 7)"}[held]
    read = {"domain": "(e).schema_name, (e).table_name", "domain array": "(e[1]).schema_name, (e[1]).table_name",
            "composite": "((p).a).schema_name, ((p).a).table_name, (p).b"}[held]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO reg VALUES (1, {value})")
        apply_files(conn, [m for m in Layout(out).migrations() if "old" not in m.path], record=False)
        rows = conn.execute(f"SELECT {read} FROM reg").fetchall()
        (kind,) = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                               "'entity'::regclass AND attname = 'table_name'").fetchone()
    assert rows == [("s", "t") + ((7,) if held == "composite" else ())]
    assert kind == "character varying(63)"
    assert check_drift(str(schema), db_url).differences == ()


@pytest.mark.parametrize("made", ["view", "composite"])
def test_a_table_made_another_kind_of_its_name_under_a_column_of_its_row_type_is_refused(db_url, tmp_path, made):
    """Table t made a view of its name (or a composite type), column u.r of t's row type kept: the column's type
    reads the same, nothing changes it, and Postgres refuses DROP TABLE t under it; `generate` says so (the
    functions of such a row type are dropped and created around it: pair
    rw-table-made-a-view-of-its-name-under-functions-of-its-row-type)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "CREATE TABLE t (id int, v int); CREATE TABLE u (id int, r t); INSERT INTO t VALUES (1, 2);"
    new = ("CREATE TABLE base (id int, v int); CREATE VIEW t AS SELECT id, v FROM base;" if made == "view"
           else "CREATE TYPE t AS (id int, v int);") + " CREATE TABLE u (id int, r t);"
    with migrated_then_described(db_url, schema, out, old, new):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out, allow_destructive=True)
    assert "table public.t is dropped" in str(e.value) and "while column public.u.r holds its row type" in str(e.value)
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.DependentObjectsStillExist):
        conn.execute("DROP TABLE t")  # (what the refusal says: Postgres's own answer)


ADDED = {  # the column i_0 gets -> what the refusal calls it
    "constant default": ("rank smallint NOT NULL DEFAULT 30", "a default"),
    "volatile default": ("at timestamptz DEFAULT clock_timestamp()", "a default"),
    "identity": ("n bigint GENERATED ALWAYS AS IDENTITY", "an identity"),
    "stored generated": ("twice integer GENERATED ALWAYS AS (i * 2) STORED", "a generation expression"),
}


@pytest.mark.parametrize("added", one_of_each_class(sorted(ADDED), {"volatile default": "constant default"}))  # (a default)
def test_a_column_added_with_a_value_under_its_tables_row_type_held_elsewhere_is_refused(db_url, tmp_path, added):
    """ADD COLUMN with a default, an identity or a generated value fills the table's rows, which Postgres refuses
    while another table's column holds its row type (even a constant default: 'cannot alter table "i_0" because
    column "i_1.i" uses its row type'; the migration failed so before): generate refuses it at the column's line.
    Without a value the column is added (Postgres takes that), and the migration applies."""
    column, what = ADDED[added]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "CREATE TABLE i_0 (i integer); CREATE TABLE i_1 (id int, i i_0[]); INSERT INTO i_0 VALUES (1);"
    with migrated_then_described(db_url, schema, out, old, old.replace("i integer", f"i integer, {column}")):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out)
    _refused_as_postgres_does(db_url, str(e.value), f"{schema}:", f"cannot be added with {what}", out, column)
    plain = column.split(" NOT NULL")[0].split(" DEFAULT")[0].split(" GENERATED")[0]
    with sibling_database(db_url) as other:
        schema.write_text(inspected_after(other, old.replace("i integer", f"i integer, {plain}")), encoding="utf-8")
    assert generate(str(schema), out, name="plain").status == "written"
    apply_all(db_url, out)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


@pytest.mark.parametrize("edit,refusal,statement", [
    ("g integer GENERATED ALWAYS AS (i * 3) STORED", "column g cannot change its generation expression",
     "ALTER TABLE i_0 DROP COLUMN g, ADD COLUMN g integer GENERATED ALWAYS AS (i * 3) STORED"),
    ("UNLOGGED", "cannot be made UNLOGGED", "ALTER TABLE i_0 SET UNLOGGED"),
])
def test_a_rewrite_under_its_tables_row_type_held_elsewhere_is_refused(db_url, tmp_path, edit, refusal, statement):
    """A generation expression changed (the column dropped and added again) and SET UNLOGGED: Postgres refuses both
    while another table's column holds the row type, as it refuses ADD COLUMN with a value; generate says so."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = ("CREATE TABLE i_0 (i integer, g integer GENERATED ALWAYS AS (i * 2) STORED); CREATE TABLE i_1 (v i_0[]); "
           "INSERT INTO i_0 (i) VALUES (1);")
    new = old.replace("CREATE TABLE i_0", "CREATE UNLOGGED TABLE i_0") if edit == "UNLOGGED" else \
        old.replace("g integer GENERATED ALWAYS AS (i * 2) STORED", edit)
    with migrated_then_described(db_url, schema, out, old, new):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out)
    assert f"table public.i_0: {refusal} while column public.i_1.v holds the table's row type" in str(e.value), str(e.value)
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refused:
        conn.execute(statement)
    assert "uses its row type" in str(refused.value)


def test_a_view_made_again_under_a_column_of_its_row_type_is_refused(db_url, tmp_path):
    """View snap reads t.g, retyped: Postgres cannot change the view's column type in place, so the migration drops
    and creates it again, and refuses DROP VIEW snap while history.row_then holds its row type (the migration did
    not apply: 'cannot drop view snap because other objects depend on it'); `generate` says so."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = ("CREATE TABLE t (id int PRIMARY KEY, g int); CREATE VIEW snap AS SELECT id, g FROM t;"
           "CREATE TABLE history (at int PRIMARY KEY, row_then snap); INSERT INTO t VALUES (1, 1);")
    with migrated_then_described(db_url, schema, out, old, old.replace("g int)", "g bigint)")):
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out, allow_destructive=True)
    assert "view public.snap is dropped (made again: a change under it that Postgres cannot make in place) while " \
        "column public.history.row_then holds its row type" in str(e.value)
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.DependentObjectsStillExist):
        conn.execute("DROP VIEW snap")  # (what the refusal says: Postgres's own answer)


RENAMED_HOLDER = """\
composite_types: {ct: {attributes: {x: integer}}}
tables:
  t: {columns: {id: integer, cc: ct}}
"""


def _generated_then_applied(url: str, tmp_path, text: str, **kw) -> str:
    """schema.yaml `text` generated and applied to `url`, which is in sync with it after; the migration's SQL."""
    sql = generated_and_applied(tmp_path, url, text, **kw)
    assert check_drift(str(tmp_path / "schema.yaml"), url, out_dir=str(tmp_path / "generated")).differences == ()
    return sql


def test_a_renamed_tables_column_dropped_with_its_type_is_written(any_db_url, tmp_path):
    """Table t renamed u (`renamed_from`) while its column cc of composite type ct goes with ct: generate read the
    column's drop under u's name and ct's holders under t's, took t.cc for a holder kept, and refused the edit
    ("type public.ct1 is dropped ... while column public.t1.cc holds its row type"; test_property_objects' random
    search). Now written, and it applies over rows: u keeps them, ct is gone."""
    _generated_then_applied(any_db_url, tmp_path, RENAMED_HOLDER)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, ROW(5)), (2, NULL)")
    _generated_then_applied(any_db_url, tmp_path, "tables:\n  u: {renamed_from: t, columns: {id: integer}}\n",
                            allow_destructive=True)
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT id FROM u ORDER BY id").fetchall() == [(1,), (2,)]
        assert conn.execute("SELECT to_regtype('ct'), to_regclass('t')").fetchone() == (None, None)


@pytest.mark.parametrize("column", ["i bigint", "i integer, n integer DEFAULT 1"])
def test_a_renamed_tables_change_under_its_row_type_held_elsewhere_is_refused(db_url, tmp_path, column):
    """Table t renamed u while h.r holds its row type, u's column retyped or one added with a default: generate looked
    for the holders of u's row type under u's name, which the database does not have yet, found none and wrote a
    migration Postgres refuses ('cannot alter table "u" because column "h.r" uses its row type'). Now refused as for
    a table keeping its name."""
    old = "tables:\n  t: {columns: {i: integer}}\n  h: {columns: {id: integer, r: %s}}\n"
    _generated_then_applied(db_url, tmp_path, old % "t")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1); INSERT INTO h VALUES (1, ROW(1))")
    cols = ", ".join(f"{c.split()[0]}: {{type: {c.split()[1]}" + (", default: '1'}" if "DEFAULT" in c else "}")
                     for c in column.split(", "))
    (tmp_path / "schema.yaml").write_text(f"tables:\n  u: {{renamed_from: t, columns: {{{cols}}}}}\n"
                                          "  h: {columns: {id: integer, r: u}}\n")
    with pytest.raises(SchemacError) as e:
        generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"))
    assert "while column public.h.r holds the table's row type" in str(e.value), str(e.value)
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refused:
        conn.execute("ALTER TABLE t RENAME TO u")
        conn.execute("ALTER TABLE u ALTER COLUMN i TYPE bigint" if "bigint" in column else
                     "ALTER TABLE u ADD COLUMN n integer DEFAULT 1")  # (Postgres's own answer)
    assert "uses its row type" in str(refused.value)


HELD_COMPOSITE = """\
composite_types:
  setting:
    attributes: {key: text, value: text, at: {type: date, comment: when}}
tables:
  pack: {columns: {id: integer, settings: 'setting[]', one: setting}}
views:
  keys: {query: 'SELECT id, (one).key AS key FROM pack'}
  vals: {query: 'SELECT id, (one).value AS value FROM pack'}
  ats: {query: 'SELECT id, (one).at AS at, one FROM pack'}
"""


def test_a_composite_attribute_retyped_under_columns_and_views_keeps_every_value(any_db_url, tmp_path):
    """probe43c's shape (a PostGraphile schema's app.application_setting value text -> jsonb under an array column),
    the attribute in the middle, views reading it, the one after it and the one before: Postgres refuses ALTER
    ATTRIBUTE ... TYPE under the columns; value and `at` after it were dropped and added again (their values NULL);
    now the type is set aside and made again (fix57a), the columns retyped through text, the views reading them made
    again around it: every value kept (text -> jsonb may not fit: --allow-destructive), in the array's elements and the
    plain column alike; at's comment given again."""
    _generated_then_applied(any_db_url, tmp_path, HELD_COMPOSITE)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pack VALUES (1, ARRAY[ROW('a', '{\"x\": 1}', '2020-01-01')::setting, ROW('b', NULL, "
                     "NULL)::setting], ROW('k', '2', '2021-02-02')), (2, NULL, NULL)")
    sql = _generated_then_applied(any_db_url, tmp_path, HELD_COMPOSITE.replace("value: text", "value: jsonb"),
                                  allow_destructive=True)
    assert "ALTER TYPE setting RENAME TO setting__schemac_old" in sql and "DROP ATTRIBUTE" not in sql, sql
    with psycopg.connect(any_db_url) as conn:
        rows = conn.execute("SELECT id, (SELECT array_agg(ROW(e.key, e.value, e.at)::text ORDER BY n) FROM "
                            "unnest(settings) WITH ORDINALITY e(key, value, at, n)), (one).key, (one).value::text, "
                            "(one).at::text FROM pack ORDER BY id").fetchall()
        assert rows == [(1, ['(a,"{""x"": 1}",2020-01-01)', "(b,,)"], "k", "2", "2021-02-02"),
                        (2, None, None, None, None)]
        assert conn.execute("SELECT array_agg(attname || ' ' || format_type(atttypid, atttypmod) ORDER BY attnum) FROM "
                            "pg_attribute WHERE attrelid = 'setting'::regclass AND NOT attisdropped").fetchone() == (
            ["key text", "value jsonb", "at date"],)
        assert conn.execute("SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = "
                            "'setting'::regclass AND attname = 'at'").fetchone() == ("when",)
        assert conn.execute("SELECT key FROM keys WHERE id = 1").fetchone() == ("k",)
        assert conn.execute("SELECT count(*) FROM pg_views WHERE viewname IN ('keys', 'vals', 'ats')").fetchone() == (3,)


MADE_AGAIN = {  # how the attribute's type is made again -> (old SQL, new SQL, the plain column's value, its labels read)
    "enum reordered": ("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');", "CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad');"),
    "enum value removed": ("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');", "CREATE TYPE mood AS ENUM ('sad', 'ok');"),
    "domain base type": ("CREATE DOMAIN mood AS varchar(10);", "CREATE DOMAIN mood AS varchar(20);"),
}


@pytest.mark.parametrize("made", one_of_each_class(sorted(MADE_AGAIN), {"enum value removed": "enum reordered"}))
def test_a_composite_type_over_an_enum_made_again_under_a_column_of_it_is_made_again_keeping_its_values(
        any_db_url, tmp_path, made):
    """An enum made again (its values reordered, or one removed), or a domain (its base type changed), under a
    composite type's attribute: where a table has a column of the composite, Postgres refuses ALTER ATTRIBUTE ... TYPE
    ('cannot alter type "entry" because column "reg.e" uses it'). The attribute was dropped and added again (every
    value of it and those after it lost, written only with --allow-destructive); the composite is set aside with its
    enum and made again over the new one (compare.range_holders, session 50), its column retyped through text: every
    value kept, written without the flag where no value can be lost (reordered, widened), refused without it where
    one can (a label removed); a plain column of the type keeps its value; pg_attribute then names the new type, the
    set-aside ones are gone, and diff is clean."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    before, after = MADE_AGAIN[made]
    old = f"{before} CREATE TYPE entry AS (n int, m mood, k text); CREATE TABLE reg (id int, e entry); " \
          "CREATE TABLE plain (id int, m mood);"
    with migrated_then_described(any_db_url, schema, out, old, old.replace(before, after)):
        if made == "enum value removed":
            assert generate(str(schema), out).status == "refused"
        result = generate(str(schema), out, allow_destructive=made == "enum value removed")
        assert result.status == "written", result.message
        assert "DROP ATTRIBUTE" not in result.sql, result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO reg VALUES (1, ROW(7, 'ok', 'x')), (2, NULL); INSERT INTO plain VALUES (1, 'ok')")
        apply_files(conn, [m for m in Layout(out).migrations() if "old" not in m.path], record=False)
        rows = conn.execute("SELECT id, (e).n, (e).m::text, (e).k FROM reg ORDER BY id").fetchall()
        plain = conn.execute("SELECT m::text, pg_typeof(m)::text FROM plain").fetchall()
        attributes = conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                                  "'entry'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum").fetchall()
        types = conn.execute("SELECT typname, format_type(typbasetype, typtypmod), (SELECT string_agg(enumlabel, ' ' "
                             "ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid) FROM pg_type t WHERE "
                             "(typname LIKE '%mood%' OR typname LIKE '%entry%') AND typtype IN ('e', 'd', 'c')"
                             ).fetchall()
    assert rows == [(1, 7, "ok", "x"), (2, None, None, None)]
    assert plain == [("ok", "mood")]
    assert attributes == [("n", "integer"), ("m", "mood"), ("k", "text")]
    assert sorted(types) == sorted([("entry", "-", None), {
        "enum reordered": ("mood", "-", "happy ok sad"), "enum value removed": ("mood", "-", "sad ok"),
        "domain base type": ("mood", "character varying(20)", None)}[made]])
    assert check_drift(str(schema), any_db_url).differences == ()


NULL_REFUSING = {  # the domain an attribute of ct is given -> (its SQL, the attribute's old and new definition, guarded)
    "not-null-retyped": ("CREATE DOMAIN nn AS integer NOT NULL;", "b text", "b nn", "retyped", "public.nn"),
    "check-retyped": ("CREATE DOMAIN nn AS integer CHECK (VALUE IS NOT NULL AND VALUE > 0);", "b text", "b nn",
                      "retyped", "public.nn"),
    "over-one-added": ("CREATE DOMAIN nn AS integer NOT NULL; CREATE DOMAIN over AS nn;", "b text",
                       "b text, z over", "added", "public.nn"),
    "check-takes-null": ("CREATE DOMAIN nn AS integer CHECK (VALUE > 0);", "b text", "b nn", "", ""),
}
_CT = "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'ct'::regclass AND " \
      "attnum > 0 AND NOT attisdropped ORDER BY attnum"


@pytest.mark.parametrize("case", one_of_each_class(sorted(NULL_REFUSING), {"check-retyped": "not-null-retyped"}))
def test_a_composite_attribute_of_a_domain_refusing_null_added_under_a_column_of_the_type_is_guarded(
        any_db_url, tmp_path, case):
    """An attribute added (or dropped and added again: retyped under a column of the type, --allow-destructive) of a
    domain that refuses NULL: every value of the type stored takes NULL in it, which Postgres does not check (the
    database would hold values that no longer read back as the type: a dump fails to load them). generate refused it
    even over an empty table (design45); now it writes it with a warning naming the column, and the migration looks
    at the rows first: over a row holding a value it fails naming the column, ct's attributes and the rows as they
    were; once the value is NULL (a NULL composite holds no attribute) it applies. A domain whose CHECK takes NULL is
    no such attribute: no guard, applied over the value. Retyped under a column (text -> nn), the attribute was dropped
    and added again, guarded so; now the type is set aside and made again (fix57a), each value read through text as
    the domain: '5' kept as 5, and a row whose attribute is NULL fails the migration (Postgres's own domain check),
    nothing done."""
    domain, was, now, done, name = NULL_REFUSING[case]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = f"{domain} CREATE TYPE ct AS (a integer, {was}); CREATE TABLE t (id integer, c ct);"
    with sibling_database(any_db_url) as other:
        new_yaml = inspected_after(other, old.replace(was, now))
    with sibling_database(any_db_url) as other:
        _generated_then_applied(any_db_url, tmp_path, inspected_after(other, old))
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, ROW(1, '5')), (2, NULL)")
        before = conn.execute(_CT).fetchall(), conn.execute("SELECT id, c::text FROM t ORDER BY id").fetchall()
    schema.write_text(new_yaml)
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    warned = [n for n in result.notices if "refuses NULL" in n]
    if done == "retyped":
        assert warned == [] and "DROP ATTRIBUTE" not in result.sql, result.sql
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute("INSERT INTO t VALUES (3, ROW(3, NULL))")
            with pytest.raises(psycopg.IntegrityError):
                apply_files(conn, Layout(out).migrations())
            assert conn.execute(_CT).fetchall() == before[0]
            conn.execute("DELETE FROM t WHERE id = 3")
            apply_files(conn, Layout(out).migrations())
            assert conn.execute("SELECT id, (c).a, (c).b FROM t ORDER BY id").fetchall() == [(1, 1, 5), (2, None, None)]
        return
    if not done:
        assert warned == [] and "refuses NULL" not in result.sql
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations())
            assert conn.execute("SELECT id, (c).a, (c).b, pg_catalog.num_nonnulls(c::text::ct) FROM t ORDER BY id"
                                ).fetchall() == [(1, 1, 5, 1), (2, None, None, 0)]  # (retyped: '5' kept as 5)
        return
    assert len(warned) == 1 and warned[0].startswith(f"warning: {schema}:"), result.notices
    assert warned[0].split(": ", 2)[2] == (
        f"composite type public.ct: attribute {now.split()[-2]} of domain {name}, which refuses NULL, is {done} while "
        "column public.t.c holds the type: the migration fails where a row holds a value of the type, which would hold "
        "NULL in it (Postgres does not check it): empty those columns first, or give the attribute a type that takes "
        "NULL"), warned
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation) as e:
            apply_files(conn, Layout(out).migrations())
        assert str(e.value).startswith(f"composite type public.ct: attribute {now.split()[-2]} of domain {name}, "
                                       "which refuses NULL, is added while column public.t.c holds a value of the "
                                       "type"), str(e.value)
        assert (conn.execute(_CT).fetchall(), conn.execute("SELECT id, c::text FROM t ORDER BY id").fetchall()) == before
    with psycopg.connect(any_db_url) as conn:  # (in a transaction rolled back)
        conn.execute(f"ALTER TYPE ct ADD ATTRIBUTE {now.split(', ')[-1]}")  # (Postgres takes it...)
        with pytest.raises((psycopg.errors.NotNullViolation, psycopg.errors.CheckViolation)):
            conn.execute("SELECT c::text::ct FROM t WHERE id = 1")  # (...and its value no longer reads back)
        conn.rollback()
    with psycopg.connect(any_db_url, autocommit=True) as conn:  # (the value made NULL: the guard lets it through)
        conn.execute("UPDATE t SET c = NULL")
        apply_files(conn, Layout(out).migrations())
        assert conn.execute(_CT).fetchall()[-1] == tuple(now.split()[-2:])
        assert conn.execute("SELECT id, c FROM t ORDER BY id").fetchall() == [(1, None), (2, None)]
    assert check_drift(str(schema), any_db_url, out_dir=out).differences == ()


# (nn and dflt: refused with pos's words, "checks or default"; -m slow)
@pytest.mark.parametrize("domain", one_of_each_class(["pos", "nn", "dflt", "over", "open"], {"nn": "pos", "dflt": "pos"}))
def test_a_column_added_of_a_checked_domain_under_its_tables_row_type_held_elsewhere_is_refused(any_db_url, tmp_path, domain):
    """ADD COLUMN of a domain with a CHECK (even one NULL passes), a NOT NULL or a DEFAULT, or over such a domain, gives
    the table's rows its value through the domain, which Postgres refuses while another table's column holds the row
    type ('cannot alter table "i_0" because column "i_1.i" uses its row type'; generate wrote it): refused at the
    column's line, naming the domain. A domain that checks nothing adds as a plain column: written, applied."""
    domains = "CREATE DOMAIN pos AS integer CHECK (VALUE > 0); CREATE DOMAIN nn AS integer NOT NULL; " \
              "CREATE DOMAIN dflt AS integer DEFAULT 7; CREATE DOMAIN over AS pos; CREATE DOMAIN open AS integer;"
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = f"{domains} CREATE TABLE i_0 (i integer); CREATE TABLE i_1 (id int, i i_0); INSERT INTO i_0 VALUES (1); " \
          "INSERT INTO i_1 VALUES (1, ROW(1));"
    new = old.split(" INSERT")[0].replace("i integer", f"i integer, d {domain}")
    with migrated_then_described(any_db_url, schema, out, old, new):
        if domain == "open":
            assert generate(str(schema), out).status == "written"
            with psycopg.connect(any_db_url, autocommit=True) as conn:
                apply_files(conn, Layout(out).migrations()[1:])
                assert conn.execute("SELECT (i).i, (i).d FROM i_1").fetchall() == [(1, None)]
            return
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out)
    held = "public.pos" if domain == "over" else f"public.{domain}"
    _refused_as_postgres_does(any_db_url, str(e.value), f"{schema}:", f"column d cannot be added with domain {held}'s "
                              "checks or default", out, f"d {domain}")


def _refused_as_postgres_does(url: str, refusal: str, at: str, said: str, out: str, column: str) -> None:
    """generate's refusal (at its line, `said` while public.i_1.i holds i_0's row type; no file written), and
    Postgres's own answer to the ADD COLUMN of `column`."""
    assert at in refusal and f"{said} while column public.i_1.i holds the table's row type" in refusal, refusal
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refused:
        conn.execute(f"ALTER TABLE i_0 ADD COLUMN {column}")
    assert "uses its row type" in str(refused.value)


HOLDERS = (  # each column that can hold a value of ct, with a value holding one and values holding none
    ("h_column", "c ct", "ROW(NULL)::ct", "NULL"),  # (a value of NULL attributes is no NULL)
    ("h_array", "c ct[]", "ARRAY[NULL, ROW(1)::ct]", "'{}'), (1, ARRAY[NULL::ct]"),
    ("h_domain", "c dct", "ROW(1)::dct", "NULL"),
    ("h_nested", "c outer_t", "ROW(1, NULL, ARRAY[NULL, ROW(2)::dct])", "ROW(1, NULL, ARRAY[NULL::dct])"),
    ("h_nested_array", "c outer_t[]", "ARRAY[ROW(1, ROW(3)::ct, NULL)::outer_t]",
     "ARRAY[NULL::outer_t, ROW(1, NULL, NULL)::outer_t]"),
    ("h_range", "c ctr", "ctr(NULL, ROW(1)::ct)", "'empty'), (1, ctr(NULL, NULL)"),
    ("h_multirange", "c ctr_multirange", "ctr_multirange(ctr(ROW(1)::ct, NULL))", "'{}'"),
    ("h_row", "c h_column", "ROW(7, ROW(1)::ct)", "ROW(7, NULL)"),
    ("h_parted_1", "", "ROW(1)", "NULL"),  # (h_parted's rows are its partition's)
)


def test_every_holder_of_a_composite_gaining_an_attribute_of_a_not_null_domain_is_looked_at(any_db_url, tmp_path):
    """The migration's look at the rows before ALTER TYPE ct ADD ATTRIBUTE n nn (nn NOT NULL) reaches every column
    Postgres's ADD ATTRIBUTE gives NULL in n: of ct, of an array of it, of a domain over it, of a composite type
    holding it (directly or in an array of a domain over it) and an array of that, of a range of it and its multirange,
    of a table's row type holding it, and a partition's (its parent holds none of its own). Each holding a value alone:
    the migration fails naming that table and column, ct as it was; each holding only NULLs (a NULL column, element,
    attribute or bound; an empty array, range or multirange): it applies, every row kept."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    types = "CREATE DOMAIN nn AS integer NOT NULL; CREATE TYPE ct AS (a integer); CREATE DOMAIN dct AS ct; " \
            "CREATE TYPE outer_t AS (x integer, y ct, z dct[]); CREATE TYPE ctr AS RANGE (subtype = ct);"
    tables = " ".join(f"CREATE TABLE {name} (id integer, {column});" for name, column, _, _ in HOLDERS if column) + \
        " CREATE TABLE h_parted (id integer, c ct) PARTITION BY LIST (id); CREATE TABLE h_parted_1 PARTITION OF " \
        "h_parted FOR VALUES IN (1, 2);"
    old = f"{types} {tables}"
    with migrated_then_described(any_db_url, schema, out, old, old.replace("(a integer)", "(a integer, n nn)")):
        result = generate(str(schema), out)
        assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        for name, _, _, none in HOLDERS:
            conn.execute(f"INSERT INTO {name} VALUES (1, {none})")
        kept = "SELECT count(*), pg_catalog.sum(pg_catalog.num_nulls(c)) FROM {}"
        rows = {name: conn.execute(kept.format(name)).fetchone() for name, *_ in HOLDERS}
        for name, _, held, _ in HOLDERS:
            conn.execute(f"INSERT INTO {name} VALUES (2, {held})")
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation) as e:
                apply_files(conn, Layout(out).migrations()[1:])
            assert str(e.value).startswith("composite type public.ct: attribute n of domain public.nn, which refuses "
                                           f"NULL, is added while column public.{name}.c holds a value of the type"), \
                (name, str(e.value))
            assert conn.execute(_CT).fetchall() == [("a", "integer")]
            conn.execute(f"DELETE FROM {name} WHERE id = 2")
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute(_CT).fetchall() == [("a", "integer"), ("n", "nn")]
        assert {name: conn.execute(kept.format(name)).fetchone() for name, *_ in HOLDERS} == rows


OTHER = "schemac_guard_other"  # a role owning a table of the type besides the migration's (NOLOGIN, cluster-wide)
UNREADABLE = {  # the holder the migration's role (the database's owner, not a superuser) reads -> (setup, what happens)
    # its own table, FORCE ROW LEVEL SECURITY, a policy hiding the row holding a value: the guard lifts FORCE to read it
    "forced": ("INSERT INTO t VALUES (1, ROW(1, '5')); ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY; "
               "CREATE POLICY nulls ON t USING (c IS NULL)", "held"),
    # another role's table it may not SELECT (which ALTER TYPE does not need): Postgres's 'permission denied' before
    "not-granted": (f"SET ROLE {OTHER}; CREATE TABLE theirs (id integer, c ct); RESET ROLE", "may not read"),
    # another role's table it may SELECT, whose policies filter its reads (not its owner: FORCE is not its to lift)
    "policies": (f"SET ROLE {OTHER}; CREATE TABLE theirs (id integer, c ct); INSERT INTO theirs VALUES (1, ROW(1, '5'));"
                 f" ALTER TABLE theirs ENABLE ROW LEVEL SECURITY; GRANT SELECT ON theirs TO {OWNER}; RESET ROLE",
                 "policies"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_the_guard_of_an_attribute_refusing_null_sees_every_row_as_a_non_superuser_or_says_it_cannot(
        any_db_url, tmp_path, case):
    """The guard before ALTER TYPE ... ADD ATTRIBUTE of a domain refusing NULL, run by the database's owner (not a
    superuser), as teams deploy: over its own table under FORCE ROW LEVEL SECURITY whose policy hides the row holding
    a value, it saw no value and the attribute was added (the value then no longer reads back as the type); now it
    lifts FORCE around its look (plan.unforced_rls), fails naming the column, and applies once the value is NULL, FORCE
    set again. Over another role's table it may not read, it failed on Postgres's bare 'permission denied for table
    theirs'; over one whose policies filter its reads, it saw nothing: now both fail saying that the migration cannot
    look at every row of it, and why. The type and the rows as they were after each failure."""
    setup, outcome = UNREADABLE[case]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "CREATE DOMAIN nn AS integer NOT NULL; CREATE TYPE ct AS (a integer, b text); CREATE TABLE t (id integer, c ct);"
    with sibling_database(any_db_url) as other:
        new_yaml = inspected_after(other, old.replace("b text", "b text, z nn"))
    with sibling_database(any_db_url) as other:
        _generated_then_applied(any_db_url, tmp_path, inspected_after(other, old))
    schema.write_text(new_yaml)
    assert generate(str(schema), out).status == "written"
    hand_over(any_db_url)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        ensure_owner(conn, OTHER)
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {OTHER}")
        conn.execute("INSERT INTO t VALUES (2, NULL)")
        conn.execute(setup)
        before = conn.execute(_CT).fetchall(), conn.execute("SELECT id, c::text FROM t ORDER BY id").fetchall()
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        as_owner(conn)
        with pytest.raises(psycopg.Error) as e:
            apply_files(conn, Layout(out).migrations())
    said = "composite type public.ct: attribute z of domain public.nn, which refuses NULL, is added while column "
    if outcome == "held":
        assert isinstance(e.value, psycopg.errors.IntegrityConstraintViolation)
        assert str(e.value).startswith(said + "public.t.c holds a value of the type"), str(e.value)
    else:
        assert isinstance(e.value, psycopg.errors.InsufficientPrivilege)
        assert str(e.value).startswith(said + "public.theirs.c holds the type, and the migration's role "
                                       f"{OWNER} cannot read every row of public.theirs"), str(e.value)
        assert (" (it may not SELECT the column)" if outcome == "may not read" else
                " (row-level security policies filter its reads)") in str(e.value), str(e.value)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert (conn.execute(_CT).fetchall(), conn.execute("SELECT id, c::text FROM t ORDER BY id").fetchall()) == before
        conn.execute("UPDATE t SET c = NULL")
        conn.execute("DROP TABLE IF EXISTS theirs")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        as_owner(conn)
        apply_files(conn, Layout(out).migrations())
        assert conn.execute(_CT).fetchall()[-1] == ("z", "nn")
        assert conn.execute("SELECT relforcerowsecurity FROM pg_class WHERE oid = 't'::regclass").fetchone()[0] is \
            (case == "forced")
