"""``exodata fetch`` as a command: the scope file and the README's copy of it, dry runs, one-line errors, and a
fetch of 10,500 records killed mid-way (SIGKILL, in a subprocess), run again twice, then built: every record
exactly once, none quarantined."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import polars as pl
import pytest

from exodata.harvest import store
from exodata.harvest.scope import scope, scope_text
from tests.conftest import REPO
from tests.harvest.conftest import start
from tests.harvest.fake_services import Corpus


def exodata(*args: str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exodata.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300, **options)


def test_the_readme_shows_the_scope_file_as_it_is():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Growing the dataset", 1)[1].split("\n## ", 1)[0]
    (shown,) = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    assert shown == scope_text()
    assert "exodata fetch" in readme.split("## Command line", 1)[1].split("\n## ", 1)[0]


def test_the_scope_names_msc_and_vesicles_in_both_syntaxes():
    about = scope()
    assert "mesenchymal" in about.description.lower() and "vesicle" in about.description.lower()
    assert '"Mesenchymal Stem Cells"[MeSH Terms]' in about.query("pubmed") and "exosom*" in about.query("pubmed")
    assert 'MESH:"Mesenchymal Stem Cells"' in about.query("europepmc")


def test_without_a_query_the_scope_is_searched_and_dry_run_writes_nothing(tmp_path):
    fake = start(Corpus(60, seed=1))
    try:
        done = exodata("fetch", "pubmed", "--seeds", str(tmp_path / "seeds"), "--base-url", fake.eutils,
                       "--dry-run", "--mindate", "2000", "--maxdate", "2024")
        terms = {request.params["term"] for request in fake.received}
    finally:
        fake.stop()
    assert done.returncode == 0, done.stderr
    assert terms == {store.normalise_query(scope().query("pubmed"))}
    assert "20000101-20241231  2000-01-01 to 2024-12-31  60 record(s)" in done.stdout
    assert "nothing was written" in done.stdout and not (tmp_path / "seeds").exists()


def test_wrong_calls_and_failures_are_one_line(tmp_path):
    unknown = exodata("fetch", "scopus")
    assert unknown.returncode == 2 and "unknown source 'scopus'" in unknown.stderr
    key = exodata("fetch", "europepmc", "--api-key", "K")
    assert key.returncode == 2 and "--api-key is NCBI's" in key.stderr
    date = exodata("fetch", "pubmed", "--mindate", "2020/13", "--seeds", str(tmp_path))
    assert date.returncode == 1 and "not a date of the calendar" in date.stderr
    fake = start(Corpus(5, seed=1))
    try:
        refused = exodata("fetch", "pubmed", "x", "--base-url", fake.url + "/nowhere", "--seeds", str(tmp_path),
                          env={"NCBI_API_KEY": "SECRET-KEY-123"})
    finally:
        fake.stop()
    assert refused.returncode == 1 and "SECRET-KEY-123" not in refused.stderr + refused.stdout
    assert refused.stderr.count("\n") == 1 and "404" in refused.stderr


@pytest.mark.slow
def test_a_fetch_killed_midway_then_run_twice_builds_every_record_once(tmp_path):
    from exodata.build import build

    corpus = Corpus(10_500, seed=11)
    fake = start(corpus)  # real time: the client paces itself (10 requests/s with the key)
    seeds = tmp_path / "seeds"
    args = ("fetch", "pubmed", "msc exosomes", "--seeds", str(seeds), "--base-url", fake.eutils, "--email",
            "dev@example.org")
    env = {**os.environ, "NCBI_API_KEY": "SECRET-KEY-123"}
    folder = store.harvest_dir(seeds, "pubmed", "msc exosomes")
    try:
        running = subprocess.Popen([sys.executable, "-m", "exodata.cli", *args], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and running.poll() is None:
            if folder.is_dir() and len(list(folder.glob("*.xml"))) >= 4:
                break
            time.sleep(0.02)
        assert running.poll() is None, "the fetch ended before it could be killed"
        running.send_signal(signal.SIGKILL)
        running.wait()
        written = sorted(path.name for path in folder.glob("*.xml"))
        assert 4 <= len(written) < 21 and not list(folder.glob("*.fetch.json"))
        resumed = exodata(*args, env={"NCBI_API_KEY": "SECRET-KEY-123"})
        again = exodata(*args, env={"NCBI_API_KEY": "SECRET-KEY-123"})
        assert not fake.rate_limited
    finally:
        fake.stop()
    assert resumed.returncode == 0, resumed.stderr
    added = int(re.search(r"fetched ([\d,]+) new", resumed.stdout).group(1).replace(",", ""))
    assert 0 < added < 10_500 and "manifest" in resumed.stdout
    assert again.returncode == 0 and "fetched 0 new record(s)" in again.stdout and "unchanged" in again.stdout
    assert "SECRET-KEY-123" not in resumed.stdout + resumed.stderr + again.stdout + again.stderr
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]
    summary = build(seeds, tmp_path / "out", jobs=0)
    records = pl.read_parquet(tmp_path / "out" / "data" / "seed_records.parquet")
    assert summary.status == {"compiled": 10_500} and summary.manifests == [
        f"{folder.name}/{folder.name}-17000101-29991231.fetch.json"]
    assert records["publication_id"].n_unique() == records.height == 10_500
    assert set(records["format"]) == {"pubmed_xml"}
