"""An index key's operator class of an extension schema.yaml does not declare: `generate`'s notice (through
plan.outside_methods) and `inspect`'s warning.

`inspect --exclude extension:pg_trgm` writes `opclass: public.gin_trgm_ops` and no pg_trgm; the loader accepts it
(Postgres does, where the class is), `diff` is in sync, but the migration's CREATE INDEX fails on an empty database
('operator class "public.gin_trgm_ops" does not exist for access method "gin"'). Said, not refused. A class is an
extension's by pg.extension_opclasses.CLASSES (qualified, as the catalog reader names one outside pg_catalog); one
`operator_classes:` declares of that name is schema.yaml's own. No sqlglot (inspect imports this)."""

from __future__ import annotations

from schemac.model import Schema
from schemac.model.references import reference_parts
from schemac.pg.extension_opclasses import CLASSES


def _extension_of(opclass: str, method: str) -> str | None:
    """The extension of CLASSES a qualified class `schema.name` of `method` is one of, or None."""
    parts = reference_parts(opclass)
    if parts is None or len(parts) != 2 or parts[0] == "pg_catalog":
        return None
    return next((e for e, methods in CLASSES.items()
                 if any(entry.partition("=")[0] == parts[1] for entry in methods.get(method, ()))), None)


def undeclared(ext: str) -> str:
    """The end of a notice of what extension `ext`, undeclared, makes: where the migration applies, and the way out."""
    return ("which schema.yaml does not declare: the migration applies only to a database that has it already, not to "
            f"an empty one (generate --verify, diff without a database); declare extension {ext} under extensions:")


def class_notices(indexes: list, desired: Schema) -> list[str]:
    """One per key of `indexes` ((where, index)) naming an extension's class that `desired` neither declares the
    extension of nor an operator class of that name."""
    declared = {e.name for e in desired.extensions}
    own = {f"{c.schema}.{c.name}" for c in desired.operator_classes}
    out: dict[tuple[str, str], str] = {}
    for where, index in indexes:
        for e in (index.elements if index is not None else ()):
            ext = _extension_of(e.opclass, index.method) if e.opclass and e.opclass not in own else None
            if ext is None or ext in declared or (index.name, e.opclass) in out:
                continue
            out[(index.name, e.opclass)] = (
                f"{getattr(index, 'source', None) or where}: index {index.name} of {where} uses operator class "
                f"{e.opclass} of extension {ext}, " + undeclared(ext))
    return list(out.values())


def class_warnings(schema: Schema) -> list[str]:
    """`inspect`'s: of each index of the file it writes (after --exclude) naming an undeclared extension's class."""
    return class_notices([(f"{o.schema}.{o.name}", i) for o in (*schema.tables, *schema.views)
                           for i in getattr(o, "indexes", ())], schema)
