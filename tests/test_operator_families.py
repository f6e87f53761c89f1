"""Operator families made by CREATE OPERATOR FAMILY on a real server: a hand-written schema.yaml (a btree family of
integer_ops's shape over int4 and int8, its cross-type members spelled loosely: int4, bigint; two classes in it,
used by indexes of a table and of a materialized view) generated and applied, then changed over rows and drifted.
The oracle is SQL over pg_opfamily, pg_amop, pg_amproc (with what pg_depend binds each member to) and
pg_index.indclass, and what the family does: the planner takes the int8 index for `id = 2` (an int8 = int4
comparison) only while the family holds `=(bigint, integer)`. Also the class path's own gap: a materialized view's
index using a DEFAULT operator class that is created again. Changes over rows on every major:
tests/fixtures/kinds/operator_families.sql."""

from __future__ import annotations

import psycopg
import pytest

from test_aggregates import _step
from test_operator_classes import SCHEMA as CLASS_SCHEMA, inspected_back
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.schemafile.load import load_text

_CMP = "".join(f"      - {{strategy: {n}, operator: '{op}'}}\n" for n, op in enumerate(("<", "<=", "=", ">=", ">"), 1))
SCHEMA = """\
schemas: [ops]
operator_families:
  my_integer_ops:
    schema: ops
    method: BTree
    operators:
      - {strategy: 3, operator: '=', left: int8, right: int4}
      - {strategy: 1, operator: <, left: int4, right: int8}
      - {strategy: 3, operator: '=', left: integer, right: bigint}
    functions:
      - {number: 1, function: 'pg_catalog.btint84cmp(int8, int4)', left: bigint, right: integer}
      - {number: 1, function: 'pg_catalog.btint48cmp(integer, bigint)', left: int4, right: int8}
      - {number: 4, function: 'pg_catalog.btequalimage(oid)', left: int8, right: int8}
    comment: int4 and int8
  spare_ops: {method: hash}
operator_classes:
  my_int4_ops:
    method: btree
    type: int4
    family: ops.my_integer_ops
    operators:
""" + _CMP + """\
    functions: [{number: 1, function: 'pg_catalog.btint4cmp(integer, integer)'}]
  my_int8_ops:
    method: btree
    type: bigint
    family: ops.my_integer_ops
    operators:
""" + _CMP + """\
    functions: [{number: 1, function: 'pg_catalog.btint8cmp(bigint, bigint)'}]
tables:
  t:
    columns: {id: bigint, n: integer}
    indexes:
      t_id: {columns: [{name: id, opclass: my_int8_ops}]}
      t_n: {columns: [{name: n, opclass: my_int4_ops, order: desc}]}
materialized_views:
  mv:
    query: SELECT id, n FROM t
    indexes:
      mv_n: {columns: [{name: n, opclass: my_int4_ops}]}
"""

# The tests' own reading of the catalog: each family of the user's schemas with its comment and every member with
# what pg_depend binds it to (the family itself, or a class), and the classes of each index key.
_MEMBERS = """(SELECT array_agg(m ORDER BY m) FROM (
          SELECT {a}.{num} || ' ' || {a}.{obj}::{reg}::text || ' ' || {a}.{left}::regtype::text || ' '
                 || {a}.{right}::regtype::text || ' ' || (SELECT coalesce(c.opcname::text, 'family')
                   FROM pg_depend d LEFT JOIN pg_opclass c ON c.oid = d.refobjid AND d.refclassid = 'pg_opclass'::regclass
                   WHERE d.classid = '{catalog}'::regclass AND d.objid = {a}.oid
                     AND d.refclassid IN ('pg_opclass'::regclass, 'pg_opfamily'::regclass)) AS m
          FROM {catalog} {a} WHERE {a}.{family} = f.oid) members)"""
