"""Two relations of a schema swapping names in one migration (plan.name_swaps): an index of one table renamed
(`renamed_from:`) to the name an index of another table gives up, which takes the first one's; a key recorded under
a name of its own, left unnamed (renamed to Postgres's name for it, which another table's index gives up, taking the
key's). An index's and a key's index's name is a relation's of the schema: before, each rename ran while the other
still held its new name ("relation ... already exists", or the key's rename skipped, leaving drift). Over rows on 18,
16 and 15: the indexes keep their OIDs (renamed, not built again), the names are as a fresh build's (pg_class and
pg_constraint, the test's own SQL), `diff` is clean."""

from __future__ import annotations

import os

import psycopg
import psycopg.conninfo
import pytest

from conftest import each_case_on_one_major

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

TABLES = ("tables:\n  a:\n    columns:\n      id: {type: integer, primary_key: true}\n      x: integer\n@a"
          "  b:\n    columns:\n      id: {type: integer, primary_key: true}\n      y: integer\n@b")


def _tables(a: str, b: str) -> str:
    return TABLES.replace("@a", a).replace("@b", b)


CASES = {  # schema.yaml before and after: a's and b's indexes (and a's key); a chain of renames needs no scratch
    "indexes": (_tables(a="    indexes:\n      ia: {columns: [x]}\n",
                              b="    indexes:\n      ib: {columns: [y]}\n"),
                _tables(a="    indexes:\n      ib: {columns: [x], renamed_from: ia}\n",
                              b="    indexes:\n      ia: {columns: [y], renamed_from: ib}\n")),
    "chain": (_tables("    indexes:\n      ia: {columns: [x]}\n", "    indexes:\n      ib: {columns: [y]}\n"),
              _tables("    indexes:\n      ib: {columns: [x], renamed_from: ia}\n",
                      "    indexes:\n      ic: {columns: [y], renamed_from: ib}\n")),
    "key-and-index": (_tables(a="", b="    indexes:\n      a_pkey: {columns: [y]}\n").replace(
                          "      id: {type: integer, primary_key: true}\n      x: integer\n",
                          "      id: integer\n      x: integer\n    primary_key: {columns: [id], name: k}\n", 1),
                      _tables(a="", b="    indexes:\n      k: {columns: [y], renamed_from: a_pkey}\n")),
}
NOW = {"indexes": [("a_pkey", "a"), ("b_pkey", "b"), ("ia", "b"), ("ib", "a")],
       "chain": [("a_pkey", "a"), ("b_pkey", "b"), ("ib", "a"), ("ic", "b")],
       "key-and-index": [("a_pkey", "a"), ("b_pkey", "b"), ("k", "b")]}
NAMES = ("SELECT c.relname, i.indrelid::regclass::text, i.indexrelid::oid FROM pg_index i JOIN pg_class c ON c.oid = "
         "i.indexrelid WHERE i.indrelid IN ('a'::regclass, 'b'::regclass) ORDER BY 1")
KEYS = "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('a'::regclass, 'b'::regclass) ORDER BY 1"


def _generated(schemac, folder, text: str) -> list[str]:
    with open(os.path.join(folder, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    r = schemac("generate")
    assert r.returncode == 0, (r.stdout, r.stderr)
    return Layout(os.path.join(folder, "generated")).migrations()


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_relations_swapping_names_are_renamed_as_a_fresh_build_names_them(schemac, tmp_path, any_db_url, case):
    before, after = CASES[case]
    files = _generated(schemac, tmp_path, before)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files)
        conn.execute("INSERT INTO a VALUES (1, 10), (2, 20); INSERT INTO b VALUES (1, 30)")
    was = {oid: (name, table) for name, table, oid in _rows(any_db_url, NAMES)}
    files = _generated(schemac, tmp_path, after)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files[-1:])  # (before: "relation ... already exists", rolled back)
    now = {oid: (name, table) for name, table, oid in _rows(any_db_url, NAMES)}
    assert set(now) == set(was), (was, now)  # every index kept: renamed, not built again
    assert sorted(now.values()) == NOW[case], now
    assert _rows(any_db_url, KEYS) == [("a", "a_pkey"), ("b", "b_pkey")]
    assert _rows(any_db_url, "SELECT * FROM a ORDER BY id") == [(1, 10), (2, 20)]
    r = schemac("diff", "--database-url", any_db_url)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert schemac("generate", "--check").returncode == 0


