"""Owners given back to the role that runs the migrations, where schema.yaml no longer pins one.

An object schema.yaml leaves unpinned is its migration's role's: what a migration creates, that role owns (the
database owner, as `inspect` takes it: schemafile/owners.py). So an owner the previous schema.yaml pinned and
this one does not (state.json's `owner: admin`, none now) goes back to that role: `ALTER ... OWNER TO
CURRENT_USER`, the role the migration runs as, which no generate knows by name. Against a database, `current`'s
`default_owners` are the roles whose objects schema.yaml leaves unpinned (the database owner, and the owner of
sqlx's history table: the role that ran the migrations, where that is another): an object schema.yaml manages
without pinning an owner, owned by any other role, is drift, given back by the same statement.

The access list is then compared as that role's (MIGRATION_ROLE's, CURRENT_USER in the statements): ALTER ...
OWNER TO hands the old owner's entries on to it, it gets its defaults back (GRANT ALL ... TO CURRENT_USER where
the old owner had fewer), and the old owner is a grantee like any other (what schema.yaml grants it is granted).
A sequence a column owns follows its table (compared there), and one made again starts as the migration's role's.
The `public` schema is no migration's: its owner is compared only where schema.yaml pins it.
"""

from __future__ import annotations

from typing import Any, Optional

from schemac.model import Namespace

# The owner of a set_owner change that gives the object back (plan.grants writes CURRENT_USER): no role's name
# is empty.
MIGRATION_ROLE = ""


def given_back(old: Any, new: Any, defaults: Optional[frozenset]) -> bool:
    """Whether `old`'s owner goes back to the migration's role: schema.yaml pins none on `new`, and `old`'s is
    another role than `defaults` (None: the caller compares no unpinned owner)."""
    if defaults is None or old is None or new.owner is not None or old.owner is None:
        return False
    if getattr(new, "owned_by", None) is not None or getattr(old, "owned_by", None) is not None:
        return False  # a column's sequence: its table's owner's
    if isinstance(new, Namespace) and new.name == "public":
        return False  # no migration's (initdb's, pg_database_owner's: schemafile.owners), compared where pinned
    return old.owner not in defaults


def migration_roles(read: Any, history: set) -> Optional[tuple[str, ...]]:
    """`read`'s default_owners (the database owner) and the owner of sqlx's history table (named in `history`)
    where the read holds it: a team whose migrations run as another role than the database owner's has its
    objects owned by that role, which the history table's owner is (sqlx makes it in the first migration's run)."""
    runs = {t.owner for t in read.tables if t.name in history and t.owner}
    return tuple(sorted({*(read.default_owners or ()), *runs})) if read.default_owners or runs else read.default_owners


def owners_by_default(current: Any) -> Optional[frozenset]:
    """given_back's `defaults` where `current` is the side compared from: none for schema.yaml's recorded model
    (state.json: every owner it pinned), a database read's default_owners (None where it read no role)."""
    return frozenset() if current.default_owners is None else frozenset(current.default_owners) or None


def held_alike(old: Any, new: Any, defaults: Optional[frozenset] = None) -> bool:
    """Whether `old` exists with `new`'s access list and owner, an owner schema.yaml pins no more not given back:
    compare.grants.object_changes finds nothing then, whatever default privileges may give a new object."""
    return old is not None and old.grants == new.grants and new.owner in (None, old.owner) \
        and not given_back(old, new, defaults)
