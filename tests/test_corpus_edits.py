"""The corpus schemas written here (tests/fixtures/corpus: saas, eventlog, analytics) edited the way an
application's schema is, each edit generated and applied over the schema's rows (its rows.sql).

Each edit is a list of replacements in schema.sql: the old schema is schema.sql with its rows, the new
one schema.sql with the replacements made. The judge is test_pairs' (the same function): the migration
applies over the rows, `diff` is clean, a second `generate` writes nothing, the catalog (the tests' own
oracle) equals the new schema built from scratch, and every kept column keeps its values. Each edit
runs on one major by default (in turn), on 18, 16 and 15 under `-m slow`.
"""

from __future__ import annotations

import os

import pytest
from conftest import each_case_on_one_major
from pairs import Pair
from test_pairs import test_pair_applies_over_rows_and_converges as converges

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "corpus")

# (id, sample, [(old text, new text), ...]): every old text must occur in schema.sql.
EDITS = [
    # A column retyped under three levels of views, a materialized view with indexes and a CHECK.
    ("eventlog-quantity-retyped-under-views", "eventlog",
     [("quantity integer NOT NULL CHECK (quantity > 0)", "quantity bigint NOT NULL CHECK (quantity > 0)")]),
    # A function's signature changed under a view that calls it (and an overload that calls it).
    ("eventlog-function-signature-under-view", "eventlog",
     [("CREATE FUNCTION shop.order_total(p_order bigint) RETURNS numeric",
       "CREATE FUNCTION shop.order_total(p_order bigint, p_with_cancelled boolean DEFAULT false) RETURNS numeric")]),
    # A trigger function replaced by one of another name: every trigger executing it moves.
    ("eventlog-trigger-function-renamed", "eventlog",
     [("CREATE FUNCTION shop.touch()", "CREATE FUNCTION shop.touch_row()"),
      ("EXECUTE FUNCTION shop.touch();", "EXECUTE FUNCTION shop.touch_row();")]),
    # The middle view of three dropped; the top one now reads the bottom one.
    ("eventlog-middle-view-dropped", "eventlog",
     [("""CREATE VIEW shop.customer_ltv AS
    SELECT c.id, c.email, c.country,
           count(t.order_id) FILTER (WHERE t.state <> 'cancelled') AS orders,
           sum(t.total) FILTER (WHERE t.state IN ('paid', 'shipped', 'delivered')) AS lifetime_value,
           rank() OVER (PARTITION BY c.country ORDER BY sum(t.total) DESC NULLS LAST) AS country_rank
    FROM shop.customers c LEFT JOIN shop.order_totals t ON t.customer_id = c.id
    GROUP BY c.id;
""", ""),
      ("FROM shop.customer_ltv l", "FROM (SELECT customer_id AS id, NULL::text AS email, sum(total) AS lifetime_value "
                                   "FROM shop.order_totals GROUP BY customer_id) l")]),
    # A trigger's WHEN, events and arguments changed; a disabled trigger enabled.
    ("eventlog-triggers-changed", "eventlog",
     [("FOR EACH ROW WHEN (NEW.on_hand < OLD.on_hand) EXECUTE FUNCTION audit.if_modified('sku');",
       "FOR EACH ROW WHEN (NEW.on_hand <> OLD.on_hand) EXECUTE FUNCTION audit.if_modified('sku', 'stock');"),
      ("ALTER TABLE shop.outbox DISABLE TRIGGER outbox_no_delete;", "")]),
    # A column retyped under a generated column, an expression index and a view.
    ("saas-title-retyped-under-generated-column", "saas",
     [("    title text NOT NULL,\n    body text,\n    priority", "    title character varying(300) NOT NULL,\n    body text,\n    priority")]),
    # A function called by a view (two levels) and an expression index takes one more argument.
    ("saas-function-signature-under-view-and-index", "saas",
     [("CREATE FUNCTION billing.cents_to_amount(cents bigint, currency text DEFAULT 'USD') RETURNS numeric",
       "CREATE FUNCTION billing.cents_to_amount(cents bigint, currency text DEFAULT 'USD', places integer DEFAULT 2) RETURNS numeric")]),
    # The body of a function a domain's CHECK, a table's CHECK and a generated column call.
    ("saas-check-function-body-changed", "saas",
     [("length(s) BETWEEN 2 AND 63", "length(s) BETWEEN 2 AND 64"),
      ("SELECT split_part(public.normalize_email(addr), '@', 2)", "SELECT split_part(lower(addr), '@', 2)")]),
    # An enum value removed (the enum re-created) under a partial index, a CHECK and a view.
    ("saas-enum-value-removed-under-index-check-and-view", "saas",
     [("'void', 'uncollectible');", "'void');")]),
    # An enum's values reordered (re-created) under functions taking and returning it, views and a matview.
    ("eventlog-enum-reordered-under-functions", "eventlog",
     [("('cart', 'placed', 'paid', 'shipped', 'delivered', 'cancelled')",
       "('cart', 'placed', 'paid', 'cancelled', 'shipped', 'delivered')")]),
    # A function's result type changed under views that call it.
    ("analytics-function-result-changed-under-views", "analytics",
     [("CREATE FUNCTION util.safe_div(num numeric, den numeric) RETURNS numeric",
       "CREATE FUNCTION util.safe_div(num numeric, den numeric) RETURNS double precision"),
      ("ELSE num / den END $$;", "ELSE (num / den)::double precision END $$;")]),
    # A column retyped under views four deep and a materialized view.
    ("analytics-country-retyped-under-views", "analytics",
     [("    country character(2),\n    referrer", "    country text,\n    referrer")]),
    # A function used by views and two expression indexes takes one more argument.
    ("analytics-function-signature-under-views-and-indexes", "analytics",
     [("CREATE FUNCTION util.url_host(url text) RETURNS text", "CREATE FUNCTION util.url_host(url text, keep_www boolean DEFAULT true) RETURNS text")]),
    # A view with a reserved word as its name dropped; a mixed-case view's query changed.
    ("analytics-views-dropped-and-changed", "analytics",
     [("""CREATE VIEW "Reporting"."select" AS
    SELECT "siteId" AS "from", "day" AS "where", sessions::text || ' sessions' AS "group"
    FROM "Reporting".daily
    WHERE sessions > 0;
COMMENT ON VIEW "Reporting"."select" IS 'Reserved words as names, on purpose';
""", ""),
      ("s.utm #>> '{campaign,name}' AS utm_campaign,", "s.utm #>> '{campaign,name}' AS utm_campaign, s.\"user\","),
      ]),
]


def _read(sample: str, name: str) -> str:
    with open(os.path.join(CORPUS, sample, name), encoding="utf-8") as f:
        return f.read()


def _pair(edit_id: str, sample: str, replacements: list[tuple[str, str]]) -> Pair:
    schema = _read(sample, "schema.sql")
    new = schema
    for old, replacement in replacements:
        assert old in new, f"{edit_id}: {old!r} is not in {sample}/schema.sql"
        new = new.replace(old, replacement)
    return Pair(id=edit_id, file=f"{sample}/schema.sql", old=schema + _read(sample, "rows.sql"), new=new,
                destructive=True)


CASES = [pytest.param(_pair(*e), id=e[0]) for e in EDITS]


@pytest.mark.parametrize("major_db,pair", each_case_on_one_major(CASES, every=len(CASES)), indirect=["major_db"])
def test_corpus_edit_applies_over_rows(major_db, tmp_path, pair):
    converges(major_db, tmp_path, pair)
