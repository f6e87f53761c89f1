"""Which changes can destroy data, and why: `generate` refuses them unless --allow-destructive.

A type change is safe only when every value of the old type fits the new one unchanged (plan.widenings).
"""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.model.frozen import replace
from schemac.model.schema import Schema
from schemac.compare.around import COMPOSITE_ASIDE
from schemac.compare.changes import ENUM_REBUILT, GENERATED_REBUILT, Change, takes_using
from schemac.compare.composite_rebases import said
from schemac.compare.default_rows import ROWS_MOVED, ancestors
from schemac.compare.key_detours import DETOURED
from schemac.pg.casts import STRING_TYPES, base_and_dims, converts, converts_own, is_string_type, type_parts as _split
from schemac.pg import pgvector
from schemac.pg.knowntypes import converts_extension
from schemac.pg.names import MAX_IDENTIFIER_BYTES, constraint_name
from schemac.pg.sequences import filled
from schemac.pg.range_casts import range_refusal, range_route
from schemac.pg.types import type_name
from schemac.plan.empty_parents import empty_parent_warning
from schemac.plan.collation_searches import searched_collation_warning
from schemac.plan.folded_keys import folded_key_warning
from schemac.plan.held_values import held_value_warning, refused_values
from schemac.plan.null_checks import checked_domain_warning, null_check_warning
from schemac.plan.new_keys import new_key_warning
from schemac.plan.partial_keys import partial_key_warning
from schemac.plan.range_hazards import range_remade_reason
from schemac.plan.sequence_positions import dropped_position
from schemac.plan.type_ddl import attributes_lost
from schemac.plan.widenings import INT_DIGITS, holds_text_of, is_widening, text_exact  # (the digits: to_timestamp's hint)

def enums_holding_values(changes: list[Change]) -> set[tuple[str, str]]:
    """The (schema, name) of the types whose values a column may hold as this migration runs: each column retyped
    (an enum's re-created, ENUM_REBUILT, or another change), old type and new, and the base type of each domain and
    the attributes' types of each composite type re-created over an enum (whether a column is of them or not). An
    enum re-created without a label that none of them names holds no row (left behind when its table went): no row
    can hold the label, nothing is lost."""
    held = set()
    for c in changes:
        if c.kind == "alter_column_type":
            held |= {type_name(c.old.type), type_name(c.new.type)}  # type: ignore[union-attr]
        elif c.kind == "alter_domain" and c.cause == ENUM_REBUILT:
            held.add(type_name(c.old.type))  # type: ignore[union-attr]
        elif c.kind == "alter_composite_type" and c.cause in (ENUM_REBUILT, COMPOSITE_ASIDE):
            held |= {type_name(a.type) for a in c.new.attributes}  # type: ignore[union-attr]
    for c in changes:  # a range type over it set aside, whose columns (or its multirange's) are retyped: their bounds
        if c.kind == "alter_range_type" and c.cause == ENUM_REBUILT and \
                held & {(c.schema, c.name), c.old.multirange_key}:  # type: ignore[union-attr]
            held.add(type_name(c.old.subtype))  # type: ignore[union-attr]
    return held


