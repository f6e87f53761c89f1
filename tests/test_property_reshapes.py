"""Property (test_property_objects' harness, imported): schemas A and B drawn as parts of one another, where B reshapes
what A has under what uses it, with rows in A: migration(∅→A), rows, migration(A→B) on a real server leaves no drift
against B, writes nothing again, and leaves the catalog, owners, grants, policies and comments of B built from scratch
and every column A→B keeps holding its values (session 49, prop49b).

What it draws (each part present one time in two or more):

- partition trees re-shaped with rows: r (LIST on k) over r_a, r_b and now and then a DEFAULT r_d holding rows, r2
  (LIST on k) over r2_a; B moves r_b from r to r2 (a DETACH and an ATTACH elsewhere), detaches it for good (a plain
  table), adds or drops the DEFAULTs, adds r_c for a key the DEFAULT holds rows of, now and then partitioned itself
  (a sub-partition: the tree gains a level under rows the DEFAULT gives back); now and then r has a UNIQUE (k) that
  rf's foreign key references, its rows referencing r_a's;
- INHERITS: h1, a child declaring h's column hb again with a default and a CHECK of its own, B renaming and retyping
  hb at once;
- functions: fo(x integer) and its overload fo(x text), one of them read by a view, a default and an expression
  index, B dropping the other, or moving the readers to the other and dropping the one they read; fs() SECURITY DEFINER with `SET search_path`, B changing the path, dropping it, or
  making it SECURITY INVOKER;
- a sequence sh shared by two tables' defaults, B renaming it (`renamed_from`), changing its increment, or leaving
  one default off;
- generated columns g1 and g2 over t's qn and qs (Postgres refuses one generated column reading another), B renaming
  them and the columns they read (`renamed_from`), and now and then t itself under all that reads it;
- a view vw over t, updatable, B toggling WITH CHECK OPTION (local, cascaded), security_barrier and
  security_invoker under grants to the two roles;
- a trigger t_tr, B naming it otherwise (its definition kept: ALTER TRIGGER ... RENAME) as its state moves between
  enabled, disabled, ENABLE REPLICA and ENABLE ALWAYS;
- row-level security on u ENABLEd and FORCEd or not, its policies renamed (dropped and made again).

Default run: 1 example on PostgreSQL 18 (SCHEMAC_PROPERTY_EXAMPLES=n for more); `pytest -m slow` runs 100 more, on
18, 16 and 15.
"""

from __future__ import annotations

import json
import re
from typing import Optional

import psycopg
from psycopg import sql
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import test_property
from test_property import COMMON, default_examples, _check_a_to_b, databases, insert_rows
from test_property_objects import ORACLES, ROLES, chance, dbs

assert databases and dbs  # the fixtures this module's tests take, imported

PARTS = ("tree", "inherits", "overloads", "definer", "shared_seq", "generated", "view", "trigger", "rls")
KEYS = {"r": [1, 4, 50, 150, 7, -5, 9], "r2": [250, 350, 9, 50]}  # the rows' keys, each tried through its root
TREE_COLUMNS = {"k": {"type": "integer"}, "s": {"type": "integer"}, "v": {"type": "integer"}}
STATES = [None, "disabled", "replica", "always"]


