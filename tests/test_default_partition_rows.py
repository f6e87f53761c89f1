"""A partition added (or a table attached) beside a DEFAULT partition holding rows of its bound: the pairs of
`pairs/partitions.sql` (`*-over-rows-in-*-kept-default*`: range, list, attached, a new partition partitioned itself,
a sub-partition's DEFAULT and a partitioned DEFAULT; and an empty DEFAULT; and a table the same migration attaches as
the DEFAULT, `*-attached-as-default-*`) converge (test_pairs.converges: the migration applies, no
drift, the parent's values kept), and then, by SQL of the test's own: each row in the partition its key routes it to
(`tableoid::regclass`), with its values; the rows referencing them (ON DELETE CASCADE) all there and their foreign key
back in pg_constraint, dropped and added again only where a default held rows (kept beside an empty one); the parent's trigger fired for none of the moves (its audit table as the old side left it).
Postgres refused the migration before ('updated partition constraint for default partition ... would be violated by
some row')."""

from __future__ import annotations

import psycopg
import pytest
from conftest import each_case_on_one_major
from pairs import load_pairs
from test_pairs import converges

_PAIRS = {p.id: p for p in load_pairs()
          if p.file == "partitions" and ("kept-default" in p.id or "attached-as-default" in p.id)}

# Each pair's rows after the migration: (key, the partition holding it, its other values), by a query of the pair.
_ROWS = {
    "part-range-partition-added-over-rows-in-the-kept-default": (
        "SELECT id, tableoid::regclass::text, at::text || ' ' || note FROM bookings ORDER BY id",
        [(1, "bookings_2026_01", "2026-01-05 00:00:00+00 jan"), (2, "bookings_2026_02", "2026-02-05 00:00:00+00 feb"),
         (3, "bookings_2026_02", "2026-02-28 23:59:00+00 feb, last"), (4, "bookings_rest", "2026-03-01 00:00:00+00 march"),
         (5, "bookings_rest", "2025-12-31 00:00:00+00 before")]),
    "part-list-partition-added-over-rows-in-the-kept-default": (
        "SELECT id, tableoid::regclass::text, coalesce(region, '<null>') FROM parcels ORDER BY id",
        [(1, "parcels_eu", "eu"), (2, "parcels_isles", "uk"), (3, "parcels_isles", "<null>"),
         (4, "parcels_other", "us"), (5, "parcels_isles", "ie")]),
    "part-table-attached-over-rows-in-the-kept-default": (
        "SELECT id, tableoid::regclass::text, km::text FROM tolls ORDER BY id",
        [(1, "tolls_near", "5"), (2, "tolls_near", "50"), (3, "tolls_rest", "500"), (4, "tolls_near", "99")]),
    "part-sub-partitioned-partition-added-over-rows-in-the-kept-default": (
        "SELECT id, tableoid::regclass::text, region || ' ' || at FROM sales ORDER BY id",
        [(1, "sales_2026_eu", "eu 2026-01-05"), (2, "sales_2026_us", "us 2026-01-06"), (3, "sales_rest", "eu 2027-01-01")]),
    "part-partition-added-over-rows-in-a-kept-default-of-a-sub-partition": (
        "SELECT id, tableoid::regclass::text, region || ' ' || at FROM orders ORDER BY id",
        [(1, "orders_eu_2026", "eu 2026-01-05"), (2, "orders_us", "us 2026-01-06"), (3, "orders_eu_rest", "eu 2027-01-01"),
         (4, "orders_rest_all", "ca 2026-01-07")]),
    "part-partition-in-its-own-column-order-attached-over-rows-in-the-kept-default": (
        "SELECT id, tableoid::regclass::text, amount || ' ' || at FROM payouts ORDER BY id",
        [(1, "payouts_2026", "20 2026-01-05"), (2, "payouts_rest", "40 2027-01-05")]),  # (doubled once: when loaded)
    "part-table-attached-as-default-beside-a-new-partition-over-rows-of-its-bound": (
        "SELECT id, tableoid::regclass::text, v FROM ledger ORDER BY id",
        [(1, "ledger_low", "a"), (150, "ledger_mid", "b"), (500, "ledger_rest", "c")]),
    # (applied as the non-superuser owner, whose policies hide the rows of the new bound; read here as the superuser)
    "part-owner-partition-added-over-rows-its-policies-hide-in-the-kept-default": (
        "SELECT k, tableoid::regclass::text, v FROM readings ORDER BY k",
        [(-1, "readings_rest", "b"), (5, "readings_0", "a"), (12, "readings_rest", "c")]),
    "part-range-partition-added-beside-an-empty-kept-default": (
        "SELECT id, tableoid::regclass::text, at::text FROM visits ORDER BY id", [(1, "visits_2026_01", "2026-01-05")]),
}
# The foreign key referencing the parent, and the partition the migration made: the key made again after it where
# rows moved (OIDs come from one counter: a younger key was added by the migration), kept where none did.
_KEYS = {"part-range-partition-added-over-rows-in-the-kept-default": ("booking_notes", "bookings_2026_02", True),
         "part-range-partition-added-beside-an-empty-kept-default": ("visit_notes", "visits_2026_02", False)}
_YOUNGER = ("SELECT k.oid::bigint > %s::regclass::oid::bigint FROM pg_constraint k WHERE k.conrelid = %s::regclass "
            "AND k.contype = 'f' AND k.conparentid = 0")
_CASES = [pytest.param(p, id=i) for i, p in _PAIRS.items()]


def test_every_pair_has_its_rows():
    assert sorted(_PAIRS) == sorted(_ROWS)


