"""An enum's label renamed (`renamed_values: {new: old}`): the migration is ALTER TYPE ... RENAME VALUE, where before
schema.yaml could only say the old label removed and the new one added (the type made again, refused without
--allow-destructive, and the rows holding the old label failing the cast with it). By SQL of the test's own: the
type keeps its OID, the rows hold the new label, and the CHECK, default, partial index, view and materialized view
naming the label keep theirs (test_pairs.converges with `kept: oids`: each of A's keeps its OID; no drift after);
a list partition of the label keeps its rows and stays attached (its bound, printed without a cast, follows the label
too: it was detached and attached again)."""

from __future__ import annotations

import re

import psycopg
import pytest
from pairs import Pair
from test_json_schema import loader_error
from test_pairs import converges

_OLD = """CREATE TYPE mood AS ENUM ('sad', 'happy', 'o''k');
CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'happy' CHECK (m <> 'o''k'), ms mood[]);
CREATE INDEX t_happy ON t (id) WHERE m = 'happy';
CREATE VIEW happy_ones AS SELECT id FROM t WHERE m = 'happy';
CREATE MATERIALIZED VIEW moods AS SELECT m, count(*) AS n FROM t WHERE m IN ('happy', 'sad') GROUP BY m;
CREATE UNIQUE INDEX moods_m ON moods (m);
INSERT INTO t VALUES (1, 'happy', '{happy,sad}'), (2, 'sad', NULL);
REFRESH MATERIALIZED VIEW moods;
CREATE TABLE e (m mood NOT NULL, at int) PARTITION BY LIST (m);
CREATE TABLE e_happy PARTITION OF e FOR VALUES IN ('happy');
CREATE TABLE e_rest PARTITION OF e DEFAULT;
INSERT INTO e VALUES ('happy', 1), ('sad', 2);
CREATE TABLE r (at int, m mood) PARTITION BY RANGE (at, m);
CREATE TABLE r_low PARTITION OF r FOR VALUES FROM (0, 'happy') TO (0, 'o''k');
CREATE TABLE r_rest PARTITION OF r DEFAULT;
INSERT INTO r VALUES (0, 'happy'), (0, 'o''k'), (1, 'sad');
"""
_NEW = _OLD.replace("'happy'", "'joyful'").replace("{happy,sad}", "{joyful,sad}").replace("'o''k'", "'fine'")


def _hinted(path) -> None:
    """schema.yaml's mood given `renamed_values` ."""
    text = path.read_text()
    text, n = re.subn(r"(?m)^    values: \[sad, joyful, fine\]$", "    values: [sad, joyful, fine]\n"
                      "    renamed_values: {joyful: happy, fine: \"o'k\"}", text)
    assert n == 1, text
    path.write_text(text)


def test_a_renamed_label_is_renamed_in_place(any_db_url, tmp_path):
    db_url = any_db_url
    pair = Pair("enum-label-renamed", "test", _OLD, _NEW, kept=True,
                changed=(("t", "m"), ("t", "ms"), ("e", "m"), ("r", "m")))
    converges(db_url, tmp_path, pair, with_new=lambda side: _hinted(tmp_path / "schema.yaml"))
    text = "".join(m.read_text() for m in sorted((tmp_path / "generated" / "migrations").glob("*_new*.sql")))
    assert "RENAME VALUE 'happy' TO 'joyful'" in text and "RENAME VALUE 'o''k' TO 'fine'" in text
    assert "CREATE TYPE" not in text and "DROP TYPE" not in text
    assert "DETACH" not in text and "ATTACH" not in text  # (the list partition's bound follows the label)
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, m::text, ms::text FROM t ORDER BY id").fetchall() == \
            [(1, "joyful", "{joyful,sad}"), (2, "sad", None)]
        assert conn.execute("SELECT m::text, n FROM moods ORDER BY moods.m").fetchall() == [("sad", 1), ("joyful", 1)]
        assert conn.execute("SELECT m::text, tableoid::regclass::text FROM e ORDER BY at").fetchall() == \
            [("joyful", "e_happy"), ("sad", "e_rest")]
        assert conn.execute("SELECT m::text, tableoid::regclass::text FROM r ORDER BY at, 1").fetchall() == \
            [("fine", "r_rest"), ("joyful", "r_low"), ("sad", "r_rest")]
        assert conn.execute("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname IN ('e_happy', 'r_low')"
                            " ORDER BY relname").fetchall() == \
            [("FOR VALUES IN ('joyful')",), ("FOR VALUES FROM (0, 'joyful') TO (0, 'fine')",)]
        assert conn.execute("SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder"
                            ).fetchall() == [("sad",), ("joyful",), ("fine",)]


@pytest.mark.parametrize("hint,message", [
    ("{joy: happy}", "names 'joy', which is not one of its values"),
    ("{joyful: sad}", "renamed from 'sad', which it still lists"),
    ("{joyful: happy, fine: happy}", "renames 'happy' twice"),
])
def test_a_renamed_label_is_checked_at_its_line(hint, message):
    text = f"enums:\n  mood:\n    values: [sad, joyful, fine]\n    renamed_values: {hint}\n"
    error = loader_error(text)
    assert error is not None and message in error and "schema.yaml:4:" in error, error
