"""Privileges and owners compared: for each object (table with its columns, sequence, function), what
each grantee holds in one model and the other. The owner's own privileges (schema.yaml's `owner:` when pinned,
else the database's) are compared as any grantee's where either side names them (a list that is not its
defaults: REVOKE INSERT ON t FROM its owner, a grant option it gave itself, `its_owner: []`); named on neither,
it holds its defaults, spelled ALL (REVOKE ALL, then GRANT what it keeps; GRANT ALL gives them back: one
statement whatever the server's version means by them). An owner is compared only where schema.yaml pins it."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.column_renames import column_moves, net_renames
from schemac.compare.foreign_servers import made_again
from schemac.compare.given_back import MIGRATION_ROLE, given_back, held_alike, owners_by_default
from schemac.compare.identities import (IdentityDifferences, IdentitySequence, identity_differences,
                                        identity_sequences, owned_sequence)
from schemac.compare.namespaces import namespace
from schemac.compare.owner_acl import as_owned_by
from schemac.compare.sequences import renamed_sequences
from schemac.model import DEFAULT_PRIVILEGE_KINDS, Constructor, DefaultPrivileges, Multirange, Namespace, Privilege, RangeType, Schema, Table
from schemac.model.grants import ALL, NOTHING, PUBLIC
from schemac.pg.constructors import constructor_signatures
from schemac.compare.holdings import (
    Holding,
    Secured,
    TYPES,
    _differs,
    _held,
    _name,
    kind_of,
    privileges_kind,
    to_revoke,
)

NEW_OBJECT = "state of a new object"
FOLLOWS_RANGE = "a multirange's owner, the range's"
# Postgres's default entries given back to a new range's multirange where default privileges took them (`withheld`):
# PostgreSQL 15 and 16 made it under those with an access list of its own; 17 and later keep none on a multirange
# (it has its range's) and refuse GRANT on one: plan.grants grants them only where its list is its own.
OWN_LIST_ONLY = "a multirange's own access list (PostgreSQL 16 and older)"
# What every role holds on a new object of a kind (Postgres's default access list, the owner's aside).
_CREATED_WITH = {"function": (Privilege("PUBLIC", "EXECUTE"),), "type": (Privilege("PUBLIC", "USAGE"),),
                 "domain": (Privilege("PUBLIC", "USAGE"),)}


# The objects ALTER DEFAULT PRIVILEGES ... ON <key> reaches, by kind_of: each key's own kind, and the kinds
# Postgres counts with it (views with tables, procedures with functions, domains with types).
_DEFAULTED_BY = {**{kind: on for on, (kind, _) in DEFAULT_PRIVILEGE_KINDS.items()},
                 "view": "tables", "materialized view": "tables", "procedure": "functions", "domain": "types"}


def defaulted(current: Schema, desired: Schema, obj: Secured) -> tuple[tuple[Privilege, ...], tuple[Privilege, ...]]:
    """What the default privileges `current` or `desired` holds may grant `obj` when a migration creates it, and
    what of Postgres's default list (_CREATED_WITH: PUBLIC's EXECUTE on a routine, USAGE on a type) those in every
    schema may take from it: those of every role that has some (the migration's role, which creates it before an
    owner schema.yaml pins is set, is not known). The migration alters default privileges only after it created
    its objects (plan.dependencies), so the current ones are in force; schema.yaml's may be too, where the database
    the migration runs on had them before its first migration (a platform's: Supabase's `postgres` grants anon,
    authenticated and service_role everything in public), so what they give is revoked where schema.yaml does not
    give it as well (a REVOKE of what a role does not hold does nothing)."""
    defaults = (*current.default_privileges, *(d for d in desired.default_privileges
                                               if d not in current.default_privileges))
    if not defaults:  # (most schemas: no kind_of for each of their objects)
        return (), ()
    on, created = _DEFAULTED_BY.get(kind_of(obj)), _CREATED_WITH.get(kind_of(obj), ())
    schema = obj.name if isinstance(obj, Namespace) else obj.schema
    out: list[Privilege] = []
    taken: list[Privilege] = []
    # A role's default privileges apply where it runs the migration (not known), its own entries the owner's: an
    # unnamed owner's (any such role: Supabase's platform grants postgres, whose own are there too, what supabase_admin
    # makes), or one schema.yaml pins, ALTER ... OWNER TO handing it them and the rest (QGIS's data: PUBLIC's ALL).
    roles = {d.role for d in defaults}
    for d in (d for d in defaults if d.on == on):
        own = roles if obj.owner is None else set() if d.role == obj.owner else {d.role, obj.owner}
        out += tuple(g for g in d.grants if g.grantee not in own) if d.schema in (None, schema) else ()
        held = {(g.grantee, g.privilege) for g in d.grants}
        taken += [p for p in created if d.schema is None and (p.grantee, p.privilege) not in held]
    return tuple(dict.fromkeys(out)), tuple(dict.fromkeys(taken))


def object_changes(old: Optional[Secured], new: Secured, maybe: tuple[Privilege, ...] = (),
                   withheld: tuple[Privilege, ...] = (), defaults: Optional[frozenset] = None) -> list[Change]:
    """grant / revoke per grantee whose privileges differ, and set_owner where schema.yaml pins another
    owner; `old` None: the object is created by this migration (it starts with Postgres's defaults, and
    perhaps `maybe`, what default privileges grant: revoked where schema.yaml lacks it, granted where it
    has it as if it were not there: both are harmless when the default did not apply; and `withheld`, what
    they may take from Postgres's defaults: granted where schema.yaml has it); `defaults`: compare.given_back's."""
    if held_alike(old, new, defaults):
        return []  # the same access list and owner (most objects): nothing to compare entry by entry
    back = given_back(old, new, defaults)  # an owner schema.yaml pins no more: the migration's role's again
    out: list[Change] = []
    schema, table = new.schema or "", new.name if isinstance(new, Table) else ""
    cause = NEW_OBJECT if old is None else None
    was_owner = old.owner if old is not None else None
    if back or (new.owner is not None and new.owner != was_owner):
        out.append(Change("set_owner", schema, table, _name(new), Holding(old or new, was_owner or ""),
                          Holding(new, new.owner or MIGRATION_ROLE, (), new.source), new if isinstance(new, Table) else None, cause))
    owner = MIGRATION_ROLE if back else new.owner or was_owner  # (back: its list compared as a new owner's, unnamed)
    if isinstance(new, IdentitySequence):  # its table's owner's (and the table's owner change moves its entries)
        was_owner = old.table_owner if isinstance(old, IdentitySequence) else None
        owner = new.table_owner or was_owner
    kind = privileges_kind(new)
    created = _CREATED_WITH.get(kind_of(new), ())
    if old is not None and owner is not None and (new.owner is not None or back or isinstance(new, IdentitySequence)):
        # ALTER ... OWNER TO hands the old owner's entries on (an owner schema.yaml did not pin: the migration's
        # role's, which holds its defaults; the new owner's grants merge into them)
        old = replace(old, grants=as_owned_by(old.grants, MIGRATION_ROLE if was_owner is None and not back else
                                              was_owner, owner, kind))  # type: ignore[arg-type, type-var]
    before = _held(old, owner, kind, tuple(p for p in created if p not in withheld))
    could = _held(old, owner, kind, created + _others(maybe, owner)) if old is None and (maybe or withheld) else before
    after = _held(new, owner, kind)
    mine = tuple(p for p in maybe if p.grantee == owner and p.privilege != NOTHING)
    if old is None and owner is not None and any(p.grantee == owner for p in maybe):
        # default privileges that may take some of the owner's own: granted again, what they give revoked
        before[owner], could[owner] = (), (Privilege(owner, ALL), *mine)
    for grantee in sorted(set(before) | set(after) | set(could)):
        b, a, m = before.get(grantee, ()), after.get(grantee, ()), could.get(grantee, ())
        if not _differs(b, a) and not to_revoke(m, a):
            continue
        src = next((p.source for p in a if p.source), None) or new.source
        old_h, new_h = Holding(old or new, grantee, b), Holding(new, grantee, a, src)
        t = new if isinstance(new, Table) else None
        if to_revoke(m, a):
            out.append(Change("revoke", schema, table, _name(new), Holding(old or new, grantee, m),
                              Holding(new, grantee, a, src), t, cause))
        if to_revoke(a, b):
            out.append(Change("grant", schema, table, _name(new), old_h, new_h, t, cause))
    if old is None and owner is None and any(c.kind == "revoke" for c in out):
        out.append(_owner_again(new, schema, table))
    return out


def _owner_again(new: Secured, schema: str, table: str) -> Change:
    """GRANT ALL ... TO CURRENT_USER after the REVOKEs of what default privileges may give a new object whose owner
    schema.yaml leaves unpinned: the migration's role owns it and may be one of their grantees (Supabase's postgres,
    given EXECUTE in realtime by supabase_admin's), and a REVOKE from the owner takes its own privileges away."""
    mine = Holding(new, MIGRATION_ROLE, (Privilege(MIGRATION_ROLE, ALL),), new.source)
    return Change("grant", schema, table, _name(new), Holding(new, MIGRATION_ROLE, ()), mine,
                  new if isinstance(new, Table) else None, NEW_OBJECT)


def _others(entries: tuple[Privilege, ...], owner: Optional[str]) -> tuple[Privilege, ...]:
    """What default privileges may give other roles than the owner (its own are left as its defaults)."""
    return tuple(p for p in entries if p.grantee != owner)


def diff_grants(cur_tables: dict, des_tables: dict, current: Schema, desired: Schema,
                rebuilt_types: frozenset = frozenset(), identities: Optional[IdentityDifferences] = None) -> list[Change]:
    """The grant, revoke and set_owner changes of every table, sequence, function and type schema.yaml keeps (a type
    in `rebuilt_types`, set aside and made again, has Postgres's defaults); `identities`: identity_differences'."""
    out: list[Change] = []
    identities = identities or identity_differences(cur_tables, des_tables)
    back = owners_by_default(current)  # whose objects schema.yaml leaves unpinned (compare.given_back)
    for key, t in des_tables.items():
        if not held_alike(old := privileges_renamed(cur_tables.get(key), t), t, back):  # (most: no defaulted() call)
            out += object_changes(old, t, *defaulted(current, desired, t), back)
        if t.partition_of is not None:
            continue  # a partition's identity is its root's sequence, compared there
        if key not in identities.grants:
            continue  # object_changes would find each identity's sequence's access list the same
        cur = cur_tables.get(key)
        was = identity_sequences(cur)
        renamed = {new: old for old, new in net_renames(column_moves(cur, t)).items()} if cur is not None else {}  # (RENAME COLUMN: the
        # sequence keeps its name, `t_old_seq`)
        for column, s in identity_sequences(t).items():  # an existing sequence keeps its name (a table renamed)
            old = was.get(renamed.get(column, column))
            out += object_changes(old, s if old is None else replace(s, name=old.name), *defaulted(current, desired, s))
    cur_seq = {(s.schema, s.name): s for s in current.sequences}
    if any((s.schema, s.name) not in cur_seq for s in desired.sequences):  # renamed or moved (ALTER SEQUENCE): its
        # list goes along, compared under its new name (not as a new sequence's: what it keeps it held)
        cur_seq.update({(s.schema, s.name): replace(old, schema=s.schema, name=s.name)
                        for old, s in renamed_sequences(current, desired)})
    for s in desired.sequences:  # one a column owns: its table's owner's (ALTER TABLE ... OWNER TO moves it)
        out += object_changes(owned_sequence(cur_seq.get((s.schema, s.name)), cur_tables), owned_sequence(s, des_tables),
                              *defaulted(current, desired, s), back)
    cur_fn = {(f.schema, f.name, f.identity): f for f in (*current.functions, *current.aggregates)}
    for f in (*desired.functions, *desired.aggregates):
        if not held_alike(old_f := cur_fn.get((f.schema, f.name, f.identity)), f, back):  # (as tables': most functions)
            out += object_changes(old_f, f, *defaulted(current, desired, f), back)
    for field in ("enums", "domains", "composite_types", "range_types"):
        cur_types = {(t.schema, t.name): t for t in getattr(current, field)}
        for t in getattr(desired, field):
            old_t = None if (t.schema, t.name) in rebuilt_types else cur_types.get((t.schema, t.name))
            out += object_changes(old_t, t, *defaulted(current, desired, t), back)
            if isinstance(t, RangeType):
                out += _range_part_changes(old_t, t, current, desired)  # type: ignore[arg-type]
    out += _default_privilege_changes(current, desired)
    out += _foreign_server_changes(current, desired)
    existing = set(current.namespaces) | {"public"}
    declared = {n.name for n in desired.namespace_access}
    for ns in desired.namespaces:
        found = object_changes(namespace(current, ns) if ns in existing else None, namespace(desired, ns),
                               *defaulted(current, desired, namespace(desired, ns)), back)
        # A namespace whose grants schema.yaml does not declare: what it holds beyond Postgres's defaults is
        # drift, what it lacks is not (a public schema dropped and created again lacks PUBLIC's USAGE); the owner's
        # own given back after REVOKEs of what default privileges may give (_owner_again) is kept.
        out += found if ns in declared else [c for c in found if c.kind != "grant" or c.cause == NEW_OBJECT and
                                             c.new.grantee == MIGRATION_ROLE]  # type: ignore[union-attr]
    return out


def privileges_renamed(old: Optional[Table], new: Table) -> Optional[Table]:
    """`old`'s column privileges as RENAME COLUMN leaves them (`renamed_from:`): they follow the column, so nothing is
    revoked under the old name and granted again under the new one. (`old` as it is, before any column is looked
    at, where it has no column privilege: every table of a schema, most without a grant.)"""
    if old is None or not old.grants or not any(p.column for p in old.grants):
        return old
    renames = net_renames(column_moves(old, new))
    return replace(old, grants=tuple(replace(p, column=renames.get(p.column, p.column)) for p in old.grants)) \
        if renames else old


def _foreign_server_changes(current: Schema, desired: Schema) -> list[Change]:
    """The grants and revokes on each foreign server (one created again, compare.foreign_servers, starts with
    Postgres's defaults) and foreign-data wrapper (changed in place, never made again); their owners are
    set_foreign_server_owner's and set_foreign_data_wrapper_owner's (compare.publications.owned_changes)."""
    cur = {s.name: s for s in current.foreign_servers}
    was = {w.name: w for w in current.foreign_data_wrappers}
    out: list[Change] = []
    back = owners_by_default(current)  # (one given back: its list compared as the migration role's)
    for s in desired.foreign_servers:
        old = cur.get(s.name)
        kept = old if old is not None and not made_again(old, s) else None
        out += [c for c in object_changes(kept, s, defaults=back) if c.kind != "set_owner"]
    for w in desired.foreign_data_wrappers:
        out += [c for c in object_changes(was.get(w.name), w, defaults=back) if c.kind != "set_owner"]
    return out


def _range_part_changes(old: Optional[RangeType], new: RangeType, current: Schema, desired: Schema) -> list[Change]:
    """The grants and revokes on a range type's constructors (absent: Postgres's default, PUBLIC's EXECUTE) and, where
    either side gives it a list or an owner of its own (PostgreSQL 15), or the range's owner is pinned, on its
    multirange (absent: PUBLIC's USAGE, and the range's owner, which ALTER TYPE ... OWNER TO does not carry on 15)."""
    out: list[Change] = []
    had = {(c.name, c.arguments): c for c in old.constructors} if old is not None else {}
    want = {(c.name, c.arguments): c for c in new.constructors}
    for name, arguments in constructor_signatures(new):
        default = Constructor(name, arguments, new.schema, new.name, new.source, _CREATED_WITH["function"])
        made = want.get((name, arguments), default)
        out += object_changes(None if old is None else had.get((name, arguments), default), made, *defaulted(current, desired, made))
    made_m = multirange(new)
    maybe, withheld = defaulted(current, desired, made_m) if old is None else ((), ())
    if new.multirange_grants or new.multirange_owner or new.owner or withheld or \
            (old is not None and (old.multirange_grants or old.multirange_owner)):
        found = object_changes(None if old is None else multirange(old), made_m,
                               maybe if new.multirange_grants else (), withheld)
        # moved with its range (where the server does not move it): part of the range's owner change, not reported
        out += [replace(c, cause=c.cause or FOLLOWS_RANGE) if c.kind == "set_owner" and new.multirange_owner is None
                else replace(c, cause=OWN_LIST_ONLY) if c.kind == "grant" and _gives_back(c, withheld) else c for c in found]
    return out


def _gives_back(c: Change, withheld: tuple[Privilege, ...]) -> bool:
    """Whether grant change `c` gives only what default privileges withheld (their grantee's USAGE)."""
    given = {(p.grantee, p.key, p.grantable) for p in to_revoke(c.new.entries, c.old.entries)}  # type: ignore[union-attr]
    return given <= {(p.grantee, p.key, p.grantable) for p in withheld}


def multirange(r: RangeType) -> Multirange:
    """`r`'s multirange, its own access list and owner (absent: Postgres's default, and the range's owner)."""
    grants = r.multirange_grants or _CREATED_WITH["type"]  # a list that holds nothing: PUBLIC's NOTHING entry
    return Multirange(r.multirange_name, r.schema, r.name, r.source, grants, r.multirange_owner or r.owner)


def _default_privilege_changes(current: Schema, desired: Schema) -> list[Change]:
    """ALTER DEFAULT PRIVILEGES compared per (role, objects, schema); an absent one is Postgres's default
    (in every schema: EXECUTE on functions and USAGE on types for PUBLIC; in one schema: nothing more)."""
    cur = {(d.role, d.on, d.schema): d for d in current.default_privileges}
    des = {(d.role, d.on, d.schema): d for d in desired.default_privileges}
    out: list[Change] = []
    for role, on, schema in sorted(set(cur) | set(des), key=lambda k: (k[0], k[1], k[2] or "")):
        kind = DEFAULT_PRIVILEGE_KINDS[on][0]
        default = DefaultPrivileges(role, on, schema, _CREATED_WITH.get(kind, ()) if schema is None else (),
                                    extension=(des.get((role, on, schema)) or cur[(role, on, schema)]).extension)
        out += object_changes(cur.get((role, on, schema), default), des.get((role, on, schema), default))
    return out
