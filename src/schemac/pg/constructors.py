"""The constructor functions Postgres makes with a range type (makeRangeConstructors, makeMultirangeConstructors):
their names and input types as format_type and pg_get_function_identity_arguments spell them, so that schema.yaml's
`constructor_grants:` keys, the catalog's rows and GRANT ... ON FUNCTION name the same five functions."""

from __future__ import annotations

from typing import Optional

from schemac.model import RangeType
from schemac.pg.names import qualified
from schemac.pg.types import TypeSyntaxError, canonical_type

# The catalog's facts of each constructor (returns the multirange, number of arguments, variadic), in the order
# constructor_signatures lists them.
ROLES = ((False, 2, False), (False, 3, False), (True, 0, False), (True, 1, False), (True, 1, True))


def constructor_signatures(r: RangeType) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, input types) of `r`'s five constructors: r(subtype, subtype), r(subtype, subtype, text), and its
    multirange's m(), m(r), m(VARIADIC r[]) (PostgreSQL 14 and later: every major schemac reads)."""
    me, m = canonical_type(qualified(r.schema, r.name)), r.multirange_name
    return ((r.name, (r.subtype, r.subtype)), (r.name, (r.subtype, r.subtype, "text")), (m, ()), (m, (me,)),
            (m, (f"VARIADIC {me}[]",)))


def _arguments(text: str) -> Optional[tuple[str, ...]]:
    """The types of an argument list `a, VARIADIC b[]` canonically spelled; None where one does not parse."""
    out, depth, part = [], 0, ""
    for ch in text + ",":
        depth += ch == "(" or ch == "["
        depth -= ch == ")" or ch == "]"
        if ch == "," and depth == 0:
            out.append(part.strip())
            part = ""
        else:
            part += ch
    if out == [""]:
        return ()
    try:
        return tuple(_canonical("VARIADIC " + a[9:] if a[:9].upper() == "VARIADIC " else a) for a in out)
    except TypeSyntaxError:  # no type: no constructor of this range
        return None


def constructor_named(r: RangeType, signature: str) -> Optional[tuple[str, tuple[str, ...]]]:
    """The constructor of `r` that `signature` (`name(type, ...)`, as GRANT ... ON FUNCTION names it, types in any
    spelling Postgres takes) names, else None."""
    name, paren, rest = signature.strip().partition("(")
    if not paren or not rest.rstrip().endswith(")"):
        return None
    args = _arguments(rest.rstrip()[:-1])
    name = name.strip()
    for known, types in constructor_signatures(r):
        if name in (known, f"{r.schema}.{known}") and args is not None and \
                [_bare(a) for a in args] == [_bare(_canonical(t)) for t in types]:  # VARIADIC or not, as GRANT takes it
            return known, types
    return None


def _canonical(t: str) -> str:
    return f"VARIADIC {canonical_type(t[9:])}" if t.startswith("VARIADIC ") else canonical_type(t)


def _bare(t: str) -> str:
    return t.removeprefix("VARIADIC ")
