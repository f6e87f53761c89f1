"""Row-level security and policies -> DDL: ALTER TABLE ... ENABLE/DISABLE, [NO] FORCE ROW LEVEL SECURITY,
CREATE/ALTER/DROP POLICY and COMMENT ON POLICY. sqlglot has no nodes for these: names are quoted, the
conditions rendered from their sqlglot trees, roles quoted (PUBLIC as the keyword)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import PUBLIC, Policy, Table
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.pg.policies import parse_policy_expression
from schemac.plan.ddl import command, comment_on_constraint


def role_sql(role: str) -> str:
    return "PUBLIC" if role == PUBLIC else quote_ident(role)


def _condition(word: str, text: Optional[str]) -> str:
    return f"{word} ({parse_policy_expression(text).sql(dialect=RENDER)})" if text is not None else ""


def create_policy(t: Table, p: Policy) -> exp.Command:
    return command("CREATE", "POLICY", quote_ident(p.name), "ON", qualified(t.schema, t.name),
                   "AS", "PERMISSIVE" if p.permissive else "RESTRICTIVE", "FOR", p.command.upper(),
                   "TO", ", ".join(role_sql(r) for r in p.roles), _condition("USING", p.using),
                   _condition("WITH CHECK", p.with_check))


def drop_policy(t: Table, p: Policy) -> exp.Command:
    return command("DROP", "POLICY IF EXISTS", quote_ident(p.name), "ON", qualified(t.schema, t.name))


def _alter_in_place(old: Policy, new: Policy) -> bool:
    """ALTER POLICY changes roles and conditions, never the command or AS, and cannot remove a condition."""
    return ((old.command, old.permissive) == (new.command, new.permissive)
            and (new.using is not None or old.using is None) and (new.with_check is not None or old.with_check is None))


def policy_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of a row-level security or policy change, else None."""
    k, t, old, new = change.kind, change.table_def, change.old, change.new
    if k == "set_row_security":
        out: list[exp.Expression] = []
        was = (old.row_level_security, old.force_row_level_security) if old is not None else (False, False)  # type: ignore
        if new.row_level_security != was[0]:  # type: ignore[union-attr]
            out.append(command("ALTER", "TABLE", qualified(t.schema, t.name),  # type: ignore[union-attr]
                               "ENABLE" if new.row_level_security else "DISABLE", "ROW LEVEL SECURITY"))  # type: ignore
        if new.force_row_level_security != was[1]:  # type: ignore[union-attr]
            out.append(command("ALTER", "TABLE", qualified(t.schema, t.name),  # type: ignore[union-attr]
                               "FORCE" if new.force_row_level_security else "NO FORCE", "ROW LEVEL SECURITY"))  # type: ignore
        return out
    if k == "add_policy":
        return [create_policy(t, new)]  # type: ignore[arg-type]
    if k == "drop_policy":
        return [drop_policy(t, old)]  # type: ignore[arg-type]
    if k == "alter_policy" and _alter_in_place(old, new):  # type: ignore[arg-type]
        return [command("ALTER", "POLICY", quote_ident(new.name), "ON", qualified(t.schema, t.name),  # type: ignore
                        "TO", ", ".join(role_sql(r) for r in new.roles), _condition("USING", new.using),  # type: ignore
                        _condition("WITH CHECK", new.with_check))]  # type: ignore[union-attr]
    if k == "alter_policy":
        again = [comment_on_constraint(t, new.name, new.comment, kind="POLICY")] if new.comment else []  # type: ignore
        return [drop_policy(t, old), create_policy(t, new)] + again  # type: ignore[arg-type]
    if k == "set_policy_comment":
        return [comment_on_constraint(t, new.name, new.comment, kind="POLICY")]  # type: ignore
    return None
