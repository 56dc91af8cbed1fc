"""Scoring mentions against gold: precision, recall and F1 per category, the way the gold is written.

Gold mentions are one entry per distinct (category, lower-cased surface text) per document, from the English
title, abstract and keywords (not the vernacular title).  A build is scored by comparing those sets per document
and summing true positives, false positives and false negatives over documents.

A gold set annotates some categories only: the dev fixtures, the seeds and the held-out set were written for the
topic categories (disease ... therapy), the methods-layer sets for the six method categories.  ``score`` takes the
categories a gold set covers and leaves mentions of any other category out of both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exodata.metadata.tables import CATEGORIES

Key = tuple[str, str]  # (category, lower-cased text)
SCORED_FIELDS = ("title", "abstract", "keyword")


@dataclass(frozen=True)
class Score:
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def gold_keys(mentions: list[dict]) -> set[Key]:
    """A gold file's ``mentions`` list as the set it is scored by."""
    return {(m["category"], m["text"].lower()) for m in mentions}


def score(predicted: dict[str, set[Key]], gold: dict[str, set[Key]],
          categories: Iterable[str] = CATEGORIES) -> list[Score]:
    """One row per category plus "all"; a document missing from ``predicted`` counts as predicting nothing.

    Only ``categories`` are scored (those the gold set annotates): other mentions are left out of both sides.
    """
    categories = tuple(categories)
    counts = {category: [0, 0, 0] for category in (*categories, "all")}
    for document, expected in gold.items():
        found = {key for key in predicted.get(document, set()) if key[0] in categories}
        expected = {key for key in expected if key[0] in categories}
        for key in found & expected:
            counts[key[0]][0] += 1
            counts["all"][0] += 1
        for key in found - expected:
            counts.setdefault(key[0], [0, 0, 0])[1] += 1
            counts["all"][1] += 1
        for key in expected - found:
            counts.setdefault(key[0], [0, 0, 0])[2] += 1
            counts["all"][2] += 1
    return [Score(category, *values) for category, values in counts.items()]


def format_table(scores: list[Score]) -> str:
    width = max([10, *(len(row.category) for row in scores)])
    lines = [f"{'category':<{width}} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for row in scores:
        lines.append(
            f"{row.category:<{width}} {row.tp:>4} {row.fp:>4} {row.fn:>4} {row.precision:>9.3f} {row.recall:>7.3f} "
            f"{row.f1:>6.3f}"
        )
    return "\n".join(lines)


def differences(predicted: dict[str, set[Key]], gold: dict[str, set[Key]],
                categories: Iterable[str] = CATEGORIES) -> list[str]:
    """Human-readable false positives (+) and false negatives (-) per document, for curators."""
    categories = tuple(categories)
    lines = []
    for document in sorted(gold):
        found = {key for key in predicted.get(document, set()) if key[0] in categories}
        expected = {key for key in gold[document] if key[0] in categories}
        for category, text in sorted(found - expected):
            lines.append(f"{document}  + {category}: {text}")
        for category, text in sorted(expected - found):
            lines.append(f"{document}  - {category}: {text}")
    return lines
