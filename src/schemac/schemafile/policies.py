"""A table's `row_level_security:` (enabled, forced) and `policies:` (name -> command, permissive or
restrictive, roles, using, with_check, comment)."""

from __future__ import annotations

from typing import Optional

from schemac.model import POLICY_COMMANDS, PUBLIC, Policy
from schemac.schemafile.grants import GrantReader

RLS_KEYS = {"enabled": False, "forced": False}
POLICY_KEYS = {"command": False, "as": False, "roles": False, "using": False, "with_check": False, "comment": False}


class PolicyReader(GrantReader):
    """Reads the security keys of a table: row-level security, policies, and (GrantReader's) grants and owner."""

    def table_security(self, f: dict, what: str, known) -> dict:
        """The Table fields of a table's security keys."""
        enabled, forced = self.row_level_security(f, what)
        return {"row_level_security": enabled, "force_row_level_security": forced,
                "policies": self.policies(f, what), "grants": self.grants(f, what, "table", known),
                "owner": self.owner(f, what)}

    def row_level_security(self, f: dict, what: str) -> tuple[bool, bool]:
        if "row_level_security" not in f:
            return False, False
        rf = self.w.fields(f["row_level_security"][1], f"row_level_security of {what}", RLS_KEYS)
        return self.opt_bool(rf, "enabled", what), self.opt_bool(rf, "forced", what)

    def policies(self, f: dict, what: str) -> tuple[Policy, ...]:
        out = []
        for _, key_node, node in (self.w.mapping(f["policies"][1], f"policies of {what}") if "policies" in f else ()):
            name = self.identifier(key_node, "policy name")
            p_what = f"policy '{name}' of {what}"
            pf = self.w.fields(node, p_what, POLICY_KEYS)
            command = self.choice(pf, "command", POLICY_COMMANDS, p_what) or "all"
            permissive = (self.choice(pf, "as", ("permissive", "restrictive"), p_what) or "permissive") == "permissive"
            roles = [PUBLIC]
            if "roles" in pf:
                roles = []
                for item in self.w.sequence(pf["roles"][1], f"roles of {p_what}"):
                    role = self.role(item, f"role of {p_what}")
                    if role in roles:
                        raise self.fail(item, f"{p_what} names the role {role} twice")
                    roles.append(role)
                if not roles:
                    raise self.fail(pf["roles"][1], f"roles of {p_what} is empty (PUBLIC: every role)")
                if PUBLIC in roles and len(roles) > 1:  # Postgres keeps PUBLIC alone ("ignoring specified roles
                    roles = [PUBLIC]                    # other than PUBLIC"): so does the model, as the catalog reads it
                    self.warnings.append(f"{self.w.src(pf['roles'][1])}: roles of {p_what}: PUBLIC is every role; "
                                         "Postgres ignores the other roles named beside it")
            using, with_check = (self._condition(pf, k, p_what) for k in ("using", "with_check"))
            if command == "insert" and using is not None:
                raise self.fail(pf["using"][0], f"{p_what}: an insert policy has only with_check")
            if command in ("select", "delete") and with_check is not None:
                raise self.fail(pf["with_check"][0], f"{p_what}: a {command} policy has only using")
            out.append(Policy(name, command, permissive, tuple(sorted(roles)), using, with_check,  # type: ignore
                              self.opt_string(pf, "comment", p_what), self.w.src(key_node)))
        return tuple(out)

    def _condition(self, f: dict, key: str, what: str) -> Optional[str]:
        return self.condition(f[key][1], f"{key} of {what}") if key in f else None



def written_policies(policies: tuple[Policy, ...]) -> dict:
    """`policies:` as inspect writes it (defaults left out: all, permissive, PUBLIC)."""
    out = {}
    for p in policies:
        spec: dict = {}
        if p.command != "all":
            spec["command"] = p.command
        if not p.permissive:
            spec["as"] = "restrictive"
        if p.roles != (PUBLIC,):
            spec["roles"] = list(p.roles)
        for key, value in (("using", p.using), ("with_check", p.with_check), ("comment", p.comment)):
            if value is not None:
                spec[key] = value
        out[p.name] = spec
    return out
