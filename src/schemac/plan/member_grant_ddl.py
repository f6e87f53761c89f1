"""GRANT and REVOKE (and ALTER ... OWNER TO, ALTER FUNCTION, COMMENT ON) on an extension's own objects: from what the
database holds to what schema.yaml says, relative to the access lists the extension's script left (a grant schema.yaml
drops is revoked, a revoke it drops is granted back). A grant made by another role than the object's owner is made (and taken back) as that role, as pg_dump
writes it, after the grant that gave it the grant option. Each statement runs where its object is there
(`present`): one the database put into the extension by hand (ALTER EXTENSION ... ADD TABLE t), which no CREATE
EXTENSION makes, is skipped with a WARNING where it is missing (an empty database), as it failed the migration."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.extension_members import changed_member_comments, changed_member_settings, held_settings
from schemac.model import PUBLIC, Extension, MemberGrant
from schemac.model.frozen import frozen
from schemac.pg.names import quote_ident
from schemac.plan import ddl
from schemac.plan.grants import as_grantor
from schemac.plan.sql_strings import do_block, literal
from schemac.pg.dialect import RENDER
from schemac.plan.routine_ddl import setting_value


def _grantee(name: str) -> str:
    return PUBLIC if name == PUBLIC else quote_ident(name)


# How a member GRANT names its object (extensions.sql's member_grants: its kind, then pg_identify_object's identity;
# an owner's, a setting's or a comment's by pg_identify_object's type: a view, a function, a column...) -> the test of
# its existence where the migration runs.
_LOOKUPS = (("TABLE ", "pg_catalog.to_regclass({})"), ("SEQUENCE ", "pg_catalog.to_regclass({})"),
            ("VIEW ", "pg_catalog.to_regclass({})"), ("MATERIALIZED VIEW ", "pg_catalog.to_regclass({})"),
            ("FOREIGN TABLE ", "pg_catalog.to_regclass({})"),
            ("ROUTINE ", "pg_catalog.to_regprocedure({})"), ("FUNCTION ", "pg_catalog.to_regprocedure({})"),
            ("PROCEDURE ", "pg_catalog.to_regprocedure({})"),
            ("TYPE ", "pg_catalog.to_regtype({})"), ("DOMAIN ", "pg_catalog.to_regtype({})"),
            ("SCHEMA ", "pg_catalog.to_regnamespace({})"),
            ("COLUMN ", "(SELECT a.attnum FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT a.attisdropped AND "
                        "pg_catalog.concat_ws('.', pg_catalog.quote_ident(n.nspname), pg_catalog.quote_ident(c.relname), "
                        "pg_catalog.quote_ident(a.attname)) = {})"),
            ("FOREIGN DATA WRAPPER ", "(SELECT w.oid FROM pg_catalog.pg_foreign_data_wrapper w "
                                      "WHERE pg_catalog.quote_ident(w.fdwname) = {})"))


@frozen
class Guard:
    """What a `present` block runs, as data (carried in its DO command's sqlglot meta, `guard_of`): the object its
    statement names (`TABLE public.t`, as the statement does) and the statement as it reads bare, with its semicolon,
    which plan.rights reads (an OWNER TO, a routine's SET) where the block stands."""

    on: str
    statement: str


def present(on: str, statement: exp.Expression) -> exp.Expression:
    """`statement` on the extension's object `on`, run only where the object is there, else a WARNING naming it: an
    object put into the extension by ALTER EXTENSION ... ADD after its script ran is a member inspect reads the grants,
    owner, settings and comment of, but no CREATE EXTENSION makes it, and schema.yaml does not either (GRANT ... ON
    TABLE t failed: 'relation "t" does not exist'; ALTER FUNCTION f() OWNER TO, SET, COMMENT ON: 'function f() does not
    exist'). An `on` of another kind (an operator class, a cast...) is left as it is. The block carries its Guard."""
    test = next((f.format(literal(on[len(kind):])) for kind, f in _LOOKUPS if on.startswith(kind)), None)
    if test is None:
        return statement
    text = statement.sql(dialect=RENDER)
    warning = (f"{on} is not here (an object put into its extension by ALTER EXTENSION ... ADD, which the "
               f"extension's script does not make?): not run: {text}")
    block = do_block(f"BEGIN IF {test} IS NOT NULL THEN EXECUTE {literal(text)}; "
                     f"ELSE RAISE WARNING USING MESSAGE = {literal(warning)}; END IF; END")
    block.meta["guard"] = Guard(on, text + ";")
    return block


def guard_of(stmt: exp.Expression) -> Optional[Guard]:
    """The Guard of a `present` block, else None (no other statement holds one)."""
    return stmt.meta.get("guard") if isinstance(stmt, exp.Command) and stmt.this == "DO" else None


def _statement(g: MemberGrant, give: bool) -> exp.Expression:
    if give:
        return present(g.on, ddl.command("GRANT", g.privilege, "ON", g.on, "TO", _grantee(g.grantee),
                                         "WITH GRANT OPTION" if g.grantable else ""))
    return present(g.on, ddl.command("REVOKE", g.privilege, "ON", g.on, "FROM", _grantee(g.grantee)))


def _in_grant_order(grants: list[MemberGrant]) -> list[MemberGrant]:
    """`grants` ordered so that each grant by a role other than the owner comes after the one that gives that
    role the grant option, when it is among them (else where it is: the role holds it already)."""
    rest, out = sorted(grants, key=lambda g: g.order), []
    gives = {(g.on, g.grantee, g.privilege) for g in rest if g.grantable and not g.revoked}
    done: set = set()
    while rest:
        ready = [g for g in rest if g.grantor is None or (g.on, g.grantor, g.privilege) not in gives - done] or rest
        out += ready
        done |= {(g.on, g.grantee, g.privilege) for g in ready if g.grantable}
        rest = [g for g in rest if g not in ready]
    return out


def member_owner_statements(old: Optional[Extension], new: Extension) -> list[exp.Expression]:
    """ALTER ... OWNER TO turning `old`'s owners of the extension's objects into `new`'s: an object schema.yaml
    no longer lists goes back to the owner the extension's script gave it (the database's members_owner; the role
    running the migration where that is unknown)."""
    want, have = dict(new.owners), dict(old.owners if old is not None else ())
    back = quote_ident(old.members_owner) if old is not None and old.members_owner else "CURRENT_USER"
    return [present(on, ddl.command("ALTER", on, "OWNER TO", quote_ident(want[on]) if on in want else back))
            for on in sorted(set(want) | set(have)) if want.get(on) != have.get(on)]


def member_grant_statements(old: Optional[Extension], new: Extension) -> list[exp.Expression]:
    """What turns `old`'s grants (none for an extension just created) into `new`'s: what schema.yaml no longer has
    taken back first (a grant option before the grants made with it is revoked after them), then what it adds.
    The owners come first: the grants are the owner's, and ALTER ... OWNER TO hands the old owner's to the new."""
    want, have = set(new.grants), set(old.grants if old is not None else ())
    had = set(old.detached if old is not None else ())  # (a type detached is no longer the extension's)
    owners: list[exp.Expression] = [ddl.command("ALTER EXTENSION", quote_ident(new.name), "DROP" if on in new.detached
                                                else "ADD", on) for on in sorted(had ^ set(new.detached))]
    owners += member_owner_statements(old, new)
    steps = [(g.grantor, _statement(g, g.revoked)) for g in reversed(_in_grant_order(list(have - want)))]
    steps += [(g.grantor, _statement(g, not g.revoked)) for g in _in_grant_order(list(want - have))]
    out: list[exp.Expression] = []
    i = 0
    while i < len(steps):  # runs of one grantor's statements between SET and RESET SESSION AUTHORIZATION
        j = i
        while j < len(steps) and steps[j][0] == steps[i][0]:
            j += 1
        out += as_grantor(steps[i][0], [s for _, s in steps[i:j]])
        i = j
    return owners + out + member_setting_statements(old, new)


def member_setting_statements(old: Optional[Extension], new: Extension) -> list[exp.Expression]:
    """ALTER FUNCTION ... COST/ROWS/SET and COMMENT ON giving the extension's own objects what schema.yaml says of
    them (compare.extension_members: only the objects it lists, and the cost and rows it gives)."""
    have = held_settings(old)
    out: list[exp.Expression] = []
    for m in changed_member_settings(old, new):
        held = have.get(m.on)
        parts = [f"COST {m.cost:g}" if m.cost is not None and (held is None or held.cost != m.cost) else "",
                 f"ROWS {m.rows:g}" if m.rows is not None and (held is None or held.rows != m.rows) else ""]
        if held is None or held.config != m.config:
            parts.append("RESET ALL")
            for setting in m.config:
                name, _, value = setting.partition("=")
                parts += ["SET", ".".join(quote_ident(n) for n in name.split(".")), "=", setting_value(name, value)]
        out.append(present(m.on, ddl.command("ALTER", m.on, *parts)))
    out += [present(on, ddl.command("COMMENT ON", on, "IS", ddl.literal(text)))
            for on, text in changed_member_comments(old, new)]
    return out