def _tree(draw, old: Optional[dict]) -> dict:
    """r and r2 with their partitions (A), or B's reshape of A's (`old`)."""
    if old is None:
        tables = {"r": {"columns": dict(TREE_COLUMNS), "partition_by": {"strategy": "list", "key": "k"}},
                  "r_a": {"partition_of": {"parent": "r", "bound": "FOR VALUES IN (1, 4)"}},
                  "r_b": {"partition_of": {"parent": "r", "bound": "FOR VALUES IN (50, 150)"}},
                  "r2": {"columns": dict(TREE_COLUMNS), "partition_by": {"strategy": "list", "key": "k"}},
                  "r2_a": {"partition_of": {"parent": "r2", "bound": "FOR VALUES IN (250, 350)"}}}
        if chance(draw, 2):
            tables["r_d"] = {"partition_of": {"parent": "r", "bound": "DEFAULT"}}
        if chance(draw, 3):
            tables["r"]["indexes"] = {"r_v": {"columns": ["v"]}}
        if chance(draw, 2):  # a foreign key into the tree, its rows referencing r_a's (which never moves)
            tables["r"]["unique"] = [{"name": "r_k", "columns": ["k"]}]
            tables["rf"] = {"columns": {"rk": {"type": "integer"}, "note": {"type": "text"}},
                            "foreign_keys": [{"columns": ["rk"], "references": {"table": "r", "columns": ["k"]}}]}
        return tables
    tables = json.loads(json.dumps(old))
    how = draw(st.sampled_from(["same", "moved", "moved_narrowed", "detached"]))
    if how.startswith("moved"):
        tables["r_b"]["partition_of"] = {"parent": "r2", "bound": "FOR VALUES IN (50, 150)" if how == "moved" else
                                         "FOR VALUES IN (50)"}
    elif how == "detached":
        tables["r_b"] = {"columns": dict(TREE_COLUMNS)}
    for root, default in (("r", "r_d"), ("r2", "r2_d")):
        if default in tables and chance(draw, 3):
            del tables[default]
        elif default not in tables and chance(draw, 3):
            tables[default] = {"partition_of": {"parent": root, "bound": "DEFAULT"}}
    if chance(draw, 2):  # r_c for keys a DEFAULT of A may hold: a leaf, or partitioned itself (a level more)
        tables["r_c"] = {"partition_of": {"parent": "r", "bound": "FOR VALUES IN (7, -5)"}}
        if chance(draw, 2) and "unique" not in tables["r"]:
            tables["r_c"]["partition_by"] = {"strategy": "range", "key": "v"}
            tables["r_c_1"] = {"partition_of": {"parent": "r_c", "bound": "FOR VALUES FROM (MINVALUE) TO (1)"}}
            if chance(draw, 2):
                tables["r_c_2"] = {"partition_of": {"parent": "r_c", "bound": "FOR VALUES FROM (1) TO (MAXVALUE)"}}
        elif chance(draw, 2):  # (under r's UNIQUE (k), which every partition key must be part of)
            tables["r_c"]["partition_by"] = {"strategy": "list", "key": "k"}
            tables["r_c_1"] = {"partition_of": {"parent": "r_c", "bound": "FOR VALUES IN (7)"}}
            if chance(draw, 2):
                tables["r_c_2"] = {"partition_of": {"parent": "r_c", "bound": "DEFAULT"}}
    return tables


def _inherits(draw, old: Optional[dict]) -> dict:
    if old is None:
        hb1: dict = {"type": "integer", "default": draw(st.sampled_from(["5", "(2 + 3)"]))}
        return {"h": {"columns": {"ha": {"type": "integer"}, "hb": {"type": "integer"}}},
                "h1": {"inherits": ["h"], "columns": {"hb": hb1, "hd": {"type": "text"}},
                       "checks": {"h1_ck": draw(st.sampled_from(["hb > -100", "hb <> 3"]))}}}
    tables = json.loads(json.dumps(old))
    how = draw(st.sampled_from(["rename", "retype", "both", "both"]))
    if how in ("retype", "both"):
        for t in ("h", "h1"):
            tables[t]["columns"]["hb"]["type"] = "bigint"
    if how in ("rename", "both"):
        tables = json.loads(re.sub(r"\bhb\b", "hbr", json.dumps(tables)))
        tables["h"]["columns"]["hbr"]["renamed_from"] = "hb"
    return tables


