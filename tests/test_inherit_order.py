"""INHERITS children in a column order of their own: a table made first and joined to its parents by ALTER TABLE
... INHERIT keeps its order (PostgreSQL's regression inherit.sql leaves such a one: inhcld). CREATE TABLE ...
INHERITS puts the parents' columns first, so a child rebuilt that way showed SELECT *, COPY and INSERT without a
column list another table. inspect writes its `column_order:`, and a new child in such an order is created on its
own, then INHERITs its parents. The oracle: pg_attribute (attname by attnum, attislocal, attinhcount), pg_inherits
(the parents in inhseqno order), pg_constraint (names, conislocal, coninhcount), and the rows."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest
from conftest import MAJORS
from catalog_oracle import sibling_database
from sqlx_project import generated_and_applied, inspected_and_rebuilt

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

EACH_MAJOR = [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m) for m in MAJORS]

ORDER = """
SELECT c.relname::text, array_agg(ARRAY[a.attname::text, a.attislocal::text, a.attinhcount::text] ORDER BY a.attnum),
       (SELECT array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations'
GROUP BY c.oid, c.relname ORDER BY 1
"""
# NOT NULLs by column (PostgreSQL 18 rows): an inherited one is named after the parent when made by INHERITS.
CONSTRAINTS = """
SELECT k.conrelid::regclass::text, CASE WHEN k.contype = 'n' THEN (SELECT attname FROM pg_attribute
         WHERE attrelid = k.conrelid AND attnum = k.conkey[1]) || ' not null' ELSE k.conname END,
       k.contype::text, k.conislocal, k.coninhcount, pg_get_constraintdef(k.oid)
FROM pg_constraint k WHERE k.connamespace = 'public'::regnamespace AND k.conrelid <> 0
  AND k.conrelid::regclass::text <> '_sqlx_migrations' ORDER BY 1, 2, 3
"""

# Made first, then joined to their parents: every column the child's own (attislocal) and inherited too, the
# parents' CHECKs merged into ones of the child's of the same name, NOT NULLs and generated columns as INHERIT
# requires; two parents giving one column (b); a grandchild made INHERITS a reordered child (its order then).
SOURCE = """
CREATE TABLE p (a int NOT NULL, b int CONSTRAINT p_b_check CHECK (b > 0), g int GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE q (b int, z text DEFAULT 'z', CONSTRAINT q_z_check CHECK (z <> ''));
CREATE TABLE c (x text, a int NOT NULL, b int CONSTRAINT p_b_check CHECK (b > 0), g int GENERATED ALWAYS AS (a * 2) STORED);
ALTER TABLE c INHERIT p;
CREATE TABLE m (z text CONSTRAINT q_z_check CHECK (z <> ''), x text, b int CONSTRAINT p_b_check CHECK (b > 0),
  g int GENERATED ALWAYS AS (a * 2) STORED, a int NOT NULL);
ALTER TABLE m INHERIT q;
ALTER TABLE m INHERIT p;
CREATE TABLE gc (y int) INHERITS (m);
CREATE TABLE r (rb int);
CREATE TABLE h (hx int, hg int GENERATED ALWAYS AS (hx * 3) STORED) INHERITS (r);
ALTER TABLE r ADD COLUMN late int;
INSERT INTO c VALUES ('c1', 1, 2), ('c2', 3, 4);
INSERT INTO m VALUES ('z1', 'm1', 5, DEFAULT, 6);
INSERT INTO gc VALUES ('z2', 'g1', 7, DEFAULT, 8, 9);
INSERT INTO h VALUES (1, 2, DEFAULT, 3);
"""


def _state(conn, rows_of: tuple = ("c", "m", "gc", "h")) -> tuple:
    return (conn.execute(ORDER).fetchall(), conn.execute(CONSTRAINTS).fetchall(),
            [conn.execute(f"SELECT array_agg(t::text ORDER BY t::text) FROM ONLY {t} t").fetchone()[0]
             for t in rows_of])


@contextmanager
def _rebuilt(url: str, folder):
    """inspected_and_rebuilt: the rebuilt database's connection, the schema.yaml text and the migration."""
    with inspected_and_rebuilt(url, folder, same_inspect=True) as (conn, text, result, _):
        yield conn, text, result.sql


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_children_joined_to_their_parents_keep_their_column_order(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
        order, constraints, _ = expected = _state(conn)
    assert ("c", [["x", "true", "0"], ["a", "true", "1"], ["b", "true", "1"], ["g", "true", "1"]], ["p"]) in order
    assert ("m", [["z", "true", "1"], ["x", "true", "0"], ["b", "true", "2"], ["g", "true", "1"], ["a", "true", "1"]],
            ["q", "p"]) in order
    assert ("c", "p_b_check", "c", True, 1, "CHECK ((b > 0))") in constraints
    with _rebuilt(major_db, tmp_path) as (conn, text, sql):
        assert "column_order: [x, a, b, g]" in text and "column_order: [z, x, b, g, a]" in text
        assert text.count("p_b_check") == 3  # p's, and c's and m's own (declared before INHERIT: conislocal), listed
        assert "ALTER TABLE m INHERIT q;\n\nALTER TABLE m INHERIT p;" in sql
        conn.execute("INSERT INTO c SELECT 'c1', 1, 2 UNION ALL SELECT 'c2', 3, 4")  # the source's INSERTs, unchanged
        conn.execute("INSERT INTO m VALUES ('z1', 'm1', 5, DEFAULT, 6)")
        conn.execute("INSERT INTO gc VALUES ('z2', 'g1', 7, DEFAULT, 8, 9)")
        conn.execute("INSERT INTO h VALUES (1, 2, DEFAULT, 3)")
        assert _state(conn) == expected, sql
        assert "column_order: [rb, hx, hg, late]\n    inherited_only: [rb, late]" in text


# A schemac-managed table with rows made a child of a table it has the columns of: ALTER TABLE ... INHERIT, its
# rows and order kept; inspect then writes its order, and a database built from that schema.yaml has it too.
PLAIN = """
tables:
  p:
    columns:
      a: {type: integer, nullable: false}
      b: integer
    checks:
      b_positive: b > 0
  c:
    columns:
      x: text
      a: {type: integer, nullable: false}
      b: integer
"""
JOINED = PLAIN.replace("""      x: text
      a: {type: integer, nullable: false}
      b: integer
""", """      x: text
    inherits: [p]
""")


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_table_with_rows_made_a_child_keeps_its_order_and_rows(major_db, tmp_path):
    generated_and_applied(tmp_path, major_db, PLAIN)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO c VALUES ('one', 1, 10), ('two', 2, 20)")
    sql = generated_and_applied(tmp_path, major_db, JOINED)
    assert "ALTER TABLE c INHERIT p;" in sql
    with psycopg.connect(major_db, autocommit=True) as conn:
        order, constraints, _ = _state(conn, ())
        rows = conn.execute("SELECT * FROM p ORDER BY a").fetchall()
        assert conn.execute("SELECT * FROM c ORDER BY a").fetchall() == [("one", 1, 10), ("two", 2, 20)]
    assert rows == [(1, 10), (2, 20)]
    assert ("c", [["x", "true", "0"], ["a", "true", "1"], ["b", "true", "1"]], ["p"]) in order
    assert ("c", "b_positive", "c", True, 1, "CHECK ((b > 0))") in constraints
    assert check_drift(str(tmp_path / "schema.yaml"), major_db).differences == ()
    # its order written down: nothing to do (no statement reorders a table's columns; generate does not compare it)
    (tmp_path / "schema.yaml").write_text(JOINED.replace("[p]\n", "[p]\n    column_order: [x, a, b]\n"), encoding="utf-8")
    assert generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated")).status == "unchanged"
    with _rebuilt(major_db, tmp_path / "again") as (conn, text, _):
        assert "column_order: [x, a, b]" in text
        assert (conn.execute(ORDER).fetchall(), conn.execute(CONSTRAINTS).fetchall()) == (order, constraints)


# A column added to a parent comes last in each child (Postgres appends it), the parent's only there (attislocal false,
# as its CHECK: conislocal false): drift is clean against the schema.yaml that added it (the order is compared nowhere),
# and a database in that state round-trips exactly: inspect writes `inherited_only:`, the rebuilt child is made
# through a scratch parent (plan/inherit_ddl.py) and ends with every column's and constraint's attislocal/conislocal and
# counts as they were, the parent made first so its NOT NULL keeps Postgres's name (NOT_NULL_NAMES, 18). A child made
# INHERITS declaring a parent's column again (e.a) keeps it its own (inspect writes it, though it is the parent's).
NOT_NULL_NAMES = """
SELECT k.conrelid::regclass::text, k.conname::text, k.conislocal, k.coninhcount FROM pg_constraint k
WHERE k.contype = 'n' AND k.connamespace = 'public'::regnamespace AND k.conrelid::regclass::text <> '_sqlx_migrations'
ORDER BY 1, 2
"""


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_column_added_to_a_parent_comes_last_in_its_children(major_db, tmp_path):
    before = "tables:\n  p:\n    columns:\n      a: integer\n  c:\n    inherits: [p]\n    columns:\n      x: text\n" \
             "  d:\n    inherits: [p]\n    column_order: [x, a]\n    columns:\n      x: text\n" \
             "  e:\n    inherits: [p]\n    columns:\n      a: integer\n      z: text\n"
    generated_and_applied(tmp_path, major_db, before)
    after = before.replace("      a: integer\n", "      a: integer\n      n: {type: integer, default: 7, check: n > 0}\n"
                                                  "      m: {type: integer, nullable: false, default: 1}\n", 1) \
        + "  f:\n    inherits: [p]\n    columns:\n      a: integer\n      w: text\n"  # (made INHERITS now: a, n, m, w)
    assert "ALTER TABLE p ADD COLUMN n INT DEFAULT 7" in generated_and_applied(tmp_path, major_db, after)
    assert check_drift(str(tmp_path / "schema.yaml"), major_db).differences == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO c VALUES (1, 'c')")
        conn.execute("ALTER TABLE d ADD COLUMN y int")  # after the parent's: d is x, a, n, m, y
        order, constraints = conn.execute(ORDER).fetchall(), conn.execute(CONSTRAINTS).fetchall()
        names = conn.execute(NOT_NULL_NAMES).fetchall()
    assert ("c", "p_n_check", "c", False, 1, "CHECK ((n > 0))") in constraints
    assert ("c", [["a", "false", "1"], ["x", "true", "0"], ["n", "false", "1"], ["m", "false", "1"]], ["p"]) in order
    assert ("d", [["x", "true", "0"], ["a", "true", "1"], ["n", "false", "1"], ["m", "false", "1"], ["y", "true", "0"]],
            ["p"]) in order
    assert ("e", [["a", "true", "1"], ["z", "true", "0"], ["n", "false", "1"], ["m", "false", "1"]], ["p"]) in order
    assert ("f", [["a", "true", "1"], ["n", "false", "1"], ["m", "false", "1"], ["w", "true", "0"]], ["p"]) in order
    with _rebuilt(major_db, tmp_path / "again") as (conn, text, sql):
        assert "column_order: [a, x, n, m]\n    inherited_only: [a, n, m]" in text
        assert "column_order: [x, a, n, m, y]\n    inherited_only: [n, m]" in text
        assert "  f:\n    inherits: [p]\n    columns:\n      a: integer\n      w: text\n" in text
        assert "INHERITS (c__schemac_columns)" in sql and "DROP TABLE c__schemac_columns;" in sql
        assert conn.execute(ORDER).fetchall() == order
        assert conn.execute(CONSTRAINTS).fetchall() == constraints
        assert conn.execute(NOT_NULL_NAMES).fetchall() == names  # (none before 18)
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%schemac_columns'").fetchone() == (0,)
        conn.execute("INSERT INTO c VALUES (1, 'c')")  # the source's order: the row fits
        assert conn.execute("SELECT * FROM c").fetchall() == [(1, "c", 7, 1)]
        conn.execute("BEGIN")  # (rolled back: drift is checked after)
        conn.execute("ALTER TABLE p DROP COLUMN n")  # inherited-only: it goes from c, d and e with the parent's
        assert [r[1] for r in conn.execute(ORDER).fetchall() if r[0] in "cdef"] == [
            [["a", "false", "1"], ["x", "true", "0"], ["m", "false", "1"]],
            [["x", "true", "0"], ["a", "true", "1"], ["m", "false", "1"], ["y", "true", "0"]],
            [["a", "true", "1"], ["z", "true", "0"], ["m", "false", "1"]],
            [["a", "true", "1"], ["m", "false", "1"], ["w", "true", "0"]]]
        conn.execute("ROLLBACK")


# A parent's column a child declares again (attislocal), NOT NULL only as its parent is (c.id, PostgreSQL 18: the
# parent's constraint, conislocal false: the parent's DROP NOT NULL would take it), or NOT NULL of its own (d.id,
# d_id_not_null), the parent then given an identity; and one the child has from the parent only (c2.id). inspect
# writes c.id and d.id (declared), and the rebuilt CREATE TABLE ... INHERITS declares c.id without NOT NULL: it was
# made with the parent's name, but its own (conislocal true), and d created before its parent took p_id_not_null.
DECLARED = """
CREATE TABLE p (id int, v text);
CREATE TABLE c (id int, v text, w int);
ALTER TABLE c INHERIT p;
CREATE TABLE c2 (w int) INHERITS (p);
CREATE TABLE d (id int NOT NULL, v text);
ALTER TABLE d INHERIT p;
ALTER TABLE p ALTER COLUMN id SET NOT NULL;
ALTER TABLE p ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
INSERT INTO c VALUES (1, 'c', 2);
"""
IDENTITIES = """
SELECT attrelid::regclass::text, attname::text, attidentity::text, attnotnull FROM pg_attribute
WHERE attname = 'id' AND attrelid::regclass::text IN ('p', 'c', 'c2', 'd') ORDER BY 1
"""


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_parents_column_declared_again_keeps_its_own_and_its_parents_not_null(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(DECLARED)
        expected = (conn.execute(ORDER).fetchall(), conn.execute(NOT_NULL_NAMES).fetchall(),
                    conn.execute(IDENTITIES).fetchall())
    assert ("c", [["id", "true", "1"], ["v", "true", "1"], ["w", "true", "0"]], ["p"]) in expected[0]
    assert ("c2", [["id", "false", "1"], ["v", "false", "1"], ["w", "true", "0"]], ["p"]) in expected[0]
    with _rebuilt(major_db, tmp_path) as (conn, text, sql):
        assert "  c:\n    inherits: [p]\n    columns:\n      id: {type: integer, nullable: false}\n      v: text\n" in text
        assert (conn.execute(ORDER).fetchall(), conn.execute(NOT_NULL_NAMES).fetchall(),
                conn.execute(IDENTITIES).fetchall()) == expected, sql
        conn.execute("BEGIN")  # (rolled back: drift is checked after)
        conn.execute("ALTER TABLE p ALTER COLUMN id DROP IDENTITY, ALTER COLUMN id DROP NOT NULL")
        own = conn.info.server_version >= 180000  # d's own NOT NULL stays (before 18 the recursion takes every one)
        assert conn.execute(IDENTITIES).fetchall() == [("c", "id", "", False), ("c2", "id", "", False),
                                                       ("d", "id", "", own), ("p", "id", "", False)]
        conn.execute("ROLLBACK")


# Each column of a table in order: whether it is its own (attislocal), how many parents give it (attinhcount).
LOCALITY = ("SELECT attname::text, attislocal, attinhcount FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 ORDER BY attnum")
CHECK_LOCALITY = "SELECT conislocal, coninhcount FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s"


def _told_and_applied(tmp_path, db_url: str, schema, word: str) -> list[str]:
    """generate's notices holding `word` for `schema` (schema.yaml) as it is; then its migration, applied."""
    notices = [n for n in generate(str(schema), str(tmp_path / "generated"), dry_run=True).notices if word in n]
    generated_and_applied(tmp_path, db_url, schema.read_text(encoding="utf-8"))
    return notices


def _filled_and_told(tmp_path, db_url: str, before: str, rows: str, after: str, word: str) -> list[str]:
    """schema.yaml `before` applied and given `rows` (SQL), then made `after`: _told_and_applied's notices."""
    generated_and_applied(tmp_path, db_url, before)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(rows)
    schema = tmp_path / "schema.yaml"
    schema.write_text(after, encoding="utf-8")
    return _told_and_applied(tmp_path, db_url, schema, word)


JOINING = """tables:
  parent:
    columns: {id: {type: integer, nullable: false}, kind: text}
    checks: {parent_kind_check: "kind <> ''"}
  child:
%s"""


def test_a_table_joining_a_parent_is_told_what_stays_its_own(db_url, tmp_path):
    """An existing table made a child (ALTER TABLE ... INHERIT) keeps the parent's columns and CHECK its own, which
    no DDL changes: where schema.yaml leaves them to the parent, generate says so (joined_parent_notices), and the
    catalog shows what it says; where the child declares them itself, nothing is said."""
    generated_and_applied(tmp_path, db_url, JOINING % "    columns: {id: {type: integer, nullable: false}, kind: text, extra: integer}\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO child VALUES (2, 'c', 7)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    declared = JOINING % "    inherits: [parent]\n    columns: {id: {type: integer, nullable: false}, kind: text, extra: integer}\n" \
        "    checks: {parent_kind_check: \"kind <> ''\"}\n"
    schema.write_text(declared, encoding="utf-8")
    assert not [n for n in generate(str(schema), out, dry_run=True).notices if "joins" in n]
    schema.write_text(JOINING % "    inherits: [parent]\n    columns: {extra: integer}\n", encoding="utf-8")
    notices = _told_and_applied(tmp_path, db_url, schema, "joins")
    assert len(notices) == 1 and "schema.yaml:5:3: table public.child joins public.parent" in notices[0], notices
    assert "column(s) id, kind and CHECK(s) parent_kind_check stay its own" in notices[0], notices
    with psycopg.connect(db_url) as conn:
        local = conn.execute(LOCALITY, ("child",)).fetchall()
        check = conn.execute(CHECK_LOCALITY, ("child", "parent_kind_check")).fetchall()
        rows = conn.execute("SELECT * FROM child").fetchall()
    assert local == [("id", True, 1), ("kind", True, 1), ("extra", True, 0)] and check == [(True, 1)], (local, check)
    assert rows == [(2, "c", 7)]



def test_a_child_declaring_a_column_it_had_from_its_parent_only_is_told_it_stays_the_parents(db_url, tmp_path):
    """A child that schema.yaml starts declaring a column of, which it has from its parent only (attislocal false),
    keeps it so: no DDL makes it its own, as CREATE TABLE ... INHERITS makes a column the child lists (prop50's find:
    generate said nothing, and the catalog differs from a fresh build's). generate says so (declared_notices), and
    the catalog shows what it says: the parent's DROP COLUMN takes the child's column; nothing is said for a column the
    child already declared, nor where the parent drops the column (ALTER TABLE ONLY makes the child's its own)."""
    generated_and_applied(tmp_path, db_url, JOINING % "    inherits: [parent]\n    columns: {extra: integer}\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO child VALUES (2, 'c', 7)")
    schema = tmp_path / "schema.yaml"
    schema.write_text(JOINING % "    inherits: [parent]\n    columns: {kind: text, extra: integer}\n", encoding="utf-8")
    result = generate(str(schema), str(tmp_path / "generated"))  # (no migration: recorded)
    notices = [n for n in result.notices if "now declares" in n]
    assert result.status == "unchanged" and len(notices) == 1 and "schema.yaml:5:3: table public.child now declares column(s) kind, which it has from " \
        "its parents only" in notices[0], notices
    with psycopg.connect(db_url) as conn:
        assert conn.execute(LOCALITY, ("child",)).fetchall() == [("id", False, 1), ("kind", False, 1), ("extra", True, 0)]
    assert not [n for n in generate(str(schema), str(tmp_path / "generated"), dry_run=True).notices if "declares" in n]
    schema.write_text(JOINING.replace("kind: text}", "}").replace('    checks: {parent_kind_check: "kind <> \'\'"}\n', "")
                      % "    inherits: [parent]\n    columns: {kind: text, extra: integer}\n", encoding="utf-8")
    dropped = generate(str(schema), str(tmp_path / "generated"), dry_run=True, allow_destructive=True)
    assert not [n for n in dropped.notices if "now declares" in n], dropped.notices
    generated_and_applied(tmp_path, db_url, schema.read_text(encoding="utf-8"), allow_destructive=True)
    with psycopg.connect(db_url) as conn:
        assert conn.execute(LOCALITY, ("child",)).fetchall() == [("id", False, 1), ("kind", True, 0), ("extra", True, 0)]
        assert conn.execute("SELECT * FROM child").fetchall() == [(2, "c", 7)]


def test_a_child_leaving_a_column_it_declares_to_its_parent_is_told_it_stays_its_own(db_url, tmp_path):
    """The other way round: a child that declares a column (attislocal) and that schema.yaml then leaves to its
    parent keeps it its own, as no DDL makes it inherited only (prop54's LEFT: generate said nothing, the catalog
    differing from a fresh build's, where it is the parent's only); so too a column the child declared before its
    parent gains it in the same migration (the parent's ADD COLUMN merges into it). generate says so (declared_notices),
    and the catalog shows what it says; nothing is said while the child declares them."""
    plain = "tables:\n  parent:\n    columns: {id: integer, kind: text%s}\n  child:\n    inherits: [parent]\n%s"
    generated_and_applied(tmp_path, db_url, plain % ("", "    columns: {kind: text, n: integer, extra: integer}\n"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO child VALUES (2, 'c', 5, 7)")
    schema = tmp_path / "schema.yaml"
    schema.write_text(plain % (", n: integer", "    columns: {kind: text, n: integer, extra: integer}\n"), encoding="utf-8")
    assert not [n for n in generate(str(schema), str(tmp_path / "generated"), dry_run=True).notices if "leaves" in n]
    schema.write_text(plain % (", n: integer", "    columns: {extra: integer}\n"), encoding="utf-8")
    notices = _told_and_applied(tmp_path, db_url, schema, "leaves")  # (the parent's ADD COLUMN n merges into the child's)
    assert len(notices) == 1 and "schema.yaml:4:3: table public.child now leaves column(s) kind, n to its parents, " \
        "which it declares itself" in notices[0], notices
    with psycopg.connect(db_url) as conn:
        assert conn.execute(LOCALITY, ("child",)).fetchall() == [("id", False, 1), ("kind", True, 1), ("n", True, 1),
                                                                 ("extra", True, 0)]
        assert conn.execute("SELECT * FROM child").fetchall() == [(2, "c", 5, 7)]


def test_a_child_declaring_every_column_of_its_plain_parent_leaves_and_joins_it_again(db_url, tmp_path):
    """Where the child then lists every column of its one parent, which has no CHECK, NOT NULL or generated column, the
    migration makes them its own (NO INHERIT, INHERIT: compare.joined_parents.declared_rejoins), as a fresh build has
    them, and says nothing; where the parent has a CHECK (which would become the child's own), it warns instead."""
    plain = "tables:\n  parent:\n    columns: {id: integer, kind: text}\n  child:\n    inherits: [parent]\n%s"
    generated_and_applied(tmp_path, db_url, plain % "    columns: {extra: integer}\n")
    schema = tmp_path / "schema.yaml"
    schema.write_text(plain % "    columns: {id: integer, kind: text, extra: integer}\n", encoding="utf-8")
    result = generate(str(schema), str(tmp_path / "generated"), dry_run=True)
    assert "ALTER TABLE child NO INHERIT parent;\n\nALTER TABLE child INHERIT parent;" in result.sql, result.sql
    assert not [n for n in result.notices if "declares" in n], result.notices
    generated_and_applied(tmp_path, db_url, schema.read_text(encoding="utf-8"))
    with psycopg.connect(db_url) as conn:
        assert conn.execute(LOCALITY, ("child",)).fetchall() == [("id", True, 1), ("kind", True, 1), ("extra", True, 0)]
    other = tmp_path / "checked"  # (another project, its tables named apart, in the same database)
    other.mkdir()
    checked = plain.replace("kind: text}\n", "kind: text}\n    checks: {kind_set: \"kind <> ''\"}\n", 1) \
        .replace("parent", "parent2").replace("child", "child2")
    generated_and_applied(other, db_url, checked % "    columns: {extra: integer}\n")
    (other / "schema.yaml").write_text(checked % "    columns: {id: integer, kind: text, extra: integer}\n",
                                       encoding="utf-8")
    result = generate(str(other / "schema.yaml"), str(other / "generated"), dry_run=True)
    assert "NO INHERIT" not in (result.sql or "") and [n for n in result.notices if "now declares" in n], result

RETYPED = """tables:
  first_parent:
    columns: {v: %s, a: text}
  second_parent:
    columns: {v: %s, b: text}
    checks: {second_b_check: "b <> ''"}
  two_child:
    inherits: [first_parent, second_parent]
    columns: {note: text}
"""


def test_a_child_left_and_joined_around_a_retype_is_told_what_becomes_its_own(db_url, tmp_path):
    """A column a child has from both its parents, retyped in both but each its way (a USING of the second's own, which
    one ALTER of a scratch parent cannot make: compare.scratch_retypes, tests/test_inherit_retypes.py): Postgres refuses
    the first parent's ALTER COLUMN TYPE, so the child leaves the second (NO INHERIT) and joins it again, which makes
    the column and CHECK it has from that parent only its own (attislocal, conislocal), as no fresh build has them:
    generate says so (compare.inherited_retypes.retype_wrap_notices), and the catalog shows what it says; the rows
    are kept."""
    notices = _filled_and_told(tmp_path, db_url, RETYPED % ("integer", "integer"),
                               "INSERT INTO two_child VALUES (3, 'a', 'b', 'n')",
                               RETYPED % ("bigint", '{type: bigint, using: "v * 1"}'), "NO INHERIT")
    assert len(notices) == 1 and "table public.two_child leaves public.second_parent (NO INHERIT)" in notices[0], notices
    assert "its column(s) b and CHECK(s) second_b_check become its own" in notices[0], notices
    with psycopg.connect(db_url) as conn:
        local = conn.execute(LOCALITY, ("two_child",)).fetchall()
        types = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                             "'two_child'::regclass AND attname = 'v'").fetchall()
        check = conn.execute(CHECK_LOCALITY, ("two_child", "second_b_check")).fetchall()
        parents = conn.execute("SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = "
                               "'two_child'::regclass ORDER BY inhseqno").fetchall()
        assert local == [("v", False, 2), ("a", False, 1), ("b", True, 1), ("note", True, 0)] and types == [("bigint",)]
        assert check == [(True, 1)] and parents == [("first_parent",), ("second_parent",)]
        assert conn.execute("SELECT * FROM two_child").fetchall() == [(3, "a", "b", "n")]


GAUGE = """tables:
  gauge:
    columns: {id: integer, a: %s, g: {type: %s, generated: a * 2}}
  gauge_local:
    inherits: [gauge]
    columns: {x: integer}
"""
COLUMNS = "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 " \
    "AND NOT attisdropped"


@pytest.mark.parametrize("major_db", EACH_MAJOR, indirect=True)
def test_a_child_whose_column_its_parent_drops_and_adds_again_is_told_the_order_it_ends_in(major_db, tmp_path):
    """A parent's generated column dropped and added again around the retype of the column it reads takes the child's
    copy along and gives it back last: the child (id, a, g, x) ends (id, a, x, g), where a fresh build has (id, a, g,
    x), which no DDL but making the child again gives and diff does not report. generate says so, naming the child and
    both orders (compare.readded_orders; it was silent), and the catalog (attnum) shows what it says: the migrated child's
    order, and the fresh build's from a sibling database; the rows are kept."""
    notices = _filled_and_told(tmp_path, major_db, GAUGE % ("integer", "integer"),
                               "INSERT INTO gauge_local VALUES (2, 7, DEFAULT, 3)", GAUGE % ("bigint", "bigint"),
                               "come last")
    assert len(notices) == 1 and "schema.yaml:4:3: table public.gauge_local's column(s) g," in notices[0], notices
    assert "its columns will be (id, a, x, g), where a fresh build of schema.yaml has (id, a, g, x)" in notices[0], notices
    with psycopg.connect(major_db) as conn:
        assert conn.execute(COLUMNS, ("gauge_local",)).fetchone() == (["id", "a", "x", "g"],)
        assert conn.execute(COLUMNS, ("gauge",)).fetchone() == (["id", "a", "g"],)
        assert conn.execute("SELECT * FROM gauge_local").fetchall() == [(2, 7, 3, 14)]
    (tmp_path / "fresh").mkdir()
    with sibling_database(major_db) as fresh:
        generated_and_applied(tmp_path / "fresh", fresh, GAUGE % ("bigint", "bigint"))
        with psycopg.connect(fresh) as conn:
            assert conn.execute(COLUMNS, ("gauge_local",)).fetchone() == (["id", "a", "g", "x"],)
