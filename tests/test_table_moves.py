"""A table moved to another schema (`renamed_from: public.t` on a table of `schema: archive`): ALTER TABLE ... SET
SCHEMA, never DROP + CREATE. Judged on the catalog (pg_class, pg_namespace, pg_get_serial_sequence, relacl,
pg_get_viewdef), on the rows and on the serial's next value, not only on schemac's own diff."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

BEFORE = """\
schemas: [archive]
tables:
  t:
    comment: kept through the move
    columns:
      id: {type: integer, primary_key: true}
      v: {type: text, check: length(v) < 100}
      n: {type: serial}
      g: {type: bigint, identity: always}
    indexes:
      t_v_idx: {columns: [v]}
    grants:
      READER: [select]
    row_level_security: {enabled: true}
    policies:
      readable: {command: select, using: "v IS NOT NULL"}
  r:
    columns:
      id: {type: integer, primary_key: true}
      tid: {type: integer}
    foreign_keys:
      - {columns: [tid], references: {table: t, columns: [id]}}
views:
  tv:
    query: SELECT id, v, n FROM t
"""


def moved(text: str, name: str) -> str:
    """BEFORE with t moved to archive (and renamed `name`), what reads it reading it there."""
    def edit(old: str, new: str) -> None:
        nonlocal text
        assert old in text, old
        text = text.replace(old, new)

    edit("  t:\n    comment:", f"  {name}:\n    schema: archive\n    renamed_from: public.t\n    comment:")
    edit("t_v_idx: {columns: [v]}", f"{name}_v_idx: {{columns: [v], renamed_from: t_v_idx}}" if name != "t" else
         "t_v_idx: {columns: [v]}")
    edit("{table: t,", f"{{schema: archive, table: {name},")
    edit("FROM t\n", f"FROM archive.{name}\n")
    return text


@pytest.fixture
def reader(any_db_url):
    name = f"moves_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}"')
    yield name
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


def _first(url: str, tmp_path, text: str, rows: str) -> tuple:
    """schema.yaml `text` generated and applied, then `rows` inserted: (schema.yaml's path, the output folder)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text)
    assert generate(str(schema), out).status == "written"
    apply_all(url, out)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    return schema, out


def _second(url: str, schema, out: str, text: str):
    """schema.yaml edited to `text`: its migration written (without --allow-destructive) and applied."""
    schema.write_text(text)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(url, out)
    return result


def _catalog(url: str, name: str) -> dict:
    """The oracle: where each relation of the move is, the sequences its columns use, its access list, comment and
    policies, the view's deparse and the foreign key's target."""
    with psycopg.connect(url) as conn:
        one = lambda q, *a: conn.execute(q, a).fetchone()[0]  # noqa: E731
        q = f"archive.{name}"
        return {
            "relations": sorted(conn.execute(
                "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname IN ('public', 'archive') ORDER BY 1, 2").fetchall()),
            "serial": one("SELECT pg_get_serial_sequence(%s, 'n')", q),
            "identity": one("SELECT pg_get_serial_sequence(%s, 'g')", q),
            "relacl": one("SELECT relacl::text FROM pg_class WHERE oid = %s::regclass", q),
            "comment": one("SELECT obj_description(%s::regclass, 'pg_class')", q),
            "policies": conn.execute("SELECT policyname, qual FROM pg_policies WHERE schemaname = 'archive'").fetchall(),
            "checks": conn.execute("SELECT conname, contype FROM pg_constraint WHERE conrelid = %s::regclass "
                                   "AND contype IN ('p', 'c') ORDER BY 2 DESC", (q,)).fetchall(),
            "fk": one("SELECT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"),
            "view": one("SELECT pg_get_viewdef('public.tv'::regclass, true)"),
        }


@pytest.mark.parametrize("name", ["t", "t2"], ids=["moved", "moved-and-renamed"])
def test_table_moved_to_another_schema_keeps_rows_serial_and_readers(any_db_url, reader, tmp_path, name):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(BEFORE.replace("READER", reader))
    dev = psycopg.conninfo.make_conninfo(any_db_url, dbname="postgres")  # views deparsed by the database's major
    assert generate(str(schema), out, dev_url=dev).status == "written"
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")
        conn.execute("INSERT INTO r VALUES (10, 1), (20, 2)")
        oid = conn.execute("SELECT 't'::regclass::oid").fetchone()[0]
        fk = conn.execute("SELECT oid FROM pg_constraint WHERE contype = 'f'").fetchone()[0]
    schema.write_text(moved(BEFORE, name).replace("READER", reader))
    pending = check_drift(str(schema), any_db_url, out_dir=out)  # the database still has public.t: the move is pending
    assert "public.t" in [d.actual for d in pending.differences if d.kind == "pending_rename"], pending.render("text")

    result = generate(str(schema), out, dev_url=dev)  # no --allow-destructive: no table or sequence dropped
    assert result.status == "written", result.message
    assert not [s for s in ("DROP TABLE", "DROP SEQUENCE", "CREATE TABLE", "CREATE SEQUENCE") if s in result.sql], result.sql
    assert "ALTER TABLE t SET SCHEMA archive;" in result.sql
    assert "FOREIGN KEY" not in result.sql  # r's foreign key follows t by its oid: not dropped and validated again
    apply_all(any_db_url, out)

    cat = _catalog(any_db_url, name)
    assert ("public", "t", "r") not in cat["relations"] and ("archive", name, "r") in cat["relations"]
    assert ("archive", f"{name}_v_idx", "i") in cat["relations"] and ("archive", f"{name}_pkey", "i") in cat["relations"]
    assert cat["serial"] == f"archive.{name}_n_seq" and cat["identity"] == f"archive.{name}_g_seq"  # (as a fresh build names it)
    assert not [x for x in cat["relations"] if x[0] == "public" and x[2] == "S"]  # no sequence left behind
    assert f"{reader}=r/" in cat["relacl"] and cat["comment"] == "kept through the move"
    assert cat["policies"] == [("readable", "(v IS NOT NULL)")]
    assert cat["checks"] == [(f"{name}_pkey", "p"), (f"{name}_v_check", "c")]  # the key named as a new table's would be
    assert cat["fk"] == f"archive.{name}"
    assert f"FROM archive.{name}" in cat["view"]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute(f"SELECT oid FROM pg_class WHERE oid = 'archive.{name}'::regclass").fetchone()[0] == oid
        assert conn.execute("SELECT oid FROM pg_constraint WHERE contype = 'f'").fetchone()[0] == fk
        assert conn.execute(f"SELECT id, v, n, g FROM archive.{name} ORDER BY id").fetchall() == \
            [(1, "a", 1, 1), (2, "b", 2, 2)]
        conn.execute(f"INSERT INTO archive.{name} (id, v) VALUES (3, 'c')")  # the serial goes on: no duplicate 1
        assert conn.execute(f"SELECT n, g FROM archive.{name} WHERE id = 3").fetchone() == (3, 3)
        assert conn.execute("SELECT id, v, n FROM tv ORDER BY id").fetchall() == [(1, "a", 1), (2, "b", 2), (3, "c", 3)]
        assert conn.execute("SELECT count(*) FROM r JOIN tv ON tv.id = r.tid").fetchone()[0] == 2

    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql
    assert any(f"renamed_from 'public.t' can be removed: this database has the rename (table archive.{name}, no public.t)"
               in n for n in drift.notices), drift.notices
    assert generate(str(schema), out, dev_url=dev).status == "unchanged"


def test_move_waits_for_its_schema_and_leaves_a_schema_it_empties(db_url, tmp_path):
    """CREATE SCHEMA before SET SCHEMA into it; DROP SCHEMA of the schema it left after it."""
    schema, out = _first(db_url, tmp_path, "tables:\n  t:\n    schema: old\n    columns:\n      id: {type: serial, "
                         "primary_key: true}\n", "INSERT INTO old.t DEFAULT VALUES")
    result = _second(db_url, schema, out, "tables:\n  t:\n    schema: new\n    renamed_from: old.t\n"
                     "    columns:\n      id: {type: serial, primary_key: true}\n")
    body = [line for line in result.sql.splitlines() if line and not line.startswith("--")]
    assert body == ["SET LOCAL search_path = public;", "CREATE SCHEMA IF NOT EXISTS new;", "ALTER TABLE old.t SET SCHEMA new;",
                    "DROP SCHEMA IF EXISTS old;", "SET LOCAL search_path TO DEFAULT;"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'old'").fetchone()[0] == 0
        conn.execute("INSERT INTO new.t DEFAULT VALUES")
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM new.t").fetchone()[0] == [1, 2]
        assert conn.execute("SELECT pg_get_serial_sequence('new.t', 'id')").fetchone()[0] == "new.t_id_seq"
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert drift.differences == (), drift.render("text")
    again = generate(str(schema), out)  # the hint has done its work: said, and no second move
    assert again.status == "unchanged" and any(
        "renamed_from 'old.t' has done its work: the recorded schema has table new.t and no old.t" in n
        for n in again.notices), again.notices


def test_renamed_from_naming_the_table_itself_is_an_error(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    schema: archive\n    renamed_from: archive.t\n"
                                          "    columns: {id: integer}\n")
    r = schemac("generate")
    assert r.returncode == 2 and "schema.yaml:4:19: renamed_from of table 't' is its own name" in r.stderr, r.stderr


def test_plain_rename_keeps_the_foreign_keys_referencing_it(db_url, tmp_path):
    """A same-schema rename: the foreign key of another table follows the table (no DROP + ADD CONSTRAINT, which
    would check every row again under a lock)."""
    text = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "  r:\n    columns:\n      tid: {type: integer}\n"
            "    foreign_keys:\n      - {columns: [tid], references: {table: t, columns: [id]}}\n")
    schema, out = _first(db_url, tmp_path, text, "INSERT INTO t VALUES (1); INSERT INTO r VALUES (1)")
    with psycopg.connect(db_url, autocommit=True) as conn:
        fk = conn.execute("SELECT oid FROM pg_constraint WHERE contype = 'f'").fetchone()[0]
    result = _second(db_url, schema, out, text.replace("  t:\n", "  t2:\n    renamed_from: t\n")
                     .replace("table: t,", "table: t2,"))
    assert "FOREIGN KEY" not in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT oid, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'").fetchone() \
            == (fk, "t2")
        assert conn.execute("SELECT tid FROM r JOIN t2 ON t2.id = r.tid").fetchall() == [(1,)]
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert drift.differences == (), drift.render("text")


def test_moved_parents_keep_their_partitions_and_children(db_url, tmp_path):
    """A partitioned table and an INHERITS parent moved: their partitions and children (left in public) stay
    attached (no DETACH, no NO INHERIT); extended statistics, which Postgres leaves in their schema, are made again
    in the new one."""
    text = ("schemas: [archive]\ntables:\n"
            "  p:\n    columns: {k: integer, a: integer, b: integer}\n    partition_by: {strategy: list, key: k}\n"
            "    statistics:\n      st: {columns: [a, b]}\n"
            "  p1:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n"
            "  c:\n    columns:\n      id: {type: serial}\n"
            "  c2:\n    inherits: [c]\n    columns: {x: text}\n")
    schema, out = _first(db_url, tmp_path, text, "INSERT INTO p VALUES (1, 2, 3); INSERT INTO c2 (x) VALUES ('x')")
    result = _second(db_url, schema, out, text.replace("  p:\n", "  p:\n    schema: archive\n    renamed_from: public.p\n")
                     .replace("{parent: p,", "{parent: p, schema: archive,")
                     .replace("  c:\n", "  c:\n    schema: archive\n    renamed_from: public.c\n")
                     .replace("inherits: [c]", "inherits: [archive.c]"))
    assert not [w for w in ("DETACH", "ATTACH", "INHERIT", "DROP TABLE", "SEQUENCE") if w in result.sql], result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert sorted(conn.execute("SELECT inhrelid::regclass::text, inhparent::regclass::text FROM pg_inherits")
                      .fetchall()) == [("c2", "archive.c"), ("p1", "archive.p")]
        assert conn.execute("SELECT stxnamespace::regnamespace::text FROM pg_statistic_ext").fetchall() == [("archive",)]
        assert conn.execute("SELECT k, a, b FROM archive.p").fetchall() == [(1, 2, 3)]
        conn.execute("INSERT INTO c2 (x) VALUES ('y')")
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM archive.c").fetchone()[0] == [1, 2]
        assert conn.execute("SELECT pg_get_serial_sequence('archive.c', 'id')").fetchone()[0] == "archive.c_id_seq"
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql


def test_sequence_moved_and_renamed_keeps_its_position(any_db_url, reader, tmp_path):
    """A standalone sequence with `renamed_from: public.s`: ALTER SEQUENCE ... SET SCHEMA, RENAME TO; the values
    go on where they were (a sequence made again would hand out 100 again), its grants stay, the default calling it
    reads it under its new name."""
    text = ("schemas: [archive]\nsequences:\n  s:\n    start: 100\n    grants: {READER: [usage]}\n"
            "tables:\n  t:\n    columns:\n      id: {type: bigint, default: \"nextval('s'::regclass)\"}\n")
    schema, out = _first(any_db_url, tmp_path, text.replace("READER", reader), "INSERT INTO t DEFAULT VALUES")
    result = _second(any_db_url, schema, out, text.replace("READER", reader)
                     .replace("  s:\n", "  s2:\n    schema: archive\n    renamed_from: public.s\n")
                     .replace("nextval('s'::regclass)", "nextval('archive.s2'::regclass)"))
    assert "ALTER SEQUENCE s SET SCHEMA archive;" in result.sql and "DROP SEQUENCE" not in result.sql, result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            " WHERE c.relkind = 'S'").fetchall() == [("archive", "s2")]
        assert f"{reader}=U/" in conn.execute("SELECT relacl::text FROM pg_class WHERE relkind = 'S'").fetchone()[0]
        conn.execute("INSERT INTO t DEFAULT VALUES")
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM t").fetchone()[0] == [100, 101]
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql
    again = generate(str(schema), out)
    assert again.status == "unchanged" and any("renamed_from 'public.s' has done its work: the recorded schema has "
                                               "sequence archive.s2 and no public.s" in n for n in again.notices)


