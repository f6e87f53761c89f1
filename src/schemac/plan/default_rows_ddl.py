"""The rows of a new partition's bound moved out of the DEFAULT partition its parent keeps (compare.default_rows): Postgres
refuses the CREATE ... PARTITION OF and the ATTACH over them. Before it, the default's rows of the bound are deleted
into a temporary table (one DELETE ... RETURNING: no row written meanwhile is lost); after it, they are inserted
through the parent, which routes them into the new partition, and the table is dropped. Every row and its values are
kept (a STORED generated column is computed again from the same values; an identity's value kept, OVERRIDING SYSTEM
VALUE). Around both steps the parent's triggers firing on INSERT or DELETE are quiet (plan.quiet_triggers): a move is
no application write; the FORCE ROW LEVEL SECURITY of the default (its DELETE) and of the parent (its INSERT) is lifted
around it (plan.unforced_rls), which would hide rows from, or refuse them to, a non-superuser owner; the foreign keys referencing the parent are dropped and added again around it by the differ.

The rows of the bound, as Postgres routes them: a list's `key IN (...)` (or NULL, where the bound lists NULL); a
range's `ROW(key) >= ROW(from) AND ROW(key) < ROW(to)`, cut at the first MINVALUE or MAXVALUE (FROM (1, MAXVALUE) is
`> ROW(1)`, TO (1, MAXVALUE) `<= ROW(1)`; MINVALUE first in FROM, or MAXVALUE first in TO, no limit there). A key
sqlglot cannot split (an operator class named in it), or a bound it cannot read, moves every row of the default: the
parent routes each back where it belongs. A hash partition attached again under a greater modulus keeps the rows
satisfies_hash_partition() gives it."""

from __future__ import annotations

import hashlib
import re
from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.default_rows import ROWS_MOVED
from schemac.model import Table
from schemac.pg.dialect import DIALECT, RENDER
from schemac.pg.expressions import ExpressionError
from schemac.pg.partition_texts import (_parse_statement, hash_bound_in_order, parse_partition_key,
                                        partition_key_opclasses)
from schemac.pg.names import qualified, quote_ident
from schemac.plan.published_fills import unpublished
from schemac.plan.quiet_triggers import INSERT_OR_DELETE, quieted
from schemac.plan.sql_strings import command, do_block, literal
from schemac.plan.unforced_rls import unforced_table

MOVES = ("insert", "delete")  # (what a publication does not send of the moves: plan.published_fills)


def _sql(node: exp.Expression) -> str:
    return node.sql(dialect=DIALECT)


def _key_parts(key: str) -> Optional[list[str]]:
    """The key's expressions, one per column of the bound; None where one names an operator class (or none reads)."""
    try:
        if any(partition_key_opclasses(key)):
            return None
        return list(parse_partition_key(key))
    except ExpressionError:
        return None


def _limit(key: list[str], values: list[exp.Expression], lower: bool) -> Optional[str]:
    """One end of a range bound as a row comparison; "" where that end sets no limit."""
    cut = next((i for i, v in enumerate(values) if isinstance(v, exp.Var) and v.name.upper() in ("MINVALUE", "MAXVALUE")),
               len(values))
    if cut == 0:
        return ""
    infinite = values[cut].name.upper() if cut < len(values) else ""
    op = (">" if infinite == "MAXVALUE" else ">=") if lower else ("<=" if infinite == "MAXVALUE" else "<")
    return f"ROW({', '.join(key[:cut])}) {op} ROW({', '.join(_sql(v) for v in values[:cut])})"


def rows_of_bound(strategy: str, key: str, bound: str) -> Optional[str]:
    """The WHERE of the rows a partition of `bound` holds; None for every row (see the module's docstring)."""
    parts = _key_parts(key)
    try:
        spec = _parse_statement(f"CREATE TABLE _p PARTITION OF _t {hash_bound_in_order(bound)}",
                                "partition bound").find(exp.PartitionBoundSpec)
    except ExpressionError:
        return None
    if parts is None or spec is None:
        return None
    if strategy == "list" and len(parts) == 1 and spec.args.get("this"):
        items = spec.args["this"]
        given = [_sql(v) for v in items if not isinstance(v, exp.Null)]
        tests = ([f"({parts[0]}) IN ({', '.join(given)})"] if given else []) + \
            ([f"({parts[0]}) IS NULL"] if len(given) < len(items) else [])
        return " OR ".join(tests)
    if strategy == "range" and spec.args.get("from_expressions") and len(spec.args["from_expressions"]) == len(parts):
        ends = [_limit(parts, spec.args["from_expressions"], True), _limit(parts, spec.args["to_expressions"], False)]
        return " AND ".join(e for e in ends if e) or None
    return None


def _hashed(parent: str, key: str, bound: str) -> Optional[str]:
    """The rows a hash partition of `bound` holds, as Postgres routes them (satisfies_hash_partition over the parent's
    key); None where the key or the bound does not read."""
    parts = _key_parts(key)
    m = re.search(r"modulus\s+(\d+)\s*,\s*remainder\s+(\d+)", bound, re.I)
    if parts is None or m is None:
        return None
    return f"pg_catalog.satisfies_hash_partition({literal(parent)}::pg_catalog.regclass, {m[1]}, {m[2]}, {', '.join(parts)})"


