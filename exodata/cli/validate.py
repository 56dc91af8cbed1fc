"""``exodata validate``: check a built package, or tables of one's own against exodata's."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from exodata.cli._common import UsageProblem, fail_usage, status
from exodata.cli._common import console as _console


def command(
    paths: list[Path] | None = typer.Argument(
        None, help="A package directory (default: the installed package); with --table, CSV or Parquet files.",
        show_default=False),
    table: str | None = typer.Option(None, "--table", "-t",
                                        help="Check files of your own that follow this exodata table."),
    package: Path | None = typer.Option(
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
        with status("exodata validate: checking…"):
            if table is None:
                result, problems = _validate_package(paths, package, subset)
            else:
                result, problems = _validate_tables(table, paths, package, subset)
    except (UsageProblem, PackageNotFoundError, ValueError) as wrong:
        fail_usage("validate", str(wrong), as_json)
    shown = problems[:max_problems]
    if as_json:
        result.update(valid=not problems, problem_count=len(problems), shown=len(shown),
                      problems=[p.to_dict() for p in shown])
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif problems:
        lines = [f"- {problem} [{problem.rule}]" if problem.rule else f"- {problem}" for problem in shown]
        if len(problems) > len(shown):
            lines.append(f"- ... and {len(problems) - len(shown)} more (see more with --max-problems, all with "
                         "--json)")
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
