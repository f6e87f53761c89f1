"""Every input the loader rejects: exit status 2, one line `schema.yaml:LINE:COL: ...`, no traceback."""

from __future__ import annotations

import re

import pytest

from conftest import sampled

from schemac.errors import SchemacError, SchemaFileError
from schemac.schemafile.load import load_file, load_text

GOOD_COLUMNS = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: {type: text}
"""

# A composite type and a function a cast can use (a cast's entry is at line 9).
_CAST_FN = ("composite_types:\n  pair: {attributes: {a: integer, b: integer}}\nfunctions:\n  pair_text:\n"
            "    arguments: p pair\n    returns: text\n    body: SELECT p.a || ':' || p.b\n")

# (id, yaml text, expected line, fragment of the message)
CASES = [
    ("syntax", "tables:\n  t:\n    columns: [a\n", 4, "YAML syntax error"),
    ("schema-absent-not-public", "schemas:\n  - {name: app, absent: true}\n", 2, "absent: only on schema 'public'"),
    ("schema-public-absent-with-grants", "schemas:\n  - {name: public, absent: true, grants: {PUBLIC: [usage]}}\n", 2,
     "schema 'public' declared absent has no owner, grants or comment"),
    ("schema-public-absent-and-listed", "schemas:\n  - public\n  - {name: public, absent: true}\n", 2,
     "schema 'public' is declared absent and listed"),
    ("schema-public-absent-holds-a-table", "schemas:\n  - {name: public, absent: true}\ntables:\n  t: {columns: {a: text}}\n",
     2, "schema 'public' is declared absent, but schema.yaml puts objects in it"),
    ("tab-indent", "tables:\n\tt: {}\n", 2, "YAML syntax error"),
    ("index-key-order-twice", "tables:\n  t:\n    columns: {s: text}\n    indexes:\n      i:\n"
     "        columns: [{expression: lower(s) DESC, order: asc}]\n", 6,
     "expression of index 'i' ends with 'desc', and the key gives order too: write it once"),
    ("column-order-unknown-column", "tables:\n  p:\n    columns: {a: integer}\n  c:\n    inherits: [p]\n"
     "    column_order:\n      - x\n      - b\n    columns: {x: text}\n", 8,
     "column_order of table public.c names column 'b', which neither it nor its parents have; columns: a, x"),
    ("column-order-not-a-child", "tables:\n  c:\n    columns: {x: text}\n    column_order: [x]\n", 4,
     "column_order of table 'c': only a table with inherits takes it"),
    ("view-rule-disabled", "views:\n  v:\n    query: SELECT 1 AS a\n    rules:\n      r:\n        event: delete\n"
     "        instead: true\n        enabled: disabled\n", 8, "a view's rules fire on origin"),
    ("duplicate-table", "tables:\n  t:\n    columns: {a: text}\n  t:\n    columns: {b: text}\n", 4,
     "duplicate key 't'"),
    ("duplicate-column", "tables:\n  t:\n    columns:\n      a: text\n      a: integer\n", 5, "duplicate key 'a'"),
    ("boolean-key-on", "tables:\n  t:\n    columns:\n      on: text\n", 4, "read by YAML as a boolean"),
    ("boolean-key-no", "tables:\n  t:\n    columns:\n      id: text\n      no: integer\n", 5, "quote it"),
    ("integer-key", "tables:\n  t:\n    columns:\n      1: text\n", 4, "an integer"),
    ("unknown-key-colums", "tables:\n  t:\n    colums:\n      a: text\n", 3,
     "unknown key 'colums' in table 't' (did you mean 'columns'?)"),
    ("unknown-top-key", "table:\n  t: {}\n", 1, "unknown key 'table' in schema.yaml (top level) (did you mean 'tables'?)"),
    ("unknown-column-key", "tables:\n  t:\n    columns:\n      a: {type: text, nulable: false}\n", 4,
     "unknown key 'nulable' in column 'a' of table 't' (did you mean 'nullable'?)"),
    ("bad-type", "tables:\n  t:\n    columns:\n      a: {type: 'varchar(('}\n", 4, "type of column 'a'"),
    ("not-a-type", "tables:\n  t:\n    columns:\n      a: {type: 'int; drop table x'}\n", 4, "is not a type"),
    ("serial", "tables:\n  t:\n    columns:\n      a: {type: serial, default: 1}\n", 4, "takes no default"),
    ("default-two-statements", "tables:\n  t:\n    columns:\n      a:\n        type: integer\n"
     "        default: '1; DROP TABLE x'\n", 6, "exactly one SQL expression"),
    ("default-statement", "tables:\n  t:\n    columns:\n      a: {type: integer, default: 'DROP TABLE x'}\n", 4,
     "not a statement"),
    ("default-subquery", "tables:\n  t:\n    columns:\n      a: {type: integer, default: '(SELECT 1)'}\n", 4,
     "subquery"),
    ("default-column-ref", "tables:\n  t:\n    columns:\n      a: {type: text, default: hello}\n", 4,
     "cannot refer to columns"),
    ("check-two-statements", "tables:\n  t:\n    columns:\n      a: integer\n    checks:\n"
     "      c: 'a > 0; DROP TABLE t'\n", 6, "exactly one SQL expression"),
    ("check-bad-sql", "tables:\n  t:\n    columns:\n      a: integer\n    checks:\n      c: 'a >'\n", 6,
     "check 'c' is not valid SQL (incomplete expression at column 3, after 'a >')"),
    ("check-unbalanced", "tables:\n  t:\n    columns:\n      a: integer\n    checks:\n      c: '(a > 3'\n", 6,
     "check 'c' is not valid SQL (expecting ) at column 6, after '(a > 3')"),
    ("check-position-with-a-comma", "tables:\n  t:\n    columns:\n      a: text\n    checks:\n"
     "      c: position(a, 'x') > 0\n", 6, "check 'c' is not valid SQL (position takes `substring in string` "
     "(position(a, b) is a syntax error in postgres; \"position\"(a, b) calls its function: the place of b in a)"),
    ("check-unknown-sqljson-clause", "tables:\n  t:\n    columns:\n      j: jsonb\n    checks:\n"
     "      c: JSON_EXISTS(j, '$.a' MAYBE ON ERROR)\n", 6,
     "check 'c' is not valid SQL (unexpected maybe in json_exists"),
    ("check-sqljson-returning-no-type", "tables:\n  t:\n    columns:\n      j: jsonb\n    checks:\n"
     "      c: JSON_VALUE(j, '$.a' RETURNING) IS NOT NULL\n", 6, "expected a type after returning"),
    ("check-unknown-column", "tables:\n  t:\n    columns:\n      a: integer\n    checks:\n      c: b > 0\n", 6,
     "names column 'b'"),
    ("index-unknown-column", "tables:\n  t:\n    columns:\n      a: integer\n    indexes:\n"
     "      i: {columns: [a, b]}\n", 6, "names column 'b'"),
    ("unique-unknown-column", "tables:\n  t:\n    columns:\n      a: integer\n    unique:\n"
     "      - columns: [a, zz]\n", 6, "names column 'zz'"),
    ("partition-key-not-its-parents", "tables:\n  p:\n    columns: {a: integer, b: integer}\n"
     "    primary_key: {columns: [a, b]}\n    partition_by: {strategy: range, key: b}\n  p1:\n"
     "    partition_of: {parent: p, bound: DEFAULT}\n    primary_key: {name: p1_pk, columns: [a]}\n", 8,
     "a partition's primary key is its parent's (a, b)"),
    # A partition that lists its columns lists its parent's, of their types (Postgres attaches no other table):
    # one written with only the column its `using:` is for made a migration whose ATTACH Postgres refused
    ("partition-lists-not-every-parent-column", "tables:\n  p:\n    columns: {k: integer, v: \"text[]\"}\n"
     "    partition_by: {strategy: range, key: k}\n  t:\n    partition_of: {parent: p, bound: DEFAULT}\n"
     "    columns:\n      v: {type: \"text[]\", using: \"string_to_array(v, ',')\"}\n", 5,
     "lists its columns, but not 'k': a partition has every column of its parent"),
    ("partition-column-of-another-type", "tables:\n  p:\n    columns: {k: integer, v: \"text[]\"}\n"
     "    partition_by: {strategy: range, key: k}\n  t:\n    partition_of: {parent: p, bound: DEFAULT}\n"
     "    columns:\n      k: int4\n      v: text\n", 9, "column 'v' of table public.t is text, but a partition's"),
    ("partition-column-not-its-parents", "tables:\n  p:\n    columns: {k: integer}\n"
     "    partition_by: {strategy: range, key: k}\n  t:\n    partition_of: {parent: p, bound: DEFAULT}\n"
     "    columns:\n      k: integer\n      extra: text\n", 9, "column 'extra' of table public.t is not a column of"),
    ("pk-unknown-column", "tables:\n  t:\n    columns:\n      a: integer\n    primary_key: {columns: [b]}\n", 5,
     "names column 'b'"),
    ("long-table-name", "tables:\n  " + "t" * 64 + ":\n    columns: {a: integer}\n", 2, "at most 63 bytes"),
    ("long-column-name", "tables:\n  t:\n    columns:\n      " + "é" * 32 + ": integer\n", 4, "64 bytes"),
    ("long-index-name", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n      " + "i" * 70
     + ": {columns: [a]}\n", 5, "at most 63 bytes"),
    ("python-tag", "tables:\n  t: !!python/object/apply:os.system ['echo pwned']\n", 2, "is not allowed"),
    ("external-function-with-arguments", "external_functions: ['audit.f(integer)']\n", 1,
     "external function must name a function, `name` or `schema.name`, without arguments, not 'audit.f(integer)'"),
    ("external-function-three-parts", "external_functions:\n  - a.b.c\n", 2, "external function must name a function"),
    ("external-function-stray-quote", "external_functions:\n  - 'fn-x.\"touch.v'\n", 2,
     "external function must name a function, `name` or `schema.name`, without arguments, not 'fn-x.\"touch.v'"),
    ("external-function-empty-quoted", "external_functions:\n  - 'fn-x.\"\"'\n", 2, "not 'fn-x.\"\"'"),
    ("external-function-twice", "external_functions:\n  - f\n  - public.f\n", 3,
     "external_functions lists public.f twice (first at line 2)"),
    ("external-function-declared", "functions:\n  f: {returns: trigger, language: plpgsql, body: 'begin return new; end'}\n"
     "external_functions: [f]\n", 3, "external_functions lists public.f, which functions: declares (line 2)"),
    ("trigger-function-not-listed", "external_functions: [audit.g]\ntables:\n  t:\n    columns: {a: integer}\n"
     "    triggers:\n      t_audit: {function: audit.f, timing: after, events: [insert]}\n", 6,
     "schema.yaml declares no function audit.f (functions:) and no extension in schema audit (extensions:): the "
     "migration would create the trigger before its function exists (one the database has already: list it under "
     "external_functions:)"),
    ("fk-table-not-listed", "external_tables: [auth.people]\ntables:\n  t:\n    columns: {a: uuid}\n"
     "    foreign_keys:\n      - {columns: [a], references: {table: users, schema: auth, columns: [id]}}\n", 6,
     "foreign key of table public.t references auth.users, which schema.yaml does not declare (one the database has "
     "already: list it under external_tables:)"),
    ("external-table-declared", "tables:\n  t:\n    columns: {a: uuid}\nexternal_tables: [public.t]\n", 4,
     "external_tables lists public.t, which tables: declares (line 2)"),
    ("external-table-twice", "external_tables:\n  - auth.users\n  - auth.users\n", 3,
     "external_tables lists auth.users twice (first at line 2)"),
    ("external-table-three-parts", "external_tables: [a.b.c]\n", 1,
     "external table must name a table, `name` or `schema.name`, not 'a.b.c'"),
    ("custom-tag", "tables:\n  t:\n    columns:\n      a: !foo text\n", 4, "is not allowed"),
    ("nullable-not-bool", "tables:\n  t:\n    columns:\n      a: {type: text, nullable: yes}\n", 4,
     "true or false"),
    ("order-invalid", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [{name: a, order: down}]}\n", 5, "must be one of asc, desc"),
    ("opclass-options-without-opclass", "tables:\n  t:\n    columns: {a: text}\n    indexes:\n"
     "      i: {columns: [{name: a, opclass_options: {siglen: 32}}], method: gist}\n", 5,
     "opclass_options of index 'i' need the opclass they are for"),
    ("opclass-three-parts", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [{name: a, opclass: ops-x.Abs.Ops}]}\n", 5,
     "opclass of index 'i' must be an operator class name like text_pattern_ops or schema.name (schema.\"name.with."
     "dots\"), not 'ops-x.Abs.Ops'"),
    ("opclass-stray-quote", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [{name: a, opclass: 'ops-x.\"Abs.Ops'}]}\n", 5, "not 'ops-x.\"Abs.Ops'"),
    ("opclass-options-bad-name", "tables:\n  t:\n    columns: {a: text}\n    indexes:\n"
     "      i: {columns: [{name: a, opclass: gist_trgm_ops, opclass_options: {Sig-Len: 32}}], method: gist}\n", 5,
     "'Sig-Len' is not a storage parameter name"),
    ("index-statistics-on-a-column", "tables:\n  t:\n    columns: {a: text}\n    indexes:\n"
     "      i: {columns: [{name: a, statistics_target: 100}]}\n", 5, "Postgres sets one on an expression key only"),
    ("index-statistics-too-high", "tables:\n  t:\n    columns: {a: text}\n    indexes:\n"
     "      i: {columns: [{expression: lower(a), statistics_target: 20000}]}\n", 5, "from -1 (the default) to 10000"),
    ("materialized-view-cluster-on-no-index", "materialized_views:\n  mv:\n    query: SELECT 1 AS a\n"
     "    indexes:\n      mv_a: {columns: [a]}\n    cluster_on: mv_b\n", 6,
     "cluster_on of materialized view 'mv': 'mv_b' is none of its indexes"),
    ("view-column-statistics", "views:\n  v:\n    query: SELECT 1 AS a\n    columns:\n      a: {statistics_target: 10}\n",
     5, "only a materialized view's column has one"),
    ("view-column-storage", "views:\n  v:\n    query: SELECT 1 AS a\n    columns:\n      a: {storage: external}\n",
     5, "storage of column 'a' of view 'v': only a materialized view's column has one"),
    ("matview-column-storage-word", "materialized_views:\n  mv:\n    query: SELECT 'x'::text AS a\n    columns:\n"
     "      a: {storage: outside}\n", 5, "storage"),
    ("view-flag-spelling", "views:\n  v:\n    query: SELECT 1 AS a\n    security_barrier: 'maybe'\n", 4,
     "security_barrier of view 'v' must be true or false (or a spelling of one Postgres reads"),
    ("exclusion-statistics", "tables:\n  t:\n    columns: {a: integer}\n    exclude:\n"
     "      - {elements: [{expression: abs(a), with: '=', statistics_target: 10}]}\n", 5, "statistics_target"),
    ("trigger-from-without-constraint", "tables:\n  t:\n    columns: {a: integer}\n    triggers:\n"
     "      g: {function: f, events: [delete], timing: after, for_each: row, from: other}\n", 5,
     "only a constraint trigger (constraint: true) has a from table"),
    ("method-invalid", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n      i: {columns: [a], method: ''}\n",
     5, "method of index 'i' is empty"),
    ("flow-comma", "tables:\n  t:\n    columns:\n      a: {type: decimal(3,2)}\n", 4, "quote values that contain commas"),
    ("merge-key", "base: &b {type: text}\ntables:\n  t:\n    columns:\n      a: {<<: *b}\n", 1, "unknown key 'base'"),
    ("merge-key-inside", "tables:\n  t:\n    columns:\n      a: {<<: {type: text}}\n", 4, "merge keys"),
    ("tables-not-mapping", "tables: [a, b]\n", 1, "must be a mapping"),
    ("no-columns-key", "tables:\n  t:\n    comment: x\n", 3, "needs the key 'columns'"),
    ("deep-nesting", "tables: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nesting deeper than"),
    ("deep-block-nesting", "tables:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)), 65,
     "nesting deeper than"),
    ("anchor-bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
     "tables:\n  t: {columns: {a: text}}\n", 1, "unknown key 'a'"),
    ("alias-flood", "x: &x a\n" + "tables:\n  t:\n    columns:\n      a: {type: text, comment: [" + ", ".join(["*x"] * 10_001)
     + "]}\n", 5, "aliases"),
    ("invalid-utf8", None, 2, "not valid UTF-8"),
    ("pk-nullable", "tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true, nullable: true}\n", 4,
     "cannot be nullable"),
    ("duplicate-constraint-name", "tables:\n  t:\n    columns: {a: integer}\n    unique:\n      - {columns: [a], name: c}\n"
     "    checks:\n      c: a > 0\n", 7, "constraint name 'c' twice"),
    ("unique-repeats-unique", "tables:\n  t:\n    columns: {a: integer, b: integer}\n    unique:\n"
     "      - columns: [a, b]\n      - columns: [a, b]\n", 6, "repeats the unique constraint at line 5"),
    ("index-named-like-table", "tables:\n  t:\n    columns: {a: integer}\n  u:\n    columns: {a: integer}\n"
     "    indexes:\n      t: {columns: [a]}\n", 7, "already used"),
    ("generated-without-expression", "tables:\n  t:\n    columns:\n      a: integer\n"
     "      b: {type: integer, generated: {stored: false}}\n", 5, "needs the key 'expression'"),
    ("generated-stored-not-boolean", "tables:\n  t:\n    columns:\n      a: integer\n"
     "      b: {type: integer, generated: {expression: a + 1, stored: maybe}}\n", 5, "stored of generated"),
    ("enum-and-domain-one-name", "enums:\n  money: [a, b]\ndomains:\n  money: {type: integer}\n", 4,
     "type public.money is declared twice (first at line 2)"),
    ("enum-named-twice", "enums:\n  a: {values: [x]}\n  b: {values: [y], name: a}\n", 3,
     "type public.a is declared twice"),
    ("sequence-named-like-table", "sequences:\n  t: {}\ntables:\n  t:\n    columns: {a: integer}\n", 2,
     "has the same name as table public.t"),
    ("sequence-named-like-index", "sequences:\n  t_a: {start: 5}\ntables:\n  t:\n    columns: {a: integer}\n"
     "    indexes:\n      t_a: {columns: [a]}\n", 2, "has the same name as index public.t_a"),
    ("fk-references-no-key", "tables:\n  p:\n    columns: {a: integer, b: integer}\n  c:\n    columns: {x: integer}\n"
     "    foreign_keys:\n      - {columns: [x], references: {table: p, columns: [a]}}\n", 7,
     "references (a) of table public.p, which no primary key, unique constraint or unique index of it has"),
    ("fk-references-table-of-undeclared-extension", "tables:\n  c:\n    columns: {x: integer}\n    foreign_keys:\n"
     "      - {columns: [x], references: {table: spatial_ref_sys, columns: [srid], extension: postgis}}\n", 5,
     "references public.spatial_ref_sys of extension postgis, which schema.yaml does not declare"),
    ("fk-references-declared-table-as-extensions", "extensions: [postgis]\ntables:\n  spatial_ref_sys:\n"
     "    columns: {srid: {type: integer, primary_key: true}}\n  c:\n    columns: {x: integer}\n    foreign_keys:\n"
     "      - {columns: [x], references: {table: spatial_ref_sys, columns: [srid], extension: postgis}}\n", 8,
     "as extension postgis's, but schema.yaml declares that table"),
    ("inherits-table-of-undeclared-extension", "tables:\n  c:\n    inherits: [{table: tiger.addr, extension: "
     "postgis_tiger_geocoder}]\n    columns: {gid: integer}\n", 2,
     "inherits from tiger.addr of extension postgis_tiger_geocoder, which schema.yaml does not declare"),
    ("inherits-declared-table-as-extensions", "extensions: [postgis]\ntables:\n  spatial_ref_sys:\n"
     "    columns: {srid: integer}\n  c:\n    inherits: [{table: spatial_ref_sys, extension: postgis}]\n"
     "    columns: {srid: integer}\n", 5, "of extension postgis, but schema.yaml declares that table"),
    ("inherits-extension-parent-without-its-extension", "tables:\n  c:\n    inherits: [{table: tiger.addr}]\n"
     "    columns: {gid: integer}\n", 3, "needs the key 'extension'"),
    ("fk-references-deferrable-key", "tables:\n  p:\n    columns: {a: integer}\n    unique:\n      - {columns: [a], deferrable: true}\n"
     "  c:\n    columns: {x: integer}\n    foreign_keys:\n      - {columns: [x], references: {table: p, columns: [a]}}\n", 9,
     "(Postgres requires one, not deferrable)"),
    ("fk-references-partial-index", "tables:\n  p:\n    columns: {a: integer}\n    indexes:\n      i: {columns: [a], unique: true, where: a > 0}\n"
     "  c:\n    columns: {x: integer}\n    foreign_keys:\n      - {columns: [x], references: {table: p, columns: [a]}}\n", 9,
     "which no primary key, unique constraint or unique index"),
    ("fk-period-references-plain-key", "tables:\n  p:\n    columns: {a: integer, d: tstzrange}\n    primary_key: {columns: [a, d]}\n"
     "  c:\n    columns: {x: integer, d: tstzrange}\n    foreign_keys:\n"
     "      - {columns: [x, d], references: {table: p, columns: [a, d]}, period: true}\n", 8,
     "references (a, d) of table public.p, which no primary key or unique constraint of it WITHOUT OVERLAPS on d"),
    ("fk-references-temporal-key", "tables:\n  p:\n    columns: {a: integer, d: tstzrange}\n"
     "    primary_key: {columns: [a, d], without_overlaps: true}\n"
     "  c:\n    columns: {x: integer, d: tstzrange}\n    foreign_keys:\n"
     "      - {columns: [x, d], references: {table: p, columns: [a, d]}}\n", 8,
     "whose key on them is WITHOUT OVERLAPS (Postgres takes one only for a foreign key with period: true)"),
    ("on-delete-columns-without-set-null", "tables:\n  p:\n    columns: {a: integer, b: integer}\n    primary_key: {columns: [a, b]}\n  c:\n    columns: {x: integer, y: integer}\n    foreign_keys:\n      - {columns: [x, y], references: {table: p, columns: [a, b]}, "
     "on_delete: cascade, on_delete_columns: [y]}\n", 8, "on_delete_columns needs on_delete: set_null or set_default"),
    ("on-delete-columns-not-in-key", "tables:\n  p:\n    columns: {a: integer, b: integer}\n    primary_key: {columns: [a, b]}\n  c:\n    columns: {x: integer, y: integer}\n    foreign_keys:\n      - {columns: [x, y], references: {table: p, columns: [a, b]}, "
     "on_delete: set_null, on_delete_columns: [q]}\n", 8, "names column 'q', which is not one of the foreign key's columns (x, y)"),
    ("index-parameter-name", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [a], with: {Fill Factor: 70}}\n", 5, "'Fill Factor' is not a storage parameter name"),
    ("index-parameter-empty", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [a], with: {fillfactor: ''}}\n", 5, "fillfactor in with of index 'i' is empty"),
    ("index-parameters-not-a-mapping", "tables:\n  t:\n    columns: {a: integer}\n    indexes:\n"
     "      i: {columns: [a], with: [fillfactor]}\n", 5, "with of index 'i' must be a mapping"),
    ("check-no-inherit-not-boolean", "tables:\n  t:\n    columns: {a: integer}\n    checks:\n"
     "      c: {expression: a > 0, no_inherit: yes please}\n", 5, "no_inherit of check 'c' must be true or false"),
    ("without-overlaps-one-column", "tables:\n  t:\n    columns: {a: int4range}\n"
     "    primary_key: {columns: [a], without_overlaps: true}\n", 4, "without_overlaps needs at least two columns"),
    ("without-overlaps-not-boolean", "tables:\n  t:\n    columns: {a: integer, b: int4range}\n    unique:\n"
     "      - {columns: [a, b], without_overlaps: b}\n", 5, "without_overlaps of unique constraint of table 't' must be"),
    ("period-with-cascade", "tables:\n  p:\n    columns: {a: integer, b: int4range}\n    primary_key: {columns: [a, b], "
     "without_overlaps: true}\n  c:\n    columns: {x: integer, y: int4range}\n    foreign_keys:\n      - {columns: [x, y], "
     "references: {table: p, columns: [a, b]}, period: true,\n         on_delete: cascade}\n", 9,
     "period allows only on_delete: no_action"),
    ("check-not-enforced-not-valid", "tables:\n  t:\n    columns: {a: integer}\n    checks:\n"
     "      c: {expression: a > 0, enforced: false,\n          not_valid: true}\n", 6,
     "not_valid means nothing with enforced: false"),
    ("include-unknown-column", "tables:\n  t:\n    columns: {a: integer}\n    primary_key: {columns: [a], include: [b]}\n",
     4, "names column 'b'"),
    # operator classes: method and type, members with their numbers, support functions schema.yaml (or Postgres) makes
    ("opclass-unknown-key", _CAST_FN + "operator_classes:\n  p_ops: {method: btree, type: pair, kind: x}\n", 9,
     "unknown key 'kind'"),
    ("opclass-no-method", _CAST_FN + "operator_classes:\n  p_ops: {type: pair, functions: [{number: 1, "
     "function: 'pg_catalog.btint4cmp(integer, integer)'}]}\n", 9, "method"),
    ("opclass-unknown-type", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pairs, operators: "
     "[{strategy: 1, operator: '='}]}\n", 9, "unknown type 'pairs' (did you mean 'pair'?)"),
    ("opclass-strategy-not-a-number", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, operators: "
     "[{strategy: one, operator: '='}]}\n", 9, "strategy of an operator of operator class 'p_ops' must be an integer"),
    ("opclass-bad-operator", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, operators: "
     "[{strategy: 1, operator: 'drop table'}]}\n", 9, "operator of operator class 'p_ops' must be `op` or `schema.op`"),
    ("opclass-operator-two-part-schema", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, operators: "
     "[{strategy: 1, operator: 'op.s.='}]}\n", 9, "operator of operator class 'p_ops' must be `op` or `schema.op`: '=' "
     "has a bad schema"),
    ("opclass-family-three-parts", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, family: op.s.Fam, "
     "operators: [{strategy: 1, operator: '='}]}\n", 9, "family of operator class 'p_ops' must be a name or schema.name "
     "(schema.\"name.with.dots\"), not 'op.s.Fam'"),
    ("opclass-order-by-stray-quote", _CAST_FN + "operator_classes:\n  p_ops: {method: gist, type: pair, operators: "
     "[{strategy: 1, operator: '=', order_by: 'op.\"s'}]}\n", 9, "order_by of operator class 'p_ops' must be an "
     "operator family, `name` or `schema.name` (schema.\"name.with.dots\"), not 'op.\"s'"),
    ("opclass-function-without-types", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, functions: "
     "[{number: 1, function: pair_text}]}\n", 9, "must name a function with its argument types"),
    ("opclass-unknown-function", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, functions: "
     "[{number: 1, function: 'pair_hash(pair)'}]}\n", 9, "schema.yaml declares no function pair_hash"),
    ("opclass-other-overload", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, functions: "
     "[{number: 1, function: 'pair_text(integer)'}]}\n", 9, "declares no pair_text(integer)"),
    ("opclass-unknown-family", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, family: fam, "
     "operators: [{strategy: 1, operator: '='}]}\n", 9, "family of operator class 'p_ops': schema.yaml declares no "
     "hash operator family fam (under operator_families:), nor a class"),
    ("opclass-family-of-another-method", _CAST_FN + "operator_families:\n  fam: {method: btree}\noperator_classes:\n"
     "  p_ops: {method: hash, type: pair, family: fam, operators: [{strategy: 1, operator: '='}]}\n", 11,
     "schema.yaml declares no hash operator family fam"),
    ("opfamily-member-without-left", _CAST_FN + "operator_families:\n  fam: {method: btree, operators: [{strategy: 1, "
     "operator: '<', right: integer}]}\n", 9, "an operator of operator family 'fam' needs left:"),
    ("opfamily-unknown-function", _CAST_FN + "operator_families:\n  fam: {method: hash, functions: [{number: 1, "
     "function: 'pair_hash(pair)', left: pair, right: pair}]}\n", 9, "schema.yaml declares no function pair_hash"),
    ("opfamily-twice", _CAST_FN + "operator_families:\n  fam: {method: hash}\n  f2: {name: fam, method: hash}\n", 10,
     "operator family public.fam USING hash is declared twice (first at line 9)"),
    ("opclass-twice", _CAST_FN + "operator_classes:\n  p_ops: {method: hash, type: pair, operators: [{strategy: 1, "
     "operator: '='}]}\n  q: {name: p_ops, method: hash, type: pair, operators: [{strategy: 1, operator: '='}]}\n", 10,
     "operator class public.p_ops USING hash is declared twice (first at line 9)"),
    # casts: (source, target): one way to convert, a function schema.yaml (or Postgres, an extension) makes
    ("cast-unknown-key", _CAST_FN + "casts:\n  - {source: pair, target: text, function: pair_text(pair), contxt: implicit}\n",
     9, "unknown key 'contxt' in a cast (did you mean 'context'?)"),
    ("cast-not-a-type", _CAST_FN + "casts:\n  - {source: 'pair; drop', target: text, inout: true}\n", 9,
     "source of a cast"),
    ("cast-unknown-type", _CAST_FN + "casts:\n  - {source: pairs, target: text, inout: true}\n", 9,
     "type of cast (pairs AS text): unknown type 'pairs' (did you mean 'pair'?)"),
    ("cast-function-and-inout", _CAST_FN + "casts:\n  - {source: pair, target: text, function: pair_text(pair), "
     "inout: true}\n", 9, "cast (pair AS text) takes one of function:, without_function: true or inout: true, "
     "not function and inout"),
    ("cast-no-way", _CAST_FN + "casts:\n  - {source: pair, target: text, without_function: false}\n", 9,
     "cast (pair AS text) takes one of function:, without_function: true or inout: true"),
    ("cast-function-without-types", _CAST_FN + "casts:\n  - {source: pair, target: text, function: pair_text}\n",
     9, "function of cast (pair AS text) must name a function with its argument types"),
    ("cast-function-dotted-unquoted", _CAST_FN + "casts:\n  - {source: pair, target: text, function: 'fn-x.pair.text(pair)'}\n",
     9, "function of cast (pair AS text) must name a function with its argument types, `name(type)` or "
     "`schema.name(type)` (schema.\"name.with.dots\"(type)), not 'fn-x.pair.text(pair)'"),
    ("cast-function-other-overload", _CAST_FN + "casts:\n  - {source: pair, target: text, function: 'pair_text(text)'}\n",
     9, "schema.yaml declares no pair_text(text) (functions: has pair_text(pair))"),
    ("cast-function-undeclared", _CAST_FN + "casts:\n  - {source: pair, target: text, function: 'nope(pair)'}\n",
     9, "schema.yaml declares no function nope"),
    ("cast-function-second-argument", _CAST_FN + "casts:\n  - {source: pair, target: text, function: 'pair_text(pair, text)'}\n",
     9, "must take one argument (then integer, then boolean), not (pair, text)"),
    ("cast-bad-context", _CAST_FN + "casts:\n  - {source: pair, target: text, inout: true, context: always}\n", 9,
     "context of cast (pair AS text) must be one of explicit, assignment, implicit"),
    ("cast-twice", _CAST_FN + "casts:\n  - {source: pair, target: text, inout: true}\n"
     "  - {source: public.pair, target: TEXT, function: pair_text(pair)}\n", 10,
     "cast (pair AS text) is declared twice (first at line 9)"),
    # PostgreSQL 18's NOT NULL constraints: what contradicts the column, or what Postgres refuses
    ("not-null-but-nullable", "tables:\n  t:\n    columns:\n      a: {type: integer, nullable: true, not_null: {name: n}}\n",
     4, "not_null makes it NOT NULL; nullable: true says otherwise"),
    ("not-null-not-valid-identity", "tables:\n  t:\n    columns:\n      a: {type: integer, identity: always,\n"
     "          not_null: {not_valid: true}}\n", 5, "is an identity column, whose NOT NULL Postgres makes validated"),
    ("not-null-not-valid-primary-key", "tables:\n  t:\n    columns:\n      a: {type: integer, not_null: {not_valid: true}}\n"
     "    primary_key: {columns: [a]}\n", 4, "is in the primary key, whose NOT NULL Postgres makes validated"),
    ("not-null-no-inherit-partitioned", "tables:\n  t:\n    partition_by: {strategy: list, key: a}\n    columns:\n"
     "      a: {type: integer, not_null: {no_inherit: true}}\n", 5, "a partitioned table's NOT NULL cannot be no_inherit"),
    ("inherited-constraints-not-a-child", "tables:\n  t:\n    columns: {a: integer}\n"
     "    inherited_constraints: {t_a_check: {comment: x}}\n", 4, "inherited_constraints are a partition's or an INHERITS"),
    ("inherited-constraint-no-comment", "tables:\n  p: {columns: {a: integer}, checks: {k: a > 0}}\n  c:\n    inherits: [p]\n"
     "    inherited_constraints:\n      k: {comments: x}\n", 6, "comments"),
    ("inherited-constraint-a-string", "tables:\n  p: {columns: {a: integer}, checks: {k: a > 0}}\n  c:\n    inherits: [p]\n"
     "    inherited_constraints:\n      k: x\n", 6, "must be a mapping ({comment: ...})"),
    ("inherited-constraint-unknown", "tables:\n  p: {columns: {a: integer}, checks: {k: a > 0}}\n  c:\n    inherits: [p]\n"
     "    inherited_constraints:\n      q: {comment: x}\n", 3, "name 'q', which is no CHECK, NOT NULL or (of a partition) foreign key"),
    ("inherited-constraint-a-foreign-key-of-inherits", "tables:\n  r: {columns: {id: {type: integer, primary_key: true}}}\n"
     "  p:\n    columns: {a: integer}\n    foreign_keys: [{name: f, columns: [a], references: {table: r, columns: [id]}}]\n"
     "  c:\n    inherits: [p]\n    inherited_constraints: {f: {comment: x}}\n", 6, "name 'f', which is no CHECK"),
    ("domain-not-null-unknown-key", "domains:\n  d:\n    type: integer\n    not_null: {nmae: d_nn}\n", 4, "nmae"),
    ("domain-not-null-name-not-an-identifier", "domains:\n  d:\n    type: integer\n    not_null: {name: [x]}\n", 4,
     "name of the NOT NULL of domain 'd'"),
    ("row-type-comment-not-a-string", "tables:\n  t:\n    columns: {a: integer}\n    row_type_comment: [x]\n", 4,
     "row_type_comment"),
    ("index-beside-copy-of-nothing", "tables:\n  p:\n    partition_by: {strategy: list, key: a}\n    columns: {a: integer}\n"
     "  p1:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n    indexes:\n"
     "      p1_mine: {columns: [a], beside_copy: true}\n", 8,
     "index p1_mine of table public.p1: beside_copy, but no table it is a partition of has an index of its definition"),
    ("index-beside-copy-and-attached", "tables:\n  p:\n    partition_by: {strategy: list, key: a}\n    columns: {a: integer}\n"
     "    indexes:\n      p_a_idx: {columns: [a]}\n  p1:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n"
     "    indexes:\n      p1_mine: {columns: [a], beside_copy: true, attached_to: p_a_idx}\n", 10,
     "beside_copy and attached_to say opposite things"),
    ("unique-beside-copy-of-nothing", "tables:\n  p:\n    partition_by: {strategy: list, key: a}\n    columns: {a: integer}\n"
     "  p1:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n    unique:\n"
     "      - {columns: [a], name: p1_mine, beside_copy: true}\n", 8,
     "UNIQUE p1_mine of table public.p1: beside_copy, but no table it is a partition of has a key of its definition"),
    ("schema-of-an-undeclared-extension", "schemas:\n  - {name: kit, extension: citext}\n", 2,
     "extension of schema 'kit' must be an extension schema.yaml declares"),
    ("schema-of-an-extension-given-grants", "extensions: [citext]\nschemas:\n"
     "  - {name: kit, extension: citext, grants: {PUBLIC: [usage]}}\n", 3,
     "schema 'kit' is extension citext's: give its grants under extensions: (as `SCHEMA kit`), not here"),
    ("foreign-partition-under-a-unique", "tables:\n  p:\n    partition_by: {strategy: list, key: a}\n    columns: {a: integer}\n"
     "    unique:\n      - {columns: [a]}\n  p1:\n    partition_of: {parent: p, bound: FOR VALUES IN (1)}\n"
     "    foreign: {server: s}\nforeign_data_wrappers:\n  w: {}\nforeign_servers:\n  s: {wrapper: w}\n", 7,
     "table public.p1 is a foreign table (foreign:) and a partition under public.p, which has a UNIQUE"),
    # (a composite type's attribute renamed: fix50d)
    ("attribute-renamed-from-itself", "composite_types:\n  c:\n    attributes:\n      a: {type: integer, renamed_from: a}\n",
     4, "renamed_from of attribute 'a' of composite type 'c' is its own name"),
    ("attribute-renamed-from-one-still-listed", "composite_types:\n  c:\n    attributes:\n      a: integer\n"
     "      b: {type: integer, renamed_from: a}\n", 5,
     "renamed_from of attribute 'b' of composite type 'c' names 'a', which composite type 'c' still lists"),
    ("attributes-renamed-in-a-cycle", "composite_types:\n  c:\n    attributes:\n      a: {type: integer, renamed_from: b}\n"
     "      b: {type: integer, renamed_from: a}\n", 4,
     "renamed_from of attribute 'a' of composite type 'c': its attributes' renamed_from make a cycle"),
    ("attributes-renamed-in-a-chain-from-one-still-listed", "composite_types:\n  c:\n    attributes:\n"
     "      n: {type: integer, renamed_from: i}\n      i: {type: uuid, renamed_from: t}\n      t: text\n", 5,
     "renamed_from of attribute 'i' of composite type 'c' names 't', which composite type 'c' still lists"),
    ("attributes-renamed-from-the-same", "composite_types:\n  c:\n    attributes:\n      b: {type: integer, renamed_from: a}\n"
     "      d: {type: text, renamed_from: a}\n", 5,
     "renamed_from of attribute 'd' of composite type 'c': another attribute of composite type 'c' is renamed from 'a'"),
    ("attribute-renamed-from-no-name", "composite_types:\n  c:\n    attributes:\n      b: {type: integer, renamed_from: ''}\n",
     4, "renamed_from of attribute 'b'"),
]


def _write(tmp_path, text):
    path = tmp_path / "schema.yaml"
    if text is None:
        path.write_bytes(b"tables:\n  t\xff: {}\n")
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case_id,text,line,fragment", CASES, ids=[c[0] for c in CASES])
def test_rejected_at_its_line(tmp_path, case_id, text, line, fragment):
    """Every case, in process: the loader's error (what the CLI prints after "schemac: error: ")."""
    path = _write(tmp_path, text)
    with pytest.raises(SchemacError) as raised:
        load_file(str(path))
    assert raised.value.exit_code == 2
    message = str(raised.value)
    assert "\n" not in message
    m = re.match(rf"^{re.escape(str(path))}:(\d+):(\d+): (.+)$", message)
    assert m, message
    assert int(m.group(1)) == line, message
    assert fragment in m.group(3), message


