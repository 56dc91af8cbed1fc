"""Readers: one module per seed format, each a pair of small pure functions.

``accepts(text) -> bool`` says whether the reader recognises the decoded text of a seed, and
``read(text) -> Iterable[RawRecord]`` returns every record in it, each value a :class:`~exodata.ingest.model.Located`
slice of ``text``.  A reader never raises on bad input: a record it cannot use comes back with
``quarantine`` set.  :func:`detect` asks the readers in :data:`READER_ORDER`, most specific first, and
returns the first that accepts; no reader accepting means the seed is quarantined, never guessed at.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: Detection order: the most specific signatures first (structured exports, then scraped page layouts).
READER_ORDER: tuple[str, ...] = (
    "pubmed_xml",
    "jats_xml",
    "csl_json",
    "medline",
    "ris",
    "bibtex",
    "vufind_page",
    "wprim_page",
    "aggregator_page",
)


def reader(name: str) -> ModuleType:
    """The reader module called ``name`` (imported on first use, so ``import exodata`` stays light)."""
    if name not in READER_ORDER:
        raise KeyError(f"no reader named {name!r}; known readers: {', '.join(READER_ORDER)}")
    return importlib.import_module(f"exodata.ingest.readers.{name}")


def available() -> list[str]:
    """Readers whose module exists in this installation, in detection order."""
    found = []
    for name in READER_ORDER:
        try:
            reader(name)
        except ModuleNotFoundError as missing:
            if missing.name != f"exodata.ingest.readers.{name}":
                raise
            continue
        found.append(name)
    return found


def detect(text: str) -> str | None:
    """The name of the first reader that accepts ``text``, or None when none does."""
    for name in available():
        if reader(name).accepts(text):
            return name
    return None
