"""privileges.sql rows -> each object's owner and access list (the owner's own entries left out)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional, TypeVar

T = TypeVar("T")

from schemac.model import DEFAULT_PRIVILEGE_KINDS, DefaultPrivileges, Namespace, Privilege, sorted_privileges


class AccessLists:
    """Owners and access lists by (catalog, oid): 'class' for tables and sequences, 'proc', 'namespace'."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.owners: dict[tuple[str, int], str] = {}
        self.entries: dict[tuple[str, int], list[Privilege]] = {}
        self.namespace_oids: dict[str, int] = {}
        for r in rows:
            key = (r["catalog"], r["object_oid"])
            if r["namespace_name"] is not None:
                self.namespace_oids[r["namespace_name"]] = r["object_oid"]
            self.owners[key] = r["owner"]
            if r["grantee"] is not None:
                self.entries.setdefault(key, []).append(Privilege(r["grantee"], r["privilege"], bool(r["grantable"]),
                                                                  r["column_name"]))

    def owner(self, catalog: str, oid: int) -> Optional[str]:
        return self.owners.get((catalog, oid))

    def grants(self, catalog: str, oid: int) -> tuple[Privilege, ...]:
        """One entry per (grantee, privilege, column): the same privilege granted by two grantors is one,
        grantable if either grant is (the grantor is not compared)."""
        merged: dict[tuple, Privilege] = {}
        for p in self.entries.get((catalog, oid), ()):
            key = (p.grantee, p.privilege, p.column)
            if key not in merged or p.grantable:
                merged[key] = p
        return sorted_privileges(merged.values())

    def secured(self, obj: T, catalog: str, oid: int) -> T:
        """`obj` with its access list and owner."""
        return replace(obj, grants=self.grants(catalog, oid), owner=self.owner(catalog, oid))  # type: ignore

    def namespaces(self) -> tuple[Namespace, ...]:
        """Every namespace read, with its access list and owner, by name."""
        return tuple(Namespace(name, self.grants("namespace", oid), self.owner("namespace", oid))
                     for name, oid in sorted(self.namespace_oids.items()))


_KINDS = {code: word for word, (_, code) in DEFAULT_PRIVILEGE_KINDS.items()}


def default_privileges(rows: list[dict[str, Any]]) -> tuple[DefaultPrivileges, ...]:
    """default_privileges.sql rows -> one DefaultPrivileges per (role, objects, schema)."""
    entries: dict[tuple, list[Privilege]] = {}
    for r in rows:
        key = (r["role_name"], _KINDS[r["object_type"]], r["schema_name"])
        found = entries.setdefault(key, [])
        if r["grantee"] is not None:
            found.append(Privilege(r["grantee"], r["privilege"], bool(r["grantable"])))
    return tuple(DefaultPrivileges(role, on, schema, sorted_privileges(ps))
                 for (role, on, schema), ps in sorted(entries.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")))
