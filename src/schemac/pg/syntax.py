"""PostgreSQL spellings sqlglot misreads or refuses, as pg_get_expr prints them in CHECKs, defaults, generated
columns, index keys and predicates: read into nodes that print back what Postgres stores.

- `b IS UNKNOWN` / `b IS NOT UNKNOWN` (a boolean test: sqlglot read it as IS NULL, another expression to
  Postgres), `s IS [NFC|NFD|NFKC|NFKD] NORMALIZED` (sqlglot read NFC as an alias, NORMALIZED as a column),
  `x IS DOCUMENT`: the words after IS as one `exp.Var`.
- Type modifiers after `::` or AS: `interval(2)` (sqlglot printed `INTERVAL 2`), `interval day to
  second(3)` (refused), and arrays of the object identifier types, `regclass[]` (refused; a column's type
  lost its brackets).
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType

# The words that may follow IS (or IS NOT) and are not an operand: each a keyword of Postgres's grammar there.
_NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")
_BARE_WORDS = (TokenType.VAR, TokenType.UNKNOWN)


def _word(token) -> Optional[str]:
    return token.text.upper() if token is not None and token.token_type in _BARE_WORDS else None


def is_words(parser) -> Optional[exp.Var]:
    """After IS [NOT]: UNKNOWN, DOCUMENT, [form] NORMALIZED, as one Var (printed as written); else None."""
    first, second = _word(parser._curr), _word(parser._next)
    if first in ("UNKNOWN", "DOCUMENT", "NORMALIZED"):
        parser._advance()
        return exp.Var(this=first)
    if first in _NORMAL_FORMS and second == "NORMALIZED":
        parser._advance(2)
        return exp.Var(this=f"{first} NORMALIZED")
    return None


def is_boolean_test(e: exp.Expression) -> bool:
    """`x IS TRUE`, `x IS UNKNOWN`...: Postgres stores `x IS NOT TRUE` apart from NOT (x IS TRUE)."""
    return isinstance(e, exp.Is) and (isinstance(e.expression, exp.Boolean)
                                      or (isinstance(e.expression, exp.Var) and e.expression.name == "UNKNOWN"))


def _number_in_parens(parser) -> Optional[str]:
    """`(n)` at the parser's position, consumed: n; else None (nothing consumed)."""
    tokens = parser._tokens[parser._index:parser._index + 3]
    if len(tokens) == 3 and tokens[0].token_type == TokenType.L_PAREN and tokens[1].token_type == TokenType.NUMBER \
            and tokens[2].token_type == TokenType.R_PAREN:
        parser._advance(3)
        return tokens[1].text
    return None


def _arrays(parser, kind: exp.Expression) -> exp.Expression:
    while parser._curr is not None and parser._curr.token_type == TokenType.L_BRACKET \
            and parser._next is not None and parser._next.token_type == TokenType.R_BRACKET:
        parser._advance(2)
        kind = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[kind], nested=True)
    return kind


def finish_type(parser, kind: Optional[exp.Expression]) -> Optional[exp.Expression]:
    """sqlglot's type node, completed with what it left unread: the precision of an interval with fields
    (`interval day to second(3)`, `interval second(2)`) and the brackets of an object identifier type."""
    if isinstance(kind, exp.ObjectIdentifier):
        return _arrays(parser, kind)
    if isinstance(kind, exp.DataType) and isinstance(kind.this, exp.Interval) and not kind.expressions:
        precision = _number_in_parens(parser)
        if precision is not None:
            kind.set("expressions", [exp.DataTypeParam(this=exp.Literal.number(precision))])
            return _arrays(parser, kind)
    return kind


def interval_sql(generator, e: exp.DataType) -> Optional[str]:
    """`INTERVAL(2)`: sqlglot writes an interval's precision as `INTERVAL 2`, which Postgres refuses."""
    if e.this == exp.DataType.Type.INTERVAL and e.expressions and not e.args.get("nested"):
        return f"INTERVAL({generator.expressions(e, flat=True)})"
    return None


class SpelledCall(exp.Expression, exp.Func):
    """A call Postgres spells with keywords between its arguments (`SUBSTRING(s SIMILAR p ESCAPE e)`,
    `XMLSERIALIZE(CONTENT x AS text)`, `XMLPARSE(DOCUMENT s)`, `COLLATION FOR (s)`): `this` the name,
    `expressions` the parts in order, keywords as `exp.Var`, printed as written, separated by spaces."""

    arg_types = {"this": True, "expressions": False}


def spelled_sql(generator, e: SpelledCall) -> str:
    """The parts separated by spaces; a comma (`exp.Var(",")`, pg.keywordcalls) follows the part before it."""
    out = ""
    for part in e.expressions:
        text = generator.sql(part).lstrip()  # (an ORDER BY, JSON_ARRAYAGG's, prints a space before it)
        out += text if not out or text == "," else f" {text}"
    return f"{e.this}({out})"