@st.composite
def reshapes_schema(draw, prev: Optional[dict] = None) -> dict:
    """A (prev None), or B drawn from A: the parts A has, each reshaped (see the module's docstring)."""
    parts = prev["_parts"] if prev else [p for p in PARTS if draw(st.integers(0, 2))] or ["tree"]
    old = prev or {}
    tables: dict = {}
    fns: dict = {}
    doc: dict = {"_parts": parts}
    if "tree" in parts:
        tables.update(_tree(draw, {k: v for k, v in old.get("tables", {}).items() if k.startswith("r")} or None))
    if "inherits" in parts:
        tables.update(_inherits(draw, {k: v for k, v in old.get("tables", {}).items() if k.startswith("h")} or None))
    t: dict = {"columns": {"id": {"type": "integer", "nullable": False}, "qn": {"type": "integer"},
                           "qs": {"type": "text"}}, "primary_key": {"columns": ["id"]}}
    u: dict = {"columns": {"uid": {"type": "integer"}, "w": {"type": "text"}}}
    tables["t"], tables["u"] = t, u
    was_t = old.get("tables", {}).get("t") or old.get("tables", {}).get("tr", {})
    if "overloads" in parts:
        used = old["_used"] if prev else draw(st.sampled_from(["integer", "text"]))
        dropped = prev is not None and chance(draw, 2)
        if prev is not None and chance(draw, 4):  # its readers moved to the other overload, the one read dropped
            used = "text" if used == "integer" else "integer"
            dropped = True
        doc["_used"] = used
        if used == "integer" or not dropped:
            fns["fo"] = {"arguments": "x integer", "returns": "integer", "language": "sql", "volatility": "immutable",
                         "body": "select x + 1"}
        if used == "text" or not dropped:
            fns["fo_text"] = {"name": "fo", "arguments": "x text", "returns": "text", "language": "sql",
                              "volatility": "immutable", "body": "select x || 'x'"}
        t["indexes"] = {"t_fo": {"columns": [{"expression": "fo(qn)" if used == "integer" else "fo(qs)"}]}}
        if used == "integer":
            u["columns"]["uid"]["default"] = "fo(1)"
        else:
            u["columns"]["w"]["default"] = "fo('w'::text)"
    if "definer" in parts:
        spec: dict = {"returns": "integer", "language": "plpgsql", "body": "begin return 1; end",
                      "security_definer": True, "set": {"search_path": "public, pg_temp"}}
        if prev is not None:
            how = draw(st.sampled_from(["same", "path", "no_path", "invoker"]))
            if how == "path":
                spec["set"] = {"search_path": draw(st.sampled_from(["pg_catalog, public", "public"]))}
            elif how == "no_path":
                del spec["set"]
            elif how == "invoker":
                del spec["security_definer"]
        fns["fs"] = spec
    if "shared_seq" in parts:
        seq = "sh"
        sspec: dict = {"start": 100}
        if prev is not None:
            how = draw(st.sampled_from(["same", "renamed", "increment", "one_left"]))
            if how == "renamed":
                seq, sspec = "sh2", {"start": 100, "renamed_from": "sh"}
            elif how == "increment":
                sspec["increment"] = 3
            if how != "one_left":
                u["columns"]["useq"] = {"type": "integer", "default": f"nextval('{seq}'::regclass)"}
            else:
                u["columns"]["useq"] = {"type": "integer"}
        else:
            u["columns"]["useq"] = {"type": "integer", "default": f"nextval('{seq}'::regclass)"}
        t["columns"]["tseq"] = {"type": "bigint", "default": f"nextval('{seq}'::regclass)"}
        doc["sequences"] = {seq: sspec}
    if "generated" in parts:
        t["columns"]["g1"] = {"type": "integer", "generated": "qn * 2"}
        t["columns"]["g2"] = {"type": "integer", "generated": "(qn + length(qs))"}
    if "view" in parts:
        spec = {"query": "SELECT id, qn, qs FROM t WHERE qn > 0"}
        for option in ("security_barrier", "security_invoker"):
            if chance(draw, 2):
                spec[option] = draw(st.booleans())
        if chance(draw, 2):
            spec["check_option"] = draw(st.sampled_from(["local", "cascaded"]))
        spec["grants"] = {r: draw(st.lists(st.sampled_from(["select", "insert", "update"]), min_size=1, max_size=3,
                                           unique=True)) for r in ROLES if chance(draw, 2) or r == ROLES[0]}
        doc["views"] = {"vw": spec}
    if "trigger" in parts:
        fns["tf"] = {"returns": "trigger", "language": "plpgsql", "body": "begin return new; end"}
        name = "t_tr" if prev is None or chance(draw, 2) else "t_tr2"
        spec = {"function": "tf", "events": ["insert", "update"], "timing": "after", "for_each": "row",
                "update_of": ["qn"]}
        state = draw(st.sampled_from(STATES))
        if state:
            spec["enabled"] = state
        t["triggers"] = {name: spec}
    if "rls" in parts:
        pol = "u_pol" if prev is None or chance(draw, 2) else "u_pol_b"
        u["policies"] = {pol: {"command": "select", "using": "w IS NOT NULL"},
                         f"{pol}_ins": {"command": "insert", "roles": [ROLES[1]], "with_check": "uid > 0"}}
        u["row_level_security"] = {"enabled": draw(st.booleans()), "forced": draw(st.booleans())}
    if prev is not None and was_t:  # renames under the readers: t's columns (g1, g2 and what they read), t itself
        ren = {c: f"{c}r" for c in ("qn", "qs", "g1", "g2") if c in t["columns"] and chance(draw, 3)}
        text = json.dumps({"tables": tables, "views": doc.get("views", {})})
        for c, n in ren.items():
            text = re.sub(rf"\b{c}\b", n, text)
        moved = json.loads(text)
        tables, doc["views"] = moved["tables"], moved["views"]
        for c, n in ren.items():
            tables["t"]["columns"][n]["renamed_from"] = c
        if chance(draw, 4):  # t renamed under its view, index, trigger, defaults and generated columns
            moved = json.loads(re.sub(r"\bt\b", "tr", json.dumps({"tables": tables, "views": doc.get("views", {})})))
            tables, doc["views"] = moved["tables"], moved["views"]
            tables["tr"]["renamed_from"] = "t"
    doc["tables"] = tables
    if fns:
        doc["functions"] = fns
    return {k: v for k, v in doc.items() if v or k == "tables"}


