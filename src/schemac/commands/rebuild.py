"""Ways back: `schemac rebuild-state` and `schemac rebase`.

`rebuild-state` records, as generated/state.json, the schema the migrations on disk build: they are
replayed into a throwaway PostgreSQL (migrations.replay) and the result is read back (inspect). After a
bad migration was deleted (never applied anywhere) or hand-edited, the next `generate` plans from
what the migrations really build.

`rebase` is for two branches that each edited schema.yaml and generated a migration: on the branch
merged second, it drops the branch's own migrations (those the other branch, REF, does not have),
takes REF's state.json, and generates again from the merged schema.yaml, so the branch's change
becomes one migration after REF's, planned from REF's schema. A command of its own rather than a
`generate` flag: it deletes files, which `generate` never does.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from typing import Optional

from schemac.commands.generate import Result, generate
from schemac.errors import SchemacError
from schemac.migrations.layout import Layout, MigrationFile, locked
from schemac.migrations.state import State, file_sha384, read_state, write_atomic
from schemac.model import Schema, Table
from schemac.pg.types import canonical_type
from schemac.model.frozen import replace

# The suffixes `generate` adds to one change's name when it writes several files.
_PART_SUFFIX = re.compile(r"_(enum_values|part_\d+|index_\d+|validate)$")
_HEADER = "-- schemac migration: "


@dataclass(frozen=True)
class Rebuilt:
    migration: Optional[str]  # the last migration, or None when there is none (state.json removed)
    tables: int
    where: str
    warnings: tuple[str, ...] = ()  # what the server warned as the migrations ran (migrations.server_warnings)


def rebuild_state(out_dir: str, dev_url: Optional[str] = None, schema_path: Optional[str] = None) -> Rebuilt:
    """Replay out_dir/migrations into a throwaway server and record what they build as out_dir/state.json, with the
    prints of `schema_path`'s SQL-standard bodies there (commands.body_prints.printed_over), as `generate` records."""
    from schemac.commands.inspect import inspect_database
    from schemac.migrations.replay import replayed

    layout = Layout(out_dir)
    with locked(layout):
        ups = [m for m in layout.migrations() if not m.is_down]
        if not ups:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(layout.state_path)  # no migration: the next generate starts from nothing
            return Rebuilt(None, 0, "no migration to replay")
        old = read_state(layout.state_path)
        warned: list[str] = []  # (a --dev-url role that is no superuser: a REVOKE on a trusted extension's member)
        from schemac.compare.roles import roles_named

        roles = [r for r, _ in roles_named(old.schema)] if old is not None else []  # (made on the embedded server)
        with replayed(layout, dev_url, warned=warned, roles=roles) as (url, where):
            schema = _with_credentials(url, inspect_database(url).schema)
            schema = _printed(url, schema, schema_path, warned)
        if old is not None:
            on_disk = any(m.filename == old.migration for m in ups)
            schema = _publication_swaps_kept(_swaps_kept(schema, old.schema, on_disk, warned), old.schema, on_disk)
        last = ups[-1]
        # No schema.yaml is recorded (""): `diff` must never take this model for schema.yaml's.
        try:
            State("", last.filename, schema, file_sha384(last.path)).write(layout.state_path)
        except OSError as e:
            raise SchemacError(f"{layout.state_path}: cannot write ({e.strerror})") from None
    return Rebuilt(last.filename, len(schema.tables), where, tuple(warned))


def _printed(url: str, schema: Schema, schema_path: Optional[str], warned: list[str]) -> Schema:
    """`schema` with schema.yaml's SQL-standard bodies and their prints in the replayed database (`url`), where they
    are the bodies it holds (body_prints.printed_over); where schema.yaml cannot be read, as read, and `warned` says
    why (`diff` then compares those bodies by the normal forms until the next `generate`)."""
    from schemac.commands.body_prints import printed_over
    from schemac.schemafile.load import load_file

    if schema_path is None or not any(f.standard_body for f in schema.functions):
        return schema
    try:
        desired = load_file(schema_path)
    except (SchemacError, OSError) as e:
        why = str(e).splitlines()[0] if str(e) else f"{schema_path}: {type(e).__name__}"
        warned.append(f"{why}: no SQL-standard body's print recorded; the next `schemac generate` records them")
        return schema
    return printed_over(url, schema, desired)


