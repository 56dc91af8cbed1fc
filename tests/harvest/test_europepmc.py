"""``exodata fetch europepmc`` against the fake Europe PMC: cursor paging, incremental runs, the manifest; and
the same paper fetched from both sources merged by the build into one publication of two seed records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from exodata.harvest import europepmc, pubmed, store
from tests.harvest.conftest import start
from tests.harvest.fake_services import Corpus, Fault

QUERY = 'MESH:"Mesenchymal Stem Cells" AND exosome*'


def run(fake, seeds: Path, clock, **options):
    return europepmc.fetch(QUERY, seeds, base_url=fake.europepmc, clock=clock, sleep=clock.sleep, **options)


def keys_in(seeds: Path) -> list[str]:
    found = []
    for path in sorted(seeds.rglob("*.json")):
        if not store.is_manifest(path.name):
            found.extend(europepmc.key(result) for result in europepmc.results_of(json.loads(path.read_text())))
    return found


def test_cursor_paging_fetches_every_result_once(clock, tmp_path):
    corpus = Corpus(2_300, seed=4)
    fake = start(corpus, clock, preprints=40)
    try:
        outcome = run(fake, tmp_path, clock)
        searches = fake.requests_to("/europepmc/search")
    finally:
        fake.stop()
    assert sorted(keys_in(tmp_path)) == sorted([f"MED:{paper.pmid}" for paper in corpus.papers]
                                               + [f"PPR:PPR{700000 + number}" for number in range(40)])
    assert outcome.found == outcome.added == 2_340 and len(outcome.written) == 3
    assert [request.params["cursorMark"] for request in searches][0] == "*"
    assert all(request.params["resultType"] == "core" and request.params["format"] == "json"
               and request.params["pageSize"] == "1000" for request in searches)
    assert len(searches) == 4  # three pages and the empty one that ends the paging
    manifest = json.loads(outcome.manifest.read_text(encoding="utf-8"))
    assert manifest["counts"] == {"hitCount": 2_340, "found": 2_340, "in_seeds": 2_340}
    assert manifest["retrieved"] == "2026-12-02" and manifest["source"] == "europepmc"
    assert outcome.manifest.name == f"europepmc-{store.query_hash(QUERY)}-all.fetch.json"


def test_a_second_run_writes_nothing_and_a_third_only_what_is_new(clock, tmp_path):
    corpus = Corpus(150, seed=6)
    fake = start(corpus, clock)
    try:
        first = run(fake, tmp_path, clock, page_size=40)
        before = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in first.folder.iterdir()}
        again = run(fake, tmp_path, clock, page_size=40)
        after = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in again.folder.iterdir()}
        fake.preprints.append({"id": "PPR1", "source": "PPR", "title": "New preprint", "pubYear": "2025"})
        third = run(fake, tmp_path, clock, page_size=40)
    finally:
        fake.stop()
    assert again.added == 0 and not again.manifest_written and after == before
    assert third.added == 1 and len(third.written) == 1
    assert sorted(keys_in(tmp_path)) == sorted([f"MED:{paper.pmid}" for paper in corpus.papers] + ["PPR:PPR1"])


def test_dates_become_a_first_publication_date_clause(clock, tmp_path):
    corpus = Corpus(200, seed=8)
    fake = start(corpus, clock)
    try:
        outcome = run(fake, tmp_path, clock, mindate="2010", maxdate="2012/06")
        sent = fake.requests_to("/europepmc/search")[0].params["query"]
    finally:
        fake.stop()
    assert sent == f"({QUERY}) AND (FIRST_PDATE:[2010-01-01 TO 2012-06-30])"
    expected = [paper for paper in corpus.papers if "2010-01-01" <= paper.first_day().isoformat() <= "2012-06-30"]
    assert outcome.found == len(expected) > 0
    assert outcome.written[0].startswith(f"europepmc-{store.query_hash(QUERY)}-20100101-20120630-")


def test_dry_run_counts_and_writes_nothing(clock, tmp_path):
    fake = start(Corpus(50, seed=9), clock)
    try:
        outcome = run(fake, tmp_path / "seeds", clock, dry_run=True)
        (request,) = fake.received
    finally:
        fake.stop()
    assert outcome.slices[0].count == 50 and not (tmp_path / "seeds").exists()
    assert request.params["resultType"] == "idlist" and request.params["pageSize"] == "1"


def test_server_errors_are_retried(clock, tmp_path):
    fake = start(Corpus(30, seed=2), clock)
    fake.faults.append(Fault("/europepmc/search", status=502, body=b"<html>Bad gateway</html>", times=2))
    try:
        outcome = run(fake, tmp_path, clock)
    finally:
        fake.stop()
    assert outcome.added == 30 and len(fake.received) == 2 + 2


@pytest.mark.slow
def test_the_same_paper_from_both_sources_is_one_publication_of_two_seed_records(clock, tmp_path):
    from exodata.build import build

    corpus = Corpus(40, seed=12)
    fake = start(corpus, clock, preprints=3)
    try:
        pubmed.fetch("msc exosomes", tmp_path / "seeds", base_url=fake.eutils, clock=clock, sleep=clock.sleep,
                     mindate="1990", maxdate="2030")
        europepmc.fetch("msc exosomes", tmp_path / "seeds", base_url=fake.europepmc, clock=clock, sleep=clock.sleep)
    finally:
        fake.stop()
    summary = build(tmp_path / "seeds", tmp_path / "out", jobs=1)
    assert len(summary.manifests) == 2 and summary.status["quarantined"] == 0
    records = pl.read_parquet(tmp_path / "out" / "data" / "seed_records.parquet")
    assert records.height == 2 * 40 + 3 and summary.publications == 40 + 3
    per_publication = records.group_by("publication_id").agg(pl.col("format").sort())
    pairs = per_publication.filter(pl.col("format").list.len() == 2)
    assert pairs.height == 40
    assert set(map(tuple, pairs["format"].to_list())) == {("europepmc_json", "pubmed_xml")}
    assert records.filter(pl.col("status") == "duplicate").height == 40  # the later seed of each pair
