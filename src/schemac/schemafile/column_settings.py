"""A column's settings beside its definition: `statistics: 500` (ALTER COLUMN ... SET STATISTICS),
`storage: external` (SET STORAGE), `compression: lz4` (SET COMPRESSION), `options: {n_distinct: 100}`
(SET (...)), read and written one way. A setting spelled as the default reads as no setting."""

from __future__ import annotations

import re
from typing import Any, Optional

from yaml.nodes import Node, ScalarNode

from schemac.model import Column
from schemac.pg.column_storage import COLUMN_OPTIONS, COMPRESSIONS, STORAGES, default_storage
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow

SETTING_KEYS = {"statistics_target": False, "storage": False, "compression": False, "options": False}
MAX_STATISTICS = 10000  # Postgres lowers a higher target to this one (with a warning)
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")



def statistics_target(reader: FieldReader, node: Node, what: str) -> Optional[int]:
    """A SET STATISTICS target (a column's, a statistics object's): an integer from -1 to MAX_STATISTICS; None
    for -1, the default."""
    if not (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int" and -1 <= int(node.value) <= MAX_STATISTICS):
        raise reader.fail(node, f"{what} must be an integer from -1 (the default) to {MAX_STATISTICS}"
                                + (f", not {node.value!r}" if isinstance(node, ScalarNode) else ""))
    return int(node.value) if int(node.value) != -1 else None

class ColumnSettingsReader(FieldReader):
    """Reads `statistics_target:`, `storage:`, `compression:` and `options:` of a column."""

    def column_settings(self, fields: dict, what: str, type_: str) -> dict[str, Any]:
        """The Column fields those keys set (none when they are absent)."""
        out: dict[str, Any] = {}
        if "statistics_target" in fields:
            target = statistics_target(self, fields["statistics_target"][1], f"statistics_target of {what}")
            if target is not None:
                out["statistics"] = target
        storage = self.choice(fields, "storage", STORAGES, what)
        if storage is not None and storage != default_storage(type_):
            out["storage"] = storage
        compression = self.choice(fields, "compression", COMPRESSIONS + ("default",), what)
        if compression not in (None, "default"):
            out["compression"] = compression
        if "options" in fields:
            options = []
            for name, key_node, value_node in self.w.mapping(fields["options"][1], f"options of {what}"):
                if name not in COLUMN_OPTIONS:
                    raise self.fail(key_node, f"options of {what}: '{name}' is not a column option "
                                              f"({', '.join(COLUMN_OPTIONS)})")
                value = self.w.text(value_node, f"{name} in options of {what}").strip()
                if not _NUMBER.fullmatch(value):
                    raise self.fail(value_node, f"{name} in options of {what} must be a number, not {value!r}")
                options.append(f"{name}={value}")
            out["options"] = tuple(options)
        return out


def column_settings_spec(c: Column) -> dict:
    """The settings of a column that are not their default, for `inspect`."""
    spec: dict[str, Any] = {}
    if c.statistics is not None:
        spec["statistics_target"] = c.statistics
    if c.storage is not None:
        spec["storage"] = c.storage
    if c.compression is not None:
        spec["compression"] = c.compression
    if c.options:
        spec["options"] = Flow({n: _number(v) for n, _, v in (o.partition("=") for o in c.options)})
    return spec


def _number(value: str) -> Any:
    """An option's value as YAML reads it back to the same text."""
    for cast in (int, float):
        try:
            if str(cast(value)) == value:
                return cast(value)
        except ValueError:
            pass
    return value
