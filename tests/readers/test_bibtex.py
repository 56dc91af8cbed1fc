"""BibTeX reader: dev gold 206 through the normaliser, LaTeX accents, macros, a failed block among good ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import bibtex as reader
from exodata.ingest.readers._locate import span_errors
from tests.normalise.goldcheck import record_mismatches

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def test_dev_206_matches_its_gold(fixtures_dir):
    text = (fixtures_dir / "dev" / "docs" / "206_f5ba0bc5bf93d0a1.bib").read_text(encoding="utf-8")
    gold = json.loads((fixtures_dir / "dev" / "gold" / "206_f5ba0bc5bf93d0a1.json").read_text(encoding="utf-8"))
    records = reader.read(text)
    assert len(records) == 1 and records[0].quarantine is None
    assert span_errors(text, records[0]) == []
    assert record_mismatches(normalise_record(records[0]), gold) == []


@pytest.fixture(scope="module")
def multi():
    text = (EXPORTS / "bibtex_multi.bib").read_text(encoding="utf-8")
    return text, reader.read(text)


def test_entries_in_file_order_with_the_broken_one_quarantined(multi):
    text, records = multi
    assert [record.index for record in records] == [0, 1, 2, 3]
    assert [record.quarantine is None for record in records] == [True, False, True, True]
    assert "line 16" in records[1].quarantine and "closing" in records[1].quarantine
    for record in records:
        assert span_errors(text, record) == []
        start, end = record.span
        assert text[start] == "@"


def test_latex_accents_decoded_spans_as_written(multi):
    _, records = multi
    names = records[0].authors
    assert [name.name.value for name in names] == ["Lötvall, Jan", "Hill, Andrew F.", "Buzás, Edit I.",
                                                   "Théry, Clotilde"]
    assert names[0].name.text == 'L{\\"o}tvall, Jan' and names[3].name.text == "Th\\'{e}ry, Clotilde"
    normalised = normalise_record(records[0])
    assert [(a.family_name, a.given_name) for a in normalised.authors][0] == ("Lötvall", "Jan")


def test_macro_braces_and_keywords(multi):
    _, records = multi
    record = records[0]
    assert record.fields["journal"].text == "jev"
    assert record.fields["journal"].value == "Journal of Extracellular Vesicles"
    assert record.fields["title"].value.endswith("from the International Society for Extracellular Vesicles")
    assert record.fields["year"].text == "2014" and record.fields["pmid"].text == "25536934"
    assert [keyword.text for keyword in record.keywords] == ["exosomes", "microvesicles", "extracellular vesicles"]


def test_given_family_order_and_page_ranges(multi):
    _, records = multi
    record = records[3]
    assert [author.name.value for author in record.authors] == ["Lu, Yukang", "Wang, Lanfeng", "Zhang, Mengting",
                                                                "Chen, Zhiping"]
    assert record.authors[0].name.text == "Yukang Lu"
    assert record.fields["pages"].text == "3603--3618" and record.fields["pages"].value == "3603-3618"
    normalised = normalise_record(record)
    assert (normalised.get("first_page"), normalised.get("last_page")) == ("3603", "3618")
    assert normalised.get("publisher") == "Dove Medical Press"


def test_decode_latex():
    assert reader.decode_latex("Th{\\'e}ry") == "Théry"
    assert reader.decode_latex('M{\\"u}ller \\& Sons') == "Müller & Sons"
    assert reader.decode_latex("50% of {DNA}") == "50% of DNA"
    assert reader.decode_latex("plain") == "plain"


def test_accepts():
    assert reader.accepts("@article{key,\n title = {x}}")
    assert reader.accepts("% comment\n@ARTICLE{10.3389/x,\nTITLE={x}}")
    assert not reader.accepts("Write to me@example.org {soon}")
    assert not reader.accepts("TY  - JOUR\n")


@settings(max_examples=150)
@given(st.text(alphabet=st.sampled_from(list("{}\\'\"~^`-and ,=@xé%$")), max_size=60))
def test_decode_latex_never_raises(value):
    assert isinstance(reader.decode_latex(value), str)


def _pylatexenc_reading(value: str) -> str:
    """decode_latex as defined: a value with no LaTeX markup as written, any other as pylatexenc reads it.

    (``_decode_markup.__wrapped__`` always parses; decode_latex's shortcuts must agree with it.)
    """
    if not any(mark in value for mark in ("\\", "{", "~", "--")):
        return value
    return reader._decode_markup.__wrapped__(value)


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("ab D{}{} \n\t.,;:()[]/+-=*<>\"'!?é中|1\u00a0")), max_size=50))
def test_brace_only_values_read_as_pylatexenc_reads_them(value):
    assert reader.decode_latex(value) == _pylatexenc_reading(value)


@settings(max_examples=150)
@given(st.text(alphabet=st.sampled_from(list("{}\\'\"~^`-and ,=@xé%$_&#")), max_size=40))
def test_decode_latex_agrees_with_pylatexenc_on_any_markup(value):
    assert reader.decode_latex(value) == _pylatexenc_reading(value)


def test_brace_protected_titles_lose_their_braces_only():
    assert reader.decode_latex("{{MSC}-derived exosomes in {ARDS}}") == "MSC-derived exosomes in ARDS"
    assert reader.decode_latex("{a}  {b}\n\n{c}") == "a b c"
    assert reader.decode_latex("{Bone--cartilage}") == "Bone\u2013cartilage"  # a special: parsed
    assert reader.decode_latex("{it''s}") == "it\u201ds"


_MACRO_FRAGMENTS = [
    "\\'{e}", "\\'e", '\\"{o}', '\\"U', "\\`a", "\\^{i}", "\\~n", "\\~{N}", "\\={a}", "\\.{z}", "\\c{s}", "\\c{C}",
    "\\v{r}", "\\H{o}", "\\k{a}", "\\u{g}", "\\r{a}", "\\d{h}", "\\b{k}", "{\\O}", "{\\o}", "{\\ss}", "{\\ae}",
    "{\\AA}", "{\\l}", "\\L}", "\\&", "\\%", "\\_", "\\#", "\\$",
    # near misses, which must be left to pylatexenc
    "\\'", "\\' e", "\\c s", "\\'{\\i}", "\\'{ab}", "\\O", "\\ss ", "\\oe{}", "\\\\", "\\'{}", "\\v{}", "\\t{oo}",
]
_TEXT_FRAGMENTS = ["a", "Jos", " ", ", ", "-", "--", "'", "''", "{", "}", "~", "é", "1", ".", "%", "\n", "x y"]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_MACRO_FRAGMENTS + _TEXT_FRAGMENTS), max_size=12).map("".join))
def test_common_accent_macros_read_as_pylatexenc_reads_them(value):
    assert reader.decode_latex(value) == _pylatexenc_reading(value)


def test_common_accent_macros_read_without_a_parse():
    """The names seen in real exports take the table path (a parse would also give these, but slowly)."""
    for value, expected in [("Ay{\\c{s}}e", "Ayşe"), ("J{\\\"u}rgen", "Jürgen"), ("{\\O}degaard", "Ødegaard"),
                            ("Ji{\\v{r}}{\\'i}", "Jiří"), ("N{\\'u}{\\~n}ez", "Núñez"), ("Stra{\\ss}e", "Straße"),
                            ("Stem cell research \\& therapy", "Stem cell research & therapy")]:
        assert reader._decode_common_markup(value) == expected
        assert reader._decode_markup.__wrapped__(value) == expected
    for value in ["\\'{\\i}", "{\\'e", "{\\O}--{\\O}", "\\textit{a}", "\\ss b", "a \\\\ b"]:
        assert reader._decode_common_markup(value) is None
