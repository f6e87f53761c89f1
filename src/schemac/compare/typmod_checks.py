"""Narrower modifiers its CHECKs prove every value fits: `varchar(255)` -> `varchar(50)` under `CHECK (char_length(x) <=
50)`, `numeric(12,2)` -> `numeric(8,2)` under `CHECK (x >= 0 AND x < 1000000)`, a plain geometry given the typmod of
its PostGIS 1.x CHECKs (compare.spatial_checks). Postgres guarantees every row of the table and of its children passes
its validated, enforced, inheriting CHECKs (a NULL too, which fits any modifier), and every value of a column of a
domain its validated CHECKs on VALUE, so such a retype rejects, truncates and rounds nothing: plan.hazards does not
count it destructive. Read exactly, or not at all: ANDs and ORs (an OR bounds where each of its parts does, `x IS
NULL` any way), BETWEEN [SYMMETRIC] as schema.yaml writes it, each other part a character count of the column
(char_length, character_length, length, or octet_length, as many bytes being at least as many characters) against a
constant, or the column against a number; from text or a varchar (not a char(n), whose cast trims blanks) to a
varchar, from a numeric of no greater scale or an integer to a numeric (a scale kept or widened rounds nothing; a value
below 10^(precision - scale) fits), from an integer or a numeric of scale 0 to a narrower integer type (bigint ->
integer within -2^31 and 2^31 - 1); any other CHECK, an array, a `using:` proves nothing."""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.null_attributes import null_held_by
from schemac.compare.spatial_checks import proven_type
from schemac.compare.types import domain_chain
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.pg.casts import INT_DIGITS, type_parts
from schemac.pg.names import qualified, quote_ident
from schemac.pg.postgis import MAYBE, YES, fits, spatial
from schemac.pg.sqllex import LexError, tokens
from schemac.pg.verbatim import without_comments
from schemac.pg.types import type_name

_STRINGS = ("text", "character varying", "varchar")
_NUMBER = r"'?(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)'?((?:::(?:numeric|integer|bigint|smallint|int[248]?))*)"
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_RANGES = {"smallint": 2 ** 15 - 1, "integer": 2 ** 31 - 1, "bigint": 2 ** 63 - 1}  # (each from -max - 1 to max)


def _parts(text: str, word: str) -> list[str]:
    """The parts of `text`'s top-level `word` (AND, OR) chain, as Postgres's lexer reads it (strings, quoted names and
    comments hold no word); an AND that ends a BETWEEN (`x BETWEEN 0 AND 9`) is the BETWEEN's own. One part: no such
    chain, or a text that does not tokenize (which then proves nothing)."""
    try:
        toks = tokens(text)
    except LexError:
        return [text]
    parts, at, between = [], 0, False
    for t in toks:
        if t.depth or t.kind != "word" or t.text.upper() not in ("BETWEEN", word):
            continue
        if t.text.upper() == "BETWEEN" or (word == "AND" and between):
            between = not between
            continue
        parts.append(text[at:t.start].strip())
        at = t.start + len(t.text)
    return parts + [text[at:].strip()]


def _unwrapped(text: str) -> str:
    """`text` without the parentheses around the whole of it (read by Postgres's lexer: a parenthesis in a string,
    `E'it\\'s)'` too, is none)."""
    text = text.strip()
    while text.startswith("("):
        try:
            toks = tokens(text)
        except LexError:
            return text
        close = next((t for t in toks[1:] if t.depth == 0), None)  # the first token back at the top: its ")"
        if close is None or close is not toks[-1] or close.text != ")":
            break
        text = text[1:close.start].strip()
    return text


def _number(digits: str, casts: str) -> Optional[Decimal]:
    """The constant's value; None where a cast to an integer type rounds it (`'1.5'::integer`)."""
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value if "int" not in casts or value == value.to_integral_value() else None


Bound = tuple[str, str, Decimal]  # ("chars" or "value", the comparison as `<column's side> op constant`, the constant)
_NULL = "null"  # what `column IS NULL` proves: every value (a NULL fits any modifier)


