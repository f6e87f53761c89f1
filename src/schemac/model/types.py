"""Enums, domains, composite and range types, and extensions: the types a column can have beyond the
built-in ones."""

from __future__ import annotations

from schemac.model.frozen import frozen, replace
from dataclasses import field
from typing import Optional

from .grants import Privilege
from .references import reference_part
from .source import Source, _hint, _security, _src
from .tables import Check


@frozen
class Enum:
    name: str
    values: tuple[str, ...]
    schema: str = "public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (typacl), the owner's own left out
    owner: Optional[str] = _security(None)  # None: not compared
    renamed_from: Optional[str] = _hint()  # its old name, or schema.name (moved: ALTER TYPE ... SET SCHEMA)
    # As a table's: what a schema schema.yaml does not cover holds that uses the type (inspect -n: 'table column
    # auth.t.m', 'function auth.f(public.mood)', 'domain auth.d'): not compared; generate refuses to drop it (or make
    # it again) while they stand.
    used_outside: tuple[str, ...] = field(default=(), compare=False)
    # `renamed_values` ((new label, old label), ...): a hint, as renamed_from: where the type holds the old label and
    # not the new, ALTER TYPE ... RENAME VALUE (rows, defaults, CHECKs, views, bounds hold a label by its OID: they
    # follow) instead of the new one added and the old one removed (the type made again, over the rows' old labels).
    renamed_values: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@frozen
class Domain:
    name: str
    type: str
    schema: str = "public"
    default: Optional[str] = None
    not_null: bool = False
    checks: tuple[Check, ...] = ()  # expressions use VALUE
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (typacl), the owner's own left out
    owner: Optional[str] = _security(None)  # None: not compared
    collation: Optional[str] = None  # COLLATE of the domain, by name, when it is not its base type's own
    renamed_from: Optional[str] = _hint()  # its old name, or schema.name (moved: ALTER DOMAIN ... SET SCHEMA)
    # PostgreSQL 17+ keeps its NOT NULL as a pg_constraint row: its name where not Postgres's (<domain>_not_null), its
    # comment (COMMENT ON CONSTRAINT name ON DOMAIN).
    not_null_name: Optional[str] = None
    not_null_comment: Optional[str] = None
    used_outside: tuple[str, ...] = field(default=(), compare=False)  # as an enum's



def drops_only(old: Domain, new: Domain) -> bool:
    """A domain's change that only drops CHECKs or its DEFAULT (ALTER DOMAIN ... DROP CONSTRAINT / DROP DEFAULT):
    it needs nothing the domain did not stand on before (plan.dependencies)."""
    return new != old and set(new.checks) <= set(old.checks) and new.default in (None, old.default) and \
        replace(new, checks=old.checks, default=old.default) == old


@frozen
class MemberSetting:
    """ALTER FUNCTION ... COST/ROWS/SET made on an extension's own routine after its script ran: `on` names the routine
    as ALTER FUNCTION does (FUNCTION public.strpos(public.citext,public.citext)); cost or rows None from schema.yaml:
    not compared (the catalog's rows is None but for a set-returning function's); config as pg_proc.proconfig keeps
    it ("search_path=public, pg_temp")."""

    on: str
    cost: Optional[float] = None
    rows: Optional[float] = None
    config: tuple[str, ...] = ()


@frozen
class MemberGrant:
    """A GRANT (`revoked` False) or REVOKE made on an extension's own object after its script ran: `on` names the
    object as GRANT does (TABLE public.spatial_ref_sys, ROUTINE public.st_union(geometry)); compared with the
    object's initial access list (pg_init_privs), as pg_dump dumps them."""

    on: str
    grantee: str  # a role name, or PUBLIC
    privilege: str  # upper case: SELECT, EXECUTE, USAGE...
    revoked: bool = False
    grantable: bool = False  # WITH GRANT OPTION (a grant only)
    grantor: Optional[str] = None  # a role holding the grant option that made the grant; None: the object's owner

    @property
    def order(self) -> tuple:
        """The order grants are listed and written in."""
        return (self.on, self.revoked, self.grantee, self.privilege, self.grantor or "", self.grantable)


