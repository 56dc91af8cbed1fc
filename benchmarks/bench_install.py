"""Benchmark (not a test): what a plain install of exodata costs, against one with the build extra.

Run: python benchmarks/bench_install.py [--workdir benchmarks/out/install]

Creates two fresh virtual environments from this checkout with the pinned versions (`pip install -c
constraints.txt .` and `.[build]`) and prints, for each, the number of distributions installed (pip and
setuptools not counted) and the disk they take in site-packages.  Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_COUNTED = {"pip", "setuptools"}


def install(venv: Path, target: str) -> tuple[int, float]:
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "-c", str(ROOT / "constraints.txt"), target], check=True, cwd=ROOT)
    listed = json.loads(subprocess.run([*pip, "list", "--format", "json"], check=True, capture_output=True,
                                       text=True).stdout)
    count = len([d for d in listed if d["name"].lower() not in NOT_COUNTED])
    site = next((venv / "lib").glob("python3*/site-packages"))
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return count, size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out" / "install")
    args = parser.parse_args()
    print(f"{'install':<24} {'distributions':>13} {'MB':>8}")
    for label, target in (("pip install exodata-msc", "."), ("... [build]", ".[build]")):
        count, megabytes = install(args.workdir / label.replace(" ", "_").replace(".", ""), target)
        print(f"{label:<24} {count:>13} {megabytes:>8.0f}")


if __name__ == "__main__":
    main()
