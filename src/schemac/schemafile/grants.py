"""`grants:` (role -> privileges, WITH GRANT OPTION) and `owner:` of tables, sequences and functions.
Role names are checked against the database at `diff` time (roles are cluster objects, never created
here)."""

from __future__ import annotations

import re
from typing import Any, Optional

from yaml.nodes import MappingNode, Node, SequenceNode

from schemac.model import (DEFAULT_PRIVILEGE_KINDS, PRIVILEGES, PUBLIC, DefaultPrivileges, Namespace, Privilege, RangeType,
                           sorted_privileges)
from schemac.model.grants import NOTHING, PUBLIC_SCHEMA_DEFAULT, TABLE_ONLY, grouped
from schemac.model.references import list_part, list_parts
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow, FlowList

GRANT_KEYS = {"privileges": False, "with_grant_option": False, "granted_by": False}
NAMESPACE_KEYS = {"name": True, "owner": False, "grants": False, "comment": False, "absent": False, "extension": False}
DEFAULT_PRIVILEGES_KEYS = {"role": True, "objects": True, "schema": False, "extension": False, "grants": True}
# ALL PRIVILEGES: ALL; the columns up to the last parenthesis (a quoted column may hold one: model.references.list_parts)
_PRIVILEGE = re.compile(r"\s*([A-Za-z]+)(?:(?<=all)\s+PRIVILEGES)?\s*(?:\((.*)\))?\s*", re.I | re.S)
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
        """`schemas:`: names, or {name, owner?, grants?}, or {name: public, absent: true}: the Schema fields `schemas`,
        `namespace_access` and `public_absent`."""
        names: list[str] = []
        access: list[Namespace] = []
        absent: Optional[bool] = None
        self.extension_schema_nodes: dict[str, Node] = {}  # schema -> its `extension:` (schema_extensions_declared)
        for item in self.w.sequence(node, "schemas") if node is not None else ():
            if not isinstance(item, MappingNode):
                names.append(self.identifier(item, "schema name"))
                continue
            f = self.w.fields(item, "schema of schemas", NAMESPACE_KEYS)
            name = self.identifier(f["name"][1], "schema name")
            what = f"schema '{name}'"
            if "absent" in f:
                absent = self.public_absent(f, name) or absent
                continue
            names.append(name)
            if "extension" in f:  # a schema an extension's script makes: the extension's (its grants and comments)
                access.append(self.extension_schema(f, name, self.w.src(item)))
                continue
            default = PUBLIC_SCHEMA_DEFAULT if name == "public" else ()
            grants = self.grants(f, what, "schema", public_default=default) if "grants" in f else default
            access.append(Namespace(name, grants, self.owner(f, what), self.w.src(item), self.opt_string(f, "comment", what)))
        if absent and "public" in names:
            raise self.fail(node, "schema 'public' is declared absent and listed: give one or the other")
        return {"schemas": tuple(names), "namespace_access": tuple(access), "public_absent": absent}

    def extension_schema(self, f: dict, name: str, src) -> Namespace:
        """{name, extension}: a schema the extension's script makes, where schema.yaml puts objects of its own; its
        owner, grants and comment are the extension's (`extensions:`' grants and comments), not given here.
        (Whether `extensions:` declares the extension is checked once it is read: schema_extensions_declared.)"""
        beside = sorted(set(f) & {"owner", "grants", "comment"})
        if beside:
            raise self.fail(f[beside[0]][1], f"schema '{name}' is extension {f['extension'][1].value}'s: give its {beside[0]} "
                                             f"under extensions: (as `SCHEMA {name}`), not here")
        self.extension_schema_nodes[name] = f["extension"][1]
        return Namespace(name, (), None, src, extension=self.identifier(f["extension"][1], f"extension of schema '{name}'"))

    def schema_extensions_declared(self, access: tuple[Namespace, ...], extensions: tuple) -> None:
        """Each schema given an `extension` names one `extensions:` declares."""
        declared = {e.name for e in extensions}
        for n in access:
            if n.extension is not None and n.extension not in declared:
                raise self.fail(self.extension_schema_nodes[n.name], f"extension of schema '{n.name}' must be an "
                                "extension schema.yaml declares (under extensions:), whose script makes the schema")

    def public_absent(self, f: dict, name: str) -> Optional[bool]:
        """`absent: true` of {name: public, absent: true}: the database has no public schema (the only schema that
        exists without schema.yaml naming it); alone, as an absent schema has no owner, grants or comment."""
        if name != "public":
            raise self.fail(f["absent"][1], f"absent: only on schema 'public' (schema '{name}' is absent where "
                                            "schema.yaml neither lists it nor puts an object in it)")
        if set(f) - {"name", "absent"}:
            raise self.fail(f[sorted(set(f) - {"name", "absent"})[0]][0],
                            "schema 'public' declared absent has no owner, grants or comment")
        self.absent_node = f["absent"][1]
        return self.opt_bool(f, "absent", "schema 'public'") or None

    def default_privileges(self, node: Optional[Node], extensions: tuple = ()) -> tuple[DefaultPrivileges, ...]:
        """`default_privileges:`: a list of {role, objects, schema?, extension?, grants}, each (role, objects, schema)
        once; `extension` one of `extensions` (a schema its script makes, as pg_cron's `cron`)."""
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
            if schema is not None and on in ("schemas", "large_objects"):
                raise self.fail(f["schema"][1], f"{what}: default privileges on {on.replace('_', ' ')} apply in no "
                                                "schema")
            kind = DEFAULT_PRIVILEGE_KINDS[on][0]  # type: ignore[index]
            if (role, on, schema) in seen:
                raise self.fail(item, f"{what} are declared twice (first at line {seen[(role, on, schema)]})")
            seen[(role, on, schema)] = self.w.src(item).line
            extension = self.identifier(f["extension"][1], f"extension of {what}") if "extension" in f else None
            if extension is not None and (schema is None or extension not in {e.name for e in extensions}):
                raise self.fail(f["extension"][1], f"extension of {what} must be an extension schema.yaml declares "
                                                   "(under extensions:), whose script makes the schema"
                                if schema is not None else f"{what}: extension names the maker of a schema: give schema")
            # In one schema the list adds to the defaults; in every schema it replaces them (PUBLIC's too).
            grants = self.grants(f, what, kind, public_default=() if schema is not None else None,
                                 owner=role if schema is None else None)
            out.append(DefaultPrivileges(role, on, schema, grants, self.w.src(item), extension))  # type: ignore[arg-type]
        return tuple(out)

    def grants(self, f: dict, what: str, kind: str, known=None,
               public_default: Optional[tuple[Privilege, ...]] = None, owner: Optional[str] = None) -> tuple[Privilege, ...]:
        """`grants:` of an object of `kind` (table, sequence, function, schema, type): role -> a list of
        privileges (`update (a, b)` for columns of a table), or {privileges, with_grant_option: true} (all of
        them grantable) or {privileges, with_grant_option: [those grantable]}.
        PUBLIC keeps Postgres's default (EXECUTE on a function, USAGE on a type) unless grants names it; the
        owner (`owner:`, or `owner` given) keeps its defaults unless grants names it (`its_owner: []`: none)."""
        out: list[Privilege] = []
        named_public = False
        if owner is None and "owner" in f:
            owner = self.role(f["owner"][1], f"owner of {what}")
        for _, key_node, node in (self.w.mapping(f["grants"][1], f"grants of {what}") if "grants" in f else ()):
            grantee = self.role(key_node, f"grantee of {what}")
            named_public |= grantee == PUBLIC
            g_what = f"grants to {grantee} on {what}"
            seen: set = set()
            for items_node, grantable, grantor in self._grant_groups(node, g_what):
                for item in self.w.sequence(items_node, f"privileges of {g_what}"):
                    for p in self._privileges(item, g_what, kind, known):
                        if (*p, grantor) in seen:
                            raise self.fail(item, f"{g_what} lists {p[0]}{f' ({p[1]})' if p[1] else ''} twice")
                        seen.add((*p, grantor))
                        out.append(Privilege(grantee, p[0], grantable, p[1], self.w.src(key_node), grantor))
            if grantee == owner and not seen:
                out.append(Privilege(grantee, NOTHING, source=self.w.src(key_node)))
        if not named_public:
            out += public_default if public_default is not None else \
                [Privilege(PUBLIC, p) for p in PUBLIC_DEFAULTS.get(kind, ())]
        return sorted_privileges(out)

    def _grant_groups(self, node: Node, g_what: str) -> list[tuple[Node, bool, Optional[str]]]:
        """(privileges node, grantable, grantor) of one grantee: a list of privileges; {privileges,
        with_grant_option?, granted_by?}; or a list of such mappings (grants made by several grantors)."""
        if isinstance(node, SequenceNode) and node.value and all(isinstance(n, MappingNode) for n in node.value):
            return [g for item in node.value for g in self._grant_groups(item, g_what)]
        if not isinstance(node, MappingNode):
            return [(node, False, None)]
        gf = self.w.fields(node, g_what, GRANT_KEYS)
        grantor = self.role(gf["granted_by"][1], f"granted_by of {g_what}") if "granted_by" in gf else None
        if grantor == PUBLIC:
            raise self.fail(gf["granted_by"][1], f"granted_by of {g_what} must be a role, not PUBLIC")
        option = gf.get("with_grant_option")
        if option is not None and isinstance(option[1], SequenceNode):  # those privileges grantable
            groups = [(gf["privileges"][1], False, grantor)] if "privileges" in gf else []
            return groups + [(option[1], True, grantor)]
        if "privileges" not in gf:
            raise self.fail(node, f"{g_what} needs the key 'privileges'")
        return [(gf["privileges"][1], self.opt_bool(gf, "with_grant_option", g_what), grantor)]

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
        columns = list_parts(cols)
        if columns is None:
            raise self.fail(item, f"privilege of {what}: an empty column name or a stray double quote in {text!r} (a "
                                  'column holding a comma, a double quote or a parenthesis, or a blank at an end, is '
                                  'quoted: update ("a, b"))')
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
        grantors = sorted({p.grantor for p in by_grantee[grantee]}, key=lambda g: (g is not None, g or ""))
        specs = [_written(grantor, [p for p in by_grantee[grantee] if p.grantor == grantor]) for grantor in grantors]
        out[grantee] = specs[0] if len(specs) == 1 else [s if isinstance(s, dict) else {"privileges": s} for s in specs]
    return out


