"""`generate --concurrently` replacing an index of an existing table (its columns, predicate, method changed) dropped
the old one in the main migration's transaction and built the new one CONCURRENTLY in a later `-- no-transaction`
file: between the two the table had no index, and a UNIQUE one's rows no check (a duplicate went in). Now the new one
is built beside the old under Postgres's REINDEX CONCURRENTLY name (t_k_ccnew), the old dropped CONCURRENTLY, the new
renamed. The oracle, after each file applied in turn over rows: pg_index (a valid index on each column), a duplicate
refused (UniqueViolation), the rows; at the end `diff` clean and the indexes' definitions (pg_get_indexdef)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import inspected_after

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      k: integer\n      w: integer\n"
       "    indexes:\n      t_k: {columns: [k], unique: true, comment: one k}\n      t_w: {columns: [w]}\n")
NEW = OLD.replace("t_k: {columns: [k], unique: true, comment: one k}",
                  "t_k: {columns: [k], unique: true, where: k > 0, comment: one k}").replace("t_w: {columns: [w]}",
                                                                                           "t_w: {columns: [w, k]}")
# On 18 by default, as this file's other tests; 16 and 15 under -m slow (conftest: any_db_url). What these tests prove is
# the plan's order of statements across the `--concurrently` files (plan.online), which no major changes, and Postgres's
# answers to it (CREATE INDEX CONCURRENTLY refused on a partitioned table, an index left INVALID by a failed build,
# REINDEX CONCURRENTLY, a UNIQUE index under a foreign key), alike on 15, 16 and 18; what a major reads otherwise of
# indexes (pg_get_indexdef, pg_index) is test_roundtrip's and test_kinds' on every major. They were marked
# every_major: 3.9 s of CPU (test and servers) a default run on 16 and 15 (session 49).
VALID = ("SELECT DISTINCT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
         "WHERE i.indrelid = 't'::regclass AND i.indisvalid AND i.indisready AND NOT i.indisprimary "
         "AND i.indisunique = (a.attname = 'k') ORDER BY 1")


def _edited(url: str, tmp_path, old: str, new: str, rows: str = "", **options) -> tuple:
    """schema.yaml `old` generated and applied to `url`, `rows` inserted, then `new` generated with --concurrently (and
    generate's other `options`): (schema.yaml's path, the generate result, the new migration files)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(old)
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
        if rows:
            conn.execute(rows)
    first = len(Layout(out).migrations())
    schema.write_text(new)
    result = generate(str(schema), out, concurrently=True, **options)
    assert result.status == "written", result.message
    return schema, result, Layout(out).migrations()[first:]


def test_a_replaced_index_stands_at_every_step_of_a_concurrent_migration(any_db_url, tmp_path):
    schema, result, files = _edited(any_db_url, tmp_path, OLD, NEW,
                                    "INSERT INTO t SELECT g, g, g FROM generate_series(1, 200) g")
    first = open(files[0].path).read()  # (no main file: it would hold the search_path's SET lines alone)
    assert first.startswith("-- no-transaction\n"), result.sql
    assert "CREATE UNIQUE INDEX CONCURRENTLY t_k_ccnew ON public.t(k) WHERE k > 0" in first
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        for n, m in enumerate(files):
            apply_files(conn, [m], record=False)
            assert conn.execute(VALID).fetchall() == [("k",), ("w",)], (n, result.sql)
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute("INSERT INTO t VALUES (1000, 7, 0)")
            assert conn.execute("SELECT count(*), sum(k) FROM t").fetchone() == (200, 20100)
        assert conn.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), "
                            "obj_description(indexrelid, 'pg_class') FROM pg_index WHERE indrelid = 't'::regclass "
                            "AND NOT indisprimary ORDER BY 1").fetchall() == [
            ("t_k", "CREATE UNIQUE INDEX t_k ON public.t USING btree (k) WHERE (k > 0)", "one k"),
            ("t_w", "CREATE INDEX t_w ON public.t USING btree (w, k)", None)]
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


