"""An expression key's COLLATE that names the collation Postgres derives for the expression itself (`{expression:
lower(name), collation: C}` over a column of collation C). pg_get_indexdef prints a key's COLLATE only where it is not
the key's own (ruleutils: indcollation <> exprCollation), so the catalog read that key without one and schema.yaml's was
a difference after every migration that made it (prop56). Which collation an expression derives is the server's to
say: its inputs' collations carried up through every node whose type is collatable, a COLLATE inside it, a function's
result type (`(name = 'x')::text` derives the default one, whatever name's), which no rule over the model's columns
gets exactly. So the catalog reads it (IndexElement.expression_collation: indcollation, the expression's own exactly
where no COLLATE is printed), and the current key takes the COLLATE of its twin in schema.yaml where that names it: the
same key, the same index. A COLLATE other than the expression's own is printed, read and compared as ever (a change:
the index made again); one schema.yaml leaves out stays out on both sides."""

from __future__ import annotations

from typing import Optional, Union

from schemac.compare.column_renames import with_column_renames
from schemac.compare.normalize import normal_form
from schemac.model import Exclusion, Index, Table
from schemac.model.frozen import replace
from schemac.pg.names import constraint_name


def keys_as_written(cur: Table, des: Table) -> Table:
    """`cur` with each expression key of its indexes and EXCLUDEs that reads no COLLATE given the one its twin in `des`
    names (the same index by name or renamed_from, or EXCLUDE by name; the key at its place, of the same expression,
    read after the RENAME COLUMNs `des`'s `renamed_from:` asks for: `lower(name)` is `lower(nm)` once name is nm)
    where that is the expression's own."""
    if not any(e.expression_collation for x in (*cur.indexes, *cur.exclusions) for e in x.elements):
        return cur  # (no expression key: most tables)
    twins: dict[str, Index] = {}
    for i in des.indexes:
        twins.setdefault(i.name, i)
        if i.renamed_from:
            twins.setdefault(i.renamed_from, i)
    after = with_column_renames(cur, des) if any(c.renamed_from for c in des.columns) else cur  # (same order)
    indexes = tuple(_as_written(i, a, twins.get(i.name)) for i, a in zip(cur.indexes, after.indexes))
    xs = {constraint_name(des, x): x for x in des.exclusions}
    exclusions = tuple(_as_written(x, a, xs.get(constraint_name(cur, x)) or _by_keys(a, des.exclusions))
                       for x, a in zip(cur.exclusions, after.exclusions))
    if (indexes, exclusions) == (cur.indexes, cur.exclusions):
        return cur
    return replace(cur, indexes=indexes, exclusions=exclusions)


def _by_keys(x: Exclusion, exclusions: tuple[Exclusion, ...]) -> Optional[Exclusion]:
    """The one EXCLUDE of `exclusions` (schema.yaml's) of `x`'s method and keys but their COLLATEs (the columns, the
    expressions' normal forms, the operators), for one no name finds: a table renamed keeps the names Postgres gave its
    unnamed ones after its old name until the migration renames them (plan.table_renames), which schema.yaml's, left
    unnamed, are named after the new one."""
    def keys(e: Exclusion) -> tuple:
        return e.method, tuple((k.column, normal_form(k.expression), k.operator) for k in e.elements)
    found = [d for d in exclusions if keys(d) == keys(x)]
    return found[0] if len(found) == 1 else None


def _as_written(x: Union[Index, Exclusion], renamed: Union[Index, Exclusion], twin: Optional[Union[Index, Exclusion]]):
    """`x` with the COLLATE of `twin`'s key at each place where it is the key's own (`renamed`: `x` after the column
    renames, whose expressions are compared with `twin`'s)."""
    if twin is None or len(twin.elements) != len(x.elements):
        return x
    elements = tuple(replace(e, collation=f.collation)
                     if e.collation is None and e.expression_collation is not None and
                     f.collation == e.expression_collation and f.expression is not None and
                     normal_form(r.expression) == normal_form(f.expression) else e
                     for e, r, f in zip(x.elements, renamed.elements, twin.elements))
    return x if all(e is f for e, f in zip(elements, x.elements)) else replace(x, elements=elements)
