"""``exodata cite``: how to cite the installed version."""

from __future__ import annotations

import typer

from exodata.cli._common import fail_usage


def command(fmt: str = typer.Option("apa", "--format", "-f", help="apa, bibtex or cff.")) -> None:
    """Print the citation of this version of exodata (with its DOI once it is released on Zenodo)."""
    from exodata.release.citation import FORMATS, cite

    if fmt not in FORMATS:
        fail_usage("cite", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    print(cite(fmt))