def test_a_new_commented_index_built_concurrently_keeps_its_comment(db_url, tmp_path):
    """The COMMENT ON INDEX of an index built CONCURRENTLY ran in the main file, before the index existed: Postgres
    refused it ('relation "t_w2" does not exist'). It runs once the index is built, in the validating file."""
    schema, result, files = _edited(db_url, tmp_path, OLD, OLD + "      t_w2: {columns: [w, id], comment: two}\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT obj_description('t_w2'::regclass, 'pg_class')").fetchone() == ("two",)
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_replaced_index_is_not_built_beside_under_a_name_the_database_has(db_url, tmp_path):
    """An index named as the replacement would be built (t_w_ccnew) stands: CREATE INDEX CONCURRENTLY IF NOT EXISTS
    t_w_ccnew would have skipped and the user's index been renamed t_w. The index is replaced as before (dropped in
    the main file, built CONCURRENTLY after), and t_w_ccnew kept as it is."""
    text = OLD + "      t_w_ccnew: {columns: [id, w]}\n"
    schema, result, files = _edited(db_url, tmp_path, text, text.replace("t_w: {columns: [w]}", "t_w: {columns: [w, k]}"))
    assert "t_w_ccnew" not in result.sql.replace("t_w_ccnew: ", "")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE "
                            "indrelid = 't'::regclass AND indexrelid::regclass::text LIKE 't_w%' ORDER BY 1").fetchall() == [
            ("t_w", "CREATE INDEX t_w ON public.t USING btree (w, k)"),
            ("t_w_ccnew", "CREATE INDEX t_w_ccnew ON public.t USING btree (id, w)")]
    assert check_drift(str(schema), db_url).differences == (), result.sql


PARTED = ("tables:\n  o:\n    columns:\n      id: {type: integer, nullable: false}\n      d: {type: date, nullable: false}\n"
          "      w: integer\n    partition_by: {strategy: range, key: d}\n    indexes:\n      o_w: {columns: [w]}\n"
          "  o_1:\n    partition_of: {parent: o, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n")


def test_an_index_of_a_partitioned_table_is_built_in_the_transaction(any_db_url, tmp_path):
    """Postgres cannot CREATE INDEX CONCURRENTLY on a partitioned table ('cannot create index on partitioned table
    "o" concurrently'), which --concurrently wrote for a new or replaced one: a replaced one is built in the main file,
    with a notice (where the old is dropped); a new one made ON ONLY, its copies built CONCURRENTLY
    (tests/test_concurrently_partitioned.py), without one."""
    schema, result, files = _edited(any_db_url, tmp_path, PARTED, PARTED.replace(
        "o_w: {columns: [w]}", "o_w: {columns: [w, id]}\n      o_x: {columns: [id, w]}"),
        "INSERT INTO o VALUES (1, '2024-02-01', 1), (2, '2024-03-01', 2)")
    assert [n.split(": ", 1)[1] for n in result.notices if "partitioned" in n] == [
        f"index {i} is built in the migration's transaction, not CONCURRENTLY: Postgres cannot build an index of a "
        "partitioned table CONCURRENTLY" for i in ("o_w",)], result.notices
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT count(*) FROM o").fetchone() == (2,)
        assert conn.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON "
                            "c.oid = i.indexrelid WHERE i.indrelid = 'o'::regclass ORDER BY 1").fetchall() == [
            ("o_w", "CREATE INDEX o_w ON ONLY public.o USING btree (w, id)"),
            ("o_x", "CREATE INDEX o_x ON ONLY public.o USING btree (id, w)")]
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


TWO_PARTS = PARTED + ("  o_2:\n    partition_of: {parent: o, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\"}\n"
                      "    indexes:\n      o_2_w: {columns: [w]}\n")


