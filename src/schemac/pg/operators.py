"""Operators sqlglot does not read, that PostgreSQL prints bare in CHECKs, index predicates, policies and
trigger WHEN clauses: PostGIS's (`geom ~= p`, `box @ area`, `a |>> b`, `a <#> b`, `a &&& b`...), when the
extension lives in a schema on the search path (else pg_get_expr writes `OPERATOR(extensions.~=)`, which
sqlglot reads). sqlglot refused them, so a schema.yaml that `inspect` wrote from a real database did not
load, or (`a @ b`) read `@ b` as a parameter. They parse as `OtherOperator`: a binary operator at
PostgreSQL's precedence for "any other operator" (below + and -, above comparisons), printed as written."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

# PostGIS's binary operators (postgis, postgis_raster, postgis_topology) sqlglot has no token for. The ones it
# has keep its nodes: && <-> <<->> &< &> << >> ~ @> <@ -|-.
OPERATORS = ("~=", "|>>", "<<|", "&<|", "|&>", "<#>", "<<#>>", "&&&", "|=|", "&/&", "@@@")
# An otherwise unused token type (Postgres's tokenizer never makes it) carries them.
TOKEN = TokenType.COLON_GT


class OtherOperator(exp.Expression, exp.Binary):
    """`this op expression` for an operator of `OPERATORS` (or a lone `@`: PostGIS's "contained by")."""

    arg_types = {"this": True, "expression": True, "op": True}


def parse_other(parser, this):
    """After a bitwise-level operand `this`: the operators of `OPERATORS` (and `@` between two operands),
    left to right, each taking the next bitwise-level operand (`parser._parse_bitwise` without this hook)."""
    while True:
        if parser._match(TOKEN):
            op = parser._prev.text
        elif parser._curr is not None and parser._curr.token_type == TokenType.PARAMETER and parser._curr.text == "@" \
                and this is not None:
            parser._advance()
            op = "@"
        else:
            return this
        this = parser.expression(OtherOperator(this=this, op=exp.Var(this=op),
                                               expression=parser._parse_plain_bitwise()))


def other_sql(generator, e: OtherOperator) -> str:
    return f"{generator.sql(e, 'this')} {e.args['op'].name} {generator.sql(e, 'expression')}"
