"""The guarded read every reader goes through: refusals, broken parts and reader bugs become quarantined
records saying where and why, never exceptions."""

from __future__ import annotations

from exodata.ingest.model import RawRecord
from exodata.ingest.readers._guard import Part, Refused, read_guarded

TEXT = "one\ntwo\nthree\n"


def yes(text: str) -> bool:
    return True


def lines(text: str) -> list[Part]:
    parts, offset = [], 0
    for line in text.splitlines(keepends=True):
        parts.append(Part(offset, offset + len(line) - 1))
        offset += len(line)
    return parts


def read_line(text: str, part: Part) -> RawRecord:
    if text[part.start:part.end] == "two":
        raise ValueError("a reader bug")
    return RawRecord("ris", part.index, part.span)


def test_text_not_accepted_gives_no_record():
    assert read_guarded(TEXT, "ris", lambda text: False, read_line, lines) == []


def test_a_reader_bug_quarantines_its_record_only():
    records = read_guarded(TEXT, "ris", yes, read_line, lines)
    assert [record.index for record in records] == [0, 1, 2]
    assert [record.quarantine for record in records] == [
        None, "record 2 (line 2): could not be read: ValueError: a reader bug", None]
    assert records[1].span == (4, 7)


def test_a_broken_part_is_quarantined_with_the_noun_and_line_given():
    def split(text: str) -> list[Part]:
        return [Part(0, 3), Part(4, 7, broken="not a record", line=9)]

    records = read_guarded(TEXT, "bibtex", yes, read_line, split, noun="entry")
    assert records[1].quarantine == "entry 2 (line 9): not a record"


def test_refused_and_unreadable_texts_are_one_quarantined_record():
    def refuse(text: str) -> list[Part]:
        raise Refused("malformed at line 2")

    def crash(text: str) -> list[Part]:
        raise KeyError("x")

    refused = read_guarded(TEXT, "csl_json", yes, read_line, refuse)
    crashed = read_guarded(TEXT, "pubmed_xml", yes, read_line, crash)
    binary = read_guarded("\x00" + TEXT, "ris", yes, read_line, lines)
    assert [(r.index, r.span, r.quarantine) for r in refused] == [(0, (0, len(TEXT)), "malformed at line 2")]
    assert crashed[0].quarantine == "PubMed XML could not be read: KeyError: 'x'"
    assert len(binary) == 1 and binary[0].quarantine.startswith("binary content: NUL character at offset 0")


def test_a_page_is_one_record_and_a_failure_quarantines_it():
    def read_page(text: str, part: Part) -> RawRecord:
        return RawRecord("vufind_page", part.index, part.span)

    def broken_accepts(text: str) -> bool:
        raise IndexError("no line")

    assert [r.span for r in read_guarded("\x00" + TEXT, "vufind_page", yes, read_page)] == [(0, len(TEXT) + 1)]
    failed = read_guarded(TEXT, "vufind_page", broken_accepts, read_page)
    assert [(r.format, r.quarantine) for r in failed] == [
        ("vufind_page", "VuFind page could not be read (IndexError: no line)")]
