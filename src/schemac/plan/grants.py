"""Privileges and owners -> DDL: GRANT, REVOKE (GRANT OPTION FOR), ALTER ... OWNER TO. One statement per
grantee and grant option: table and column privileges of a grantee go in one list (`SELECT, UPDATE
("a", "b")`). REVOKE runs before GRANT: revoking a table privilege also revokes it on every column."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.grants import OWN_LIST_ONLY, TYPES, Holding, to_revoke
from schemac.compare.given_back import MIGRATION_ROLE
from schemac.model import (Aggregate, Constructor, DefaultPrivileges, ForeignDataWrapper, ForeignServer, Multirange, Domain, Namespace, Privilege,
                           Sequence, Table, View)
from schemac.model.grants import ALL, PRIVILEGES, TABLE_ONLY, grouped
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, do_block, literal
from schemac.plan.policies import role_sql
from schemac.plan.aggregate_ddl import aggregate_target
from schemac.plan.routine_ddl import function_target, routine_type_sql


def _target(h: Holding, owner: bool = False) -> str:
    """What the statement names: GRANT takes `TABLE` for every relation, ALTER ... OWNER TO a view's own word."""
    o = h.obj
    if isinstance(o, View):
        return ("MATERIALIZED VIEW " if o.materialized and owner else "VIEW " if owner else "TABLE ") + \
            qualified(o.schema, o.name)
    if isinstance(o, Table):
        return "TABLE " + qualified(o.schema, o.name)
    if isinstance(o, Sequence):
        return "SEQUENCE " + qualified(o.schema, o.name)
    if isinstance(o, TYPES):
        return ("DOMAIN " if isinstance(o, Domain) else "TYPE ") + qualified(o.schema, o.name)
    if isinstance(o, Namespace):
        return "SCHEMA " + quote_ident(o.name)
    if isinstance(o, ForeignServer):  # its owner is set by ALTER SERVER (plan.foreign_server_ddl)
        return "FOREIGN SERVER " + quote_ident(o.name)
    if isinstance(o, ForeignDataWrapper):  # likewise, by ALTER FOREIGN DATA WRAPPER
        return "FOREIGN DATA WRAPPER " + quote_ident(o.name)
    if isinstance(o, DefaultPrivileges):
        return o.on.upper().replace("_", " ")  # LARGE OBJECTS
    if isinstance(o, Constructor):  # its input types as format_type spells them, `VARIADIC s.r[]` included
        return f"FUNCTION {qualified(o.schema, o.name)}({', '.join(o.arguments)})"
    if isinstance(o, Aggregate):  # GRANT takes it as a FUNCTION, with its input types (none: `()`, not `(*)`)
        return "AGGREGATE " + aggregate_target(o) if owner else \
            f"FUNCTION {qualified(o.schema, o.name)}({', '.join(routine_type_sql(t) for t in o.arguments)})"
    return ("PROCEDURE " if o.procedure else "FUNCTION ") + function_target(o)


def privilege_list(entries: list[Privilege]) -> str:
    """`SELECT, UPDATE ("a", "b")`: table-wide privileges, then each column privilege with its columns."""
    whole, columns = grouped(entries)
    return ", ".join(whole + [f"{name} ({', '.join(quote_ident(c) for c in cols)})" for name, cols in columns.items()])


