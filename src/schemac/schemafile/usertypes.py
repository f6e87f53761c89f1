"""Composite and range types a schema declares (`composite_types:`, `range_types:`), beside enums and
domains in one type namespace per schema."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from yaml.nodes import Node, ScalarNode

from schemac.model import PUBLIC, Attribute, CompositeType, Constructor, Privilege, RangeType
from schemac.model.grants import NOTHING
from schemac.model.references import plain_parts
from schemac.pg.constructors import constructor_named, constructor_signatures
from schemac.pg.opclasses import without_default
from schemac.pg.types import TypeSyntaxError, canonical_type
from schemac.schemafile.fields import FieldReader, bare_in, plain_reference

COMPOSITE_KEYS = {"attributes": True, "name": False, "schema": False, "comment": False, "grants": False, "owner": False,
                  "renamed_from": False, "used_outside": False}
ATTRIBUTE_KEYS = {"type": True, "collation": False, "comment": False, "renamed_from": False}
RANGE_KEYS = {"subtype": True, "name": False, "schema": False, "subtype_opclass": False, "collation": False,
              "grants": False, "owner": False,
              "canonical": False, "subtype_diff": False, "multirange": False, "comment": False,
              "constructor_grants": False, "multirange_grants": False, "multirange_owner": False, "renamed_from": False,
              "multirange_comment": False, "used_outside": False}


class UserTypeReader(FieldReader):
    """Reads the top-level `composite_types:` and `range_types:`."""

    def type_of(self, node: Node, what: str) -> str:
        try:
            return canonical_type(self.w.string(node, what))
        except TypeSyntaxError as e:
            raise self.fail(node, f"{what}: {e}") from None

    def composite_types(self, node: Node) -> list[CompositeType]:
        out = []
        for name, key, value in self.w.mapping(node, "composite_types"):
            f = self.w.fields(value, f"composite type '{name}'", COMPOSITE_KEYS)
            name = self.object_name(f, key, "composite type name")
            what = f"composite type '{name}'"
            attributes: list[Attribute] = []
            hints: dict[str, Node] = {}  # attribute -> its renamed_from's node (_attribute_chains)
            for a_name, a_key, a_node in self.w.mapping(f["attributes"][1], f"attributes of {what}"):
                a_name = self.identifier(a_key, f"attribute name of {what}")
                a_what = f"attribute '{a_name}' of {what}"
                af = {"type": (a_key, a_node)} if isinstance(a_node, ScalarNode) else \
                    self.w.fields(a_node, a_what, ATTRIBUTE_KEYS)
                collation = self.collation(af["collation"][1], f"collation of {a_what}") if "collation" in af else None
                attributes.append(Attribute(a_name, self.type_of(af["type"][1], f"type of {a_what}"),
                                            None if collation == "default" else collation,
                                            self.opt_string(af, "comment", a_what),
                                            self._attribute_renamed_from(af, a_what, a_name, attributes, what)))
                if "renamed_from" in af:
                    hints[a_name] = af["renamed_from"][1]
            self._attribute_chains(attributes, hints, what)
            if not attributes:  # (Postgres takes `AS ()`: ADD ATTRIBUTE gives it some later; inspect writes it)
                self.warnings.append(f"{self.w.src(f['attributes'][1])}: {what} has no attributes")  # type: ignore[attr-defined]
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(CompositeType(name, tuple(attributes), schema, self.opt_string(f, "comment", what),
                                     self.w.src(key), *self.type_security(f, what),  # type: ignore[attr-defined]
                                     self.moved_from(f, what, schema, name),  # type: ignore[attr-defined]
                                     self.used_outside(f, what)))  # type: ignore[attr-defined]
        return out

    def _attribute_renamed_from(self, af: dict, what: str, name: str, before: list[Attribute],
                                type_what: str) -> Optional[str]:
        """An attribute's `renamed_from:` (ALTER TYPE ... RENAME ATTRIBUTE): not one an earlier attribute is renamed
        from (a name the type still lists: _attribute_chains)."""
        old = self.renamed_from(af, what, name)
        if old is not None and any(a.renamed_from == old for a in before):
            raise self.fail(af["renamed_from"][1],
                            f"renamed_from of {what}: another attribute of {type_what} is renamed from {old!r}")
        return old

    def _attribute_chains(self, attributes: list[Attribute], hints: dict[str, Node], type_what: str) -> None:
        """A `renamed_from:` naming an attribute the type still lists only as a chain (`number <- id, id <- token`:
        RENAME ATTRIBUTE id TO number frees `id` first, compare.attribute_renames), each name it passes renamed from
        another in turn; not a cycle (two attributes swapping names, a rotation), which no order of RENAME ATTRIBUTEs
        makes without a scratch name, not taken here: refused. (No two are renamed from one name, so a walk back along
        the hints ends or comes back to its start.)"""
        step = {a.name: a.renamed_from for a in attributes if a.renamed_from}  # new -> old
        listed = {a.name for a in attributes}
        for a in attributes:
            by, at = a.name, a.renamed_from  # (`by` renamed from `at`)
            while at in listed:
                if at == a.name:  # (told at the cycle's first attribute)
                    raise self.fail(hints[at], f"renamed_from of attribute {at!r} of {type_what}: its attributes' "
                                    "renamed_from make a cycle (a swap or rotation of names), which is not made: "
                                    "rename through another name in two migrations")
                if at not in step:
                    raise self.fail(hints[by], f"renamed_from of attribute {by!r} of {type_what} names {at!r}, "
                                    f"which {type_what} still lists")
                by, at = at, step[at]

    def range_types(self, node: Node) -> list[RangeType]:
        out = []
        for name, key, value in self.w.mapping(node, "range_types"):
            f = self.w.fields(value, f"range type '{name}'", RANGE_KEYS)
            name = self.object_name(f, key, "range type name")
            what = f"range type '{name}'"
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            subtype = self.type_of(f["subtype"][1], f"subtype of {what}")
            collation = self.collation(f["collation"][1], f"collation of {what}") if "collation" in f else None
            multirange, multirange_schema = self._multirange(f, what, schema)
            opclass = without_default(self._qualified_name(f, "subtype_opclass", what), "btree", subtype)
            r = RangeType(name, subtype, schema, opclass,
                          None if collation == "default" else collation,
                          self._qualified_name(f, "canonical", what, ("pg_catalog",)),  # public.name kept (as_read)
                          self._qualified_name(f, "subtype_diff", what, ("pg_catalog",)), multirange,
                          self.opt_string(f, "comment", what), self.w.src(key),
                          *self.type_security(f, what))  # type: ignore[attr-defined]
            multirange_grants = self.grants({"grants": f["multirange_grants"]}, f"multirange of {what}", "type",  # type: ignore
                                            owner=r.owner) or (Privilege(PUBLIC, NOTHING),) if "multirange_grants" in f else ()
            out.append(replace(r, constructors=self._constructors(r, f, what), multirange_grants=multirange_grants,
                               multirange_comment=self.opt_string(f, "multirange_comment", what),
                               renamed_from=self.moved_from(f, what, schema, name),  # type: ignore[attr-defined]
                               used_outside=self.used_outside(f, what),  # type: ignore[attr-defined]
                               multirange_schema=multirange_schema,
                               multirange_owner=self.owner({"owner": f["multirange_owner"]}, f"multirange of {what}")  # type: ignore
                               if "multirange_owner" in f else None))
        return out

    def _multirange(self, f: dict, what: str, schema: str) -> tuple[Optional[str], Optional[str]]:
        """`multirange:` name, or schema.name where Postgres made it in another schema than the range's (as
        MULTIRANGE_TYPE_NAME = other.m does): (name, its schema where not the range's)."""
        if "multirange" not in f:
            return None, None
        text = self.identifier(f["multirange"][1], f"multirange of {what}")
        parts = plain_parts(text)
        if parts is None or len(parts) > 2:
            raise self.fail(f["multirange"][1], f"multirange of {what} must be a name or schema.name "
                                                f"(schema.\"name.with.dots\"), not {text!r}")
        return parts[-1], parts[0] if len(parts) == 2 and parts[0] != schema else None

    def _constructors(self, r: RangeType, f: dict, what: str) -> tuple[Constructor, ...]:
        """`constructor_grants:`: the signature of each constructor (as GRANT ... ON FUNCTION names it) -> its grants."""
        if "constructor_grants" not in f:
            return ()
        made: dict[tuple, Constructor] = {}
        order = constructor_signatures(r)
        for signature, key, node in self.w.mapping(f["constructor_grants"][1], f"constructor_grants of {what}"):
            found = constructor_named(r, signature)
            if found is None:
                raise self.fail(key, f"constructor_grants of {what}: {signature!r} is not one of its constructors ("
                                     + ", ".join(f"{n}({', '.join(a)})" for n, a in order) + ")")
            if found in made:
                raise self.fail(key, f"constructor_grants of {what}: {signature!r} names {found[0]}"
                                     f"({', '.join(found[1])}) a second time")
            c_what = f"constructor {found[0]}({', '.join(found[1])}) of {what}"
            grants = self.grants({"grants": (key, node)}, c_what, "function", owner=r.owner)  # type: ignore[attr-defined]
            made[found] = Constructor(found[0], found[1], r.schema, r.name, self.w.src(key), grants)
        return tuple(made[s] for s in order if s in made)

    def _qualified_name(self, f: dict, key: str, what: str, bare: tuple[str, ...] = ("pg_catalog", "public")) -> Optional[str]:
        """A function or operator class: `name` or `schema.name`, as the catalog reader names them (bare
        in `bare`'s schemas)."""
        if key not in f:
            return None
        text = self.identifier(f[key][1], f"{key} of {what}")
        spelled = plain_reference(text)  # (any characters of a quoted name: a schema "Données SIG"; a dot quoted)
        if spelled is None:
            raise self.fail(f[key][1], f"{key} of {what} must be a name or schema.name (schema.\"name.with.dots\"), "
                                       f"not {text!r}")
        return bare_in(spelled, bare)
