"""Change: one difference between two models, and the kinds of change in the order their DDL runs.

The same list serves `generate` (it becomes DDL) and `diff` (it becomes a drift report): a change
that would *add* something is, seen from a live database, something *missing*.
"""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional, Union

from schemac.compare.rows_held import RowsHeld
from schemac.compare.under_parent import UnderParent
from schemac.pg.names import MAX_IDENTIFIER_BYTES, clip_bytes
from schemac.model import (Cast, expression_dropped, DatabaseGrant, DatabaseSetting, Operator, OperatorClass, OperatorFamily, Aggregate, Check, EventTrigger, ForeignServer, Namespace, Publication, Collation, TextSearchConfig, TextSearchDictionary, CompositeType, Domain, Enum, Exclusion, Extension, ForeignDataWrapper, ForeignKey, Function, Index,
                           Policy, PrimaryKey, RangeType, Rule, Sequence, Source, Statistics, Table, Trigger, Unique, View)

Constraint = Union[PrimaryKey, Unique, Check, ForeignKey, Exclusion]

# Kinds, in the order their statements must run: namespaces and types before the tables that use
# them, drops (foreign keys first, then what depends on columns) before adds, foreign keys after
# every table exists, comments last.
KINDS = (
    "drop_event_trigger",  # first: an event trigger fires on the migration's own DDL (and is created last)
    "add_extension", "alter_extension", "add_foreign_data_wrapper", "set_foreign_data_wrapper_options", "add_foreign_server", "alter_foreign_server", "set_foreign_server_options", "add_schema", "add_collation", "alter_collation", "add_text_search_dictionary",
    "alter_text_search_dictionary", "add_text_search_config", "alter_text_search_config", "rename_type", "add_enum", "rename_enum_value", "add_enum_value", "alter_enum",
    "add_domain", "alter_domain",
    "add_range_type", "alter_range_type", "add_composite_type", "alter_composite_type", "add_sequence", "alter_sequence",
    "add_function", "alter_function", "add_aggregate", "alter_aggregate", "add_operator", "alter_operator", "add_cast", "add_operator_family", "add_operator_class",
    "rename_table", "rename_view", "rename_column", "rename_view_column", "rename_index", "rename_trigger", "rename_constraint", "rename_publication", "drop_publication", "drop_view",
    "drop_rule", "drop_policy", "drop_statistics", "drop_trigger", "drop_foreign_key", "drop_index", "drop_constraint", "detach_partition", "drop_inherit", "drop_of",
    "drop_column", "drop_table",
    "drop_operator_class", "drop_operator_family", "drop_cast", "drop_operator", "drop_shell_operator", "drop_aggregate", "drop_function", "drop_sequence", "drop_composite_type", "drop_range_type", "drop_domain", "drop_enum",
    "drop_collation", "drop_text_search_config", "drop_text_search_dictionary",
    "add_table", "add_inherit", "alter_partitioning", "attach_partition", "put_back_rows", "set_logging", "add_column",
    "drop_default", "alter_column_type", "drop_identity", "drop_not_null", "set_not_null", "alter_not_null", "set_default",
    "alter_identity", "alter_generated", "set_column_settings", "set_of",
    "add_constraint", "validate_constraint", "add_index", "set_index_parameters", "set_table_parameters",
    "add_foreign_key", "enforce_foreign_key",
    "add_trigger", "alter_trigger", "set_trigger_enabled", "add_rule", "alter_rule", "add_statistics", "alter_statistics",
    "set_statistics_owner", "set_cluster_on", "set_replica_identity", "set_sequence_owner",
    "set_row_security", "add_policy", "alter_policy", "set_owner", "set_operator_owner", "set_object_owner", "revoke", "grant", "set_extension_grants",
    "add_view", "alter_view", "replace_view", "refresh_view", "set_view_defaults", "set_view_parameters",
    "add_publication", "alter_publication", "set_publication_owner", "set_publication_comment",
    "set_table_comment", "set_row_type_comment", "set_column_comment", "set_index_comment", "set_constraint_comment",
    "set_copy_comment", "set_trigger_comment", "set_rule_comment", "set_policy_comment", "set_statistics_comment",
    "set_type_comment", "set_view_comment", "set_foreign_server_owner", "set_foreign_server_comment",
    "set_foreign_data_wrapper_owner", "set_foreign_data_wrapper_comment",
    "alter_foreign_table", "remake_foreign_table", "set_foreign_table_options", "set_column_fdw_options",
    "drop_foreign_server", "drop_foreign_data_wrapper", "drop_extension", "drop_schema",
    "add_event_trigger", "alter_event_trigger", "set_event_trigger_enabled", "set_event_trigger_owner",
    "set_event_trigger_comment",
    "set_database_setting",  # last: what a new session of the database starts with (this one pinned its search_path)
    "set_database_grant",  # the database's own access list (roles are the cluster's: nothing here makes them)
    "set_database_comment",
)


