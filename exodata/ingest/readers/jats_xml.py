"""Reader for JATS XML front matter (``<article>``: journal-meta and article-meta), as PMC and publishers export.

Only the front matter is read (title, journal, publisher, dates, volume/issue/pages, ids, abstract, keywords,
authors with their ``aff`` elements, funding sources); the body is never looked at.  Parsing is the same
defused lxml as for PubMed XML, and a ``<pmc-articleset>`` holding several articles gives one record each.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._locate import add_affiliation, first_chars, year_in
from exodata.ingest.readers._xml import attribute_value, content_value, xml_parts

FORMAT = "jats_xml"

_ARTICLE = re.compile(r"<article[\s>]")
_JATS_SIGN = re.compile(r"JATS|-//NLM//DTD|Journal Archiving|Journal Publishing|dtd-version=|<front>|"
                        r"xmlns:xlink|article-type=|<pmc-articleset")

#: pub-date types, most wanted first: the issue date MEDLINE also shows, then the electronic one.
_DATE_PREFERENCE = ("ppub", "collection", "epub-ppub", "pub", "epub")


def accepts(text: str) -> bool:
    """True for XML opening with an ``<article>`` (or pmc-articleset) that carries a JATS/NLM mark."""
    head = first_chars(text, 1500)
    return head.startswith("<") and _ARTICLE.search(head) is not None and _JATS_SIGN.search(head) is not None


def read(text: str) -> list[RawRecord]:
    """One record per ``<article>``; broken or refused XML gives quarantined records saying why."""
    return read_guarded(text, FORMAT, accepts, _read_article, lambda text: xml_parts(text, ("article",)),
                        noun="article")


def _children(element, name: str) -> list:
    """The child elements named ``name`` in any namespace or none (lxml filters them in C)."""
    return list(element.iterchildren(f"{{*}}{name}"))


def _child(element, *path: str):
    """The first descendant along ``path`` (local names, namespaces ignored), or None."""
    for name in path:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _descendants(element, name: str) -> list:
    """``element`` and the elements under it named ``name`` in any namespace or none."""
    return list(element.iter(f"{{*}}{name}"))


def _read_article(text: str, part: Part) -> RawRecord:
    chunk, where = part.content, part.where
    record = RawRecord(FORMAT, part.index, part.span)
    spans = chunk.spans
    root = chunk.element

    def value(element) -> Located | None:
        if element is None:
            return None
        start, end = spans.content(element)
        return content_value(text, start, end, element)

    front = _child(root, "front")
    meta = _child(front, "article-meta")
    journal_meta = _child(front, "journal-meta")
    if meta is None:
        record.quarantine = f"{where}: no front/article-meta element; not a JATS article's front matter"
        return record

    record.set("title", value(_child(meta, "title-group", "article-title")))
    record.set("journal", value(_child(journal_meta, "journal-title-group", "journal-title"))
               or value(_child(journal_meta, "journal-title"))
               or value(_child(journal_meta, "journal-id")))
    record.set("publisher", value(_child(journal_meta, "publisher", "publisher-name")))
    record.set("year", year_in(value(_child(_publication_date(meta), "year"))))
    record.set("volume", value(_child(meta, "volume")))
    record.set("issue", value(_child(meta, "issue")))
    first, last = value(_child(meta, "fpage")), value(_child(meta, "lpage"))
    record.set("first_page", first or value(_child(meta, "elocation-id")))
    record.set("last_page", last if first else None)
    for article_id in _children(meta, "article-id"):
        kind = article_id.get("pub-id-type")
        name = {"doi": "doi", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid"}.get(kind or "")
        found = value(article_id)
        if name and found and name not in record.fields:
            if name == "pmcid" and found.value.isdigit():
                found = Located(found.text, found.start, found.end, f"PMC{found.value}")
            record.set(name, found)
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if language:
        record.set("language", attribute_value(text, spans[root], "xml:lang"))
    abstracts = [abstract for abstract in _children(meta, "abstract") if abstract.get("abstract-type") is None]
    record.set("abstract", value(abstracts[0]) if abstracts else None)
    for group in _children(meta, "kwd-group"):
        record.keywords.extend(found for found in map(value, _children(group, "kwd")) if found)
    for source in _descendants(meta, "funding-source"):
        found = value(source)
        if found and all(found.value != known.value for known in record.funders):
            record.funders.append(found)
    _authors(text, meta, spans, record, value)
    if "title" not in record.fields and "doi" not in record.fields:
        record.quarantine = f"{where}: no article-title and no DOI; nothing identifies this record"
    return record


def _publication_date(meta):
    """The pub-date to take the year from, by :data:`_DATE_PREFERENCE`, else the first one."""
    dates = _children(meta, "pub-date")
    for wanted in _DATE_PREFERENCE:
        for date in dates:
            if wanted in (date.get("pub-type"), date.get("date-type")):
                return date
    return dates[0] if dates else None


def _affiliation_value(text: str, spans, aff) -> Located | None:
    """An ``aff`` without its leading ``<label>``, located; decoded is its text without markup."""
    from lxml import etree

    span = spans[aff]
    start = span.content_start
    labels = _children(aff, "label")
    if labels and (aff.text or "").strip() == "":
        start = spans[labels[0]].end
    raw = Located.of(text, start, span.content_end).strip()
    if not raw:
        return None
    parts = [aff.text or ""] if not labels else []
    for child in aff:
        if child in labels:
            parts.append(child.tail or "")
            continue
        parts.append(etree.tostring(child, method="text", encoding=str, with_tail=True))
    plain = " ".join("".join(parts).split())
    return raw if plain == raw.text else Located(raw.text, raw.start, raw.end, plain)


def _authors(text: str, meta, spans, record: RawRecord, value) -> None:
    """Contributors of type author as 'surname, given-names', linked to their aff elements by xref or nesting."""
    affs = {}
    for aff in _descendants(meta, "aff"):
        found = _affiliation_value(text, spans, aff)
        if found:
            affs[aff.get("id") or f"#{len(affs)}"] = (aff, found)
    for group in _children(meta, "contrib-group"):
        for contrib in _children(group, "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = _child(contrib, "name")
            if name is None:
                continue
            surname, given = value(_child(name, "surname")), value(_child(name, "given-names"))
            if not surname:
                continue
            if given:
                start, end = min(surname.start, given.start), max(surname.end, given.end)
                located = Located(text[start:end], start, end, f"{surname.value}, {given.value}")
            else:
                located = surname
            author = RawAuthor(located)
            wanted = [xref.get("rid", "") for xref in _children(contrib, "xref") if xref.get("ref-type") == "aff"]
            ids = [rid for ref in wanted for rid in ref.split()]
            nested = [key for key, (aff, _) in affs.items() if aff.getparent() is contrib]
            for key in ids + nested:
                if key in affs:
                    position = add_affiliation(record, affs[key][1])
                    if position not in author.affiliations:
                        author.affiliations.append(position)
            record.authors.append(author)
    for _, found in affs.values():
        add_affiliation(record, found)
