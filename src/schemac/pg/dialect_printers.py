"""How pg.dialect's generators print what sqlglot would print otherwise than Postgres reads it: generated and
identity columns, `IS NOT TRUE`, `CURRENT_TIME(3)`, `TRIM(LEADING ... FROM s)`, and the operators sqlglot reads as
functions (`^`, `|/`, `||/`). Part of normalize.fingerprint, as pg.dialect is."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from schemac.pg.syntax import is_boolean_test, not_after_sql


def _generated(self: Postgres.Generator, e: exp.ComputedColumnConstraint) -> str:
    return f"GENERATED ALWAYS AS ({self.sql(e, 'this')}) {'STORED' if e.args.get('persisted') else 'VIRTUAL'}"


def _identity(self: Postgres.Generator, e: exp.GeneratedAsIdentityColumnConstraint) -> str:
    """GENERATED ... AS IDENTITY (options): sqlglot drops MINVALUE/MAXVALUE given without START, INCREMENT or
    CYCLE, and writes `MAXVALUE 30000CYCLE` when CYCLE follows them without START or INCREMENT."""
    kind = "" if e.this is None else " ALWAYS" if e.this else " BY DEFAULT"
    options = [f"SEQUENCE NAME {e.args['sequence_name']}"] if e.args.get("sequence_name") else []
    options += [f"{word} {self.sql(e, key)}" for key, word in (("start", "START WITH"), ("increment", "INCREMENT BY"),
                                                                ("minvalue", "MINVALUE"), ("maxvalue", "MAXVALUE"))
               if e.args.get(key) is not None]
    if e.args.get("cycle") is not None:
        options.append("CYCLE" if e.args["cycle"] else "NO CYCLE")
    return f"GENERATED{kind} AS IDENTITY" + (f" ({' '.join(options)})" if options else "")


def _operand(self, e: exp.Expression, key: str) -> str:
    # sqlglot's tree, whatever Postgres's precedence of the operator around it: an operand that is itself an
    # operation is parenthesised (pg_get_expr parenthesises every operation anyway)
    node = e.args[key]
    text = self.sql(e, key)
    return f"({text})" if isinstance(node, (exp.Binary, exp.Unary)) and not isinstance(node, exp.Paren) else text


def _prefix(op: str):
    return lambda self, e: f"({op} {_operand(self, e, 'this')})"


def _is_not(self, e: exp.Not) -> str:
    written = not_after_sql(self, e)  # `x NOT BETWEEN ...`, `x NOT IN (...)` as written (pg.syntax.not_after)
    if written is not None:
        return written
    # `b IS NOT TRUE` (read as NOT b IS TRUE) is another expression to Postgres than NOT (b IS TRUE)
    if is_boolean_test(e.this):
        return f"{self.sql(e.this, 'this')} IS NOT {self.sql(e.this, 'expression')}"
    return self.not_sql(e)


def _sql_value(word: str):
    # CURRENT_TIME and CURRENT_TIMESTAMP with their precision: sqlglot wrote current_time() (refused) and dropped
    # CURRENT_TIMESTAMP(3)'s precision
    return lambda self, e: f"{word}({self.sql(e, 'this')})" if e.this is not None else word


def _trim(self, e: exp.Trim) -> str:
    # TRIM(LEADING ... FROM s) as written: sqlglot wrote ltrim(s) and rtrim(s), which Postgres stores apart
    position = e.args.get("position")
    if not position:
        return self.trim_sql(e)
    chars = f" {self.sql(e, 'expression')}" if e.args.get("expression") else ""
    return f"TRIM({position}{chars} FROM {self.sql(e, 'this')})"


# The operators sqlglot reads as functions, printed back as the operators they were (see KEPT_FUNCTIONS).
_SPELLED = {exp.Not: _is_not, exp.CurrentTime: _sql_value("CURRENT_TIME"),
            exp.CurrentTimestamp: _sql_value("CURRENT_TIMESTAMP"), exp.Trim: _trim,
            exp.Pow: lambda self, e: f"{_operand(self, e, 'this')} ^ {_operand(self, e, 'expression')}",
            exp.Sqrt: _prefix("|/"), exp.Cbrt: _prefix("||/")}