def test_a_partitions_own_index_is_built_concurrently_before_the_parents_that_attaches_it(any_db_url, tmp_path):
    """A partitioned table given an index, and a partition given its own of that definition under a name of its own
    (o_1_mine, as pg_dump's ON ONLY and ATTACH PARTITION leave one): the parent's CREATE INDEX, in the main file,
    made its copy on o_1 first, and the later CREATE INDEX CONCURRENTLY IF NOT EXISTS o_1_mine a second index beside
    it, attached to nothing (a fresh build attaches o_1_mine). Now o_1_mine is built CONCURRENTLY, then the parent's
    CREATE INDEX, in the validating file, attaches it (and makes o_2's copy): one valid index on each partition."""
    new = TWO_PARTS.replace("o_w: {columns: [w]}", "o_w: {columns: [w]}\n      o_k: {columns: [id, w]}").replace(
        "'2025-01-01')\"}\n", "'2025-01-01')\"}\n    indexes:\n      o_1_mine: {columns: [id, w]}\n", 1)
    schema, result, files = _edited(any_db_url, tmp_path, TWO_PARTS, new,
                                    "INSERT INTO o VALUES (1, '2024-02-01', 1), (2, '2025-03-01', 2)")
    assert any("CREATE INDEX CONCURRENTLY IF NOT EXISTS o_1_mine" in open(m.path).read() for m in files), result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute(
            "SELECT c.relname, i.indisvalid, p.inhparent::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = "
            "i.indexrelid LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid WHERE i.indrelid IN ('o'::regclass, "
            "'o_1'::regclass, 'o_2'::regclass) AND pg_get_indexdef(i.indexrelid) LIKE '%(id, w)' ORDER BY 1").fetchall() \
            == [("o_1_mine", True, "o_k"), ("o_2_id_w_idx", True, "o_k"), ("o_k", True, None)], result.sql
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


def test_a_partitions_copy_renamed_by_hand_under_a_standing_index_is_renamed_not_built_again(any_db_url, tmp_path):
    """A partition's copy of its parent's standing index declared under a name of its own (a copy renamed by hand,
    compare.partition_copies.copies_renamed): without --concurrently its DO block renames the copy; with it, CREATE
    INDEX CONCURRENTLY IF NOT EXISTS o_1_hand built a second index beside the copy, attached to nothing. Now renamed
    in the main file (nothing built, no notice): one index on o_1, o_1_hand, attached to o_w."""
    new = PARTED + "    indexes:\n      o_1_hand: {columns: [w]}\n"
    schema, result, files = _edited(any_db_url, tmp_path, PARTED, new,
                                    "INSERT INTO o VALUES (1, '2024-02-01', 1), (2, '2024-03-01', 2)")
    assert "CONCURRENTLY" not in result.sql and not result.notices, result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute(
            "SELECT c.relname, i.indisvalid, p.inhparent::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = "
            "i.indexrelid LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid WHERE i.indrelid = 'o_1'::regclass"
        ).fetchall() == [("o_1_hand", True, "o_w")], result.sql
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


KEYED = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      k: integer\n"
         "    indexes:\n      t_k: {columns: [k], unique: true}\n"
         "  c:\n    columns:\n      id: {type: integer, primary_key: true}\n      tk: integer\n"
         "    foreign_keys:\n      - {columns: [tk], references: {table: t, columns: [k]}}\n")


