"""Property (test_property's `_check_a_to_b`, test_property_objects' oracles): schemas A and B drawn as parts of one
another, where B changes what is attached to a column, a function or a label under what it is attached to, with rows
in A: migration(∅→A), rows, migration(A→B) on a real server leaves no drift against B, writes nothing again, and
leaves the catalog, owners, grants, policies and comments of B built from scratch, and every column A→B keeps holding
its values (session 50, prop50).

What it draws (each part present one time in two or more):

- event triggers: et on ddl_command_end or ddl_command_start, WHEN TAG drawn, its state drawn (enabled, disabled,
  REPLICA, ALWAYS); B changes its tags and state, replaces its function's body, or moves it to another function and
  drops the one it called;
- publications: pub1 of p with a column list and a row filter, B renaming (`renamed_from`) and retyping the columns
  they name, dropping one they name, renaming p, changing the list, the filter and what it publishes; pubs FOR TABLES
  IN SCHEMA ps, B adding a table there;
- extended statistics on s over two columns or a column and an expression, kinds (ndistinct, dependencies, mcv) and a
  STATISTICS target drawn; B renaming and retyping the columns, changing kinds and target;
- rules: a DO ALSO rule on q copying a column to ql, a DO INSTEAD rule on the view qv writing q; B renaming and
  retyping q's columns under them and renaming ql's, adding a WHERE, changing the table rule's state;
- collations: a libc collation cc (and an ICU one, nondeterministic, where the server has ICU) on a column under
  retype, an index key and a domain; B moving each to another;
- an identity's START, INCREMENT and CYCLE changed beside its ALWAYS/BY DEFAULT switch, over rows, its column
  now and then made integer;
- an enum's labels added BEFORE or AFTER others while a default and a CHECK name them (B's default a new label);
- a domain CHECK added NOT VALID, then validated, or another added NOT VALID;
- a partial index whose predicate calls pf, a function B replaces (another body, its argument renamed);
- a foreign key ON DELETE SET NULL (a column list, 15+), ON UPDATE, DEFERRABLE and INITIALLY DEFERRED toggled over
  rows, both ends of its second column retyped now and then;
- a column moving between an INHERITS child hc and its parent h (down from the parent, or up to it where the child
  keeps declaring it).

Default run: 1 example on PostgreSQL 18 (SCHEMAC_PROPERTY_EXAMPLES=n for more); `pytest -m slow` runs 100 more, on
18, 16 and 15.
"""

from __future__ import annotations

import json
import re
from typing import Optional

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import test_property
from test_property import COMMON, default_examples, _check_a_to_b, databases, insert_rows
from test_property_objects import ORACLES, chance, dbs

assert databases and dbs  # the fixtures this module's tests take, imported

PARTS = ("evtrig", "pub", "stats", "rules", "coll", "ident", "enum", "dom", "partial", "fk", "inh")
TAGS = ["CREATE TABLE", "ALTER TABLE", "CREATE INDEX", "DROP TABLE"]
STATES = [None, "disabled", "replica", "always"]
IDENTS = [{"generated": "always"}, {"generated": "by_default"},
          {"generated": "always", "start": 100, "increment": 5},
          {"generated": "by_default", "start": 7, "increment": -1, "min_value": -1000, "max_value": 1000,
           "cycle": True},
          {"generated": "by_default", "increment": 3, "max_value": 100000, "cycle": True}]


def _renamed(draw, tables: dict, table: str, pool: tuple, also: dict) -> tuple[dict, dict, dict]:
    """B's renames of `table`'s columns in `pool` (each one time in three): tables and `also` (what names them)
    written anew, `renamed_from` on each renamed column."""
    ren = {c: f"{c}_n" for c in pool if chance(draw, 3)}  # (`o` + r: a keyword)
    text = json.dumps({"tables": tables, "also": also})
    for c, n in ren.items():
        text = re.sub(rf"\b{c}\b", n, text)
    moved = json.loads(text)
    for n in ren.values():
        moved["tables"][table]["columns"][n]["renamed_from"] = n[:-2]
    return moved["tables"], moved["also"], ren


