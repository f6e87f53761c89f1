-- A fragment most queries include (a block comment `include quoted_part(name=p.proname)`): the name {name} as a part of
-- a reference schema.yaml writes (`schema.name`): in double quotes, each of its own doubled, when it holds a dot, a
-- double quote or a parenthesis or starts or ends with a blank; else bare. model/references.py's reference_part is the
-- same rule in Python (its _NEEDS_QUOTES: a blank is one of these six, not the locale's idea of one).
CASE WHEN {name}::text ~ '[."()]|^[ \t\n\r\f\v]|[ \t\n\r\f\v]$' THEN '"' || replace({name}::text, '"', '""') || '"' ELSE {name}::text END
