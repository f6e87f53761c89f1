"""`grants:` (role -> privileges, WITH GRANT OPTION) and `owner:` of tables, sequences and functions.
Role names are checked against the database at `diff` time (roles are cluster objects, never created
here)."""

from __future__ import annotations

import re
from typing import Any, Optional

from yaml.nodes import MappingNode, Node, SequenceNode

from schemac.model import DEFAULT_PRIVILEGE_KINDS, PRIVILEGES, PUBLIC, DefaultPrivileges, Namespace, Privilege, sorted_privileges
from schemac.model.grants import PUBLIC_SCHEMA_DEFAULT, TABLE_ONLY, grouped
from schemac.schemafile.fields import FieldReader

GRANT_KEYS = {"privileges": False, "with_grant_option": False}
NAMESPACE_KEYS = {"name": True, "owner": False, "grants": False}
DEFAULT_PRIVILEGES_KEYS = {"role": True, "objects": True, "schema": False, "grants": True}
_PRIVILEGE = re.compile(r"\s*([A-Za-z]+)\s*(?:\(([^()]*)\))?\s*")
# What every role may do on an object of this kind unless revoked (Postgres's default access lists).
PUBLIC_DEFAULTS = {"function": ("EXECUTE",), "type": ("USAGE",)}


def role_name(name: str) -> str:
    """PUBLIC however it is spelled (no role can be named public); every other name as it is."""
    return PUBLIC if name.lower() == "public" else name


