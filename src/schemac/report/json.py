"""The JSON drift report: a versioned document (``format``), documented in docs/drift-report.md;
kinds and fields only ever get added."""

from __future__ import annotations

import json
from typing import Optional, Sequence

from schemac import __version__
from schemac.model import Unmanaged
from schemac.report.describe import Difference

JSON_FORMAT = 1

def render_json(diffs: list[Difference], target: dict, schema_file: str,
                unmanaged: Sequence[Unmanaged] = (), extra: Optional[dict] = None) -> str:
    """`extra`: keys another report adds to the document (check-queries: "queries")."""
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
    doc.update(extra or {})
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
