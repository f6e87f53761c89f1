"""The console script's entry point (`schemac`): cli.main, with `schemac diff`'s catalog reader forked first.

Why here: the reader's child (catalog/reading_child.py) starts by importing psycopg; forked before click and the
commands load, it does that beside them. Nothing else is done here: any other command goes straight to cli.
"""

import sys


def main() -> None:
    if sys.argv[1:2] == ["diff"]:
        from schemac.catalog.reading_child import fork_early

        fork_early()
    from schemac.cli import main as cli_main

    cli_main()
