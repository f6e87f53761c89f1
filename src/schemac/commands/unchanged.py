"""`schemac generate --check` when schema.yaml is the one recorded: answered from state.json alone.

The pre-commit hook runs `generate --check` on every commit, and most commits do not touch
schema.yaml. When state.json was recorded from this very text (its SHA-256) by this very schemac
version, the model `generate` would compile is the recorded one, so there is nothing to plan: the
answer is "No changes", without importing PyYAML or sqlglot or reading schema.yaml as YAML.

Only the plain case is answered here; anything else returns None and `commands.generate` does the
whole run, with its errors and notices: a state recorded from another text or version, a last
migration that is missing or was edited since, a record that would make `generate` print a notice
(renamed_from hints, using:, a UNIQUE repeating another key), or any surprise in the record.
tests/test_check_fast_path.py checks that the answer is the full run's, byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Unchanged:
    """What cli._report_generated prints: the shape of commands.generate.Result for "unchanged"."""

    message: str
    status: str = "unchanged"
    sql: str = ""
    notices: tuple[str, ...] = ()


def unchanged_check(schema_path: str, out_dir: str) -> Optional[Unchanged]:
    """The result of `generate --check` if schema.yaml is exactly the recorded one, else None."""
    try:
        return _unchanged(schema_path, out_dir)
    except Exception:  # a cache: whatever goes wrong, the full run decides (and reports it)
        return None


def _unchanged(schema_path: str, out_dir: str) -> Optional[Unchanged]:
    from schemac.migrations.layout import Layout
    from schemac.migrations.record import compiled_model, read_record

    with open(schema_path, "rb") as f:
        text = f.read().decode("utf-8-sig")  # as load.read_schema_text reads it
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()  # load.schema_hash
    layout = Layout(out_dir)
    data = read_record(layout.state_path)
    if data is None or b'"renamed_from"' in data or b'"using"' in data:
        return None
    doc = compiled_model(data, digest)
    if doc is None or _repeated_keys(doc):
        return None
    migration = doc["migration"]
    last = next((m for m in layout.migrations() if m.filename == migration), None)
    if last is None or not isinstance(migration, str):
        return None
    recorded = doc.get("migration_sha384")
    if recorded:
        with open(last.path, "rb") as f:
            if hashlib.sha384(f.read()).hexdigest() != recorded:
                return None
    return Unchanged(f"No changes: schema.yaml has not changed (last migration: {migration}); nothing written.")


def _repeated_keys(doc: dict) -> bool:
    """Whether a table repeats the columns of its primary key or of an earlier UNIQUE in a UNIQUE
    (compare.key_parts.repeated_keys, on the record): generate prints a notice about each."""
    for t in doc["tables"]:
        pk = t.get("primary_key")
        seen = {tuple(pk["columns"])} if pk else set()
        for u in t.get("uniques", ()):
            columns = tuple(u["columns"])
            if columns in seen:
                return True
            seen.add(columns)
    return False
