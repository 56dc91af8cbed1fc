"""Identifiers: DOI, PMID and PMCID, from bare values, ``doi:`` text or links.

Records give identifiers in many dresses (``https://doi.org/10.1111/X``, ``doi: 10.1111/x.``,
``10.2147/IJN.S372254 [doi]``, ``https://www.ncbi.nlm.nih.gov/pubmed/32492261``); these functions return the
canonical form the ``publications`` table stores, or None when the text holds no valid identifier (never a
guess).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")

_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi\s*[:=]?\s*|urn:doi:)", re.IGNORECASE
)
_TRAILING = ".,;:'\""


def _strip_unbalanced(doi: str) -> str:
    """Trailing punctuation removed, closing brackets only when unbalanced (``...(20)30183-5`` keeps its)."""
    balance = {")": doi.count(")") - doi.count("("), "]": doi.count("]") - doi.count("[")}
    end = len(doi)
    while end:
        last = doi[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in balance and balance[last] > 0:
            balance[last] -= 1
            end -= 1
        else:
            break
    return doi[:end]


#: Longest text searched for an identifier: real DOIs and links are far shorter (keeps the work linear).
MAX_ID_CHARS = 2000


def normalise_doi(value: str | None) -> str | None:
    """The DOI in ``value`` (bare, ``doi:`` text or a doi.org link), lower-cased, or None when not a valid DOI."""
    if not value or len(value) > MAX_ID_CHARS:
        return None
    text = value.strip()
    if text.lower().endswith("[doi]"):
        text = text[:-5].rstrip()
    text = _DOI_PREFIX.sub("", text).strip()
    if "%" in text:
        text = unquote(text)
    text = _strip_unbalanced(text.strip()).lower()
    return text if DOI_PATTERN.match(text) else None


# Links that carry a DOI: doi.org resolvers and publisher URLs with a ``/doi/[abs|full|pdf/]`` path.
_DOI_LINK = re.compile(
    r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/(?P<a>10\.\S+)$"
    r"|^(?:https?://)?[^\s/]+/(?:[^\s?#]*/)?doi/(?:(?:abs|full|pdf|epdf|fulltext|reader)/)?(?P<b>10\.[^\s?#]+)",
    re.IGNORECASE,
)


def doi_from_link(link: str | None) -> str | None:
    """The DOI a link resolves to (``https://doi.org/…``, ``http://dx.doi.org/…``, ``…/doi/full/10.…``)."""
    if not link or len(link) > MAX_ID_CHARS:
        return None
    found = _DOI_LINK.match(link.strip())
    if found is None:
        return None
    return normalise_doi(found.group("a") or found.group("b"))


_PMID_LINK = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:abstract/)?(?:med|MED)/)"
    r"(?P<pmid>\d{1,9})(?!\d)",
    re.IGNORECASE,
)


def pmid_from_link(link: str | None) -> int | None:
    """The PMID of a PubMed link (``…/pubmed/32492261``, ``pubmed.ncbi.nlm.nih.gov/32492261/``)."""
    if not link or len(link) > MAX_ID_CHARS:
        return None
    found = _PMID_LINK.search(link)
    return normalise_pmid(found.group("pmid")) if found else None


_PMCID_LINK = re.compile(r"(?:/pmc/|pmc\.ncbi\.nlm\.nih\.gov/|europepmc\.org/)\S*?\b(?P<pmcid>PMC\d+)\b", re.I)


def pmcid_from_link(link: str | None) -> str | None:
    """The PMCID of a PMC link (``…/pmc/articles/PMC7339207/``, ``pmc.ncbi.nlm.nih.gov/articles/PMC…``)."""
    if not link or len(link) > MAX_ID_CHARS:
        return None
    found = _PMCID_LINK.search(link)
    return normalise_pmcid(found.group("pmcid")) if found else None


_PMID = re.compile(r"\s*(?:pmid\s*[:=]?\s*)?(\d{1,9})\s*\.?\s*", re.IGNORECASE)
_PMCID = re.compile(r"\s*(?:pmcid\s*[:=]?\s*)?pmc\s*(\d{1,10})\s*\.?\s*", re.IGNORECASE)


def normalise_pmid(value: str | int | None) -> int | None:
    """A PMID as an int (from ``32492261``, ``PMID: 32492261``), or None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    found = _PMID.fullmatch(value)
    if found is None:
        return None
    number = int(found.group(1))
    return number if number > 0 else None


def normalise_pmcid(value: str | None) -> str | None:
    """A PMCID as ``PMC<digits>`` (from ``PMC7339207``, ``pmc7339207``, ``PMCID: PMC7339207``), or None."""
    if not value:
        return None
    found = _PMCID.fullmatch(value)
    if found is None:
        return None
    return f"PMC{found.group(1)}"
