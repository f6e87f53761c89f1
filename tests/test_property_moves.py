"""Property (test_property's `_check_a_to_b`, test_property_objects' oracles): objects renamed and moved to another
schema (`renamed_from:`, ALTER ... SET SCHEMA) in the same change as edits of what reads them, with rows in A:
migration(∅→A), rows, migration(A→B) on a real server leaves no drift against B, writes nothing again, and leaves
the catalog, grants, policies and comments of B built from scratch, every row's values (read back by the names A gave
the table and the column) and each sequence's position kept (session 53, prop53).

Each object of A is in public; B keeps it, renames it, moves it to s2, or both (`place`). What it draws (each part
present one time in three or more):

- atomic: a SQL-standard body (`BEGIN ATOMIC`) fa UPDATEing o where a subquery reads u, then counting o's rows;
  B moves or renames o and u, renames and retypes o's n (integer to bigint), and changes fa's body now and then;
  now and then a foreign key of u to o;
- policy: pt's policy reading ref's column in a subquery, now and then calling pf; B moves or renames ref and pt,
  renames ref's column, changes the policy's command and condition, and moves pf to s2 (dropped and made again);
- trig: a BEFORE UPDATE trigger on tw whose WHEN reads c; B moves or renames tw, renames c, changes the WHEN, and
  moves the trigger's function to s2 (dropped and made again there);
- seq: a sequence sq under a column default (`nextval`) of ts; B moves or renames sq and ts, renames the column;
- gen: a STORED generated column over c and an expression index over lower(name) of tg; B moves or renames tg,
  renames c and retypes it (integer to bigint) with g, or renames name;
- cgrant: column grants on tc's a and b; B moves or renames tc, swaps a's and b's names or renames a, changes the
  grants;
- types: an enum mood and a domain dpos under columns of tt, a function over dpos and a view comparing with a label;
  B moves or renames both types, the function and view naming them anew;
- views: a view vv over tv, a materialized view mm over vv (a unique index), a view vtop over mm; B moves or renames
  vv and mm, renames tv's column, changes vtop's query;
- aside: a table ta of a domain dq; B moves ta to s2 (or renames it ta_old) and dq to s2, a new ta and dq taking
  their names in public, a view va reading both tables.

Default run: 1 example on PostgreSQL 18 (SCHEMAC_PROPERTY_EXAMPLES=n for more); `pytest -m slow` runs 100 more, on
18, 16 and 15.
"""

from __future__ import annotations

import json
from typing import Optional

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql
from test_property import COMMON, default_examples, _check_a_to_b, databases
from test_property_objects import ORACLES, ROLES, chance, comments_on_tables, dbs, with_comment

assert databases and dbs  # the fixtures this module's tests take, imported

PARTS = ("atomic", "policy", "trig", "seq", "gen", "cgrant", "types", "views", "aside")
# Shapes not drawn until their bug is fixed, each with its reason.
KNOWN_BUGS: dict[str, str] = {}


class Place:
    """Where B puts A's object `base` (A: public, its own name): schema, name, the `renamed_from` hint (None when
    kept), and the name to write in SQL (qualified outside public)."""

    def __init__(self, base: str, schema: str = "public", name: Optional[str] = None):
        self.base, self.schema, self.name = base, schema, name or base
        self.hint = None if (schema, self.name) == ("public", base) else \
            base if schema == "public" else f"public.{base}"
        self.sql = self.name if schema == "public" else f"{schema}.{self.name}"

    def spec(self, spec: dict) -> dict:
        """`spec` given the schema and hint."""
        if self.schema != "public":
            spec["schema"] = self.schema
        if self.hint:
            spec["renamed_from"] = self.hint
        return spec


def place(draw, prev: Optional[dict], base: str) -> Place:
    if prev is None:
        return Place(base)
    return draw(st.sampled_from([Place(base), Place(base, name=f"{base}x"), Place(base, "s2"),
                                 Place(base, "s2", f"{base}x")]))


