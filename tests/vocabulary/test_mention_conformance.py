"""Measured quality: the build's mentions scored against the gold of the dev fixtures and the five seeds.

The floor is what the current annotator meets (scripts/score_mentions.py prints the full table); raise it when
the annotator improves, never lower it to pass.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from exodata.ingest.vocabulary.scoring import Score, differences, format_table, gold_keys, score
from exodata.metadata.tables import TOPIC_CATEGORIES

REPO = Path(__file__).resolve().parents[2]
FLOOR = {"precision": 0.97, "recall": 0.97}


def test_score_counts_per_category():
    gold = {"a": {("disease", "sepsis"), ("cell_type", "msc")}, "b": {("process", "apoptosis")}}
    predicted = {"a": {("disease", "sepsis"), ("anatomy", "lung")}}
    table = {row.category: row for row in score(predicted, gold)}
    assert table["disease"] == Score("disease", 1, 0, 0)
    assert table["anatomy"] == Score("anatomy", 0, 1, 0)
    assert table["cell_type"] == Score("cell_type", 0, 0, 1)
    assert table["process"].recall == 0.0
    assert table["all"] == Score("all", 1, 1, 2)
    assert "anatomy" in format_table(list(table.values()))
    assert differences(predicted, gold)[0].startswith("a  + anatomy")


def test_gold_keys_are_lower_cased_and_distinct():
    assert gold_keys([{"category": "disease", "text": "Sepsis"}, {"category": "disease", "text": "sepsis"}]) == {
        ("disease", "sepsis")
    }


def _score_script():
    """scripts/score_mentions.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("score_mentions", REPO / "scripts" / "score_mentions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(fixtures_dir, tmp_path_factory):
    pl = pytest.importorskip("polars")
    from exodata.build import build

    script = _score_script()
    gold_from_dir, predicted_from_package = script.gold_from_dir, script.predicted_from_package
    out = tmp_path_factory.mktemp("mentions")
    predicted, gold = {}, {}
    for name, seeds, gold_dir in (
        ("dev", fixtures_dir / "dev" / "docs", fixtures_dir / "dev" / "gold"),
        ("seeds", REPO / "seeds", fixtures_dir / "seeds" / "gold"),
    ):
        build(seeds, out / name)
        found = predicted_from_package(out / name)
        for document, keys in gold_from_dir(gold_dir).items():
            gold[f"{name}/{document}"] = keys
            predicted[f"{name}/{document}"] = found.get(document, set())
        mentions = pl.read_parquet(out / name / "data" / "mentions.parquet")
        publications = pl.read_parquet(out / name / "data" / "publications.parquet")
        keywords = pl.read_parquet(out / name / "data" / "keywords.parquet")
        _check_offsets(mentions, publications, keywords)
    return predicted, gold


def _check_offsets(mentions, publications, keywords):
    """Every mention's offsets re-checked against the stored text: publications.<field>[start:end] == text."""
    texts = {row["publication_id"]: row for row in publications.iter_rows(named=True)}
    words = {(r["publication_id"], r["position"]): r["keyword"] for r in keywords.iter_rows(named=True)}
    # every gold document is about MSC exosomes: each publication has mentions whose offsets are checked here
    assert set(mentions["publication_id"]) == set(publications["publication_id"])
    for m in mentions.iter_rows(named=True):
        if m["field"] == "keyword":
            source = words[(m["publication_id"], m["keyword_position"])]
        else:
            source = texts[m["publication_id"]][m["field"]]
        assert source[m["start"] : m["end"]] == m["text"], m


def test_build_meets_the_floor_per_category(built):
    predicted, gold = built
    rows = score(predicted, gold, TOPIC_CATEGORIES)
    print(format_table(rows))
    for row in rows:
        assert row.precision >= FLOOR["precision"], (row, differences(predicted, gold, TOPIC_CATEGORIES))
        assert row.recall >= FLOOR["recall"], (row, differences(predicted, gold, TOPIC_CATEGORIES))
