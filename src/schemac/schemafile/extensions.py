"""Extensions, by name and optionally the schema they live in, and the GRANT/REVOKE and ALTER ... OWNER TO made on their
own objects."""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import Node, ScalarNode

from schemac.model import PRIVILEGES, Extension, MemberGrant, MemberSetting, Privilege
from schemac.model.grants import TABLE_ONLY
from schemac.schemafile.grants import GrantReader, grants_flow, role_name, written_grants
from schemac.schemafile.typewriter import Flow, FlowList, drop_empty, written_number


EXTENSION_KEYS = {"name": True, "schema": False, "comment": False, "grants": False, "owners": False,
                  "settings": False, "comments": False, "detached": False, "version": False}
# An extension's own object as GRANT names it: the keyword, then its qualified name (a routine's arguments too).
_MEMBER = re.compile(r"(TABLE|SEQUENCE|ROUTINE|TYPE|SCHEMA|FOREIGN DATA WRAPPER) (\S.*)")
# An extension's own object as ALTER ... OWNER TO names it: the kind, then pg_identify_object's identity.
_OWNED = re.compile(r"(TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|FOREIGN TABLE|FUNCTION|PROCEDURE|AGGREGATE|TYPE|DOMAIN|SCHEMA|"
                    r"OPERATOR|OPERATOR CLASS|OPERATOR FAMILY|TEXT SEARCH DICTIONARY|TEXT SEARCH CONFIGURATION|"
                    r"COLLATION|CONVERSION) (\S.*)")
# An extension's own object as COMMENT ON names it: the kind, then pg_identify_object's identity (a cast's in parentheses).
_COMMENTED = re.compile(r"(TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|FOREIGN TABLE|FUNCTION|PROCEDURE|AGGREGATE|TYPE|DOMAIN|"
                        r"SCHEMA|OPERATOR|OPERATOR CLASS|OPERATOR FAMILY|TEXT SEARCH (?:DICTIONARY|CONFIGURATION|PARSER|"
                        r"TEMPLATE)|COLLATION|CONVERSION|CAST|ACCESS METHOD|EVENT TRIGGER|SERVER|FOREIGN DATA WRAPPER|"
                        r"LANGUAGE|COLUMN) (\S.*)")
_DETACHED = re.compile(r"TYPE \S.*")
_ROUTINE = re.compile(r"(FUNCTION|PROCEDURE) (\S.*\(.*\))")
_MEMBER_KIND = {"TABLE": "table", "SEQUENCE": "sequence", "ROUTINE": "function", "TYPE": "type", "SCHEMA": "schema",
                "FOREIGN DATA WRAPPER": "foreign data wrapper"}


