"""The ``exodata`` command line.

:data:`COMMANDS` declares every command once, in the order ``exodata --help`` lists them; each lives in the
module of the same name beside this one, as a function called ``command`` (its docstring is its help).  The
README's command table is checked against this registry.  Heavy libraries are imported inside the commands,
so ``exodata --help`` stays quick.
"""

from __future__ import annotations

import importlib
import sys

import typer

#: Every command, in help order: name → module under ``exodata.cli``.
COMMANDS = ("fetch", "build", "validate", "info", "tables", "dictionary", "diff", "report", "release", "cite")

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Fetch, build, validate, compare, release and cite the exodata package.")


def _version(shown: bool) -> None:
    if shown:
        from exodata import __version__

        print(f"exodata {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors and JSON; no progress."),
) -> None:
    """Build, validate, compare, release and cite the exodata package (shell completion: --install-completion)."""
    from exodata.cli import _common

    _common.QUIET = quiet


for _name in COMMANDS:
    app.command(_name)(importlib.import_module(f"exodata.cli.{_name}").command)


def main() -> None:
    """The console script: run the app; an unexpected error is one line, never a traceback."""
    try:
        app()
    except FileNotFoundError as error:  # e.g. no package where one was looked for: the message says the fix
        print(f"exodata: {error}", file=sys.stderr)
        sys.exit(1)
