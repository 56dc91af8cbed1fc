"""The ``exodata`` command line: build, validate, info, dictionary."""

from __future__ import annotations

import json
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


class UsageProblem(Exception):
    """A wrong call (exit 2): the message says what and how to call instead."""


def _fail_usage(command: str, message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        _console(stderr=True).print(f"exodata {command}: {message}", markup=False)
    raise typer.Exit(2)


@app.command()
def validate(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="A package directory (default: the installed package); with --table, CSV or Parquet files.",
        show_default=False),
    table: Optional[str] = typer.Option(None, "--table", "-t",
                                        help="Check files of your own that follow this exodata table."),
    package: Optional[Path] = typer.Option(
        None, "--package", help="With --table: the package to check foreign keys and offsets against "
                                "(default: the installed one)."),
    subset: bool = typer.Option(False, "--subset", help="With --table: accept some of the table's columns plus "
                                                          "columns of your own, and check what is shared."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    max_problems: int = typer.Option(50, "--max-problems", min=1, help="Show at most this many problems."),
) -> None:
    """Check a built package, or (--table) files of your own against one of exodata's tables.

    Exit 0 when valid, 1 when there are problems, 2 when the call is wrong.
    """
    from exodata.errors import PackageNotFoundError

    paths = paths or []
    try:
        if table is None:
            result, problems = _validate_package(paths, package, subset)
        else:
            result, problems = _validate_tables(table, paths, package, subset)
    except (UsageProblem, PackageNotFoundError, ValueError) as wrong:
        _fail_usage("validate", str(wrong), as_json)
    shown = problems[:max_problems]
    if as_json:
        result.update(valid=not problems, problem_count=len(problems), shown=len(shown),
                      problems=[p.to_dict() for p in shown])
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif problems:
        lines = [f"- {problem} [{problem.rule}]" if problem.rule else f"- {problem}" for problem in shown]
        if len(problems) > len(shown):
            lines.append(f"- ... and {len(problems) - len(shown)} more (show more with --max-problems, all with --json)")
        _console(stderr=True).print(f"{result['checked']}: {len(problems)} problem(s)\n" + "\n".join(lines),
                                    markup=False)
    else:
        _console().print(f"{result['checked']}: valid", markup=False)
    raise typer.Exit(1 if problems else 0)


def _validate_package(paths: list[Path], package: Path | None, subset: bool):
    from exodata.package.loading import package_dir, read_descriptor
    from exodata.package.validate import validate_package

    if package is not None or subset:
        raise UsageProblem("--package and --subset go with --table NAME FILE...")
    if len(paths) > 1:
        raise UsageProblem("give one package directory, or check files with `exodata validate --table NAME FILE...`")
    path = paths[0] if paths else None
    if path is not None and path.is_file() and path.name != "datapackage.json":
        raise UsageProblem(f"{path} is a file, not a package directory; to check a table of your own run "
                           f"`exodata validate --table NAME {path}` (`exodata tables` lists the names)")
    if path is not None and path.is_dir() and not (path / "datapackage.json").is_file():
        raise UsageProblem(f"{path} holds no datapackage.json, so it is not an exodata package; pass a package "
                           "directory, or check files with `exodata validate --table NAME FILE...`")
    directory = package_dir(path)
    version = read_descriptor(directory).get("version") if (directory / "datapackage.json").is_file() else None
    checked = str(path) if path is not None else f"the installed package ({directory})"
    return {"checked": checked, "package": str(directory), "version": version}, validate_package(directory)


def _validate_tables(table: str, paths: list[Path], package: Path | None, subset: bool):
    from exodata.package.conformance import check

    if not paths:
        raise UsageProblem(f"give the CSV or Parquet files to check against table {table}: "
                           f"`exodata validate --table {table} FILE...`")
    report = check([(str(path), path) for path in paths], table, package=package, subset=subset)
    checked = f"{', '.join(report.sources)} (table {table}{', subset' if subset else ''})"
    return {"checked": checked, "table": table, "files": report.sources, "subset": subset,
            "package": str(package) if package else None}, report.problems


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
