"""Merging duplicate records across seeds and formats (the rules, on small hand-made groups)."""

from __future__ import annotations

from exodata.corpus.keys import local_id, match_keys
from exodata.corpus.merge import Member, group_records, merge_group
from exodata.ingest import formats
from exodata.ingest.model import Author, Record, Value
from exodata.metadata.tables import MERGED_COLUMNS, MERGED_LISTS


def record(fmt="ris", authors=(), **fields):
    rec = Record(format=fmt, index=0, fields={k: Value(v, 0, 1) for k, v in fields.items()})
    rec.authors = [Author(i, family, given, f"{family}, {given}", 0, 1) for i, (family, given) in
                   enumerate(authors, start=1)]
    return rec


def members(*records):
    out = []
    for order, rec in enumerate(records):
        out.append(Member(
            file=f"f{order}.txt", record=0, order=order, format=rec.format, rank=formats.trust_rank(rec.format),
            keys=[f"{k}:{v}" for k, v in match_keys(rec)], local_id=local_id(rec),
            values={c: rec.get(c) for c in MERGED_COLUMNS},
            list_sizes={**dict.fromkeys(MERGED_LISTS, 0), "authors": len(rec.authors)},
            author_detail=sum(len(a.given_name or "") for a in rec.authors)))
    return out


def groups_of(*records):
    return group_records([[f"{k}:{v}" for k, v in match_keys(r)] for r in records])


def test_same_doi_merges_and_keeps_the_best_supported_value():
    group = merge_group(members(
        record("wprim_page", doi="10.1/a", title="Exosomes in sepsis", year=2021),
        record("medline", doi="10.1/a", title="Exosomes in sepsis", year=2021, pmid=5),
        record("ris", doi="10.1/a", title="Exosomes in Sepsis", year=2021),
    ))
    assert group.publication_id == "doi:10.1/a"
    assert group.values["title"] == "Exosomes in sepsis"           # two records agree
    assert group.values["pmid"] == 5                                # only one gives it: kept, no conflict
    assert [(c, k, o) for c, k, o, _ in group.conflicts] == [("title", "Exosomes in sepsis", "Exosomes in Sepsis")]
    assert sorted(group.supporters["title"]) == [("f0.txt", 0), ("f1.txt", 0)]   # provenance from both
    assert len(group.duplicate_reasons) == 2
    assert all("same DOI 10.1/a" in reason for reason in group.duplicate_reasons.values())


def test_ties_are_broken_by_format_reliability_not_input_order():
    group = merge_group(members(record("wprim_page", doi="10.1/a", journal="Chin Crit Care Med"),
                                record("medline", doi="10.1/a", journal="Chinese critical care medicine")))
    assert group.values["journal"] == "Chinese critical care medicine"


def test_pmid_bridges_a_record_without_doi():
    roots = groups_of(record(doi="10.1/a", pmid=7), record(pmid=7, title="X"), record(doi="10.1/b"))
    assert roots == [0, 0, 2]


def test_title_year_first_author_key_ignores_case_accents_and_punctuation():
    a = record(title="Mesenchymal stem cell‐derived exosomes: a review.", year=2020, authors=[("Müller", "A")])
    b = record(title="Mesenchymal Stem Cell-Derived Exosomes - A Review", year=2020, authors=[("Muller", "A.")])
    assert match_keys(a)[-1] == match_keys(b)[-1]
    assert groups_of(a, b) == [0, 0]


def test_different_years_do_not_merge():
    assert groups_of(record(title="Same title", year=2020), record(title="Same title", year=2021)) == [0, 1]


def test_records_without_identifiers_get_a_stable_content_id():
    first = local_id(record(abstract="Gliomas are hard to treat."))
    again = local_id(record("aggregator_page", abstract="Gliomas are hard to treat."))
    other = local_id(record(abstract="Something else entirely."))
    assert first == again and first.startswith("sha256:") and first != other
    group = merge_group(members(record(abstract="Gliomas are hard to treat."),
                                record("aggregator_page", abstract="Gliomas are hard to treat.")))
    assert group.publication_id == first


def test_the_fullest_author_list_is_kept():
    group = merge_group(members(record("ris", doi="10.1/a", authors=[("Hu", "X")]),
                                record("medline", doi="10.1/a", authors=[("Hu", "Xiao"), ("Ge", "Qin")])))
    assert group.owners["authors"] == ("f1.txt", 0)


def test_the_primary_record_is_the_one_with_most_values():
    group = merge_group(members(record(doi="10.1/a"), record("medline", doi="10.1/a", title="T", year=2020)))
    assert group.primary.file == "f1.txt"
    assert list(group.duplicate_reasons) == [("f0.txt", 0)]


def test_different_dois_never_merge_even_with_the_same_title():
    preprint = record(doi="10.1000/preprint.1", title="Exosomes and sepsis", year=2021, authors=[("Pu", "Q")])
    journal = record(doi="10.2000/journal.2", title="Exosomes and sepsis", year=2021, authors=[("Pu", "Q")])
    assert groups_of(preprint, journal) == [0, 1]


def test_different_pmids_never_merge_through_a_shared_doi_free_title():
    title = "Exosomes from umbilical cord stem cells"
    a = record(pmid=111, title=title, year=2020)
    b = record(pmid=222, title=title, year=2020)
    c = record(title=title, year=2020)  # links to the first group it meets, never bridges the two PMIDs
    assert groups_of(a, b, c) == [0, 1, 0]


def test_the_same_doi_merges_records_whose_pmids_disagree():
    assert groups_of(record(doi="10.1/a", pmid=3), record(doi="10.1/a", pmid=12345678)) == [0, 0]


def test_no_two_groups_can_share_an_identifier():
    a = record(pmid=5, pmcid="PMC1", title="T", year=2020)
    b = record(pmid=5, pmcid="PMC2", title="T", year=2020)
    assert groups_of(a, b) == [0, 0]  # the PMID decides; the PMCIDs are a reported conflict


def test_generic_or_short_titles_do_not_link_records():
    erratum_a = record(title="Erratum", year=2021, authors=[("Pu", "Q")], abstract="Corrects figure 2.")
    erratum_b = record(title="Erratum", year=2021, authors=[("Pu", "Q")], abstract="Corrects table 1.")
    assert groups_of(erratum_a, erratum_b) == [0, 1]
    correction = "Correction to: Exosomes in sepsis and beyond"
    assert groups_of(record(title=correction, year=2021, abstract="Fig. 2"),
                     record(title=correction, year=2021, abstract="Ref. 4")) == [0, 1]
