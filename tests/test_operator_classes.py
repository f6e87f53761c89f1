"""User-defined operator classes (CREATE OPERATOR CLASS) on a real server: a hand-written schema.yaml (types spelled
loosely: int4, public.pair; a class outside public named `ops.pair_hash_ops`, one in public named bare) generated
and applied; the oracle is SQL over pg_opclass, pg_amop, pg_amproc and pg_index.indclass, and what the rows do: a
UNIQUE constraint under the DEFAULT btree class that compares `a` only refuses (1, 2) beside (1, 3). inspect's
YAML loads back to the same classes; drift of each kind. Changes over rows: tests/fixtures/kinds/operator_classes.sql."""

from __future__ import annotations

import psycopg
import pytest

from test_aggregates import _step
from schemac.commands.diff import check_drift
from schemac.schemafile.load import load_text

_OPS = {"<<<": "<", "<<=": "<=", "===": "=", ">>=": ">=", ">>>": ">"}
SCHEMA = """\
schemas: [ops]
composite_types:
  pair: {attributes: {a: int4, b: int4}}
functions:
""" + "".join(f"  pair_{n}: {{arguments: 'x pair, y pair', returns: boolean, volatility: immutable, body: 'SELECT x.a {op} y.a'}}\n"
              for n, op in (("lt", "<"), ("le", "<="), ("eq", "="), ("ge", ">="), ("gt", ">"))) + """\
  pair_cmp: {arguments: 'x pair, y pair', returns: integer, volatility: immutable, body: 'SELECT sign(x.a - y.a)::int'}
  pair_hash: {arguments: 'x pair', returns: integer, volatility: immutable, body: 'SELECT hashint4(x.a)'}
operators:
""" + "".join(f"  '{op}': {{left: pair, right: pair, function: pair_{n}{', commutator: ===, hashes: true, merges: true' if op == '===' else ''}}}\n"
              for op, n in (("<<<", "lt"), ("<<=", "le"), ("===", "eq"), (">>=", "ge"), (">>>", "gt"))) + """\
operator_classes:
  pair_a_ops:
    method: BTree
    type: public.pair
    default: true
    operators:
      - {strategy: 1, operator: <<<}
      - {strategy: 2, operator: <<=}
      - {strategy: 3, operator: '==='}
      - {strategy: 4, operator: '>>='}
      - {strategy: 5, operator: public.>>>}
    functions:
      - {number: 1, function: 'pair_cmp(public.pair, pair)'}
      - {number: 4, function: 'pg_catalog.btequalimage(oid)'}
    comment: by a only
  pair_hash_ops:
    schema: ops
    method: hash
    type: pair
    operators: [{strategy: 1, operator: '==='}]
    functions: [{number: 1, function: 'pair_hash(pair)'}]
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, p: pair, q: pair}
    unique: [{columns: [p]}]
    indexes:
      t_q: {columns: [{name: q, opclass: ops.pair_hash_ops}], method: hash}
      t_qa: {columns: [{name: q, opclass: pair_a_ops, order: desc}]}
"""

# The tests' own reading of the catalog: each class with its family, type, DEFAULT and members, and the classes of
# each index key (pg_index.indclass, the default ones too).
CLASSES = """
SELECT c.opcnamespace::regnamespace::text || '.' || c.opcname, am.amname, c.opcintype::regtype::text, c.opcdefault,
       f.opfname::text,
       (SELECT array_agg(o.amopstrategy || ' ' || o.amopopr::regoperator::text ORDER BY o.amopstrategy)
        FROM pg_amop o WHERE o.amopfamily = f.oid),
       (SELECT array_agg(p.amprocnum || ' ' || p.amproc::regprocedure::text ORDER BY p.amprocnum)
        FROM pg_amproc p WHERE p.amprocfamily = f.oid),
       obj_description(c.oid, 'pg_opclass')
FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod JOIN pg_opfamily f ON f.oid = c.opcfamily
WHERE c.oid >= 16384
"""
INDEXES = """
SELECT i.indexrelid::regclass::text, array_agg(oc.opcname::text ORDER BY k.n)
FROM pg_index i, unnest(i.indclass::oid[]) WITH ORDINALITY AS k(o, n) JOIN pg_opclass oc ON oc.oid = k.o
WHERE i.indrelid = 't'::regclass GROUP BY 1
"""
BTREE = ["1 <<<(pair,pair)", "2 <<=(pair,pair)", "3 ===(pair,pair)", "4 >>=(pair,pair)", "5 >>>(pair,pair)"]