def clean(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


@st.composite
def reshapes_pair(draw) -> tuple[dict, dict]:
    a = draw(reshapes_schema())
    b = draw(reshapes_schema(prev=a))
    return clean(a), clean(b)


def tree_rows(conn: psycopg.Connection, a: dict) -> None:
    """test_property's rows in every table but the trees', and through each root a row per key of KEYS that a
    partition takes (a DEFAULT's among them)."""
    insert_rows(conn, {**a, "tables": {n: s for n, s in a["tables"].items() if n not in (*KEYS, "rf") and
                                       s.get("partition_of", {}).get("parent") not in KEYS}})
    for root, keys in KEYS.items():
        if root not in a["tables"]:
            continue
        for i, k in enumerate(keys):
            try:
                conn.execute(sql.SQL("INSERT INTO {} (k, s, v) VALUES (%s, %s, %s)").format(sql.Identifier(root)),
                             [k, i, 2 * i - 9])
            except psycopg.errors.IntegrityError:  # no partition takes it
                pass
    if "rf" in a["tables"]:
        conn.execute("INSERT INTO rf (rk, note) VALUES (1, 'one'), (4, 'four'), (NULL, 'none')")


def _default_rows_to_roots(keep):
    """test_property's keep_only_rows_b_can_hold, but a DEFAULT partition that B keeps as its parent's DEFAULT has its
    rows offered to B's parent, which routes them (the migration moves the rows of a new partition's bound out of the
    default and back through the parent: plan.default_rows_ddl); offered to the default itself, a row a new partition
    takes would be refused, and deleted before the migration could show it moves it."""
    def kept(conn: psycopg.Connection, scratch: psycopg.Connection, a: dict, b: dict) -> set:
        routed = {n for n, s in a["tables"].items() if s.get("partition_of", {}).get("bound") == "DEFAULT" and
                  b["tables"].get(n, {}).get("partition_of") == s["partition_of"]}
        for n in routed:
            rows = conn.execute(sql.SQL("SELECT k, s, v FROM ONLY {}").format(sql.Identifier(n))).fetchall()
            try:
                with scratch.transaction(force_rollback=True):
                    for row in rows:
                        scratch.execute(sql.SQL("INSERT INTO {} (k, s, v) VALUES (%s, %s, %s)").format(
                            sql.Identifier(a["tables"][n]["partition_of"]["parent"])), row)
            except psycopg.Error:
                conn.execute(sql.SQL("DELETE FROM ONLY {}").format(sql.Identifier(n)))
        # (rf's rows reference r_a's, which B keeps: offered to B built from scratch, with no rows, they would fail)
        return keep(conn, scratch, {**a, "tables": {n: s for n, s in a["tables"].items()
                                                    if n not in routed and n != "rf"}}, b)
    return kept


def tree_values(url: str, doc: dict) -> dict:
    """The trees' rows by key (k -> s, v), read through the roots and a partition detached for good: each row B keeps
    holds its values wherever the migration moved it."""
    out = {}
    with psycopg.connect(url) as conn:
        for n in [*KEYS, "r_b"]:
            spec = doc["tables"].get(n)
            if spec is not None and (n in KEYS or "partition_of" not in spec):
                for k, s, v in conn.execute(sql.SQL("SELECT k, s, v FROM {}").format(sql.Identifier(n))).fetchall():
                    out[k] = (s, v)
    return out


def _check(dbs, ab: tuple[dict, dict]) -> None:
    original = test_property.keep_only_rows_b_can_hold
    test_property.keep_only_rows_b_can_hold = _default_rows_to_roots(original)
    try:
        _check_a_to_b(dbs[0], *ab, oracles=ORACLES, dev_url=dbs[1], rows=tree_rows, read_back=tree_values)
    finally:
        test_property.keep_only_rows_b_can_hold = original


@default_examples(1)
@given(ab=reshapes_pair())
def test_reshapes_leave_no_drift(dbs, ab):
    _check(dbs, ab)


@pytest.mark.slow
@settings(max_examples=100, **COMMON)
@given(ab=reshapes_pair())
def test_reshapes_leave_no_drift_100(dbs, ab):
    _check(dbs, ab)
