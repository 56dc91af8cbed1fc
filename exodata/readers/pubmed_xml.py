"""Reader for PubMed XML (``<PubmedArticleSet>`` of ``<PubmedArticle>``, as efetch and the PubMed site export).

Parsed with lxml behind defusedxml's checks (see :func:`exodata.readers._locate.parse_xml_safely`): entity
declarations and external references are refused, deep nesting stops at libxml2's limit.  Each
``PubmedArticle`` (and ``PubmedBookArticle``) is one record; a document that does not parse as a whole is cut
at the record tags so that only the broken record is quarantined.  Values are element contents located in the
text; markup and entities inside them (``<i>``, ``&amp;``) stay in the span and are resolved in ``decoded``.
"""

from __future__ import annotations

import re

from exodata.model import Located, RawAuthor, RawRecord
from exodata.readers._locate import (
    add_affiliation,
    attribute_value,
    content_value,
    first_chars,
    local_name,
    looks_like_elocator,
    read_xml_records,
    strip_terminal_period,
    year_in,
)

FORMAT = "pubmed_xml"

_ACCEPT = re.compile(r"<(PubmedArticleSet|PubmedArticle|PubmedBookArticle)[\s>]|<!DOCTYPE\s+PubmedArticleSet")


def accepts(text: str) -> bool:
    """True when the text is XML whose opening names a PubmedArticleSet or PubmedArticle."""
    head = first_chars(text, 1200)
    return head.startswith("<") and _ACCEPT.search(head) is not None


def read(text: str) -> list[RawRecord]:
    """One record per PubmedArticle; broken or refused XML gives quarantined records saying why."""
    if not accepts(text):
        return []  # not this format at all: detection decides, nothing to quarantine here
    return read_xml_records(text, FORMAT, ("PubmedArticle", "PubmedBookArticle"), "record", "PubMed XML", _read_article)


class _Article:
    """Located values of one parsed record element.

    Paths are followed through an index of each visited element's children by tag, made once per element:
    a reader asks some thirty paths of the same few elements, and lxml's ``find`` parses and walks each
    path anew.  The paths are plain child steps ('A/B/C'), found in document order as ``find`` finds them.
    """

    def __init__(self, text: str, chunk) -> None:
        self.text = text
        self.root = chunk.element
        self.spans = chunk.spans
        self._children: dict = {}
        self._found: dict = {}

    def value(self, element) -> Located | None:
        if element is None:
            return None
        start, end = self.spans.content(element)
        return content_value(self.text, start, end, element)

    def children(self, element) -> dict[str, list]:
        """The child elements of ``element`` by tag, in document order."""
        index = self._children.get(element)
        if index is None:
            index = {}
            for child in element:
                tag = child.tag
                if isinstance(tag, str):  # not a comment or processing instruction
                    if tag in index:
                        index[tag].append(child)
                    else:
                        index[tag] = [child]
            self._children[element] = index
        return index

    def all(self, path: str, base=None) -> list:
        """The elements at ``path`` (child steps) under ``base`` (the record), in document order.

        Remembered by path, so that paths sharing a start ('Article/Journal/...') walk it once.
        """
        key = (path, base)
        found = self._found.get(key)
        if found is None:
            parent, _, step = path.rpartition("/")
            parents = self.all(parent, base) if parent else [self.root if base is None else base]
            found = [child for element in parents for child in self.children(element).get(step, ())]
            self._found[key] = found
        return found

    def find(self, path: str, base=None):
        found = self.all(path, base)
        return found[0] if found else None

    def first(self, *paths: str) -> Located | None:
        for path in paths:
            found = self.value(self.find(path))
            if found is not None:  # value() gives None or a non-blank value
                return found
        return None

    def attribute(self, element, name: str) -> Located | None:
        return attribute_value(self.text, self.spans[element], name)


