"""Old -> new pairs (tests/pairs.py), each over rows on a real server, judged by the tests' own oracle.

For each pair: the old SQL and its rows go into database A; `inspect` A writes schema.yaml and
`generate` records it (that migration is not applied: A is the old schema already). The new SQL goes
into a sibling database B; `inspect` B replaces schema.yaml and `generate` writes the change, which is
applied over A's rows exactly as sqlx would (every file in its own transaction). Then:

- the JSON Schema of schema.yaml accepts what `inspect` wrote of A and of B;
- the plan's dependency graph has no cycle (none had to be broken to order it);
- every file applies (a plan Postgres rejects fails here, with the statement);
- `diff` of A against schema.yaml is clean, and a second `generate` writes nothing;
- the catalog of A, read by tests/catalog_oracle.py, equals that of B, which was never migrated, and so do
  their owners and access lists (tests/security_oracle.py);
- every column A keeps holds the same values (a checksum per column), except those the case says
  change their text form.

A pair marked `-- apply as: owner` (or every pair, with SCHEMAC_PAIRS_AS_OWNER=1) has A and B handed to a
non-superuser owner of the database (tests/owner_mode.py) and its migration applied as that owner.

The default run takes a sample of SAMPLE pairs that holds some of every file (pairs.spread), each on one major in
turn (one its `-- since:` allows); `-m slow` takes every pair on 18, 16 and 15: on a major older than its `-- since:`,
a pair is skipped where that server refuses it (the skip says so) and fails where it loads.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, NamedTuple, Optional

import psycopg
import pytest
from psycopg import sql
from catalog_oracle import (USER_MAPPINGS, fingerprint_difference, fingerprint_on, sibling_database, swept_on, values,
                            values_on)
from conftest import MAJORS, each_case_on_one_major
from owner_mode import EVERY_PAIR, as_owner, hand_over
from pairs import load_pairs, qualified_changed, rename_keys, spread, with_renames
from security_oracle import security_on
from test_json_schema import schema_errors

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.plan.graph import cycles

PAIRS = load_pairs()
# The default run's pairs: a fixed number, spread over every file (every twelfth pair was 52, and grew with each pair
# added); the rest under -m slow.
SAMPLE = 24
# Pairs that need PostGIS (postgis.sql) run on the major whose build has it here (Debian's 15): one by default
# (a retype under views the throwaway server cannot build), the others under -m slow, as on the other majors, where
# they skip when the build has none. (gis-extension-in-its-own-schema, PostGIS outside the search path, was a second,
# 2.0 s of CPU a run, test and servers, its CREATE EXTENSION most of it: that class is test_postgis.py's by default on
# 15, PostGIS in `extensions` under a CHECK, a gist index, views and a function, generated, applied over rows and
# diffed clean, and its types written bare; with test_extension_path's OPERATOR(ext.op) and test_extension_opclasses'
# gist_geometry_ops_nd; it runs under -m slow.)
GIS_MAJOR, GIS_DEFAULT = "pg15", {"gis-typmod-dropped-under-views-and-index"}
NOT_GIS = [p for p in PAIRS if p.file != "postgis"]
# pgserver's 16 has no contrib extension (pg_available_extensions: plpgsql and vector): a sampled pair that makes one
# takes its default turn on 18 or 15, not a skip on 16.
ONLY_ON_16 = {"plpgsql", "vector"}


def _able(case) -> list[str]:
    """The majors that can run a pair: its `-- since:` and newer; pgserver's 16 only without contrib extensions."""
    (pair,) = case.values
    made = {m.lower() for m in re.findall(r'CREATE EXTENSION (?:IF NOT EXISTS )?"?([\w-]+)', pair.old + pair.new, re.I)}
    return [m for m in MAJORS if (m != "pg16" or made <= ONLY_ON_16) and int(m[2:]) >= pair.since]


CASES = each_case_on_one_major([pytest.param(p, id=p.id) for p in NOT_GIS], taken=spread(NOT_GIS, SAMPLE), able=_able) + [
    pytest.param(major, p, id=f"{major}-{p.id}",
                 marks=() if major == GIS_MAJOR and p.id in GIS_DEFAULT else (pytest.mark.slow,))
    for p in PAIRS if p.file == "postgis" for major in MAJORS]


