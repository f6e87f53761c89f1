"""Operators sqlglot does not read (or reads as another expression), that PostgreSQL prints bare in CHECKs,
index predicates, policies and trigger WHEN clauses: Postgres's own (inet's `net <<= '10.0.0.0/8'`), PostGIS's (`geom ~= p`, `box @ area`, `a |>> b`, `a <#> b`, `a &&& b`...), when the
extension lives in a schema on the search path (else pg_get_expr writes `OPERATOR(extensions.~=)`, which
sqlglot reads). sqlglot refused them, so a schema.yaml that `inspect` wrote from a real database did not
load, or (`a @ b`) read `@ b` as a parameter. They parse as `OtherOperator`: a binary operator at
PostgreSQL's precedence for "any other operator" (below + and -, above comparisons), printed as written."""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from schemac.pg.sqllex import OP_CHARS, operator_run

# PostGIS's binary operators (postgis, postgis_raster, postgis_topology) sqlglot has no token for. The ones it
# has keep its nodes: && <-> <<->> &< &> << >> ~ @> <@ -|-.
POSTGIS = ("~=", "|>>", "<<|", "&<|", "|&>", "<#>", "<<#>>", "&&&", "|=|", "&/&", "@@@")
# The other binary operators of pg_operator (Postgres's and its contrib extensions': inet's <<= and >>=, the
# geometric ## ?# ?- ?|| ..., record images' *= *<, pg_trgm's <% %> <<->, ltree's ^@ ^~ ?@ ..., the network
# and cube ones) that sqlglot either refused or read as something else: `a <% b` as `a < %s AS b`, `a ?@ b`
# as `a ? $b`, `a <=> b` as IS NOT DISTINCT FROM (pgvector's cosine distance), `a !~ b` as NOT (a ~ b)
# (another expression to Postgres: a rebuilt CHECK read back differently). Found by reading every operator
# name of pg_operator with the extensions of the tests' servers loaded, as `a OP b`.
BUILTIN = ("<<=", ">>=", "##", "#<#", "#<=#", "#=", "#>#", "#>=#", "%>", "%>>", "*<", "*<=", "*<>", "*=", "*>",
           "*>=", "<%", "<->>", "<->>>", "<<%", "<<->", "<<<->", "<<@", "<=>", "<^", ">^", "?#", "?-", "?-|", "?<@",
           "?@", "?@>", "?||", "?~", "@>>", "^<@", "^?", "^@", "^@>", "^~", "~<=~", "~<~", "~==", "~>", "~>=~",
           "~>~", "~~=", "!~", "!~*", "!~~", "!~~*")
# Prefix operators of pg_operator sqlglot refused or misread (`@ b`, absolute value, as the parameter `$b`;
# tsquery's `!! q` as NOT NOT q; unary `+ b` as b, which Postgres stores as the operator): read as
# PrefixOperator. `- ~ |/ ||/` keep sqlglot's nodes.
PREFIX = ("@", "@-@", "#", "!!", "?-", "?|", "%#", "%%", "+")
_LITERAL = re.compile(r"STRING|IDENTIFIER|^VAR$|^NUMBER$")
OPERATORS = POSTGIS + BUILTIN + ("@-@", "!!", "%#", "%%")
# An otherwise unused token type (Postgres's tokenizer never makes it) carries them.
TOKEN = TokenType.COLON_GT


class OtherOperator(exp.Expression, exp.Binary):
    """`this op expression` for an operator of `OPERATORS` (or a lone `@`: PostGIS's "contained by")."""

    arg_types = {"this": True, "expression": True, "op": True}


class PrefixOperator(exp.Unary):
    """`op this` for an operator of `PREFIX`."""

    arg_types = {"this": True, "op": True}


def is_operator_token(token: Token, sql: str) -> bool:
    """An operator as it stands in the text (a string literal '=' has that text too, but not that span)."""
    return bool(token.text) and set(token.text) <= OP_CHARS and sql[token.start:token.end + 1] == token.text


def merge_operators(tokens: list[Token], sql: str) -> list[Token]:
    """sqlglot's tokens with each run of adjacent operator tokens cut as Postgres cuts it: a user-defined
    operator sqlglot splits (`===` as `==`, `=`) becomes one `TOKEN` (read as OtherOperator or
    PrefixOperator). A run whose cut does not fall on sqlglot's token boundaries is left as it was."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i + 1
        if is_operator_token(tokens[i], sql):
            while j < len(tokens) and tokens[j].start == tokens[j - 1].end + 1 and is_operator_token(tokens[j], sql):
                j += 1
        if j - i == 1:
            out.append(tokens[i])
            i += 1
            continue
        run, k, merged = tokens[i:j], 0, []
        for piece in operator_run("".join(t.text for t in run)):
            width, first = 0, k
            while k < len(run) and width < len(piece):
                width += len(run[k].text)
                k += 1
            if width != len(piece):
                merged = run
                break
            if k - first == 1:
                merged.append(run[first])
            else:
                a, b = run[first], run[k - 1]
                merged.append(Token(TOKEN, piece, a.line, a.col, a.start, b.end,
                                    [c for t in run[first:k] for c in t.comments]))
        out.extend(merged)
        i = j
    return out


def _qualified_prefix(parser):
    """At `OPERATOR(schema.op) operand` (a prefix operator outside the search path, as pg_get_expr prints it):
    the PrefixOperator, its op that whole spelling; else None."""
    curr, after = parser._curr, parser._next
    if curr is None or curr.token_type != TokenType.OPERATOR or after is None or after.token_type != TokenType.L_PAREN:
        return None
    parser._advance(2)
    op = ""
    while parser._curr is not None and not parser._match(TokenType.R_PAREN):
        op += parser._curr.text
        parser._advance()
    return parser.expression(PrefixOperator(op=exp.Var(this=f"OPERATOR({op})"), this=parser._parse_unary()))


def parse_prefix(parser):
    """At a unary operand: a prefix operator of `PREFIX`, any other operator name (a user's) or `OPERATOR(s.op)`,
    and its operand (itself a unary operand), else None."""
    qualified = _qualified_prefix(parser)
    if qualified is not None:
        return qualified
    curr = parser._curr
    if curr is None or (curr.text not in PREFIX and curr.token_type != TOKEN) or parser._next is None \
            or _LITERAL.search(curr.token_type.name):
        return None  # (a string literal '#' has the text # too)
    parser._advance()
    return parser.expression(PrefixOperator(op=exp.Var(this=curr.text), this=parser._parse_unary()))


def prefix_sql(generator, e: PrefixOperator) -> str:
    operand = generator.sql(e, "this")
    if isinstance(e.this, (exp.Binary, exp.Unary)) and not isinstance(e.this, exp.Paren):
        operand = f"({operand})"
    return f"({e.args['op'].name} {operand})"


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
