"""Narrower modifiers its CHECKs prove every value fits: `varchar(255)` -> `varchar(50)` under `CHECK (char_length(x) <=
50)`, `numeric(12,2)` -> `numeric(8,2)` under `CHECK (x >= 0 AND x < 1000000)`, a plain geometry given the typmod of
its PostGIS 1.x CHECKs (compare.spatial_checks). Postgres guarantees every row of the table and of its children passes
its validated, enforced, inheriting CHECKs (a NULL too, which fits any modifier), so such a retype rejects, truncates
and rounds nothing: plan.hazards does not count it destructive. Read exactly, or not at all: a top-level AND's parts
(an `x IS NULL OR` beside one too), each a character count of the column (char_length, character_length, length, or
octet_length, as many bytes being at least as many characters) against a constant, or the column against a number;
from text or a varchar (not a char(n), whose cast trims blanks) to a varchar, from a numeric of no greater scale or an
integer to a numeric (a scale kept or widened rounds nothing; a value below 10^(precision - scale) fits), from an
integer or a numeric of scale 0 to a narrower integer type (bigint -> integer within -2^31 and 2^31 - 1); any other
CHECK, a domain, an array, a `using:` proves nothing."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.spatial_checks import proven_type
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.pg.casts import INT_DIGITS, type_parts
from schemac.pg.names import quote_ident
from schemac.pg.postgis import MAYBE, YES, fits, spatial

_STRINGS = ("text", "character varying", "varchar")
_NUMBER = r"'?(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)'?((?:::(?:numeric|integer|bigint|smallint|int[248]?))*)"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_RANGES = {"smallint": 2 ** 15 - 1, "integer": 2 ** 31 - 1, "bigint": 2 ** 63 - 1}  # (each from -max - 1 to max)


def _conjuncts(text: str) -> list[str]:
    """The parts of `text`'s top-level AND chain (outer parentheses, and strings, read as such); `text` whole where an
    OR stands beside them, which binds looser (`a OR b AND c` is `a OR (b AND c)`)."""
    text = text.strip()
    while text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    cuts, depth, quoted = [], 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "()":
            depth += 1 if ch == "(" else -1
        elif not quoted and depth == 0 and text[i:i + 4].upper() == " OR ":
            return [text]
        elif not quoted and depth == 0 and text[i:i + 5].upper() == " AND ":
            cuts.append(i)
    if not cuts:
        return [text]
    bounds = [0, *[c + 5 for c in cuts]], [*cuts, len(text)]
    return [p for a, b in zip(*bounds) for p in _conjuncts(text[a:b])]


def _closing(text: str, at: int) -> int:
    """Where the parenthesis opened at `at` closes (-1: never)."""
    depth, quoted = 0, False
    for i in range(at, len(text)):
        if text[i] == "'":
            quoted = not quoted
        elif not quoted and text[i] == "(":
            depth += 1
        elif not quoted and text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _number(digits: str, casts: str) -> Optional[Decimal]:
    """The constant's value; None where a cast to an integer type rounds it (`'1.5'::integer`)."""
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value if "int" not in casts or value == value.to_integral_value() else None


def _bounds(column: str, part: str) -> Optional[tuple[str, str, Decimal]]:
    """("chars" or "value", the comparison as `<column's side> op constant`, the constant) of one conjunct, or None."""
    col = rf"(?:{re.escape(column)}|{re.escape(quote_ident(column))})"
    flat = re.sub(r" ?:: ?", "::", " ".join(part.replace("(", " ").replace(")", " ").split()))  # (around terms)
    null = rf"{col} (?i:is null)"  # (a NULL fits any modifier)
    flat = re.sub(rf" (?i:or) {null}$", "", re.sub(rf"^{null} (?i:or) ", "", flat))
    chars = rf"(?i:(?:pg_catalog\.)?(?:char_length|character_length|length|octet_length)) {col}(?:::(?i:text|character varying))?"
    for what, side in (("chars", chars), ("value", col)):
        if (m := re.fullmatch(rf"{side} (<=|<|>=|>) {_NUMBER}", flat, re.I)) is not None:
            op, digits, casts = m.groups()
        elif (m := re.fullmatch(rf"{_NUMBER} (<=|<|>=|>) {side}", flat, re.I)) is not None:
            digits, casts, op = m.group(1), m.group(2), _FLIP[m.group(3)]
        else:
            continue
        value = _number(digits, casts.lower())
        return None if value is None else (what, op, value)
    return None