@pytest.mark.parametrize("case_id,text,line,fragment", sampled([pytest.param(*c, id=c[0]) for c in CASES], every=8))
def test_rejected_with_line_and_exit_2(schemac, tmp_path, case_id, text, line, fragment):
    """Through the CLI (a process per case: every eighth by default, all under -m slow)."""
    _write(tmp_path, text)
    r = schemac("generate", "--dry-run")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    m = re.match(r"^schemac: error: schema\.yaml:(\d+):(\d+): (.+)$", lines[0])
    assert m, lines[0]
    assert int(m.group(1)) == line, lines[0]
    assert fragment in m.group(3), lines[0]
    assert not (tmp_path / "generated" / "migrations").exists() or not list((tmp_path / "generated" / "migrations").iterdir())


def _refused_once(r, tmp_path, line: int, fragment: str) -> None:
    """generate refused at schema.yaml's `line`, one line naming `fragment`, exit 2, and wrote no second migration."""
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith(f"schemac: error: schema.yaml:{line}:"), lines[0]
    assert fragment in lines[0], lines[0]
    assert len(list((tmp_path / "generated" / "migrations").iterdir())) == 1


def test_a_sequence_left_out_under_a_kept_default_is_refused_at_the_default(schemac, tmp_path):
    """A sequence taken out of schema.yaml while a column default it keeps still calls it (a serial's sequence left
    out of a hand-cleaned inspect, the nextval() kept): the migration's DROP SEQUENCE fails on the server ("cannot drop
    sequence s because other objects depend on it"), so generate refuses at the default's line (plan.
    dropped_sequences), exit 2, nothing written; a sequence renamed under the same default is no drop."""
    seq = "sequences:\n  s: {}\n"
    table = "tables:\n  t:\n    columns:\n      id: {type: integer, default: \"nextval('%s'::regclass)\"}\n"
    (tmp_path / "schema.yaml").write_text(seq + table % "s", encoding="utf-8")
    assert schemac("generate", "--name", "one").returncode == 0
    (tmp_path / "schema.yaml").write_text(table % "s", encoding="utf-8")
    r = schemac("generate", "--name", "two", "--allow-destructive")
    _refused_once(r, tmp_path, 4, "default of column 'id' of table 't' calls sequence public.s")
    (tmp_path / "schema.yaml").write_text("sequences:\n  s2: {renamed_from: s}\n" + table % "s2", encoding="utf-8")
    r = schemac("generate", "--name", "three")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "DROP SEQUENCE" not in next((tmp_path / "generated" / "migrations").glob("*three.sql")).read_text()


