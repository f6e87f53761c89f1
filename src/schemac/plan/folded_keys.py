"""generate's warnings of keys whose equality a retype changes under the rows, which `generate` never sees.

A column made citext (whose equality ignores letter case) or given a nondeterministic collation (ICU
`und-u-ks-level2`) may hold two rows equal under it that were not before ('Ann', 'ann'): the PRIMARY KEY,
UNIQUE, unique index or EXCLUDE rebuilt over it refuses them. The other way, a foreign key whose two ends leave
citext or such a collation compares exactly afterwards: the migration's ADD FOREIGN KEY refuses a row that
matched its referenced row only ignoring case ('firefox' referencing 'Firefox').
"""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.compare.changes import Change
from schemac.compare.loose_collations import loosely_compared, loosening_left
from schemac.pg.casts import STRING_TYPES, is_string_type, type_parts
from schemac.pg.names import constraint_name
from schemac.plan.partition_index_ddl import index_reads


def extension_string(base: str) -> bool:
    """An extension's type of category S (citext), schema-qualified or not."""
    return is_string_type(base) and base not in STRING_TYPES


def folded_key_warning(change: Change, loose: tuple[AbstractSet, AbstractSet], retypes: dict) -> Optional[str]:
    """The warning for `change`, if it is a retype under such a key or such a foreign key added again; `loose`: the
    nondeterministic collations and the domains of one, before and after (model.collnames.nondeterministic),
    `retypes`: the migration's ALTER COLUMN ... TYPE changes by (schema, table, column)."""
    where = change.source or change.path
    keys = _case_folded_keys(change)
    if keys:
        return (f"warning: {where}: column {change.path} is made {change.new.type}, whose equality ignores "  # type: ignore
                f"letter case: the migration fails where two rows differ only in case ('Ann', 'ann') under "
                f"{', '.join(keys)} (make those rows differ first)")
    keys = _loosely_collated_keys(change, loose)
    if keys:
        given = f"collation {change.new.collation}" if change.new.collation else f"the collation of {change.new.type}"  # type: ignore
        return (f"warning: {where}: column {change.path} is given {given}, which "
                f"is nondeterministic: the migration fails where two rows equal under it ('Ann', 'ann' where it "
                f"ignores case) are held under {', '.join(keys)} (make those rows differ first)")
    name = _tightened_foreign_key(change, loose, retypes)
    if name:
        return (f"warning: {where}: foreign key {name} of {change.schema}.{change.table} is added again over columns "
                "no longer compared ignoring letter case (citext, or a nondeterministic collation, before): the "
                "migration fails where a row matches the row it references only so ('firefox' referencing "
                "'Firefox'; make those rows match exactly first)")
    name = _tightened_foreign_key(change, loose, retypes, recollated=True)
    if name:
        return (f"warning: {where}: foreign key {name} of {change.schema}.{change.table} is added again over columns "
                "moved from one nondeterministic collation to another, whose equality may differ: the migration "
                "fails where a row matches the row it references only under the old one ('résumé' referencing "
                "'resume' where it ignored accents; make those rows match first)")
    return None


def _case_folded_keys(change: Change) -> list[str]:
    """The keys reading a column a retype makes citext from a string type of Postgres's own: two values equal only
    under citext's case-insensitive equality become duplicates there, and the rebuilt index refuses them."""
    t = change.table_def
    if change.kind != "alter_column_type" or t is None or t.foreign is not None:
        return []
    (ob, _, oa) = type_parts(change.from_base or change.old.type)  # type: ignore[union-attr]
    (nb, _, na) = type_parts(change.to_base or change.new.type)  # type: ignore[union-attr]
    if not (ob in STRING_TYPES and extension_string(nb) and oa == na):
        return []
    return _unique_keys_reading(change)


def _loosely_collated_keys(change: Change, loose: tuple[AbstractSet, AbstractSet]) -> list[str]:
    """The keys reading a column whose retype gives it another collation, a nondeterministic one (its own, or its
    domain's): values unequal before may be equal under it, and the rebuilt index refuses them."""
    t, old, new = change.table_def, change.old, change.new
    if change.kind != "alter_column_type" or t is None or t.foreign is not None or not loosely_compared(new, loose[1]) \
            or (old.collation, old.type) == (new.collation, new.type) and loosely_compared(old, loose[0]):  # type: ignore
        return []
    return _unique_keys_reading(change)


def _unique_keys_reading(change: Change) -> list[str]:
    """The PRIMARY KEY, UNIQUEs, unique indexes and EXCLUDE constraints of the change's table reading its column (a
    key, an expression or the WHERE; not an INCLUDE)."""
    t, col = change.table_def, change.name
    keys = [k for k in ((t.primary_key,) if t.primary_key else ()) + t.uniques if col in k.columns]  # type: ignore
    return [constraint_name(t, k) for k in keys + [x for x in t.exclusions if index_reads(x, col, include=False)]] \
        + [i.name for i in t.indexes if i.unique and index_reads(i, col, include=False)]  # type: ignore


def _folds(column, base: Optional[str], loose: AbstractSet[str]) -> bool:
    """Whether a column of that type (its base, through a domain) and collation compares ignoring letter case."""
    return extension_string(type_parts(base or column.type)[0]) or loosely_compared(column, loose)


def _tightened_foreign_key(change: Change, loose: tuple[AbstractSet, AbstractSet], retypes: dict,
                           recollated: bool = False) -> Optional[str]:
    """The name of a foreign key the migration adds again (dropped around the retypes) where a referenced column,
    whose equality the key's check uses, compared ignoring case before and compares exactly after; `recollated`:
    where it moves from one nondeterministic collation to another instead (compare.loose_collations.loosening_left,
    which compare.differ drops and adds the key around)."""
    if change.kind != "add_foreign_key" or change.old is None or change.table_def is None:
        return None
    fk = change.new
    for b in fk.ref_columns:  # type: ignore[union-attr]
        r = retypes.get((fk.ref_schema, fk.ref_table, b))  # type: ignore[union-attr]
        if r is None:
            continue
        tightened = _folds(r.old, r.from_base, loose[0]) and not _folds(r.new, r.to_base, loose[1])
        if (loosening_left(r.old, r.new, loose) and not tightened) if recollated else tightened:
            return constraint_name(change.table_def, fk)  # type: ignore[arg-type]
    return None
