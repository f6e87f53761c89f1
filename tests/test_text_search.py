"""Text search configurations on a real server: a configuration an index and a generated column name
('app.english_simple'::regconfig) is read, written, created before them and compared; a mapping change
is made in place over rows (the index and column that name it stay); the loader's errors."""

from __future__ import annotations

import psycopg
import pytest
from pairs import load_pairs

from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

SOURCE = """\
CREATE SCHEMA app;
CREATE TEXT SEARCH CONFIGURATION app.english_simple (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION app.english_simple ALTER MAPPING FOR asciiword WITH simple;
COMMENT ON TEXT SEARCH CONFIGURATION app.english_simple IS 'keeps ascii words as they are';
CREATE TABLE app.notes (
  id integer PRIMARY KEY,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('app.english_simple'::regconfig, body)) STORED
);
CREATE INDEX notes_fts ON app.notes USING gin (to_tsvector('app.english_simple'::regconfig, body));
CREATE FUNCTION app.simple_tsvector(text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT to_tsvector('app.english_simple', $1) $$;
CREATE FUNCTION app.notes_tsvector(text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT app.simple_tsvector($1) $$;
CREATE INDEX notes_fts_called ON app.notes USING gin (app.notes_tsvector(body));
CREATE MATERIALIZED VIEW app.note_words AS SELECT id, to_tsvector('app.english_simple'::regconfig, body) AS words
  FROM app.notes;
CREATE MATERIALIZED VIEW app.note_words_called AS SELECT id, app.notes_tsvector(body) AS words FROM app.notes;
"""