def test_a_using_naming_a_column_on_neither_side_is_refused_at_its_line(schemac, tmp_path):
    """A `using:` may read a column the same edit drops (test_using_dropped.py), so this is checked at generate, where
    both sides are known (compare.using_reads): a column neither the recorded table nor schema.yaml's has is a one-line
    error naming file, line and key (exit 2), and nothing is written."""
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns:\n      a: integer\n      b: integer\n",
                                          encoding="utf-8")
    assert schemac("generate", "--name", "one").returncode == 0
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns:\n      a: integer\n"
                                          "      b: {type: bigint, using: a + c}\n", encoding="utf-8")
    r = schemac("generate", "--name", "two")
    _refused_once(r, tmp_path, 5, "using of column 'b' of table 't' names column 'c'")
    # the retyped column by its name before its RENAME COLUMN, which runs first
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns:\n      a: integer\n"
                                          "      e: {type: bigint, renamed_from: b, using: b + 1}\n", encoding="utf-8")
    r = schemac("generate", "--name", "two")
    assert r.returncode == 2 and r.stderr.startswith("schemac: error: schema.yaml:5:"), r.stderr
    assert "names column 'b', its name before its RENAME, which runs first: write 'e'" in r.stderr, r.stderr


def test_missing_file_is_a_clear_error(schemac, tmp_path):
    r = schemac("generate", "--schema", "nope.yaml")
    assert r.returncode == 2
    assert r.stderr.strip() == "schemac: error: nope.yaml: no such file (pass --schema to use another file)"


