"""Fixtures of the fetch tests: the fake services on an ephemeral port, a virtual clock, a fixed date."""

from __future__ import annotations

import pytest

from exodata.harvest.ratelimit import VirtualClock
from tests.harvest.fake_services import Corpus, FakeServices


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796169600")  # 2026-12-02
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.delenv("NCBI_EMAIL", raising=False)


@pytest.fixture
def clock():
    return VirtualClock(1000.0)


@pytest.fixture(scope="session")
def big_corpus():
    return Corpus(10_500, seed=11)


@pytest.fixture
def services(clock, big_corpus):
    fake = FakeServices(big_corpus, clock=clock).start()
    yield fake
    fake.stop()


def start(corpus, clock=None, **options):
    """A fake on its own (for tests that need their own corpus or options); stop it when done."""
    kwargs = {"clock": clock} if clock is not None else {}
    return FakeServices(corpus, **kwargs, **options).start()
