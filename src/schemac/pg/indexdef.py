"""What only pg_get_indexdef states: each key's COLLATE clause.

pg_index.indcollation holds every key's collation, but not whether it differs from the key's own (a
column's, or an expression's, which SQL cannot ask for); pg_get_indexdef prints ``COLLATE`` exactly
when it does. Its text is read here, not parsed as SQL: the key list is split at top-level commas,
outside parentheses and quotes.
"""

from __future__ import annotations

from typing import Iterator, Optional

from schemac.model.collnames import collation_ref


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth before it) of each character outside quotes ('...', "...",
    with doubled quotes inside), from text[start]. Square brackets nest as parentheses do: a comma inside
    ARRAY[1, 2] or x[1:2] is not a list's."""
    depth, quote, i = 0, "", start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote and text.startswith(quote * 2, i):
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        else:
            yield i, ch, depth
            depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        i += 1


def top_level_items(text: str) -> list[str]:
    """`a, f(b, c), 'x, y'` -> ["a", "f(b, c)", "'x, y'"]: a list split at its top-level commas."""
    return [] if not text.strip() else _items(f"({text})", 0)


def _items(text: str, start: int) -> list[str]:
    """The comma-separated items of the parenthesized list opening at text[start] == "("."""
    items, begin = [], start + 1
    for i, ch, depth in _unquoted(text, start):
        if ch == ")" and depth == 1:
            return items + [text[begin:i].strip()]
        if ch == "," and depth == 1:
            items.append(text[begin:i].strip())
            begin = i + 1
    raise ValueError(f"unbalanced index definition: {text!r}")


def _collate_clause(item: str) -> Optional[str]:
    """The collation a top-level COLLATE in one key names."""
    for i, ch, depth in _unquoted(item):
        if depth == 0 and ch == " " and item.startswith(" COLLATE ", i):
            return collation_from_sql(item[i + len(" COLLATE "):])
    return None


def _name(text: str) -> list[str]:
    """The parts of the (quoted where it must be) dotted name `text` opens with."""
    parts, i = [], 0
    while True:
        if text.startswith('"', i):
            end = i + 1
            while True:
                end = text.index('"', end)
                if text.startswith('""', end):
                    end += 2
                    continue
                break
            parts.append(text[i + 1:end].replace('""', '"'))
            i = end + 1
        else:
            end = i
            while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
                end += 1
            parts.append(text[i:end])
            i = end
        if not text.startswith(".", i):
            break
        i += 1
    return parts


def collation_from_sql(text: Optional[str]) -> Optional[str]:
    """The model's name (model.collnames) of a collation SQL names (regcollation's text, a key's COLLATE),
    printed under search_path = public: unqualified there means pg_catalog's or public's."""
    if text is None:
        return None
    parts = _name(text)
    return parts[-1] if len(parts) == 1 else collation_ref(parts[-2], parts[-1])


def key_collations(definition: str, key_count: int) -> tuple[Optional[str], ...]:
    """Per key column of the index pg_get_indexdef describes: the collation its COLLATE clause names,
    or None where it has none."""
    at = definition.index(" USING ")
    items = _items(definition, definition.index("(", at))
    return tuple(_collate_clause(item) for item in items[:key_count])