def grants_flow(written: dict) -> dict:
    """written_grants' mapping in the shapes inspect prints: each grantee's list or mapping on one line (a list
    of mappings, for grants by several grantors, one mapping a line)."""
    def flow(spec: Any) -> Any:
        if isinstance(spec, dict):
            return Flow({k: FlowList(v) if isinstance(v, list) else v for k, v in spec.items()})
        return [flow(x) for x in spec] if spec and isinstance(spec[0], dict) else FlowList(spec)

    return {g: flow(spec) for g, spec in written.items()}


def _written(grantor: Optional[str], entries: list[Privilege]) -> Any:
    """The privileges `grantor` granted: a list, or {privileges, with_grant_option?, granted_by?}."""
    plain = _items([p for p in entries if not p.grantable])
    option = _items([p for p in entries if p.grantable])
    spec: Any = plain if not option else {"privileges": option, "with_grant_option": True} if not plain \
        else {"privileges": plain, "with_grant_option": option}
    if grantor is None:
        return spec
    return {**(spec if isinstance(spec, dict) else {"privileges": spec}), "granted_by": grantor}


def _items(entries: list[Privilege]) -> list[str]:
    """`select`, `update (a, b)`: table-wide privileges, then each column privilege with its columns."""
    whole, columns = grouped([p for p in entries if p.privilege != NOTHING])
    return [w.lower() for w in whole] + [f"{name.lower()} ({', '.join(list_part(c) for c in cols)})"
                                         for name, cols in columns.items()]


