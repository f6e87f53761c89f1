#!/usr/bin/env python3
"""A pg_dump-style schema of a large partitioned Rails monolith, written here (no upstream text), for
round trips at that scale (docs/benchmarks.md, "A partitioned monolith"):

    python bench/partitioned_monolith.py [N] > monolith.sql      # N tables, 1000 by default
    .venv/bin/python tests/roundtrip_file.py monolith.sql --major pg15 --counts

N tables with sequences, defaults set by ALTER afterwards, foreign keys added at the end; list-partitioned
tables with a public partition and partitions in another schema, a hash-partitioned table (64 partitions)
and a range-partitioned one (24 monthly), their keys and indexes made ON ONLY the parent and attached per
partition (some under names of their own, as partitioning helpers make them); composite foreign keys
ON UPDATE CASCADE to a partitioned table; statement triggers with transition tables, BEFORE triggers
with sync functions, id-assigning triggers on partitioned tables; functions returning a table's row
type; pg_trgm and btree_gist indexes and an exclusion constraint; NOT VALID checks; views over pg_catalog.
Needs the pg_trgm and btree_gist extensions on the server."""
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rnd = random.Random(13)
out = []
w = out.append
w("CREATE SCHEMA partitions_dynamic;")
w("COMMENT ON SCHEMA partitions_dynamic IS 'partitions made by the application';")
w("CREATE SCHEMA partitions_static;")
w("COMMENT ON SCHEMA partitions_static IS 'static hash partitions';")
w("CREATE EXTENSION IF NOT EXISTS btree_gist;")
w("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
w("""CREATE FUNCTION insert_into_loose_foreign_keys_deleted_records() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO loose_foreign_keys_deleted_records (fully_qualified_table_name, primary_key_value)
  SELECT TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, old_table.id FROM old_table;
  RETURN NULL;
END
$$;""")
w("""CREATE FUNCTION schema_prevent_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF COALESCE(NULLIF(current_setting(CONCAT('lock_writes.', TG_TABLE_NAME), true), ''), 'true') THEN
      RAISE EXCEPTION 'Table: "%" is write protected', TG_TABLE_NAME
        USING ERRCODE = 'modifying_sql_data_not_permitted', HINT = 'use the right connection';
    END IF;
    RETURN NEW;
END
$$;""")
w("""CREATE TABLE loose_foreign_keys_deleted_records (
    id bigint NOT NULL,
    partition bigint DEFAULT 1 NOT NULL,
    primary_key_value bigint NOT NULL,
    status smallint DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    fully_qualified_table_name text NOT NULL,
    consume_after timestamp with time zone DEFAULT now(),
    cleanup_attempts smallint DEFAULT 0,
    CONSTRAINT check_1a541f3235 CHECK ((char_length(fully_qualified_table_name) <= 150))
) PARTITION BY LIST (partition);""")
w("CREATE SEQUENCE loose_foreign_keys_deleted_records_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
w("ALTER SEQUENCE loose_foreign_keys_deleted_records_id_seq OWNED BY loose_foreign_keys_deleted_records.id;")
pks = []
w("CREATE TABLE partitions_dynamic.loose_foreign_keys_deleted_records_1 (LIKE loose_foreign_keys_deleted_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS);")
w("ALTER TABLE ONLY loose_foreign_keys_deleted_records ATTACH PARTITION partitions_dynamic.loose_foreign_keys_deleted_records_1 FOR VALUES IN ('1');")
w("ALTER TABLE ONLY loose_foreign_keys_deleted_records ALTER COLUMN id SET DEFAULT nextval('loose_foreign_keys_deleted_records_id_seq'::regclass);")
pks.append("ALTER TABLE ONLY loose_foreign_keys_deleted_records ADD CONSTRAINT loose_foreign_keys_deleted_records_pkey PRIMARY KEY (partition, id);")
pks.append("ALTER TABLE ONLY partitions_dynamic.loose_foreign_keys_deleted_records_1 ADD CONSTRAINT loose_foreign_keys_deleted_records_1_pkey PRIMARY KEY (partition, id);")
pks.append("ALTER INDEX loose_foreign_keys_deleted_records_pkey ATTACH PARTITION partitions_dynamic.loose_foreign_keys_deleted_records_1_pkey;")
pks.append("CREATE INDEX index_loose_fk_on_partition_status ON ONLY loose_foreign_keys_deleted_records USING btree (partition, fully_qualified_table_name, consume_after, id) WHERE (status = 1);")
pks.append("CREATE INDEX loose_fk_1_status_idx ON partitions_dynamic.loose_foreign_keys_deleted_records_1 USING btree (partition, fully_qualified_table_name, consume_after, id) WHERE (status = 1);")
pks.append("ALTER INDEX index_loose_fk_on_partition_status ATTACH PARTITION partitions_dynamic.loose_fk_1_status_idx;")

core = ["namespaces", "projects", "users"]
for t in core:
    w(f"""CREATE TABLE {t} (
    id integer NOT NULL,
    name character varying NOT NULL,
    path character varying NOT NULL,
    description text,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    parent_id integer,
    traversal_ids integer[] DEFAULT '{{}}'::integer[] NOT NULL,
    visibility_level integer DEFAULT 20 NOT NULL,
    organization_id bigint DEFAULT 1,
    CONSTRAINT check_{t[:4]}_name CHECK ((char_length((name)::text) <= 255))
);""")
    w(f"""CREATE FUNCTION find_{t}_by_id({t}_id bigint) RETURNS {t}
    LANGUAGE plpgsql STABLE COST 1 PARALLEL SAFE
    AS $$
BEGIN
  return (SELECT {t} FROM {t} WHERE id = {t}_id LIMIT 1);
END;
$$;""")
w("""CREATE TABLE namespaces_sync_events (id bigint NOT NULL, namespace_id bigint NOT NULL);""")
w("CREATE SEQUENCE namespaces_sync_events_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
w("ALTER SEQUENCE namespaces_sync_events_id_seq OWNED BY namespaces_sync_events.id;")
w("""CREATE FUNCTION insert_namespaces_sync_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
INSERT INTO namespaces_sync_events (namespace_id)
VALUES(COALESCE(NEW.id, OLD.id));
RETURN NULL;
END
$$;""")

COLS = [
    "name character varying", "title text", "state smallint DEFAULT 0 NOT NULL", "status integer DEFAULT 1 NOT NULL",
    "sha bytea", "metadata jsonb DEFAULT '{}'::jsonb NOT NULL", "tags text[] DEFAULT '{}'::text[]",
    "enabled boolean DEFAULT true NOT NULL", "expires_at timestamp with time zone", "size bigint DEFAULT 0 NOT NULL",
    "ip_address inet", "token_encrypted character varying(255)", "score double precision", "weight numeric(10,2)",
    "position integer", "starts_on date", "uuid uuid", "data_store smallint DEFAULT 1", "checksum character varying(64)",
    "user_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL",
]
tables = list(core) + ["namespaces_sync_events"]
defaults_after = [(t, "id", f"{t}_id_seq") for t in core] + [("namespaces_sync_events", "id", "namespaces_sync_events_id_seq")]
pks += [f"ALTER TABLE ONLY {t} ADD CONSTRAINT {t}_pkey PRIMARY KEY (id);" for t in tables]
indexes, fks, triggers, comments = [], [], [], []
for t in core:
    w(f"CREATE SEQUENCE {t}_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
    w(f"ALTER SEQUENCE {t}_id_seq OWNED BY {t}.id;")
    indexes.append(f"CREATE INDEX index_{t}_on_name_trigram ON {t} USING gin (name gin_trgm_ops);")
    indexes.append(f"CREATE UNIQUE INDEX index_{t}_on_lower_path ON {t} USING btree (lower((path)::text));")
triggers.append("CREATE TRIGGER trigger_namespaces_parent_id_on_insert AFTER INSERT ON namespaces FOR EACH ROW EXECUTE FUNCTION insert_namespaces_sync_event();")
triggers.append("CREATE TRIGGER trigger_namespaces_parent_id_on_update AFTER UPDATE ON namespaces FOR EACH ROW WHEN ((old.parent_id IS DISTINCT FROM new.parent_id)) EXECUTE FUNCTION insert_namespaces_sync_event();")
nsync = 0
for i in range(N - len(tables)):
    t = f"{rnd.choice(['ci', 'packages', 'vulnerability', 'merge_request', 'issue', 'audit', 'security', 'analytics', 'dependency', 'ml'])}_{rnd.choice(['build', 'job', 'event', 'link', 'metadata', 'setting', 'state', 'record', 'upload', 'stage'])}_{i}"
    big = rnd.random() < 0.6
    cols = [f"id {'bigint' if big else 'integer'} NOT NULL"]
    ref = rnd.choice(core + tables[-30:])
    cols.append(f"{ref[:20]}_id bigint{' NOT NULL' if rnd.random() < .5 else ''}")
    cols.append("created_at timestamp with time zone NOT NULL")
    cols.append("updated_at timestamp with time zone NOT NULL")
    extra = rnd.sample(COLS, rnd.randint(2, 9))
    cols += extra
    checks = []
    if any(c.startswith("name ") for c in extra):
        checks.append(f"CONSTRAINT check_{i:06x}a CHECK ((char_length((name)::text) <= 255))")
    if any(c.startswith("title ") for c in extra):
        checks.append(f"CONSTRAINT check_{i:06x}b CHECK ((char_length(title) <= 512))")
    body = ",\n    ".join(cols + checks)
    w(f"CREATE TABLE {t} (\n    {body}\n);")
    w(f"CREATE SEQUENCE {t}_id_seq{' AS integer' if not big else ''} START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
    w(f"ALTER SEQUENCE {t}_id_seq OWNED BY {t}.id;")
    defaults_after.append((t, "id", f"{t}_id_seq"))
    pks.append(f"ALTER TABLE ONLY {t} ADD CONSTRAINT {t}_pkey PRIMARY KEY (id);")
    fkcol = f"{ref[:20]}_id"
    if ref in tables:
        fks.append(f"ALTER TABLE ONLY {t} ADD CONSTRAINT fk_rails_{i:010x} FOREIGN KEY ({fkcol}) REFERENCES {ref}(id) ON DELETE {rnd.choice(['CASCADE', 'SET NULL', 'RESTRICT'])};")
    indexes.append(f"CREATE INDEX index_{t}_on_{fkcol} ON {t} USING btree ({fkcol});")
    if rnd.random() < .3:
        indexes.append(f"CREATE INDEX index_{t}_on_created_at_partial ON {t} USING btree (created_at, id) WHERE ({fkcol} IS NOT NULL);")
    if "name character varying" in extra and rnd.random() < .3:
        indexes.append(f"CREATE INDEX index_{t}_on_name_trigram ON {t} USING gin (name gin_trgm_ops);")
    if "metadata jsonb DEFAULT '{}'::jsonb NOT NULL" in extra and rnd.random() < .3:
        indexes.append(f"CREATE INDEX index_{t}_on_metadata ON {t} USING gin (metadata jsonb_path_ops);")
    if rnd.random() < .15:
        indexes.append(f"CREATE UNIQUE INDEX index_{t}_unique ON {t} USING btree ({fkcol}, created_at DESC NULLS LAST) INCLUDE (updated_at);")
    if rnd.random() < .1:
        w(f"ALTER TABLE {t} ADD CONSTRAINT check_{i:06x}nv CHECK ((created_at <= updated_at)) NOT VALID;")
    if rnd.random() < .12:
        triggers.append(f"CREATE TRIGGER {t[:40]}_loose_fk_trigger AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_table FOR EACH STATEMENT EXECUTE FUNCTION insert_into_loose_foreign_keys_deleted_records();")
    if rnd.random() < .06:
        nsync += 1
        fn = f"sync_{t[:40]}_columns"
        w(f"""CREATE FUNCTION {fn}() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW."{fkcol}" IS NULL THEN
    NEW."{fkcol}" := (SELECT {ref}.id FROM {ref} ORDER BY id LIMIT 1);
  END IF;
  NEW."updated_at" := now();
  RETURN NEW;
END
$$;""")
        triggers.append(f"CREATE TRIGGER trigger_{i:06x} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {fn}();")
    if rnd.random() < .05:
        comments.append(f"COMMENT ON COLUMN {t}.created_at IS 'kept for the audit trail {i}';")
    tables.append(t)

# list-partitioned CI tables, a public partition and dynamic ones, composite FKs with ON UPDATE CASCADE
for p in ["p_ci_builds", "p_ci_pipelines", "p_ci_stages", "p_ci_job_artifacts", "p_ci_builds_metadata"]:
    w(f"""CREATE FUNCTION assign_{p}_id_value() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
IF NEW."id" IS NOT NULL THEN
  RAISE WARNING 'Manually assigning ids is not allowed, the value will be ignored';
END IF;
NEW."id" := nextval('{p[2:]}_id_seq'::regclass);
RETURN NEW;
END
$$;""")
    ci_columns = f"""    partition_id bigint NOT NULL,
    pipeline_id bigint,
    project_id bigint,
    status character varying,
    name text,
    created_at timestamp with time zone,
    options jsonb,
    CONSTRAINT check_{p}_name CHECK ((char_length(name) <= 255))"""
    w(f"CREATE TABLE {p} (\n    id bigint NOT NULL,\n{ci_columns}\n)\nPARTITION BY LIST (partition_id);")
    w(f"CREATE SEQUENCE {p[2:]}_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
    w(f"ALTER SEQUENCE {p[2:]}_id_seq OWNED BY {p}.id;")
    pks.append(f"ALTER TABLE {p} ALTER COLUMN id SET DEFAULT nextval('{p[2:]}_id_seq'::regclass);")
    pks.append(f"ALTER TABLE ONLY {p} ADD CONSTRAINT {p}_pkey PRIMARY KEY (id, partition_id);")
    pks.append(f"CREATE INDEX index_{p}_on_project_id_and_status ON ONLY {p} USING btree (project_id, status) WHERE ((status)::text = ANY ((ARRAY['running'::character varying, 'pending'::character varying])::text[]));")
    pks.append(f"CREATE INDEX index_{p}_on_name_trigram ON ONLY {p} USING gin (name gin_trgm_ops);")
    for k, (schema, pn) in enumerate([("public", p[2:]), ("partitions_dynamic", f"{p[2:]}_101"), ("partitions_dynamic", f"{p[2:]}_102")]):
        w(f"CREATE TABLE {schema}.{pn} (\n    id bigint DEFAULT nextval('{p[2:]}_id_seq'::regclass) NOT NULL,\n"
          f"{ci_columns}\n);")
        w(f"ALTER TABLE ONLY {p} ATTACH PARTITION {schema}.{pn} FOR VALUES IN ('{100 + k}');")
        pks.append(f"ALTER TABLE ONLY {schema}.{pn} ADD CONSTRAINT {pn}_pkey PRIMARY KEY (id, partition_id);")
        pks.append(f"ALTER INDEX {p}_pkey ATTACH PARTITION {schema}.{pn}_pkey;")
        pks.append(f"CREATE INDEX {pn}_project_status_idx ON {schema}.{pn} USING btree (project_id, status) WHERE ((status)::text = ANY ((ARRAY['running'::character varying, 'pending'::character varying])::text[]));")
        pks.append(f"ALTER INDEX index_{p}_on_project_id_and_status ATTACH PARTITION {schema}.{pn}_project_status_idx;")
        pks.append(f"CREATE INDEX {pn}_name_trgm_idx ON {schema}.{pn} USING gin (name gin_trgm_ops);")
        pks.append(f"ALTER INDEX index_{p}_on_name_trigram ATTACH PARTITION {schema}.{pn}_name_trgm_idx;")
    triggers.append(f"CREATE TRIGGER assign_{p}_id_trigger BEFORE INSERT ON {p} FOR EACH ROW EXECUTE FUNCTION assign_{p}_id_value();")
    if p != "p_ci_pipelines":
        fks.append(f"ALTER TABLE {p} ADD CONSTRAINT fk_{p}_pipeline FOREIGN KEY (pipeline_id, partition_id) REFERENCES p_ci_pipelines(id, partition_id) ON UPDATE CASCADE ON DELETE CASCADE;")

# hash partitions in the static schema
SEARCH_COLUMNS = """    project_id bigint NOT NULL,
    issue_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    search_vector tsvector,
    namespace_id bigint"""
w(f"CREATE TABLE issue_search_data (\n{SEARCH_COLUMNS}\n)\nPARTITION BY HASH (project_id);")
pks.append("ALTER TABLE ONLY issue_search_data ADD CONSTRAINT issue_search_data_pkey PRIMARY KEY (project_id, issue_id);")
pks.append("CREATE INDEX index_issue_search_data_on_search_vector ON ONLY issue_search_data USING gin (search_vector);")
for r in range(64):
    pn = f"issue_search_data_{r:02d}"
    w(f"CREATE TABLE partitions_static.{pn} (\n{SEARCH_COLUMNS}\n);")
    w(f"ALTER TABLE ONLY issue_search_data ATTACH PARTITION partitions_static.{pn} FOR VALUES WITH (modulus 64, remainder {r});")
    pks.append(f"ALTER TABLE ONLY partitions_static.{pn} ADD CONSTRAINT {pn}_pkey PRIMARY KEY (project_id, issue_id);")
    pks.append(f"ALTER INDEX issue_search_data_pkey ATTACH PARTITION partitions_static.{pn}_pkey;")
    pks.append(f"CREATE INDEX {pn}_search_vector_idx ON partitions_static.{pn} USING gin (search_vector);")
    pks.append(f"ALTER INDEX index_issue_search_data_on_search_vector ATTACH PARTITION partitions_static.{pn}_search_vector_idx;")

# range partitions by month in the dynamic schema
AUDIT_COLUMNS = """    author_id bigint NOT NULL,
    entity_id bigint NOT NULL,
    entity_type character varying NOT NULL,
    details text,
    ip_address inet,
    created_at timestamp without time zone NOT NULL,
    target_details text,
    CONSTRAINT check_492aaa021d CHECK ((char_length(target_details) <= 5500))"""
w(f"CREATE TABLE audit_events (\n    id bigint NOT NULL,\n{AUDIT_COLUMNS}\n)\nPARTITION BY RANGE (created_at);")
w("CREATE SEQUENCE audit_events_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;")
w("ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id;")
pks.append("ALTER TABLE ONLY audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq'::regclass);")
pks.append("ALTER TABLE ONLY audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id, created_at);")
pks.append("CREATE INDEX idx_audit_events_part_on_entity_id_desc ON ONLY audit_events USING btree (entity_id, entity_type, id DESC, author_id, created_at);")
for m in range(24):
    y, mo = 2023 + m // 12, m % 12 + 1
    y2, mo2 = (y, mo + 1) if mo < 12 else (y + 1, 1)
    pn = f"audit_events_{y}{mo:02d}"
    w(f"CREATE TABLE partitions_dynamic.{pn} (\n    id bigint DEFAULT nextval('audit_events_id_seq'::regclass) NOT NULL,\n"
      f"{AUDIT_COLUMNS}\n);")
    w(f"ALTER TABLE ONLY audit_events ATTACH PARTITION partitions_dynamic.{pn} FOR VALUES FROM ('{y}-{mo:02d}-01 00:00:00') TO ('{y2}-{mo2:02d}-01 00:00:00');")
    pks.append(f"ALTER TABLE ONLY partitions_dynamic.{pn} ADD CONSTRAINT {pn}_pkey PRIMARY KEY (id, created_at);")
    pks.append(f"ALTER INDEX audit_events_pkey ATTACH PARTITION partitions_dynamic.{pn}_pkey;")
    pks.append(f"CREATE INDEX {pn}_entity_id_entity_type_id_author_id_created_at_idx ON partitions_dynamic.{pn} USING btree (entity_id, entity_type, id DESC, author_id, created_at);")
    pks.append(f"ALTER INDEX idx_audit_events_part_on_entity_id_desc ATTACH PARTITION partitions_dynamic.{pn}_entity_id_entity_type_id_author_id_created_at_idx;")

# exclusion constraint (btree_gist)
w("""CREATE TABLE incident_management_oncall_shifts (
    id bigint NOT NULL,
    rotation_id bigint NOT NULL,
    participant_id bigint NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL
);""")
w("ALTER TABLE ONLY incident_management_oncall_shifts ADD CONSTRAINT incident_management_oncall_shifts_pkey PRIMARY KEY (id);")
w("ALTER TABLE ONLY incident_management_oncall_shifts ADD CONSTRAINT inc_mgmnt_no_overlapping_oncall_shifts EXCLUDE USING gist (rotation_id WITH =, tstzrange(starts_at, ends_at, '[)'::text) WITH &&);")

# views over pg_catalog, as large applications keep for their database tooling
w("""CREATE VIEW postgres_foreign_keys AS
 SELECT pg_constraint.oid,
    pg_constraint.conname AS name,
    (constrained_namespace.nspname::text || '.'::text) || constrained_table.relname::text AS constrained_table_identifier,
    (referenced_namespace.nspname::text || '.'::text) || referenced_table.relname::text AS referenced_table_identifier,
    constrained_table.relkind = 'p'::"char" AS is_inherited,
    pg_constraint.confdeltype AS on_delete_action
   FROM pg_constraint
     JOIN pg_class constrained_table ON constrained_table.oid = pg_constraint.conrelid
     JOIN pg_class referenced_table ON referenced_table.oid = pg_constraint.confrelid
     JOIN pg_namespace constrained_namespace ON constrained_table.relnamespace = constrained_namespace.oid
     JOIN pg_namespace referenced_namespace ON referenced_table.relnamespace = referenced_namespace.oid
  WHERE pg_constraint.contype = 'f'::"char";""")
w("""CREATE VIEW postgres_partitions AS
 SELECT (pg_namespace.nspname::text || '.'::text) || pg_class.relname::text AS identifier,
    pg_class.oid,
    pg_namespace.nspname AS schema,
    pg_class.relname AS name,
    (parent_namespace.nspname::text || '.'::text) || parent_class.relname::text AS parent_identifier,
    pg_get_expr(pg_class.relpartbound, pg_inherits.inhrelid) AS condition
   FROM pg_class
     JOIN pg_namespace ON pg_namespace.oid = pg_class.relnamespace
     JOIN pg_inherits ON pg_class.oid = pg_inherits.inhrelid
     JOIN pg_class parent_class ON pg_inherits.inhparent = parent_class.oid
     JOIN pg_namespace parent_namespace ON parent_class.relnamespace = parent_namespace.oid
  WHERE pg_class.relispartition;""")
w("""CREATE VIEW postgres_autovacuum_activity AS
 WITH processes AS (
         SELECT postgres_pg_stat_activity.query, postgres_pg_stat_activity.query_start,
            regexp_matches(postgres_pg_stat_activity.query, '^autovacuum: VACUUM (\\w+)\\.(\\w+)'::text) AS matches,
                CASE
                    WHEN postgres_pg_stat_activity.query ~~* '%wraparound)'::text THEN true
                    ELSE false
                END AS wraparound_prevention
           FROM pg_stat_activity postgres_pg_stat_activity
          WHERE postgres_pg_stat_activity.query ~* '^autovacuum: VACUUM \\w+\\.\\w+'::text
        )
 SELECT (processes.matches[1] || '.'::text) || processes.matches[2] AS table_identifier,
    processes.matches[1] AS schema,
    processes.matches[2] AS "table",
    processes.wraparound_prevention,
    processes.query_start AS vacuum_start
   FROM processes;""")
w("""CREATE VIEW postgres_sequences AS
 SELECT seq_pg_class.relname AS seq_name,
    dep_pg_class.relname AS table_name,
    pg_attribute.attname AS col_name,
    pg_sequence.seqmax AS seq_max,
    pg_sequence.seqtypid::regtype AS seq_type
   FROM pg_sequence
     JOIN pg_class seq_pg_class ON pg_sequence.seqrelid = seq_pg_class.oid
     LEFT JOIN pg_depend ON seq_pg_class.oid = pg_depend.objid
     LEFT JOIN pg_class dep_pg_class ON pg_depend.refobjid = dep_pg_class.oid
     LEFT JOIN pg_attribute ON dep_pg_class.oid = pg_attribute.attrelid AND pg_depend.refobjsubid = pg_attribute.attnum;""")

for t, c, s in defaults_after:
    w(f"ALTER TABLE ONLY {t} ALTER COLUMN {c} SET DEFAULT nextval('{s}'::regclass);")
out += pks + indexes + triggers + fks + comments
print("\n\n".join(out))
