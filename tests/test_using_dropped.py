"""A column retyped with a `using:` that reads columns the same schema.yaml edit drops (units and cents folded into
amount_cents; first and last into full_name; total from qty by its name before its RENAME; on 15, lng and lat into a
PostGIS point). Postgres takes it as one migration, the ALTER ... TYPE ... USING before the DROPs (and the RENAME); the
loader refused it ('names column ..., which table ... does not have') and, past that, the plan dropped the columns
first ('column "units" does not exist'). The oracle: the rows' values computed from the dropped columns, the columns
gone (pg_attribute), drift clean."""

from __future__ import annotations

import psycopg
import pytest
from conftest import MAJORS
from sqlx_project import generated_and_applied

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

EACH_MAJOR = [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m) for m in MAJORS]

OLD = """tables:
  price:
    columns: {id: {type: integer, primary_key: true}, units: integer, cents: integer, amount_cents: text,
              first: text, last: text, full_name: varchar(10), qty: integer, total: text}
"""
NEW = """tables:
  price:
    columns:
      id: {type: integer, primary_key: true}
      amount_cents: {type: integer, using: "units * 100 + cents"}
      full_name: {type: text, using: "first || ' ' || last"}
      quantity: {type: integer, renamed_from: qty}
      total: {type: integer, using: "qty * 2"}
"""
COLUMNS = ("SELECT attname::text FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
           "AND NOT attisdropped ORDER BY attnum")


def _folded(url: str, tmp_path, old: str, new: str, rows: str, table: str, query: str) -> list:
    """`old` applied with `rows`, then `new`: drift clean, generate again plans nothing; the columns left and `query`'s
    rows."""
    generated_and_applied(tmp_path, url, old)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
    generated_and_applied(tmp_path, url, new, allow_destructive=True)
    drift = check_drift(str(tmp_path / "schema.yaml"), url)
    assert drift.differences == (), drift.render("text")
    again = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True)  # (the using: is spent:
    assert again.status == "unchanged" and [n for n in again.notices if "ignored" in n], again  # a notice, no error)
    with psycopg.connect(url) as conn:
        return [[r[0] for r in conn.execute(COLUMNS, (table,)).fetchall()], conn.execute(query).fetchall()]


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_retypes_reading_dropped_columns_run_before_the_drops(major_db, tmp_path):
    columns, rows = _folded(major_db, tmp_path, OLD, NEW,
                            "INSERT INTO price VALUES (1, 12, 34, 'x', 'Ada', 'Lovelace', 'y', 3, 'z'), (2, 0, 5, NULL, 'A', 'B', NULL, 4, NULL)",
                            "price", "SELECT id, amount_cents, full_name, quantity, total FROM price ORDER BY id")
    assert columns == ["id", "amount_cents", "full_name", "quantity", "total"]
    assert rows == [(1, 1234, "Ada Lovelace", 3, 6), (2, 5, "A B", 4, 8)]



GIS_OLD = """extensions:
  - {name: postgis}
tables:
  tk:
    columns: {id: {type: integer, primary_key: true}, lng: double precision, lat: double precision, location: text}
    indexes:
      tk_lnglat: {columns: [lng, lat]}
views:
  tk_pos: {query: "SELECT id, lng, lat FROM tk"}
"""
GIS_NEW = """extensions:
  - {name: postgis}
tables:
  tk:
    columns:
      id: {type: integer, primary_key: true}
      location: {type: 'geometry(Point,4326)', using: 'st_setsrid(st_makepoint(lng, lat), 4326)'}
views:
  tk_pos: {query: "SELECT id, st_x(location) AS lng, st_y(location) AS lat FROM tk"}
"""


@pytest.mark.slow
@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_point_made_of_dropped_coordinates(major_db, tmp_path):
    """The probe's (PostGIS, on 15 here): lng and lat folded into a point, under a view and an index over them."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone() is None:
            pytest.skip("this server's build has no PostGIS")
    columns, rows = _folded(major_db, tmp_path, GIS_OLD, GIS_NEW, "INSERT INTO tk VALUES (1, 1.5, 2.5, 'x'), (2, 3, 4, NULL)",
                            "tk", "SELECT id, st_astext(location), st_srid(location), lng, lat FROM tk_pos JOIN tk USING (id) "
                                  "ORDER BY id")
    assert columns == ["id", "location"]
    assert rows == [(1, "POINT(1.5 2.5)", 4326, 1.5, 2.5), (2, "POINT(3 4)", 4326, 3.0, 4.0)]


NULLED_OLD = """tables:
  ev:
    columns: {id: {type: integer, primary_key: true}, locked: {type: boolean, nullable: false, default: 'false'}}
"""
NULLED_NEW = """tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
      locked: {type: timestamp with time zone, using: "CASE WHEN locked THEN '2024-01-02 03:04:05+00'::timestamptz END"}
"""


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_using_giving_null_runs_after_the_not_null_it_drops(major_db, tmp_path):
    """Hasura's event_log.locked, boolean NOT NULL made a nullable timestamptz by a CASE giving NULL for false: the
    ALTER ... TYPE ran before the DROP NOT NULL ('column "locked" of relation "ev" contains null values'). The
    drop_not_null change then wrote a second DROP NOT NULL after the retype (a no-op): one now, before it."""
    columns, rows = _folded(major_db, tmp_path, NULLED_OLD, NULLED_NEW, "INSERT INTO ev VALUES (1, false), (2, true)",
                            "ev", "SELECT id, locked::text, (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'ev'::regclass"
                                  " AND attname = 'locked') FROM ev ORDER BY id")
    assert columns == ["id", "locked"]
    assert rows == [(1, None, False), (2, "2024-01-02 03:04:05+00", False)]
    migration = sorted((tmp_path / "generated" / "migrations").glob("*.sql"))[-1].read_text()
    dropped, retyped = migration.find("locked DROP NOT NULL"), migration.find("locked SET DATA TYPE")
    assert migration.count("DROP NOT NULL") == 1 and -1 < dropped < retyped, migration
