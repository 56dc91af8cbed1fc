"""``exodata fetch``: grow the seeds from PubMed or Europe PMC (see exodata/harvest and the README's "Growing the
dataset")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from exodata.cli._common import console, fail, fail_usage, progress_console, require_extra

SOURCES = ("pubmed", "europepmc")


def command(
    source: str = typer.Argument(..., metavar="SOURCE", help="Where to search: pubmed or europepmc."),
    query: Optional[str] = typer.Argument(  # noqa: UP045 - typer reads the annotation
        None, metavar="[QUERY]", help="The search, in the source's syntax; default: exodata's scope "
                                      "(exodata/metadata/scope.toml)."),
    seeds: Path = typer.Option(Path("seeds"), "--seeds", help="Seeds directory to add the harvest to."),
    mindate: Optional[str] = typer.Option(None, "--mindate", metavar="Y[/M[/D]]",  # noqa: UP045
                                          help="Earliest publication date (inclusive)."),
    maxdate: Optional[str] = typer.Option(None, "--maxdate", metavar="Y[/M[/D]]",  # noqa: UP045
                                          help="Latest publication date (inclusive)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", metavar="KEY", show_default=False,  # noqa: UP045
                                          help="NCBI API key (10 requests/s instead of 3); default: $NCBI_API_KEY. "
                                               "Never printed or written."),
    email: Optional[str] = typer.Option(None, "--email", metavar="ADDR",  # noqa: UP045
                                        help="Your e-mail, sent as NCBI and Europe PMC ask; default: $NCBI_EMAIL."),
    base_url: Optional[str] = typer.Option(None, "--base-url", metavar="URL",  # noqa: UP045
                                           help="Service root (PubMed: the part before esearch.fcgi; Europe PMC: "
                                                "the part before /search)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the records per date slice; write nothing."),
) -> None:
    """Add the records of a PubMed or Europe PMC search to the seeds (only those not there yet)."""
    if source not in SOURCES:
        fail_usage("fetch", f"unknown source {source!r}; choose pubmed or europepmc")
    require_extra("fetch", "fetch")
    try:
        import requests  # noqa: F401 - the fetch extra
    except ImportError:
        fail("fetch", "needs the 'fetch' extra (requests), which is not installed; install it with: "
                      "pip install 'exodata-msc[fetch]'")
    from exodata.harvest import HarvestError
    from exodata.harvest.scope import scope

    if source == "europepmc" and api_key:
        fail_usage("fetch", "--api-key is NCBI's, for pubmed; Europe PMC takes none")
    api_key = (api_key or os.environ.get("NCBI_API_KEY", "")).strip() or None if source == "pubmed" else None
    email = (email or os.environ.get("NCBI_EMAIL", "")).strip() or None
    chosen = query if query is not None and query.strip() else scope().query(source)
    if seeds.exists() and not seeds.is_dir():
        fail_usage("fetch", f"--seeds {seeds} is a file, not a directory")
    out, errors = console(), console(stderr=True)
    try:
        with _progress() as report:
            outcome = _run(source, chosen, seeds, mindate=mindate, maxdate=maxdate, api_key=api_key, email=email,
                           base_url=base_url, dry_run=dry_run, report=report)
    except HarvestError as error:
        fail("fetch", str(error))
    except KeyboardInterrupt:
        errors.print("exodata fetch: interrupted; every file written is whole: run the same command again to "
                     "resume", markup=False)
        raise typer.Exit(130) from None
    if source == "pubmed" and not email and not dry_run:
        errors.print("note: NCBI asks for an e-mail address with E-utilities requests: pass --email or set "
                     "NCBI_EMAIL", markup=False)
    _summary(out, outcome, seeds)


def _run(source, query, seeds, *, mindate, maxdate, api_key, email, base_url, dry_run, report):
    if source == "pubmed":
        from exodata.harvest import pubmed

        return pubmed.fetch(query, seeds, mindate=mindate, maxdate=maxdate, api_key=api_key, email=email,
                            base_url=base_url or pubmed.DEFAULT_BASE_URL, dry_run=dry_run, report=report)
    from exodata.harvest import europepmc

    return europepmc.fetch(query, seeds, mindate=mindate, maxdate=maxdate, email=email,
                           base_url=base_url or europepmc.DEFAULT_BASE_URL, dry_run=dry_run, report=report)


def _summary(out, outcome, seeds: Path) -> None:
    if outcome.dry_run:
        for piece in outcome.slices:
            span = f"{piece.mindate} to {piece.maxdate}" if piece.mindate else "all dates"
            out.print(f"{piece.label}  {span}  {piece.count:,} record(s)", markup=False)
        total = outcome.found if outcome.source == "pubmed" else sum(piece.count for piece in outcome.slices)
        out.print(f"dry run: {outcome.source} finds {total:,} record(s) in {len(outcome.slices)} slice(s) "
                  f"({outcome.requests} request(s)); nothing was written", markup=False)
        return
    manifest = "written" if outcome.manifest_written else "unchanged"
    out.print(f"fetched {outcome.added:,} new record(s) from {outcome.source} into {len(outcome.written)} file(s) "
              f"in {outcome.folder} ({outcome.found:,} found, {outcome.already:,} already in {seeds}; "
              f"{len(outcome.slices)} slice(s), {outcome.requests} request(s)); manifest {outcome.manifest.name} "
              f"{manifest}", markup=False)
    if outcome.not_returned:
        out.print(f"{len(outcome.not_returned)} record(s) found by the search were not returned by EFetch (listed in "
                  "the manifest as not_returned)", markup=False)
    if outcome.partials_removed:
        out.print(f"removed {len(outcome.partials_removed)} partial file(s) an interrupted fetch left", markup=False)


class _Shown:
    """A harvest report on a rich progress bar (stderr), or silent."""

    def __init__(self, bar=None) -> None:
        self.bar = bar
        self.task = None

    def say(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)

    def start(self, description: str, total: int | None) -> None:
        if self.bar is None:
            return
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, steps)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        return None


class _progress:  # noqa: N801 - used as a context manager function
    def __init__(self) -> None:
        self.shown = progress_console()
        self.bar = None

    def __enter__(self) -> _Shown:
        if self.shown is None:
            return _Shown()
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("exodata fetch"), TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), console=self.shown, transient=True)
        self.bar.__enter__()
        return _Shown(self.bar)

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)
