"""Held-out mention set (tests/data/heldout): twelve fictional MSC-EV records whose gold was written blind.

The blind (out-of-sample) score is recorded in tests/data/heldout/README.md. After that measurement the vocabulary was
extended with general terms, so the set is no longer blind: the floors below are the post-fix measurement, kept only
as a regression guard. Raise them when the annotator improves, never lower them to pass. Only the topic categories are
scored: this gold predates the methods layer (0.6), whose categories it does not annotate (its two EV markers were
relabelled ev_marker then, see the README). The cargo floor is low on purpose: most cargo "false positives" are named
cytokines the gold reads as recipient read-outs, not vesicle cargo (see the README), which a context-free vocabulary
cannot tell apart.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from exodata.ingest.vocabulary.scoring import differences, format_table, score
from exodata.metadata.tables import TOPIC_CATEGORIES

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "tests" / "data" / "heldout"
FLOOR = {  # category: (precision, recall), measured after the vocabulary fixes
    "disease": (0.96, 1.00),
    "anatomy": (1.00, 0.96),
    "cell_type": (1.00, 0.98),
    "cargo": (0.66, 0.88),  # 0.6: CD63 and TSG101 are ev_marker (README), two cargo hits fewer, same errors
    "process": (0.97, 0.97),
    "therapy": (0.95, 1.00),
    "all": (0.94, 0.97),
}


def _gold_files() -> list[Path]:
    return sorted((HELDOUT / "gold").glob("*.json"))


def _ris_texts(path: Path) -> list[str]:
    """Title, abstract and keyword values of a one-record RIS file (the fields mentions are taken from)."""
    values = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tag, _, value = line.partition("  - ")
        if tag in ("TI", "AB", "KW"):
            values.append(value)
    return values


def test_heldout_set_has_twelve_documents_with_gold():
    docs = sorted(p.name for p in (HELDOUT / "docs").glob("*.ris"))
    gold = [json.loads(p.read_text(encoding="utf-8"))["doc"] for p in _gold_files()]
    assert len(docs) == 12 and sorted(gold) == docs


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: p.stem)
def test_gold_mentions_are_distinct_and_occur_in_the_document(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    texts = _ris_texts(HELDOUT / "docs" / gold["doc"])
    keys = [(m["category"], m["text"].lower()) for m in gold["mentions"]]
    assert len(keys) == len(set(keys))
    for mention in gold["mentions"]:
        pattern = r"(?<![\w-])" + re.escape(mention["text"]) + r"(?!\w)"
        assert any(re.search(pattern, t) for t in texts), mention


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    pytest.importorskip("polars")
    from exodata.build import build

    spec = importlib.util.spec_from_file_location("score_mentions", REPO / "scripts" / "score_mentions.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path_factory.mktemp("heldout")
    build(HELDOUT / "docs", out)
    predicted = script.predicted_from_package(out)
    gold = script.gold_from_dir(HELDOUT / "gold")
    return predicted, gold


def test_heldout_build_meets_the_floor_per_category(scored):
    predicted, gold = scored
    rows = score(predicted, gold, TOPIC_CATEGORIES)
    print(format_table(rows))
    for row in rows:
        precision, recall = FLOOR[row.category]
        assert row.precision >= precision, (row, differences(predicted, gold, TOPIC_CATEGORIES))
        assert row.recall >= recall, (row, differences(predicted, gold, TOPIC_CATEGORIES))
