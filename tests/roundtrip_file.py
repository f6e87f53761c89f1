"""Round trip of one SQL schema file through schemac, outside pytest: for a real schema you have (a pg_dump).

usage: .venv/bin/python tests/roundtrip_file.py SCHEMA.sql [--major pg18|pg16|pg15] [--work DIR] [--roles r1,r2 (names as they are, or "quoted")]
       [--counts] [--keep]
Run from the repository (it imports tests/ helpers and this checkout's schemac).

Steps: start a throwaway server (tests/pgharness.py), load the file into database A (psql semantics are not
emulated: the file is sent as one simple-query string, so strip psql meta-commands such as \\connect first),
`schemac inspect` A, inspect again (byte-stable?), `schemac generate` into an empty project, apply the migration
to an empty database B, `schemac diff` A and B (must be clean), the catalog oracle's fingerprint of A and B
(tests/catalog_oracle.py: tables, views, matviews, columns and their order, constraints, indexes, types, sequences, extensions; and a
sweep of every object by its pg_identify_object identity, whatever its kind: printed, read it beside the not-managed list;
and a sweep of every comment, pg_description by its object's identity, whatever the kind: a failing step),
the security oracle (tests/security_oracle.py: owners, ACLs, default privileges, policies), the access lists of extensions' own
objects (which both oracles skip), the views' deparse
(tests/test_views.views_of), and inspect of B byte-identical to inspect of A. `--counts`: objects per kind in
A and B (tables, views, matviews, functions, aggregates, triggers, indexes, constraints, enums+domains, sequences;
sqlx's own table in B, its key and NOT NULLs left out).
Prints every failing step with its output, and the wall time of each schemac command and of the apply; exit 0
only when everything matches.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.getcwd(), "tests"))

import psycopg  # noqa: E402
import psycopg.sql  # noqa: E402

from catalog_oracle import comments, fingerprint, fingerprint_difference, objects  # noqa: E402
from security_oracle import security_fingerprint  # noqa: E402
from pgharness import STARTERS  # noqa: E402
from test_views import views_of  # noqa: E402

from schemac.migrations.apply import apply_files  # noqa: E402
from schemac.migrations.layout import Layout  # noqa: E402

ALL = ("r", "p", "v", "m")
COUNTED = ("tables", "views", "matviews", "functions", "aggregates", "triggers", "indexes", "constraints",
           "enums+domains", "sequences")
# Every schema but the system's (a project of several schemas, PostgREST's data/api/auth, counts whole), extension
# members included as before (PostGIS's functions in public count on both sides alike).
_IN = ("JOIN pg_namespace n ON n.oid = {}.{} WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
       "AND n.nspname NOT LIKE 'pg\\_temp\\_%%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'")
# sqlx's own table in B (%(skip)s, its name; NULL in A) is left out with its key and NOT NULLs: A and B like for like.
_NOT_SQLX = "to_regclass(%(skip)s)::oid"
COUNTS = "SELECT " + ", ".join([
    f"(SELECT count(*) FROM pg_class c {_IN.format('c', 'relnamespace')} AND relkind IN ('r', 'p') AND c.oid IS DISTINCT FROM {_NOT_SQLX})",
    f"(SELECT count(*) FROM pg_class c {_IN.format('c', 'relnamespace')} AND relkind = 'v')",
    f"(SELECT count(*) FROM pg_class c {_IN.format('c', 'relnamespace')} AND relkind = 'm')",
    f"(SELECT count(*) FROM pg_proc p {_IN.format('p', 'pronamespace')} AND prokind = 'f')",
    f"(SELECT count(*) FROM pg_proc p {_IN.format('p', 'pronamespace')} AND prokind = 'a')",
    "(SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    f"{_IN.format('c', 'relnamespace')} AND NOT tgisinternal)",
    f"(SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid {_IN.format('c', 'relnamespace')} "
    f"AND c.oid IS DISTINCT FROM {_NOT_SQLX})",
    f"(SELECT count(*) FROM pg_constraint k {_IN.format('k', 'connamespace')} AND k.conrelid IS DISTINCT FROM {_NOT_SQLX})",
    f"(SELECT count(*) FROM pg_type t {_IN.format('t', 'typnamespace')} AND typtype IN ('e', 'd'))",
    f"(SELECT count(*) FROM pg_class c {_IN.format('c', 'relnamespace')} AND relkind = 'S')"])


# The access lists of extensions' own objects (neither oracle reads them: they skip extension members). A GRANT on
# one after CREATE EXTENSION, or default privileges that were in force when the extension was created, show here.
MEMBER_ACLS = """
    SELECT e.extname, pg_describe_object(d.classid, d.objid, 0),
           ARRAY(SELECT x::text FROM unnest(COALESCE(c.relacl, p.proacl, t.typacl, n.nspacl, w.fdwacl)) x ORDER BY 1)
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
    LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
    LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
    LEFT JOIN pg_namespace n ON d.classid = 'pg_namespace'::regclass AND n.oid = d.objid
    LEFT JOIN pg_foreign_data_wrapper w ON d.classid = 'pg_foreign_data_wrapper'::regclass AND w.oid = d.objid
    WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass"""


def member_acls(url: str) -> set:
    with psycopg.connect(url) as conn:
        return {(r[0], r[1], tuple(r[2])) for r in conn.execute(MEMBER_ACLS)}


TIMES: dict[str, float] = {}


def run(work: str, *args: str) -> subprocess.CompletedProcess:
    """`schemac ARGS` in `work`; its wall time is added to TIMES under the command's name."""
    exe = os.path.join(os.path.dirname(sys.executable), "schemac")
    t0 = time.perf_counter()
    r = subprocess.run([exe, *args], cwd=work, capture_output=True, text=True, timeout=1800)
    TIMES[args[0]] = TIMES.get(args[0], 0.0) + time.perf_counter() - t0
    return r


