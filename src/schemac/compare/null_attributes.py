"""A composite type's attribute added (new, or dropped and added again: compare.around.readded) of a domain that
refuses NULL: ALTER TYPE ... ADD ATTRIBUTE reads no row, so every value of the type stored anywhere takes NULL in it,
which Postgres does not check against the domain; the database then holds values no INSERT could make, and a dump of
it fails to load ('domain ... does not allow null values', in COPY). Generate cannot see whether a row holds a value
of the type, so the change carries the attributes (`Change.refusing_null`) and the plan guards its ALTER TYPE with a
look at the rows (plan.held_values)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.around import readded
from schemac.compare.changes import Change
from schemac.compare.types import domain_chain, keyed_domains
from schemac.model.frozen import replace
from schemac.model.schema import Schema
from schemac.model.tables import Column
from schemac.pg.names import qualified
from schemac.pg.lazy import lazy

required_not_null = lazy("schemac.pg.expressions", "required_not_null")  # (sqlglot only where a domain checks)


def refuses_null(d) -> bool:
    """Whether domain `d` itself refuses NULL: NOT NULL, or a CHECK (valid, enforced) whose top-level ANDs say VALUE IS
    NOT NULL (any other comparison with NULL is NULL, which a CHECK passes)."""
    return d.not_null or any(not k.not_valid and k.enforced and "value" in required_not_null(k.expression)
                             for k in d.checks)


def null_held_by(col: Column, domains: dict) -> Optional[str]:
    """What proves no row of `col`'s table (nor of its children) holds NULL in it, as the database has it (`domains`:
    the current ones): its validated NOT NULL that its children inherit, or the NOT NULL of its domain (or of one under
    it; an array of one holds NULL); None where neither does. A retype to a domain that refuses NULL
    (compare.typmod_checks) and a domain made NOT NULL (plan.null_checks) fail on no row where this proves it."""
    if not col.nullable and not (col.not_null and (col.not_null.not_valid or col.not_null.no_inherit)):
        return f"NOT NULL of column {col.name}"
    chain = [] if col.type.rstrip().endswith("]") else domain_chain(col.type, domains)
    of = next((k for k in chain if domains[k].not_null), None)
    return None if of is None else f"NOT NULL of domain {qualified(*of)}"


def null_refusing_domain(type_text: str, domains: dict) -> Optional[str]:
    """The domain (`type_text`'s, or one under it) that refuses NULL, as schema.name, else None; an array of one
    refuses nothing (a NULL array holds no element). A domain's DEFAULT is no value here (a composite's attribute
    takes none)."""
    chain = [] if type_text.rstrip().endswith("]") else domain_chain(type_text, domains)
    return next((f"{k[0]}.{k[1]}" for k in chain if refuses_null(domains[k])), None)


def null_refusing_attributes(objects: list[Change], desired: Schema) -> list[Change]:
    """`objects` with each alter_composite_type adding (or adding again) an attribute of a domain refusing NULL given
    them in `refusing_null`, as (attribute, domain) pairs."""
    if not desired.domains or not any(c.kind == "alter_composite_type" for c in objects):
        return objects
    domains, out = keyed_domains(desired), []
    for c in objects:
        if c.kind == "alter_composite_type":
            olds, again = {a.name for a in c.old.attributes}, set(readded(c))  # type: ignore[union-attr]
            found = tuple((a.name, domain) for a in c.new.attributes  # type: ignore[union-attr]
                          if (a.name not in olds or a.name in again)
                          and (domain := null_refusing_domain(a.type, domains)) is not None)
            c = replace(c, refusing_null=found) if found else c
        out.append(c)
    return out
