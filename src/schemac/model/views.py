"""Views and materialized views: a query Postgres keeps as its own deparse, and what it reads."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen
from typing import Literal, Optional

from .grants import Privilege
from .source import Qualified, Source, _hint, _security, _src
from .statistics_objects import Statistics
from .tables import Index, Rule, Trigger


@frozen
class ViewColumn:
    """A column of a view: its comment and default (schema.yaml), or its type as Postgres computed it
    (`output`). A default (ALTER VIEW ... ALTER COLUMN ... SET DEFAULT) is what an INSERT through the view
    (its rules, an INSTEAD OF trigger, or the view itself when updatable) gets for a column it leaves out."""

    name: str
    type: Optional[str] = None
    comment: Optional[str] = None
    default: Optional[str] = None
    statistics: Optional[int] = None  # a materialized view's: ALTER ... ALTER COLUMN ... SET STATISTICS
    storage: Optional[str] = None  # a materialized view's: ... SET STORAGE, where not its type's typstorage
    # Its collation where not its type's own (as a table column's): Postgres's answer for the query, or schema.yaml's
    # beside `type` for a stub, which must have it (CREATE OR REPLACE VIEW cannot change a column's collation).
    collation: Optional[str] = None
    compression: Optional[str] = None  # a materialized view's: ... SET COMPRESSION pglz/lz4 (attcompression), else None


@frozen(slots=True)  # state.json holds ~11 a view: msgspec decodes them ~1.8x faster with slots
class Dependency:
    """One object a view's query reads, as Postgres records it (pg_depend of the view's rewrite rule):
    a relation (`column` None) or one of its columns (with its type), a function (`type`: its input
    types, comma-separated; `column`: its result), a type, a constraint (GROUP BY on a primary key), an
    operator (`type`: its argument types, NONE for a prefix operator's left), a text search configuration
    (`'app.cfg'::regconfig`) or dictionary (`::regdictionary`), or a collation (`COLLATE app.c`)."""

    kind: Literal["relation", "column", "function", "type", "constraint", "operator", "text search config",
                   "text search dictionary", "collation"]
    schema: str
    name: str
    column: Optional[str] = None
    type: Optional[str] = None


@frozen
class View(Qualified):
    """CREATE [MATERIALIZED] VIEW. `query` is the SQL as schema.yaml writes it (or as Postgres deparses
    it, read from a database). `definition`, `output` and `depends` are Postgres's own answers for that
    query over the schema it stands in (pg_get_viewdef, the columns and their types, pg_depend): read
    from a database, or computed once by `generate` in a throwaway server and recorded in state.json;
    empty while unknown."""

    name: str
    query: str
    schema: str = "public"
    materialized: bool = False
    # WITH (security_barrier=...), (security_invoker=...): None where the view sets neither (Postgres's false); an
    # explicit false is kept as such (ALTER VIEW ... SET (security_barrier = false) stores it in reloptions).
    security_barrier: Optional[bool] = None
    security_invoker: Optional[bool] = None
    check_option: Optional[Literal["local", "cascaded"]] = None
    with_data: bool = True  # materialized: populated (CREATE ... WITH DATA / REFRESH); false: WITH NO DATA
    indexes: tuple[Index, ...] = ()  # of a materialized view
    comment: Optional[str] = None
    columns: tuple[ViewColumn, ...] = ()  # the columns with a comment or a default
    source: Optional[Source] = _src()
    definition: Optional[str] = None
    output: tuple[ViewColumn, ...] = ()
    depends: tuple[Dependency, ...] = ()
    deparsed_by: Optional[int] = None  # the PostgreSQL major that gave `definition` (15 qualifies more names)
    grants: tuple[Privilege, ...] = _security(())  # as a table's (relacl, attacl), the owner's own left out
    owner: Optional[str] = _security(None)  # None: not compared
    triggers: tuple[Trigger, ...] = ()  # of a view (INSTEAD OF, or statement-level)
    rules: tuple[Rule, ...] = ()  # of a view (DO INSTEAD: an updatable view written before INSTEAD OF triggers)
    parameters: tuple[str, ...] = ()  # of a materialized view: WITH (...) storage parameters, as a table's
    cluster_on: Optional[str] = None  # of a materialized view: the index a bare CLUSTER orders it by, as a table's
    toast_table: bool = field(default=True, compare=False, metadata={"recorded": False})  # as a table's
    renamed_from: Optional[str] = _hint()  # its old name, or schema.name (moved: ALTER VIEW ... SET SCHEMA)
    statistics: tuple[Statistics, ...] = ()  # of a materialized view: CREATE STATISTICS ... FROM it
    # security_barrier / security_invoker as reloptions keep them where not spelled true or false ("security_barrier=on"):
    # the same option, made again with its own spelling (schema.yaml's string), so the catalog holds the text it held.
    spelled: tuple[str, ...] = field(default=(), compare=False)
    # As a table's: what a schema schema.yaml does not cover holds that reads it (inspect -n: 'view api.v2 (a)'): not
    # compared; generate refuses to drop it (or make it again) while they stand.
    used_outside: tuple[str, ...] = field(default=(), compare=False)
    # The aliases ending in _<digits> its stored query holds as written (the catalog's; None: not read), which
    # pg.relation_renames tells from those Postgres's deparse made unique (`FROM m3 m3_1`) when a table it reads is renamed.
    written_aliases: Optional[tuple[str, ...]] = field(default=None, compare=False, metadata={"recorded": False})
    # The functions its rewrite rule calls (`schema.name(types)`, pg_depend's) where a build of its query after every
    # function would call another overload of the name (a view made before a newer overload: compare.view_binds),
    # which it is made calling, and the operators it applies so (`schema.op(left, right)`); compared. `aside`: the other
    # overloads of those names, renamed (an operator's moved) aside around its CREATE (the differ's: plan.views).
    binds: tuple[str, ...] = ()
    aside: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    # The functions (operators) (schema, name) of another schema than public it calls that Postgres prints qualified under a
    # search_path of their schema alone (the catalog's: views.sql's own_path_deparses): bound to another overload than
    # the one the name takes (public's tell by `query`, deparsed under public: compare.view_binds).
    older_calls: tuple[tuple[str, str], ...] = field(default=(), compare=False, metadata={"recorded": False})

    @property
    def stub_columns(self) -> tuple[ViewColumn, ...]:
        """The columns of a stub of the view (plan.stubs): Postgres's answer for its query where known, else those
        schema.yaml gives a type, when it types every column (a view whose query reads the view itself: the
        throwaway build of views knows its columns only so); empty where neither."""
        if self.output:
            return self.output
        return self.columns if self.columns and all(c.type for c in self.columns) else ()

    @property
    def what(self) -> str:
        return "materialized view" if self.materialized else "view"
