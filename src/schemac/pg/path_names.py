"""A query's text with the names of schemas on the search path after public taken off (compare.normalize.searched:
the declared extensions' schemas), for the comparison of a view's query as written with a deparse: the catalog reader
(search_path public alone) prints `ext.similarity(name, 'x'::text)` and `h OPERATOR(ext.->) 'a'::text` where
schema.yaml, as the database it was written against, says `similarity(name, 'x'::text)` and `h -> 'a'::text`.

Tokens only (pg.sqllex: strings, quoted names and comments are left alone), no sqlglot: a call `schema.name(`, a
type after `::` and an `OPERATOR(schema.op)` lose the schema. Postgres parenthesizes a deparse by its operators'
symbols, so a bare symbol reads as the qualified one did. Also the normal form of a verbatim expression
(compare.on_path.verbatim_text), so fingerprinted with it.
"""

from __future__ import annotations

from schemac.pg.sqllex import LexError, Token, tokens


def _name(t: Token) -> str | None:
    if t.kind == "word":
        return t.text.lower()
    return t.text[1:-1].replace('""', '"') if t.kind == "name" else None


def unqualified_text(text: str, path: tuple[str, ...]) -> str:
    """`text` with the schemas of `path` taken off its calls, casts' types and OPERATOR()s (see the module's
    docstring); as it is where it does not lex."""
    if not path:
        return text
    try:
        toks = tokens(text)
    except LexError:
        return text
    cuts: list[tuple[int, int, str]] = []  # (start, end, what stands there instead)
    for i, t in enumerate(toks[:-2]):
        if _name(t) not in path or toks[i + 1].kind != ".":
            continue
        after = toks[i + 2]
        before = toks[i - 1] if i else None
        if after.kind in ("word", "name") and ((i + 3 < len(toks) and toks[i + 3].kind == "(")
                                               or (before is not None and before.kind == "::")):
            cuts.append((t.start, after.start, ""))
        elif after.kind == "op" and i >= 2 and toks[i - 1].kind == "(" and _name(toks[i - 2]) == "operator" \
                and i + 3 < len(toks) and toks[i + 3].kind == ")":
            cuts.append((toks[i - 2].start, toks[i + 3].start + 1, after.text))
    for start, end, instead in reversed(cuts):
        text = text[:start] + instead + text[end:]
    return text
