"""generate's warning for a CHECK that says a column IS NOT NULL, added with that column, nullable and without a
default (pg-schema-diff's spelling of NOT NULL: `CHECK (c IS NOT NULL)`).

ADD COLUMN gives every row the table holds NULL in it, which the ADD CONSTRAINT then refuses at the first row, as ADD
COLUMN ... NOT NULL would (plan.hazards.row_failures warns of that one). Only a NULL the check's top-level ANDs refuse
counts (pg.expressions.required_not_null): any other comparison with NULL is NULL, which a CHECK passes. A check added
NOT VALID or NOT ENFORCED reads no row. So does a column added of a domain that refuses NULL (null_domain_columns).
generate never sees the rows, so it says so."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.moves import as_current
from schemac.compare.null_attributes import null_held_by, refuses_null
from schemac.compare.types import domain_chain, keyed_domains
from schemac.model.constraints import Check
from schemac.model.schema import Schema
from schemac.model.tables import Column
from schemac.pg.lazy import lazy
from schemac.pg.types import type_name

required_not_null = lazy("schemac.pg.expressions", "required_not_null")  # (sqlglot only where a CHECK is added)


def null_check_warning(change: Change, changes: list[Change]) -> Optional[str]:
    """The warning for `change`, if it adds a CHECK checked at once that requires IS NOT NULL a column the migration
    (`changes`) adds to the same table nullable and without a default, identity or generation expression."""
    check = change.new
    if change.kind != "add_constraint" or not isinstance(check, Check) or check.not_valid or not check.enforced:
        return None
    bare = {c.name for c in changes if c.kind == "add_column" and (c.schema, c.table) == (change.schema, change.table)
            and c.cause is None and c.new.nullable and c.new.default is None  # type: ignore[attr-defined]
            and c.new.identity is None and not c.new.generated and c.table_def.foreign is None}  # type: ignore
    try:
        refused = sorted(required_not_null(check.expression) & bare) if bare else []
    except ValueError:
        return None
    if not refused:
        return None
    return (f"warning: {change.source or change.path}: check constraint {change.name} of {change.schema}."
            f"{change.table} requires {', '.join(refused)} IS NOT NULL, which the migration adds without a default: it "
            "fails on a table that holds rows (give the column a default, or add the check NOT VALID, fill the "
            "column, then validate it)")


def checked_domain_warning(change: Change) -> Optional[str]:
    """The warning for a column retype to a domain whose CHECKs or NOT NULL (its own, or a domain's under it) the
    table's validated CHECKs and NOT NULL do not prove every value passes (compare.typmod_checks left `to_checked`
    whole), over a base that keeps every value: ALTER COLUMN ... TYPE checks each value against them and refuses the
    whole statement where one fails ('value for domain d violates check constraint'), nothing changed, so it is not
    refused; generate never sees the rows, so it says so."""
    if change.kind != "alter_column_type" or len(change.to_checked) < 2:
        return None
    return (f"warning: {change.source or change.path}: column {change.path} is made {change.new.type}, whose "  # type: ignore
            f"{', '.join(change.to_checked[1:])} no CHECK or NOT NULL of the table proves every row passes: the "
            "migration fails where a row holds a value one refuses (ALTER ... TYPE checks each, and then changes "
            "nothing: fix those rows first)")


def null_domain_columns(changes: list[Change], desired: Schema, current: Schema) -> list[str]:
    """generate's warnings for the columns the migration adds to a table it keeps, of a domain (through the domains
    under it) that refuses NULL (NOT NULL, or a CHECK saying VALUE IS NOT NULL) with no default of the column's nor of
    any domain's: ADD COLUMN gives each row NULL, which the domain refuses ('domain ... does not allow null values')
    on a table that holds rows. An array of the domain is no such column (a NULL array holds no element). And a domain
    made NOT NULL (ALTER DOMAIN ... SET NOT NULL) fails where a column of it holds NULL, as a column made NOT NULL:
    not one whose NOT NULL (or its domain's) proves it holds none as the database has it (_held_null), as a retype to
    the domain is proven (compare.typmod_checks)."""
    domains, out = keyed_domains(desired), []
    for c in changes:
        col = c.new
        if c.kind == "alter_domain" and c.cause is None and col.not_null and not c.old.not_null:  # type: ignore
            held = _held_null(changes, current)
            used = [f"{t.schema}.{t.name}.{k.name}" for t in desired.tables for k in t.columns
                    if type_name(k.type) == (c.schema, c.name) and not k.type.rstrip().endswith("]")
                    and held(t.schema, t.name, k)]
            if used:
                out.append(f"warning: {c.source or c.path}: domain {c.path} is made NOT NULL: the migration fails where "
                           f"a row holds NULL in a column of it ({', '.join(used)}: fill those rows first)")
            continue
        if c.kind != "add_column" or c.cause is not None or col.default is not None or col.identity is not None \
                or col.generated or c.table_def.foreign is not None or col.type.rstrip().endswith("]"):  # type: ignore
            continue
        chain = domain_chain(col.type, domains)  # type: ignore[attr-defined]
        if any(refuses_null(domains[k]) for k in chain) and all(domains[k].default is None for k in chain):
            out.append(f"warning: {c.source or c.path}: column {c.path} is added of domain {col.type}, which "  # type: ignore
                       "refuses NULL, without a default: the migration fails on a table that holds rows (give it a "
                       "default, or add it of the domain's base type, fill it, then make it the domain)")
    return out


def _held_null(changes: list[Change], current: Schema) -> Callable[[str, str, Column], bool]:
    """Whether a column of schema.yaml's table may hold NULL in the migration: one it adds (or drops and adds again)
    or retypes `using:` an expression may, and one the database has (under its old name where it is renamed) may but
    where its validated NOT NULL or its domain's proves otherwise (compare.null_attributes.null_held_by)."""
    was, domains = as_current(changes), keyed_domains(current)
    made = {(c.schema, c.table, c.new.name) for c in changes if c.kind == "add_column"  # type: ignore[union-attr]
            or c.kind == "alter_column_type" and c.new.using}  # type: ignore[union-attr]

    def held(schema: str, table: str, k: Column) -> bool:
        old = current.table(*was(schema, table))
        cols = {x.name: x for x in old.columns} if old is not None else {}
        col = cols.get(k.renamed_from) if k.renamed_from in cols else cols.get(k.name)
        return (schema, table, k.name) in made or col is None or null_held_by(col, domains) is None
    return held


def null_domain_attributes(changes: list[Change]) -> list[str]:
    """generate's warnings for each composite type whose ALTER TYPE adds (or adds again) an attribute of a domain that
    refuses NULL while a column schema.yaml knows holds the type (compare.null_attributes): every value there takes NULL
    in it, which Postgres does not check, so the migration looks for one first and fails where a row holds one
    (plan.held_values); generate never sees the rows."""
    out = []
    for c in changes:
        if c.refusing_null and c.users:
            (name, domain), held = c.refusing_null[0], " and ".join(c.users)
            again = name in {a.name for a in c.old.attributes}  # type: ignore[union-attr]
            out.append(f"warning: {c.source or c.path}: composite type {c.path}: attribute {name} of domain {domain}, "
                       f"which refuses NULL, is {'added again' if again else 'added'} while {held} "
                       f"{'hold' if len(c.users) > 1 else 'holds'} the type: the migration fails where a row holds a "
                       "value of the type, which would hold NULL in it (Postgres does not check it): empty those "
                       "columns first, or give the attribute a type that takes NULL")
    return out