class GrantReader(FieldReader):
    """Reads `grants:` and `owner:` of tables, sequences and functions."""

    def role(self, node: Node, what: str) -> str:
        return role_name(self.identifier(node, what))

    def owner(self, f: dict, what: str) -> Optional[str]:
        if "owner" not in f:
            return None
        owner = self.role(f["owner"][1], f"owner of {what}")
        if owner == PUBLIC:
            raise self.fail(f["owner"][1], f"owner of {what} must be a role, not PUBLIC")
        return owner

    def namespaces(self, node: Optional[Node]) -> dict:
        """`schemas:`: names, or {name, owner?, grants?}: the Schema fields `schemas` and `namespace_access`."""
        names: list[str] = []
        access: list[Namespace] = []
        for item in self.w.sequence(node, "schemas") if node is not None else ():
            if not isinstance(item, MappingNode):
                names.append(self.identifier(item, "schema name"))
                continue
            f = self.w.fields(item, "schema of schemas", NAMESPACE_KEYS)
            name = self.identifier(f["name"][1], "schema name")
            what = f"schema '{name}'"
            names.append(name)
            default = PUBLIC_SCHEMA_DEFAULT if name == "public" else ()
            grants = self.grants(f, what, "schema", public_default=default) if "grants" in f else default
            access.append(Namespace(name, grants, self.owner(f, what), self.w.src(item)))
        return {"schemas": tuple(names), "namespace_access": tuple(access)}

    def default_privileges(self, node: Optional[Node]) -> tuple[DefaultPrivileges, ...]:
        """`default_privileges:`: a list of {role, objects, schema?, grants}, each (role, objects, schema) once."""
        out: list[DefaultPrivileges] = []
        seen: dict[tuple, int] = {}
        for item in self.w.sequence(node, "default_privileges") if node is not None else ():
            f = self.w.fields(item, "default privileges", DEFAULT_PRIVILEGES_KEYS)
            role = self.role(f["role"][1], "role of default privileges")
            on = self.choice(f, "objects", tuple(DEFAULT_PRIVILEGE_KINDS), "default privileges")
            schema = self.identifier(f["schema"][1], "schema of default privileges") if "schema" in f else None
            what = f"default privileges of {role} on {on}" + (f" in schema {schema}" if schema else "")
            if role == PUBLIC:
                raise self.fail(f["role"][1], f"role of {what} must be a role, not PUBLIC")
            if schema is not None and on == "schemas":
                raise self.fail(f["schema"][1], f"{what}: default privileges on schemas apply in no schema")
            kind = DEFAULT_PRIVILEGE_KINDS[on][0]  # type: ignore[index]
            if (role, on, schema) in seen:
                raise self.fail(item, f"{what} are declared twice (first at line {seen[(role, on, schema)]})")
            seen[(role, on, schema)] = self.w.src(item).line
            # In one schema the list adds to the defaults; in every schema it replaces them (PUBLIC's too).
            grants = self.grants(f, what, kind, public_default=() if schema is not None else None)
            out.append(DefaultPrivileges(role, on, schema, grants, self.w.src(item)))  # type: ignore[arg-type]
        return tuple(out)

    def grants(self, f: dict, what: str, kind: str, known=None,
               public_default: Optional[tuple[Privilege, ...]] = None) -> tuple[Privilege, ...]:
        """`grants:` of an object of `kind` (table, sequence, function, schema, type): role -> a list of
        privileges (`update (a, b)` for columns of a table), or {privileges, with_grant_option: true} (all of
        them grantable) or {privileges, with_grant_option: [those grantable]}.
        PUBLIC keeps Postgres's default (EXECUTE on a function, USAGE on a type) unless grants names it."""
        out: list[Privilege] = []
        named_public = False
        for _, key_node, node in (self.w.mapping(f["grants"][1], f"grants of {what}") if "grants" in f else ()):
            grantee = self.role(key_node, f"grantee of {what}")
            named_public |= grantee == PUBLIC
            g_what = f"grants to {grantee} on {what}"
            groups = [(node, False)]
            if isinstance(node, MappingNode):
                gf = self.w.fields(node, g_what, GRANT_KEYS)
                option = gf.get("with_grant_option")
                if option is not None and isinstance(option[1], SequenceNode):  # those privileges grantable
                    groups = [(gf["privileges"][1], False)] if "privileges" in gf else []
                    groups.append((option[1], True))
                elif "privileges" in gf:
                    groups = [(gf["privileges"][1], self.opt_bool(gf, "with_grant_option", g_what))]
                else:
                    raise self.fail(node, f"{g_what} needs the key 'privileges'")
            seen: set = set()
            for items_node, grantable in groups:
                for item in self.w.sequence(items_node, f"privileges of {g_what}"):
                    for p in self._privileges(item, g_what, kind, known):
                        if p in seen:
                            raise self.fail(item, f"{g_what} lists {p[0]}{f' ({p[1]})' if p[1] else ''} twice")
                        seen.add(p)
                        out.append(Privilege(grantee, p[0], grantable, p[1], self.w.src(key_node)))
        if not named_public:
            out += public_default if public_default is not None else \
                [Privilege(PUBLIC, p) for p in PUBLIC_DEFAULTS.get(kind, ())]
        return sorted_privileges(out)

    def _privileges(self, item: Node, what: str, kind: str, known) -> list[tuple[str, Optional[str]]]:
        text = self.w.string(item, f"privilege of {what}")
        m = _PRIVILEGE.fullmatch(text)
        if m is None and "(" in text and ")" not in text:
            raise self.fail(item, f"privilege of {what}: {text!r} is cut at a comma: quote a privilege on several "
                                  "columns in a [...] list (\"update (a, b)\")")
        allowed = PRIVILEGES[kind] + (TABLE_ONLY if kind == "table" else ())
        if m is None:
            raise self.fail(item, f"privilege of {what} must be one of {', '.join(p.lower() for p in allowed)} "
                                  f"or all, not {text!r}")
        name, cols = m.group(1).upper(), m.group(2)
        if cols is not None and kind != "table":
            raise self.fail(item, f"privilege of {what}: only a table's privileges name columns")
        choices = PRIVILEGES["column"] if cols is not None else allowed
        if name != "ALL" and name not in choices:
            raise self.fail(item, f"privilege of {what} must be one of {', '.join(p.lower() for p in choices)} or "
                                  f"all, not {name.lower()!r}")
        names = (PRIVILEGES["column"] if cols is not None else PRIVILEGES[kind]) if name == "ALL" else (name,)
        if cols is None:
            return [(n, None) for n in names]
        columns = [c.strip() for c in cols.split(",")]
        if not all(columns):
            raise self.fail(item, f"privilege of {what}: an empty column name in {text!r}")
        for c in columns:
            known(c, item, f"privilege {text!r} of {what}")
        return [(n, c) for n in names for c in columns]


