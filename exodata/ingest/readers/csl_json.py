"""Reader for CSL-JSON (an array of CSL items, or a single item), as Zotero, Crossref and citeproc export it.

The JSON is read with the span of every value (:mod:`exodata.ingest.readers._json`, shared with the Europe PMC
JSON reader); this module knows CSL's items and fields.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._json import load_refusing, located, object_parts
from exodata.ingest.readers._locate import add_affiliation, first_chars, year_in

FORMAT = "csl_json"

_CSL_KEYS = re.compile(r'"(container-title|issued|citation-key|title-short|container-title-short|DOI|URL|'
                       r'author|page|volume|title|id)"\s*:')
#: CSL 1.0.2 item types (the "type" value every CSL item carries).
_CSL_TYPE = re.compile(r'"type"\s*:\s*"(article|article-journal|article-magazine|article-newspaper|bill|book|'
                       r'broadcast|chapter|classic|collection|dataset|document|entry|entry-dictionary|'
                       r'entry-encyclopedia|event|figure|graphic|hearing|interview|legal_case|legislation|'
                       r'manuscript|map|motion_picture|musical_score|pamphlet|paper-conference|patent|'
                       r'performance|periodical|personal_communication|post|post-weblog|regulation|report|'
                       r'review|review-book|software|song|speech|standard|thesis|treaty|webpage)"')


def accepts(text: str) -> bool:
    """True for a JSON array or object with a CSL item type and CSL keys (title, container-title, issued...)."""
    head = first_chars(text, 1500)
    if not head or head[0] not in "[{":
        return False
    keys = {found.group(1) for found in _CSL_KEYS.finditer(head)}
    return _CSL_TYPE.search(head) is not None and bool(keys & {"title", "container-title", "issued", "DOI",
                                                                 "citation-key", "author"})


def read(text: str) -> list[RawRecord]:
    """One record per CSL item; malformed or hostile JSON gives one quarantined record saying why."""
    return read_guarded(text, FORMAT, accepts, _read_item, _item_parts, noun="item")


def _item_parts(text: str) -> list[Part]:
    """The part of each CSL item, the item as content; an item that is not a JSON object is a broken part."""
    data = load_refusing(text, "CSL item")
    return object_parts(text, data if isinstance(data, list) else [data], "CSL item")


def _year(text: str, item: dict) -> Located | None:
    for key in ("issued", "published-print", "published-online"):
        date = item.get(key)
        if not isinstance(date, dict):
            continue
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            found = year_in(located(text, parts[0][0]))
            if found:
                return found
        for raw_key in ("raw", "literal"):
            found = year_in(located(text, date.get(raw_key)))
            if found:
                return found
    return None


def _read_item(text: str, part: Part) -> RawRecord:
    item, where = part.content, part.where
    record = RawRecord(FORMAT, part.index, part.span)

    def get(*keys: str) -> Located | None:
        for key in keys:
            found = located(text, item.get(key))
            if found:
                return found
        return None

    record.set("title", get("title"))
    record.set("journal", get("container-title", "container-title-short", "journalAbbreviation"))
    record.set("year", _year(text, item))
    record.set("volume", get("volume"))
    record.set("issue", get("issue"))
    pages = get("page")
    record.set("pages", pages)
    if not pages:
        record.set("first_page", get("page-first", "number", "article-number"))
    record.set("doi", get("DOI", "doi"))
    record.set("pmid", get("PMID", "pmid"))
    record.set("pmcid", get("PMCID", "pmcid"))
    record.set("language", get("language"))
    record.set("abstract", get("abstract"))
    record.set("publisher", get("publisher"))
    url = get("URL")
    record.links = [url] if url else []
    keywords = item.get("keyword")
    if isinstance(keywords, list):
        record.keywords = [found for found in map(lambda value: located(text, value), keywords) if found]
    else:
        found = located(text, keywords)
        if found:
            record.keywords = _split_keywords(found)
    authors = item.get("author")
    if isinstance(authors, list):
        for person in authors:
            if isinstance(person, dict):
                _add_author(text, record, person)
    if "title" not in record.fields and "doi" not in record.fields:
        record.quarantine = f"{where}: no title and no DOI; nothing identifies this record"
    return record


def _split_keywords(value: Located) -> list[Located]:
    """A CSL keyword string cut at ';' (or ',' when there is no ';'), when it holds no escapes.

    Each part is trimmed and located by hand, one Located a part (``sub`` then ``strip`` made two, and the
    pattern was escaped and looked up per value: together a tenth of this reader or so; docs/benchmarks.md).
    """
    if value.decoded is not None:
        return [value]
    text = value.text
    separator = ";" if ";" in text else ","
    parts, begin, length = [], 0, len(text)
    while begin <= length:
        cut = text.find(separator, begin)
        if cut < 0:
            cut = length
        piece = text[begin:cut]
        trimmed = piece.strip()
        if trimmed:
            at = value.start + begin + len(piece) - len(piece.lstrip())
            parts.append(Located(trimmed, at, at + len(trimmed)))
        begin = cut + 1
    return parts


def _add_author(text: str, record: RawRecord, person: dict) -> None:
    """A CSL name as 'family, given' (span from the first to the last of the two), with its affiliations."""
    family, given = located(text, person.get("family")), located(text, person.get("given"))
    if family and given:
        start, end = min(family.start, given.start), max(family.end, given.end)
        name = Located(text[start:end], start, end, f"{family.value}, {given.value}")
    else:
        name = family or located(text, person.get("literal"))
    if not name:
        return
    author = RawAuthor(name)
    affiliations = person.get("affiliation")
    if isinstance(affiliations, list):
        for affiliation in affiliations:
            found = located(text, affiliation.get("name") if isinstance(affiliation, dict) else affiliation)
            if found:
                position = add_affiliation(record, found)
                if position not in author.affiliations:
                    author.affiliations.append(position)
    record.authors.append(author)
