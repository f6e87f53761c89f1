"""How a command ends: a SchemacError as one line on stderr and its exit status, a failed write to stdout as exit 2,
and a success without the interpreter's teardown (cli's commands use them; `_end_process` is looked up in cli,
where tests/conftest.py replaces it)."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from schemac.errors import SchemacError


class _Group(click.Group):
    """Turns every SchemacError into one line on stderr and exit 2; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SchemacError as e:
            click.echo(f"schemac: error: {e}", err=True)
            sys.exit(e.exit_code)
        except RecursionError:
            click.echo("schemac: error: input is nested too deeply", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("schemac: interrupted", err=True)
            sys.exit(130)
        except OSError as e:
            _output_failed(e)


def _output_failed(e: OSError) -> NoReturn:
    """An OSError no command turned into a SchemacError: in practice, writing stdout failed (a full
    disk, a closed pipe). One line and exit 2; a reader that went away (`schemac inspect | head`)
    gets no message, and the exit status says the output is incomplete."""
    try:
        # Nothing more can reach stdout: point it at /dev/null so the final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if not isinstance(e, BrokenPipeError):
        where = f" ({e.filename})" if e.filename else ""
        click.echo(f"schemac: error: {e.strerror or e}{where}", err=True)
    sys.exit(2)


def _end_process(code: int) -> NoReturn:
    """Exit with `code` without tearing the interpreter down: after a 1,000-table diff, freeing the two
    models and the modules costs ~25 ms, a twentieth of the run (docs/benchmarks-catalog.md). Only
    the output is left to flush; no atexit handler of ours or of our dependencies has work to do."""
    try:
        sys.stdout.flush()
    except OSError as e:
        _output_failed(e)
    sys.stderr.flush()
    os._exit(code)