def _older_than_the_pair(url: str, pair) -> None:
    """A pair marked `-- since: N` (pairs.py) on an older major: skipped, saying why, where that server refuses one of
    its sides; failed where it loads both (the mark would hide a pair that runs there)."""
    since = getattr(pair, "since", 0)
    if not since:  # (most pairs: no connection opened to ask the server's major)
        return
    with psycopg.connect(url) as conn:
        major = conn.info.server_version // 10000
    if major >= since:
        return
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(pair.old)
        with sibling_database(url) as b, psycopg.connect(b, autocommit=True) as conn:
            conn.execute(pair.new)
    except psycopg.Error as e:
        pytest.skip(f"the pair needs PostgreSQL {since}+ (-- since: {since}); {major} refuses it: "
                    f"{e.diag.message_primary or e}")
    pytest.fail(f"the pair says -- since: {since}, but PostgreSQL {major} loads both its sides: drop or lower the mark")


def _load(url: str, text: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(text)
        except psycopg.errors.FeatureNotSupported as e:  # an extension this server's build lacks
            pytest.skip(f"this server cannot load the case: {e.diag.message_primary}")


def _inspected(url: str, path) -> str:
    """`inspect` of `url` into `path`, which the JSON Schema of schema.yaml accepts (an editor would underline what
    it refuses: src/schemac/schemafile/schema.json); the text."""
    text = inspect_database(url).yaml
    assert schema_errors(text) == [], "the JSON Schema refuses what inspect wrote"
    path.write_text(text, encoding="utf-8")
    return text


def _made_again(url: str, keys: bool = False, types: bool = False) -> list[tuple[str, int, int]]:
    """The views, materialized views, policies, triggers, statistics objects and publications' members of `url`, their
    OIDs and what holds them (a trigger's, policy's, statistics object's, constraint's, index's, default's relation or
    domain, a publication member's publication, a view's or type's schema: a rename keeps its OID): one dropped and made
    again has another OID (`-- renamed:` pairs: RENAME COLUMN and RENAME TABLE keep them,
    and their grants and comments); `keys` (`-- kept: oids`): its constraints, indexes and columns' defaults too
    (renamed, not rebuilt nor set again); `types` (a `-- renamed: type` pair): its enums, domains, composite and range
    types too (ALTER TYPE ... RENAME keeps the OID a column's values, and what reads them, name it by)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT 'relation ' || oid::regclass::text, oid::int, relnamespace::int FROM pg_class WHERE relkind IN "
            "('v', 'm') AND relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
            "UNION ALL SELECT 'policy ' || polname, oid::int, polrelid::int FROM pg_policy "
            "UNION ALL SELECT 'trigger ' || tgname, oid::int, tgrelid::int FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT 'statistics ' || stxname, oid::int, stxrelid::int FROM pg_statistic_ext "
            "UNION ALL SELECT 'publication member ' || prrelid::regclass::text, oid::int, prpubid::int "
            "FROM pg_publication_rel"
            + (" UNION ALL SELECT 'constraint ' || conname, oid::int, (conrelid::int + contypid::int) FROM pg_constraint "
               "WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> "
               "'information_schema') UNION ALL SELECT 'index ' || c.oid::regclass::text, c.oid::int, i.indrelid::int "
               "FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relkind IN ('i', 'I') "
               "AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> "
               "'information_schema') UNION ALL SELECT 'default of ' || adrelid::regclass::text || ' ' || adnum, "
               "oid::int, adrelid::int FROM pg_attrdef" if keys else "")
            + (" UNION ALL SELECT 'type ' || t.oid::regtype::text, t.oid::int, t.typnamespace::int FROM pg_type t "
               "LEFT JOIN pg_class c ON c.oid = t.typrelid WHERE t.typtype IN ('e', 'd', 'c', 'r') AND "
               "coalesce(c.relkind, 'c') = 'c' AND "
               "t.typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)" if types else "")
        ).fetchall()


def _remade(before: list[tuple[str, int, int]], after: list[tuple[str, int, int]]) -> list[str]:
    """The names of `before`'s objects (_made_again's) the migration dropped and made again: gone by OID, with an
    object of a new OID in `after` under the same name, or of the same kind on the same holder under a name `before`
    did not hold (a trigger dropped and made under another where ALTER TRIGGER ... RENAME does). One the new side
    dropped for good (a renamed table's trigger, gone) is not counted, beside a new object of its kind on another
    holder too (a new table's trigger); beside one on its holder it is (which one the new one replaces, the catalog
    does not say)."""
    kept, was, names = {oid for _, oid, _ in after}, {oid for _, oid, _ in before}, {name for name, _, _ in before}
    new = {name for name, oid, _ in after if oid not in was}
    kinds = {(name.split(" ", 1)[0], on) for name, oid, on in after if oid not in was and name not in names}
    return sorted(name for name, oid, on in before
                  if oid not in kept and (name in new or (name.split(" ", 1)[0], on) in kinds))


def _rewritten(url: str) -> dict[int, tuple[str, str]]:
    """The policies, plain views, rules (a table's or a view's, by their own OID), triggers and functions with a
    SQL-standard body of `url` by OID (a rename keeps it), each with its name and the transaction that last wrote its
    catalog row (pg_policy's, pg_rewrite's, pg_trigger's, pg_proc's xmin): ALTER POLICY, CREATE OR REPLACE VIEW,
    RULE, TRIGGER and FUNCTION write it (ALTER TRIGGER ... RENAME too: a trigger renamed is not counted),
    RENAME COLUMN and RENAME TABLE do not (the stored trees name columns and relations by number and OID), so a
    `-- renamed:` pair's renames alone leave it."""
    with psycopg.connect(url) as conn:
        return {oid: (name, xmin) for oid, name, xmin in conn.execute(
            "SELECT oid::int, 'policy ' || polname, xmin::text FROM pg_policy "
            "UNION ALL SELECT c.oid::int, 'view ' || relname, r.xmin::text FROM pg_rewrite r JOIN pg_class c "
            "ON c.oid = r.ev_class WHERE c.relkind = 'v' AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, "
            "'information_schema'::regnamespace) "
            "UNION ALL SELECT r.oid::int, 'rule ' || rulename || ' on ' || relname, r.xmin::text FROM pg_rewrite r "
            "JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND c.relnamespace NOT IN "
            "('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
            "UNION ALL SELECT oid::int, 'trigger ' || tgname, xmin::text FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT oid::int, 'function ' || proname, xmin::text FROM pg_proc WHERE prosqlbody IS NOT NULL"
            ).fetchall()}


def _positions(url: str, names: list[str]) -> list[tuple]:
    """(last_value, is_called) of each sequence `names` names (schema.name): one dropped and made again starts over."""
    if not names:
        return []
    with psycopg.connect(url) as conn:
        return [conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(
            sql.Identifier(*name.split(".", 1)))).fetchone() for name in names]


