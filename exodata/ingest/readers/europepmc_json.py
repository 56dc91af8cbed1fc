"""Reader for Europe PMC JSON: the answer of Europe PMC's REST search (``format=json``, ``resultType=core``),
as ``exodata fetch europepmc`` saves it (``{"resultList": {"result": [...]}}``) or as the service returns it
(with ``version``, ``hitCount``, ``nextCursorMark`` and ``request`` around it).

Each ``result`` is one record.  JSON is parsed by the span-keeping decoder the CSL-JSON reader uses too
(:mod:`exodata.ingest.readers._json`), so every value is located in the text as written
(escapes in the span, the decoded string in ``decoded``), after the same nesting pre-scan.  Read: ``title``,
``abstractText`` (Europe PMC marks them up with a few HTML tags, ``<h4>`` section heads, ``<i>``, ``<sup>``: the
decoded value drops the tags and writes a head as ``HEAD: ``), ``authorList`` (``lastName``/``firstName`` or
``initials``, ``collectiveName``, else ``fullName``; affiliations from ``authorAffiliationDetailsList``),
``journalInfo`` (journal title, volume, issue, year), ``pubYear``, ``pageInfo``, ``doi``/``pmid``/``pmcid``,
``language``, ``keywordList``, ``grantsList`` agencies, ``bookOrReportDetails.publisher``, ``citedByCount``,
``pubTypeList.pubType`` (the publication types as given: Europe PMC's own, "research-article", beside MEDLINE's,
"Journal Article"; no MeSH ids) and ``meshHeadingList.meshHeading`` (``descriptorName`` with its
``majorTopic_YN``, and ``meshQualifierList.meshQualifier`` entries' ``qualifierName`` and ``majorTopic_YN``; Europe
PMC gives no MeSH ids).  A term's span as written runs from its name to its ``majorTopic_YN`` value (quotes
included), the heading's is its whole JSON object.
"""

from __future__ import annotations

import html
import re

from exodata.ingest.model import Located, Problem, RawAuthor, RawHeading, RawRecord, RawTerm
from exodata.ingest.readers._guard import Part, Refused, read_guarded
from exodata.ingest.readers._json import JsonStr, load_refusing, located, object_parts
from exodata.ingest.readers._locate import add_affiliation, first_chars, line_number, strip_terminal_period, year_in

FORMAT = "europepmc_json"

