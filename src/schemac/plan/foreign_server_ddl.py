"""Statements for foreign servers: CREATE SERVER name [TYPE 't'] [VERSION 'v'] FOREIGN DATA WRAPPER w
[OPTIONS (k 'v', ...)]; ALTER SERVER ... VERSION 'v' OPTIONS (SET k 'v', ADD k 'v', DROP k), OWNER TO;
COMMENT ON SERVER. Another wrapper or type is DROP and CREATE. compare.changes.KINDS creates servers right
after extensions (the wrapper's) and drops them after the tables, before extensions are dropped."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import ForeignServer
from schemac.pg.names import quote_ident
from schemac.plan.ddl import command, literal
from schemac.plan.publication_ddl import owned_statements


def fdw_options(pairs: tuple[tuple[str, str], ...]) -> str:
    """OPTIONS (k 'v', ...) of a new object, or nothing."""
    return f"OPTIONS ({', '.join(f'{quote_ident(k)} {literal(v)}' for k, v in pairs)})" if pairs else ""


def changed_fdw_options(old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]) -> str:
    """OPTIONS (SET k 'v', ADD k 'v', DROP k) from `old` to `new`, or nothing when they are the same."""
    was, now = dict(old), dict(new)
    parts = [f"DROP {quote_ident(k)}" for k in was if k not in now]
    parts += [f"{'SET' if k in was else 'ADD'} {quote_ident(k)} {literal(v)}" for k, v in new if was.get(k) != v]
    return f"OPTIONS ({', '.join(parts)})" if parts else ""


def create_foreign_server(s: ForeignServer) -> exp.Command:
    return command("CREATE", "SERVER", quote_ident(s.name), f"TYPE {literal(s.type)}" if s.type is not None else "",
                   f"VERSION {literal(s.version)}" if s.version is not None else "", "FOREIGN DATA WRAPPER",
                   quote_ident(s.wrapper), fdw_options(s.options))


def foreign_server_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a foreign server change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "add_foreign_server":
        return [create_foreign_server(new)]  # type: ignore[arg-type]
    if k in ("drop_foreign_server", "alter_foreign_server"):
        drop = command("DROP", "SERVER IF EXISTS", quote_ident(old.name))  # type: ignore[union-attr]
        return [drop, create_foreign_server(new)] if k == "alter_foreign_server" else [drop]  # type: ignore[arg-type]
    if k == "set_foreign_server_options":
        version = "" if old.version == new.version else \
            f"VERSION {literal(new.version)}" if new.version is not None else "VERSION NULL"  # type: ignore[union-attr]
        return [command("ALTER", "SERVER", quote_ident(new.name), version,  # type: ignore[union-attr]
                        changed_fdw_options(old.options, new.options))]  # type: ignore[union-attr]
    return owned_statements(change, "foreign_server", "SERVER")