class ExtensionReader(GrantReader):
    """Reads the top-level `extensions:` list."""

    def extensions(self, node: Node) -> list[Extension]:
        out = []
        for item in self.w.sequence(node, "extensions"):
            if isinstance(item, ScalarNode):
                out.append(Extension(self.identifier(item, "extension name"), None, self.w.src(item)))
                continue
            f = self.w.fields(item, "extension", EXTENSION_KEYS)
            schema = self.identifier(f["schema"][1], "extension schema") if "schema" in f else None
            name = self.identifier(f["name"][1], "extension name")
            grants = self.member_grants(f["grants"][1], f"extension {name}") if "grants" in f else ()
            owners = self.member_owners(f["owners"][1], f"extension {name}") if "owners" in f else ()
            settings = self.member_settings(f["settings"][1], f"extension {name}") if "settings" in f else ()
            comments = self.member_comments(f["comments"][1], f"extension {name}") if "comments" in f else ()
            detached = self.detached_types(f["detached"][1], f"extension {name}") if "detached" in f else ()
            version = self.opt_string(f, "version", f"extension {name}")
            if version is not None and (not version.strip() or version != version.strip()):
                raise self.fail(f["version"][1], f"version of extension {name} must be a version its control file "
                                                 f"names (1.4), not {version!r}")
            out.append(Extension(name, schema, self.w.src(item), self.opt_string(f, "comment", "extension"), grants,
                                 owners, settings, comments, detached, version=version))
        names = [e.name for e in out]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise self.fail(node, f"extension {dupes[0]!r} is listed twice")
        return out

    def _members(self, node: Node, what: str, section: str, pattern: re.Pattern, named: str):
        """(object, its key's node, its value's node) of a mapping of an extension's own objects, each object checked
        against `pattern` (`named`: what it must be, for the error)."""
        for _, key_node, value in self.w.mapping(node, f"{section} of {what}"):
            on = self.w.string(key_node, f"object of the {section} of {what}")
            if pattern.fullmatch(on) is None or any(bad in on for bad in (";", "--", "/*")):
                raise self.fail(key_node, f"{section} of {what}: {on!r} must be {named}")
            yield on, key_node, value

    def member_owners(self, node: Node, what: str) -> tuple[tuple[str, str], ...]:
        """`owners:` of an extension: object as ALTER ... OWNER TO names it -> the role that owns it, where that is
        not the role the extension's script gave it."""
        return tuple(sorted((on, self.identifier(role_node, f"owner of {on} of {what}")) for on, _, role_node in self._members(
            node, what, "owners", _OWNED, "an object kind as ALTER ... OWNER TO names it (FUNCTION, TYPE, TABLE, "
                                          "OPERATOR CLASS, ...) and the object's qualified name")))

    def member_settings(self, node: Node, what: str) -> tuple[MemberSetting, ...]:
        """`settings:` of an extension: routine as ALTER FUNCTION names it -> {cost?, rows?, set?}, what ALTER FUNCTION
        made of the extension's own routine after its script ran (cost or rows left out: not compared; set left out:
        none)."""
        out = []
        for on, _, spec in self._members(node, what, "settings", _ROUTINE, "FUNCTION or PROCEDURE and the routine's "
                                                                           "qualified name and argument types"):
            f = self.w.fields(spec, f"settings of {on} of {what}", {"cost": False, "rows": False, "set": False})
            cost = self.positive(f, "cost", f"{on} of {what}")  # type: ignore[attr-defined]
            rows = self.positive(f, "rows", f"{on} of {what}")  # type: ignore[attr-defined]
            out.append(MemberSetting(on, cost, rows, self.set_clauses(f, f"{on} of {what}")))  # type: ignore[attr-defined]
        return tuple(sorted(out, key=lambda m: m.on))

    def member_comments(self, node: Node, what: str) -> tuple[tuple[str, str], ...]:
        """`comments:` of an extension: object as COMMENT ON names it -> the comment made on it after the extension's
        script ran."""
        return tuple(sorted((on, self.w.text(text_node, f"comment on {on} of {what}")) for on, _, text_node in self._members(
            node, what, "comments", _COMMENTED, "an object kind as COMMENT ON names it (FUNCTION, TYPE, TABLE, "
                                                "OPERATOR CLASS, ...) and the object's qualified name")))

    def detached_types(self, node: Node, what: str) -> tuple[str, ...]:
        """`detached:` of an extension: its base types detached from it since its script ran, TYPE schema.name."""
        out = []
        for item in self.w.sequence(node, f"detached of {what}"):
            on = self.w.string(item, f"type detached from {what}")
            if _DETACHED.fullmatch(on) is None or any(bad in on for bad in (";", "--", "/*")):
                raise self.fail(item, f"detached of {what}: {on!r} must be TYPE and the base type's qualified name")
            out.append(on)
        if len(set(out)) < len(out):
            raise self.fail(node, f"detached of {what} lists a type twice")
        return tuple(sorted(out))

    def member_grants(self, node: Node, what: str) -> tuple[MemberGrant, ...]:
        """`grants:` of an extension: object -> {grant: {role: [privileges]}, revoke: {role: [privileges]}}, what was
        granted on (or revoked from) the extension's own object after its script ran."""
        out = []
        for _, key_node, spec in self.w.mapping(node, f"grants of {what}"):
            on = self.w.string(key_node, f"object of the grants of {what}")
            m = _MEMBER.fullmatch(on)
            if m is None or any(bad in on for bad in (";", "--", "/*")):
                raise self.fail(key_node, f"grants of {what}: {on!r} must be TABLE, SEQUENCE, ROUTINE, TYPE, SCHEMA or "
                                          "FOREIGN DATA WRAPPER and the "
                                          "object's qualified name")
            kind = _MEMBER_KIND[m.group(1)]
            allowed = PRIVILEGES[kind] + (TABLE_ONLY if kind == "table" else ())
            f = self.w.fields(spec, f"grants on {on} of {what}", {"grant": False, "revoke": False})
            for action in ("grant", "revoke"):
                for _, role_node, node in (self.w.mapping(f[action][1], f"{action} on {on}") if action in f else ()):
                    grantee = role_name(self.identifier(role_node, f"grantee of {action} on {on}"))
                    # a grant as a table's (WITH GRANT OPTION, granted_by); a revoke takes back an initial entry
                    groups = self._grant_groups(node, f"grant on {on} to {grantee}") if action == "grant" \
                        else [(node, False, None)]
                    for privileges, grantable, grantor in groups:
                        for p in self.w.sequence(privileges, f"privileges of {action} on {on}"):
                            privilege = self.w.string(p, f"privilege of {action} on {on}").strip().upper()
                            if privilege not in allowed:
                                raise self.fail(p, f"privilege of {action} on {on} must be one of "
                                                   f"{', '.join(a.lower() for a in allowed)}, not {privilege.lower()!r}")
                            out.append(MemberGrant(on, grantee, privilege, action == "revoke", grantable, grantor))
        return tuple(sorted(set(out), key=lambda g: g.order))


