"""Where a column's values come from a sequence, a migration keeps the sequence past the rows: a sequence made
again, or an identity added to a column with values, hands out 1, 2, ... to a table whose rows hold them, and the
next INSERT fails on the key. A sequence that owns the same column under another name is renamed; an identity added
to a serial or plain column is moved past the rows. The oracle: the next row's value, and pg_get_serial_sequence /
pg_class naming the sequence."""

from __future__ import annotations

import psycopg
import pytest

from conftest import migrated_then_described, sampled
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from sqlx_project import generated_and_applied

SERIAL = "tables:\n  orders:\n    columns:\n      id: {type: serial, primary_key: true}\n      v: text\n"
SERIAL_RENAMED = ("tables:\n  purchases:\n    renamed_from: orders\n    columns:\n"
                  "      id: {type: serial, primary_key: true}\n      v: text\n")
EXPLICIT = ("sequences:\n  {seq}: {{type: integer, owned_by: orders.id}}\n"
            "tables:\n  orders:\n    columns:\n"
            "      id: {{type: integer, primary_key: true, default: \"nextval('{seq}'::regclass)\"}}\n      v: text\n")


_step = generated_and_applied


@pytest.mark.parametrize("before, after, table, sequence", [
    (SERIAL, SERIAL_RENAMED, "purchases", "purchases_id_seq"),
    (SERIAL.replace("id: {", "number: {"), SERIAL.replace("id: {", "id: {renamed_from: number, "), "orders",
     "orders_id_seq"),
    (EXPLICIT.format(seq="orders_id_seq"), EXPLICIT.format(seq="order_numbers"), "orders", "order_numbers"),
], ids=["serial-table-renamed", "serial-column-renamed", "sequence-renamed"])
def test_a_sequence_under_a_new_name_keeps_its_position(tmp_path, db_url, before, after, table, sequence):
    _step(tmp_path, db_url, before)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) VALUES ('a'), ('b')")
    sql = _step(tmp_path, db_url, after)
    assert "DROP SEQUENCE" not in sql and "RENAME TO" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} (v) VALUES ('c')")
        assert conn.execute(f"SELECT id, v FROM {table} ORDER BY id").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
        assert conn.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')").fetchone()[0] == f"public.{sequence}"
        assert conn.execute("SELECT array_agg(relname::text ORDER BY relname) FROM pg_class WHERE relkind = 'S'"
                            ).fetchone()[0] == [sequence]
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


PLAIN = "tables:\n  orders:\n    columns:\n      id: {type: integer, primary_key: true}\n      v: text\n"


@pytest.mark.parametrize("before, ids, identity, next_id", [
    (SERIAL, (1, 2), "by_default", 3),
    (PLAIN, (1, 2), "always", 3),
    (PLAIN, (1, 2), "{generated: by_default, start: 1000}", 1000),
    (PLAIN, (-1, -2), "{generated: by_default, increment: -1, start: -1}", -3),
    (PLAIN, (5, 6), "{generated: by_default, increment: -1, start: -1}", -1),
], ids=["serial-made-identity", "integer-key-made-identity", "start-beyond-the-rows", "descending", "descending-clear"])
def test_an_identity_added_to_a_column_with_values_starts_past_them(tmp_path, db_url, before, ids, identity, next_id):
    _step(tmp_path, db_url, before)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (id, v) VALUES (%s, 'a'), (%s, 'b')", ids)
    _step(tmp_path, db_url, f"tables:\n  orders:\n    columns:\n      id: {{type: integer, primary_key: true, "
                            f"identity: {identity}}}\n      v: text\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        got = conn.execute("INSERT INTO orders (v) VALUES ('c') RETURNING id").fetchone()[0]
    assert got == next_id
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


IDENTITY = "tables:\n  orders:\n    columns:\n      id: {type: integer, primary_key: true, identity: by_default}\n      v: text\n"


@pytest.mark.parametrize("after, table", [(SERIAL, "orders"), (SERIAL_RENAMED, "purchases")],
                         ids=["identity-made-serial", "identity-made-serial-table-renamed"])
def test_a_new_sequence_owning_a_column_with_values_starts_past_them(tmp_path, db_url, after, table):
    _step(tmp_path, db_url, IDENTITY)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) VALUES ('a'), ('b')")
    _step(tmp_path, db_url, after)
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute(f"INSERT INTO {table} (v) VALUES ('c') RETURNING id").fetchone()[0] == 3
        assert conn.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')").fetchone()[0] == f"public.{table}_id_seq"
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


