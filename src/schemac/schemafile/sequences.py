"""Standalone sequences, with their options and OWNED BY column."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from schemac.model import Sequence, Table
from schemac.pg.sequences import without_defaults
from schemac.schemafile.fields import SEQUENCE_OPTION_KEYS
from schemac.schemafile.grants import GrantReader
from schemac.schemafile.strict import NULL as NULL_TAG

SEQUENCE_KEYS = {**SEQUENCE_OPTION_KEYS, "name": False, "schema": False, "owned_by": False, "comment": False,
                 "grants": False, "owner": False, "renamed_from": False, "unlogged": False,
                 "used_outside": False}


class SequenceReader(GrantReader):
    """Reads the top-level `sequences:`."""

    def sequences(self, node: Node, tables: list[Table]) -> list[Sequence]:
        out = []
        for name, key, value in self.w.mapping(node, "sequences"):
            what = f"sequence '{name}'"
            f = self.w.fields(value, what, SEQUENCE_KEYS) if not (isinstance(value, ScalarNode) and
                                                                  value.tag == NULL_TAG) else {}
            name = self.object_name(f, key, "sequence name")
            what = f"sequence '{name}'"
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            owned_by = None
            if "owned_by" in f:
                owned_by = self.w.string(f["owned_by"][1], f"owned_by of {what}")
                table_name, _, col = owned_by.rpartition(".")
                table = next((t for t in tables if t.schema == schema and t.name == table_name), None)
                if table is None or table.column(col) is None:
                    raise self.fail(f["owned_by"][1], f"owned_by of {what} must be table.column of a declared table "
                                                      f"in schema {schema}, not {owned_by!r}")
            out.append(Sequence(name, schema, without_defaults(self.sequence_options(f, what), "bigint"), owned_by,
                                self.opt_string(f, "comment", what), self.w.src(key),
                                # a sequence a column owns: its table's owner's own list (`its_owner: []`)
                                self.grants(f, what, "sequence", owner=table.owner if owned_by and "owner" not in f
                                            else None), self.owner(f, what),
                                self.moved_from(f, what, schema, name), self.opt_bool(f, "unlogged", what),
                                self.used_outside(f, what)))  # type: ignore[attr-defined]
        return out
