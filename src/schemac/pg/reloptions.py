"""Storage parameters of tables and materialized views (pg_class.reloptions), as Postgres checks them
(reloptions.c): which names a heap and its TOAST table take, and what values. The loader uses it so a
bad `with:` fails at load, not at apply; a value is kept as written, which is what the catalog reads back."""

from __future__ import annotations

import math
import re
from typing import Optional

INT_MAX = 2 ** 31 - 1
_ANALYZE = ("autovacuum_analyze_threshold", "autovacuum_analyze_scale_factor")
_AGES = 1000000000, 2000000000
# name -> (kind, min, max), grouped by kind and bounds; checked on PostgreSQL 15, 16 and 18
# (autovacuum_vacuum_max_threshold and vacuum_max_eager_freeze_failure_rate are 18's).
HEAP_PARAMETERS: dict[str, tuple[str, float, float]] = {
    "fillfactor": ("int", 10, 100), "toast_tuple_target": ("int", 128, 8160), "parallel_workers": ("int", 0, 1024),
    **dict.fromkeys(("autovacuum_enabled", "vacuum_truncate", "user_catalog_table"), ("bool", 0, 0)),
    "vacuum_index_cleanup": ("enum", 0, 0),
    **dict.fromkeys(("autovacuum_vacuum_threshold", "autovacuum_analyze_threshold"), ("int", 0, INT_MAX)),
    **dict.fromkeys(("autovacuum_vacuum_insert_threshold", "log_autovacuum_min_duration",
                     "autovacuum_vacuum_max_threshold"), ("int", -1, INT_MAX)),
    **dict.fromkeys(("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_scale_factor",
                     "autovacuum_analyze_scale_factor", "autovacuum_vacuum_cost_delay"), ("real", 0, 100)),
    "autovacuum_vacuum_cost_limit": ("int", 1, 10000),
    **dict.fromkeys(("autovacuum_freeze_min_age", "autovacuum_multixact_freeze_min_age"), ("int", 0, _AGES[0])),
    **dict.fromkeys(("autovacuum_freeze_table_age", "autovacuum_multixact_freeze_table_age"), ("int", 0, _AGES[1])),
    "autovacuum_freeze_max_age": ("int", 100000, _AGES[1]),
    "autovacuum_multixact_freeze_max_age": ("int", 10000, _AGES[1]),
    "vacuum_max_eager_freeze_failure_rate": ("real", 0, 1),
}
# What a TOAST table takes (`toast.` names): vacuum's, not the heap's page layout nor analyze's.
TOAST_PARAMETERS = {name: spec for name, spec in HEAP_PARAMETERS.items()
                    if name not in ("fillfactor", "toast_tuple_target", "parallel_workers", "user_catalog_table",
                                    *_ANALYZE)}
TOAST_PREFIX = "toast."
_ENUM = ("auto", "on", "off", "true", "false", "yes", "no", "1", "0")  # vacuum_index_cleanup, any case
_OCTAL = re.compile(r"[+-]?0[0-7]+")


def parameter_error(name: str, value: str) -> Optional[str]:
    """Why Postgres refuses `name=value` on a table or materialized view (a `toast.` name: on its TOAST
    table), or None."""
    toast = name.startswith(TOAST_PREFIX)
    spec = (TOAST_PARAMETERS if toast else HEAP_PARAMETERS).get(name[len(TOAST_PREFIX):] if toast else name)
    if spec is None:
        known = "toast." + ", toast.".join(TOAST_PARAMETERS) if toast else ", ".join(HEAP_PARAMETERS)
        return f"'{name}' is not a storage parameter of a {'TOAST table' if toast else 'table'} (one of {known})"
    kind, low, high = spec
    if kind == "bool":
        return None if _is_bool(value) else f"'{value}' is not a boolean"
    if kind == "enum":
        return None if value.lower() in _ENUM else f"'{value}' is not one of {', '.join(_ENUM)}"
    number = _number(value, kind == "int")
    if number is None:
        return f"'{value}' is not {'an integer' if kind == 'int' else 'a number'}"
    if not low <= number <= high:
        return f"{value} is out of bounds ({low:g} to {high:g})"
    return None


def _is_bool(value: str) -> bool:
    return pg_boolean(value) is not None


def pg_boolean(value: str) -> Optional[bool]:
    """Postgres's parse_bool: a prefix of true/false/yes/no, on, of[f], 1, 0, in any case, no blanks; None for
    anything else."""
    v = value.lower()
    if v in ("1", "on") or (v and ("true".startswith(v) or "yes".startswith(v))):
        return True
    if v in ("0", "of", "off") or (v and ("false".startswith(v) or "no".startswith(v))):
        return False
    return None


def _number(value: str, integer: bool) -> Optional[float]:
    """The value as parse_int (strtol base 0, else strtod rounded) or parse_real (strtod) reads it."""
    text = value.strip()
    if "_" in text:
        return None
    if integer:
        if _OCTAL.fullmatch(text):
            return int(text, 8)
        try:
            return int(text, 0)
        except ValueError:
            pass
    try:
        number = float(text)
    except ValueError:
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return round(number) if integer else number