UNOWNED = ("sequences:\n  order_ids: {type: integer}\n"
           "tables:\n  orders:\n    columns:\n"
           "      id: {type: integer, primary_key: true, default: \"nextval('order_ids'::regclass)\"}\n      v: text\n")


@pytest.mark.parametrize("before, kept, schema", [(SERIAL, 0, ""), (UNOWNED, 0, ""), (UNOWNED, 1, ""),
                                                  (UNOWNED, 0, "app"), (UNOWNED, 1, "app")],
                         ids=["serial", "unowned-sequence-dropped", "unowned-sequence-kept",
                              "public-sequence-dropped-under-another-schema", "public-sequence-kept-under-another-schema"])
def test_an_identity_taking_over_from_a_sequence_keeps_its_position(tmp_path, any_db_url, before, kept, schema):
    """Values the column's old sequence handed out, whose rows were deleted since (ids 1..10, rows 4..10 deleted),
    are not handed out again by the identity that replaces it: it starts past the old sequence, not past the rows
    (an application, RT say, may still hold id 7 in a log or a URL). `schema`: the table in app, which has an
    order_ids of its own, its default calling public's bare (`nextval('order_ids')`, as pg_get_expr prints it and the
    migration's search_path reads it): once read as app's, the kept value was app's (next id 4), or 'relation
    "app.order_ids" does not exist' (public's kept), or 'cannot drop sequence order_ids' (public's dropped, ordered
    before the DROP DEFAULT)."""
    own = f"  app_ids: {{type: integer, schema: {schema}, name: order_ids}}\n" if schema else ""
    at = f"    schema: {schema}\n" if schema else ""
    table = f"{schema}.orders" if schema else "orders"
    _step(tmp_path, any_db_url, before.replace("sequences:\n", "sequences:\n" + own).replace("  orders:\n",
                                                                                             "  orders:\n" + at))
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} (v) SELECT 'x' FROM generate_series(1, 10); DELETE FROM {table} WHERE id > 3")
    identity = "tables:\n  orders:\n" + at + "    columns:\n      id: {type: integer, primary_key: true, " \
               "identity: by_default}\n      v: text\n"
    _step(tmp_path, any_db_url, ("sequences:\n  order_ids: {type: integer}\n" if kept else "sequences:\n" if own else "")
          + own + identity, allow_destructive=True)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        got = conn.execute(f"INSERT INTO {table} (v) VALUES ('c') RETURNING id").fetchone()[0]
        sequences = conn.execute("SELECT count(*) FROM pg_class WHERE relkind = 'S'").fetchone()[0]
    assert (got, sequences) == (11, 1 + kept + bool(own))
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url).differences == ()


@pytest.mark.parametrize("after", ["SERIAL", "UNOWNED"])
def test_a_serial_taking_over_from_an_identity_keeps_its_position(tmp_path, any_db_url, after):
    """The other way: an identity made serial after deletes (ids 1..10 handed out, rows 4..10 deleted), or replaced
    by DEFAULT nextval() of a new sequence owned by nothing: the new sequence starts past what the identity handed
    out, 11, not past the rows, 4 (which the unowned one gave before compare.sequence_feeds)."""
    _step(tmp_path, any_db_url, IDENTITY)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) SELECT 'x' FROM generate_series(1, 10); DELETE FROM orders WHERE id > 3")
    _step(tmp_path, any_db_url, {"SERIAL": SERIAL, "UNOWNED": UNOWNED}[after])
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute("INSERT INTO orders (v) VALUES ('c') RETURNING id").fetchone()[0] == 11
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url).differences == ()