def _evtrig(draw, prev: Optional[dict], doc: dict, fns: dict) -> None:
    was = (prev or {}).get("event_triggers", {}).get("et")
    fn = was["function"] if was else "et_fn"
    body = "begin perform 1; end"
    if prev is not None:
        how = draw(st.sampled_from(["same", "tags", "body", "moved", "state"]))
        if how == "body":
            body = "begin perform 2; end"
        elif how == "moved":  # to another function, the one it called dropped
            fn = "et_fn2" if fn == "et_fn" else "et_fn"
    fns[fn] = {"returns": "event_trigger", "language": "plpgsql", "body": body}
    spec: dict = {"event": draw(st.sampled_from(["ddl_command_end", "ddl_command_start"])), "function": fn}
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    if tags:
        spec["tags"] = tags
    state = draw(st.sampled_from(STATES))
    if state:
        spec["enabled"] = state
    doc["event_triggers"] = {"et": spec}


def _pub(draw, prev: Optional[dict], tables: dict, doc: dict) -> None:
    tables["p"] = {"columns": {"id": {"type": "integer", "nullable": False}, "pa": {"type": "integer"},
                               "pb": {"type": "text"}, "pc": {"type": "integer"}}, "primary_key": {"columns": ["id"]}}
    tables["pt"] = {"schema": "ps", "columns": {"x": {"type": "integer"}}}
    if prev is not None and chance(draw, 2):
        tables["pt2"] = {"schema": "ps", "columns": {"y": {"type": "text"}}}
    cols = ["id", "pa", "pb"] + (["pc"] if chance(draw, 2) else [])
    published: dict = {"table": "p"}
    if chance(draw, 4) is False or prev is None:
        published["columns"] = cols
    published["where"] = draw(st.sampled_from(["(pa > 0)", "(pa IS NOT NULL)", "(length(pb) < 50)",
                                               "((pa > 0) AND (pb <> 'x'::text))", "(pc IS DISTINCT FROM 3)"]))
    spec: dict = {"tables": [published]}
    publish = draw(st.sampled_from([None, ["insert"], ["insert", "truncate"]]))
    if publish:
        spec["publish"] = publish
    doc["publications"] = {"pub1": spec, "pubs": {"tables_in_schema": ["ps"]}}
    doc["schemas"] = [{"name": "ps"}]
    if prev is not None:
        if chance(draw, 3):  # pc dropped under the list and filter that named it
            del tables["p"]["columns"]["pc"]
            if "columns" in published:
                published["columns"] = [c for c in published["columns"] if c != "pc"]
            if "pc" in published["where"]:
                published["where"] = "(pa > 0)"
        if chance(draw, 2):
            tables["p"]["columns"]["pa"]["type"] = "bigint"
        if chance(draw, 2):
            tables["p"]["columns"]["pb"]["type"] = draw(st.sampled_from(["varchar(40)", "varchar(20)"]))
        moved, doc["publications"], _ = _renamed(draw, {"p": tables["p"]}, "p", tuple(c for c in ("pa", "pb", "pc")
                                                                                if c in tables["p"]["columns"]),
                                                 doc["publications"])
        tables["p"] = moved["p"]
        if chance(draw, 4):  # p renamed under its publication
            moved = json.loads(re.sub(r'"p"', '"p2"', json.dumps({"t": {"p": tables.pop("p")},
                                                                   "pubs": doc["publications"]})))
            tables["p2"], doc["publications"] = dict(moved["t"]["p2"], renamed_from="p"), moved["pubs"]


def _stats(draw, prev: Optional[dict], tables: dict) -> None:
    tables["s"] = {"columns": {"m": {"type": "integer"}, "n": {"type": "text"}, "o": {"type": "integer"}}}
    spec: dict = {"columns": draw(st.sampled_from([["m", "n"], ["m", "lower(n)"], ["m", "o"], ["(m + o)", "n"]]))}
    kinds = draw(st.lists(st.sampled_from(["ndistinct", "dependencies", "mcv"]), max_size=3, unique=True))
    if kinds:
        spec["kinds"] = kinds
    target = draw(st.sampled_from([None, 50, 1000, 0]))
    if target is not None:
        spec["target"] = target
    tables["s"]["statistics"] = {"s_st": spec}
    if prev is not None:
        if chance(draw, 2):
            tables["s"]["columns"]["m"]["type"] = "bigint"
        if chance(draw, 2):
            tables["s"]["columns"]["n"]["type"] = "varchar(40)"
        moved, _, _ = _renamed(draw, {"s": tables["s"]}, "s", ("m", "n", "o"), {})
        tables["s"] = moved["s"]