def _sqlx_home(url: str) -> "str | None":
    """Where sqlx's table goes in B when A has no public schema (None: A has one). sqlx makes its table in the current
    schema, public on a new database, before the first migration, which then cannot drop public (docs/architecture.md):
    the first of A's own schemas instead, made by sqlx (sqlx.toml's create-schemas) and by the migration alike."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'public'), min(n.nspname) "
                           "FROM pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
                           "AND n.nspname ~ '^[a-z_][a-z0-9_]*$'").fetchone()
    return row[1] if row[0] == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sql")
    ap.add_argument("--major", default="pg18")
    ap.add_argument("--work")
    ap.add_argument("--roles", default="")
    ap.add_argument("--keep", action="store_true", help="leave the server running and print its URLs")
    ap.add_argument("--counts", action="store_true", help="print objects per kind in A and B")
    o = ap.parse_args()
    work = o.work or tempfile.mkdtemp(prefix="rt_")
    os.makedirs(work, exist_ok=True)
    srv = STARTERS[o.major]()
    if srv is None:
        print(f"no server for {o.major}")
        return 2
    failures = 0

    def fail(step: str, text: str) -> None:
        nonlocal failures
        failures += 1
        print(f"=== FAIL {step}\n{text[:20000]}\n")

    try:
        a, b = srv.create_database(), srv.create_database()
        print(f"work dir {work}\nA = {a}\nB = {b}")
        with srv.admin() as conn:
            for role in filter(None, o.roles.split(",")):  # a name as it is (GNUmed's gm-dbo), or already quoted
                name = role if role.startswith('"') else psycopg.sql.Identifier(role).as_string(conn)
                conn.execute(f"DO $$ BEGIN CREATE ROLE {name} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        with psycopg.connect(a, autocommit=True) as conn:
            conn.execute(open(o.sql, encoding="utf-8").read())
        r = run(work, "inspect", "--database-url", a, "--output", "schema.yaml")
        if r.returncode != 0:
            fail("inspect A", r.stdout + r.stderr)
            return 1
        print("inspect:", r.stderr.strip()[-2000:])
        again = run(work, "inspect", "--database-url", a)
        if again.stdout != open(os.path.join(work, "schema.yaml"), encoding="utf-8").read():
            fail("inspect byte-stable", "second inspect differs")
        r = run(work, "generate", "--name", "create")
        if r.returncode != 0:
            fail("generate", r.stdout + r.stderr)
            return 1
        if r.stderr.strip():
            print("generate stderr:", r.stderr.strip()[:3000])
        t0 = time.perf_counter()
        home = _sqlx_home(a)
        if home is not None:  # A has no public: sqlx's table where the migration leaves public empty (sqlx.toml)
            with open(os.path.join(work, "sqlx.toml"), "w", encoding="utf-8") as f:
                f.write(f'[migrate]\ntable-name = "{home}._sqlx_migrations"\ncreate-schemas = ["{home}"]\n')
            r = run(work, "apply", "--database-url", b)
            if r.returncode != 0:
                fail("apply to B", r.stdout + r.stderr)
                return 1
        else:
            with psycopg.connect(b, autocommit=True) as conn:
                try:
                    apply_files(conn, Layout(os.path.join(work, "generated")).migrations())
                except Exception as e:  # noqa: BLE001 - report and stop
                    fail("apply to B", repr(e))
                    return 1
        TIMES["apply"] = time.perf_counter() - t0
        for label, target in (("A", a), ("B", b)):
            d = run(work, "diff", "--database-url", target)
            if d.returncode != 0:
                fail(f"diff {label}", d.stdout + d.stderr)
        fa, fb = fingerprint(a, ALL, order=True), fingerprint(b, ALL, order=True)
        if fa != fb:
            fail("catalog fingerprint A vs B", fingerprint_difference(fb, fa))
        oa, ob = objects(a), objects(b)
        if oa != ob:  # (what inspect lists as not managed is among the lost: read the two lists)
            print(f"object sweep: {len(oa)} objects in A, {len(ob)} in B\n  only in A: {sorted(set(oa) - set(ob))[:60]}"
                  f"\n  only in B: {sorted(set(ob) - set(oa))[:60]}")
        else:
            print(f"object sweep: the same {len(oa)} objects in A and B")
        ca, cb = set(comments(a)), set(comments(b))
        if ca != cb:
            fail("comment sweep A vs B (every pg_description entry by its object's identity)",
                 f"only in A: {sorted(ca - cb)[:40]}\nonly in B: {sorted(cb - ca)[:40]}")
        sa, sb = security_fingerprint(a), security_fingerprint(b)
        if sa != sb:
            fail("security fingerprint A vs B (owners, ACLs, default privileges, policies)", fingerprint_difference(sb, sa))
        ma, mb = member_acls(a), member_acls(b)
        if ma != mb:
            only = sorted(ma - mb)[:20] + [("B",) + x for x in sorted(mb - ma)[:20]]
            fail("extension members' access lists A vs B (schemac does not manage them)",
                 f"{len(ma - mb)} differ; first ones (A, then B):\n" + "\n".join(map(str, only)))
        va, vb = views_of(a), views_of(b)
        if va != vb:
            fail("views A vs B", "\n".join(f"{k}: A={va.get(k)!r}\n   B={vb.get(k)!r}" for k in sorted(set(va) | set(vb)) if va.get(k) != vb.get(k)))
        ib = run(work, "inspect", "--database-url", b)
        strip = lambda s: "\n".join(l for l in s.splitlines() if not l.startswith("#"))  # noqa: E731
        if strip(ib.stdout) != strip(again.stdout):
            import difflib
            fail("inspect B vs A", "\n".join(difflib.unified_diff(strip(again.stdout).splitlines(), strip(ib.stdout).splitlines(), "A", "B", lineterm="", n=2)))
        if o.counts:
            sqlx_table = psycopg.sql.Identifier(home or "public", "_sqlx_migrations").as_string()
            for label, target, skip in (("A", a, None), ("B", b, sqlx_table)):
                with psycopg.connect(target) as conn:
                    print(f"counts {label}:", dict(zip(COUNTED, conn.execute(COUNTS, {"skip": skip}).fetchone())))
        print("wall seconds (inspect: 3 runs, diff: 2):", ", ".join(f"{k} {v:.1f}" for k, v in TIMES.items()))
        print("RESULT:", "clean" if not failures else f"{failures} failing steps")
        return 0 if not failures else 1
    finally:
        if o.keep:
            print("server kept running:", srv.url, "\nto stop it:", srv.keep())
        else:
            srv.stop()


if __name__ == "__main__":
    sys.exit(main())