CHAIN_BEFORE = ("tables:\n  a:\n    columns:\n      id: {type: integer, primary_key: true}\n      x: text\n"
                "  b:\n    columns:\n      id: {type: integer, primary_key: true}\n      a_id: integer\n      y: text\n"
                "    foreign_keys:\n      - {columns: [a_id], references: {table: a, columns: [id]}}\n")
CHAIN_AFTER = ("tables:\n  b:\n    renamed_from: a\n    columns:\n      id: {type: integer, primary_key: true}\n"
               "      x: text\n  c:\n    renamed_from: b\n    columns:\n      id: {type: integer, primary_key: true}\n"
               "      a_id: integer\n      y: text\n"
               "    foreign_keys:\n      - {columns: [a_id], references: {table: b, columns: [id]}}\n")
TABLES_NOW = ("SELECT c.oid::oid, c.relname::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
              "AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations' ORDER BY 2")
TABLE_KEYS = ("SELECT conrelid::regclass::text, conname::text, contype::text FROM pg_constraint WHERE contype IN "
              "('p', 'f') AND connamespace = 'public'::regnamespace AND conrelid <> '_sqlx_migrations'::regclass "
              "ORDER BY 1, 2")


def test_a_chain_of_table_renames_is_made_from_its_end(schemac, tmp_path, any_db_url):
    """b renamed_from a and c renamed_from b, b's foreign key referencing a: before, each rename was skipped (b's new
    name held, b's old one kept by schema.yaml), the hints silently unused, and generate refused the edit as dropping
    a and b's columns ('use renamed_from: for a rename'). Now b -> c first, then a -> b (compare.moves._chained):
    every table keeps its OID and rows, the keys are named as a fresh build names them (pg_constraint), the foreign
    key references the renamed a, diff is clean and a second generate unchanged. A cycle (a <-> b) stays refused:
    after it the names alone look as before, so its hints could not be told from done."""
    files = _generated(schemac, tmp_path, CHAIN_BEFORE)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files)
        conn.execute("INSERT INTO a VALUES (1, 'one'), (2, 'two'); INSERT INTO b VALUES (10, 1, 'ten'), (20, 2, 'x')")
    was = dict(_rows(any_db_url, TABLES_NOW))
    files = _generated(schemac, tmp_path, CHAIN_AFTER)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files[-1:])
    now = dict(_rows(any_db_url, TABLES_NOW))
    assert {oid: (was[oid], now[oid]) for oid in now} == {oid: ({"a": "a", "b": "b"}[was[oid]], {"a": "b", "b": "c"}[
        was[oid]]) for oid in was}
    assert _rows(any_db_url, TABLE_KEYS) == [("b", "b_pkey", "p"), ("c", "c_a_id_fkey", "f"), ("c", "c_pkey", "p")]
    assert _rows(any_db_url, "SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = 'c_a_id_fkey'") == \
        [("b",)]
    assert _rows(any_db_url, "SELECT * FROM b ORDER BY id") == [(1, "one"), (2, "two")]
    assert _rows(any_db_url, "SELECT * FROM c ORDER BY id") == [(10, 1, "ten"), (20, 2, "x")]
    r = schemac("diff", "--database-url", any_db_url)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert schemac("generate", "--check").returncode == 0
    swap = ("tables:\n  c:\n    renamed_from: b\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "      x: text\n  b:\n    renamed_from: c\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "      a_id: integer\n      y: text\n"
            "    foreign_keys:\n      - {columns: [a_id], references: {table: c, columns: [id]}}\n")
    (tmp_path / "schema.yaml").write_text(swap, encoding="utf-8")
    count = len(Layout(os.path.join(tmp_path, "generated")).migrations())
    r = schemac("generate")
    assert r.returncode == 1 and "drop column" in r.stdout + r.stderr, (r.stdout, r.stderr)
    assert len(Layout(os.path.join(tmp_path, "generated")).migrations()) == count