def _col(draw, prev: Optional[dict], base: str, spec: dict, new: str = "") -> tuple[str, dict]:
    """A column `base`, in B now and then renamed `<base>x` (or `new`)."""
    if prev is None or chance(draw, 2):
        return base, spec
    return new or f"{base}x", dict(spec, renamed_from=base)


def _atomic(draw, prev: Optional[dict], doc: dict) -> None:
    doc["_atomic"] = prev["_atomic"] if prev else ["fk"] if chance(draw, 2) else []
    o, u = place(draw, prev, "o"), place(draw, prev, "u")
    n, nspec = _col(draw, prev, "n", {"type": "integer"})
    if prev is not None and chance(draw, 3):
        nspec = dict(nspec, type="bigint")
    doc["tables"][o.name] = o.spec({"columns": {"id": {"type": "integer", "primary_key": True}, n: nspec,
                                                "note": {"type": "text"}}})
    u_spec: dict = {"columns": {"id": {"type": "integer", "primary_key": True}, "flag": {"type": "boolean"}}}
    if "fk" in doc["_atomic"]:  # u.id references o (o moved or renamed under it)
        ref = {"table": o.name, "schema": o.schema}
        u_spec["foreign_keys"] = [{"columns": ["id"], "references": dict(ref, columns=["id"]),
                                   "on_delete": "cascade"}]
    doc["tables"][u.name] = u.spec(u_spec)
    step = "fa.k" if prev is None or chance(draw, 2) else "(fa.k * 2)"
    doc["functions"]["fa"] = with_comment(draw, {
        "arguments": "k integer", "returns": "integer", "language": "sql",
        "body": f"BEGIN ATOMIC\n UPDATE {o.sql} SET {n} = ({o.name}.{n} + {step})\n   WHERE ({o.name}.id IN "
                f"( SELECT {u.name}.id\n            FROM {u.sql}\n           WHERE {u.name}.flag));\n"
                f" SELECT count(*) AS count\n    FROM {o.sql};\nEND"})


def _policy(draw, prev: Optional[dict], doc: dict) -> None:
    doc["_policy"] = prev["_policy"] if prev else ["pf"] if chance(draw, 2) else []
    ref, pt = place(draw, prev, "ref"), place(draw, prev, "pt")
    rid, rspec = _col(draw, prev, "rid", {"type": "integer"})
    doc["tables"][ref.name] = ref.spec({"columns": {"id": {"type": "integer"}, rid: rspec}})
    cond = f"uid IN (SELECT {rid} FROM {ref.sql})"
    if prev is not None and chance(draw, 3):
        cond += " AND v > 0"
    if "pf" in doc["_policy"]:  # a function the policy calls, moved to s2 (dropped and made again there) in B
        pf = "pf" if prev is None or chance(draw, 2) else "s2.pf"
        fspec: dict = {"arguments": "x integer", "returns": "boolean", "language": "sql", "volatility": "stable",
                       "body": "select x IS DISTINCT FROM 0"}
        doc["functions"][pf] = fspec if pf == "pf" else dict(fspec, name="pf", schema="s2")
        cond += f" AND {pf}(v)"
    pol: dict = {"using": cond}
    if prev is not None and chance(draw, 2):
        pol["command"] = draw(st.sampled_from(["select", "update"]))
    if chance(draw, 2):
        pol["roles"] = [draw(st.sampled_from(ROLES))]
    doc["tables"][pt.name] = pt.spec({"columns": {"id": {"type": "integer"}, "uid": {"type": "integer"},
                                                  "v": {"type": "integer"}},
                                      "row_level_security": {"enabled": True},
                                      "policies": {"pt_p": with_comment(draw, pol)}})


