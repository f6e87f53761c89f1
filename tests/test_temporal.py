"""PostgreSQL 18's temporal keys (WITHOUT OVERLAPS), temporal foreign keys (PERIOD) and NOT ENFORCED constraints,
from schema.yaml to a database on 18, judged by the catalog (pg_constraint.conperiod, conenforced, convalidated,
pg_get_constraintdef; the key's index method in pg_am) and by rows the database accepts or refuses. They used to
come back as plain keys, and NOT ENFORCED as NOT VALID (tests/fixtures/kinds/temporal.sql runs them as pairs)."""

from __future__ import annotations

import psycopg
import pytest
from pgharness import takes
from sqlx_project import apply_all

from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SCHEMA = """\
extensions: [btree_gist]
tables:
  rooms:
    columns: {id: {type: integer, nullable: false}, during: {type: tstzrange, nullable: false}}
    primary_key: {columns: [id, during], name: rooms_pk, without_overlaps: true}
  bookings:
    columns: {id: {type: integer, primary_key: true}, room: integer, during: tstzrange, a: integer, b: integer}
    checks:
      a_pos: {expression: a > 0, enforced: false}
      b_pos: {expression: b > 0, not_valid: true}
    foreign_keys:
      - {columns: [room, during], references: {table: rooms, columns: [id, during]}, period: true, name: bookings_room}
      - {columns: [b], references: {table: bookings, columns: [id]}, name: bookings_b, enforced: false}
"""

CATALOG = """
SELECT conname::text, contype::text, conperiod, conenforced, convalidated, pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid IN ('rooms'::regclass, 'bookings'::regclass) AND contype <> 'n' ORDER BY conname
"""


