"""Statements for types and collations: CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE, CREATE / ALTER DOMAIN,
CREATE TYPE ... AS (...) / AS RANGE (...), ALTER TYPE's attribute actions, DROP TYPE, CREATE / DROP COLLATION. sqlglot
parses most of these only as Commands: they are assembled from names quoted by pg.names and types rendered by sqlglot."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional, Union

from sqlglot import exp

from schemac.compare.around import COMPOSITE_ASIDE, readded, readded_attributes
from schemac.compare.changes import COLLATION_ASIDE, DEFINITION_REMADE, ENUM_REBUILT, Change, set_aside_name
from schemac.compare.normalize import written_default
from schemac.compare.usertypes import RANGE_HELD
from schemac.errors import SchemacError
from schemac.model import Attribute, Collation, CompositeType, Domain, Enum, RangeType
from schemac.model.collnames import collate_sql
from schemac.plan.ddl import check_body, collate, comment_value, command, do_block, literal
from schemac.plan.sql_strings import string_literal
from schemac.plan.trees import default_expression
from schemac.plan.held_values import held_values_guard
from schemac.plan.unmanaged_users import set_aside_guard, unmanaged_users_guard
from schemac.plan.widenings import is_widening
from schemac.pg.dialect import RENDER
from schemac.pg.constructors import constructor_signatures
from schemac.pg.idents import ident, schema_part
from schemac.pg.names import qualified, quote_ident, reference_sql
from schemac.pg.types import build_type, is_known_spelling, is_user_defined


class TypePlanError(SchemacError):
    """A change of a composite or range type Postgres cannot make in place."""


def _type(text: str) -> str:
    return build_type(text).sql(dialect=RENDER)


def _attribute(a: Attribute) -> str:
    return " ".join([quote_ident(a.name), _type(a.type)] + ([f'COLLATE {collate_sql(a.collation)}'] if a.collation else []))


def _function(name: str) -> str:
    """A range's function or operator class, `name` or `schema.name` as schema.yaml writes it (ops-x."Abs.Ops")."""
    return reference_sql(name)


def create_enum(e: Enum) -> exp.Create:
    return exp.Create(this=exp.Table(this=ident(e.name), db=schema_part(e.schema, e.name)),
                      kind="TYPE", expression=exp.DataType(this=exp.DataType.Type.ENUM,
                                                           expressions=[string_literal(v) for v in e.values]))


def add_enum_value(e: Enum, value: str, before: Optional[str], after: Optional[str]) -> exp.Command:
    where = f"BEFORE {literal(before)}" if before is not None else f"AFTER {literal(after)}" if after else ""
    return command("ALTER", "TYPE", qualified(e.schema, e.name), "ADD VALUE IF NOT EXISTS", literal(value), where)


def rename_enum_values(e: Enum) -> list[exp.Command]:
    """ALTER TYPE ... RENAME VALUE for each (new, old) of `e.renamed_values` (the renames the type needs)."""
    return [command("ALTER", "TYPE", qualified(e.schema, e.name), "RENAME VALUE", literal(old), "TO", literal(new))
            for new, old in e.renamed_values]


def create_domain(d: Domain) -> exp.Command:
    parts = ["DOMAIN", qualified(d.schema, d.name), "AS", build_type(d.type).sql(dialect=RENDER),
             *(["COLLATE", collate(d.collation).sql(dialect=RENDER)] if d.collation else [])]
    if written_default(d.default, d.type) is not None:  # (schema.yaml's bare NULL: none, where
        # DEFAULT NULL would store one, NULL::character varying over varchar(10), as on a column: plan.ddl)
        parts += ["DEFAULT", default_expression(d.default).sql(dialect=RENDER)]
    if d.not_null:  # under its name (17+ keeps one)
        parts += ["CONSTRAINT", quote_ident(d.not_null_name), "NOT NULL"] if d.not_null_name else ["NOT NULL"]
    for c in d.checks:
        if not c.not_valid:  # a NOT VALID one is added after (plan.objects)
            parts += ["CONSTRAINT", quote_ident(c.name), check_body(c).sql(dialect=RENDER)]
    return command("CREATE", *parts)


