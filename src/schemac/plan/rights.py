"""The rights a migration's statements need beyond owning the schema's objects: said before anyone runs it.

Teams run migrations as the role that owns their tables, not as a superuser. Postgres refuses such a role a few
statements outright (CREATE/ALTER EVENT TRIGGER, CREATE/ALTER FOREIGN DATA WRAPPER, CREATE OPERATOR CLASS/FAMILY,
ALTER OPERATOR FAMILY ADD/DROP, a publication FOR ALL TABLES or of TABLES IN SCHEMA, SET SESSION AUTHORIZATION), and
`ALTER ... OWNER TO r` or `ALTER DEFAULT PRIVILEGES FOR ROLE r` where it cannot SET ROLE r ("must be able to SET
ROLE r", "permission denied to change default privileges"). Only these certain cases are
named: what else may fail (an untrusted extension, another owner's object) depends on the database, not the plan.

Read from the rendered statements' text: each starts with its command's words, and OWNER TO ends the ALTER that gives
an object away (plan.grants, plan.objects, plan.opclass_ddl...). A routine's body is one statement beginning CREATE
[OR REPLACE] FUNCTION, so its text never matches.
"""

from __future__ import annotations

import re
from typing import Iterable

# (the statement's start, how the note names it): Postgres's "must be superuser" / "permission denied to create" ones
_SUPERUSER = (
    (re.compile(r"CREATE EVENT TRIGGER\b"), "CREATE EVENT TRIGGER"),
    (re.compile(r"ALTER EVENT TRIGGER\b"), "ALTER EVENT TRIGGER"),
    (re.compile(r"CREATE FOREIGN DATA WRAPPER\b"), "CREATE FOREIGN DATA WRAPPER"),
    (re.compile(r"ALTER FOREIGN DATA WRAPPER\b"), "ALTER FOREIGN DATA WRAPPER"),
    (re.compile(r"CREATE OPERATOR CLASS\b"), "CREATE OPERATOR CLASS"),
    (re.compile(r"CREATE OPERATOR FAMILY\b"), "CREATE OPERATOR FAMILY"),
    (re.compile(r"ALTER OPERATOR FAMILY\b.*\b(?:ADD|DROP)\b", re.S), "ALTER OPERATOR FAMILY ADD/DROP"),
    (re.compile(r"CREATE PUBLICATION\b[^;]*\bFOR ALL TABLES\b"), "CREATE PUBLICATION FOR ALL TABLES"),
    # (created, or, made by the platform already, joined: plan.publication_ddl.made_or_joined's DO block; not a DROP)
    (re.compile(r"(?:DO\b.*?)?CREATE PUBLICATION\b[^;]*\bTABLES IN SCHEMA\b", re.S),
     "CREATE PUBLICATION FOR TABLES IN SCHEMA"),
    (re.compile(r'ALTER PUBLICATION (?:"(?:[^"]|"")+"|\S+) ADD\b[^;]*\bTABLES IN SCHEMA\b'),
     "ALTER PUBLICATION ADD TABLES IN SCHEMA"),
    # (a grant made by another grantor: plan.grants.as_grantor, bare or in the DO block lending it USAGE)
    (re.compile(r"(?:DO\b.*\b)?SET SESSION AUTHORIZATION\b", re.S), "SET SESSION AUTHORIZATION"),
)
_ROLE = r'("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'  # as quote_ident prints it (never CURRENT_USER: the runner itself)
# ALTER <kind words> name ... OWNER TO role; and ALTER DEFAULT PRIVILEGES FOR ROLE role ...: "must be able to SET ROLE"
_OWNER_TO = re.compile(r"ALTER ((?:[A-Z]+ )+)\S.*\bOWNER TO " + _ROLE + r";\s*$", re.S)
_FOR_ROLE = re.compile(r"ALTER DEFAULT PRIVILEGES FOR ROLE " + _ROLE)


# Words one of those statements holds: a statement without any is not matched at all (at 1,000 new tables, 3,333
# statements read by every pattern twice were ~30 ms of `generate`'s CPU; a substring test is C's).
_WORDS = ("EVENT TRIGGER", "FOREIGN DATA WRAPPER", "OPERATOR", "PUBLICATION", "SESSION AUTHORIZATION", "OWNER TO",
          "DEFAULT PRIVILEGES")


# ({what needs a superuser: how many}, {role: {ALTER kind OWNER TO: how many}})
Needed = tuple[dict[str, int], dict[str, dict[str, int]]]


def needed_rights(statements: Iterable[str]) -> Needed:
    """({what needs a superuser: how many}, {role: {ALTER kind OWNER TO: how many}}), in the statements' order."""
    superuser: dict[str, int] = {}
    roles: dict[str, dict[str, int]] = {}
    for text in statements:
        if not any(word in text for word in _WORDS):
            continue
        text = text.lstrip()
        label = next((label for pattern, label in _SUPERUSER if pattern.match(text)), None)
        if label is not None:
            superuser[label] = superuser.get(label, 0) + 1
            continue
        owner, lender = _OWNER_TO.match(text), _FOR_ROLE.match(text)
        if owner is not None or lender is not None:
            role = owner.group(2) if owner is not None else lender.group(1)  # type: ignore[union-attr]
            role = role[1:-1].replace('""', '"') if role.startswith('"') else role
            kinds = roles.setdefault(role, {})
            kind = f"ALTER {owner.group(1)}OWNER TO" if owner is not None else "ALTER DEFAULT PRIVILEGES FOR ROLE"
            kinds[kind] = kinds.get(kind, 0) + 1
    return superuser, roles


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{what} x{n}" if n > 1 else what for what, n in counts.items())


def combined(each: Iterable[Needed]) -> Needed:
    """The rights of several files' statements together, each file's read once (needed_rights): as one pass over all
    of them in order would count them."""
    superuser: dict[str, int] = {}
    roles: dict[str, dict[str, int]] = {}
    for file_superuser, file_roles in each:
        for what, n in file_superuser.items():
            superuser[what] = superuser.get(what, 0) + n
        for role, kinds in file_roles.items():
            counted = roles.setdefault(role, {})
            for kind, n in kinds.items():
                counted[kind] = counted.get(kind, 0) + n
    return superuser, roles


def rights_note(needed: Needed) -> str:
    """One line, "" when the statements need nothing beyond owning what they change (`needed`: needed_rights' answer):
    a superuser for <statements>; and a superuser or a role that can SET ROLE to each role an OWNER TO names (being it
    will do), with its statements."""
    superuser, roles = needed
    parts = [f"a superuser for {_counted(superuser)}"] if superuser else []
    if roles:
        members = "; ".join(f"{role} ({_counted(kinds)})" for role, kinds in roles.items())
        parts.append(f"a superuser or a role that can SET ROLE to {members}")
    return f"note: applying this migration needs {'; and '.join(parts)}" if parts else ""