def extension_spec(e: Extension) -> Any:
    """An extension as inspect writes it: its name alone, {name, schema?, version?, comment?} on a line, or a block with
    its grants (object -> {grant, revoke} -> role -> privileges)."""
    version = e.version if e.version != e.default_version else None  # portable where the servers' defaults differ
    if not (e.schema or e.comment is not None or e.grants or e.owners or e.settings or e.comments or e.detached or version):  # a comment '' is written too
        return e.name
    head = drop_empty({"name": e.name, "schema": e.schema, "version": version, "comment": e.comment})
    if e.owners:
        head["owners"] = dict(e.owners)
    if e.settings:
        head["settings"] = {m.on: Flow(drop_empty({"cost": written_number(m.cost), "rows": written_number(m.rows), "set": Flow(
            {n: v for n, _, v in (c.partition("=") for c in m.config)}) if m.config else None}))
            for m in e.settings}
    if e.comments:
        head["comments"] = dict(e.comments)
    if e.detached:
        head["detached"] = FlowList(list(e.detached))
    if not e.grants:
        return head if e.owners or e.settings or e.comments or e.detached else Flow(head)
    by_on: dict[str, dict] = {}
    for g in e.grants:
        by_on.setdefault(g.on, {}).setdefault("revoke" if g.revoked else "grant", []).append(g)

    def written(action: str, gs: list[MemberGrant]) -> Any:
        if action == "revoke":
            return Flow({g: FlowList([x.privilege.lower() for x in gs if x.grantee == g]) for g in dict.fromkeys(
                x.grantee for x in gs)})
        privileges = tuple(Privilege(g.grantee, g.privilege, g.grantable, grantor=g.grantor) for g in gs)
        return Flow(grants_flow(written_grants(privileges, "member")))
    return {**head, "grants": {on: Flow({k: written(k, v) for k, v in spec.items()}) for on, spec in by_on.items()}}
