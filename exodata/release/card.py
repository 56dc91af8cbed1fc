"""The dataset card: what the data is, how it was made, what it holds, its licences and how to cite it.

Generated from the package (row counts, version) and the project metadata, so it cannot go stale; it is the
README of the release archive.
"""

from __future__ import annotations

from pathlib import Path

from exodata.metadata.project import project
from exodata.release.citation import cite


def dataset_card(package: Path) -> str:
    """The card of the package in ``package`` as Markdown."""
    from exodata.package.loading import read_descriptor

    about = project()
    descriptor = read_descriptor(package)
    rows = [(r["name"], r.get("exodata:rows", "?"), r.get("description", "")) for r in descriptor["resources"]]
    lines = [
        f"# {about.title}",
        "",
        f"Version {descriptor.get('version')} (released {about.release.date}).",
        "",
        about.description,
        "",
        "## Tables",
        "",
        "| table | rows | one row per |",
        "|---|---:|---|",
        *(f"| `{name}` | {count} | {text} |" for name, count, text in rows),
        "",
        "Each table is in `data/` twice: `<table>.csv` (the interchange copy) and `<table>.parquet` (typed). The "
        "columns are described in `data-dictionary.md`; `datapackage.json` and `schemas/` are the Frictionless "
        "descriptor and Table Schemas, with the size and sha256 of every file.",
        "",
        "## Use",
        "",
        "```python",
        "import polars as pl",
        'publications = pl.read_parquet("data/publications.parquet")',
        "```",
        "",
        "Check it: `exodata validate .` (or `frictionless validate datapackage.json`).",
        "",
        "## Licences",
        "",
        f"Our compilation, normalisation and annotations: {about.licenses['data']['id']}. Text quoted from the "
        "records (titles, abstracts, affiliations) stays under its publishers' terms; see `LICENSE-DATA.md`.",
        "",
        "## Cite",
        "",
        cite("apa", about),
        "",
        "What changed between versions: `CHANGELOG.md`.",
        "",
    ]
    return "\n".join(lines)
