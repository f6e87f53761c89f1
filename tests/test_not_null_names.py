"""PostgreSQL 18's NOT NULL names of partitions and INHERITS children, as pg_constraint.conname holds them.

Postgres names a child's NOT NULL by how the child was made: a partition made PARTITION OF its parent, or a child
made INHERITS without declaring the column NOT NULL, takes the parent's name (p_a_not_null); a table made first and
then attached (pg_dump's partitions: pagila's payment_p2022_01_amount_not_null) or INHERIT'ed keeps its own, and so
does a child declaring the column NOT NULL itself (b2_kind_not_null). schemac lost the table's own name where it was
<table>_<column>_not_null: inspect took it for Postgres's default, and PARTITION OF / a declared NOT NULL gave the
rebuilt table another. The oracle is pg_constraint itself: every NOT NULL's name and validity per table and column,
in the source database and in the one schemac built (from scratch, and over an existing database with rows)."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from catalog_oracle import sibling_database
from conftest import MAJORS
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemacError
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# Before: what the database holds already (rows in p's partition y, in base and in the standalone s).
BEFORE = """
CREATE TABLE p (a int NOT NULL, b int NOT NULL, c text) PARTITION BY LIST (b);
CREATE TABLE y PARTITION OF p FOR VALUES IN (2);
CREATE TABLE base (id int, kind text NOT NULL);
CREATE TABLE s (a int NOT NULL, b int NOT NULL, c text);
"""
ROWS = """
INSERT INTO p VALUES (1, 2, 'y'), (2, 2, 'y');
INSERT INTO base VALUES (1, 'k'), (2, 'l');
INSERT INTO s VALUES (3, 5, 's');
"""
# After: partitions attached with their own names (the table's default, and one of the user's), made PARTITION OF
# (the parent's; one naming its own), the standalone s attached, a sub-partitioned tree, INHERITS children declaring
# the column NOT NULL (their own name), only a default of it (the parent's), INHERIT'ed, and of two parents; a
# partition attached under a parent's identity column (ATTACH refuses a table with an identity of its own); a
# partition made PARTITION OF declaring one column NOT NULL (v: its own name there, the parent's on the other);
# children keyed on a column whose NOT NULL is the parent's (b10, b11: a key CREATE TABLE makes names its own);
# children holding a NOT NULL of their own under the parent's name (b10 by LIKE, b12 declared, b13 by SET NOT NULL on
# a column it only inherits: conislocal true beside the parent's, where b1's and b11's are the parent's only), and
# one whose key made in CREATE TABLE makes its own (b14); a child that left its parent (b15, NO INHERIT: a table of its
# own whose NOT NULL keeps the parent's name, its own now: conislocal true, coninhcount 0).
AFTER = BEFORE + """
CREATE TABLE x (a int NOT NULL, b int NOT NULL, c text);
ALTER TABLE p ATTACH PARTITION x FOR VALUES IN (1);
CREATE TABLE z PARTITION OF p (a WITH OPTIONS CONSTRAINT z_a_own NOT NULL) FOR VALUES IN (3);
CREATE TABLE v PARTITION OF p (a NOT NULL) FOR VALUES IN (6);
CREATE TABLE w (a int CONSTRAINT w_a_own NOT NULL, b int NOT NULL, c text);
ALTER TABLE p ATTACH PARTITION w FOR VALUES IN (4);
ALTER TABLE p ATTACH PARTITION s FOR VALUES IN (5);
CREATE TABLE extra (note text, kind text NOT NULL);
CREATE TABLE b1 (kind text DEFAULT 'b') INHERITS (base);
CREATE TABLE b2 (kind text NOT NULL) INHERITS (base);
CREATE TABLE b3 (kind text CONSTRAINT b3_k NOT NULL) INHERITS (base);
CREATE TABLE b4 (id int, kind text NOT NULL);
ALTER TABLE b4 INHERIT base;
CREATE TABLE b8 (x int) INHERITS (extra, base);
CREATE TABLE b9 (x int, kind text NOT NULL DEFAULT 'k') INHERITS (base, extra);
CREATE TABLE b10 (LIKE base INCLUDING ALL) INHERITS (base);
ALTER TABLE b10 ADD PRIMARY KEY (kind);
CREATE TABLE b11 (id int, kind text) INHERITS (base);
ALTER TABLE b11 ADD PRIMARY KEY (id, kind);
CREATE TABLE b12 (kind text CONSTRAINT base_kind_not_null NOT NULL) INHERITS (base);
CREATE TABLE b13 () INHERITS (base);
ALTER TABLE b13 ALTER COLUMN kind SET NOT NULL;
CREATE TABLE b14 (id int, kind text, PRIMARY KEY (id, kind)) INHERITS (base);
CREATE TABLE b15 (x int) INHERITS (base);
ALTER TABLE b15 NO INHERIT base;
CREATE TABLE q (a int NOT NULL, b int NOT NULL) PARTITION BY LIST (b);
CREATE TABLE q1 PARTITION OF q FOR VALUES IN (1, 2) PARTITION BY LIST (a);
CREATE TABLE q11 PARTITION OF q1 FOR VALUES IN (1);
CREATE TABLE q12 (a int NOT NULL, b int NOT NULL);
ALTER TABLE q1 ATTACH PARTITION q12 FOR VALUES IN (2);
CREATE TABLE ev (id bigint GENERATED ALWAYS AS IDENTITY, at int NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE ev_1 (id bigint NOT NULL, at int NOT NULL);
ALTER TABLE ev ATTACH PARTITION ev_1 FOR VALUES FROM (0) TO (10);
"""
NOT_NULLS = """
SELECT c.relname::text, a.attname::text, k.conname::text, k.convalidated
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
WHERE k.contype = 'n' AND c.relnamespace = 'public'::regnamespace AND c.relname <> '_sqlx_migrations' ORDER BY 1, 2
"""
# Built from scratch, an INHERITS child's NOT NULL is also its own or not (conislocal) and merged from as many parents
# as in the source (coninhcount); a migration over an existing table may leave it its own (ALTER TABLE ... INHERIT
# does, and nothing undoes that), so the tests of migrations leave these out. Not a partition's: ATTACH makes its
# NOT NULLs inherited-only, PARTITION OF p (a NOT NULL) its own, under the same name (v_a_not_null), which schema.yaml
# does not tell apart.
OWN_NOT_NULLS = NOT_NULLS.replace("k.convalidated", "k.convalidated, k.conislocal OR c.relispartition, k.coninhcount")
# Before PostgreSQL 18 there are no such rows: the columns' attnotnull is the oracle there.
ATTNOTNULL = """
SELECT c.relname::text, a.attname::text, a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'
  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2
"""


def _names(url: str, own: bool = False) -> list[tuple]:
    with psycopg.connect(url) as conn:
        query = (OWN_NOT_NULLS if own else NOT_NULLS) if conn.info.server_version >= 180000 else ATTNOTNULL
        return conn.execute(query).fetchall()


def _load(url: str, text: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(text)


def _generated(schema, url: str, out: str) -> str:
    """`url` inspected into `schema` and generated into `out`: the new migration's SQL."""
    schema.write_text(inspect_database(url).yaml, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    return result.sql or ""


def _built_then_read(db_url: str, tmp_path, old: str, rows: str, new: str) -> tuple[list, str, object, str]:
    """`old` built by schemac in `db_url` and `rows` inserted; `new` loaded in a sibling database: (its NOT NULL names,
    inspect's schema.yaml of it, the schema.yaml path, the output directory), for a test to add its hints to."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with sibling_database(db_url) as before:
        _load(before, old)
        _generated(schema, before, out)
    apply_all(db_url, out)
    _load(db_url, rows)
    with sibling_database(db_url) as after:
        _load(after, new)
        return _names(after), inspect_database(after).yaml, schema, out


def _renamed_and_applied(db_url: str, schema, out: str, text: str, renames: dict[str, str], expected: list) -> None:
    """schema.yaml `text` with `renamed_from:` on each column of `renames` (new name: old name), generated and applied
    to `db_url`: a RENAME COLUMN, the NOT NULL names `expected`, diff clean."""
    for new, old in renames.items():
        assert f"      {new}: {{" in text, text
        text = text.replace(f"      {new}: {{", f"      {new}: {{renamed_from: {old}, ")
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written" and "RENAME COLUMN" in (result.sql or ""), result.message
    apply_all(db_url, out)
    assert _names(db_url) == expected, result.sql
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


def _migrated(db_url: str, tmp_path, old: str, rows: str, new: str) -> tuple[list, str, str, str]:
    """`old` built by schemac in `db_url`, `rows` inserted, then migrated to `new`: (the NOT NULL names `new` has when
    loaded in a sibling database, the migration's SQL, schema.yaml's path, the output directory)."""
    expected, text, schema, out = _built_then_read(db_url, tmp_path, old, rows, new)
    schema.write_text(text, encoding="utf-8")  # type: ignore[attr-defined]
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(db_url, out)
    return expected, result.sql or "", str(schema), out


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_not_null_names_of_partitions_and_children_round_trip(major_db, tmp_path):
    """From scratch: each name as the source has it (before 18: the same NOT NULL columns), inspect of the rebuilt
    database byte-identical, no drift."""
    _load(major_db, AFTER + ROWS)
    expected = _names(major_db, own=True)
    if ("x", "a", "x_a_not_null", True, True, 1) in expected:  # 18: the names the source has, which schemac lost
        for own in [("x", "b", "x_b_not_null", True), ("q12", "a", "q12_a_not_null", True),
                    ("b2", "kind", "b2_kind_not_null", True), ("s", "a", "s_a_not_null", True),
                    ("y", "a", "p_a_not_null", True), ("b1", "kind", "base_kind_not_null", True),
                    ("b8", "kind", "extra_kind_not_null", True), ("b9", "kind", "b9_kind_not_null", True),
                    ("q11", "a", "q_a_not_null", True), ("w", "a", "w_a_own", True),
                    ("ev_1", "at", "ev_1_at_not_null", True), ("v", "a", "v_a_not_null", True),
                    ("v", "b", "p_b_not_null", True), ("b10", "kind", "base_kind_not_null", True),
                    ("b11", "kind", "base_kind_not_null", True), ("b11", "id", "b11_id_not_null", True),
                    ("b12", "kind", "base_kind_not_null", True), ("b13", "kind", "base_kind_not_null", True),
                    ("b14", "kind", "b14_kind_not_null", True), ("b15", "kind", "base_kind_not_null", True)]:
            assert own in [r[:4] for r in expected]
        for local in [("b10", "kind", True, 1), ("b12", "kind", True, 1), ("b13", "kind", True, 1), ("b14", "kind", True, 1),
                      ("b1", "kind", False, 1), ("b11", "kind", False, 1), ("b8", "kind", False, 2), ("b15", "kind", True, 0)]:
            assert local in [(r[0], r[1], r[4], r[5]) for r in expected]  # (conislocal, coninhcount)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    sql = _generated(schema, major_db, out)
    with sibling_database(major_db) as other:
        apply_all(other, out)
        assert _names(other, own=True) == expected, sql
        assert inspect_database(other).yaml.split("\n", 2)[2] == schema.read_text(encoding="utf-8").split("\n", 2)[2]
        assert check_drift(str(schema), other).differences == ()
    assert check_drift(str(schema), major_db).differences == ()


def test_not_null_names_made_over_an_existing_database_with_rows(db_url, tmp_path):
    """The new partitions, children and the attached standalone table of AFTER, made by a migration over BEFORE
    (built by schemac, holding rows): every NOT NULL named as in a database loaded with AFTER, the rows kept."""
    expected, sql, schema, out = _migrated(db_url, tmp_path, BEFORE, ROWS, AFTER)
    assert _names(db_url) == expected, sql
    assert "ALTER TABLE p ATTACH PARTITION x" in sql and "PARTITION OF p (a WITH OPTIONS CONSTRAINT z_a_own" in sql, sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT tableoid::regclass::text, a, c FROM p ORDER BY a").fetchall() == [
            ("y", 1, "y"), ("y", 2, "y"), ("s", 3, "s")]
        assert conn.execute("SELECT count(*) FROM base").fetchone() == (2,)
    assert check_drift(schema, db_url, out_dir=out).differences == ()
    assert generate(schema, out).status == "unchanged"


def test_either_default_name_of_an_inherited_not_null_is_in_sync(db_url, tmp_path):
    """An existing partition holds its parent's name (made PARTITION OF, e.g. by an older schemac) where schema.yaml,
    inspected from a database whose partitions were attached, names the table's own: Postgres cannot rename an
    inherited NOT NULL, so that is no drift (nor is the table's own name under an unnamed NOT NULL: schema.yaml
    written before names were read). A name of the user's is still compared."""
    _load(db_url, "CREATE TABLE p (a int NOT NULL, b int NOT NULL) PARTITION BY LIST (b);"
                  "CREATE TABLE x PARTITION OF p FOR VALUES IN (1);"
                  "CREATE TABLE y (a int NOT NULL, b int NOT NULL); ALTER TABLE p ATTACH PARTITION y FOR VALUES IN (2);"
                  "CREATE TABLE base (kind text NOT NULL); CREATE TABLE c () INHERITS (base)")
    assert [r for r in _names(db_url) if r[0] in ("x", "y", "c")] == [
        ("c", "kind", "base_kind_not_null", True), ("x", "a", "p_a_not_null", True),
        ("x", "b", "p_b_not_null", True), ("y", "a", "y_a_not_null", True), ("y", "b", "y_b_not_null", True)]
    schema = tmp_path / "schema.yaml"
    text = ("tables:\n  p:\n    partition_by: {strategy: list, key: b}\n    columns:\n"
            "      a: {type: integer, nullable: false}\n      b: {type: integer, nullable: false}\n"
            "  x:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n    columns:\n"
            "      a: {type: integer, nullable: false, not_null: {name: %s}}\n      b: {type: integer, nullable: false}\n"
            "  y:\n    partition_of: {parent: p, bound: FOR VALUES IN (2)}\n"
            "  base:\n    columns: {kind: {type: text, nullable: false}}\n"
            "  c:\n    inherits: [base]\n    columns: {kind: {type: text, nullable: false, not_null: {name: %s}}}\n")
    schema.write_text(text % ("x_a_not_null", "c_kind_not_null"), encoding="utf-8")
    assert check_drift(str(schema), db_url).differences == ()
    schema.write_text(text % ("x_a_own", "c_kind_not_null"), encoding="utf-8")
    assert [(d.kind, d.name) for d in check_drift(str(schema), db_url).differences] == [
        ("column_nullability_changed", "a")]


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_not_null_named_as_postgres_names_it_is_in_sync(major_db, tmp_path):
    """schema.yaml naming a table's own NOT NULL by Postgres's default name, which the catalog reads as no name: a
    partition keeping its NOT NULL (y_c_not_null, inspected while the parent's column had one) where the parent's
    column drops it, a plain table's spelled out (t_c_not_null). diff reported 'is CONSTRAINT y_c_not_null NOT NULL,
    expected CONSTRAINT y_c_not_null NOT NULL' after the migration and after a fresh build alike. The oracle:
    pg_constraint's names over the rows equal a fresh build's, both in sync, the rows kept."""
    _load(major_db, "CREATE TABLE p (id int NOT NULL, c int NOT NULL) PARTITION BY LIST (id);"
                    "CREATE TABLE y (id int NOT NULL, c int NOT NULL); ALTER TABLE p ATTACH PARTITION y FOR VALUES IN (1);"
                    "CREATE TABLE t (c int NOT NULL); INSERT INTO p VALUES (1, 2); INSERT INTO t VALUES (3)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generated(schema, major_db, out)  # recorded, not applied: the database holds it
    recorded = {m.path for m in Layout(out).migrations()}
    model = yaml.safe_load(schema.read_text(encoding="utf-8"))
    del model["tables"]["p"]["columns"]["c"]["nullable"]
    model["tables"]["t"]["columns"]["c"]["not_null"] = {"name": "t_c_not_null"}
    schema.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in recorded], record=False)
        assert conn.execute("SELECT (SELECT count(*) FROM p WHERE c = 2), (SELECT count(*) FROM t WHERE c = 3)"
                            ).fetchone() == (1, 1)
    assert check_drift(str(schema), major_db).differences == (), result.sql
    assert generate(str(schema), out).status == "unchanged"
    with sibling_database(major_db) as fresh:
        made = str(tmp_path / "fresh")
        assert generate(str(schema), made).status == "written"
        apply_all(fresh, made)
        assert check_drift(str(schema), fresh).differences == ()
        assert _names(major_db) == _names(fresh), result.sql


def test_a_partition_moved_to_another_parent_takes_its_name(db_url, tmp_path):
    """A partition made PARTITION OF p (its NOT NULL under p's name) moved to a new parent q, as if made PARTITION OF
    q: DETACH leaves the NOT NULL its own under p's name, renamed to q's before the ATTACH (it was renamed the
    partition's own default, which ATTACH kept); the rows stay."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _load(db_url, "CREATE TABLE p (a int NOT NULL, b int) PARTITION BY LIST (b);"
                  "CREATE TABLE y PARTITION OF p FOR VALUES IN (1); INSERT INTO p VALUES (7, 1), (8, 1)")
    _generated(schema, db_url, out)
    with sibling_database(db_url) as after:
        _load(after, "CREATE TABLE p (a int NOT NULL, b int) PARTITION BY LIST (b);"
                     "CREATE TABLE q (a int NOT NULL, b int) PARTITION BY LIST (b);"
                     "CREATE TABLE y PARTITION OF q FOR VALUES IN (1)")
        expected = _names(after)
        sql = _generated(schema, after, out)
    apply_all(db_url, out)
    assert _names(db_url) == expected, sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT tableoid::regclass::text, a FROM q ORDER BY a").fetchall() == [("y", 7), ("y", 8)]
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


def test_a_child_moved_to_another_parent_or_joining_one_takes_the_parents_name(db_url, tmp_path):
    """A child leaving its parent for another (NO INHERIT, INHERIT: apgdiff's modify_inherits) holds the NOT NULL
    it inherited under the old parent's name; it was renamed as the table's own (mv_kind_not_null), which INHERIT
    keeps, where CREATE TABLE ... INHERITS (the new parent) names it after that parent; and a table joining a
    parent (j) kept its own. The oracle: pg_constraint's names against the new schema loaded in a sibling database;
    the rows kept."""
    old = ("CREATE TABLE base (id int, kind text NOT NULL); CREATE TABLE base2 (id int, kind text NOT NULL);"
           "CREATE TABLE mv (x int) INHERITS (base); CREATE TABLE j (id int, kind text NOT NULL);")
    new = ("CREATE TABLE base (id int, kind text NOT NULL); CREATE TABLE base2 (id int, kind text NOT NULL);"
           "CREATE TABLE mv (x int) INHERITS (base2); CREATE TABLE j () INHERITS (base);")
    expected, sql, schema, out = _migrated(db_url, tmp_path, old, "INSERT INTO mv VALUES (1, 'k', 7); INSERT INTO j VALUES (2, 'j')",
                                           new)
    assert _names(db_url) == expected, sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT id, kind, x FROM mv").fetchall() == [(1, "k", 7)]
        assert conn.execute("SELECT count(*) FROM base2").fetchone() == (1,)
        assert conn.execute("SELECT id, kind FROM base").fetchall() == [(2, "j")]
    assert check_drift(schema, db_url, out_dir=out).differences == ()


def test_a_renamed_column_takes_the_name_a_new_one_would(db_url, tmp_path):
    """A column renamed (`renamed_from:`, as Django's RenameField does Zulip's zerver_message.subject -> topic) keeps
    its NOT NULL under the old column's name (msg_subject_not_null), where the same schema.yaml built from scratch
    names it msg_topic_not_null: the migration left that name, diff clean. The oracle: pg_constraint's names against
    the new schema loaded in a sibling database; the rows kept; a named one (msg_body_own) left as it is; an INHERITS
    parent's, which its child made INHERITS holds under the same name, renamed in both (the RENAME recurses)."""
    tree = "CREATE TABLE pt ({} int NOT NULL, b int); CREATE TABLE pt1 (c int) INHERITS (pt);"
    old = "CREATE TABLE msg (id int PRIMARY KEY, subject varchar(60) NOT NULL, body text CONSTRAINT msg_body_own NOT NULL);" \
        + tree.format("a", "a")
    new = "CREATE TABLE msg (id int PRIMARY KEY, topic varchar(60) NOT NULL, text text CONSTRAINT msg_body_own NOT NULL);" \
        + tree.format("aa", "aa")
    expected, text, schema, out = _built_then_read(db_url, tmp_path, old, "INSERT INTO msg VALUES (1, 'greetings', 'hi'); "
                                                   "INSERT INTO pt1 VALUES (5, 1, 2)", new)
    _renamed_and_applied(db_url, schema, out, text, {"topic": "subject", "text": "body", "aa": "a"}, expected)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT id, topic, text FROM msg").fetchall() == [(1, "greetings", "hi")]
        assert conn.execute("SELECT aa, b, c FROM pt1").fetchall() == [(5, 1, 2)]


def test_a_renamed_column_whose_not_null_schema_yaml_names_keeps_or_takes_that_name(db_url, tmp_path):
    """A column renamed (`renamed_from:`) whose NOT NULL schema.yaml names: as inspect writes it of a database where the
    column was renamed before (RENAME COLUMN keeps lg_kind_not_null), or a name of its own (lg_status_must). The
    migration renamed lg_category_not_null and lg_status_not_null, which are not there (the comparison took the
    unnamed NOT NULL it read over the old column for the default over the new one): "constraint
    lg_category_not_null ... does not exist". The oracle: pg_constraint's names against the new schema loaded in a
    sibling database (18's NOT NULL constraints), the rows kept, diff clean."""
    old = "CREATE TABLE lg (id int PRIMARY KEY, kind text NOT NULL, state text NOT NULL);"
    new = ("CREATE TABLE lg (id int PRIMARY KEY, kind text NOT NULL, state text NOT NULL);"
           "ALTER TABLE lg RENAME COLUMN kind TO category; ALTER TABLE lg RENAME COLUMN state TO status;"
           "ALTER TABLE lg RENAME CONSTRAINT lg_state_not_null TO lg_status_must;")
    expected, text, schema, out = _built_then_read(db_url, tmp_path, old, "INSERT INTO lg VALUES (1, 'a', 'b')", new)
    _renamed_and_applied(db_url, schema, out, text, {"category": "kind", "status": "state"}, expected)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT id, category, status FROM lg").fetchall() == [(1, "a", "b")]


def _renamed_over_own(db_url: str, tmp_path, tree: str, rows: str, parent: str, child: str,
                      read: str = "SELECT 1") -> tuple:
    """`tree` (its column `{0}` a, then aa) built, generated and applied to `db_url` with `rows`; schema.yaml inspected
    from a build with aa, hinted `renamed_from: a`; Postgres's refusal of RENAME CONSTRAINT of `child`'s checked.
    (schema.yaml, the output folder, `read`'s rows over the build with aa)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with sibling_database(db_url) as before:
        _load(before, tree.format("a"))
        _generated(schema, before, out)
    apply_all(db_url, out)
    _load(db_url, rows)
    with sibling_database(db_url) as after:
        _load(after, tree.format("aa"))
        text = inspect_database(after).yaml
        with psycopg.connect(after) as conn:
            got = conn.execute(read).fetchall()
    assert f"not_null: {{name: {child}_aa_not_null}}" in text, text
    schema.write_text(text.replace("      aa: {", "      aa: {renamed_from: a, ", 1), encoding="utf-8")
    with sibling_database(db_url) as probe:
        _load(probe, tree.format("a") + f"ALTER TABLE {parent} RENAME COLUMN a TO aa")
        with psycopg.connect(probe) as conn, pytest.raises(psycopg.errors.InvalidTableDefinition):
            conn.execute(f"ALTER TABLE {child} RENAME CONSTRAINT {child}_a_not_null TO {child}_aa_not_null")
    return schema, out, got


MERGED = ("SELECT c.relname, k.conname, k.conislocal, k.coninhcount FROM pg_constraint k JOIN pg_class c ON c.oid = "
          "k.conrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1] WHERE k.contype = 'n' AND "
          "c.relname LIKE 'kt%' AND a.attname <> 'id' ORDER BY 1")


PARTS = MERGED.replace("'kt%'", "'pt%'").replace("<> 'id'", "= 'aa'")


@pytest.mark.parametrize("made", ["attached", "partition of", "beside an attached sibling"])
def test_a_partitioned_tables_column_renamed_over_a_partitions_own_not_null_takes_a_new_builds_names(
        db_url, tmp_path, made):
    """pt.a renamed (`renamed_from:`) to aa over pt1 holding its own pt1_a_not_null, inherited from pt's (pg_dump's
    partitions are attached: conislocal false; PARTITION OF pt (a NOT NULL): true), pt2 only inheriting it, schema.yaml
    naming pt1's pt1_aa_not_null (inspect of the new schema built from scratch): Postgres refuses ALTER TABLE pt1
    RENAME CONSTRAINT ("cannot rename inherited constraint", checked here) and renames pt's only where every partition
    holds its name. generate kept pt1_a_not_null with a notice, and pt's pt_a_not_null silently, where a new build
    names it pt_aa_not_null (fix48e's LEFT). Now pt1's is made its own, pt's dropped, pt1's renamed, pt's added again
    (compare.not_null_remade, as under INHERITS): the names and inheritance counts of schemac's own build of schema.yaml
    and of Postgres's of the new SQL, the rows kept, in sync (fix49b). (pt1's ends local, conislocal true, as PARTITION
    OF pt (aa NOT NULL) makes it, where ATTACH and schemac's own build leave it inherited only: no statement makes a
    local one inherited only; the pair oracle leaves an inherited one's conislocal out.) Beside pt3, ATTACHed holding
    its own pt3_a_not_null (inherited only), pt's DROP NOT NULL took pt3's, so generate kept pt's name silently: now
    pt3's is made local first and renamed with pt1's, under one DROP and ADD (fix49f)."""
    one = ("CREATE TABLE pt1 ({0} int NOT NULL, b int NOT NULL); ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1);"
           if made == "attached" else "CREATE TABLE pt1 PARTITION OF pt ({0} NOT NULL) FOR VALUES IN (1);")
    three = (" CREATE TABLE pt3 (b int NOT NULL, {0} int NOT NULL); ALTER TABLE pt ATTACH PARTITION pt3 FOR VALUES IN"
             " (3);" if made == "beside an attached sibling" else "")
    tree = ("CREATE TABLE pt ({0} int NOT NULL, b int NOT NULL) PARTITION BY LIST (b); " + one +
            " CREATE TABLE pt2 PARTITION OF pt FOR VALUES IN (2);" + three)
    rows = "INSERT INTO pt VALUES (5, 1), (6, 2)" + (", (7, 3)" if three else "")
    schema, out, built_by_postgres = _renamed_over_own(db_url, tmp_path, tree, rows, "pt", "pt1", PARTS)
    assert built_by_postgres == [("pt", "pt_aa_not_null", True, 0), ("pt1", "pt1_aa_not_null", made != "attached", 1),
                                 ("pt2", "pt_aa_not_null", False, 1)] + \
        ([("pt3", "pt3_aa_not_null", False, 1)] if three else []), built_by_postgres
    result, by_schemac = _applied_beside_a_fresh_build(db_url, tmp_path, schema, out, PARTS)
    names = lambda rows: [(t, n, count) for t, n, _, count in rows]  # noqa: E731
    assert names(by_schemac) == names(built_by_postgres), by_schemac
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT aa, b FROM pt ORDER BY b").fetchall() == [(5, 1), (6, 2)] + ([(7, 3)] if three else [])
        assert names(conn.execute(PARTS).fetchall()) == names(by_schemac), result.sql
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    assert check_drift(str(schema), db_url).differences == ()  # (schema.yaml itself, not the record)
    assert generate(str(schema), out).status == "unchanged"


def _applied_beside_a_fresh_build(db_url: str, tmp_path, schema, out: str, read: str) -> tuple:
    """generate (written, no name kept with a notice) applied to `db_url`; (its result, `read`'s rows over schemac's
    own build of schema.yaml in a fresh database)."""
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert not [n for n in result.notices if "keeps its name" in n], result.notices
    apply_all(db_url, out)
    with sibling_database(db_url) as fresh:
        built = str(tmp_path / "fresh")
        assert generate(str(schema), built).status == "written"
        apply_all(fresh, built)
        with psycopg.connect(fresh) as conn:
            return result, conn.execute(read).fetchall()


def test_a_parents_column_renamed_over_a_childs_own_not_null_takes_a_new_builds_names(db_url, tmp_path):
    """kt.a renamed (`renamed_from:`) to aa, INHERITS child kt1 holding its own kt1_a_not_null merged with kt's
    (PostgreSQL 18: conislocal, coninhcount 1), kt2 only inheriting it: Postgres refuses RENAME CONSTRAINT of kt1's
    ("cannot rename inherited constraint", checked here) and renames kt's only where every child holds its name, so
    generate kept kt1_a_not_null (warning) and kt_a_not_null (its rename along skipped). Now kt1's is made its own, kt's
    dropped, kt1's renamed, kt's added again (compare.not_null_remade): the names, conislocal and coninhcount of
    schemac's own build of schema.yaml and of Postgres's of the new SQL, the rows kept, in sync."""
    tree = ("CREATE TABLE kt (id int, {0} int NOT NULL); CREATE TABLE kt1 ({0} int NOT NULL, x int) INHERITS (kt); "
            "CREATE TABLE kt2 (y int) INHERITS (kt);")
    rows = "INSERT INTO kt VALUES (0, 1); INSERT INTO kt1 VALUES (1, 2, 3); INSERT INTO kt2 VALUES (2, 4, 5)"
    schema, out, built_by_postgres = _renamed_over_own(db_url, tmp_path, tree, rows, "kt", "kt1", MERGED)
    assert built_by_postgres == [("kt", "kt_aa_not_null", True, 0), ("kt1", "kt1_aa_not_null", True, 1),
                                 ("kt2", "kt_aa_not_null", False, 1)], built_by_postgres
    result, by_schemac = _applied_beside_a_fresh_build(db_url, tmp_path, schema, out, MERGED)
    assert by_schemac == built_by_postgres
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT * FROM ONLY kt").fetchall() == [(0, 1)]
        assert conn.execute("SELECT * FROM kt1").fetchall() == [(1, 2, 3)]
        assert conn.execute("SELECT * FROM kt2").fetchall() == [(2, 4, 5)]
        assert conn.execute(MERGED).fetchall() == built_by_postgres, result.sql
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    assert check_drift(str(schema), db_url).differences == ()  # (schema.yaml itself, not the record)
    assert generate(str(schema), out).status == "unchanged"


def test_a_partitioned_tables_column_renamed_in_its_primary_key_over_a_partitions_own_not_null_keeps_both_names(
        db_url, tmp_path):
    """pt.a renamed (`renamed_from:`) to aa, a column of pt's PRIMARY KEY, over pt1 PARTITION OF pt (a NOT NULL)
    holding its own pt1_a_not_null merged with pt's: no statement gives a fresh build's names (pt_aa_not_null,
    pt1_aa_not_null) short of dropping the key or a DETACH and ATTACH over the rows. Postgres refuses (checked here)
    pt's DROP NOT NULL ('column "aa" is in a primary key'), pt's RENAME CONSTRAINT, which recurses into pt1 holding
    another name, and its ONLY, and pt1's RENAME of an inherited constraint. generate kept pt's name silently, where a
    new build names it otherwise (fix49b's LEFT); now it records and says both names kept (fix49f), and the database
    is in sync with them."""
    tree = ("CREATE TABLE pt ({0} int NOT NULL, b int NOT NULL, PRIMARY KEY ({0}, b)) PARTITION BY LIST (b); "
            "CREATE TABLE pt1 PARTITION OF pt ({0} NOT NULL) FOR VALUES IN (1); "
            "CREATE TABLE pt2 PARTITION OF pt FOR VALUES IN (2);")
    schema, out, _ = _renamed_over_own(db_url, tmp_path, tree, "INSERT INTO pt VALUES (5, 1), (6, 2)", "pt", "pt1")
    with sibling_database(db_url) as probe:
        _load(probe, tree.format("a") + "ALTER TABLE pt RENAME COLUMN a TO aa")
        with psycopg.connect(probe, autocommit=True) as conn:
            for refused, error in [("ALTER TABLE pt ALTER COLUMN aa DROP NOT NULL", psycopg.errors.InvalidTableDefinition),
                                   ("ALTER TABLE pt RENAME CONSTRAINT pt_a_not_null TO pt_aa_not_null",
                                    psycopg.errors.UndefinedObject),
                                   ("ALTER TABLE ONLY pt RENAME CONSTRAINT pt_a_not_null TO pt_aa_not_null",
                                    psycopg.errors.InvalidTableDefinition)]:
                with pytest.raises(error):
                    conn.execute(refused)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    kept = [n for n in result.notices if "keeps its name" in n]
    assert len(kept) == 2 and "keeps its name pt_a_not_null (a new build names it pt_aa_not_null)" in kept[0] and \
        "keeps its name pt1_a_not_null (a new build names it pt1_aa_not_null)" in kept[1], result.notices
    apply_all(db_url, out)
    with psycopg.connect(db_url) as conn:
        assert [(t, n, count) for t, n, _, count in conn.execute(PARTS).fetchall()] == [
            ("pt", "pt_a_not_null", 0), ("pt1", "pt1_a_not_null", 1), ("pt2", "pt_a_not_null", 1)]
        assert conn.execute("SELECT aa, b FROM pt ORDER BY b").fetchall() == [(5, 1), (6, 2)]
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    assert generate(str(schema), out).status == "unchanged"


def test_a_partitioned_tables_column_renamed_over_an_attached_partitions_own_named_not_null_takes_a_new_builds_name(
        db_url, tmp_path):
    """pt.a renamed (`renamed_from:`) to aa over pt1 ATTACHed holding its own NOT NULL pt1_own (inherited only), no
    partition renaming its own: pt's RENAME CONSTRAINT recurses into pt1 and fails there ('does not exist', checked),
    so generate kept pt_a_not_null with a warning where a fresh build names it pt_aa_not_null (fix49f's LEFT). Now
    pt1's is made local, pt's dropped and added again under pt_aa_not_null (compare.not_null_remade.parent_remade), no
    warning: the names and inheritance counts of Postgres's build of the new SQL, the rows kept, in sync. (pt1_own ends
    local, conislocal true, as fix49f's attached sibling does, where the fresh ATTACH leaves it inherited only.)"""
    tree = ("CREATE TABLE pt ({0} int NOT NULL, b int NOT NULL) PARTITION BY LIST (b); CREATE TABLE pt1 (b int NOT NULL, "
            "{0} int CONSTRAINT pt1_own NOT NULL); ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1); "
            "CREATE TABLE pt2 PARTITION OF pt FOR VALUES IN (2);")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with sibling_database(db_url) as before:
        _load(before, tree.format("a"))
        _generated(schema, before, out)
    apply_all(db_url, out)
    _load(db_url, "INSERT INTO pt VALUES (5, 1), (6, 2)")
    with sibling_database(db_url) as after:
        _load(after, tree.format("aa"))
        text = inspect_database(after).yaml
        with psycopg.connect(after) as conn:
            built_by_postgres = conn.execute(PARTS).fetchall()
    assert built_by_postgres == [("pt", "pt_aa_not_null", True, 0), ("pt1", "pt1_own", False, 1),
                                 ("pt2", "pt_aa_not_null", False, 1)], built_by_postgres
    schema.write_text(text.replace("      aa: {", "      aa: {renamed_from: a, ", 1), encoding="utf-8")
    with sibling_database(db_url) as probe:
        _load(probe, tree.format("a") + "ALTER TABLE pt RENAME COLUMN a TO aa")
        with psycopg.connect(probe) as conn, pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute("ALTER TABLE pt RENAME CONSTRAINT pt_a_not_null TO pt_aa_not_null")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert not [n for n in result.notices if "keeps its name" in n], result.notices
    assert "ALTER TABLE ONLY pt1 ALTER COLUMN aa SET NOT NULL;\n\nALTER TABLE pt ALTER COLUMN aa DROP NOT NULL;\n\n" \
           "ALTER TABLE pt ADD CONSTRAINT pt_aa_not_null NOT NULL aa;" in result.sql, result.sql
    apply_all(db_url, out)
    with psycopg.connect(db_url) as conn:
        assert conn.execute(PARTS).fetchall() == [("pt", "pt_aa_not_null", True, 0), ("pt1", "pt1_own", True, 1),
                                                  ("pt2", "pt_aa_not_null", False, 1)]
        assert conn.execute("SELECT aa, b FROM pt ORDER BY b").fetchall() == [(5, 1), (6, 2)]
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    assert check_drift(str(schema), db_url).differences == ()  # (schema.yaml itself, not the record)
    assert generate(str(schema), out).status == "unchanged"
