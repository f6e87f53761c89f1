-- Event triggers of the database (they belong to no schema), not those an extension owns (pg_depend
-- deptype 'e'). function: [schema, name] of the function it executes; tags: WHEN TAG IN (...), null when
-- it fires on every command; enabled: pg_event_trigger.evtenabled (O, D, R, A). One row per event trigger.
SELECT e.evtname::text AS trigger_name,
       e.evtevent::text AS event,
       pg_catalog.pg_get_userbyid(e.evtowner)::text AS owner,
       json_build_array(fn.nspname, f.proname) AS function,
       e.evttags::text[] AS tags,
       e.evtenabled::text AS enabled,
       d.description AS comment
FROM pg_catalog.pg_event_trigger e
JOIN pg_catalog.pg_proc f ON f.oid = e.evtfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = e.oid AND d.classoid = 'pg_catalog.pg_event_trigger'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_event_trigger'::regclass
          AND dep.objid = e.oid
          AND dep.deptype = 'e')
ORDER BY e.evtname COLLATE "C";