def test_valid_schema_loads():
    schema = load_text(GOOD_COLUMNS)
    (t,) = schema.tables
    assert [c.name for c in t.columns] == ["id", "name"]
    assert t.primary_key.columns == ("id",)
    assert t.column("id").nullable is False


def test_scalars_keep_their_exact_text():
    schema = load_text("tables:\n  t:\n    columns:\n      a: {type: 'numeric(4,2)', default: 0.10}\n"
                       "      'on': {type: boolean, default: true}\n")
    (t,) = schema.tables
    assert t.column("a").default == "0.10"
    assert t.column("on").default == "true"


def test_crlf_is_accepted():
    schema = load_text(GOOD_COLUMNS.replace("\n", "\r\n"))
    assert schema.tables[0].column("name").type == "text"


def test_sources_point_at_declarations():
    schema = load_text(GOOD_COLUMNS, "schema.yaml")
    t = schema.tables[0]
    assert (t.source.line, t.column("name").source.line) == (2, 5)


def test_error_carries_location():
    with pytest.raises(SchemaFileError) as e:
        load_text("tables:\n  t:\n    columns:\n      a: {type: text, x: 1}\n", "s.yaml")
    assert str(e.value).startswith("s.yaml:4:")


@pytest.mark.parametrize("column,declared,message", [
    ("{type: txet}", "", "unknown type 'txet' (did you mean 'text'?)"),
    ("{type: integr}", "", "unknown type 'integr' (did you mean 'integer'?)"),
    ("{type: timestampz}", "", "unknown type 'timestampz' (did you mean 'timestamptz'?)"),
    ("{type: 'moood[]'}", "enums:\n  mood: [a, b]\n", "unknown type 'moood[]' (did you mean 'mood'?)"),
    ("{type: citext}", "", "unknown type 'citext'; it comes from extension citext: declare it under extensions:"),
    ("{type: double}", "", "unknown type 'double': not a PostgreSQL type (sqlglot knows it from another SQL dialect)"),
])
def test_a_misspelled_type_is_an_error_at_its_line(column, declared, message):
    text = declared + f"tables:\n  t:\n    columns:\n      c: {column}\n"
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    line = declared.count("\n") + 4
    assert str(e.value).startswith(f"schema.yaml:{line}:7: type of column 'c' of table public.t: {message}"), str(e.value)


