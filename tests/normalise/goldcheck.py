"""Compare a normalised Record with a gold dict, and check a RawRecord's spans (helpers for the reader tests).

Gold files (``fixtures/dev/gold/*.json``, ``fixtures/seeds/gold/*.json``, ``tests/data/pages/*.json``) hold
``publication`` (a dict of columns), ``authors`` (family_name, given_name), ``affiliations`` (texts),
``keywords`` and ``funders`` (strings).  The helpers return readable mismatch lines, empty when all agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from exodata.ingest.model import RawRecord, Record
from exodata.ingest.readers._locate import iter_located

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "data" / "pages"


def record_mismatches(record: Record, gold: dict) -> list[str]:
    """Every difference between ``record`` and the gold publication/authors/affiliations/keywords/funders."""
    problems = []
    for column, expected in gold.get("publication", {}).items():
        got = record.get(column)
        if got != expected:
            problems.append(f"publication.{column}: got {got!r}, expected {expected!r}")
    authors = [{"family_name": a.family_name, "given_name": a.given_name} for a in record.authors]
    expected_authors = [{"family_name": a["family_name"], "given_name": a["given_name"]} for a in gold["authors"]]
    if authors != expected_authors:
        problems.append(f"authors: got {authors}, expected {expected_authors}")
    lists = {
        "affiliations": [a.text for a in record.affiliations],
        "keywords": [k.value for k in record.keywords],
        "funders": [f.value for f in record.funders],
    }
    for name, got in lists.items():
        if got != gold.get(name, []):
            problems.append(f"{name}: got {got}, expected {gold.get(name, [])}")
    return problems


def span_mismatches(text: str, raw: RawRecord) -> list[str]:
    """Where a reader's output breaks ``text[start:end] == located.text`` or points at missing affiliations."""
    located = [(name, value) for name, value in raw.fields.items()]
    located += [(f"links[{i}]", v) for i, v in enumerate(raw.links)]
    located += [(f"authors[{i}]", a.name) for i, a in enumerate(raw.authors)]
    located += [(f"affiliations[{i}]", v) for i, v in enumerate(raw.affiliations)]
    located += [(f"keywords[{i}]", v) for i, v in enumerate(raw.keywords)]
    located += [(f"funders[{i}]", v) for i, v in enumerate(raw.funders)]
    located += [(label, v) for label, v in iter_located(raw)
                if label.startswith(("publication_types", "subject_headings"))]
    problems = []
    for name, value in located:
        if not (0 <= value.start <= value.end <= len(text)) or text[value.start:value.end] != value.text:
            problems.append(f"{name}: {value.text!r} is not text[{value.start}:{value.end}]")
    for i, author in enumerate(raw.authors):
        for position in author.affiliations:
            if not 1 <= position <= len(raw.affiliations):
                problems.append(f"authors[{i}] points at affiliation {position} of {len(raw.affiliations)}")
    return problems


def value_span_mismatches(text: str, record: Record) -> list[str]:
    """Normalised values whose span is outside ``text`` or empty."""
    problems = []
    spans = [(f"fields.{k}", v.start, v.end) for k, v in record.fields.items()]
    spans += [(f"authors[{i}]", a.start, a.end) for i, a in enumerate(record.authors)]
    spans += [(f"affiliations[{i}]", a.start, a.end) for i, a in enumerate(record.affiliations)]
    spans += [(f"keywords[{i}]", v.start, v.end) for i, v in enumerate(record.keywords)]
    spans += [(f"funders[{i}]", v.start, v.end) for i, v in enumerate(record.funders)]
    spans += [(f"publication_types[{i}]", t.start, t.end) for i, t in enumerate(record.publication_types)]
    spans += [(f"subject_headings[{i}].{column}", start, end) for i, h in enumerate(record.subject_headings)
              for column, (start, end) in h.spans.items()]
    for name, start, end in spans:
        if not 0 <= start < end <= len(text):
            problems.append(f"{name}: span {start}:{end} is empty or outside the text")
    return problems


def layout_documents(gold_pairs: list[tuple[Path, dict]], layout: str) -> list[tuple[Path, dict]]:
    """Seed and dev documents of ``layout`` plus this repository's variant pages of that layout."""
    found = [(path, gold) for path, gold in gold_pairs if gold["layout"] == layout]
    for gold_file in sorted(PAGES.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if gold["layout"] == layout:
            found.append((PAGES / gold["doc"], gold))
    return found


def all_documents(gold_pairs: list[tuple[Path, dict]]) -> list[tuple[Path, dict]]:
    """Every known document (seeds, dev fixtures, variant pages) with its gold."""
    layouts = {gold["layout"] for _, gold in gold_pairs}
    pages = [pair for layout in sorted(layouts) for pair in layout_documents([], layout)]
    return list(gold_pairs) + pages