@frozen
class Extension:
    name: str
    schema: Optional[str] = None  # None: wherever Postgres puts it
    source: Optional[Source] = _src()
    # COMMENT ON EXTENSION when it is not the extension's own (its control file's): a dump of an older version
    # sets that one's (PostGIS 2's "... and raster ..."); '': removed (IS NULL); None: not compared
    comment: Optional[str] = None
    grants: tuple[MemberGrant, ...] = ()  # sorted by MemberGrant.order
    # ALTER ... OWNER TO made on its own objects since its script ran: (object as ALTER names it, e.g. FUNCTION
    # s.unaccent(text), owner), sorted; an object left out keeps the owner the script gave it
    owners: tuple[tuple[str, str], ...] = ()
    # ALTER FUNCTION ... COST/ROWS/SET made on its own routines since its script ran, sorted by routine; and COMMENT ON
    # its own objects since then: (object as COMMENT ON names it, comment), sorted. An object left out of either is
    # not compared.
    settings: tuple[MemberSetting, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()
    # its base types its script made and that were detached from it since (ALTER EXTENSION ... DROP TYPE), as
    # "TYPE schema.name", sorted: the migration detaches them after CREATE EXTENSION (schemac makes no base type)
    detached: tuple[str, ...] = ()
    # the owner its script gives its objects, which an object dropped from `owners` is given back (the catalog's;
    # None from schema.yaml: the role running the migration)
    members_owner: Optional[str] = field(default=None, compare=False, repr=False, metadata={"recorded": False})
    # ALTER EXTENSION ... UPDATE TO / CREATE EXTENSION ... VERSION: pg_extension.extversion (the catalog's, always);
    # from schema.yaml None: not compared (the server's default is installed)
    version: Optional[str] = None
    # pg_available_extensions.default_version: inspect writes `version` only where it differs (None from schema.yaml)
    default_version: Optional[str] = field(default=None, compare=False, repr=False, metadata={"recorded": False})


@frozen
class Attribute:
    """One attribute of a composite type."""

    name: str
    type: str
    collation: Optional[str] = None  # None: the type's own
    comment: Optional[str] = None  # COMMENT ON COLUMN type.attribute (PostGraphile documents its types so)
    # `renamed_from`: its old name (ALTER TYPE ... RENAME ATTRIBUTE: the values in columns of the type kept), a hint
    # as a column's; never read from a database.
    renamed_from: Optional[str] = _hint()


@frozen
class CompositeType:
    """CREATE TYPE name AS (attribute type, ...): a row type of its own, not a table's."""

    name: str
    attributes: tuple[Attribute, ...]
    schema: str = "public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (typacl), the owner's own left out
    owner: Optional[str] = _security(None)  # None: not compared
    renamed_from: Optional[str] = _hint()  # its old name, or schema.name (moved: ALTER TYPE ... SET SCHEMA)
    used_outside: tuple[str, ...] = field(default=(), compare=False)  # as an enum's


def default_multirange(range_name: str) -> str:
    """The multirange type Postgres makes beside a range type (makeMultirangeTypeName): "multi" before
    the first "range" of the name, else the name and "_multirange"."""
    at = range_name.find("range")
    return f"{range_name[:at]}multi{range_name[at:]}" if at >= 0 else f"{range_name}_multirange"


@frozen
class Constructor:
    """One of the functions CREATE TYPE ... AS RANGE makes (`r(lower, upper)`, `r(lower, upper, bounds)`, and
    its multirange's three): part of the range type (no DROP or CREATE of its own), but with an access list of its
    own, which GRANT ... ON ALL ROUTINES IN SCHEMA and default privileges on functions reach."""

    name: str  # the range's name, or its multirange's
    arguments: tuple[str, ...]  # input types as format_type prints them; the variadic one "VARIADIC s.r[]"
    schema: str = "public"
    range: str = ""  # the range type's name: the constructor exists once it is made
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # EXECUTE (proacl), the owner's own left out
    owner: Optional[str] = _security(None)  # the catalog's (the grants are relative to it); never pinned

    @property
    def signature(self) -> str:
        """name(type, ...) as GRANT and reports name it."""
        return f"{self.name}({', '.join(self.arguments)})"


@frozen
class Multirange:
    """The multirange type Postgres makes beside range type `range`, as its privileges and owner are compared (not a
    kind schema.yaml declares): PostgreSQL 15 keeps an access list and an owner of its own (ALTER TYPE range OWNER TO
    leaves them); 16 and later refuse GRANT on it and move it with its range."""

    name: str
    schema: str
    range: str
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())
    owner: Optional[str] = _security(None)


