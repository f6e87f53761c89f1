"""Statements for foreign servers: CREATE SERVER name [TYPE 't'] [VERSION 'v'] FOREIGN DATA WRAPPER w
[OPTIONS (k 'v', ...)]; ALTER SERVER ... VERSION 'v' OPTIONS (SET k 'v', ADD k 'v', DROP k), OWNER TO;
COMMENT ON SERVER. Another wrapper or type is DROP and CREATE. compare.changes.KINDS creates servers right
after extensions (the wrapper's) and drops them after the tables, before extensions are dropped. A server dropped
for good takes its user mappings (not managed) with it, as Postgres asks before DROP SERVER."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Column, ForeignDataWrapper, ForeignServer, Table
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl
from schemac.plan.ddl import command, comment_value, do_block, literal
from schemac.plan.not_null_ddl import not_valid_statements
from schemac.plan.trees import fresh_type
from schemac.plan.publication_ddl import owned_statements


def fdw_options(pairs: tuple[tuple[str, str], ...]) -> str:
    """OPTIONS (k 'v', ...) of a new object, or nothing."""
    return f"OPTIONS ({', '.join(f'{quote_ident(k)} {literal(v)}' for k, v in pairs)})" if pairs else ""


def changed_fdw_options(old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]) -> str:
    """OPTIONS (SET k 'v', ADD k 'v', DROP k) from `old` to `new`, or nothing when they are the same."""
    was, now = dict(old), dict(new)
    parts = [f"DROP {quote_ident(k)}" for k in was if k not in now]
    parts += [f"{'SET' if k in was else 'ADD'} {quote_ident(k)} {literal(v)}" for k, v in new if was.get(k) != v]
    return f"OPTIONS ({', '.join(parts)})" if parts else ""


def create_foreign_server(s: ForeignServer) -> exp.Command:
    return command("CREATE", "SERVER", quote_ident(s.name), f"TYPE {literal(s.type)}" if s.type is not None else "",
                   f"VERSION {literal(s.version)}" if s.version is not None else "", "FOREIGN DATA WRAPPER",
                   quote_ident(s.wrapper), fdw_options(s.options))


def user_mappings_dropped(server: str) -> exp.Command:
    """A DO block dropping the user mappings on `server`, which cannot outlive it (DROP SERVER is refused while one
    is there: 'cannot drop server ... because other objects depend on it'). schemac reads none (their options hold
    passwords); the migration finds them where it runs, by role name alone (pg_user_mappings' usename, PUBLIC's
    where umuser is 0), never their options."""
    name = literal(server)
    return do_block("DECLARE m record; BEGIN FOR m IN SELECT u.umuser, u.usename FROM pg_catalog.pg_user_mappings u "
                    f"WHERE u.srvname = {name} LOOP EXECUTE pg_catalog.format('DROP USER MAPPING FOR %s SERVER %I', "
                    "CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(m.usename) END, "
                    f"{name}); END LOOP; END")


def _function(name: Optional[str]) -> str:
    """A handler's or validator's name as the statement writes it (schema.name, each part quoted where needed)."""
    return ".".join(quote_ident(p) for p in name.split(".")) if name else ""


def _wrapper_functions(w: ForeignDataWrapper, old: Optional[ForeignDataWrapper] = None) -> list[str]:
    """HANDLER h / NO HANDLER, VALIDATOR v / NO VALIDATOR: each where it differs from `old` (all, of a new one)."""
    out = []
    for clause, name in (("HANDLER", w.handler), ("VALIDATOR", w.validator)):
        if old is None or getattr(old, clause.lower()) != name:
            out.append(f"{clause} {_function(name)}" if name else f"NO {clause}" if old is not None else "")
    return out


def wrapper_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a foreign-data wrapper change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "add_foreign_data_wrapper":
        return [command("CREATE", "FOREIGN DATA WRAPPER", quote_ident(new.name), *_wrapper_functions(new),  # type: ignore
                        fdw_options(new.options))]  # type: ignore[union-attr]
    if k == "drop_foreign_data_wrapper":
        return [command("DROP", "FOREIGN DATA WRAPPER IF EXISTS", quote_ident(old.name))]  # type: ignore[union-attr]
    if k == "set_foreign_data_wrapper_options":
        return [command("ALTER", "FOREIGN DATA WRAPPER", quote_ident(new.name), *_wrapper_functions(new, old),  # type: ignore
                        changed_fdw_options(old.options, new.options))]  # type: ignore[union-attr]
    return owned_statements(change, "foreign_data_wrapper", "FOREIGN DATA WRAPPER")


def foreign_server_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a foreign server change (or a foreign-data wrapper's), else None."""
    k, old, new = change.kind, change.old, change.new
    if "foreign_data_wrapper" in k:
        return wrapper_statements(change)
    if k == "add_foreign_server":
        return [create_foreign_server(new)]  # type: ignore[arg-type]
    if k in ("drop_foreign_server", "alter_foreign_server"):
        drop = command("DROP", "SERVER IF EXISTS", quote_ident(old.name))  # type: ignore[union-attr]
        if k == "alter_foreign_server":  # made again: a user mapping on it blocks the DROP (README: drop it first)
            return [drop, create_foreign_server(new)]  # type: ignore[arg-type]
        return [user_mappings_dropped(old.name), drop]  # type: ignore[union-attr]
    if k == "set_foreign_server_options":
        version = "" if old.version == new.version else \
            f"VERSION {literal(new.version)}" if new.version is not None else "VERSION NULL"  # type: ignore[union-attr]
        return [command("ALTER", "SERVER", quote_ident(new.name), version,  # type: ignore[union-attr]
                        changed_fdw_options(old.options, new.options))]  # type: ignore[union-attr]
    return owned_statements(change, "foreign_server", "SERVER")


