"""Functions, procedures and triggers -> Postgres DDL text. sqlglot has no nodes for these statements:
they are assembled from parts sqlglot rendered (types, default and WHEN expressions), quoted names,
string literals and a dollar-quoted body, never from raw input."""

from __future__ import annotations

import re

from sqlglot import exp

from schemac.model import Function, Table, Trigger, deferral
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.indexdef import top_level_items
from schemac.pg.names import is_postgres_keyword, qualified, quote_ident, reference_sql, split_reference
from schemac.pg.settings import LIST_SETTINGS, list_items
from schemac.pg.routines import PSEUDO_TYPES, argument_text, dollar_quoted, parse_argument
from schemac.pg.types import build_type
from schemac.plan.ddl import command, comment_on_constraint, literal
from schemac.plan.sql_strings import visible_sql


def routine_type_sql(type_text: str) -> str:
    """A parameter's or result's type as the DDL spells it (pseudo-types such as trigger as they are)."""
    return type_text if type_text in PSEUDO_TYPES else build_type(type_text).sql(dialect=RENDER)


def _result_sql(returns: str) -> str:
    if returns.startswith("SETOF "):
        return "SETOF " + routine_type_sql(returns[len("SETOF "):])
    if returns.startswith("TABLE("):
        columns = [parse_argument(item) for item in top_level_items(returns[len("TABLE("):-1])]
        return "TABLE(" + ", ".join(f"{quote_ident(c.name)} {routine_type_sql(c.type)}" for c in columns) + ")"  # type: ignore
    return routine_type_sql(returns)


def function_target(f: Function) -> str:
    """schema.name(input types): how DROP, ALTER and COMMENT name one overload."""
    return routine_target(f.schema, f.name, f.identity)


def routine_target(schema: str, name: str, identity) -> str:
    """function_target of the overload `schema.name(identity)` (one named by a view's binds: plan.views)."""
    return f"{qualified(schema, name)}({', '.join(routine_type_sql(t) for t in identity)})"



def setting_value(name: str, value: str) -> str:
    """A SET clause's value. A list setting's items (proconfig's names, quoted where they need it) are each written
    as a literal of the name: a name written as an identifier would be truncated to 63 bytes by the lexer (a long
    library path in local_preload_libraries lost its tail), a literal is taken whole and quoted again by Postgres
    as proconfig has it; `""`, the empty name (of `SET search_path = ''`), is the empty literal. Any other setting
    has one value: a name or number as it is, else a literal (`SET application_name = 'a, b'` is one text). A
    keyword is a literal too, but on, true and false (the grammar's own values): `= all` is a syntax error
    (plpgsql.extra_warnings), `= default` resets the setting, dropping it from proconfig."""
    if name.lower() in LIST_SETTINGS:
        return ", ".join(literal(_unquoted(i)) for i in list_items(value))
    if re.fullmatch(r'-?\d+(\.\d+)?', value) or (  # (UTC bare would be utc)
            re.fullmatch(r'[a-z_][a-z0-9_$]*', value) and (value in ("on", "true", "false") or not is_postgres_keyword(value))):
        return value
    return literal(value)


def _unquoted(item: str) -> str:
    """A name as proconfig quotes it, without its quotes."""
    return item[1:-1].replace('""', '"') if len(item) >= 2 and item[0] == item[-1] == '"' else item


def create_function(f: Function, replace: bool = False) -> exp.Command:
    """CREATE [OR REPLACE] FUNCTION|PROCEDURE: sqlglot has no node for it; names, types and defaults are
    rendered from their trees, the body goes between dollar quotes (one holding a CR in a literal; a SQL-standard
    body as it is: Postgres parses it with the statement)."""
    args = ", ".join(argument_text(a, routine_type_sql, lambda d: parse_expression(d).sql(dialect=RENDER))
                     for a in f.arguments)
    parts = [f"{'OR REPLACE ' if replace else ''}{'PROCEDURE' if f.procedure else 'FUNCTION'}",
             f"{qualified(f.schema, f.name)}({args})"]
    if not f.procedure:
        parts += ["RETURNS", _result_sql(f.returns or "void")]
    parts += ["LANGUAGE", quote_ident(f.language)]
    if not f.procedure:
        parts += [f.volatility.upper() if f.volatility != "volatile" else "", "STRICT" if f.strict else "",
                  "LEAKPROOF" if f.leakproof else "",
                  f"PARALLEL {f.parallel.upper()}" if f.parallel != "unsafe" else "",
                  f"COST {f.cost:g}" if f.cost is not None else "", f"ROWS {f.rows:g}" if f.rows is not None else "",
                  f"SUPPORT {reference_sql(f.support)}" if f.support is not None else ""]
    parts.append("SECURITY DEFINER" if f.security_definer else "")
    for setting in f.config:
        name, _, value = setting.partition("=")
        parts += ["SET", ".".join(quote_ident(n) for n in name.split(".")), "=", setting_value(name, value)]
    if f.library is not None:  # C: the library and its link symbol, as pg_dump writes them
        parts += ["AS", literal(f.library) + ",", literal(f.body)]
    else:
        parts += [visible_sql(f.body.strip())] if f.standard_body else ["AS", _body_sql(f.body)]
    return command("CREATE", *parts)


