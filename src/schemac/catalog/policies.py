"""policies.sql rows -> each table's row-level security policies."""

from __future__ import annotations

from typing import Any, Optional

from schemac.model import Policy
from schemac.pg.view_names import unnamed_casts_named

_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}


def policies_by_table(rows: list[dict[str, Any]]) -> dict[int, tuple[Policy, ...]]:
    out: dict[int, list[Policy]] = {}
    for r in rows:
        out.setdefault(r["table_oid"], []).append(Policy(
            name=r["policy_name"], command=_COMMANDS[r["command"]], permissive=r["permissive"],  # type: ignore
            roles=tuple(sorted(r["roles"])), using=_named(r["using_expr"]), with_check=_named(r["with_check_expr"]),
            comment=r["comment"]))
    return {oid: tuple(sorted(ps, key=lambda p: p.name)) for oid, ps in out.items()}


def _named(expr: Optional[str]) -> Optional[str]:
    """A condition with its sublinks' unnamed columns named (pg.view_names.unnamed_casts_named)."""
    return None if expr is None else unnamed_casts_named(expr, 1)
