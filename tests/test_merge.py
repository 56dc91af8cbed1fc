"""Merging duplicate records across seeds and formats."""

from __future__ import annotations

from exodata.merge import Entry, match_keys, merge
from exodata.model import Author, Record, Value


def record(fmt="ris", authors=(), **fields):
    rec = Record(format=fmt, index=0, fields={k: Value(v, 0, 1) for k, v in fields.items()})
    rec.authors = [Author(i, family, given, f"{family}, {given}", 0, 1) for i, (family, given) in
                   enumerate(authors, start=1)]
    return rec


def entries(*records):
    return [Entry(f"f{i}.txt", 0, i, r) for i, r in enumerate(records)]


def test_same_doi_merges_and_keeps_the_best_supported_value():
    pubs = merge(entries(
        record("wprim_page", doi="10.1/a", title="Exosomes in sepsis", year=2021),
        record("medline", doi="10.1/a", title="Exosomes in sepsis", year=2021, pmid=5),
        record("ris", doi="10.1/a", title="Exosomes in Sepsis", year=2021),
    ))
    assert len(pubs) == 1
    pub = pubs[0]
    assert pub.publication_id == "doi:10.1/a"
    assert pub.value("title") == "Exosomes in sepsis"          # two records agree
    assert pub.value("pmid") == 5                               # only one gives it: kept, no conflict
    assert [(c, k, o) for c, k, o, _ in pub.conflicts] == [("title", "Exosomes in sepsis", "Exosomes in Sepsis")]
    assert len(pub.fields["title"].spans) == 2                  # provenance from both supporting records
    assert len(pub.duplicate_reasons) == 2


def test_ties_are_broken_by_format_reliability_not_input_order():
    pubs = merge(entries(record("wprim_page", doi="10.1/a", journal="Chin Crit Care Med"),
                         record("medline", doi="10.1/a", journal="Chinese critical care medicine")))
    assert pubs[0].value("journal") == "Chinese critical care medicine"


def test_pmid_bridges_a_record_without_doi():
    pubs = merge(entries(record(doi="10.1/a", pmid=7), record(pmid=7, title="X"), record(doi="10.1/b")))
    assert sorted(len(p.entries) for p in pubs) == [1, 2]


def test_title_year_first_author_key_ignores_case_accents_and_punctuation():
    a = record(title="Mesenchymal stem cell‐derived exosomes: a review.", year=2020, authors=[("Müller", "A")])
    b = record(title="Mesenchymal Stem Cell-Derived Exosomes - A Review", year=2020, authors=[("Muller", "A.")])
    assert match_keys(a)[-1] == match_keys(b)[-1]
    assert len(merge(entries(a, b))) == 1


def test_different_years_do_not_merge():
    assert len(merge(entries(record(title="Same title", year=2020), record(title="Same title", year=2021)))) == 2


def test_records_without_identifiers_get_a_stable_content_id():
    first = merge(entries(record(abstract="Gliomas are hard to treat.")))[0].publication_id
    again = merge(entries(record("aggregator_page", abstract="Gliomas are hard to treat.")))[0].publication_id
    other = merge(entries(record(abstract="Something else entirely.")))[0].publication_id
    assert first == again and first.startswith("sha256:") and first != other


def test_the_fullest_author_list_is_kept():
    pubs = merge(entries(record("ris", doi="10.1/a", authors=[("Hu", "X")]),
                         record("medline", doi="10.1/a", authors=[("Hu", "Xiao"), ("Ge", "Qin")])))
    assert pubs[0].lists["authors"].record.format == "medline"
