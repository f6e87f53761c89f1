"""Security drift: the differences a security reviewer gates on (a privilege schema.yaml does not grant,
a grant to PUBLIC, row-level security off or unforced where declared, a policy missing, changed or
added, an owner changed). Each is a Difference of category "security", with a severity (0-10, as
GitHub code scanning ranks `security-severity`) per kind."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.given_back import MIGRATION_ROLE
from schemac.compare.grants import to_revoke
from schemac.model import PUBLIC, DefaultPrivileges, Policy, Privilege, Table, in_grant_order
from schemac.model.grants import ALL
from schemac.pg.names import quote_ident

SECURITY = "security"

# kind -> (severity, short description, full description): SARIF rules and docs/drift-report.md.
SECURITY_KINDS: dict[str, tuple[float, str, str]] = {
    "unexpected_public_privilege": (9.0, "Privilege granted to PUBLIC",
                                    "Every role holds a privilege on the object that schema.yaml does not grant to "
                                    "PUBLIC (GRANT ... TO PUBLIC made by hand)."),
    "unexpected_privilege": (8.0, "Privilege not granted by schema.yaml",
                             "A role holds a privilege (or its grant option) on the object that schema.yaml does not "
                             "grant it."),
    "missing_privilege": (3.0, "Privilege missing",
                          "schema.yaml grants a role a privilege (or its grant option) that the role does not hold "
                          "in the database."),
    "row_security_disabled": (8.5, "Row-level security is disabled",
                              "schema.yaml enables row-level security on the table; the database has it disabled, so "
                              "its policies are not applied (ALTER TABLE ... DISABLE ROW LEVEL SECURITY)."),
    "row_security_not_forced": (7.0, "Row-level security is not forced",
                                "schema.yaml forces row-level security on the table (FORCE ROW LEVEL SECURITY); the "
                                "database does not, so the table's owner bypasses its policies."),
    "row_security_changed": (4.0, "Row-level security differs",
                             "The table's row-level security is enabled or forced in the database where schema.yaml "
                             "does not declare it."),
    "missing_policy": (8.0, "Policy is missing",
                       "A row-level security policy declared in schema.yaml does not exist on its table."),
    "unexpected_policy": (7.5, "Policy is not in schema.yaml",
                          "The table has a policy that schema.yaml does not declare (a permissive one widens who "
                          "sees and changes rows)."),
    "policy_changed": (7.5, "Policy differs",
                       "The policy's command, permissive or restrictive kind, roles, USING or WITH CHECK condition "
                       "differ from schema.yaml."),
    "owner_changed": (7.0, "Owner changed",
                      "The object is owned by another role than schema.yaml pins (an owner bypasses privileges and, "
                      "unless forced, row-level security)."),
    "missing_role": (3.0, "Role missing",
                     "schema.yaml names a role (an owner, a grantee or grantor, a policy's role, default privileges) "
                     "that the database's cluster lacks: nothing can be granted to it or owned by it until it is "
                     "created (CREATE ROLE; schemac never creates roles)."),
    "extension_grants_changed": (6.0, "Grants on an extension's objects differ",
                                 "The GRANT and REVOKE (or ALTER ... OWNER TO) made on an extension's own tables, "
                                 "routines or types (after its script ran) differ from the extension's grants (or "
                                 "owners) in schema.yaml."),
}


def severity(kind: str) -> Optional[float]:
    entry = SECURITY_KINDS.get(kind)
    return entry[0] if entry else None


def privileges_text(entries: list[Privilege]) -> str:
    """`SELECT, UPDATE (a) WITH GRANT OPTION`."""
    words = []
    for p in in_grant_order(entries):
        words.append(p.privilege + (f" ({p.column})" if p.column else "") + (" WITH GRANT OPTION" if p.grantable else "")
                     + (f" GRANTED BY {p.grantor}" if p.grantor else ""))
    return ", ".join(words) or "nothing"


def _policy(p: Optional[Policy]) -> Optional[str]:
    if p is None:
        return None
    words = [f"POLICY {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} FOR {p.command.upper()}",
             f"TO {', '.join(r if r == PUBLIC else quote_ident(r) for r in p.roles)}"]  # (as CREATE POLICY names them)
    words += [f"USING ({p.using})"] if p.using is not None else []
    words += [f"WITH CHECK ({p.with_check})"] if p.with_check is not None else []
    return " ".join(words)


def _rls(t: Table) -> str:
    return ("enabled" if t.row_level_security else "disabled") + (", forced" if t.force_row_level_security else "")


# What security_difference returns for a change reported with another (describe leaves it out).
SKIP = object()
# The owner expected of an object schema.yaml pins none on (compare.given_back).
UNPINNED = "the migrations' role (schema.yaml pins no owner)"


def _defaults(entries) -> bool:
    """An owner's entries that are its defaults (compare.grants spells them ALL)."""
    return [p.privilege for p in entries] == [ALL]


