"""privileges.sql rows -> each object's owner and access list (the owner's own entries only where they are
not its defaults: model.grants.owner_holds_defaults)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Any, Optional, TypeVar

T = TypeVar("T")

from schemac.model import (DEFAULT_PRIVILEGE_KINDS, PUBLIC, Constructor, DefaultPrivileges, Namespace, Privilege, RangeType,
                           Table, sorted_privileges)
from schemac.model.grants import NOTHING, PRIVILEGES, TABLE_ONLY, owner_holds_defaults
from schemac.pg.constructors import ROLES, constructor_signatures
from schemac.model.sequences import identity_sequence_name


class AccessLists:
    """Owners and access lists by (catalog, oid): 'class' for tables and sequences, 'proc', 'namespace'."""

    def __init__(self, rows: list[dict[str, Any]], major: Optional[int] = None):
        self.major = major  # the server's: a table owner's defaults hold MAINTAIN from 17 on
        self.owners: dict[tuple[str, int], str] = {}
        self.entries: dict[tuple[str, int], list[Privilege]] = {}
        self.namespace_oids: dict[str, int] = {}
        self.kinds: dict[tuple[str, int], str] = {}
        self.explicit: set[tuple[str, int]] = set()
        for r in rows:
            key = (r["catalog"], r["object_oid"])
            if r["namespace_name"] is not None:
                self.namespace_oids[r["namespace_name"]] = r["object_oid"]
            self.owners[key] = r["owner"]
            self.kinds[key] = r["kind"]
            if r["explicit"]:  # the owner's own entries were read
                self.explicit.add(key)
            if r["grantee"] is not None:
                self.entries.setdefault(key, []).append(Privilege(r["grantee"], r["privilege"], bool(r["grantable"]),
                                                                  r["column_name"], grantor=r["grantor"]))

    def owner(self, catalog: str, oid: int) -> Optional[str]:
        return self.owners.get((catalog, oid))

    def grants(self, catalog: str, oid: int) -> tuple[Privilege, ...]:
        """One entry per (grantee, privilege, column, grantor), as the access list holds them."""
        key = (catalog, oid)
        found = self.entries.get(key)
        if found is None and key not in self.explicit:
            return ()  # (a NULL list, no column's entry: its owner's defaults, left out; most tables and sequences)
        if found is not None and len(found) == 1 and key not in self.explicit and found[0].grantee != self.owners.get(key):
            return (found[0],)  # (a NULL list's one entry not the owner's: PUBLIC's EXECUTE of most functions, as below)
        merged: dict[tuple, Privilege] = {}
        for p in found or ():
            grant = (p.grantee, p.privilege, p.column, p.grantor)
            if grant not in merged or p.grantable:
                merged[grant] = p
        return sorted_privileges(without_owner_defaults(list(merged.values()), self.owners.get(key), self.kinds.get(key),
                                                        key in self.explicit, self.major))

    def secured(self, obj: T, catalog: str, oid: int) -> T:
        """`obj` with its access list and owner."""
        return replace(obj, grants=self.grants(catalog, oid), owner=self.owner(catalog, oid))  # type: ignore

    def namespaces(self) -> tuple[Namespace, ...]:
        """Every namespace read, with its access list and owner, by name."""
        return tuple(Namespace(name, self.grants("namespace", oid), self.owner("namespace", oid))
                     for name, oid in sorted(self.namespace_oids.items()))


def without_owner_defaults(entries: list[Privilege], owner: Optional[str], kind: Optional[str],
                           explicit: bool, major: Optional[int] = None) -> list[Privilege]:
    """`entries` less the owner's own where they are its defaults; where it holds none, the NOTHING entry.
    Not `explicit` (a NULL list), the owner holds its defaults (acldefault on the `major` server), and what
    column privileges give it beyond them."""
    mine = [p for p in entries if p.grantee == owner]
    if owner is None or kind is None or (not explicit and not mine):
        return entries
    others = [p for p in entries if p.grantee != owner]
    if not explicit:
        maintain = TABLE_ONLY if kind == "table" and (major or 0) >= 17 else ()
        mine = [Privilege(owner, x) for x in PRIVILEGES[kind] + maintain] + mine
    if not mine:
        return others + [Privilege(owner, NOTHING)]
    return others if owner_holds_defaults(mine, kind) else others + mine


_KINDS = {code: word for word, (_, code) in DEFAULT_PRIVILEGE_KINDS.items()}


def default_privileges(rows: list[dict[str, Any]]) -> tuple[DefaultPrivileges, ...]:
    """default_privileges.sql rows -> one DefaultPrivileges per (role, objects, schema)."""
    entries: dict[tuple, list[Privilege]] = {}
    extensions: dict[Optional[str], Optional[str]] = {}  # schema -> the extension that made it
    for r in rows:
        key = (r["role_name"], _KINDS[r["object_type"]], r["schema_name"])
        extensions[r["schema_name"]] = r.get("extension_name")
        found = entries.setdefault(key, [])
        if r["grantee"] is not None:
            found.append(Privilege(r["grantee"], r["privilege"], bool(r["grantable"])))
    return tuple(DefaultPrivileges(role, on, schema, sorted_privileges(
                     ps if schema is not None else without_owner_defaults(ps, role, DEFAULT_PRIVILEGE_KINDS[on][0], True)),
                     extension=extensions[schema])
                 for (role, on, schema), ps in sorted(entries.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")))


def _with_identity_grants(table: Table, oid: int, sequences: dict[tuple[int, str], tuple[int, str, Optional[str]]],
                          acl: AccessLists) -> Table:
    columns: Optional[list] = None  # (made only for a table with a column to change: most have none)
    for i, c in enumerate(table.columns):
        if c.identity is None:
            continue
        seq, name, comment = sequences.get((oid, c.name), (None, None, None))
        grants = acl.grants("class", seq) if seq is not None else ()
        named = name if name is not None and table.partition_of is None \
            and name != identity_sequence_name(table.name, c.name) else None  # a partition's: its root's (17+)
        comment = comment if table.partition_of is None else None  # (a partition's sequence is its root's)
        if grants or named or comment is not None:
            if columns is None:
                columns = list(table.columns)
            columns[i] = replace(c, identity=replace(c.identity, grants=grants, sequence_name=named, comment=comment))
    return table if columns is None else replace(table, columns=tuple(columns))


def with_identity_grants(tables: list[Table], rows: list[dict[str, Any]],
                         sequences: dict[tuple[int, str], tuple[int, str, Optional[str]]], acl: AccessLists) -> list[Table]:
    """Each table (of tables.sql's `rows`, in order) with each identity column's sequence's grants (the
    owner's, the table's, left out), its name where it is not Postgres's choice, and its comment."""
    return [_with_identity_grants(t, r["table_oid"], sequences, acl) for t, r in zip(tables, rows)] if sequences else tables