def _swaps_kept(schema: Schema, old: Schema, on_disk: bool, warned: list[str]) -> Schema:
    """`schema` with the old record's column hints of swaps and rotations of names (a <- b, b <- a) the replay made:
    the catalog cannot tell such a swap made from one to make, only the record's hints can (compare.column_renames),
    and a replayed database holds none: without them the next `generate` would swap the columns' names again. Made
    where the replayed columns have the types the record gives their names, and not where they have those of the
    names they were renamed from (_typed_as); where types cannot tell (every column of one type), where the migration
    that record was written with is still on disk (`on_disk`: a deleted last migration's are not carried), and where
    it is not, `warned` says so: no catalog records such a swap, so a squashed baseline's is not told from one deleted
    (fix46a's LEFT: a marker in the database would be an object of the user's schema or a comment of theirs)."""
    recorded = {t.key: t for t in old.tables}
    tables = []
    for t in schema.tables:
        was = recorded.get(t.key)
        hints = {} if was is None else {c.name: c.renamed_from for c in was.columns if c.renamed_from
                                        and was.column(c.renamed_from) is not None and t.column(c.name) is not None
                                        and t.column(c.renamed_from) is not None}
        after, before = _typed_as(t, was, hints) if hints else (False, False)  # type: ignore[arg-type]
        if hints and after == before and not on_disk:  # (types cannot tell, and the record's migration is gone)
            named = ", ".join(f"{n} <- {h}" for n, h in sorted(hints.items()))
            warned.append(f"cannot tell whether the migrations on disk make the swap of names of {t.schema}.{t.name}'s "
                          f"columns {named} (renamed_from: hints of the old state.json; columns of one type, and the "
                          "migration it was written with is gone): not recorded as made. If a squashed baseline made "
                          "it, remove those hints from schema.yaml before the next `schemac generate`, which would "
                          "swap the names (and the values) again")
        if hints and (after if after != before else on_disk):  # (made: the types the record gives their names)
            t = replace(t, columns=tuple(replace(c, renamed_from=hints[c.name]) if c.name in hints else c
                                         for c in t.columns))
        tables.append(t)
    return replace(schema, tables=tuple(tables))


def _publication_swaps_kept(schema: Schema, old: Schema, on_disk: bool) -> Schema:
    """`schema` with the old record's publication hints of swaps and rotations of names the replay made (a <- b, b <- a:
    compare.publications.publication_moves tells made from to make by them alone): where each replayed publication
    publishes what the record gives its name and not what it gives the name it was renamed from, or, where both
    publish the same, where the record's migration is still on disk."""
    from schemac.compare.publications import same_definition, without_cycles

    if not any(p.renamed_from for p in old.publications):
        return schema
    recorded, replayed = {p.name: p for p in old.publications}, {p.name: p for p in schema.publications}
    plain = {p.name for p in without_cycles(old.publications) if not p.renamed_from}
    hints = {p.name: p.renamed_from for p in old.publications if p.renamed_from and p.name in plain
             and p.name in replayed and p.renamed_from in replayed}
    if not hints:
        return schema
    after = all(same_definition(replayed[n], recorded[n]) for n in hints)
    before = all(same_definition(replayed[n], recorded[h]) for n, h in hints.items())
    if not (after if after != before else on_disk):
        return schema
    return replace(schema, publications=tuple(replace(p, renamed_from=hints[p.name]) if p.name in hints else p
                                              for p in schema.publications))


def _typed_as(replayed: Table, recorded: Table, hints: dict[str, str]) -> tuple[bool, bool]:
    """Whether the replayed columns have the types the record gives their names (the replay made the swap `hints`,
    name -> name it was renamed from: a baseline squashing the swap's migration away), and whether they have those
    of the names they were renamed from (it did not): both where types cannot tell."""
    typed = lambda t, name: _spelled(t.column(name).type)  # type: ignore[union-attr]  # noqa: E731
    return (all(typed(replayed, n) == typed(recorded, n) for n in hints),
            all(typed(replayed, n) == typed(recorded, h) for n, h in hints.items()))


def _spelled(type_text: str) -> str:
    """A column's type in Postgres's spelling, as inspect writes it (`varchar(20)`: `character varying(20)`)."""
    try:
        return canonical_type(type_text)
    except ValueError:
        return type_text


def _with_credentials(url: str, schema: Schema) -> Schema:
    """`schema` with the credential options the replayed migrations set (model.credentials.with_credentials): inspect
    never reads them, but they are the project's own migration files' values, which schema.yaml declared."""
    import psycopg

    from schemac.catalog.queries import sql_text
    from schemac.model.credentials import with_credentials

    with psycopg.connect(url) as conn:
        rows = conn.execute(sql_text("credential_options"), {"schemas": list(schema.namespaces)},
                            prepare=False).fetchall()
    return with_credentials(schema, rows)


# -- rebase -------------------------------------------------------------------------------------------------