def _rows(url: str, sql: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return {tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in conn.execute(sql).fetchall()}


def test_round_trip_with_rows_and_inspect(db_url, tmp_path, schemac):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    sql = _step(schema, out, db_url, SCHEMA)
    # the DEFAULT class before the UNIQUE key that uses it without naming it
    assert sql.index("CREATE OPERATOR CLASS pair_a_ops DEFAULT FOR TYPE pair USING btree") < sql.index("UNIQUE (p)"), sql
    assert _rows(db_url, CLASSES) == {
        ("public.pair_a_ops", "btree", "pair", True, "pair_a_ops", tuple(BTREE),
         ("1 pair_cmp(pair,pair)", "4 btequalimage(oid)"), "by a only"),
        ("ops.pair_hash_ops", "hash", "pair", False, "pair_hash_ops", ("1 ===(pair,pair)",), ("1 pair_hash(pair)",), None)}
    assert _rows(db_url, INDEXES) == {("t_pkey", ("int4_ops",)), ("t_p_key", ("pair_a_ops",)),
                                      ("t_q", ("pair_hash_ops",)), ("t_qa", ("pair_a_ops",))}
    with psycopg.connect(db_url, autocommit=True) as conn:  # the UNIQUE key compares `a` only, by the class
        conn.execute("INSERT INTO t VALUES (1, ROW(1, 2), ROW(1, 2))")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO t VALUES (2, ROW(1, 3), ROW(1, 3))")
    inspected_back(db_url, tmp_path, schemac, SCHEMA)


def inspected_back(db_url: str, tmp_path, schemac, schema: str):
    """inspect writes no operator class (nor family) as not managed, `diff` of its YAML is clean, and it loads
    back to `schema`'s classes and families."""
    r = schemac("inspect", "--database-url", db_url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert "operator" not in written.partition("# Not managed")[2], written  # none listed as not managed
    d = schemac("diff", "--database-url", db_url, "--schema", "inspected.yaml", "--out", "nowhere")
    assert d.returncode == 0, d.stdout + d.stderr
    back, wanted = load_text(written), load_text(schema)
    assert {c.identity: c for c in back.operator_classes} == {c.identity: c for c in wanted.operator_classes}
    assert back.operator_families == wanted.operator_families


def test_drift_of_each_kind(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA)
    drifted = SCHEMA.replace("    comment: by a only\n", "    comment: by a\n") \
        .replace("      - {number: 4, function: 'pg_catalog.btequalimage(oid)'}\n", "") \
        .replace("      t_q: {columns: [{name: q, opclass: ops.pair_hash_ops}], method: hash}\n", "") \
        .replace("  pair_hash_ops:\n    schema: ops\n", "  pair_hash_ops:\n    schema: ops\n    default: true\n") \
        .replace("operator_classes:\n", "operator_classes:\n  pair_b_ops: {method: hash, type: pair, operators: "
                                        "[{strategy: 1, operator: '==='}]}\n")
    schema.write_text(drifted)
    found = {(d.kind, d.name) for d in check_drift(str(schema), db_url, out_dir=out).differences}
    assert found == {("missing_operator_class", "pair_b_ops USING hash"), ("comment_changed", "pair_a_ops USING btree"), ("operator_class_changed", "pair_a_ops USING btree"),
                     ("operator_class_changed", "pair_hash_ops USING hash"), ("unexpected_index", "t_q")}, found


def test_a_class_a_partition_key_names_is_not_dropped_under_it():
    """Postgres refuses DROP OPERATOR FAMILY under a partition key, which cannot change without the rows: generate
    refuses the class's change at the table's line rather than write a migration that does not apply."""
    from schemac.compare.differ import diff
    from schemac.plan.planner import PlanError, plan

    old = SCHEMA.replace("    unique: [{columns: [p]}]\n", "    partition_by: {strategy: range, key: q pair_a_ops}\n").replace(
        "id: {type: integer, primary_key: true}", "id: integer")  # (a partitioned table's key holds q, or none)
    new = old.replace("      - {number: 4, function: 'pg_catalog.btequalimage(oid)'}\n", "")
    with pytest.raises(PlanError) as e:
        plan(diff(load_text(old), load_text(new)))
    assert "table public.t: its partition key (q pair_a_ops) uses a function, operator or operator class" in str(e.value)


def test_a_class_whose_name_holds_a_dot_is_named_quoted(db_url, tmp_path, schemac):
    """An index naming a class whose name holds a dot, in a schema whose name needs quotes: schema.yaml quotes that
    part (`"ops-x"."Abs.Ops"` as Postgres spells it loads as inspect writes it, `ops-x."Abs.Ops"`); the three bare
    parts `ops-x.Abs.Ops` were all inspect could write, and the loader refused them. The oracle: pg_index.indclass's
    class and schema, the index built again over rows."""
    text = ("schemas: [ops-x]\noperator_classes:\n  Abs.Ops:\n    schema: ops-x\n    method: btree\n    type: integer\n"
            "    operators: [{strategy: 3, operator: '='}]\n"
            "    functions: [{number: 1, function: 'pg_catalog.btint4cmp(integer, integer)'}]\n"
            "tables:\n  t:\n    columns: {id: {type: integer, primary_key: true}, v: integer}\n    indexes:\n"
            "      t_v: {columns: [{name: v, opclass: '\"ops-x\".\"Abs.Ops\"'}]}\n")
    assert [e.opclass for e in load_text(text).tables[0].indexes[0].elements] == ['ops-x."Abs.Ops"']
    sql = _step(tmp_path / "schema.yaml", str(tmp_path / "generated"), db_url, text)
    assert 'CREATE INDEX IF NOT EXISTS t_v ON t(v "ops-x"."Abs.Ops")' in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 3), (2, 1), (3, 2); REINDEX INDEX t_v")
    assert _rows(db_url, "SELECT i.indexrelid::regclass::text, n.nspname::text, oc.opcname::text FROM pg_index i "
                         "JOIN pg_opclass oc ON oc.oid = i.indclass[0] JOIN pg_namespace n ON n.oid = oc.opcnamespace "
                         "WHERE i.indrelid = 't'::regclass AND NOT i.indisprimary") == {("t_v", "ops-x", "Abs.Ops")}
    r = schemac("inspect", "--database-url", db_url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert "{name: v, opclass: ops-x.\"Abs.Ops\"}" in written, written
    assert load_text(written).tables == load_text(text).tables


def test_a_hand_written_public_support_function_is_the_bare_one_inspect_reads(db_url, tmp_path):
    """`public.pair_cmp(...)` (no pg_catalog function hides it) is the function the catalog reader names bare: applied,
    drift clean (the reader keeps `public.name`, which one pg_catalog's hides needs: the pair
    opclass-support-function-in-public-shadowed-by-pg-catalog)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA.replace("function: 'pair_cmp(public.pair, pair)'", "function: 'public.pair_cmp(public.pair, pair)'"))
    assert ("1 pair_cmp(pair,pair)", "4 btequalimage(oid)") in {row[6] for row in _rows(db_url, CLASSES)}


def test_a_family_owner_is_only_for_the_class_own_family():
    """`family_owner` pins the owner of the family a class's CREATE makes (which ALTER OPERATOR CLASS ... OWNER TO
    leaves to its first owner); a class naming another's family (`family:`) has none of its own: refused at the
    key, in one line, as a hand edit inspect never writes."""
    from schemac.errors import SchemaFileError

    own = SCHEMA.replace("    comment: by a only\n", "    comment: by a only\n    owner: alice\n    family_owner: bob\n")
    assert next(c for c in load_text(own).operator_classes if c.name == "pair_a_ops").family_owner == "bob"
    other = SCHEMA.replace("    type: pair\n", "    type: pair\n    family: ops.pair_other_ops\n    family_owner: bob\n")
    with pytest.raises(SchemaFileError) as e:
        load_text(other)
    assert "family_owner of operator class 'pair_hash_ops': only for the class's own family" in str(e.value)
    assert "\n" not in str(e.value)
