"""The `schemac check-queries` command (cli.py adds it to the group): options and the exit status."""

from __future__ import annotations

import sys
from typing import Optional

import click

from schemac.commands.options import DEV_URL_HELP, OUT_HELP, SCHEMA_HELP, timeouts


@click.command("check-queries")
@click.option("--schema", "schema_path", default="schema.yaml", show_default=True, help=SCHEMA_HELP)
@click.option("--database-url", envvar="DATABASE_URL", show_envvar=True,
              help="Database to EXPLAIN the queries on. Default: $DATABASE_URL, else libpq's PG* variables; with "
                   "none of them, the offline check.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="As `schemac diff`'s: each finding at the query's line of schema.yaml.")
@click.option("--analyze", is_flag=True,
              help="With a database: EXPLAIN ANALYZE the queries that only read (they run), and compare p95 with "
                   "the budgets. Offline, queries always run.")
@click.option("--runs", default=20, show_default=True, type=click.IntRange(1, 10000),
              help="Measured runs of each query (offline, or with --analyze), each with params drawn anew.")
@click.option("--rows", type=click.IntRange(1, 1_000_000_000),
              help="Offline: fill the tables at this size instead of each query's stated rows: (a quick run).")
@click.option("--dev-url", help="Offline check only: " + DEV_URL_HELP)
@click.option("--out", "out_dir", default="generated", show_default=True, help=OUT_HELP)
@timeouts
def check_queries(schema_path: str, database_url: Optional[str], fmt: str, analyze: bool, runs: int,
                  rows: Optional[int], dev_url: Optional[str], out_dir: str, connect_timeout: int,
                  statement_timeout: int, lock_timeout: int) -> None:
    """Check that the declared queries (queries: in schema.yaml) still get what they declare.

    With a database: EXPLAIN each query (read only, in one READ ONLY transaction with statement and
    lock timeouts, as `diff`); report a plan without the index it uses: names, and a Seq Scan over a
    table larger than its no_seq_scan_over:.

    With no database: build the schema as `generate --verify` does in a throwaway embedded PostgreSQL
    (or --dev-url), fill each table with synthetic rows at the queries' stated size (types, keys,
    checks, enums, foreign keys and distribution: hints respected), ANALYZE, then EXPLAIN ANALYZE
    each query --runs times and compare p95 with its p95_ms budget as well.

    Exit status: 0 every query gets what it declares; 1 a finding (a lost or unused index, a large
    sequential scan, a missed budget, a query that does not run); 2 error.
    """
    from schemac.commands.diff import no_database_given
    from schemac.commands.queries import check_queries_live, check_queries_offline

    if dev_url or no_database_given(database_url):
        result = check_queries_offline(schema_path, out_dir, dev_url, runs=runs, rows=rows)
    else:
        result = check_queries_live(schema_path, database_url, analyze, runs, connect_timeout,
                                    statement_timeout * 1000, lock_timeout * 1000)
    click.echo(result.render(fmt), nl=False, color=None if fmt == "text" else False)
    sys.exit(1 if result.differences else 0)