def _configs(url):
    """Each configuration's parser and mappings (token type -> dictionaries), by the oracle's own SQL."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.cfgname, c.cfgparser::regproc::text, t.alias, string_agg(m.mapdict::regdictionary::text, ',' "
            "ORDER BY m.mapseqno) FROM pg_ts_config c JOIN pg_ts_config_map m ON m.mapcfg = c.oid "
            "JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype WHERE c.cfgnamespace = 'app'::regnamespace "
            "GROUP BY 1, 2, 3").fetchall()
        comments = conn.execute("SELECT obj_description(oid, 'pg_ts_config') FROM pg_ts_config "
                                "WHERE cfgnamespace = 'app'::regnamespace").fetchall()
    return sorted(rows), comments


def test_text_search_configuration_round_trip_and_mapping_change(tmp_path, db_url, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "text_search_configs:" in text and "asciiword: [simple]" in text, r.stderr + text
    assert schemac("generate", "--name", "fts").returncode == 0
    expected = _configs(db_url)
    with sibling_database(db_url) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert _configs(b) == expected
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("INSERT INTO app.notes (id, body) VALUES (1, 'running dogs'), (2, 'jumping cats')")
            conn.execute("REFRESH MATERIALIZED VIEW app.note_words")
            assert conn.execute("SELECT tsv::text FROM app.notes WHERE id = 1").fetchone()[0] == "'dogs':2 'running':1"
        assert schemac("diff", "--database-url", b).returncode == 0
        # words stemmed again: ALTER MAPPING in place, the index and generated column that name it stay, and the
        # index over a function whose body names it (MusicBrainz's mb_simple_tsvector, probe55a): each keeps the old
        # lexemes, which generate says (it said nothing)
        (tmp_path / "schema.yaml").write_text(text.replace("asciiword: [simple]", "asciiword: [english_stem]"))
        r = schemac("generate", "--name", "stem_words")
        assert r.returncode == 0, r.stdout + r.stderr
        why = "is computed through text search configuration app.english_simple, whose mappings change"
        assert f"warning: index app.notes_fts on app.notes {why}, and keeps what the old one made: run REINDEX INDEX " \
               "app.notes_fts;" in r.stderr, r.stderr
        assert f"warning: index app.notes_fts_called on app.notes {why}, by app.simple_tsvector, and keeps " \
               "what the old one made: run REINDEX INDEX app.notes_fts_called;" in r.stderr, r.stderr
        assert f"warning: generated column app.notes.tsv {why}, and keeps what the old one made: run UPDATE " \
               "app.notes SET body = body;" in r.stderr, r.stderr
        assert f"warning: materialized view app.note_words {why}, and keeps what the old one made: run REFRESH " \
               "MATERIALIZED VIEW app.note_words;" in r.stderr, r.stderr
        assert f"warning: materialized view app.note_words_called {why}, by app.simple_tsvector, and keeps what the " \
               "old one made: run REFRESH MATERIALIZED VIEW app.note_words_called;" in r.stderr, r.stderr
        sql = "".join(p.read_text() for p in sorted((tmp_path / "generated" / "migrations").glob("*stem_words*.sql")))
        assert "ALTER TEXT SEARCH CONFIGURATION app.english_simple ALTER MAPPING FOR asciiword WITH english_stem" in sql, sql
        assert "DROP" not in sql, sql
        apply_all(b, str(tmp_path / "generated"))
        with psycopg.connect(b) as conn:
            assert conn.execute("SELECT to_tsvector('app.english_simple', 'running dogs')::text").fetchone()[0] == \
                "'dog':2 'run':1"
            assert conn.execute("SELECT count(*) FROM app.notes").fetchone()[0] == 2
            assert conn.execute("SELECT tsv::text FROM app.notes WHERE id = 1").fetchone()[0] == "'dogs':2 'running':1"
            conn.execute("UPDATE app.notes SET body = body")  # (the warning's statement)
            assert conn.execute("SELECT tsv::text FROM app.notes WHERE id = 1").fetchone()[0] == "'dog':2 'run':1"
            assert conn.execute("SELECT words::text FROM app.note_words WHERE id = 1").fetchone()[0] == \
                "'dogs':2 'running':1"
            conn.execute("REFRESH MATERIALIZED VIEW app.note_words")  # (the warning's statement)
            assert conn.execute("SELECT words::text FROM app.note_words WHERE id = 1").fetchone()[0] == "'dog':2 'run':1"
        assert dict((a, d) for _, _, a, d in _configs(b)[0])["asciiword"] == "english_stem"
        assert schemac("diff", "--database-url", b).returncode == 0
        # drift by hand is reported
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("ALTER TEXT SEARCH CONFIGURATION app.english_simple DROP MAPPING FOR email")
        d = schemac("diff", "--database-url", b)
        assert d.returncode == 1 and "text search config app.english_simple" in d.stdout, d.stdout


@pytest.mark.parametrize("text,line,message", [
    ("text_search_configs:\n  c:\n    mappings: {word: []}\n", 3, "token type word needs at least one dictionary"),
    ("text_search_configs:\n  c:\n    parser: a.b.c\n", 3, "'a.b.c' is not a name"),
    ("text_search_configs:\n  c:\n    copy: english\n", 3, "copy"),
    ("text_search_configs:\n  c: {}\n  d:\n    name: c\n", 3, "text search config public.c is declared twice"),
    ("text_search_dictionaries:\n  d:\n    options: {language: english}\n", 3, "needs the key 'template'"),
    ("text_search_dictionaries:\n  d:\n    template: snowball\n    options: {Language: english}\n", 4,
     "'Language' is not an option name"),
])
def test_loader_errors(text, line, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert f"schema.yaml:{line}:" in str(e.value) and message in str(e.value), str(e.value)


DICTIONARIES = """\
CREATE TEXT SEARCH DICTIONARY english_nostop (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH DICTIONARY plain (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
COMMENT ON TEXT SEARCH DICTIONARY plain IS 'stop words dropped, the rest passed on';
CREATE TEXT SEARCH CONFIGURATION english_all (COPY = english);
ALTER TEXT SEARCH CONFIGURATION english_all ALTER MAPPING FOR asciiword WITH plain, english_nostop;
CREATE TABLE docs (id int PRIMARY KEY, body text);
CREATE INDEX docs_fts ON docs USING gin (to_tsvector('english_all'::regconfig, body));
"""


def _dictionaries(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT dictname, dicttemplate::regproc::text, dictinitoption, obj_description(oid, 'pg_ts_dict'), "
                            "(SELECT tmplname FROM pg_ts_template WHERE oid = dicttemplate) FROM pg_ts_dict "
                            "WHERE dictnamespace = 'public'::regnamespace ORDER BY 1").fetchall()


def test_text_search_dictionaries_round_trip_and_options_change(tmp_path, db_url, schemac):
    """Dictionaries a configuration maps to: created before it, options changed in place (one reset)."""
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(DICTIONARIES)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "asciiword: [public.plain, public.english_nostop]" in text, r.stderr + text
    assert "2 text search dictionaries, 1 text search configuration," in r.stderr, r.stderr  # inspect's summary
    assert schemac("generate", "--name", "dicts").returncode == 0
    expected = _dictionaries(db_url)
    with sibling_database(db_url) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert _dictionaries(b) == expected and _configs_public(b) == _configs_public(db_url)
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("INSERT INTO docs VALUES (1, 'the running dogs')")
            assert conn.execute("SELECT to_tsvector('english_all', 'the running dogs')::text").fetchone()[0] == \
                "'dog':3 'run':2"
        assert schemac("diff", "--database-url", b).returncode == 0
        (tmp_path / "schema.yaml").write_text(text.replace("{stopwords: english, accept: 'false'}", "{accept: 'true'}"))
        r = schemac("generate", "--name", "keep_stop_words")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "warning: index docs_fts on docs is computed through text search configuration english_all, whose " \
               "dictionary plain changes its options, and keeps what the old one made: run REINDEX INDEX docs_fts;" \
               in r.stderr, r.stderr  # (the stop words it left out are words now: probe55a)
        apply_all(b, str(tmp_path / "generated"))
        with psycopg.connect(b) as conn:
            assert conn.execute("SELECT dictinitoption FROM pg_ts_dict WHERE dictname = 'plain'").fetchone()[0] == \
                "accept = 'true'"
            assert conn.execute("SELECT to_tsvector('english_all', 'the dogs')::text").fetchone()[0] == "'dogs':2 'the':1"
        assert schemac("diff", "--database-url", b).returncode == 0


def _configs_public(url, name="english_all"):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT t.alias, string_agg(m.mapdict::regdictionary::text, ',' ORDER BY m.mapseqno) "
                            "FROM pg_ts_config c JOIN pg_ts_config_map m ON m.mapcfg = c.oid JOIN ts_token_type(c.cfgparser) t "
                            "ON t.tokid = m.maptokentype WHERE c.cfgname = %s GROUP BY 1 ORDER BY 1", (name,)).fetchall()


# A definition Postgres has no ALTER for is refused by generate in one line at its schema.yaml line (the project's
# standard for refusals); the configuration's, the collation's and the range type's refusals named no file:line before
# (nor did the dictionary's template change, which is made now: the test below). A collation or range type nothing
# uses is made again (design44: tests/fixtures/pairs/types.sql): here a table's column uses each. A collation a range type
# uses (set aside under a column: compare.collation_asides; a range type's collation cannot move).
_USED_BY_T = "tables:\n  t:\n    columns: {{n: {{type: {}}}}}\n"
_RANGED = "range_types:\n  r: {subtype: text, collation: c}\n" + _USED_BY_T.format("r")
@pytest.mark.parametrize("before,after,message", [
    ("text_search_configs:\n  c: {parser: default}\n", "text_search_configs:\n  c: {parser: ngram}\n",
     "schema.yaml:2:3: text search configuration public.c: its parser cannot change in place"),
    ("collations:\n  c: {locale: C}\n" + _RANGED, "collations:\n  c: {locale: POSIX}\n" + _RANGED,
     "schema.yaml:2:3: collation public.c: its definition cannot change in place"),
    ("range_types:\n  r: {subtype: integer}\n" + _USED_BY_T.format("r"),
     "range_types:\n  r: {subtype: bigint}\n" + _USED_BY_T.format("r"),
     "schema.yaml:2:3: range type public.r: its definition cannot change in place"),
], ids=["config-parser", "collation", "range-type"])
def test_a_definition_without_alter_is_refused_at_its_line(schemac, tmp_path, before, after, message):
    (tmp_path / "schema.yaml").write_text(before, encoding="utf-8")
    assert schemac("generate").returncode == 0
    (tmp_path / "schema.yaml").write_text(after, encoding="utf-8")
    run = schemac("generate", "--allow-destructive")
    line = run.stderr.strip()
    assert run.returncode == 2 and run.stdout == "" and "\n" not in line, run
    assert line.startswith("schemac: error: " + message), line
    assert len(list((tmp_path / "generated" / "migrations").iterdir())) == 1  # nothing written


# The pair's old side (tests/fixtures/pairs/realworld.sql): a configuration mapping to a snowball dictionary, a table with
# a generated tsvector column and a GIN index over to_tsvector of it, and rows.
RETEMPLATED_PAIR = "rw-text-search-dictionary-given-another-template-under-a-configuration-an-index-and-a-generated-column"


def _retemplated_state(url):
    """The dictionary's template, options and comment (pg_ts_dict), the configuration's OID and mappings in order
    (pg_ts_config_map), the index's OID, the stored tsvectors, and the dictionaries of public."""
    with psycopg.connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        return (one("SELECT t.tmplname, d.dictinitoption, obj_description(d.oid, 'pg_ts_dict') FROM pg_ts_dict d "
                    "JOIN pg_ts_template t ON t.oid = d.dicttemplate WHERE d.dictname = 'zu_dict'"),
                one("SELECT 'public.zu_search'::regconfig::oid, 'public.messages_fts'::regclass::oid"),
                _configs_public(url, "zu_search"),
                one("SELECT id, search_tsvector::text FROM messages ORDER BY id"),
                one("SELECT dictname FROM pg_ts_dict WHERE dictnamespace = 'public'::regnamespace ORDER BY 1"))


@pytest.mark.parametrize("major_db", [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg15", marks=pytest.mark.slow)], indirect=True)
def test_a_dictionary_given_another_template_is_made_anew_under_its_configuration(tmp_path, major_db, schemac):
    """A dictionary's template changed (probe33d: a Zulip-style schema's ispell dictionary made simple-based): generate
    refused it ('create a new dictionary'). Now it is made anew under a scratch name, the configuration's mappings
    pointed at it in place, the old one dropped and the new renamed, over a table whose generated tsvector column and
    GIN index name the configuration; generate warns of their stored values. Oracle: pg_ts_dict, pg_ts_config_map
    (same OID, same mappings in order), the index's OID and the stored values kept; to_tsvector uses the new one."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(next(p.old for p in load_pairs() if p.id == RETEMPLATED_PAIR))
    assert schemac("inspect", "--database-url", major_db, "--output", "schema.yaml").returncode == 0
    assert schemac("generate", "--name", "old").returncode == 0
    old_files = {m.path for m in Layout(str(tmp_path / "generated")).migrations()}  # not applied: the database is the old schema
    text = (tmp_path / "schema.yaml").read_text()
    edited = text.replace("template: snowball", "template: simple").replace("{language: english}", "{stopwords: english}")
    assert edited.count("simple") > text.count("simple") and "stopwords" in edited, text
    (tmp_path / "schema.yaml").write_text(edited)
    before = _retemplated_state(major_db)
    assert before[0] == [("snowball", "language = 'english'", "stems")], before
    r = schemac("generate", "--name", "retemplated")
    assert r.returncode == 0, r.stderr
    assert "warning: index messages_fts on messages is computed through text search configuration zu_search, whose " \
           "dictionary zu_dict changes its template" in r.stderr and "run REINDEX INDEX messages_fts;" in r.stderr, r.stderr
    assert "warning: generated column messages.search_tsvector" in r.stderr and \
           "run UPDATE messages SET body = body;" in r.stderr, r.stderr
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(str(tmp_path / "generated")).migrations() if m.path not in old_files],
                    record=False)
    after = _retemplated_state(major_db)
    assert after[0] == [("simple", "stopwords = 'english'", "stems")], after
    assert after[1:] == before[1:], (before, after)  # the configuration, its index and the stored values stay
    assert after[2][0] == ("asciihword", "zu_dict,simple") and after[4] == [("zu_dict",)], after
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert conn.execute("SELECT to_tsvector('public.zu_search', 'the running dogs')::text").fetchone()[0] == \
            "'dogs':3 'running':2"
        conn.execute("UPDATE public.messages SET body = body")  # the warning's statement
        assert conn.execute("SELECT search_tsvector::text FROM messages WHERE id = 1").fetchone()[0] == \
            "'dogs':3 'running':2"
    assert schemac("diff", "--database-url", major_db).returncode == 0


def test_the_oracle_sees_a_dictionarys_options_and_a_configurations_mappings(db_url):
    """tests/catalog_oracle.py reads a dictionary's options (pg_ts_dict.dictinitoption) and a configuration's mappings
    (pg_ts_config_map): two databases that differ only in one of them differ in exactly that kind."""
    from catalog_oracle import told_apart

    base = ("CREATE TEXT SEARCH DICTIONARY d (TEMPLATE = simple, STOPWORDS = english, ACCEPT = false);"
            "CREATE TEXT SEARCH CONFIGURATION c (COPY = pg_catalog.english);"
            "ALTER TEXT SEARCH CONFIGURATION c ALTER MAPPING FOR asciiword WITH d, english_stem;")
    edits = {"text_search_dictionaries": ("ACCEPT = false", "ACCEPT = true"),
             "text_search_configurations": ("WITH d, english_stem", "WITH english_stem, d")}
    assert told_apart(db_url, base, edits) == {kind: [kind] for kind in edits}
