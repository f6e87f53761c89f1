"""The `check-queries` report: one line per declared query, and its findings as Differences, in the four
formats of the drift report (text, json, github, sarif), through the same renderers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

import click

from schemac.errors import printable
from schemac.report.describe import Difference

QUERY_KINDS: dict[str, tuple[str, str]] = {
    "query_index_missing": ("Query uses an index schema.yaml does not declare",
                            "A declared query says it uses an index (uses:) that no table of schema.yaml declares "
                            "any more: the index was dropped or renamed, and the query will not get it."),
    "query_index_unused": ("Query plan does not use its index",
                           "EXPLAIN of a declared query shows a plan without the index its uses: names."),
    "query_seq_scan": ("Query scans a large table sequentially",
                       "EXPLAIN of a declared query shows a Seq Scan over a table with more rows than its "
                       "no_seq_scan_over: allows."),
    "query_over_budget": ("Query misses its latency budget",
                          "Measured with EXPLAIN ANALYZE on synthetic rows at the stated size, the query's p95 "
                          "(planning + execution) is over its p95_ms."),
    "query_failed": ("Query does not run",
                     "The server refused to plan or run a declared query (a column or table it names is gone, "
                     "a parameter does not fit its type)."),
}
HELP = ("A declared query (queries: in schema.yaml) no longer gets what it was designed for. Put back the index "
        "it uses, change the query, or change what it declares (uses:, no_seq_scan_over:, p95_ms:) in the same "
        "review. docs/queries.md explains each check.")


@dataclass(frozen=True)
class QueryLine:
    """One query's result, for the report: its name and line, whether it passed and what was measured."""

    name: str
    ok: bool
    plan: str  # the plan's nodes, outermost first
    runs: int
    p50_ms: Optional[float]
    p95_ms: Optional[float]
    budget_ms: Optional[float]
    rows: Optional[int]  # the size it was timed at (offline: the stated one unless --rows)
    stated_rows: Optional[int]
    file: Optional[str]
    line: Optional[int]
    note: Optional[str] = None


def _ms(v: Optional[float]) -> str:
    return "-" if v is None else f"{v:.2f} ms"


def _text(lines: list[QueryLine], diffs: list[Difference], target: str, schema_file: str,
          timings: dict[str, float]) -> str:
    from schemac.report.text import difference_lines

    out = []
    for q in lines:
        mark = click.style("✓", fg="green") if q.ok else click.style("✗", fg="red")
        at = f" at {q.rows:,} rows" if q.rows else ""
        measured = f"; p50 {_ms(q.p50_ms)}, p95 {_ms(q.p95_ms)} over {q.runs} runs{at}" if q.p95_ms is not None else ""
        budget = f" (budget {q.budget_ms:g} ms at {q.stated_rows:,} rows)" if q.budget_ms is not None and q.stated_rows \
            else ""
        where = click.style(f"  [{q.file}:{q.line}]" if q.line else "", dim=True)
        out.append(f"{mark} {printable(q.name)}: {printable(q.plan or 'not planned')}{measured}{budget}{where}")
        if q.note:
            out.append(click.style(f"    note: {printable(q.note)}", dim=True))
    out += difference_lines(diffs)
    if timings:
        out.append(click.style("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), dim=True))
    if diffs:
        out.append(click.style(f"Queries: {len(diffs)} finding(s) in {len({d.name for d in diffs})} of "
                               f"{len(lines)} declared queries of {schema_file} on {target}.", fg="red", bold=True))
    else:
        out.append(click.style(f"Queries: all {len(lines)} declared queries of {schema_file} get what they declare "
                               f"on {target}.", fg="green"))
    return "\n".join(out) + "\n"


def render_queries(fmt: str, lines: list[QueryLine], diffs: list[Difference], target: dict, schema_file: str,
                   timings: dict[str, float]) -> str:
    """The report in `fmt`; `target` names what was checked ({"database": label, ...})."""
    if fmt == "json":
        from schemac.report.json import render_json

        return render_json(diffs, target, schema_file,
                           extra={"queries": [asdict(q) for q in lines], "timings_s": timings})
    if fmt == "github":
        from schemac.report.github import render_github

        summary = (f"{len(diffs)} query finding(s) in {schema_file}" if diffs else
                   f"all {len(lines)} declared queries of {schema_file} get what they declare")
        return render_github(diffs, schema_file, title="schemac check-queries", summary=summary)
    if fmt == "sarif":
        from schemac import __version__
        from schemac.report.sarif import render_sarif

        return render_sarif(diffs, schema_file, __version__, QUERY_KINDS, HELP, "queries")
    return _text(lines, diffs, target["database"], schema_file, timings)