_EXECUTE = (Privilege(PUBLIC, "EXECUTE"),)  # a function's default access list, its owner's aside
_USAGE = (Privilege(PUBLIC, "USAGE"),)
_NONE = (Privilege(PUBLIC, NOTHING),)  # a multirange's own list that holds nothing (not its default: ())


def range_access(r: RangeType, row: dict[str, Any], acl: AccessLists) -> RangeType:
    """Range type `r` (range_types.sql's `row`) with its constructors' access lists where they are not Postgres's
    default, and its multirange's access list and owner where they are its own (PostgreSQL 15)."""
    signatures = constructor_signatures(r)
    made = []
    for oid, multi, nargs, variadic in row["constructors"]:
        role = (bool(multi), nargs, bool(variadic))
        grants = acl.grants("proc", oid)
        if role in ROLES and grants != _EXECUTE:
            name, arguments = signatures[ROLES.index(role)]
            made.append((ROLES.index(role), Constructor(name, arguments, r.schema, r.name, grants=grants,
                                                        owner=acl.owner("proc", oid))))
    multirange = acl.grants("type", row["multirange_oid"]) if row["multirange_oid"] is not None else _USAGE
    owner = acl.owner("type", row["multirange_oid"]) if row["multirange_oid"] is not None else None
    return replace(r, constructors=tuple(c for _, c in sorted(made, key=lambda x: x[0])),
                   multirange_grants=() if multirange == _USAGE else multirange or _NONE,
                   multirange_owner=owner if owner != r.owner else None)


def member_grants(rows: list) -> tuple:
    """extensions.sql's member_grants ([object, '+' or '-', grantee, privilege, grantable, grantor] each) as
    MemberGrants."""
    from schemac.model import MemberGrant

    return tuple(sorted((MemberGrant(on, grantee, privilege, act == "-", grantable, grantor)
                         for on, act, grantee, privilege, grantable, grantor in rows), key=lambda g: g.order))
