"""The SQL/JSON and XML calls whose arguments are keyword clauses, as pg_get_expr prints them: sqlglot refused
`JSON_VALUE(j, '$."a"' PASSING n AS x RETURNING text)`, `JSON_QUERY(... RETURNING jsonb WITHOUT WRAPPER KEEP
QUOTES)`, `JSON_EXISTS(... TRUE ON ERROR)`, `JSON_SERIALIZE(j RETURNING text)`, `JSON(s WITH UNIQUE KEYS)`,
`JSON_ARRAY(a, b RETURNING json)`, `JSON_ARRAYAGG(v ORDER BY k RETURNING json)`, `XMLEXISTS(p PASSING (x))`,
`XMLPI(NAME n, s)`, `XMLROOT(x, VERSION v, STANDALONE YES)`: generate refused what inspect wrote.

Each is read as a :class:`~schemac.pg.syntax.SpelledCall`: its expressions parsed, its keywords kept as words
and printed as written. The clauses Postgres stores as their default (`WITHOUT WRAPPER`, `KEEP QUOTES`, `NULL ON
EMPTY`, `RETURNING text` of JSON_VALUE, `BY VALUE`...) are left out and the synonyms it stores as one (`WITH
WRAPPER` = `WITH UNCONDITIONAL WRAPPER`) written one way, so that a spelling and Postgres's deparse of it are
one expression, whatever the defaults a major prints.
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp
from sqlglot.tokens import TokenType

from schemac.pg.syntax import SpelledCall, refuse

# Words of the clauses (each function's grammar in Postgres's gram.y); any other word where a clause starts
# is refused here, not by Postgres when the migration runs.
_JSON_WORDS = frozenset({"PASSING", "AS", "RETURNING", "FORMAT", "JSON", "ENCODING", "UTF8", "UTF16", "UTF32", "WITH",
                         "WITHOUT", "CONDITIONAL", "UNCONDITIONAL", "ARRAY", "WRAPPER", "KEEP", "OMIT", "QUOTES", "ON",
                         "SCALAR", "STRING", "EMPTY", "OBJECT", "ERROR", "NULL", "TRUE", "FALSE", "UNKNOWN", "DEFAULT",
                         "UNIQUE", "KEYS", "ABSENT"})
_XML_WORDS = frozenset({"PASSING", "BY", "REF", "VALUE", "NAME", "VERSION", "NO", "STANDALONE", "YES"})
# name -> (the words of its clauses, the words that start a clause where an argument may stand, its default
# RETURNING type: None where it depends on the arguments, JSON_ARRAY's and JSON_OBJECT's jsonb if one is jsonb)
_CALLS = {"JSON_VALUE": (_JSON_WORDS, (), "text"), "JSON_QUERY": (_JSON_WORDS, (), "jsonb"),
          "JSON_EXISTS": (_JSON_WORDS, (), None), "JSON_SERIALIZE": (_JSON_WORDS, (), "text"),
          "JSON": (_JSON_WORDS, (), None), "JSON_ARRAY": (_JSON_WORDS, ("RETURNING",), None),
          "XMLEXISTS": (_XML_WORDS, (), None), "XMLPI": (_XML_WORDS, ("NAME",), None),
          "XMLROOT": (_XML_WORDS, ("VERSION", "STANDALONE"), None),
          "JSON_ARRAYAGG": (_JSON_WORDS, (), None), "JSON_OBJECTAGG": (_JSON_WORDS | {"VALUE"}, (), None)}
# The aggregates (16+): `JSON_ARRAYAGG(v ORDER BY k RETURNING json)`, `JSON_OBJECTAGG(k : v RETURNING json)` as Postgres
# prints them, which sqlglot could not read (its JSON_OBJECTAGG lost RETURNING and WITH UNIQUE KEYS), with FILTER and
# OVER after them. `k VALUE v` is `k : v`.
_AGGREGATES = frozenset({"JSON_ARRAYAGG", "JSON_OBJECTAGG"})
# Runs of clause words as Postgres stores them: (written, stored), longest first; "" is the default, left out.
_STORED = (("WITH UNCONDITIONAL ARRAY WRAPPER", "WITH UNCONDITIONAL WRAPPER"),
           ("WITH CONDITIONAL ARRAY WRAPPER", "WITH CONDITIONAL WRAPPER"),
           ("WITH ARRAY WRAPPER", "WITH UNCONDITIONAL WRAPPER"), ("WITH WRAPPER", "WITH UNCONDITIONAL WRAPPER"),
           ("WITHOUT ARRAY WRAPPER", ""), ("WITHOUT WRAPPER", ""),
           ("KEEP QUOTES ON SCALAR STRING", ""), ("KEEP QUOTES", ""), ("OMIT QUOTES ON SCALAR STRING", "OMIT QUOTES"),
           ("EMPTY ON", "EMPTY ARRAY ON"), ("NULL ON EMPTY", ""), ("NULL ON ERROR", ""),
           ("WITHOUT UNIQUE KEYS", ""), ("WITHOUT UNIQUE", ""), ("WITH UNIQUE KEYS", "WITH UNIQUE"),
           ("WITH UNIQUE", "WITH UNIQUE KEYS"),
           ("BY VALUE", ""), ("BY REF", ""))
# The default of one function only (JSON_ARRAY's is ABSENT ON NULL, JSON_OBJECT's NULL ON NULL)
_DEFAULT_OF = {"JSON_EXISTS": "FALSE ON ERROR", "JSON_ARRAY": "ABSENT ON NULL", "JSON_ARRAYAGG": "ABSENT ON NULL",
               "JSON_OBJECTAGG": "NULL ON NULL"}


def _word(token) -> Optional[str]:
    """A token's text in upper case, unless it is a string, a number or a quoted name."""
    if token is None or token.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER):
        return None
    return token.text.upper()