@pytest.mark.parametrize("major_db,pair", each_case_on_one_major(
    _CASES, taken={"part-range-partition-added-over-rows-in-the-kept-default"}), indirect=["major_db"])
def test_rows_of_a_new_bound_move_out_of_the_kept_default(major_db, tmp_path, pair):
    converges(major_db, tmp_path, pair)
    query, expected = _ROWS[pair.id]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        assert conn.execute(query).fetchall() == expected
        if pair.id in _KEYS:
            referencing, made, again = _KEYS[pair.id]
            assert conn.execute(_YOUNGER, (made, referencing)).fetchall() == [(again,)]
        if pair.id == "part-range-partition-added-over-rows-in-the-kept-default":
            assert conn.execute("SELECT booking_id, body FROM booking_notes ORDER BY 1").fetchall() == \
                [(2, "kept"), (4, "kept too")]
            assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'booking_notes'::regclass "
                                "AND contype = 'f' AND confdeltype = 'c' AND conparentid = 0").fetchone() == (1,)
            # five INSERTs when the old side was loaded; the moves fired it for none
            assert conn.execute("SELECT op, count(*) FROM booking_log GROUP BY op").fetchall() == [("INSERT", 5)]
            assert conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'bookings_logged' "
                                "AND tgenabled = 'O'").fetchone() == (4,)  # the parent's and its three partitions'


def test_rows_moved_out_and_back_in_one_file(db_url, tmp_path, monkeypatch):
    """A change cut into several files (each its own transaction, where it locks many relations) is never cut between
    the rows taken out of the default and put back: a file ending between would leave them in a temporary table the
    session's end drops (before: the DELETE in the first file, the INSERT back in a later one)."""
    import schemac.commands.statement_runs as statement_runs

    monkeypatch.setattr(statement_runs, "LOCKS_PER_FILE", 3)
    pair = _PAIRS["part-list-partition-added-over-rows-in-the-kept-default"]
    converges(db_url, tmp_path, pair)
    texts = [m.read_text() for m in sorted((tmp_path / "generated" / "migrations").glob("*_new*.sql"))]
    moving = [t for t in texts if "schemac_rows_" in t]
    assert len(moving) == 1 and "DELETE FROM parcels_other" in moving[0] and "INSERT INTO parcels" in moving[0]


_TO_DEFAULT = """CREATE TABLE p (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE p_low PARTITION OF p FOR VALUES FROM (0) TO (100);
{mid}CREATE TABLE p_rest PARTITION OF p DEFAULT;
CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p_rest (id) ON DELETE {action});
"""


@pytest.mark.parametrize("action", ["CASCADE", pytest.param("SET NULL", marks=pytest.mark.slow)])
def test_a_key_referencing_the_default_itself_fails_where_a_row_references_a_moved_row(any_db_url, tmp_path, action):
    """A foreign key referencing the DEFAULT partition itself (not the parent), ON DELETE CASCADE or SET NULL, and a row
    of it referencing a row of the new partition's bound: the move out of the default deleted the referencing row, or
    set its key NULL, and the migration applied (before). No end keeps both: the key is dropped around the move as one
    referencing the parent is, and its check after fails; generate warns at the key. By SQL of the test's own: the
    migration refused (ForeignKeyViolation), every row of c as it was, the moved row still in p_rest."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from test_pairs import _inspected
    from catalog_oracle import sibling_database

    old = _TO_DEFAULT.format(mid="", action=action)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(old + "INSERT INTO p VALUES (1, 'a'), (150, 'b'), (500, 'c'); "
                           "INSERT INTO c VALUES (1, 500), (2, 150)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _inspected(any_db_url, schema)
    assert generate(str(schema), out, name="old").status == "written"
    with sibling_database(any_db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(_TO_DEFAULT.format(mid="CREATE TABLE p_mid PARTITION OF p FOR VALUES FROM (100) TO (200);\n",
                                            action=action))
        _inspected(b, schema)
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    assert any("foreign key c_pid_fkey references public.p_rest, a DEFAULT partition" in n for n in result.notices), \
        result.notices
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        assert conn.execute("SELECT * FROM c ORDER BY id").fetchall() == [(1, 500), (2, 150)]
        assert conn.execute("SELECT id, tableoid::regclass::text FROM p ORDER BY id").fetchall() == \
            [(1, "p_low"), (150, "p_rest"), (500, "p_rest")]


def test_a_partition_moved_to_a_parent_partitioned_alike_keeps_its_rows_in_place(db_url, tmp_path):
    """A partition moved to another parent of the same key under the same bound: its rows are not taken out and put
    back (they were, through a temporary table); the new parent's DEFAULT still gives up its rows of the bound. By SQL
    of the test's own: each row in the partition it belongs to."""
    pair = next(p for p in load_pairs() if p.id == "part-partition-moved-to-a-parent-partitioned-alike-keeps-its-rows-in-place")
    converges(db_url, tmp_path, pair)
    text = "".join(m.read_text() for m in sorted((tmp_path / "generated" / "migrations").glob("*_new*.sql")))
    assert "DELETE FROM jobs_low" not in text and "DELETE FROM tags_x" not in text
    assert "DELETE FROM tags_b_rest" in text  # (the default's row of 'x' moves in, as before)
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, tableoid::regclass::text, note FROM jobs_b ORDER BY id").fetchall() == \
            [(1, "jobs_low", "first"), (99, "jobs_low", "last")]
        assert conn.execute("SELECT k, n, tableoid::regclass::text FROM tags_b ORDER BY n").fetchall() == \
            [("x", 1, "tags_x"), ("x", 2, "tags_x"), ("y", 3, "tags_b_rest")]