def _foreign(t: Table) -> str:
    return f"FOREIGN TABLE {qualified(t.schema, t.name)}"


def create_foreign_table(t: Table) -> list[exp.Expression]:
    """CREATE FOREIGN TABLE with its columns (type, COLLATE, NOT NULL, DEFAULT, GENERATED), server and options;
    then its columns' OPTIONS and its valid CHECKs (ALTER FOREIGN TABLE: Postgres takes them so too). A NOT VALID
    CHECK is left out: compare.created_tables leaves it out of what CREATE makes, so the differ adds it after. Its
    NOT VALID NOT NULLs and its NOT NULLs' comments follow, as a table's do (PostgreSQL 18)."""
    server = ("SERVER", quote_ident(t.foreign.server), fdw_options(t.foreign.options))  # type: ignore[union-attr]
    if t.partition_of is not None:  # PARTITION OF its parent, as a table's, then its server (the columns its parent's)
        made = ddl.create_partition(t).sql(dialect=RENDER)
        return [command(f"CREATE FOREIGN TABLE{made[len('CREATE TABLE'):]}", *server)] + \
            [column_options(t, c.name, (), c.fdw_options) for c in t.columns if c.fdw_options]
    columns = ", ".join(ddl.column_def(c, schema=t.schema).sql(dialect=RENDER) for c in t.columns)
    out: list[exp.Expression] = [command("CREATE", _foreign(t), f"({columns})", *server)]
    out += [column_options(t, c.name, (), c.fdw_options) for c in t.columns if c.fdw_options]
    return out + [ddl.add_constraint(t, c) for c in t.checks if not c.not_valid] + not_valid_statements(t, t.columns)


def column_options(t: Table, column: str, old: tuple, new: tuple) -> exp.Command:
    return command("ALTER", _foreign(t), "ALTER COLUMN", quote_ident(column), changed_fdw_options(old, new))


def foreign_table_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a change of a foreign table where they are not a table's (CREATE, DROP, COMMENT ON,
    OPTIONS, a column retyped: no USING), else None (ALTER TABLE takes the rest on a foreign table)."""
    t, k = change.table_def, change.kind
    if t is None or t.foreign is None or not isinstance(t, Table):
        return None
    if k == "add_table":
        return create_foreign_table(t)
    if k == "drop_table":
        return [command("DROP", _foreign(t))]
    if k == "set_table_comment":
        return [command("COMMENT", "ON", _foreign(t), "IS", comment_value(t.comment))]
    if k == "set_foreign_table_options":
        return [command("ALTER", _foreign(t), changed_fdw_options(change.old.foreign.options,  # type: ignore[union-attr]
                                                                   t.foreign.options))]
    if k == "set_column_fdw_options":
        was = change.old.fdw_options if change.old is not None else ()  # type: ignore[union-attr]
        return [column_options(t, change.name, was, change.new.fdw_options)]  # type: ignore
    if k == "alter_column_type":
        c: Column = change.new  # type: ignore[assignment]
        collation = f"COLLATE {ddl.collate(c.collation).sql(dialect=RENDER)}" if c.collation else ""
        return [command("ALTER", _foreign(t), "ALTER COLUMN", quote_ident(c.name), "TYPE",
                        fresh_type(c.type).sql(dialect=RENDER), collation)]
    return None
