"""Collations a schema declares (`collations:`): CREATE COLLATION with a provider, its locale, and
whether it is deterministic."""

from __future__ import annotations

from yaml.nodes import Node

from schemac.model import Collation
from schemac.schemafile.fields import FieldReader

COLLATION_PROVIDERS = ("libc", "icu", "builtin")
COLLATION_KEYS = {"provider": False, "locale": False, "lc_collate": False, "lc_ctype": False, "deterministic": False,
                  "name": False, "schema": False, "comment": False, "owner": False}


class CollationReader(FieldReader):
    """Reads the top-level `collations:`."""

    def collations(self, node: Node) -> list[Collation]:
        out = []
        for name, key, value in self.w.mapping(node, "collations"):
            f = self.w.fields(value, f"collation '{name}'", COLLATION_KEYS)
            name = self.object_name(f, key, "collation name")
            what = f"collation '{name}'"
            provider = self.choice(f, "provider", COLLATION_PROVIDERS, what) or "libc"
            locale, lc_collate, lc_ctype = (self.opt_string(f, k, what) for k in ("locale", "lc_collate", "lc_ctype"))
            if provider != "libc" and (lc_collate is not None or lc_ctype is not None):
                raise self.fail(f["lc_collate" if lc_collate is not None else "lc_ctype"][1],
                                f"{what}: lc_collate and lc_ctype are for provider libc; {provider} takes locale")
            if locale is not None and (lc_collate is not None or lc_ctype is not None):
                raise self.fail(f["locale"][1], f"{what}: locale sets lc_collate and lc_ctype both; give one or the other")
            if locale is None and (lc_collate is None or lc_ctype is None):
                raise self.fail(value, f"{what} needs locale (or, for libc, lc_collate and lc_ctype)")
            if lc_collate is not None and lc_collate == lc_ctype:
                locale, lc_collate, lc_ctype = lc_collate, None, None  # as the catalog reader gives it
            deterministic = not ("deterministic" in f and not self.w.boolean(f["deterministic"][1],
                                                                             f"deterministic of {what}"))
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(Collation(name, schema, provider, locale, lc_collate, lc_ctype, deterministic,
                                 self.opt_string(f, "comment", what), self.w.src(key),
                                 self.owner(f, what)))  # type: ignore[attr-defined]  # GrantReader's, in the Loader
        return out
