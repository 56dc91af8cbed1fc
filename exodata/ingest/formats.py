"""The seed formats exodata reads, each declared once, and the functions that everyone asks about them.

A format is a reader module, ``exodata.ingest.readers.<name>`` (``accepts(text)`` and ``read(text)``), plus
one :class:`Format` entry in :data:`FORMATS`.  Everything else reads the entry: detection order
(:func:`detect`), the merge's trust when duplicates disagree (:func:`trust_rank`), how an author name
without a comma is split (``family_first``), the formats the quarantine message of an unreadable seed
suggests (:func:`convert_to`) and the values ``seed_records.format`` may hold (:func:`names`).  Adding a
format is writing its module and adding its entry here, nothing more.

The functions read :data:`FORMATS` when they are called, never a copy made at import.  This module imports
nothing of exodata and nothing heavy: the schema source imports it, and readers are imported on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

#: A structured export (a file a database or reference manager writes, usually of many records).
EXPORT = "export"
#: A page as captured from a web site (one record, its layout told apart by labels and headings).
PAGE = "page"


@dataclass(frozen=True, slots=True)
class Format:
    """What exodata knows about one seed format.

    ``name`` is the reader module under ``exodata.ingest.readers`` and the value of ``seed_records.format``;
    ``label`` is what messages call the format.  ``detect`` is its place in detection order (the lowest
    first: the most specific signatures before the looser ones).  ``trust`` ranks its values when duplicate
    records disagree (0 most trusted; equal ranks fall back to seed order).  ``family_first`` says how it
    orders an author name written without a comma (True 'Family Given', False 'Given Family', None: guessed
    from the name).  ``convert_to`` is the name the message for an unreadable seed gives it as a format to
    convert the seed to, or None when the message does not suggest it.
    """

    name: str
    label: str
    kind: Literal["export", "page"]
    detect: int
    trust: int
    family_first: bool | None = None
    convert_to: str | None = None


#: Every format, in the order messages name them.
FORMATS: tuple[Format, ...] = (
    Format("medline", "MEDLINE", EXPORT, detect=3, trust=1, family_first=True, convert_to="MEDLINE"),
    Format("ris", "RIS", EXPORT, detect=4, trust=4, convert_to="RIS"),
    Format("bibtex", "BibTeX", EXPORT, detect=5, trust=5, convert_to="BibTeX"),
    Format("csl_json", "CSL-JSON", EXPORT, detect=2, trust=3, convert_to="CSL-JSON"),
    Format("pubmed_xml", "PubMed XML", EXPORT, detect=0, trust=0, convert_to="XML"),
    Format("jats_xml", "JATS XML", EXPORT, detect=1, trust=2, convert_to="XML"),
    Format("europepmc_json", "Europe PMC JSON", EXPORT, detect=6, trust=6),
    Format("vufind_page", "VuFind page", PAGE, detect=7, trust=7, family_first=False),
    Format("wprim_page", "WPRIM page", PAGE, detect=8, trust=8, family_first=False),
    Format("aggregator_page", "aggregator fragment", PAGE, detect=9, trust=9),
)


def names(kind: str | None = None) -> tuple[str, ...]:
    """The name of every format (of ``kind`` only, when given), in the order of :data:`FORMATS`."""
    return tuple(entry.name for entry in FORMATS if kind is None or entry.kind == kind)


def entry(name: str) -> Format:
    """The entry of format ``name``; the error lists the formats there are."""
    found = _find(name)
    if found is None:
        raise KeyError(f"no format named {name!r}; known formats: {', '.join(names())}")
    return found


def _find(name: str | None) -> Format | None:
    for found in FORMATS:
        if found.name == name:
            return found
    return None


def detection_order() -> tuple[str, ...]:
    """The format names in the order :func:`detect` asks their readers."""
    return tuple(found.name for found in sorted(FORMATS, key=lambda found: found.detect))


def reader(name: str) -> ModuleType:
    """The reader module of format ``name`` (imported on first use, so ``import exodata`` stays light)."""
    return importlib.import_module(f"exodata.ingest.readers.{entry(name).name}")


def detect(text: str) -> str | None:
    """The name of the first format, in detection order, whose reader accepts ``text``; None when none does.

    No reader accepting means the seed is quarantined, never guessed at.
    """
    for name in detection_order():
        if reader(name).accepts(text):
            return name
    return None


def trust_rank(name: str | None) -> int:
    """The merge's rank for values read from format ``name`` (lower is more trusted); a record of no format
    (a seed no reader accepted) ranks after every format."""
    found = _find(name)
    if found is None:
        return max(every.trust for every in FORMATS) + 1
    return found.trust


def family_first(name: str) -> bool | None:
    """How format ``name`` orders an author name written without a comma (see ``Format.family_first``);
    None, a guess from the name, for a record made by no registered reader."""
    found = _find(name)
    return None if found is None else found.family_first


def convert_to() -> str:
    """The formats an unreadable seed may be converted to, for its message: 'MEDLINE, RIS, ... or XML'."""
    *others, last = dict.fromkeys(found.convert_to for found in FORMATS if found.convert_to)
    return f"{', '.join(others)} or {last}" if others else last
