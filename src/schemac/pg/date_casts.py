"""The cast Postgres adds to a date column beside a timestamp without time zone, loaded as it is stored.

`coalesce(d, tp)` of a date d and a timestamp tp is stored `COALESCE((d)::timestamp without time zone, tp)` (the values'
common type, select_common_type), `tp - d` `(tp - (d)::timestamp without time zone)`. The normal form sees no column
types, and such a cast of a column also means something else: `coalesce(ts::timestamp, tp)` of a timestamptz ts is
stored `COALESCE((ts)::timestamp without time zone, tp)`, while `coalesce(ts, tp)` is `COALESCE(ts, (tp)::timestamp with
time zone)`, another value (the local time of the session's zone against an instant). So compare.implicit_casts keeps a
cast to timestamp of a column in a COALESCE, GREATEST, LEAST, CASE's results or a subtraction (it drops a cast to
timestamptz, which changes nothing there: Postgres adds it to every other value), and the loader, which knows the
table's column types, writes the one Postgres adds: `coalesce(d::timestamp, tp)`, which is stored the same (a
materialized view's indexes and statistics too: compare.views, by its columns' types). Only where every value's type
is known from its form (a column of the table, a cast, CURRENT_DATE, LOCALTIMESTAMP, CURRENT_TIMESTAMP, now(), NULL, a
string: `coalesce(d, f())` is left as written) and none is a timestamptz. Built as pg.typed_strings is: a cheap look
first, sqlglot only for a text naming a date column and a timestamp.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from schemac.model import Table
from schemac.model.frozen import replace
from schemac.pg.noop_casts import expressions_mapped, rewritten

_KINDS = {"date": "date", "timestamp": "timestamp", "timestamp without time zone": "timestamp",
          "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz"}
_PRECISION = re.compile(r"\s*\(\s*\d+\s*\)")


@lru_cache(maxsize=1024)
def _kind(type_text: str) -> Optional[str]:
    return _KINDS.get(" ".join(_PRECISION.sub(" ", type_text.lower()).split()))


def dates_cast(t: Table) -> Table:
    """`t` with the casts Postgres adds to its date columns beside a timestamp written into its expressions (above);
    `t` itself where there is none."""
    if not _may_need(t):
        return t
    kinds = tuple((c.name, k) for c in t.columns if (k := _kind(c.type)) is not None)
    dates = [name for name, k in kinds if k == "date"]
    if not dates:
        return t
    look = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in dates) + r")\b", re.I)

    def cast(x: Optional[str], row: bool = False) -> Optional[str]:
        if x is None or not look.search(x) or "timestamp" not in x.lower() and all(
                not re.search(rf"\b{re.escape(n)}\b", x, re.I) for n, k in kinds if k == "timestamp"):
            return x
        return rewritten(x, lambda tree: _cast_dates(tree, dict(kinds), row))

    return expressions_mapped(t, cast, lambda e: replace(e, expression=cast(e.expression)), lambda w: cast(w, True),
                              cast)


def _may_need(t: Table) -> bool:
    """Whether `t` has an expression and a column whose type may be a date: plain loops, as this runs for every table
    schema.yaml holds (10,000 tables of 8 columns without an expression: 47 ms, beside typed_strings._any_quoted's 22 to
    65 ms, timeit's best of 5 on a loaded machine; a type of each column looked up first: 370 ms)."""
    if not (t.checks or t.statistics or t.policies or t.triggers or t.indexes or t.exclusions):
        for c in t.columns:
            if c.generated:
                break
        else:
            return False
    types = "".join([c.type for c in t.columns])
    if "ate" not in types and "ATE" not in types:  # (date, Date, DATE)
        return False
    if t.checks or t.statistics or t.policies or any(c.generated for c in t.columns) or \
            any(r.when for r in t.triggers):
        return True
    return any(obj.where is not None or any(e.expression is not None for e in obj.elements)
               for keyed in (t.indexes, t.exclusions) for obj in keyed)


def _cast_dates(tree, kinds: dict, row: bool):
    from sqlglot import exp

    def column(node) -> Optional[str]:
        while isinstance(node, exp.Paren):
            node = node.this
        if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier) or node.args.get("db") or \
                (node.table.lower() not in ("new", "old") if row else node.table):
            return None
        return node.this.name if node.this.quoted else node.this.name.lower()

    def kind(node) -> Optional[str]:
        while isinstance(node, exp.Paren):
            node = node.this
        if (name := column(node)) is not None:
            return kinds.get(name)
        if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and not node.to.expressions:
            return {exp.DataType.Type.DATE: "date", exp.DataType.Type.TIMESTAMP: "timestamp",
                    exp.DataType.Type.TIMESTAMPTZ: "timestamptz"}.get(node.to.this)
        if isinstance(node, exp.CurrentDate):
            return "date"
        if isinstance(node, exp.Localtimestamp):
            return "timestamp"
        if isinstance(node, exp.CurrentTimestamp) or isinstance(node, exp.Anonymous) and str(node.this) == "now" \
                and not node.expressions:
            return "timestamptz"
        if isinstance(node, exp.Null) or isinstance(node, exp.Literal) and node.is_string:
            return "any"  # (Postgres's unknown: it takes the common type)
        return None

    done = False
    for node in list(tree.find_all(exp.Coalesce, exp.Greatest, exp.Least, exp.Case, exp.Sub)):
        if isinstance(node, exp.Case):
            places = [(i, "true") for i in node.args.get("ifs") or []]
            places += [(node, "default")] if node.args.get("default") else []
        elif isinstance(node, exp.Sub):
            places = [(node, "this"), (node, "expression")]
        else:
            places = [(node, "this")] + [(node, i) for i in range(len(node.expressions))]
        values = [holder.expressions[key] if isinstance(key, int) else holder.args.get(key) for holder, key in places]
        found = [kind(v) for v in values]
        if None in found or "timestamptz" in found or "timestamp" not in found or "date" not in found:
            continue
        listed = list(node.expressions) if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)) else []
        for (holder, key), value, k in zip(places, values, found):
            if k == "date" and column(value) is not None:
                typed = exp.Cast(this=value.copy(), to=exp.DataType.build("timestamp"))
                if isinstance(key, int):
                    listed[key] = typed
                else:
                    holder.set(key, typed)
                done = True
        if listed:
            node.set("expressions", listed)
    return tree if done else None