# The identity's column owns another sequence too, made before the identity's (pg_get_serial_sequence returns it).
_OWNED_FIRST = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v text); CREATE SEQUENCE other_ids OWNED BY t.id; "
_IDENTITY_AFTER = "ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY; "
_PARENT = ("CREATE TABLE {p} (k int, id int NOT NULL, v text) PARTITION BY LIST (k); CREATE SEQUENCE {p}_other_ids OWNED "
           "BY {p}.id; ALTER TABLE {p} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY; ")
_TEN_LEFT_THREE = " SELECT 1, 'x' FROM generate_series(1, 10); DELETE FROM t3 WHERE id > 3;"  # (ids 1..10 handed out)
_P, _Q = _PARENT.format(p="p"), _PARENT.format(p="q")


@pytest.mark.parametrize("old, new, table, next_id", sampled([pytest.param(
    _OWNED_FIRST + "INSERT INTO t VALUES (1, 'a'), (2, 'b');", _OWNED_FIRST + _IDENTITY_AFTER, "t", 3,
    id="identity-added"), pytest.param(
    _OWNED_FIRST + _IDENTITY_AFTER + "INSERT INTO t (v) SELECT 'x' FROM generate_series(1, 10); DELETE FROM t WHERE id > 3;",
    "CREATE SEQUENCE other_ids; CREATE TABLE t (id int DEFAULT nextval('other_ids') NOT NULL PRIMARY KEY, v text); "
    "ALTER SEQUENCE other_ids OWNED BY t.id;", "t", 11, id="identity-made-serial"),
    pytest.param(_P + "CREATE TABLE t3 (k int, id int NOT NULL, v text); INSERT INTO t3 VALUES (1, 1, 'a'), (1, 2, 'b');",
                 _P + "CREATE TABLE t3 PARTITION OF p FOR VALUES IN (1);", "p", 3, id="attached-to-the-parent"),
    pytest.param(_P + "CREATE TABLE t3 PARTITION OF p FOR VALUES IN (1); INSERT INTO p (k, v)" + _TEN_LEFT_THREE,
                 _P + "CREATE TABLE t3 (k int, id int GENERATED BY DEFAULT AS IDENTITY, v text);", "t3", 11,
                 id="detached-into-an-identity-of-its-own"),
    pytest.param(_Q + _P + "CREATE TABLE t3 PARTITION OF q FOR VALUES IN (1); INSERT INTO q (k, v)" + _TEN_LEFT_THREE,
                 _Q + _P + "CREATE TABLE t3 PARTITION OF p FOR VALUES IN (1);", "p", 11,
                 id="moved-to-another-parent")], 5))
