"""Drift reports as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run, tool.driver "schemac"; one rule per kind of difference present (rule id = the kind of the
JSON report), one result per difference, located at the schema.yaml line that declares the object
when it is known. The output is deterministic: rules sorted by id, results in the order given
(report.differences() already sorts them), keys sorted. docs/drift-report.md documents the mapping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from schemac.report.describe import Difference

from schemac.report.json import visible_json
from schemac.report.security import SECURITY_KINDS, severity

SARIF_VERSION = "2.1.0"

# Every kind report._difference() can produce: a one-line summary and what it means.
KIND_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "missing_schema": ("Schema is missing",
                       "A schema (namespace) that schema.yaml uses does not exist in the database."),
    "unexpected_schema": ("Schema is not in schema.yaml",
                          "A schema that schema.yaml used to declare (recorded in state.json) is no longer declared."),
    "missing_table": ("Table is missing",
                      "A table declared in schema.yaml does not exist in the database."),
    "unexpected_table": ("Table is not in schema.yaml",
                         "The database has a table, in a schema that schema.yaml manages, that schema.yaml does "
                         "not declare."),
    "missing_column": ("Column is missing",
                       "A column declared in schema.yaml does not exist in the database table."),
    "unexpected_column": ("Column is not in schema.yaml",
                          "The database table has a column that schema.yaml does not declare."),
    "column_type_changed": ("Column type differs",
                            "The column's type in the database differs from its type in schema.yaml."),
    "column_nullability_changed": ("Column nullability differs",
                                   "The column is NULL in one and NOT NULL in the other."),
    "column_default_changed": ("Column default differs",
                               "The column's DEFAULT in the database differs from schema.yaml (or only one of "
                               "them has one)."),
    "column_identity_changed": ("Column identity differs",
                                "The column's identity (GENERATED ... AS IDENTITY and its sequence options) "
                                "differs from schema.yaml."),
    "column_generated_changed": ("Generated column differs",
                                 "The column's GENERATED ALWAYS AS expression differs from schema.yaml."),
    "comment_changed": ("Comment differs",
                        "The COMMENT on a table, column, index, constraint, enum, domain or sequence differs from "
                        "schema.yaml."),
    "constraint_not_valid": ("Constraint is NOT VALID",
                             "The constraint exists but is NOT VALID in the database: existing rows were never "
                             "checked against it."),
    "pending_rename": ("Rename not applied",
                       "schema.yaml renames the object (renamed_from) and the database still has the old name."),
    "unmanaged_object": ("Object not managed by schemac",
                         "With --strict: a view, function, trigger or other object schemac does not manage."),
    "migration_pending": ("Migration not applied",
                          "A file in generated/migrations is not recorded in the database's _sqlx_migrations."),
    "migration_missing": ("Applied migration missing",
                          "_sqlx_migrations records a migration whose file is not in generated/migrations."),
    "migration_modified": ("Migration edited after it was applied",
                           "The file's SHA-384 differs from the checksum sqlx recorded when it applied it."),
    "migration_failed": ("Migration failed",
                         "_sqlx_migrations records the migration with success = false."),
    "partitioning_changed": ("Partitioning differs",
                             "The table's PARTITION BY, or the partition's parent or bound, differs from "
                             "schema.yaml."),
    "missing_constraint": ("Constraint is missing",
                           "A primary key, unique, check or foreign key constraint declared in schema.yaml does "
                           "not exist in the database."),
    "unexpected_constraint": ("Constraint is not in schema.yaml",
                              "The database has a constraint that schema.yaml does not declare."),
    "constraint_changed": ("Constraint differs",
                           "A constraint exists under the declared name but its definition differs from "
                           "schema.yaml."),
    "constraint_copies_changed": ("Partitioned key's copies differ",
                                  "A partitioned table's key whose copies in the partitions are not a fresh build's: "
                                  "a copy beside a partition's UNIQUE of its columns that the key's ADD takes."),
    "missing_index": ("Index is missing",
                      "An index declared in schema.yaml does not exist in the database."),
    "unexpected_index": ("Index is not in schema.yaml",
                         "The database has an index that schema.yaml does not declare."),
    "index_changed": ("Index differs",
                      "An index exists under the declared name but its definition differs from schema.yaml."),
    "table_cluster_on_changed": ("Table is clustered on another index than schema.yaml says",
                                 "The index ALTER TABLE ... CLUSTER ON marked (the one a bare CLUSTER orders the table "
                                 "by) differs from the table's cluster_on."),
    "column_settings_changed": ("Column's statistics target, storage, compression or options differ",
                                "A column's ALTER COLUMN ... SET STATISTICS, SET STORAGE, SET COMPRESSION or "
                                "SET (n_distinct ...) differs from schema.yaml."),
    "table_replica_identity_changed": ("Table's REPLICA IDENTITY differs from schema.yaml",
                                       "What logical replication writes of the old row for an UPDATE or DELETE "
                                       "(ALTER TABLE ... REPLICA IDENTITY) differs from the table's replica_identity."),
    "table_logging_changed": ("Table is LOGGED or UNLOGGED against schema.yaml",
                              "The table's persistence (UNLOGGED: not written to the WAL, emptied after a crash, "
                              "not replicated) differs from schema.yaml."),
    "storage_parameters_changed": ("Storage parameters differ",
                                   "A table's or materialized view's WITH (...) storage parameters (fillfactor, "
                                   "autovacuum settings, its TOAST table's toast.*) differ from schema.yaml."),
    "index_invalid": ("Index is INVALID",
                      "The declared index exists but is INVALID: a CREATE INDEX CONCURRENTLY failed (or is still "
                      "running), so Postgres does not use it. Drop it and build it again."),
    "missing_enum": ("Enum type is missing", "An enum type declared in schema.yaml does not exist in the database."),
    "unexpected_enum": ("Enum type is not in schema.yaml",
                        "The database has an enum type that schema.yaml does not declare."),
    "enum_changed": ("Enum type differs", "The enum's values (or their order) differ from schema.yaml."),
    "missing_trigger": ("Trigger is missing", "A trigger declared in schema.yaml does not exist on its table."),
    "unexpected_trigger": ("Trigger is not in schema.yaml",
                           "The table has a trigger that schema.yaml does not declare."),
    "trigger_changed": ("Trigger differs",
                        "The trigger's timing, events, UPDATE OF columns, level, WHEN condition, function, arguments, "
                        "transition tables or deferral differ from schema.yaml."),
    "missing_view": ("View is missing", "A view declared in schema.yaml does not exist in the database."),
    "unexpected_view": ("View is not in schema.yaml", "The database has a view that schema.yaml does not declare."),
    "view_changed": ("View differs", "The view's query (as Postgres deparses it), columns or options differ from "
                                     "schema.yaml."),
    "missing_materialized_view": ("Materialized view is missing",
                                  "A materialized view declared in schema.yaml does not exist in the database."),
    "unexpected_materialized_view": ("Materialized view is not in schema.yaml",
                                     "The database has a materialized view that schema.yaml does not declare."),
    "materialized_view_changed": ("Materialized view differs",
                                  "The materialized view's query (as Postgres deparses it) or columns differ from "
                                  "schema.yaml."),
    "materialized_view_data_changed": ("Materialized view is populated against schema.yaml",
                                       "The materialized view is populated and schema.yaml says with_data: false, or "
                                       "the other way round."),
    "trigger_state_changed": ("Trigger is enabled or disabled against schema.yaml",
                              "The trigger is disabled, or enabled for another session_replication_role, than "
                              "schema.yaml declares (ALTER TABLE ... ENABLE/DISABLE TRIGGER)."),
    "missing_function": ("Function is missing",
                         "A function or procedure declared in schema.yaml does not exist in the database (with "
                         "these argument types)."),
    "unexpected_function": ("Function is not in schema.yaml",
                            "The database has a function or procedure (an overload, with its argument types) that "
                            "schema.yaml does not declare."),
    "function_changed": ("Function differs",
                         "The function's body, result, language or attributes (volatility, strictness, security, "
                         "parallel safety, cost, rows, SET options, argument names and defaults) differ from "
                         "schema.yaml."),
    "missing_aggregate": ("Aggregate is missing",
                          "An aggregate declared in schema.yaml does not exist in the database (with these input types)."),
    "unexpected_aggregate": ("Aggregate is not in schema.yaml",
                             "The database has an aggregate (an overload, with its input types) that schema.yaml does "
                             "not declare."),
    "aggregate_changed": ("Aggregate differs",
                          "The aggregate's state function or type, final, combine, serial or moving-aggregate functions, "
                          "initial conditions, sort operator or parallel safety differ from schema.yaml."),
    "missing_operator": ("Operator is missing",
                         "An operator declared in schema.yaml does not exist in the database (with these argument types)."),
    "unexpected_operator": ("Operator is not in schema.yaml",
                            "The database has an operator (an overload, with its argument types) that schema.yaml does "
                            "not declare."),
    "operator_changed": ("Operator differs",
                         "The operator's function, commutator, negator, selectivity estimators, HASHES or MERGES differ "
                         "from schema.yaml."),
    "missing_operator_class": ("Operator class is missing",
                               "An operator class declared in schema.yaml (CREATE OPERATOR CLASS) does not exist in the "
                               "database."),
    "unexpected_operator_class": ("Operator class is not in schema.yaml",
                                  "The database has an operator class that schema.yaml does not declare."),
    "operator_class_changed": ("Operator class differs",
                               "The operator class's type, DEFAULT, family, storage, operators or support functions "
                               "differ from schema.yaml."),
    "missing_operator_family": ("Operator family is missing",
                                "An operator family declared in schema.yaml (CREATE OPERATOR FAMILY) does not exist in "
                                "the database."),
    "unexpected_operator_family": ("Operator family is not in schema.yaml",
                                   "The database has an operator family that schema.yaml does not declare."),
    "operator_family_changed": ("Operator family differs",
                                "The operator family's loose operators or support functions (those of no class) differ "
                                "from schema.yaml."),
    "missing_cast": ("Cast is missing",
                     "A cast declared in schema.yaml (CREATE CAST, from one type to another) does not exist in the database."),
    "unexpected_cast": ("Cast is not in schema.yaml",
                        "The database has a cast of its own (CREATE CAST) that schema.yaml does not declare."),
    "cast_changed": ("Cast differs",
                     "The cast's function, method (WITHOUT FUNCTION, WITH INOUT) or context (explicit, assignment, "
                     "implicit) differs from schema.yaml."),
    "missing_domain": ("Domain is missing", "A domain declared in schema.yaml does not exist in the database."),
    "unexpected_domain": ("Domain is not in schema.yaml",
                          "The database has a domain that schema.yaml does not declare."),
    "domain_changed": ("Domain differs",
                       "The domain's type, default, NOT NULL or checks differ from schema.yaml."),
    "inheritance_changed": ("Table inherits from other parents than schema.yaml says",
                            "The table is missing an INHERITS parent schema.yaml names, or has one it does not name."),
    "typed_table_changed": ("Table is of another composite type than schema.yaml says",
                            "The table is a typed table (CREATE TABLE ... OF type) of another type, or typed where "
                            "schema.yaml says it is not, or the reverse."),
    "missing_rule": ("Rule is missing", "A rewrite rule declared in schema.yaml does not exist on its table."),
    "unexpected_rule": ("Rule is not in schema.yaml", "The table has a rewrite rule that schema.yaml does not declare."),
    "rule_changed": ("Rule differs", "The rule's event, ALSO or INSTEAD, condition or actions differ from schema.yaml."),
    "missing_statistics": ("Extended statistics are missing",
                           "A CREATE STATISTICS object declared in schema.yaml does not exist on its table."),
    "unexpected_statistics": ("Extended statistics are not in schema.yaml",
                              "The table has a CREATE STATISTICS object that schema.yaml does not declare."),
    "statistics_changed": ("Extended statistics differ",
                           "The statistics object's columns or expressions, kinds, schema or target differ from schema.yaml."),
    "missing_collation": ("Collation is missing",
                          "A collation declared in schema.yaml does not exist in the database."),
    "unexpected_collation": ("Collation is not in schema.yaml",
                             "The database has a collation that schema.yaml does not declare."),
    "collation_changed": ("Collation differs",
                          "The collation's provider, locale (lc_collate, lc_ctype) or determinism differ from "
                          "schema.yaml."),
    "missing_publication": ("Publication is missing", "A publication declared in schema.yaml does not exist in the database."),
    "unexpected_publication": ("Publication is not in schema.yaml",
                               "The database has a publication that schema.yaml does not declare."),
    "publication_changed": ("Publication differs",
                            "The publication's tables (column lists, row filters), schemas, published actions, "
                            "options or name differ from schema.yaml."),
    "missing_event_trigger": ("Event trigger is missing",
                              "An event trigger declared in schema.yaml does not exist in the database."),
    "unexpected_event_trigger": ("Event trigger is not in schema.yaml",
                                 "The database has an event trigger that schema.yaml does not declare (it runs on "
                                 "DDL, the migrations' too)."),
    "event_trigger_changed": ("Event trigger differs",
                              "The event trigger's event, command tags or function differ from schema.yaml."),
    "event_trigger_state_changed": ("Event trigger is enabled or disabled against schema.yaml",
                                    "The event trigger's enabled state (ENABLE, DISABLE, REPLICA, ALWAYS) differs."),
    "missing_database_setting": ("Database setting is missing",
                                 "A setting schema.yaml gives the database (ALTER DATABASE ... SET) is not set."),
    "unexpected_database_setting": ("Database setting is not in schema.yaml",
                                    "The database has a setting (ALTER DATABASE ... SET) that schema.yaml does not give."),
    "database_setting_changed": ("Database setting differs",
                                 "The database's setting (ALTER DATABASE ... SET) has another value than schema.yaml's."),
    "missing_foreign_server": ("Foreign server is missing",
                               "A foreign server declared in schema.yaml does not exist in the database."),
    "unexpected_foreign_server": ("Foreign server is not in schema.yaml",
                                  "The database has a foreign server that schema.yaml does not declare."),
    "foreign_server_changed": ("Foreign server differs",
                               "The foreign server's wrapper, type, version or options differ from schema.yaml."),
    "missing_foreign_data_wrapper": ("Foreign-data wrapper is missing",
                                     "A foreign-data wrapper declared in schema.yaml does not exist in the database."),
    "unexpected_foreign_data_wrapper": ("Foreign-data wrapper is not in schema.yaml",
                                        "The database has a foreign-data wrapper that schema.yaml does not declare."),
    "foreign_data_wrapper_changed": ("Foreign-data wrapper differs",
                                     "The foreign-data wrapper's handler, validator or options differ from schema.yaml."),
    "foreign_table_changed": ("Foreign table differs",
                              "The foreign table's server or options differ from schema.yaml (or a table is foreign "
                              "against schema.yaml, or not)."),
    "missing_text_search_config": ("Text search configuration is missing",
                                   "A text search configuration declared in schema.yaml does not exist in the database."),
    "unexpected_text_search_config": ("Text search configuration is not in schema.yaml",
                                      "The database has a text search configuration that schema.yaml does not declare."),
    "text_search_config_changed": ("Text search configuration differs",
                                   "The configuration's parser, or the dictionaries of a token type, differ from "
                                   "schema.yaml."),
    "view_defaults_changed": ("View column defaults differ",
                              "A view column's default (ALTER VIEW ... ALTER COLUMN ... SET DEFAULT) differs from "
                              "schema.yaml."),
    "missing_text_search_dictionary": ("Text search dictionary is missing",
                                       "A text search dictionary declared in schema.yaml does not exist in the database."),
    "unexpected_text_search_dictionary": ("Text search dictionary is not in schema.yaml",
                                          "The database has a text search dictionary that schema.yaml does not declare."),
    "text_search_dictionary_changed": ("Text search dictionary differs",
                                       "The dictionary's template or options differ from schema.yaml."),
    "missing_composite_type": ("Composite type is missing",
                               "A composite type declared in schema.yaml does not exist in the database."),
    "unexpected_composite_type": ("Composite type is not in schema.yaml",
                                  "The database has a composite type that schema.yaml does not declare."),
    "composite_type_changed": ("Composite type differs",
                               "The composite type's attributes (names, order, types, collations) differ from "
                               "schema.yaml."),
    "missing_range_type": ("Range type is missing",
                           "A range type declared in schema.yaml does not exist in the database."),
    "unexpected_range_type": ("Range type is not in schema.yaml",
                              "The database has a range type that schema.yaml does not declare."),
    "range_type_changed": ("Range type differs",
                           "The range type's subtype, operator class, collation, canonical or subtype_diff function, "
                           "or multirange name differ from schema.yaml."),
    "missing_sequence": ("Sequence is missing",
                         "A sequence declared in schema.yaml does not exist in the database."),
    "unexpected_sequence": ("Sequence is not in schema.yaml",
                            "The database has a sequence that schema.yaml does not declare."),
    "sequence_changed": ("Sequence differs",
                         "The sequence's options or its OWNED BY column differ from schema.yaml."),
    "missing_extension": ("Extension is missing",
                          "An extension declared in schema.yaml is not installed in the database."),
    "unexpected_extension": ("Extension is not in schema.yaml",
                             "The database has an extension installed that schema.yaml does not declare."),
    "extension_changed": ("Extension differs",
                          "The extension is installed in another schema, or at another version, than "
                          "schema.yaml declares; or the settings, comments or detached types of its own objects "
                          "that schema.yaml lists differ."),
}

HELP = ("Either the database drifted from schema.yaml (apply the pending migrations of generated/migrations, "
        "or generate one with `schemac generate`), or schema.yaml is out of date (change it to describe the "
        "database). `schemac diff --sql` prints the DDL that would bring the database to schema.yaml.")


KIND_DESCRIPTIONS.update({kind: (short, full) for kind, (_, short, full) in SECURITY_KINDS.items()})


def _rule(kind: str, descriptions: dict[str, tuple[str, str]] = KIND_DESCRIPTIONS, help_text: str = HELP,
          tag: str = "drift") -> dict:
    short, full = descriptions.get(kind, (kind.replace("_", " ").capitalize(),
                                          f"schemac reports a difference of kind {kind}."))
    properties: dict = {"tags": ["schemac", tag]}
    level = severity(kind)
    if level is not None:  # GitHub code scanning ranks security results by this property (0-10)
        properties = {"tags": ["schemac", tag, "security"], "security-severity": f"{level:.1f}"}
    return {
        "id": kind,
        "name": "".join(part.capitalize() for part in kind.split("_")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "error"},
        "properties": properties,
    }


def artifact_uri(path: str) -> str:
    """A relative file path as a SARIF URI reference: '/' separators, percent-encoded where URIs need it."""
    return quote(path.replace("\\", "/"), safe="/-._~!$&'()*+,;=@")


def _result(d: Difference, rule_index: int, schema_file: str) -> dict:
    physical: dict = {"artifactLocation": {"uri": artifact_uri(d.file or schema_file)}}
    if d.line:
        physical["region"] = {"startLine": d.line}
    return {
        "ruleId": d.kind,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": f"{d.path}: {d.message}"},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": d.path}],
        }],
        "properties": {
            "expected": d.expected,
            "actual": d.actual,
            "object": {"type": d.object_type, "schema": d.schema, "table": d.table or None, "name": d.name,
                       "path": d.path},
            **({"category": d.category, "tags": ["security"], "security-severity": f"{severity(d.kind):.1f}"}
               if d.category else {}),
        },
    }


def render_sarif(diffs: list[Difference], schema_file: str, tool_version: str,
                 descriptions: dict[str, tuple[str, str]] = KIND_DESCRIPTIONS, help_text: str = HELP,
                 tag: str = "drift") -> str:
    """A SARIF 2.1.0 log of the differences (an empty result list when in sync); another report
    (check-queries) passes its own kinds' descriptions, help and tag."""
    kinds = sorted({d.kind for d in diffs})
    index = {k: i for i, k in enumerate(kinds)}
    log = {
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "schemac", "version": tool_version, "rules": [_rule(k, descriptions, help_text, tag) for k in kinds]}},
            "results": [_result(d, index[d.kind], schema_file) for d in diffs],
        }],
    }
    return visible_json(log, sort_keys=True) + "\n"
