"""Privileges (GRANT): an object's access list, the owner's own entries only where they are not its defaults
(`owner_holds_defaults`; NOTHING where it holds none). Roles are cluster
objects: schemac names them and never creates or drops them; ``PUBLIC`` (every role) is spelled so,
in upper case, wherever a role is named."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen
from typing import Optional

from .source import Source, _src

PUBLIC = "PUBLIC"

# The privileges each kind of object takes, in the order GRANT lists them (`all` stands for these;
# PostgreSQL 17's MAINTAIN on tables is named on its own, as `all` means less before 17).
PRIVILEGES: dict[str, tuple[str, ...]] = {
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "column": ("SELECT", "INSERT", "UPDATE", "REFERENCES"),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
    "function": ("EXECUTE",),
    "schema": ("USAGE", "CREATE"),
    "type": ("USAGE",),
    "foreign server": ("USAGE",),
    "foreign data wrapper": ("USAGE",),  # an extension's own (postgres_fdw's): model.types.MemberGrant
    "large object": ("SELECT", "UPDATE"),  # default privileges only (PostgreSQL 18): large objects are data
}
TABLE_ONLY = ("MAINTAIN",)  # PostgreSQL 17 and later
# The privilege of the one entry that says a grantee is named with no privilege at all: `its_owner: []`, an
# owner that revoked all of its own (REVOKE ALL ON t FROM its_owner; an access list of '{}'). Any other
# grantee named with nothing holds what one not named holds; an owner not named holds its defaults.
NOTHING = "NOTHING"
# An owner's defaults, `all` of its kind, as the statements write them (GRANT ALL / REVOKE ALL reach
# MAINTAIN on PostgreSQL 17 and later, where the owner holds it too).
ALL = "ALL"


@frozen
class Privilege:
    """One entry of an object's access list: `grantee` may `privilege` (on `column` only, when set), and
    may grant it on (WITH GRANT OPTION) when `grantable`; `grantor` granted it: None for the object's owner
    (what a GRANT by the owner, or by a superuser, records), else a role that holds it WITH GRANT OPTION
    (pg_dump writes its grant under SET SESSION AUTHORIZATION). One privilege granted by two grantors is
    two entries, as in the access list."""

    grantee: str  # a role name, or PUBLIC
    privilege: str  # upper case, as aclexplode() names it: SELECT, USAGE, EXECUTE...
    grantable: bool = False
    column: Optional[str] = None
    source: Optional[Source] = _src()
    grantor: Optional[str] = None

    @property
    def key(self) -> tuple[str, Optional[str], Optional[str]]:
        return (self.privilege, self.column, self.grantor)


# What PUBLIC holds on the `public` schema once initdb made it (PostgreSQL 15 and later): the default
# schema.yaml compares it with when it does not name PUBLIC there.
PUBLIC_SCHEMA_DEFAULT = (Privilege(PUBLIC, "USAGE"),)


@frozen
class Namespace:
    """The access list and owner of a Postgres schema (namespace); `schemas:` declares them."""

    name: str
    grants: tuple[Privilege, ...] = ()
    owner: Optional[str] = None  # None: not compared
    source: Optional[Source] = _src()
    comment: Optional[str] = None  # COMMENT ON SCHEMA; None: none (public's "standard public schema" reads None: compare.grants.schema_comments)
    # The extension whose script made the schema, where schema.yaml puts objects of its own there: CREATE EXTENSION
    # makes it and DROP EXTENSION drops it, never a migration; its owner, grants and comment are the extension's.
    extension: Optional[str] = None

    @property
    def schema(self) -> str:
        return self.name


# ALTER DEFAULT PRIVILEGES ... ON <kind>: schema.yaml's word -> the kind of object (PRIVILEGES' key) and
# pg_default_acl.defaclobjtype.
DEFAULT_PRIVILEGE_KINDS = {"tables": ("table", "r"), "sequences": ("sequence", "S"), "functions": ("function", "f"),
                           "types": ("type", "T"), "schemas": ("schema", "n"),
                           "large_objects": ("large object", "L")}


@frozen
class DefaultPrivileges:
    """ALTER DEFAULT PRIVILEGES FOR ROLE `role` [IN SCHEMA `schema`]: what the objects of kind `on` that
    `role` creates from now on are granted (`schema` None: in every schema, where the list replaces
    Postgres's default; in one schema, it adds to it)."""

    role: str
    on: str  # a key of DEFAULT_PRIVILEGE_KINDS
    schema: Optional[str] = None
    grants: tuple[Privilege, ...] = ()
    source: Optional[Source] = _src()
    # The extension whose script makes `schema` (pg_cron's `cron`): the migration creates no schema for it, and
    # alters its default privileges after CREATE EXTENSION; None: a schema of schema.yaml's own
    extension: Optional[str] = field(default=None, compare=False)

    @property
    def owner(self) -> Optional[str]:
        """In every schema's list the role's own entries are an owner's (its defaults unless the list names
        them); one schema's list adds them to the objects' lists as it names them, as any role's."""
        return self.role if self.schema is None else None

    @property
    def name(self) -> str:
        return f"{self.on} of {self.role}"


def owner_holds_defaults(entries, kind: str) -> bool:
    """Whether an owner's own `entries` are its defaults (acldefault): every privilege of the `kind`, none
    grantable, none granted by another role, no column's. A table's owner with or without MAINTAIN counts
    as holding them (MAINTAIN exists from PostgreSQL 17 on, and schema.yaml's `all` leaves it out)."""
    got = {(p.privilege, p.column, p.grantor, p.grantable) for p in entries}
    full = {(p, None, None, False) for p in PRIVILEGES[kind]}
    return got == full or (kind == "table" and got == full | {(m, None, None, False) for m in TABLE_ONLY})


_ORDER = {p: n for n, p in enumerate(("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
                                      "MAINTAIN", "USAGE", "CREATE", "EXECUTE"))}


def in_grant_order(entries) -> list[Privilege]:
    """Entries as GRANT lists privileges (SELECT, INSERT, UPDATE, ...), each column's after its table's."""
    return sorted(entries, key=lambda p: (p.column is not None, _ORDER.get(p.privilege, 99), p.column or ""))


def grouped(entries) -> tuple[list[str], dict[str, list[str]]]:
    """(table-wide privileges, {privilege: its columns}) in GRANT's order: how GRANT and schema.yaml list them."""
    whole: list[str] = []
    columns: dict[str, list[str]] = {}
    for p in in_grant_order(entries):
        if p.column is None:
            if p.privilege not in whole:
                whole.append(p.privilege)
        else:
            columns.setdefault(p.privilege, []).append(p.column)
    return whole, columns


def sorted_privileges(entries) -> tuple[Privilege, ...]:
    """Access-list entries in one order (grantee, column, privilege), so equal lists compare equal."""
    return tuple(sorted(entries, key=lambda p: (p.grantee, p.column or "", p.privilege, p.grantable, p.grantor or "")))
