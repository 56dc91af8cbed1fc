"""Reader for MEDLINE tagged text (PubMed's 'PubMed' / .nbib / .txt export).

A record is a run of ``TAG - value`` lines (tag padded to four characters, continuation lines indented by six
spaces); records are separated by blank lines, and a ``PMID-`` line always starts a new one.  Biopython's
``Bio.Medline`` parser gives the values; a small line scanner gives each tag line's position, so every value is
located in its own line(s) of the record.  Author affiliations (``AD``) follow the author (``FAU``/``AU``) they
belong to; DOIs come from ``LID``/``AID`` lines marked ``[doi]``; e-locators from ``LID ... [pii]`` when the
record has no ``PG``.  Publication types (``PT``) and MeSH headings (``MH``) are read as written, one per line.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, Problem, RawAuthor, RawHeading, RawRecord, RawTerm
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._locate import (
    TagRow,
    add_affiliation,
    first_chars,
    located_values,
    looks_like_elocator,
    strip_terminal_period,
    year_in,
)

FORMAT = "medline"

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}-(?: |$)")
_ACCEPT = re.compile(r"^(PMID|OWN |STAT|TI  |FAU |AU  )- ", re.MULTILINE)
#: Tags Biopython joins into one string (the rest it keeps as lists).
_TEXT_TAGS = frozenset(("TI", "AB", "TT", "JT", "PL", "DP", "PG", "VI", "IP", "PMC", "PMID", "LID"))
_MARKED_ID = re.compile(r"^(?P<id>\S.*?)\s*\[(?P<kind>[a-z]+)\]\s*$")


def accepts(text: str) -> bool:
    """True when the text opens like MEDLINE: a ``PMID- `` line among the first few tag lines."""
    head = first_chars(text, 800)
    if not head.startswith(("PMID-", "PMID -")):
        return False
    return len(_ACCEPT.findall(head)) >= 2


def read(text: str) -> list[RawRecord]:
    """Every MEDLINE record in ``text``; a record with stray lines or no PMID/title comes back quarantined."""
    return read_guarded(text, FORMAT, accepts, _read_record, _record_parts)


def _record_parts(text: str) -> list[Part]:
    """The part of each record: runs of non-blank lines, split again at every ``PMID-`` line."""
    parts: list[Part] = []
    start = end = None
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if not body.strip():
            if start is not None:
                parts.append(Part(start, end))
                start = None
        else:
            if start is not None and body.startswith("PMID"):
                parts.append(Part(start, end))
                start = None
            if start is None:
                start = offset
            end = offset + len(body.rstrip())
        offset += len(line)
    if start is not None:
        parts.append(Part(start, end))
    return parts


def _scan_raw(text: str, start: int, end: int, first_line: int) -> tuple[list[list], list[int]]:
    """Tag lines of ``text[start:end]`` with their continuation lines, as [tag, value start, value end, line]
    lists (no object made per line), and the line numbers of lines that are neither.

    ``first_line`` is the line number of ``start``.  Each value is the trimmed text of its tag line and
    continuation lines (empty, at the end of the tag, when there is none).
    """
    found: list[list] = []  # [tag, value start, value end, line number], grown by continuation lines
    stray: list[int] = []
    offset = start
    match_tag = _TAG_LINE.match
    for number, line in enumerate(text[start:end].splitlines(keepends=True), start=first_line):
        body = line.rstrip("\r\n")
        tag = match_tag(body)
        if tag is not None:
            at = tag.end()
            value = body[at:]
            right = len(value.rstrip())
            at += offset
            if right:
                found.append([tag.group(1), at + len(value) - len(value.lstrip()), at + right, number])
            else:
                found.append([tag.group(1), at, at, number])
        else:
            trimmed = body.rstrip()
            if not trimmed:
                pass
            elif body[:1] in (" ", "\t") and found:
                last = found[-1]
                if last[2] == last[1]:  # the tag line had no value: it starts on this line
                    last[1] = offset + len(body) - len(body.lstrip())
                last[2] = offset + len(trimmed)
            else:
                stray.append(number)
        offset += len(line)
    return found, stray


def _biopython_values(record_text: str) -> dict[str, str | list[str]]:
    """Biopython's reading of one record: each tag's value, a string (tags it joins) or a list of strings.

    The lines go to Biopython without the '\n' it would strip again: a record holds no blank line (a blank
    line ends a record), and Biopython rstrips every other line before reading it, so the values are the same.
    The values are turned into lists only for the tags asked for (:func:`_located_values`).
    """
    from Bio import Medline

    return next(Medline.parse(record_text.splitlines()), {})


#: The tags :func:`_read_record` reads; a record's other lines (grants, dates...) never become objects.
_READ_TAGS = frozenset(("TI", "BTI", "TT", "JT", "TA", "DP", "DEP", "VI", "IP", "PMID", "PMC", "LA", "PL", "AB",
                        "PB", "LID", "AID", "PG", "OT", "FAU", "AU", "AD", "PT", "MH"))


def _entries_by_tag(found: list[TagRow]) -> dict[str, list[TagRow]]:
    """The tag rows of the tags this reader reads, grouped by tag, each group in record order (one pass)."""
    grouped: dict[str, list[TagRow]] = {}
    for entry in found:
        tag = entry[0]
        if tag in _READ_TAGS:
            group = grouped.get(tag)
            if group is None:
                grouped[tag] = [entry]
            else:
                group.append(entry)
    return grouped


def _located_values(text: str, by_tag: dict[str, list[TagRow]], parsed: dict[str, str | list[str]], tag: str,
                    problems: list[Problem]) -> list[Located]:
    """Biopython's values of ``tag``, each located inside its own tag line."""
    mine = by_tag.get(tag)
    values = parsed.get(tag)
    if mine is None:
        if values is None:
            return []  # the usual case for most tags asked: neither a line nor a value
        mine = []
    if values is None:
        values = []
    elif isinstance(values, str):
        values = [values]
    if tag in _TEXT_TAGS and len(mine) > 1:
        # Biopython joined the lines of a repeated tag into one string
        return [Located(text[value_start:value_end], value_start, value_end) for _, value_start, value_end, _ in mine]
    return located_values(text, mine, values, problems)


