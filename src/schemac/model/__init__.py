"""The typed schema model every stage shares.

The YAML loader and the pg_catalog introspector both build these objects, the differ compares two of
them, the compiler turns them into DDL. Objects are frozen so a model can be hashed, cached and shared
between stages without anyone mutating it behind another stage's back.

Types and expressions are kept as SQL text: types in Postgres's canonical spelling (what
``format_type()`` prints, see :mod:`schemac.pg.types`), expressions as written (YAML) or as Postgres
deparses them (catalog). Comparisons go through :mod:`schemac.compare.normalize`, never raw text equality.

``source`` records where an object was declared in schema.yaml; it never takes part in equality.
"""

from .collnames import collate_sql, spelled_for, yaml_spelling
from .source import Source
from .sequences import Identity, Sequence, SequenceOptions
from .statistics_objects import STATISTICS_KINDS, Statistics, names_a_column
from .tables import Check, Nulls, Order, Column, Exclusion, ExclusionElement, expression_dropped, expression_set_in_place, FK_ACTIONS, ForeignKey, INDEXED_KEY_TYPES, Index, IndexElement, key_mark, marked_columns, not_enforced, own_columns, Parent, PartitionOf, Partitioning, PrimaryKey, Rule, NotNull, nullability, nullabilities, TRIGGER_EVENTS, Table, Trigger, Unique, UNIQUE_KEY_TYPES, deferral, index_comment
from .types import (Attribute, Collation, CompositeType, Constructor, Domain, Enum, Extension, MemberGrant, MemberSetting, Multirange,
                    RangeType, default_multirange)
from .functions import Argument, Function
from .aggregates import AGGREGATE_FUNCTIONS, Aggregate
from .operators import Operator
from .casts import CAST_CONTEXTS, Cast
from .opclasses import ClassFunction, ClassOperator, OperatorClass, OperatorFamily, family_members
from .queries import Distribution, Query, QueryParam
from .views import Dependency, View, ViewColumn
from .textsearch import TextSearchConfig, TextSearchDictionary, TextSearchMapping
from .publications import PUBLISH_ACTIONS, Publication, PublishedTable
from .event_triggers import EVENT_TRIGGER_EVENTS, EVENT_TRIGGER_STATES, EventTrigger
from .database_settings import DATABASE_PRIVILEGES, PUBLIC_DATABASE_DEFAULT, DatabaseGrant, DatabaseSetting
from .foreign_servers import ForeignDataWrapper, ForeignServer, ForeignTable
from .schema import Schema, Unmanaged
from .grants import (DEFAULT_PRIVILEGE_KINDS, PRIVILEGES, PUBLIC, DefaultPrivileges, Namespace, Privilege, in_grant_order,
                     sorted_privileges)
from .policies import POLICY_COMMANDS, Policy

__all__ = [
    "Operator",
    "ClassFunction",
    "ClassOperator",
    "OperatorClass",
    "OperatorFamily",
    "family_members",
    "CAST_CONTEXTS",
    "Cast",
    "collate_sql",
    "spelled_for",
    "yaml_spelling",
    "EVENT_TRIGGER_EVENTS",
    "EVENT_TRIGGER_STATES",
    "EventTrigger",
    "DatabaseSetting",
    "DatabaseGrant",
    "DATABASE_PRIVILEGES",
    "PUBLIC_DATABASE_DEFAULT",
    "ForeignServer",
    "ForeignDataWrapper",
    "ForeignTable",
    "PUBLISH_ACTIONS",
    "Publication",
    "PublishedTable",
    "AGGREGATE_FUNCTIONS",
    "Aggregate",
    "Argument",
    "Attribute",
    "Check",
    "Collation",
    "Column",
    "NotNull",
    "nullability", "nullabilities",
    "CompositeType",
    "DEFAULT_PRIVILEGE_KINDS",
    "DefaultPrivileges",
    "Dependency",
    "Distribution",
    "Domain",
    "Enum",
    "Exclusion",
    "ExclusionElement",
    "expression_dropped",
    "expression_set_in_place",
    "Extension",
    "MemberGrant",
    "MemberSetting",
    "FK_ACTIONS",
    "ForeignKey",
    "Function",
    "Identity",
    "Index",
    "IndexElement",
    "Namespace",
    "Nulls",
    "Order",
    "Parent",
    "POLICY_COMMANDS",
    "PRIVILEGES",
    "PUBLIC",
    "PartitionOf",
    "Policy",
    "Privilege",
    "Partitioning",
    "PrimaryKey",
    "Query",
    "QueryParam",
    "RangeType",
    "Constructor",
    "Multirange",
    "Rule",
    "STATISTICS_KINDS",
    "Schema",
    "Statistics",
    "names_a_column",
    "Sequence",
    "SequenceOptions",
    "Source",
    "TRIGGER_EVENTS",
    "Table",
    "TextSearchConfig",
    "TextSearchDictionary",
    "TextSearchMapping",
    "Trigger",
    "Unique",
    "Unmanaged",
    "default_multirange",
    "View",
    "ViewColumn",
    "deferral",
    "key_mark",
    "marked_columns",
    "not_enforced",
    "own_columns",
    "in_grant_order",
    "index_comment",
    "sorted_privileges",
]
