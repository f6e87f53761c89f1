"""The JSON Schema of schema.yaml (src/schemac/schemafile/schema.json) agrees with the loader.

- Every schema.yaml this repository has (the project's, the README's examples, the test fixtures) is valid.
- For each structural mistake (unknown keys, wrong types, missing keys, bad choices, rules between keys of one
  object) the JSON Schema and the loader give the same verdict: both reject. For each valid edge case, both
  accept. The schema must never reject what the loader accepts (an editor would underline a good file).
- The keys the schema allows are exactly the loader's key tables, with the same required keys.
- Verdicts are the same under draft 2020-12 and draft-07 rules (yaml-language-server validates with draft-07).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from schemac.pg import names
from schemac.schemafile import (aggregates, operators, opclasses, casts, event_triggers, publications, collations, textsearch, columns, constraints, exclusions, fields, functions, grants, indexes, load,
                                policies, queries, rules, sequences, extended_statistics, tables, triggers, types, usertypes, views)
from schemac.errors import SchemaFileError
from schemac.schemafile.jsonschema import schema_json, schema_json_text
from schemac.schemafile.extensions import EXTENSION_KEYS
from schemac.schemafile import foreign_servers, ignore_list
from schemac.model.ignores import IGNORE_KINDS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = schema_json()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
VALIDATOR_07 = jsonschema.Draft7Validator(SCHEMA)
DEFS = SCHEMA["$defs"]
_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def schema_errors(text: str) -> list[str]:
    data = yaml.load(text, Loader=_SAFE)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    errors_07 = list(VALIDATOR_07.iter_errors(data))
    assert bool(errors) == bool(errors_07), f"draft 2020-12 and draft-07 disagree: {errors} / {errors_07}"
    return errors


def loader_error(text: str):
    try:
        load.load_text(text, "schema.yaml")
    except SchemaFileError as e:
        return str(e)
    return None


# -- files that exist ---------------------------------------------------------------------------------

def _readme_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## schema.yaml reference", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.+?)```", section, re.S)


REPO_DOCUMENTS = (
    [("schema.yaml", (ROOT / "schema.yaml").read_text(encoding="utf-8"))]
    + [(f"README.md#{i}", block) for i, block in enumerate(_readme_blocks())]
    + [(f"tests/fixtures/{p.name}", p.read_text(encoding="utf-8"))
       for p in sorted((ROOT / "tests" / "fixtures").glob("*.yaml"))]
)


def test_readme_reference_example_is_covered():
    # The first ```yaml block after "## schema.yaml reference" is the complete table example.
    assert "test_integration_correlations" in _readme_blocks()[0]
    assert len(REPO_DOCUMENTS) >= 4


@pytest.mark.parametrize("name,text", REPO_DOCUMENTS, ids=[n for n, _ in REPO_DOCUMENTS])
def test_repository_documents_are_valid(name, text):
    assert loader_error(text) is None
    assert schema_errors(text) == []


# -- same verdict both ways -----------------------------------------------------------------------------

T = "tables:\n  t:\n    columns:\n      a: integer\n      b: {type: text}\n"  # a valid table to build on

# (id, yaml text, fragment of the loader's message): both the JSON Schema and the loader must reject.
REJECTED = [
    # ignore: globs, or {name, kinds} of the kinds known
    ("ignore-not-a-list", "ignore: public.x_*\n", "must be a list"),
    ("ignore-unknown-kind", "ignore:\n  - {name: public.b_*, kinds: [index]}\n", "must be one of schema"),
    ("ignore-no-name", "ignore:\n  - {kinds: [table]}\n", "needs the key 'name'"),
    ("ignore-unknown-key", "ignore:\n  - {name: public.a, kind: [table]}\n", "unknown key 'kind'"),
    ("ignore-blank-name", "ignore: ['  ']\n", "name is empty"),
    ("ignore-no-kinds", "ignore:\n  - {name: public.a, kinds: []}\n", "kinds is empty"),
    ("ignore-kind-twice", "ignore:\n  - {name: public.a, kinds: [table, table]}\n", "lists table twice"),
    ("ignore-entry-twice", "ignore: [public.a, public.a]\n", "given twice"),
    ("ignore-a-number", "ignore: [12]\n", "must be a string"),
    # operator classes: a method and a type, members numbered from 1, of known keys
    ("opclass-no-type", "operator_classes:\n  p: {method: hash, operators: [{strategy: 1, operator: '='}]}\n", "type"),
    ("opclass-strategy-zero", "operator_classes:\n  p: {method: hash, type: integer, operators: [{strategy: 0, "
                              "operator: '='}]}\n", "must be an integer from 1"),
    ("opclass-member-unknown-key", "operator_classes:\n  p: {method: hash, type: integer, operators: [{strategy: 1, "
                                   "operator: '=', purpose: search}]}\n", "unknown key 'purpose'"),
    # operator families: a method; a member with both its types (a family has no type of its own)
    ("opfamily-no-method", "operator_families:\n  f: {operators: []}\n", "method"),
    ("opfamily-member-one-type", "operator_families:\n  f: {method: btree, operators: [{strategy: 1, operator: '<', "
                                 "left: integer}]}\n", "needs right:"),
    ("opfamily-unknown-key", "operator_families:\n  f: {method: btree, type: integer}\n", "unknown key 'type'"),
    # casts: exactly one way to convert
    ("cast-function-and-inout", "casts:\n  - {source: text, target: json, function: 'pg_catalog.to_json(text)', "
                                "inout: true}\n", "not function and inout"),
    ("cast-no-way", "casts:\n  - {source: text, target: json, without_function: false}\n", "takes one of function:"),
    ("cast-unknown-key", "casts:\n  - {source: text, target: json, inout: true, as: implicit}\n", "unknown key 'as'"),
    ("cast-no-target", "casts:\n  - {source: text, inout: true}\n", "target"),
    # unknown keys, at every level
    ("unknown-top-key", "table:\n  t: {columns: {a: integer}}\n", "unknown key 'table'"),
    ("external-function-with-arguments", "external_functions: ['audit.f(integer)']\n", "without arguments"),
    ("external-functions-not-a-list", "external_functions: audit.f\n", "external_functions"),
    ("unknown-table-key-colums", "tables:\n  t:\n    colums:\n      a: integer\n", "unknown key 'colums'"),
    ("unknown-column-key-nulable", "tables:\n  t:\n    columns:\n      a: {type: text, nulable: false}\n",
     "unknown key 'nulable'"),
    ("unknown-index-key", T + "    indexes:\n      i: {columns: [a], uniq: true}\n", "unknown key 'uniq'"),
    ("unknown-index-column-key", T + "    indexes:\n      i: {columns: [{name: a, direction: desc}]}\n",
     "unknown key 'direction'"),
    ("unknown-pk-key", T + "    primary_key: {columns: [a], cols: [a]}\n", "unknown key 'cols'"),
    ("unknown-unique-key", T + "    unique:\n      - {columns: [a], nulls_distinct: true}\n",
     "unknown key 'nulls_distinct'"),
    ("unknown-check-key", T + "    checks:\n      c: {expression: a > 0, valid: true}\n", "unknown key 'valid'"),
    ("unknown-fk-key", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                           "ondelete: cascade}\n", "unknown key 'ondelete'"),
    ("unknown-fk-references-key", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, "
                                      "column: [a]}}\n", "unknown key 'column'"),
    ("unknown-partition-by-key", T + "    partition_by: {strategy: range, key: a, kind: x}\n",
     "unknown key 'kind'"),
    ("unknown-partition-of-key", T + "  p:\n    partition_of: {parent: t, bound: DEFAULT, of: t}\n",
     "unknown key 'of'"),
    ("unknown-enum-key", "enums:\n  e: {values: [a], labels: [a]}\n", "unknown key 'labels'"),
    ("unknown-domain-key", "domains:\n  d: {type: integer, nullable: false}\n", "unknown key 'nullable'"),
    ("unknown-sequence-key", "sequences:\n  s: {step: 2}\n", "unknown key 'step'"),
    ("unknown-extension-key", "extensions: [{name: pgcrypto, cascade: true}]\n", "unknown key 'cascade'"),
    ("unknown-identity-key", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: {generated: always, "
                             "every: 2}}\n", "unknown key 'every'"),
    # wrong types
    ("nullable-string-yes", "tables:\n  t:\n    columns:\n      a: {type: text, nullable: \"yes\"}\n",
     "must be true or false"),
    ("columns-as-list", "tables:\n  t:\n    columns: [a, b]\n", "must be a mapping"),
    ("unique-as-mapping", T + "    unique: {columns: [a]}\n", "must be a list"),
    ("tables-as-list", "tables: [a, b]\n", "must be a mapping"),
    ("indexes-as-list", T + "    indexes: [a]\n", "must be a mapping"),
    ("checks-as-list", T + "    checks: [a > 0]\n", "must be a mapping"),
    ("index-columns-as-string", T + "    indexes:\n      i: {columns: a}\n", "must be a list"),
    ("comment-number", T + "    comment: 5\n", "must be a string"),
    ("type-number", "tables:\n  t:\n    columns:\n      a: {type: 5}\n", "must be a string"),
    ("type-number-in-mapping", "tables:\n  t:\n    columns:\n      a: {type: 5, nullable: true}\n",
     "must be a string"),
    ("sequence-start-string", "sequences:\n  s: {start: '1'}\n", "must be an integer"),
    ("sequence-start-float", "sequences:\n  s: {start: 1.5}\n", "must be an integer"),
    ("sequence-cycle-string", "sequences:\n  s: {cycle: 'true'}\n", "must be true or false"),
    ("fk-references-list", T + "    foreign_keys:\n      - {columns: [a], references: [t]}\n", "must be a mapping"),
    ("schemas-mapping", "schemas: {audit: true}\n", "must be a list"),
    ("extensions-string", "extensions: pgcrypto\n", "must be a list"),
    ("enum-values-string", "enums:\n  e: {values: a}\n", "must be a list"),
    ("pk-columns-string", T + "    primary_key: {columns: a}\n", "must be a list"),
    ("column-null", "tables:\n  t:\n    columns:\n      a:\n", "must be a mapping"),
    ("default-null", "tables:\n  t:\n    columns:\n      a: {type: text, default: null}\n", "is empty (null)"),
    ("default-list", "tables:\n  t:\n    columns:\n      a: {type: text, default: [1]}\n", "single value"),
    ("bound-number", T + "    partition_by: {strategy: list, key: a}\n  p:\n    partition_of: {parent: t, bound: 5}\n",
     "must be a string"),
    # missing keys
    ("column-missing-type", "tables:\n  t:\n    columns:\n      a: {nullable: false}\n", "needs the key 'type'"),
    ("table-missing-columns", "tables:\n  t:\n    comment: x\n", "needs the key 'columns'"),
    ("index-missing-columns", T + "    indexes:\n      i: {unique: true}\n", "needs the key 'columns'"),
    ("pk-missing-columns", T + "    primary_key: {name: pk}\n", "needs the key 'columns'"),
    ("unique-missing-columns", T + "    unique:\n      - {name: u}\n", "needs the key 'columns'"),
    ("check-missing-expression", T + "    checks:\n      c: {not_valid: true}\n", "needs the key 'expression'"),
    ("fk-missing-references", T + "    foreign_keys:\n      - {columns: [a]}\n", "needs the key 'references'"),
    ("fk-references-missing-table", T + "    foreign_keys:\n      - {columns: [a], references: {columns: [a]}}\n",
     "needs the key 'table'"),
    ("partition-by-missing-key", T + "    partition_by: {strategy: range}\n", "needs the key 'key'"),
    ("partition-of-missing-bound", T + "  p:\n    partition_of: {parent: t}\n", "needs the key 'bound'"),
    ("enum-missing-values", "enums:\n  e: {comment: x}\n", "needs the key 'values'"),
    ("domain-missing-type", "domains:\n  d: {not_null: true}\n", "needs the key 'type'"),
    ("identity-missing-generated", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: {start: 1}}\n",
     "needs the key 'generated'"),
    ("extension-missing-name", "extensions: [{schema: public}]\n", "needs the key 'name'"),
    # bad choices
    ("order-down", T + "    indexes:\n      i: {columns: [{name: a, order: down}]}\n", "must be one of asc, desc"),
    ("method-empty", T + "    indexes:\n      i: {columns: [a], method: ''}\n", "method of index 'i' is empty"),
    ("method-hash-unique", T + "    indexes:\n      i: {columns: [a], method: Hash, unique: true}\n", "only btree"),
    ("nulls-middle", T + "    indexes:\n      i: {columns: [{name: a, nulls: middle}]}\n", "must be one of first"),
    ("on-delete-misspelt", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                               "on_delete: SET NUL}\n", "must be one of no_action"),
    ("on-delete-two-spaces", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                                 "on_delete: set  null}\n", "must be one of no_action"),
    ("on-update-bad", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                          "on_update: nothing}\n", "must be one of no_action"),
    ("match-partial", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                          "match: partial}\n", "must be one of simple, full"),
    ("strategy-interval", T + "    partition_by: {strategy: interval, key: a}\n", "must be one of range"),
    ("identity-sometimes", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: sometimes}\n",
     "must be always or by_default"),
    ("identity-misspelt", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: ALWAY}\n",
     "must be always or by_default"),
    ("with-name-misspelt", T + "    with: {FilFactor: 70}\n", "is not a storage parameter of a table"),
    ("identity-generated-bad", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: {generated: yes}}\n",
     "must be a string"),
    ("sequence-type-numeric", "sequences:\n  s: {type: numeric}\n", "must be one of smallint"),
    # rules between keys of one object
    ("index-column-name-and-expression", T + "    indexes:\n      i: {columns: [{name: a, expression: lower(b)}]}\n",
     "exactly one of 'name' or 'expression'"),
    ("index-column-neither", T + "    indexes:\n      i: {columns: [{order: desc}]}\n",
     "exactly one of 'name' or 'expression'"),
    ("default-and-identity", "tables:\n  t:\n    columns:\n      a: {type: bigint, default: 1, identity: always}\n",
     "exclude each other"),
    ("identity-and-generated", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: always, "
                               "generated: '1'}\n", "exclude each other"),
    ("pk-nullable", "tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true, nullable: true}\n",
     "cannot be nullable"),
    ("nulls-not-distinct-not-unique", T + "    indexes:\n      i: {columns: [a], nulls_not_distinct: true}\n",
     "unique indexes only"),
    ("unique-hash-index", T + "    indexes:\n      i: {columns: [a], unique: true, method: hash}\n",
     "only btree indexes can be unique"),
    ("hash-index-desc", T + "    indexes:\n      i: {columns: [{name: a, order: desc}], method: hash}\n",
     "apply only to btree"),
    ("gin-index-nulls", T + "    indexes:\n      i: {columns: [{name: a, nulls: first}], method: GIN}\n",
     "apply only to btree"),
    ("initially-deferred-alone", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                                     "initially_deferred: true}\n", "needs deferrable: true"),
    ("pk-without-overlaps-one-column", T + "    primary_key: {columns: [a], without_overlaps: true}\n",
     "without_overlaps needs at least two columns"),
    ("unique-without-overlaps-one-column", T + "    unique:\n      - {columns: [b], without_overlaps: true}\n",
     "without_overlaps needs at least two columns"),
    ("fk-period-one-column", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                                 "period: true}\n", "period needs at least two columns"),
    ("fk-period-on-delete", T + "    foreign_keys:\n      - {columns: [a, b], references: {table: t, columns: [a, b]}, "
                               "period: true, on_delete: restrict}\n", "period allows only on_delete: no_action"),
    ("fk-period-on-update", T + "    foreign_keys:\n      - {columns: [a, b], references: {table: t, columns: [a, b]}, "
                               "period: true, on_update: CASCADE}\n", "period allows only on_update: no_action"),
    ("check-not-valid-not-enforced", T + "    checks:\n      c: {expression: a > 0, not_valid: true, enforced: false}\n",
     "not_valid means nothing with enforced: false"),
    ("fk-not-valid-not-enforced", T + "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                                      "enforced: false, not_valid: true}\n", "not_valid means nothing"),
    ("pk-twice", "tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true}\n"
                 "    primary_key: {columns: [a]}\n", "declares its primary key twice"),
    # values the schema bounds
    ("identifier-64-bytes", "tables:\n  t:\n    columns:\n      " + "a" * 64 + ": integer\n", "at most 63 bytes"),
    ("collation-128-bytes", "schemas: [" + "s" * 64 + "]\ntables:\n  t:\n    columns:\n      a: {type: text, "
                            "collation: " + "s" * 64 + "." + "c" * 63 + "}\n", "at most 63 bytes"),
    ("identifier-empty", "tables:\n  t:\n    columns:\n      '': integer\n", "is empty"),
    ("identifier-nul", "tables:\n  t:\n    columns:\n      \"a\\0b\": integer\n", "NUL"),
    ("table-key-nul", "tables:\n  \"t\\0\":\n    columns: {a: integer}\n", "NUL"),
    ("table-key-too-long", "tables:\n  " + "t" * 64 + ":\n    columns: {a: integer}\n", "at most 63 bytes"),
    ("table-key-empty", "tables:\n  '':\n    columns: {a: integer}\n", "table name is empty"),
    ("type-nul", "tables:\n  t:\n    columns:\n      a: {type: \"int\\0\"}\n", "NUL"),
    ("table-name-too-long", "tables:\n  t:\n    name: " + "n" * 64 + "\n    columns: {a: integer}\n",
     "at most 63 bytes"),
    ("column-list-empty", T + "    primary_key: {columns: []}\n", "is empty"),
    ("column-list-twice", T + "    unique:\n      - {columns: [a, a]}\n", "lists column 'a' twice"),
    ("index-33-columns", "tables:\n  t:\n    columns: {" + ", ".join(f"c{i}: integer" for i in range(33))
     + "}\n    indexes:\n      i: {columns: [" + ", ".join(f"c{i}" for i in range(33)) + "]}\n", "at most 32"),
    ("table-1601-columns", "tables:\n  t:\n    columns: {" + ", ".join(f"c{i}: integer" for i in range(1601))
     + "}\n", "at most 1600"),
    ("index-columns-empty", T + "    indexes:\n      i: {columns: []}\n", "is empty"),
    ("enum-value-twice", "enums:\n  e: [a, b, a]\n", "twice"),
    ("enum-value-too-long", "enums:\n  e: [" + "v" * 64 + "]\n", "longer than 63 bytes"),
    ("increment-zero", "sequences:\n  s: {increment: 0}\n", "cannot be 0"),
    ("start-beyond-bigint", "sequences:\n  s: {start: 9223372036854775808}\n", "bigint range"),
    ("type-empty", "tables:\n  t:\n    columns:\n      a: {type: ''}\n", "type is empty"),
    ("type-shorthand-blank", "tables:\n  t:\n    columns:\n      a: ' '\n", "type is empty"),
    ("default-empty", "tables:\n  t:\n    columns:\n      a: {type: text, default: ''}\n", "is empty"),
    ("check-blank", T + "    checks:\n      c: '  '\n", "is empty"),
    ("bound-empty", T + "    partition_by: {strategy: list, key: a}\n  p:\n    partition_of: {parent: t, bound: ''}\n",
     "not a valid partition bound"),
    # ('text ops' and '_' are names Postgres takes, quoted or not: accepted, names-in-schemas-that-need-quotes)
    ("opclass-three-parts", T + "    indexes:\n      i: {columns: [{name: b, opclass: a.b.c}]}\n", "operator class name"),
    ("opclass-parentheses", T + "    indexes:\n      i: {columns: [{name: b, opclass: 'text_ops(x)'}]}\n", "operator class"),
    ("owned-by-no-dot", "sequences:\n  s: {owned_by: t}\n" + T, "must be table.column"),
    ("extension-twice", "extensions: [pgcrypto, pgcrypto]\n", "listed twice"),
    ("extension-version-number", "extensions: [{name: citext, version: 1.4}]\n", "must be a string"),
    ("extension-version-blank", "extensions: [{name: citext, version: ' '}]\n", "must be a version"),
    ("comment-nul", T + "    comment: \"a\\0b\"\n", "NUL"),
    ("query-unknown-key", T + "    queries:\n      q: {sql: SELECT a FROM t, use: [i]}\n", "unknown key 'use'"),
    ("query-no-sql", T + "    queries:\n      q: {uses: [i]}\n", "needs the key 'sql'"),
    ("query-budget-without-rows", T + "    queries:\n      q: {sql: SELECT a FROM t, p95_ms: 5}\n", "give rows"),
    ("query-median-without-rows", T + "    queries:\n      q: {sql: SELECT a FROM t, p50_ms: 5}\n", "give rows"),
    ("query-zero-rows", T + "    queries:\n      q: {sql: SELECT a FROM t, rows: 0}\n", "whole number"),
    ("query-param-key", T + "    queries:\n      q: {sql: SELECT a FROM t WHERE a = $1, params: [{col: a}]}\n",
     "unknown key 'col'"),
    ("distribution-both", "tables:\n  t:\n    columns:\n      a: {type: text, distribution: {distinct: 2, values: [x]}}\n",
     "exclude each other"),
    ("distribution-weights-alone", "tables:\n  t:\n    columns:\n      a: {type: text, distribution: {weights: [1]}}\n",
     "weights go with values"),
    ("distribution-null-fraction-one", "tables:\n  t:\n    columns:\n      a: {type: text, distribution: "
     "{null_fraction: 1}}\n", "between 0 and 1"),
    ("view-without-query", "views:\n  v: {comment: c}\n", "exactly one of 'query' and 'query_file'"),
    ("view-query-and-file", "views:\n  v: {query: select 1, query_file: v.sql}\n", "exactly one of 'query'"),
    ("view-check-option", "views:\n  v: {query: select 1, check_option: always}\n", "must be one of local"),
    ("view-with-data", "views:\n  v: {query: select 1, with_data: false}\n", "unknown key 'with_data'"),
    ("materialized-view-options", "materialized_views:\n  m: {query: select 1, security_barrier: true}\n",
     "unknown key 'security_barrier'"),
    ("view-column-key", "views:\n  v: {query: select 1 as a, columns: {a: {note: x}}}\n", "unknown key 'note'"),
    # security: grants, policies, row-level security
    ("grant-unknown-key", T + "    grants:\n      app: {privileges: [select], grant_option: true}\n",
     "unknown key 'grant_option'"),
    ("grant-not-a-list", T + "    grants:\n      app: select\n", "must be a list"),
    ("grant-bad-privilege-shape", T + "    grants:\n      app: ['select (a']\n", "is cut at a comma"),
    ("rls-unknown-key", T + "    row_level_security: {enabled: true, force: true}\n", "unknown key 'force'"),
    ("policy-unknown-key", T + "    policies:\n      p: {using: 'true', to: [app]}\n", "unknown key 'to'"),
    ("policy-bad-command", T + "    policies:\n      p: {command: upsert, using: 'true'}\n", "must be one of all"),
    ("policy-bad-as", T + "    policies:\n      p: {as: strict, using: 'true'}\n", "must be one of permissive"),
    ("default-privileges-bad-objects", "default_privileges: [{role: r, objects: views, grants: {}}]\n",
     "must be one of tables"),
    ("default-privileges-no-grants", "default_privileges: [{role: r, objects: tables}]\n", "needs the key 'grants'"),
    ("schema-item-unknown-key", "schemas: [{name: app, grant: {x: [usage]}}]\n", "unknown key 'grant'"),
    ("policy-no-roles", T + "    policies:\n      p: {roles: [], using: 'true'}\n", "roles of policy 'p'"),
    ("extension-grants-bad-object", "extensions:\n  - name: hstore\n    grants:\n      FUNCTION public.f(): "
     "{grant: {app: [execute]}}\n", "must be TABLE, SEQUENCE, ROUTINE, TYPE, SCHEMA or FOREIGN DATA WRAPPER"),
    ("extension-grants-unknown-key", "extensions:\n  - name: hstore\n    grants:\n      ROUTINE public.f(): "
     "{grants: {app: [execute]}}\n", "unknown key 'grants'"),
    ("extension-owners-bad-object", "extensions:\n  - name: hstore\n    owners:\n      ROUTINE public.f(): app\n",
     "must be an object kind as ALTER ... OWNER TO names it"),
    ("extension-owners-not-a-role", "extensions:\n  - name: hstore\n    owners:\n      FUNCTION public.f(): [app]\n",
     "owner of FUNCTION public.f()"),
    ("extension-settings-bad-object", "extensions:\n  - name: hstore\n    settings:\n      TYPE public.hstore: "
     "{cost: 5}\n", "must be FUNCTION or PROCEDURE"),
    ("extension-settings-unknown-key", "extensions:\n  - name: hstore\n    settings:\n      FUNCTION public.f(): "
     "{costs: 5}\n", "unknown key 'costs'"),
    ("extension-settings-bad-cost", "extensions:\n  - name: hstore\n    settings:\n      FUNCTION public.f(): "
     "{cost: 0}\n", "must be a positive number"),
    ("extension-detached-not-a-type", "extensions:\n  - name: citext\n    detached: [FUNCTION public.f()]\n",
     "must be TYPE and the base type's qualified name"),
    ("extension-detached-twice", "extensions:\n  - name: citext\n    detached: [TYPE public.citext, TYPE public.citext]\n",
     "lists a type twice"),
    ("extension-comments-bad-object", "extensions:\n  - name: hstore\n    comments:\n      ROUTINE public.f(): x\n",
     "must be an object kind as COMMENT ON names it"),
    ("extension-comments-not-text", "extensions:\n  - name: hstore\n    comments:\n      TYPE public.hstore: [x]\n",
     "comment on TYPE public.hstore"),
    ("not-null-unknown-key", "tables:\n  t:\n    columns:\n      a: {type: integer, not_null: {valid: false}}\n",
     "unknown key 'valid'"),
    ("column-order-without-inherits", T + "    column_order: [b, a]\n", "only a table with inherits"),
    ("column-order-empty", T + "  c:\n    inherits: [t]\n    column_order: []\n", "column_order of table 'c' is empty"),
    ("column-order-twice", T + "  c:\n    inherits: [t]\n    column_order: [b, a, b]\n", "lists column 'b' twice"),
    ("not-null-not-a-mapping", "tables:\n  t:\n    columns:\n      a: {type: integer, not_null: true}\n", "not_null of column"),
    ("not-null-not-valid-text", "tables:\n  t:\n    columns:\n      a: {type: integer, not_null: {not_valid: 'yes'}}\n",
     "not_valid of not_null"),
    ("multirange-three-parts", "range_types:\n  r: {subtype: int4, multirange: a.b.c}\n",
     "multirange of range type"),
    ("multirange-comment-not-text", "range_types:\n  r: {subtype: int4, multirange_comment: {a: b}}\n",
     "multirange_comment of range type"),
    ("not-null-comment-not-text", "tables:\n  t:\n    columns:\n      a: {type: integer, not_null: {comment: [x]}}\n",
     "comment of not_null"),
]


def test_rejected_cases_are_unique():
    ids = [c[0] for c in REJECTED]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case_id,text,fragment", REJECTED, ids=[c[0] for c in REJECTED])
def test_both_reject(case_id, text, fragment):
    message = loader_error(text)
    assert message is not None, "the loader accepts it"
    assert fragment in message, message
    assert schema_errors(text), "the JSON Schema accepts it"


# Valid documents at the edges: both must accept.
ACCEPTED = [
    ("empty-document", ""),
    ("ignore-every-shape", "ignore:\n  - public.conv_dpid_seq_*\n  - '*.tmp_*'\n  - tenant_*\n"
                           "  - {name: public.p_*, kinds: [table, sequence]}\n  - {name: 'tenant_[0-9]', kinds: [schema]}\n"),
    ("ignore-database-kinds", "ignore:\n  - {name: tenant_*, kinds: [server, publication, user_mapping]}\n"
                              "  - {name: 'text AS public.tag', kinds: [cast]}\n  - {name: public.tmp_*, kinds: [collation, "
                              "operator, text_search]}\n  - {name: 'x', kinds: [extension, subscription, event_trigger, "
                              "foreign_data_wrapper]}\n"),
    ("multirange-in-another-schema", "range_types:\n  r: {subtype: int4, multirange: mr.\"r.m\"}\n"),
    ("column-order-of-a-child", T + "  c:\n    inherits: [t]\n    column_order: [x, b]\n    columns:\n      x: text\n"),
    ("casts-each-way", "casts:\n  - {source: text, target: json, inout: true, context: Implicit, comment: c}\n"
                       "  - {source: int4, target: date, without_function: true, inout: false}\n"
                       "  - {source: varchar, target: json, function: 'pg_catalog.to_json(text)', without_function: false}\n"),
    ("index-method-of-an-extension", T + "    indexes:\n      i: {columns: [a], method: hnsw, unique: true}\n"
                                     "      j: {columns: [{name: a, order: desc}], method: bloom}\n"),
    ("opclass-members", "operator_classes:\n  int_hash: {method: hash, type: int4, default: true, operators: "
                        "[{strategy: 1, operator: '=', left: integer, right: integer}], functions: [{number: 1, "
                        "function: 'pg_catalog.hashint4(integer)'}], storage: integer, family: int_hash, comment: c}\n"),
    ("comment-only", "# nothing yet\n"),
    ("no-tables", "tables: {}\n"),
    ("choices-any-case", T + "    primary_key: {columns: [a]}\n"
                             "    indexes:\n      i: {columns: [{name: a, order: DESC, nulls: First}], method: BTree}\n"
                             "    foreign_keys:\n      - {columns: [a], references: {table: t, columns: [a]}, "
                             "on_delete: SET_NULL, on_update: Cascade, match: FULL}\n"
                             "    partition_by: {strategy: RANGE, key: a}\n"),
    ("temporal-and-not-enforced", T + "    primary_key: {columns: [a, b], without_overlaps: true}\n"
                                      "    unique:\n      - {columns: [b, a], without_overlaps: true}\n"
                                      "    checks:\n      c: {expression: a > 0, enforced: false, not_valid: false}\n"
                                      "    foreign_keys:\n      - {columns: [a, b], references: {table: t, columns: [a, b]}, "
                                      "period: true, on_delete: No_Action, enforced: false}\n"),
    ("spellings-of-sql", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: ALWAYS, primary_key: true}\n"
                         "      b: {type: bigint, identity: {generated: BY DEFAULT}}\n"
                         "      c: {type: bigint, identity: By_Default}\n"
                         "    with: {FillFactor: 70, TOAST.Autovacuum_Enabled: false}\n"
                         "    indexes:\n      i: {columns: [{name: b, opclass: int8_ops}], with: {FillFactor: 80}}\n"
                         "    foreign_keys:\n      - {columns: [b], references: {table: t, columns: [a]}, "
                         "on_delete: SET NULL, on_update: Set Default}\n"),
    ("key-words-any-case", "functions:\n  f: {returns: trigger, language: plpgsql, body: BEGIN RETURN NEW; END, "
                           "volatility: STABLE, parallel: Safe}\n"
                           "tables:\n  t:\n    columns: {a: {type: text, storage: EXTERNAL, compression: PGLZ}}\n"
                           "    replica_identity: FULL\n"
                           "    triggers:\n      g: {function: f, events: [INSERT], timing: BEFORE, for_each: ROW, "
                           "enabled: DISABLED}\n"
                           "    policies:\n      p: {command: SELECT, as: PERMISSIVE, using: 'true'}\n"
                           "views:\n  v: {query: select 1 as a, check_option: LOCAL}\n"),
    ("sequence-type-any-case", "sequences:\n  s: {type: BigInt}\n"),
    ("hash-index-asc", T + "    indexes:\n      i: {columns: [{name: a, order: asc}], method: hash}\n"),
    ("sequence-without-options", "sequences:\n  s:\n"),
    ("sequence-empty-mapping", "sequences:\n  s: {}\n"),
    ("enum-and-composite-empty", "enums:\n  e: []\ncomposite_types:\n  c:\n    attributes: {}\n"),  # (warnings)
    ("sequence-all-options", "sequences:\n  s: {type: smallint, start: 0x10, increment: -1, min_value: -9223372036854775808,"
                             " max_value: 9223372036854775807, cache: 1_000, cycle: true, schema: public, comment: c}\n"),
    ("expressions-as-numbers-and-booleans", "tables:\n  t:\n    columns:\n      a: {type: integer, default: 0, "
                                            "check: true}\n      b: {type: numeric, generated: 1.5}\n"
                                            "    indexes:\n      i: {columns: [a], where: true}\n"
                                            "    checks:\n      c: false\n"),
    ("partition-with-empty-columns", T + "    partition_by: {strategy: list, key: a}\n"
                                         "  p:\n    columns: {}\n    partition_of: {parent: t, bound: DEFAULT}\n"),
    ("identity-mapping", "tables:\n  t:\n    columns:\n      a: {type: bigint, identity: {generated: by_default, "
                         "start: 1, increment: 2, min_value: 1, max_value: 100, cache: 1, cycle: true, "
                         "type: integer}, nullable: true}\n"),
    ("pk-column-nullable-false", "tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true, "
                                 "nullable: false}\n"),
    ("pk-table-and-column-false", "tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: false}\n"
                                  "    primary_key: {columns: [a]}\n"),
    ("deferrable-initially-deferred", T + "    unique:\n      - {columns: [a]}\n    foreign_keys:\n      - {columns: [a], references: {table: t, "
                                          "columns: [a]}, deferrable: true, initially_deferred: true}\n"),
    ("unique-btree-nnd", T + "    indexes:\n      i: {columns: [{expression: lower(b)}], unique: true, "
                             "nulls_not_distinct: true, method: btree}\n"),
    ("opclass-non-ascii", T + "    indexes:\n      i: {columns: [{name: b, opclass: pg_catalog.ä_ops}]}\n"),
    ("identifier-63-bytes", "tables:\n  t:\n    columns:\n      " + "a" * 63 + ": integer\n"),
    ("collation-two-63-byte-parts", "schemas: [" + "s" * 63 + "]\ntables:\n  t:\n    columns:\n      a: {type: text, "
                                    "collation: " + "s" * 63 + "." + "c" * 63 + "}\n"),
    ("table-moved-from-two-63-byte-parts", "tables:\n  t:\n    schema: archive\n    renamed_from: " + "s" * 63 + "."
                                           + "t" * 63 + "\n    columns: {a: integer}\n"),
    ("views-moved", "views:\n  v:\n    schema: archive\n    renamed_from: public.v\n    query: SELECT 1\n"
                    "materialized_views:\n  m:\n    renamed_from: old_m\n    query: SELECT 1\n"),
    ("sequence-moved", "sequences:\n  s:\n    schema: archive\n    renamed_from: public.s\n"),
    ("types-moved", "schemas: [archive]\nenums:\n  e: {values: [a], schema: archive, renamed_from: public.e}\n"
                    "domains:\n  d: {type: integer, schema: archive, renamed_from: d0}\n"
                    "composite_types:\n  c: {attributes: {a: integer}, schema: archive, renamed_from: public.c}\n"
                    "range_types:\n  r: {subtype: integer, schema: archive, renamed_from: public.r, multirange_comment: m}\n"),
    ("view-column-types", "views:\n  v: {query: SELECT 1 AS a, columns: {a: {type: integer, comment: x}}}\n"),
    ("table-label-with-name", "tables:\n  " + "label_" * 12 + ":\n    name: t\n    columns: {a: integer}\n"),
    ("table-label-control-with-name", "tables:\n  \"label\\tone\":\n    name: t\n    columns: {a: integer}\n"),
    # a control character Postgres takes in a name (inspect writes it): kept, with the loader's warning; NUL refused
    ("identifier-control", "tables:\n  t:\n    columns:\n      \"a\\tb\": integer\n"),
    ("identifier-bidi", "tables:\n  t:\n    columns:\n      \"a\\u202eb\": integer\n"),
    ("table-key-control", "tables:\n  \"t\\x7f\":\n    columns: {a: integer}\n"),
    ("enum-list-and-mapping", "enums:\n  e: ['', b]\n  f: {values: [x], schema: s, comment: c}\n"),
    ("domain-checks", "domains:\n  d:\n    type: integer\n    not_null: true\n    default: 1\n"
                      "    checks: {pos: VALUE > 0, small: {expression: VALUE < 10, not_valid: true}}\n"),
    ("extensions-both-forms", "extensions: [pgcrypto, {name: citext, schema: public}]\n"),
    ("extension-version", "extensions: [{name: citext, version: '1.4'}, {name: hstore, version: '1.10'}]\n"),
    ("schemas-list", "schemas: [audit, 'Sales Data']\n"),
    ("external-functions", "external_functions: [audit.if_modified_func, stamp, 'My Schema.my func']\n" + T
     + "    triggers:\n      t_audit: {function: audit.if_modified_func, events: [insert]}\n"),
    ("index-32-columns", "tables:\n  t:\n    columns: {" + ", ".join(f"c{i}: integer" for i in range(32))
     + "}\n    indexes:\n      i: {columns: [" + ", ".join(f"c{i}" for i in range(32)) + "]}\n"),
    ("unicode-names", "tables:\n  \"naïve\":\n    columns:\n      \"naïve col\": text\n"),
    ("no-columns", "tables:\n  t:\n    columns: {}\n"),  # Postgres allows it; inspect writes it
    ("queries-everywhere", T.replace("a: integer", "a: {type: integer, distribution: {values: [1, 2], weights: [1, 2.5]}}")
     + "    queries:\n      q: {sql: SELECT b FROM t WHERE a = $1 AND b = $2, params: [{column: a}, x], uses: [i], "
       "no_seq_scan_over: 0, p95_ms: 0.5, p50_ms: 0.1, rows: 10}\nqueries:\n  top: {sql: SELECT count(*) FROM t, rows: 1_000}\n"),
    ("views-every-key", T + "views:\n  v:\n    name: v1\n    schema: s\n    query: |\n      select a from t;\n"
                            "    security_barrier: true\n    security_invoker: false\n    check_option: cascaded\n"
                            "    comment: c\n    columns: {a: x, b: {comment: y}}\n"
                            "materialized_views:\n  m:\n    query: select a from t\n    with_data: false\n"
                            "    comment: c\n    columns: {a: x}\n    indexes:\n      m_a: {columns: [a], unique: true}\n"),
    ("security-all-keys", T + "    owner: app\n    row_level_security: {enabled: true, forced: false}\n"
                              "    policies:\n      p: {command: update, as: restrictive, roles: [app, PUBLIC], "
                              "using: a > 0, with_check: 'a > 1', comment: c}\n"
                              "      q: {using: 'exists (select 1 from t x where x.a = a)'}\n"
                              "    grants:\n      PUBLIC: []\n      app: [ALL, 'update (a, b)']\n"
                              "      ops: {privileges: [insert], with_grant_option: [select]}\n"
                              "      audit: {privileges: [select], with_grant_option: true}\n"
                              "sequences:\n  s: {owner: app, grants: {app: [usage]}}\n"
                              "functions:\n  f: {returns: integer, body: select 1, owner: app, grants: {PUBLIC: []}}\n"
                              "schemas: [app, {name: public, grants: {PUBLIC: [], app: [usage]}}, {name: x, owner: o}]\n"
                              "default_privileges:\n  - {role: o, objects: functions, grants: {PUBLIC: []}}\n"
                              "  - {role: o, objects: tables, schema: app, grants: {app: [select]}}\n"),
    ("not-null-constraint", "tables:\n  t:\n    columns:\n      a: {type: integer, nullable: false, not_null: {name: a_nn, "
                            "not_valid: true, no_inherit: true}}\n      b: {type: integer, not_null: {}}\n"
                            "      c: {type: integer, not_null: {comment: c's}}\n"),
    ("foreign-server-grants-and-foreign-table-triggers",
     "foreign_servers:\n  s:\n    wrapper: postgres_fdw\n    owner: o\n    grants:\n      PUBLIC: [usage]\n"
     "      app: {privileges: [usage], with_grant_option: true}\n      o: []\n"
     "functions:\n  f: {returns: trigger, language: plpgsql, body: begin return new; end}\n"
     "tables:\n  ft:\n    foreign: {server: s, options: {table_name: t}}\n    columns: {a: integer}\n"
     "    triggers:\n      g: {function: f, timing: before, events: [insert, update], for_each: row, when: new.a > 0}\n"
     "      h: {function: f, events: [truncate], enabled: disabled}\n"),
    ("matview-column-statistics-target", "materialized_views:\n  mv:\n    query: SELECT 1 AS id, 'a' AS code\n"
                                         "    columns:\n      id: {statistics_target: 20}\n"
                                         "      code: {statistics_target: 200, comment: the code}\n"),
    ("view-stub-column-collation", "views:\n  v:\n    query: SELECT id, name FROM v\n"
                                   "    columns: {id: {type: integer}, name: {type: text, collation: C}}\n"),
    ("names-in-schemas-that-need-quotes",  # as inspect writes them: verbatim, each part any name Postgres takes quoted
     "functions:\n  f: {schema: My Ops, returns: trigger, language: plpgsql, body: begin return new; end}\n"
     "aggregates:\n  least_of: {schema: My Ops, arguments: integer, sfunc: int4smaller, stype: integer, sortop: My Ops.<<<}\n"
     "tables:\n  t:\n    columns: {a: integer, b: integer}\n"
     "    indexes:\n      i: {columns: [{name: a, opclass: My Ops.abs ops}, {name: b, opclass: ops-x.Abs-Ops}]}\n"
     "      j: {columns: [{name: a, opclass: 'text ops'}, {name: b, opclass: _}]}\n"
     "    exclude:\n      - {using: hash, elements: [{name: b, opclass: ops-x.Hash Ops, with: 'OPERATOR(\"My Ops\".===)'}]}\n"
     "      - {using: hash, elements: [{name: a, with: My Ops.===}]}\n"
     "    triggers:\n      g: {function: My Ops.f, events: [insert]}\n"),
    ("extension-settings-and-comments", "extensions:\n  - name: citext\n    settings:\n"
     "      FUNCTION public.strpos(public.citext,public.citext): {cost: 5, set: {search_path: 'public, pg_temp'}}\n"
     "      FUNCTION public.regexp_matches(public.citext,public.citext): {rows: 7.5}\n    comments:\n"
     "      CAST (character AS public.citext): c\n      OPERATOR CLASS public.citext_ops USING btree: ''\n"
     "      TEXT SEARCH TEMPLATE public.t: d\n      COLUMN public.spatial_ref_sys.srtext: e\n    detached: [TYPE public.citext]\n"),
    ("extension-grants", "extensions:\n  - name: postgis\n    schema: public\n    grants:\n"
                         "      TABLE public.spatial_ref_sys: {grant: {app: [select]}, revoke: {PUBLIC: [select]}}\n"
                         "      ROUTINE public.st_union(geometry): {grant: {app: [execute]}}\n"),
]


@pytest.mark.parametrize("case_id,text", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_both_accept(case_id, text):
    assert loader_error(text) is None
    assert schema_errors(text) == []


# -- the schema's keys are the loader's keys --------------------------------------------------------------

def _object(schema: dict):
    """The object alternative of a schema (following $ref and anyOf), or None."""
    if "$ref" in schema:
        return _object(DEFS[schema["$ref"].rsplit("/", 1)[1]])
    if "properties" in schema:
        return schema
    objects = [o for o in (_object(s) for s in schema.get("anyOf", [])) if o is not None]
    assert len(objects) <= 1
    return objects[0] if objects else None


def _keys(schema: dict) -> dict[str, bool]:
    obj = _object(schema)
    assert obj.get("additionalProperties") is False
    return {k: k in obj.get("required", []) for k in obj["properties"]}


@pytest.mark.parametrize("where,expected", [
    ("top", load.TOP_KEYS),
    ("table", {**tables.TABLE_KEYS, "columns": False}),  # required unless partition_of: an if/else
    ("columnDefinition", columns.COLUMN_KEYS),
    ("primaryKey", tables.PK_KEYS),
    ("unique", tables.UNIQUE_KEYS),
    ("index", indexes.INDEX_KEYS),
    ("indexColumn", indexes.INDEX_KEY_KEYS),  # exactly one of name/expression: a oneOf
    ("check", constraints.CHECK_KEYS),
    ("foreignKey", constraints.FK_KEYS),
    ("references", constraints.FK_REF_KEYS),
    ("partitionBy", tables.PARTITION_BY_KEYS),
    ("partitionOf", tables.PARTITION_OF_KEYS),
    ("sequence", sequences.SEQUENCE_KEYS),
    ("identity", columns.IDENTITY_KEYS),
    ("notNull", columns.NOT_NULL_KEYS),
    ("enum", types.ENUM_KEYS),
    ("domain", types.DOMAIN_KEYS),
    ("function", functions.FUNCTION_KEYS),
    ("aggregate", aggregates.AGGREGATE_KEYS),
    ("operator", operators.OPERATOR_KEYS),
    ("trigger", triggers.TRIGGER_KEYS),  # exactly one of body/body_file: a oneOf
    ("view", views.VIEW_KEYS),  # exactly one of query/query_file: a oneOf
    ("materializedView", views.MATERIALIZED_VIEW_KEYS),
    ("exclusion", exclusions.EXCLUSION_KEYS),
    ("compositeType", usertypes.COMPOSITE_KEYS),
    ("rangeType", usertypes.RANGE_KEYS),
    ("collation", collations.COLLATION_KEYS),
    ("textSearchConfig", textsearch.TEXT_SEARCH_CONFIG_KEYS),
    ("publication", publications.PUBLICATION_KEYS),
    ("publishedTable", publications.PUBLISHED_TABLE_KEYS),
    ("eventTrigger", event_triggers.EVENT_TRIGGER_KEYS),
    ("cast", casts.CAST_KEYS),  # exactly one of function, without_function, inout: a oneOf
    ("operatorClass", opclasses.CLASS_KEYS),
    ("classOperator", opclasses.OPERATOR_KEYS),
    ("classFunction", opclasses.FUNCTION_KEYS),
    ("textSearchDictionary", textsearch.TEXT_SEARCH_DICTIONARY_KEYS),
    ("rule", rules.RULE_KEYS),
    ("statistics", extended_statistics.STATISTICS_KEYS),
    ("exclusionElement", exclusions.EXCLUSION_ELEMENT_KEYS),  # exactly one of name/expression: a oneOf
    ("policy", policies.POLICY_KEYS),
    ("namespace", grants.NAMESPACE_KEYS),
    ("defaultPrivileges", grants.DEFAULT_PRIVILEGES_KEYS),
    ("extension", EXTENSION_KEYS),
    ("query", queries.QUERY_KEYS),
    ("distribution", queries.DISTRIBUTION_KEYS),
    ("foreignServer", foreign_servers.FOREIGN_SERVER_KEYS),
    ("ignoreEntry", ignore_list.IGNORE_KEYS),
])
def test_keys_match_the_loader(where, expected):
    if where == "top":
        schema = SCHEMA
    elif where == "references":
        schema = DEFS["foreignKey"]["properties"]["references"]
    else:
        schema = DEFS[where]
    assert _keys(schema) == dict(expected)


def test_choices_match_the_loader():
    assert DEFS["index"]["properties"]["method"]["anyOf"][0]["enum"] == list(indexes.INDEX_METHODS)
    fk = DEFS["foreignKey"]["properties"]
    from schemac.model import FK_ACTIONS
    assert fk["on_delete"]["anyOf"][0]["enum"] == [a.replace(" ", "_") for a in FK_ACTIONS]
    assert fk["on_update"]["anyOf"][0]["enum"] == [a.replace(" ", "_") for a in FK_ACTIONS]
    assert DEFS["identifier"]["maxLength"] == names.MAX_IDENTIFIER_BYTES
    assert DEFS["columnList"]["maxItems"] == fields.MAX_INDEX_COLUMNS
    assert DEFS["table"]["properties"]["columns"]["maxProperties"] == tables.MAX_TABLE_COLUMNS
    assert DEFS["ignoreEntry"]["properties"]["kinds"]["items"]["enum"] == list(IGNORE_KINDS)


# -- the schema itself ------------------------------------------------------------------------------------

def test_schema_is_valid_draft_2020_12_and_draft_07():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator.check_schema(SCHEMA)


DRAFT_2019_PLUS = {"$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary",
                   "prefixItems", "unevaluatedItems", "unevaluatedProperties", "dependentRequired",
                   "dependentSchemas", "minContains", "maxContains"}


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def test_only_draft_07_keywords_and_no_ref_siblings():
    for path, node in _walk(SCHEMA):
        if path.endswith("/properties") or path.endswith("/$defs"):
            continue  # names, not keywords
        assert not DRAFT_2019_PLUS & set(node), path
        if "$ref" in node:
            # draft-07 ignores everything beside $ref: only annotations may stand there
            assert set(node) <= {"$ref", "description", "$comment"}, path


CONDITIONS = re.compile(r"/(if|then|else|not)(/|$)")


def test_every_property_has_a_description():
    for path, node in _walk(SCHEMA):
        # properties inside if/then/else/not only restate conditions on keys described elsewhere
        if path.endswith("/properties") and not CONDITIONS.search(path):
            for key, sub in node.items():
                assert sub is False or sub.get("description"), f"{path}/{key}"
    for name, d in DEFS.items():
        assert d.get("description"), name


def test_objects_reject_unknown_keys():
    for path, node in _walk(SCHEMA):
        if "properties" in node and not path.endswith("/properties") and not CONDITIONS.search(path):
            assert node.get("additionalProperties") is False, path


def test_schema_json_text_is_the_packaged_file_and_stable():
    text = schema_json_text()
    assert text == (ROOT / "src" / "schemac" / "schemafile" / "schema.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert schema_json_text() == text
