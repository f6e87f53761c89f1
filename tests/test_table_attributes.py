"""Table and column settings no DDL of their own names (Supabase Realtime sets REPLICA IDENTITY FULL on its
tables): REPLICA IDENTITY of a table, and a column's statistics target, storage, compression and options.
Each is inspected, generated into a database built anew, then changed step by step over rows; every step is
judged by SQL of this file over pg_class, pg_index and pg_attribute, besides schemac's own `diff`."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database
from sqlx_project import apply_all

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SETUP = """
CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b text);
CREATE UNIQUE INDEX t_a ON t (a);
CREATE TABLE msgs (id bigint PRIMARY KEY, body text);
ALTER TABLE msgs REPLICA IDENTITY FULL;
CREATE TABLE pt (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE UNIQUE INDEX pt_key ON pt (id, at);
ALTER TABLE pt REPLICA IDENTITY USING INDEX pt_key;
CREATE TABLE p1 PARTITION OF pt FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE p1 REPLICA IDENTITY FULL;
"""
ROWS = "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'); INSERT INTO msgs VALUES (1, 'hi'); " \
       "INSERT INTO pt VALUES (1, '2024-05-01')"


def replica_identities(url: str) -> list[tuple]:
    """(table, relreplident, the index marked indisreplident) of every table of public, by SQL of this test."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT c.relname::text, c.relreplident::text, (SELECT i.indexrelid::regclass::text FROM pg_index i "
            "WHERE i.indrelid = c.oid AND i.indisreplident) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') "
            "AND c.relname <> '_sqlx_migrations' ORDER BY 1").fetchall()


def test_replica_identity_round_trips_and_changes_over_rows(tmp_path, db_url, schemac):
    """Every form is read and written (replica_identity:), made again on a database built anew (a partitioned
    table and its partition each their own), then moved default -> full -> using index -> nothing -> default;
    set again when its index is made again, and moved off an index dropped in the same migration."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SETUP)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    yaml_path = tmp_path / "schema.yaml"
    text = yaml_path.read_text()
    assert r.returncode == 0 and "replica_identity: full" in text and "replica_identity: {index: pt_key}" in text, text
    assert schemac("generate", "--name", "replicated").returncode == 0
    expected = replica_identities(db_url)
    assert expected == [("msgs", "f", None), ("p1", "f", None), ("pt", "i", "pt_key"), ("t", "d", None)]
    with sibling_database(db_url) as b:
        apply_all(b, tmp_path / "generated")
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(ROWS)
        assert replica_identities(b) == expected
        assert fingerprint_difference(fingerprint(db_url), fingerprint(b)) == ""
        assert schemac("diff", "--database-url", b).returncode == 0
        t_block = "  t:\n"
        steps = [
            ("    replica_identity: full\n", ("t", "f", None)),
            ("    replica_identity: {index: t_a}\n", ("t", "i", "t_a")),
            ("    replica_identity: {index: t_a}\n", ("t", "i", "t_a")),  # t_a made again (a new key): set again
            ("    replica_identity: nothing\n", ("t", "n", None)),
            ("    replica_identity: {index: t_pkey}\n", ("t", "i", "t_pkey")),  # ... and t_a dropped
            ("", ("t", "d", None)),
        ]
        base = yaml_path.read_text()
        assert t_block in base
        for n, (line, want) in enumerate(steps):
            edited = base.replace(t_block, t_block + line, 1)
            if n == 2:
                edited = edited.replace("t_a: {columns: [a]", "t_a: {columns: [a, id]")
                assert "t_a: {columns: [a, id]" in edited, edited
            if n >= 4:
                edited = edited.replace("    indexes:\n      t_a: {columns: [a], unique: true}\n", "")
                assert "t_a:" not in edited, edited
            yaml_path.write_text(edited)
            r = schemac("generate", "--name", f"step{n}")
            assert r.returncode == 0 and "No changes" not in r.stdout, r.stdout + r.stderr
            apply_all(b, tmp_path / "generated")
            with psycopg.connect(b) as conn:
                assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
            assert [x for x in replica_identities(b) if x[0] == "t"] == [want], n
            r = schemac("diff", "--database-url", b)
            assert r.returncode == 0, r.stdout + r.stderr


def test_replica_identity_drift_is_reported(tmp_path, db_url, schemac):
    """A table whose REPLICA IDENTITY was changed by hand is drift, named so."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE msgs (id bigint PRIMARY KEY, body text); ALTER TABLE msgs REPLICA IDENTITY FULL")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE msgs REPLICA IDENTITY DEFAULT")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 1 and "REPLICA IDENTITY is DEFAULT, expected FULL" in r.stdout, r.stdout + r.stderr


