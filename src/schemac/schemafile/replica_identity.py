"""`replica_identity:` of a table (ALTER TABLE ... REPLICA IDENTITY), read and written one way:
`full`, `nothing`, `default` (the primary key; the same as leaving the key out) or `{index: name}` (a
unique index, or a key by its constraint name)."""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode

from schemac.model import Table
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow

REPLICA_IDENTITY_KINDS = ("default", "full", "nothing")
_INDEX_KEYS = {"index": True}


class ReplicaIdentityReader(FieldReader):
    """Reads `replica_identity:`."""

    def replica_identity(self, f: dict, what: str) -> dict[str, Any]:
        """The Table fields `replica_identity:` of `f` sets (none when absent)."""
        if "replica_identity" not in f:
            return {}
        node = f["replica_identity"][1]
        where = f"replica_identity of {what}"
        if isinstance(node, MappingNode):
            g = self.w.fields(node, where, _INDEX_KEYS)
            return {"replica_identity": "index",
                    "replica_identity_index": self.identifier(g["index"][1], f"index of {where}")}
        kind = self.w.string(node, where).lower()  # (REPLICA IDENTITY FULL: a key word, in any letter case)
        if kind not in REPLICA_IDENTITY_KINDS:
            raise self.fail(node, f"{where} must be default, full, nothing or {{index: name}}")
        return {"replica_identity": kind}


def replica_identity_spec(t: Table) -> dict:
    """`replica_identity:` of a table, for `inspect` (nothing for the default)."""
    if t.replica_identity == "default":
        return {}
    if t.replica_identity == "index":
        return {"replica_identity": Flow({"index": t.replica_identity_index})}
    return {"replica_identity": t.replica_identity}