def _trig(draw, prev: Optional[dict], doc: dict) -> None:
    tw = place(draw, prev, "tw")
    c, cspec = _col(draw, prev, "c", {"type": "integer"})
    fn = "tf" if prev is None or chance(draw, 2) else "s2.tf"
    fspec: dict = {"returns": "trigger", "language": "plpgsql",
                   "body": "begin new.hits := coalesce(new.hits, 0) + 1; return new; end"}
    if fn != "tf":
        fspec.update(name="tf", schema="s2")
    doc["functions"][fn] = with_comment(draw, fspec)
    when = draw(st.sampled_from([f"OLD.{c} IS DISTINCT FROM NEW.{c}", f"OLD.{c} IS DISTINCT FROM NEW.{c}",
                                 f"NEW.{c} > OLD.{c}"])) if prev is not None else f"OLD.{c} IS DISTINCT FROM NEW.{c}"
    doc["tables"][tw.name] = tw.spec({"columns": {"id": {"type": "integer"}, c: cspec, "hits": {"type": "integer"}},
                                      "triggers": {"tw_t": with_comment(draw, {
                                          "function": fn, "timing": "before", "events": ["update"],
                                          "for_each": "row", "when": when})}})


def _seq(draw, prev: Optional[dict], doc: dict) -> None:
    sq, ts = place(draw, prev, "sq"), place(draw, prev, "ts")
    doc["sequences"][sq.name] = with_comment(draw, sq.spec({}))
    label, lspec = _col(draw, prev, "label", {"type": "text"})
    k, kspec = _col(draw, prev, "k", {"type": "bigint", "default": f"nextval('{sq.sql}'::regclass)"})
    doc["tables"][ts.name] = ts.spec({"columns": {"id": {"type": "integer"}, k: kspec, label: lspec}})


def _gen(draw, prev: Optional[dict], doc: dict) -> None:
    tg = place(draw, prev, "tg")
    c, cspec = _col(draw, prev, "c", {"type": "integer"})
    if "renamed_from" in cspec and chance(draw, 2):
        cspec = dict(cspec, type="bigint")
    name, nspec = _col(draw, prev, "name", {"type": "text"}, new="label")
    doc["tables"][tg.name] = tg.spec({
        "columns": {"id": {"type": "integer"}, c: cspec, name: nspec,
                    "g": {"type": cspec["type"], "generated": f"{c} * 2"}},
        "indexes": {"tg_lx": with_comment(draw, {"columns": [{"expression": f"lower({name})"}]}),
                    "tg_gx": {"columns": ["g"]}}})


def _cgrant(draw, prev: Optional[dict], doc: dict) -> None:
    tc = place(draw, prev, "tc")
    cols = {"id": {"type": "integer"}, "a": {"type": "integer"}, "b": {"type": "integer"}}
    how = "same" if prev is None else draw(st.sampled_from(["same", "swap", "rename"]))
    if how == "swap":
        cols = {"id": cols["id"], "a": {"type": "integer", "renamed_from": "b"},
                "b": {"type": "integer", "renamed_from": "a"}}
    elif how == "rename":
        cols = {"id": cols["id"], "ax": {"type": "integer", "renamed_from": "a"}, "b": cols["b"]}
    names = [c for c in cols if c != "id"]
    grants: dict = {}
    for r in ROLES:
        privs = draw(st.lists(st.sampled_from([f"select ({names[0]})", f"update ({names[1]})",
                                               f"select ({names[1]})", f"insert ({names[0]}, id)"]),
                              max_size=2, unique=True))
        if privs:
            grants[r] = privs
    spec: dict = {"columns": cols}
    if grants:
        spec["grants"] = grants
    doc["tables"][tc.name] = tc.spec(spec)


def _types(draw, prev: Optional[dict], doc: dict) -> None:
    mood, dpos = place(draw, prev, "mood"), place(draw, prev, "dpos")
    doc["enums"][mood.name] = with_comment(draw, mood.spec({"values": ["sad", "ok", "happy"]}))
    doc["domains"][dpos.name] = with_comment(draw, dpos.spec({"type": "integer", "checks": {"dpos_ck": "VALUE > 0"}}))
    doc["tables"]["tt"] = {"columns": {"id": {"type": "integer"}, "m": {"type": mood.sql},
                                       "d": {"type": dpos.sql}}}
    doc["functions"]["ft"] = {"arguments": f"x {dpos.sql}", "returns": "integer", "language": "sql",
                              "volatility": "immutable", "body": "select x + 1"}
    doc["views"]["vt"] = with_comment(draw, {
        "query": f"SELECT id, m::text AS mt, ft(d) AS d1 FROM tt WHERE m <> 'sad'::{mood.sql}"})


