"""A partitioned table's key and a partition's bound from schema.yaml, parsed by sqlglot (pg.expressions reads
each key element's expression): validated when the file is loaded, rendered back as Postgres takes them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from sqlglot import exp

from schemac.pg import sqllex
from schemac.pg.dialect import DIALECT
from schemac.pg.exprerrors import ExpressionError, FirmError
from schemac.pg.expressions import _NOT_OPCLASSES, _OPCLASS, _parse, _read, _readable, _sqlglot_parse


def _parse_statement(sql: str, what: str) -> exp.Expression:
    parsed = _sqlglot_parse(sql)
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Create):
        raise ExpressionError(f"is not a valid {what}")
    return parsed[0]


def parse_partition_key(text: str) -> tuple[str, ...]:
    """The expressions of a partition key (``"a"``, ``"lower(b), c"``), each validated as one expression
    (an element's operator class aside: partition_key_opclasses)."""
    return tuple(e for e, _ in _key_elements(text))


def partition_key_opclasses(text: str) -> tuple[Optional[str], ...]:
    """Each element's operator class (``name text_pattern_ops``: pg_get_partkeydef writes one that is not the
    type's default), None where it has none."""
    return tuple(c for _, c in _key_elements(text))


@lru_cache(maxsize=1024)
def _key_elements(text: str) -> tuple[tuple[str, Optional[str]], ...]:
    if ";" in text or not text.strip():
        raise ExpressionError("is not a valid partition key")
    try:
        tree = _parse_statement(f"CREATE TABLE _k (_x INT) PARTITION BY RANGE ({text})", "partition key")
    except FirmError:
        raise
    except ExpressionError:
        return _elements_with_opclasses(text)  # sqlglot knows no operator class in a partition key
    prop = tree.find(exp.PartitionedByProperty)
    if prop is None or not isinstance(prop.this, exp.Anonymous):
        raise ExpressionError("is not a valid partition key")
    parts = tuple(e.sql(dialect=DIALECT) for e in prop.this.expressions)
    for part in parts:
        _parse(part)
    return tuple((p, None) for p in parts)


def _elements_with_opclasses(text: str) -> tuple[tuple[str, Optional[str]], ...]:
    """The key split at its top-level commas (pg.sqllex: not inside quotes or parentheses), each element an
    expression sqlglot reads, followed by an operator class when it reads only without the last name."""
    try:
        tokens = sqllex.tokens(text)
    except sqllex.LexError:
        raise ExpressionError("is not a valid partition key") from None
    cuts = [t.start for t in tokens if t.kind == "," and t.depth == 0]
    bounds = zip([0] + [c + 1 for c in cuts], cuts + [len(text)])
    out = []
    for element in (text[a:b].strip() for a, b in bounds):
        if _readable(element):
            out.append((_read(element).sql(dialect=DIALECT), None))
            continue
        m = _OPCLASS.match(element)
        if m is None or m.group(2).lower() in _NOT_OPCLASSES or not _readable(m.group(1)):
            raise ExpressionError("is not a valid partition key")
        out.append((_read(m.group(1)).sql(dialect=DIALECT), m.group(2)))
    return tuple(out)


_HASH_SWAPPED = re.compile(r"(\bWITH\s*\(\s*)REMAINDER\s+(\d+)\s*,\s*MODULUS\s+(\d+)(\s*\))", re.I)


def hash_bound_in_order(text: str) -> str:
    """`WITH (REMAINDER r, MODULUS m)`, which Postgres takes in either order, as `WITH (MODULUS m, REMAINDER r)`
    (the only order sqlglot reads: the other was refused as not valid SQL)."""
    return _HASH_SWAPPED.sub(lambda m: f"{m.group(1)}MODULUS {m.group(3)}, REMAINDER {m.group(2)}{m.group(4)}", text)


@lru_cache(maxsize=1024)
def parse_partition_bound(text: str) -> str:
    """A partition bound (``FOR VALUES FROM (...) TO (...)``, ``FOR VALUES IN (...)``, ``... WITH (...)``,
    ``DEFAULT``), validated by sqlglot and rendered back."""
    if ";" in text or not text.strip():
        raise ExpressionError("is not a valid partition bound")
    tree = _parse_statement(f"CREATE TABLE _p PARTITION OF _t {hash_bound_in_order(text)}", "partition bound")
    spec = tree.find(exp.PartitionBoundSpec)
    if text.strip().upper() == "DEFAULT":
        return "DEFAULT"
    if spec is None:
        raise ExpressionError("is not a valid partition bound (FOR VALUES FROM (...) TO (...), FOR VALUES IN (...), "
                              "FOR VALUES WITH (MODULUS m, REMAINDER r) or DEFAULT)")
    return "FOR VALUES " + spec.sql(dialect=DIALECT)