def test_row_types_of_tables_and_views_are_known_types():
    """A function returning SETOF a table or a view, and a column of another table's row type, need no
    external_types: Postgres gives every table and view a row type of its name."""
    text = ("tables:\n  places:\n    columns:\n      id: int\n  trips:\n    columns:\n      stop: places\n"
            "      stops: 'places[]'\n"
            "views:\n  near:\n    query: SELECT id FROM places\n"
            "functions:\n  all_places:\n    returns: SETOF places\n    language: sql\n    body: SELECT * FROM places\n"
            "  nearest:\n    arguments: p places\n    returns: near\n    language: sql\n    body: SELECT * FROM near\n")
    schema = load_text(text, "schema.yaml")
    assert [c.type for c in schema.tables[1].columns] == ["places", "places[]"]
    assert sorted(f.returns for f in schema.functions) == ["SETOF places", "near"]
    with pytest.raises(SchemaFileError) as e:  # a typo of a table's name is still one
        load_text(text.replace("returns: SETOF places", "returns: SETOF placs"), "schema.yaml")
    assert "unknown type 'placs' (did you mean 'places'?)" in str(e.value)


def test_known_types_load():
    """Built-in types however spelled, declared enums and domains, a declared extension's types and
    external_types: all load."""
    text = ("extensions: [citext]\nexternal_types: [my_range, other.composite]\nenums:\n  mood: [a]\n"
            "domains:\n  posint: {type: integer}\n"
            "tables:\n  t:\n    columns:\n      a: int4\n      b: timestamptz\n      c: citext\n      d: 'mood[]'\n"
            "      e: posint\n      f: my_range\n      g: other.composite\n      h: pg_lsn\n      i: '\"char\"'\n"
            "      j: jsonpath\n      k: 'bit varying(3)'\n")
    assert [c.type for c in load_text(text, "schema.yaml").tables[0].columns] == [
        "integer", "timestamp with time zone", "citext", "mood[]", "posint", "my_range", "other.composite", "pg_lsn",
        '"char"', "jsonpath", "bit varying(3)"]


