"""Array constants and boolean words as Postgres reads them, for the loader (pg.typed_strings) and the normal form
(compare.literals re-exports them): an array literal in its printed spelling, a boolean's input words."""

from __future__ import annotations

import re
from typing import Callable, Optional

BOOLEAN_WORDS = {"t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
                  "f": False, "false": False, "n": False, "no": False, "off": False, "0": False}


def array_text(text: str, element_value: Optional[Callable[[str], str]] = None) -> str:
    """An array literal as Postgres prints it: no space around elements, quotes only where needed
    ('{1, 2}' -> '{1,2}', '{"a", b c}' -> '{a,"b c"}'); unchanged if it is not one. With `element_value`, each
    element (not NULL) is spelled as it returns (an element type's own reading: `{yes}` of a boolean[] is `{t}`)."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return text
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "{},":
            out.append(ch)
            i += 1
            continue
        if ch.isspace():
            i += 1
            continue
        quoted, chars = ch == '"', []
        j = i + 1 if quoted else i
        while j < n and (text[j] != '"' if quoted else text[j] not in "{},"):
            if text[j] == "\\" and j + 1 < n:
                j += 1
            chars.append(text[j])
            j += 1
        element = "".join(chars) if quoted else "".join(chars).strip()
        if element_value is not None and (quoted or element.upper() != "NULL"):
            element = element_value(element)
        i = j + 1 if quoted else j
        if not quoted and element.upper() == "NULL":
            out.append("NULL")
        elif element and element.upper() != "NULL" and not re.search(r'[{},"\\\s]', element):
            out.append(element)
        else:
            out.append('"' + element.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "".join(out)


def boolean_letter(element: str) -> str:
    """An element of a boolean[] as Postgres prints it (`yes` is `t`): itself where it is no boolean word."""
    word = element.strip().lower()
    return ("t" if BOOLEAN_WORDS[word] else "f") if word in BOOLEAN_WORDS else element


_INSTANT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?")
_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})(?=$|[ T])")


def instant_print(element: str, timestamp: bool) -> str:
    """An element of a date[] (or with `timestamp`, a timestamp[]) as Postgres prints it (`2024-1-1 10:00` of a
    timestamp[] is `2024-01-01 10:00:00`), an ISO date or timestamp without a zone (a timestamp ignores one, a date
    its clock); any other spelling as it is. For an array of a domain over one, whose constant Postgres prints."""
    m = _INSTANT.fullmatch(_BASIC.sub(r"\1-\2-\3", element.strip(), count=1))
    if m is None:
        return element
    year, month, day, hour, minute, second, fraction = m.groups()
    if not timestamp:
        return f"{int(year):04}-{int(month):02}-{int(day):02}"
    micros = (fraction or "").ljust(6, "0").rstrip("0")
    return f"{int(year):04}-{int(month):02}-{int(day):02} {int(hour or 0):02}:{int(minute or 0):02}:" \
           f"{int(second or 0):02}{'.' + micros if micros else ''}"



_ZONED = re.compile(r"(.*?)\s*(z|[+-]\d{1,2}(?::?\d{2})?)", re.I)


def utc_print(element: str) -> str:
    """An element of a timestamptz[] with an explicit offset as Postgres prints it in UTC, the zone the catalog is read
    in (`2024-01-01 02:00+02` is `2024-01-01 00:00:00+00`): the same instant whatever zone a session is in. One
    without an offset names an instant in the zone of the session that stores it: as it is (compared as written)."""
    import datetime as dt

    m = _ZONED.fullmatch(element.strip())
    if m is None or not _INSTANT.fullmatch(_BASIC.sub(r"\1-\2-\3", m[1], count=1)):
        return element
    digits = m[2][1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    offset = dt.timedelta(0) if m[2].lower() == "z" else \
        (-1 if m[2][0] == "-" else 1) * dt.timedelta(hours=int(hours), minutes=int(minutes))
    try:
        value = dt.datetime.fromisoformat(instant_print(m[1], True)) - offset
    except (ValueError, OverflowError):
        return element
    return instant_print(value.isoformat(" "), True) + "+00"