def _body_sql(body: str) -> str:
    """The body between dollar quotes; one holding a CR (written on Windows: prosrc keeps it) as an E'...' literal, so
    the migration file carries no raw CR that git's end-of-line conversion could rewrite (sql_strings)."""
    return literal(body) if "\r" in body else dollar_quoted(body)


def drop_function(f: Function) -> exp.Command:
    return command("DROP", "PROCEDURE IF EXISTS" if f.procedure else "FUNCTION IF EXISTS", function_target(f))


def _schema_and_name(reference: str) -> tuple[str, str]:
    return split_reference(reference)  # (fn-x."touch.v")


def create_trigger(table: Table, g: Trigger, replace: bool = False) -> exp.Command:
    """CREATE [OR REPLACE] [CONSTRAINT] TRIGGER (sqlglot has no node for it): names quoted, the WHEN
    condition rendered from its tree, the arguments as string literals."""
    events = []
    for e in g.events:
        if e == "update" and g.update_columns:
            events.append("UPDATE OF " + ", ".join(quote_ident(c) for c in g.update_columns))
        else:
            events.append(e.upper())
    referencing = [f"{side} TABLE AS {quote_ident(name)}" for side, name in (("OLD", g.old_table), ("NEW", g.new_table))
                   if name]
    return command("CREATE", "OR REPLACE" if replace else "", "CONSTRAINT" if g.constraint else "", "TRIGGER",
                   quote_ident(g.name), g.timing.upper(), " OR ".join(events), "ON", qualified(table.schema, table.name),
                   f"FROM {qualified(*_schema_and_name(g.referenced_table))}" if g.referenced_table else "", *deferral(g), ("REFERENCING " + " ".join(referencing)) if referencing else "",
                   f"FOR EACH {'ROW' if g.for_each_row else 'STATEMENT'}",
                   f"WHEN ({parse_expression(g.when).sql(dialect=RENDER)})" if g.when else "",
                   "EXECUTE FUNCTION", f"{reference_sql(g.function)}({', '.join(literal(a) for a in g.arguments)})")


def rename_trigger(table: Table, old_name: str, g: Trigger) -> list[exp.Command]:
    """ALTER TRIGGER ... RENAME TO; a constraint trigger's pg_constraint row, which that leaves under the old name,
    follows by ALTER TABLE ... RENAME CONSTRAINT (both then named as a fresh build names them, the OIDs kept)."""
    on = qualified(table.schema, table.name)
    renamed = [command("ALTER", "TRIGGER", quote_ident(old_name), "ON", on, "RENAME TO", quote_ident(g.name))]
    if g.constraint:
        renamed.append(command("ALTER", "TABLE", on, "RENAME CONSTRAINT", quote_ident(old_name), "TO", quote_ident(g.name)))
    return renamed


# A trigger's or a rule's `enabled` -> ALTER TABLE's words.
ENABLE_WORDS = {"origin": "ENABLE", "disabled": "DISABLE", "replica": "ENABLE REPLICA", "always": "ENABLE ALWAYS"}


def trigger_state(table: Table, g: Trigger) -> exp.Command:
    word = ENABLE_WORDS[g.enabled]
    return command("ALTER", "TABLE", qualified(table.schema, table.name), word, "TRIGGER", quote_ident(g.name))


def state_again(table: Table, g: Trigger) -> list[exp.Expression]:
    """A trigger created (again) fires on origin: ENABLE REPLICA / ALWAYS or DISABLE where it must not."""
    return [trigger_state(table, g)] if g.enabled != "origin" else []


def trigger_comment(table: Table, g: Trigger, unset: bool = False) -> list[exp.Expression]:
    """COMMENT ON TRIGGER of `g` (`unset`: IS NULL where it has none), none where it has none."""
    if g.comment is None and not unset:
        return []
    return [comment_on_constraint(table, g.name, g.comment, kind="TRIGGER")]


def remade_trigger(table: Table, g: Trigger) -> list[exp.Expression]:
    """CREATE TRIGGER of `g`, then its state where not origin and its comment: a constraint trigger changed, which has
    no OR REPLACE, dropped and created again."""
    return [create_trigger(table, g), *state_again(table, g), *trigger_comment(table, g)]
