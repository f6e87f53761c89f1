"""The recorded state: the model as of the last generated migration, as reviewable JSON.

`generate` diffs schema.yaml against this record (not against a database), so a migration only
ever contains what changed in schema.yaml since the previous one. The record is keyed by
schema.yaml's hash and keeps source lines, so it can also stand in for a fresh parse.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from typing import Any, Optional

from .errors import SchemacError
from .model import Check, Column, Index, IndexElement, PrimaryKey, Schema, Source, Table, Unique

FORMAT = 1


def _encode(obj: Any) -> Any:
    if isinstance(obj, Source):
        return str(obj)  # "schema.yaml:12:7"
    if isinstance(obj, tuple):
        return [_encode(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        out = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if value is None or value == () or f.name in ("source_file", "renamed_from"):
                continue
            out[f.name] = _encode(value)
        return out
    return obj


def _src(v: Optional[str]) -> Optional[Source]:
    if not v:
        return None
    file, line, column = v.rsplit(":", 2)
    return Source(file, int(line), int(column))


def _column(d: dict) -> Column:
    return Column(d["name"], d["type"], d.get("nullable", True), d.get("default"), d.get("comment"), _src(d.get("source")))


def _element(d: dict) -> IndexElement:
    return IndexElement(d.get("column"), d.get("expression"), d.get("order", "asc"), d.get("nulls"))


def _index(d: dict) -> Index:
    return Index(d["name"], tuple(_element(e) for e in d["elements"]), d.get("unique", False), d.get("method", "btree"),
                 d.get("where"), tuple(d.get("include", ())), _src(d.get("source")))


def _table(d: dict) -> Table:
    pk = d.get("primary_key")
    return Table(
        name=d["name"],
        schema=d.get("schema", "public"),
        columns=tuple(_column(c) for c in d.get("columns", ())),
        primary_key=PrimaryKey(tuple(pk["columns"]), pk.get("name"), _src(pk.get("source"))) if pk else None,
        uniques=tuple(Unique(tuple(u["columns"]), u.get("name"), _src(u.get("source"))) for u in d.get("uniques", ())),
        checks=tuple(Check(c["name"], c["expression"], _src(c.get("source"))) for c in d.get("checks", ())),
        indexes=tuple(_index(i) for i in d.get("indexes", ())),
        comment=d.get("comment"),
        source=_src(d.get("source")),
    )


def schema_to_json(schema: Schema) -> list:
    return [_encode(t) for t in schema.tables]


def schema_from_json(data: list, source_file: Optional[str] = None) -> Schema:
    return Schema(tuple(_table(t) for t in data), source_file=source_file)


@dataclass(frozen=True)
class State:
    schema_sha256: str
    migration: str  # file name of the migration that brought the database to this state
    schema: Schema

    def dumps(self) -> str:
        doc = {
            "format": FORMAT,
            "comment": "Written by `schemac generate`: the schema as of the last migration. Do not edit.",
            "schema_sha256": self.schema_sha256,
            "migration": self.migration,
            "tables": schema_to_json(self.schema),
        }
        return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def read_state(path: str, source_file: Optional[str] = None) -> Optional[State]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise SchemacError(f"{path}: cannot read the recorded state ({e}); restore it from version control") from None
    try:
        if doc.get("format") != FORMAT:
            raise SchemacError(f"{path}: state format {doc.get('format')!r} is not supported by this schemac")
        return State(doc["schema_sha256"], doc["migration"], schema_from_json(doc["tables"], source_file))
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise SchemacError(f"{path}: the recorded state is malformed ({e!r}); restore it from version control") from None


def write_atomic(path: str, text: str) -> None:
    """Write via a temp file + rename, so a crash never leaves half a file behind."""
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
