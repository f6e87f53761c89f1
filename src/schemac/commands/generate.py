"""`schemac generate`: schema.yaml + recorded state -> new migration file(s)."""

from __future__ import annotations

import os
import re
from schemac.model.frozen import frozen, replace
from typing import Iterable, Iterator, Optional

from schemac import __version__
from schemac.pg.collector import GCPause, OutOfSight
from schemac.compare.changes import INHERITED, Change
from schemac.compare.differ import diff
from schemac.compare.event_triggers import query_readers
from schemac.compare.notices import ignored_renames, repeated_key_notices, unused_usings
from schemac.plan.dropped_sequences import dropped_sequence_defaults
from schemac.plan.shared_defaults import one_value_keys
from schemac.plan.null_checks import null_domain_attributes, null_domain_columns
from schemac.compare.using_reads import unknown_using_columns
from schemac.compare.inherited_retypes import retype_wrap_notices
from schemac.compare.readded_orders import readded_order_notices
from schemac.compare.joined_parents import declared_notices, joined_parent_notices
from schemac.compare.normalize import schema_searched
from schemac.compare.not_null_renames import left_names
from schemac.compare.outside_children import outside_child_notices
from schemac.compare.external_type_users import external_type_notices
from schemac.plan.outside_methods import outside_method_notices
from schemac.plan.stale_search import retemplated_dictionary_notices
from schemac.plan.constructor_owner import constructor_grant_notices, constructor_move_notices
from schemac.plan.foreign_reads import foreign_read_notices
from schemac.compare.server_wrappers import wrapper_notices
from schemac.plan.partitioning_refusals import unlogged_partitioned
from schemac.compare.stale_values import stale_value_notices
from schemac.compare.text_body_renames import text_body_rename_notices
from schemac.errors import SchemacError, printable
from schemac.migrations.layout import Layout, MigrationFile, NewMigration, locked, next_version, validate_name
from schemac.commands.body_prints import attach_printed, reprinted, unprinted
from schemac.commands.views import attach_recorded, computed, dev_url_of, major_of, reparsed, stale_queries
from schemac.migrations.state import State, file_sha384, read_state
from schemac.migrations.childwork import ChildWork, write_migrations
from schemac.model import Schema
from schemac.compare.loose_collations import nondeterministic
from schemac.plan.sequence_positions import clamped_positions, renamed_from_hints
from schemac.plan.hazards import (destructive_reason, detach_failures, enums_holding_values, narrower_identities,
                                  row_failures)
from schemac.commands.refusals import postgres_refusal
from schemac.plan.online import plan_online, relation_names, widened_indexes
from schemac.plan.planner import planned
from schemac.plan.transactions import transactions_apart
from schemac.plan.preamble import restored_search_path
from schemac.plan.publication_rights import lent_publications, refused_fills
from schemac.plan.rights import combined, extension_tables, needed_rights, rights_note
from schemac.plan.one_query import one_query_notices
from schemac.plan.session_pin import pinned_where_read, retypes_in_session
from schemac.commands.statement_runs import Item, items, printed, rendered, shared, split
from schemac.queries.indexes import change_notices
from schemac.plan.maintenance_path import restricted_path_notices
from schemac.schemafile.load import load_with_digest, read_schema_text
from schemac.pg.noop_casts import without_noop_casts
from schemac.pg.typed_strings import strings_typed_everywhere
from schemac.compare.ignored import without_ignored


@frozen
class Unit:
    """One migration file to write: its description and the statements of its body (without header)."""

    name: str
    statements: tuple[str, ...]  # each rendered alone, ending with ";\n"
    no_transaction: bool = False
    # The statements as plan.rights reads them where one is an extension member's guarded by its object's existence
    # (plan.member_grant_ddl.present: the statement its DO block runs in its place); () where none is
    runs: tuple[str, ...] = ()

    @property
    def sql(self) -> str:
        """The body: render_sql(statements) (one paragraph each), the very text `--verify` applied."""
        return "\n".join(self.statements)


@frozen
class Result:
    status: str  # "unchanged" | "written" | "dry-run" | "pending" | "refused" | "unverified"
    message: str
    sql: str = ""
    paths: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def path(self) -> Optional[str]:
        return self.paths[0] if self.paths else None


def default_name(changes: list[Change]) -> str:
    created = {c.table for c in changes if c.kind == "add_table"}
    if len(created) == 1 and all(c.table in created or c.kind == "add_schema" for c in changes):
        table = next(iter(created))
        if table.isascii() and table.replace("_", "").isalnum():
            return validate_name(f"create_{table}".lower()[:100])
    return "update_schema"


