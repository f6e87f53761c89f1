"""The generated/ folder: sqlx-compatible migration files and the recorded state.

:mod:`sqlx` holds sqlx's own rules (which files are migrations, checksums, sqlx.toml, its lock);
:mod:`layout` reads the folder by them, and names, versions and writes migration files (never
rewriting one); :mod:`state` is the model as of the last migration (``state.json``, its text written by
:mod:`statejson`), which the next `generate` diffs against; :mod:`apply` runs files as `sqlx migrate run` does (`schemac apply`), with
:mod:`sqltext` to name the statement that failed; :mod:`replay` replays them into a throwaway server, for
the offline `diff`, `generate --verify` and `rebuild-state`."""
