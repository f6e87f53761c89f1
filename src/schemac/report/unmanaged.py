"""Objects schemac does not manage, as a report names them: one summary line, or (with --strict) a
difference each."""

from __future__ import annotations

from typing import Sequence

from schemac.errors import printable
from schemac.model import Unmanaged
from schemac.report.describe import Difference


def unmanaged_differences(unmanaged: Sequence[Unmanaged]) -> list[Difference]:
    """With --strict, every object schemac does not manage is a difference of its own."""
    return [Difference("unmanaged_object", u.kind, u.schema, "", u.name, None, u.kind,
                       f"{u.kind} {u.path} is not managed by schemac", None, None) for u in unmanaged]


def unmanaged_summary(unmanaged: Sequence[Unmanaged]) -> str:
    """'Not managed (33): 1 aggregate (public.group_concat); 9 functions (...); ...'."""
    by_kind: dict[str, list[str]] = {}
    for u in unmanaged:
        by_kind.setdefault(u.kind, []).append(u.path)
    parts = [f"{len(v)} {k}: {', '.join(v)}" for k, v in sorted(by_kind.items())]
    return printable(f"Not managed by schemac ({len(unmanaged)}): " + "; ".join(parts))
