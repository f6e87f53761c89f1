"""Which type changes keep every value: a column retyped so is no destructive change (plan.hazards asks).

A type change is safe only when every value of the old type fits the new one unchanged
(``varchar(80)`` -> ``varchar(200)`` or ``text``, ``text`` -> ``varchar``, ``integer`` -> ``bigint``, ``numeric(3,2)`` ->
``numeric(6,2)``, ``interval second(1)`` -> ``interval``, ``interval hour to minute`` -> ``interval day to second``,
``char(1)`` -> ``text``, whose padding blanks bpchar ignores,
``text`` -> ``citext``, ``hstore`` -> ``jsonb``, ``cidr`` -> ``inet``, ``macaddr`` -> ``macaddr8``, ``"char"`` -> ``text``,
``uuid`` -> ``text``, ``inet`` -> ``text``, ``integer`` -> ``text``, ``smallint`` -> ``real``, ``integer`` -> ``double precision``,
``xml`` -> ``text``, ``jsonb`` -> ``json`` or ``text``, ``json`` -> ``text``, ``text[]`` -> ``text``, a
composite of such types -> ``text`` (plan.hazards, by its `leaves`), a range or
multirange of Postgres's to one over a wider subtype: ``int4range`` -> ``int8range``, ``daterange`` -> ``tsrange``).
Everything else may truncate, round, reinterpret or fail.
"""

from __future__ import annotations

from schemac.pg import pgvector
from schemac.pg.casts import INT_DIGITS, base_and_dims, type_parts as _split
from schemac.pg.intervals import interval_kept
from schemac.pg.knowntypes import widens_extension
from schemac.pg.postgis import YES, fits
from schemac.pg.range_casts import MULTIRANGES, RANGES
from schemac.plan.folded_keys import extension_string

_WIDENINGS = {("smallint", "integer"), ("smallint", "bigint"), ("integer", "bigint"), ("real", "double precision"),
              ("character varying", "text"), ("bit varying", "bit varying"), ("date", "timestamp without time zone"),
              ("name", "text"), ("oid", "bigint"), ("cidr", "inet"), ("macaddr", "macaddr8"), ('"char"', "text"),
              ("smallint", "real"), ("smallint", "double precision"), ("integer", "double precision"),
              ("xml", "text"), ("jsonb", "json"), ("jsonb", "text"), ("json", "text")}
# (an oid is an unsigned 4-byte integer; a name, 63 bytes at most; every cidr is an inet of the same text; a macaddr
# is a macaddr8 with FF:FE in its middle, which the cast back takes out; a "char" is one byte, read back as text; a
# real holds every integer of 24 bits, a double precision of 53, exactly, each printed as its digits below 10^6 and
# 10^15: so every smallint and integer, not a bigint (2^53 + 1), nor an integer in a real (16777217 -> 16777216); an
# xml value is stored as its text, which the cast to text gives whole: a document's XML declaration, which xml's output
# leaves out, is kept; a jsonb value prints as its normal text, which json and text keep whole, and a json value is
# stored as the text it was given (its spaces, its keys twice), which text keeps; not json -> jsonb, which drops both)
_NAME_CHARACTERS = 63  # NAMEDATALEN - 1 bytes: as many characters at most
_UUID_CHARACTERS = 36  # a uuid's text: 32 hex digits and 4 hyphens


_UNBOUNDED = ("text", "character varying", "character")  # (a char(n) only to an extension's string type)
# An array is written as its elements' texts in braces (quoted where they must be, its bounds where they are not 1),
# which the cast back reads as the same array where each element's own text does, whatever the session's settings:
# strings, integers, numeric, uuid, boolean (not a date or a time, whose text follows DateStyle and TimeZone; not a
# float, whose digits follow extra_float_digits)
_ARRAY_AS_TEXT = frozenset({*_UNBOUNDED, "bpchar", "name", "uuid", "boolean", "numeric", *INT_DIGITS})


def text_exact(type_text: str) -> bool:
    """Whether each value of `type_text` (or an array of it) prints a text its input reads back as the same value
    whatever the session's settings: one of _ARRAY_AS_TEXT's types. A composite type whose every attribute is (at any
    depth: compare.retype_casts) is written as their texts in parentheses, quoted where they must be, which the cast
    back reads as the same row: made text, it keeps every value (`text_exact` of a Change)."""
    return base_and_dims(type_text)[0] in _ARRAY_AS_TEXT