def created_domain(d: Domain) -> list[exp.Expression]:
    """CREATE DOMAIN, and where it declares no DEFAULT (or a bare NULL) over another domain, ALTER DOMAIN ... DROP
    DEFAULT: Postgres copies the base domain's DEFAULT into the new one (DefineDomain), which schema.yaml does not
    declare (inspect writes such a copy as the domain's own DEFAULT)."""
    over_domain = not d.type.endswith("]") and not is_known_spelling(d.type) and is_user_defined(d.type)
    return [create_domain(d)] + ([alter_domain(d, "DROP DEFAULT")] if written_default(d.default, d.type) is None
                                 and over_domain else [])


def alter_domain(d: Domain, *action: str) -> exp.Command:
    return command("ALTER", "DOMAIN", qualified(d.schema, d.name), *action)


def create_composite(c: CompositeType) -> exp.Command:
    body = ", ".join(_attribute(a) for a in c.attributes)
    return exp.Command(this="CREATE", expression=f"TYPE {qualified(c.schema, c.name)} AS ({body})")


def create_range(r: RangeType) -> exp.Command:
    options = [f"SUBTYPE = {_type(r.subtype)}"]
    if r.subtype_opclass:
        options.append(f"SUBTYPE_OPCLASS = {_function(r.subtype_opclass)}")
    if r.collation:
        options.append(f'COLLATION = {collate_sql(r.collation)}')
    if r.canonical:
        options.append(f"CANONICAL = {_function(r.canonical)}")
    if r.subtype_diff:
        options.append(f"SUBTYPE_DIFF = {_function(r.subtype_diff)}")
    if r.multirange:
        options.append(f"MULTIRANGE_TYPE_NAME = {qualified(r.multirange_in, r.multirange)}")
    return exp.Command(this="CREATE", expression=f"TYPE {qualified(r.schema, r.name)} AS RANGE ({', '.join(options)})")


def alter_composite(old: CompositeType, new: CompositeType, user: Optional[object]) -> list[exp.Expression]:
    """One ALTER TYPE with the attributes dropped, added (at the end: Postgres has no other place) and
    retyped; `user`: a table with a column of the type, where Postgres refuses a retype: the attribute is dropped and
    added again (compare.around.readded_attributes; destructive, plan.hazards), one of an enum or domain this migration
    creates again too (compare.usertypes.composites_over_rebuilt: `old` holds the set-aside type)."""
    what = f"composite type {new.schema}.{new.name}"
    olds, news = {a.name: a for a in old.attributes}, {a.name: a for a in new.attributes}
    kept_old = [a.name for a in old.attributes if a.name in news]
    kept_new = [a.name for a in new.attributes if a.name in olds]
    if kept_old != kept_new:
        raise TypePlanError(f"{what}: its attributes cannot be reordered in place; create a new type", new.source)
    last_kept = max((i for i, a in enumerate(new.attributes) if a.name in olds), default=-1)
    early = next((a.name for a in new.attributes[:max(last_kept, 0)] if a.name not in olds), None)
    if early is not None:
        raise TypePlanError(f"{what}: attribute {early} can only be added after the existing ones "
                            "(ALTER TYPE ... ADD ATTRIBUTE appends); move it to the end in schema.yaml", new.source)
    readded = set(readded_attributes(old, new)) if user is not None else set()
    actions = [f"DROP ATTRIBUTE {quote_ident(a.name)}" for a in old.attributes if a.name not in news or a.name in readded]
    for a in new.attributes:
        was = olds.get(a.name)
        if was is None or a.name in readded:
            actions.append(f"ADD ATTRIBUTE {_attribute(a)}")
        elif replace(was, comment=None) != replace(a, comment=None):
            collate = f' COLLATE {collate_sql(a.collation)}' if a.collation else ""
            actions.append(f"ALTER ATTRIBUTE {quote_ident(a.name)} TYPE {_type(a.type)}{collate}")
    was = replace(old, attributes=tuple(replace(a, comment=None) if a.name in readded else a for a in old.attributes))
    return [exp.Command(this="ALTER", expression=f"TYPE {qualified(new.schema, new.name)} {', '.join(actions)}")
            for _ in actions[:1]] + attribute_comments(was, new)


