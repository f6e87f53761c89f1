"""From a query's runs to the report: its findings (Differences at the query's line) and its line."""

from __future__ import annotations

import random
from typing import Callable, Optional

from schemac.model import Query, Schema
from schemac.queries.explain import Outcome
from schemac.queries.indexes import query_difference
from schemac.queries.synth import TablePlan
from schemac.report.describe import Difference
from schemac.report.queries import QueryLine

DEFAULT_ROWS = 1000  # a table no query states a size for


def sizes_of(schema: Schema, rows: Optional[int] = None) -> list[tuple[int, list[Query]]]:
    """The sizes to fill the tables at, each with the queries measured at it (smallest first): a query's
    stated `rows:` (or `rows`, overriding every statement), DEFAULT_ROWS for one that states none."""
    groups: dict[int, list[Query]] = {}
    for q in schema.queries:
        groups.setdefault(rows or q.rows or DEFAULT_ROWS, []).append(q)
    return sorted(groups.items())


def drawer(query: Query, plans: dict[str, TablePlan]) -> Callable[[random.Random], list[Optional[str]]]:
    """The query's params for one run: its example values, and values its rows hold for the params drawn
    from a column."""
    def draw(rng: random.Random) -> list[Optional[str]]:
        out = []
        for p in query.params:
            if p.column is None:
                out.append(p.value)
                continue
            schema, table, column = p.column.split(".")
            out.append(plans[f"{schema}.{table}"].sample(column, rng))
        return out
    return draw


def findings(o: Outcome, rows_of: dict[tuple[str, str], float], measured: Optional[int]) -> list[Difference]:
    """The query's findings; `measured`: the table size its timings were taken at (None: not timed)."""
    q = o.query
    if o.error is not None:
        return [query_difference(q, "query_failed", "a plan", o.error, f"query '{q.name}' does not run: {o.error}")]
    out = []
    for name in q.uses:
        missing = [(plan, params) for plan, params in zip(o.plans, o.params) if name not in plan.indexes]
        if missing:
            plan, params = missing[0]
            shown = ", ".join("NULL" if v is None else repr(v) for v in params)
            also = f" in {len(missing)} of {len(o.plans)} runs" if len(o.plans) > 1 else ""
            out.append(query_difference(q, "query_index_unused", f"a plan using {name}", plan.summary,
                                        f"query '{q.name}' does not use index {name}{also} (params {shown}): "
                                        f"{plan.summary}"))
    if q.no_seq_scan_over is not None:
        scanned = sorted({rel for plan in o.plans for rel in plan.seq_scans})
        for rel in scanned:
            n = rows_of.get(rel, 0.0)
            if n > q.no_seq_scan_over:
                out.append(query_difference(q, "query_seq_scan", f"no Seq Scan over {q.no_seq_scan_over:,} rows",
                                            f"Seq Scan on {rel[0]}.{rel[1]} ({n:,.0f} rows)",
                                            f"query '{q.name}' reads {rel[0]}.{rel[1]} ({n:,.0f} rows) with a "
                                            f"sequential scan; no_seq_scan_over is {q.no_seq_scan_over:,}"))
    for label, budget in (("p50", q.p50_ms), ("p95", q.p95_ms)):
        took = o.percentile(int(label[1:]))
        if measured is not None and budget is not None and took is not None and took > budget:
            out.append(query_difference(q, "query_over_budget", f"{label} <= {budget:g} ms", f"{label} {took:.2f} ms",
                                        f"query '{q.name}' takes {took:.2f} ms at {label} over {len(o.timings)} runs "
                                        f"at {measured:,} rows, over its budget of {budget:g} ms"
                                        + (f" (stated at {q.rows:,} rows)" if q.rows != measured else "")))
    return out


def line(o: Outcome, found: list[Difference], rows: Optional[int]) -> QueryLine:
    q = o.query
    plans = sorted({p.summary for p in o.plans})
    plan = plans[0] + (f" (and {len(plans) - 1} other plan(s))" if len(plans) > 1 else "") if plans else ""
    return QueryLine(q.name, not found, plan, len(o.timings), o.percentile(50), o.percentile(95), q.p95_ms,
                     rows, q.rows, q.source.file if q.source else None, q.source.line if q.source else None, o.note)
