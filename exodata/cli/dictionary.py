"""``exodata dictionary``: the data dictionary generated from the schema source."""

from __future__ import annotations

from pathlib import Path

import typer

from exodata.cli._common import console, fail_usage


def command(out: Path | None = typer.Option(None, "--out", help="Write it to this file (its folder must exist) "
                                                                    "instead of printing it.")) -> None:
    """Print the data dictionary (every table and column, with its constraints), generated from the schema source;
    the repository keeps it as docs/data-dictionary.md (`exodata dictionary --out docs/data-dictionary.md`)."""
    from exodata.metadata.dictionary import data_dictionary

    text = data_dictionary()
    if out is None:
        print(text, end="")
        return
    if not out.parent.is_dir():
        fail_usage("dictionary", f"folder {out.parent} does not exist; create it or choose another --out")
    if out.is_dir():
        fail_usage("dictionary", f"--out {out} is a directory; give a file name such as {out / 'data-dictionary.md'}")
    out.write_text(text, encoding="utf-8")
    console().print(f"wrote {out}")
