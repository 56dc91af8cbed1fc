"""Export readers against hostile, broken and arbitrary input: they refuse or quarantine, and never raise.

Also the detection matrix: each export reader accepts its own format and nothing else (other exports,
the page layouts of the seeds and dev documents).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exodata.ingest import formats
from exodata.ingest.model import RawRecord
from exodata.ingest.readers._guard import MAX_EXPORT_CHARS
from exodata.ingest.readers._locate import span_errors

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
READERS = formats.names(formats.EXPORT)
#: Which reader each export fixture belongs to (by suffix / name).
OWN = {
    ".nbib": "medline",
    ".ris": "ris",
    ".bib": "bibtex",
    ".json": "csl_json",
}


def reader_of(path: Path) -> str:
    if path.suffix == ".xml":
        return "jats_xml" if path.name.startswith("jats") else "pubmed_xml"
    if path.name.startswith("europepmc"):
        return "europepmc_json"
    return OWN[path.suffix]


def load(name: str):
    return formats.reader(name)


def export_fixtures() -> list[Path]:
    return sorted(path for path in EXPORTS.iterdir() if path.suffix in (".nbib", ".ris", ".bib", ".json", ".xml"))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def check_records(text: str, records: list[RawRecord], fmt: str) -> None:
    """What every read must give: RawRecords of the format, indexes 0..n-1, spans inside the text, all located."""
    assert isinstance(records, list)
    for index, record in enumerate(records):
        assert isinstance(record, RawRecord)
        assert record.format == fmt
        assert record.index == index
        assert record.span is not None and 0 <= record.span[0] <= record.span[1] <= len(text)
        assert span_errors(text, record) == []
        if record.quarantine is not None:
            assert record.quarantine.strip()


# --- detection ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", export_fixtures(), ids=lambda path: path.name)
def test_each_export_fixture_is_accepted_by_its_reader_only(path):
    text = read_text(path)
    accepted = [name for name in READERS if load(name).accepts(text)]
    assert accepted == [reader_of(path)]


def test_dev_documents_and_seeds_are_accepted_by_the_right_export_reader_only(gold_pairs):
    layouts = {"medline": "medline", "ris": "ris", "bibtex": "bibtex", "pubmed-xml": "pubmed_xml"}
    assert len(gold_pairs) >= 13
    for path, gold in gold_pairs:
        text = path.read_text(encoding="utf-8")
        accepted = [name for name in READERS if load(name).accepts(text)]
        expected = [layouts[gold["layout"]]] if gold["layout"] in layouts else []
        assert accepted == expected, path.name
        for name in READERS:
            if name not in expected:
                assert load(name).read(text) == [], f"{name} read {path.name}"


@pytest.mark.parametrize("name", READERS)
def test_empty_and_blank_text_are_not_any_export(name):
    for text in ("", "   \n\n", "\ufeff", "[]", "{}", "<xml/>", "@", "TY"):
        assert load(name).accepts(text) is False
        assert load(name).read(text) == []


# --- hostile XML ----------------------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
{body}
"""

PUBMED_BODY = ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
               "<ArticleTitle>{payload}</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
JATS_BODY = ('<article xmlns:xlink="http://www.w3.org/1999/xlink" dtd-version="1.3"><front><article-meta>'
             "<title-group><article-title>{payload}</article-title></title-group></article-meta></front></article>")
XML_CASES = {"pubmed_xml": ("PubmedArticleSet", PUBMED_BODY), "jats_xml": ("article", JATS_BODY)}


def read(name: str, text: str) -> list[RawRecord]:
    """What reader ``name`` makes of ``text`` (how long it takes is measured by benchmarks/bench_hostile.py)."""
    return load(name).read(text)


@pytest.mark.parametrize("name", XML_CASES)
def test_billion_laughs_is_refused_unexpanded(name):
    root, body = XML_CASES[name]
    text = BILLION_LAUGHS.replace("{root}", root).replace("{body}", body.replace("{payload}", "&lol9;"))
    assert load(name).accepts(text)
    records = read(name, text)
    assert len(records) == 1 and records[0].quarantine is not None
    assert "entit" in records[0].quarantine.lower()
    assert "lollol" not in repr(records)  # never expanded, not even in part
    check_records(text, records, name)