def _rules(draw, prev: Optional[dict], tables: dict, doc: dict) -> None:
    tables["q"] = {"columns": {"id": {"type": "integer"}, "qa": {"type": "integer"}, "qb": {"type": "text"}}}
    tables["ql"] = {"columns": {"lq": {"type": "integer"}}}
    also: dict = {"event": "insert", "actions": ["INSERT INTO ql (lq) VALUES (new.qa)"]}
    state = draw(st.sampled_from(STATES))
    if state:
        also["enabled"] = state
    if chance(draw, 3):
        also["where"] = "(new.qa > 0)"
    tables["q"]["rules"] = {"q_also": also}
    view: dict = {"query": "SELECT id, qa, qb FROM q",
                  "rules": {"qv_ins": {"event": "insert", "instead": True,
                                       "actions": ["INSERT INTO q (id, qa, qb) VALUES (new.id, new.qa, new.qb)"]}}}
    if chance(draw, 3):
        view["rules"]["qv_ins"]["where"] = "(new.qa IS NOT NULL)"
    doc.setdefault("views", {})["qv"] = view
    if prev is not None:
        if chance(draw, 2):
            tables["q"]["columns"]["qb"]["type"] = "varchar(40)"
        if chance(draw, 3):
            tables["q"]["columns"]["qa"]["type"] = "bigint"
        moved, doc["views"], _ = _renamed(draw, {"q": tables["q"]}, "q", ("qa", "qb"), doc["views"])
        tables["q"] = moved["q"]
        moved, _, _ = _renamed(draw, {"q": tables["q"], "ql": tables["ql"]}, "ql", ("lq",), {})  # under q's rule
        tables["q"], tables["ql"] = moved["q"], moved["ql"]


def _coll(draw, prev: Optional[dict], tables: dict, doc: dict) -> None:
    doc["collations"] = {"cc": {"provider": "libc", "locale": "C"}, "cp": {"provider": "libc", "locale": "POSIX"},
                         "ci": {"provider": "icu", "locale": "und-u-ks-level2", "deterministic": False}}
    names = ["cc", "cp", "C", "ci"]
    kt: dict = {"type": "text", "collation": draw(st.sampled_from(names))}
    doc.setdefault("domains", {})["dk"] = {"type": "text", "collation": draw(st.sampled_from(names))}
    tables["k"] = {"columns": {"id": {"type": "integer"}, "kt": kt, "kd": {"type": "dk"}},
                   "indexes": {"k_kt": {"columns": ["kt"]},
                               "k_kc": {"columns": [{"name": "kd", "collation": draw(st.sampled_from(names[:3]))}]}}}
    if prev is not None and chance(draw, 2):
        kt["type"] = draw(st.sampled_from(["varchar(40)", "varchar(20)"]))


def _enum(draw, prev: Optional[dict], tables: dict, doc: dict) -> None:
    values = ["a", "b", "c"]
    default, check = "'b'::ee", "(ev <> 'c'::ee)"
    if prev is not None:
        values = list(prev["enums"]["ee"])
        new = draw(st.sampled_from(["m", "n"]))
        if new not in values and chance(draw, 4) is False:  # BEFORE or AFTER a label A has
            values.insert(draw(st.integers(0, len(values))), new)
        if new in values and chance(draw, 2):  # the label the same migration adds (Postgres: not before a COMMIT)
            default = f"'{new}'::ee"
        elif chance(draw, 2):
            default = f"'{draw(st.sampled_from(values))}'::ee"
        if chance(draw, 2):
            check = draw(st.sampled_from([f"(ev <> '{new}'::ee)" if new in values else check,
                                          f"(ev < '{values[-1]}'::ee)", "(ev >= 'a'::ee)"]))
    doc.setdefault("enums", {})["ee"] = values
    tables["en"] = {"columns": {"id": {"type": "integer"}, "ev": {"type": "ee", "default": default}},
                    "checks": {"en_ck": check}}


def _dom(draw, prev: Optional[dict], tables: dict, doc: dict) -> None:
    checks: dict = {"dn_pos": {"expression": "VALUE > -1000", "not_valid": True}}
    if prev is not None:
        how = draw(st.sampled_from(["same", "validated", "another", "both"]))
        if how in ("validated", "both"):
            checks["dn_pos"] = "VALUE > -1000"
        if how in ("another", "both"):
            checks["dn_small"] = {"expression": "VALUE < 100000", "not_valid": chance(draw, 3) is False}
    doc.setdefault("domains", {})["dn"] = {"type": "integer", "checks": checks}
    tables["dt"] = {"columns": {"id": {"type": "integer"}, "dv": {"type": "dn"}}}


