"""state.json read as a record, before (and without) any model: whether it stands in for schema.yaml, and
the schemas it names. `generate --check` answers from this alone, and `diff` starts the catalog read on
it, so it imports neither the model nor the YAML loader."""

from __future__ import annotations

import json
from typing import Optional

from schemac import __version__

FORMAT = 1


def namespaces_of(doc: dict) -> tuple[str, ...]:
    """A quick guess at `Schema.namespaces` of the model in `doc`, before it is built (the caller
    checks the guess against the built model)."""
    used = {str(x.get("schema", "public")) for key in ("tables", "enums", "domains", "sequences", "views")
            for x in doc.get(key, ()) if isinstance(x, dict)}
    used |= {str(x) for x in doc.get("schemas", ())}
    return tuple(sorted(used)) or ("public",)


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


def compiled_model(data: bytes, schema_sha256: str) -> Optional[dict]:
    """The record (parsed JSON), if it can stand in for the schema.yaml whose hash is `schema_sha256`:
    the same hash, written in this format by this very schemac version (whose loader and model made
    it). None otherwise.

    The record is only a cache here, so a foreign, older or damaged file is no error: the caller
    parses schema.yaml instead, and gets exactly what it would have got without a record.
    """
    # The hash sits in the first lines: a record of another schema.yaml is turned down unparsed.
    if schema_sha256.encode("ascii") not in data[:4096]:
        return None
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    if (not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("schemac") != __version__
            or doc.get("schema_sha256") != schema_sha256 or not isinstance(doc.get("tables"), list)):
        return None
    return doc