def written_namespaces(names: list[str], access: tuple[Namespace, ...], public_absent: Optional[bool] = None) -> list:
    """`schemas:` as inspect writes it: `names`, and every namespace whose access list differs from
    Postgres's defaults, or whose owner is pinned, as {name, owner?, grants?}; {name: public, absent: true} where
    the database has no public schema."""
    items: dict[str, object] = {name: name for name in names}
    if public_absent:
        items["public"] = {"name": "public", "absent": True}
    for n in access:
        default = set(PUBLIC_SCHEMA_DEFAULT) if n.name == "public" else set()
        if n.extension is not None:  # the extension's: its owner, grants and comment are the extension's
            items[n.name] = {"name": n.name, "extension": n.extension}
            continue
        item: dict = {"name": n.name, **({"owner": n.owner} if n.owner else {}), **({"comment": n.comment} if n.comment is not None else {})}
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
        if d.extension is not None:
            item["extension"] = d.extension
        written = written_grants(d.grants, kind if d.schema is None else "per-schema")
        if d.schema is not None and not written:
            continue  # nothing beyond Postgres's defaults
        item["grants"] = written
        out.append(item)
    return out


def range_parts_spec(r: RangeType) -> dict:
    """A range type's `multirange_grants:` and `multirange_owner:` (its multirange's own: PostgreSQL 15) and
    `constructor_grants:` (each constructor whose access list is not Postgres's default, by signature)."""
    out: dict = {}
    if r.multirange_grants:
        out["multirange_grants"] = grants_flow(written_grants(r.multirange_grants, "type"))
    if r.multirange_owner is not None:
        out["multirange_owner"] = r.multirange_owner
    if r.constructors:
        out["constructor_grants"] = {c.signature: Flow(grants_flow(written_grants(c.grants, "function")))
                                     for c in r.constructors}
    return out


def owner_spec(obj: Any) -> dict:
    """{"owner": ...} where the object's owner is pinned (inspect: schemafile/owners.py), else {}."""
    owner = getattr(obj, "owner", None)
    return {"owner": owner} if owner is not None else {}
