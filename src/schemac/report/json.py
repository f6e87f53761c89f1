"""The JSON drift report: a versioned document (``format``), documented in docs/drift-report.md;
kinds and fields only ever get added."""

from __future__ import annotations

import json
from typing import Optional, Sequence

from schemac import __version__
from schemac.errors import shown
from schemac.model import Unmanaged
from schemac.report.describe import Difference

JSON_FORMAT = 1


def visible_json(doc: object, **options) -> str:
    """json.dumps(doc, indent=2, ensure_ascii=False, **options), where a character that is not printable (a name
    read from a database may hold a bidirectional override, NEL, ESC: json escapes only those below U+0020) is
    written as its \\u escape: the same document, which no terminal or review page redraws."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, **options)
    if text.isascii() or shown(text):
        return text
    return "".join(c if c.isprintable() or c == "\n" else json.dumps(c)[1:-1] for c in text)


def render_json(diffs: list[Difference], target: dict, schema_file: str,
                unmanaged: Sequence[Unmanaged] = (), extra: Optional[dict] = None, ignored: int = 0) -> str:
    """`extra`: keys another report adds to the document (check-queries: "queries"); `ignored`: the objects
    schema.yaml's `ignore:` left out (summary.ignored)."""
    doc = {
        "schemac": __version__,
        "format": JSON_FORMAT,
        "schema_file": schema_file,
        "target": target,
        "in_sync": not diffs,
        "summary": {"differences": len(diffs), "tables": len({(d.schema, d.table) for d in diffs if d.table}),
                    "not_managed": len(unmanaged)},
        "differences": [d.to_json() for d in diffs],
        "not_managed": [{"kind": u.kind, "schema": u.schema, "name": u.name} for u in unmanaged],
    }
    if ignored:  # (a field added: only where `ignore:` left something out, so older documents read the same)
        doc["summary"]["ignored"] = ignored
    doc.update(extra or {})
    return visible_json(doc) + "\n"
