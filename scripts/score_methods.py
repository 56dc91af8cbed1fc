"""Score the methods layer of a build against methods-layer gold: mentions, quantities and the indexers' tables.

    python scripts/score_methods.py ../shared/fixtures/methods-dev tests/data/methods/dev [--diff]
    python scripts/score_methods.py --package OUT --gold tests/data/methods/dev/gold

Each positional FOLDER holds ``docs/`` and ``gold/`` (the layout of ``shared/fixtures/methods-dev`` and of
``tests/data/methods/<split>``): the docs are built into a temporary package first.  ``--package``/``--gold``
pairs score packages already built.  Printed per folder:

* mentions of the six method categories (``METHOD_CATEGORIES``), scored like the gold is written: one entry per
  (category, lower-cased text) per document, from the title, abstract and keywords; precision, recall and F1;
* ``quantities``: each gold quantity ``(quantity, value_min, value_max, unit, text)`` matched to a found one
  (multisets per document), and how many documents match exactly (same list, same order);
* ``publication_types`` (strings in record order) and ``subject_headings`` (descriptor, id, major,
  qualifiers), per document exact, when the package has those tables (else "skipped").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from exodata.ingest.vocabulary.scoring import Score, differences, format_table, gold_keys, score  # noqa: E402
from exodata.metadata.tables import METHOD_CATEGORIES  # noqa: E402

QuantityKey = tuple[str, float, float, str, str]


@dataclass
class Predicted:
    """What a package says about each document (by file name)."""

    mentions: dict[str, set[tuple[str, str]]]
    quantities: dict[str, list[QuantityKey]]
    publication_types: dict[str, list[str]] | None
    subject_headings: dict[str, list[dict]] | None


def _records(data: Path):
    import polars as pl

    records = pl.read_parquet(data / "seed_records.parquet").filter(pl.col("publication_id").is_not_null())
    return {Path(file).name: pid for file, pid in records.select("file", "publication_id").iter_rows()}


def predicted_from_package(package: Path) -> Predicted:
    """The mentions, quantities and (when present) publication types and MeSH headings of a built package."""
    import polars as pl

    from exodata.ingest.vocabulary.scoring import SCORED_FIELDS

    data = package / "data"
    files = _records(data)
    mentions: dict[str, set] = {}
    table = pl.read_parquet(data / "mentions.parquet").filter(pl.col("field").is_in(SCORED_FIELDS))
    for pid, category, text in table.select("publication_id", "category", "text").iter_rows():
        mentions.setdefault(pid, set()).add((category, text.lower()))
    quantities: dict[str, list] = {}
    table = pl.read_parquet(data / "vesicle_quantities.parquet")
    order = {"title": 0, "abstract": 1}
    rows = sorted(
        table.iter_rows(named=True), key=lambda r: (r["publication_id"], order.get(r["field"], 2), r["start"])
    )
    for row in rows:
        quantities.setdefault(row["publication_id"], []).append(
            (row["quantity"], float(row["value_min"]), float(row["value_max"]), row["unit"], row["text"]))
    return Predicted(
        mentions={file: mentions.get(pid, set()) for file, pid in files.items()},
        quantities={file: quantities.get(pid, []) for file, pid in files.items()},
        publication_types=_publication_types(data, files),
        subject_headings=_subject_headings(data, files),
    )


def _publication_types(data: Path, files: dict[str, str]) -> dict[str, list[str]] | None:
    """publication id -> the record's publication types in order, if the package has that table."""
    import polars as pl

    path = data / "publication_types.parquet"
    if not path.exists():
        return None
    table = pl.read_parquet(path)
    text = next((c for c in ("publication_type", "type", "name", "label") if c in table.columns), None)
    if text is None or "position" not in table.columns:
        return None
    by_pid: dict[str, list] = {}
    for row in table.sort("publication_id", "position").iter_rows(named=True):
        by_pid.setdefault(row["publication_id"], []).append(row[text])
    return {file: by_pid.get(pid, []) for file, pid in files.items()}


def _subject_headings(data: Path, files: dict[str, str]) -> dict[str, list[dict]] | None:
    """publication id -> the record's MeSH headings as the gold writes them, if the package has that table."""
    import polars as pl

    path = data / "subject_headings.parquet"
    if not path.exists():
        return None
    table = pl.read_parquet(path)
    needed = {"publication_id", "descriptor", "descriptor_id", "major", "qualifiers"}
    if not needed <= set(table.columns):
        return None
    if "position" in table.columns:
        table = table.sort("publication_id", "position")
    by_pid: dict[str, list] = {}
    for row in table.iter_rows(named=True):
        qualifiers = row["qualifiers"]
        if isinstance(qualifiers, str):
            qualifiers = [q for q in qualifiers.split("|") if q] if qualifiers else []
        by_pid.setdefault(row["publication_id"], []).append({
            "descriptor": row["descriptor"], "descriptor_id": row["descriptor_id"], "major": bool(row["major"]),
            "qualifiers": list(qualifiers or []),
        })
    return {file: by_pid.get(pid, []) for file, pid in files.items()}