def grant_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of a grant, revoke or set_owner change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "set_owner" and isinstance(new.obj, Multirange):  # type: ignore[union-attr]
        return [_multirange_owner(new.obj, new.grantee)]  # type: ignore[union-attr]
    if k == "set_owner":
        return [command("ALTER", _target(new, owner=True), "OWNER TO",  # type: ignore[union-attr]
                        role_sql(new.grantee) if new.grantee != MIGRATION_ROLE else "CURRENT_USER")]  # type: ignore
    if k not in ("grant", "revoke"):
        return None
    target = _target(new)  # type: ignore[arg-type]
    role = role_sql(new.grantee) if new.grantee != MIGRATION_ROLE else "CURRENT_USER"  # type: ignore[union-attr]
    out: list[exp.Expression] = []
    if k == "revoke":
        kept = {p.key: p.grantable for p in new.entries}  # type: ignore[union-attr]
        for grantor, gone in _by_grantor(to_revoke(old.entries, new.entries)):  # type: ignore[union-attr]
            whole = [p for p in gone if p.key not in kept]
            if _every_one(whole):  # (it takes the others, columns' too: `REVOKE SELECT, ALL` is no SQL)
                whole = [Privilege(new.grantee, ALL)]  # type: ignore[union-attr]
            option = [p for p in gone if p.key in kept]
            again = _owner_table_wide(new, whole, grantor)  # type: ignore[arg-type]
            if again is not None:
                whole = [Privilege(new.grantee, ALL)]  # type: ignore[union-attr]
            some: list[exp.Expression] = []
            if whole:
                some.append(_statement(new, "REVOKE", privilege_list(whole), "ON", target, "FROM", role))  # type: ignore
            if option:
                some.append(_statement(new, "REVOKE", "GRANT OPTION FOR", privilege_list(option), "ON",  # type: ignore
                                       target, "FROM", role))
            taken = _columns_taken(old.entries, new.entries, grantor, whole, option)  # type: ignore[union-attr]
            some += _grants(new, target, role, (again or []) + taken)  # type: ignore[arg-type]
            chain = _column_chain(old.obj, new.obj, [p for p in taken if p.grantable])  # type: ignore[union-attr]
            out += _chain_statements(new, target, chain[::-1], "REVOKE")  # type: ignore[arg-type]
            out += as_grantor(grantor, some, _lent_in(new, grantor))  # type: ignore[arg-type]
            out += _chain_statements(new, target, chain, "GRANT")  # type: ignore[arg-type]
        return out
    o = new.obj  # type: ignore[union-attr]
    if isinstance(o, DefaultPrivileges) and o.extension is not None and o.schema is not None:
        out.append(_extension_schema(o.schema, o.extension))
    for grantor, added in _by_grantor(to_revoke(new.entries, old.entries)):  # type: ignore[union-attr]
        some = _grants(new, target, role, added)  # type: ignore[arg-type]
        out += as_grantor(grantor, some, _lent_in(new, grantor))  # type: ignore[arg-type]
    return [_own_list_only(o, out)] if change.cause == OWN_LIST_ONLY and isinstance(o, Multirange) else out


def _grants(h: Holding, target: str, role: str, entries: list[Privilege]) -> list[exp.Expression]:
    """GRANT `entries` (of one grantor), those with the grant option in a statement of their own."""
    return [_statement(h, "GRANT", privilege_list(some), "ON", target, "TO", role, "WITH GRANT OPTION" if grantable else "")
            for grantable in (False, True) for some in [[p for p in entries if p.grantable == grantable]] if some]


def _every_one(whole: list[Privilege]) -> bool:
    """Whether REVOKE of `whole` is REVOKE ALL: it names ALL, or every privilege of a table with MAINTAIN (what an
    owner's defaults are on PostgreSQL 17 and later, which ALTER ... OWNER TO hands on: REVOKE ALL takes them on
    every major, where 15 and 16 know no MAINTAIN to name)."""
    names = {p.privilege for p in whole if p.column is None}
    return ALL in names or names >= set(PRIVILEGES["table"] + TABLE_ONLY)


def _owner_table_wide(h: Holding, whole: list[Privilege], grantor: Optional[str]) -> Optional[list[Privilege]]:
    """Where a relation's owner gives up table-wide privileges so that those it keeps and those revoked are every one
    of a table's but MAINTAIN (its defaults as ALTER ... OWNER TO merged them: schemac's list of them names no
    MAINTAIN, which PostgreSQL 17 and later give an owner too), the entries it keeps table-wide, granted again after
    REVOKE ALL (which takes MAINTAIN where there is one, as the list schema.yaml gives the owner leaves it, and every
    column's privilege: those it keeps are granted again, _columns_taken); else None."""
    if grantor is not None or h.grantee != h.owner or not isinstance(h.obj, (Table, View)) or \
            any(p.privilege == ALL for p in whole):
        return None
    kept = [p for p in h.entries if p.column is None and p.grantor is None]
    names = {p.privilege for p in whole if p.column is None} | {p.privilege for p in kept}
    return kept if names >= set(PRIVILEGES["table"]) and not any(p.privilege == ALL for p in kept) else None


