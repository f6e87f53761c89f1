"""Migration history drift: generated/migrations against the `_sqlx_migrations` rows of a database.

sqlx records every applied file with the SHA-384 of its bytes. A file applied but since edited, a
file not applied yet, a recorded migration whose file is gone, and a failed migration all mean the
database and the repository disagree, so each is a difference (exit 1), next to the schema drift.
"""

from __future__ import annotations

from typing import Optional

from schemac.migrations.apply import read_text
from schemac.migrations.layout import Layout
from schemac.report.describe import Difference


def history_differences(rows: list[tuple], layout: Layout) -> list[Difference]:
    files = {m.version: m for m in layout.migrations() if not m.is_down}
    applied = {int(r[0]): r for r in rows}
    out: list[Difference] = []

    def diff(kind: str, name: str, expected: Optional[str], actual: Optional[str], message: str,
             file: Optional[str]) -> None:
        out.append(Difference(kind, "migration", "", "", name, expected, actual, message, file, None))

    for version, m in sorted(files.items()):
        row = applied.get(version)
        if row is None:
            diff("migration_pending", m.filename, "applied", "not applied",
                 f"migration {m.filename} has not been applied", m.path)
            continue
        expected = layout.sqlx.checksum(read_text(m))  # sqlx.toml's ignored-chars left out, as sqlx does
        if not row[2]:
            diff("migration_failed", m.filename, "success", "failed",
                 f"migration {m.filename} failed when it was applied (success = false in {layout.sqlx.table_label})",
                 m.path)
        elif bytes(row[3]) != expected:
            diff("migration_modified", m.filename, expected.hex()[:16], bytes(row[3]).hex()[:16],
                 f"migration {m.filename} was edited after it was applied (SHA-384 differs from "
                 f"{layout.sqlx.table_label})",
                 m.path)
    for version, row in sorted(applied.items()):
        if version not in files:
            name = f"{version}_{str(row[1]).replace(' ', '_')}.sql"
            diff("migration_missing", name, None, "applied",
                 f"migration {version} ({row[1]}) is applied but missing from {layout.migrations_dir}", None)
    return out
