"""`generate`'s notice for an index whose access method is neither Postgres's own nor one of a declared extension's.

CREATE ACCESS METHOD (PostgreSQL's create_am regression test: `CREATE ACCESS METHOD gist2 TYPE INDEX HANDLER
gisthandler`) is not managed: inspect lists the method (`access method`), while an index using it is (its
`method`). The migration creating such an index applies only to a database that has the method already; on an empty
one (generate --verify, diff without a database, a fresh environment) Postgres answers `access method "gist2" does
not exist`. It is said once per index, as of a type external_types lists (compare.external_type_users), not refused:
the database inspect read has the method. A method of an extension schema.yaml declares (bloom, pgvector's hnsw),
as pg.extension_opclasses knows them, or any method where schema.yaml declares an extension neither that nor
contrib's list (plan.objects.RELOCATABLE) knows, which may be that extension's, is not.

Likewise an index key's operator class of an extension schema.yaml does not declare (`public.gin_trgm_ops` of pg_trgm,
as `inspect --exclude extension:pg_trgm` writes it; pg.extension_opclasses.CLASSES knows them) and no
`operator_classes:` of its own: 'operator class "public.gin_trgm_ops" does not exist for access method "gin"' on an
empty database (compare.undeclared_classes, which inspect's warning shares)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.compare.default_classes import changed_keys, default_class_notices
from schemac.compare.undeclared_classes import class_notices
from schemac.pg.extension_opclasses import CLASSES
from schemac.plan.objects import RELOCATABLE
from schemac.schemafile.indexes import INDEX_METHODS


def _indexes(c: Change) -> list:
    """(where, index) of each index change `c` makes."""
    if c.kind == "add_index":
        return [(f"{c.schema}.{c.table}", c.new)]
    if c.kind in ("add_table", "add_view"):
        return [(f"{c.new.schema}.{c.new.name}", i) for i in getattr(c.new, "indexes", ())]  # type: ignore[union-attr]
    return []


def outside_method_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per index a change makes with an access method or an extension's operator class the migration
    cannot expect to exist."""
    classes = class_notices([x for c in changes for x in _indexes(c)], desired) + \
        default_class_notices(changed_keys(changes, desired), desired)
    if any(e.name not in CLASSES and e.name not in RELOCATABLE and e.name != "plpgsql" for e in desired.extensions):
        return classes  # an extension this does not know may bring the method (contrib's bloom is in CLASSES)
    known = {*INDEX_METHODS, *(m for e in desired.extensions for m in CLASSES.get(e.name, ()))}
    out: dict[str, str] = {}
    for c in changes:
        for where, index in _indexes(c):
            if index is None or index.method in known or index.name in out:
                continue
            source = getattr(index, "source", None) or c.source
            out[index.name] = (f"{source or where}: index {index.name} of {where} uses access method {index.method}, "
                               "which is neither Postgres's own nor a declared extension's (one CREATE ACCESS METHOD "
                               "made, which schemac does not make): the migration applies only to a database that has "
                               f"{index.method} already, not to an empty one (generate --verify, diff without a "
                               "database)")
    return list(out.values()) + classes