def _take(parser, *words: str) -> Optional[str]:
    """The next token if its text is one of `words` (consumed, in upper case); else None."""
    if parser._curr is not None and parser._curr.text.upper() in words and parser._curr.token_type != TokenType.STRING:
        parser._advance()
        return parser._prev.text.upper()
    return None


def _need(parser, *words: str) -> str:
    word = _take(parser, *words)
    if word is None:
        refuse(parser, f"Expected {' or '.join(words)}")
    return word or ""


class KnownGrammarError(ParseError):
    """A construct whose whole grammar schemac reads (the keyword calls, the IS ... forms) written wrong: an
    error, never an expression kept verbatim (pg.verbatim), which is for shapes sqlglot does not know."""


def refuse(parser, message: str) -> None:
    """parser.raise_error(message), raised as a KnownGrammarError."""
    try:
        parser.raise_error(message)
    except ParseError as e:
        raise KnownGrammarError(str(e), e.errors) from None


def similar_substring(parser) -> exp.Expression:
    """After `SUBSTRING(`: `s SIMILAR p ESCAPE e` (refused by sqlglot); `s, 1, 3`, the function called with commas,
    which Postgres (14 and later) stores and prints apart from the SQL syntax, `"substring"(s, 1, 3)` (sqlglot read
    both as its SUBSTRING(s FROM 1 FOR 3)); else sqlglot's SUBSTRING."""
    start = parser._index
    operand = parser._parse_bitwise()
    if parser._match(TokenType.COMMA, advance=False):
        parser._retreat(start)
        return exp.Anonymous(this=exp.Identifier(this="substring", quoted=True),
                             expressions=parser._parse_csv(parser._parse_bitwise))
    if _take(parser, "SIMILAR") is None:
        parser._retreat(start)
        return parser._parse_substring()
    pattern = parser._parse_bitwise()
    _need(parser, "ESCAPE")
    return SpelledCall(this="SUBSTRING", expressions=[operand, exp.Var(this="SIMILAR"), pattern, exp.Var(this="ESCAPE"),
                                                      parser._parse_bitwise()])


def sql_position(parser) -> exp.Expression:
    """After `POSITION(`: `substring IN string`, the only form Postgres's grammar has. sqlglot also took `position(a,
    b)` (another dialect's order: a in b), which Postgres refuses as a syntax error, and wrote it POSITION(a IN b),
    while Postgres's function "position"(a, b) is the place of b in a: refused, as Postgres does."""
    substring = parser._parse_bitwise()
    if not parser._match(TokenType.IN):
        refuse(parser, "position takes `substring in string` (position(a, b) is a syntax error in postgres; "
                       "\"position\"(a, b) calls its function: the place of b in a)")  # (read in lower case)
    return exp.StrPosition(this=parser._parse_bitwise(), substr=substring)


def xml_call(name: str):
    """After `XMLSERIALIZE(` or `XMLPARSE(`: its keyword form. The defaults Postgres prints on some majors
    (`NO INDENT` on 16+, `STRIP WHITESPACE`) are left out, so that the text written and the one read back
    are one expression."""
    def parse(parser) -> exp.Expression:
        parts: list[exp.Expression] = [exp.Var(this=_need(parser, "CONTENT", "DOCUMENT")), parser._parse_bitwise()]
        if name == "XMLSERIALIZE":
            _need(parser, "AS")
            parts += [exp.Var(this="AS"), parser._parse_types()]
            if _take(parser, "INDENT"):
                parts.append(exp.Var(this="INDENT"))
            elif _take(parser, "NO"):
                _need(parser, "INDENT")
        elif _take(parser, "PRESERVE"):
            _need(parser, "WHITESPACE")
            parts.append(exp.Var(this="PRESERVE WHITESPACE"))
        elif _take(parser, "STRIP"):
            _need(parser, "WHITESPACE")
        return SpelledCall(this=name, expressions=parts)
    return parse


def collation_for(parser) -> Optional[exp.Expression]:
    """`COLLATION FOR (x)` at a unary operand (with what follows it: `::text`), else None."""
    tokens = parser._tokens[parser._index:parser._index + 3]
    if len(tokens) < 3 or tokens[0].token_type != TokenType.VAR or tokens[0].text.upper() != "COLLATION" \
            or tokens[1].token_type != TokenType.FOR or tokens[2].token_type != TokenType.L_PAREN:
        return None
    parser._advance(3)
    operand = parser._parse_assignment()
    parser._match_r_paren()
    return parser._parse_column_ops(SpelledCall(this="COLLATION FOR ", expressions=[operand]))


# SQL value functions sqlglot reads as columns (a default then "refers to a column"); Postgres prints them bare
_SQL_VALUES = ("CURRENT_ROLE", "USER", "SYSTEM_USER")


class Printed(exp.Expression):
    """A subtree the same generator printed before, its text in `this` (plan.ddl's column definitions: a
    schema repeats a few hundred definitions over thousands of columns); `keys`: the PRIMARY KEY and UNIQUE
    constraints it holds, for what counts them (commands.generate's locks)."""

    arg_types = {"this": True, "keys": False}


