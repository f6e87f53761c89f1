"""`schemac diff`: introspect a live database and compare it with schema.yaml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from .diff import diff
from .introspect import connect, database_label, introspect
from .loader import load_file
from .plan import plan, render_sql
from .report import Difference, differences, render_github, render_json, render_text


IGNORED_TABLES = {"_sqlx_migrations"}


@dataclass(frozen=True)
class DriftResult:
    schema_file: str
    target_label: str
    server_version: int
    queries: int
    differences: tuple[Difference, ...]
    sql: str

    def render(self, fmt: str) -> str:
        diffs = list(self.differences)
        if fmt == "json":
            target = {"database": self.target_label, "server_version": self.server_version,
                      "catalog_queries": self.queries}
            return render_json(diffs, target, self.schema_file)
        if fmt == "github":
            return render_github(diffs, self.schema_file)
        return render_text(diffs, self.target_label, self.schema_file)


def check_drift(schema_path: str, database_url: Optional[str], connect_timeout: int = 10,
                statement_timeout_ms: int = 30000, lock_timeout_ms: int = 5000) -> DriftResult:
    desired = load_file(schema_path)
    with connect(database_url, connect_timeout=connect_timeout) as conn:
        label = database_label(conn)
        result = introspect(conn, desired.namespaces, statement_timeout_ms, lock_timeout_ms)
    # sqlx's bookkeeping table is not part of anyone's schema.
    actual = replace(result.schema, tables=tuple(t for t in result.schema.tables if t.name not in IGNORED_TABLES))
    changes = diff(actual, desired)
    return DriftResult(schema_path, label, result.server_version, result.queries, tuple(differences(changes)),
                       render_sql(plan(changes)))