FAMILIES = f"""
SELECT f.opfnamespace::regnamespace::text || '.' || f.opfname, am.amname, obj_description(f.oid, 'pg_opfamily'),
       {_MEMBERS.format(a="o", num="amopstrategy", obj="amopopr", reg="regoperator", left="amoplefttype",
                        right="amoprighttype", catalog="pg_amop", family="amopfamily")},
       {_MEMBERS.format(a="p", num="amprocnum", obj="amproc", reg="regprocedure", left="amproclefttype",
                        right="amprocrighttype", catalog="pg_amproc", family="amprocfamily")}
FROM pg_opfamily f JOIN pg_am am ON am.oid = f.opfmethod
WHERE f.opfnamespace IN ('public'::regnamespace, 'ops'::regnamespace)
"""
INDEXES = """
SELECT i.indexrelid::regclass::text, array_agg(oc.opcname::text || ' ' || f.opfname ORDER BY k.n)
FROM pg_index i, unnest(i.indclass::oid[]) WITH ORDINALITY AS k(o, n) JOIN pg_opclass oc ON oc.oid = k.o
JOIN pg_opfamily f ON f.oid = oc.opcfamily
WHERE i.indrelid IN ('t'::regclass, 'mv'::regclass) GROUP BY 1
"""


def _class(name: str, t: str, cmp: str) -> list[str]:
    ops = [f"{n} {op}({t},{t}) {t} {t} {name}" for n, op in enumerate(("<", "<=", "=", ">=", ">"), 1)]
    return ops + [f"1 {cmp}({t},{t}) {t} {t} {name}"]