# The cause of a typed table's NOT OF and OF around a change of its composite type (whose attributes are its
# columns: Postgres refuses to change them under the table but with ALTER TYPE ... CASCADE), or of its NOT OF
# before the OF of another type.
TYPED_REBUILT = "the table's composite type changes"
# The cause of a partition's column change that its parent's ALTER TABLE makes for it.
INHERITED = "inherited from the parent"
# The cause of an INHERITS child's alter_generated of an expression of its own: on 17+ only (SET EXPRESSION, after its
# parent's, which may reach it); before 17 its parent's DROP and ADD COLUMN make it (compare.own_expressions).
OWN_AGAIN = "its own expression again after its parent's"
# The cause of an INHERITS parent's alter_generated of a column it keeps as it is, made before 17 only: its DROP and
# ADD COLUMN, between which a child's own column is dropped and added with its new expression (Change.followers):
# Postgres refuses the child's DROP COLUMN of an inherited column, and has no SET EXPRESSION before 17.
FOR_CHILD = "dropped and added for a child's own expression"
# A follower (Change.followers' third item) whose column was its parent's only: the parent's DROP COLUMN takes it, and
# it is added (its own, attislocal) before the parent's ADD merges into it (compare.own_expressions).
JOINS = "declares the column it had from its parent only"
# The cause of a child's NO INHERIT and INHERIT around its parent's DROP COLUMN of a column the child keeps:
# the pair makes the child's columns its own, so the parent's DROP COLUMN leaves the child's.
KEEPS_COLUMN = "keeps a column its parent drops"
# The cause of a child's NO INHERIT and INHERIT of a parent around the retypes of a column it has from two parents or
# more, each retyping it (compare.inherited_retypes): NO INHERIT before the first, INHERIT after the last.
RETYPED_BY_EACH = "retyped by each of its parents"
# The cause of a parent's DROP COLUMN a child that has the column keeps: ALTER TABLE ONLY, which makes the children's
# their own (attislocal) and leaves their other columns as they are (NO INHERIT and INHERIT make all local).
KEPT_BELOW = "kept by a child"
# The cause of a child's DROP COLUMN of a column its parent drops ONLY (KEPT_BELOW, another child keeps it): after it.
AFTER_ONLY = "dropped after its parent's ALTER TABLE ONLY"
# The cause of a table's INHERIT of a parent that gains columns the table has from it only (inherited_only): made
# before the parent's ADD COLUMN (`old`: their names), which carries them down (attislocal false); the table's own
# ADD COLUMN of each, INHERITED, runs no statement.
BEFORE_PARENTS_COLUMNS = "joins before its parent's new columns"
# Column changes a partition (or an INHERITS child) takes from its parent: ALTER TABLE on the parent makes them on every
# partition, and Postgres refuses them on the partition itself ("cannot add column to a partition"; a RENAME COLUMN
# of the parent's renames the partition's, whose own then finds no column of the old name).
CARRIED_TO_PARTITIONS = frozenset({"add_column", "drop_column", "rename_column", "alter_column_type", "set_not_null",
                                   "drop_not_null", "set_default", "drop_default", "alter_generated", "alter_identity",
                                   "drop_identity"})