def _columns_taken(held: tuple[Privilege, ...], kept: tuple[Privilege, ...], grantor: Optional[str],
                   whole: list[Privilege], option: list[Privilege]) -> list[Privilege]:
    """The column privileges `grantor` gave that the list keeps as it `held` them and a REVOKE of the table-wide
    privilege takes with it: REVOKE SELECT ON t revokes SELECT on each column too (REVOKE ALL every one), REVOKE
    GRANT OPTION FOR SELECT each column's option, so `SELECT (a)` kept beside a table-wide SELECT revoked is granted
    again after it (one the list adds is the grant change's, which follows; one it keeps without the grant option it
    held, again without it)."""
    gone = {p.privilege for p in whole if p.column is None}
    options = {p.privilege for p in option if p.column is None}
    was = {p.key: p.grantable for p in held}
    return [p for p in kept if p.column is not None and p.grantor == grantor and p.key in was and
            (was[p.key] or not p.grantable) and
            (ALL in gone or p.privilege in gone or (p.grantable and p.privilege in options))]


def _column_chain(was, now, options: list[Privilege]) -> list[list[Privilege]]:
    """The column privileges granted on, level by level, from the column grant `options` a table-wide REVOKE takes and
    _columns_taken gives back: those the access list keeps as it held them. REVOKE SELECT ON t takes each column's
    SELECT too, and with it the option its holder granted `SELECT (a)` on by (Postgres: 'dependent privileges exist'):
    its grantors revoke them first, deepest first, and grant them again after."""
    held = {(p.grantee, p.key) for p in getattr(was, "grants", ())}  # (kept with or without its option: its own
    # revoke of the option, or of what it granted on, runs first, plan.privilege_order)
    kept = [p for p in getattr(now, "grants", ()) if p.column is not None and (p.grantee, p.key) in held]
    out: list[list[Privilege]] = []
    seen: set[tuple] = set()
    level = {(p.grantee, p.privilege, p.column) for p in options}
    while level:
        found = [p for p in kept if (p.grantor, p.privilege, p.column) in level and (p.grantee, p.key) not in seen]
        seen |= {(p.grantee, p.key) for p in found}
        if found:
            out.append(found)
        level = {(p.grantee, p.privilege, p.column) for p in found if p.grantable}
    return out


def _chain_statements(h: Holding, target: str, chain: list[list[Privilege]], verb: str) -> list[exp.Expression]:
    """REVOKE or GRANT each level of _column_chain's, as each grantor makes it."""
    out: list[exp.Expression] = []
    for level in chain:
        for grantor, some in _by_grantor(level):
            out += as_grantor(grantor, [s for grantee, entries in _per(some, "grantee").items() for s in (
                _grants(h, target, role_sql(grantee), entries) if verb == "GRANT" else
                [_statement(h, "REVOKE", privilege_list(entries), "ON", target, "FROM", role_sql(grantee))])],
                _lent_in(h, grantor))
    return out


def _own_list_only(m: Multirange, statements: list[exp.Expression]) -> exp.Expression:
    """`statements` (GRANT on multirange `m`) where `m` has an access list of its own (PostgreSQL 15 and 16, made
    under default privileges); 17 and later keep none on a multirange (its range's is its) and refuse GRANT on one."""
    name = qualified(m.schema, m.name)
    return do_block(f"BEGIN IF (SELECT t.typacl FROM pg_catalog.pg_type t WHERE t.oid = {literal(name)}::pg_catalog.regtype)"
                    f" IS NOT NULL THEN {' '.join(s.sql(dialect=RENDER) + ';' for s in statements)} END IF; END")


