"""Storage parameters of a PRIMARY KEY's, UNIQUE's or EXCLUDE's index (`ADD CONSTRAINT ... PRIMARY KEY (id) WITH
(fillfactor='90')`, as pg_dump writes a tuned key): read as the key's `with:`, made by CREATE TABLE and by ADD
CONSTRAINT, and a change of them re-adds the key over the table's rows (a foreign key that needs the key goes and
comes back). They were dropped: a database built from schema.yaml had the keys' indexes without them, diff clean. The
oracle: pg_class.reloptions of each key's index, and the values of the rows."""

from __future__ import annotations

import psycopg
from catalog_oracle import fingerprint, fingerprint_difference
from conftest import built_from_scratch, inspected_after, rows_of

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

SOURCE = """\
CREATE TABLE parent (id bigint NOT NULL, code text NOT NULL, note text);
ALTER TABLE ONLY parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id) WITH (fillfactor='90');
ALTER TABLE ONLY parent ADD CONSTRAINT parent_code_key UNIQUE (code) INCLUDE (note) WITH (fillfactor='70', deduplicate_items=off);
CREATE TABLE child (id bigint PRIMARY KEY, parent_code text REFERENCES parent (code));
CREATE TABLE slot (during tstzrange, CONSTRAINT slot_excl EXCLUDE USING gist (during WITH &&) WITH (fillfactor='75'));
"""

RELOPTIONS = """SELECT c.conname, i.reloptions FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
                WHERE c.contype IN ('p', 'u', 'x') AND c.conrelid::regclass::text IN ('parent', 'child', 'slot') ORDER BY 1"""


def test_key_storage_parameters_round_trip_and_change_overrows_of(db_url, tmp_path):
    text = inspected_after(db_url, SOURCE)
    assert "with: {fillfactor: 90}" in text
    rebuilt = built_from_scratch(db_url, text, str(tmp_path / "b"))
    assert fingerprint_difference(rebuilt, fingerprint(db_url)) == ""
    from catalog_oracle import sibling_database

    with sibling_database(db_url) as other:  # the keys without parameters, with rows: migrated to the source's
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(SOURCE.replace(" WITH (fillfactor='90')", "").replace(" WITH (fillfactor='70', deduplicate_items=off)", "")
                         .replace(" WITH (fillfactor='75')", ""))
            conn.execute("INSERT INTO parent VALUES (1, 'a', 'x'), (2, 'b', NULL); INSERT INTO child VALUES (10, 'a')")
        (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences
        (tmp_path / "m").mkdir()
        (tmp_path / "m" / "schema.yaml").write_text(inspect_database(other).yaml, encoding="utf-8")
        generate(str(tmp_path / "m" / "schema.yaml"), str(tmp_path / "m" / "generated"))
        (tmp_path / "m" / "schema.yaml").write_text(text, encoding="utf-8")
        generate(str(tmp_path / "m" / "schema.yaml"), str(tmp_path / "m" / "generated"))
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "m" / "generated")).migrations()[1:])
        assert rows_of(other, RELOPTIONS) == rows_of(db_url, RELOPTIONS)
        assert rows_of(other, "SELECT * FROM parent ORDER BY id") == [(1, "a", "x"), (2, "b", None)]
        assert rows_of(other, "SELECT * FROM child") == [(10, "a")]
        assert not check_drift(str(tmp_path / "schema.yaml"), other).differences


def test_key_storage_parameters_loaded_and_loader_error():
    good = "tables:\n  t:\n    columns:\n      id: integer\n    primary_key: {columns: [id], with: {fillfactor: 90}}\n"
    assert load_text(good).tables[0].primary_key.parameters == ("fillfactor=90",)
    bad = "tables:\n  t:\n    columns:\n      id: integer\n    primary_key: {columns: [id], with: [fillfactor]}\n"
    try:
        load_text(bad)
    except SchemaFileError as e:
        assert ":5:" in str(e) and "with" in str(e)
    else:
        raise AssertionError("a list as with: was accepted")