def written_grants(grants: tuple[Privilege, ...], kind: str) -> dict:
    """`grants:` as inspect writes it: PUBLIC only where it differs from Postgres's default for the kind."""
    by_grantee: dict[str, list[Privilege]] = {}
    for p in grants:
        by_grantee.setdefault(p.grantee, []).append(p)
    default = [Privilege(PUBLIC, p) for p in PUBLIC_DEFAULTS.get(kind, ())]
    if default and by_grantee.get(PUBLIC) == default:
        del by_grantee[PUBLIC]
    elif default and PUBLIC not in by_grantee:
        by_grantee[PUBLIC] = []
    out: dict = {}
    for grantee in sorted(by_grantee, key=lambda g: (g != PUBLIC, g)):
        plain = _items([p for p in by_grantee[grantee] if not p.grantable])
        option = _items([p for p in by_grantee[grantee] if p.grantable])
        out[grantee] = plain if not option else {"privileges": option, "with_grant_option": True} if not plain \
            else {"privileges": plain, "with_grant_option": option}
    return out


def _items(entries: list[Privilege]) -> list[str]:
    """`select`, `update (a, b)`: table-wide privileges, then each column privilege with its columns."""
    whole, columns = grouped(entries)
    return [w.lower() for w in whole] + [f"{name.lower()} ({', '.join(cols)})" for name, cols in columns.items()]


def written_namespaces(names: list[str], access: tuple[Namespace, ...]) -> list:
    """`schemas:` as inspect writes it: `names`, and every namespace whose access list differs from
    Postgres's defaults, or whose owner is pinned, as {name, owner?, grants?}."""
    items: dict[str, object] = {name: name for name in names}
    for n in access:
        default = set(PUBLIC_SCHEMA_DEFAULT) if n.name == "public" else set()
        item: dict = {"name": n.name} if n.owner is None else {"name": n.name, "owner": n.owner}
        if {(p.grantee, p.key, p.grantable) for p in n.grants} != {(p.grantee, p.key, p.grantable) for p in default}:
            written = written_grants(n.grants, "schema")
            if n.name == "public" and not any(p.grantee == PUBLIC for p in n.grants):
                written = {PUBLIC: [], **written}  # USAGE revoked from PUBLIC
            elif n.name == "public" and [p for p in n.grants if p.grantee == PUBLIC] == list(default):
                written.pop(PUBLIC, None)
            item["grants"] = written
        if len(item) > 1:
            items[n.name] = item
    return [items[k] for k in sorted(items)]


def written_default_privileges(entries: tuple[DefaultPrivileges, ...]) -> list[dict]:
    """`default_privileges:` as inspect writes it."""
    out = []
    for d in entries:
        kind = DEFAULT_PRIVILEGE_KINDS[d.on][0]
        item: dict = {"role": d.role, "objects": d.on}
        if d.schema is not None:
            item["schema"] = d.schema
        written = written_grants(d.grants, kind if d.schema is None else "per-schema")
        if d.schema is not None and not written:
            continue  # nothing beyond Postgres's defaults
        item["grants"] = written
        out.append(item)
    return out


def owner_spec(obj: Any) -> dict:
    """{"owner": ...} where the object's owner is pinned (inspect: schemafile/owners.py), else {}."""
    owner = getattr(obj, "owner", None)
    return {"owner": owner} if owner is not None else {}
