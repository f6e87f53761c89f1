"""The SQL/JSON and XML calls whose arguments are keyword clauses, as pg_get_expr prints them: sqlglot refused
`JSON_VALUE(j, '$."a"' PASSING n AS x RETURNING text)`, `JSON_QUERY(... RETURNING jsonb WITHOUT WRAPPER KEEP
QUOTES)`, `JSON_EXISTS(... TRUE ON ERROR)`, `JSON_SERIALIZE(j RETURNING text)`, `JSON(s WITH UNIQUE KEYS)`,
`JSON_ARRAY(a, b RETURNING json)`, `XMLEXISTS(p PASSING (x))`, `XMLPI(NAME n, s)`, `XMLROOT(x, VERSION v,
STANDALONE YES)`: generate refused what inspect wrote.

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

from schemac.pg.syntax import SpelledCall

# Words of the clauses (each function's grammar in Postgres's gram.y); any other word where a clause starts
# is refused here, not by Postgres when the migration runs.
_JSON_WORDS = frozenset({"PASSING", "AS", "RETURNING", "FORMAT", "JSON", "ENCODING", "UTF8", "UTF16", "UTF32", "WITH",
                         "WITHOUT", "CONDITIONAL", "UNCONDITIONAL", "ARRAY", "WRAPPER", "KEEP", "OMIT", "QUOTES", "ON",
                         "SCALAR", "STRING", "EMPTY", "OBJECT", "ERROR", "NULL", "TRUE", "FALSE", "UNKNOWN", "DEFAULT",
                         "UNIQUE", "KEYS", "ABSENT"})
_XML_WORDS = frozenset({"PASSING", "BY", "REF", "VALUE", "NAME", "VERSION", "NO", "STANDALONE", "YES"})
# name -> (the words of its clauses, the words that start a clause where an argument may stand, its default
# RETURNING type)
_CALLS = {"JSON_VALUE": (_JSON_WORDS, (), "text"), "JSON_QUERY": (_JSON_WORDS, (), "jsonb"),
          "JSON_EXISTS": (_JSON_WORDS, (), None), "JSON_SERIALIZE": (_JSON_WORDS, (), "text"),
          "JSON": (_JSON_WORDS, (), None), "JSON_ARRAY": (_JSON_WORDS, ("RETURNING",), "json"),
          "XMLEXISTS": (_XML_WORDS, (), None), "XMLPI": (_XML_WORDS, ("NAME",), None),
          "XMLROOT": (_XML_WORDS, ("VERSION", "STANDALONE"), None)}
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
_DEFAULT_OF = {"JSON_EXISTS": "FALSE ON ERROR", "JSON_ARRAY": "ABSENT ON NULL"}


def _word(token) -> Optional[str]:
    """A token's text in upper case, unless it is a string, a number or a quoted name."""
    if token is None or token.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER):
        return None
    return token.text.upper()


def keyword_call(parser) -> Optional[exp.Expression]:
    """One of `_CALLS` at a unary operand (with what follows it: `::text`), else None (nothing consumed)."""
    name = _word(parser._curr)
    if name not in _CALLS or parser._next is None or parser._next.token_type != TokenType.L_PAREN:
        return None
    words, leading, returning = _CALLS[name]
    parser._advance(2)
    parts: list[exp.Expression] = []
    argument = True  # where an argument (an expression) stands: first, after a comma, DEFAULT, PASSING, VERSION
    while parser._curr is not None and parser._curr.token_type != TokenType.R_PAREN:
        word = _word(parser._curr)
        if parser._match(TokenType.COMMA):
            parts.append(exp.Var(this=","))
            argument = True
        elif argument and word not in leading and not (word == "BY" and parts and parts[-1].name == "PASSING") \
                and not (word == "NO" and _word(parser._next) == "VALUE"):
            parts.append(parser._parse_assignment())
            argument = False
        elif word in words:
            parser._advance()
            parts.append(exp.Var(this=word))
            argument = word in ("DEFAULT", "PASSING", "VERSION") \
                or (word in ("REF", "VALUE") and len(parts) > 2 and parts[-3].name == "PASSING")
            if word == "RETURNING":
                parts.append(parser._parse_types())
            elif word in ("AS", "NAME"):
                parts.append(parser._parse_id_var(any_token=True))
        else:
            parser.raise_error(f"Unexpected {parser._curr.text} in {name}(...)")
            return None
    parser._match_r_paren()
    return parser._parse_column_ops(SpelledCall(this=name, expressions=_as_stored(name, parts, returning)))


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
        if isinstance(part, exp.DataType) and out and out[-1].name == "RETURNING" \
                and part.sql(dialect="postgres").lower() == returning:
            out.pop()
            continue
        out.append(part)
    flush()
    return out
