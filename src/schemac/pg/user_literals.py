"""Constants spelled `type 'string'` of a type sqlglot does not know (`mood 'happy'`, `app."Level" '5'`, `tsquery 'a'`):
Postgres's grammar reads `func_name Sconst` as the string cast to the type, and stores it `'happy'::mood`. sqlglot
reads the form for its own types alone (`DATE '2024-01-01'`) and refused these, which were kept verbatim and compared
as text: drift against the catalog's `'happy'::mood` after every migration. Its Sconst is any string the lexer reads
as one (`mood E'h\\x61ppy'`, `mood U&'h\\0061ppy'`, `mood $$happy$$`), each a kind of string token of sqlglot's."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp
from sqlglot.tokens import TokenType

from schemac.pg.verbatim import BEFORE_STRINGS

_NAMES = (TokenType.VAR, TokenType.IDENTIFIER)
# Postgres's SCONST, in sqlglot's tokens ('x', E'x', U&'x', $$x$$): not B'101' nor X'1F', other constants.
SCONST_TOKENS = (TokenType.STRING, TokenType.BYTE_STRING, TokenType.UNICODE_STRING, TokenType.HEREDOC_STRING)


def user_typed_literal(parser) -> Optional[exp.Expression]:
    """The cast of `name 'x'` (or `schema.name 'x'`) at the parser's operand, with what follows it (`::text`), or None
    (nothing consumed) where the operand is not so spelled. The type as a cast after `::` names it (a word sqlglot
    knows as another dialect's type, `short`, a name already: pg.foreign_names.user_type_tokens)."""
    toks, at = parser._tokens, parser._index
    first = parser._curr
    if first is None or first.token_type not in _NAMES or (
            first.token_type == TokenType.VAR and first.text.upper() in BEFORE_STRINGS):
        return None
    dotted = at + 3 < len(toks) and toks[at + 1].token_type == TokenType.DOT and toks[at + 2].token_type in _NAMES
    end = at + 3 if dotted else at + 1
    if end >= len(toks) or toks[end].token_type not in SCONST_TOKENS:
        return None
    names = [exp.Identifier(this=t.text, quoted=t.token_type == TokenType.IDENTIFIER) for t in toks[at:end:2]]
    kind = exp.Dot(this=names[0], expression=names[1]) if dotted else names[0]
    parser._advance(end - at)
    cast = parser.expression(exp.Cast(this=parser._parse_primary(),
                                      to=exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=kind)))
    return parser._parse_column_ops(cast)
