"""policies.sql rows -> each table's row-level security policies."""

from __future__ import annotations

from typing import Any, Optional

from schemac.model import Policy
from schemac.pg.redeparse import deparse_kept, hidden_names_kept

_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}


def policies_by_table(rows: list[dict[str, Any]]) -> dict[int, tuple[Policy, ...]]:
    out: dict[int, list[Policy]] = {}
    for r in rows:
        out.setdefault(r["table_oid"], []).append(Policy(
            name=r["policy_name"], command=_COMMANDS[r["command"]], permissive=r["permissive"],  # type: ignore
            roles=tuple(sorted(r["roles"])), using=_kept(r["using_expr"]), with_check=_kept(r["with_check_expr"]),
            comment=r["comment"], written_aliases=tuple(r["written_aliases"]) if "written_aliases" in r else None))
    return {oid: tuple(sorted(ps, key=lambda p: p.name)) for oid, ps in out.items()}


def _kept(expr: Optional[str]) -> Optional[str]:
    """A condition as Postgres reads it back to itself (pg.redeparse): arrays cast whole, sublinks' unseen names."""
    return None if expr is None else hidden_names_kept(deparse_kept(expr))  # type: ignore[arg-type]
