"""``exodata fetch pubmed`` against the fake E-utilities: slicing under the 10,000 ceiling with a corpus of
10,500 records, partial dates at slice boundaries, the pace on the clock, retries, resume after a crash at any
write, and incremental runs that touch nothing they need not."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from exodata.harvest import HarvestError, pubmed, store
from exodata.harvest.ratelimit import VirtualClock
from exodata.ingest.readers import pubmed_xml
from tests.harvest.conftest import start
from tests.harvest.fake_services import Corpus, Paper

QUERY = "mesenchymal  stem cells AND exosomes"


def run(fake, seeds: Path, clock: VirtualClock, **options) -> pubmed.Outcome:
    options.setdefault("email", "dev@example.org")
    return pubmed.fetch(QUERY, seeds, base_url=fake.eutils, clock=clock, sleep=clock.sleep, **options)


def seed_pmids(seeds: Path, *, read: bool = False) -> list[str]:
    """Every PMID in the PubMed XML seeds, with repeats; with ``read``, as the reader reads them (slower)."""
    found = []
    for path in sorted(seeds.rglob("*.xml")):
        text = path.read_text(encoding="utf-8")
        if not read:
            found.extend(pubmed.pmids_in(text))
            continue
        for record in pubmed_xml.read(text):
            assert record.quarantine is None, record.quarantine
            found.append(record.fields["pmid"].value)
    return found


def snapshot(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def windows_over(times: list[float], limit: int) -> list[float]:
    """Times at which a window of one second holds more than ``limit`` requests (none, when paced)."""
    ordered = sorted(times)
    return [ordered[i] for i in range(len(ordered) - limit) if ordered[i + limit] - ordered[i] < 1.0]


def test_a_corpus_over_the_ceiling_is_sliced_and_fetched_whole(services, clock, big_corpus, tmp_path):
    outcome = run(services, tmp_path, clock)
    assert len(big_corpus.papers) > pubmed.LIMIT
    assert all(piece.count <= pubmed.LIMIT for piece in outcome.slices) and len(outcome.slices) > 1
    pmids = seed_pmids(tmp_path)
    assert sorted(pmids) == sorted(paper.pmid for paper in big_corpus.papers)  # every record exactly once
    assert outcome.found == outcome.added == len(big_corpus.papers) and outcome.not_returned == []
    # slices follow each other day after day, and never asked past the ceiling
    days = [(piece.mindate, piece.maxdate) for piece in outcome.slices]
    assert days[0][0] == "1700-01-01" and days[-1][1] == "2999-12-31"
    for request in services.requests_to("efetch"):
        assert int(request.params["retstart"]) < pubmed.LIMIT
        assert request.params["retmode"] == "xml" and request.params["WebEnv"].startswith("MCID_")
    for request in services.requests_to("esearch"):
        assert request.params["usehistory"] == "y" and request.params["retmode"] == "json"
        assert request.params["datetype"] == "pdat" and len(request.params["mindate"]) == 10
        assert request.params["tool"] == "exodata" and request.params["email"] == "dev@example.org"


def test_never_more_than_three_requests_a_second_without_a_key_and_ten_with_one(services, clock, tmp_path):
    run(services, tmp_path / "a", clock)
    assert services.received and not services.rate_limited
    assert windows_over(services.times(has_key=False), 3) == []
    assert windows_over(services.times(has_key=False), 2) != []  # it does go as fast as allowed
    services.received.clear()
    run(services, tmp_path / "b", clock, api_key="SECRET-KEY-123")
    assert services.times(has_key=True) and not services.rate_limited
    assert windows_over(services.times(has_key=True), 10) == []
    assert windows_over(services.times(has_key=True), 3) != []


def test_the_api_key_is_sent_and_never_written(services, clock, tmp_path, monkeypatch):
    run(services, tmp_path, clock, api_key="SECRET-KEY-123")
    assert set(services.secret_seen) == {"SECRET-KEY-123"}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"SECRET-KEY-123" not in path.read_bytes(), path


def test_a_second_run_adds_nothing_and_touches_nothing(services, clock, tmp_path):
    first = run(services, tmp_path, clock)
    before = snapshot(first.folder)
    mtimes = {path.name: path.stat().st_mtime_ns for path in first.folder.iterdir()}
    services.received.clear()
    again = run(services, tmp_path, clock)
    assert again.added == 0 and again.written == [] and not again.manifest_written
    assert snapshot(again.folder) == before
    assert {path.name: path.stat().st_mtime_ns for path in again.folder.iterdir()} == mtimes
    assert services.requests_to("efetch") == []  # only the searches were repeated


def test_new_records_are_added_in_new_files_only(clock, tmp_path):
    corpus = Corpus(300, seed=3)
    fake = start(corpus, clock)
    try:
        first = run(fake, tmp_path, clock, batch=50)
        before = snapshot(first.folder)
        corpus.add([Paper("39999991", 2021, 5, 4), Paper("39999992", 2003, None, None)])
        again = run(fake, tmp_path, clock, batch=50)
    finally:
        fake.stop()
    assert again.added == 2 and len(again.written) == 1
    after = snapshot(again.folder)
    manifest = first.manifest.name
    assert {name: digest for name, digest in after.items() if name in before and name != manifest} == {
        name: digest for name, digest in before.items() if name != manifest}
    assert sorted(seed_pmids(tmp_path)) == sorted(paper.pmid for paper in corpus.papers)


@pytest.mark.parametrize("model", ["first-day", "overlap"])
def test_partial_dates_at_slice_boundaries_land_once(clock, tmp_path, monkeypatch, model):
    """Years, months and seasons on every side of the cuts, with a ceiling of 6 so that the range is cut to
    months and days: each record is fetched once whichever way the service matches partial dates."""
    monkeypatch.setattr(pubmed, "LIMIT", 6)
    papers = []
    number = 30_000_000
    for year in (2019, 2020, 2021):
        for month in (None, 1, 6, 7, 12):
            for day in (None, 1, 15, 28, 31):
                if month is None and day is not None or day == 31 and month in (6,):
                    continue
                number += 1
                papers.append(Paper(str(number), year, month, day))
        for season in ("Winter", "Spring", "Summer", "Fall"):
            number += 1
            papers.append(Paper(str(number), year, None, None, season=season))
    corpus = Corpus(0)
    corpus.add(papers)
    fake = start(corpus, clock, match=model, ceiling=6)
    try:
        outcome = run(fake, tmp_path, clock, mindate="2019", maxdate="2021", batch=5)
    finally:
        fake.stop()
    assert len(outcome.slices) > 10 and all(piece.count <= 6 for piece in outcome.slices)
    assert sorted(seed_pmids(tmp_path, read=True)) == sorted(paper.pmid for paper in papers)
    assert outcome.found == len(papers) and outcome.not_returned == []


def test_a_record_with_two_dates_in_two_slices_is_written_once(clock, tmp_path, monkeypatch):
    monkeypatch.setattr(pubmed, "LIMIT", 3)
    from datetime import date

    corpus = Corpus(0)
    corpus.add([Paper("1", 2020, 3, 1), Paper("2", 2020, 3, 2), Paper("3", 2021, 2, 1, electronic=date(2020, 3, 3)),
                Paper("4", 2021, 2, 2), Paper("5", 2021, 2, 3)])
    fake = start(corpus, clock, ceiling=3)
    try:
        outcome = run(fake, tmp_path, clock, mindate="2020", maxdate="2021")
    finally:
        fake.stop()
    assert sorted(seed_pmids(tmp_path)) == ["1", "2", "3", "4", "5"]
    assert sum(piece.count for piece in outcome.slices) == 6 and outcome.found == 5


def test_a_single_day_over_the_ceiling_is_an_error_that_says_so(clock, tmp_path, monkeypatch):
    monkeypatch.setattr(pubmed, "LIMIT", 2)
    corpus = Corpus(0)
    corpus.add([Paper(str(n), 2020, 5, 5) for n in range(1, 4)])
    fake = start(corpus, clock, ceiling=2)
    try:
        with pytest.raises(HarvestError, match=r"single day 2020/05/05.*narrow the query"):
            run(fake, tmp_path, clock, mindate="2020/05", maxdate="2020/05")
    finally:
        fake.stop()
    assert not any(tmp_path.rglob("*.xml"))


def test_the_fake_answers_past_the_ceiling_with_an_error_and_the_client_reports_it(services, clock):
    import requests

    search = requests.get(f"{services.eutils}/esearch.fcgi", params={
        "db": "pubmed", "term": "x", "usehistory": "y", "retmode": "json", "retstart": 10_000}).json()
    assert "can only retrieve the first" in search["esearchresult"]["ERROR"]
    webenv = requests.get(f"{services.eutils}/esearch.fcgi", params={
        "db": "pubmed", "term": "x", "usehistory": "y", "retmode": "json", "retmax": 0}).json()["esearchresult"]
    assert int(webenv["count"]) > 10_000
    clock.sleep(5)
    text = requests.get(f"{services.eutils}/efetch.fcgi", params={
        "db": "pubmed", "WebEnv": webenv["webenv"], "query_key": "1", "retstart": 10_000, "retmax": 10}).text
    assert "<ERROR>Cannot retrieve history data" in text
    assert "Cannot retrieve history data" in pubmed._efetch_error(text)


@pytest.mark.parametrize("status, body", [
    (429, {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": "4", "limit": "3"}),
    (503, {"error": "Service unavailable"}),
])
def test_429_and_5xx_are_retried_with_backoff(services, clock, tmp_path, status, body):
    from tests.harvest.fake_services import Fault

    services.faults.append(Fault("efetch", status=status, body=body, skip=1, times=2))
    said = []

    class Listening(pubmed.Report):
        def say(self, line):
            said.append(line)

    start_time = clock()
    outcome = run(services, tmp_path, clock, report=Listening(), mindate="2010", maxdate="2011")
    assert outcome.added == outcome.found > 0
    assert len(said) == 2 and f"answered {status}" in said[0] and "trying again in 1 s" in said[0]
    assert "trying again in 2 s" in said[1]
    assert clock() - start_time >= 3
    if status == 429:
        assert "API rate limit exceeded; 4 requests, limit 3 a second" in said[0]


def test_a_refusal_is_one_line_without_the_key(services, clock, tmp_path):
    from tests.harvest.fake_services import Fault

    services.faults.append(Fault("esearch", status=400, body={"error": "API key invalid: SECRET-KEY-123"}))
    with pytest.raises(HarvestError) as refused:
        run(services, tmp_path, clock, api_key="SECRET-KEY-123")
    message = str(refused.value)
    assert "\n" not in message and "SECRET-KEY-123" not in message and "<api-key>" in message
    assert "400" in message and refused.value.__cause__ is None and refused.value.__context__ is None


def test_a_history_order_other_than_the_idlist_loses_nothing(clock, tmp_path):
    corpus = Corpus(120, seed=5)
    fake = start(corpus, clock)
    real = fake.esearch

    def shuffled(params):  # the history server keeps another order than the idlist it answered
        status, headers, body = real(params)
        for ids in fake.histories.values():
            random.Random(1).shuffle(ids)
        return status, headers, body

    fake.esearch = shuffled
    try:
        outcome = run(fake, tmp_path, clock, batch=25, mindate="2000", maxdate="2024")
    finally:
        fake.stop()
    assert sorted(seed_pmids(tmp_path)) == sorted(paper.pmid for paper in corpus.papers)
    assert outcome.not_returned == []


class Crash(BaseException):
    """Stands for the process being killed: nothing in the fetch catches it."""


@pytest.mark.parametrize("seed", range(4))
def test_a_crash_at_any_write_then_two_runs_give_the_uninterrupted_result(services, clock, tmp_path, monkeypatch,
                                                                         seed):
    whole = run(services, tmp_path / "whole", clock)
    expected = snapshot(whole.folder)
    writes = len(expected) * 3  # three stages a file: written, synced, named
    crash_at = random.Random(seed).randrange(writes)
    calls = []

    def crash_point(stage, path):
        calls.append((stage, path.name))
        if len(calls) == crash_at + 1:
            raise Crash(stage)

    monkeypatch.setattr(store, "crash_point", crash_point)
    with pytest.raises(Crash):
        run(services, tmp_path / "resumed", clock)
    monkeypatch.setattr(store, "crash_point", None)
    folder = tmp_path / "resumed" / whole.folder.name
    for path in folder.iterdir():  # what the crash left: whole files only, under their names
        if path.suffix == ".xml":
            assert expected.get(path.name) == hashlib.sha256(path.read_bytes()).hexdigest()
    run(services, tmp_path / "resumed", clock)
    run(services, tmp_path / "resumed", clock)
    assert snapshot(folder) == expected  # the same files, byte for byte, manifest included


def test_dry_run_counts_slices_and_writes_nothing(services, clock, tmp_path):
    outcome = run(services, tmp_path, clock, dry_run=True)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
    assert sum(piece.count for piece in outcome.slices) >= len(services.corpus.papers)
    assert services.requests_to("efetch") == []


def test_the_manifest_says_what_was_asked_and_got(services, clock, tmp_path):
    import json

    outcome = run(services, tmp_path, clock, mindate="2005/03", maxdate="2007")
    manifest = json.loads(outcome.manifest.read_text(encoding="utf-8"))
    assert outcome.manifest.name == f"pubmed-{store.query_hash(QUERY)}-20050301-20071231.fetch.json"
    assert manifest["query"] == "mesenchymal stem cells AND exosomes" and manifest["retrieved"] == "2026-12-02"
    assert manifest["range"]["mindate"] == "2005-03-01" and manifest["range"]["maxdate"] == "2007-12-31"
    assert manifest["counts"]["found"] == manifest["counts"]["in_seeds"] == len(manifest["identifiers"])
    files = [name for piece in manifest["slices"] for name in piece["files"]]
    assert sorted(files) == sorted(path.name for path in outcome.folder.glob("*.xml"))
    assert "api_key" not in json.dumps(manifest)
