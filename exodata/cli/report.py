"""``exodata report``: one self-contained HTML page showing what a package holds."""

from __future__ import annotations

from pathlib import Path

import typer

from exodata.cli._common import console, fail


def command(
    path: Path | None = typer.Argument(None, metavar="[PATH]", show_default=False,
                                          help="Package directory (default: the installed package)."),
    out: Path = typer.Option(Path("report.html"), "--out", help="The HTML file to write."),
    against: str | None = typer.Option(None, "--against", metavar="OLD",
                                          help="Also show what changed since OLD: a package directory, a release "
                                               "archive exodata-data-X.Y.Z.zip, a git revision, or 'installed'."),
) -> None:
    """Write one self-contained HTML report of the package: counts per table and status, publications per year,
    language and country, diseases × MSC sources, top concepts, cargo, vesicle sizes, quarantined and duplicate
    records and conflicts, the dataset card, and with --against the changes since OLD.

    No script and nothing loaded from elsewhere; the same package gives the same bytes.
    """
    from exodata.report import INSTALL_HINT, missing_libraries

    if missing_libraries():
        fail("report", INSTALL_HINT.removeprefix("exodata report "))
    from exodata.errors import PackageNotFoundError
    from exodata.package.diff import DiffInputError
    from exodata.package.loading import package_dir
    from exodata.report.render import report_html

    try:
        directory = package_dir(path)
        html = report_html(directory, against)
    except (DiffInputError, PackageNotFoundError) as error:
        fail("report", str(error), code=2)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(html.encode("utf-8"))
    partial.replace(out)
    console().print(f"wrote {out}", markup=False)
