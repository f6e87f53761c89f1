"""CREATE [OR REPLACE] RULE, DROP RULE, COMMENT ON RULE: sqlglot parses rules only as Commands, so each
is assembled from names quoted by pg.names, the condition rendered by sqlglot, and the actions as
schema.yaml holds them (statements Postgres itself deparsed, or wrote by hand and checked by the server
when the migration runs)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Rule, Table
from schemac.pg.dialect import RENDER
from schemac.pg.policies import parse_policy_expression
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, comment_value
from schemac.plan.routine_ddl import ENABLE_WORDS


def create_rule(t: Table, r: Rule, replace: bool = False) -> exp.Command:
    where = f"WHERE {parse_policy_expression(r.where).sql(dialect=RENDER)}" if r.where else ""
    if not r.actions:
        actions = "NOTHING"
    elif len(r.actions) == 1:
        actions = r.actions[0]
    else:
        actions = "(" + "; ".join(r.actions) + ")"
    return command("CREATE", "OR REPLACE RULE" if replace else "RULE", quote_ident(r.name), "AS ON", r.event.upper(),
                   "TO", qualified(t.schema, t.name), where, "DO", "INSTEAD" if r.instead else "ALSO", actions)


def rule_state(t: Table, r: Rule) -> exp.Command:
    """ALTER TABLE ... ENABLE/DISABLE RULE: CREATE RULE makes a rule fire on origin, CREATE OR REPLACE RULE
    keeps the state it had (a view's rules always fire on origin: Postgres refuses the ALTER on a view)."""
    return command("ALTER", "TABLE", qualified(t.schema, t.name), ENABLE_WORDS[r.enabled], "RULE", quote_ident(r.name))


def drop_rule(t: Table, r: Rule) -> exp.Command:
    return command("DROP", "RULE IF EXISTS", quote_ident(r.name), "ON", qualified(t.schema, t.name))


def rule_comment(t: Table, r: Rule) -> exp.Command:
    return command("COMMENT", "ON RULE", quote_ident(r.name), "ON", qualified(t.schema, t.name), "IS",
                   comment_value(r.comment))