def _proofs(table: Table, column: str) -> list[tuple[str, tuple[str, str, Decimal]]]:
    """(CHECK name, bound) for each bound `table`'s validated, enforced, inheriting CHECKs set on `column`."""
    out = []
    for check in table.checks:
        if check.not_valid or not check.enforced or check.no_inherit:  # (rows unchecked, or a child's not)
            continue
        out += [(check.name, b) for part in _conjuncts(" ".join(check.expression.split()))
                if (b := _bounds(column, part)) is not None]
    return out


def _proving(old: str, new: str, proofs: list[tuple[str, tuple[str, str, Decimal]]]) -> tuple[str, ...]:
    """The names of the CHECKs proving every value of type `old` fits `new` (none: not proven)."""
    ob, op_, oa = type_parts(old)
    nb, np_, na = type_parts(new)
    if oa or na:
        return ()
    if ob in _STRINGS and nb in _STRINGS[1:] and np_ and not (op_ and np_[0] >= op_[0]):  # (narrowed)
        names = [n for n, (what, op, v) in proofs if what == "chars" and (op == "<=" and v <= np_[0] or
                                                                           op == "<" and v <= np_[0] + 1)]
        return tuple(names[:1])
    scale = op_[1] if len(op_) == 2 else 0
    if nb in _RANGES and (ob in _RANGES and _RANGES[nb] < _RANGES[ob] or  # (narrowed, no fraction to round)
                          ob == "numeric" and op_ and scale <= 0 and 10 ** (op_[0] - scale) > _RANGES[nb] + 1):
        return _bounded(proofs, Decimal(_RANGES[nb] + 1), Decimal(-_RANGES[nb] - 2))
    if nb != "numeric" or not np_ or not (ob in INT_DIGITS or ob == "numeric" and op_):
        return ()
    scale = 0 if ob in INT_DIGITS else scale
    new_scale = np_[1] if len(np_) == 2 else 0
    digits = INT_DIGITS[ob] if ob in INT_DIGITS else op_[0] - scale
    if new_scale < scale or np_[0] - new_scale >= digits:  # (rounded; or widened)
        return ()
    limit = Decimal(10) ** (np_[0] - new_scale)  # (|value| < limit fits: values at the old scale are not rounded)
    return _bounded(proofs, limit, -limit)


def _bounded(proofs: list[tuple[str, tuple[str, str, Decimal]]], above: Decimal, below: Decimal) -> tuple[str, ...]:
    """The names of CHECKs keeping every value under `above` and over `below` (both: else none): `x < U` where U <=
    above, `x <= U` where U < above (an integer's too: U < max + 1 is floor(U) <= max), and the same below."""
    upper = [n for n, (what, op, v) in proofs if what == "value" and (op == "<" and v <= above or op == "<=" and v < above)]
    lower = [n for n, (what, op, v) in proofs if what == "value" and (op == ">" and v >= below or op == ">=" and v > below)]
    return tuple(sorted({upper[0], lower[0]})) if upper and lower else ()


def checked_fits(changes: list[Change], old: Table) -> list[Change]:
    """`changes` with each retype of one of `old`'s columns to modifiers its CHECKs prove every value fits marked
    `fits_by` (the CHECKs' names): plan.hazards does not count it destructive."""
    out = []
    for c in changes:
        if c.kind == "alter_column_type" and not c.new.using:  # type: ignore[union-attr]
            was, will, name = c.old.type, c.new.type, c.old.name  # type: ignore[union-attr]
            if fits(was, will) == MAYBE:
                proven, names = proven_type(old, name)
                plain = spatial(was)
                if proven is not None and plain is not None and plain.kind == "geometry" and plain.shape is None and \
                        plain.srid == 0 and fits(proven, will) == YES:
                    c = replace(c, fits_by=names)
            elif (names := _proving(was, will, _proofs(old, name))):
                c = replace(c, fits_by=names)
        out.append(c)
    return out
