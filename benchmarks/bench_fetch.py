"""Benchmark (not a test): the harvest scenario of issue 15, run as a user would, against the local stand-in.

Run: python benchmarks/bench_fetch.py [--records 10700] [--kill-after 6] [--api-key] [--workdir DIR]

Starts the fake E-utilities of the tests (tests/harvest/fake_services.py) on 127.0.0.1 with ``--records``
matching records (more than PubMed's 10,000 ceiling, so the date range is sliced), runs ``exodata fetch pubmed``,
kills it (SIGKILL) once ``--kill-after`` seed files exist, runs it again twice, then ``exodata build`` on the
seeds.  Prints each run's wall time and last line, the requests the service saw, the most requests it saw in any
one-second window (the limit is 3 without a key, 10 with one) and its 429s, and the build's record counts.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.harvest.fake_services import Corpus, FakeServices  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_700)
    parser.add_argument("--kill-after", type=int, default=6, help="seed files written before the kill")
    parser.add_argument("--api-key", action="store_true", help="fetch with an API key (10 requests a second)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    import polars as pl

    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    shutil.rmtree(root / "seeds", ignore_errors=True)
    shutil.rmtree(root / "out", ignore_errors=True)
    seeds = root / "seeds"
    fake = FakeServices(Corpus(args.records, seed=5)).start()
    env = {name: value for name, value in os.environ.items() if name != "NCBI_API_KEY"}
    if args.api_key:
        env["NCBI_API_KEY"] = "bench-key"
    command = [sys.executable, "-m", "exodata.cli", "fetch", "pubmed", "--seeds", str(seeds), "--base-url",
               fake.eutils, "--email", "bench@example.org"]
    try:
        started = time.monotonic()
        running = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while running.poll() is None and len(list(seeds.rglob("*.xml"))) < args.kill_after:
            time.sleep(0.05)
        running.send_signal(signal.SIGKILL)
        running.wait()
        print(f"killed after {len(list(seeds.rglob('*.xml')))} seed files, {time.monotonic() - started:.1f} s")
        for run in (1, 2):
            started = time.monotonic()
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            last = (result.stdout.strip() or result.stderr.strip()).splitlines()[-1:]
            print(f"run {run}: exit {result.returncode}, {time.monotonic() - started:.1f} s: {' '.join(last)}")
        seen = sorted(fake.times())
        busiest = max((sum(1 for other in seen if at <= other < at + 1.0) for at in seen), default=0)
        print(f"requests: {len(seen)}; most in any one-second window: {busiest}; 429 answers: {fake.rate_limited}")
    finally:
        fake.stop()
    build = subprocess.run([sys.executable, "-m", "exodata.cli", "build", "--seeds", str(seeds), "--out",
                            str(root / "out")], capture_output=True, text=True)
    print((build.stdout.strip() or build.stderr.strip()).splitlines()[0])
    records = pl.read_parquet(root / "out" / "data" / "seed_records.parquet")
    print(f"seed records: {records.height}, publications: {records['publication_id'].n_unique()}, "
          f"status: {dict(records['status'].value_counts().iter_rows())}")


if __name__ == "__main__":
    main()
