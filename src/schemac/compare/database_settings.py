"""The database's own settings (ALTER DATABASE ... SET) compared by name: one change per setting added, changed or
removed (set_database_setting: old None is a setting the database lacks, new None one schema.yaml does not have)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Schema


def diff_database_settings(current: Schema, desired: Schema) -> list[Change]:
    cur = {s.name: s for s in current.database_settings}
    want = {s.name: s for s in desired.database_settings}
    out = [Change("set_database_setting", "", "", s.name, cur.get(s.name), s) for s in desired.database_settings
           if cur.get(s.name) is None or cur[s.name].value != s.value]
    return out + [Change("set_database_setting", "", "", s.name, s, None) for s in current.database_settings
                  if s.name not in want]
