"""GRANT and REVOKE on an extension's own objects: from what the database holds to what schema.yaml says, relative
to the access lists the extension's script left (a grant schema.yaml drops is revoked, a revoke it drops is granted
back)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.model import PUBLIC, Extension, MemberGrant
from schemac.pg.names import quote_ident
from schemac.plan import ddl


def _grantee(name: str) -> str:
    return PUBLIC if name == PUBLIC else quote_ident(name)


def _statement(g: MemberGrant, give: bool) -> exp.Expression:
    if give:
        return ddl.command("GRANT", g.privilege, "ON", g.on, "TO", _grantee(g.grantee))
    return ddl.command("REVOKE", g.privilege, "ON", g.on, "FROM", _grantee(g.grantee))


def member_grant_statements(old: Optional[Extension], new: Extension) -> list[exp.Expression]:
    """What turns `old`'s grants (none for an extension just created) into `new`'s."""
    want, have = set(new.grants), set(old.grants if old is not None else ())
    key = lambda g: (g.on, g.revoked, g.grantee, g.privilege)  # noqa: E731
    return ([_statement(g, not g.revoked) for g in sorted(want - have, key=key)]
            + [_statement(g, g.revoked) for g in sorted(have - want, key=key)])
