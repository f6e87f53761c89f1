"""Where a GRANT, REVOKE or ALTER ... OWNER TO goes in the plan's graph (plan.dependencies' four sets of one change):
on the object as it is once made, the owner's own privileges after the owner change, a grantor's after what it needs,
another grantee's revoke before the object goes back to the migration's role."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.compare.given_back import MIGRATION_ROLE
from schemac.compare.grants import NEW_OBJECT
from schemac.compare.holdings import to_revoke
from schemac.compare.identities import IdentitySequence
from schemac.model import Sequence
from schemac.plan.keys import Key

CREATED = ("created",)  # made by every CREATE of the plan: what default privileges change waits for


def privilege_deps(c: Change) -> tuple[set[Key], set[Key], set[Key], set[Key]]:
    """makes, removes, old_refs, new_refs of a grant, revoke or set_owner change."""
    k, old, new = c.kind, c.old, c.new
    makes: set[Key] = set()
    removes: set[Key] = set()
    old_refs: set[Key] = set()
    new_refs: set[Key] = set()
    new_refs |= new.keys()  # type: ignore[union-attr]
    if k == "revoke" and c.cause is None:  # (it names the columns it takes away as they were: old_refs below)
        new_refs = {key for key in new_refs if key[0] != "column"}
    # the owner's own privileges once it owns the object (ALTER ... OWNER TO hands the old owner's on)
    owned = new.owned_keys()  # type: ignore[union-attr]
    back = {("given back", *key) for key in _owner_change(new)}
    if k == "set_owner":
        makes |= owned
        if new.grantee == MIGRATION_ROLE:  # type: ignore[union-attr]
            removes |= back
    elif new.grantee == new.owner or new.grantee == MIGRATION_ROLE and new.owner is None:  # type: ignore[union-attr]
        # (the migration's role's list where schema.yaml pins no owner: compare.grants read it as ALTER ... OWNER TO
        # CURRENT_USER leaves it, the old owner's entries merged into it, so its GRANT and REVOKE follow that change)
        new_refs |= owned
    elif k == "grant" and old is not None and new.grantee == old.owner != new.owner:  # type: ignore[union-attr]
        # to the role that owns it until the plan's ALTER ... OWNER TO: after that, which hands the old owner's whole
        # list on to the new one (a GRANT before it was lost: prop56)
        new_refs |= owned
    if k == "revoke" and new.grantee != MIGRATION_ROLE:  # type: ignore[union-attr]
        # before the object goes back to the migration's role (unnamed): that role may be the grantee (Supabase's
        # postgres, granted USAGE on realtime by supabase_admin), and a REVOKE after ALTER ... OWNER TO CURRENT_USER
        # would take it from the owner's own entry; before it, from the old owner's grant, whoever the role is
        old_refs |= back
    if c.cause == NEW_OBJECT and new.owner is None and not new.on == "default privileges":  # type: ignore[union-attr]
        # a new object the migration's role owns: its GRANT ALL ... TO CURRENT_USER after every REVOKE of what default
        # privileges may have given (compare.grants._owner_again: that role may be their grantee)
        after = {("revoked on new", *key) for key in new.keys() if key[0] != "column"}  # type: ignore[union-attr]
        if k == "revoke":
            makes |= after
        elif new.grantee == MIGRATION_ROLE:  # type: ignore[union-attr]
            new_refs |= after
    if new.on == "default privileges":  # after every CREATE: compare.grants.defaulted  # type: ignore[union-attr]
        new_refs.add(CREATED)
    if k != "set_owner":  # a grant by another role than the owner: after what it needs, before that is revoked
        new_refs |= new.grantor_keys()  # type: ignore[union-attr]
        if k == "revoke":  # (a grant makes only what the new list adds, as its grantors: new_refs)
            old_refs |= old.grantor_keys()  # type: ignore[union-attr]
        if k == "revoke" and c.cause is None:  # a column's privilege, named as its column's renames leave it
            # (compare.grants.privileges_renamed): after them, before its DROP COLUMN, not before a retype, which keeps
            # it (a grant it waits for may wait for the retype: prop48; before a swap's RENAME of the other column
            # taking its name was a cycle, and before a plain one it said the names it had not yet: prop48b)
            columns = [key[1:] for key in old.keys() if key[0] == "column"]  # type: ignore[union-attr]
            old_refs |= {("column until dropped", *key) for key in columns}
            new_refs |= {("column named", *key) for key in columns}
        kept = old.given_keys() if k == "revoke" else set()  # type: ignore[union-attr]
        # (a revoke makes none of what its grantee held before: a grantor's revoke of what it gave, which needs its
        # option on another privilege kept and one this revoke takes away, comes before it: no cycle; a grant makes
        # only what it adds, and takes nothing: _added)
        makes |= new.given_keys() - kept if k == "revoke" else _added(old, new)  # type: ignore[union-attr]
        if k == "revoke":  # an option its grantee keeps from another grantor is given first: else the option this
            # takes has dependents still (Postgres: dependent privileges exist); not one kept on columns alone
            new_refs |= kept & new.given_keys() - _columns_only(new)  # type: ignore[arg-type]
            removes |= old.given_keys() - new.given_keys()  # type: ignore[union-attr]
        wide_deps(c, makes, removes, old_refs, new_refs)
    return makes, removes, old_refs, new_refs


def _added(old, new) -> set[Key]:
    """What a grant gives its grantee that it lacked: the options (USAGE on a schema) of the entries it adds, not those
    the list keeps nor those it loses (its revoke's). Said to make the option kept, a grant ran before its grantee's
    revoke (which waits for one kept, as for one another grantor gives), and said to take the one lost, after the
    revokes of what was granted on it: a cycle where the revoke clears the columns the grant gives again (SELECT, UPDATE
    WITH GRANT OPTION made SELECT (a), UPDATE), or along a chain whose privileges change (USAGE and UPDATE WITH GRANT
    OPTION made SELECT and UPDATE: a regrantor's revoke, its grantor's grant, its own grant, its revoke again)."""
    return replace(new, entries=tuple(to_revoke(new.entries, old.entries))).given_keys()


def _options(h, given: bool) -> set[Key]:
    """Grant options table-wide and on each column: those `h`'s grantee holds (`given`), else those its grants made
    by other roles need. One on a column does not stand for the table-wide one nor for another column's: Postgres
    keeps the columns' lists apart."""
    held = {(h.grantee, p.privilege, p.column) for p in h.entries if p.grantable} if given else \
        {(p.grantor, p.privilege, p.column) for p in h.entries if p.grantor}
    whole = sorted(k for k in h.keys() if k[0] != "column")
    return {("option on", *whole[0], *key) for key in held} if whole else set()


def _columns_only(h) -> set[Key]:
    """The grant options `h`'s grantee keeps on columns and not table-wide."""
    return h.options({(h.grantee, p.privilege) for p in h.entries if p.grantable}) - \
        h.options({(h.grantee, p.privilege) for p in h.entries if p.grantable and p.column is None})


def wide_deps(c: Change, makes: set[Key], removes: set[Key], old_refs: set[Key], new_refs: set[Key]) -> None:
    """A grant chain moving from table-wide privileges to columns' (SELECT WITH GRANT OPTION made SELECT (a, b) WITH
    GRANT OPTION, and what its holder granted likewise, or the other way): the grants its holder made table-wide or on
    a column are revoked before its option there is, and the columns' privileges granted after a table-wide REVOKE,
    which takes the same privilege of every column too (Postgres: 'dependent privileges exist', or the columns'
    grants lost)."""
    old, new = c.old, c.new
    if c.kind == "revoke":  # (it takes, and gives again what it takes beside, what its grantors gave while they
        # held the option: they keep it until it has run, old_refs)
        new_refs -= {key for key in new.grantor_keys() if key[0] == "grant option"}
        makes -= new.given_keys() - old.given_keys()  # (an option its grantee gains is its grant's to give)
        taken = {(p.privilege, p.grantor) for p in to_revoke(old.entries, new.entries) if p.column is None}
        wide = {privilege for privilege, _ in taken}  # (its REVOKE takes the columns' options too, kept ones' also:
        # the grants its holder made on them are revoked, or their options, first)
        removes |= _options(old, True) - _options(new, True) | {k for k in _options(old, True) if k[-2] in wide and
                                                                k[-1] is not None}
        old_refs |= _options(old, False)
        makes |= {("columns cleared", *key, g) for privilege, g in taken for key in old.options({(old.grantee, privilege)})}
    elif c.kind == "grant":
        new_refs |= {("columns cleared", *key, p.grantor) for p in to_revoke(new.entries, old.entries) if p.column
                     for key in new.options({(new.grantee, p.privilege)})}


def _owner_change(h) -> set[Key]:
    """The keys of the owner change `h`'s object goes with: its own, or a serial column's sequence's table's (ALTER
    TABLE ... OWNER TO moves it; it has no set_owner of its own)."""
    o = h.obj
    if isinstance(o, Sequence) and not isinstance(o, IdentitySequence) and o.owned_by:
        return {("owned by", "table", o.schema, o.owned_by.rpartition(".")[0])}
    return h.owned_keys()