def destructive_reason(change: Change, held: Optional[AbstractSet[tuple[str, str]]] = None) -> Optional[str]:
    """Why this change can destroy data, or None when it cannot. `held`: enums_holding_values of the whole migration
    (None: every enum may hold rows)."""
    if change.kind == "drop_table" and change.old.foreign is not None:  # type: ignore[union-attr]
        return None  # a foreign table dropped (or made again: another server, or made a plain table): no rows are here
    if change.kind == "drop_table":
        return f"drop table {change.schema}.{change.table}: every row in it is lost"
    if change.kind == "drop_sequence":
        return dropped_position(change)  # (a standalone one's position: plan.sequence_positions)
    if change.kind == "drop_column" and change.cause != GENERATED_REBUILT and not _of_foreign_table(change):  # (derived
        # values: made again; a foreign table's are its server's)
        return f"drop column {change.name} of {change.schema}.{change.table}: its values are lost"
    if change.kind == "alter_generated" and not change.old.generated and change.new.generated:  # type: ignore[union-attr]
        return (f"column {change.name} of {change.schema}.{change.table} made generated: dropped and added again, its "
                "values are lost (replaced by the expression's)")
    if change.kind == "alter_enum":
        gone = [v for v in change.old.values if v not in change.new.values]  # type: ignore[union-attr]
        if gone and (held is None or (change.schema, change.name) in held):
            return (f"enum {change.schema}.{change.name}: re-created without {', '.join(map(repr, gone))}: "
                    "the migration fails if a row holds a removed value")
    if change.kind == "alter_domain" and change.cause == ENUM_REBUILT \
            and change.old.type != change.new.type and not is_widening(change.old.type, change.new.type) \
            and not _enum_as_text(change) and not _enum_into_enum(change) \
            and not _refused_base(change.old.type, change.new.type):  # type: ignore  (an enum's labels kept)
        return (f"domain {change.schema}.{change.name}: base type {change.old.type} -> {change.new.type}: existing "  # type: ignore
                "values in its columns may be truncated, rounded or rejected")
    if change.kind == "alter_composite_type" and (change.table_def is not None or change.cause == COMPOSITE_ASIDE):
        # (neither: no value stored)
        return attributes_lost(change)
    if change.kind == "alter_range_type":
        return range_remade_reason(change, held)  # (set aside with its subtype: plan.range_hazards)
    if change.kind == "alter_column_type" and not _of_foreign_table(change) and change.cause not in DETOURED:  # (to
        # text and back to its type in one migration: each value's text read back by the type that wrote it)
        old, new = change.old.type, change.new.type  # type: ignore[union-attr]
        # (a domain's values are values of its base type: made that type or a wider one, each is kept; a domain that
        # checks nothing takes every value of its base type; modifiers its table's CHECKs prove each value fits,
        # `fits_by`: compare.typmod_checks)
        if not is_widening(old, new) and not (change.from_base and is_widening(change.from_base, new)) \
                and not (change.to_base and is_widening(change.from_base or old, change.to_base)) \
                and not (change.to_checked  # (a domain that checks: ALTER ... TYPE refuses the whole statement where
                         and is_widening(change.from_base or old, change.to_checked[0])) \
                and not _enum_as_text(change) and not _enum_into_enum(change) and not _composite_as_text(change) \
                and not change.fits_by and refused_values(change) is None:  # (guarded: applies over NULLs alone, else fails: plan.held_values)
            return (f"change type of column {change.name} of {change.schema}.{change.table} from {old} to {new}: "
                    "existing values may be truncated, rounded or rejected")
    return None