SEQ_BEFORE = ("tables:\n  a:\n    columns:\n      id: {type: serial, primary_key: true}\n"
              "      n: {type: integer, identity: {generated: by default}}\n      x: text\n"
              "  b:\n    columns:\n      id: {type: bigserial, primary_key: true}\n"
              "      n: {type: integer, identity: {generated: by default}}\n      y: text\n"
              "publications:\n  p: {tables: [a, b]}\n")
SEQ_AFTER = ("tables:\n  b:\n    renamed_from: a\n    columns:\n      id: {type: serial, primary_key: true}\n"
             "      n: {type: integer, identity: {generated: by default}}\n      x: text\n  c:\n    renamed_from: b\n    columns:\n      id: {type: bigserial, primary_key: true}\n"
             "      n: {type: integer, identity: {generated: by default}}\n      y: text\n"
             "publications:\n  p: {tables: [b, c]}\n")
SEQUENCES_NOW = ("SELECT s.seqrelid::oid, c.relname::text, d.refobjid::regclass::text, a.attname::text "
                 "FROM pg_sequence s "
                 "JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = "
                 "'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') JOIN "
                 "pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                 "WHERE c.relnamespace = 'public'::regnamespace ORDER BY 2")


def test_a_chain_of_renames_of_tables_owning_sequences_takes_them_along(schemac, tmp_path, any_db_url):
    """A chain (b renamed_from a, c renamed_from b) whose tables own sequences (serial, bigserial, identity columns):
    before, the chain was refused as dropping a and b's columns, the sequences' names being each other's (a_id_seq
    -> b_id_seq, b_id_seq -> c_id_seq). Now the sequences follow their tables from the chain's end: each keeps its
    OID and position (pg_sequence, pg_depend: the test's own SQL), is named as a fresh build names it, and the next
    ids continue past each table's rows (none handed out twice)."""
    files = _generated(schemac, tmp_path, SEQ_BEFORE)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files)
        conn.execute("INSERT INTO a (x) SELECT 'a' FROM generate_series(1, 5); INSERT INTO b (y) SELECT 'b' FROM "
                     "generate_series(1, 8); DELETE FROM a WHERE id > 3; DELETE FROM b WHERE id > 6")
    was = {oid: (name, table, column) for oid, name, table, column in _rows(any_db_url, SEQUENCES_NOW)}
    tables = dict(_rows(any_db_url, TABLES_NOW))
    files = _generated(schemac, tmp_path, SEQ_AFTER)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files[-1:])
    assert {oid: {"a": "b", "b": "c"}[name] for oid, name in tables.items()} == dict(_rows(any_db_url, TABLES_NOW))
    now = {oid: (name, table, column) for oid, name, table, column in _rows(any_db_url, SEQUENCES_NOW)}
    assert set(now) == set(was), (was, now)
    assert sorted(now.values()) == [("b_id_seq", "b", "id"), ("b_n_seq", "b", "n"), ("c_id_seq", "c", "id"),
                                    ("c_n_seq", "c", "n")], now
    assert {was[oid][0]: now[oid][0] for oid in now} == {"a_id_seq": "b_id_seq", "a_n_seq": "b_n_seq",
                                                         "b_id_seq": "c_id_seq", "b_n_seq": "c_n_seq"}
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("INSERT INTO b (x) VALUES ('new') RETURNING id, n").fetchone() == (6, 6)
        assert conn.execute("INSERT INTO c (y) VALUES ('new') RETURNING id, n").fetchone() == (9, 9)
    assert _rows(any_db_url, "SELECT count(*), count(DISTINCT id) FROM c") == [(7, 7)]
    assert _rows(any_db_url, "SELECT prrelid::oid FROM pg_publication_rel ORDER BY 1") == sorted((oid,) for oid in tables)
    r = schemac("diff", "--database-url", any_db_url)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert schemac("generate", "--check").returncode == 0


_MOVED_COLUMNS = ("      id: {type: serial, primary_key: true}\n      n: {type: integer, identity: {generated: by default}}\n"
                  "      x: text\n", "      id: {type: bigserial, primary_key: true}\n"
                  "      n: {type: integer, identity: {generated: by default}}\n      y: text\n")
