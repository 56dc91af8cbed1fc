"""The ``exodata`` command line: build, validate, info, diff, dictionary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Build, validate and inspect the exodata package.")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def return_freed_memory() -> None:
    """Ask polars' allocator (jemalloc) to give freed memory back to the system within a second.

    A build makes and drops one large table part after another; by default jemalloc keeps freed pages for
    about ten seconds, so each part's memory would stay counted while the next is built.  Measured at 100k
    records: peak 1.48 GB by default, 1.30 GB with one second, 1.13 GB with none, which costs 5 s more system
    time returning and refaulting pages.  Set here, in the program, not in the library (it must be set before
    polars is first imported, and it is a process-wide choice); a value the user has set is kept.
    """
    import os

    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:0")


@app.command()
def build(
    seeds: Path = typer.Option(Path("seeds"), "--seeds", help="Directory of seed files."),
    out: Path = typer.Option(Path("."), "--out", help="Directory to write the package into."),
    strict: bool = typer.Option(False, "--strict", help="Fail (writing nothing) if any record is quarantined."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0,
                             help="Worker processes for reading seeds; 0 (default): one per CPU for a large corpus."),
) -> None:
    """Compile the seeds into a validated Frictionless data package."""
    return_freed_memory()
    from exodata.build import BuildError
    from exodata.build import build as run_build

    console, errors = _console(), _console(stderr=True)
    try:
        if errors.is_terminal:
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
    for reason in summary.quarantined[:20]:
        console.print(f"  quarantined: {reason}")
    if len(summary.quarantined) > 20:
        console.print(f"  ... and {len(summary.quarantined) - 20} more (see data/seed_records.csv)")


@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="Package directory (default: the installed package)."),
    limit: int = typer.Option(50, "--limit", help="Show at most this many problems."),
) -> None:
    """Check descriptor, hashes, schemas, keys and offsets of a built package (exit 1 on any problem)."""
    from exodata.package.checks import format_issues
    from exodata.package.validate import validate_package

    issues = validate_package(path)
    where = path or "the installed package"
    if issues:
        _console(stderr=True).print(f"{where}: {len(issues)} problem(s)\n{format_issues(issues, limit)}",
                                    markup=False)
        raise typer.Exit(1)
    _console().print(f"{where}: valid")


@app.command()
def info(path: Optional[Path] = typer.Argument(None, help="Package directory (default: the installed package).")) -> None:
    """Show the package version, its tables and their row counts."""
    from rich.table import Table

    from exodata.package.loading import package_dir, read_descriptor

    directory = package_dir(path)
    descriptor = read_descriptor(directory)
    table = Table(title=f"exodata {descriptor.get('version')} ({directory})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("description")
    for resource in descriptor["resources"]:
        table.add_row(resource["name"], str(resource.get("exodata:rows", "?")), resource.get("description", ""))
    _console().print(table)


@app.command()
def diff(
    old: str = typer.Argument(..., metavar="OLD", help="Old package: a directory, its datapackage.json, a release "
                                                       "archive exodata-data-X.Y.Z.zip, or 'installed'."),
    new: str = typer.Argument(..., metavar="NEW", help="New package, in the same forms."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (nothing else on stdout)."),
    markdown: bool = typer.Option(False, "--markdown", help="Print a CHANGELOG '### Data' section."),
    check: bool = typer.Option(False, "--check-version",
                               help="Exit 1 when NEW's version is lower than the changes require."),
    examples: int = typer.Option(5, "--examples", min=0, help="Show at most this many examples per table."),
) -> None:
    """Show what NEW changed in the data compared with OLD, and the version bump that requires.

    Exit 0; 1 with --check-version when NEW's version is not bumped enough; 2 when an input is not a package.
    """
    errors = _console(stderr=True)
    if as_json and markdown:
        errors.print("exodata diff: choose one of --json and --markdown", markup=False)
        raise typer.Exit(2)
    import json

    from exodata.package.diff import DiffInputError, diff_packages
    from exodata.package.diff_render import render_markdown, render_text
    from exodata.package.loading import PackageNotFoundError

    try:
        result = diff_packages(old, new, examples=examples)
    except (DiffInputError, PackageNotFoundError) as error:
        errors.print(f"exodata diff: {error}", markup=False)
        raise typer.Exit(2) from None
    except Exception as error:  # noqa: BLE001 - the promise is one line, never a traceback
        errors.print(f"exodata diff: could not compare {old} with {new} ({type(error).__name__}: {error}); "
                     "check both with `exodata validate` and report it if they are valid", markup=False)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif markdown:
        typer.echo(render_markdown(result), nl=False)
    else:
        typer.echo(render_text(result))
    if check:
        verdict = result["version_check"]
        if verdict["required"] is None:
            errors.print(f"exodata diff: {verdict['message']}", markup=False)
            raise typer.Exit(2)
        if not verdict["passed"]:
            why = "; ".join(result["reasons"][:3]) + (" …" if len(result["reasons"]) > 3 else "")
            errors.print(f"exodata diff: {new}: {verdict['message']} ({result['bump']} change: {why})",
                         markup=False)
            raise typer.Exit(1)
        errors.print(f"exodata diff: {verdict['message']}", markup=False)


@app.command()
def dictionary(out: Path = typer.Option(Path("docs/data-dictionary.md"), "--out")) -> None:
    """Write the data dictionary generated from the schema source."""
    from exodata.metadata.dictionary import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(), encoding="utf-8")
    _console().print(f"wrote {out}")


def main() -> None:
    try:
        app()
    except FileNotFoundError as error:  # e.g. no package where one was looked for: the message says the fix
        print(f"exodata: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