def test_a_unique_index_under_a_foreign_key_is_replaced_in_the_transaction(any_db_url, tmp_path):
    """A UNIQUE index a foreign key references, replaced: the key is dropped and added again around it in the main
    file, where --concurrently had dropped the index and left its build to a later file, so Postgres refused the key
    ('there is no unique constraint matching given keys for referenced table "t"'). Built in the main file, with a
    notice: the index and the key are never missing to another session (one transaction)."""
    schema, result, files = _edited(any_db_url, tmp_path, KEYED, KEYED.replace(
        "t_k: {columns: [k], unique: true}", "t_k: {columns: [k], unique: true, include: [id]}"),
        "INSERT INTO t VALUES (1, 10), (2, 20); INSERT INTO c VALUES (1, 10), (2, NULL)")
    assert [n.split(": ", 1)[1] for n in result.notices if "foreign key" in n] == [
        "index t_k is built in the migration's transaction, not CONCURRENTLY: a foreign key the migration adds "
        "references it"], result.notices
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT pg_get_indexdef('t_k'::regclass), (SELECT conindid::regclass::text FROM "
                            "pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f')").fetchone() == (
            "CREATE UNIQUE INDEX t_k ON public.t USING btree (k) INCLUDE (id)", "t_k")
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute("INSERT INTO c VALUES (3, 30)")
        assert conn.execute("SELECT count(*) FROM c").fetchone() == (2,)
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


PLAIN = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      k: integer\n"
ADDED = PLAIN + "    indexes:\n      t_k_u: {columns: [k], unique: true}\n"
IS_VALID = "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_k_u'::regclass"


def test_an_index_a_failed_concurrent_build_left_invalid_is_not_taken_as_built(any_db_url, tmp_path):
    """A CREATE INDEX CONCURRENTLY that fails (a duplicate under a new UNIQUE index) leaves the index INVALID; the
    file run again as sqlx runs it (it was not recorded) skipped it (IF NOT EXISTS), and the migration applied with
    the index INVALID (pg_index.indisvalid), no uniqueness checked. Now the validating file refuses, saying how to mend
    it (REINDEX INDEX CONCURRENTLY); done, the run again applies, the index valid and `diff` clean."""
    schema, result, files = _edited(any_db_url, tmp_path, PLAIN, ADDED, "INSERT INTO t VALUES (1, 7), (2, 7), (3, 8)")
    assert "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_k_u" in open(files[0].path).read(), result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UniqueViolation):
            apply_files(conn, files)
        assert conn.execute(IS_VALID).fetchone() == (False,)
        conn.execute("DELETE FROM t WHERE id = 2")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as e:
            apply_files(conn, files)  # (the index file again, then the validating one)
        assert "REINDEX INDEX CONCURRENTLY t_k_u" in str(e.value)
        assert conn.execute(IS_VALID).fetchone() == (False,)
        conn.execute("REINDEX INDEX CONCURRENTLY t_k_u")
        assert apply_files(conn, files) == files[1:]
        assert conn.execute(IS_VALID).fetchone() == (True,)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO t VALUES (4, 7)")
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


CALLED = ("CREATE FUNCTION half(v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT v / 2 $$; "
          "CREATE TABLE t (id int PRIMARY KEY, k int); CREATE INDEX t_k ON t (half(k));")


def test_a_replaced_index_is_dropped_before_what_only_its_old_definition_used(any_db_url, tmp_path):
    """An index replaced beside its old one (t_k_ccnew) while the function its old expression called is dropped (or,
    as OpenStreetMap's gist bbox index over btree_gist made btree, the extension of its old operator class): the DROP
    FUNCTION went in the main file, before the later file's DROP INDEX CONCURRENTLY of the old index ('cannot drop
    function half(integer) because other objects depend on it'). The drop waits for the validating file now."""
    with sibling_database(any_db_url) as a, sibling_database(any_db_url) as b:
        old, new = inspected_after(a, CALLED), inspected_after(b, "CREATE TABLE t (id int PRIMARY KEY, k int); "
                                                                    "CREATE INDEX t_k ON t (k);")
    schema, result, files = _edited(any_db_url, tmp_path, old, new, "INSERT INTO t VALUES (1, 10), (2, 21)")
    assert "DROP FUNCTION" not in open(files[0].path).read(), result.sql
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT pg_get_indexdef('t_k'::regclass), to_regprocedure('half(integer)'), "
                            "(SELECT count(*) FROM t)").fetchone() == ("CREATE INDEX t_k ON public.t USING btree (k)", None, 2)
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