def _atom(column: str, part: str) -> "list[Bound] | str":
    """The bounds one comparison sets on the column (`x BETWEEN a AND b` two, SYMMETRIC in either order), _NULL for
    `x IS NULL`; none for anything else (proves nothing)."""
    col = rf"(?:{re.escape(column)}|{re.escape(quote_ident(column))})"
    flat = re.sub(r" ?:: ?", "::", " ".join(part.replace("(", " ").replace(")", " ").split()))  # (around terms)
    if re.fullmatch(rf"{col} is null", flat, re.I):
        return _NULL
    chars = rf"(?i:(?:pg_catalog\.)?(?:char_length|character_length|length|octet_length)) {col}(?:::(?i:text|character varying))?"
    for what, side in (("chars", chars), ("value", col)):
        if (m := re.fullmatch(rf"{side} between (symmetric |asymmetric )?{_NUMBER} and {_NUMBER}", flat, re.I)) is not None:
            low, high = _number(m.group(2), m.group(3).lower()), _number(m.group(4), m.group(5).lower())
            if low is None or high is None:
                return []
            low, high = sorted((low, high)) if m.group(1) and m.group(1).lower().startswith("s") else (low, high)
            return [(what, ">=", low), (what, "<=", high)]
        if (m := re.fullmatch(rf"{side} (<=|<|>=|>) {_NUMBER}", flat, re.I)) is not None:
            op, digits, casts = m.groups()
        elif (m := re.fullmatch(rf"{_NUMBER} (<=|<|>=|>) {side}", flat, re.I)) is not None:
            digits, casts, op = m.group(1), m.group(2), _FLIP[m.group(3)]
        else:
            continue
        value = _number(digits, casts.lower())
        return [] if value is None else [(what, op, value)]
    return []


def _implied(column: str, text: str) -> "list[Bound] | str":
    """The bounds every value of the column passing the expression `text` has (a CHECK passing on NULL: a bound read
    exactly or not at all): an AND's parts' together, an OR's the weakest each of its parts sets (`x IS NULL OR (x >= 0
    AND x < 100)`, `x BETWEEN SYMMETRIC` as Postgres stores it), none where one part sets none (`x < 9 OR y > 0`)."""
    text = _unwrapped(text)
    if len(ors := _parts(text, "OR")) > 1:
        sides = [side for p in ors if (side := _implied(column, p)) != _NULL]
        return _weakest(sides) if sides else _NULL  # type: ignore[arg-type]
    if len(ands := _parts(text, "AND")) > 1:
        each = [_implied(column, p) for p in ands]
        return _NULL if _NULL in each else [b for side in each for b in side]
    return _atom(column, text)


def _strength(bound: Bound) -> tuple:
    """Smaller is stronger: `x < 5` than `x <= 5` than `x < 6`; `x > 5` than `x >= 5` than `x > 4`."""
    _, op, value = bound
    return (value, op == "<=") if op[0] == "<" else (-value, op == ">=")


def _weakest(sides: list[list[Bound]]) -> list[Bound]:
    """The bounds every one of `sides` sets: for each kind and direction, the weakest of each side's strongest."""
    out = []
    for kind in sorted({(b[0], b[1][0]) for b in sides[0]}):
        strongest = [min((b for b in side if (b[0], b[1][0]) == kind), key=_strength, default=None) for side in sides]
        if None not in strongest:
            out.append(max(strongest, key=_strength))  # type: ignore[arg-type]
    return out


def _proofs(checks: tuple, column: str, owner: str = "") -> list[tuple[str, Bound]]:
    """(CHECK name, bound) for each bound the validated, enforced, inheriting `checks` set on `column` (`owner`: of a
    domain's, said after its name)."""
    out = []
    for check in checks:
        if check.not_valid or not check.enforced or check.no_inherit:  # (rows unchecked, or a child's not)
            continue
        try:
            implied = _implied(column, without_comments(check.expression))
        except LexError:  # (proves nothing)
            continue
        out += [(check.name + owner, b) for b in implied] if implied != _NULL else []
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


def _under_domains(type_text: str, domains: dict) -> tuple[str, list[tuple[str, Bound]]]:
    """The type under `type_text`'s domains (itself where it is none), and the bounds their validated CHECKs set on
    VALUE (a domain's over a domain's too): Postgres checks each value of a column of the domain against them. Its own
    walk, not compare.types.domain_chain's: it stops at a domain over an array (the CHECKs of a domain under the
    brackets bound each element, not VALUE) and gives the type it stops at."""
    proofs: list[tuple[str, Bound]] = []
    seen = set()
    while (key := type_name(type_text)) in domains and key not in seen and not type_text.rstrip().endswith("]"):
        seen.add(key)
        proofs += _proofs(domains[key].checks, "value", f" of domain {qualified(*key)}")
        type_text = domains[key].type
    return type_text, proofs


