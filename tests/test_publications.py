"""Publications on a real server: Supabase's shape (an empty publication, tables added ONLY), column lists,
row filters and TABLES IN SCHEMA read, written, created after their tables and compared with the tests' own
SQL; changes applied over rows (members added, dropped with their table or column, refiltered, options,
a rename); drift made by hand; the loader's errors."""

from __future__ import annotations

import re

import psycopg
import pytest

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SOURCE = """\
CREATE SCHEMA app;
CREATE TABLE public.messages (id bigint PRIMARY KEY, body text, status text NOT NULL, secret text);
CREATE TABLE public.events (id int PRIMARY KEY, kind text);
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TABLE public.child (note text) INHERITS (public.parent);
CREATE TABLE app.orders (id int PRIMARY KEY, state text);
CREATE PUBLICATION supabase_realtime WITH (publish = 'insert, update, delete, truncate');
ALTER PUBLICATION supabase_realtime ADD TABLE ONLY public.messages;
ALTER PUBLICATION supabase_realtime ADD TABLE ONLY public.events;
ALTER PUBLICATION supabase_realtime ADD TABLE public.parent;
CREATE PUBLICATION filtered FOR TABLE public.messages (id, status, secret) WHERE (status <> 'draft')
  WITH (publish = 'insert, update', publish_via_partition_root = true);
COMMENT ON PUBLICATION filtered IS 'what the search index reads';
CREATE PUBLICATION app_tables FOR TABLES IN SCHEMA app;
CREATE PUBLICATION everything FOR ALL TABLES WITH (publish = 'insert');
"""


def _publications(url):
    from catalog_oracle import QUERIES

    with psycopg.connect(url) as conn:
        return sorted(conn.execute(QUERIES["publications"]).fetchall())


def _migration(tmp_path, name):
    return "".join(p.read_text() for p in sorted((tmp_path / "generated" / "migrations").glob(f"*{name}*.sql")))


