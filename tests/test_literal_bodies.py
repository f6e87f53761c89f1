"""Bodies and view queries with trailing blanks or tabs: `inspect` writes them as literal blocks (|), readable in a
pull request, and the round trip stays byte-exact (the oracle: pg_proc.prosrc and pg_get_viewdef, read by SQL)."""

from __future__ import annotations

import psycopg
import yaml
from sqlx_project import apply_all


BODY = "\nDECLARE x integer;\nBEGIN\n  x := 1;   \n\tRETURN x;\t\n  \nEND "  # trailing blanks and tabs, a blank-only line, no final break
CRLF = "BEGIN\r\n  RETURN 1;\r\nEND"  # a carriage return: a literal block cannot keep it, it stays escaped

SETUP = f"""
CREATE SCHEMA lit;
CREATE FUNCTION lit.spaced() RETURNS integer LANGUAGE plpgsql AS $b${BODY}$b$;
CREATE FUNCTION lit.crlf() RETURNS integer LANGUAGE plpgsql AS $b${CRLF}$b$;
CREATE FUNCTION lit.tab_first() RETURNS integer LANGUAGE sql AS $b$\tSELECT 1 \n\t+ 1$b$;  -- libyaml wants |2 here
CREATE VIEW lit.tabbed AS SELECT 'a\tb' AS tab, 'line  \nnext' AS two;
"""

_TEXTS = ("SELECT p.proname, p.prosrc FROM pg_proc p WHERE p.pronamespace = 'lit'::regnamespace UNION ALL "
          "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relnamespace = 'lit'::regnamespace "
          "AND c.relkind = 'v' ORDER BY 1")


def _texts(url: str) -> dict:
    with psycopg.connect(url) as conn:
        return dict(conn.execute(_TEXTS).fetchall())


def test_trailing_blanks_and_tabs_are_written_as_literal_blocks(tmp_path, db_url, schemac):
    from catalog_oracle import sibling_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SETUP)
    expected = _texts(db_url)
    assert expected["spaced"].endswith("END ") and "\t" in expected["tabbed"]
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "schema.yaml").read_text()
    # readable: the lines as written in the database, not one escaped string
    assert "  x := 1;   \n" in text and "\tRETURN x;\t\n" in text and "\\t" not in text, text
    assert "'a\tb'" in text and "'line  \n" in text, text
    assert "body: |2-\n      \tSELECT 1 \n      \t+ 1\n" in text, text
    assert '"BEGIN\\r\\n  RETURN 1;\\r\\nEND"' in text, text
    # exact: YAML's reading of the file (PyYAML's and libyaml's) is the catalog's text
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        doc = yaml.load(text, Loader=loader)
        assert sorted(f["body"] for f in doc["functions"].values()) == sorted(expected[f] for f in ("spaced", "crlf", "tab_first"))
        # (inspect writes a view's query without pg_get_viewdef's leading blank and final semicolon)
        assert [v["query"] for v in doc["views"].values()] == [expected["tabbed"].strip().rstrip(";")]
    assert schemac("diff", "--database-url", db_url).returncode == 0
    r = schemac("generate", "--name", "literal")
    assert r.returncode == 0, r.stdout + r.stderr
    with sibling_database(db_url) as b:
        apply_all(b, tmp_path / "generated")
        assert _texts(b) == expected
        assert schemac("diff", "--database-url", b).returncode == 0
    r = schemac("generate", "--check")
    assert r.returncode == 0, r.stdout + r.stderr