def _domain_held(c: Change, old: Table, was: str, will: str, proofs: list, domains: tuple[dict, dict]
                 ) -> Optional[tuple[str, ...]]:
    """The names of what proves each CHECK and NOT NULL of the domain `c` retypes a column to (and of each domain under
    it), which ALTER COLUMN ... TYPE checks every value against (refusing the migration where one fails), holds for
    every value the column holds (`domains`: the current and desired ones): its validated NOT NULL (or that of the
    domain it was of) for a NOT NULL; for a CHECK, an AND of bounds (_atom's: each part a bound read exactly) that
    the column's bounds imply, from a string type to a string type (characters) or a number type to a number type
    (the value, which a retype whose base fits keeps), or the same validated CHECK of a domain the column is of already
    (a domain over it). None where one is not proven (`VALUE ~ '^[A-Z]+$'`; `x IS
    NULL` proves no bound)."""
    held: list[str] = []
    current, desired = domains
    col = next((x for x in old.columns if x.name == c.old.name), None)  # type: ignore[union-attr]
    if col is None:
        return None
    kinds = {"chars": _STRINGS, "value": ("numeric", *_RANGES)}
    was_of = set() if col.type.rstrip().endswith("]") else set(domain_chain(col.type, current))
    for key in domain_chain(c.new.type, desired):  # type: ignore[union-attr]
        d = desired[key]
        if d.not_null:
            if (by := null_held_by(col, current)) is None:
                return None
            held.append(by)
        for check in d.checks:
            if key in was_of and any(k.expression == check.expression and not k.not_valid and k.enforced
                                     for k in current[key].checks):  # (a domain the column is of already: every
                held.append(f"{check.name} of domain {qualified(*key)}")  # value passed it, `email` -> `work_email`)
                continue
            text = re.sub(rf"\(VALUE\)::{re.escape(type_parts(will)[0])}\b(?!\s*[(\[])", "VALUE",  # (over a domain:
                          without_comments(check.expression), flags=re.I)  # its base's value, as it is, cast to that)
            parts = _parts(_unwrapped(text), "AND")
            bounds = [_atom("value", _unwrapped(p)) for p in parts]
            if not bounds or any(not isinstance(b, list) or not b for b in bounds):
                return None
            names = []
            for what, op, v in (b for each in bounds for b in each):  # type: ignore[union-attr]
                if type_parts(was)[0] not in kinds[what] or type_parts(will)[0] not in kinds[what]:
                    return None
                whole = what == "chars" or type_parts(was)[0] in _RANGES and type_parts(will)[0] in _RANGES
                by = [n for n, (w, o, u) in proofs
                      if w == what and o[0] == op[0] and _stronger((o, u), (op, v), whole)]
                if not by:
                    return None
                names.append(by[0])
            held += sorted(set(names))
    return tuple(dict.fromkeys(held))


def _stronger(have: tuple[str, Decimal], need: tuple[str, Decimal], whole: bool) -> bool:
    """Whether a bound `have` (op, constant) on a value, in the same direction as `need`, implies `need` (`whole`: of
    a whole number, a count of characters or an integer's value: `> 0` is `>= 1`)."""
    (o, u), (op, v) = _closed(*have) if whole else have, _closed(*need) if whole else need
    if op[0] == "<":
        return u < v or u == v and (o == "<" or op == "<=")
    return u > v or u == v and (o == ">" or op == ">=")


def _closed(op: str, value: Decimal) -> tuple[str, Decimal]:
    """A bound on a whole number as `<=` or `>=` a whole number (`x < 2.5` is `x <= 2`, `x > 0` is `x >= 1`)."""
    whole = value == value.to_integral_value()
    if op[0] == "<":
        return "<=", (value - 1 if op == "<" and whole else value).to_integral_value(ROUND_FLOOR)
    return ">=", (value + 1 if op == ">" and whole else value).to_integral_value(ROUND_CEILING)


def checked_fits(changes: list[Change], old: Table, domains: Optional[dict] = None,
                 desired: Optional[dict] = None) -> list[Change]:
    """`changes` with each retype of one of `old`'s columns to modifiers (those of a domain's base: `varchar(20)` of
    a domain over it) its CHECKs, or those of the domain it was of (`domains`: the current ones by (schema, name)),
    prove every value fits marked `fits_by` (the CHECKs' names): plan.hazards does not count it destructive. One to a
    domain that checks (`to_checked`) is so only where each of its CHECKs and NOT NULL is proven to hold too
    (_domain_held; `desired`: the desired domains): `to_checked` then keeps its base alone; else it stays whole, and
    `fits_by` names what proves the base alone (ALTER ... TYPE refuses the whole statement where a value fails a CHECK
    or NOT NULL of the domain: nothing is lost, so it is warned of, not refused)."""
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
            else:
                was, of_domains = _under_domains(was, domains or {})
                will = c.to_base or (c.to_checked[0] if c.to_checked else will)  # (a domain's base)
                proofs = _proofs(old.checks, name) + of_domains
                held = _domain_held(c, old, was, will, proofs, (domains or {}, desired or {})) if c.to_checked else ()
                if c.to_checked and held is None:  # (a value may fail its domain's checks, which ALTER ... TYPE
                    # checks each value against, refusing the whole statement: its base proven alone, not destructive,
                    # warned of by plan.null_checks.checked_domain_warning)
                    names = _proving(was, will, proofs)
                    out.append(replace(c, fits_by=names) if names else c)
                    continue
                if c.to_checked:
                    c = replace(c, to_checked=c.to_checked[:1])  # (each of its checks proven: plan.hazards)
                names = _proving(was, will, proofs)
                if names or held and type_parts(was) == type_parts(will):
                    c = replace(c, fits_by=tuple(dict.fromkeys(names + held)))  # type: ignore[operator]
        out.append(c)
    return out
