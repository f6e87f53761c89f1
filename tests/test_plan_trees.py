"""plan.trees.clone copies type and expression trees without copy.deepcopy (issue 15): a clone must be
what sqlglot's own copy is, node by node."""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from schemac.pg.expressions import parse_expression
from schemac.pg.types import build_type
from schemac.plan.trees import clone, fresh_expression, fresh_type
from schemac.schemafile.load import load_file

HERE = Path(__file__).parent
SCHEMAS = [HERE / "fixtures" / "everything.yaml", HERE / "fixtures" / "objects.yaml", HERE.parent / "schema.yaml"]
MORE = ["now()", "'{}'::jsonb", "-- a comment\n1 + 2", "x BETWEEN 1 AND 10 /* c */", "ARRAY[1, 2][1]",
        "lower((name)::text) ~ '^[a-z]+$'", "CASE WHEN a > 0 THEN 'p' ELSE NULL END", "date_trunc('day', t)",
        "EXTRACT(year FROM t)", "x IN (1, 2, 3)", "nextval('\"Seq\"'::regclass)", "(a).b", "E'\\\\n'"]


def _texts() -> tuple[set[str], set[str]]:
    expressions, types = set(MORE), set()
    for path in SCHEMAS:
        schema = load_file(str(path))
        for t in schema.tables:
            for c in t.columns:
                types.add(c.type)
                expressions.update(x for x in (c.default, c.generated) if x)
            expressions.update(c.expression for c in t.checks)
            for i in t.indexes:
                expressions.update(e.expression for e in i.elements if e.expression)
                expressions.update([i.where] if i.where else [])
        types.update(d.type for d in schema.domains)
    return expressions, types


def _same(a: exp.Expression, b: exp.Expression) -> None:
    """Node by node: class, plain arguments, comments, metadata, and where each sits in its parent."""
    pairs = [(a, b)]
    seen = 0
    while pairs:
        x, y = pairs.pop()
        seen += 1
        assert type(x) is type(y)
        assert x.comments == y.comments and x._meta == y._meta and x._type == y._type
        assert (x.arg_key, x.index) == (y.arg_key, y.index)
        assert x.args.keys() == y.args.keys()
        for key, value in x.args.items():
            other = y.args[key]
            if isinstance(value, exp.Expression):
                assert value.parent is x and other.parent is y
                pairs.append((value, other))
            elif type(value) is list:
                assert len(value) == len(other)
                for v, o in zip(value, other):
                    if isinstance(v, exp.Expression):
                        assert v.parent is x and o.parent is y
                        pairs.append((v, o))
                    else:
                        assert v == o
            else:
                assert value == other and type(value) is type(other)
    assert seen >= 1


def test_clones_are_sqlglots_copies():
    expressions, types = _texts()
    assert len(expressions) > 40 and len(types) > 20
    for text in expressions:
        tree = parse_expression(text)
        copy, ours = tree.copy(), clone(tree)
        _same(ours, copy)
        assert ours is not tree and ours == tree and ours.sql() == copy.sql()
        _same(fresh_expression(text), copy)
    for text in types:
        tree = build_type(text)
        _same(clone(tree), tree.copy())
        _same(fresh_type(text), tree.copy())


def test_clones_share_no_node():
    tree = parse_expression("a + lower(b) > 0")
    ours = clone(tree)
    assert not {id(n) for n in tree.walk()} & {id(n) for n in ours.walk()}
    ours.find(exp.Column).set("this", exp.to_identifier("z"))
    assert "z" not in tree.sql() and fresh_expression("a + lower(b) > 0").sql() == tree.sql()


def test_what_it_cannot_copy_directly_sqlglot_copies():
    typed = parse_expression("a + 1")
    typed.type = exp.DataType.build("int")
    _same(clone(typed), typed.copy())
    odd = parse_expression("a")
    odd.meta["x"] = [1]
    ours = clone(odd)
    assert ours.meta == {**odd.meta} and ours.meta["x"] is not odd.meta["x"]


def test_generate_leaves_no_cyclic_garbage():
    """`generate` plans with the cyclic collector paused (commands.generate, collector.GCPause): every
    statement's tree must be freed by reference counting once printed (trees.release), else a first
    migration of thousands of tables would pile them up. The oracle is the collector itself: with it off
    during planning, a collection afterwards finds no part of a table's statements among the garbage."""
    import gc

    from schemac.commands.generate import _units
    from schemac.compare.differ import diff
    from schemac.model import Schema

    for path in SCHEMAS:
        desired = load_file(str(path))
        changes = diff(Schema(), desired)
        gc.collect()
        gc.disable()
        try:
            units = _units(changes, Schema(), "init", False)
            gc.set_debug(gc.DEBUG_SAVEALL)
            gc.collect()
            nodes = [o for o in gc.garbage if isinstance(o, exp.Expression) and _in_statement(o)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
        assert units and all(u.sql for u in units) and len(units[0].sql) > 1000
        assert nodes == [], f"{path.name}: {len(nodes)} nodes left for the collector, e.g. {nodes[:3]!r}"


def _in_statement(node: exp.Expression) -> bool:
    """Part of a CREATE TABLE or ALTER TABLE (the statements that grow with the schema). A tree printed into
    a Command's text (a NULLS NOT DISTINCT index, a domain's CHECK) is a temporary, left to the collector."""
    while node is not None:
        if isinstance(node, (exp.ColumnDef, exp.Alter)) or (isinstance(node, exp.Create) and node.kind == "TABLE"):
            return True
        node = node.parent
    return False


def test_generate_never_counts_the_frozen_models(monkeypatch):
    """gc.get_freeze_count walks every frozen object: asked while generate holds its models frozen (OutOfSight),
    once per planning (GCPause) and once per diff of --verify, it made a long-lived process (the property
    test's 300 generates in one pytest) spend nearly all its time walking its own heap."""
    import gc

    from schemac.pg.collector import GCPause, OutOfSight

    counted = []
    real = gc.get_freeze_count
    monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(1) or real())
    with OutOfSight() as sight:
        sight.models_built()
        with GCPause():
            pass
        with GCPause(keep=False):
            pass
        assert counted == [] and (not gc.isenabled() or real() > 0)
    with GCPause():
        pass
    assert counted == [1]  # outside, it is asked (nothing frozen: what was built goes to the oldest generation)