# The cause of a child's (or partition's) own SET NOT NULL or ADD COLUMN ... NOT NULL, which its parent's ALTER TABLE
# would make under the parent's name, where schema.yaml names the child's NOT NULL: made first, under its name, the
# parent's then merges into it (Postgres refuses to rename an inherited one).
NAMED_BELOW = "names its own NOT NULL before its parent's"
# The cause of an alter_not_null that only renames a NOT NULL schema.yaml leaves unnamed to Postgres's default name
# (compare.not_nulls.not_null_changes): not drift (report.describe), as a key's rename_constraint is not.
NAMED_AS_DEFAULT = "named as Postgres names it"
# Changes of a partition detached that wait for the DETACH: those carried down, and those of the copies of its parent's keys, CHECKs, foreign keys and indexes, which
# it cannot drop (nor rename a CHECK of: 'cannot rename inherited constraint') while attached and holds once detached (compare/partition_copies.py).
AFTER_DETACH = CARRIED_TO_PARTITIONS | {"add_constraint", "drop_constraint", "drop_foreign_key", "add_index", "drop_index",
                                        "alter_not_null", "rename_constraint"}
# The cause of a column added to a partition while it is detached, which the parent it is attached to next holds as an identity (ATTACH gives it the identity,
# compare.inherited_checks.identities_given_by_attach): NOT NULL without a default, the rows it holds are numbered from that identity's sequence (plan.partitioned_identity.numbered_by_parent).
NUMBERED_BY_PARENT = "numbered by its new parent's identity"
# The cause of the changes that complete a new table after its CREATE TABLE (compare.differ).
NEW_TABLE = "new table"
# The cause of a collation's or range type's DROP where its definition changed and nothing uses it (Postgres has no ALTER for it: compare.usertypes.remade_definition), and
# of its comment and owner given back as they were: the report shows the paired CREATE as the definition changed (report.describe), not a drop and an add.
DEFINITION_REMADE = "made again: its definition changed, which Postgres cannot alter"
# The cause of the changes around an enum re-created with values removed or reordered: the old type is renamed aside, the new one created, every column retyped to it through text, the old one dropped.
ENUM_REBUILT = "enum re-created"
# The cause of a used collation's definition change planned by setting it aside (compare.collation_asides): its alter_collation (the RENAME aside and the CREATE, the one change reports read) and the DROP of the one set aside.
COLLATION_ASIDE = "collation set aside and made again under its users"
# The cause of a new domain's CHECKs (or DEFAULT) added by ALTER DOMAIN after its CREATE DOMAIN: they call a
# SQL-standard function that reads a table, which may be of that domain (compare.sqlbodies.domains_after_readers).
DOMAIN_CHECKS_LATER = "calls a function that reads a table"
# The cause of a new sequence's OWNED BY a column of a table that exists already (an identity made serial again): its
# rows hold values the new sequence would hand out, and it is moved past them (plan.sequence_ddl.past_the_rows).
OWNS_VALUES = "owns a column that holds values"
# The cause of a generated column dropped and added again because Postgres refuses to change what its
# expression reads under it (a column retyped, a function dropped): its values are derived, none is lost.
GENERATED_REBUILT = "generated column re-created"
# A child's own CHECK merged with its INHERITS parent's (same name and definition) dropped around a function made
# again: after the parent's DROP CONSTRAINT, which leaves it the child's alone (Postgres refuses it before).
MERGED_COPY = "a child's own copy of its parent's CHECK, re-created around a function dropped and created again"
# The cause of an identity's sequence renamed (as Postgres would have named it) before a new sequence takes its name
# (compare.identities.identity_sequences_aside): CREATE SEQUENCE IF NOT EXISTS would have skipped the new one.
NAME_TAKEN = "its name taken by a new sequence"


def set_aside_name(name: str) -> str:
    """The name an enum is renamed to while its replacement is created (at most 63 bytes)."""
    suffix = "__schemac_old"
    return clip_bytes(name, MAX_IDENTIFIER_BYTES - len(suffix)) + suffix

_OBJECT_KINDS = {Index: "index", PrimaryKey: "primary key", Unique: "unique constraint", Check: "check constraint",
                 ForeignKey: "foreign key", Enum: "enum", Domain: "domain", Sequence: "sequence",
                 Extension: "extension", Function: "function", Trigger: "trigger", Exclusion: "exclusion constraint",
                 CompositeType: "composite type", RangeType: "range type", Collation: "collation",
                 TextSearchConfig: "text search config", TextSearchDictionary: "text search dictionary",
                 Rule: "rule", View: "view", Policy: "policy", Statistics: "statistics",
                 Aggregate: "aggregate", Operator: "operator", OperatorClass: "operator class", OperatorFamily: "operator family", Cast: "cast", Publication: "publication", EventTrigger: "event trigger",
                 ForeignServer: "foreign server", ForeignDataWrapper: "foreign data wrapper", Namespace: "schema", DatabaseSetting: "database setting",
                 DatabaseGrant: "database grant"}