def test_an_identitys_own_sequence_is_the_one_moved_where_the_column_owns_another(tmp_path, any_db_url, old, new, table,
                                                                                  next_id):
    """A column with an identity and a sequence OWNED BY it (made first: pg_get_serial_sequence returns that one): the
    identity's own sequence is moved past the rows (an identity added; a partition attached under the parent's), and
    its last value read (an identity a serial's nextval takes over from, a partition detached or moved from a parent
    with one, after ids 4..10 were deleted). Read through pg_get_serial_sequence, the other sequence was moved or read:
    the next INSERT took 1, a row's key ("duplicate key"), or 4, a deleted row's id; a descending identity failed the
    migration (pairs identities.sql)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with migrated_then_described(any_db_url, schema, out, old, new) as (_, old_files):
        result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in old_files], record=False)
        got = conn.execute(f"INSERT INTO {table} (v) VALUES ('c') RETURNING id" if table == "t" else
                           f"INSERT INTO {table} (k, v) VALUES (1, 'c') RETURNING id").fetchone()[0]
    assert got == next_id, result.sql
    assert check_drift(str(schema), any_db_url).differences == ()


PARTITIONED = ("tables:\n  p:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: integer\n"
               "      id: {type: integer, identity: always}\n      v: text\n"
               "  t3:\n    partition_of: {parent: p, bound: \"FOR VALUES IN (1)\"}\n"
               "  t4:\n    partition_of: {parent: p, bound: \"FOR VALUES IN (2)\"}\n")
DETACHED = ("tables:\n  p:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: integer\n"
            "      id: {type: integer, identity: always}\n      v: text\n"
            "  t4:\n    partition_of: {parent: p, bound: \"FOR VALUES IN (2)\"}\n"
            "  t3:\n    columns:\n      k: integer\n      id: {type: integer, identity: always}\n      v: text\n")


@pytest.mark.parametrize("after, column", [
    (DETACHED, "id"), ("tables:\n" + DETACHED[DETACHED.index("  t3:"):], "id"),
    (DETACHED[:DETACHED.index("  t3:")] + "  t3:\n    columns:\n      k: integer\n"
     "      ident: {type: integer, renamed_from: id, identity: always}\n      v: text\n", "ident"),
], ids=["parent-kept", "parent-dropped", "column-renamed"])
def test_a_partition_detached_to_a_table_of_its_own_keeps_its_parents_position(tmp_path, any_db_url, after, column):
    """A partition detached from a parent with an identity, into a table that declares its own: its new identity
    starts past what the parent's sequence handed out (ids 1..10 into the partition and its sibling, the partition's
    rows past 3 deleted), not past the partition's rows: 7 may still name a deleted row somewhere. The column renamed
    after the DETACH is read under the parent's name for it (the new name failed the migration: "column does not
    exist")."""
    _step(tmp_path, any_db_url, PARTITIONED)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p (k, v) SELECT 1 + i % 2, 'x' FROM generate_series(1, 10) i; "
                     "DELETE FROM p WHERE k = 1 AND id > 3")
        handed = conn.execute("SELECT last_value FROM pg_sequences WHERE sequencename = 'p_id_seq'").fetchone()[0]
    _step(tmp_path, any_db_url, after, allow_destructive=True)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        got = conn.execute(f"INSERT INTO t3 (k, v) VALUES (1, 'c') RETURNING {column}").fetchone()[0]
    assert (handed, got) == (10, 11)
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url).differences == ()


MOVED_FROM = ("tables:\n  p:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: integer\n"
              "      id: {type: integer, identity: always}\n      v: text\n"
              "  q:\n    partition_by: {strategy: list, key: k}\n    columns:\n      k: integer\n"
              "      id: {type: integer, identity: always}\n      v: text\n"
              "  t4:\n    partition_of: {parent: p, bound: \"FOR VALUES IN (2)\"}\n"
              "  t3:\n    partition_of: {parent: p, bound: \"FOR VALUES IN (1)\"}\n")


@pytest.mark.parametrize("further, next_id", [(None, 11), (50, 51)], ids=["new-parent-behind", "new-parent-further"])
def test_a_partition_moved_to_another_parent_continues_past_both_sequences(tmp_path, any_db_url, further, next_id):
    """A partition detached from p and attached to q, both with an identity: p handed out 1..10 (the partition's rows
    past 3 deleted since); q's sequence was behind, and the next INSERT into q took 1, a value a row of the
    partition holds. It continues past p's sequence and the rows, and a q further already is left where it is."""
    _step(tmp_path, any_db_url, MOVED_FROM)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p (k, v) SELECT 1 + i % 2, 'x' FROM generate_series(1, 10) i; "
                     "DELETE FROM p WHERE k = 1 AND id > 3")
        if further:
            conn.execute("SELECT setval(pg_get_serial_sequence('q', 'id'), %s)", (further,))
    _step(tmp_path, any_db_url, MOVED_FROM.replace("  t3:\n    partition_of: {parent: p", "  t3:\n    partition_of: {parent: q"))
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        held = conn.execute("SELECT array_agg(id ORDER BY id) FROM t3").fetchone()[0]
        got = conn.execute("INSERT INTO q (k, v) VALUES (1, 'c') RETURNING id").fetchone()[0]
        parent = conn.execute("SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = 't3'::regclass").fetchone()[0]
    assert (held, parent, got) == ([2], "q", next_id)
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url).differences == ()