class SqlValue(exp.Expression, exp.Func):
    """One of `_SQL_VALUES`, `this` its name: printed bare (an expression of its own, as a default is)."""

    arg_types = {"this": True}


def sql_value(parser) -> Optional[exp.Expression]:
    """CURRENT_ROLE, USER, SYSTEM_USER (unquoted: as columns Postgres quotes these names), else None."""
    curr, after = parser._curr, parser._next
    if curr is None or curr.token_type != TokenType.VAR or curr.text.upper() not in _SQL_VALUES \
            or (after is not None and after.token_type in (TokenType.L_PAREN, TokenType.DOT)):
        return None
    parser._advance()
    return parser._parse_column_ops(SqlValue(this=curr.text.upper()))


def current_schema_called(parser) -> bool:
    """Whether `current_schema()` (the keyword called, with its parentheses) starts here."""
    tokens = parser._tokens[parser._index:parser._index + 3]
    return len(tokens) == 3 and tokens[0].token_type == TokenType.CURRENT_SCHEMA \
        and tokens[1].token_type == TokenType.L_PAREN and tokens[2].token_type == TokenType.R_PAREN


def current_schema_call(parser) -> exp.Expression:
    """`current_schema()` as the call `"current_schema"()`: Postgres stores the keyword called so (pg_get_expr on 15,
    16 and 18) and the bare keyword as CURRENT_SCHEMA, which sqlglot read as one (a default written `current_schema()`
    compared apart from the catalog's print of the very default the migration made)."""
    parser._advance(3)
    return exp.Anonymous(this=exp.Identifier(this="current_schema", quoted=True), expressions=[])


class AtLocal(exp.Expression, exp.Func):
    """`ts AT LOCAL` (PostgreSQL 17): refused by sqlglot, which knows AT TIME ZONE only."""

    arg_types = {"this": True}


def at_local_sql(generator, e: AtLocal) -> str:
    operand = generator.sql(e, "this")
    return f"({operand}) AT LOCAL" if isinstance(e.this, (exp.Binary, exp.Unary)) and not isinstance(e.this, exp.Paren) \
        else f"{operand} AT LOCAL"


# The meta key of a NOT that `x NOT BETWEEN ...`, `x NOT IN (...)` or `x NOT SIMILAR TO ...` made (the dialect's
# _negate_range): sqlglot reads those as NOT over the BETWEEN, IN or SIMILAR TO, the tree of `NOT x BETWEEN ...`,
# `NOT x IN (...)`, which Postgres stores otherwise (`NOT ((x >= l) AND (x <= h))`, `NOT (x = ANY (ARRAY[1, 2]))`,
# `NOT (x ~ similar_to_escape(p))`, where `x NOT BETWEEN` is `(x < l) OR (x > h)`, `x NOT IN` is `x <> ALL (ARRAY[1,
# 2])` and `x NOT SIMILAR TO` `x !~ ...`). The same NOT to every reader, printed as written by pg.dialect's generators.
NOT_AFTER = "schemac_not_after"
# (ESCAPE over SIMILAR TO: `x NOT SIMILAR TO p ESCAPE e`)
NEGATED_AFTER = (exp.Between, exp.In, exp.SimilarTo, exp.Escape)


def negated_after(node: exp.Expression) -> bool:
    """Whether `x NOT ...` over `node` is not_after's: BETWEEN, IN, SIMILAR TO [ESCAPE] (LIKE holds its own negate)."""
    return type(node) in NEGATED_AFTER[:3] or (type(node) is exp.Escape and type(node.this) is exp.SimilarTo)


def not_after(node: exp.Expression) -> exp.Not:
    """NOT over `node` (a BETWEEN or IN), written after its operand: `x NOT IN (...)`."""
    negated = exp.Not(this=node)
    negated.meta[NOT_AFTER] = True
    return negated


def not_after_sql(generator, e: exp.Not) -> Optional[str]:
    """`x NOT BETWEEN [SYMMETRIC] l AND h` or `x NOT IN (...)` of a NOT that not_after made; else None."""
    if not e.meta_get(NOT_AFTER) or not isinstance(e.this, NEGATED_AFTER):
        return None
    operand = generator.sql(e.this.this if isinstance(e.this, exp.Escape) else e.this, "this")
    written = generator.sql(e.this)  # `x BETWEEN ...`, `x IN (...)`: x as sql(.., 'this') writes it
    return f"{operand} NOT{written[len(operand):]}" if written.startswith(operand) else None


class Verbatim(exp.Expression, exp.Condition):
    """An expression sqlglot cannot read (pg.verbatim), `this` its text without comments: printed as written,
    in parentheses, so that it stays one operand wherever a statement embeds it."""

    arg_types = {"this": True}
    _hash_raw_args = True  # its text as written: 'A' and 'a' are two expressions


def verbatim_sql(generator, e: Verbatim) -> str:
    return f"({e.this})"
