"""What every command shares: consoles, one-line errors with their exit codes."""

from __future__ import annotations

import json
import sys

import typer


class UsageProblem(Exception):
    """A wrong call (exit 2): the message says what and how to call instead."""


#: Set by ``exodata --quiet``: commands print nothing but errors (and what --json asks for), and no progress.
QUIET = False


def console(stderr: bool = False):
    """A console for a command's messages (stderr: errors and progress); quiet after ``exodata --quiet``, except
    on stderr, where errors go."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, quiet=QUIET and not stderr)


def progress_console():
    """Where progress goes: stderr, when it is a terminal and the user did not ask for quiet; else None."""
    if QUIET:
        return None
    errors = console(stderr=True)
    return errors if errors.is_terminal else None


def status(text: str):
    """A spinner with ``text`` on the terminal while a long step runs (nothing when quiet or not a terminal)."""
    from contextlib import nullcontext

    shown = progress_console()
    return shown.status(text) if shown is not None else nullcontext()


def fail(command: str, message: str, *, code: int = 1, as_json: bool = False) -> None:
    """Print one line saying what went wrong (as ``{"error": …}`` with ``--json``) and exit with ``code``."""
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        console(stderr=True).print(f"exodata {command}: {message}", markup=False)
    raise typer.Exit(code)


def fail_usage(command: str, message: str, as_json: bool = False) -> None:
    fail(command, message, code=2, as_json=as_json)


def missing_extra(extra: str) -> list[str]:
    """The distributions that the installed exodata's extra ``extra`` asks for and that are not installed (none
    when exodata runs from a source tree without being installed: there is nothing to compare with)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    from exodata.metadata.project import project

    distribution = project().distribution
    try:
        requirements = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return []
    missing = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is None or not requirement.marker.evaluate({"extra": extra}):
            continue
        try:
            metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
    return missing


def require_extra(extra: str, command: str) -> None:
    """Stop ``command`` with one line naming the extra to install when its libraries are not installed."""
    from exodata.metadata.project import project

    missing = missing_extra(extra)
    if missing:
        fail(command, f"needs the '{extra}' extra, which is not installed (missing: {', '.join(missing)}); install "
                      f"it with: pip install '{project().distribution}[{extra}]'")


def return_freed_memory() -> None:
    """Ask polars' allocator (jemalloc) to give freed memory back to the system within a second.

    A build makes and drops one large table part after another; by default jemalloc keeps freed pages for
    about ten seconds, so each part's memory would stay counted while the next is built.  One second lowers the
    peak most of the way that returning at once would, without the system time that returning and refaulting
    every page costs (docs/benchmarks.md).  Set here, in the program, not in the library (it must be set before
    polars is first imported, and it is a process-wide choice); a value the user has set is kept.
    """
    import os

    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:0")