PUBLISHED = """\
schemas: [archive]
functions:
  up: {returns: trigger, language: plpgsql, body: "BEGIN NEW.v := upper(NEW.v); RETURN NEW; END"}
tables:
  t:
    columns: {v: text}
    triggers:
      t_up: {timing: before, events: [insert], for_each: row, function: up}
publications:
  pub:
    tables: [t]
"""


def test_moved_table_stays_published_and_its_trigger_fires(db_url, tmp_path):
    """A publication's member and a trigger follow the table to its new schema: no ALTER PUBLICATION, no trigger
    made again."""
    text = PUBLISHED
    schema, out = _first(db_url, tmp_path, text, "INSERT INTO t VALUES ('a')")
    result = _second(db_url, schema, out, text.replace("  t:\n", "  t:\n    schema: archive\n    renamed_from: public.t\n")
                     .replace("tables: [t]", "tables: [archive.t]"))
    assert "PUBLICATION" not in result.sql and "TRIGGER" not in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT schemaname, tablename FROM pg_publication_tables").fetchall() == [("archive", "t")]
        conn.execute("INSERT INTO archive.t VALUES ('b')")
        assert conn.execute("SELECT array_agg(v ORDER BY v) FROM archive.t").fetchone()[0] == ["A", "B"]
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql


VIEWS = """\
schemas: [archive]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
views:
  v:
    query: SELECT id, id AS x FROM t
    comment: a view
    grants: {READER: [select]}
  w:
    query: SELECT id FROM v
materialized_views:
  mv:
    query: SELECT id FROM t
    indexes:
      mv_id: {columns: [id]}
"""


@pytest.mark.parametrize("query", ["SELECT id, id AS x FROM t", "SELECT id FROM t"], ids=["kept", "rebuilt"])
def test_views_moved_and_renamed(any_db_url, reader, tmp_path, query):
    """`renamed_from: public.v` on a view, `public.mv` on a materialized view: ALTER [MATERIALIZED] VIEW ... SET
    SCHEMA, RENAME TO (the matview keeps its rows and index, the view its grants and comment, a view reading it
    follows); a view whose columns change too is dropped under its old name and created under the new one."""
    schema, out = _first(any_db_url, tmp_path, VIEWS.replace("READER", reader),
                         "INSERT INTO t VALUES (1), (2); REFRESH MATERIALIZED VIEW mv")
    dev = psycopg.conninfo.make_conninfo(any_db_url, dbname="postgres")  # views deparsed by the database's major
    schema.write_text(VIEWS.replace("READER", reader).replace("  v:\n", "  v2:\n    schema: archive\n    renamed_from: public.v\n")
                      .replace("FROM v\n", "FROM archive.v2\n").replace("SELECT id, id AS x FROM t", query)
                      .replace("  mv:\n", "  mv:\n    schema: archive\n    renamed_from: public.mv\n"))
    result = generate(str(schema), out, dev_url=dev)
    assert result.status == "written", result.message
    assert "ALTER MATERIALIZED VIEW mv SET SCHEMA archive;" in result.sql and "DROP MATERIALIZED" not in result.sql
    assert ("ALTER VIEW v SET SCHEMA archive;" in result.sql) == (query != "SELECT id FROM t"), result.sql
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert sorted(conn.execute("SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON "
                                   "n.oid = c.relnamespace WHERE n.nspname IN ('public', 'archive') AND c.relkind IN ('v', 'm', 'i') "
                                   "AND c.relname NOT IN ('t_pkey', '_sqlx_migrations_pkey')")
                      .fetchall()) == [("archive", "mv", "m"), ("archive", "mv_id", "i"), ("archive", "v2", "v"),
                                       ("public", "w", "v")]
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM archive.mv").fetchone()[0] == [1, 2]  # no REFRESH
        assert "archive.v2" in conn.execute("SELECT pg_get_viewdef('w'::regclass, true)").fetchone()[0]
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM w").fetchone()[0] == [1, 2]
        acl, comment = conn.execute("SELECT relacl::text, obj_description(oid, 'pg_class') FROM pg_class "
                                    "WHERE oid = 'archive.v2'::regclass").fetchone()
        assert f"{reader}=r/" in acl and comment == "a view"
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql
    assert generate(str(schema), out, dev_url=dev).status == "unchanged"