def row_failures(changes: list[Change], loose: tuple[AbstractSet, AbstractSet] = (frozenset(), frozenset()),
                 models: Optional[tuple[Schema, Schema]] = None) -> list[str]:
    """`generate`'s warnings for changes that apply only to a table without rows: it never sees the rows, so
    they are said, not refused. A column added NOT NULL with no default (nor identity, nor generation
    expression) has no value to give the rows a table holds: ADD COLUMN fails on the first one; a column made NOT
    NULL without a default (which the migration gives the rows holding NULL first) fails on a row holding NULL. A
    table attached as a partition under a bound it did not have (a partition given another, a plain table attached)
    fails where one of its rows falls outside the bound (not one the migration creates: it holds none). A string
    column made citext, whose equality ignores letter case, fails where a key or unique index reading it holds two rows
    differing only in case; so does one given a nondeterministic collation (`loose`: those of the current and the
    desired model, model.collnames.nondeterministic), under which two rows that differ may be equal; and a foreign key added again over ends that leave them,
    where a row matched its referenced one only ignoring case (plan.folded_keys). A foreign key referencing a DEFAULT
    partition whose rows of a new partition's bound move out of it fails its check again where a row references one of
    them (compare.default_rows); a foreign key of a kept table onto a table the migration creates, empty, fails where a
    row holds a key (plan.empty_parents); so does a CHECK saying IS NOT NULL a column added with it (plan.null_checks),
    and a column retyped without `using:` where PostGIS or pgvector refuse every value (plan.held_values). A column given
    a nondeterministic collation under an index or CHECK calling a substring search over it fails over any row
    (plan.collation_searches). A key replacing a partial unique index over its columns fails where two rows outside
    the predicate share a key (plan.partial_keys); any other key added over a table's rows, where two share it (new_keys;
    `models`: the current and desired ones, which tell what holds no row)."""
    out = []
    made = {(c.schema, c.table) for c in changes if c.kind == "add_table"}
    retypes = {(c.schema, c.table, c.name): c for c in changes if c.kind == "alter_column_type"}
    for c in changes:
        searched = searched_collation_warning(c, loose)  # (beside a key's warning: plan.collation_searches)
        out += [searched] if searched else []
        warning = folded_key_warning(c, loose, retypes) or empty_parent_warning(c, made, changes) \
            or null_check_warning(c, changes) or checked_domain_warning(c) \
            or held_value_warning(c) \
            or partial_key_warning(c, made, changes) or new_key_warning(c, made, changes, models)  # (plan.partial_keys, new_keys)
        if warning:
            out.append(warning)
            continue
        if c.refused_attributes and not takes_using(c):  # (a composite's attributes of such domains: guarded alike)
            out += [f"warning: {c.source or c.path}: column {c.path}: its {said(p, kind)} is of "
                    f"domain {d} created again over {new} (was {old}): the migration fails where a row holds a value in "
                    "it (it looks first: over NULLs alone, the type changes)" for p, d, old, new, (kind, _) in c.refused_attributes]
        if c.kind == "add_foreign_key" and c.cause == ROWS_MOVED and (c.new.ref_schema, c.new.ref_table) in c.held_from:  # type: ignore
            out.append(f"warning: {c.source or c.path}: foreign key {constraint_name(c.table_def, c.new)} references "  # type: ignore
                       f"{c.new.ref_schema}.{c.new.ref_table}, a DEFAULT partition whose rows of a new partition's "  # type: ignore
                       "bound the migration moves out of it: the migration fails where a row references one of them "
                       "(point those rows, or the key, elsewhere first)")
            continue
        was = getattr(c.old, "partition_of", None)
        if c.kind == "attach_partition" and (was is None or was.bound != c.new.partition_of.bound) \
                and (c.schema, c.table) not in made:  # type: ignore
            out.append(f"warning: {c.source or c.path}: partition {c.path} is attached {c.new.partition_of.bound}: "  # type: ignore
                       "the migration fails where a row of it falls outside that bound (move those rows first)")
            continue
        col = c.new
        nn = getattr(col, "not_null", None)
        if c.kind == "set_not_null" and c.cause is None and col.default is None and col.identity is None \
                and not (nn is not None and nn.not_valid) and c.table_def.foreign is None:  # type: ignore[union-attr]
            out.append(f"warning: {c.source or c.path}: column {c.path} is made NOT NULL without a default: the "
                       "migration fails where a row holds NULL in it (fill those rows first, or give it a default, "
                       "which the migration gives them)")
            continue
        if c.kind == "set_not_null" and c.cause is None and col.identity is not None \
                and c.table_def.foreign is None:  # type: ignore[union-attr]
            out.append(f"warning: {c.source or c.path}: column {c.path} is made an identity, which Postgres takes only "
                       "on a NOT NULL column: the migration fails where a row holds NULL in it (fill those rows first)")
            continue
        if c.kind != "add_column" or c.cause is not None or col.nullable or col.default is not None \
                or col.identity is not None or col.generated or c.table_def.foreign is not None:  # type: ignore
            continue
        out.append(f"warning: {c.source or c.path}: column {c.path} is added NOT NULL without a default: the "
                   "migration fails on a table that holds rows (give it a default, or add it nullable, fill it, "
                   "then make it NOT NULL)")
    return out


def detach_failures(changes: list[Change], current, desired) -> list[str]:
    """`generate`'s warnings for a partition detached for good (not attached again: compare.default_rows.rebound)
    from a parent that a foreign key of the desired model references, or an ancestor of it: the DETACH checks that
    key, and Postgres refuses it where a row references one of the partition's rows through the parent
    ('removing partition ... violates foreign key constraint'); generate never sees the rows, so it says so."""
    cur = {(t.schema, t.name): t for t in current.tables}
    out = []
    for c in changes:
        p = getattr(c.old, "partition_of", None) if c.kind == "detach_partition" and not c.rebound else None
        parent = cur.get((p.parent_schema, p.parent)) if p is not None else None
        if parent is None:
            continue
        over = ancestors(parent, cur)
        for t in desired.tables:
            for fk in t.foreign_keys:
                if (fk.ref_schema, fk.ref_table) in over and (t.schema, t.name) != (c.schema, c.table):
                    out.append(f"warning: {c.source or c.path}: partition {c.path} is detached from "
                               f"{parent.qualified_name}, which foreign key {constraint_name(t, fk)} of "
                               f"{t.qualified_name} references: the migration fails where a row references one of the "
                               "partition's rows (delete those rows, or point them elsewhere, first)")
    return out


