"""MSC sources are data: the vocabulary marks the tissues and cells MSCs come from, and the package carries it."""

from __future__ import annotations

from collections import defaultdict

from exodata.ingest.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
SOURCES = defaultdict(list)
for _concept in VOCAB:
    if _concept.msc_source is not None:
        SOURCES[_concept.msc_source].append(_concept)


def test_sources_are_tissues_and_cells():
    assert SOURCES, "no concept is marked msc_source"
    for name, concepts in SOURCES.items():
        assert {c.category for c in concepts} <= {"anatomy", "cell_type"}, name
        assert name.strip() == name and name, repr(name)


def test_each_source_is_named_by_one_of_its_concepts():
    for name, concepts in SOURCES.items():
        names = {term.lower() for c in concepts for term in (c.label, *c.synonyms)}
        assert name.lower() in names, f"msc_source {name!r} is not the label or a synonym of any of {concepts}"


def test_the_common_sources_are_declared():
    for name in ("bone marrow", "umbilical cord", "Wharton's jelly", "adipose tissue", "placenta", "amnion",
                 "dental pulp", "menstrual blood", "umbilical cord blood", "induced pluripotent stem cell"):
        assert name in SOURCES, name
    # a tissue and its MSC cell term are one source
    assert {c.category for c in SOURCES["bone marrow"]} == {"anatomy", "cell_type"}


def test_the_package_carries_the_column():
    import exodata
    from tests.conftest import REPO

    concepts = exodata.load("concepts", path=REPO)
    marked = dict(zip(*concepts.filter(concepts["msc_source"].is_not_null())[["concept_id", "msc_source"]]
                      .get_columns()))
    assert marked == {c.concept_id: c.msc_source for group in SOURCES.values() for c in group}
