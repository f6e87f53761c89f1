"""GRANT and REVOKE (and ALTER ... OWNER TO) on an extension's own objects: from what the database holds to what schema.yaml says, relative
to the access lists the extension's script left (a grant schema.yaml drops is revoked, a revoke it drops is granted
back). A grant made by another role than the object's owner is made (and taken back) as that role, as pg_dump
writes it, after the grant that gave it the grant option."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.extension_members import changed_member_comments, changed_member_settings, held_settings
from schemac.model import PUBLIC, Extension, MemberGrant
from schemac.pg.names import quote_ident
from schemac.plan import ddl
from schemac.plan.grants import as_grantor
from schemac.plan.routine_ddl import setting_value


def _grantee(name: str) -> str:
    return PUBLIC if name == PUBLIC else quote_ident(name)


def _statement(g: MemberGrant, give: bool) -> exp.Expression:
    if give:
        return ddl.command("GRANT", g.privilege, "ON", g.on, "TO", _grantee(g.grantee),
                           "WITH GRANT OPTION" if g.grantable else "")
    return ddl.command("REVOKE", g.privilege, "ON", g.on, "FROM", _grantee(g.grantee))


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
    return [ddl.command("ALTER", on, "OWNER TO", quote_ident(want[on]) if on in want else back)
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
        out.append(ddl.command("ALTER", m.on, *parts))
    out += [ddl.command("COMMENT ON", on, "IS", ddl.literal(text)) for on, text in changed_member_comments(old, new)]
    return out
