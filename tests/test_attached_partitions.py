"""Partitions made as pg_dump and hand-written schemas make them: CREATE TABLE p (LIKE parent INCLUDING ALL), a
CHECK of their own, then ATTACH PARTITION (a sub-partitioned one, a default one, one with a NOT VALID check and a
commented one). schemac rebuilds them PARTITION OF the parent with their own CHECKs added after (made on their own and
attached where their columns come in another order than the parent's): the oracle is
pg_constraint's rows of source and rebuilt database, names, conislocal, coninhcount, validity, definition and
comment (a NOT NULL's name only where it is the table's own: an inherited one is named after the parent when the
partition is made PARTITION OF it, and the table's own when it was attached, as tests/catalog_oracle.py says)."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest
from conftest import MAJORS
from sqlx_project import inspected_and_rebuilt


SCHEMA = """
CREATE TABLE parent (id int NOT NULL, region text NOT NULL, amount numeric CHECK (amount >= 0),
  CONSTRAINT region_ok CHECK (region <> '')) PARTITION BY LIST (region);
CREATE TABLE p_eu (LIKE parent INCLUDING ALL);
ALTER TABLE p_eu ADD CONSTRAINT eu_small CHECK (amount < 1000);
ALTER TABLE parent ATTACH PARTITION p_eu FOR VALUES IN ('eu');
COMMENT ON CONSTRAINT eu_small ON p_eu IS 'local to eu';
CREATE TABLE p_x (LIKE parent INCLUDING ALL);
ALTER TABLE p_x ADD CONSTRAINT px_local CHECK (id > 0) NOT VALID;
ALTER TABLE parent ATTACH PARTITION p_x FOR VALUES IN ('x');
CREATE TABLE p_sub (LIKE parent INCLUDING ALL, CONSTRAINT sub_id CHECK (id < 100)) PARTITION BY RANGE (id);
CREATE TABLE p_sub_1 (LIKE p_sub INCLUDING ALL, CONSTRAINT sub1_own CHECK (amount IS NOT NULL));
ALTER TABLE p_sub ATTACH PARTITION p_sub_1 FOR VALUES FROM (0) TO (50);
ALTER TABLE parent ATTACH PARTITION p_sub FOR VALUES IN ('sub');
CREATE TABLE p_def (LIKE parent INCLUDING ALL, CONSTRAINT def_own CHECK (region <> 'eu'));
ALTER TABLE parent ATTACH PARTITION p_def DEFAULT;
INSERT INTO parent VALUES (1, 'eu', 5), (2, 'x', 6), (3, 'sub', 7), (4, 'us', 8);
"""
CONSTRAINTS = """
SELECT k.conrelid::regclass::text, CASE WHEN k.contype = 'n' AND k.coninhcount > 0 THEN '<inherited>' ELSE k.conname END,
       k.contype::text, k.conislocal, k.coninhcount, k.convalidated, pg_get_constraintdef(k.oid),
       obj_description(k.oid, 'pg_constraint')
FROM pg_constraint k WHERE k.connamespace = 'public'::regnamespace AND k.conrelid <> 0
  AND k.conrelid::regclass::text <> '_sqlx_migrations' ORDER BY 1, 2, 3, 7
"""


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_partitions_attached_with_checks_of_their_own_round_trip(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SCHEMA)
        expected = conn.execute(CONSTRAINTS).fetchall()
    assert ("p_eu", "eu_small", "c", True, 0, True, "CHECK ((amount < (1000)::numeric))", "local to eu") in expected
    assert ("p_eu", "region_ok", "c", False, 1, True, "CHECK ((region <> ''::text))", None) in expected
    with _rebuilt(major_db, tmp_path) as (conn, result):
        assert conn.execute(CONSTRAINTS).fetchall() == expected, result.sql
        with pytest.raises(psycopg.errors.CheckViolation):  # the local check holds on the rebuilt partition
            conn.execute("INSERT INTO parent VALUES (9, 'eu', 5000)")


@contextmanager
def _rebuilt(url: str, tmp_path):
    """inspected_and_rebuilt: the rebuilt database's connection and the generate result."""
    with inspected_and_rebuilt(url, tmp_path) as (conn, _, result, _):
        yield conn, result


