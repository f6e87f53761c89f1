-- A fragment (a block comment `include qualified_part(schema=n.nspname, name=p.proname)`): the name {name} of the
-- schema {schema} as a reference schema.yaml writes it, `schema.name`, each part by quoted_part's rule.
/* include quoted_part(name={schema}) */ || '.' || /* include quoted_part(name={name}) */
