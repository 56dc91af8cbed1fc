"""Merge: the compiled records of all seeds become distinct publications.

Two records are the same work when they share a DOI, else a PMID or PMCID, else a normalised
title + year + first-author key (the keys are tried together: any shared key links records, so a
record with a DOI and a PMID bridges one that has only the PMID).  Each merged publication keeps, per
column, the best-supported value: the one most records agree on, ties broken by the format's
reliability (structured exports before scraped pages) and then by seed order.  Every kept value
carries the spans of all records that support it; every disagreeing value is reported as a conflict.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from exodata.model import Record, Value

#: Lower rank = more trusted when records disagree.
FORMAT_RANK = {name: rank for rank, name in enumerate((
    "pubmed_xml", "medline", "jats_xml", "csl_json", "ris", "bibtex", "vufind_page", "wprim_page",
    "aggregator_page",
))}

PUBLICATION_COLUMNS = (
    "doi", "pmid", "pmcid", "title", "title_vernacular", "journal", "publisher", "year", "volume", "issue",
    "first_page", "last_page", "language", "country", "abstract", "cited_by_count",
)


@dataclass(slots=True)
class Entry:
    """One compiled record and where it came from; ``order`` is its place in the seed order."""

    file: str
    index: int
    order: int
    record: Record

    @property
    def rank(self) -> tuple[int, int]:
        return (FORMAT_RANK.get(self.record.format, len(FORMAT_RANK)), self.order)


@dataclass(slots=True)
class Support:
    """A kept value and the spans of every record that gave it."""

    value: object
    spans: list[tuple[Entry, int, int]]


@dataclass(slots=True)
class Publication:
    publication_id: str
    primary: Entry
    entries: list[Entry]
    fields: dict[str, Support] = field(default_factory=dict)
    lists: dict[str, Entry] = field(default_factory=dict)  # child table → the record whose list is kept
    conflicts: list[tuple[str, object, object, Entry]] = field(default_factory=list)
    duplicate_reasons: dict[int, str] = field(default_factory=dict)  # Entry.order → why it is a duplicate

    def value(self, column: str):
        support = self.fields.get(column)
        return None if support is None else support.value


_NOT_FOLDED = re.compile("[\\W_\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of a title or name, for matching only.

    NFKD splits accented letters into letter + combining mark; the marks (the Unicode combining blocks) and
    every non-word character are then dropped in one regex pass.
    """
    return _NOT_FOLDED.sub("", unicodedata.normalize("NFKD", text.casefold()))


def match_keys(record: Record) -> list[tuple[str, str]]:
    """The keys that identify a record's work, strongest first."""
    keys = []
    for name in ("doi", "pmid", "pmcid"):
        value = record.get(name)
        if value is not None:
            keys.append((name, str(value)))
    title, year = record.get("title"), record.get("year")
    if title and year:
        first = record.authors[0].family_name if record.authors else None
        keys.append(("title", f"{_fold(title)}|{year}|{_fold(first or '')}"))
    if not keys:  # nothing else identifies it: identical content is the same work
        keys.append(("content", content_id(record)))
    return keys


def content_id(record: Record) -> str:
    """A stable id for a record with no DOI, PMID or PMCID: a hash of its normalised identifying fields."""
    first = record.authors[0].family_name if record.authors else ""
    parts = [record.get("title") or "", str(record.get("year") or ""), first or "", record.get("abstract") or ""]
    digest = hashlib.sha256("\x1f".join(_fold(p) for p in parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"


def publication_id(publication_fields: dict[str, Support], record: Record) -> str:
    for name in ("doi", "pmid", "pmcid"):
        support = publication_fields.get(name)
        if support is not None:
            return f"{name}:{support.value}"
    return content_id(record)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _choose(column: str, entries: list[Entry]) -> tuple[Support | None, list[tuple[object, Entry]]]:
    """The best-supported value of ``column`` and the (other value, entry) pairs that disagree."""
    given = [(e.record.fields[column], e) for e in entries if column in e.record.fields]
    if not given:
        return None, []
    counts = Counter(v.value for v, _ in given)
    best_rank = {}
    for v, e in given:
        best_rank[v.value] = min(best_rank.get(v.value, e.rank), e.rank)
    kept = min(counts, key=lambda value: (-counts[value], best_rank[value]))
    spans = [(e, v.start, v.end) for v, e in given if v.value == kept]
    others = [(v.value, e) for v, e in given if v.value != kept]
    return Support(kept, spans), others


def _list_owner(name: str, entries: list[Entry]) -> Entry | None:
    """The record whose list (authors, affiliations, keywords, funders) is kept: the fullest, then the most trusted."""
    def score(entry: Entry):
        items = getattr(entry.record, name)
        detail = sum(len(a.given_name or "") for a in items) if name == "authors" else 0
        return (-len(items), -detail, entry.rank)

    having = [e for e in entries if getattr(e.record, name)]
    return min(having, key=score) if having else None


def _describe_link(a: Entry, b: Entry) -> str:
    shared = sorted(set(match_keys(a.record)) & set(match_keys(b.record)))
    if not shared:
        return "linked through other duplicates"
    kind, value = shared[0]
    if kind == "title":
        return "same title, year and first author"
    if kind == "content":
        return "same content"
    return f"same {kind.upper()} {value}"


def merge(entries: list[Entry]) -> list[Publication]:
    """Group duplicate records and build one :class:`Publication` per group, in seed order."""
    finder = _UnionFind(len(entries))
    seen: dict[tuple[str, str], int] = {}
    for position, entry in enumerate(entries):
        for key in match_keys(entry.record):
            if key in seen:
                finder.union(seen[key], position)
            else:
                seen[key] = position
    groups: dict[int, list[Entry]] = {}
    for position, entry in enumerate(entries):
        groups.setdefault(finder.find(position), []).append(entry)

    publications = []
    for members in groups.values():
        chosen: dict[str, Support] = {}
        conflicts = []
        if len(members) == 1:  # the common case: every value is kept as it is, nothing to weigh
            only = members[0]
            chosen = {column: Support(value.value, [(only, value.start, value.end)])
                      for column, value in only.record.fields.items() if column in PUBLICATION_COLUMNS}
            publication = Publication(publication_id(chosen, only.record), only, members, chosen)
            for name in ("authors", "affiliations", "keywords", "funders"):
                if getattr(only.record, name):
                    publication.lists[name] = only
            publications.append(publication)
            continue
        for column in PUBLICATION_COLUMNS:
            support, others = _choose(column, members)
            if support is not None:
                chosen[column] = support
                conflicts.extend((column, support.value, other, entry) for other, entry in others)
        primary = min(members, key=lambda e: (-len(e.record.fields), e.order))
        publication = Publication(publication_id(chosen, primary.record), primary, members, chosen,
                                  conflicts=conflicts)
        for name in ("authors", "affiliations", "keywords", "funders"):
            owner = _list_owner(name, members)
            if owner is not None:
                publication.lists[name] = owner
        for entry in members:
            if entry is not primary:
                publication.duplicate_reasons[entry.order] = (
                    f"duplicate of {primary.file} record {primary.index} ({_describe_link(entry, primary)}); "
                    f"merged into {publication.publication_id}")
        publications.append(publication)
    return publications


__all__ = ["Entry", "Publication", "Support", "Value", "match_keys", "merge"]
