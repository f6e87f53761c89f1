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


def missing_roles(schema: Schema, roles: frozenset) -> list[tuple[str, Optional[Source]]]:
    """Each role schema.yaml names that the database (`roles`, its cluster's) lacks, once, at the first line naming
    it: drift of the database (it cannot hold what schema.yaml gives the role), which `diff` reports; a script for
    it cannot be written (roles are created outside schema.yaml, CREATE ROLE: missing_roles_refusal)."""
    seen: dict[str, Optional[Source]] = {}
    for role, source in roles_named(schema):
        if role not in roles and role not in seen:
            seen[role] = source
    return list(seen.items())


def missing_roles_refusal(missing: list[tuple[str, Optional[Source]]], where: str) -> str:
    """Why `diff --sql` writes no script where roles are missing: one line, each role at its line."""
    named = ", ".join(f"{role!r}" + (f" ({s.file}:{s.line})" if s is not None and s.line else "")
                      for role, s in missing)
    return (f"role{'s' if len(missing) > 1 else ''} {named} {'do' if len(missing) > 1 else 'does'} not exist in "
            f"{where}: roles are created outside schema.yaml (CREATE ROLE), schemac only names them")