@pytest.fixture
def applied(db_url, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"))
    assert result.status == "written", result.message
    apply_all(db_url, tmp_path / "generated")
    return db_url


def test_constraints_are_what_schema_yaml_declares(applied):
    with psycopg.connect(applied) as conn:
        rows = conn.execute(CATALOG).fetchall()
        method = conn.execute("SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                              "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'rooms_pk'").fetchone()
    assert rows == [
        ("a_pos", "c", False, False, False, "CHECK ((a > 0)) NOT ENFORCED"),
        ("b_pos", "c", False, True, False, "CHECK ((b > 0)) NOT VALID"),
        ("bookings_b", "f", False, False, False, "FOREIGN KEY (b) REFERENCES bookings(id) NOT ENFORCED"),
        ("bookings_pkey", "p", False, True, True, "PRIMARY KEY (id)"),
        ("bookings_room", "f", True, True, True, "FOREIGN KEY (room, PERIOD during) REFERENCES rooms(id, PERIOD during)"),
        ("rooms_pk", "p", True, True, True, "PRIMARY KEY (id, during WITHOUT OVERLAPS)"),
    ]
    assert method == ("gist",)


def test_rows_the_constraints_accept_and_refuse(applied):
    with psycopg.connect(applied, autocommit=True) as conn:
        conn.execute("INSERT INTO rooms VALUES (1, '[2024-01-01,2024-02-01)'), (1, '[2024-02-01,2024-03-01)')")
        with pytest.raises(psycopg.errors.ExclusionViolation):  # overlaps the first row of room 1
            conn.execute("INSERT INTO rooms VALUES (1, '[2024-01-15,2024-01-20)')")
        # covered by the two rows of room 1 together; a = -1 breaks a_pos, not enforced; b = 99 references no row
        conn.execute("INSERT INTO bookings VALUES (1, 1, '[2024-01-20,2024-02-10)', -1, 99)")
        with pytest.raises(psycopg.errors.ForeignKeyViolation):  # reaches past room 1's last period
            conn.execute("INSERT INTO bookings VALUES (2, 1, '[2024-02-20,2024-03-10)', 1, 1)")
        with pytest.raises(psycopg.errors.CheckViolation):  # NOT VALID still checks new rows
            conn.execute("INSERT INTO bookings VALUES (3, NULL, NULL, 1, -1)")
        assert conn.execute("SELECT a, b FROM bookings").fetchall() == [(-1, 99)]


def test_inspect_writes_them_back(applied):
    text = inspect_database(applied).yaml
    assert "without_overlaps: true" in text and "period: true" in text
    assert "a_pos: {expression: (a > 0), enforced: false}" in text  # NOT ENFORCED, not NOT VALID
    assert "b_pos: {expression: (b > 0), not_valid: true}" in text
    assert text.count("enforced: false") == 2 and text.count("not_valid") == 1


def test_not_enforced_check_added_concurrently_is_not_validated(db_url, tmp_path):
    """`--concurrently` adds a CHECK NOT VALID, then validates it: not a NOT ENFORCED one, which checks nothing
    (and which rows already break)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n  t:\n    columns: {a: integer}\n", encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO t VALUES (-1)")
    schema.write_text("tables:\n  t:\n    columns: {a: integer}\n    checks:\n"
                      "      a_pos: {expression: a > 0, enforced: false}\n", encoding="utf-8")
    result = generate(str(schema), out, concurrently=True)
    assert result.status == "written", result.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        row = conn.execute("SELECT conenforced, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conname = 'a_pos'").fetchone()
    assert row == (False, "CHECK ((a > 0)) NOT ENFORCED"), result.sql


def test_foreign_key_enforcement_toggled_in_place(db_url, tmp_path):
    """A foreign key made [NOT] ENFORCED is altered (ALTER CONSTRAINT), not dropped and added; made ENFORCED, it
    is validated (a breaking row makes the migration fail, as adding it would)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    tables = ("tables:\n  p:\n    columns: {id: {type: integer, primary_key: true}}\n  c:\n    columns: {a: integer, b: integer}\n"
              "    foreign_keys:\n      - {columns: [a], references: {table: p, columns: [id]}, name: c_a, enforced: %s}\n"
              "      - {columns: [b], references: {table: p, columns: [id]}, name: c_b%s}\n")
    schema.write_text(tables % ("false", ", not_valid: true"), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1)")
    schema.write_text(tables % ("true", ", enforced: false"), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert "ALTER TABLE c ALTER CONSTRAINT c_a ENFORCED" in result.sql and "DROP CONSTRAINT" not in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        rows = conn.execute("SELECT conname::text, conenforced, convalidated FROM pg_constraint "
                            "WHERE conrelid = 'c'::regclass ORDER BY conname").fetchall()
    assert rows == [("c_a", True, True), ("c_b", False, False)]


# Foreign keys onto temporal and plain keys: (columns of the referenced table's keys, the foreign key), each judged by
# the loader and by Postgres (CREATE TABLE of both), which must agree. Postgres takes the first key on the column set.
REFERENCES = [
    ("PRIMARY KEY (id, d WITHOUT OVERLAPS)", "primary_key: {columns: [id, d], without_overlaps: true}",
     "(rid, PERIOD d) REFERENCES r (id, PERIOD d)", "[rid, d], references: {table: r, columns: [id, d]}, period: true", True),
    ("PRIMARY KEY (id, d)", "primary_key: {columns: [id, d]}",
     "(rid, PERIOD d) REFERENCES r (id, PERIOD d)", "[rid, d], references: {table: r, columns: [id, d]}, period: true", False),
    ("PRIMARY KEY (id, d WITHOUT OVERLAPS)", "primary_key: {columns: [id, d], without_overlaps: true}",
     "(rid, d) REFERENCES r (id, d)", "[rid, d], references: {table: r, columns: [id, d]}", False),
    ("UNIQUE (a, id, d WITHOUT OVERLAPS)", "unique: [{columns: [a, id, d], without_overlaps: true}]",
     "(rid, ra, PERIOD d) REFERENCES r (id, a, PERIOD d)", "[rid, ra, d], references: {table: r, columns: [id, a, d]}, period: true",
     True),
    ("UNIQUE (id, d WITHOUT OVERLAPS) DEFERRABLE", "unique: [{columns: [id, d], without_overlaps: true, deferrable: true}]",
     "(rid, PERIOD d) REFERENCES r (id, PERIOD d)", "[rid, d], references: {table: r, columns: [id, d]}, period: true", False),
]


@pytest.mark.parametrize("key_sql, key_yaml, fk_sql, fk_yaml, accepted", REFERENCES, ids=range(len(REFERENCES)))
def test_the_loader_takes_the_foreign_keys_postgres_takes(db_url, tmp_path, key_sql, key_yaml, fk_sql, fk_yaml, accepted):
    from schemac.errors import SchemaFileError
    from schemac.schemafile.load import load_file

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION btree_gist")
        conn.execute(f"CREATE TABLE r (id int, a int, d tstzrange, {key_sql})")
        postgres = takes(conn, f"CREATE TABLE c (rid int, ra int, d tstzrange, FOREIGN KEY {fk_sql})")
    (tmp_path / "schema.yaml").write_text(
        "extensions: [btree_gist]\ntables:\n"
        f"  r:\n    columns: {{id: integer, a: integer, d: tstzrange}}\n    {key_yaml}\n"
        f"  c:\n    columns: {{rid: integer, ra: integer, d: tstzrange}}\n    foreign_keys:\n      - {{columns: {fk_yaml}}}\n",
        encoding="utf-8")
    try:
        load_file(str(tmp_path / "schema.yaml"))
        loader = True
    except SchemaFileError:
        loader = False
    assert postgres == loader == accepted
