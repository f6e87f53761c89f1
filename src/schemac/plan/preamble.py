"""What begins (and ends) every transactional migration file: the settings the statements between are written for."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.plan import ddl

# What an unqualified name means in a migration: an object of public, as the catalog reader reads them (it pins the
# same path) and schema.yaml writes them. The role that applies it may have another path (ALTER ROLE / DATABASE ...
# SET search_path, or the default "$user", public where a schema bears the role's name): its tables, views and
# indexes went there, and public's stayed missing.
# The file's last statement gives the rest of its transaction the role's own path back: sqlx (and `schemac apply`)
# record the file in _sqlx_migrations within the same transaction, by that unqualified name.
def pinned_search_path() -> exp.Expression:
    return ddl.command("SET", "LOCAL search_path = public")


def restored_search_path() -> exp.Expression:
    return ddl.command("SET", "LOCAL search_path TO DEFAULT")


def preamble(changes: list[Change], pinned: bool = True) -> list[exp.Expression]:
    """The search_path pinned (pinned_search_path; not with `pinned` false: `diff --sql`'s script for a person to
    run, in a session of their own); `SET LOCAL check_function_bodies = off` where functions are created: Postgres
    would check a SQL body, and PL/pgSQL's `%ROWTYPE`/`%TYPE` declarations, against tables the same migration
    creates later (pg_dump does the same). Each lasts until the file's transaction ends."""
    if not changes:
        return []
    out = [pinned_search_path()] if pinned else []
    if any(c.kind in ("add_function", "alter_function") for c in changes):
        out.append(ddl.command("SET", "LOCAL check_function_bodies = off"))
    return out
