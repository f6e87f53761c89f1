"""Statements for foreign servers: CREATE SERVER name [TYPE 't'] [VERSION 'v'] FOREIGN DATA WRAPPER w
[OPTIONS (k 'v', ...)]; ALTER SERVER ... VERSION 'v' OPTIONS (SET k 'v', ADD k 'v', DROP k), OWNER TO;
COMMENT ON SERVER. Another wrapper or type is DROP and CREATE, the user mappings on it carried over with their
options inside the migration (server_made_again). compare.changes.KINDS creates servers right after extensions (the
wrapper's) and drops them after the tables, before extensions are dropped. A server dropped for good takes its user
mappings (not managed) with it, as Postgres asks before DROP SERVER."""

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
    """OPTIONS (DROP k, SET k 'v', ADD k 'v') from `old` to `new`, or nothing when they are the same.

    Postgres keeps the options as a list: SET changes one in place, ADD appends it. The kept options that already
    lead in `new`'s order are SET in place; any other kept one is dropped where it stands and added again with
    the new ones, in `new`'s order, so the list ends as CREATE ... OPTIONS gives it (and inspect writes it)."""
    was, now = dict(old), dict(new)
    order = [k for k, _ in new]
    kept = [k for k in was if k in now]
    lead = 0
    while lead < len(kept) and kept[lead] == order[lead]:
        lead += 1
    moved = set(kept[lead:])
    parts = [f"DROP {quote_ident(k)}" for k in was if k not in now or k in moved]
    parts += [f"SET {quote_ident(k)} {literal(now[k])}" for k in order[:lead] if was[k] != now[k]]
    parts += [f"ADD {quote_ident(k)} {literal(now[k])}" for k in order[lead:]]
    return f"OPTIONS ({', '.join(parts)})" if parts else ""


def create_foreign_server(s: ForeignServer) -> exp.Command:
    return command("CREATE", "SERVER", quote_ident(s.name), f"TYPE {literal(s.type)}" if s.type is not None else "",
                   f"VERSION {literal(s.version)}" if s.version is not None else "", "FOREIGN DATA WRAPPER",
                   quote_ident(s.wrapper), fdw_options(s.options))


def _mappings_dropped(name: str) -> str:
    """PL/pgSQL dropping the user mappings on the server `name` (a literal) where it runs, by role name alone
    (pg_user_mappings' usename, PUBLIC's where umuser is 0); `m` is a record variable of the block."""
    return (f"FOR m IN SELECT u.umuser, u.usename FROM pg_catalog.pg_user_mappings u WHERE u.srvname = {name} LOOP "
            "EXECUTE pg_catalog.format('DROP USER MAPPING FOR %s SERVER %I', CASE WHEN m.umuser = 0 THEN 'PUBLIC' "
            f"ELSE pg_catalog.quote_ident(m.usename) END, {name}); END LOOP;")


def user_mappings_dropped(server: str) -> exp.Command:
    """A DO block dropping the user mappings on `server`, which cannot outlive it (DROP SERVER is refused while one
    is there: 'cannot drop server ... because other objects depend on it'). schemac reads none (their options hold
    passwords); the migration finds them where it runs, by role name alone, never their options."""
    return do_block(f"DECLARE m record; BEGIN {_mappings_dropped(literal(server))} END")


# Whether the applying role reads a mapping's options in pg_user_mappings (`u`, its server `s`): the view's own test
# (the same on 15 to 18): a superuser reads all, the server's owner PUBLIC's, a role its own (with USAGE on the server);
# another's options show as NULL, as a mapping without options does.
_READABLE = ("((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) "
             "OR (u.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE')) "
             "OR (u.umuser <> 0 AND u.usename = CURRENT_USER AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE') "
             "OR pg_catalog.has_server_privilege(s.oid, 'USAGE'))))")


def server_made_again(old: ForeignServer, new: ForeignServer) -> exp.Command:
    """`old` dropped and `new` created under its name (another wrapper or type) with the user mappings on it carried
    over, in one DO block: DROP SERVER is refused while one is there, and a mapping is no object of schemac's (its
    options hold passwords, never read by schemac). The block reads them where it runs, as the applying role sees
    them in pg_user_mappings, into CREATE USER MAPPING statements held in a variable (no table, file or message
    holds them), drops them and the server, creates the server and runs them. A mapping whose options that role
    cannot read (another role's, unless a superuser applies it) raises before anything is dropped: its options
    would be lost."""
    name = literal(old.name)
    carried = ("pg_catalog.format('CREATE USER MAPPING FOR %s SERVER %I%s', CASE WHEN u.umuser = 0 THEN 'PUBLIC' "
               "ELSE pg_catalog.quote_ident(u.usename) END, u.srvname, (SELECT ' OPTIONS (' || pg_catalog.string_agg("
               "pg_catalog.format('%I %L', o.k, o.v), ', ' ORDER BY o.n) || ')' FROM pg_catalog.pg_options_to_table("
               "u.umoptions) WITH ORDINALITY o(k, v, n)))")
    hidden = ("RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = pg_catalog.format('server %I is "
              "made again (another wrapper or type), and the options of its user mapping for %s are not readable by "
              "role %I (another role''s are a superuser''s to read): they would be lost', "
              f"{name}, m.usename, CURRENT_USER), HINT = 'Apply this migration as a superuser, or drop that user "
              "mapping first and create it again after.'")
    drop = command("DROP", "SERVER IF EXISTS", quote_ident(old.name)).sql(dialect=RENDER)
    create = create_foreign_server(new).sql(dialect=RENDER)
    # (a mapping the new wrapper's validator refuses: Postgres's error, without the statement, which holds the
    # options, in its context)
    refused = ("EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT; RAISE EXCEPTION USING "
               "ERRCODE = SQLSTATE, MESSAGE = pg_catalog.format('server %I is made again (another wrapper or type), "
               f"and its user mapping for %s cannot be made again on it: %s', {name}, who[i], SQLERRM), "
               "HINT = hint")
    return do_block(
        "DECLARE m record; who text[]; made text[]; hint text; BEGIN "
        f"SELECT u.usename INTO m FROM pg_catalog.pg_user_mappings u JOIN pg_catalog.pg_foreign_server s "
        f"ON s.oid = u.srvid WHERE u.srvname = {name} AND NOT {_READABLE} ORDER BY u.usename LIMIT 1; "
        f"IF FOUND THEN {hidden}; END IF; "
        f"SELECT pg_catalog.array_agg(u.usename ORDER BY u.umuser), pg_catalog.array_agg({carried} ORDER BY u.umuser) "
        f"INTO who, made FROM pg_catalog.pg_user_mappings u WHERE u.srvname = {name}; "
        f"{_mappings_dropped(name)} EXECUTE {literal(drop)}; EXECUTE {literal(create)}; "
        f"FOR i IN 1 .. coalesce(pg_catalog.cardinality(made), 0) LOOP BEGIN EXECUTE made[i]; {refused}; END; "
        "END LOOP; END")


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
        if k == "alter_foreign_server":  # made again, the user mappings on it carried over
            return [server_made_again(old, new)]  # type: ignore[arg-type]
        return [user_mappings_dropped(old.name), command("DROP", "SERVER IF EXISTS", quote_ident(old.name))]  # type: ignore
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