def narrower_identities(changes: list[Change], current) -> list[str]:
    """`generate`'s warnings for a partition detached into a table declaring its own identity (past_old_parent) on a
    type that holds fewer values than its old parent's: it continues past the parent's sequence (plan.identity_ddl
    kept_before_detach), and where that one handed out more than the new type holds, the sequence stands at its
    maximum and the table's first INSERT fails ('reached maximum value'): every value it could hand out was handed out
    before, and generate never sees how far."""
    cur = {(t.schema, t.name): t for t in current.tables}
    out = []
    for c in changes:
        t = c.table_def
        if c.kind != "alter_identity" or not c.past_old_parent or t is None or c.new.identity is None:  # type: ignore
            continue
        old = cur.get((c.schema, c.table)) or cur.get((c.schema, t.renamed_from or ""))
        p = old.partition_of if old is not None else None
        parent = cur.get((p.parent_schema, p.parent)) if p is not None else None
        names = (c.new.name, c.new.renamed_from)  # type: ignore[union-attr]
        was = next((x for x in parent.columns if x.name in names and x.identity is not None), None) if parent else None
        if was is None:
            continue
        own, its = filled(c.new.identity.options, c.new.type), filled(was.identity.options, was.type)  # type: ignore
        if own.max_value < its.max_value or own.min_value > its.min_value:
            out.append(f"warning: {c.source or c.path}: the identity of {c.path} ({c.new.type}) continues past the "  # type: ignore
                       f"sequence of {parent.qualified_name}.{was.name} ({was.type}), which may have handed out more "
                       f"than {c.new.type} holds: then it stands at its limit and the table's first INSERT fails "  # type: ignore
                       "('reached maximum value of sequence'); keep the column's type")
    return out


def _of_foreign_table(change: Change) -> bool:
    """A foreign table's column: ALTER FOREIGN TABLE ... ALTER COLUMN ... TYPE casts no value (it holds none: its
    server's table keeps them, untouched) and takes no USING ('ALTER TYPE USING is only supported on plain tables')."""
    return change.table_def is not None and change.table_def.foreign is not None


def _string_to_array(old: str, new: str) -> bool:
    """A string made an array: Postgres has no assignment cast, and `CAST(c AS text[])` reads the text as an array
    literal, which fails on nearly every value a text column holds; what the user means (one element? split on
    commas?) is theirs to write."""
    (a, a_dims), (_, b_dims) = base_and_dims(old), base_and_dims(new)
    return a in STRING_TYPES and a_dims == 0 and b_dims > 0


def _enum_as_text(change: Change) -> bool:
    """An enum (or an array of enums) to a string type without a length (text, varchar, an extension's: citext), or
    to a varchar as long as a label can be (63 bytes, so 63 characters at most: MAX_IDENTIFIER_BYTES) or as its own
    longest label: each label reads back as the same text; to a shorter varchar(n) a longer label fails."""
    (_, _, oa), (nb, params, na) = _split(change.old.type), _split(change.new.type)  # type: ignore[union-attr]
    longest = MAX_IDENTIFIER_BYTES if change.longest_label is None else change.longest_label
    long_enough = not params or nb == "character varying" and params[0] >= longest
    return change.from_enum and not change.to_kind and nb != "character" and is_string_type(nb) and long_enough \
        and oa == na


def _composite_as_text(change: Change) -> bool:
    """A composite type of the schema's own (an array of one, a domain over one) made text or a varchar without a
    length, whose every attribute at any depth prints a text its input reads back whatever the settings (`leaves`:
    strings, integers, numeric, uuid, boolean, arrays of them; not a date, a time nor a float): the row's text, each
    attribute quoted where it must be, is read back by the cast as the same row."""
    return change.from_kind == "composite type" and not change.to_kind and all(map(text_exact, change.leaves)) \
        and holds_text_of(change.from_base or change.old.type, change.to_base or change.new.type)  # type: ignore


