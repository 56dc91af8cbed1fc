"""Benchmark (not a test): CPU time per record of the per-file stage, in one process.

Run: python benchmarks/profile_stage.py SEEDS_DIR [--repeat 3] [--profile [--top 40]]

It runs ``exodata.ingest.compile.compile_file(path, name, partial(exodata.ingest.staging.stage, number=n))``
(decode → detect → read → normalise → annotate → stage into column frames, shaped as a build's workers spill
them) over every file of SEEDS_DIR, in this process and without writing the spill files, and prints the records
staged, wall seconds and CPU milliseconds per record (``time.process_time``: the machine is shared, so CPU time
is the figure to compare).  The vocabulary is loaded before timing, so
that the figure is the per-record cost.  ``--profile`` runs once more under cProfile and prints the top
functions by own time and by cumulative time.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path


def seed_files(directory: Path) -> list[tuple[Path, str]]:
    """(path, relative name) of every seed file under ``directory``, in a stable order."""
    return [(path, path.relative_to(directory).as_posix()) for path in sorted(directory.rglob("*")) if path.is_file()]


def run(files: list[tuple[Path, str]]) -> int:
    """Stage every file as a build's workers do (into the spilled shape); the number of records staged."""
    from functools import partial

    from exodata.ingest.compile import compile_file
    from exodata.ingest.staging import stage

    return sum(compile_file(path, name, partial(stage, number=number))["records"].height
               for number, (path, name) in enumerate(files))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is reported too)")
    parser.add_argument("--profile", action="store_true", help="one more run under cProfile")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    import exodata
    from exodata.ingest.annotate import annotator

    files = seed_files(args.seeds)
    print(f"exodata from {Path(exodata.__file__).parent}; {len(files)} files in {args.seeds}", file=sys.stderr)
    annotator()  # load the vocabulary and build the automaton outside the timed runs
    cpu_figures = []
    for attempt in range(1, args.repeat + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        records = run(files)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        cpu_figures.append(1000 * cpu / records)
        print(f"run {attempt}: {records} records, {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"{cpu_figures[-1]:.3f} CPU ms/record")
    if cpu_figures:
        print(f"best {min(cpu_figures):.3f} CPU ms/record, median {sorted(cpu_figures)[len(cpu_figures) // 2]:.3f}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, files)
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