def test_a_replaced_index_is_dropped_before_the_extension_of_its_old_operator_class(db_url, tmp_path):
    """The same with the extension of the old index's operator class dropped (btree_gist's gist over integers made a
    btree): no edge of the graph ties the index to the extension, so every DROP EXTENSION waits for the old index."""
    with sibling_database(db_url) as a, sibling_database(db_url) as b:
        old = inspected_after(a, "CREATE EXTENSION btree_gist; CREATE TABLE t (id int PRIMARY KEY, lo int, hi int); "
                                 "CREATE INDEX t_box ON t USING gist (lo, hi);")
        new = inspected_after(b, "CREATE TABLE t (id int PRIMARY KEY, lo int, hi int); CREATE INDEX t_box ON t (lo, hi);")
    schema, result, files = _edited(db_url, tmp_path, old, new, "INSERT INTO t VALUES (1, 1, 2)")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT pg_get_indexdef('t_box'::regclass), (SELECT count(*) FROM pg_extension WHERE "
                            "extname = 'btree_gist')").fetchone() == ("CREATE INDEX t_box ON public.t USING btree (lo, hi)", 0)
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_replaced_index_the_table_is_clustered_on_keeps_the_mark(db_url, tmp_path):
    """A table CLUSTERed ON an index --concurrently replaces (iNaturalist's lists, probe54a): the main file marked it
    CLUSTER ON the old index, which DROP INDEX CONCURRENTLY then dropped with its mark, so the table was left
    clustered on none (diff: 'the index CLUSTER uses is none'). The mark is set in the validating file, once the new
    index has the name."""
    old = OLD + "    cluster_on: t_w\n"
    schema, result, files = _edited(db_url, tmp_path, old, old.replace("t_w: {columns: [w]}", "t_w: {columns: [w, k]}"),
                                    "INSERT INTO t SELECT g, g, g FROM generate_series(1, 20) g")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 't'::regclass "
                            "AND indisclustered").fetchall() == [("t_w",)], result.sql
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_replaced_index_reading_a_retyped_column_is_dropped_before_the_retype(db_url, tmp_path):
    """A partial index `WHERE kind IN ('user', 'field_key')` over a varchar made an enum (ODK Central's knex enum,
    probe54a), which --concurrently built beside the old one: the old stood through ALTER COLUMN ... TYPE, which
    rebuilt its predicate as `(kind)::text = ANY (...)`, enum_out not IMMUTABLE, and Postgres refused the main file
    ('functions in index predicate must be marked IMMUTABLE'). The old index is dropped before the retype."""
    old = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      kind: varchar(15)\n"
           "    indexes:\n      t_users: {columns: [id], where: \"(kind)::text = ANY ((ARRAY['user'::character varying, "
           "'field_key'::character varying])::text[])\"}\n")
    new = ("enums:\n  kinds: [system, user, field_key]\ntables:\n  t:\n    columns:\n      id: {type: integer, "
           "primary_key: true}\n      kind: kinds\n    indexes:\n      t_users: {columns: [id], where: \"kind = ANY "
           "(ARRAY['user'::kinds, 'field_key'::kinds])\"}\n")
    schema, result, files = _edited(db_url, tmp_path, old, new, "INSERT INTO t VALUES (1, 'user'), (2, 'system')",
                                    allow_destructive=True)  # (a varchar made an enum)
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT count(*) FROM t WHERE kind IN ('user', 'field_key')").fetchone() == (1,)
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_replaced_index_the_replica_identity_uses_keeps_it_at_every_step(db_url, tmp_path):
    """A table whose REPLICA IDENTITY USING INDEX names an index --concurrently replaces: the main file marked the old
    index again, which DROP INDEX CONCURRENTLY then dropped with its mark, leaving the table relreplident 'i' over no
    index, as NOTHING (logical replication's UPDATE and DELETE refused; diff: the replica identity is nothing, expected
    USING INDEX t_k). The new index is marked once built beside the old, before the old is dropped; the mark follows it
    through its RENAME: at every step one index of the table is the identity."""
    old = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
           "      k: {type: integer, nullable: false}\n    indexes:\n      t_k: {columns: [k], unique: true}\n"
           "    replica_identity: {index: t_k}\n")
    schema, result, files = _edited(db_url, tmp_path, old, old.replace("columns: [k]", "columns: [k, id]"),
                                    "INSERT INTO t SELECT g, g FROM generate_series(1, 20) g")
    with psycopg.connect(db_url, autocommit=True) as conn:
        for n, m in enumerate(files):
            apply_files(conn, [m], record=False)
            assert conn.execute("SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass AND indisreplident"
                                ).fetchone() == (1,), (n, result.sql)
        assert conn.execute("SELECT relreplident::text, (SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid "
                            "= c.oid AND indisreplident) FROM pg_class c WHERE oid = 't'::regclass").fetchone() == (
            "i", "t_k"), result.sql
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_replica_identity_moved_to_a_new_index_is_set_once_it_is_built(db_url, tmp_path):
    """REPLICA IDENTITY USING INDEX moved to an index the migration adds (Canvas's courses, pair
    rw-replica-identity-moved-to-a-unique-index-over-the-same-columns): --concurrently set it in the main file, before
    the later file's CREATE INDEX CONCURRENTLY, and Postgres refused it ('index "t_k2" for table "t" does not exist').
    It is set in the validating file, once the index is built and found valid."""
    old = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
           "      k: {type: integer, nullable: false}\n    indexes:\n      t_k: {columns: [k], unique: true}\n"
           "    replica_identity: {index: t_k}\n")
    new = old.replace("t_k: {columns: [k], unique: true}", "t_k2: {columns: [k, id], unique: true}").replace(
        "{index: t_k}", "{index: t_k2}")
    schema, result, files = _edited(db_url, tmp_path, old, new, "INSERT INTO t SELECT g, g FROM generate_series(1, 20) g")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert conn.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 't'::regclass "
                            "AND indisreplident").fetchall() == [("t_k2",)], result.sql
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_unique_index_dropped_around_a_retype_keeps_its_check_at_every_step(db_url, tmp_path):
    """A UNIQUE expression index over a column retyped (varchar(10) made varchar(20): no rewrite, but Postgres builds an
    index with an expression or a predicate over the column again under ALTER TABLE's ACCESS EXCLUSIVE lock, never
    reusing it; the plan makes it again from schema.yaml's text): --concurrently dropped it in the main file and built
    it CONCURRENTLY in a later one, so in between the table had no such index (a duplicate went in, which then failed
    the build; an INSERT ... ON CONFLICT (lower(code)) was refused). It is built in the main file, with a notice, as
    ALTER COLUMN ... TYPE would have built it; a plain index over the column is kept through the retype."""
    old = ("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      code: varchar(10)\n"
           "    indexes:\n      t_code: {columns: [{expression: lower((code)::text)}], unique: true}\n"
           "      t_plain: {columns: [code]}\n")
    schema, result, files = _edited(db_url, tmp_path, old, old.replace("varchar(10)", "varchar(20)"),
                                    "INSERT INTO t SELECT g, 'c' || g FROM generate_series(1, 20) g")
    assert [n.split(": ", 1)[1] for n in result.notices if "t_code" in n] == [
        "index t_code is built in the migration's transaction, not CONCURRENTLY: it replaces a UNIQUE index that "
        "cannot be built beside the old one, whose check the table would lack until the build"], result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        for n, m in enumerate(files):
            apply_files(conn, [m], record=False)
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute("INSERT INTO t VALUES (100, 'C7')")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (20,)
        conn.execute("INSERT INTO t VALUES (100, 'C7') ON CONFLICT (lower((code)::text)) DO NOTHING")
    assert check_drift(str(schema), db_url).differences == (), result.sql