def _enum_into_enum(change: Change) -> bool:
    """One enum (or an array of one) to another holding every label of the first (`apart` names a label it lacks, or
    arrays of other dimensions): the values go through text, and each label spells one of the new type (a key's too: a
    foreign key between two enum columns is dropped around their retypes, compare.rebuilt_keys' BOTH_ENDS_RETYPED)."""
    return change.from_enum and change.to_enum and not change.apart


def _own_type_without_cast(change: Change) -> bool:
    """A retype from or to a type of the schema's own (an enum, a composite, range or multirange type) where
    Postgres has no cast (pg.casts.converts_own: '1' spells no label, no composite, no range) and the schema declares
    none: a cast through text would fail on the rows. Between two of one kind (one enum to another) the values go
    through text, as their text forms may agree, but where they cannot (`apart`: composite types of different attribute
    counts, an enum label the other lacks, ranges over different subtypes)."""
    if change.direct_cast or change.from_bounds or (change.from_kind and change.from_kind == change.to_kind
                                                    and not change.apart):  # (a range rebuilt: plan.range_ddl)
        return False
    if change.apart:
        return True
    return converts_own(change.old.type, change.new.type,  # type: ignore[union-attr]
                        bool(change.from_kind), bool(change.to_kind)) is False


def _example(change: Change) -> str:
    """The `using:` missing_cast proposes for a retype from or to a type of the schema's own."""
    c, old, new = change.name, change.old.type, change.new.type  # type: ignore[union-attr]
    if "[" in old + new:
        return ""
    if change.apart and change.from_kind == "enum":
        return f" (e.g. using: \"CASE {c} WHEN '<old label>' THEN '<new label>' ELSE {c}::text END::{new}\")"
    if change.apart and change.from_kind == "range type":
        return f" (e.g. using: \"{new}(<lower({c}) as a new bound>, <upper({c}) as a new bound>)\")"
    if change.apart and change.from_kind == "composite type":
        return f" (e.g. using: \"ROW(({c}).<attribute>, ...)::{new}\")"
    if change.apart:
        return ""
    if (change.from_kind and change.to_kind) or all(t.endswith("range") for t in (old, new)):
        return f" (e.g. using: \"{c}::text::{new}\" where each value's text spells one)"
    if change.to_enum:
        return (f" (e.g. using: \"CASE {c} WHEN <value> THEN '<label>' END::{new}\", or \"{c}::text::{new}\" "
                "where every value spells a label)")
    if change.from_enum:
        return f" (e.g. using: \"CASE {c} WHEN '<label>' THEN <value> END\", or \"{c}::text::{new}\" where every label spells one)"
    examples = {"composite type": (f"ROW({c}, ...)::{new}", f"({c}).<attribute>"),
                "range type": (f"{new}({c}, {c}, '[]')", f"lower({c})"),
                "multirange type": (f"{new}(<range of {c}>)", f"range_merge({c})")}
    to, back = examples[change.to_kind or change.from_kind]
    return f" (e.g. using: \"{to if change.to_kind else back}\")"


def _only_casts(change: Change) -> str:
    """What casts a type of the schema's own has, said where one is refused."""
    if change.apart:
        return change.apart
    if change.from_kind and change.to_kind:
        return f"between {_a(change.from_kind)} and {_a(change.to_kind)}"
    kind = change.to_kind or change.from_kind
    return f"{_a(kind)} casts only to and from the string types" + (" and to its multirange" if kind == "range type"
                                                                      else "")


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def missing_cast(change: Change) -> Optional[str]:
    """Why a column type change cannot run as planned: no cast leads from the old built-in type to the
    new one, and schema.yaml gives no `using:` expression. Postgres would refuse the migration."""
    why = _missing_cast(change)
    return why + _partition_columns(change) if why else None


