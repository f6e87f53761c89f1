"""A gist or gin key over a column whose type core Postgres has no default operator class of that method for, where an
extension schema.yaml does not declare gives one (btree_gist's gist_int4_ops for integer): generate's notice (through
plan.outside_methods) and inspect's warning.

`inspect --exclude extension:btree_gist` writes `EXCLUDE USING gist (room WITH =, ...)` over an integer column with no
class (the catalog reader names none: gist_int4_ops is integer's default where btree_gist is), `diff` is in sync, and
the migration fails on an empty database ('data type integer has no default operator class for access method "gist"')
(fix57n's left). Said, not refused. No sqlglot (inspect imports this)."""

from __future__ import annotations

import re

from schemac.model import Schema
from schemac.pg.extension_opclasses import CLASSES, of_type
from schemac.pg.types import type_name
from schemac.compare.undeclared_classes import undeclared

# Core's default classes of gist and gin, by the type they are the default of: pg_opclass rows with opcdefault of a
# bare server's pg_catalog, format_type(opcintype) (tests/test_undeclared_extensions.py checks them on 18 and 15).
CORE_DEFAULTS = {"gist": frozenset({"anymultirange", "anyrange", "box", "circle", "point", "polygon", "tsquery",
                                    "tsvector"}),
                 "gin": frozenset({"anyarray", "jsonb", "tsvector"})}


def _giving(method: str, column_type: str, is_enum: bool) -> list[str]:
    """The extensions of CLASSES with a class of `method` that is the default of `column_type` (or of anyenum)."""
    return [e for e, methods in CLASSES.items() for entry in methods.get(method, ())
            if "=" in entry and (of_type(column_type, entry.partition("=")[2])
                                 or is_enum and entry.endswith("=anyenum"))]


def _keys(table) -> list:
    return [*getattr(table, "indexes", ()), *getattr(table, "exclusions", ())]


def default_class_notices(keyed: list, desired: Schema) -> list[str]:
    """One per column key with no class of a gist or gin index or EXCLUDE of `keyed` ((table, index or exclusion)) whose
    type only an undeclared extension of CLASSES gives a default class of that method; none where `desired` declares
    an extension this does not know (it may give one) or a default operator class of its own for the method."""
    declared = {e.name for e in desired.extensions}
    if any(e not in CLASSES for e in declared - {"plpgsql"}):
        return []
    own = {(c.method, c.type) for c in desired.operator_classes if c.default}
    enums = {(e.schema, e.name) for e in desired.enums}
    out: dict[tuple, str] = {}
    for table, key in keyed:
        method = key.method
        if method not in CORE_DEFAULTS:
            continue
        for e in key.elements:
            column = table.column(e.column) if e.column and not e.opclass else None
            if column is None or re.sub(r"\(.*\)$", "", column.type) in CORE_DEFAULTS[method] \
                    or (method == "gin" and column.type.endswith("]")) or (method, column.type) in own:
                continue
            exts = _giving(method, column.type, type_name(column.type) in enums)
            where = f"{table.schema}.{table.name}"
            kind = "exclusion constraint" if hasattr(e, "operator") else "index"
            what = f"{kind} {key.name or '(unnamed)'} of {where}"
            if not exts or declared & set(exts) or (what, e.column) in out:
                continue
            out[(what, e.column)] = (
                f"{getattr(key, 'source', None) or where}: {what} keys column {e.column} "
                f"({column.type}) under {method} with no operator class: core Postgres has no default class of "
                f"{method} for it, extension {exts[0]} gives one, " + undeclared(exts[0]))
    return list(out.values())


def default_class_warnings(schema: Schema) -> list[str]:
    """`inspect`'s: of each table of the file it writes (after --exclude)."""
    return default_class_notices([(t, k) for t in schema.tables for k in _keys(t)], schema)


def changed_keys(changes: list, desired: Schema) -> list:
    """(table, index or exclusion) of each table, index or constraint a change makes (the table as `desired` has it)."""
    tables = {(t.schema, t.name): t for t in desired.tables}
    out = []
    for c in changes:
        if c.kind == "add_table" and hasattr(c.new, "exclusions"):
            out += [(c.new, k) for k in _keys(c.new)]
        elif c.kind in ("add_index", "add_constraint") and hasattr(c.new, "elements") and hasattr(c.new, "method"):
            table = tables.get((c.schema, getattr(c, "table", None)))
            out += [(table, c.new)] if table is not None else []
    return out