_SIGNATURE = re.compile(r'"(resultList|hitCount|nextCursorMark)"\s*:')
#: The HTML Europe PMC writes in titles and abstracts (only these are taken as markup: "p<0.05" stays text).
_TAG = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|inf|span|p|br|div|h\d|mml:[a-z]+|math)\b[^<>]*/?>", re.IGNORECASE)
_HEAD = re.compile(r"<h\d\b[^<>]*>\s*(.*?)\s*</h\d\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK = re.compile(r"</?(?:p|br|div)\b[^<>]*/?>", re.IGNORECASE)


def accepts(text: str) -> bool:
    """True for a JSON object that names Europe PMC's ``resultList`` (or ``hitCount`` / ``nextCursorMark``)."""
    head = first_chars(text, 4000)
    return head.startswith("{") and _SIGNATURE.search(head) is not None and '"resultList"' in text


def read(text: str) -> list[RawRecord]:
    """One record per search result; malformed or hostile JSON gives one quarantined record saying why."""
    return read_guarded(text, FORMAT, accepts, _read_result, _result_parts, noun="result")


def _result_parts(text: str) -> list[Part]:
    data = load_refusing(text, "Europe PMC result")
    listed = data.get("resultList") if isinstance(data, dict) else None
    results = listed.get("result") if isinstance(listed, dict) else None
    if not isinstance(results, list):
        raise Refused("a Europe PMC answer without a resultList.result array; nothing to read")
    return object_parts(text, results, "Europe PMC result")


def _dig(value, *keys):
    """``value[keys[0]][keys[1]]...``, or None where a step is missing or not an object."""
    for name in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _list(value, *keys) -> list:
    found = _dig(value, *keys)
    return found if isinstance(found, list) else []


def _plain(value: Located | None) -> Located | None:
    """The value with Europe PMC's markup dropped from ``decoded`` (a section head written ``HEAD: ``)."""
    if value is None:
        return None
    written = value.value
    if "<" not in written and "&" not in written:
        return value
    plain = _HEAD.sub(lambda found: found.group(1).rstrip(": ") + ": ", written)
    plain = _BLOCK.sub(" ", plain)
    plain = _TAG.sub("", plain)
    plain = " ".join(html.unescape(plain).split())
    if not plain:
        return None
    return value if plain == value.text else Located(value.text, value.start, value.end, plain)


def _read_result(text: str, part: Part) -> RawRecord:
    item = part.content
    record = RawRecord(FORMAT, part.index, part.span)

    def get(*path) -> Located | None:
        return located(text, _dig(item, *path))

    title = _plain(get("title"))
    record.set("title", strip_terminal_period(title) if title else None)
    record.set("journal", get("journalInfo", "journal", "title") or get("journalInfo", "journal", "medlineAbbreviation")
               or get("journalInfo", "journal", "isoabbreviation") or get("bookOrReportDetails", "comprisingTitle"))
    record.set("year", year_in(get("pubYear")) or year_in(get("journalInfo", "yearOfPublication"))
               or year_in(get("bookOrReportDetails", "yearOfPublication")))
    record.set("volume", get("journalInfo", "volume"))
    record.set("issue", get("journalInfo", "issue"))
    record.set("pages", get("pageInfo"))
    record.set("doi", get("doi"))
    record.set("pmid", get("pmid"))
    record.set("pmcid", get("pmcid"))
    record.set("language", get("language"))
    record.set("abstract", _plain(get("abstractText")))
    record.set("publisher", get("bookOrReportDetails", "publisher"))
    record.set("cited_by_count", get("citedByCount"))
    for keyword in _list(item, "keywordList", "keyword"):
        found = located(text, keyword)
        if found:
            record.keywords.append(found)
    for grant in _list(item, "grantsList", "grant"):
        found = located(text, _dig(grant, "agency"))
        if found and all(found.value != known.value for known in record.funders):
            record.funders.append(found)
    for person in _list(item, "authorList", "author"):
        if isinstance(person, dict):
            _add_author(text, record, person)
    types = _dig(item, "pubTypeList", "pubType")
    for kind in types if isinstance(types, list) else [types]:  # a lone type may be written bare
        found = located(text, kind) if isinstance(kind, JsonStr) else None
        if found:
            record.publication_types.append(RawTerm(found))
    for heading in _list(item, "meshHeadingList", "meshHeading"):
        if isinstance(heading, dict):
            _add_heading(text, record, heading)
    if not any(name in record.fields for name in ("title", "doi", "pmid", "pmcid")):
        record.quarantine = f"{part.where}: no title, DOI, PMID or PMCID; nothing identifies this record"
    return record


def _add_author(text: str, record: RawRecord, person: dict) -> None:
    """'lastName, firstName' (span from the first to the last of the two), with the author's affiliations."""
    last = located(text, person.get("lastName"))
    given = located(text, person.get("firstName")) or located(text, person.get("initials"))
    if last and given:
        start, end = min(last.start, given.start), max(last.end, given.end)
        name = Located(text[start:end], start, end, f"{last.value}, {given.value}")
    else:
        name = last or located(text, person.get("collectiveName")) or located(text, person.get("fullName"))
    if not name:
        return
    author = RawAuthor(name)
    for affiliation in _list(person, "authorAffiliationDetailsList", "authorAffiliation"):
        found = located(text, _dig(affiliation, "affiliation"))
        if found:
            position = add_affiliation(record, found)
            if position not in author.affiliations:
                author.affiliations.append(position)
    record.authors.append(author)


def _term(text: str, entry: dict, key: str) -> RawTerm | None:
    """``entry[key]`` as a term, major when ``entry["majorTopic_YN"]`` is exactly "Y" (as PubMed XML's
    ``MajorTopicYN``); written from the name to that flag, quotes included.  None when the name is missing, blank
    or not a string."""
    value = entry.get(key)
    name = located(text, value) if isinstance(value, JsonStr) else None
    if name is None:
        return None
    flag = entry.get("majorTopic_YN")
    if not isinstance(flag, JsonStr):
        return RawTerm(name)
    start, end = min(value.start, flag.start) - 1, max(value.end, flag.end) + 1
    return RawTerm(name, None, flag == "Y", (start, end))


def _add_heading(text: str, record: RawRecord, heading: dict) -> None:
    """One ``meshHeading`` object: its descriptor and qualifiers, in the order written.  A heading without a
    ``descriptorName`` value is left out, with a problem saying so."""
    descriptor = _term(text, heading, "descriptorName")
    start = getattr(heading, "start", 0)
    if descriptor is None:
        record.problems.append(Problem("a meshHeading has no descriptorName value; left out", start,
                                       line_number(text, start)))
        return
    qualifiers = []
    for entry in _list(heading, "meshQualifierList", "meshQualifier"):
        qualifier = _term(text, entry, "qualifierName") if isinstance(entry, dict) else None
        if qualifier is not None:
            qualifiers.append(qualifier)
    written = Located.of(text, start, getattr(heading, "end", len(text)))
    record.subject_headings.append(RawHeading(written, descriptor, qualifiers))