@pytest.mark.parametrize("name", XML_CASES)
def test_external_entities_are_refused_and_never_read(name, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    root, body = XML_CASES[name]
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
            + body.replace("{payload}", "&xxe;"))
    records = read(name, text)
    assert len(records) == 1 and records[0].quarantine is not None
    assert "TOP-SECRET" not in repr(records)


@pytest.mark.parametrize("name", XML_CASES)
def test_external_dtd_is_not_fetched(name):
    root, body = XML_CASES[name]
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/never.dtd">\n'
            + body.replace("{payload}", "A title"))
    records = read(name, text)
    check_records(text, records, name)
    assert [record.fields["title"].text for record in records] == ["A title"]


@pytest.mark.parametrize("name", XML_CASES)
def test_deep_nesting_is_quarantined_before_parsing(name):
    _, body = XML_CASES[name]
    text = body.replace("{payload}", "<i>" * 5000 + "deep" + "</i>" * 5000)
    records = read(name, text)
    assert len(records) == 1 and records[0].quarantine is not None
    assert "depth" in records[0].quarantine.lower()
    check_records(text, records, name)


# --- hostile JSON, BibTeX, tagged text -----------------------------------------------------------------------


def test_json_bomb_is_quarantined_before_parsing():
    text = '[{"type": "article-journal", "title": "x", "note": ' + "[" * 5000 + "]" * 5000 + "}]"
    records = read("csl_json", text)
    assert len(records) == 1 and "nested deeper" in records[0].quarantine
    check_records(text, records, "csl_json")


def test_json_bomb_inside_strings_does_not_count():
    text = '[{"type": "article-journal", "title": "' + "[" * 5000 + '", "DOI": "10.1/x"}]'
    records = load("csl_json").read(text)
    assert len(records) == 1 and records[0].quarantine is None
    assert records[0].fields["doi"].text == "10.1/x"


def test_malformed_json_is_quarantined_with_its_line():
    text = '[\n{"type": "article-journal", "title": "ok"},\n{"type": "article-journal", "title": }\n]'
    records = load("csl_json").read(text)
    assert len(records) == 1 and "line 3" in records[0].quarantine


def test_huge_integers_in_json_are_quarantined():
    text = '[{"type": "article-journal", "title": "x", "volume": ' + "9" * 50000 + "}]"
    records = read("csl_json", text)
    assert len(records) == 1 and records[0].quarantine is not None


def test_deep_braces_in_bibtex_never_hang():
    text = "@article{deep,\n  title = {" + "{" * 5000 + "x" + "}" * 5000 + "},\n  doi = {10.1/x}\n}\n"
    records = read("bibtex", text)
    check_records(text, records, "bibtex")
    assert len(records) == 1


OPENINGS = {
    "medline": "PMID- 1\nOWN - NLM\nTI  - x\n",
    "pubmed_xml": "<PubmedArticleSet>\n",
    "jats_xml": '<article dtd-version="1.3">\n',
    "csl_json": '[{"type": "article-journal", "title": "x", "DOI": "10.1/x"}',
    "europepmc_json": '{"hitCount": 1, "resultList": {"result": [{"id": "1", "source": "MED", "title": "x"}',
    "ris": "TY  - JOUR\nTI  - x\n",
    "bibtex": "@article{k, title = {x},\n",
}


def test_every_export_reader_has_an_opening():
    assert set(OPENINGS) == set(READERS)


@pytest.mark.parametrize("name", READERS)
def test_binary_content_is_refused_with_a_reason(name):
    text = OPENINGS[name] + "\x00\x01\x02" * 200
    records = load(name).read(text)
    assert len(records) == 1 and "binary" in records[0].quarantine


@pytest.mark.parametrize("name", READERS)
def test_huge_text_is_refused_with_a_reason(name):
    text = OPENINGS[name] + " " * (MAX_EXPORT_CHARS + 1)
    records = read(name, text)
    assert len(records) == 1 and "limit" in records[0].quarantine


