"""state.json read as a record, before (and without) any model: whether it stands in for schema.yaml, and
the schemas it names. `generate --check` answers from this alone, and `diff` starts the catalog read on
it, so it imports neither the model nor the YAML loader; nor msgspec until the record is decoded: `diff` tells its
reading child which schemas to read (namespaces_hint) first, and that child may be waiting for it."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Optional

from schemac import __version__

FORMAT = 1


def read_record(path: str) -> Optional[bytes]:
    """The bytes of the record at `path`, or None if there is none to read (no error: see compiled_model)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except (OSError, ValueError):
        return None


_NAMESPACES_KEY = b'"namespaces": '


def namespaces_hint(data: bytes) -> Optional[tuple[str, ...]]:
    """The "namespaces" the record lists in its first lines, read without parsing the rest: which
    schemas to introspect can be known before anything else is. Only a hint (None if absent)."""
    head = data[:4096]
    at = head.find(_NAMESPACES_KEY)
    if at < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(head.decode("utf-8", "replace"), at + len(_NAMESPACES_KEY))
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


# The record's own keys, beside the model's fields.
DOC_KEYS = ("format", "comment", "schemac", "schema_sha256", "migration", "migration_sha384", "namespaces",
            "normal_forms")


@lru_cache(maxsize=None)
def _parts_decoder() -> Any:
    import msgspec

    return msgspec.json.Decoder(dict[str, msgspec.Raw])


def parts(data: bytes) -> dict:
    """The record's top-level keys: its own (DOC_KEYS) decoded, the model's fields left as JSON text (msgspec.Raw),
    which schema_from_json (migrations/state.py) decodes straight into the model. ValueError: not a JSON object."""
    import msgspec

    doc = _parts_decoder().decode(data)
    for key in DOC_KEYS:
        if key in doc:
            doc[key] = msgspec.json.decode(doc[key])
    return doc


def compiled_model(data: bytes, schema_sha256: str, lazy: bool = False) -> Optional[dict]:
    """The record (parsed JSON), if it can stand in for the schema.yaml whose hash is `schema_sha256`:
    the same hash, written in this format by this very schemac version (whose loader and model made
    it). None otherwise. With `lazy`, the model's fields are left as JSON text (see parts).

    The record is only a cache here, so a foreign, older or damaged file is no error: the caller
    parses schema.yaml instead, and gets exactly what it would have got without a record.
    """
    # The hash sits in the first lines: a record of another schema.yaml is turned down unparsed.
    if schema_sha256.encode("ascii") not in data[:4096]:
        return None
    import msgspec

    try:
        doc = parts(data) if lazy else msgspec.json.decode(data)
    except (ValueError, RecursionError):  # msgspec's DecodeError is a ValueError
        return None
    return doc if stands_in(doc, schema_sha256) else None


def stands_in(doc: Any, schema_sha256: str) -> bool:
    """Whether the record `doc` (its own keys decoded) is of the schema.yaml whose hash is `schema_sha256`, in this
    format, by this very schemac version, with its tables (compiled_model's rules; state.compiled_schema's too)."""
    import msgspec

    return (isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("schemac") == __version__
            and doc.get("schema_sha256") == schema_sha256 and isinstance(doc.get("tables"), (list, tuple, msgspec.Raw)))