class NewSide(NamedTuple):
    """What converges read of the new side's database B while it stood, for `with_new` (test_kinds rebuilds B from
    it: B's inspect and oracle readings are not taken twice)."""
    url: str
    inspected: str  # inspect's schema.yaml of B
    catalog: dict  # fingerprint(B, order=True)
    swept: Optional[tuple]  # (objects(B), comments(B)) with comments_too, else None


@pytest.mark.parametrize("major_db,pair", CASES,
                         indirect=["major_db"])
def test_pair_applies_over_rows_and_converges(major_db, tmp_path, pair):
    converges(major_db, tmp_path, pair)


class Reading(NamedTuple):
    """A database as every oracle of converges reads it, on one connection (a connection is ~7 ms of CPU, of the
    test and of the server: four of them for each side of each pair were)."""
    catalog: dict[str, list[tuple]]  # catalog_oracle's fingerprint
    security: dict[str, list[tuple]]  # security_oracle's
    mappings: list[tuple]  # user mappings, their options in full
    swept: Optional[tuple]  # (objects, comments) with comments_too
    values: Optional[dict]  # catalog_oracle's values with with_values


def _read(url: str, order: bool = False, comments_too: bool = False, with_values: bool = False) -> Reading:
    with psycopg.connect(url) as conn:
        kept = values_on(conn) if with_values else None  # (in the session's TimeZone, as the reading before the pair's)
        security = security_on(conn)
        mappings = [tuple(r) for r in conn.execute(USER_MAPPINGS).fetchall()]
        swept = swept_on(conn) if comments_too else None
        return Reading(fingerprint_on(conn, order=order), security, mappings, swept, kept)  # (last: it sets TimeZone)


