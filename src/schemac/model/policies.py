"""Row-level security policies (CREATE POLICY) of a table."""

from __future__ import annotations

from dataclasses import field

from schemac.model.frozen import frozen
from typing import Literal, Optional

from .grants import PUBLIC
from .source import Source, _src

POLICY_COMMANDS = ("all", "select", "insert", "update", "delete")


@frozen
class Policy:
    """CREATE POLICY on a table: for which command, permissive or restrictive, for which roles, and the
    USING and WITH CHECK conditions (as written, or as Postgres deparses them)."""

    name: str
    command: Literal["all", "select", "insert", "update", "delete"] = "all"
    permissive: bool = True
    roles: tuple[str, ...] = (PUBLIC,)  # sorted
    using: Optional[str] = None
    with_check: Optional[str] = None
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    # The aliases ending in _<digits> its stored conditions hold as written (the catalog's; None: not read), as a view's
    # (View.written_aliases): pg.relation_renames tells them from those Postgres's print made unique (`issues issues_1`).
    written_aliases: Optional[tuple[str, ...]] = field(default=None, compare=False, metadata={"recorded": False})
