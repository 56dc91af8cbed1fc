"""``exodata build``: compile the seeds into a validated package."""

from __future__ import annotations

from pathlib import Path

import typer

from exodata.cli._common import console as _console
from exodata.cli._common import progress_console, require_extra, return_freed_memory


def command(
    seeds: Path = typer.Option(Path("seeds"), "--seeds", help="Directory of seed files."),
    out: Path = typer.Option(Path("."), "--out", help="Directory to write the package into."),
    strict: bool = typer.Option(False, "--strict", help="Fail (writing nothing) if any record is quarantined."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0,
                             help="Worker processes for reading seeds; 0 (default): one per CPU for a large corpus."),
) -> None:
    """Compile the seeds into a validated Frictionless data package."""
    require_extra("build", "build")
    return_freed_memory()
    from exodata.build import BuildError
    from exodata.build import build as run_build

    console, errors = _console(), _console(stderr=True)
    try:
        if progress_console() is not None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("exodata build"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=errors, transient=True) as bar:
                task = bar.add_task("", total=None)

                def progress(done: int, total: int, file: str) -> None:
                    bar.update(task, completed=done, total=total, description=file)

                def on_stage(text: str) -> None:
                    bar.update(task, description=text + "…")

                summary = run_build(seeds, out, strict=strict, jobs=jobs, progress=progress, on_stage=on_stage)
        else:
            summary = run_build(seeds, out, strict=strict, jobs=jobs)
    except BuildError as error:
        errors.print(f"[bold red]build failed[/]: {error}", markup=True)
        raise typer.Exit(1) from None
    status = summary.status
    console.print(f"built exodata package in {summary.out}: {summary.files} seed file(s), "
                  f"{status.get('compiled', 0)} compiled, {status.get('duplicate', 0)} duplicate, "
                  f"{status.get('quarantined', 0)} quarantined record(s) → {summary.publications} publication(s), "
                  f"{summary.mentions} mention(s), {summary.conflicts} conflict(s) between duplicates")
    took = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in summary.seconds.items())
    workers = f" (seeds read by {summary.jobs} worker processes)" if summary.jobs > 1 else ""
    console.print(f"  took {took}{workers}")
    if summary.manifests:
        console.print(f"  not read: {len(summary.manifests)} exodata fetch manifest(s) (*.fetch.json: what a harvest "
                      "asked and got, not records)")
    for reason in summary.quarantined[:20]:
        console.print(f"  quarantined: {reason}")
    if len(summary.quarantined) > 20:
        console.print(f"  ... and {len(summary.quarantined) - 20} more (see data/seed_records.csv)")