def _git(args: list[str], cwd: str, check: bool = True) -> Optional[bytes]:
    try:
        r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise SchemacError("schemac rebase needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise SchemacError(f"git {' '.join(args)} did not answer within 60 s") from None
    if r.returncode != 0:
        if not check:
            return None
        why = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SchemacError(f"git {' '.join(args)}: {why[-1] if why else f'exit status {r.returncode}'}")
    return r.stdout


def default_ref(cwd: str) -> str:
    """The branch merged first: the one being merged in (MERGE_HEAD), or, while `git rebase` replays this
    branch's commits on it, HEAD."""
    _git(["rev-parse", "--git-dir"], cwd)  # not a repository: git says so
    if _git(["rev-parse", "-q", "--verify", "MERGE_HEAD"], cwd, check=False) is not None:
        return "MERGE_HEAD"
    if _git(["rev-parse", "-q", "--verify", "REBASE_HEAD"], cwd, check=False) is not None:
        return "HEAD"
    raise SchemacError("no merge or rebase in progress: pass --onto with the branch merged first (e.g. --onto main)")


def _header(m: MigrationFile) -> Optional[tuple[str, tuple[str, ...]]]:
    """(name, message lines) from the header `generate` writes, or None for a file it did not write."""
    try:
        with open(m.path, encoding="utf-8") as f:
            lines = f.read(8192).split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if lines and lines[0] == "-- no-transaction":
        lines = lines[1:]
    if not lines or not lines[0].startswith(_HEADER):
        return None
    message = []
    for line in lines[1:]:
        if not line.startswith("--") or line.startswith(("-- File ", "-- Source: ")):
            break
        message.append(line[3:] if line.startswith("-- ") else line[2:])
    return _PART_SUFFIX.sub("", lines[0][len(_HEADER):]), tuple(message)


@dataclass(frozen=True)
class Rebased:
    ref: str
    dropped: tuple[str, ...]
    result: Result


def rebase(schema_path: str, out_dir: str, onto: Optional[str] = None, name: Optional[str] = None,
           message: Optional[str] = None, allow_destructive: bool = False, concurrently: bool = False,
           verify: bool = False, dev_url: Optional[str] = None) -> Rebased:
    """Drop the migrations REF does not have (this branch's own: they must not have been applied
    anywhere), take REF's state.json, and generate again. If no migration is written in the end (an
    error, a refusal), the dropped files and the old state.json are put back."""
    layout = Layout(out_dir)
    root = os.path.abspath(layout.root)
    if not os.path.isdir(root):
        raise SchemacError(f"{layout.root}: no such directory")
    ref = onto or default_ref(root)
    _git(["rev-parse", "-q", "--verify", f"{ref}^{{commit}}"], root)
    theirs = {os.path.basename(p) for p in (_git(["ls-tree", "-z", "--name-only", ref, "--", "migrations/"], root)
                                            or b"").decode("utf-8", "surrogateescape").split("\0") if p}
    their_state = _git(["show", f"{ref}:./{os.path.basename(layout.state_path)}"], root, check=False)
    files, _ = layout.scan()  # two files of one version are expected here: that is what rebase resolves
    own = [m for m in files if m.filename not in theirs]
    headers = {m.filename: _header(m) for m in own}
    foreign = [f for f, h in headers.items() if h is None]
    if foreign:
        raise SchemacError(f"{os.path.join(layout.migrations_dir, foreign[0])} is not on {ref} and was not written by "
                           "`schemac generate`: rebase only regenerates schemac's own migrations; move it out, "
                           "rebase, and give it a version after the new one")
    names = {h[0] for h in headers.values() if h}
    if name is None and len(names) == 1:
        name = next(iter(names))
        if message is None:
            message = "\n".join(next(h[1] for h in headers.values() if h)) or None
    saved = {m.path: _read(m.path) for m in own}
    saved[layout.state_path] = _read(layout.state_path) if os.path.exists(layout.state_path) else None
    try:
        with locked(layout):
            for m in own:
                os.unlink(m.path)
            if their_state is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(layout.state_path)
            else:
                write_atomic(layout.state_path, their_state.decode("utf-8"))
        result = generate(schema_path, out_dir, name=name, message=message, allow_destructive=allow_destructive,
                          concurrently=concurrently, verify=verify, dev_url=dev_url)
    except BaseException:
        _restore(saved)
        raise
    if result.status not in ("written", "unchanged"):
        _restore(saved)
    return Rebased(ref, tuple(m.filename for m in own), result)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _restore(saved: dict[str, Optional[bytes]]) -> None:
    for path, data in saved.items():
        with contextlib.suppress(OSError):
            if data is None:
                os.unlink(path)
            else:
                with open(path, "wb") as f:
                    f.write(data)