# (slots: past 29 fields CPython 3.11 gives each instance a __dict__ of its own, ~1.6 KB against ~0.3: a plan of 1,000
# tables with a view and a trigger function each held +8 MiB of them once a 30th field came; docs/benchmarks-catalog.md)
@frozen(slots=True)
class Change:
    """One difference. `old` is the object in the current model, `new` the one in the desired model."""

    kind: str
    schema: str
    table: str
    name: Optional[str] = None  # column, constraint or index name
    old: object = None
    new: object = None
    table_def: Optional[Table] = None  # desired table (or current, for drops): what the DDL needs
    # Set on changes that only exist to make another change possible (e.g. a CHECK re-created around
    # a column type change): they are DDL, not differences, and reports leave them out.
    cause: Optional[str] = None
    # An alter_column_type from or to a domain whose base types (domains followed down) are Postgres's own, one
    # casting to the other: the values are cast directly, as `USING c::new` does (numeric -> integer rounds), not
    # through text, where '2.5' is no integer (compare.types.cast_directly).
    direct_cast: bool = False
    # An alter_column_type from a domain of the current model: the type it stands on at the bottom (compare.types.
    # base_type), which each of its values is (plan.hazards: a domain made its own base type keeps every value).
    from_base: str = ""
    # An alter_column_type to a domain of the desired model that checks nothing (no CHECK nor NOT NULL, nor any domain under
    # it): the type it stands on at the bottom (compare.types.open_base), which takes each value of a type as wide (plan.hazards).
    to_base: str = ""
    to_checked: tuple = ()  # to one that checks: (its base, its CHECKs and NOT NULL), each value checked at the ALTER (plan.hazards)
    # An alter_column_type from a type of the current model's own (an enum, a composite, range or multirange type, an
    # array of one, a domain over one: "enum", "composite type", "range type", "multirange type"), to one of the
    # desired model's (compare.retype_casts.own_type_sides): Postgres casts these only to and from the string types
    # (plan.hazards), and a range to its multirange; "" for any other type.
    from_kind: str = ""
    to_kind: str = ""
    # Why no text form of the old type reads as the new one, where two of one kind otherwise go through text
    # (compare.retype_casts.apart): composite types of different attribute counts ('(1,2)' is no three-attribute
    # literal), an enum with labels the other lacks, range types over different subtypes; "" where it may.
    apart: str = ""
    # An alter_column_type from an enum of the current model's (an array of one, a domain over one): the characters of
    # its longest label, which bound every value (a varchar(n) as long holds each: plan.hazards); None else.
    longest_label: Optional[int] = None
    # An alter_column_type from or to a type of the model's own: the types its values are made of, at any depth (a
    # domain's base, a composite's attributes, a range's subtype; compare.retype_casts.made_of), whose text forms
    # the session's settings may print otherwise (plan.session_pin.retypes_in_session): a composite holding a
    # timestamptz cast to text prints it in the applying session's zone.
    made_of: tuple[str, ...] = ()
    # An alter_column_type from a composite type of the current model's own (an array of one, a domain over one): the
    # types not the model's own its values are made of at any depth (its domains, composites, enums and ranges passed
    # through to theirs, an enum's labels being text), which plan.widenings.text_exact judges: where each prints a text
    # its input reads back whatever the settings, the composite's text reads back as the same row (plan.hazards).
    leaves: tuple[str, ...] = ()
    # An alter_column_type between range types (multiranges, arrays of either) over subtypes whose text the other does
    # not read (numeric -> integer): (the new type's kind under its domains: range, multirange, range[] or multirange[];
    # the new range type, whose constructor makes each range again from its bounds cast; its subtype) (plan.range_ddl).
    from_bounds: tuple[str, str, str] = ()
    # A SET DEFAULT nextval() of a sequence the old default did not call, on an integer column of a table with rows
    # (Hibernate 6's per-entity sequences replacing hibernate_sequence): the sequence stands behind what the rows hold;
    # moved past them after the SET DEFAULT (compare.sequence_feeds, plan.sequence_ddl.fed_past_the_rows). Not a cause:
    # the change is schema.yaml's own, reported as drift like any other. A drop_sequence's: an old default's, carried.
    feeds: bool = False
    # An alter_column_type onto a domain created again over another base type (cause ENUM_REBUILT): that new base type
    # at the bottom (compare.types.cast_directly; the old one `from_base`), converted as a retype from it (plan.hazards
    # asks for `using:` where Postgres has none). A composite's made again: its attributes of such domains, guarded.
    rebased: str = ""
    refused_attributes: tuple = ()  # (PostGIS or pgvector refuse every value of: compare.composite_rebases)
    # An alter_range_type over a composite type: ("schema.domain", old base, new base) of each domain under its bounds made
    # again over another base type, in order (compare.composite_rebases.rebased_bounds), which plan.range_hazards names.
    rebased_domains: tuple = ()
    checked_domains: tuple = ()  # (and the domains below it whose CHECKs or NOT NULL change: plan.held_values looks)
    retyped_attributes: tuple = ()  # (and "schema.type.attribute" retyped below it, no enum made again: rebased_bounds)
    # An add_extension creating the extension: the functions, aggregates, operators and views the migration makes in
    # its schema (compare.extension_takes), which its script may make too where the database holds one detached from
    # it (ALTER EXTENSION ... DROP): taken out of it and dropped right after CREATE EXTENSION, before they are made.
    takes: tuple = ()
    # An add_trigger made by CREATE OR REPLACE TRIGGER: the migration runs under an event trigger it keeps, which may have made it already on the table's CREATE or ALTER (compare.event_triggers.made_under_kept).
    replacing: bool = False
    # An add_column of an identity on a table that tables inherit (INHERITS, of the schemas read or, by its
    # used_outside, of another): Postgres refuses ADD COLUMN ... IDENTITY there on every major ('cannot recursively add
    # identity column to table that has child tables'); plan.partitioned_identity adds it in steps
    # (compare.identities.identities_over_children). A set_not_null or alter_generated there too: its UPDATE reaches the
    # children's rows, whose triggers plan.quiet_triggers quiets.
    over_children: bool = False
    # A drop_index or drop_constraint of a table's own index or key that its ATTACH PARTITION adopts as its copy of the
    # parent's (same definition): the parent's key; dropped after the ATTACH, where the DO block renames it to the copy's
    # name, so the ATTACH builds no index again over the rows (compare.partition_copies.adopted_by_attach).
    adopted_by: Optional[tuple[str, str]] = None
    # A detach_partition of a partition moved to another parent: ((the old parent's index, name), ...), the copies the
    # new parent takes over, renamed before the DETACH to the names a new build gives them
    # (compare.partition_copies.copies_adopted).
    adopted_copies: tuple = ()
    # A change whose ALTER TABLE Postgres plans or computes over its table's indexes and its neighbours' (a key's
    # check, a rewrite: compare.replanned): the tables its keys reference and those referencing it, with indexes.
    neighbours: tuple = ()
    # A rename_column: each (old, new) RENAME COLUMN of its table this migration makes (compare.column_renames; not a
    # renamed_from: an earlier migration applied), so plan.table_renames renames a key over several of them once, from
    # the name Postgres gave it over the old columns to the one over the new.
    column_renames: tuple = ()
    # A rename_column of a partitioned table: (new name, old name) of each of its indexes and keys this migration
    # renames too (compare.column_renames.renamed_along), whose ALTER INDEX / RENAME CONSTRAINT reads the new columns
    # and so runs after plan.table_renames renames their partitions' copies: it finds them under their old names.
    renamed_along: tuple = ()
    # An add_constraint of a UNIQUE or PRIMARY KEY that takes the unique index of its name the table had
    # (compare.keys_over_indexes): ADD CONSTRAINT ... USING INDEX, the index kept; "" for any other.
    using_index: str = ""
    # An alter_column_type of a parent's column an INHERITS child has from it and other parents, all retyping it
    # alike (compare.scratch_retypes): ((schema, scratch table), the parent whose change runs the one ALTER of the
    # scratch parent they all join, the others (their changes run none)); () for any other.
    through: tuple = ()
    # An add_table or attach_partition of a partition whose CREATE/ATTACH Postgres refuses over rows it would have to
    # move, and its put_back_rows: what is taken out before it and put back after (compare.default_rows); None else.
    over_default: Optional[RowsHeld] = None
    # A foreign key's drop and add around rows moved out of partitions (ROWS_MOVED): the tables ((schema, name), ...)
    # the rows are taken out of; dropped and added only where one of them holds a row (plan.default_rows_ddl.key_off).
    held_from: tuple = ()
    # A detach_partition and attach_partition of one partition (another bound, or another parent): the parent it leaves
    # and its ancestors (of the current model), or the one it joins and its ancestors (of the desired model), whose
    # foreign keys are dropped before the DETACH and added after the ATTACH (compare.default_rows.rebound); () else.
    rebound: tuple = ()
    # A drop of an unnamed key whose default name another constraint or index of the CURRENT table holds (which the
    # same migration may drop: the planner sees only the desired table): plan.held_names drops it by what it is.
    name_held: bool = False
    # An alter_not_null renaming a child's own NOT NULL merged with its parent's: the parent (compare.not_null_remade).
    under_parent: Optional[UnderParent] = None
    # An alter_identity adding an identity to a column of a partition this migration detaches (its values drawn from
    # the parent's sequence): it starts past that sequence's last value too, kept before the DETACH
    # (compare.inherited_checks.past_the_old_parent, plan.identity_ddl.kept_before_detach).
    past_old_parent: bool = False
    # An add_index or drop_index of the own index of a partition whose parent is a partition too: (schema, table) of
    # each table above that parent, whose CREATE INDEX, going down, attaches it to the copy it makes there: made
    # before theirs, dropped after (compare.partition_copies.under_grandparents, plan.member_dependencies); so too an
    # add_constraint of such a partition's UNIQUE that an ancestor's PRIMARY KEY takes through its parent's PRIMARY KEY
    # copy: made before that key's ADD (compare.unique_pk_copies); a trigger reading NEW's whole row: before each one's
    # ADD COLUMN of a generated column (compare.new_row_triggers); an add_table: (schema, table, column) added first.
    above: tuple = ()
    # An add_index of a partition's own index of the definition of an index its ancestors hold (one, no twin), under a
    # name Postgres does not give its copy: (schema, name) of that ancestor's index, whose copy the partition may hold
    # already (under Postgres's name, or renamed since): renamed to it rather than a second index made beside it
    # (compare.partition_copies.copies_renamed, plan.partition_index_ddl.add_partition_index); () else.
    renames_copy_of: tuple = ()
    # An add_table of a new INHERITS child: (schema, parent, column) of its new parents' columns added after it
    # (compare.parents_columns_later), which it does not wait for and which wait for it.
    before_parents: tuple = ()
    # An alter_generated of an INHERITS parent's column: (table, column) of the tables under it that declare the column
    # with its new expression (compare.own_expressions), dropped and added between its DROP and ADD COLUMN; () else.
    followers: tuple = ()
    # An alter_generated of the first of an INHERITS child's parents that give it the column, where the child starts or
    # stops declaring it: (table, column) of the others, dropped after its DROP and added after its ADD COLUMN
    # (compare.shared_generation); () else.
    fellows: tuple = ()
    # The same alter_generated: the desired tables (but its own) whose column it drops and adds again (its fellows, the child, the
    # tables under them: compare.shared_generation._taken); a drop_column run for a trigger: those it reaches (tails_for_triggers).
    remakes: tuple = ()
    # An alter_column_type taking schema.yaml's `using:` from an enum this migration sets aside and makes again (or a
    # domain over one, made again with it: compare.types.cast_directly): that type, which the user's expression reads
    # the column as (its new definition): the column is retyped onto it through text first, as its other columns are,
    # then the USING runs (plan.column_changes); "" else.
    via: str = ""
    # A drop_index or drop_constraint of a partitioned table's index or UNIQUE: ((schema, partition, ((n, name), ...)),
    # ...), the partitions under it holding a copy of another's of its definition that Postgres numbered past its own
    # copy's name, and the names by number such a copy takes (compare.renumbered_copies, plan.renumbering_ddl).
    renumbers: tuple = ()
    # A set_not_null whose default name (<table>_<column>_not_null) a partition's or child's NOT NULL takes by a RENAME CONSTRAINT
    # of this migration (compare.not_nulls.before_inherit, .across_no_inherit) that may run first, Postgres then numbering this one
    # (t_c_not_null1): named as a new build names it on 18, alone to have such names (plan.column_changes; the RENAME asks too).
    named_on_18: bool = False
    # An alter_collation or alter_range_type (its definition changed, which Postgres cannot ALTER): what of the current model
    # uses it ("table s.t", ...: compare.definition_users), which the plan's refusal names; where nothing does, dropped and made
    # again (compare.usertypes.remade_definition). An alter_composite_type: its columns ("column s.t.c"), for plan.hazards.
    users: tuple = ()
    # An alter_composite_type adding (or adding again) attributes of a domain refusing NULL: (attribute, domain) of each, which every
    # stored value of the type takes NULL in: the plan looks for such values first (compare.null_attributes, plan.held_values).
    refusing_null: tuple = ()
    lent_path: tuple = ()  # ((function, search_path), ...) lent around what it builds on 17+ (compare.restricted_path)
    fits_by: tuple = ()  # an alter_column_type to narrower modifiers: the CHECKs proving each value fits (compare.typmod_checks)
    published: bool = False  # its UPDATE's (or row move's) table published: sent no more around it (compare.published_backfills)
    leaves_first: tuple = ()  # a DETACH or NO INHERIT for good: keys of its ancestors' columns it holds renamed after it (compare.inherited_renames)
    aside_only: bool = False  # DDL a collation set aside needs, no drift: reports leave it out (compare.collation_asides)
    held_by: str = ""  # an alter_collation refused: the user that cannot move to a new collation (compare.collation_asides)

    @property
    def from_enum(self) -> bool:
        return self.from_kind == "enum"

    @property
    def to_enum(self) -> bool:
        return self.to_kind == "enum"

    @property
    def path(self) -> str:
        base = ".".join(p for p in (self.schema, self.table) if p)
        return f"{base}.{self.name}" if self.name and base else self.name or base

    @property
    def object_kind(self) -> str:
        obj = self.new if self.new is not None else self.old
        if isinstance(obj, Table) or self.kind in ("add_table", "drop_table", "set_table_comment", "rename_table"):
            return "table"
        kind = _OBJECT_KINDS.get(type(obj))
        if kind is not None:
            return kind
        if isinstance(obj, Sequence):  # an identity's (compare/identities.py)
            return "sequence"
        if self.kind in ("add_schema", "drop_schema"):
            return "schema"
        return "column"

    @property
    def source(self) -> Optional[Source]:
        for obj in (self.new, self.table_def):
            src = getattr(obj, "source", None)
            if src is not None:
                return src
        return None