def renamed_attributes(change: Change) -> list[exp.Expression]:
    """ALTER TYPE ... RENAME ATTRIBUTE of each attribute schema.yaml renames (compare.attribute_renames; `change.old`
    is the type after them), before its other changes: a typed table is made plain around them (its column renamed
    on its own: RENAME COLUMN)."""
    return [command("ALTER", "TYPE", qualified(change.schema, change.name), "RENAME ATTRIBUTE", quote_ident(a), "TO",
                    quote_ident(b)) for a, b in change.column_renames]


def attributes_lost(change: Change) -> Optional[str]:
    """Why an alter_composite_type under a column of the type destroys data (plan.hazards), else None: an attribute
    dropped, or dropped and added again (compare.around.readded: Postgres refuses ALTER ATTRIBUTE ... TYPE there)."""
    gone = [a.name for a in change.old.attributes if a.name not in {b.name for b in change.new.attributes}]  # type: ignore
    again = readded(change)
    what = f"composite type {change.schema}.{change.name}: " + (f"attribute {', '.join(gone)} dropped" if gone else "")
    if change.cause == COMPOSITE_ASIDE:  # (set aside and made again: a kept attribute's value read through its text)
        was = {a.name: a.type for a in change.old.attributes}  # type: ignore[union-attr]
        cut = [f"{a.name} ({was[a.name]} -> {a.type})" for a in change.new.attributes  # type: ignore[union-attr]
               if a.name in was and not is_widening(was[a.name], a.type)]
        if cut:
            return (f"{what}{', ' if gone else ''}attribute {', '.join(cut)} retyped through its text: its values in "
                    f"{_columns(change)} may be truncated, rounded or rejected" +
                    (", and the dropped one's lost" if gone else ""))
    if again:
        held = " and ".join(change.users) or "a column"
        return (f"{what}{', ' if gone else ''}attribute {', '.join(again)} dropped and added again (Postgres cannot "
                f"retype an attribute while {held} {'hold' if len(change.users) > 1 else 'holds'} the type): its values "
                "in every column of the type are lost (NULL)")
    return f"{what}: its values in every column of the type are lost{_rename_hint(change)}" if gone else None


def _columns(change: Change) -> str:
    """The columns holding the type (`change.users`: compare.composite_holders.holders) as a phrase: 'columns s.t.a
    and s.u.b', 'column s.t.a'; 'every column of the type' where none is known."""
    cols = [u.removeprefix("column ") for u in change.users]
    if len(cols) < 2:
        return f"column {cols[0]}" if cols else "every column of the type"
    return f"columns {', '.join(cols[:-1])} and {cols[-1]}"


def _rename_hint(change: Change) -> str:
    """Where an attribute dropped is at the place of one added of its type (a rename schema.yaml does not say), how to
    keep the values: its `renamed_from:` (ALTER TYPE ... RENAME ATTRIBUTE)."""
    olds, news = change.old.attributes, change.new.attributes  # type: ignore[union-attr]
    names, was = {a.name for a in olds}, {a.name for a in news}
    pairs = [(a.name, b.name) for a, b in zip(olds, news) if a.name not in was and b.name not in names and a.type == b.type]
    return "".join(f" (attribute {b} renamed from {a}? give it `renamed_from: {a}`: ALTER TYPE ... RENAME ATTRIBUTE "
                   "keeps them)" for a, b in pairs[:1])


def attribute_comments(old: Optional[CompositeType], new: CompositeType) -> list[exp.Expression]:
    """COMMENT ON COLUMN type.attribute for each attribute of `new` whose comment `old`'s does not have."""
    before = {a.name: a.comment for a in old.attributes} if old is not None else {}
    return [exp.Command(this="COMMENT", expression=f"ON COLUMN {qualified(new.schema, new.name)}.{quote_ident(a.name)} IS "
                        + comment_value(a.comment))
            for a in new.attributes if a.comment != before.get(a.name)]