MOVED_CHAINS = {  # schema.yaml after SEQ_BEFORE (publication left out): a chain of renames moving tables to archive
    "both-moved": ("archive", "archive", "schemas: [archive]\ntables:\n  b:\n    schema: archive\n    renamed_from: public.a\n"
                   "    columns:\n" + _MOVED_COLUMNS[0] + "  c:\n    schema: archive\n    renamed_from: public.b\n"
                   "    columns:\n" + _MOVED_COLUMNS[1]),
    "end-moved": ("public", "archive", "schemas: [archive]\ntables:\n  b:\n    renamed_from: a\n    columns:\n"
                  + _MOVED_COLUMNS[0] + "  c:\n    schema: archive\n    renamed_from: public.b\n    columns:\n"
                  + _MOVED_COLUMNS[1]),
}
SEQUENCES_BY_SCHEMA = ("SELECT c.relnamespace::regnamespace::text, c.relname::text, d.refobjid::regclass::text, "
                       "a.attname::text, pg_get_serial_sequence(d.refobjid::regclass::text, a.attname) FROM pg_sequence s "
                       "JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = "
                       "'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') JOIN "
                       "pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid ORDER BY 1, 2")


@pytest.mark.parametrize("major_db,case", each_case_on_one_major([pytest.param(c, id=c) for c in sorted(MOVED_CHAINS)]),
                         indirect=["major_db"])
def test_a_chain_of_renames_moving_tables_names_their_sequences_as_a_fresh_build(schemac, tmp_path, major_db, case):
    """A chain (b renamed_from a, c renamed_from b) moving tables to another schema, over serial and identity columns
    with rows. Before: both moved, the migration failed (`relation "b" already exists in schema "archive"`: b passed
    through archive.b after a took the name), and its sequences were paired by name, a's dropped and c's made at 1;
    the end moved, it failed (`relation "b_id_seq" already exists`: a_id_seq renamed before b's left public), and an
    identity's sequence kept its old table's name (archive.b_n_seq). Now the sequences in pg_class, their owners and
    pg_get_serial_sequence are a fresh build's of the same schema.yaml (a sibling database), each keeps its OID, and
    the next ids continue past the rows."""
    b_schema, c_schema, after = MOVED_CHAINS[case]
    files = _generated(schemac, tmp_path, SEQ_BEFORE.replace("publications:\n  p: {tables: [a, b]}\n", ""))
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, files)
        conn.execute("INSERT INTO a (x) SELECT 'a' FROM generate_series(1, 5); INSERT INTO b (y) SELECT 'b' FROM "
                     "generate_series(1, 8); DELETE FROM a WHERE id > 3")
    oids = sorted(r[0] for r in _rows(major_db, "SELECT seqrelid::oid FROM pg_sequence"))
    files = _generated(schemac, tmp_path, after)
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, files[-1:])
    sibling = psycopg.conninfo.make_conninfo(major_db, dbname="fresh_chain_moved")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "schema.yaml").write_text(after, encoding="utf-8")
    assert schemac("generate", cwd=fresh).returncode == 0
    built = Layout(str(fresh / "generated")).migrations()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE DATABASE fresh_chain_moved")
    try:
        with psycopg.connect(sibling, autocommit=True) as conn:
            apply_files(conn, built)
        expected = _rows(sibling, SEQUENCES_BY_SCHEMA)
    finally:
        with psycopg.connect(major_db, autocommit=True) as conn:
            conn.execute("DROP DATABASE fresh_chain_moved")
    assert _rows(major_db, SEQUENCES_BY_SCHEMA) == expected, expected
    assert sorted(r[0] for r in _rows(major_db, "SELECT seqrelid::oid FROM pg_sequence")) == oids  # (none made again)
    b, c = (f"{s}.{t}" if s != "public" else t for s, t in ((b_schema, "b"), (c_schema, "c")))
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert conn.execute(f"INSERT INTO {b} (x) VALUES ('new') RETURNING id, n").fetchone() == (6, 6)
        assert conn.execute(f"INSERT INTO {c} (y) VALUES ('new') RETURNING id, n").fetchone() == (9, 9)
    r = schemac("diff", "--database-url", major_db)
    assert r.returncode == 0, (r.stdout, r.stderr)
