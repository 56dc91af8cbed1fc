"""The guards of the per-file stage (exodata/ingest/compile.py): a file's time budget, the cap on records read
from one file, and quarantine instead of a stopped build when reading a file goes wrong.

The misbehaving readers are stand-ins put in place of the RIS reader; the budget is made tiny rather than
waited for.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import polars as pl
import pytest

import exodata
from exodata.build import build
from exodata.ingest import compile as compile_module
from exodata.ingest import formats
from exodata.ingest.compile import compile_file
from exodata.ingest.model import Located, RawRecord

RIS = "TY  - JOUR\nTI  - Exosomes from mesenchymal stem cells\nDO  - 10.1000/guard\nER  - \n"


def _results(path, name: str = "seed.ris") -> list[tuple[int, bool, str | None]]:
    """(index, compiled, reason) of each record compile_file gives for ``path``."""
    return compile_file(path, name, lambda result: [(r.index, r.record is not None, r.reason)
                                                    for r in result.records])


def _ris_reader_is(monkeypatch, read) -> None:
    """Make ``read`` the RIS reader's ``read`` (its ``accepts`` stays: detection is unchanged)."""
    real = formats.reader
    ris = real("ris")
    stand_in = SimpleNamespace(accepts=ris.accepts, read=read)
    monkeypatch.setattr(formats, "reader", lambda name: stand_in if name == "ris" else real(name))


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "seed.ris"
    path.write_text(RIS, encoding="utf-8")
    return path


def test_a_file_over_its_time_budget_is_one_quarantined_row_with_the_reason(seed, monkeypatch):
    def read_forever(text):
        while True:
            pass

    _ris_reader_is(monkeypatch, read_forever)
    monkeypatch.setattr(compile_module, "SECONDS_PER_FILE", 0.05)
    monkeypatch.setattr(compile_module, "SECONDS_PER_MEGABYTE", 0.0)
    assert _results(seed) == [(0, False, "seed.ris: reading took longer than 0 s; the file was skipped")]


def test_the_budget_covers_consuming_the_records_too(seed, monkeypatch):
    """Records are read lazily, as the next stage consumes them: a reader that yields forever is stopped."""
    def yield_forever(text):
        for index in itertools.count():
            yield RawRecord("ris", index, fields={"title": Located.of(text, 13, 50)})

    _ris_reader_is(monkeypatch, yield_forever)
    monkeypatch.setattr(compile_module, "MAX_RECORDS_PER_FILE", 10**12)
    monkeypatch.setattr(compile_module, "SECONDS_PER_FILE", 0.2)
    monkeypatch.setattr(compile_module, "SECONDS_PER_MEGABYTE", 0.0)
    assert _results(seed) == [(0, False, "seed.ris: reading took longer than 0 s; the file was skipped")]


def test_the_deadline_raises_in_the_block_and_restores_the_previous_handler():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(compile_module.SeedTimeout), compile_module.deadline(0.01):
        while True:
            pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_records_past_the_cap_are_one_quarantined_row_saying_so(seed, monkeypatch):
    def many(text):
        return (RawRecord("ris", index, fields={"title": Located.of(text, 13, 50)}) for index in range(10))

    _ris_reader_is(monkeypatch, many)
    monkeypatch.setattr(compile_module, "MAX_RECORDS_PER_FILE", 3)
    assert _results(seed) == [
        (0, True, None), (1, True, None), (2, True, None),
        (3, False, "seed.ris: records after the 3th were not read (limit per seed file); split the export into "
                   "smaller files"),
    ]


@pytest.mark.parametrize(("error", "reason"), [
    (KeyError("volume"), "seed.ris: internal error while reading (KeyError: 'volume'); please report it with "
                         "this file"),
    (RecursionError(), "seed.ris: structure nested too deeply to read"),
    (MemoryError(), "seed.ris: reading needed more memory than this machine has; split the file"),
])
def test_an_error_while_reading_quarantines_the_file_with_what_went_wrong(seed, monkeypatch, error, reason):
    def broken(text):
        raise error

    _ris_reader_is(monkeypatch, broken)
    assert _results(seed) == [(0, False, reason)]


def test_a_reader_bug_on_one_file_leaves_the_build_going(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.ris").write_text(RIS, encoding="utf-8")
    (seeds / "b.nbib").write_text("PMID- 1\nOWN - NLM\nTI  - Exosomes in sepsis.\nLID - 10.1000/other [doi]\n\n",
                                  encoding="utf-8")

    def broken(text):
        raise ValueError("a reader bug")

    _ris_reader_is(monkeypatch, broken)
    build(seeds, tmp_path / "out")
    rows = exodata.load("seed_records", path=tmp_path / "out").sort("file")
    assert rows.select("file", "status", "publication_id").rows() == [
        ("a.ris", "quarantined", None), ("b.nbib", "compiled", "doi:10.1000/other")]
    assert rows.filter(pl.col("file") == "a.ris")["reason"].to_list() == [
        "a.ris: internal error while reading (ValueError: a reader bug); please report it with this file"]
