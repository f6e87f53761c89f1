"""The guard before the DROP of a collation, range or composite type the migration makes again (its definition
changed, which Postgres cannot alter: compare.usertypes), of a domain made again around one (holders_remade), and of
an enum or domain set aside under its old name and created again (ENUM_REBUILT: values removed or reordered, a domain
over one, or checking values held in arrays: compare.domain_arrays): generate reads schema.yaml and state.json, not the database,
so what schemac does not manage and uses the object (a table of a schema left out or listed as not managed, an
extension's member, an object made by hand since) is not in its model, and the DROP failed on it with Postgres's
'cannot drop ... because other objects depend on it'. The migration asks pg_depend first, where it runs, and raises
one message naming those users; the file's transaction leaves nothing done."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import set_aside_name
from schemac.pg.names import qualified
from schemac.plan.sql_strings import do_block, literal

# What pg_depend records against the object (`found`: to_regcollation / to_regtype of its name), as (classid, objid):
# a range's multirange and both array types too (whose users name them: a multirange column), a composite type's
# relation (a view reading one of its attributes).
_COLLATION = "SELECT 'pg_catalog.pg_collation'::regclass::oid, {found}::oid"
_TYPE = ("SELECT 'pg_catalog.pg_type'::regclass::oid, pg_catalog.unnest(ARRAY[t.oid, t.typarray, m.oid, m.typarray]) "
         "FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_range g ON g.rngtypid = t.oid LEFT JOIN pg_catalog.pg_type m "
         "ON m.oid = g.rngmultitypid WHERE t.oid = {found} UNION ALL SELECT 'pg_catalog.pg_class'::regclass::oid, "
         "t.typrelid FROM pg_catalog.pg_type t WHERE t.oid = {found} AND t.typrelid <> 0")
# Each user as Postgres describes it, a view (or materialized view) by itself rather than its rule _RETURN; not a part
# of the object (a range's constructors: internal to it, yet naming its types).
_USERS = ("WITH target(classid, objid) AS ({targets}), users(what) AS (SELECT DISTINCT COALESCE((SELECT "
          "pg_catalog.pg_describe_object('pg_catalog.pg_class'::regclass, w.ev_class, 0) FROM pg_catalog.pg_rewrite w "
          "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND w.oid = d.objid AND w.rulename = '_RETURN'), "
          "pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)) FROM pg_catalog.pg_depend d WHERE "
          "(d.refclassid, d.refobjid) IN (SELECT classid, objid FROM target) AND d.deptype = 'n' AND NOT EXISTS (SELECT "
          "FROM pg_catalog.pg_depend i WHERE i.classid = d.classid AND i.objid = d.objid AND i.deptype = 'i' AND "
          "(i.refclassid, i.refobjid) IN (SELECT classid, objid FROM target))) SELECT pg_catalog.string_agg(what, ', ' "
          "ORDER BY what) INTO users FROM users")


_REMADE = "its definition changes, which Postgres cannot alter, so this migration drops it and creates it again"
HELD = "a type it stands on is made again, so this migration drops it and creates it again"
SET_ASIDE = ("this migration sets it aside and creates it again (Postgres cannot alter its values or what it stands on), "
             "then drops the one set aside")


def unmanaged_users_guard(kind: str, schema: str, name: str, shown: Optional[str] = None,
                          why: str = _REMADE) -> exp.Command:
    """A DO block raising where anything depends on `kind` (collation, range type, composite type, domain, enum)
    schema.name as the migration reaches its DROP (what schemac manages and uses it is dropped or retyped before, or
    generate refused the change: compare.definition_users), naming each user as Postgres describes it ('column s of
    table other.t'); `shown`: the name the message gives (a type set aside is dropped under another)."""
    target = qualified(schema, name)
    lookup = "pg_catalog.to_regcollation({})" if kind == "collation" else "pg_catalog.to_regtype({})"
    targets = (_COLLATION if kind == "collation" else _TYPE).format(found=lookup.format(literal(target)))
    said = f"{kind} {schema}.{shown or name}: {why}, but what schemac does not manage uses it ("
    fix = "); drop or change those first, outside schemac, or keep its definition in schema.yaml"
    return do_block(f"DECLARE users text; BEGIN {_USERS.format(targets=targets)}; IF users IS NOT NULL THEN RAISE "
                    "EXCEPTION USING ERRCODE = 'dependent_objects_still_exist', MESSAGE = "
                    f"{literal(said)} || users || {literal(fix)}; END IF; END")


def set_aside_guard(kind: str, schema: str, name: str) -> exp.Command:
    """unmanaged_users_guard before the DROP of a type set aside (SET_ASIDE), its message naming the type as schema.yaml
    does: `name` without set_aside_name's suffix."""
    suffix = set_aside_name("")
    why = SET_ASIDE.replace("its values or what it stands on", "its definition") if kind == "collation" else SET_ASIDE
    return unmanaged_users_guard(kind, schema, name, name[:-len(suffix)] if name.endswith(suffix) else name, why)
