"""Match keys and ids of one record: what the merge groups records by, computed per record in the workers.

Two records are the same work when they share a key (:func:`match_keys`): a DOI, PMID or PMCID, else a
normalised title + year + first-author key, else (nothing else identifying it) a hash of its content.  A
record's own publication id (:func:`local_id`) is its strongest identifier.  Nothing here looks beyond the
one record, so staging computes keys and ids in the worker that compiled it (see
:mod:`exodata.ingest.staging`) and the merge (:mod:`exodata.corpus.merge`) sees only the keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from exodata.ingest.model import Record

#: A title key needs a title specific enough to identify a work: not too short, and not one of the generic
#: titles every journal reuses (an erratum by the same author in the same year is not the same paper).
MIN_TITLE_KEY = 20
GENERIC_TITLES = ("erratum", "corrigendum", "correction", "retraction", "editorial", "expressionofconcern",
                  "reply", "letter", "comment")

_NOT_FOLDED = re.compile("[\\W_\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of a title or name, for matching only.

    NFKD splits accented letters into letter + combining mark; the marks (the Unicode combining blocks) and
    every non-word character are then dropped in one regex pass.
    """
    return _NOT_FOLDED.sub("", unicodedata.normalize("NFKD", text.casefold()))


def content_id(record: Record) -> str:
    """A stable id for a record with no DOI, PMID or PMCID: a hash of its normalised identifying fields."""
    first = record.authors[0].family_name if record.authors else ""
    parts = [record.get("title") or "", str(record.get("year") or ""), first or "", record.get("abstract") or ""]
    digest = hashlib.sha256("\x1f".join(_fold(p) for p in parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"


def local_id(record: Record) -> str:
    """The id a record would have on its own: ``doi:``, else ``pmid:``, else ``pmcid:``, else a content hash."""
    for name in ("doi", "pmid", "pmcid"):
        value = record.get(name)
        if value is not None:
            return f"{name}:{value}"
    return content_id(record)


def match_keys(record: Record) -> list[tuple[str, str]]:
    """The keys that identify a record's work, strongest first."""
    keys = []
    for name in ("doi", "pmid", "pmcid"):
        value = record.get(name)
        if value is not None:
            keys.append((name, str(value)))
    title, year = record.get("title"), record.get("year")
    folded = _fold(title) if title else ""
    if year and len(folded) >= MIN_TITLE_KEY and not folded.startswith(GENERIC_TITLES):
        first = record.authors[0].family_name if record.authors else None
        keys.append(("title", f"{folded}|{year}|{_fold(first or '')}"))
    if not keys:  # nothing else identifies it: identical content is the same work
        keys.append(("content", content_id(record)))
    return keys