def header(name: str, message: Optional[str], digest: str, schema_label: str, no_transaction: bool = False,
           part: tuple[int, int] = (1, 1), note: str = "") -> str:
    # sqlx reads `-- no-transaction` only as the very first line; nothing else may ever start a file that way.
    lines = ["-- no-transaction"] if no_transaction else []
    lines.append(f"-- schemac migration: {name}")
    if message:
        lines += [f"-- {line}".rstrip() for line in message.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if part[1] > 1:  # one change written as several files: each says which, so a cut-short run is known
        lines.append(f"-- File {part[0]} of {part[1]} of this change.")
    lines += [
        f"-- Source: {schema_label} (sha256 {digest})",
        f"-- Generated by schemac {__version__}. Do not edit: sqlx checksums applied migrations;",
        "-- change schema.yaml and run `schemac generate` instead.",
    ]
    if note:  # the rights the file's statements need (plan.rights), last: the lines above are read back
        lines.append(f"-- {printable(note)}")  # (it names roles: one holding a line break stays in the comment)
    return "\n".join(lines) + "\n\n"


def _transactional(name: str, items: Iterable[Item], changes: list[Change]) -> list[Unit]:
    """One file, or (only for a change that drops nothing) several. Each file is its own transaction: a
    change that drops something (a view dropped to be created again, a function, an index) stays whole, so
    that a failure leaves the database as it was instead of without what the first files dropped; and so does one
    moving rows out of a default partition into a temporary table and back (compare.default_rows): a file ending
    between would leave them in a table the session's end drops."""
    whole = any(c.kind.startswith("drop_") or c.kind == "put_back_rows" for c in changes)
    guarded: dict[str, str] = {}  # a guarded statement's text -> what it runs (Item's last)

    def noted() -> Iterator[Item]:
        for item in items:
            if item[3]:
                guarded[item[0]] = item[3]
            yield item

    runs = split(noted()) if not whole else [[text for text, *_ in noted()]]
    restore = printed(restored_search_path())  # each file pinned the search_path first (plan.preamble)
    # (the zone and styles its constants are read in, where it holds one, or retypes a column they convert:
    # plan.session_pin)
    retyped = retypes_in_session(changes)
    units = [Unit(name if n == 1 else f"{name}_part_{n}", (*pinned_where_read(run, retyped), restore))
             for n, run in enumerate(runs, 1)]
    return [replace(u, runs=tuple(guarded.get(text, text) for text in u.statements))
            if guarded and any(text in guarded for text in u.statements) else u for u in units]


def _units(changes: list[Change], current: Schema, name: str, concurrently: bool,
           work: Optional[ChildWork] = None, tables: tuple = ()) -> list[Unit]:
    parts = transactions_apart(changes)
    if len(parts) > 1:  # (files of their own: the values added to enums first, an extension's members' settings last)
        return [unit for suffix, part in parts
                for unit in (_transactional(f"{name}{suffix}", items(planned(part)), part) if suffix
                             else _units(part, current, name, concurrently, work, tables))]
    if not concurrently:
        return _transactional(name, shared(changes, work), changes)
    online = plan_online(changes, {t.key for t in current.tables}, relation_names(current), tables, current.tables)
    units = _transactional(name, items(online.main), changes) if online.main else []
    for n, (_, stmt) in enumerate(online.concurrent, 1):
        units.append(Unit(f"{name}_index_{n}", rendered([stmt]), no_transaction=True))
    if online.validate:
        units.append(Unit(f"{name}_validate", tuple(pinned_where_read(list(rendered(online.validate))))))
        # (the session settings its statements read: a partitioned table's index moved there, plan.online_attach)
    return units


def generate(schema_path: str, out_dir: str, name: Optional[str] = None, message: Optional[str] = None,
             dry_run: bool = False, check: bool = False, allow_destructive: bool = False,
             concurrently: bool = False, verify: bool = False, dev_url: Optional[str] = None) -> Result:
    """`verify`: before writing (or showing, with `dry_run`) a migration, replay the existing ones and it
    into a throwaway PostgreSQL (embedded, or a scratch database on `dev_url`) and diff the result with
    schema.yaml; on an error or a difference, write nothing and return status "unverified". Not with
    `check`, which writes nothing and plans nothing."""
    text = read_schema_text(schema_path)
    desired, digest = load_with_digest(text, schema_path)
    if name is not None:
        validate_name(name)
    layout = Layout(out_dir)
    with OutOfSight() as sight, schema_searched(desired):  # (the plan's search_path: plan.preamble)
        if dry_run or check:
            return _compose(layout, desired, digest, name, message, schema_path, "check" if check else "dry-run",
                            allow_destructive, concurrently, verify, dev_url, sight)
        with locked(layout), ChildWork(layout.state_path) as part:
            return _compose(layout, desired, digest, name, message, schema_path, "write", allow_destructive,
                            concurrently, verify, dev_url, sight, part)


def _compose(layout: Layout, desired: Schema, digest: str, name: Optional[str], message: Optional[str],
             schema_path: str, mode: str, allow_destructive: bool, concurrently: bool, verify: bool = False,
             dev_url: Optional[str] = None, sight: Optional[OutOfSight] = None,
             part: Optional[ChildWork] = None) -> Result:
    state = read_state(layout.state_path)
    if mode == "write":
        recovered = _recover_interrupted(layout, state, desired, digest)
        if recovered is not None:
            return recovered
    if state is not None:
        _check_last(layout, state)
    # (a record made before the loader dropped casts of a column to its own type may hold them, or before it typed
    # the strings compared with a column, `b <> 'no'` on a boolean b)
    current = strings_typed_everywhere(without_noop_casts(state.schema)) if state else Schema()
    current = without_ignored(current, desired)[0]  # (an object `ignore:` now names: no longer managed, never dropped)
    if sight is not None:
        sight.models_built()
    view_notices: list[str] = []
    # Postgres's deparse of each view's query and print of each SQL-standard body: recorded (by the same major), else
    # computed (not for --check)
    if mode == "check" and desired.views:
        stale_queries(desired, state.schema if state else None)  # (a query left reading what is renamed or gone)
        desired = attach_recorded(desired, current)
    elif mode != "check" and (desired.views or unprinted(desired)):
        major = major_of(dev_url_of(dev_url), current)
        desired = attach_printed(attach_recorded(desired, current, major), current, major)
        desired, view_notices = computed(desired, dev_url, current)
    desired, left_notices = left_names(current, desired)  # (a NOT NULL's name Postgres cannot give it: recorded)
    changes = diff(current, desired)
    unknown_using_columns(current, desired, changes)  # (a column this edit drops is read by a `using:`)
    dropped_sequence_defaults(desired, changes)  # (a sequence this edit drops is called by a kept default)
    notices = tuple(ignored_renames(current, desired) + repeated_key_notices(desired) + unused_usings(desired, changes)
                    + change_notices(changes, desired) + row_failures(changes, (nondeterministic(current), nondeterministic(desired)), (current, desired))
                    + one_value_keys(changes, desired) + null_domain_columns(changes, desired, current) + null_domain_attributes(changes)
                    + detach_failures(changes, current, desired) + narrower_identities(changes, current)
                    + clamped_positions(changes) + unlogged_partitioned(changes)
                    + left_notices
                    + view_notices
                    + joined_parent_notices(current, desired) + declared_notices(current, desired, changes) + retype_wrap_notices(changes, desired)
                    + readded_order_notices(changes, current, desired)
                    + external_type_notices(changes, desired) + outside_method_notices(changes, desired)
                    + foreign_read_notices(changes, desired) + wrapper_notices(changes, desired)
                    + restricted_path_notices(changes, desired) + outside_child_notices(changes, current, desired)
                    + stale_value_notices(changes, desired) + retemplated_dictionary_notices(changes, desired)
                    + constructor_grant_notices(changes) + constructor_move_notices(changes) + text_body_rename_notices(changes, current, desired)
                    + (widened_indexes(changes, {t.key for t in current.tables}, relation_names(current),
                                       desired.tables) if concurrently else []))
    if not changes:
        last = f" (last migration: {state.migration})" if state else ""
        if state is None or (state.schema_sha256 == digest and not reparsed(current, desired)
                              and not reprinted(current, desired)):
            why = "schema.yaml has not changed" if state else "schema.yaml describes the recorded schema"
            return Result("unchanged", f"No changes: {why}{last}; nothing written.", notices=notices)
        if mode == "write" and _rerecord(layout, state, desired, digest):
            return Result("unchanged", f"No changes: schema.yaml describes the recorded schema{last}; no migration "
                                       f"written (recorded the edited schema.yaml in {layout.state_path}).",
                          notices=notices)
        return Result("unchanged", f"No changes: schema.yaml describes the recorded schema{last}; nothing written.",
                      notices=notices)
    if mode == "check":
        lines = [f"schema.yaml has {len(changes)} change(s) not yet in a migration (run `schemac generate`):"]
        lines += [f"  {c.kind.replace('_', ' ')} {c.path}" + (f"  [{c.source}]" if c.source else "") for c in changes]
        return Result("pending", "\n".join(lines), changes=tuple(changes), notices=notices)
    refused_by_postgres = postgres_refusal(changes, current, desired)  # (no migration that Postgres refuses)
    if refused_by_postgres:
        raise SchemacError(refused_by_postgres)
    held = enums_holding_values(changes)
    refused = [(c, r) for c in changes if c.cause != INHERITED and (r := destructive_reason(c, held))]
    if refused and not allow_destructive:
        lines = ["Refusing to write a migration that can destroy data (nothing written):"]
        for c, reason in refused:
            where = c.source or (c.table_def.source if c.table_def else None)
            lines.append(f"  {where or layout.state_path}: {printable(reason)}")
        lines += renamed_from_hints(changes)  # (a sequence dropped as one of its definition is made)
        lines.append("Rerun with --allow-destructive to write it anyway, or use renamed_from: for a rename.")
        return Result("refused", "\n".join(lines), changes=tuple(changes), notices=notices)
    name = name or default_name(changes)
    if part is not None:  # a child may write state.json's bulk meanwhile (migrations/childwork.py)
        part.prepare(desired)
    with GCPause(keep=False):  # each statement's tree is released once printed (_printed): no garbage cycles pile up
        units = _units(changes, current, name, concurrently, part, desired.tables)
    versions = [m.version for m in layout.migrations()]
    files = []
    outside = extension_tables(desired.tables)  # (an untrusted extension's tables they inherit or reference)
    unserved = refused_fills(changes, desired, current)  # (a backfill another role's publication refuses)
    lent = lent_publications(current)  # (another owner's than their tables': ALTER PUBLICATION is its owner's)
    needed = [needed_rights(unit.runs or unit.statements, outside, unserved, lent) for unit in units]  # (each file's statements read once: plan.rights)
    for n, (unit, rights) in enumerate(zip(units, needed), 1):
        v = next_version(versions)
        versions.append(v)
        body = header(unit.name, message, digest, os.path.basename(schema_path), unit.no_transaction,
                      (n, len(units)), rights_note(rights)) + unit.sql
        files.append((v, f"{v}_{unit.name}.sql", body))
    needs = rights_note(combined(needed))  # (said before anyone runs it)
    notices += (needs,) if needs else ()
    if current.event_triggers:  # (one parsing current_query(), which is the whole file: plan.one_query)
        notices += tuple(one_query_notices([(f, u.statements) for (_, f, _), u in zip(files, units)],
                                           query_readers(current, desired, changes)))
    verified = ""
    if verify:  # (mode "check" has returned above)
        new = [NewMigration(MigrationFile(v, unit.name, os.path.join(layout.migrations_dir, filename)),
                            body.encode("utf-8"), unit.statements)
               for (v, filename, body), unit in zip(files, units)]
        failure, verified, warned = _verify(layout, new, desired, schema_path, dev_url)
        notices += warned
        if failure:
            return Result("unverified", failure, changes=tuple(changes), notices=notices)
    if mode == "dry-run":
        shown = "\n".join(f"-- ===== {os.path.join(layout.migrations_dir, f)} =====\n{body}" for _, f, body in files)
        return Result("dry-run", f"-- would write {len(files)} file(s) to {layout.migrations_dir}"
                                 + (f"\n-- {verified}" if verified else ""), shown,
                      changes=tuple(changes), notices=notices)
    paths = write_migrations(layout, files, digest, desired, part)
    summary = ", ".join(f"{n} {k}" for k, n in _count(changes))
    written = ", ".join(paths)
    return Result("written", f"Wrote {written} ({summary})." + (f"\n{verified}" if verified else ""),
                  "".join(b for _, _, b in files), tuple(paths),
                  tuple(changes), notices)


def _verify(layout: Layout, new: list[NewMigration], desired: Schema, schema_path: str,
            dev_url: Optional[str]) -> tuple[str, str, tuple[str, ...]]:
    """(why the new migration(s) must not be written, or "", what was proven, or "", and what the server warned
    as they ran): the migrations on disk and `new`, replayed in order into a throwaway PostgreSQL, must apply and
    build exactly `desired`."""
    from schemac.commands.diff import check_drift_offline
    from schemac.migrations.replay import ReplayFailed

    try:
        drift = check_drift_offline(schema_path, layout.root, dev_url, desired=desired, new=new)
    except ReplayFailed as e:
        ours = e.path in {n.file.path for n in new}
        lines = [f"schemac: --verify: {e.path} does not apply; nothing written" if ours else
                 f"schemac: --verify: the existing migration {e.path} does not apply; nothing written"]
        if e.statement is not None:  # a statement of several lines starts on a line of its own
            statement = e.statement.rstrip("\n").split("\n")
            lines += ([f"{e.path}: statement: {statement[0]}"] if len(statement) == 1 else
                      [f"{e.path}: statement:", *(f"  {line}" for line in statement)])
        lines.append(f"server: {e.server}")
        lines += [f"{label}: {text}" for label, text in (("detail", e.detail), ("hint", e.hint)) if text]
        return "\n".join(printable(line) for line in lines) + "\n", "", ()
    if drift.differences:
        return (f"schemac: --verify: the new migration applies, but the database the migrations build differs "
                f"from {schema_path}; nothing written\n{drift.render('text')}"), "", drift.notices
    return "", f"Verified: the {drift.target_label} matches {schema_path}.", drift.notices


def _check_last(layout: Layout, state: State) -> None:
    """The migration the state was recorded after must be there as it was written: planning on top of a
    record whose last migration is gone or was edited would build on a schema no database has."""
    last = next((m for m in layout.migrations() if m.filename == state.migration), None)
    rebuild = "run `schemac rebuild-state` to record what the migrations on disk build, then generate again"
    if last is None:
        raise SchemacError(f"{layout.state_path} records the schema as of migration {state.migration}, which is not "
                           f"in {layout.migrations_dir}: restore it from version control; or, if it was removed on "
                           f"purpose (it was never applied anywhere), {rebuild}")
    if state.migration_sha384 and file_sha384(last.path) != state.migration_sha384:
        raise SchemacError(f"{last.path} was edited after `schemac generate` wrote it (its SHA-384 differs from the "
                           f"one {layout.state_path} records): restore it from version control; or, if it was never "
                           f"applied anywhere and the edit is meant, {rebuild}")


def _rerecord(layout: Layout, state: State, desired: Schema, digest: str) -> bool:
    """schema.yaml was edited without changing the schema (a comment, a reordering, another spelling of
    the same check): record it, under the same last migration, so that `schemac diff` can keep using
    the record instead of parsing schema.yaml, and reports this file's line numbers. Only a cache: if
    it cannot be written, nothing is lost (diff parses schema.yaml)."""
    try:
        State(digest, state.migration, desired, state.migration_sha384).write(layout.state_path)
    except OSError:
        return False
    return True


def _recover_interrupted(layout: Layout, state: Optional[State], desired: Schema, digest: str) -> Optional[Result]:
    """A run killed between writing its migration and recording the state leaves a newest migration
    the state does not know. If that file was generated from this very schema.yaml (its header holds
    the hash), record the state now instead of writing the same changes a second time."""
    files = layout.migrations()
    if not files or (state is not None and files[-1].filename == state.migration):
        return None
    try:
        with open(files[-1].path, encoding="utf-8") as f:
            head = f.read(4096)
    except OSError:
        return None
    if f"(sha256 {digest})" not in head or (state is not None and state.schema_sha256 == digest):
        return None
    part = _PART.search(head)
    if part is not None and part.group(1) != part.group(2):
        unrecorded = [m.filename for m in files if state is None or m.version > _version_of(state.migration)]
        raise SchemacError(f"{layout.migrations_dir}: an earlier `schemac generate` stopped after writing file "
                           f"{part.group(1)} of {part.group(2)} of one change ({', '.join(unrecorded)}); if they "
                           "were not applied anywhere, delete them and run it again")
    State(digest, files[-1].filename, desired, file_sha384(files[-1].path)).write(layout.state_path)
    return Result("unchanged", f"No changes: {files[-1].filename} already holds this schema.yaml (an earlier run "
                               "stopped before recording it); recorded the state, nothing new written.")


_PART = re.compile(r"^-- File (\d+) of (\d+) of this change\.$", re.M)


def _version_of(filename: str) -> int:
    return int(filename.split("_", 1)[0])


def _count(changes: list[Change]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for c in changes:
        key = c.kind.replace("_", " ")
        counts[key] = counts.get(key, 0) + 1
    return list(counts.items())
