"""The guards a migration runs over rows generate cannot see, each raising one message naming the first table and
column holding a value; the file's transaction leaves nothing done.

Before an ALTER TYPE adding (or adding again) a composite type's attribute of a domain that refuses NULL
(compare.null_attributes): every value of the type stored anywhere takes NULL in it, which Postgres does not check, so
a row holding one would be left with a value no INSERT could make and a dump would not load. The migration looks in
every column Postgres's ADD ATTRIBUTE reaches (of the type, of a domain, array, range or multirange over it, of a
composite type or row type holding it, at any depth: pg_catalog walked up from the type). A NULL of the type (a NULL
column, array element, attribute, bound) holds no attribute: none refuses the change, so empty holders apply.

Before a column's ALTER ... TYPE that Postgres refuses for every non-NULL value (refused_values: a PostGIS SRID
changed, pgvector's dimensions): the migration looks in the column, in the table and those below it, and names the
`using:` to write; over NULLs alone (an empty table) it applies, where generate refused it. Before a string column's
made bytea without `using:` (escaped_bytes): Postgres's cast reads a backslash as an escape, refusing the value or
making other bytes of it, so the migration looks for one and names the `using:` to write; without one, each value's
text becomes its bytes."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change, takes_using
from schemac.compare.composite_rebases import BOUNDS, said
from schemac.model import Table
from schemac.pg import pgvector
from schemac.pg.casts import base_and_dims, is_string_type
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.pg.types import type_name
from schemac.plan.sql_strings import TREE, do_block, literal
from schemac.plan.unforced_rls import force_again, lift_force

# The steps from a type to one holding it: a domain over it ('d'), an array or multirange of it ('a': unnest), a range
# of it ('r': its bounds) and a composite or row type with an attribute of it ('c'), walked up from the type (`found`)
# as `up`: each type reached with the test of a value of it, `head` || value || `tail`, that is true where the value
# holds a non-NULL value of the type (num_nonnulls: a composite whose attributes are all NULL is no NULL); then every
# stored column of one (tables and populated materialized views: a partitioned table's rows are its partitions') with
# that test. The aliases are numbered by depth, so nested ones never shadow the one they read.
_HOLDERS = (
    "WITH RECURSIVE steps(outer_type, inner_type, kind, attname) AS (SELECT t.oid, t.typbasetype, 'd', NULL::name FROM "
    "pg_catalog.pg_type t WHERE t.typtype = 'd' UNION ALL SELECT e.typarray, e.oid, 'a', NULL FROM pg_catalog.pg_type e "
    "WHERE e.typarray <> 0 UNION ALL SELECT g.rngmultitypid, g.rngtypid, 'a', NULL FROM pg_catalog.pg_range g UNION ALL "
    "SELECT g.rngtypid, g.rngsubtype, 'r', NULL FROM pg_catalog.pg_range g UNION ALL SELECT c.reltype, a.atttypid, 'c', "
    "a.attname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT "
    "a.attisdropped WHERE c.reltype <> 0), up(type, head, tail, depth) AS (SELECT {found}::oid, "
    "'pg_catalog.num_nonnulls('::text COLLATE \"C\", ') > 0'::text COLLATE \"C\", 0 UNION ALL SELECT s.outer_type, "
    "CASE s.kind WHEN 'a' THEN 'EXISTS (SELECT FROM (SELECT pg_catalog.unnest(' WHEN 'r' THEN 'EXISTS (SELECT FROM "
    "(SELECT pg_catalog.unnest(ARRAY[pg_catalog.lower(b' || up.depth || '.v), pg_catalog.upper(b' || up.depth || "
    "'.v)]) AS v FROM (SELECT ' ELSE up.head || '(' END, CASE s.kind WHEN 'd' THEN ')::' || up.type::regtype::text || "
    "up.tail WHEN 'c' THEN ').' || pg_catalog.quote_ident(s.attname) || up.tail ELSE CASE s.kind WHEN 'r' THEN ' AS v) "
    "b' || up.depth || ') e' ELSE ') AS v) e' END || up.depth || ' WHERE ' || up.head || 'e' || up.depth || '.v' || "
    "up.tail || ')' END, up.depth + 1 FROM up JOIN steps s ON s.inner_type = up.type) SELECT n.nspname, c.relname, "
    "a.attname, up.head || pg_catalog.quote_ident(a.attname) || up.tail AS test, c.oid AS rel FROM up JOIN pg_catalog.pg_attribute a "
    "ON a.atttypid = up.type AND a.attnum > 0 AND NOT a.attisdropped JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> "
    "'t' AND (c.relkind <> 'm' OR c.relispopulated) ORDER BY 1, 2, 3")


def held_values_guard(schema: str, name: str, refusing: tuple) -> exp.Command:
    """A DO block raising where a stored column holds a non-NULL value of composite type schema.name, whose ALTER TYPE
    follows it adding `refusing` ((attribute, domain) pairs: compare.null_attributes)."""
    target = qualified(schema, name)
    named = " and ".join(f"attribute {a} of domain {d}" for a, d in refusing)
    said = f"composite type {schema}.{name}: {named}, which " + \
        ("refuses NULL, is" if len(refusing) == 1 else "refuse NULL, are") + " added while column "
    fix = (" holds a value of the type: each such value would hold NULL in it, which Postgres does not check (a dump of "
           "the database would then not load); empty those columns (set them NULL) first, or give the attribute a type "
           "that takes NULL")
    return _guard(_HOLDERS.format(found=f"pg_catalog.to_regtype({literal(target)})"), said, fix)


def refused_values(change: Change) -> Optional[str]:
    """Why Postgres refuses every non-NULL value of a column retype without `using:` (a PostGIS SRID, shape or
    dimensions changed, pgvector's dimensions: pg.pgvector.values_refused), with the `using:` to write;
    None for any other change. Such a retype applies over NULLs alone: generate writes it behind retyped_over_nulls'
    guard, not refused (a generated column's, computed again, stays refused). A column of a domain created again over
    another base type (`rebased`: a domain over geometry(Geometry,2154) made over geometry(Geometry,3857)) is judged
    by the two base types, as its values convert."""
    if change.kind != "alter_column_type" or (change.cause is not None and not change.rebased) or takes_using(change) \
            or change.table_def is None or change.table_def.foreign is not None or change.new.generated:  # type: ignore
        return None
    old, new = _types(change)
    why = pgvector.values_refused(change.name or "", old, new)
    return f"its domain {'.'.join(type_name(change.new.type))} created again over {new}: {why}" \
        if why and change.rebased else why  # type: ignore[union-attr]


def escaped_bytes(change: Change) -> Optional[str]:
    """Why a retype without `using:` of a string column (text, varchar, char(n), name, citext, an array of one, a
    domain over one) to bytea (an array of it, a domain over it that checks nothing) may fail or change a value, with
    the `using:` to write: Postgres's cast hands its text to bytea's input, which reads a backslash as an escape
    (crates.io's api_tokens.token: 'invalid input syntax for type bytea'); None for any other change. Without a
    backslash each value's text becomes its bytes (the server's encoding): retyped_over_nulls guards the others. No
    backslash in the text: the guard's literal reads the same whatever standard_conforming_strings says."""
    if change.kind != "alter_column_type" or change.cause is not None or takes_using(change) \
            or change.table_def is None or change.table_def.foreign is not None or change.new.generated:  # type: ignore
        return None
    (was, dims), (will, into) = base_and_dims(change.from_base or change.old.type), base_and_dims(  # type: ignore
        change.to_base or (change.to_checked[0] if change.to_checked else change.new.type))  # type: ignore[union-attr]
    if not is_string_type(was) or will != "bytea" or dims != into:
        return None
    c = quote_ident(change.name or "")
    kept = "" if dims else f" (e.g. using: \"convert_to({c}, 'UTF8')\", its text's bytes in UTF8)"
    return ("Postgres's cast to bytea reads a backslash as an escape (a backslash then x and hex digits, two "
            "backslashes, a backslash and three octal digits), making other bytes of the value, and refuses any other "
            "('invalid input syntax for type bytea'); "
            f"add `using:` to the column: an SQL expression giving each value's bytes{kept}, or \"CAST({c} AS "
            f"{change.new.type})\" to read the escapes, used by this migration only")  # type: ignore[union-attr]


def held_value_warning(change: Change) -> Optional[str]:
    """generate's warning for a retype written behind a guard, which generate cannot see the rows of: retyped_over_nulls'
    for refused_values' (over NULLs alone it applies) and escaped_bytes' (over values without a backslash), and
    checked_values_guard's (a domain's CHECK narrowed or given under it: over values it passes)."""
    refused, escaped = refused_values(change), escaped_bytes(change)
    if refused:
        return (f"warning: {change.source or change.path}: column {change.path}: {refused}: the migration fails where "
                "a row holds a value in it (it looks first: over NULLs alone, the type changes)")
    if escaped:
        return (f"warning: {change.source or change.path}: column {change.path}: {change.old.type} -> "  # type: ignore
                f"{change.new.type}: {escaped}: the migration fails where a row holds a value with a backslash (it "  # type: ignore
                "looks first: without one, each value's text becomes its bytes)")
    if change.kind == "alter_column_type" and change.checked_domains and not takes_using(change):  # (the guard's; a
        # range set aside carries its bounds' domains too, rebased_bounds, guarded at its columns' retypes)
        return (f"warning: {change.source or change.path}: column {change.path} is retyped to {change.new.type} "  # type: ignore
                f"through text, which checks each value of domain {', '.join('.'.join(k) for k in change.checked_domains)} "
                "held in it against its new CHECKs or NOT NULL: the migration fails where a row holds a value they "
                "refuse (it looks first, naming the row)")
    return None


def _types(change: Change) -> tuple[str, str]:
    """The old and new types a retype converts its values between: a rebased domain's base types (compare.changes)."""
    if change.rebased:
        return change.from_base, change.rebased
    return change.old.type, change.new.type  # type: ignore[union-attr]


def retyped_over_nulls(change: Change) -> list[exp.Command]:
    """The guard before an ALTER COLUMN ... TYPE of refused_values: raising, with why and the `using:` to write,
    where a row holds a value; [] for any other change."""
    why = refused_values(change)
    out = [] if why is None else [retype_guard(change.table_def, change.name, _types(change)[1].endswith("[]"),  # type: ignore[arg-type]
                                               f"column {change.path} is retyped {' -> '.join(_types(change))} while column ",
                                               f" holds a value: {why}, used by this migration only")]
    escaped = escaped_bytes(change)
    out += [] if escaped is None else [retype_guard(change.table_def, change.name, False,  # type: ignore[arg-type]
                                                    f"column {change.path} is retyped {' -> '.join(_types(change))} "
                                                    "while column ", f" holds a value with a backslash: {escaped}",
                                                    where=_BACKSLASH_IN_ELEMENT if change.new.type.endswith("]")  # type: ignore
                                                    else _BACKSLASH)]
    for path, domain, old, new, (kind, top) in () if takes_using(change) else change.refused_attributes:
        head = (pgvector.values_refused("", old, new) or "").split("; add", 1)[0]
        named = ".".join(type_name(change.new.type))  # type: ignore[union-attr]
        made = f"{kind} {top}" if named == top else f"domain {named} over {kind} {top}"
        shown = said(path, kind).split("'s ", 1)[1]
        out.append(retype_guard(change.table_def, change.name, change.new.type.endswith("]"),  # type: ignore
                                f"column {change.path} is retyped to {change.new.type} ({made} "  # type: ignore
                                f"made again): its {shown} of domain {domain} created again over {new} (was {old}), "
                                "while column ", f" holds a value in that attribute: {head}; add `using:` to the column: "
                                f"an SQL expression building each value with its {shown} converted, used by this "
                                "migration only", path))
    return out


def checked_values_guard(change: Change, using: exp.Expression) -> list[exp.Command]:
    """The guard before an ALTER COLUMN ... TYPE through text (`using`) whose new type holds a domain whose CHECKs or
    NOT NULL change below it (Change.checked_domains): Postgres checks each value held there at the ALTER, raising
    'value for domain pos violates check constraint "pos_check"' without naming the column. The look runs the USING
    over the table's rows (its children's and partitions' too) first; where a row fails, it finds the first one and
    raises Postgres's message naming the column, the domains and the value; [] for any other change."""
    if not change.checked_domains or takes_using(change):
        return []
    t = change.table_def
    table, column = qualified(t.schema, t.name), quote_ident(change.name)  # type: ignore[union-attr]
    cast = using.sql(dialect=RENDER)
    domains = ", ".join(".".join(k) for k in change.checked_domains)
    said = (f"column {change.path} is retyped to {change.new.type} through text, which checks each value of domain "  # type: ignore
            f"{domains} held in it against its new CHECKs or NOT NULL: the row of ")
    fix = ("; change or remove the values those checks refuse first (or give the column `using:`), or keep the domain's "
           "checks")
    return [do_block(f"DECLARE schemac__row record; BEGIN PERFORM {cast} FROM {table}; EXCEPTION WHEN check_violation OR "
                     f"not_null_violation THEN FOR schemac__row IN SELECT tableoid::pg_catalog.regclass::text AS rel, ctid AS row, "
                     f"pg_catalog.left(CAST({column} AS text), 200) AS v FROM {table} LOOP BEGIN PERFORM {cast} FROM "
                     f"{table} WHERE tableoid = schemac__row.rel::pg_catalog.regclass AND ctid = schemac__row.row; EXCEPTION WHEN "
                     f"check_violation OR not_null_violation THEN RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = "
                     f"{literal(said)} || schemac__row.rel || ' holding ' || schemac__row.v || ' fails: ' || SQLERRM || {literal(fix)}; END; "
                     "END LOOP; RAISE; END")]


def retype_guard(t: Table, column: str, array: bool, said: str, fix: str, path: tuple = (),
                 where: Optional[str] = None) -> exp.Command:
    """A DO block raising where `t` (or a table below it: ALTER COLUMN ... TYPE recurses into its partitions and
    children) holds a non-NULL value in `column` (an `array`: a non-NULL element; a composite's: its attribute at
    `path`, through nested composites and arrays of them: _held), the ALTER ... TYPE following it refusing every such value (PostGIS's SRID,
    shape or dimensions changed, pgvector's dimensions: plan.hazards.refused_values), which Postgres applies over NULLs
    alone; or, `where` given, a value of which that condition (on _COLUMN) is true."""
    test = ("'EXISTS (SELECT FROM pg_catalog.unnest(' || pg_catalog.quote_ident(a.attname) || ') AS e(v) WHERE e.v IS "
            "NOT NULL)'") if array else "'pg_catalog.num_nonnulls(' || pg_catalog.quote_ident(a.attname) || ') > 0'"
    if path:  # ((c).a).g: an array column's elements, and an array attribute's, unnested in a select list, whose
        # one column is the whole element
        held = _held(path, "e.v" if array else _COLUMN)
        where = f"EXISTS (SELECT FROM (SELECT pg_catalog.unnest({_COLUMN}) AS v) e WHERE {held})" if array else held
    if where is not None:
        test = "'" + where.replace("'", "''").replace(_COLUMN, "' || pg_catalog.quote_ident(a.attname) || '") + "'"
    holders = (TREE.format(table=literal(qualified(t.schema, t.name))) + "SELECT DISTINCT n.nspname, c.relname, "
               f"a.attname, {test} AS test, c.oid AS rel FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.rel "
               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_attribute a ON a.attrelid "
               f"= c.oid AND a.attname = {literal(column)} AND NOT a.attisdropped WHERE c.relkind = 'r' ORDER BY 1, 2, 3")
    return _guard(holders, said, fix)


_COLUMN = "\x00column\x00"  # (where the holder's column goes in _held's text)
# (a string value holding a backslash, chr(92): escaped_bytes; an array's element)
_BACKSLASH = f"pg_catalog.strpos({_COLUMN}::pg_catalog.text, pg_catalog.chr(92)) > 0"
_BACKSLASH_IN_ELEMENT = (f"EXISTS (SELECT FROM pg_catalog.unnest({_COLUMN}) AS e(v) WHERE "
                         "pg_catalog.strpos(e.v::pg_catalog.text, pg_catalog.chr(92)) > 0)")


def _held(path: tuple, value: str, depth: int = 1) -> str:
    """The condition that `value` holds a non-NULL value at `path` (compare.composite_rebases): through nested
    composites' attributes, arrays of them (a name marked name[]: any element's), a multirange's ranges (ranges[]) and
    a range's bounds (BOUNDS); an array's or the bounds at the end, a non-NULL one. Elements are unnested in a select
    list, whose one column is the whole element (a composite's too)."""
    step, rest, w = path[0], path[1:], f"w{depth}"
    if step == "ranges[]":
        elements = f"pg_catalog.unnest({value})"
    elif step == BOUNDS:
        elements = f"pg_catalog.unnest(ARRAY[pg_catalog.lower({value}), pg_catalog.upper({value})])"
    else:
        attribute = f"({value}).{quote_ident(step.removesuffix('[]'))}"
        if not step.endswith("[]"):
            return _held(rest, attribute, depth) if rest else f"pg_catalog.num_nonnulls({attribute}) > 0"
        elements = f"pg_catalog.unnest({attribute})"
    held = _held(rest, f"{w}.v", depth + 1) if rest else f"{w}.v IS NOT NULL"
    return f"EXISTS (SELECT FROM (SELECT {elements} AS v) {w} WHERE {held})"


def _guard(holders: str, said: str, fix: str) -> exp.Command:
    """The DO block looking, in each table and column `holders` gives (nspname, relname, attname, test: a condition
    true where a row holds a value, rel), for a row that does; raising `said` || the column || `fix` at the first one
    (or where the migration's role could not see every row)."""
    return do_block("DECLARE r record; held boolean; lifted boolean; BEGIN FOR r IN "
                    f"{holders} LOOP "
                    # (not its to read: raised before any look, as Postgres would with no word of why)
                    "IF NOT pg_catalog.has_column_privilege(r.rel, r.attname, 'SELECT') THEN "
                    f"{_cannot(said, ' (it may not SELECT the column)')} END IF; "
                    f"{lift_force('r.rel', 'lifted')} "
                    f"IF pg_catalog.row_security_active(r.rel) THEN "
                    f"{_cannot(said, ' (row-level security policies filter its reads)')} END IF; "
                    "EXECUTE 'SELECT EXISTS (SELECT FROM ONLY ' || pg_catalog.quote_ident(r.nspname) || '.' || "
                    "pg_catalog.quote_ident(r.relname) || ' WHERE ' || r.test || ')' INTO held; "
                    f"{force_again('r.rel', 'lifted')} IF held THEN RAISE EXCEPTION USING ERRCODE = "
                    f"'integrity_constraint_violation', MESSAGE = {literal(said)} || r.nspname || '.' || r.relname || "
                    f"'.' || r.attname || {literal(fix)}; END IF; END LOOP; END")


def _cannot(said: str, why: str) -> str:
    """The RAISE where the migration's role cannot see every row of the holder: its look would miss a value."""
    return (f"RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = {literal(said)} || r.nspname || '.' "
            f"|| r.relname || '.' || r.attname || {literal(' holds the type, and the migration' + chr(39) + 's role ')} "
            f"|| current_user || ' cannot read every row of ' || r.nspname || '.' || r.relname || {literal(why + _UNREAD)};")


_UNREAD = (", which the migration must, to see that no row holds a value of the type: run it as a role that may (the "
           "table's owner, a superuser or a role with BYPASSRLS), or grant this one SELECT on the column and a policy "
           "showing it every row")
