"""The catalog face: a live database -> the model, read only.

:mod:`connection` opens the connection and the READ ONLY snapshot transaction (and keeps passwords
out of every message); :mod:`reader` runs one whole-database query per kind of object (the `.sql`
files in ``queries/``); :mod:`rows` turns their rows into the same model the YAML loader builds;
:mod:`history` reads sqlx's `_sqlx_migrations` table."""
