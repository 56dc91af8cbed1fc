"""Corpus-wide assembly helpers, held to plain-Python statements of what they compute."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from exodata.corpus.assemble import publication_concepts
from exodata.metadata import TABLES
from exodata.metadata.arrow import polars_schema
from exodata.metadata.tables import MENTION_FIELDS

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
