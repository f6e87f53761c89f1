"""`schemac apply`: run the pending files of generated/migrations against a database, as `sqlx migrate run`.

The only command that changes a database, and it runs nothing but the reviewed files of the folder
(migrations.apply.migrate): no SQL of its own beyond sqlx's bookkeeping (its advisory lock, its table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import psycopg

from schemac.catalog.connection import connect, database_label
from schemac.errors import SchemacError
from schemac.migrations.apply import MigrateResult, migrate
from schemac.migrations.layout import Layout, MigrationFile


@dataclass(frozen=True)
class ApplyResult:
    label: str
    result: MigrateResult

    @property
    def summary(self) -> str:
        r = self.result
        if r.pending:
            return f"{len(r.pending)} of {r.files} migration(s) would be applied to {self.label} (--dry-run: none was)."
        if r.applied:
            return f"Applied {len(r.applied)} migration(s) to {self.label}; it now has all {r.files}."
        return f"Nothing to apply: {self.label} has all {r.files} migration(s)."


def apply_pending(database_url: Optional[str], out_dir: str, dry_run: bool = False, connect_timeout: int = 10,
                  on_wait: Callable[[str], None] = lambda label: None,
                  on_applied: Callable[[MigrationFile, int], None] = lambda m, ns: None,
                  on_warning: Callable[[str], None] = lambda line: None) -> ApplyResult:
    layout = Layout(out_dir)
    layout.migrations()  # a folder sqlx would refuse is refused before connecting
    with connect(database_url, connect_timeout=connect_timeout) as conn:
        label = database_label(conn)
        try:
            result = migrate(conn, layout, label, dry_run=dry_run, on_wait=lambda: on_wait(label),
                             on_applied=on_applied, on_warning=on_warning)
        except psycopg.Error as e:  # sqlx's bookkeeping failed (permissions, a lost connection)
            detail = e.diag.message_primary or str(e).split("\n", 1)[0] or type(e).__name__
            raise SchemacError(f"applying migrations to {label}: {detail}") from None
    return ApplyResult(label, result)