# Partitions attached with a column order of their own (PostgreSQL's regression inherit.sql and updatable_views.sql
# leave such ones: a table made before it became a partition, or a parent that gained columns since). PARTITION OF
# gives the parent's order; the rebuilt partition keeps its own (SELECT *, INSERT without a column list and COPY
# see it), holding the parent's CHECK for the ATTACH as the source did.
REORDERED = """
CREATE TABLE events (id int NOT NULL, kind text NOT NULL CHECK (kind <> ''), at date, note text) PARTITION BY LIST (kind);
CREATE INDEX ON events (at);
CREATE TABLE events_a (note text, at date, kind text NOT NULL CHECK (kind <> ''), id int NOT NULL, CONSTRAINT a_own CHECK (id > 0));
ALTER TABLE events_a RENAME CONSTRAINT events_a_kind_check TO events_kind_check;
ALTER TABLE events ATTACH PARTITION events_a FOR VALUES IN ('a');
CREATE TABLE events_b (kind text NOT NULL, id int NOT NULL, at date, note text, CONSTRAINT events_kind_check CHECK (kind <> ''))
  PARTITION BY RANGE (id);
CREATE TABLE events_b1 (at date, note text, kind text NOT NULL, id int NOT NULL, CONSTRAINT events_kind_check CHECK (kind <> ''));
ALTER TABLE events_b ATTACH PARTITION events_b1 FOR VALUES FROM (0) TO (100);
ALTER TABLE events ATTACH PARTITION events_b FOR VALUES IN ('b');
CREATE TABLE events_c PARTITION OF events FOR VALUES IN ('c');
INSERT INTO events_a VALUES ('n', '2024-01-01', 'a', 1);
"""
ORDER = """
SELECT c.relname::text, array_agg(a.attname::text ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname LIKE 'events%'
GROUP BY 1 ORDER BY 1
"""


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_partitions_attached_with_their_own_column_order_keep_it(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(REORDERED)
        order, constraints = conn.execute(ORDER).fetchall(), conn.execute(CONSTRAINTS).fetchall()
    assert ("events_a", ["note", "at", "kind", "id"]) in order and ("events_c", ["id", "kind", "at", "note"]) in order
    assert ("events_a", "events_kind_check", "c", False, 1, True, "CHECK ((kind <> ''::text))", None) in constraints
    with _rebuilt(major_db, tmp_path) as (conn, result):
        assert conn.execute(ORDER).fetchall() == order, result.sql
        assert conn.execute(CONSTRAINTS).fetchall() == constraints, result.sql
        conn.execute("INSERT INTO events_a VALUES ('n', '2024-01-01', 'a', 1)")  # the partition's own order


# A partition attached in its own order (or with NOT NULL names of its own: test_not_null_names) under a parent's
# identity column: from PostgreSQL 17 on the partition shares it, and ATTACH refuses a table with one of its own.
IDENTITY = """
CREATE TABLE ev (id bigint GENERATED ALWAYS AS IDENTITY, at int NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE ev_1 (note text, at int NOT NULL, id bigint NOT NULL);
ALTER TABLE ev ATTACH PARTITION ev_1 FOR VALUES FROM (0) TO (10);
CREATE TABLE ev_2 (id bigint NOT NULL, at int NOT NULL, note text);
ALTER TABLE ev ATTACH PARTITION ev_2 FOR VALUES FROM (10) TO (20);
INSERT INTO ev (at, note) VALUES (1, 'a'), (11, 'b');
"""
IDENTITIES = """
SELECT c.relname::text, array_agg(a.attname::text || ':' || a.attidentity::text ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname LIKE 'ev%'
GROUP BY 1 ORDER BY 1
"""


def test_partitions_attached_under_a_parents_identity_are_made_so(db_url, tmp_path):
    """Made on its own without the identity, then attached (it failed: 'table being attached contains an identity
    column'): the same column order and identity, and rows inserted through the parent take the shared sequence."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(IDENTITY)
        expected = conn.execute(IDENTITIES).fetchall()
    assert ("ev_1", ["note:", "at:", "id:a"]) in expected
    with _rebuilt(db_url, tmp_path) as (conn, result):
        assert conn.execute(IDENTITIES).fetchall() == expected, result.sql
        assert conn.execute("INSERT INTO ev (at, note) VALUES (2, 'c'), (12, 'd') RETURNING id").fetchall() == [(1,), (2,)]


def test_a_partition_given_another_bound_over_rows_is_warned(db_url, tmp_path):
    """A partition's bound changed is DETACH and ATTACH ... FOR VALUES, which Postgres refuses where a row of the
    partition falls outside the new bound: generate never sees the rows, so it warns at the partition's line, and
    the warning is true (the migration does not apply over such a row)."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    table = "tables:\n  t:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: text\n"
    part = "  t_1:\n    partition_of: {parent: t, bound: \"FOR VALUES IN ('%s')\"}\n"
    generated_and_applied(tmp_path, db_url, table + part % "a")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES ('a')")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(table + part % "b", encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert [n for n in result.notices if n.startswith("warning: ")] == [
        f"warning: {schema}:6:3: partition public.t_1 is attached FOR VALUES IN ('b'): the migration fails where a row "
        "of it falls outside that bound (move those rows first)"]
    with psycopg.connect(db_url, autocommit=True) as conn, pytest.raises(psycopg.errors.CheckViolation):
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in before], record=False)


