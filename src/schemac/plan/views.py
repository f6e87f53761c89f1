"""Views and materialized views -> Postgres DDL text. sqlglot has no nodes for these statements: they
are assembled from quoted names, string literals and the query, which is SQL text that Postgres parses
(checked at load to be one query: pg.views.view_query), written as schema.yaml gives it."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.cast_types import defaults_moved
from schemac.compare.changes import Change
from schemac.compare.normalize import normal_form
from schemac.compare.view_binds import bound, is_operator
from schemac.model import Operator, Table, View, collate_sql
from schemac.model.frozen import replace
from schemac.pg.column_storage import default_storage, storage_of
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.names import MAX_IDENTIFIER_BYTES, clip_bytes, qualified, quote_ident
from schemac.pg.views import values_view
from schemac.plan import ddl
from schemac.plan.populate import DEFERRED
from schemac.plan.operator_ddl import operator_target
from schemac.plan.routine_ddl import routine_target
from schemac.plan.sql_strings import visible_sql
from schemac.plan.storage_ddl import alter_parameters
from schemac.plan.stubs import STUB, STUBBED


def _word(v: View) -> str:
    return "MATERIALIZED VIEW" if v.materialized else "VIEW"


def create_view(v: View, replace: bool = False) -> exp.Command:
    """CREATE [OR REPLACE] [MATERIALIZED] VIEW name [WITH (...)] AS query [WITH ... CHECK OPTION | WITH NO DATA]."""
    spelled = dict(s.partition("=")[::2] for s in v.spelled)
    options = [f"{o}={spelled.get(o) or str(on).lower()}" for o, on in (("security_barrier", v.security_barrier),
                                                                         ("security_invoker", v.security_invoker))
               if on is not None]
    tail = ""
    if v.check_option:
        tail = f"\nWITH {v.check_option.upper()} CHECK OPTION"
    elif v.materialized and not v.with_data:
        tail = "\nWITH NO DATA"
    values = values_view(v.query)  # (names) AS VALUES ...: what Postgres deparsed as a SELECT of "*VALUES*"
    query = values[1] if values else v.query
    return ddl.command("CREATE", "OR REPLACE" if replace else "", _word(v), qualified(v.schema, v.name),
                       f"({', '.join(values[0])})" if values else "",
                       f"WITH ({', '.join(options)})" if options else ddl.storage_clause(v.parameters),
                       f"AS\n{visible_sql(query)}{tail}")


def bound_aside(v, made: list[exp.Expression]) -> list[exp.Expression]:
    """`made` (the view's CREATE) between ALTER FUNCTION ... RENAME TO of the overloads it must not call (`v.aside`,
    compare.view_binds) aside and back: Postgres binds each call to the overload its name takes among those left,
    the ones the view (or a function's SQL-standard body) `binds`, and keeps the binding; a rename leaves what calls a
    function by its OID alone. An operator, which ALTER OPERATOR cannot rename, is moved to a schema of its own
    (`_ASIDE_SCHEMA`, made and dropped around them) and back: a view applies it by its OID alone too."""
    away, back = aside_statements(v)
    return away + made + back


def aside_statements(v) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """The statements before and after the CREATE of `v` (a view, a function with a SQL-standard body) that set the
    overloads of `v.aside` aside and give them back (bound_aside; the view build runs them around the CREATE alone)."""
    away: list[exp.Expression] = []
    back: list[exp.Expression] = []
    moved = []
    for entry in v.aside:
        schema, name, types = bound(entry)
        if is_operator(name):
            moved.append(Operator(name=name, right=types[-1], function="", schema=schema,
                                  left=None if types[0] == "NONE" else types[0]))
            continue
        spare = clip_bytes(name, MAX_IDENTIFIER_BYTES - len(_ASIDE)) + _ASIDE
        away.append(ddl.command("ALTER", "FUNCTION", routine_target(schema, name, types), "RENAME TO", quote_ident(spare)))
        back.append(ddl.command("ALTER", "FUNCTION", routine_target(schema, spare, types), "RENAME TO", quote_ident(name)))
    if moved:
        away += [ddl.command("CREATE", "SCHEMA", _ASIDE_SCHEMA)] + [
            ddl.command("ALTER", "OPERATOR", operator_target(o), "SET SCHEMA", _ASIDE_SCHEMA) for o in moved]
        back += [ddl.command("ALTER", "OPERATOR", operator_target(replace(o, schema=_ASIDE_SCHEMA)), "SET SCHEMA",
                             quote_ident(o.schema)) for o in moved] + [ddl.command("DROP", "SCHEMA", _ASIDE_SCHEMA)]
    return away, back


_ASIDE = "_schemac_aside"  # (an overload set aside while a view bound to another is made)
_ASIDE_SCHEMA = "_schemac_aside"  # (the schema an operator is moved to meanwhile: made and dropped around)


def stub_view(v: View, replace: bool = False) -> exp.Command:
    """CREATE [OR REPLACE] VIEW name AS SELECT NULL::type AS column, ...: the view's columns without its query, as
    pg_dump makes a view that reads itself before its query (plan.stubs); `NULL::text COLLATE "C"` where the column
    has a collation of its own (the query's CREATE OR REPLACE VIEW cannot change it)."""
    columns = ",\n    ".join(f"NULL::{c.type}{' COLLATE ' + collate_sql(c.collation) if c.collation else ''} "
                               f"AS {quote_ident(c.name)}" for c in v.stub_columns)
    return ddl.command("CREATE", "OR REPLACE" if replace else "", "VIEW", qualified(v.schema, v.name),
                       f"AS\nSELECT {columns}")


def drop_view(v: View) -> exp.Command:
    return ddl.command("DROP", _word(v), "IF EXISTS", qualified(v.schema, v.name))


def view_comments(v: View, old: Optional[View] = None) -> list[exp.Expression]:
    """COMMENT ON the view and its columns: those that differ from `old` (all that are set, without one)."""
    out: list[exp.Expression] = []
    if old is None or (old.comment or None) != (v.comment or None):
        if v.comment is not None or old is not None:
            value = ddl.comment_value(v.comment)
            out.append(ddl.command("COMMENT", "ON", _word(v), qualified(v.schema, v.name), "IS", value))
    was = {c.name: c.comment for c in old.columns} if old is not None else {}
    will = {c.name: c.comment for c in v.columns}
    table = Table(name=v.name, schema=v.schema)
    for name in [*will, *(n for n in was if n not in will)]:
        if was.get(name) != will.get(name):
            out.append(ddl.comment_on_column(table, name, will.get(name)))
    return out


def view_defaults(v: View, old: Optional[View] = None) -> list[exp.Expression]:
    """ALTER VIEW ... ALTER COLUMN ... SET/DROP DEFAULT: the defaults that differ from `old` (all, without one), and
    the statistics targets."""
    was = {c.name: c.default for c in old.columns if c.default is not None} if old is not None else {}
    will = {c.name: c.default for c in v.columns if c.default is not None}
    out: list[exp.Expression] = []
    moved = defaults_moved(old, v) if old is not None else frozenset()  # (through other user types: compare.cast_types)
    for name in [*will, *(n for n in was if n not in will)]:
        if name not in will:
            out.append(ddl.command("ALTER", "VIEW", qualified(v.schema, v.name), "ALTER COLUMN", quote_ident(name),
                                   "DROP DEFAULT"))
        elif old is None or normal_form(was.get(name)) != normal_form(will[name]) or name in moved:
            out.append(ddl.command("ALTER", "VIEW", qualified(v.schema, v.name), "ALTER COLUMN", quote_ident(name),
                                   "SET DEFAULT", parse_expression(will[name]).sql(dialect=RENDER)))
    return out + _statistics(v, old)


def _statistics(v: View, old: Optional[View]) -> list[exp.Expression]:
    """ALTER MATERIALIZED VIEW ... ALTER COLUMN ... SET STATISTICS / SET STORAGE / SET COMPRESSION where a column's
    target, storage or compression differs from `old`'s (a storage removed goes back to its type's own: SET STORAGE
    DEFAULT is 16's)."""
    was = {c.name: c.statistics for c in old.columns} if old is not None else {}
    out = [ddl.command("ALTER", "MATERIALIZED VIEW", qualified(v.schema, v.name), "ALTER COLUMN", quote_ident(name),
                       f"SET STATISTICS {-1 if target is None else int(target)}")
           for name, target in {**{n: None for n in was}, **{c.name: c.statistics for c in v.columns}}.items()
           if was.get(name) != target]
    stored = {c.name: storage_of(old, c) for c in old.columns} if old is not None else {}
    typed = {o.name: o.type for o in [*(old.output if old is not None else ()), *v.output]}
    for name, storage in {**{n: None for n in stored}, **{c.name: storage_of(v, c) for c in v.columns}}.items():
        if stored.get(name) != storage:
            back = storage or default_storage(typed.get(name) or "text") or "extended"
            out.append(ddl.command("ALTER", "MATERIALIZED VIEW", qualified(v.schema, v.name), "ALTER COLUMN",
                                   quote_ident(name), f"SET STORAGE {back.upper()}"))
    compressed = {c.name: c.compression for c in old.columns} if old is not None else {}
    for name, method in {**{n: None for n in compressed}, **{c.name: c.compression for c in v.columns}}.items():
        if compressed.get(name) != method:  # none: back to default_toast_compression
            out.append(ddl.command("ALTER", "MATERIALIZED VIEW", qualified(v.schema, v.name), "ALTER COLUMN",
                                   quote_ident(name), f"SET COMPRESSION {(method or 'default').upper()}"))
    return out


def view_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements for a change of a view, else None."""
    k, old, new = change.kind, change.old, change.new
    if change.cause == STUB:  # the stub made, or an old view emptied to its stub before its drop
        return [stub_view(old, replace=True)] if k == "drop_view" else [stub_view(new)]  # type: ignore[arg-type]
    if change.cause == STUBBED and k in ("add_view", "replace_view"):  # its query over the stub
        return bound_aside(new, [create_view(new, replace=True)]) + view_comments(new) + view_defaults(new)  # type: ignore
    if k in ("add_view", "replace_view"):  # created (again, after its drop: REBUILT), with its comments and defaults
        if change.cause == DEFERRED:  # populated at the migration's end (plan.populate)
            return bound_aside(new, [create_view(replace(new, with_data=False))]) + view_comments(new) + \
                view_defaults(new)  # type: ignore
        return bound_aside(new, [create_view(new)]) + view_comments(new) + view_defaults(new)  # type: ignore[arg-type]
    if k == "alter_view":  # the same columns (renamed first: compare.view_renames), new ones appended
        return [ddl.command("ALTER", "VIEW", qualified(new.schema, new.name), "RENAME COLUMN", quote_ident(a), "TO",  # type: ignore
                            quote_ident(b)) for a, b in change.column_renames] + \
            bound_aside(new, [create_view(new, replace=True)])  # type: ignore[arg-type]
    if k == "drop_view":
        return [drop_view(old)]  # type: ignore[arg-type]
    if k == "rename_view":  # moved to another schema (its indexes along), renamed
        return ([ddl.command("ALTER", _word(old), qualified(old.schema, old.name), "SET SCHEMA",  # type: ignore
                             quote_ident(new.schema))] if old.schema != new.schema else []) + \
            ([ddl.command("ALTER", _word(old), qualified(new.schema, old.name), "RENAME TO",  # type: ignore
                          quote_ident(new.name))] if old.name != new.name else [])  # type: ignore[union-attr]
    if k == "rename_view_column":  # its columns given the names schema.yaml's query gives them (compare.view_renames)
        return [ddl.command("ALTER", _word(new), qualified(new.schema, new.name), "RENAME COLUMN",  # type: ignore
                            quote_ident(a), "TO", quote_ident(b)) for a, b in change.column_renames]
    if k == "refresh_view":
        return [ddl.command("REFRESH", "MATERIALIZED VIEW", qualified(new.schema, new.name),  # type: ignore
                            "" if new.with_data else "WITH NO DATA")]  # type: ignore[union-attr]
    if k == "set_view_comment":
        return view_comments(new, old)  # type: ignore[arg-type]
    if k == "set_view_defaults":
        return view_defaults(new, old)  # type: ignore[arg-type]
    if k == "set_view_parameters":
        return alter_parameters(_word(new), qualified(new.schema, new.name), old, new)  # type: ignore
    return None