def test_a_partition_detached_into_a_narrower_identity_is_warned_of(tmp_path, db_url):
    """A partition of a parent with a bigint identity detached into a table declaring a smallint one: it continues
    past the parent's sequence, which handed out 40,000 (rows of other partitions): no smallint is left that was not
    handed out, so the sequence stands at 32767 and the first INSERT fails. The rows are kept and no id handed out
    again; generate warned of nothing before."""
    from schemac.commands.generate import generate

    big = PARTITIONED.replace("{type: integer, identity: always}", "{type: bigint, identity: always}")
    _step(tmp_path, db_url, big)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p (k, v) SELECT 1 + i % 2, 'x' FROM generate_series(1, 10) i; "
                     "SELECT setval('p_id_seq', 40000)")
    small = DETACHED.replace("  t3:\n    columns:\n      k: integer\n      id: {type: integer",
                             "  t3:\n    columns:\n      k: integer\n      id: {type: smallint").replace(
        "      id: {type: integer, identity: always}\n      v: text\n  t4", "      id: {type: bigint, identity: always}\n      v: text\n  t4")
    (tmp_path / "schema.yaml").write_text(small, encoding="utf-8")
    notices = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True).notices
    assert [n for n in notices if "(smallint) continues past the sequence of " in n and ".p.id (bigint)" in n], notices
    _step(tmp_path, db_url, small, allow_destructive=True)
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT array_agg(id ORDER BY id) FROM t3").fetchone()[0] == [2, 4, 6, 8, 10]
        assert conn.execute("SELECT last_value FROM pg_sequences WHERE sequencename = 't3_id_seq'").fetchone()[0] == 32767
        with pytest.raises(psycopg.errors.SequenceGeneratorLimitExceeded):
            conn.execute("INSERT INTO t3 (k, v) VALUES (1, 'c')")


SHARED = ("sequences:\n  hibernate_sequence: {type: bigint}\n  tag_ids: {type: bigint}\n"
          "tables:\n" + "".join(f"  {t}:\n    columns:\n      id: {{type: bigint, primary_key: true, default: "
                                f"\"nextval('{s}'::regclass)\"}}\n      v: text\n"
                                for t, s in (("author", "hibernate_sequence"), ("book", "hibernate_sequence"),
                                             ("tag", "tag_ids")))
          + "".join(f"  {t}:\n    columns:\n      id: {{type: bigint, primary_key: true}}\n      v: text\n"
                    for t in ("note", "label")))
PER_TABLE = ("sequences:\n  author_seq: {type: bigint, increment: 50}\n  shared_seq: {type: bigint}\n"
             "  tag_ids: {type: bigint}\n"
             "tables:\n" + "".join(f"  {t}:\n    columns:\n      id: {{type: bigint, primary_key: true, default: "
                                   f"\"nextval('{s}')\"}}\n      v: text\n"
                                   for t, s in (("author", "author_seq"), ("book", "shared_seq"), ("note", "shared_seq"),
                                                ("tag", "tag_ids"), ("label", "public.tag_ids"))))