def _partition_columns(change: Change) -> str:
    """Where a partition's `using:` goes when its entry declares no columns (it takes its parent's, as a table
    attached here does): under columns of its own, every one of the parent's (a partition has exactly those)."""
    t, col = change.table_def, change.new
    if t is None or t.partition_of is None or getattr(col, "source", None) != t.source:
        return ""  # (a column the entry declares has its own line; one copied from the parent, the table's)
    parent = t.partition_of.parent if t.partition_of.parent_schema == t.schema else \
        f"{t.partition_of.parent_schema}.{t.partition_of.parent}"
    return (f"; table {t.qualified_name} lists no columns of its own, so it has those of its parent {parent}, where "
            f"a `using:` would not be its own: list {parent}'s columns ({', '.join(c.name for c in t.columns)}, as "
            f"{parent} declares them) under {t.name}'s own `columns:` and write `using:` on {change.name} there")


def _refused_base(old: str, new: str) -> bool:
    """A domain's base type changed where PostGIS or pgvector refuse every value (an SRID, shape or dimensions): its
    columns' retypes are written behind plan.held_values' guard, which applies over NULLs alone and else fails."""
    return bool(pgvector.values_refused("", old, new))


def retype_said(change: Change) -> str:
    """`old -> new` of a column retype, said by the base types of its domain where it is created again over another."""
    if change.rebased:
        domain = ".".join(type_name(change.new.type))  # type: ignore[union-attr]
        return f"column {change.path}: {change.from_base} -> {change.rebased}, domain {domain}"
    return f"{change.old.type} -> {change.new.type}"  # type: ignore[union-attr]


def _missing_cast(change: Change, guarded: bool = True) -> Optional[str]:
    """missing_cast's; `guarded`: the change as planned (not a domain's base types standing in for it), which
    plan.held_values may guard instead."""
    if change.kind == "alter_column_type" and change.rebased and not takes_using(change):  # its values convert as its domain's old base type's to the new
        if guarded and refused_values(change):  # (PostGIS's SRID changed: written behind plan.held_values' guard)
            return None
        why = _missing_cast(replace(change, cause=None, direct_cast=False, rebased="", old=replace(
            change.old, type=change.from_base), new=replace(change.new, type=change.rebased)), False)  # type: ignore
        return why and why.replace(": ", f" (its domain {'.'.join(type_name(change.new.type))} created again over "  # type: ignore
                                   f"{change.rebased}): ", 1)
    if change.kind != "alter_column_type" or change.cause is not None or takes_using(change) or _of_foreign_table(change):
        return None
    old, new = change.old.type, change.new.type  # type: ignore[union-attr]
    spatial = pgvector.values_refused(change.name or "", old, new)
    if spatial is not None:  # (written behind plan.held_values' guard where it can be)
        return None if guarded and refused_values(change) else f"column {change.path}: {spatial}, used by this migration only"
    if _string_to_array(old, new):
        return (f"column {change.path}: {old} -> {new} would read each value as an array literal ('{{a,b}}'), "
                f"which text is not; add `using:` to the column: an SQL expression that computes the new value from "
                f"the row (e.g. using: \"ARRAY[{change.name}]\" or \"string_to_array({change.name}, ',')\"), used by this "
                "migration only")
    c = change.name
    if _own_type_without_cast(change):
        return (f"column {change.path}: PostgreSQL has no cast from {old} to {new} ({_only_casts(change)}); add "
                f"`using:` to the column: an SQL expression that computes the new value from the row{_example(change)}, "
                "used by this migration only (or declare the cast under `casts:`)")
    route = range_route(old, new)  # (Postgres's ranges: through text or their bounds, else no way: pg.range_casts)
    if route is not None:
        example = f" (e.g. using: \"{new}(<lower({c}) as a new bound>, <upper({c}) as a new bound>)\")" \
            if new.endswith("range") else ""
        return None if route else (f"column {change.path}: PostgreSQL has no cast from {old} to {new} "
                                   f"({range_refusal(old, new)}); add `using:` to the column: an SQL expression that "
                                   f"computes the new value from the row{example}, used by this migration only")
    judged = converts(old, new)
    if judged is None and not (change.from_kind or change.to_kind):
        judged = converts_extension(old, new)  # ltree -> text[]: an extension's type to or from an array
    if change.direct_cast or judged is not False:
        return None
    example = f"to_timestamp({c})" if old in INT_DIGITS and new.startswith("timestamp") else None
    return (f"column {change.path}: PostgreSQL has no cast from {old} to {new}; add `using:` to the column: an SQL "
            f"expression that computes the new value from the row" + (f" (e.g. using: \"{example}\")" if example else "")
            + ", used by this migration only")