@dataclass
class Gold:
    mentions: dict[str, set[tuple[str, str]]]
    quantities: dict[str, list[QuantityKey]]
    publication_types: dict[str, list[str]]
    subject_headings: dict[str, list[dict]]


def gold_from_dir(gold_dir: Path) -> Gold:
    gold = Gold({}, {}, {}, {})
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = data["doc"]
        gold.mentions[doc] = gold_keys(data.get("mentions", []))
        gold.quantities[doc] = [quantity_key(q) for q in data.get("quantities", [])]
        gold.publication_types[doc] = list(data.get("publication_types", []))
        gold.subject_headings[doc] = list(data.get("subject_headings", []))
    return gold


def quantity_key(q: dict) -> QuantityKey:
    return (q["quantity"], float(q["value_min"]), float(q["value_max"]), q["unit"], q["text"])


def score_quantities(predicted: dict[str, list], gold: dict[str, list]) -> tuple[Score, int, int]:
    """Multiset matching per document: (score row, documents whose list matches exactly, documents)."""
    tp = fp = fn = exact = 0
    for document, expected in gold.items():
        found = predicted.get(document, [])
        common = Counter(found) & Counter(expected)
        matched = sum(common.values())
        tp, fp, fn = tp + matched, fp + len(found) - matched, fn + len(expected) - matched
        exact += found == expected
    return Score("quantities", tp, fp, fn), exact, len(gold)


def quantity_differences(predicted: dict[str, list], gold: dict[str, list]) -> list[str]:
    lines = []
    for document in sorted(gold):
        found, expected = Counter(predicted.get(document, [])), Counter(gold[document])
        lines += [f"{document}  + quantity: {q}" for q in (found - expected).elements()]
        lines += [f"{document}  - quantity: {q}" for q in (expected - found).elements()]
    return lines


def exact_per_document(predicted: dict[str, list] | None, gold: dict[str, list]) -> tuple[int, int] | None:
    if predicted is None:
        return None
    return sum(predicted.get(doc, []) == expected for doc, expected in gold.items()), len(gold)


@dataclass
class Report:
    mentions: list[Score]
    quantities: Score
    quantities_exact: tuple[int, int]
    publication_types: tuple[int, int] | None
    subject_headings: tuple[int, int] | None
    diff: list[str]


def evaluate(predicted: Predicted, gold: Gold) -> Report:
    rows = score(predicted.mentions, gold.mentions, METHOD_CATEGORIES)
    quantities, exact, documents = score_quantities(predicted.quantities, gold.quantities)
    diff = differences(predicted.mentions, gold.mentions, METHOD_CATEGORIES)
    diff += quantity_differences(predicted.quantities, gold.quantities)
    return Report(rows, quantities, (exact, documents),
                  exact_per_document(predicted.publication_types, gold.publication_types),
                  exact_per_document(predicted.subject_headings, gold.subject_headings), diff)


def build_folder(folder: Path, out: Path) -> Path:
    """Build ``folder/docs`` into ``out`` (quietly) and return the package folder."""
    from exodata.build import build

    build(folder / "docs", out)
    return out


def format_report(name: str, report: Report) -> str:
    lines = [f"== {name}", format_table([*report.mentions, report.quantities])]
    exact, documents = report.quantities_exact
    lines.append(f"quantities: {exact}/{documents} documents exactly as the gold (same list, same order)")
    for label, result in (("publication_types", report.publication_types),
                          ("subject_headings", report.subject_headings)):
        lines.append(f"{label}: " + (f"{result[0]}/{result[1]} documents exact" if result else
                                     "skipped (the package has no such table)"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="folders holding docs/ and gold/")
    parser.add_argument("--package", action="append", type=Path, default=[])
    parser.add_argument("--gold", action="append", type=Path, default=[])
    parser.add_argument("--diff", action="store_true", help="list false positives (+) and negatives (-)")
    args = parser.parse_args(argv)
    if len(args.package) != len(args.gold):
        parser.error("give one --gold per --package")
    if not args.folders and not args.package:
        parser.error("give a folder holding docs/ and gold/, or --package with --gold")
    for folder in args.folders:
        if not (folder / "docs").is_dir() or not (folder / "gold").is_dir():
            parser.error(f"{folder} holds no docs/ and gold/")
    with tempfile.TemporaryDirectory() as temporary:
        pairs = [(str(package), package, gold) for package, gold in zip(args.package, args.gold)]
        for number, folder in enumerate(args.folders):
            pairs.append((str(folder), build_folder(folder, Path(temporary) / str(number)), folder / "gold"))
        for name, package, gold_dir in pairs:
            report = evaluate(predicted_from_package(package), gold_from_dir(gold_dir))
            print(format_report(name, report))
            if args.diff and report.diff:
                print("\n".join(report.diff))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