def _partial(draw, prev: Optional[dict], tables: dict, fns: dict) -> None:
    arg, body = "x", "select x * 2"
    if prev is not None:
        arg, body = draw(st.sampled_from([("x", "select x * 2"), ("x", "select x - 1"), ("y", "select y * 3")]))
    fns["pf"] = {"arguments": f"{arg} integer", "returns": "integer", "language": "sql", "volatility": "immutable",
                 "body": body}
    tables["pi"] = {"columns": {"pa": {"type": "integer"}, "pb": {"type": "integer"}},
                    "indexes": {"pi_ix": {"columns": ["pb"], "where": "(pf(pa) > 0)"}}}


def _fk(draw, prev: Optional[dict], tables: dict) -> None:
    tables["fp"] = {"columns": {"id": {"type": "integer", "nullable": False}, "id2": {"type": "integer"}},
                    "primary_key": {"columns": ["id"]}, "unique": [{"name": "fp_u", "columns": ["id", "id2"]}]}
    fk: dict = {"name": "fc_fk", "columns": ["fid", "fid2"], "references": {"table": "fp", "columns": ["id", "id2"]}}
    on_delete = draw(st.sampled_from([None, "set_null", "set_null_list", "cascade", "set_null_both"]))
    if on_delete == "set_null_list":
        fk.update(on_delete="set_null", on_delete_columns=["fid2"])
    elif on_delete == "set_null_both":
        fk.update(on_delete="set_null", on_delete_columns=["fid", "fid2"])
    elif on_delete:
        fk["on_delete"] = on_delete
    on_update = draw(st.sampled_from([None, "cascade", "set_null", "restrict"]))
    if on_update:
        fk["on_update"] = on_update
    if chance(draw, 2):
        fk["deferrable"] = True
        if chance(draw, 2):
            fk["initially_deferred"] = True
    tables["fc"] = {"columns": {"cid": {"type": "integer"}, "fid": {"type": "integer"}, "fid2": {"type": "integer"}},
                    "foreign_keys": [fk]}
    if prev is not None and chance(draw, 3):  # both ends of the key's second column retyped
        tables["fp"]["columns"]["id2"]["type"] = tables["fc"]["columns"]["fid2"]["type"] = "bigint"


def _inh(draw, prev: Optional[dict], tables: dict) -> None:
    # Where hb is declared. Whether a child declares a column its parent has too is made at CREATE only (model.tables'
    # inherited_only, not compared: no DDL makes an existing child's column inherited-only, and none is made to turn
    # an inherited one its own), so A's child-declared hb stays declared in the child, and A's parent-only one is
    # never declared by both in B.
    was = (prev or {}).get("tables", {}).get("hc", {}).get("columns", {})
    where = draw(st.sampled_from(["child", "parent", "both"] if prev is None else ["child", "both"] if "hb" in was else
                                 ["child", "parent"]))
    h: dict = {"columns": {"ha": {"type": "integer"}}}
    hc: dict = {"inherits": ["h"], "columns": {"hx": {"type": "text"}}}
    if where in ("parent", "both"):
        h["columns"]["hb"] = {"type": "integer"}
    if where in ("child", "both"):
        hc["columns"]["hb"] = {"type": "integer"}
    tables["h"], tables["hc"] = h, hc


@st.composite
def attached_schema(draw, prev: Optional[dict] = None) -> dict:
    """A (prev None), or B drawn from A: the parts A has, each changed (see the module's docstring)."""
    parts = prev["_parts"] if prev else [p for p in PARTS if draw(st.integers(0, 2))] or ["inh"]
    tables: dict = {}
    fns: dict = {}
    doc: dict = {"_parts": parts}
    if "evtrig" in parts:
        _evtrig(draw, prev, doc, fns)
    if "pub" in parts:
        _pub(draw, prev, tables, doc)
    if "stats" in parts:
        _stats(draw, prev, tables)
    if "rules" in parts:
        _rules(draw, prev, tables, doc)
    if "coll" in parts:
        _coll(draw, prev, tables, doc)
    if "ident" in parts:
        tables["idt"] = {"columns": {"iv": {"type": "integer" if prev is not None and chance(draw, 3) else "bigint",
                                            "identity": dict(draw(st.sampled_from(IDENTS)))}, "note": {"type": "text"}}}
    if "enum" in parts:
        _enum(draw, prev, tables, doc)
    if "dom" in parts:
        _dom(draw, prev, tables, doc)
    if "partial" in parts:
        _partial(draw, prev, tables, fns)
    if "fk" in parts:
        _fk(draw, prev, tables)
    if "inh" in parts:
        _inh(draw, prev, tables)
    doc["tables"] = tables
    if fns:
        doc["functions"] = fns
    return doc


