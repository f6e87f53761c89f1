"""A partition key as schema.yaml writes it against the key as pg_get_partkeydef prints it: `id,at`, `(id)` and
`LOWER( name )` are `id, at`, `id` and `lower(name)` there. They were compared as text, and a database built from
schema.yaml by its own migration was taken for a change of partitioning: `diff` and `generate` refused (exit 2)."""

from __future__ import annotations

import psycopg
import pytest
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

KEYS = {"p": ("range", "id,at"), "q": ("list", "LOWER( name )"), "r": ("hash", "(id)"), "s": ("range", "(lower(name)), (id)")}
CATALOG = {"p": "RANGE (id, at)", "q": "LIST (lower(name))", "r": "HASH (id)", "s": "RANGE (lower(name), id)"}


def _schema(keys: dict) -> str:
    return "tables:\n" + "".join(
        f"  {t}:\n    columns:\n      id: {{type: integer, nullable: false}}\n      at: {{type: date, nullable: false}}\n"
        f"      name: text\n    partition_by: {{strategy: {s}, key: \"{k}\"}}\n" for t, (s, k) in keys.items())


def test_keys_written_otherwise_than_the_catalog_are_the_same_key(tmp_path, db_url):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_schema(KEYS), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        keys = dict(conn.execute("SELECT partrelid::regclass::text, pg_get_partkeydef(partrelid) FROM pg_partitioned_table"))
    assert keys == CATALOG
    assert check_drift(str(schema), db_url).differences == ()
    assert generate(str(schema), out).status == "unchanged"