def _both_refuse(conn, statement: str, text: str) -> str:
    """Postgres refuses `statement` (the oracle), and the loader `text`: the loader's message."""
    import psycopg

    with pytest.raises(psycopg.Error):
        conn.execute(statement)
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    return str(e.value)

# A trigger's shape CREATE TRIGGER refuses: it loaded, and the migration failed. (SQL Postgres refuses, schema.yaml's
# trigger entry on table t, or on view v, message's start)
_TF = "functions:\n  tf: {returns: trigger, language: plpgsql, body: BEGIN RETURN NULL; END}\n"
_G = _TF + "tables:\n  t:\n    columns: {a: integer}\n    triggers:\n      g: {function: tf, %s}\nviews:\n  v:\n    query: SELECT 1 AS a\n"
_GV = _TF + "tables:\n  t:\n    columns: {a: integer}\nviews:\n  v:\n    query: SELECT 1 AS a\n    triggers:\n      g: {function: tf, %s}\n"
TRIGGER_SHAPES = [
    ("AFTER TRUNCATE ON t FOR EACH ROW", _G % "events: [truncate], for_each: row", "a truncate trigger fires for_each: statement"),
    ("BEFORE INSERT ON t REFERENCING NEW TABLE AS n FOR EACH STATEMENT", _G % "events: [insert], timing: before, new_table: n",
     "only an after trigger has a transition table"),
    ("AFTER INSERT OR UPDATE ON t REFERENCING NEW TABLE AS n FOR EACH STATEMENT", _G % "events: [insert, update], new_table: n",
     "a trigger with a transition table has one event"),
    ("AFTER UPDATE OF a ON t REFERENCING NEW TABLE AS n FOR EACH STATEMENT", _G % "events: [update], update_of: [a], new_table: n",
     "a trigger with a transition table has one event, not truncate, and no update_of"),
    ("AFTER INSERT ON t REFERENCING OLD TABLE AS o FOR EACH STATEMENT", _G % "events: [insert], old_table: o",
     "an insert trigger has no old_table"),
    ("AFTER DELETE ON t REFERENCING NEW TABLE AS n FOR EACH STATEMENT", _G % "events: [delete], new_table: n",
     "a delete trigger has no new_table"),
    ("AFTER INSERT ON t FOR EACH STATEMENT WHEN (NEW.a > 0)", _G % "events: [insert], when: new.a > 0",
     "a for_each: statement trigger's when cannot read old or new"),
    ("BEFORE INSERT ON t FOR EACH ROW WHEN (OLD.a > 0)", _G % "events: [insert], timing: before, for_each: row, when: OLD.a > 0",
     "an insert trigger's when cannot read old"),
    ("BEFORE DELETE ON t FOR EACH ROW WHEN (NEW.a > 0)", _G % "events: [delete], timing: before, for_each: row, when: new.a > 0",
     "a delete trigger's when cannot read new"),
    ("BEFORE UPDATE ON t FOR EACH ROW WHEN (\"OLD\".a > 0)",
     _G % "events: [update], timing: before, for_each: row, when: '\"OLD\".a > 0'",
     'when reads "OLD", which Postgres takes for a table of that name (missing FROM-clause entry for table "OLD")'),
    ("AFTER UPDATE ON t FOR EACH STATEMENT WHEN (\"New\".a > 0)", _G % "events: [update], when: '\"New\".a > 0'",
     'when reads "New", which Postgres takes for a table of that name'),
    ("INSTEAD OF INSERT ON t FOR EACH ROW", _G % "events: [insert], timing: instead_of, for_each: row",
     "instead_of triggers are a view's, not a table's"),
    ("INSTEAD OF INSERT ON v FOR EACH STATEMENT", _GV % "events: [insert], timing: instead_of",
     "an instead_of trigger fires for_each: row"),
    ("AFTER INSERT ON v FOR EACH ROW", _GV % "events: [insert], for_each: row", "a view's row trigger is instead_of"),
]


