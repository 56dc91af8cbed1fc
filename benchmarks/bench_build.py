"""Benchmark (not a test): `exodata build` on synthetic corpora of 1k, 10k and 100k records.

Run: python benchmarks/bench_build.py [--sizes 1000 10000 100000] [--jobs 0] [--workdir benchmarks/out]

For each size it generates a mixed-format corpus with benchmarks/make_corpus.py (deterministic), then runs
`exodata build` in a fresh process and prints wall time, records per second and the peak resident memory of
the build: of its largest process ("peak MB", from the kernel's accounting), and of all its processes together
("all MB", sampled every 0.1 s, shared pages counted in each process), and checks the build's record counts against
the corpus manifest.  Figures go in the issue notes; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now (Linux /proc; shared pages count once per process,
    so this overstates rather than understates)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        with contextlib.suppress(OSError, IndexError):  # a process that ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total


def run_build(seeds: Path, out: Path, jobs: int) -> tuple[float, float, float]:
    """Run ``exodata build`` as a user would (the command-line program).

    Returns (seconds, peak RSS of the largest process in MB, peak RSS of all the build's processes together in
    MB, sampled every 0.1 s).
    """
    command = [sys.executable, "-m", "exodata.cli", "build", "--seeds", str(seeds), "--out", str(out),
               "--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_total = 0
    while process.poll() is None:
        peak_total = max(peak_total, tree_rss(process.pid))
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"exodata build failed ({process.returncode}):\n{stderr}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    took = [line.strip() for line in stdout.splitlines() if line.strip().startswith("took ")]
    print(f"  {' '.join(took)}", file=sys.stderr)
    return elapsed, max(peak_kib, before) / 1024, peak_total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--jobs", type=int, default=0, help="as exodata build --jobs (0, the default: automatic)")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    print(f"{'records':>8} {'files':>6} {'MB':>7} {'seconds':>8} {'records/s':>10} {'peak MB':>8} {'all MB':>7}  check")
    for size in args.sizes:
        corpus = args.workdir / f"corpus-{size}"
        if not (corpus / "manifest.json").exists():
            subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--records", str(size), "--out",
                            str(corpus)], check=True, stdout=subprocess.DEVNULL)
        manifest = json.loads((corpus / "manifest.json").read_text())
        files = [p for p in corpus.iterdir() if p.is_file() and p.name != "manifest.json"]
        seeds = args.workdir / f"seeds-{size}"
        if not seeds.exists():
            seeds.mkdir(parents=True)
            for path in files:  # everything but the manifest, which is not a seed
                (seeds / path.name).write_bytes(path.read_bytes())
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        out = args.workdir / f"package-{size}"
        seconds, peak, peak_all = run_build(seeds, out, args.jobs)
        records = json.loads((out / "datapackage.json").read_text())["exodata:build"]["records"]
        total = sum(records.values())
        expected = manifest.get("records")
        check = "ok" if expected is None or total >= expected else f"expected {expected} records, saw {total}"
        print(f"{size:>8} {len(files):>6} {megabytes:>7.1f} {seconds:>8.1f} {total / seconds:>10.0f} {peak:>8.0f} "
              f"{peak_all:>7.0f}  "
              f"{check} {records}")


if __name__ == "__main__":
    main()