@pytest.mark.parametrize("key", ["id", "at, id", "upper(name)"])
def test_another_key_is_still_a_change_of_partitioning(tmp_path, db_url, key):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(_schema({"p": ("range", "id,at")}), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    apply_all(db_url, out)
    schema.write_text(_schema({"p": ("range", key)}), encoding="utf-8")
    drift = check_drift(str(schema), db_url, out_dir=out)  # (drift, exit 1: the plan refuses only --sql's script)
    assert drift.differences and drift.sql == "" and "partitioning cannot change in place" in drift.sql_refused


SUB_PARTITIONS = """
tables:
  m_2025_1:
    partition_of: {parent: m_2025, bound: FOR VALUES IN (1)}
  m:
    partition_by: {strategy: range, key: a}
    columns: {a: integer, b: {type: text, nullable: false}}
  m_2025:
    partition_of: {parent: m, bound: FOR VALUES FROM (10) TO (20)}
    partition_by: {strategy: list, key: a}
  m_2025_2:
    partition_of: {parent: m_2025, bound: FOR VALUES IN (2)}
"""


def test_a_sub_partition_without_columns_takes_them_from_its_partition_parent(tmp_path, db_url):
    """A partition of a partition, neither naming columns: the loader gave the sub-partitions none (their parent's
    were taken from the parent before it had taken its own), so `diff` called the columns Postgres made
    unexpected. Oracle: the loaded model's columns of each are pg_attribute's."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SUB_PARTITIONS, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        catalog = {t: conn.execute("SELECT attname::text, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
                                   "WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum", (t,)).fetchall()
                   for t in ("m_2025", "m_2025_1", "m_2025_2")}
    model = {t.name: [(c.name, c.type, not c.nullable) for c in t.columns] for t in load_text(SUB_PARTITIONS).tables}
    assert {t: model[t] for t in catalog} == catalog == {t: [("a", "integer", False), ("b", "text", True)]
                                                         for t in catalog}
    assert check_drift(str(schema), db_url).differences == ()


PLAIN = "tables:\n  t:\n    columns:\n      id: integer\n      at: date\n"
RANGED = PLAIN + "    partition_by: {strategy: range, key: at}\n  t_all:\n    partition_of: {parent: t, bound: " \
                 "FOR VALUES FROM (MINVALUE) TO (MAXVALUE)}\n"


# A table made partitioned or plain, or re-keyed, is refused by generate (README, partition_by): Postgres has no ALTER,
# and a move of the rows is no exact plan (a row outside every new partition fails the INSERT, and the migration). The
# refusal is one line at the table's line, exit 2, naming what changed and what to do; it named neither before.
@pytest.mark.parametrize("before,after,what", [
    (PLAIN, RANGED, "(made partitioned; Postgres has no ALTER for it, and rows outside every new partition would fail a move)"),
    (RANGED, PLAIN, "(made plain; Postgres has no ALTER for it)"),
    (RANGED, RANGED.replace("range, key: at", "range, key: id").replace("MINVALUE) TO (MAXVALUE", "0) TO (100"),
     "(PARTITION BY RANGE (at) -> PARTITION BY RANGE (id); Postgres"),
], ids=["made-partitioned", "made-plain", "re-keyed"])
def test_a_change_of_partitioning_is_refused_in_one_line_at_the_table(schemac, tmp_path, before, after, what):
    (tmp_path / "schema.yaml").write_text(before, encoding="utf-8")
    assert schemac("generate").returncode == 0
    (tmp_path / "schema.yaml").write_text(after, encoding="utf-8")
    run = schemac("generate", "--allow-destructive")
    assert run.returncode == 2 and run.stdout == "", run
    line = run.stderr.strip()
    assert "\n" not in line and line.startswith("schemac: error: schema.yaml:2:3: table public.t: its partitioning "
                                                "cannot change in place " + what), line
    assert line.endswith("drop public.t, and in the next migration give the new table its name (renamed_from)"), line
    assert len(list((tmp_path / "generated" / "migrations").iterdir())) == 1  # nothing written


def test_a_key_column_retyped_is_refused_in_one_line_at_the_column(schemac, tmp_path):
    """A column the partition key reads, retyped: Postgres refuses the ALTER COLUMN ... TYPE ("cannot alter column
    ... because it is part of the partition key"), so generate refuses it, in one line at the column's line (it named
    no file nor line before), exit 2, nothing written."""
    (tmp_path / "schema.yaml").write_text(RANGED, encoding="utf-8")
    assert schemac("generate").returncode == 0
    (tmp_path / "schema.yaml").write_text(RANGED.replace("at: date", "at: timestamp"), encoding="utf-8")
    run = schemac("generate", "--allow-destructive")
    assert run.returncode == 2 and run.stdout == "", run
    line = run.stderr.strip()
    assert "\n" not in line and line.startswith("schemac: error: schema.yaml:5:7: table public.t: column at is in its "
                                                "partition key, whose types Postgres cannot change"), line
    assert len(list((tmp_path / "generated" / "migrations").iterdir())) == 1  # nothing written


# A partitioned table made LOGGED or UNLOGGED (Zitadel's cache.objects is an unlogged partitioned table, made so before
# 18): generate wrote ALTER TABLE ... SET LOGGED / UNLOGGED of the parent, which before 18 does nothing to a partitioned
# table (the migration applied, `diff` still reported it, and the next generate wrote it again) and which 18 refuses.
# Now refused in one line at the table, exit 2, nothing written. Oracle: the server itself, which keeps the parent's
# relpersistence through the ALTER (or refuses it), and makes no unlogged partitioned table on 18.
@pytest.mark.parametrize("major_db,before,after", [
    ("pg16", True, False),
    pytest.param("pg15", True, False, marks=pytest.mark.slow),
    pytest.param("pg18", False, True, marks=pytest.mark.slow),
], indirect=["major_db"], ids=["16-made-logged", "15-made-logged", "18-made-unlogged"])
def test_a_partitioned_table_made_logged_or_unlogged_is_refused(schemac, tmp_path, major_db, before, after):
    def text(unlogged: bool) -> str:
        return RANGED.replace("    partition_by:", f"    unlogged: {str(unlogged).lower()}\n    partition_by:")
    (tmp_path / "schema.yaml").write_text(text(before), encoding="utf-8")
    assert schemac("generate").returncode == 0
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        try:
            conn.execute(f"ALTER TABLE t SET {'UNLOGGED' if after else 'LOGGED'}")
        except psycopg.errors.WrongObjectType:
            pass  # 18 refuses it
        persistence = conn.execute("SELECT relpersistence FROM pg_class WHERE oid = 't'::regclass").fetchone()[0]
    assert persistence == ("u" if before else "p")  # what the ALTER would have done: nothing
    (tmp_path / "schema.yaml").write_text(text(after), encoding="utf-8")
    run = schemac("generate")
    assert run.returncode == 2 and run.stdout == "", run
    line = run.stderr.strip()
    assert "\n" not in line and line.startswith(
        "schemac: error: schema.yaml:2:3: table public.t: a partitioned table's persistence cannot change in place "
        f"({'UNLOGGED -> LOGGED' if before else 'LOGGED -> UNLOGGED'}; before PostgreSQL 18"), line
    assert len(list((tmp_path / "generated" / "migrations").iterdir())) == 1  # nothing written


def test_a_partitioned_table_created_unlogged_is_warned_as_18_refuses_it(tmp_path, db_url):
    """An unlogged partitioned table (Zitadel's cache.objects, as `inspect` reads it from a server before 18): its
    create migration failed on 18 with no word from generate. Now generate warns at the table's line; the oracle is
    Postgres 18, which refuses that migration (partitioned tables cannot be unlogged) and applies it without the mark."""
    from schemac.commands.generate import generate

    for unlogged in (True, False):
        schema, out = tmp_path / f"{unlogged}.yaml", str(tmp_path / f"generated_{unlogged}")
        schema.write_text(RANGED.replace("    partition_by:", f"    unlogged: {str(unlogged).lower()}\n    partition_by:"),
                          encoding="utf-8")
        result = generate(str(schema), out)
        assert result.status == "written"
        assert [n for n in result.notices if n.startswith("warning: ")] == ([
            f"warning: {schema}:2:3: table public.t is a partitioned table created UNLOGGED, which PostgreSQL 18 "
            "refuses (partitioned tables cannot be unlogged): the migration fails there; before 18 the mark makes "
            "nothing unlogged (its partitions' own unlogged does), so leave it out to run on 18"] if unlogged else [])
        with psycopg.connect(db_url, autocommit=True) as conn:
            if unlogged:
                with pytest.raises(psycopg.errors.FeatureNotSupported, match="partitioned tables cannot be unlogged"):
                    apply_files(conn, Layout(out).migrations())
            else:
                apply_files(conn, Layout(out).migrations())
                assert conn.execute("SELECT relkind FROM pg_class WHERE oid = 't'::regclass").fetchone() == ("p",)


# What Postgres refuses of a partitioned table, a partition or an inheritance child, each loaded and written into a
# migration that failed: now refused at its line (exit 2). (SQL Postgres refuses, schema.yaml, line, message's start)
_PART = "tables:\n  p:\n    columns: {a: integer, b: integer}\n    partition_by: {strategy: range, key: a}\n"
_ROW_TRIGGER = "      tt: {function: tf, events: [insert], for_each: row, new_table: nt}\n"
_TF = "functions:\n  tf: {returns: trigger, language: plpgsql, body: BEGIN RETURN NULL; END}\n"
REFUSED_UNDER_PARTITIONING = [
    ("CREATE TABLE p (a int, b int, CONSTRAINT c CHECK (b > 0) NO INHERIT) PARTITION BY RANGE (a)",
     _PART + "    checks:\n      c: {expression: b > 0, no_inherit: true}\n", 6,
     "check 'c' of table 'p': a partitioned table's CHECK cannot be no_inherit"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE TRIGGER tt AFTER INSERT ON p REFERENCING NEW TABLE "
     "AS nt FOR EACH ROW EXECUTE FUNCTION tf()", _TF + _PART + "    triggers:\n" + _ROW_TRIGGER, 8,
     "trigger 'tt' of table 'p': a partitioned table's row trigger cannot have a transition table"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (9); "
     "CREATE TRIGGER tt AFTER INSERT ON p1 REFERENCING NEW TABLE AS nt FOR EACH ROW EXECUTE FUNCTION tf()",
     _TF + _PART + "  p1:\n    partition_of: {parent: p, bound: 'FOR VALUES FROM (0) TO (9)'}\n    triggers:\n"
     + _ROW_TRIGGER, 10, "trigger 'tt' of table 'p1': a partition's row trigger cannot have a transition table"),
    ("CREATE TABLE r (a int); CREATE TABLE c () INHERITS (r); CREATE TRIGGER tt AFTER INSERT ON c REFERENCING NEW "
     "TABLE AS nt FOR EACH ROW EXECUTE FUNCTION tf()",
     _TF + "tables:\n  r:\n    columns: {a: integer}\n  c:\n    inherits: [r]\n    triggers:\n" + _ROW_TRIGGER, 9,
     "trigger 'tt' of table 'c': an inheritance child's row trigger cannot have a transition table"),
    ("CREATE TABLE p (a int, b int) PARTITION BY HASH (a); CREATE TABLE p1 PARTITION OF p FOR VALUES WITH (MODULUS 2, "
     "REMAINDER 0); CREATE TABLE p2 PARTITION OF p FOR VALUES WITH (MODULUS 3, REMAINDER 1)",
     "tables:\n  p:\n    columns: {a: integer}\n    partition_by: {strategy: hash, key: a}\n  p1:\n    partition_of: "
     "{parent: p, bound: 'FOR VALUES WITH (MODULUS 2, REMAINDER 0)'}\n  p2:\n    partition_of: "
     "{parent: p, bound: 'FOR VALUES WITH (MODULUS 3, REMAINDER 1)'}\n", 7,
     "bound of table public.p2: its modulus 3 and partition public.p1's 2 are not factors one of the other"),
    ("CREATE TABLE p (a int, b int, UNIQUE (b)) PARTITION BY RANGE (a)", _PART + "    unique:\n      - {columns: [b]}\n",
     6, "unique (b) of table 'p': a partitioned table's primary key and unique constraints include each column of its "
        "partition key, not 'a'"),
    ("CREATE TABLE p (a int, b int, PRIMARY KEY (a)) PARTITION BY RANGE ((a + 1))",
     _PART.replace("key: a", "key: (a + 1)") + "    primary_key: {columns: [a]}\n", 5,
     "primary key of table 'p': a partitioned table whose key has an expression"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE UNIQUE INDEX pb ON p (b)",
     _PART + "    indexes:\n      pb: {columns: [b], unique: true}\n", 6,
     "unique index 'pb' of table 'p': a partitioned table's unique index has each column of its partition key among "
     "its key columns, not 'a'"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE UNIQUE INDEX pb ON p (b) INCLUDE (a)",
     _PART + "    indexes:\n      pb: {columns: [b], include: [a], unique: true}\n", 6,
     "unique index 'pb' of table 'p': a partitioned table's unique index has each column"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE UNIQUE INDEX pb ON p ((a + 0), b)",
     _PART + "    indexes:\n      pb: {columns: [{expression: a + 0}, b], unique: true}\n", 6,
     "unique index 'pb' of table 'p': a partitioned table's unique index has each column"),
    ("CREATE TABLE p (a int, b int) PARTITION BY RANGE ((a + 1)); CREATE UNIQUE INDEX pa ON p (a)",
     _PART.replace("key: a", "key: (a + 1)") + "    indexes:\n      pa: {columns: [a], unique: true}\n", 6,
     "unique index 'pa' of table 'p': a partitioned table whose key has an expression"),
]


def test_what_postgres_refuses_under_partitioning_is_refused_at_its_line(db_url):
    """A partitioned table's CHECK NO INHERIT, and a row trigger with a transition table on a partitioned table, a
    partition or an inheritance child: the oracle is Postgres, which refuses each (FeatureNotSupported or
    InvalidTableDefinition, checked here); the loader refuses each at its line, as generate and diff would (exit 2)."""
    from schemac.errors import SchemaFileError
    from schemac.schemafile.load import load_text

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$")
        for sql, text, line, start in REFUSED_UNDER_PARTITIONING:
            with pytest.raises((psycopg.errors.FeatureNotSupported, psycopg.errors.InvalidTableDefinition,
                                psycopg.errors.InvalidObjectDefinition)):
                with conn.transaction():
                    conn.execute(sql)
            with pytest.raises(SchemaFileError) as e:
                load_text(text, "schema.yaml")
            assert str(e.value).startswith(f"schema.yaml:{line}:") and start in str(e.value), (e.value, text)
        for n, (sql, text) in enumerate([  # beside them, what Postgres takes still loads
                ("(a int, b int, PRIMARY KEY (b, a)) PARTITION BY RANGE ((a))",
                 _PART.replace("key: a", "key: (a)") + "    primary_key: {columns: [b, a]}\n"),
                ("(a int, b int) PARTITION BY HASH (a); CREATE TABLE x{n}a PARTITION OF x{n} FOR VALUES WITH "
                 "(MODULUS 2, REMAINDER 0); CREATE TABLE x{n}b PARTITION OF x{n} FOR VALUES WITH (MODULUS 4, REMAINDER 1)",
                 "tables:\n  p:\n    columns: {a: integer}\n    partition_by: {strategy: hash, key: a}\n  p1:\n    "
                 "partition_of: {parent: p, bound: 'FOR VALUES WITH (MODULUS 2, REMAINDER 0)'}\n  p2:\n    "
                 "partition_of: {parent: p, bound: 'FOR VALUES WITH (MODULUS 4, REMAINDER 1)'}\n"),
                ("(a int, b int) PARTITION BY RANGE (a); CREATE UNIQUE INDEX x{n}ba ON x{n} (b, a DESC) WHERE b > 0; "
                 "CREATE INDEX x{n}b ON x{n} (b)",
                 _PART + "    indexes:\n      pba: {columns: [b, {name: a, order: desc}], unique: true, where: b > 0}\n"
                 "      pb: {columns: [b]}\n")]):
            conn.execute(f"CREATE TABLE x{n} " + sql.format(n=n))
            load_text(text, "schema.yaml")


SUB_KEYED = """
tables:
  events:
    partition_by: {strategy: list, key: region}
    columns: {region: text, created_on: date}
  events_eu:
    partition_of: {parent: events, bound: "FOR VALUES IN ('eu')"}
    partition_by: {strategy: range, key: created_on}
"""


def test_a_column_keying_a_sub_partition_retyped_is_refused(tmp_path, any_db_url):
    """`created_on` keys the sub-partitioned events_eu, not the root: the root's ALTER COLUMN ... TYPE recurses into
    events_eu, where Postgres refuses it (as here), and generate wrote it: the migration did not apply (pg-delta's
    corpus partitioned-table-operations--subpartition-key-column-type-change). Now refused at events_eu's line, as a
    column of the root's own key is."""
    from pgharness import takes

    from schemac.plan.objects import PlanError

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SUB_KEYED, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert not takes(conn, "ALTER TABLE events ALTER COLUMN created_on TYPE timestamp",
                         psycopg.errors.InvalidTableDefinition)
    schema.write_text(SUB_KEYED.replace("created_on: date", "created_on: timestamp"), encoding="utf-8")
    with pytest.raises(PlanError, match=r"schema.yaml:\d+:\d+: table public.events_eu: column created_on is in its "
                                        r"partition key, whose types Postgres cannot change \(date -> timestamp"):
        generate(str(schema), out)
    assert len(Layout(out).migrations()) == 1  # nothing written


TOTE = """
tables:
  tote:
    partition_by: {strategy: list, key: a}
    columns: {a: {type: integer, nullable: false}, b: {type: integer, nullable: false}}
    primary_key: {columns: [a, b]}
  tote_1:
    partition_of: {parent: tote, bound: FOR VALUES IN (1)}
    columns: {a: {type: integer, nullable: false}, b: {type: integer, nullable: false}}
    unique:
      - {columns: [a, b], name: tote_1_mine}
"""


@pytest.mark.every_major
def test_a_copy_beside_the_unique_a_fresh_build_makes_the_copy_is_drift(tmp_path, any_db_url):
    """A database whose partition holds its own UNIQUE tote_1_mine beside the PRIMARY KEY's copy tote_1_pkey (the key
    made first, as builds before session 45 did) against schema.yaml whose fresh build makes tote_1_mine the key's
    copy (one key fewer): diff said "In sync" (beside_copy is no part of a constraint's definition, and the key's
    remake, compare.unique_pk_copies, is a caused change the report left out). Now it is one difference, at the key."""
    schema, empty = tmp_path / "schema.yaml", tmp_path / "empty"
    schema.write_text(TOTE, encoding="utf-8")
    empty.mkdir()
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE tote (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b)) PARTITION BY LIST (a); "
                     "CREATE TABLE tote_1 PARTITION OF tote FOR VALUES IN (1); "
                     "ALTER TABLE tote_1 ADD CONSTRAINT tote_1_mine UNIQUE (a, b); INSERT INTO tote VALUES (1, 2)")
        stands = conn.execute("SELECT conname, contype, conparentid <> 0 FROM pg_constraint "
                              "WHERE conrelid = 'tote_1'::regclass AND contype IN ('p', 'u') ORDER BY 1").fetchall()
    # (the oracle: what stands in the partition, the key's copy beside the partition's own UNIQUE)
    assert stands == [("tote_1_mine", "u", False), ("tote_1_pkey", "p", True)], stands
    found = check_drift(str(schema), any_db_url, out_dir=str(empty)).differences
    assert [(d.kind, d.table, d.name) for d in found] == [("constraint_copies_changed", "tote", "tote_pkey")], found
    assert "copies" in found[0].message and found[0].line is not None
