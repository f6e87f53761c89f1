"""serial, bigserial and smallserial columns in schema.yaml: CREATE TABLE's shorthand for an integer column, NOT NULL,
DEFAULT nextval() of a sequence <table>_<column>_seq it owns. schema.yaml takes them as written (they were refused:
"not a type"), and makes exactly what Postgres makes of them: the oracle is a database built by Postgres's own
`serial` DDL, compared catalog to catalog, and rows numbered by the default."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

SCHEMA = """\
schemas: [app]
sequences:
  counted_id_seq: {type: integer, owned_by: counted.id, start: 100}
tables:
  orders:
    columns:
      id: {type: serial, primary_key: true}
      n: bigserial
      small: {type: SMALLSERIAL, comment: tiny}
  items:
    schema: app
    columns:
      id: serial8
      order_id: integer
  "Mixed Case":
    columns:
      "Id": serial4
  counted:
    columns:
      id: serial
"""

POSTGRES_DDL = """
CREATE SCHEMA app;
CREATE TABLE orders (id serial PRIMARY KEY, n bigserial, small smallserial);
COMMENT ON COLUMN orders.small IS 'tiny';
CREATE TABLE app.items (id serial8, order_id integer);
CREATE TABLE "Mixed Case" ("Id" serial4);
CREATE TABLE counted (id serial);
ALTER SEQUENCE counted_id_seq START WITH 100 RESTART;
"""


def test_serial_columns_are_what_postgres_makes_of_them(tmp_path, db_url):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO orders DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES; INSERT INTO counted DEFAULT VALUES")
        assert conn.execute("SELECT id, n, small FROM orders ORDER BY id").fetchall() == [(1, 1, 1), (2, 2, 2)]
        assert conn.execute("SELECT id FROM counted").fetchall() == [(100,)]
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(POSTGRES_DDL)
            conn.execute("INSERT INTO orders DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES; INSERT INTO counted DEFAULT VALUES")
        theirs, ours = fingerprint(other), fingerprint(db_url)
        ours = {k: [r for r in v if "_sqlx_migrations" not in repr(r)] for k, v in ours.items()}
        assert ours == theirs, fingerprint_difference(ours, theirs)
        assert check_drift(str(schema), other).differences == ()
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    assert generate(str(schema), out).status == "unchanged"


@pytest.mark.parametrize("extra, message", [
    ("default: 0", "serial makes the column NOT NULL with the default nextval() of its sequence, so it takes no "
                   "default; declare it as integer"),
    ("identity: always", "so it takes no identity; declare it as integer"),
    ("generated: 1 + 1", "so it takes no generated; declare it as integer"),
    ("nullable: true", "so it takes no nullable: true; declare it as integer"),
])
def test_a_serial_column_with_its_own_default_identity_or_null_is_refused_at_its_line(extra, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(f"tables:\n  t:\n    columns:\n      id: {{type: serial, {extra}}}\n")
    assert message in str(e.value) and "schema.yaml:4:" in str(e.value), str(e.value)
