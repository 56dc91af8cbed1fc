"""``exodata diff``: what a new version changed in the data, and the version bump that requires."""

from __future__ import annotations

import json

import typer

from exodata.cli._common import console, fail_usage, status


def command(
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
    errors = console(stderr=True)
    if as_json and markdown:
        fail_usage("diff", "choose one of --json and --markdown")

    from exodata.errors import PackageNotFoundError
    from exodata.package.diff import DiffInputError, diff_packages
    from exodata.package.diff_render import render_markdown, render_text

    try:
        with status(f"exodata diff: comparing {old} with {new}…"):
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