def converges(a: str, tmp_path, pair, with_new: Optional[Callable[[NewSide], None]] = None,
              comments_too: bool = False, concurrently: bool = False) -> None:
    """The pair's migration applied over A's rows converges on the new side (see the module's docstring);
    `with_new(side)` is given the new side's database while it stands, with what was read of it (NewSide: test_kinds
    rebuilds it: no second load, inspect or oracle reading);
    `comments_too`: every object and every comment by its identity too (catalog_oracle.objects, .comments);
    `concurrently`: the change generated `--concurrently` (tests/test_pairs_concurrently.py), its files applied in turn,
    a `-- no-transaction` one outside any transaction, as sqlx runs it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _older_than_the_pair(a, pair)
    by_owner = getattr(pair, "as_owner", False) or EVERY_PAIR  # `-- apply as: owner` (tests/owner_mode.py)
    _load(a, pair.old)
    if by_owner:
        hand_over(a)
    before = values(a)  # by schema and name: a table moved to another schema is not kept
    if pair.renamed:  # (`-- renamed:`: under the names the renames give them)
        names = rename_keys(pair, before)
        before = {names[k]: v for k, v in before.items()}
    keys_kept = getattr(pair, "kept", False)
    types = any(new.startswith(("type ", "value ")) for new, _ in pair.renamed)
    made = _made_again(a, keys_kept, types)
    written = _rewritten(a) if pair.renamed and not getattr(pair, "recreated", False) else {}
    # (`-- renamed: sequence`: each one's position, read under its old name before and its new one after)
    sequences = [(new.partition(" ")[2], old if "." in old else f"{new.partition(' ')[2].split('.')[0]}.{old}")
                 for new, old in pair.renamed if new.startswith("sequence ")]
    positions = _positions(a, [old for _, old in sequences])
    _inspected(a, schema)
    first = generate(str(schema), out, name="old")
    assert first.status == "written", first.message
    old_files = {m.path for m in Layout(out).migrations()}  # more than one where it holds many locks
    with sibling_database(a) as b:
        _load(b, pair.new)
        if by_owner:
            hand_over(b)
        inspected = _inspected(b, schema)
        if pair.renamed:
            schema.write_text(with_renames(inspected, pair.renamed), encoding="utf-8")
        b_read = _read(b, order=with_new is not None, comments_too=comments_too)  # (the columns' order: a rebuild's)
        expected = {kind: rows for kind, rows in b_read.catalog.items() if kind != "column_order"}
        if with_new is not None:
            with_new(NewSide(b, inspected, b_read.catalog, b_read.swept))
    result = generate(str(schema), out, name="new", allow_destructive=pair.destructive, concurrently=concurrently)
    assert result.status == "written", result.message
    assert cycles(list(result.changes)) == [], "the dependency graph has a cycle"
    new_files = [m for m in Layout(out).migrations() if m.path not in old_files]
    with psycopg.connect(a, autocommit=True) as conn:
        if by_owner:
            as_owner(conn)
        try:
            apply_files(conn, new_files, record=False)
        except psycopg.Error as e:
            pytest.fail(f"the migration does not apply: {e}\n{result.sql}")
    if keys_kept or pair.renamed and not getattr(pair, "recreated", False):
        lost = _remade(made, _made_again(a, keys_kept, types))
        assert not lost, f"dropped and made again where the rename alone does: {lost}\n{result.sql}"
    if written:  # (and neither altered nor replaced: their catalog rows as the renames left them)
        now = _rewritten(a)
        touched = sorted(name for oid, (name, xmin) in written.items() if now.get(oid, (name, xmin))[1] != xmin
                         and not (name.startswith("trigger ") and now[oid][0] != name))  # (ALTER TRIGGER ... RENAME)
        assert not touched, f"altered or replaced where the rename alone does: {touched}\n{result.sql}"
    assert _positions(a, [new for new, _ in sequences]) == positions, f"a renamed sequence's position lost\n{result.sql}"
    drift = check_drift(str(schema), a)
    assert drift.differences == (), drift.render("text") + "\n" + result.sql
    again = generate(str(schema), out, name="again", allow_destructive=True, dry_run=True)
    assert again.status == "unchanged", again.sql
    a_read = _read(a, comments_too=comments_too, with_values=True)
    actual = a_read.catalog
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + result.sql
    assert a_read.security == b_read.security, fingerprint_difference(a_read.security, b_read.security) + "\n" + result.sql
    if comments_too:
        assert a_read.swept == b_read.swept, result.sql
    assert a_read.mappings == b_read.mappings, result.sql  # (not managed, but carried over where their server is made again)
    after = a_read.values
    changed = qualified_changed(pair)
    stale = sorted(k for k in changed if k not in before and k not in after)
    assert not stale, f"changed: names no column of a table, before or after: {stale}"  # a typo, another schema's
    kept = {k: v for k, v in before.items() if k in after and k not in changed}
    assert {k: after[k] for k in kept} == kept, result.sql


def test_every_pair_is_a_change():
    every = load_pairs()
    assert len(every) == len({p.id for p in every}) >= 150
    assert all(p.old != p.new for p in every)


def test_a_bare_changed_entry_means_publics_table(tmp_path):
    """`-- changed:` t.v is public.t's v, as the search path finds it, not a same-named table's of another schema
    (audit.t's v is named audit.t.v); an entry that is not table.column is refused at its case."""
    (tmp_path / "c.sql").write_text("-- case: c\n-- changed: t.v, audit.t.w\n-- old:\nSELECT 1;\n-- new:\n"
                                    "SELECT 2;\n", encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    assert qualified_changed(pair) == {("public.t", "v"), ("audit.t", "w")}
    (tmp_path / "c.sql").write_text("-- case: c\n-- changed: t\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: changed: 't' is not table.column"):
        load_pairs(str(tmp_path))


def test_renamed_types_and_labels_lines(tmp_path):
    """`-- renamed: type s.n <- old` writes a type's `renamed_from:` into its entry (a block mapping, a flow one, an
    enum's bare list of values made a mapping; one of two schemas' by its key or its `schema:`), `-- renamed: value
    s.e.label <- old` an enum label's into one `renamed_values:` of the enum (fix48c: pairs enum-renamed-*,
    enum-labels-renamed-*, type-domain-composite-and-range-renamed-*); the rows' names stay as they are."""
    (tmp_path / "c.sql").write_text(
        "-- case: c\n-- renamed: type public.feeling <- mood, type s.span <- public.span, type public.p <- q\n"
        "-- renamed: value s.e.b c <- a, value s.e.d <- o'k, type public.e2 <- e1\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n",
        encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    assert pair.renamed == (("type public.feeling", "mood"), ("type s.span", "public.span"), ("type public.p", "q"),
                            ("value s.e.b c", "a"), ("value s.e.d", "o'k"), ("type public.e2", "e1"))
    text = ("enums:\n  feeling:\n    values: [sad, happy]\n  e:\n    values: [b c, d]\n    schema: s\n  e2: [x]\n"
            "composite_types:\n  public.p:\n    name: p\n    attributes: {a: integer}\n  s.p:\n    name: p\n"
            "    attributes: {a: integer}\n    schema: s\nrange_types:\n  span: {subtype: integer, schema: s}\n"
            "tables:\n  t:\n    columns:\n      id: integer\n")
    assert with_renames(text, pair.renamed) == (
        "enums:\n  feeling:\n    renamed_from: mood\n    values: [sad, happy]\n  e:\n"
        "    renamed_values: {\"d\": \"o'k\", \"b c\": \"a\"}\n    values: [b c, d]\n    schema: s\n"
        "  e2: {renamed_from: e1, values: [x]}\n"
        "composite_types:\n  public.p:\n    renamed_from: q\n    name: p\n    attributes: {a: integer}\n  s.p:\n"
        "    name: p\n    attributes: {a: integer}\n    schema: s\nrange_types:\n"
        "  span: {renamed_from: public.span, subtype: integer, schema: s}\ntables:\n  t:\n    columns:\n      id: integer\n")
    assert rename_keys(pair, {("public.t", "m"): ""}) == {("public.t", "m"): ("public.t", "m")}
    sequences = (("sequence public.invoice_no", "invoice_numbers"), ("sequence billing.q", "public.q"))  # (fix52c)
    assert with_renames("sequences:\n  invoice_no: {}\n  q: {start: 5, schema: billing}\n", sequences) == (
        "sequences:\n  invoice_no: {renamed_from: invoice_numbers}\n  q: {renamed_from: public.q, start: 5, schema: billing}\n")
    (tmp_path / "c.sql").write_text("-- case: c\n-- renamed: type s.t.c <- u\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: renamed: 'type s.t.c <- u' is not"):
        load_pairs(str(tmp_path))


def test_renamed_and_kept_lines(tmp_path):
    """`-- renamed:` writes `renamed_from:` under the table and into its column's entry (a bare type made a mapping),
    a table of another schema found by its `schema:` line; rows read before are named as after the renames.
    `-- kept: oids` says only that."""
    (tmp_path / "c.sql").write_text("-- case: c\n-- renamed: s.u2 <- u, s.u2.b <- a, public.t.y <- x\n-- allow: recreated\n"
                                    "-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n", encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    assert pair.renamed == (("s.u2", "u"), ("s.u2.b", "a"), ("public.t.y", "x")) and pair.recreated
    text = ("tables:\n  t:\n    columns:\n      y: {type: integer, nullable: false}\n  u2:\n    schema: s\n"
            "    columns:\n      b: integer\n")
    assert with_renames(text, pair.renamed) == (
        "tables:\n  t:\n    columns:\n      y: {renamed_from: x, type: integer, nullable: false}\n  u2:\n"
        "    renamed_from: u\n    schema: s\n    columns:\n      b: {type: integer, renamed_from: a}\n")
    assert with_renames("tables:\n  t:\n    columns:\n      labels: text[]\n", (("public.t.labels", "tags"),)) == (
        "tables:\n  t:\n    columns:\n      labels: {type: 'text[]', renamed_from: tags}\n")  # (not a flow sequence)
    names = rename_keys(pair, {("s.u", "a"): "", ("s.u", "id"): "", ("public.t", "x"): "", ("public.v", "x"): ""})
    assert names == {("s.u", "a"): ("s.u2", "b"), ("s.u", "id"): ("s.u2", "id"), ("public.t", "x"): ("public.t", "y"),
                     ("public.v", "x"): ("public.v", "x")}
    (tmp_path / "c.sql").write_text("-- case: c\n-- renamed: t <- u\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: renamed: 't <- u' is not schema.table"):
        load_pairs(str(tmp_path))
    (tmp_path / "c.sql").write_text("-- case: c\n-- kept: oids\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    assert [p.kept for p in load_pairs(str(tmp_path))] == [True]
    (tmp_path / "c.sql").write_text("-- case: c\n-- kept: rows\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: kept: 'rows' is not 'oids'"):
        load_pairs(str(tmp_path))


def test_an_apply_as_line_names_the_owner_mode_only(tmp_path):
    """`-- apply as: owner` marks a pair for tests/owner_mode.py; any other word is refused at its case (a typo would
    run the pair as superuser, silently)."""
    (tmp_path / "c.sql").write_text("-- case: c\n-- apply as: owner\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n"
                                    "-- case: d\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n", encoding="utf-8")
    assert [p.as_owner for p in load_pairs(str(tmp_path))] == [True, False]
    (tmp_path / "c.sql").write_text("-- case: c\n-- apply as: app\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: apply as: 'app' is not 'owner'"):
        load_pairs(str(tmp_path))


def test_the_default_run_takes_a_fixed_sample_of_every_file():
    """pairs.spread: SAMPLE pairs, some of every file, each file's share by its size; the default run takes each of
    them on exactly one major, every other pair only under -m slow (and postgis.sql its two on 15)."""
    taken = spread(NOT_GIS, SAMPLE)
    assert len(taken) == SAMPLE and {p.file for p in NOT_GIS if p.id in taken} == {p.file for p in NOT_GIS}
    largest = max({p.file for p in NOT_GIS}, key=lambda f: sum(p.file == f for p in NOT_GIS))
    assert sum(p.file == largest for p in NOT_GIS if p.id in taken) > 1
    default = [c.values for c in CASES if not any(m.name == "slow" for m in c.marks)]
    assert sorted(pair.id for _, pair in default) == sorted(taken | GIS_DEFAULT)
    assert {major for major, pair in default if pair.id in taken} == set(MAJORS)
    grown = NOT_GIS + [replace(p, id=f"{p.id}-again") for p in NOT_GIS if p.file == largest]
    assert len(spread(grown, SAMPLE)) == SAMPLE  # pairs added: the default run takes as many


def test_a_since_mark_skips_where_the_server_refuses_and_fails_where_it_loads(tmp_path, db_url):
    """`-- since: N` (pairs.py): on an older server, a pair that server refuses is skipped, saying why; one it loads
    fails (a mark hiding a pair that runs). A mark that is no major is refused at its case."""
    (tmp_path / "c.sql").write_text("-- case: newer\n-- since: 99\n-- old:\nCREATE TABLE t (a int);\n-- new:\n"
                                    "CREATE TABLE t (a int) WITH SYNTAX OF 99;\n"
                                    "-- case: loads\n-- since: 99\n-- old:\nCREATE TABLE t (a int);\n-- new:\n"
                                    "CREATE TABLE t (b int);\n", encoding="utf-8")
    newer, loads = load_pairs(str(tmp_path))
    assert (newer.since, loads.since) == (99, 99)
    with pytest.raises(pytest.skip.Exception, match=r"needs PostgreSQL 99\+ \(-- since: 99\); 18 refuses it: syntax"):
        converges(db_url, tmp_path, newer)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP TABLE t")
    with pytest.raises(pytest.fail.Exception, match="says -- since: 99, but PostgreSQL 18 loads both its sides"):
        converges(db_url, tmp_path, loads)
    (tmp_path / "c.sql").write_text("-- case: c\n-- since: pg17\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n")
    with pytest.raises(ValueError, match="case c: since: 'pg17' is not a major version"):
        load_pairs(str(tmp_path))


def test_the_rename_check_fails_on_a_trigger_dropped_and_made_under_another_name(tmp_path, db_url):
    """converges' rename check (_remade) still fails a `-- renamed:` pair whose migration drops a trigger and makes one
    under another name (the new side's fires on another event: no ALTER does it) where it passes one the new side drops
    for good (triggers.sql: tg-table-renamed-its-trigger-and-materialized-view-dropped-for-good)."""
    (tmp_path / "c.sql").write_text(
        "-- case: c\n-- renamed: public.t2 <- t\n-- old:\nCREATE TABLE t (id int PRIMARY KEY);\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\nINSERT INTO t VALUES (1);\n-- new:\n"
        "CREATE TABLE t2 (id int PRIMARY KEY);\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER tr3 BEFORE INSERT ON t2 FOR EACH ROW EXECUTE FUNCTION f();\n", encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    with pytest.raises(AssertionError, match=r"dropped and made again where the rename alone does: \['trigger tr'\]"):
        converges(db_url, tmp_path, pair)


def test_the_rename_check_passes_a_trigger_dropped_for_good_beside_a_new_tables_trigger(tmp_path, db_url):
    """converges' rename check (_remade) passes a `-- renamed:` pair whose renamed table's trigger is dropped for good
    beside a new table's new trigger (mend52: counted as made again under the new one's name, a new trigger of any
    table then standing for it)."""
    (tmp_path / "c.sql").write_text(
        "-- case: c\n-- renamed: public.t2 <- t\n-- old:\nCREATE TABLE t (id int PRIMARY KEY);\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\nINSERT INTO t VALUES (1);\n-- new:\n"
        "CREATE TABLE t2 (id int PRIMARY KEY);\nCREATE TABLE u (id int PRIMARY KEY);\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER tu BEFORE INSERT ON u FOR EACH ROW EXECUTE FUNCTION f();\n", encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    converges(db_url, tmp_path, pair)


def test_a_mark_repeated_merges_or_is_refused(tmp_path):
    """A list mark (allow, changed, renamed) over several lines keeps every line's entries (`-- allow: destructive`
    then `-- allow: recreated` kept only `recreated`: the pair ran without --allow-destructive, silently); a mark of
    one value (since, apply as, kept, old, new) twice is refused at its case and line."""
    (tmp_path / "c.sql").write_text("-- case: c\n-- allow: destructive\n-- allow: recreated\n-- changed: t.v\n"
                                    "-- changed: t.w\n-- renamed: s.u2 <- u\n-- renamed: s.u2.b <- a\n-- old:\n"
                                    "SELECT 1;\n-- new:\nSELECT 2;\n", encoding="utf-8")
    (pair,) = load_pairs(str(tmp_path))
    assert pair.destructive and pair.recreated and pair.changed == (("t", "v"), ("t", "w"))
    assert pair.renamed == (("s.u2", "u"), ("s.u2.b", "a"))
    for mark in ("since: 16", "apply as: owner", "kept: oids", "old:", "new:"):
        (tmp_path / "c.sql").write_text(f"-- case: c\n-- {mark}\n-- old:\nSELECT 1;\n-- new:\nSELECT 2;\n-- {mark}\n")
        with pytest.raises(ValueError, match=rf"c.sql:\d: case c: a second '-- {mark.split(':')[0]}:' line"):
            load_pairs(str(tmp_path))