def create_collation(c: Collation) -> exp.Command:
    options = [f"provider = {c.provider}"]
    options += [f"{k} = {literal(v)}" for k, v in (("locale", c.locale), ("lc_collate", c.lc_collate),
                                                   ("lc_ctype", c.lc_ctype)) if v is not None]
    if not c.deterministic:
        options.append("deterministic = false")
    return exp.Command(this="CREATE", expression=f"COLLATION {qualified(c.schema, c.name)} ({', '.join(options)})")


def _not_null_renamed(d: Domain, was: str) -> exp.Expression:
    """A renamed domain's NOT NULL, named after its old name by Postgres, given the name a new domain's takes
    (<domain>_not_null): PostgreSQL 17+ keeps one (a pg_constraint row), older majors none, hence the test."""
    target, now = qualified(d.schema, d.name), f"{d.name}_not_null"
    return do_block(f"BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE contypid = {literal(target)}::regtype "
                    f"AND conname = {literal(was)}) THEN ALTER DOMAIN {target} RENAME CONSTRAINT {quote_ident(was)} TO "
                    f"{quote_ident(now)}; END IF; END")


def move_type(old: Union[Enum, Domain, CompositeType, RangeType], new: Union[Enum, Domain, CompositeType, RangeType]
              ) -> list[exp.Expression]:
    """ALTER TYPE (DOMAIN) ... SET SCHEMA, RENAME TO (compare.type_moves); a range type's multirange type and
    constructors, which Postgres leaves in the old schema and under their old names, moved and renamed after it."""
    word = "DOMAIN" if isinstance(old, Domain) else "TYPE"
    out: list[exp.Expression] = []
    if old.schema != new.schema:
        out.append(_alter(word, qualified(old.schema, old.name), f"SET SCHEMA {quote_ident(new.schema)}"))
    if isinstance(old, RangeType) and isinstance(new, RangeType):
        out += _range_parts_moved(old, new)
    if old.name != new.name:
        out.append(_alter(word, qualified(new.schema, old.name), f"RENAME TO {quote_ident(new.name)}"))
        if isinstance(old, Domain) and isinstance(new, Domain) and old.not_null and new.not_null \
                and old.not_null_name is None and new.not_null_name is None:
            out.append(_not_null_renamed(new, f"{old.name}_not_null"))
    if isinstance(old, RangeType) and isinstance(new, RangeType) and (old.name, old.multirange_name) != \
            (new.name, new.multirange_name):
        if old.multirange_name != new.multirange_name:
            out.append(_alter("TYPE", qualified(new.multirange_in, old.multirange_name),
                              f"RENAME TO {quote_ident(new.multirange_name)}"))
        # (its subtype by its new name: a subtype renamed too is renamed first, plan.dependencies)
        now = replace(old, schema=new.schema, name=new.name, subtype=new.subtype, multirange=new.multirange_name,
                      multirange_schema=new.multirange_in)
        for n, (name, arguments) in enumerate(constructor_signatures(now)):
            was = old.name if n < 2 else old.multirange_name  # r(...) twice, then its multirange's three
            if was != name:
                out.append(_alter("FUNCTION", f"{qualified(new.schema, was)}({', '.join(arguments)})",
                                  f"RENAME TO {quote_ident(name)}"))
    return out


def _range_parts_moved(old: RangeType, new: RangeType) -> list[exp.Expression]:
    """ALTER ... SET SCHEMA of a moved range's multirange type and constructors, which Postgres leaves where they
    were: the multirange to its own new schema (MULTIRANGE_TYPE_NAME = other.m may keep it elsewhere), the
    constructors (the multirange's three too) to the range's."""
    out: list[exp.Expression] = []
    if old.multirange_in != new.multirange_in:
        out.append(_alter("TYPE", qualified(old.multirange_in, old.multirange_name),
                          f"SET SCHEMA {quote_ident(new.multirange_in)}"))
    if old.schema != new.schema:  # the multirange's three too: makeMultirangeConstructors makes them in the range's
        for name, arguments in constructor_signatures(replace(old, schema=new.schema)):
            out.append(_alter("FUNCTION", f"{qualified(old.schema, name)}({', '.join(arguments)})",
                              f"SET SCHEMA {quote_ident(new.schema)}"))
    return out