def _first(values: list[Located]) -> Located | None:
    return values[0] if values else None


def _marked_ids(values: list[Located], kind: str) -> list[Located]:
    """The identifiers of ``LID``/``AID`` values marked ``[kind]`` ('10.2147/x [doi]' -> '10.2147/x')."""
    found = []
    for value in values:
        marked = _MARKED_ID.match(value.text)
        if marked is not None and marked.group("kind") == kind:
            found.append(value.sub(marked.start("id"), marked.end("id")))
    return found


def _read_record(text: str, part: Part) -> RawRecord:
    start, end, where, first_line = part.start, part.end, part.where, part.line
    record = RawRecord(FORMAT, part.index, part.span)
    found, stray = _scan_raw(text, start, end, first_line)
    if stray:
        snippet = text[start:end].splitlines()[stray[0] - first_line][:60]
        record.quarantine = (f"{where}: line {stray[0]} is neither a MEDLINE tag line "
                             f"('XXXX- value') nor an indented continuation: {snippet!r}")
        return record
    parsed = _biopython_values(text[start:end])
    by_tag = _entries_by_tag(found)

    def values(tag: str) -> list[Located]:
        return _located_values(text, by_tag, parsed, tag, record.problems)

    title = _first(values("TI")) or _first(values("BTI"))
    record.set("title", strip_terminal_period(title) if title else None)
    vernacular = _first(values("TT"))
    record.set("title_vernacular", strip_terminal_period(vernacular) if vernacular else None)
    record.set("journal", _first(values("JT")) or _first(values("TA")))
    record.set("year", year_in(_first(values("DP"))) or year_in(_first(values("DEP"))))
    record.set("volume", _first(values("VI")))
    record.set("issue", _first(values("IP")))
    record.set("pmid", _first(values("PMID")))
    record.set("pmcid", _first(values("PMC")))
    record.set("language", _first(values("LA")))
    record.set("country", _first(values("PL")))
    record.set("abstract", _first(values("AB")))
    record.set("publisher", _first(values("PB")))

    lids, aids = values("LID"), values("AID")
    record.set("doi", _first(_marked_ids(lids, "doi")) or _first(_marked_ids(aids, "doi")))
    pages = _first(values("PG"))
    if pages:
        record.set("pages", pages)
    else:
        elocators = [v for v in _marked_ids(lids, "pii") if looks_like_elocator(v.text)]
        record.set("first_page", _first(elocators))

    record.keywords = [value for value in values("OT") if value]
    record.publication_types = [RawTerm(value) for value in values("PT") if value]
    # a heading as written ('*Descriptor/qualifier/*qualifier'): the normaliser reads its '/' and '*'
    record.subject_headings = [RawHeading(value) for value in values("MH") if value]
    _read_authors(text, [line[0] for line in found], by_tag, parsed, record)
    if "pmid" not in record.fields and "title" not in record.fields:
        record.quarantine = f"{where}: no PMID and no title (TI) line; nothing identifies this record"
    return record


def _read_authors(text: str, tags: list[str], by_tag: dict[str, list[TagRow]], parsed: dict[str, str | list[str]],
                  record: RawRecord) -> None:
    """Authors in order (FAU, else the AU that follows it), each with the AD lines that follow them.

    ``tags`` are the tags of the record's lines, in order.
    """
    names = {tag: iter(_located_values(text, by_tag, parsed, tag, record.problems)) for tag in ("FAU", "AU")}
    addresses = iter(_located_values(text, by_tag, parsed, "AD", record.problems))
    current: RawAuthor | None = None
    awaiting_au = False
    for tag in tags:
        if tag == "FAU":
            current = RawAuthor(next(names["FAU"]))
            record.authors.append(current)
            awaiting_au = True
        elif tag == "AU":
            name = next(names["AU"])
            if awaiting_au:
                awaiting_au = False
                if not current.name:
                    current.name = name
            else:
                current = RawAuthor(name)
                record.authors.append(current)
        elif tag == "AD":
            address = next(addresses)
            if not address:
                continue
            position = add_affiliation(record, address)
            if current is not None and position not in current.affiliations:
                current.affiliations.append(position)
        elif tag != "AUID":
            awaiting_au = False
    record.authors = [author for author in record.authors if author.name]
