"""What one grantee holds on one object (`Holding`, the value of compare.grants' grant, revoke and set_owner
changes), the kind of object it is, and how two access lists differ."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional, Union
from schemac.compare.identities import IdentitySequence
from schemac.model import DEFAULT_PRIVILEGE_KINDS, Aggregate, CompositeType, Constructor, DefaultPrivileges, Domain, Enum, ForeignDataWrapper, ForeignServer, Function, Multirange, Namespace, Privilege, RangeType, Sequence, Source, Table, View
from schemac.model.grants import ALL, NOTHING, PUBLIC, owner_holds_defaults
from schemac.pg.types import type_name


Secured = Union[Table, View, Sequence, Function, Aggregate, Namespace, DefaultPrivileges, Enum, Domain, CompositeType,
                RangeType, Constructor, Multirange, ForeignServer, ForeignDataWrapper]


TYPES = (Enum, Domain, CompositeType, RangeType, Multirange)


def kind_of(obj: Secured) -> str:
    if isinstance(obj, View):
        return obj.what
    if isinstance(obj, TYPES):
        return "domain" if isinstance(obj, Domain) else "type"
    return "table" if isinstance(obj, Table) else "sequence" if isinstance(obj, Sequence) else \
        "schema" if isinstance(obj, Namespace) else "default privileges" if isinstance(obj, DefaultPrivileges) \
        else "foreign server" if isinstance(obj, ForeignServer) else \
        "foreign data wrapper" if isinstance(obj, ForeignDataWrapper) else "function"


@frozen
class Holding:
    """What one grantee holds on one object (`grantee` is the owner, and `entries` empty, for set_owner):
    the value of the grant, revoke and set_owner changes."""

    obj: Secured
    grantee: str
    entries: tuple[Privilege, ...] = ()
    source: Optional[Source] = None
    # (grantor, schema): a grantor of the statement's entries and a schema the statement names (the object's, an
    # argument type's) that schema.yaml gives it no USAGE on: it cannot name the object, so the migration lends it
    # USAGE there around its statements (compare.grantor_usage).
    lent: tuple[tuple[str, str], ...] = ()

    @property
    def on(self) -> str:
        return kind_of(self.obj)

    def keys(self) -> set[tuple]:
        """The graph keys the statement needs: the object, and the columns it names."""
        o = self.obj
        if isinstance(o, Table):
            return {("table", o.schema, o.name)} | {("column", o.schema, o.name, p.column) for p in self.entries
                                                    if p.column}
        if isinstance(o, View):  # a relation, as view_keys names it
            return {("table", o.schema, o.name)} | {("column", o.schema, o.name, p.column) for p in self.entries
                                                    if p.column}
        if isinstance(o, IdentitySequence):
            return {("column", o.schema, o.table, o.column)}
        if isinstance(o, Sequence):
            return {("sequence", o.schema, o.name)}
        if isinstance(o, Multirange):  # made with its range, and owned anew once the range is (ALTER TYPE ... OWNER TO)
            return {("type", o.schema, o.name), ("owned by", "type", o.schema, o.range)}
        if isinstance(o, TYPES):
            return {("type", o.schema, o.name)}
        if isinstance(o, Namespace):
            return {("schema", o.name)}
        if isinstance(o, DefaultPrivileges):  # in a schema an extension makes: after CREATE EXTENSION
            return ({("schema", o.schema)} if o.schema else set()) | ({("extension", o.extension)} if o.extension else set())
        if isinstance(o, (ForeignServer, ForeignDataWrapper)):  # plan.keys.own_keys' name of it
            return {(type(o).__name__, o.name)}
        if isinstance(o, Constructor):  # made with its range type (the grant option's key sorts first: its own)
            return {("constructor", o.schema, o.name, o.arguments), ("type", o.schema, o.range)}
        return {("function", o.schema, o.name, o.identity)}

    @property
    def owner(self) -> Optional[str]:
        """The object's owner where schema.yaml pins it (an identity's sequence: its table's)."""
        o = self.obj
        return o.table_owner if isinstance(o, IdentitySequence) else o.owner

    def owned_keys(self) -> set[tuple]:
        """The key its owner change makes, which a statement on the owner's own list follows (an identity's
        sequence changes owner with its table: ALTER TABLE ... OWNER TO)."""
        o = self.obj
        if isinstance(o, IdentitySequence):
            return {("owned by", "table", o.schema, o.table)}
        return {("owned by", *key) for key in self.keys() if key[0] != "column"}

    def options(self, held) -> set[tuple]:
        """Graph keys for grant options on the object: (role, privilege) in `held` (one privilege's option, whether
        on the table or a column of it: what a grant of it by that role needs, and what revoking it takes away)."""
        whole = sorted(k for k in self.keys() if k[0] != "column")
        return {("grant option", *whole[0], r, privilege) for r, privilege in held} if whole else set()

    def grantor_keys(self) -> set[tuple]:
        """What the grants made by roles other than the owner need given first, and taken back only after them:
        each grantor's grant option on the object, and USAGE on the object's schema (to name the object)."""
        roles = {p.grantor for p in self.entries if p.grantor}
        schema = self.named_in
        return self.options({(p.grantor, p.privilege) for p in self.entries if p.grantor}) | ({("usage", schema, r) for r in roles | {PUBLIC}} if roles and schema else set())

    @property
    def named_in(self) -> Optional[str]:
        """The schema a statement names the object in (None: a schema, default privileges, a foreign server or
        wrapper)."""
        return None if isinstance(self.obj, (Namespace, DefaultPrivileges, ForeignServer, ForeignDataWrapper)) \
            else self.obj.schema

    def schemas_named(self) -> tuple[str, ...]:
        """The schemas a GRANT or REVOKE on the object names, each once: the object's, and a routine's argument
        types' where they are qualified (`f(types.e)`); naming each takes USAGE on it."""
        own = self.named_in
        if own is None:
            return ()
        kinds = self.obj.identity if isinstance(self.obj, (Function, Aggregate)) else \
            self.obj.arguments if isinstance(self.obj, Constructor) else ()
        qualified_types = [t.removeprefix("VARIADIC ") for t in kinds if "." in t or '"' in t]
        return tuple(dict.fromkeys([own, *(type_name(t)[0] for t in qualified_types)]))

    def given_keys(self) -> set[tuple]:
        """What the grantee's entries give it that a grant by it needs: its grant option, USAGE on a schema."""
        out = self.options({(self.grantee, p.privilege) for p in self.entries if p.grantable})
        if isinstance(self.obj, Namespace) and any(p.privilege == "USAGE" for p in self.entries):
            out.add(("usage", self.obj.name, self.grantee))
        return out


