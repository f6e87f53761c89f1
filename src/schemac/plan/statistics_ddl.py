"""CREATE STATISTICS, DROP STATISTICS, ALTER STATISTICS ... SET STATISTICS / OWNER TO, COMMENT ON STATISTICS: sqlglot
parses them only as Commands, so each is assembled from names quoted by pg.names and expressions rendered by
sqlglot (an element that is not a column's name is an expression, in parentheses as CREATE STATISTICS
wants it)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Statistics, Table, names_a_column
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, comment_value
from schemac.plan.sql_strings import owner_sql


def _name(t: Table, s: Statistics) -> str:
    return qualified(s.schema or t.schema, s.name)


def _element(text: str) -> str:
    return quote_ident(text) if names_a_column(text) else f"({parse_expression(text).sql(dialect=RENDER)})"


def create_statistics(t: Table, s: Statistics) -> exp.Command:
    kinds = f"({', '.join(s.kinds)})" if s.kinds else ""
    return command("CREATE", "STATISTICS", _name(t, s), kinds, "ON", ", ".join(map(_element, s.elements)), "FROM",
                   qualified(t.schema, t.name))


def drop_statistics(t: Table, s: Statistics) -> exp.Command:
    return command("DROP", "STATISTICS IF EXISTS", _name(t, s))


def statistics_target(t: Table, s: Statistics) -> exp.Command:
    return command("ALTER", "STATISTICS", _name(t, s), "SET STATISTICS", str(s.target if s.target is not None else -1))


def statistics_owner(t: Table, s: Statistics) -> exp.Command:
    return command("ALTER", "STATISTICS", _name(t, s), "OWNER TO", owner_sql(s.owner))  # type: ignore[arg-type]


def statistics_comment(t: Table, s: Statistics) -> exp.Command:
    return command("COMMENT", "ON STATISTICS", _name(t, s), "IS", comment_value(s.comment))
