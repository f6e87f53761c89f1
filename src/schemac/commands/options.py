"""click options several commands share (cli.py and the commands defined beside their wiring)."""

from __future__ import annotations

from typing import Callable

import click

SCHEMA_HELP = "Schema file to read."
OUT_HELP = "Output directory: migrations go to OUT/migrations, the recorded state to OUT/state.json."
DEV_URL_HELP = ("replay the migrations into a scratch database on this server (created, then dropped) instead "
                "of an embedded PostgreSQL 18 (e.g. to match production's major version).")


def timeouts(command: Callable) -> Callable:
    """The timeouts of a command that reads a database (diff, inspect)."""
    for option in reversed((
        click.option("--connect-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
                     help="Seconds to wait for the connection."),
        click.option("--statement-timeout", default=30, show_default=True, type=click.IntRange(1, 86400),
                     help="Seconds any catalog query may run."),
        click.option("--lock-timeout", default=5, show_default=True, type=click.IntRange(1, 86400),
                     help="Seconds to wait for a catalog lock."),
    )):
        command = option(command)
    return command