def takes_using(change: Change) -> bool:
    """A column type change converts with schema.yaml's `using:` expression: one written for this change
    (the recorded column did not already carry it; a re-created enum's retype goes through text, but onto a domain
    created again over another base type)."""
    new, old = change.new, change.old
    return (change.kind == "alter_column_type" and (change.cause != ENUM_REBUILT or bool(change.rebased))
            and getattr(new, "using", None) is not None and new.using != getattr(old, "using", None))  # type: ignore


def remade_columns(changes: list[Change]) -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> the columns `changes` drop and add again under the same name (DROP COLUMN takes
    their column privileges): a generated column's `alter_generated` but a STORED one made plain (DROP
    EXPRESSION keeps it), or a drop_column and add_column pair (GENERATED_REBUILT: both names of one renamed,
    compare.around)."""
    dropped = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_column"}
    out: dict[tuple[str, str], set[str]] = {}
    for c in changes:
        if (c.kind == "add_column" and (c.schema, c.table, c.name) in dropped) or (
                c.kind in ("drop_column", "add_column") and c.cause == GENERATED_REBUILT) or (
                c.kind == "alter_generated" and not expression_dropped(c.old, c.new)):  # type: ignore[arg-type]
            out.setdefault((c.schema, c.table), set()).add(c.name)  # type: ignore[arg-type]
            for t in c.remakes:  # (compare.shared_generation: the other tables' columns dropped and added with it)
                out.setdefault(t.key, set()).add(c.name)  # type: ignore[arg-type]
    return out