def _held(t: Table) -> str:
    """The temporary table holding the rows of `t`'s bound: one per partition (two may be made before either's rows are
    put back), named by a digest of its qualified name (within 63 bytes, whatever the name)."""
    return f"pg_temp.schemac_rows_{hashlib.md5(qualified(t.schema, t.name).encode()).hexdigest()[:16]}"


def _columns(t: Table) -> str:
    """The columns moved (a STORED generated one is computed again)."""
    return ", ".join(quote_ident(c.name) for c in t.columns if c.generated is None)


def moved_around(change: Change, made: list[exp.Expression]) -> list[exp.Expression]:
    """`made` (the CREATE ... PARTITION OF or ATTACH of `change`'s table) after the rows of its bound are taken out of
    the default partition into a temporary table (put_back_rows puts them back through the parent)."""
    rows = change.over_default
    if rows is None:
        return made
    (schema, name), strategy, key = rows.source, rows.strategy, rows.key
    t: Table = change.new  # type: ignore[assignment]
    p = t.partition_of
    assert p is not None
    parent, default, names = qualified(p.parent_schema, p.parent), qualified(schema, name), _columns(t)
    leaving = rows.leaving  # (the partition's own rows outside its new bound: leaving_rows)
    where = rows_of_bound(strategy, key, p.bound) if strategy != "hash" or not leaving else _hashed(parent, key, p.bound)
    which = (f" WHERE ({where}) IS NOT TRUE" if leaving else f" WHERE {where}") if where else ""
    held = command("CREATE", f"TEMPORARY TABLE {_held(t)} AS SELECT {names} FROM {default} LIMIT 0")
    note = (f" the rows of {qualified(t.schema, t.name)}'s bound the default partition {default} holds, moved into "
            f"it: taken out of {default} here, put back through {parent} after it (every row kept) ") if not leaving else \
        (f" the rows of {default} outside its new bound, which its ATTACH refuses: taken out here, put back through "
         f"{parent} once its partitions are there (every row kept) ")
    held.add_comments([note.replace("*/", "* /")])
    outs = [(default, which)]
    if rows.also:  # (its own rows outside its new bound leave too, held alike)
        own = rows_of_bound(strategy, key, p.bound)
        outs.append((qualified(t.schema, t.name), f" WHERE ({own}) IS NOT TRUE" if own else ""))
    taken = [unforced_table(table, [command("WITH", f"moved AS (DELETE FROM {table}{test} RETURNING {names}) "
                                                    f"INSERT INTO {_held(t)} ({names}) SELECT {names} FROM moved")])
             for table, test in outs]
    steps = [s for one in taken for s in one]
    sources = tuple(table for (table, _), out in zip(outs, (leaving, True)) if out)  # (detached: in no tree of the parent)
    steps = unpublished(parent, steps, MOVES, sources) if change.published else steps
    return [held, *quieted(parent, steps, INSERT_OR_DELETE, sources),
            *made]


def put_back(change: Change) -> list[exp.Expression]:
    """The rows `moved_around` took out, inserted through the parent (which routes them into the new partition), once
    the partition and the tables under it are there; the temporary table dropped."""
    t: Table = change.new  # type: ignore[assignment]
    p = t.partition_of
    assert p is not None
    parent = qualified(p.parent_schema, p.parent)
    names = _columns(t)
    # OVERRIDING SYSTEM VALUE whatever `t` declares: the INSERT goes through the parent, whose own GENERATED ALWAYS
    # identity refuses the kept value where the partition's model has none (a table attached under such a parent, its
    # identity dropped); Postgres takes the clause where no column is an identity.
    back = command("INSERT", f"INTO {parent} ({names}) OVERRIDING SYSTEM VALUE SELECT {names} FROM {_held(t)}")
    steps = unpublished(parent, [back], MOVES) if change.published else [back]
    return [*quieted(parent, unforced_table(parent, steps), INSERT_OR_DELETE), command("DROP", f"TABLE {_held(t)}")]


def key_off(change: Change, made: list[exp.Expression]) -> list[exp.Expression]:
    """A foreign key's drop around rows moved out of default partitions (ROWS_MOVED): only where one of them holds a row
    (an empty default, a premake's usual case, moves none: the key stays, and no scan checks it again)."""
    if change.cause != ROWS_MOVED or not change.held_from:
        return made
    test = " OR ".join(f"EXISTS (SELECT FROM {qualified(*d)})" for d in change.held_from)
    return [do_block(f"BEGIN IF {test} THEN {'; '.join(s.sql(dialect=RENDER) for s in made)}; END IF; END")]


def key_again(change: Change, name: str, made: list[exp.Expression]) -> list[exp.Expression]:
    """... and its add: where `key_off` dropped it (the table has no constraint of its name)."""
    if change.cause != ROWS_MOVED or not change.held_from:
        return made
    t: Table = change.table_def  # type: ignore[assignment]
    return [do_block(f"BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass("
                     f"{literal(qualified(t.schema, t.name))}) AND conname = {literal(name)}) THEN "
                     f"{'; '.join(s.sql(dialect=RENDER) for s in made)}; END IF; END")]
