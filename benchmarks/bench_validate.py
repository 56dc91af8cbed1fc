"""Benchmark (not a test): `exodata validate PACKAGE` against `frictionless validate PACKAGE/datapackage.json`.

Run: python benchmarks/bench_validate.py [--records 100000] [--repeat 3] [--timeout 3600] [--workdir benchmarks/out]

Both on the same package: the synthetic one benchmarks/bench_build.py writes for the size (built here if it is
not there yet; see bench_diff.py), or any package with --package DIR.  Each command runs in a fresh process, as
a user would run it; wall time, peak resident memory and the verdict are printed.  They do not check the same
things: frictionless reads the CSV copies (types, constraints, primary and foreign keys); exodata validate
checks the descriptor, sizes and sha256 of every file, each Parquet copy against its schema (pandera), keys,
mention and quantity offsets, and that the CSV and Parquet copies hold the same rows.  A run past --timeout
is stopped and reported as such.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from bench_diff import ensure_package
from measure import measure

HERE = Path(__file__).resolve().parent


def frictionless_command() -> list[str]:
    """The frictionless program installed beside this Python (exodata depends on frictionless)."""
    script = Path(sys.executable).with_name("frictionless")
    return [str(script)] if script.exists() else [sys.executable, "-m", "frictionless"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--package", type=Path, default=None, help="package directory (default: the synthetic one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of exodata validate (frictionless runs once)")
    parser.add_argument("--timeout", type=float, default=3600, help="stop a run after this many seconds")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    package = args.package or ensure_package(args.records, args.workdir)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    rows = sum(r.get("exodata:rows", 0) for r in descriptor["resources"])
    size = sum(p.stat().st_size for p in (package / "data").glob("*.csv")) / 1e6
    print(f"package {package}: {rows:,} rows in {len(descriptor['resources'])} tables, {size:,.0f} MB of CSV")
    cases = [
        ("exodata validate", [sys.executable, "-m", "exodata.cli", "validate", str(package)], args.repeat),
        ("frictionless validate", [*frictionless_command(), "validate", str(package / "datapackage.json")], 1),
    ]
    print(f"{'command':<24} {'seconds':>22} {'peak MB':>8}  verdict")
    for name, command, repeat in cases:
        runs = [measure(command, timeout=args.timeout) for _ in range(repeat)]
        last = runs[-1]
        if last["code"] is None:
            print(f"{name:<24} {'> ' + str(int(args.timeout)):>22} {'':>8}  stopped after --timeout")
            continue
        seconds = [r["seconds"] for r in runs]
        span = f"{statistics.median(seconds):.1f}"
        if repeat > 1:
            span += f" ({min(seconds):.1f}–{max(seconds):.1f})"
        verdict = "valid" if last["code"] == 0 else f"exit {last['code']}: {last['stderr'].strip()[-300:]}"
        print(f"{name:<24} {span:>22} {max(r['peak_mb'] for r in runs):>8.0f}  {verdict}")


if __name__ == "__main__":
    main()
