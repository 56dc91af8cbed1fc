"""What every command shares: consoles, one-line errors with their exit codes."""

from __future__ import annotations

import json
import sys

import typer


class UsageProblem(Exception):
    """A wrong call (exit 2): the message says what and how to call instead."""


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(command: str, message: str, *, code: int = 1, as_json: bool = False) -> None:
    """Print one line saying what went wrong (as ``{"error": …}`` with ``--json``) and exit with ``code``."""
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        console(stderr=True).print(f"exodata {command}: {message}", markup=False)
    raise typer.Exit(code)


def fail_usage(command: str, message: str, as_json: bool = False) -> None:
    fail(command, message, code=2, as_json=as_json)


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
