"""Foreign servers compared by name. ALTER SERVER changes a server's version, options, owner and comment in
place; another wrapper or type is a drop and a create (Postgres has no ALTER for them)."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.compare.publications import owned_changes
from schemac.model import ForeignServer, Schema


def _definition(s: ForeignServer) -> ForeignServer:
    return replace(s, version=None, options=(), comment=None, owner=None, source=None)


def diff_foreign_servers(current: Schema, desired: Schema) -> list[Change]:
    cur = {s.name: s for s in current.foreign_servers}
    out: list[Change] = []
    for s in desired.foreign_servers:
        old = cur.get(s.name)
        if old is None:
            out.append(Change("add_foreign_server", "", "", s.name, None, s))
        elif _definition(old) != _definition(s):
            out.append(Change("alter_foreign_server", "", "", s.name, old, s))  # dropped and created again
            old = None  # what follows is set on a new server
        elif (old.version, dict(old.options)) != (s.version, dict(s.options)):
            out.append(Change("set_foreign_server_options", "", "", s.name, old, s))
        out += owned_changes("foreign_server", old, s)
    names = {s.name for s in desired.foreign_servers}
    return out + [Change("drop_foreign_server", "", "", s.name, s, None) for s in current.foreign_servers
                  if s.name not in names]