def test_trigger_shapes_postgres_refuses_are_refused_at_the_trigger(db_url):
    """Each shape above loaded and made a CREATE TRIGGER that Postgres refuses (checked here, on 18): the loader now
    refuses it at the trigger's line, in schema.yaml's words; the shapes Postgres takes beside them still load."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int); CREATE VIEW v AS SELECT 1 AS a; "
                     "CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$")
        for sql, text, start in TRIGGER_SHAPES:
            message = _both_refuse(conn, f"CREATE TRIGGER g {sql} EXECUTE FUNCTION tf()", text)
            assert re.match(r"schema\.yaml:(7|10):10: trigger 'g' of (table 't'|view 'v'): ", message) and \
                start in message, (message, text)
        for n, (sql, text) in enumerate([("AFTER UPDATE ON t REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH ROW",
                           _G % "events: [update], for_each: row, old_table: o, new_table: n"),
                          ("AFTER UPDATE ON t FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1)",
                           _G % "events: [update], when: \"pg_trigger_depth() < 1 AND 'new.x' <> ''\""),
                          ("BEFORE INSERT ON v FOR EACH STATEMENT", _GV % "events: [insert], timing: before"),
                          ("BEFORE UPDATE ON t FOR EACH ROW WHEN (\"old\".a > 0)",
                           _G % "events: [update], timing: before, for_each: row, when: '\"old\".a > 0'")]):
            conn.execute(f"CREATE TRIGGER taken{n} {sql} EXECUTE FUNCTION tf()")
            load_text(text, "schema.yaml")


_I = "tables:\n  t:\n    columns: {a: integer, b: integer, r: int4range, p: point}\n    indexes:\n      i: {%s}\n"
INDEX_SHAPES = [  # (CREATE INDEX Postgres refuses, schema.yaml's index, message's end): all at line 5
    *((f"USING {m} ({key}) INCLUDE (b)", f"columns: [{column}], method: {m}, include: [b]", f"a {m} index has no include columns")
      for m, key, column in (("hash", "a", "a"), ("gin", "(ARRAY[a])", "{expression: 'ARRAY[a]'}"), ("brin", "a", "a"))),
    *((f"USING {m} ({keys})", f"columns: [{keys}], method: {m}", f"a {m} index has one key column")
      for m, keys in (("hash", "a, b"), ("spgist", "r, p")))]


def test_index_shapes_postgres_refuses_are_refused_at_the_index(db_url):
    """INCLUDE on a hash, gin or brin index and several keys on a hash or spgist one: each loaded and made a CREATE
    INDEX Postgres refuses ("does not support included columns", "multicolumn indexes": checked here); now refused at
    the index's line. INCLUDE on gist and spgist and several keys on brin and gist, which Postgres takes, still load."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int, b int, r int4range, p point)")
        for sql, spec, end in INDEX_SHAPES:
            message = _both_refuse(conn, f"CREATE INDEX ON t {sql}", _I % spec)
            assert message.startswith("schema.yaml:5:") and end in message, message
        for sql, spec in [("USING gist (r) INCLUDE (b)", "columns: [r], method: gist, include: [b]"),
                          ("USING spgist (r) INCLUDE (b)", "columns: [r], method: spgist, include: [b]"),
                          ("USING brin (a, b)", "columns: [a, b], method: brin"), ("USING gist (r, p)", "columns: [r, p], method: gist")]:
            conn.execute(f"CREATE INDEX ON t {sql}")
            load_text(_I % spec, "schema.yaml")