def security_difference(c: Change, make: Callable[..., object]) -> Optional[object]:
    """The Difference of a security change (made by `make`, Difference's constructor), else None.
    Arguments of make: kind, object_type, schema, table, name, expected, actual, message."""
    k, old, new = c.kind, c.old, c.new
    if k in ("grant", "revoke"):
        o = new.obj  # type: ignore[union-attr]
        obj = f"{new.on} {c.path}" if not isinstance(o, DefaultPrivileges) else \
            f"the {o.on.replace('_', ' ')} {o.role} creates{f' in schema {o.schema}' if o.schema else ''} (default privileges)"
        who = "PUBLIC (every role)" if new.grantee == PUBLIC else "the migrations' role" \
            if new.grantee == MIGRATION_ROLE else f"role {new.grantee}"  # type: ignore[union-attr]
        expected, actual = privileges_text(list(new.entries)), privileges_text(list(old.entries))  # type: ignore
        if k == "grant" and _defaults(old.entries):  # the GRANT after REVOKE ALL of an owner's: reported with it
            return SKIP
        if k == "revoke":
            extra = privileges_text(to_revoke(old.entries, new.entries))  # type: ignore[union-attr]
            kind = "unexpected_public_privilege" if new.grantee == PUBLIC else "unexpected_privilege"  # type: ignore
            if _defaults(old.entries):  # type: ignore[union-attr]
                return make(kind, new.on, c.schema, c.table, c.name, expected, actual,  # type: ignore[union-attr]
                            f"{who}, its owner, holds all of its privileges on {obj}, where schema.yaml leaves it "
                            f"{expected}")
            return make(kind, new.on, c.schema, c.table, c.name, expected, actual,  # type: ignore[union-attr]
                        f"{who} holds {extra} on {obj}, which schema.yaml does not grant")
        if _defaults(new.entries):  # type: ignore[union-attr]
            return make("missing_privilege", new.on, c.schema, c.table, c.name, expected, actual,  # type: ignore
                        f"{who}, its owner, holds {'only ' + actual if old.entries else 'no privilege'} on {obj}, "  # type: ignore
                        "where schema.yaml leaves it all of its privileges")
        lacking = privileges_text(to_revoke(new.entries, old.entries))  # type: ignore[union-attr]
        return make("missing_privilege", new.on, c.schema, c.table, c.name, expected, actual,  # type: ignore
                    f"{who} lacks {lacking} on {obj}, which schema.yaml grants")
    if k == "set_extension_grants":
        if old is None:
            return SKIP  # the missing extension is the difference; its grants come with it
        want, have = set(new.grants), set(old.grants if old is not None else ())  # type: ignore[union-attr]
        owned, held = set(new.owners), set(old.owners)  # type: ignore[union-attr]
        text = lambda gs, os: "; ".join([f"ALTER {on} OWNER TO {owner}" for on, owner in sorted(os)] + [  # noqa: E731
            f"{'REVOKE' if g.revoked else 'GRANT'} {g.privilege} ON {g.on} {'FROM' if g.revoked else 'TO'} {g.grantee}"
            f"{' WITH GRANT OPTION' if g.grantable else ''}{f' GRANTED BY {g.grantor}' if g.grantor else ''}"
            for g in sorted(gs, key=lambda g: g.order)]) or None
        what = "grants on" if owned == held else "owners of" if want == have else "grants on and owners of"
        missing, extra = text(want - have, owned - held), text(have - want, held - owned)
        return make("extension_grants_changed", "extension", "", "", new.name, missing, extra,  # type: ignore
                    f"extension {new.name}: the {what} its own objects differ from schema.yaml's "  # type: ignore
                    f"(missing: {missing or 'none'}; not in schema.yaml: {extra or 'none'})")
    if k == "set_owner":
        return make("owner_changed", new.on, c.schema, c.table, c.name, new.grantee or None, old.grantee or None,  # type: ignore
                    f"{new.on} {c.path} is owned by {old.grantee or 'another role'}, expected "  # type: ignore
                    f"{new.grantee or UNPINNED}")  # type: ignore[union-attr]
    if k in ("set_operator_owner", "set_object_owner", "set_statistics_owner"):  # one missing (or made again) is
        # reported once, by its add_ change
        return SKIP if old is None else make("owner_changed", c.object_kind, c.schema, c.table, c.name,  # type: ignore
                                             new.owner, old.owner, f"{c.object_kind} {c.path} is owned by "  # type: ignore
                                             f"{old.owner}, expected {new.owner or UNPINNED}")  # type: ignore
    if k == "set_row_security":
        kind = ("row_security_disabled" if new.row_level_security and not old.row_level_security  # type: ignore
                else "row_security_not_forced" if new.force_row_level_security and not old.force_row_level_security  # type: ignore
                else "row_security_changed")
        e, a = _rls(new), _rls(old)  # type: ignore[arg-type]
        return make(kind, "table", c.schema, c.table, None, e, a,
                    f"row-level security of table {c.schema}.{c.table} is {a}, expected {e}")
    if k == "drop_policy" and new is not None:  # dropped to be created again: its add reports it, as changed
        return SKIP
    if k == "add_policy" and old is None:
        return make("missing_policy", "policy", c.schema, c.table, c.name, _policy(new), None,  # type: ignore
                    f"policy {c.name} is missing")
    if k == "drop_policy":
        return make("unexpected_policy", "policy", c.schema, c.table, c.name, None, _policy(old),  # type: ignore
                    f"policy {c.name} ({_policy(old)}) is not in schema.yaml")  # type: ignore[arg-type]
    if k in ("alter_policy", "add_policy"):  # or created again, and changed (compare.readers, compare.policies)
        return make("policy_changed", "policy", c.schema, c.table, c.name, _policy(new), _policy(old),  # type: ignore
                    f"policy {c.name} is {_policy(old)}, expected {_policy(new)}")  # type: ignore[arg-type]
    return None


def missing_role_differences(missing: list, make: Callable[..., object]) -> list:
    """A `missing_role` difference (made by `make`, Difference's constructor) for each (role, source) of
    compare.roles.missing_roles: drift of the database, at the first line naming the role."""
    return [make("missing_role", "role", "", "", role, role, None,
                 f"role {role} does not exist in the database's cluster: schema.yaml names it (roles are created "
                 "outside schema.yaml: CREATE ROLE)", s.file if s is not None else None,
                 s.line if s is not None else None, SECURITY)
            for role, s in missing]
