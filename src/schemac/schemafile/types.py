"""Types a schema declares: enums and domains (one type namespace per schema)."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode, SequenceNode

from schemac.model import Domain, Enum
from schemac.pg.names import MAX_IDENTIFIER_BYTES, make_object_name
from schemac.pg.types import TypeSyntaxError, canonical_type
from schemac.schemafile.fields import FieldReader

ENUM_KEYS = {"values": True, "name": False, "schema": False, "comment": False, "grants": False, "owner": False,
             "renamed_from": False, "used_outside": False, "renamed_values": False}
DOMAIN_KEYS = {"type": True, "name": False, "schema": False, "default": False, "not_null": False, "checks": False,
               "comment": False, "grants": False, "owner": False, "collation": False, "renamed_from": False,
               "used_outside": False}


class TypeReader(FieldReader):
    """Reads the top-level `enums:` and `domains:`."""

    def type_security(self, f: dict, what: str) -> tuple:
        """(grants, owner) of a type: USAGE, PUBLIC's by default (GrantReader's, beside it in the Loader)."""
        return self.grants(f, what, "type"), self.owner(f, what)  # type: ignore[attr-defined]

    def enums(self, node: Node) -> list[Enum]:
        out = []
        for name, key, value in self.w.mapping(node, "enums"):
            what = f"enum '{name}'"
            if isinstance(value, SequenceNode):
                f = {"values": (key, value)}
            else:
                f = self.w.fields(value, what, ENUM_KEYS)
            name = self.object_name(f, key, "enum name")
            what = f"enum '{name}'"
            values = [self.w.string(v, f"value of {what}") for v in self.w.sequence(f["values"][1], f"values of {what}")]
            if not values:  # (Postgres takes `AS ENUM ()`: ADD VALUE gives it values later; inspect writes it)
                self.warnings.append(f"{self.w.src(f['values'][1])}: {what} has no values")  # type: ignore[attr-defined]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise self.fail(f["values"][1], f"{what} lists the value {dupes[0]!r} twice")
            too_long = next((v for v in values if len(v.encode()) > MAX_IDENTIFIER_BYTES), None)
            if too_long is not None:
                raise self.fail(f["values"][1], f"value {too_long[:20]!r}… of {what} is longer than 63 bytes")
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(Enum(name, tuple(values), schema, self.opt_string(f, "comment", what), self.w.src(key),
                            *self.type_security(f, what), self.moved_from(f, what, schema, name),
                            self.used_outside(f, what),  # type: ignore[attr-defined]
                            renamed_values=self.renamed_values(f, what, values)))
        return out

    def renamed_values(self, f: dict, what: str, values: list[str]) -> tuple[tuple[str, str], ...]:
        """`renamed_values: {new: old}`: each new label one of `values`, each old one not (it would stay), each once."""
        if "renamed_values" not in f:
            return ()
        out: list[tuple[str, str]] = []
        for new, key, value in self.w.mapping(f["renamed_values"][1], f"renamed_values of {what}"):
            old = self.w.string(value, f"old label of {what}'s value {new!r}")
            if new not in values:
                raise self.fail(key, f"renamed_values of {what} names {new!r}, which is not one of its values")
            if old in values:
                raise self.fail(value, f"{what}'s value {new!r} is renamed from {old!r}, which it still lists")
            if old in (o for _, o in out):
                raise self.fail(value, f"renamed_values of {what} renames {old!r} twice")
            out.append((new, old))
        return tuple(out)

    def domains(self, node: Node) -> list[Domain]:
        out = []
        for name, key, value in self.w.mapping(node, "domains"):
            what = f"domain '{name}'"
            f = self.w.fields(value, what, DOMAIN_KEYS)
            name = self.object_name(f, key, "domain name")
            what = f"domain '{name}'"
            type_node = f["type"][1]
            try:
                type_ = canonical_type(self.w.string(type_node, f"type of {what}"))
            except TypeSyntaxError as e:
                raise self.fail(type_node, f"type of {what}: {e}") from None
            default = self.expression(f["default"][1], f"default of {what}") if "default" in f else None
            checks = []
            if "checks" in f:
                for c_name, c_key, c_node in self.w.mapping(f["checks"][1], f"checks of {what}"):
                    c_name = self.identifier(c_key, "check constraint name")

                    def only_value(col: str, at: Node, ctx: str) -> str:
                        if col != "value":
                            raise self.fail(at, f"{ctx} of {what} refers to '{col}'; a domain check can only use VALUE")
                        return col
                    checks.append(self.check(c_name, c_key, c_node, only_value))
                    if checks[-1].binds:  # (a table's CHECK only: compare.expression_binds)
                        raise self.fail(c_key, f"check '{c_name}' of {what}: binds is a table's CHECK's (a domain's "
                                               "CHECK bound to an older overload is not kept)")
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            not_null, nn = self.domain_not_null(f, what, name)
            out.append(Domain(name, type_, schema, default, not_null, tuple(checks),
                              self.opt_string(f, "comment", what), self.w.src(key), *self.type_security(f, what),
                              self.collation(f["collation"][1], f"collation of {what}") if "collation" in f else None,
                              self.moved_from(f, what, schema, name), **nn,  # type: ignore[attr-defined]
                              used_outside=self.used_outside(f, what)))  # type: ignore[attr-defined]
        return out

    def domain_not_null(self, f: dict, what: str, name_: str) -> tuple[bool, dict]:
        """`not_null: true`, or `{name?, comment?}`: NOT NULL with the name and comment of its constraint (17+)."""
        if "not_null" not in f or isinstance(f["not_null"][1], ScalarNode):
            return self.opt_bool(f, "not_null", what), {}
        g = self.w.fields(f["not_null"][1], f"not_null of {what}", {"name": False, "comment": False})
        name = self.identifier(g["name"][1], f"name of the NOT NULL of {what}") if "name" in g else None
        own = make_object_name(name_, None, "not_null")
        return True, {"not_null_name": None if name == own else name,  # Postgres's own name: as the catalog reads it
                      "not_null_comment": self.opt_string(g, "comment", f"NOT NULL of {what}")}
