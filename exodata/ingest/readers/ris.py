"""Reader for RIS (``TY  - JOUR`` ... ``ER  - ``), as reference managers and publishers export it.

rispy gives the values of each record (repeated ``AU``/``KW``/``AD`` lines all count);
a line scan gives each tag line's position, and every value is located in its own line.  Untagged lines
continue the value above them (rispy joins them the same way).  Text outside any ``TY``...``ER`` record is
kept as a quarantined record, never dropped.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, Problem, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._locate import TagRow, add_affiliation, first_chars, located_values, year_in

FORMAT = "ris"

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: |$)")
_NO_JOURNAL_T2 = frozenset(("BOOK", "EBOOK", "CHAP", "ECHAP", "EDBOOK"))
_PMCID = re.compile(r"PMC\d+")


_ACCEPT = re.compile(r"^TY {1,2}- ?[A-Z]{3,}", re.MULTILINE)


def accepts(text: str) -> bool:
    """True when a ``TY  - TYPE`` line opens a record within the first few lines (after any provider header)."""
    head = first_chars(text, 600)
    found = _ACCEPT.search(head)
    return found is not None and head.count("\n", 0, found.start()) <= 8


def read(text: str) -> list[RawRecord]:
    """Every TY...ER record in ``text``, in order; stray text between records comes back quarantined."""
    return read_guarded(text, FORMAT, accepts, _read_record, _record_parts)


def _record_parts(text: str) -> list[Part]:
    """The part of each record, its tag rows as content; a run of stray text is a broken part."""
    parts = []
    for start, end, entries, stray in _records(text):
        broken = f"text outside any 'TY  - ' ... 'ER  - ' record: {text[start:end][:60]!r}" if stray else None
        parts.append(Part(start, end, entries, broken))
    return parts


def _records(text: str) -> list[tuple[int, int, list[TagRow], bool]]:
    """(start, end, entries, stray) per record: TY opens one, ER closes it; stray runs of other text too.

    Tag values are kept as [tag, value start, value end, line] rows (continuation lines grow them), and stay
    so: :func:`~exodata.ingest.readers._locate.located_values` makes a Located only for the lines of the tags read.
    """
    found: list[tuple[int, int, list, bool]] = []
    entries: list[list] = []
    stray: tuple[int, int] | None = None
    start = None
    offset = 0
    match_tag = _TAG_LINE.match
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        tag = match_tag(body)
        trimmed = body.rstrip()
        line_end = offset + len(trimmed)
        if tag is not None:
            name = tag.group(1)
            if name == "TY":
                if stray:
                    found.append((*stray, [], True))
                    stray = None
                if start is not None:  # a TY before the previous record's ER: close that one here
                    found.append((start, entries[-1][2] if entries else start, entries, False))
                start, entries = offset, []
            if start is None:
                if trimmed.strip():
                    stray = (stray[0] if stray else offset, line_end)
            else:
                at = tag.end()
                value = body[at:]
                left, right = len(value) - len(value.lstrip()), len(value.rstrip())
                at += offset
                entries.append([name, at + left, at + right, number] if right > left else [name, at, at, number])
                if name == "ER":
                    found.append((start, line_end, entries, False))
                    start, entries = None, []
        elif start is None:
            if trimmed.strip():
                stray = (stray[0] if stray else offset, line_end)
        elif entries and trimmed.strip():
            last = entries[-1]
            if last[2] == last[1]:  # the tag line had no value: it starts on this line
                last[1] = offset + len(trimmed) - len(trimmed.lstrip())
            last[2] = line_end
        offset += len(line)
    if stray:
        found.append((*stray, [], True))
    if start is not None:
        found.append((start, entries[-1][2] if entries else start, entries, False))
    return sorted(found, key=lambda item: item[0])


def _rispy_values(record_text: str) -> dict[str, list[str]]:
    """rispy's reading of one record, keyed by RIS tag, each tag's values as a list (in line order)."""
    import rispy
    from rispy.config import LIST_TYPE_TAGS, TAG_KEY_MAPPING

    # rispy reads an untagged line after a list tag as a new item, and after any other tag as a continuation;
    # AD joins the list tags because exports repeat it once per affiliation.
    parsed = rispy.loads(record_text, list_tags=[*LIST_TYPE_TAGS, "AD"])
    if not parsed:
        return {}
    by_key = parsed[0]
    values = {}
    for tag, key in TAG_KEY_MAPPING.items():
        found = by_key.get(key)
        if isinstance(found, str):
            values[tag] = [found]
        elif isinstance(found, list):
            values[tag] = [value for value in found if isinstance(value, str)]
    return values


def _read_record(text: str, part: Part) -> RawRecord:
    start, end, entries, where = part.start, part.end, part.content, part.where
    record = RawRecord(FORMAT, part.index, part.span)
    if not entries or entries[-1][0] != "ER":
        record.problems.append(Problem(f"{where}: no 'ER  - ' line closes this record", start,
                                       entries[0][3] if entries else None))
    parsed = _rispy_values(text[start:end])
    by_tag: dict[str, list[TagRow]] = {}
    for entry in entries:  # one pass, not one scan of the entries per tag asked for
        by_tag.setdefault(entry[0], []).append(entry)
    cache: dict[str, list[Located]] = {}

    def values(tag: str) -> list[Located]:
        found = cache.get(tag)
        if found is None:
            found = cache[tag] = [value for value in located_values(text, by_tag.get(tag, []),
                                                                    parsed.get(tag, []), record.problems)
                                  if value]
        return found

    def first(*tags: str) -> Located | None:
        for tag in tags:
            if values(tag):
                return values(tag)[0]
        return None

    kind = first("TY")
    record.set("title", first("TI", "T1"))
    journal_tags = ("JF", "T2", "JO", "JA", "J2") if not kind or kind.text not in _NO_JOURNAL_T2 else ("JF", "JO")
    record.set("journal", first(*journal_tags))
    record.set("year", year_in(first("PY")) or year_in(first("Y1")) or year_in(first("DA")))
    record.set("volume", first("VL"))
    record.set("issue", first("IS"))
    start_page, end_page = first("SP"), first("EP")
    if start_page and not end_page and "-" in start_page.text.strip("-"):
        record.set("pages", start_page)
    else:
        record.set("first_page", start_page)
        record.set("last_page", end_page if start_page else None)
    record.set("doi", first("DO"))
    record.set("language", first("LA"))
    record.set("publisher", first("PB"))
    record.set("abstract", first("AB", "N2"))
    pmcids = [value for tag in ("C2", "C1", "C3") for value in values(tag) if _PMCID.fullmatch(value.text)]
    record.set("pmcid", pmcids[0] if pmcids else None)
    record.links = list(values("UR"))
    for keyword in values("KW"):
        record.keywords.extend(part.strip() for part in _split(keyword, ";") if part.strip())
    seen = set()
    for name in sorted(values("AU") + values("A1"), key=lambda value: value.start):
        if name.text in seen:
            continue
        seen.add(name.text)
        record.authors.append(RawAuthor(name))
    for address in values("AD"):
        add_affiliation(record, address)
    if "title" not in record.fields and "doi" not in record.fields:
        record.quarantine = f"{where}: no title (TI/T1) and no DOI (DO); nothing identifies this record"
    return record


def _split(value: Located, separator: str) -> list[Located]:
    """``value`` cut at every ``separator``, each part located."""
    parts, begin = [], 0
    while True:
        cut = value.text.find(separator, begin)
        if cut < 0:
            parts.append(value.sub(begin, len(value.text)))
            return parts
        parts.append(value.sub(begin, cut))
        begin = cut + len(separator)
