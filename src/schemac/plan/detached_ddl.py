"""Right after CREATE EXTENSION: what its script made that the migration makes next as schema.yaml says (an object
the database holds detached from the extension: compare/extension_takes.py), taken out of the extension and dropped.
One DO block: each candidate looked up by its name as the migration's CREATE names it (to_regprocedure,
to_regoperator, to_regclass: nothing where it does not exist), kept only where it is now the extension's own
(pg_depend 'e'), then ALTER EXTENSION ... DROP and DROP by pg_identify_object's kind and identity. A table's
rows the script inserted go with it (schemac makes no rows); an object other objects of the extension need cannot be
dropped: Postgres refuses the migration then, as before."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import (Aggregate, CompositeType, Domain, Enum, Extension, Function, Operator, RangeType, Sequence,
                           Table, View)
from schemac.pg.names import qualified, quote_ident
from schemac.plan.aggregate_ddl import aggregate_target
from schemac.plan.ddl import do_block, literal
from schemac.plan.routine_ddl import function_target, routine_type_sql


def _when_typed(types: list[str], lookup: str) -> str:
    """`lookup` where every type of the signature exists, else NULL: before 16 to_regprocedure and to_regoperator
    raise an error on a type that does not (one a later extension, or the migration, makes)."""
    known = " AND ".join(f"pg_catalog.to_regtype({literal(t)}) IS NOT NULL" for t in dict.fromkeys(types))
    return f"CASE WHEN {known} THEN {lookup} END" if known else lookup


def _routine(o: object) -> str:
    """A function's, aggregate's or operator's catalog and oid, as a VALUES row."""
    if isinstance(o, (Function, Aggregate)):
        target = function_target(o) if isinstance(o, Function) else aggregate_target(o)
        found = _when_typed([routine_type_sql(t) for t in o.identity],
                            f"pg_catalog.to_regprocedure({literal(target)})::oid")
        return f"('pg_catalog.pg_proc'::pg_catalog.regclass, {found})"
    assert isinstance(o, Operator)
    types = [routine_type_sql(t) for t in (o.left, o.right) if t is not None]
    op = o.name if o.schema == "public" else f"{quote_ident(o.schema)}.{o.name}"
    target = f"{op}({types[0] if o.left is not None else 'NONE'}, {types[-1]})"
    found = _when_typed(types, f"pg_catalog.to_regoperator({literal(target)})::oid")
    return f"('pg_catalog.pg_operator'::pg_catalog.regclass, {found})"


def _candidates(objects: tuple) -> str:
    """Each candidate's catalog and oid (NULL where it does not exist), as one query: routines and operators a VALUES
    row each, relations and types by their names in an array."""
    parts = []
    routines = [_routine(o) for o in objects if isinstance(o, (Function, Aggregate, Operator))]
    if routines:
        parts.append(f"VALUES {', '.join(routines)}")
    for catalog, lookup, kinds in (("pg_class", "to_regclass", (View, Table, Sequence)),
                                   ("pg_type", "to_regtype", (Enum, Domain, CompositeType, RangeType))):
        names = [literal(qualified(o.schema, o.name)) for o in objects if isinstance(o, kinds)]
        if names:
            parts.append(f"SELECT 'pg_catalog.{catalog}'::pg_catalog.regclass, pg_catalog.{lookup}(n)::oid "
                         f"FROM pg_catalog.unnest(ARRAY[{', '.join(names)}]::text[]) n")
    return "\n                 UNION ALL ".join(parts)


def taken_back(e: Extension, objects: tuple) -> list[exp.Expression]:
    """The DO block taking `objects` (made next by the migration) out of `e` and dropping them where its script made
    them; none without objects."""
    if not objects:
        return []
    name = literal(e.name)
    body = f"""
DECLARE
  r record;
BEGIN
  FOR r IN SELECT CASE i.type WHEN 'composite type' THEN 'TYPE' ELSE pg_catalog.upper(i.type) END AS kind, i.identity
           FROM ({_candidates(objects)}) v (c, o)
           JOIN pg_catalog.pg_depend d ON d.classid = v.c AND d.objid = v.o AND d.objsubid = 0 AND d.deptype = 'e'
           JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid AND x.extname = {name}
           CROSS JOIN LATERAL pg_catalog.pg_identify_object(v.c, v.o, 0) i
  LOOP
    EXECUTE pg_catalog.format('ALTER EXTENSION %I DROP %s %s', {name}, r.kind, r.identity);
    EXECUTE pg_catalog.format('DROP %s %s', r.kind, r.identity);
  END LOOP;
END
"""
    return [do_block(body)]
