"""Benchmark (not a test): wall time of `import exodata`, `exodata.load()` and bare polars on the same files.

Run: python benchmarks/bench_load.py [--repeat N] [--path PACKAGE_DIR]
Each figure is the median of N fresh interpreter runs, so import caches do not flatter the numbers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

CASES = {
    "import exodata": "import time; t = time.perf_counter(); import exodata; print(time.perf_counter() - t)",
    "exodata.load() (all tables)": (
        "import time; import exodata; t = time.perf_counter(); exodata.load({path}); "
        "print(time.perf_counter() - t)"),
    "import exodata + load()": (
        "import time; t = time.perf_counter(); import exodata; exodata.load({path}); "
        "print(time.perf_counter() - t)"),
    "bare polars.read_parquet (same files)": (
        "import time, glob; t = time.perf_counter(); import polars as pl; "
        "[pl.read_parquet(f) for f in sorted(glob.glob({data!r}))]; print(time.perf_counter() - t)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--path", type=Path, default=None, help="package directory (default: the installed one)")
    args = parser.parse_args()
    if args.path is None:
        from exodata.package.loading import package_dir

        directory = package_dir()
    else:
        directory = args.path.resolve()
    path_arg = f"path={str(directory)!r}"
    data_glob = str(directory / "data" / "*.parquet")
    print(f"package: {directory}  ({args.repeat} runs each, median and min, seconds)")
    for name, template in CASES.items():
        code = template.format(path=path_arg, data=data_glob)
        runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                      .stdout.strip()) for _ in range(args.repeat)]
        print(f"{name:40s} median {statistics.median(runs):8.4f}   min {min(runs):8.4f}")


if __name__ == "__main__":
    main()