def holds_text_of(old: str, new: str) -> bool:
    """Whether `new` holds the text of each value of `old` whole: text or a varchar without a length, or an array of
    either of as many dimensions as `old`, element by element."""
    dims, to_dims = base_and_dims(old)[1], base_and_dims(new)[1]
    return new[:len(new) - 2 * to_dims] in ("text", "character varying") and to_dims in (0, dims)


def is_widening(old: str, new: str) -> bool:
    """True when every value of type `old` converts to `new` without loss or error."""
    if old == new:
        return True
    spatial = fits(old, new) or pgvector.fits(old, new)  # PostGIS, pgvector: modifiers dropped or widened
    if spatial is not None:
        return spatial == YES
    ob, op, oa = _split(old)
    nb, np_, na = _split(new)
    if oa and not na and ob in _ARRAY_AS_TEXT and (nb == "text" or nb == "character varying" and not np_):
        return True  # (the keywords text[] a catalog keeps as one string)
    if oa != na:
        return False
    if ob.startswith("interval") and nb.startswith("interval"):
        return interval_kept(ob, op, nb, np_)
    if ob == nb:
        # A longer char(n) only pads with blanks, which bpchar ignores ('ab' = 'ab   ').
        if ob in ("character varying", "bit varying", "character"):
            return not np_ or (bool(op) and np_[0] >= op[0])
        if ob == "numeric":
            if not np_:
                return True
            if not op:
                return False
            p, s = op if len(op) == 2 else (op[0], 0)
            p2, s2 = np_ if len(np_) == 2 else (np_[0], 0)
            return s2 >= s and p2 - s2 >= p - s
        if ob.startswith(("timestamp", "time")):
            return (np_[0] if np_ else 6) >= (op[0] if op else 6)
        return False
    for table in (RANGES, MULTIRANGES):  # (a range's bounds each kept: int4range -> int8range, daterange -> tsrange)
        if ob in table and nb in table:
            return is_widening(table[ob], table[nb])
    if (ob, nb) in _WIDENINGS or ob == "text" and nb == "character varying" and not np_:  # (varchar without a length
        return True                                                                        # is text's equal)
    # char(n) to text or a varchar as long: only the padding blanks go, which bpchar ignores ('ab' = 'ab   '); bit(n)
    # to a bit varying as long keeps every bit
    if (ob, nb) in (("character", "text"), ("character", "character varying"), ("bit", "bit varying")):
        return not np_ or np_[0] >= (op[0] if op else 1)  # (character and bit alone are of length 1)
    # bpchar is a char without a length (any length, its blanks kept): char(n) fits it whole, and it goes to text or a
    # varchar without a length as char(n) does, only its padding blanks gone
    if ob == "character" and nb == "bpchar" or ob == "bpchar" and (nb == "text" or nb == "character varying" and not np_):
        return True
    if (ob, nb) == ("name", "character varying"):
        return not np_ or np_[0] >= _NAME_CHARACTERS
    # a uuid prints as its 36 characters (Supabase's storage.objects.owner made text), which the cast back reads as
    # the same uuid
    if ob == "uuid" and (nb == "text" or nb == "character varying" and (not np_ or np_[0] >= _UUID_CHARACTERS)):
        return True
    # an inet or cidr is written by text() with its mask length ('192.168.0.1/32'), which the cast back reads as the
    # same address (an audit log's client_addr made text)
    if ob in ("inet", "cidr") and (nb == "text" or nb == "character varying" and not np_):
        return True
    # to or from an extension's string type (citext): its I/O reads and prints each value's text unchanged, so text, a
    # varchar or a char(n) (less its padding blanks, as to text) goes in whole, and comes out whole to text or a varchar
    # without a length
    if extension_string(nb) and (ob in _UNBOUNDED or extension_string(ob)) \
            or extension_string(ob) and ob != nb and nb in _UNBOUNDED[:2] and not np_:
        return True
    # an integer prints as its digits and sign (at most INT_DIGITS + 1 characters), which the cast back reads as the
    # same number
    if ob in INT_DIGITS and (nb == "text" or nb == "character varying" and (not np_ or np_[0] > INT_DIGITS[ob])):
        return True
    if ob in INT_DIGITS and nb == "numeric":
        if not np_:
            return True
        p2, s2 = np_ if len(np_) == 2 else (np_[0], 0)
        return p2 - s2 >= INT_DIGITS[ob]
    return widens_extension(old, new)  # (hstore -> jsonb)