def column_settings(url: str) -> dict[tuple[str, str], tuple]:
    """(table, column) -> (statistics target, attstorage, attcompression, sorted attoptions) of every column of
    public whose settings are not all default, by SQL of this test (-1 and, on 17+, NULL are the default target;
    pg_attver=<n>, which Debian's 15.20 writes into every column's attoptions itself, is no setting)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.relname::text, a.attname::text, COALESCE(a.attstattarget, -1)::int, a.attstorage::text, "
            "a.attstorage = t.typstorage, a.attcompression::text, "
            "(SELECT array_agg(o ORDER BY o) FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\\_attver=%') "
            "FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
            "AND NOT a.attisdropped AND c.relname <> '_sqlx_migrations'").fetchall()
    return {(r[0], r[1]): (r[2], r[3], r[5], r[6]) for r in rows if r[2] != -1 or not r[4] or r[5] or r[6]}


def _lz4(url: str) -> bool:
    """Whether the server was built with lz4 (pgserver's 16 was not)."""
    with psycopg.connect(url) as conn:
        try:
            conn.execute("CREATE TEMP TABLE lz4_probe (a text COMPRESSION lz4)")
            return True
        except psycopg.errors.FeatureNotSupported:
            return False


COLUMNS = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      body: {type: text%s}
      doc: {type: jsonb%s}
      n: {type: numeric%s}
"""


def test_column_settings_set_changed_and_reset_over_rows(tmp_path, db_url, schemac):
    """statistics, storage, compression and options set on a new table, changed, then reset (storage back to
    the type's own: main for numeric) over rows, each step judged by pg_attribute; lz4 where the build has it."""
    lz4 = "lz4" if _lz4(db_url) else "pglz"
    steps = [
        ((", statistics_target: 500, storage: external", ", compression: pglz", ", options: {n_distinct: 100}"),
         {("t", "body"): (500, "e", "", None), ("t", "doc"): (-1, "x", "p", None),
          ("t", "n"): (-1, "m", "", ["n_distinct=100"])}),
        ((", statistics_target: 0, storage: main", f", compression: {lz4}, storage: external",
          ", storage: extended, options: {n_distinct: -0.5, n_distinct_inherited: 3}"),
         {("t", "body"): (0, "m", "", None), ("t", "doc"): (-1, "e", lz4[0], None),
          ("t", "n"): (-1, "x", "", ["n_distinct=-0.5", "n_distinct_inherited=3"])}),
        ((", storage: extended", ", compression: default", ", storage: main"), {}),  # the defaults spelled out
    ]
    yaml_path = tmp_path / "schema.yaml"
    for n, (settings, want) in enumerate(steps):
        yaml_path.write_text(COLUMNS % settings)
        r = schemac("generate", "--name", f"step{n}")
        assert r.returncode == 0 and "No changes" not in r.stdout, r.stdout + r.stderr
        apply_all(db_url, tmp_path / "generated")
        if n == 0:
            with psycopg.connect(db_url, autocommit=True) as conn:
                conn.execute("INSERT INTO t VALUES (1, repeat('x', 5000), '{\"a\": 1}', 2.5)")
        assert column_settings(db_url) == want, n
        r = schemac("diff", "--database-url", db_url)
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(db_url) as conn:
            assert conn.execute("SELECT length(body), n FROM t").fetchall() == [(5000, 2.5)]
    assert schemac("generate", "--name", "again").stdout.count("No changes") == 1


def test_column_settings_drift_is_reported(tmp_path, db_url, schemac):
    """A column's settings changed by hand are drift, named so; inspect writes only what is not default."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, body text); "
                     "ALTER TABLE t ALTER COLUMN body SET STATISTICS 500")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert "body: {type: text, statistics_target: 500}" in text and "storage" not in text, text
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE t ALTER COLUMN body SET STATISTICS -1, ALTER COLUMN body SET STORAGE MAIN")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 1 and "column body: storage main, expected statistics 500" in r.stdout, r.stdout + r.stderr


def test_options_the_server_writes_itself_are_not_read(tmp_path, db_url, schemac):
    """Debian's PostgreSQL 15.20 writes pg_attver=<n> (a number of its own per column) into the attoptions of every
    column it makes, which ALTER COLUMN SET/RESET neither sets nor clears: inspect wrote it as a column option that
    generate then refused ("'pg_attver' is not a column option"), so no table of a 15.20 database round-tripped.
    Written into pg_attribute here, beside a real n_distinct, on every major; judged by pg_attribute of a database
    built anew from what inspect wrote."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, n int, body text); "
                     "ALTER TABLE t ALTER COLUMN n SET (n_distinct = 5); "
                     "UPDATE pg_attribute SET attoptions = array_append(attoptions, 'pg_attver=22158952') "
                     "WHERE attrelid = 't'::regclass AND attnum > 0; "
                     "INSERT INTO t VALUES (1, 2, 'x')")
        assert conn.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 "
                            "AND 'pg_attver=22158952' = ANY (attoptions)").fetchone()[0] == 3
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "pg_attver" not in text and "options: {n_distinct: 5}" in text, r.stderr + text
    r = schemac("generate", "--name", "attver")
    assert r.returncode == 0, r.stdout + r.stderr
    assert column_settings(db_url) == {("t", "n"): (-1, "p", "", ["n_distinct=5"])}
    with sibling_database(db_url) as b:
        apply_all(b, tmp_path / "generated")
        assert column_settings(b) == column_settings(db_url)
        assert schemac("diff", "--database-url", b).returncode == 0
    assert schemac("diff", "--database-url", db_url).returncode == 0