@pytest.mark.parametrize("major_db", [pytest.param("pg15"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg18", marks=pytest.mark.slow)], indirect=True)
def test_publications_round_trip(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "# Not managed" not in text, r.stderr + text
    assert "  supabase_realtime:\n    tables: [child, events, messages, parent]\n" in text, text
    assert "    tables:\n      - {table: messages, columns: [id, status, secret], where: \"(status <> 'draft'::text)\"}\n" \
        in text, text
    assert schemac("generate", "--name", "publications").returncode == 0
    sql = re.sub(r"^-- note: .*\n", "", _migration(tmp_path, "publications"), flags=re.M)  # (plan.rights' note)
    assert "THEN\n    CREATE PUBLICATION supabase_realtime FOR TABLE ONLY child, TABLE ONLY events, TABLE ONLY messages, " \
           "TABLE ONLY parent;\n  ELSE\n" in sql, sql  # (or joined, where the database has it: made_or_joined)
    assert sql.index("CREATE PUBLICATION") > sql.rindex("CREATE TABLE"), sql  # after the tables it names
    with sibling_database(major_db) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert _publications(b) == _publications(major_db)
        assert schemac("diff", "--database-url", b).returncode == 0
        assert schemac("diff", "--database-url", major_db).returncode == 0


def test_publication_changes_over_rows(tmp_path, db_url, schemac):
    """Each change applied over rows: a table dropped while published (membership first), a column of a
    column list dropped, a member refiltered, a schema's tables added, options changed, a rename, a switch
    to FOR ALL TABLES (drop and create), a column of a list and filter retyped (the member dropped and added
    around it); the result is what the tests' SQL builds from scratch."""
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE)
        conn.execute("INSERT INTO messages VALUES (1, 'hi', 'sent', 's'); INSERT INTO events VALUES (1, 'x');"
                     "INSERT INTO app.orders VALUES (1, 'new')")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert schemac("generate", "--name", "base").returncode == 0
    with sibling_database(db_url) as b:
        apply_all(b, str(tmp_path / "generated"))
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("INSERT INTO messages VALUES (1, 'hi', 'sent', 's'), (2, 'yo', 'draft', 't');"
                         "INSERT INTO app.orders VALUES (1, 'new')")
        edited = re.sub(r"  events:\n(    .*\n)+", "", text)  # the table goes, and with it its membership
        edited = edited.replace("tables: [child, events, messages, parent]", "tables: [child, messages, parent, app.orders]")
        edited = edited.replace("      secret: text\n", "")
        edited = edited.replace("status: {type: text, nullable: false}", "status: {type: varchar(40), nullable: false}")
        edited = edited.replace("columns: [id, status, secret], where: ", "columns: [id, status], where: ")
        edited = edited.replace("where: \"(status <> 'draft'::text)\"}", "where: \"status <> 'gone'\"}")
        edited = edited.replace("  filtered:\n", "  search_feed:\n    renamed_from: filtered\n")
        edited = edited.replace("    publish: [insert, update]\n", "    publish: [insert, update, delete]\n")
        edited = edited.replace("  app_tables:\n    tables_in_schema: [app]\n", "  app_tables:\n    all_tables: true\n")
        assert edited.count("search_feed") == 1 and "events" not in edited, edited
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        sql = _migration(tmp_path, "change")
        assert sql.index("ALTER PUBLICATION supabase_realtime DROP TABLE ONLY events") < sql.index("DROP TABLE events"), sql
        assert sql.index("DROP TABLE ONLY messages") < sql.index("DROP COLUMN secret"), sql
        # Postgres refuses to retype a column a column list or row filter names: the member leaves first
        assert sql.index("DROP TABLE ONLY messages") < sql.index("ALTER COLUMN status SET DATA TYPE") < \
            sql.index("ADD TABLE ONLY messages (id, status)"), sql
        assert "ALTER PUBLICATION filtered RENAME TO search_feed" in sql, sql
        apply_all(b, str(tmp_path / "generated"))
        assert schemac("diff", "--database-url", b).returncode == 0
        with psycopg.connect(b) as conn:  # the rows stay
            assert conn.execute("SELECT id, body, status FROM messages ORDER BY id").fetchall() == \
                [(1, "hi", "sent"), (2, "yo", "draft")]
            assert conn.execute("SELECT state FROM app.orders").fetchall() == [("new",)]
        expected = edited.split("publications:", 1)[1]
        with sibling_database(db_url) as c:  # the same publications built by the tests' own SQL
            with psycopg.connect(c, autocommit=True) as conn:
                conn.execute("CREATE SCHEMA app; CREATE TABLE messages (id bigint PRIMARY KEY, body text, status varchar(40));"
                             "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (note text) INHERITS (parent);"
                             "CREATE TABLE app.orders (id int PRIMARY KEY, state text);"
                             "CREATE PUBLICATION supabase_realtime FOR TABLE ONLY child, ONLY messages, ONLY parent, "
                             "ONLY app.orders;"
                             "CREATE PUBLICATION search_feed FOR TABLE messages (id, status) WHERE (status <> 'gone') "
                             "WITH (publish = 'insert, update, delete', publish_via_partition_root = true);"
                             "COMMENT ON PUBLICATION search_feed IS 'what the search index reads';"
                             "CREATE PUBLICATION app_tables FOR ALL TABLES;"
                             "CREATE PUBLICATION everything FOR ALL TABLES WITH (publish = 'insert')")
            assert _publications(b) == _publications(c), expected


def test_a_schema_only_a_publication_names_and_an_empty_publish(tmp_path, db_url, schemac):
    """`public` holds nothing schema.yaml declares but a publication publishes its tables: diff still reads it;
    `publish: []` is `publish = ''` (pg_dump's own test has both), not the default."""
    (tmp_path / "schema.yaml").write_text(
        "tables:\n  orders: {schema: app, columns: {id: integer}}\npublications:\n"
        "  app_and_public:\n    tables_in_schema: [app, public]\n  paused:\n    all_tables: true\n    publish: []\n")
    assert schemac("generate", "--name", "pubs").returncode == 0
    from sqlx_project import apply_all
    apply_all(db_url, str(tmp_path / "generated"))
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT pubinsert OR pubupdate OR pubdelete OR pubtruncate FROM pg_publication "
                            "WHERE pubname = 'paused'").fetchone() == (False,)
        assert conn.execute("SELECT array_agg(pnnspid::regnamespace::text ORDER BY 1) FROM pg_publication_namespace"
                            ).fetchone() == (["app", "public"],)
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 0, d.stdout + d.stderr
    assert schemac("inspect", "--database-url", db_url, "--output", "again.yaml").returncode == 0
    assert "    publish: []\n" in (tmp_path / "again.yaml").read_text()


def test_an_owner_that_is_no_role_is_named_at_its_line(tmp_path, db_url, schemac):
    (tmp_path / "schema.yaml").write_text("tables:\n  t: {columns: {id: integer}}\npublications:\n  p:\n"
                                          "    tables: [t]\n    owner: no_such_role\n")
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 1 and "role no_such_role does not exist" in d.stdout and "[schema.yaml:4]" in d.stdout, \
        d.stdout + d.stderr


def test_publication_drift_made_by_hand(tmp_path, db_url, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    (tmp_path / "schema.yaml").write_text(text.replace("  everything:\n", "  everything:\n    owner: nobody_here\n")
                                          .replace("nobody_here", "postgres"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE schemac_pub_owner SUPERUSER")
        try:
            conn.execute("ALTER PUBLICATION supabase_realtime DROP TABLE events")
            conn.execute("ALTER PUBLICATION everything OWNER TO schemac_pub_owner")
            conn.execute("CREATE PUBLICATION extra")
            conn.execute("COMMENT ON PUBLICATION filtered IS NULL")
            d = schemac("diff", "--database-url", db_url, "--format", "json")
            assert d.returncode == 1, d.stdout + d.stderr
            found = sorted(re.findall(r'"kind": "(\w+)"', d.stdout))
            assert found == ["comment_changed", "owner_changed", "publication_changed", "unexpected_publication"], d.stdout
            fix = schemac("diff", "--database-url", db_url, "--sql")
            assert "ALTER PUBLICATION supabase_realtime ADD TABLE ONLY events" in fix.stdout, fix.stdout
            assert "ALTER PUBLICATION everything OWNER TO postgres" in fix.stdout, fix.stdout
        finally:
            conn.execute("DROP PUBLICATION IF EXISTS everything")
            conn.execute("DROP ROLE schemac_pub_owner")


@pytest.mark.parametrize("text,line,message", [
    ("publications:\n  p:\n    tables: [nope]\n", 3, "names table public.nope, which schema.yaml does not declare"),
    ("publications:\n  p:\n    tables: [{table: t, columns: [zz]}]\n", 3, "names column 'zz'"),
    ("publications:\n  p:\n    tables: [{table: t, where: 'zz > 0'}]\n", 3, "names column 'zz'"),
    ("publications:\n  p:\n    tables: [t, public.t]\n", 3, "lists table public.t twice"),
    ("publications:\n  p:\n    all_tables: true\n    tables: [t]\n", 3, "all_tables publishes every table"),
    ("publications:\n  p:\n    publish: [insert, upsert]\n", 3, "lists 'upsert'"),
    ("publications:\n  p:\n    owner: public\n", 3, "must be a role, not PUBLIC"),
    ("publications:\n  p:\n    tables: t\n", 3, "must be a list"),
])
def test_loader_errors(text, line, message):
    with pytest.raises(SchemaFileError) as e:
        load_text("tables:\n  t: {columns: {id: integer}}\n" + text, "schema.yaml")
    assert f"schema.yaml:{line + 2}:" in str(e.value) and message in str(e.value), str(e.value)


def test_a_subscription_is_listed_by_name_and_its_connection_string_never_read(tmp_path, db_url, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY)")
        conn.execute("CREATE SUBSCRIPTION upstream CONNECTION 'host=primary.invalid dbname=app password=s3cret-pw' "
                     "PUBLICATION supabase_realtime WITH (connect = false, slot_name = NONE, enabled = false)")
    try:
        r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
        text = (tmp_path / "schema.yaml").read_text()
        assert r.returncode == 0 and "#   subscription (1): upstream\n" in text, r.stderr + text
        d = schemac("diff", "--database-url", db_url, "--strict", "--format", "json")
        assert d.returncode == 1 and '"name": "upstream"' in d.stdout, d.stdout
        assert not any("s3cret" in out or "primary.invalid" in out for out in (text, r.stderr, d.stdout, d.stderr))
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("DROP SUBSCRIPTION upstream")


@pytest.mark.slow  # CREATE EXTENSION postgis takes seconds
@pytest.mark.parametrize("major_db", [pytest.param("pg15")], indirect=True)
def test_an_extensions_table_in_a_publication_is_left_out(tmp_path, major_db, schemac):
    """schema.yaml cannot declare an extension's table (PostGIS's spatial_ref_sys): inspect leaves it out of the
    publication, which then loads and diffs clean."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
            pytest.skip("PostGIS is not installed for this server")
        conn.execute("CREATE EXTENSION postgis; CREATE TABLE places (id int PRIMARY KEY);"
                     "CREATE PUBLICATION maps FOR TABLE spatial_ref_sys, places")
    assert schemac("inspect", "--database-url", major_db, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert "  maps:\n    tables: [places]\n" in text, text
    d = schemac("diff", "--database-url", major_db)
    assert d.returncode == 0, d.stdout + d.stderr


def test_a_publication_renamed_aside_keeps_its_oid_a_new_one_made_under_its_name(tmp_path, db_url):
    """feed renamed_from aside as feed_old while schema.yaml makes a new feed (the new one first in schema.yaml):
    feed renamed (its OID and members kept), then the new feed made. Before, the hint was dropped silently: feed was
    altered in place into the new one and feed_old made anew."""
    from schemac.commands.diff import check_drift
    from sqlx_project import generated_and_applied

    tables = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n" \
             "  u:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    generated_and_applied(tmp_path, db_url, tables + "publications:\n  feed:\n    tables: [t]\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        oid = conn.execute("SELECT oid FROM pg_publication WHERE pubname = 'feed'").fetchone()[0]
    sql = generated_and_applied(tmp_path, db_url, tables + "publications:\n  feed:\n    tables: [u]\n"
                                "  feed_old:\n    renamed_from: feed\n    tables: [t]\n")
    assert "ALTER PUBLICATION feed RENAME TO feed_old" in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT p.pubname::text, p.oid = %s, array_agg(r.prrelid::regclass::text) FROM pg_publication p"
                            " JOIN pg_publication_rel r ON r.prpubid = p.oid GROUP BY 1, 2 ORDER BY 1", (oid,)
                            ).fetchall() == [("feed", False, ["u"]), ("feed_old", True, ["t"])]
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


_THREE = ("tables:\n" + "".join(f"  {t}:\n    columns:\n      id: {{type: integer, primary_key: true}}\n" for t in "tuv")
          + "publications:\n")


@pytest.mark.parametrize("before, after, names", [
    ("  a:\n    tables: [t]\n  c:\n    tables: [u]\n",
     "  b:\n    renamed_from: a\n    tables: [t]\n  a:\n    renamed_from: c\n    tables: [u]\n",
     {"a": "c", "b": "a"}),
    ("  a:\n    tables: [t]\n  c:\n    tables: [u]\n",
     "  a:\n    renamed_from: c\n    tables: [u]\n  b:\n    renamed_from: a\n    tables: [t]\n",
     {"a": "c", "b": "a"}),
    ("  a:\n    tables: [t]\n  b:\n    tables: [u]\n",
     "  a:\n    renamed_from: b\n    tables: [u]\n  b:\n    renamed_from: a\n    tables: [t]\n",
     {"a": "b", "b": "a"}),
    ("  a:\n    tables: [t]\n  b:\n    tables: [u]\n  c:\n    tables: [v]\n",
     "  a:\n    renamed_from: c\n    tables: [v]\n  b:\n    renamed_from: a\n    tables: [t]\n"
     "  c:\n    renamed_from: b\n    tables: [u]\n",
     {"a": "c", "b": "a", "c": "b"}),
], ids=["chain", "chain-listed-first", "swap", "rotation"])
def test_publications_renamed_in_a_chain_or_a_cycle_keep_their_oids(tmp_path, db_url, server, before, after, names):
    """Publications renamed along a chain (a -> b while c -> a) or a cycle (a <-> b, a rotation), in either order of
    schema.yaml: each renamed, one of a cycle through a scratch name, OIDs and members kept; generate then has nothing
    to do (state.json records the hints; rebuild-state keeps a cycle's, which no catalog records, where the replay
    made it) and diff against the database is clean. Before, a rename to a name held was
    dropped silently: c dropped and a new a made (the chain), or each altered in place into the other (the cycle)."""
    from schemac.commands.diff import check_drift
    from schemac.commands.generate import generate
    from schemac.commands.rebuild import rebuild_state
    from sqlx_project import generated_and_applied

    generated_and_applied(tmp_path, db_url, _THREE + before)
    read = "SELECT p.pubname::text, p.oid, array_agg(r.prrelid::regclass::text) FROM pg_publication p " \
           "JOIN pg_publication_rel r ON r.prpubid = p.oid GROUP BY 1, 2 ORDER BY 1"
    with psycopg.connect(db_url, autocommit=True) as conn:
        was = {name: (oid, tables) for name, oid, tables in conn.execute(read).fetchall()}
    sql = generated_and_applied(tmp_path, db_url, _THREE + after)
    assert "DROP PUBLICATION" not in sql and "CREATE PUBLICATION" not in sql, sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert {name: (oid, tables) for name, oid, tables in conn.execute(read).fetchall()} == \
            {new: was[old] for new, old in names.items()}, sql
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
    for rebuilt in (False, True):
        if rebuilt:
            rebuild_state(str(tmp_path / "generated"), dev_url=server.url)
        again = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True)
        assert again.status == "unchanged", (rebuilt, again.sql)
        if not rebuilt:  # (each hint said done, as other kinds' are: compare.notices)
            done = [n for n in again.notices if "has done its work" in n]
            assert len(done) == len(names), again.notices
            kind = "of a swap or rotation of names" if set(names) == set(names.values()) else "of a chain of renames"
            assert any(kind in n for n in done), done


def test_publication_rename_hints_are_said_done_or_ignored(tmp_path, db_url):
    """A publication's `renamed_from` whose rename a migration made is said to have done its work (generate) and to be
    removable where the database has it (diff); one naming no publication recorded is said ignored: as every other
    kind's hints. Before, compare.notices said nothing of publications' hints."""
    from schemac.commands.diff import check_drift
    from schemac.commands.generate import generate
    from sqlx_project import generated_and_applied

    tables = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    generated_and_applied(tmp_path, db_url, tables + "publications:\n  feed:\n    tables: [t]\n")
    after = tables + "publications:\n  news:\n    renamed_from: feed\n    tables: [t]\n  other:\n" \
        "    renamed_from: nosuch\n    tables: [t]\n"
    (tmp_path / "schema.yaml").write_text(after, encoding="utf-8")
    first = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True)
    assert any("renamed_from 'nosuch' ignored: no such publication in the recorded schema" in n
               for n in first.notices), first.notices
    sql = generated_and_applied(tmp_path, db_url, after)
    assert "ALTER PUBLICATION feed RENAME TO news" in sql, sql
    again = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), dry_run=True)
    assert again.status == "unchanged", again.sql
    assert any("renamed_from 'feed' has done its work: the recorded schema has publication news and no feed" in n
               for n in again.notices), again.notices
    drift = check_drift(str(tmp_path / "schema.yaml"), db_url)
    assert drift.differences == ()
    assert any("renamed_from 'feed' can be removed: this database has the rename (publication news, no feed)" in n
               for n in drift.notices), drift.notices
    assert any("renamed_from 'nosuch' has done its work" in n for n in again.notices)  # (other made: the hint moot)
