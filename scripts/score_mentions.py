"""Score a built package's mentions against gold mention lists: precision and recall per category.

    python scripts/score_mentions.py --package OUT_DEV --gold ../shared/fixtures/dev/gold \
                                     --package OUT_SEEDS --gold ../shared/fixtures/seeds/gold [--diff]

Each --package is a directory written by `exodata build` (data/mentions.parquet, data/seed_records.parquet);
it is paired with the --gold directory at the same position.  A gold file names its document in "doc"; the
package's seed_records table maps that file to its publication.  Without --package/--gold the script builds the
dev fixtures and the seeds into a temporary folder first.

These gold sets annotate the topic categories (disease ... therapy) only, so only those are scored here; the
methods layer's six categories are scored by scripts/score_methods.py against the methods-layer gold.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from exodata.ingest.vocabulary.scoring import SCORED_FIELDS, differences, format_table, gold_keys, score  # noqa: E402
from exodata.metadata.tables import TOPIC_CATEGORIES  # noqa: E402


def predicted_from_package(package: Path) -> dict[str, set[tuple[str, str]]]:
    """document file name -> {(category, lower text)} from the package's mentions (English fields only)."""
    import polars as pl

    data = package / "data"
    records = pl.read_parquet(data / "seed_records.parquet").filter(pl.col("publication_id").is_not_null())
    mentions = pl.read_parquet(data / "mentions.parquet").filter(pl.col("field").is_in(SCORED_FIELDS))
    by_publication: dict[str, set] = {}
    for row in mentions.select("publication_id", "category", "text").iter_rows():
        by_publication.setdefault(row[0], set()).add((row[1], row[2].lower()))
    return {Path(file).name: by_publication.get(pid, set())
            for file, pid in records.select("file", "publication_id").iter_rows()}


def gold_from_dir(gold_dir: Path) -> dict[str, set[tuple[str, str]]]:
    gold = {}
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not data.get("quarantine"):
            gold[data["doc"]] = gold_keys(data.get("mentions", []))
    return gold


def build(seeds: Path, out: Path) -> None:
    code = "from exodata.cli import main; main()"
    subprocess.run([sys.executable, "-c", code, "build", "--seeds", str(seeds), "--out", str(out)], check=True,
                   cwd=REPO)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", action="append", type=Path, default=[])
    parser.add_argument("--gold", action="append", type=Path, default=[])
    parser.add_argument("--fixtures", type=Path, default=REPO.parent / "shared" / "fixtures")
    parser.add_argument("--diff", action="store_true", help="list false positives (+) and negatives (-)")
    args = parser.parse_args(argv)
    if len(args.package) != len(args.gold):
        parser.error("give one --gold per --package")

    pairs = list(zip(args.package, args.gold))
    temporary = None
    if not pairs:
        temporary = tempfile.TemporaryDirectory()
        for name, seeds in (("dev", args.fixtures / "dev" / "docs"), ("seeds", REPO / "seeds")):
            out = Path(temporary.name) / name
            build(seeds, out)
            gold_dir = args.fixtures / ("dev" if name == "dev" else "seeds") / "gold"
            pairs.append((out, gold_dir))

    predicted: dict = {}
    gold: dict = {}
    for package, gold_dir in pairs:
        found = predicted_from_package(package)
        for document, keys in gold_from_dir(gold_dir).items():
            gold[f"{gold_dir.parent.name}/{document}"] = keys
            predicted[f"{gold_dir.parent.name}/{document}"] = found.get(document, set())
    print(format_table(score(predicted, gold, TOPIC_CATEGORIES)))
    if args.diff:
        print("\n".join(differences(predicted, gold, TOPIC_CATEGORIES)))
    if temporary:
        temporary.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
