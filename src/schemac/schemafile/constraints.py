"""Constraints declared by name or by definition: CHECKs and foreign keys, and their DEFERRABLE, NOT ENFORCED and
temporal (PostgreSQL 18) flags."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from schemac.model import FK_ACTIONS, Check, ForeignKey
from schemac.pg.loaded import checked_columns
from schemac.schemafile.fields import FieldReader

CHECK_KEYS = {"expression": True, "not_valid": False, "no_inherit": False, "enforced": False, "comment": False,
              "binds": False}
FK_KEYS = {"columns": True, "references": True, "name": False, "on_delete": False, "on_delete_columns": False,
           "on_update": False, "match": False, "period": False, "deferrable": False, "initially_deferred": False,
           "not_valid": False, "enforced": False, "comment": False}
FK_REF_KEYS = {"table": True, "columns": True, "schema": False, "extension": False}


class ConstraintReader(FieldReader):
    """Reads CHECKs and foreign keys (primary keys and UNIQUEs are read with their table)."""

    def check(self, name: str, key_node: Node, node: Node, known) -> Check:
        what = f"check '{name}'"
        if isinstance(node, ScalarNode):
            expr, not_valid, no_inherit, comment = self.expression(node, what), False, False, None
            at, enforced, binds = node, True, ()
        else:
            cf = self.w.fields(node, what, CHECK_KEYS)
            at = cf["expression"][1]
            expr = self.expression(at, what)
            not_valid, comment = self.opt_bool(cf, "not_valid", what), self.opt_string(cf, "comment", what)
            no_inherit = self.opt_bool(cf, "no_inherit", what)
            enforced = self.enforced(cf, what)
            # (as written: schemafile.check_binds resolves them once functions and operators are read)
            binds = tuple(self.w.string(n, f"binds of {what}").strip() for n in self.w.sequence(cf["binds"][1],
                                                                                             f"binds of {what}")) \
                if "binds" in cf else ()
        for col in sorted(checked_columns(expr) - {"tableoid"}):  # (the one system column a CHECK may read)
            known(col, at, what)
        return Check(name, expr, self.w.src(key_node), comment, not_valid, no_inherit, enforced, binds)

    def foreign_key(self, node: Node, table_what: str, schema: str, known) -> ForeignKey:
        what = f"foreign key of {table_what}"
        f = self.w.fields(node, what, FK_KEYS)
        cols = self.column_list(f["columns"][1], what, known)
        rf = self.w.fields(f["references"][1], f"references of {what}", FK_REF_KEYS)
        ref_table = self.identifier(rf["table"][1], f"referenced table of {what}")
        ref_schema = self.identifier(rf["schema"][1], f"referenced schema of {what}") if "schema" in rf else schema
        ref_cols = self.column_list(rf["columns"][1], f"references of {what}", lambda c, at, ctx: c)
        # a table of this extension, which schema.yaml does not declare (load.py checks the extension is declared)
        extension = self.identifier(rf["extension"][1], f"referenced extension of {what}") if "extension" in rf else None
        if len(ref_cols) != len(cols):
            raise self.fail(rf["columns"][1], f"{what} has {len(cols)} columns but references {len(ref_cols)}")
        name = self.identifier(f["name"][1], "constraint name") if "name" in f else None
        actions = {}
        for key in ("on_delete", "on_update"):
            value = self.choice(f, key, tuple(a.replace(" ", "_") for a in FK_ACTIONS), what, words=True) or "no_action"
            actions[key] = value.replace("_", " ")
        period = self.temporal(f, "period", len(cols), what)
        for key in ("on_delete", "on_update"):
            if period and actions[key] != "no action":  # (Postgres 18 has no other action for PERIOD)
                raise self.fail(f[key][1], f"{what}: period allows only {key}: no_action")
        match = self.choice(f, "match", ("simple", "full"), what) or "simple"
        set_columns: tuple[str, ...] = ()
        if "on_delete_columns" in f:
            at = f["on_delete_columns"][1]
            if actions["on_delete"] not in ("set null", "set default"):
                raise self.fail(at, f"{what}: on_delete_columns needs on_delete: set_null or set_default")

            def among_key(col: str, node: Node, context: str) -> str:
                if col not in cols:
                    raise self.fail(node, f"{context} names column '{col}', which is not one of the foreign key's "
                                          f"columns ({', '.join(cols)})")
                return col
            set_columns = self.column_list(at, f"on_delete_columns of {what}", among_key)
        return ForeignKey(cols, ref_table, ref_cols, ref_schema, name, actions["on_delete"], actions["on_update"],
                          match == "full", *self.deferral(f, what), self.opt_bool(f, "not_valid", what),
                          self.opt_string(f, "comment", what), self.w.src(node), set_columns,
                          period, self.enforced(f, what), extension)

    def temporal(self, f: dict, key: str, columns: int, what: str) -> bool:
        """`without_overlaps` of a key, `period` of a foreign key (PostgreSQL 18+): on the last of two columns or more."""
        marked = self.opt_bool(f, key, what)
        if marked and columns < 2:
            raise self.fail(f[key][1], f"{what}: {key} needs at least two columns (the last one is the range)")
        return marked

    def enforced(self, f: dict, what: str) -> bool:
        """False: NOT ENFORCED (PostgreSQL 18+), which NOT VALID (a check of rows yet to come) cannot go with."""
        enforced = self.opt_bool(f, "enforced", what, default=True)
        if not enforced and self.opt_bool(f, "not_valid", what):
            raise self.fail(f["not_valid"][1], f"{what}: not_valid means nothing with enforced: false (a NOT "
                                               "ENFORCED constraint checks no row)")
        return enforced

    def deferral(self, f: dict, what: str) -> tuple[bool, bool]:
        """(deferrable, initially_deferred) of a constraint."""
        deferrable = self.opt_bool(f, "deferrable", what)
        initially_deferred = self.opt_bool(f, "initially_deferred", what)
        if initially_deferred and not deferrable:
            raise self.fail(f["initially_deferred"][1], f"{what}: initially_deferred needs deferrable: true")
        return deferrable, initially_deferred