# A column's shape CREATE TABLE refuses: it loaded, and the migration failed (probe40a's gaps). (SQL Postgres refuses,
# schema.yaml's columns of table t, line, message's part); the shapes beside them Postgres takes still load.
_C = "tables:\n  t:\n    columns:\n      a: integer\n%s"
COLUMN_SHAPES = [
    ("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS (b * 2) STORED)",
     _C % "      b: {type: integer, generated: a * 2}\n      c: {type: integer, generated: b * 2}\n", 6,
     "a generated column cannot read generated column 'b'"),
    ("CREATE TABLE t (a int, b float GENERATED ALWAYS AS (random()) STORED)",
     _C % "      b: {type: double precision, generated: random()}\n", 5, "random() is not"),
    ("CREATE TABLE t (a int, b timestamptz GENERATED ALWAYS AS (now()) STORED)",  # STABLE: refused as well
     _C % "      b: {type: timestamptz, generated: pg_catalog.now()}\n", 5, "now() is not"),
    ("CREATE TABLE t (a int, b date GENERATED ALWAYS AS (CURRENT_DATE + a) STORED)",
     _C % "      b: {type: date, generated: current_date + a}\n", 5, "CURRENT_DATE is not"),
    ("CREATE TABLE t (a int, b text GENERATED ALWAYS AS IDENTITY)", _C % "      b: {type: text, identity: always}\n", 5,
     "an identity column is smallint, integer or bigint, not text"),
    ("CREATE TABLE t (a int, b numeric GENERATED BY DEFAULT AS IDENTITY)",
     _C % "      b: {type: numeric, identity: by_default}\n", 5, "not numeric"),
    ("CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY DEFAULT 1)",
     "tables:\n  t:\n    columns:\n      a: {type: integer, identity: always, default: '1'}\n", 4,
     "default, identity and generated exclude each other"),
    ("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a) STORED DEFAULT 1)",
     _C % "      b: {type: integer, generated: a, default: '1'}\n", 5, "default, identity and generated exclude each other"),
]


def test_column_shapes_postgres_refuses_are_refused_at_the_column(db_url):
    """A generated column reading another, a volatile or stable built-in in a generation expression, an identity of
    another type than smallint/integer/bigint, a default beside identity or generated: each Postgres refuses (checked
    here, on 18), and the loader at the column's line. Their neighbours Postgres takes (a generated column reading
    plain columns, an IMMUTABLE call, 'now()' in a string, a user's function named like none, smallint identity) load."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        for sql, text, line, part in COLUMN_SHAPES:
            message = _both_refuse(conn, sql, text)
            assert message.startswith(f"schema.yaml:{line}:") and part in message, (message, text)
        conn.execute("CREATE FUNCTION my_random() RETURNS float IMMUTABLE LANGUAGE sql AS 'SELECT 0.5'")
        for n, (sql, column) in enumerate([
                ("b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS (a + 1) STORED",
                 "      b: {type: integer, generated: a * 2}\n      c: {type: integer, generated: a + 1}\n"),
                ("b int GENERATED ALWAYS AS (length('now()') + abs(a)) STORED",
                 "      b: {type: integer, generated: \"length('now()') + abs(a)\"}\n"),
                ("b float GENERATED ALWAYS AS (my_random()) STORED",
                 "      b: {type: double precision, generated: my_random()}\n"),
                ("b smallint GENERATED ALWAYS AS IDENTITY", "      b: {type: int2, identity: always}\n")]):
            conn.execute(f"CREATE TABLE taken{n} (a int, {sql})")
            load_text(_C % column, "schema.yaml")