def _views(draw, prev: Optional[dict], doc: dict) -> None:
    vv, mm = place(draw, prev, "vv"), place(draw, prev, "mm")
    x, xspec = _col(draw, prev, "x", {"type": "integer"})
    doc["tables"]["tv"] = {"columns": {"id": {"type": "integer", "primary_key": True}, x: xspec}}
    doc["views"][vv.name] = with_comment(draw, vv.spec({"query": f"SELECT id, {x} AS x FROM tv"}))
    doc["materialized_views"][mm.name] = with_comment(draw, mm.spec({
        "query": f"SELECT id, x * 2 AS x2 FROM {vv.sql}",
        "indexes": {"mm_u": {"columns": ["id"], "unique": True}}}))
    top = "count(*) AS n" if prev is None or chance(draw, 2) else "count(*) AS n, max(x2) AS m"
    doc["views"]["vtop"] = {"query": f"SELECT {top} FROM {mm.sql}"}


def _aside(draw, prev: Optional[dict], doc: dict) -> None:
    """ta and the domain dq, each in B now and then moved to s2 (or renamed ta_old) while a new one takes its old
    name in public (renamed first, its rows going with it), a view reading both tables."""
    moved = prev is not None and chance(draw, 3) is False
    ta = draw(st.sampled_from([Place("ta", "s2"), Place("ta", name="ta_old")])) if moved else Place("ta")
    dq = Place("dq", "s2") if prev is not None and chance(draw, 2) else Place("dq")
    doc["domains"][dq.name if dq.schema == "public" else "s2.dq"] = dq.spec(
        {"type": "integer", "checks": {"dq_ck": "VALUE >= 0"}} | ({"name": "dq"} if dq.schema != "public" else {}))
    doc["tables"][ta.name if ta.schema == "public" else "s2.ta"] = ta.spec(
        {"columns": {"id": {"type": "integer"}, "q": {"type": dq.sql}}} | ({"name": "ta"} if ta.schema != "public"
                                                                            else {}))
    query = f"SELECT id, q FROM {ta.sql}"
    if dq.hint:  # a new dq in public, of another CHECK
        doc["domains"]["dq"] = {"type": "integer", "checks": {"dq_ck": "VALUE < 100"}}
    if ta.hint:  # a new ta in public, of other columns, over the new dq where there is one
        # (no column named as the old one's: test_property's kept_values takes a table of the old name for it)
        doc["tables"]["ta"] = {"columns": {"nid": {"type": "integer"}, "w": {"type": "dq" if dq.hint else "text"}}}
        query += " UNION ALL SELECT nid, NULL::integer FROM ta"
    doc["views"]["va"] = with_comment(draw, {"query": query})


@st.composite
def moves_schema(draw, prev: Optional[dict] = None) -> dict:
    """A (prev None), or B drawn from A: the parts A has, each changed (see the module's docstring)."""
    parts = prev["_parts"] if prev else [p for p in PARTS if draw(st.integers(0, 2))] or ["atomic"]
    doc: dict = {"_parts": parts, "schemas": [{"name": "s2"}], "tables": {}, "functions": {}, "views": {},
                 "materialized_views": {}, "sequences": {}, "enums": {}, "domains": {}}
    for part, make in (("atomic", _atomic), ("policy", _policy), ("trig", _trig), ("seq", _seq), ("gen", _gen),
                       ("cgrant", _cgrant), ("types", _types), ("views", _views), ("aside", _aside)):
        if part in parts:
            make(draw, prev, doc)
    comments_on_tables(draw, doc["tables"])
    return doc


def drawn_pair(draw, schema) -> tuple[dict, dict]:
    """A drawn by the strategy `schema`, and B by `schema(prev=A)`: their private keys (`_parts`) and empty kinds
    left out."""
    a = draw(schema())
    b = draw(schema(prev=a))
    return tuple(json.loads(json.dumps({k: v for k, v in doc.items() if not k.startswith("_") and
                                        (v != {} or k == "tables")})) for doc in (a, b))


