"""The generated/ folder: sqlx-compatible migration files and the recorded state.

:mod:`layout` names, versions and writes migration files (never rewriting one); :mod:`state` is the
model as of the last migration (``state.json``), which the next `generate` diffs against; :mod:`apply`
runs files as `sqlx migrate run` does; :mod:`replay` replays them into a throwaway server, for the
offline `diff`."""
