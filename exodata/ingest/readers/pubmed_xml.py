"""Reader for PubMed XML (``<PubmedArticleSet>`` of ``<PubmedArticle>``, as efetch and the PubMed site export).

Parsed with lxml behind defusedxml's checks (see :func:`exodata.ingest.readers._xml.parse_xml_safely`): entity
declarations and external references are refused, deep nesting stops at libxml2's limit.  Each
``PubmedArticle`` (and ``PubmedBookArticle``) is one record; a document that does not parse as a whole is cut
at the record tags so that only the broken record is quarantined.  Values are element contents located in the
text; markup and entities inside them (``<i>``, ``&amp;``) stay in the span and are resolved in ``decoded``.
Publication types and MeSH headings come with their ``UI`` (located inside the start tag) and ``MajorTopicYN``.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, Problem, RawAuthor, RawHeading, RawRecord, RawTerm
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._locate import (
    first_chars,
    line_number,
    looks_like_elocator,
    strip_terminal_period,
    year_in,
)
from exodata.ingest.readers._xml import content_value, local_name, xml_parts

FORMAT = "pubmed_xml"

#: The ``UI`` attribute of a start tag (a MeSH id), searched between the tag's start and its content.
_UI = re.compile(r"""\sUI\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ACCEPT = re.compile(r"<(PubmedArticleSet|PubmedArticle|PubmedBookArticle)[\s>]|<!DOCTYPE\s+PubmedArticleSet")


def accepts(text: str) -> bool:
    """True when the text is XML whose opening names a PubmedArticleSet or PubmedArticle."""
    head = first_chars(text, 1200)
    return head.startswith("<") and _ACCEPT.search(head) is not None


def read(text: str) -> list[RawRecord]:
    """One record per PubmedArticle; broken or refused XML gives quarantined records saying why."""
    return read_guarded(text, FORMAT, accepts, _read_article,
                        lambda text: xml_parts(text, ("PubmedArticle", "PubmedBookArticle")))


def _paths(citation: str, article: str) -> dict[str, tuple[str, ...]]:
    """The paths (child steps from the record element) each field is read from, first found first."""
    issue = f"{article}/Journal/JournalIssue"
    return {
        "title": (f"{article}/ArticleTitle", f"{citation}/Book/BookTitle"),
        "title_vernacular": (f"{article}/VernacularTitle",),
        "journal": (f"{article}/Journal/Title", f"{citation}/MedlineJournalInfo/MedlineTA",
                    f"{article}/Journal/ISOAbbreviation"),
        "volume": (f"{issue}/Volume", f"{citation}/Book/Volume"),
        "issue": (f"{issue}/Issue",),
        "year": (f"{issue}/PubDate/Year", f"{issue}/PubDate/MedlineDate", f"{citation}/Book/PubDate/Year",
                 f"{article}/ArticleDate/Year"),
        "pmid": (f"{citation}/PMID",),
        "language": (f"{article}/Language", f"{citation}/Language"),
        "country": (f"{citation}/MedlineJournalInfo/Country",),
        "publisher": (f"{citation}/Book/Publisher/PublisherName",),
        "abstract": (f"{article}/Abstract/AbstractText",),
        "pages": (f"{article}/Pagination/MedlinePgn",),
        "first_page": (f"{article}/Pagination/StartPage",),
        "last_page": (f"{article}/Pagination/EndPage",),
        "elocation": (f"{article}/ELocationID",),
        "article_id": ("PubmedData/ArticleIdList/ArticleId",),
        "author": (f"{article}/AuthorList/Author",),
        "keyword": (f"{citation}/KeywordList/Keyword",),
        "agency": (f"{article}/GrantList/Grant/Agency",),
        # a book's publication types sit in BookDocument itself
        "publication_type": (f"{article}/PublicationTypeList/PublicationType" if article != citation
                             else f"{citation}/PublicationType",),
        "mesh_heading": (f"{citation}/MeshHeadingList/MeshHeading",),
    }


_JOURNAL_PATHS = _paths("MedlineCitation", "MedlineCitation/Article")
_BOOK_PATHS = _paths("BookDocument", "BookDocument")


