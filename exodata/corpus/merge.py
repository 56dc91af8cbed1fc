"""Merge: compiled records of all seeds become distinct publications.

Two records are the same work when they share a DOI, else a PMID or PMCID, else a normalised
title + year + first-author key (the keys are tried together: any shared key links records, so a record
with a DOI and a PMID bridges one that has only the PMID); a record with none of these is identified by
its content.  Within a group of duplicates the publication keeps, per column, the best-supported value:
the one most records agree on, ties broken by the format's trust rank (declared in ``exodata.ingest.formats``:
structured exports before scraped pages) and then by seed order.  Every kept value carries the spans of all
records that support it; every disagreeing value is reported as a conflict.  Each list (authors, affiliations,
keywords, funders...) is kept whole from one record: the fullest, then the most trusted.

Keys are computed per record in the workers (:mod:`exodata.corpus.keys`); grouping (:func:`group_records`)
and the choice within a group (:func:`merge_group`) see only those keys and small per-record summaries.  The
lists are the child list tables the schema source declares (:data:`~exodata.metadata.tables.MERGED_LISTS`;
one that follows others, such as ``author_affiliations``, is kept when one record owns them all).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from exodata.metadata.tables import FOLLOWING_LISTS, MERGED_COLUMNS, MERGED_LISTS

#: Identifier kinds of which one work has exactly one value, strongest first.
EXCLUSIVE_KEYS = ("doi", "pmid", "pmcid")


def group_records(keys_in_order: list[list[str]]) -> list[int]:
    """For records in seed order (each with its ``kind:value`` keys), the order of the first record of its group.

    Any shared key links two groups, unless the strongest identifier both have (DOI, then PMID, then PMCID)
    differs: then they are different works, whatever else they share (a title key, say), and neither
    identifier is lost.  A weaker disagreement under an agreeing stronger id (one DOI, two PMIDs) merges and
    is reported as a conflict.  So no two groups can end with the same publication id.
    """
    parent = list(range(len(keys_in_order)))
    identifiers: list[dict[str, str]] = [
        dict(key.split(":", 1) for key in keys if key.split(":", 1)[0] in EXCLUSIVE_KEYS) for keys in keys_in_order]

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def compatible(a: int, b: int) -> bool:
        ids_a, ids_b = identifiers[a], identifiers[b]
        for kind in EXCLUSIVE_KEYS:  # the strongest identifier both sides have decides
            if kind in ids_a and kind in ids_b:
                return ids_a[kind] == ids_b[kind]
        return True

    seen: dict[str, int] = {}
    for position, keys in enumerate(keys_in_order):
        for key in keys:
            if key not in seen:
                seen[key] = position
                continue
            a, b = find(seen[key]), find(position)
            if a != b and compatible(a, b):
                root, child = min(a, b), max(a, b)
                parent[child] = root
                identifiers[root] = {**identifiers[child], **identifiers[root]}
    return [find(position) for position in range(len(keys_in_order))]


@dataclass
class Member:
    """One record of a duplicate group, as the merge weighs it: its values and its summary figures."""

    file: str
    record: int
    order: int
    format: str | None
    rank: int
    keys: list[str]
    local_id: str
    values: dict[str, Any]  # publication column → value (None when the record does not give it)
    list_sizes: dict[str, int]  # child table → number of items
    author_detail: int  # letters of given names (full names beat initials)

    @property
    def source(self) -> tuple[str, int]:
        return (self.file, self.record)

    @property
    def trust(self) -> tuple[int, int]:
        return (self.rank, self.order)


@dataclass
class MergedGroup:
    publication_id: str
    primary: Member
    members: list[Member]
    values: dict[str, Any] = field(default_factory=dict)
    supporters: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # column → sources giving it
    conflicts: list[tuple[str, Any, Any, Member]] = field(default_factory=list)
    owners: dict[str, tuple[str, int]] = field(default_factory=dict)  # child table → source whose list is kept
    duplicate_reasons: dict[tuple[str, int], str] = field(default_factory=dict)


def _describe_link(a: Member, b: Member) -> str:
    shared = sorted(set(a.keys) & set(b.keys))
    if not shared:
        return "linked through other duplicates"
    kind, _, value = shared[0].partition(":")
    if kind == "title":
        return "same title, year and first author"
    if kind == "content":
        return "same content"
    return f"same {kind.upper()} {value}"


def merge_group(members: list[Member]) -> MergedGroup:
    """Choose the kept value of every column, the list owners and the primary record of a duplicate group."""
    primary = min(members, key=lambda m: (-sum(v is not None for v in m.values.values()), m.order))
    group = MergedGroup("", primary, members)
    for column in MERGED_COLUMNS:
        given = [(m.values[column], m) for m in members if m.values.get(column) is not None]
        if not given:
            continue
        counts = Counter(value for value, _ in given)
        best = {}
        for value, member in given:
            best[value] = min(best.get(value, member.trust), member.trust)
        kept = min(counts, key=lambda value: (-counts[value], best[value]))
        group.values[column] = kept
        supporters = sorted((m for value, m in given if value == kept), key=lambda m: m.trust)
        group.supporters[column] = [m.source for m in supporters]
        group.conflicts.extend((column, kept, value, m) for value, m in given if value != kept)
    for name in MERGED_LISTS:
        having = [m for m in members if m.list_sizes[name]]
        if having:
            detail = (lambda m: m.author_detail) if name == "authors" else (lambda m: 0)
            owner = min(having, key=lambda m: (-m.list_sizes[name], -detail(m), m.trust))
            group.owners[name] = owner.source
    for name, followed in FOLLOWING_LISTS.items():  # kept when one record's lists of them all are kept
        sources = {group.owners.get(table) for table in followed}
        if len(sources) == 1 and None not in sources:
            group.owners[name] = sources.pop()
    for name in ("doi", "pmid", "pmcid"):
        if name in group.values:
            group.publication_id = f"{name}:{group.values[name]}"
            break
    else:
        group.publication_id = primary.local_id  # no member has an identifier: all are content ids
    for member in members:
        if member is not primary:
            group.duplicate_reasons[member.source] = (
                f"duplicate of {primary.file} record {primary.record} ({_describe_link(member, primary)}); "
                f"merged into {group.publication_id}")
    return group