# --- properties -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises(name, text):
    check_records(text, load(name).read(text), name)


@pytest.mark.parametrize("name", READERS)
@settings(max_examples=100)
@given(tail=st.text(max_size=300))
def test_arbitrary_text_after_a_real_opening_never_raises(name, tail):
    text = OPENINGS[name] + tail
    check_records(text, load(name).read(text), name)


@pytest.mark.parametrize("path", export_fixtures(), ids=lambda path: path.name)
@settings(max_examples=60)
@given(data=st.data())
def test_truncated_and_mutated_real_files_never_raise(path, data):
    text = read_text(path)
    name = reader_of(path)
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    at = data.draw(st.integers(min_value=0, max_value=len(text)), label="at")
    insert = data.draw(st.text(alphabet=st.sampled_from(list('<>{}[]"\\&;- \n\tPMIDTYER@=,')), max_size=8),
                       label="insert")
    drop = data.draw(st.integers(min_value=0, max_value=20), label="drop")
    for variant in (text[:cut], text[:at] + insert + text[at + drop:]):
        check_records(variant, load(name).read(variant), name)


# --- MeSH headings and publication types ---------------------------------------------------------------------


def _staged_headings(text: str, name: str):
    """The rows a whole record of ``text`` stages into subject_headings and provenance (how long it takes is
    printed by benchmarks/bench_hostile.py, never asserted here)."""
    from exodata.ingest.compile import compile_text
    from exodata.ingest.staging import stage

    return stage(compile_text(text, f"hostile.{name}", "0" * 64, "utf-8"))


def test_ten_thousand_mh_lines_are_read_staged_and_traced():
    lines = [f"MH  - {'*' * (i % 2)}Descriptor {i}/qualifier {i % 7}/*q{i % 3}" for i in range(10_000)]
    text = "PMID- 1\nTI  - A title.\n" + "\n".join(lines) + "\nMH  - *\nMH  - //*/\n"
    frames = _staged_headings(text, "nbib")
    headings = frames["subject_headings"]
    assert headings.height == 10_000 and headings["position"].to_list() == list(range(1, 10_001))
    assert headings["major"].all() and headings["descriptor_major"].sum() == 5_000
    traced = frames["provenance"].filter(frames["provenance"]["table"] == "subject_headings")
    assert traced.height == 10_000 * 5  # descriptor, major, descriptor_major, qualifiers, major_qualifiers


def test_ten_thousand_mesh_headings_in_xml_are_read():
    heading = ('<MeshHeading><DescriptorName UI="D{0:06d}" MajorTopicYN="N">Term {0}</DescriptorName>'
               '<QualifierName UI="Q{0:06d}" MajorTopicYN="Y">q{0}</QualifierName></MeshHeading>')
    body = "".join(heading.format(i) for i in range(10_000))
    text = ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>T"
            "</ArticleTitle></Article><MeshHeadingList>" + body
            + "</MeshHeadingList></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    frames = _staged_headings(text, "xml")
    headings = frames["subject_headings"]
    assert headings.height == 10_000 and headings["major"].all() and not headings["descriptor_major"].any()
    assert headings["descriptor_id"][-1] == "D009999" and headings["qualifier_ids"][-1].to_list() == ["Q009999"]


@pytest.mark.parametrize("value", ["*", "/", "**", "*/*", " / / ", "*" * 10_000, "/" * 10_000, "Exosomes/" + "/" * 500,
                                   "Exo\x00somes/*meta\u200bbolism"])
def test_degenerate_mh_values_never_raise_and_give_clean_headings_or_none(value):
    text = f"PMID- 1\nTI  - A title.\nMH  - {value}\nPT  - {value}\n"
    records = load("medline").read(text)
    check_records(text, records, "medline")
    from exodata.ingest.normalise import normalise_record

    record = normalise_record(records[0])
    for heading in record.subject_headings:
        assert heading.descriptor and "*" not in heading.descriptor[:1] and "/" not in heading.descriptor
        assert "" not in heading.qualifiers