def _path_tree(paths) -> dict:
    """``{tag: (path or None, {tag: ...})}``: the paths as a tree of child steps, for :func:`_collect`."""
    tree: dict = {}
    for path in paths:
        node, steps = tree, path.split("/")
        for depth, step in enumerate(steps):
            own, below = node.get(step, (None, {}))
            node[step] = (path if depth == len(steps) - 1 else own, below)
            node = below
    return tree


_PATH_TREE = _path_tree({path for table in (_JOURNAL_PATHS, _BOOK_PATHS) for paths in table.values()
                         for path in paths})


def _collect(element, tree: dict, found: dict) -> None:
    """Add to ``found[path]`` every element under ``element`` at one of the paths of ``tree``.

    One walk over only the branches some path goes down (asking each path of a per-element child index was
    most of the reader's own time).  A depth-first walk finds the elements of each path in
    document order, as ``findall`` does.  Comments and processing instructions have a non-str tag that is no
    key of the tree.
    """
    for child in element:
        step = tree.get(child.tag)
        if step is not None:
            path, below = step
            if path is not None:
                if path in found:
                    found[path].append(child)
                else:
                    found[path] = [child]
            if below:
                _collect(child, below, found)


class _Article:
    """Located values of one parsed record element, found by one walk of the paths a reader asks."""

    def __init__(self, text: str, chunk) -> None:
        self.text = text
        self.root = chunk.element
        self.spans = chunk.spans
        self.content = chunk.spans.content  # bound once: value() is called some forty times a record
        self.found: dict[str, list] = {}
        _collect(self.root, _PATH_TREE, self.found)

    def value(self, element) -> Located | None:
        if element is None:
            return None
        start, end = self.content(element)
        return content_value(self.text, start, end, element)

    def term(self, element) -> RawTerm | None:
        """The element's value as a controlled term: with its ``UI`` attribute (located) and whether it has
        ``MajorTopicYN="Y"``; its span as written is the whole element, attributes included.  None when blank."""
        text = self.text
        start, content_start, content_end, end = self.spans.bounds(element)
        name = content_value(text, content_start, content_end, element)
        if name is None:
            return None
        return RawTerm(name, _ui(text, start, content_start), element.get("MajorTopicYN") == "Y", (start, end))

    def all(self, paths: tuple[str, ...]) -> list:
        """The elements at the (one) path of ``paths``, in document order."""
        return self.found.get(paths[0], [])

    def first(self, paths: tuple[str, ...]) -> Located | None:
        """The value of the first element of the first path whose first element has a non-blank value."""
        for path in paths:
            elements = self.found.get(path)
            if elements:
                found = self.value(elements[0])
                if found is not None:  # value() gives None or a non-blank value
                    return found
        return None


def _read_article(text: str, part: Part) -> RawRecord:
    record = RawRecord(FORMAT, part.index, part.span)
    doc = _Article(text, part.content)
    paths = _BOOK_PATHS if local_name(doc.root) == "PubmedBookArticle" else _JOURNAL_PATHS

    title = doc.first(paths["title"])
    record.set("title", strip_terminal_period(title) if title else None)
    vernacular = doc.first(paths["title_vernacular"])
    record.set("title_vernacular", strip_terminal_period(vernacular) if vernacular else None)
    for field in ("journal", "volume", "issue"):
        record.set(field, doc.first(paths[field]))
    record.set("year", year_in(doc.first(paths["year"])))
    for field in ("pmid", "language", "country", "publisher"):
        record.set(field, doc.first(paths[field]))
    record.set("abstract", _abstract(doc, doc.all(paths["abstract"])))
    _pages_and_ids(doc, record, paths)
    _authors(doc, record, doc.all(paths["author"]))
    for keyword in doc.all(paths["keyword"]):
        found = doc.value(keyword)
        if found:
            record.keywords.append(found)
    for grant in doc.all(paths["agency"]):
        found = doc.value(grant)
        if found and all(found.value != known.value for known in record.funders):
            record.funders.append(found)
    for element in doc.all(paths["publication_type"]):
        term = doc.term(element)
        if term is not None:
            record.publication_types.append(term)
    for heading in doc.all(paths["mesh_heading"]):
        _mesh_heading(doc, record, heading)
    if "pmid" not in record.fields and "title" not in record.fields:
        record.quarantine = f"{part.where}: no PMID and no ArticleTitle; nothing identifies this record"
    return record


