"""Foreign servers a database declares (`foreign_servers:`): the foreign data wrapper (an extension's, which
`extensions:` declares, or one the database has), type, version, options, owner, grants (USAGE) and comment."""

from __future__ import annotations

from schemac.model.frozen import replace

from yaml.nodes import Node

from schemac.errors import SchemaFileError, printable
from schemac.model import ForeignDataWrapper, ForeignServer, ForeignTable, Table
from schemac.model.credentials import is_credential
from schemac.schemafile.grants import GrantReader, grants_flow, written_grants
from schemac.schemafile.typewriter import Flow, drop_empty

FOREIGN_SERVER_KEYS = {"wrapper": True, "type": False, "version": False, "options": False, "owner": False,
                       "comment": False, "grants": False}
FOREIGN_TABLE_KEYS = {"server": True, "options": False}
WRAPPER_KEYS = {"handler": False, "validator": False, "options": False, "owner": False, "comment": False, "grants": False}
# What a foreign table cannot have (Postgres refuses it, or schemac does not manage it on one): the table's key,
# and whether the table has it.
_NOT_FOREIGN = {"primary_key": lambda t: t.primary_key is not None, "unique": lambda t: bool(t.uniques),
                "indexes": lambda t: bool(t.indexes), "foreign_keys": lambda t: bool(t.foreign_keys),
                "exclude": lambda t: bool(t.exclusions), "partition_by": lambda t: t.partition_by is not None,
                "inherits": lambda t: bool(t.inherits),
                "of": lambda t: t.of is not None, "unlogged": lambda t: t.unlogged,
                "cluster_on": lambda t: t.cluster_on is not None, "with": lambda t: bool(t.parameters),
                "replica_identity": lambda t: t.replica_identity != "default",
                "rules": lambda t: bool(t.rules), "row_level_security": lambda t: t.row_level_security,
                "policies": lambda t: bool(t.policies),
                "identity": lambda t: any(c.identity is not None for c in t.columns)}


class ForeignServerReader(GrantReader):
    """Reads the top-level `foreign_servers:`."""

    def fdw_options(self, node: Node, what: str) -> tuple[tuple[str, str], ...]:
        """`options:` of a foreign object: name -> value, each value a scalar written as Postgres keeps it (text)."""
        out = []
        for name, key, value in self.w.mapping(node, f"options of {what}"):
            if not name:
                raise self.fail(key, f"an option of {what} has an empty name")
            out.append((name, self.w.text(value, f"option {name} of {what}")))
            if is_credential(name):  # honoured (the user wrote it), said: inspect never writes one (model.credentials)
                self.warnings.append(f"{self.w.src(key)}: option {printable(name)} of {what} names a credential: its "
                                     "value goes into the migration files and state.json, which are committed; schemac "
                                     "never reads it from a database (diff does not compare it): better set by hand where "
                                     "the database is (ALTER ... OPTIONS (ADD ...))")
        return tuple(out)

    def foreign_table(self, f: dict, what: str, table: Table) -> Table:
        """`table` with `foreign: {server, options?}` read; refused where it has what a foreign table cannot."""
        if "foreign" not in f:
            for c in table.columns:
                if c.fdw_options:
                    raise SchemaFileError(f"column '{c.name}' of {what}: foreign_options belong to a foreign table's "
                                          "columns (foreign: {server: ...})", c.source)
            return table
        key, node = f["foreign"]
        for name, has in _NOT_FOREIGN.items():
            if has(table):
                raise self.fail(key, f"{what} is a foreign table (foreign:), which cannot have {name} "
                                     "(Postgres refuses it, or schemac does not manage it there)")
        for g in table.triggers:  # row or statement, BEFORE or AFTER (TRUNCATE: PostgreSQL 16+), as Postgres allows
            # (INSTEAD OF: refused as on any table, schemafile.triggers)
            refused = "be a constraint trigger" if g.constraint else \
                "have a transition table (old_table, new_table)" if g.old_table or g.new_table else None
            if refused:
                raise SchemaFileError(f"trigger '{g.name}' of {what}: a foreign table's trigger cannot {refused} "
                                      "(Postgres refuses it)", g.source)
        ff = self.w.fields(node, f"foreign of {what}", FOREIGN_TABLE_KEYS)
        server = self.identifier(ff["server"][1], f"server of {what}")
        options = self.fdw_options(ff["options"][1], what) if "options" in ff else ()
        return replace(table, foreign=ForeignTable(server, options))

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
                                     self.w.src(key), self.grants(f, what, "foreign server")))
        return tuple(out)

    def foreign_data_wrappers(self, node: Node) -> tuple[ForeignDataWrapper, ...]:
        """The top-level `foreign_data_wrappers:`: name -> {handler?, validator?, options?, owner?, grants?, comment?}."""
        out = []
        for name, key, value in self.w.mapping(node, "foreign_data_wrappers"):
            name = self.identifier(key, "foreign data wrapper name")
            what = f"foreign data wrapper '{name}'"
            f = self.w.fields(value, what, WRAPPER_KEYS)
            handler, validator = (self.identifier(f[k][1], f"{k} of {what}") if k in f else None
                                  for k in ("handler", "validator"))
            options = self.fdw_options(f["options"][1], what) if "options" in f else ()
            out.append(ForeignDataWrapper(name, handler, validator, options, self.opt_string(f, "comment", what),
                                          self.owner(f, what), self.w.src(key), self.grants(f, what, "foreign data wrapper")))
        return tuple(out)


def check_servers(tables: list[Table], servers: tuple[ForeignServer, ...]) -> None:
    """A foreign table's server must be one `foreign_servers:` declares: the migration creates it first."""
    names = {s.name for s in servers}
    for t in tables:
        if t.foreign is not None and t.foreign.server not in names:
            raise SchemaFileError(f"table {t.qualified_name}: its server {t.foreign.server} is not declared under "
                                  "foreign_servers:", t.source)


def foreign_table_spec(t: Table) -> dict:
    """`foreign:` of a foreign table, as inspect writes it, or nothing."""
    if t.foreign is None:
        return {}
    return {"foreign": Flow(drop_empty({"server": t.foreign.server,
                                        "options": Flow(dict(t.foreign.options)) if t.foreign.options else None}))}


def written_foreign_servers(servers: tuple[ForeignServer, ...], wrappers: tuple[ForeignDataWrapper, ...] = ()) -> dict:
    """`foreign_data_wrappers:` and `foreign_servers:` as inspect writes them (defaults left out), or nothing."""
    fdws = {w.name: drop_empty({"handler": w.handler, "validator": w.validator,
                                "options": Flow(dict(w.options)) if w.options else None, "owner": w.owner,
                                "grants": grants_flow(written_grants(w.grants, "foreign data wrapper")) or None,
                                "comment": w.comment}) for w in wrappers}
    out = {s.name: drop_empty({"wrapper": s.wrapper, "type": s.type, "version": s.version,
                               "options": Flow(dict(s.options)) if s.options else None, "owner": s.owner,
                               "grants": grants_flow(written_grants(s.grants, "foreign server")) or None,
                               "comment": s.comment}) for s in servers}
    return {**({"foreign_data_wrappers": fdws} if fdws else {}), **({"foreign_servers": out} if out else {})}
