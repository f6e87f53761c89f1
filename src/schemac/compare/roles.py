"""The roles schema.yaml names: cluster objects schemac never creates, checked against the database's before a report."""

from __future__ import annotations

from typing import Optional

from schemac.compare.grants import multirange
from schemac.model import DefaultPrivileges, Schema, Source


def roles_named(schema: Schema) -> list[tuple[str, Optional[Source]]]:
    """Every role schema.yaml names (grantees, grantors, owners, policies' roles) with its line, PUBLIC aside."""
    out: list[tuple[str, Optional[Source]]] = []
    for obj in (*schema.tables, *schema.views, *schema.enums, *schema.domains, *schema.composite_types,
                *schema.range_types, *schema.sequences, *schema.functions, *schema.aggregates, *schema.namespace_access,
                *schema.default_privileges, *schema.foreign_servers):
        if obj.owner is not None or isinstance(obj, DefaultPrivileges):
            out.append((obj.role if isinstance(obj, DefaultPrivileges) else obj.owner, obj.source))
        out += [(p.grantee, p.source or obj.source) for p in obj.grants if p.grantee != "PUBLIC"]
        out += [(p.grantor, p.source or obj.source) for p in obj.grants if p.grantor is not None]
    for r in schema.range_types:
        out += [(r.multirange_owner, r.source)] if r.multirange_owner is not None else []
        for c in (*r.constructors, multirange(r)):
            out += [(p.grantee, p.source or c.source) for p in c.grants if p.grantee != "PUBLIC"]
            out += [(p.grantor, p.source or c.source) for p in c.grants if p.grantor is not None]
    for t in schema.tables:
        out += [(r, p.source) for p in t.policies for r in p.roles if r != "PUBLIC"]
        out += [(s.owner, s.source) for s in t.statistics if s.owner is not None]
    out += [(g.name, g.source) for g in schema.database_grants or () if g.name != "PUBLIC"]
    return out + [(o.owner, o.source) for o in (*schema.publications, *schema.event_triggers, *schema.operators,
                                                *schema.collations, *schema.text_search_dictionaries,
                                                *schema.text_search_configs) if o.owner is not None]


def check_roles(schema: Schema, roles: frozenset, where: str) -> None:
    """Roles are cluster objects schemac never creates: one schema.yaml names that `where` lacks is an error
    at its line (SchemaFileError), before any report."""
    from schemac.errors import SchemaFileError

    for role, source in roles_named(schema):
        if role not in roles:
            raise SchemaFileError(f"role {role!r} does not exist in {where}: roles are created outside schema.yaml "
                                  "(CREATE ROLE), schemac only names them", source)