def _multirange_owner(m: Multirange, owner: str) -> exp.Expression:
    """ALTER TYPE multirange OWNER TO, where it is not that owner's already: PostgreSQL 15 keeps the multirange's owner
    apart (ALTER TYPE range OWNER TO leaves it), 16 and later move it with the range and refuse to alter it alone."""
    name = qualified(m.schema, m.name)
    return do_block(f"BEGIN IF (SELECT t.typowner FROM pg_catalog.pg_type t WHERE t.oid = {literal(name)}::pg_catalog.regtype)"
                    f" <> {literal(quote_ident(owner))}::pg_catalog.regrole THEN ALTER TYPE {name} OWNER TO "
                    f"{role_sql(owner)}; END IF; END")


def _extension_schema(schema: str, extension: str) -> exp.Expression:
    """The schema of default privileges that `extension`'s script makes (pg_cron's cron), made and added to it where
    the script did not (a schema a database added to it: ALTER EXTENSION ... ADD SCHEMA); nothing where it did."""
    name = quote_ident(schema)
    return do_block(f"BEGIN IF pg_catalog.to_regnamespace({literal(name)}) IS NULL THEN CREATE SCHEMA {name}; "
                    f"ALTER EXTENSION {quote_ident(extension)} ADD SCHEMA {name}; END IF; END")


def _by_grantor(entries: list[Privilege]) -> list[tuple[Optional[str], list[Privilege]]]:
    """The entries per grantor, the owner's (None) first."""
    return sorted(_per(entries, "grantor").items(), key=lambda x: (x[0] is not None, x[0] or ""))


def _per(entries: list[Privilege], field: str) -> dict[Optional[str], list[Privilege]]:
    """The entries per value of their `field` (grantor, grantee), in the order they come."""
    out: dict[Optional[str], list[Privilege]] = {}
    for p in entries:
        out.setdefault(getattr(p, field), []).append(p)
    return out


def _lent_in(h: Holding, grantor: Optional[str]) -> tuple[str, ...]:
    """The schemas whose USAGE `grantor` is lent around its statements on `h`'s object (compare.grantor_usage)."""
    return tuple(schema for role, schema in h.lent if role == grantor)


def as_grantor(grantor: Optional[str], statements: list[exp.Expression],
               lent_in: tuple[str, ...] = ()) -> list[exp.Expression]:
    """`statements` as `grantor` makes them, the way pg_dump writes a grant made by a role that holds the grant
    option: between SET SESSION AUTHORIZATION and RESET (the migration's role must be a superuser). `lent_in`: the
    schemas schema.yaml gives the grantor no USAGE on, which it needs to name the object: a DO block lends it USAGE
    on each where it lacks it then, and takes it back after (GRANT and REVOKE by the migration's role: the owner's
    entry, which the grantor did not hold)."""
    if grantor is None or not statements:
        return statements
    role = quote_ident(grantor)
    if not lent_in:
        return [command("SET", "SESSION AUTHORIZATION", role), *statements, command("RESET", "SESSION AUTHORIZATION")]
    lent = [(f"lent_{n}", quote_ident(schema)) for n, schema in enumerate(lent_in, 1)]
    declared = " ".join(f"{v} boolean := NOT pg_catalog.has_schema_privilege({literal(grantor)}, {literal(schema)}, 'USAGE');"
                        for (v, _), schema in zip(lent, lent_in))
    made = " ".join(s.sql(dialect=RENDER) + ";" for s in statements)
    return [do_block(f"DECLARE {declared} BEGIN "
                     + " ".join(f"IF {v} THEN GRANT USAGE ON SCHEMA {name} TO {role}; END IF;" for v, name in lent)
                     + f" SET SESSION AUTHORIZATION {role}; {made} RESET SESSION AUTHORIZATION; "
                     + " ".join(f"IF {v} THEN REVOKE USAGE ON SCHEMA {name} FROM {role}; END IF;" for v, name in lent)
                     + " END")]


def _statement(h: Holding, verb: str, *parts: str) -> exp.Command:
    """GRANT/REVOKE ..., or, for default privileges, ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] GRANT ..."""
    o = h.obj
    if not isinstance(o, DefaultPrivileges):
        return command(verb, *parts)
    return command("ALTER", "DEFAULT PRIVILEGES FOR ROLE", role_sql(o.role),
                   f"IN SCHEMA {quote_ident(o.schema)}" if o.schema else "", verb, *parts)
