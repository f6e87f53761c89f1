"""pg_catalog's array operators a bare symbol means, kept from intarray where the migration's search_path holds it.

intarray's `@>`, `<@` and `&&` on (integer[], integer[]) are exact where pg_catalog's (anyarray) are polymorphic, so
a bare `tags @> ARRAY[1]` finds intarray's wherever its schema is on the search_path, whatever the path's order.
compare.normalize leaves its schema off the migration's path (pinned by plan.preamble) for that reason, but another
declared extension there takes it along (Supabase's `extensions`, holding pg_trgm and intarray alike): a CHECK, an
index's WHERE, a policy or a view that the catalog reader (search_path public) printed with pg_catalog's bare
symbol, as `inspect` writes it (intarray's is printed `OPERATOR(extensions.@>)`), was made with intarray's, another
operator (an error on a NULL element, another index's operator class; the deparse differs). Where that is so, the
migration names such a symbol `OPERATOR(pg_catalog.@>)`: pg_catalog's anyarray operator takes any array, and an
operand that is no array finds no intarray operator either. Which symbols: compare.captures (in force:
compare.normalize.captured)."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.normalize import captured
from schemac.pg.sqllex import LexError, tokens
from schemac.pg.syntax import Printed

_SYMBOLS = {exp.ArrayContainsAll: "@>", exp.ArrayContainedBy: "<@", exp.ArrayOverlaps: "&&"}


def qualified(statement: exp.Expression) -> exp.Expression:
    """`statement` with each bare operator of the symbols in force (compare.normalize.captured) named
    OPERATOR(pg_catalog.X): in a tree, its nodes; in a Command, the text's operator tokens (strings, dollar quotes,
    quoted names and comments left alone), and in a tree's Printed text."""
    symbols = captured()
    if not symbols:
        return statement
    if isinstance(statement, exp.Command):
        text = str(statement.expression or "")
        new = _qualified_text(text, symbols)
        return statement if new == text else exp.Command(this=statement.this, expression=new)

    def bare(node: exp.Expression) -> exp.Expression:
        if isinstance(node, Printed):  # (a column's or CHECK's definition printed before: its text)
            text = _qualified_text(node.name, symbols)
            return node if text == node.name else Printed(this=text, keys=node.args.get("keys"))
        symbol = _SYMBOLS.get(type(node))  # type: ignore[call-overload]
        return exp.Operator(this=node.this, operator=f"pg_catalog.{symbol}", expression=node.expression) \
            if symbol in symbols else node

    return statement.transform(bare) if any(statement.find_all(Printed, *_SYMBOLS)) else statement


def _qualified_text(text: str, symbols: frozenset[str]) -> str:
    if not any(s in text for s in symbols):
        return text
    try:
        toks = tokens(text)
    except LexError:
        return text
    for i in reversed(range(len(toks))):
        t = toks[i]
        # (not the symbol of an OPERATOR(schema.X) or OPERATOR(X) already written)
        if t.kind == "op" and t.text in symbols and not (i and toks[i - 1].kind in (".", "(")):
            end = t.start + len(t.text)
            text = text[:t.start] + ("" if text[t.start - 1:t.start].isspace() else " ") \
                + f"OPERATOR(pg_catalog.{t.text})" + ("" if text[end:end + 1].isspace() else " ") + text[end:]
    return text
