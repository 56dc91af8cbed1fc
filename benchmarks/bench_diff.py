"""Benchmark (not a test): `exodata diff` between a 100k-record package and a changed copy of it.

Run: python benchmarks/bench_diff.py [--records 100000] [--repeat 3] [--workdir benchmarks/out]

Uses (or builds, about a minute and a half) the synthetic package that benchmarks/bench_build.py writes for the
same size, then writes a changed copy with the package writer: publications removed (with every row that
is keyed by them), publications added (copies of existing ones, with all their rows, under new ids), and titles
and years corrected in a few thousand publications.  It then runs `exodata diff OLD NEW --json` as a user would
(a fresh process) and prints wall time and peak resident memory, for the changed copy and for the package
against itself; and checks the counts the diff reports against the changes made.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import measure

HERE = Path(__file__).resolve().parent
REMOVED, ADDED, TITLES, YEARS = 500, 1_000, 2_000, 1_000


def ensure_package(records: int, workdir: Path) -> Path:
    """The package bench_build.py builds for ``records`` (built here if it is not there yet)."""
    package = workdir / f"package-{records}"
    if (package / "datapackage.json").is_file():
        return package
    corpus, seeds = workdir / f"corpus-{records}", workdir / f"seeds-{records}"
    if not (corpus / "manifest.json").exists():
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--records", str(records), "--out",
                        str(corpus)], check=True, stdout=subprocess.DEVNULL)
    if not seeds.exists():
        seeds.mkdir(parents=True)
        for path in corpus.iterdir():
            if path.is_file() and path.name != "manifest.json":
                (seeds / path.name).write_bytes(path.read_bytes())
    print(f"building {package} (about a minute and a half at 100k records)…", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "exodata.cli", "build", "--seeds", str(seeds), "--out", str(package)],
                   check=True, stdout=subprocess.DEVNULL)
    return package


def write_changed_copy(package: Path, out: Path) -> dict[str, int]:
    """Write the changed copy of ``package`` into ``out``; return what was changed in publications."""
    import polars as pl

    import exodata
    from exodata.metadata import TABLES
    from exodata.package.writing import PackageWriter

    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    tables = exodata.load(path=package)
    ids = tables["publications"].get_column("publication_id")
    removed = ids.gather(range(0, REMOVED * 97, 97))
    copied = ids.gather(range(50, 50 + ADDED * 89, 89))
    new_id = {old: f"doi:10.99999/bench.{n}" for n, old in enumerate(copied.to_list())}
    fixed_titles = set(ids.gather(range(7, 7 + TITLES * 41, 41)).to_list())
    fixed_years = set(ids.gather(range(11, 11 + YEARS * 67, 67)).to_list())
    out.mkdir(parents=True, exist_ok=True)
    with PackageWriter(out) as writer:
        for name in TABLES:
            frame = tables[name]
            if "publication_id" in TABLES[name].primary_key:  # the publication's own rows
                extra = frame.filter(pl.col("publication_id").is_in(copied.implode())).with_columns(
                    pl.col("publication_id").replace_strict(new_id, return_dtype=pl.String))
                frame = pl.concat([frame.filter(~pl.col("publication_id").is_in(removed.implode())), extra])
            if name == "publications":
                frame = frame.with_columns(
                    title=pl.when(pl.col("publication_id").is_in(list(fixed_titles)))
                    .then(pl.col("title") + " (corrected)").otherwise("title"),
                    year=pl.when(pl.col("publication_id").is_in(list(fixed_years)))
                    .then(pl.col("year") + 1).otherwise("year"),
                    doi=pl.when(pl.col("publication_id").str.starts_with("doi:10.99999/"))
                    .then(pl.col("publication_id").str.strip_prefix("doi:")).otherwise("doi"))
            writer.write(frame, name)
        metadata = {k: v for k, v in descriptor.items() if k not in ("$schema", "resources", "created")}
        writer.commit({**metadata, "version": "99.0.0"})
    changed = (fixed_titles | fixed_years) - set(removed.to_list())
    # the copies' doi column is set from their new ids: a changed value in neither the old nor the new rows
    return {"removed": REMOVED, "added": ADDED, "changed": len(changed)}


def run_diff(old: Path, new: Path) -> tuple[float, float, dict]:
    """Seconds, peak RSS (MB) and the JSON result of one `exodata diff --json` in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = measure([sys.executable, "-m", "exodata.cli", "diff", str(old), str(new), "--json"], stdout=out.name)
        if run["code"]:
            raise SystemExit(f"exodata diff failed ({run['code']}): {run['stderr']}")
        return run["seconds"], run["peak_mb"], json.loads(Path(out.name).read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    old = ensure_package(args.records, args.workdir)
    new = args.workdir / f"package-{args.records}-changed"
    if not (new / "datapackage.json").is_file():
        start = time.perf_counter()
        made = write_changed_copy(old, new)
        print(f"wrote the changed copy in {time.perf_counter() - start:.1f} s: {made}", file=sys.stderr)
    rows = sum(r.get("exodata:rows", 0) for r in json.loads((old / "datapackage.json").read_text())["resources"])
    print(f"{'case':<28} {'rows (old)':>11} {'seconds':>16} {'peak MB':>8}")
    for case, other in (("identical (OLD vs OLD)", old), ("changed copy", new)):
        runs = [run_diff(old, other) for _ in range(args.repeat)]
        seconds = [s for s, _, _ in runs]
        span = f"{statistics.median(seconds):.2f} ({min(seconds):.2f}–{max(seconds):.2f})"
        print(f"{case:<28} {rows:>11,} {span:>16} {max(peak for _, peak, _ in runs):>8.0f}")
        result = runs[-1][2]
        pubs = result["tables"]["publications"]
        print(f"  bump {result['bump']}; publications +{pubs['rows_added']} -{pubs['rows_removed']} "
              f"~{pubs['rows_changed']} {pubs['columns_changed']}; rows added/removed/changed in all tables: "
              + "/".join(str(sum(t[f"rows_{w}"] or 0 for t in result["tables"].values()))
                         for w in ("added", "removed", "changed")))


if __name__ == "__main__":
    main()
