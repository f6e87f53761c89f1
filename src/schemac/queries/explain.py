"""Run a declared query's EXPLAIN (and EXPLAIN ANALYZE) and read what the plan says: the indexes it uses
(scans and ON CONFLICT arbiters), the relations it reads sequentially, and how long it took.

The query is PREPAREd as written, with its `$n` parameters, and EXPLAINed as EXECUTE with literal values:
the server infers the parameter types from the query, as it does for an application's prepared statement.
Plans are custom plans for those values (plan_cache_mode = force_custom_plan)."""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass, field
from schemac.model.frozen import frozen
from typing import Callable, Iterator, Optional, Sequence

import psycopg
from psycopg import sql

from schemac.model import Query

STATEMENT = "schemac_query"


@frozen
class PlanFacts:
    indexes: frozenset[str]  # index names the plan scans, or uses as ON CONFLICT arbiters
    seq_scans: tuple[tuple[str, str], ...]  # (schema, relation) read by a Seq Scan
    planning_ms: Optional[float] = None
    execution_ms: Optional[float] = None
    summary: str = ""  # the plan's nodes, outermost first: "Limit > Index Scan using idx on t"


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def facts(document: list) -> PlanFacts:
    """What one EXPLAIN (FORMAT JSON, VERBOSE) document says."""
    root = document[0]
    indexes: set[str] = set()
    seq: list[tuple[str, str]] = []
    words: list[str] = []
    for node in _nodes(root["Plan"]):
        kind = node.get("Node Type", "?")
        if "Index Name" in node:
            indexes.add(node["Index Name"])
            words.append(f"{kind} using {node['Index Name']}")
        elif kind == "Seq Scan":
            seq.append((node.get("Schema", "public"), node.get("Relation Name", "?")))
            words.append(f"Seq Scan on {node.get('Relation Name', '?')}")
        else:
            words.append(kind)
        indexes.update(node.get("Conflict Arbiter Indexes", ()))
    return PlanFacts(frozenset(indexes), tuple(seq), root.get("Planning Time"), root.get("Execution Time"),
                     " > ".join(words))


@dataclass
class Outcome:
    """A query's runs: the plans' facts, the timings (planning + execution, ms), the params of each run."""

    query: Query
    plans: list[PlanFacts] = field(default_factory=list)
    params: list[list[Optional[str]]] = field(default_factory=list)
    error: Optional[str] = None
    note: Optional[str] = None

    @property
    def timings(self) -> list[float]:
        return [(p.planning_ms or 0.0) + p.execution_ms for p in self.plans if p.execution_ms is not None]

    def percentile(self, q: float) -> Optional[float]:
        t = sorted(self.timings)
        if not t:
            return None
        if len(t) == 1:
            return t[0]
        return statistics.quantiles(t, n=100, method="inclusive")[int(q) - 1]


def _execute(values: Sequence[Optional[str]]) -> sql.Composable:
    head = sql.SQL("EXECUTE {}").format(sql.Identifier(STATEMENT))
    if not values:
        return head
    return sql.SQL("{}({})").format(head, sql.SQL(", ").join(sql.Literal(v) for v in values))


def explain(conn: psycopg.Connection, values: Sequence[Optional[str]], analyze: bool) -> PlanFacts:
    options = "ANALYZE, BUFFERS OFF, FORMAT JSON, VERBOSE" if analyze else "FORMAT JSON, VERBOSE"
    row = conn.execute(sql.SQL("EXPLAIN ({}) {}").format(sql.SQL(options), _execute(values)), prepare=False).fetchone()
    document = row[0] if row else None
    return facts(document if isinstance(document, list) else json.loads(document))


def run_query(conn: psycopg.Connection, query: Query, draw: Callable[[random.Random], list[Optional[str]]],
              rng: random.Random, runs: int, analyze: bool, rollback_writes: bool) -> Outcome:
    """PREPARE the query, then EXPLAIN it `runs` times (after one unmeasured run when analyzing), each time
    with params drawn anew; a write is run inside a transaction rolled back. `conn` is in a transaction
    (a savepoint keeps a failing query from ending it)."""
    out = Outcome(query)
    conn.execute("SAVEPOINT schemac_query", prepare=False)
    try:
        conn.execute(sql.SQL("PREPARE {} AS {}").format(sql.Identifier(STATEMENT), sql.SQL(query.sql)), prepare=False)
        for n in range(runs + (1 if analyze else 0)):
            values = draw(rng)
            if rollback_writes and query.writes and analyze:
                conn.execute("SAVEPOINT schemac_write", prepare=False)
                plan = explain(conn, values, analyze)
                conn.execute("ROLLBACK TO SAVEPOINT schemac_write", prepare=False)
            else:
                plan = explain(conn, values, analyze and not query.writes)
            if analyze and n == 0:
                continue  # warms the caches: not measured
            out.plans.append(plan)
            out.params.append(list(values))
        conn.execute(sql.SQL("DEALLOCATE {}").format(sql.Identifier(STATEMENT)), prepare=False)
        conn.execute("RELEASE SAVEPOINT schemac_query", prepare=False)
    except psycopg.Error as e:
        conn.execute("ROLLBACK TO SAVEPOINT schemac_query", prepare=False)
        conn.execute("RELEASE SAVEPOINT schemac_query", prepare=False)
        # A prepared statement outlives the rollback: the next query prepares under the same name.
        if conn.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", (STATEMENT,), prepare=False).fetchone():
            conn.execute(sql.SQL("DEALLOCATE {}").format(sql.Identifier(STATEMENT)), prepare=False)
        out.error = (e.diag.message_primary if e.diag else None) or str(e).splitlines()[0]
    if query.writes and analyze and not rollback_writes:
        out.note = "a write: EXPLAIN without ANALYZE in the read-only transaction (no timing)"
    return out


def relation_rows(conn: psycopg.Connection, relations: set[tuple[str, str]]) -> dict[tuple[str, str], float]:
    """pg_class.reltuples of each relation (the planner's row count; -1, never analyzed: its page count
    times the rows a page holds is not known, so 0)."""
    out: dict[tuple[str, str], float] = {}
    for schema, name in sorted(relations):
        row = conn.execute("SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = %s AND c.relname = %s", (schema, name), prepare=False).fetchone()
        out[(schema, name)] = max(float(row[0]), 0.0) if row else 0.0
    return out