def _ui(text: str, start: int, stop: int) -> Located | None:
    """The ``UI`` attribute of the start tag ``text[start:stop]``, located; None when absent or blank."""
    at = text.find(' UI="', start, stop)  # how PubMed writes it; any other writing goes by the pattern
    if at >= 0:
        at += 5
        close = text.find('"', at, stop)
        found = Located(text[at:close], at, close) if close >= 0 else None
    else:
        match = _UI.search(text, start, stop)
        if match is None:
            return None
        group = 1 if match.group(1) is not None else 2
        found = Located.of(text, match.start(group), match.end(group))
    if found is None or not found:
        return None
    return found if found.text == found.text.strip() else found.strip()


def _mesh_heading(doc: _Article, record: RawRecord, heading) -> None:
    """A MeshHeading: its DescriptorName and QualifierNames as terms (UI, MajorTopicYN), in document order.

    A heading without a DescriptorName value is left out, with a problem saying so.
    """
    descriptor = None
    qualifiers = []
    first = last = None
    for child in heading:
        tag = child.tag
        if tag != "DescriptorName" and tag != "QualifierName":
            continue
        term = doc.term(child)
        if term is None:
            continue
        start, last = term.written
        if first is None:
            first = start
        if tag == "QualifierName":
            qualifiers.append(term)
        elif descriptor is None:
            descriptor = term
    if descriptor is None:
        if first is not None:
            record.problems.append(Problem("a MeshHeading has no DescriptorName value; left out", first,
                                           line_number(doc.text, first)))
        return
    record.subject_headings.append(RawHeading(Located.of(doc.text, first, last), descriptor, qualifiers))


def _abstract(doc: _Article, parts: list) -> Located | None:
    """The abstract: one AbstractText, or the run from the first to the last, decoded with their labels."""
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


def _pages_and_ids(doc: _Article, record: RawRecord, paths: dict[str, tuple[str, ...]]) -> None:
    """Pages (MedlinePgn, else StartPage/EndPage, else an e-locator), DOI and PMCID."""
    pages = doc.first(paths["pages"])
    if pages:
        record.set("pages", pages)
    else:
        record.set("first_page", doc.first(paths["first_page"]))
        record.set("last_page", doc.first(paths["last_page"]))
    doi = elocator = None
    for location in doc.all(paths["elocation"]):
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
    for article_id in doc.all(paths["article_id"]):
        value = doc.value(article_id)
        if value:
            ids.setdefault(article_id.get("IdType"), value)
    record.set("doi", doi or ids.get("doi"))
    record.set("pmcid", ids.get("pmc"))
    if "pmid" not in record.fields:
        record.set("pmid", ids.get("pubmed"))


_NAME_PARTS = frozenset(("LastName", "ForeName", "Initials"))


def _authors(doc: _Article, record: RawRecord, authors: list) -> None:
    """Persons of the AuthorList as 'LastName, ForeName' (span from LastName to ForeName), with affiliations."""
    # Each distinct affiliation's position, by its words as add_affiliation compares them: a lookup instead
    # of add_affiliation's pass over the record's affiliations for each author.
    known: dict[str, int] = {}
    for author in authors:
        parts: dict = {}  # the first LastName, ForeName and Initials child
        affiliations = []
        for child in author:
            tag = child.tag
            if tag in _NAME_PARTS:
                if tag not in parts:
                    parts[tag] = child
            elif tag == "AffiliationInfo":
                for info in child:
                    if info.tag == "Affiliation":
                        affiliations.append(info)
        last = doc.value(parts.get("LastName"))
        given = doc.value(parts.get("ForeName"))
        if given is None:
            given = doc.value(parts.get("Initials"))
        if last is None:
            continue
        if given is not None:
            start, end = min(last.start, given.start), max(last.end, given.end)
            name = Located(doc.text[start:end], start, end, f"{last.value}, {given.value}")
        else:
            name = last
        raw_author = RawAuthor(name)
        for affiliation in affiliations:
            value = doc.value(affiliation)
            if value:
                words = " ".join(value.value.split())
                position = known.get(words)
                if position is None:
                    record.affiliations.append(value)
                    position = known[words] = len(record.affiliations)
                if position not in raw_author.affiliations:
                    raw_author.affiliations.append(position)
        record.authors.append(raw_author)