def without_icu(doc: dict) -> dict:
    """The schema on a server built without ICU: the ICU collation and its uses left to cc."""
    doc = dict(doc, collations={n: c for n, c in doc.get("collations", {}).items() if c.get("provider") != "icu"})
    return json.loads(re.sub(r'"ci"', '"cc"', json.dumps({k: v for k, v in doc.items() if v or k == "tables"})))


@st.composite
def attached_pair(draw) -> tuple[dict, dict]:
    a = draw(attached_schema())
    b = draw(attached_schema(prev=a))
    return ({k: v for k, v in a.items() if not k.startswith("_")},
            {k: v for k, v in b.items() if not k.startswith("_")})


def attached_rows(conn: psycopg.Connection, a: dict) -> None:
    """test_property's rows in public's tables but h and hc, whose rows name every column wherever it is declared
    (hb, the column that moves, given a value in the child)."""
    insert_rows(conn, {**a, "tables": {n: s for n, s in a["tables"].items() if "schema" not in s and
                                       n not in ("h", "hc")}})
    if "hc" in a["tables"]:
        conn.execute("INSERT INTO h (ha) VALUES (10)")
        conn.execute("INSERT INTO hc (ha, hb, hx) VALUES (1, 11, 'one'), (2, 22, 'two'), (3, NULL, 'none')")
    if "pt" in a["tables"]:
        conn.execute("INSERT INTO ps.pt (x) VALUES (1), (2)")


def _public_only(keep):
    """keep_only_rows_b_can_hold over public's tables but the INHERITS pair (read back by attached_values)."""
    def kept(conn, scratch, a: dict, b: dict) -> set:
        return keep(conn, scratch, {**a, "tables": {n: s for n, s in a["tables"].items()
                                                    if "schema" not in s and n not in ("h", "hc")}}, b)
    return kept


def attached_values(url: str, doc: dict) -> dict:
    """h's and hc's rows (hb wherever it is declared), and ps.pt's."""
    out: dict = {}
    with psycopg.connect(url) as conn:
        if "hc" in doc["tables"]:
            for ha, hb, hx in conn.execute("SELECT ha, hb, hx FROM ONLY hc").fetchall():
                out[("hc", hx)] = (ha, hb)
            for (ha,) in conn.execute("SELECT ha FROM ONLY h").fetchall():
                out[("h", ha)] = ha
        if "pt" in doc["tables"]:
            out["pt"] = sorted(conn.execute("SELECT x FROM ps.pt").fetchall())
    return out


def _empty_too(empty):
    """test_property's empty, and the database's publications (in no schema: DROP SCHEMA leaves them)."""
    def emptied(url: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            for (p,) in conn.execute("SELECT pubname FROM pg_publication").fetchall():
                conn.execute(f'DROP PUBLICATION "{p}"')
        empty(url)
    return emptied


def _check(dbs, ab: tuple[dict, dict]) -> None:
    with psycopg.connect(dbs[0][0]) as conn:
        try:
            conn.execute("CREATE COLLATION pg_temp.icu_probe (provider = icu, locale = 'und')")
            icu = True
        except psycopg.errors.FeatureNotSupported:  # "ICU is not supported in this build"
            icu = False
        conn.rollback()
    a, b = ab if icu else (without_icu(ab[0]), without_icu(ab[1]))
    keep, empty = test_property.keep_only_rows_b_can_hold, test_property.empty
    test_property.keep_only_rows_b_can_hold, test_property.empty = _public_only(keep), _empty_too(empty)
    try:
        _check_a_to_b(dbs[0], a, b, oracles=ORACLES, dev_url=dbs[1], rows=attached_rows, read_back=attached_values)
    finally:
        test_property.keep_only_rows_b_can_hold, test_property.empty = keep, empty


@default_examples(1)
@given(ab=attached_pair())
def test_attached_leave_no_drift(dbs, ab):
    _check(dbs, ab)


@pytest.mark.slow
@settings(max_examples=100, **COMMON)
@given(ab=attached_pair())
def test_attached_leave_no_drift_100(dbs, ab):
    _check(dbs, ab)
