"""Publication types and MeSH headings: MEDLINE's '*' and '/' read, values cleaned, every part with its span."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exodata.ingest.model import Located, RawHeading, RawTerm
from exodata.ingest.normalise.mesh import (
    format_medline_heading,
    publication_type,
    split_medline_heading,
    subject_heading,
)
from exodata.ingest.normalise.text import clean_text


def heading_of(written: str, prefix: str = "MH  - "):
    """The clean heading of an MH value written after ``prefix``, its problems and the seed text."""
    text = prefix + written + "\n"
    problems: list = []
    found = subject_heading(1, RawHeading(Located.of(text, len(prefix), len(prefix) + len(written))), problems)
    return found, problems, text


@pytest.mark.parametrize(("written", "descriptor", "qualifiers", "major", "descriptor_major", "major_qualifiers"), [
    ("Exosomes/metabolism/*transplantation", "Exosomes", ["metabolism", "transplantation"], True, False,
     ["transplantation"]),
    ("*Mesenchymal Stem Cells/cytology", "Mesenchymal Stem Cells", ["cytology"], True, True, []),
    ("*Wound Healing", "Wound Healing", [], True, True, []),
    ("Animals", "Animals", [], False, False, []),
    ("Umbilical Cord/cytology", "Umbilical Cord", ["cytology"], False, False, []),
    ("Acute Lung Injury/chemically induced/*therapy", "Acute Lung Injury", ["chemically induced", "therapy"], True,
     False, ["therapy"]),
    ("*Spinal Cord Injuries/*pathology/*therapy", "Spinal Cord Injuries", ["pathology", "therapy"], True, True,
     ["pathology", "therapy"]),
    (" * Blotting,  Western / metabolism ", "Blotting, Western", ["metabolism"], True, True, []),
])
def test_a_medline_heading_is_split_at_slashes_and_its_stars_read(written, descriptor, qualifiers, major,
                                                                    descriptor_major, major_qualifiers):
    found, problems, _ = heading_of(written)
    assert problems == []
    assert (found.descriptor, found.descriptor_id, found.qualifiers, found.qualifier_ids) == (
        descriptor, None, qualifiers, [])
    assert (found.major, found.descriptor_major, found.major_qualifiers) == (major, descriptor_major, major_qualifiers)


def test_every_part_of_a_medline_heading_keeps_the_span_it_was_read_from():
    found, _, text = heading_of("*Spinal Cord Injuries/pathology/*therapy")
    written = {column: text[start:end] for column, (start, end) in found.spans.items()}
    assert written == {"descriptor": "Spinal Cord Injuries", "major": "*Spinal Cord Injuries/pathology/*therapy",
                       "descriptor_major": "*Spinal Cord Injuries", "qualifiers": "pathology/*therapy",
                       "major_qualifiers": "*therapy"}


def test_a_wrapped_heading_is_cleaned_and_its_span_keeps_the_line_break():
    found, problems, text = heading_of("Mesenchymal Stem\n      Cells/*metabolism")
    assert problems == [] and found.descriptor == "Mesenchymal Stem Cells"
    start, end = found.spans["descriptor"]
    assert text[start:end] == "Mesenchymal Stem\n      Cells"


@pytest.mark.parametrize("written", ["*", "/", "*/*", "/metabolism", "*/metabolism", "  *  "])
def test_a_heading_without_a_descriptor_is_left_out_and_said(written):
    found, problems, _ = heading_of(written)
    assert found is None
    assert len(problems) == 1 and "has no descriptor" in problems[0].message


@pytest.mark.parametrize(("written", "qualifiers", "major_qualifiers"), [
    ("Exosomes/", [], []), ("Exosomes//", [], []), ("Exosomes/*", [], []),
    ("Exosomes/ /*/metabolism", ["metabolism"], []),
    ("Exosomes//*therapy//", ["therapy"], ["therapy"]),
])
def test_empty_qualifiers_are_left_out(written, qualifiers, major_qualifiers):
    found, problems, _ = heading_of(written)
    assert problems == []
    assert (found.descriptor, found.qualifiers, found.major_qualifiers) == ("Exosomes", qualifiers, major_qualifiers)
    assert ("qualifiers" in found.spans) == bool(qualifiers)
    assert found.major == bool(major_qualifiers)


def test_a_decomposed_heading_is_stored_nfc():
    found, _, _ = heading_of("Sjo\u0308gren's Syndrome/*therapy")
    assert found.descriptor == "Sjögren's Syndrome" == unicodedata.normalize("NFC", found.descriptor)


def _term(text: str, name: str, ui: str | None = None, major: bool = False) -> RawTerm:
    at = text.index(f">{name}<") + 1
    found_id = None
    if ui is not None:
        id_at = text.index(f'"{ui}"') + 1
        found_id = Located.of(text, id_at, id_at + len(ui))
    element = (text.rindex("<", 0, at), text.index(">", at + len(name)) + 1)
    return RawTerm(Located.of(text, at, at + len(name)), found_id, major, element)


def test_structured_terms_keep_their_ids_and_their_marks():
    text = ('<DescriptorName UI="D059630" MajorTopicYN="N">Mesenchymal Stem Cells</DescriptorName>'
            '<QualifierName UI="Q000378" MajorTopicYN="Y">metabolism</QualifierName>'
            '<QualifierName UI="Q000166" MajorTopicYN="N">cytology</QualifierName>')
    raw = RawHeading(Located.of(text, 0, len(text)), _term(text, "Mesenchymal Stem Cells", "D059630"),
                     [_term(text, "metabolism", "Q000378", True), _term(text, "cytology", "Q000166")])
    problems: list = []
    found = subject_heading(3, raw, problems)
    assert problems == []
    assert (found.position, found.descriptor, found.descriptor_id, found.major, found.descriptor_major) == (
        3, "Mesenchymal Stem Cells", "D059630", True, False)
    assert (found.qualifiers, found.qualifier_ids, found.major_qualifiers) == (
        ["metabolism", "cytology"], ["Q000378", "Q000166"], ["metabolism"])
    spans = {column: text[start:end] for column, (start, end) in found.spans.items()}
    assert spans["descriptor_id"] == "D059630" and spans["qualifier_ids"].startswith("Q000378")
    assert spans["qualifier_ids"].endswith("Q000166")
    assert spans["major_qualifiers"] == '<QualifierName UI="Q000378" MajorTopicYN="Y">metabolism</QualifierName>'


def test_ids_that_are_not_mesh_ids_are_left_empty_and_qualifier_ids_kept_only_when_all_are_given():
    text = ('<DescriptorName UI="X1">Exosomes</DescriptorName><QualifierName UI="Q000378">metabolism</QualifierName>'
            '<QualifierName>cytology</QualifierName>')
    raw = RawHeading(Located.of(text, 0, len(text)), _term(text, "Exosomes", "X1"),
                     [_term(text, "metabolism", "Q000378"), _term(text, "cytology")])
    problems: list = []
    found = subject_heading(1, raw, problems)
    assert found.descriptor_id is None and found.qualifier_ids == [] and found.qualifiers == ["metabolism", "cytology"]
    assert "descriptor_id" not in found.spans and "qualifier_ids" not in found.spans
    assert ["is not a MeSH id" in p.message for p in problems] == [True, False]


def test_a_publication_type_is_cleaned_and_keeps_its_id_and_spans():
    text = '<PublicationType UI="D016428">  Journal\n Article </PublicationType>'
    name_at = text.index("  Journal")
    id_at = text.index("D016428")
    raw = RawTerm(Located.of(text, name_at, text.index(" </")), Located.of(text, id_at, id_at + 7))
    problems: list = []
    found = publication_type(2, raw, problems)
    assert (found.position, found.name, found.mesh_id) == (2, "Journal Article", "D016428")
    assert text[found.id_span[0]:found.id_span[1]] == "D016428" and problems == []
    blank = RawTerm(Located.of(text, name_at, name_at + 2))
    assert publication_type(1, blank, problems) is None


# --- round trips ------------------------------------------------------------------------------------------------

_WORD = st.text(st.characters(codec="utf-8", categories=("L", "N"), include_characters="-,'()"), min_size=1,
                max_size=12)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join).map(lambda name: unicodedata.normalize("NFC", name))
_NAME = _NAME.filter(lambda name: clean_text(name) == name and not name.startswith("*"))


@given(descriptor=_NAME, descriptor_major=st.booleans(),
       qualifiers=st.lists(st.tuples(_NAME, st.booleans()), max_size=5))
def test_a_heading_written_as_medline_reads_back_the_same(descriptor, descriptor_major, qualifiers):
    names = [name for name, _ in qualifiers]
    starred = [name for name, major in qualifiers if major]
    written = format_medline_heading(descriptor, descriptor_major, names,
                                     [name for name, major in qualifiers if major])
    found, problems, text = heading_of(written)
    assert problems == []
    assert (found.descriptor, found.descriptor_major, found.qualifiers) == (descriptor, descriptor_major, names)
    assert set(found.major_qualifiers) == set(starred)
    assert found.major == (descriptor_major or bool(starred))
    start, end = found.spans["descriptor"]
    assert text[start:end] == descriptor
    assert text[slice(*found.spans["major"])] == written
    again = format_medline_heading(found.descriptor, found.descriptor_major, found.qualifiers, found.major_qualifiers)
    if len(set(names)) == len(names):  # a repeated qualifier name is starred by name, so only then exactly
        assert again == written


@given(st.text(max_size=60))
def test_any_mh_value_reads_without_error_and_every_span_is_inside_it(written):
    written = written.replace("\n", " ").replace("\r", " ")
    found, problems, _ = heading_of(written)
    if found is None:
        assert problems
        return
    for start, end in found.spans.values():
        assert 6 <= start < end <= 6 + len(written)
    assert found.descriptor == clean_text(found.descriptor)
    assert set(found.major_qualifiers) <= set(found.qualifiers)
    assert found.major == (found.descriptor_major or bool(found.major_qualifiers))


def test_split_gives_slices_of_the_value():
    text = "MH  - *Exosomes/metabolism/*transplantation"
    raw = split_medline_heading(Located.of(text, 6, len(text)))
    for term in (raw.descriptor, *raw.qualifiers):
        assert text[term.name.start:term.name.end] == term.name.text
    assert [term.major for term in (raw.descriptor, *raw.qualifiers)] == [True, False, True]