def _families(url: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {r[0]: r[1:] for r in conn.execute(FAMILIES).fetchall()}


def _rows(url: str, sql: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return {tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in conn.execute(sql).fetchall()}


def _int8_index_takes_an_int4(url: str) -> bool:
    """Whether the planner takes t_id (my_int8_ops) for `id = 2`, an int8 = int4 comparison: only while the family
    holds =(bigint,integer)."""
    with psycopg.connect(url) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN SELECT * FROM t WHERE id = 2").fetchall())
    return "t_id" in plan


def _members(url: str) -> tuple[list, list]:
    fam = _families(url)["ops.my_integer_ops"]
    return sorted(fam[2]), sorted(fam[3])


LOOSE_OPS = ["1 <(integer,bigint) integer bigint family", "3 =(bigint,integer) bigint integer family",
             "3 =(integer,bigint) integer bigint family"]
LOOSE_FNS = ["1 btint48cmp(integer,bigint) integer bigint family", "1 btint84cmp(bigint,integer) bigint integer family",
             "4 btequalimage(oid) bigint bigint family"]


def test_round_trip_with_rows_and_inspect(db_url, tmp_path, schemac):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    sql = _step(schema, out, db_url, SCHEMA)
    assert sql.index("CREATE OPERATOR FAMILY ops.my_integer_ops USING btree") < \
        sql.index("ALTER OPERATOR FAMILY ops.my_integer_ops USING btree ADD") < \
        sql.index("CREATE OPERATOR CLASS my_int4_ops") < sql.index("INDEX IF NOT EXISTS mv_n"), sql
    fams = _families(db_url)
    assert set(fams) == {"ops.my_integer_ops", "public.spare_ops"}
    assert fams["public.spare_ops"] == ("hash", None, None, None)
    assert fams["ops.my_integer_ops"][:2] == ("btree", "int4 and int8")
    assert _members(db_url) == (sorted(LOOSE_OPS + _class("my_int4_ops", "integer", "btint4cmp")[:5]
                                       + _class("my_int8_ops", "bigint", "btint8cmp")[:5]),
                                sorted(LOOSE_FNS + _class("my_int4_ops", "integer", "btint4cmp")[5:]
                                       + _class("my_int8_ops", "bigint", "btint8cmp")[5:]))
    assert _rows(db_url, INDEXES) == {("t_id", ("my_int8_ops my_integer_ops",)), ("t_n", ("my_int4_ops my_integer_ops",)),
                                      ("mv_n", ("my_int4_ops my_integer_ops",))}
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t SELECT g, g FROM generate_series(1, 50) g")
    assert _int8_index_takes_an_int4(db_url)
    inspected_back(db_url, tmp_path, schemac, SCHEMA)


def test_a_member_changed_over_rows(db_url, tmp_path):
    """A loose member removed: the family is dropped (its classes with it) and made again, the indexes using the
    classes, the materialized view's too, dropped before and made again after; the rows stay."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t SELECT g, g FROM generate_series(1, 50) g; REFRESH MATERIALIZED VIEW mv")
    changed = SCHEMA.replace("      - {strategy: 3, operator: '=', left: int8, right: int4}\n", "") \
        .replace("comment: int4 and int8", "comment: int4 and int8, one way")
    sql = _step(schema, out, db_url, changed)
    assert "DROP OPERATOR FAMILY IF EXISTS ops.my_integer_ops USING btree" in sql, sql
    assert sql.index("DROP INDEX") < sql.index("DROP OPERATOR FAMILY") < sql.index("CREATE OPERATOR FAMILY") < \
        sql.index("CREATE OPERATOR CLASS my_int8_ops") < sql.index("INDEX IF NOT EXISTS t_id"), sql
    assert "spare_ops" not in sql, sql
    assert _members(db_url)[0] == sorted([m for m in LOOSE_OPS if not m.startswith("3 =(bigint")]
                                         + _class("my_int4_ops", "integer", "btint4cmp")[:5]
                                         + _class("my_int8_ops", "bigint", "btint8cmp")[:5])
    assert _families(db_url)["ops.my_integer_ops"][1] == "int4 and int8, one way"
    assert _rows(db_url, INDEXES) == {("t_id", ("my_int8_ops my_integer_ops",)), ("t_n", ("my_int4_ops my_integer_ops",)),
                                      ("mv_n", ("my_int4_ops my_integer_ops",))}
    assert not _int8_index_takes_an_int4(db_url)  # the family no longer holds =(bigint,integer)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*), sum(n) FROM mv").fetchone() == (50, 1275)
    assert schema.read_text() == changed
    dropped = changed[:changed.index("operator_families:")] + changed[changed.index("tables:"):] \
        .replace(", opclass: my_int8_ops", "").replace(", opclass: my_int4_ops", "")
    _step(schema, out, db_url, dropped)
    assert _families(db_url) == {}


def test_drift_of_each_kind(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA)
    drifted = SCHEMA.replace("    comment: int4 and int8\n", "    comment: int4, int8\n") \
        .replace("      - {number: 4, function: 'pg_catalog.btequalimage(oid)', left: int8, right: int8}\n", "") \
        .replace("  spare_ops: {method: hash}\n", "  other_ops: {method: gist}\n")
    schema.write_text(drifted)
    found = {(d.kind, d.name) for d in check_drift(str(schema), db_url, out_dir=out).differences}
    assert found == {("missing_operator_family", "other_ops USING gist"),
                     ("unexpected_operator_family", "spare_ops USING hash"),
                     ("comment_changed", "my_integer_ops USING btree"),
                     ("operator_family_changed", "my_integer_ops USING btree")}, found


def test_a_class_of_a_family_not_read_stays_listed(db_url):
    """`inspect -n public` of a class whose family is in a schema not read: the class is listed as not managed (its
    schema.yaml could not name the family); the family of `other` is not read at all."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA other; CREATE OPERATOR FAMILY other.fam USING hash;"
                     "CREATE OPERATOR CLASS int_hash FOR TYPE int USING hash FAMILY other.fam AS OPERATOR 1 =, "
                     "FUNCTION 1 hashint4(int)")
    text = inspect_database(db_url, ("public",)).yaml
    assert "operator_classes:" not in text and "operator_families:" not in text, text
    assert "#   operator class (1): public.int_hash USING hash\n" in text, text
    text = inspect_database(db_url).yaml
    assert "operator_families:\n  fam:\n    schema: other\n    method: hash\n" in text, text
    assert "    family: other.fam\n" in text and "# Not managed" not in text, text


def test_a_materialized_view_index_on_a_default_class_changed(db_url, tmp_path):
    """A materialized view's index that uses a class as its column type's DEFAULT (no class named), the class
    changed: Postgres refuses the class's drop under the index (it failed so), so the index is dropped before and made
    again after; pg_index.indclass names the class made again, and the UNIQUE index still refuses a duplicate."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    base = CLASS_SCHEMA + "materialized_views:\n  mv:\n    query: SELECT id, q FROM t\n" \
        "    indexes:\n      mv_q: {columns: [q], unique: true}\n"
    _step(schema, out, db_url, base)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, ROW(1, 2), ROW(1, 2)), (2, ROW(2, 3), ROW(2, 3))")
        conn.execute("REFRESH MATERIALIZED VIEW mv")
    sql = _step(schema, out, db_url, base.replace("      - {number: 4, function: 'pg_catalog.btequalimage(oid)'}\n", ""))
    assert sql.index("DROP INDEX IF EXISTS mv_q") < sql.index("DROP OPERATOR FAMILY IF EXISTS pair_a_ops") < \
        sql.index("INDEX IF NOT EXISTS mv_q"), sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT array_agg(oc.opcname::text) FROM pg_index i JOIN pg_opclass oc "
                            "ON oc.oid = i.indclass[0] WHERE i.indexrelid = 'mv_q'::regclass").fetchone()[0] == ["pair_a_ops"]
        assert conn.execute("SELECT count(*) FROM mv").fetchone()[0] == 2
        conn.execute("UPDATE t SET q = ROW(1, 9) WHERE id = 2")  # a equal to row 1's: the class compares `a` only
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("REFRESH MATERIALIZED VIEW mv")


def test_a_class_member_postgres_binds_to_the_family_is_warned(db_url, tmp_path, capsys):
    """A cross-type operator or an optional support function written under a class of a declared family: Postgres
    binds it to the family (the catalog says so), where inspect reads it, so the loader warns at the class's line."""
    text = SCHEMA.replace("    functions: [{number: 1, function: 'pg_catalog.btint8cmp(bigint, bigint)'}]\n",
                          "    functions: [{number: 1, function: 'pg_catalog.btint8cmp(bigint, bigint)'}]\n"
                          "  my_int2_ops:\n    method: btree\n    type: int2\n    family: ops.my_integer_ops\n"
                          "    operators: [{strategy: 1, operator: <}, {strategy: 1, operator: <, right: int4}]\n"
                          "    functions: [{number: 1, function: 'pg_catalog.btint2cmp(int2, int2)'},"
                          " {number: 2, function: 'pg_catalog.btint2sortsupport(internal)'}]\n")
    load_text(text, "schema.yaml")
    err = capsys.readouterr().err
    assert "schema.yaml:39:3: operator class 'my_int2_ops': Postgres binds OPERATOR 1 (smallint, integer), FUNCTION 2 " \
           "(smallint, smallint) to its family " \
           "ops.my_integer_ops, not to the class" in err, err
    assert "my_int4_ops" not in err and "my_int8_ops" not in err, err
    schema = tmp_path / "schema.yaml"
    schema.write_text(text)
    dev = psycopg.conninfo.make_conninfo(db_url, dbname="postgres")  # the view built there, as _step does
    assert generate(str(schema), str(tmp_path / "generated"), dev_url=dev).status == "written"
    apply_all(db_url, tmp_path / "generated")
    ops, fns = _members(db_url)
    assert "1 <(smallint,integer) smallint integer family" in ops and \
        "1 <(smallint,smallint) smallint smallint my_int2_ops" in ops, ops
    assert "2 btint2sortsupport(internal) smallint smallint family" in fns, fns
    found = {(d.kind, d.name) for d in check_drift(str(schema), db_url).differences}
    assert found == {("operator_class_changed", "my_int2_ops USING btree"),
                     ("operator_family_changed", "my_integer_ops USING btree")}, found


def test_a_family_whose_function_is_not_read_is_listed_with_its_classes(db_url):
    """A loose member's support function the read does not hold (a window function, which is not managed): the
    family is listed as not managed, and so is the class in it (its schema.yaml could not name the family)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION my48cmp(int4, int8) RETURNS integer LANGUAGE internal IMMUTABLE WINDOW AS 'btint48cmp';"
                     "CREATE OPERATOR FAMILY fam USING btree;"
                     "CREATE OPERATOR CLASS fam_int4 FOR TYPE int4 USING btree FAMILY fam AS OPERATOR 1 <, "
                     "FUNCTION 1 btint4cmp(int4, int4);"
                     "ALTER OPERATOR FAMILY fam USING btree ADD FUNCTION 1 (int4, int8) my48cmp(int4, int8)")
    text = inspect_database(db_url).yaml
    assert "operator_classes:" not in text and "operator_families:" not in text, text
    assert "#   operator class (1): public.fam_int4 USING btree\n" in text, text
    assert "#   operator family (1): public.fam USING btree\n" in text, text


def test_a_class_without_members(db_url, tmp_path):
    """A class with no member of its own (pg_dump writes it `AS STORAGE type`; alter_generic.sql makes some), in a
    family that holds what it serves: loaded (it was refused: `needs operators: or functions:`), created, in sync."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    sql = _step(schema, out, db_url, "operator_families:\n  uuid_fam: {method: hash, operators: [{strategy: 1, "
                                     "operator: '=', left: uuid, right: uuid}]}\noperator_classes:\n"
                                     "  bare_uuid_ops: {method: hash, type: uuid, family: uuid_fam}\n")
    assert "CREATE OPERATOR CLASS bare_uuid_ops FOR TYPE UUID USING hash FAMILY uuid_fam AS STORAGE UUID" in sql, sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT f.opfname::text, c.opckeytype, (SELECT count(*) FROM pg_depend d WHERE d.refobjid = "
                            "c.oid AND d.classid IN ('pg_amop'::regclass, 'pg_amproc'::regclass)) FROM pg_opclass c "
                            "JOIN pg_opfamily f ON f.oid = c.opcfamily WHERE c.opcname = 'bare_uuid_ops'").fetchone() \
            == ("uuid_fam", 0, 0)


ALONE = """\
operator_families:
  f2: {schema: fam, method: hash}
operator_classes:
  int4_rev:
    schema: opc
    method: btree
    type: integer
    operators:
""" + "".join(f"      - {{strategy: {n}, operator: '{op}'}}\n" for n, op in enumerate((">", ">=", "=", "<=", "<"), 1)) + """\
    functions: [{number: 1, function: 'pg_catalog.btint4cmp(integer, integer)'}]
tables:
  t:
    schema: fam
    columns: {id: integer}
"""
WHERE = ("SELECT n.nspname::text, f.opfname::text FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace "
         "WHERE n.nspname IN ('fam', 'opc') UNION ALL SELECT n.nspname, c.opcname FROM pg_opclass c "
         "JOIN pg_namespace n ON n.oid = c.opcnamespace WHERE n.nspname IN ('fam', 'opc') ORDER BY 1, 2")


def test_a_schema_holding_only_an_operator_class_or_family(db_url, tmp_path):
    """An operator class or family in a schema `schemas:` does not declare and nothing else uses: its schema was not
    among the schemas schema.yaml uses (Schema.used_namespaces), so no CREATE SCHEMA came before it (schema "opc" does
    not exist), and moving the last table out of the family's schema would have dropped the schema under it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, ALONE)
    expected = [("fam", "f2"), ("opc", "int4_rev"), ("opc", "int4_rev")]  # the class and the family it made
    assert _rows(db_url, WHERE) == set(expected)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO fam.t SELECT generate_series(1, 20)")
    _step(schema, out, db_url, ALONE.replace("    schema: fam\n    columns", "    renamed_from: fam.t\n    columns"))
    assert _rows(db_url, WHERE) == set(expected)
    assert _rows(db_url, "SELECT count(*) FROM public.t") == {(20,)}
