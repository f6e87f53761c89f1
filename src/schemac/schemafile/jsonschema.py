"""The JSON Schema of schema.yaml, for editors (yaml-language-server) and CI checks.

The schema ships as package data (``schemac/schemafile/schema.json``) and is read with importlib.resources, so it
works from a wheel, a zip or a source tree alike. ``schemac schema-json`` prints
:func:`schema_json_text`; docs/editor.md says how to point an editor at it.

The loader (schemac.schemafile.load) stays the authority: the JSON Schema never rejects a file the loader
accepts, and rejects the structural mistakes the loader rejects (unknown, missing and mistyped keys,
bad choices). tests/test_json_schema.py holds the two to the same verdicts.
"""

from __future__ import annotations

import json
from importlib import resources

RESOURCE = "schema.json"


def schema_json_text() -> str:
    """The JSON Schema (draft 2020-12) of schema.yaml: pretty-printed, byte-for-byte stable, ends in a newline."""
    return resources.files("schemac.schemafile").joinpath(RESOURCE).read_text(encoding="utf-8")


def schema_json() -> dict:
    """The same schema, parsed."""
    return json.loads(schema_json_text())
