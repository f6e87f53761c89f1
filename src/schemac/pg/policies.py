"""Policy conditions (USING, WITH CHECK): one SQL expression, which, unlike a default or a check, may
hold subqueries (`EXISTS (SELECT 1 FROM members m WHERE m.org_id = org_id)`), as row-level security
policies commonly do. Never a statement: no DML, DDL or command anywhere inside. One sqlglot cannot read
(a subquery over JSON_TABLE) is kept as written when it is plausibly one condition (pg.verbatim)."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlglot import exp

from schemac.pg.dialect import DIALECT
from schemac.pg import verbatim
from schemac.pg.expressions import ExpressionError, FirmError, parse_to_compare
from schemac.pg.sqlbody import call_key
from schemac.pg.syntax import Verbatim
from schemac.pg.idents import ident
from schemac.pg.names import quote_ident
from schemac.pg.query_renames import column_renamed, enclosing_selects

_NEVER = (exp.DDL, exp.DML, exp.Command, exp.Transaction, exp.Commit, exp.Rollback, exp.Set, exp.Use,
          exp.Describe, exp.Pragma, exp.Drop, exp.Create, exp.Alter, exp.Into)


@lru_cache(maxsize=4096)
def _policy_tree(text: str) -> exp.Expression:
    if not text.strip():
        raise ExpressionError("is empty")
    try:
        return _read(text)
    except FirmError:
        raise
    except ExpressionError:
        if verbatim.refusal(text, subqueries=True) is not None:
            raise
        return Verbatim(this=verbatim.without_comments(text))


def _read(text: str) -> exp.Expression:
    node = parse_to_compare(text)
    # A scalar subquery in parentheses is an expression (pg_dump prints `USING ((SELECT app.is_admin() AS
    # is_admin))`, the form Supabase advises); a bare query is not.
    scalar = isinstance(node, exp.Subquery) and isinstance(node.this, exp.Query)
    if not scalar and (isinstance(node, exp.Query) or not isinstance(node, exp.Condition)):
        raise ExpressionError("must be a condition (an expression), not a statement")
    if any(isinstance(n, _NEVER) for n in node.walk()):
        raise ExpressionError("must be a condition; it holds a statement")
    try:
        node.sql(dialect=DIALECT)
    except Exception as e:
        raise ExpressionError(f"cannot be written as PostgreSQL (sqlglot: {type(e).__name__})") from None
    return node


def _parsed(text: str) -> Optional[exp.Expression]:
    """The condition's tree (_policy_tree's, cached: not to be changed); None where it is not read (refused, or kept
    verbatim): the text then stays as written."""
    try:
        tree = _policy_tree(text)
    except ExpressionError:
        return None
    return None if isinstance(tree, Verbatim) else tree


def _rewritable(text: str) -> Optional[exp.Expression]:
    """A fresh tree of the condition to rewrite (_parsed's copy); None where it is not read."""
    tree = _parsed(text)
    return None if tree is None else tree.copy()


def check_policy_expression(text: str) -> None:
    """ExpressionError unless `text` is one condition schemac can write."""
    _policy_tree(text)


def is_verbatim_policy(text: str) -> bool:
    """Whether the condition is kept as written (sqlglot cannot read it)."""
    try:
        return isinstance(_policy_tree(text), Verbatim)
    except ExpressionError:
        return False


def parse_policy_expression(text: str) -> exp.Expression:
    """A fresh tree of the condition (for the DDL)."""
    return _policy_tree(text).copy()


def policy_refs(text: str) -> tuple[set[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """(column names, tables (schema, name), functions (schema, name)) a condition names; unqualified
    tables and functions in `public`. Column names may belong to a subquery's tables: used to order
    statements only, where naming too many costs nothing."""
    try:
        tree = _policy_tree(text)
    except ExpressionError:
        return set(), set(), set()
    if isinstance(tree, Verbatim):  # from its tokens: every name, what follows FROM/JOIN, every call
        return set(verbatim.names(tree.this)), set(verbatim.relations(tree.this)), set(verbatim.calls(tree.this))
    columns = {c.this.name if c.this.quoted else c.this.name.lower()
               for c in tree.find_all(exp.Column) if isinstance(c.this, exp.Identifier)}
    tables = {(t.db or "public", t.name) for t in tree.find_all(exp.Table) if t.name}
    return columns, tables, {call_key(call) for call in tree.find_all(exp.Anonymous)}


def qualified_policy_text(text: str, schema: str, table: str, columns_of) -> str:
    """The condition with its column references qualified as Postgres prints a policy's: at the top level
    (the policy's table alone) unqualified; inside a subquery, each qualified by the relation it resolves
    to, innermost first (a subquery's own tables, then the policy's table), as Postgres resolves it.
    `columns_of(schema, name)` gives a table's column names, or None when unknown (then an unqualified
    name the policy's table lacks belongs to the subquery's one table)."""
    tree = _rewritable(text)
    if tree is None:
        return text
    own = columns_of(schema, table) or set()
    for col in list(tree.find_all(exp.Column)):
        if not isinstance(col.this, exp.Identifier):
            continue
        name = col.this.name if col.this.quoted else col.this.name.lower()
        scopes = [s for s in enclosing_selects(col)]
        if not scopes:
            if col.table == table:
                col.set("table", None)
            continue
        if col.table:
            continue
        qualifier = _resolve(name, scopes, columns_of)
        if qualifier is None and name in own:
            qualifier = table
        if qualifier is not None:
            col.set("table", exp.to_identifier(qualifier))
    return tree.sql(dialect=DIALECT)


def policy_table_renamed(text: str, old: str, new: str) -> str:
    """The condition as Postgres prints it after ALTER TABLE old RENAME TO new: its columns qualified by the table's
    name (a subquery's references to the policy's table: `m.a = t.a`) qualified by the new one."""
    tree = _rewritable(text)
    if tree is None or not any(c.table == old for c in tree.find_all(exp.Column)):
        return text
    for col in tree.find_all(exp.Column):
        if col.table == old:
            col.set("table", ident(new))
    return tree.sql(dialect=DIALECT)


def policy_column_renamed(text: str, schema: str, table: str, old: str, new: str) -> str:
    """The condition as Postgres prints it after its table's RENAME COLUMN old TO new (pg.query_renames.column_renamed,
    the table its owner: a reference to its column follows, unqualified or qualified by the table's name at the top
    level, qualified by its name or an alias of a subquery's FROM reading it inside one; another table's column of that
    name does not). One sqlglot cannot read is renamed on its tokens (every name `old`: the text then may differ, and
    the policy is replaced); one whose references cannot be told apart stays as it was (altered)."""
    after = column_renamed(text, schema, table, old, new, schema == "public", (schema, table))
    if after is not None:
        return after
    return verbatim.renamed(text, old, quote_ident(new)) if is_verbatim_policy(text) else text


def _resolve(name: str, scopes: list[exp.Select], columns_of) -> "str | None":
    """The alias (or name) of the innermost FROM/JOIN relation holding column `name`."""
    for select in scopes:
        sources = [t for t in select.find_all(exp.Table) if enclosing_selects(t)[:1] == [select]]
        for t in sources:
            columns = columns_of(t.db or "public", t.name)
            if columns is not None and name in columns:
                return t.alias_or_name
        unknown = [t for t in sources if columns_of(t.db or "public", t.name) is None]
        if len(sources) == 1 and unknown:
            return sources[0].alias_or_name
    return None


@lru_cache(maxsize=4096)
def comparable_policy_text(text: str) -> str:
    """The condition with `public.` taken off the functions and tables it names: Postgres deparses a name
    qualified when its schema is not visible to the reading role (one without USAGE on public, as a CI
    role that may only connect), unqualified otherwise; both are the same condition."""
    tree = _rewritable(text)
    if tree is None:
        return text
    for dot in list(tree.find_all(exp.Dot)):
        if isinstance(dot.expression, exp.Anonymous) and dot.this.name == "public":
            dot.replace(dot.expression)
    for table in tree.find_all(exp.Table):
        if table.db == "public":
            table.set("db", None)
    for alias in list(tree.find_all(exp.Alias)):  # Postgres names a subquery's outputs: SELECT auth.uid() AS uid
        if isinstance(alias.parent, exp.Select) and alias.arg_key == "expressions":
            alias.replace(alias.this)
    return tree.sql(dialect=DIALECT)


def output_renames(text: str) -> frozenset[tuple[str, str]]:
    """(column, name) of each subquery output that reads a column under another name, `roles.title AS name`: what a
    RENAME COLUMN leaves (the output keeps the old name), which a condition written `roles.title` never prints.
    comparable_policy_text drops every output name (Postgres names a function's, `auth.uid() AS uid`); these it must
    not: a policy left so is another catalog than one made from schema.yaml."""
    tree = _parsed(text)
    if tree is None:
        return frozenset()
    return frozenset((a.this.name.lower(), a.alias.lower()) for a in tree.find_all(exp.Alias)
                     if isinstance(a.parent, exp.Select) and a.arg_key == "expressions" and isinstance(a.this, exp.Column)
                     and a.this.name.lower() != a.alias.lower())
