"""The database's own settings (ALTER DATABASE ... SET) compared by name: one change per setting added, changed or
removed (set_database_setting: old None is a setting the database lacks, new None one schema.yaml does not have)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import PUBLIC, PUBLIC_DATABASE_DEFAULT, DatabaseGrant, Schema


def diff_database_settings(current: Schema, desired: Schema) -> list[Change]:
    cur = {s.name: s for s in current.database_settings}
    want = {s.name: s for s in desired.database_settings}
    out = [Change("set_database_setting", "", "", s.name, cur.get(s.name), s) for s in desired.database_settings
           if cur.get(s.name) is None or cur[s.name].value != s.value]
    return out + [Change("set_database_setting", "", "", s.name, s, None) for s in current.database_settings
                  if s.name not in want]


def diff_database_grants(current: Schema, desired: Schema) -> list[Change]:
    """One set_database_grant per grantee whose privileges on the database differ (old or new None: it holds none
    there), where schema.yaml gives `database: {grants}` (None: the access list is not compared). A model that holds
    none (a recorded state made without them) is a database as Postgres makes it: PUBLIC's CONNECT and TEMPORARY."""
    if desired.database_grants is None:
        return []
    held = current.database_grants if current.database_grants is not None else \
        (DatabaseGrant(PUBLIC, PUBLIC_DATABASE_DEFAULT),)
    cur = {g.name: g for g in held}
    want = {g.name: g for g in desired.database_grants}
    return [Change("set_database_grant", "", "", name, cur.get(name), want.get(name)) for name in sorted(set(cur) | set(want))
            if (cur[name].privileges if name in cur else ()) != (want[name].privileges if name in want else ())]


def diff_database_comment(current: Schema, desired: Schema) -> list[Change]:
    """set_database_comment where schema.yaml gives `database: {comment}` and the database's differs ('' for none)."""
    if desired.database_comment is None or (current.database_comment or "") == desired.database_comment:
        return []
    return [Change("set_database_comment", "", "", "", current.database_comment or "", desired.database_comment)]
