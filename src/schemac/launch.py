"""The console script's entry point (`schemac`): cli.main, with `schemac diff`'s catalog reader forked first.

Why here: the reader's child (catalog/reading_child.py) starts by importing psycopg; forked before click and the
commands load, it does that beside them; and importlib.metadata's stand-in is put in its place
(pg/later_metadata.py). Nothing else is done here: any other command goes straight to cli.
"""

import sys


def main() -> None:
    from schemac.pg.later_metadata import install

    install()  # importlib.metadata imported when used, not with sqlglot (pg/later_metadata.py)
    if sys.argv[1:2] == ["diff"]:
        from schemac.catalog.reading_child import fork_early

        fork_early()
    from schemac.cli import main as cli_main

    cli_main()
