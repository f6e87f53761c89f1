"""Foreign servers a database declares (`foreign_servers:`): the foreign data wrapper (an extension's, which
`extensions:` declares, or one the database has), type, version, options, owner and comment."""

from __future__ import annotations

from yaml.nodes import Node

from schemac.model import ForeignServer
from schemac.schemafile.grants import GrantReader
from schemac.schemafile.typewriter import Flow, drop_empty

FOREIGN_SERVER_KEYS = {"wrapper": True, "type": False, "version": False, "options": False, "owner": False,
                       "comment": False}


class ForeignServerReader(GrantReader):
    """Reads the top-level `foreign_servers:`."""

    def fdw_options(self, node: Node, what: str) -> tuple[tuple[str, str], ...]:
        """`options:` of a foreign object: name -> value, each value a scalar written as Postgres keeps it (text)."""
        out = []
        for name, key, value in self.w.mapping(node, f"options of {what}"):
            if not name:
                raise self.fail(key, f"an option of {what} has an empty name")
            out.append((name, self.w.text(value, f"option {name} of {what}")))
        return tuple(out)

    def foreign_servers(self, node: Node) -> tuple[ForeignServer, ...]:
        out = []
        for name, key, value in self.w.mapping(node, "foreign_servers"):
            name = self.identifier(key, "foreign server name")
            what = f"foreign server '{name}'"
            f = self.w.fields(value, what, FOREIGN_SERVER_KEYS)
            wrapper = self.identifier(f["wrapper"][1], f"wrapper of {what}")
            options = self.fdw_options(f["options"][1], what) if "options" in f else ()
            out.append(ForeignServer(name, wrapper, self.opt_string(f, "type", what), self.opt_string(f, "version", what),
                                     options, self.opt_string(f, "comment", what), self.owner(f, what),
                                     self.w.src(key)))
        return tuple(out)


def written_foreign_servers(servers: tuple[ForeignServer, ...]) -> dict:
    """`foreign_servers:` as inspect writes it (defaults left out), or nothing."""
    out = {s.name: drop_empty({"wrapper": s.wrapper, "type": s.type, "version": s.version,
                               "options": Flow(dict(s.options)) if s.options else None, "owner": s.owner,
                               "comment": s.comment}) for s in servers}
    return {"foreign_servers": out} if out else {}