def test_a_partition_made_in_the_same_migration_and_attached_is_not_warned(db_url, tmp_path):
    """A partition whose columns come in another order than its parent's is made on its own and attached (as pagila's
    payment partitions, from scratch): a table the same migration creates holds no row, so no warning of rows outside
    its bound (pagila's generate printed seven)."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n  t:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: text\n"
                      "      v: int\n  t_1:\n    partition_of: {parent: t, bound: \"FOR VALUES IN ('a')\"}\n"
                      "    columns:\n      v: int\n      k: text\n", encoding="utf-8")
    result = generate(str(schema), out)
    assert "ATTACH PARTITION" in open(Layout(out).migrations()[-1].path, encoding="utf-8").read()
    assert [n for n in result.notices if n.startswith("warning: ")] == []
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
        assert conn.execute("SELECT relispartition FROM pg_class WHERE oid = 't_1'::regclass").fetchone() == (True,)


@pytest.mark.slow
def test_a_partition_detached_under_a_referencing_row_is_warned(db_url, tmp_path):
    """A partition made a table of its own is a DETACH, which checks the foreign keys referencing its parent: Postgres
    refuses it where a row references one of its rows through the parent. generate never sees the rows, so it warns
    at the partition's line, and the warning is true (the migration does not apply over such a row); a bound changed
    (DETACH and ATTACH again) drops and adds the key around instead, and is not warned."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    parent = ("tables:\n  t:\n    partition_by: {strategy: range, key: k}\n    columns:\n      id: int\n      k: int\n"
              "    primary_key: {columns: [id, k]}\n  r:\n    columns:\n      id: int\n      t_id: int\n      t_k: int\n"
              "    foreign_keys:\n      - {columns: [t_id, t_k], references: {table: t, columns: [id, k]}}\n")
    part = "  t_1:\n    partition_of: {parent: t, bound: \"FOR VALUES FROM (0) TO (%s)\"}\n"
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    generated_and_applied(tmp_path, db_url, parent + part % 10)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 5); INSERT INTO r VALUES (1, 1, 5)")
    schema.write_text(parent + part % 20, encoding="utf-8")  # (another bound: the key dropped and added around)
    assert [n for n in generate(str(schema), out, dry_run=True).notices if "is detached from" in n] == []
    schema.write_text(parent + "  t_1:\n    columns:\n      id: {type: int, nullable: false}\n"
                      "      k: {type: int, nullable: false}\n", encoding="utf-8")
    before = {m.path for m in Layout(out).migrations()}
    result = generate(str(schema), out)
    assert [n for n in result.notices if n.startswith("warning: ")] == [
        f"warning: {schema}:15:3: partition public.t_1 is detached from public.t, which foreign key r_t_id_t_k_fkey of "
        "public.r references: the migration fails where a row references one of the partition's rows (delete those "
        "rows, or point them elsewhere, first)"]
    with psycopg.connect(db_url, autocommit=True) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in before], record=False)
