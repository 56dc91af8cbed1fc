"""``exodata dictionary``: write the data dictionary generated from the schema source."""

from __future__ import annotations

from pathlib import Path

import typer

from exodata.cli._common import console as _console


def command(out: Path = typer.Option(Path("docs/data-dictionary.md"), "--out")) -> None:
    """Write the data dictionary generated from the schema source."""
    from exodata.metadata.dictionary import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(), encoding="utf-8")
    _console().print(f"wrote {out}")