def test_a_sequence_made_the_default_of_a_column_with_values_moves_past_them(tmp_path, any_db_url):
    """Hibernate 6's move from the shared hibernate_sequence to a sequence per table, owned by nothing: each new
    sequence a key's SET DEFAULT calls starts past that table's rows and past what the old sequence handed out
    (author's rows 4..7 deleted: by its INCREMENT 50 from hibernate_sequence's 10, not from 3), and one feeding two
    tables past both, never moved back by the second (book's 10, note's 3); a kept sequence another table's default
    calls now too (tag_ids at 2, label's rows 1..3, called `nextval('public.tag_ids')`: once missed, the calls were
    looked for as text) past that table's rows. Before: created at 1 (kept at 2), the next INSERT failed 'duplicate
    key value violates unique constraint "author_pkey"' ("label_pkey")."""
    _step(tmp_path, any_db_url, SHARED)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO author (v) SELECT 'a' FROM generate_series(1, 7);"
                     "INSERT INTO book (v) SELECT 'b' FROM generate_series(1, 3); INSERT INTO note VALUES (1), (2), (3);"
                     "INSERT INTO label VALUES (1), (2), (3);"
                     "INSERT INTO tag (v) VALUES ('t'), ('t'); DELETE FROM author WHERE id > 3")
    _step(tmp_path, any_db_url, PER_TABLE, allow_destructive=True)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        got = [conn.execute(f"INSERT INTO {t} (v) VALUES ('c') RETURNING id").fetchone()[0]
               for t in ("author", "book", "note", "label", "tag")]
    assert got == [60, 11, 12, 4, 5]
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url).differences == ()



def test_a_default_made_nextval_of_a_kept_sequence_is_reported_as_drift(tmp_path, db_url):
    """The same SET DEFAULT seen by `diff`: a database whose key has no default, against schema.yaml's nextval() of a
    sequence both have, is drift, reported at the column's line. The mark that moves the sequence past the rows
    (compare.sequence_feeds) once was a change's cause, and `diff` reports no change that has one: the database
    read in sync. The oracle: pg_attrdef holds no default for the column."""
    _step(tmp_path, db_url, SHARED)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO label VALUES (1), (2), (3)")
        assert conn.execute("SELECT count(*) FROM pg_attrdef WHERE adrelid = 'label'::regclass").fetchone()[0] == 0
    (tmp_path / "schema.yaml").write_text(PER_TABLE, encoding="utf-8")
    found = check_drift(str(tmp_path / "schema.yaml"), db_url).differences
    assert ("column_default_changed", "public.label.id") in {(d.kind, d.path) for d in found}, found


ASIDE = ("sequences:\n  orders_id_seq: {{type: integer{new_owner}}}\n"
         "  orders_id_seq_old: {{type: integer, renamed_from: orders_id_seq{old_owner}}}\n"
         "tables:\n  orders:\n    columns:\n"
         "      id: {{type: integer, primary_key: true, default: \"nextval('{seq}'::regclass)\"}}\n      v: text\n")


@pytest.mark.parametrize("owner, keeps_owner", [("orders_id_seq_old", True), ("orders_id_seq", False)],
                         ids=["default-follows-the-old", "default-and-owner-to-the-new"])
def test_a_sequence_renamed_aside_keeps_its_position_a_new_one_made_under_its_name(tmp_path, db_url, owner,
                                                                                    keeps_owner):
    """orders_id_seq renamed_from aside as orders_id_seq_old while schema.yaml makes a new orders_id_seq (the
    TableDropper way, for a sequence): the old one renamed, keeping its position (and its OWNED BY, or OWNED BY NONE
    where schema.yaml hands it to the new one), then the new one made. Before, the hint was dropped silently: the
    old sequence kept the old name and orders_id_seq_old was made anew; and a hinted rename never wrote OWNED BY."""
    _step(tmp_path, db_url, EXPLICIT.format(seq="orders_id_seq"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) VALUES ('a'), ('b')")
    held = ", owned_by: orders.id"
    sql = _step(tmp_path, db_url, ASIDE.format(seq=owner, new_owner="" if keeps_owner else held,
                                               old_owner=held if keeps_owner else ""))
    assert "ALTER SEQUENCE orders_id_seq RENAME TO orders_id_seq_old" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) VALUES ('c')")
        assert conn.execute("SELECT id, v FROM orders ORDER BY id").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
        assert conn.execute("SELECT last_value FROM orders_id_seq_old").fetchone()[0] == (3 if keeps_owner else 2)
        assert conn.execute("SELECT pg_get_serial_sequence('orders', 'id')").fetchone()[0] == f"public.{owner}"
        assert conn.execute("SELECT count(*) FROM pg_depend WHERE classid = 'pg_class'::regclass AND deptype = 'a' "
                            "AND refobjid = 'orders'::regclass AND objid IN ('orders_id_seq'::regclass, "
                            "'orders_id_seq_old'::regclass)").fetchone()[0] == 1  # one sequence owns orders.id
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


