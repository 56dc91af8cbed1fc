"""Corpus-wide assembly helpers, held to plain-Python statements of what they compute."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from exodata.corpus.assemble import publication_concepts, publication_methods
from exodata.metadata import TABLES
from exodata.metadata.arrow import polars_schema
from exodata.metadata.tables import MENTION_FIELDS, METHOD_COLUMNS

CONCEPTS = pl.DataFrame({"concept_id": ["CL:1", "GO:2", "MONDO:3"], "label": ["cell", "process", "disease"]})
CATEGORY = {"CL:1": "cell_type", "GO:2": "process", "MONDO:3": "disease"}

mention = st.tuples(st.sampled_from(["doi:a", "doi:b", "pmid:1"]), st.sampled_from(sorted(CATEGORY)),
                    st.sampled_from(MENTION_FIELDS), st.integers(0, 50))


@given(st.lists(mention, max_size=40))
def test_publication_concepts_counts_mentions_and_lists_fields_in_key_order(rows):
    mentions = pl.DataFrame(
        [(pid, cid, CATEGORY[cid], field, start) for pid, cid, field, start in rows],
        schema={"publication_id": pl.String, "concept_id": pl.String, "category": pl.String, "field": pl.String,
                "start": pl.Int64}, orient="row")
    summary = publication_concepts(mentions, CONCEPTS)

    expected = {}
    for pid, cid, field, _ in rows:
        count, fields = expected.get((pid, cid), (0, set()))
        expected[pid, cid] = (count + 1, fields | {field})
    assert summary.schema == pl.Schema(polars_schema(TABLES["publication_concepts"]))
    assert summary.rows() == [
        (pid, cid, CATEGORY[cid], dict(CONCEPTS.iter_rows())[cid], count, [f for f in MENTION_FIELDS if f in fields])
        for (pid, cid), (count, fields) in sorted(expected.items())]


METHOD_CONCEPTS = pl.DataFrame({"concept_id": ["NCBITaxon:10116", "EXO:sec", "EXO:nta", "MONDO:3", "EXO:iv"],
                                "label": ["rat", "size-exclusion chromatography", "nanoparticle tracking analysis",
                                          "disease", "intravenous"]})
METHOD_CATEGORY = {"NCBITaxon:10116": "species", "EXO:sec": "isolation_method", "EXO:nta": "characterization_method",
                   "MONDO:3": "disease", "EXO:iv": "route"}
method_mention = st.tuples(st.sampled_from(["doi:a", "doi:b", "pmid:1"]), st.sampled_from(sorted(METHOD_CATEGORY)))


@given(st.lists(method_mention, max_size=30))
def test_publication_methods_lists_each_categorys_labels_once_per_publication(rows):
    mentions = pl.DataFrame(
        [(pid, cid, METHOD_CATEGORY[cid]) for pid, cid in rows],
        schema={"publication_id": pl.String, "concept_id": pl.String, "category": pl.String}, orient="row")
    summary = publication_methods(mentions, METHOD_CONCEPTS)

    label = dict(METHOD_CONCEPTS.iter_rows())
    expected = {}
    for pid, cid in rows:
        category = METHOD_CATEGORY[cid]
        if category in METHOD_COLUMNS:
            lists, count = expected.get(pid, ({column: set() for column in METHOD_COLUMNS.values()}, 0))
            lists[METHOD_COLUMNS[category]].add(label[cid])
            expected[pid] = (lists, count + 1)
    assert summary.schema == pl.Schema(polars_schema(TABLES["publication_methods"]))
    assert summary.rows() == [
        (pid, *(sorted(lists[column]) for column in METHOD_COLUMNS.values()), count)
        for pid, (lists, count) in sorted(expected.items())]