def _said(parts: list[exp.Expression], at: int, word: str) -> bool:
    """Whether the part at index `at` (from the end, negative) is the clause word `word`."""
    return len(parts) >= -at and type(parts[at]) is exp.Var and parts[at].name == word


def keyword_call(parser) -> Optional[exp.Expression]:
    """One of `_CALLS` at a unary operand (with what follows it: `::text`), else None (nothing consumed)."""
    name = _word(parser._curr)
    if name not in _CALLS or parser._next is None or parser._next.token_type != TokenType.L_PAREN:
        return None
    words, leading, returning = _CALLS[name]
    if name in _AGGREGATES and not spelled_aggregate(parser, name):
        return None
    parser._advance(2)
    parts: list[exp.Expression] = []
    argument = True  # where an argument (an expression) stands: first, after a comma, DEFAULT, PASSING, VERSION
    while parser._curr is not None and parser._curr.token_type not in (TokenType.R_PAREN, TokenType.SENTINEL):
        word = _word(parser._curr)
        if parser._match(TokenType.COMMA):
            parts.append(exp.Var(this=","))
            argument = True
        elif name in _AGGREGATES and not argument and (parser._match(TokenType.COLON) or
                                                       (word == "VALUE" and parser._advance() is None)):
            parts.append(exp.Var(this=":"))
            argument = True
        elif name == "JSON_ARRAYAGG" and not argument and parser._curr.token_type == TokenType.ORDER_BY:
            parts.append(parser._parse_order())
        elif argument and word not in leading and not (word == "BY" and _said(parts, -1, "PASSING")) \
                and not (word == "NO" and _word(parser._next) == "VALUE"):
            operand = parser._parse_assignment()
            if operand is None:
                refuse(parser, f"Expected an expression in {name}(...)")
                return None
            parts.append(operand)
            argument = False
        elif word in words:
            parser._advance()
            parts.append(exp.Var(this=word))
            argument = word in ("DEFAULT", "PASSING", "VERSION") \
                or (word in ("REF", "VALUE") and _said(parts, -3, "PASSING"))
            if word in ("RETURNING", "AS", "NAME"):  # a type, a name
                follows = parser._parse_types() if word == "RETURNING" else parser._parse_id_var(any_token=True)
                if follows is None:
                    refuse(parser, f"Expected a {'type' if word == 'RETURNING' else 'name'} after {word}")
                    return None
                parts.append(follows)
        else:
            refuse(parser, f"Unexpected {parser._curr.text} in {name}(...)")
            return None
    parser._match_r_paren()
    call = SpelledCall(this=name, expressions=_as_stored(name, parts, returning))
    return parser._parse_column_ops(parser._parse_window(call) if name in _AGGREGATES else call)