def _name(obj: Secured) -> Optional[str]:
    return None if isinstance(obj, (Table, Namespace)) else \
        obj.signature if isinstance(obj, (Function, Aggregate, Constructor)) else obj.name


def privileges_kind(obj: Secured) -> str:
    """The key of model.grants.PRIVILEGES the object's privileges are of."""
    if isinstance(obj, DefaultPrivileges):
        return DEFAULT_PRIVILEGE_KINDS[obj.on][0]
    kind = kind_of(obj)
    return {"view": "table", "materialized view": "table", "procedure": "function", "domain": "type"}.get(kind, kind)


def _held(obj: Optional[Secured], owner: Optional[str], kind: str, created_as: tuple = ()) -> dict[str, tuple[Privilege, ...]]:
    """Per grantee, its entries; the owner's its defaults (one ALL entry) unless the list names others."""
    entries = created_as if obj is None else obj.grants
    out: dict[str, list[Privilege]] = {}
    for p in entries:
        mine = out.setdefault(p.grantee, []) if p.grantee == owner or p.privilege != NOTHING else []
        if p.privilege != NOTHING:
            mine.append(p)
    if owner is not None and (owner not in out or owner_holds_defaults(out[owner], kind)):
        out[owner] = [Privilege(owner, ALL)]
    return {g: tuple(ps) for g, ps in out.items() if ps or g == owner}


def to_revoke(held: tuple[Privilege, ...], kept: tuple[Privilege, ...]) -> list[Privilege]:
    """The entries of `held` that `kept` lacks, or holds without the grant option `held` has: what REVOKE
    takes away (given the new list first and the old one second: what GRANT adds)."""
    keep = {p.key: p.grantable for p in kept}
    return [p for p in held if p.key not in keep or (p.grantable and not keep[p.key])]


def _differs(a: tuple[Privilege, ...], b: tuple[Privilege, ...]) -> bool:
    return {(p.key, p.grantable) for p in a} != {(p.key, p.grantable) for p in b}