def _alter(word: str, name: str, action: str) -> exp.Command:
    return exp.Command(this="ALTER", expression=f"{word} {name} {action}")


def user_type_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a composite or range type change, and of any type's move, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "rename_type":
        return move_type(old, new)  # type: ignore[arg-type]
    if k == "add_composite_type":
        return [create_composite(new)] + attribute_comments(None, new)  # type: ignore[arg-type]
    if k == "add_range_type":
        return [create_range(new)]  # type: ignore[arg-type]
    guard = [unmanaged_users_guard(k[5:].replace("_", " "), old.schema, old.name)] \
        if change.cause == DEFINITION_REMADE and k.startswith("drop_") else []  # type: ignore[union-attr]
    if change.cause in (ENUM_REBUILT, COLLATION_ASIDE) and k in ("drop_range_type", "drop_composite_type", "drop_collation"):
        guard = [set_aside_guard(k[5:].replace("_", " "), old.schema, old.name)]  # type: ignore[union-attr]  # the one set aside
    if k == "alter_composite_type" and change.cause == COMPOSITE_ASIDE:  # compare.range_holders.composite_set_aside
        return renamed_attributes(change) + composite_set_aside(old, new)  # type: ignore[arg-type]
    if k in ("drop_composite_type", "drop_range_type"):
        return guard + [exp.Command(this="DROP", expression=f"TYPE IF EXISTS {qualified(old.schema, old.name)}")]  # type: ignore
    if k == "alter_composite_type":  # (an attribute of a domain refusing NULL: no stored value takes NULL in it)
        held = [held_values_guard(new.schema, new.name, change.refusing_null)] if change.refusing_null else []  # type: ignore
        return held + renamed_attributes(change) + alter_composite(old, new, change.table_def)  # type: ignore[arg-type]
    if k == "add_collation":
        return [create_collation(new)]  # type: ignore[arg-type]
    if k == "drop_collation":
        return guard + [exp.Command(this="DROP", expression=f"COLLATION IF EXISTS {qualified(old.schema, old.name)}")]  # type: ignore
    if k == "alter_collation" and change.cause == COLLATION_ASIDE:  # compare.collation_asides: its users follow
        return [command("ALTER", "COLLATION", qualified(old.schema, old.name), "RENAME TO",  # type: ignore[union-attr]
                        quote_ident(set_aside_name(old.name))), create_collation(new)]  # type: ignore
    if k == "alter_collation" and change.held_by.startswith("collation "):  # compare.collation_asides.aside_taken
        raise TypePlanError(f"collation {new.schema}.{new.name}: its definition cannot change in place (Postgres "  # type: ignore
                            f"has no ALTER for it) while {_users(change)} it, and schema.yaml declares "
                            f"{change.held_by}, the name schemac would set it aside under while they move to a new "
                            "one; rename that collation, or keep this one's definition", new.source)  # type: ignore
    if k == "alter_collation":
        raise TypePlanError(f"collation {new.schema}.{new.name}: its definition cannot change in place (Postgres "  # type: ignore
                            f"has no ALTER for it) while {_users(change)} it, and {change.held_by or 'one of them'} "
                            "cannot move to a new collation (Postgres changes no partition key in place, and schemac "
                            "moves no range or composite type's values to another); create a new collation of this "
                            "definition under another name for what can use it, or keep this one's", new.source)  # type: ignore
    if k == "alter_range_type" and change.cause == ENUM_REBUILT:  # compare.usertypes.ranges_over_rebuilt
        return range_set_aside(old, new)  # type: ignore[arg-type]
    if k == "alter_range_type" and change.cause == RANGE_HELD:
        raise TypePlanError(f"range type {new.schema}.{new.name}: its subtype {old.subtype} is set aside and created "  # type: ignore
                            "again (its values removed or reordered), and a range's subtype cannot change in place "
                            f"(Postgres has no ALTER for it) while {_users(change)} it; create a new range type over "
                            "a new enum, or keep the enum's values", new.source)  # type: ignore[union-attr]
    if k == "alter_range_type" and change.cause is not None:  # compare.usertypes.ranges_over_recreated
        names = ", ".join(f for f in (old.canonical, old.subtype_diff) if f)  # type: ignore[union-attr]
        raise TypePlanError(f"range type {new.schema}.{new.name}: its function {names} is dropped and created again "  # type: ignore
                            "(its signature or result changes), which Postgres refuses under the type, and the type "
                            "cannot change in place (Postgres has no ALTER for it); keep the function's signature, or "
                            "create a new type", new.source)  # type: ignore[union-attr]
    if k == "alter_range_type":
        raise TypePlanError(f"range type {new.schema}.{new.name}: its definition cannot change in place "  # type: ignore
                            f"(Postgres has no ALTER for it) while {_users(change)} it; create a new type", new.source)  # type: ignore
    return None