@pytest.mark.parametrize("new", ["archive.t", pytest.param("public.t2", marks=pytest.mark.slow)], ids=["moved", "renamed"])
def test_column_dropped_under_a_view_of_a_moved_table(db_url, tmp_path, new):
    """A table moved (or renamed) while a column its view reads is dropped: the view is dropped first (Postgres
    refuses DROP COLUMN under it), as pg_depend names what it reads after the move, and created again after."""
    text = ("schemas: [archive]\ntables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "      c: {type: integer}\nviews:\n  v:\n    query: SELECT id FROM t WHERE c > 0\n")
    schema, out = _first(db_url, tmp_path, text, "INSERT INTO t VALUES (1, 1), (2, 0)")
    schema_name, name = new.split(".")
    schema.write_text(text.replace("  t:\n", f"  {name}:\n    schema: {schema_name}\n    renamed_from: public.t\n")
                      .replace("      c: {type: integer}\n", "").replace("FROM t WHERE c > 0", f"FROM {new}"))
    result = generate(str(schema), out, allow_destructive=True)  # (the column's values go)
    assert result.status == "written", result.message
    apply_all(db_url, out)
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM v").fetchone()[0] == [1, 2]
        assert conn.execute(f"SELECT count(*) FROM pg_attribute WHERE attrelid = '{new}'::regclass AND attnum > 0 "
                            "AND NOT attisdropped").fetchone()[0] == 1
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql


def test_sequence_renamed_with_its_grants_changed(any_db_url, reader, tmp_path):
    """A sequence renamed (`renamed_from`) whose grants change in the same migration, and a serial's sequence renamed
    with its table: each was compared as a new sequence (Postgres's defaults), so what a role held before the rename
    and schema.yaml withdraws was never revoked (drift after the migration: "holds SELECT on sequence s2")."""
    text = ("sequences:\n  s:\n    grants: {READER: [usage, select]}\n  t_n_seq:\n    owned_by: t.n\n"
            "    grants: {READER: [update]}\ntables:\n  t:\n    columns:\n      id: {type: integer}\n"
            "      n: {type: integer, nullable: false, default: \"nextval('t_n_seq'::regclass)\"}\n").replace("READER", reader)
    schema, out = _first(any_db_url, tmp_path, text, "INSERT INTO t (id) VALUES (1)")
    result = _second(any_db_url, schema, out, text.replace("  s:\n    grants: {" + reader + ": [usage, select]}",
                                                           "  s2:\n    renamed_from: s\n    grants: {" + reader + ": [usage]}")
                     .replace("t_n_seq", "u_n_seq").replace("owned_by: t.n\n    grants: {" + reader + ": [update]}",
                                                              "owned_by: u.n\n    grants: {" + reader + ": [select]}")
                     .replace("  t:\n", "  u:\n    renamed_from: t\n"))
    assert "DROP SEQUENCE" not in result.sql and f"REVOKE SELECT ON SEQUENCE s2 FROM {reader}" in result.sql, result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        acl = dict(conn.execute("SELECT relname::text, relacl::text FROM pg_class WHERE relkind = 'S'").fetchall())
    assert set(acl) == {"s2", "u_n_seq"} and f"{reader}=U/" in acl["s2"] and f"{reader}=r/" in acl["u_n_seq"], acl
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql


NUMBERED = """\
tables:
  m3:
    columns:
      x: {type: integer, primary_key: true}
      y: {type: integer}
views:
  v:
    query: SELECT x FROM m3 WHERE y IN (SELECT x FROM m3)
  w:
    query: WITH m4 AS (SELECT x, y FROM m3) SELECT x FROM m4
materialized_views:
  mv:
    query: WITH m3 AS (SELECT x, y FROM m3) SELECT x FROM m3
"""
RENUMBERED = {"v": "SELECT x FROM m4 WHERE y IN (SELECT x FROM m4)",
              "w": "WITH m4 AS (SELECT x, y FROM public.m4) SELECT x FROM m4",
              "mv": "WITH m3 AS (SELECT x, y FROM m4) SELECT x FROM m3"}


def test_readers_of_a_renamed_table_whose_names_postgres_made_unique_are_kept(any_db_url, tmp_path):
    """A table renamed (`renamed_from`) that views read where Postgres makes a relation's name unique (`FROM m3 m3_1`
    in a sublink, `public.m3 m3_1` in a CTE named m3; after the rename `m4 m4_1`, or `m4` bare, and `public.m4 m4_1`
    in a CTE named m4): the names follow the rename as Postgres gives them (pg.refnames), so the views and the
    materialized view are kept (OIDs, pg_rewrite rows, the matview's rows not recomputed); they were made again,
    the names made unique being taken as written."""
    dev = psycopg.conninfo.make_conninfo(any_db_url, dbname="postgres")  # views deparsed by the database's major
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(NUMBERED)
    assert generate(str(schema), out, dev_url=dev).status == "written"
    apply_all(any_db_url, out)
    kept = "SELECT c.relname, c.oid, r.xmin::text FROM pg_class c JOIN pg_rewrite r ON r.ev_class = c.oid " \
           "WHERE c.relname IN ('v', 'w', 'mv') ORDER BY 1"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO m3 VALUES (1, 1), (2, 1); REFRESH MATERIALIZED VIEW mv; INSERT INTO m3 VALUES (3, 3)")
        before = conn.execute(kept).fetchall()
    text = NUMBERED.replace("  m3:\n", "  m4:\n    renamed_from: m3\n").split("views:")[0] + "views:\n" + \
        "".join(f"  {n}:\n    query: {RENUMBERED[n]}\n" for n in ("v", "w")) + \
        f"materialized_views:\n  mv:\n    query: {RENUMBERED['mv']}\n"
    schema.write_text(text)
    result = generate(str(schema), out, dev_url=dev)
    assert result.status == "written" and "VIEW" not in result.sql, result.sql
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute(kept).fetchall() == before
        assert conn.execute("SELECT array_agg(x ORDER BY x) FROM mv").fetchone()[0] == [1, 2]  # (not REFRESHed)
        for name, query in RENUMBERED.items():  # each as a view made of its new query prints it
            conn.execute(f"CREATE VIEW fresh AS {query}")
            kept_text, fresh = conn.execute(f"SELECT pg_get_viewdef('{name}'::regclass, true), "
                                            "pg_get_viewdef('fresh'::regclass, true)").fetchone()
            assert kept_text == fresh, name
            conn.execute("DROP VIEW fresh")
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text") + result.sql


def test_diff_tells_a_policys_aliases_postgres_made_unique_from_written_ones_across_a_rename(any_db_url, tmp_path):
    """A policy whose subquery reads its own table again (`FROM issues`, printed `issues issues_1`) or another table
    twice (`lots lots_1`), one written with that alias, and one reading the renamed table beside another's alias of
    its name (`lots, bins lots_1`): `diff` of the database against a schema.yaml renaming the
    table (renamed_from) names the rename alone. After ALTER TABLE ... RENAME Postgres prints the alias it made unique
    anew (`tickets tickets_1`), a written one as written (`tickets issues_1`): pg_policy's conditions are read with the
    aliases they hold as written (Policy.written_aliases, as a view's), so each is read as Postgres will print it; the
    one it made unique was reported before as a policy changed (a security drift) though the rename alone makes it.
    generate, which reads state.json's text (written in every database built from it, Postgres's in the one inspect
    read), still alters such a policy: only that converges both."""
    from catalog_oracle import sibling_database
    from pairs import with_renames
    from schemac.commands.inspect import inspect_database

    tables = "CREATE TABLE {i} (id int PRIMARY KEY, owner text); CREATE TABLE {l} (id int PRIMARY KEY, amount int);" \
             "CREATE TABLE claims (id int PRIMARY KEY); CREATE TABLE bins (id int PRIMARY KEY);"
    policies = ("CREATE POLICY hand ON {i} USING (owner = current_user OR EXISTS (SELECT 1 FROM {i} WHERE {i}.id = 3));"
                "CREATE POLICY built ON {i} USING (EXISTS (SELECT 1 FROM {i} {w} WHERE {w}.id = 4));"
                "CREATE POLICY twice ON claims USING (EXISTS (SELECT 1 FROM {l} WHERE {l}.id = claims.id "
                "AND {l}.amount IN (SELECT {l}.amount FROM {l} WHERE {l}.id > 0)));"
                "CREATE POLICY beside ON claims USING (EXISTS (SELECT 1 FROM {l}, bins lots_1 WHERE lots_1.id = {l}.id));")
    read = "SELECT p.oid::int, p.polname::text, pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p ORDER BY 2"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute((tables + policies).format(i="issues", l="lots", w="issues_1"))
        before = conn.execute(read).fetchall()
    assert "issues issues_1" in before[2][2] and "lots lots_1" in before[3][2]  # (hand, twice: Postgres's aliases)
    schema = tmp_path / "schema.yaml"
    with sibling_database(any_db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute((tables + policies).format(i="tickets", l="parcels", w="issues_1"))
        schema.write_text(with_renames(inspect_database(b).yaml, (("public.tickets", "issues"),
                                                                   ("public.parcels", "lots"))))
    drift = check_drift(str(schema), any_db_url)
    assert sorted(d.message.split(" is ")[0] for d in drift.differences) == ["table issues", "table lots"], \
        drift.render("text")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE issues RENAME TO tickets; ALTER TABLE lots RENAME TO parcels")
        after = conn.execute(read).fetchall()
    assert [(oid, name) for oid, name, _ in after] == [(oid, name) for oid, name, _ in before]
    assert "tickets tickets_1" in after[2][2] and "tickets issues_1" in after[1][2] and \
        "parcels parcels_1" in after[3][2] and "bins lots_1" in after[0][2]
    drift = check_drift(str(schema), any_db_url)
    assert drift.differences == (), drift.render("text")
