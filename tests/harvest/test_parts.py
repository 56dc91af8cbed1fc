"""The parts of a harvest on their own: date slicing, the rate limiter on a virtual clock, names, atomic
writes, the manifest, and the build skipping manifests."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exodata.harvest import HarvestError, slicing, store
from exodata.harvest.ratelimit import RateLimiter, VirtualClock

days = st.dates(min_value=date(1700, 1, 1), max_value=date(2999, 12, 31))


@given(days, days)
def test_a_split_covers_the_range_without_gap_or_overlap(one, other):
    low, high = min(one, other), max(one, other)
    if low == high:
        with pytest.raises(ValueError):
            slicing.split(low, high)
        return
    (a, b), (c, d) = slicing.split(low, high)
    assert a == low and d == high and b + timedelta(days=1) == c and a <= b < c <= d
    if low.year != high.year:
        assert (c.month, c.day) == (1, 1)
    elif low.month != high.month:
        assert c.day == 1


def test_partial_dates_are_whole_days():
    assert slicing.date_range("2020", "2020") == (date(2020, 1, 1), date(2020, 12, 31))
    assert slicing.date_range("2020/02", "2024-02") == (date(2020, 2, 1), date(2024, 2, 29))
    assert slicing.date_range(None, None) == (slicing.EARLIEST, slicing.LATEST)
    assert slicing.ncbi(date(2020, 3, 4)) == "2020/03/04" and slicing.label(date(2020, 3, 4), date(2021, 1, 1)) == (
        "20200304-20210101")
    for wrong in ("20", "2020/13", "2020/02/30", "May 2020"):
        with pytest.raises(HarvestError):
            slicing.date_range(wrong, None)
    with pytest.raises(HarvestError, match="after"):
        slicing.date_range("2021", "2020")


@pytest.mark.parametrize("limit", [3, 10])
def test_the_limiter_never_lets_more_than_limit_through_in_any_second(limit):
    clock = VirtualClock()
    limiter = RateLimiter(limit, clock=clock, sleep=clock.sleep)
    times = []
    for number in range(200):
        times.append(limiter.acquire())
        if number % 17 == 0:
            clock.sleep(0.3)  # some work between requests
    assert all(times[i + limit] - times[i] >= 1.0 for i in range(len(times) - limit))
    assert any(times[i + limit - 1] - times[i] < 1.0 for i in range(len(times) - limit))  # and uses the allowance


@pytest.mark.parametrize("limit", [3, 10])
def test_a_run_started_right_after_a_killed_one_keeps_to_the_limit_across_both(limit):
    """Each process paces only its own requests: a fresh limiter assumes the last window was full."""
    clock = VirtualClock()
    killed = RateLimiter(limit, clock=clock, sleep=clock.sleep)
    times = [killed.acquire() for _ in range(limit * 3 + 1)]  # killed just after its last request
    clock.sleep(0.05)  # the next run starts at once
    again = RateLimiter(limit, clock=clock, sleep=clock.sleep, assume_full=True)
    times += [again.acquire() for _ in range(limit * 3)]
    assert all(times[i + limit] - times[i] >= 1.0 for i in range(len(times) - limit))
    started = clock()
    fresh = RateLimiter(limit, clock=clock, sleep=clock.sleep, assume_full=True)
    assert fresh.acquire() == pytest.approx(started + 1.0)


def test_names_come_from_source_query_slice_and_records():
    assert store.query_hash("a  b\n c") == store.query_hash("a b c") != store.query_hash("A b c")
    name = store.seed_name("pubmed", "a b", "20200101-20201231", ["2", "1"], ".xml")
    assert name == store.seed_name("pubmed", "a  b", "20200101-20201231", ["1", "2"], ".xml")
    assert name.startswith(f"pubmed-{store.query_hash('a b')}-20200101-20201231-") and name.endswith(".xml")
    assert store.is_manifest(store.manifest_name("pubmed", "a b", "all"))


class Crash(BaseException):
    pass


@pytest.mark.parametrize("stage", ["written", "synced"])
def test_a_write_interrupted_before_its_name_leaves_nothing(tmp_path, monkeypatch, stage):
    def crash(reached, path):
        if reached == stage:
            raise Crash

    monkeypatch.setattr(store, "crash_point", crash)
    with pytest.raises(Crash):
        store.write_new(tmp_path / "a.xml", b"<x/>")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(store, "crash_point", None)
    assert store.write_new(tmp_path / "a.xml", b"<x/>") and not store.write_new(tmp_path / "a.xml", b"<y/>")
    assert (tmp_path / "a.xml").read_bytes() == b"<x/>"


def test_partials_of_a_killed_fetch_are_removed(tmp_path):
    (tmp_path / ".exodata-fetch-123-x.fetch.json.part").write_text("{")
    (tmp_path / ".other").write_text("kept")
    assert store.remove_partials(tmp_path) == [".exodata-fetch-123-x.fetch.json.part"]
    assert [path.name for path in tmp_path.iterdir()] == [".other"]


def test_the_manifest_is_rewritten_only_when_what_it_records_changes(tmp_path, monkeypatch):
    path = tmp_path / "m.fetch.json"
    assert store.write_manifest(path, {"retrieved": store.retrieval_date(), "count": 1})
    assert json.loads(path.read_text())["retrieved"] == "2026-12-02"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1796169600 + 86400 * 30))
    before = path.stat().st_mtime_ns
    assert not store.write_manifest(path, {"retrieved": store.retrieval_date(), "count": 1})
    assert path.stat().st_mtime_ns == before
    assert store.write_manifest(path, {"retrieved": store.retrieval_date(), "count": 2})
    assert json.loads(path.read_text())["retrieved"] == "2027-01-01"


def test_a_second_fetch_into_the_same_seeds_is_refused(tmp_path):
    with store.locked(tmp_path), pytest.raises(HarvestError, match="another exodata fetch"), store.locked(tmp_path):
        pass


def test_the_build_skips_manifests_and_counts_them(tmp_path):
    from exodata.build import build, seed_files

    seeds = tmp_path / "seeds"
    (seeds / "pubmed-abc").mkdir(parents=True)
    source = os.path.join(os.path.dirname(__file__), "..", "data", "exports", "pubmed_set.xml")
    with open(source, "rb") as handle:
        (seeds / "pubmed-abc" / "pubmed-abc-all-1.xml").write_bytes(handle.read())
    (seeds / "pubmed-abc" / "pubmed-abc-all.fetch.json").write_text('{"exodata_fetch_manifest": 1}')
    files, skipped = seed_files(seeds)
    assert [relative for _, relative in files] == ["pubmed-abc/pubmed-abc-all-1.xml"] and skipped == []
    summary = build(seeds, tmp_path / "out", jobs=1)
    assert summary.manifests == ["pubmed-abc/pubmed-abc-all.fetch.json"]
    assert summary.status["quarantined"] == 0 and summary.files == 1
