"""Storage parameters (`with:`) of indexes, tables and materialized views, read and written one way:
`with: {fillfactor: 70, toast.autovacuum_enabled: false}` is Postgres's "fillfactor=70" as
pg_class.reloptions stores it (a TOAST table's prefixed `toast.`, as pg_dump and ALTER TABLE name them)."""

from __future__ import annotations

import re
from typing import Any, Optional

from schemac.pg.reloptions import TOAST_PREFIX, parameter_error
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow

PARAMETER_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class StorageReader(FieldReader):
    """Reads `with:`."""

    def storage_parameters(self, f: dict, what: str, heap: bool = False, key: str = "with") -> tuple[str, ...]:
        """`with: {fillfactor: 70}` as Postgres stores it, "fillfactor=70". An index's names and values are
        its access method's (Postgres checks them); a table's or materialized view's (`heap`) are checked
        here, `toast.` names against what a TOAST table takes."""
        if key not in f:
            return ()
        out = []
        seen: set[str] = set()
        for written, key_node, value_node in self.w.mapping(f[key][1], f"{key} of {what}"):
            name = _folded(written)
            bare = name[len(TOAST_PREFIX):] if heap and name.startswith(TOAST_PREFIX) else name
            if not PARAMETER_NAME.fullmatch(bare):
                raise self.fail(key_node, f"{key} of {what}: '{written}' is not a storage parameter name "
                                          "(letters, digits and _, like fillfactor)")
            if name in seen:  # (FillFactor and fillfactor: Postgres refuses a parameter named twice)
                raise self.fail(key_node, f"{key} of {what}: '{written}' names {name} a second time")
            seen.add(name)
            value = self.w.text(value_node, f"{name} in {key} of {what}")
            if not value.strip():
                raise self.fail(value_node, f"{name} in {key} of {what} is empty")
            error = parameter_error(name, value) if heap else None
            if error is not None:
                raise self.fail(key_node if error.startswith(f"'{name}'") else value_node,
                                f"{name} in {key} of {what}: {error}")
            out.append(f"{name}={value}")
        return tuple(out)


def _folded(name: str) -> str:
    """A parameter's name as Postgres folds an unquoted one (`FillFactor` is fillfactor, as pg_class.reloptions
    and inspect have it): ASCII letters lower-cased, nothing else."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def storage_spec(obj: Any, key: str = "with", parameters: Optional[tuple[str, ...]] = None) -> dict:
    """`with:` of an object with storage parameters (or `key:` of other `parameters` of it), for `inspect`
    (nothing when it has none)."""
    parameters = obj.parameters if parameters is None else parameters
    if not parameters:
        return {}
    return {key: Flow({name: _parameter_value(value) for name, _, value in (p.partition("=") for p in parameters)})}


def _parameter_value(value: str) -> Any:
    """A storage parameter's value as YAML reads it back to the same text: a number stays a number."""
    return int(value) if value.isdigit() and str(int(value)) == value else value