def _read_article(text: str, index: int, chunk, where: str) -> RawRecord:
    record = RawRecord(FORMAT, index, (chunk.start, chunk.end))
    doc = _Article(text, chunk)
    book = local_name(doc.root) == "PubmedBookArticle"
    citation = "BookDocument" if book else "MedlineCitation"
    article = f"{citation}/Article" if not book else citation

    title = doc.first(f"{article}/ArticleTitle", f"{citation}/Book/BookTitle")
    record.set("title", strip_terminal_period(title) if title else None)
    vernacular = doc.first(f"{article}/VernacularTitle")
    record.set("title_vernacular", strip_terminal_period(vernacular) if vernacular else None)
    record.set("journal", doc.first(f"{article}/Journal/Title", f"{citation}/MedlineJournalInfo/MedlineTA",
                                    f"{article}/Journal/ISOAbbreviation"))
    issue = f"{article}/Journal/JournalIssue"
    record.set("volume", doc.first(f"{issue}/Volume", f"{citation}/Book/Volume"))
    record.set("issue", doc.first(f"{issue}/Issue"))
    record.set("year", year_in(doc.first(f"{issue}/PubDate/Year", f"{issue}/PubDate/MedlineDate",
                                         f"{citation}/Book/PubDate/Year", f"{article}/ArticleDate/Year")))
    record.set("pmid", doc.first(f"{citation}/PMID"))
    record.set("language", doc.first(f"{article}/Language", f"{citation}/Language"))
    record.set("country", doc.first(f"{citation}/MedlineJournalInfo/Country"))
    record.set("publisher", doc.first(f"{citation}/Book/Publisher/PublisherName"))
    record.set("abstract", _abstract(doc, f"{article}/Abstract"))
    _pages_and_ids(doc, record, article)
    _authors(doc, record, f"{article}/AuthorList")
    for keyword_list in doc.all(f"{citation}/KeywordList"):
        for keyword in doc.all("Keyword", keyword_list):
            found = doc.value(keyword)
            if found:
                record.keywords.append(found)
    for grant in doc.all(f"{article}/GrantList/Grant/Agency"):
        found = doc.value(grant)
        if found and all(found.value != known.value for known in record.funders):
            record.funders.append(found)
    if "pmid" not in record.fields and "title" not in record.fields:
        record.quarantine = f"{where}: no PMID and no ArticleTitle; nothing identifies this record"
    return record


def _abstract(doc: _Article, path: str) -> Located | None:
    """The abstract: one AbstractText, or the run from the first to the last, decoded with their labels."""
    parts = doc.all(f"{path}/AbstractText")
    values = [doc.value(part) for part in parts]
    if not any(values):
        return None
    if len(parts) == 1:
        return values[0]
    pieces = []
    for part, value in zip(parts, values):
        if value:
            label = part.get("Label")
            pieces.append(f"{label}: {value.value}" if label else value.value)
    located = [value for value in values if value]
    start, end = located[0].start, located[-1].end
    return Located(doc.text[start:end], start, end, " ".join(pieces))


def _pages_and_ids(doc: _Article, record: RawRecord, article: str) -> None:
    """Pages (MedlinePgn, else StartPage/EndPage, else an e-locator), DOI and PMCID."""
    pages = doc.first(f"{article}/Pagination/MedlinePgn")
    if pages:
        record.set("pages", pages)
    else:
        record.set("first_page", doc.first(f"{article}/Pagination/StartPage"))
        record.set("last_page", doc.first(f"{article}/Pagination/EndPage"))
    doi = elocator = None
    for location in doc.all(f"{article}/ELocationID"):
        kind, value = location.get("EIdType"), doc.value(location)
        if not value:
            continue
        if kind == "doi" and doi is None:
            doi = value
        elif kind == "pii" and elocator is None and looks_like_elocator(value.value):
            elocator = value
    if not pages and "first_page" not in record.fields:
        record.set("first_page", elocator)
    ids = {}
    for article_id in doc.all("PubmedData/ArticleIdList/ArticleId"):
        value = doc.value(article_id)
        if value:
            ids.setdefault(article_id.get("IdType"), value)
    record.set("doi", doi or ids.get("doi"))
    record.set("pmcid", ids.get("pmc"))
    if "pmid" not in record.fields:
        record.set("pmid", ids.get("pubmed"))


def _authors(doc: _Article, record: RawRecord, path: str) -> None:
    """Persons of the AuthorList as 'LastName, ForeName' (span from LastName to ForeName), with affiliations."""
    for author in doc.all(f"{path}/Author"):
        parts = doc.children(author)
        last = doc.value(_first(parts, "LastName"))
        given = doc.value(_first(parts, "ForeName"))
        if given is None:
            given = doc.value(_first(parts, "Initials"))
        if last is None:
            continue
        if given is not None:
            start, end = min(last.start, given.start), max(last.end, given.end)
            name = Located(doc.text[start:end], start, end, f"{last.value}, {given.value}")
        else:
            name = last
        raw_author = RawAuthor(name)
        for affiliation in [found for info in parts.get("AffiliationInfo", ())
                            for found in doc.children(info).get("Affiliation", ())]:
            value = doc.value(affiliation)
            if value:
                position = add_affiliation(record, value)
                if position not in raw_author.affiliations:
                    raw_author.affiliations.append(position)
        record.authors.append(raw_author)


def _first(children: dict[str, list], tag: str):
    """The first child named ``tag`` from an index of :meth:`_Article.children` (None when there is none)."""
    found = children.get(tag)
    return found[0] if found else None