MOVING = ("sequences:\n  {seq}: {{type: integer{owner}{hint}}}\n"
          "tables:\n  {orders}:\n{orders_hint}    columns:\n"
          "      id: {{type: integer, primary_key: true, default: \"nextval('{seq}'::regclass)\"}}\n"
          "      {n}: {{type: integer{n_hint}}}\n      v: text\n"
          "  other:\n    columns:\n      id: integer\n{fresh}")


@pytest.mark.parametrize("owner, table, column, owns", [
    (", owned_by: fresh.id", "orders", "n", "fresh.id"),
    (", owned_by: orders.n", "orders", "n", "orders.n"),
    (", owned_by: other.id", "orders", "n", "other.id"),
    ("", "orders", "n", None),
    (", owned_by: purchases.n", "purchases", "n", "purchases.n"),
    (", owned_by: purchases.num", "purchases", "num", "purchases.num"),
    (", owned_by: purchases.id", "purchases", "n", "purchases.id"),
    (", owned_by: other.id", "purchases", "num", "other.id"),
], ids=["to-a-new-table", "to-another-column", "to-another-table", "to-none", "to-another-column-table-renamed",
        "to-a-renamed-column-table-renamed", "kept-table-renamed", "to-another-table-own-renamed"])
def test_a_renamed_sequence_moves_its_owned_by_as_schema_yaml_says(tmp_path, db_url, owner, table, column, owns):
    """A sequence renamed (`renamed_from`) whose OWNED BY schema.yaml moves at once to another column, another table's
    column, a new table's or none (its table or the new owner column renamed too): the rename, then OWNED BY the new one. Before, a
    hinted rename wrote OWNED BY only where it was given or taken: the sequence stayed owned by orders.id, diff
    reported drift after the apply (and a DROP of orders.id would take it)."""
    _step(tmp_path, db_url, MOVING.format(seq="orders_id_seq", owner=", owned_by: orders.id", hint="", orders="orders",
                                          orders_hint="", n="n", n_hint="", fresh=""))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders (v) VALUES ('a'), ('b')")
    sql = _step(tmp_path, db_url, MOVING.format(
        seq="order_numbers", owner=owner, hint=", renamed_from: orders_id_seq", orders=table,
        orders_hint="" if table == "orders" else "    renamed_from: orders\n", n=column,
        n_hint="" if column == "n" else ", renamed_from: n", fresh="  fresh:\n    columns:\n      id: integer\n"))
    assert "DROP SEQUENCE" not in sql and "RENAME TO order_numbers" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} (v) VALUES ('c')")
        assert conn.execute(f"SELECT id, v FROM {table} ORDER BY id").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
        got = conn.execute("SELECT c.relname || '.' || a.attname FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid "
                           "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                           "WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'a' "
                           "AND d.objid = 'order_numbers'::regclass").fetchall()
    assert got == ([(owns,)] if owns else []), sql
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == (), sql


STANDALONE = "schemas: [billing]\nsequences:\n  {name}: {{type: bigint{more}}}\n"