def range_set_aside(old: RangeType, new: RangeType) -> list[exp.Expression]:
    """A range type over an enum set aside and created again, where something uses it: renamed aside with its
    multirange and the multirange's constructor of no argument (whose name and signature the new one's CREATE TYPE
    would take: 'function "r_multirange" already exists with same argument types'), created again over the new enum,
    its comments carried over (a changed one is a set_type_comment of its own). Its columns follow through text
    (compare.tables), and the one set aside is dropped at the end (its drop_range_type, cause ENUM_REBUILT)."""
    mr = qualified(old.multirange_in, old.multirange_name)
    out: list[exp.Expression] = [
        command("ALTER", "TYPE", qualified(old.schema, old.name), "RENAME TO", quote_ident(set_aside_name(old.name))),
        command("ALTER", "TYPE", mr, "RENAME TO", quote_ident(set_aside_name(old.multirange_name))),
        command("ALTER", "FUNCTION", f"{mr}()", "RENAME TO", quote_ident(set_aside_name(old.multirange_name))),
        create_range(new)]
    if new.comment is not None and new.comment == old.comment:
        out.append(command("COMMENT", "ON", "TYPE", qualified(new.schema, new.name), "IS", comment_value(new.comment)))
    if new.multirange_comment is not None and new.multirange_comment == old.multirange_comment:
        out.append(command("COMMENT", "ON", "TYPE", qualified(new.multirange_in, new.multirange_name), "IS",
                           comment_value(new.multirange_comment)))
    return out


def composite_set_aside(old: CompositeType, new: CompositeType) -> list[exp.Expression]:
    """A composite type held by a column, over an enum (or a type over one) set aside: given `new`'s fields in place
    where its shape changes (its attributes renamed before: renamed_attributes; DROP and ADD ATTRIBUTE, which Postgres
    allows under a column: the row's text then has the new type's fields, compare.attribute_renames.reshaped), renamed
    aside and created again as schema.yaml has it, over the new types, its comments carried over (a changed one is a
    change of its own); its columns follow through text (compare.tables), a retyped attribute's value read by its new
    type, and the one set aside is dropped at the end (its drop_composite_type, ENUM_REBUILT)."""
    news, olds = {a.name for a in new.attributes}, {a.name for a in old.attributes}
    shape = [f"DROP ATTRIBUTE {quote_ident(a.name)}" for a in old.attributes if a.name not in news] + \
        [f"ADD ATTRIBUTE {_attribute(a)}" for a in new.attributes if a.name not in olds]
    out = [command("ALTER", "TYPE", qualified(old.schema, old.name), ", ".join(shape)) for _ in shape[:1]]
    out += [command("ALTER", "TYPE", qualified(old.schema, old.name), "RENAME TO", quote_ident(set_aside_name(old.name))),
            create_composite(new)] + attribute_comments(None, new)
    if new.comment is not None and new.comment == old.comment:
        out.append(command("COMMENT", "ON", "TYPE", qualified(new.schema, new.name), "IS", comment_value(new.comment)))
    return out


def _users(change: Change) -> str:
    """`change.users` (compare.definition_users) as a sentence's subject: 'table s.t and view s.v use'."""
    users = list(change.users) or ["an object"]
    named = users[0] if len(users) == 1 else ", ".join(users[:-1]) + " and " + users[-1]
    return f"{named} {'uses' if len(users) == 1 else 'use'}"