@st.composite
def moves_pair(draw) -> tuple[dict, dict]:
    return drawn_pair(draw, moves_schema)


ROWS = {"o": "INSERT INTO o VALUES (1, 10, 'a'), (2, NULL, NULL), (3, -3, 'c')",
        "u": "INSERT INTO u VALUES (1, true), (3, false)",
        "ref": "INSERT INTO ref VALUES (1, 5), (2, NULL)",
        "pt": "INSERT INTO pt VALUES (1, 5, 1), (2, 6, -1)",
        "tw": "INSERT INTO tw VALUES (1, 1, 0), (2, NULL, NULL)",
        "ts": "INSERT INTO ts (id, label) VALUES (1, 'one'), (2, NULL)",
        "tg": "INSERT INTO tg (id, c, name) VALUES (1, 4, 'Ab'), (2, NULL, NULL)",
        "tc": "INSERT INTO tc VALUES (1, 10, 20), (2, 11, NULL)",
        "tt": "INSERT INTO tt VALUES (1, 'ok', 3), (2, 'sad', NULL)",
        "tv": "INSERT INTO tv VALUES (1, 7), (2, NULL)",
        "ta": "INSERT INTO ta VALUES (1, 4), (2, NULL)"}


def moves_rows(conn: psycopg.Connection, a: dict) -> None:
    for t in a["tables"]:
        conn.execute(ROWS[t])
    if "sq" in a.get("sequences", {}):
        conn.execute("SELECT nextval('sq')")  # a position of its own, past the rows'
    if "mm" in a.get("materialized_views", {}):
        conn.execute("REFRESH MATERIALIZED VIEW mm")


def _a_name(hint: Optional[str], name: str) -> str:
    return (hint or name).split(".")[-1]


def moves_values(url: str, doc: dict) -> dict:
    """Every row's values as text, by A's name of its table and column and its id (a generated column's left out:
    its expression may change), and each sequence's position, by A's name."""
    out: dict = {}
    with psycopg.connect(url) as conn:
        for t, spec in doc["tables"].items():
            cols = {c: _a_name(x.get("renamed_from"), c) for c, x in spec["columns"].items() if "generated" not in x}
            t = spec.get("name", t)
            table = sql.Identifier(spec.get("schema", "public"), t)
            for row in conn.execute(sql.SQL("SELECT {} FROM {}").format(
                    sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in cols), table)):
                values = dict(zip(cols.values(), row))
                for c, v in values.items():
                    out[(_a_name(spec.get("renamed_from"), t), c, values["id"])] = v
        out.update(sequence_positions(conn, doc))
        for m, spec in doc.get("materialized_views", {}).items():  # (its query is the same in A and B)
            for row in conn.execute(sql.SQL("SELECT id::text, x2::text FROM {}").format(
                    sql.Identifier(spec.get("schema", "public"), m))):
                out[("mm", row[0])] = row[1]
    return out


def sequence_positions(conn: psycopg.Connection, doc: dict) -> dict:
    """Each sequence's (last_value, is_called), by A's name."""
    return {("sequence", _a_name(spec.get("renamed_from"), s)): conn.execute(sql.SQL(
        "SELECT last_value, is_called FROM {}").format(sql.Identifier(spec.get("schema", "public"), s))).fetchone()
        for s, spec in doc.get("sequences", {}).items()}


def _check(dbs, ab: tuple[dict, dict]) -> None:
    _check_a_to_b(dbs[0], *ab, oracles=ORACLES, dev_url=dbs[1], rows=moves_rows, read_back=moves_values)


@default_examples(1)
@given(ab=moves_pair())
def test_moves_leave_no_drift(dbs, ab):
    _check(dbs, ab)


@pytest.mark.slow
@settings(max_examples=100, **COMMON)
@given(ab=moves_pair())
def test_moves_leave_no_drift_100(dbs, ab):
    _check(dbs, ab)