def test_a_standalone_sequence_dropped_is_destructive_and_a_rename_is_hinted(tmp_path, db_url):
    """A sequence without OWNED BY renamed or moved to another schema without `renamed_from:` was dropped and made
    again, its position lost (nextval gave 1 again), and generate asked no --allow-destructive (peer52): its position
    is data, no column keeps it. Now the drop is refused, naming the `renamed_from:` that renames it; written with
    the hint, ALTER SEQUENCE keeps the position (next value 4, after 3 handed out)."""
    _step(tmp_path, db_url, STANDALONE.format(name="invoice_numbers", more=""))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SELECT nextval('invoice_numbers'), nextval('invoice_numbers'), nextval('invoice_numbers')")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    for name, more, hint in (("invoice_no", "", "renamed_from: invoice_numbers"),
                             ("invoice_numbers", ", schema: billing", "renamed_from: public.invoice_numbers")):
        schema.write_text(STANDALONE.format(name=name, more=more), encoding="utf-8")
        refused = generate(str(schema), out, name="new")
        assert refused.status == "refused", refused.message
        assert "drop sequence public.invoice_numbers: its position (the next value it hands out) is lost" in \
            refused.message and f"write `{hint}` under it" in refused.message, refused.message
    sql = _step(tmp_path, db_url, STANDALONE.format(name="invoice_numbers", more=", schema: billing, renamed_from: "
                                                    "public.invoice_numbers"))
    assert "DROP SEQUENCE" not in sql and "SET SCHEMA" in sql, sql
    sql = _step(tmp_path, db_url, STANDALONE.format(name="invoice_no", more=", schema: billing, renamed_from: "
                                                    "invoice_numbers"))
    assert "DROP SEQUENCE" not in sql and "RENAME TO" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT nextval('billing.invoice_no')").fetchone()[0] == 4
    schema.write_text("schemas: [billing]\n", encoding="utf-8")  # (dropped for good: destructive, no hint)
    refused = generate(str(schema), out, name="gone")
    assert refused.status == "refused" and "drop sequence billing.invoice_no: its position" in refused.message \
        and "is made as" not in refused.message, refused.message


def test_a_bound_below_the_values_handed_out_is_said(tmp_path, db_url):
    """A sequence (or an identity) given a MAXVALUE below the value it stands at is moved back to the bound so the ALTER applies;
    its next nextval then fails, or with CYCLE starts over and hands out values again: generate said nothing
    (peer52). Now it warns, naming the sequence and the bounds, and the server WARNs as it applies, naming where it
    stood."""
    _step(tmp_path, db_url, "sequences:\n  tickets: {type: integer}\n  laps: {type: integer}\n" + IDENTITY)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SELECT setval('tickets', 50), setval('laps', 50), setval('orders_id_seq', 50)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("sequences:\n  tickets: {type: integer, max_value: 20}\n"
                      "  laps: {type: integer, max_value: 20, cycle: true}\n"
                      + IDENTITY.replace("identity: by_default", "identity: {generated: by_default, max_value: 20}"),
                      encoding="utf-8")
    result = generate(str(schema), out, name="bounded")
    assert result.status == "written", result.message
    said = [n for n in result.notices if "is given MAXVALUE 20 (was 2147483647)" in n]
    assert len(said) == 3 and any("the identity of public.orders.id" in n for n in said) and any("sequence public.tickets" in n and "fails ('reached maximum value" in n
                                  for n in said) and any("sequence public.laps" in n and "starts over" in n
                                                         for n in said), result.notices
    warned: list[str] = []
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.add_notice_handler(lambda d: warned.append(d.message_primary or ""))
        apply_files(conn, Layout(out).migrations()[-1:], record=False)
        assert conn.execute("SELECT nextval('laps')").fetchone()[0] == 1  # (the values handed out come again)
        with pytest.raises(psycopg.errors.SequenceGeneratorLimitExceeded):
            conn.execute("SELECT nextval('tickets')")
    assert sorted(w for w in warned if w.startswith("sequence ")) == [
        "sequence laps stood at 50, past its new MAXVALUE 20: moved to it, its next nextval starts over at 1, handing "
        "out values again",
        "sequence orders_id_seq stood at 50, past its new MAXVALUE 20: moved to it, its next nextval fails (reached "
        "maximum value)",
        "sequence tickets stood at 50, past its new MAXVALUE 20: moved to it, its next nextval fails (reached maximum "
        "value)"], warned