@frozen
class RangeType:
    """CREATE TYPE name AS RANGE (SUBTYPE = ..., ...)."""

    name: str
    subtype: str
    schema: str = "public"
    subtype_opclass: Optional[str] = None  # None: the subtype's default btree operator class
    collation: Optional[str] = None  # None: the subtype's own
    canonical: Optional[str] = None  # function name ("schema.name" outside pg_catalog and public)
    subtype_diff: Optional[str] = None  # function name, as canonical
    multirange: Optional[str] = None  # None: Postgres's name for it (default_multirange)
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (typacl), the owner's own left out
    owner: Optional[str] = _security(None)  # None: not compared
    # The constructors whose access lists are not Postgres's default (PUBLIC's EXECUTE), by signature order
    constructors: tuple[Constructor, ...] = _security(())
    # USAGE on the multirange type where it has a list of its own (PostgreSQL 15; 18 refuses GRANT on it: its range's
    # list stands for it); (): Postgres's default (PUBLIC's USAGE); a list that holds nothing is PUBLIC's NOTHING entry
    multirange_grants: tuple[Privilege, ...] = _security(())
    multirange_owner: Optional[str] = _security(None)  # where not the range's (PostgreSQL 15); None: the range's
    multirange_comment: Optional[str] = None  # COMMENT ON TYPE of its multirange (a set_type_comment of its own)
    renamed_from: Optional[str] = _hint()  # schema.name: moved from another schema (ALTER TYPE ... SET SCHEMA)
    used_outside: tuple[str, ...] = field(default=(), compare=False)  # as an enum's (its multirange's too)
    # MULTIRANGE_TYPE_NAME = other.m puts the multirange in another schema; None: the range's
    multirange_schema: Optional[str] = None

    @property
    def multirange_name(self) -> str:
        return self.multirange or default_multirange(self.name)

    @property
    def multirange_in(self) -> str:
        """The schema of the multirange type: the range's unless MULTIRANGE_TYPE_NAME named another."""
        return self.multirange_schema or self.schema

    @property
    def multirange_key(self) -> tuple[str, str]:
        """(schema, name) of the multirange type."""
        return self.multirange_in, self.multirange_name

    @property
    def multirange_written(self) -> Optional[str]:
        """`multirange:` as schema.yaml writes it: its name (a part holding a dot quoted), schema.name where it lives
        outside the range's schema (Postgres's rule for MULTIRANGE_TYPE_NAME); None: Postgres's default."""
        if self.multirange_schema is None:
            return None if self.multirange is None else reference_part(self.multirange)
        return f"{reference_part(self.multirange_schema)}.{reference_part(self.multirange_name)}"


@frozen
class Collation:
    """CREATE COLLATION: a libc one by lc_collate and lc_ctype (`locale` when both are one), an ICU (or,
    PostgreSQL 17+, builtin) one by `locale`."""

    name: str
    schema: str = "public"
    provider: str = "libc"  # libc, icu, builtin
    locale: Optional[str] = None  # ICU/builtin locale; a libc collation's lc_collate = lc_ctype
    lc_collate: Optional[str] = None  # libc, when it differs from lc_ctype
    lc_ctype: Optional[str] = None
    deterministic: bool = True
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    owner: Optional[str] = _security(None)  # None: not compared