def spelled_aggregate(parser, name: str) -> bool:
    """Whether the call at the parser (its name, then `(`) is SQL/JSON's aggregate: JSON_OBJECTAGG with `:` or
    one of its words at its own level, JSON_ARRAYAGG with one argument (before its ORDER BY or other words). Before
    16 neither is a keyword, and 15 prints a user's function of that name bare, `json_objectagg(a, b)`: a plain call
    (pg.foreign_names)."""
    depth, commas, grammar = 0, 0, False
    for token in parser._tokens[parser._index + 2:]:
        depth += token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET)
        depth -= token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET)
        if depth < 0:
            break
        if depth == 0:
            commas += token.token_type == TokenType.COMMA and not grammar  # (not ORDER BY's)
            grammar = grammar or token.token_type in (TokenType.COLON, TokenType.ORDER_BY) or \
                _word(token) in ("VALUE", "RETURNING", "ON", "WITH", "WITHOUT", "FORMAT")
    return grammar if name == "JSON_OBJECTAGG" else commas == 0


def _as_stored(name: str, parts: list[exp.Expression], returning: Optional[str]) -> list[exp.Expression]:
    """`parts` with each run of clause words as Postgres stores it (`_STORED`), and the default RETURNING left out."""
    out: list[exp.Expression] = []
    run: list[str] = []

    def flush() -> None:
        text = f" {' '.join(run)} "
        for written, stored in (*_STORED, (_DEFAULT_OF.get(name, "-"), "")):
            text = text.replace(f" {written} ", f" {stored} " if stored else " ")
        out.extend(exp.Var(this=w) for w in text.split())
        run.clear()

    for part in parts:
        if type(part) is exp.Var and part.name != ",":
            run.append(part.name)
            continue
        flush()
        if isinstance(part, exp.DataType) and _said(out, -1, "RETURNING") \
                and part.sql(dialect="postgres").lower() == returning:
            out.pop()
            continue
        out.append(part)
    flush()
    return out


def json_object_as_stored(node: exp.Expression) -> exp.Expression:
    """sqlglot's JSON_OBJECT(...) with its RETURNING type read as a type (sqlglot read `RETURNING json` as a
    column, which a CHECK then named: generate refused what inspect wrote) and its defaults left out (NULL ON
    NULL, WITHOUT UNIQUE KEYS), as for `_CALLS`; `RETURNING json` stays (without it, a jsonb value makes it jsonb)."""
    if not isinstance(node, exp.JSONObject):
        return node
    if node.args.get("null_handling") == "NULL ON NULL":
        node.set("null_handling", None)
    if node.args.get("unique_keys") is False:
        node.set("unique_keys", None)
    kind = node.args.get("return_type")
    inner = kind.this if isinstance(kind, exp.FormatJson) else kind
    if not isinstance(inner, exp.Expression):
        return node
    if not isinstance(inner, exp.DataType):
        inner = exp.DataType.build(inner.sql(dialect="postgres"), dialect="postgres", udt=True)
    if isinstance(kind, exp.FormatJson):
        kind.set("this", inner)
    else:
        node.set("return_type", inner)
    return node


def is_json_as_stored(node: Optional[exp.Expression]) -> Optional[exp.Expression]:
    """`x IS [NOT] JSON VALUE` and `... WITHOUT UNIQUE KEYS` as Postgres stores them: `IS JSON` (the defaults)."""
    test = node.this if isinstance(node, exp.Not) else node
    kind = test.expression if isinstance(test, exp.Is) else None
    if isinstance(kind, exp.JSON):
        if kind.args.get("this") == "VALUE":
            kind.set("this", None)
        if kind.args.get("with_") is False:
            kind.set("with_", None)
            kind.set("unique", None)
    return node