TABLE = "tables:\n  t:\n    %s\n    columns: {id: int}\n"
COLUMN = "tables:\n  t:\n    columns:\n      a: {type: text, %s}\n"


@pytest.mark.parametrize("text,message", [
    (TABLE % "replica_identity: partial",
     "3:23: replica_identity of table 't' must be default, full, nothing or {index: name}"),
    (TABLE % "replica_identity: {index: t_a, full: true}", "3:36: unknown key 'full' in replica_identity of table 't'"),
    (TABLE % "replica_identity: {}", "3:23: replica_identity of table 't'"),
    (COLUMN % "statistics_target: 10001", "4:42: statistics_target of column 'a' of table 't' must be an integer from -1"),
    (COLUMN % "statistics_target: high", "4:42: statistics_target of column 'a' of table 't' must be an integer from -1"),
    (COLUMN % "storage: compressed", "4:32: storage of column 'a' of table 't' must be one of plain, external"),
    (COLUMN % "compression: zstd", "4:36: compression of column 'a' of table 't' must be one of pglz, lz4, default"),
    (COLUMN % "options: {fillfactor: 5}", "4:33: options of column 'a' of table 't': 'fillfactor' is not a column option"),
    (COLUMN % "options: {n_distinct: many}", "4:45: n_distinct in options of column 'a' of table 't' must be a number"),
])
def test_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert f"schema.yaml:{message}" in str(e.value), str(e.value)


def test_a_partitioned_table_clustered_on_an_index_is_refused_at_its_line(tmp_path, db_url):
    """`cluster_on:` on a partitioned table: generate wrote ALTER TABLE ... CLUSTER ON, which Postgres refuses on every
    major ("cannot mark index clustered in partitioned table", checked here), so the migration did not apply. Now the
    file is refused at the key's line (inspect never writes one: Postgres keeps none)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE p (a int PRIMARY KEY) PARTITION BY RANGE (a)")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="cannot mark index clustered in partitioned table"):
            conn.execute("ALTER TABLE p CLUSTER ON p_pkey")
    text = ("tables:\n  p:\n    columns: {a: {type: integer, primary_key: true}}\n"
            "    partition_by: {strategy: range, key: a}\n    cluster_on: p_pkey\n")
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert e.value.source is not None and e.value.source.line == 5, e.value
    assert "table 'p': a partitioned table cannot be clustered on an index" in str(e.value), e.value


def test_a_logged_table_referencing_an_unlogged_one_is_refused_at_the_key(tmp_path, db_url):
    """A logged table's foreign key onto an unlogged table: it loaded, and generate wrote a CREATE TABLE Postgres refuses
    ("constraints on permanent tables may reference only permanent tables", checked here), so the migration did not
    apply; the same edit made by turning the referenced table unlogged under a logged referencing one, too (ALTER TABLE
    ... SET UNLOGGED is refused likewise). Now refused at the foreign key's line; an unlogged table referencing a
    logged or an unlogged one still loads, as Postgres takes it."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE UNLOGGED TABLE u (id int PRIMARY KEY); CREATE TABLE l (id int PRIMARY KEY)")
        with pytest.raises(psycopg.errors.InvalidTableDefinition, match="may reference only permanent tables"):
            conn.execute("CREATE TABLE t (id int REFERENCES u)")
        conn.execute("CREATE UNLOGGED TABLE t2 (id int REFERENCES l, id2 int REFERENCES u)")
    text = ("tables:\n  u:\n    unlogged: %s\n    columns: {id: {type: integer, primary_key: true}}\n"
            "  t:\n    unlogged: %s\n    columns: {id: integer}\n    foreign_keys:\n"
            "      - {columns: [id], references: {table: u, columns: [id]}}\n")
    with pytest.raises(SchemaFileError) as e:
        load_text(text % ("true", "false"), "schema.yaml")
    assert e.value.source is not None and e.value.source.line == 9, e.value
    assert "references table public.u, which is unlogged: a logged table's foreign key" in str(e.value), e.value
    load_text(text % ("true", "true"), "schema.yaml")
    load_text(text % ("false", "true"), "schema.yaml")
