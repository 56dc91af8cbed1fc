"""The build: deterministic bytes, atomic writes, bad input quarantined, the committed package current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

import exodata
from exodata.build import BuildError, build
from exodata.package.checks import Problem
from tests.conftest import REPO, SEEDS

PACKAGE_FILES = ("datapackage.json", "data", "schemas")


def snapshot(directory: Path) -> dict[str, bytes]:
    files = {}
    for entry in PACKAGE_FILES:
        path = directory / entry
        for file in ([path] if path.is_file() else sorted(path.rglob("*"))):
            if file.is_file():
                files[file.relative_to(directory).as_posix()] = file.read_bytes()
    return files


def test_rebuild_is_byte_identical(built_package, tmp_path):
    build(SEEDS, tmp_path)
    assert snapshot(tmp_path) == snapshot(built_package)


def test_committed_package_is_what_the_seeds_build(built_package):
    committed, fresh = snapshot(REPO), snapshot(built_package)
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"committed package is stale in {stale[:5]}: run `exodata build` and commit"


def test_source_date_epoch_is_the_only_time_in_the_descriptor(tmp_path, monkeypatch, built_package):
    plain = json.loads((built_package / "datapackage.json").read_text())
    assert "created" not in plain
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(SEEDS, tmp_path)
    stamped = json.loads((tmp_path / "datapackage.json").read_text())
    assert stamped["created"] == "2023-11-14T22:13:20Z"


def test_descriptor_names_version_licences_and_every_file(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text())
    assert descriptor["name"] == "exodata" and descriptor["version"] == exodata.__version__
    assert descriptor["licenses"] and descriptor["sources"] and descriptor["contributors"]
    for resource in descriptor["resources"]:
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0
        assert resource["exodata:parquet"]["hash"].startswith("sha256:")
        assert resource["exodata:schema"]["hash"].startswith("sha256:")


def test_every_seed_file_has_a_seed_record(built_package):
    records = pl.read_parquet(built_package / "data" / "seed_records.parquet")
    assert set(records["file"]) == {p.name for p in SEEDS.iterdir() if p.is_file()}


def _bad_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (seeds / "error.html").write_text("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
    (seeds / "latin1.txt").write_bytes("Caf\xe9 r\xe9sum\xe9 unknown layout".encode("latin-1"))
    return seeds


def test_bad_seeds_are_quarantined_with_reasons_and_the_build_goes_on(tmp_path):
    summary = build(_bad_seeds(tmp_path), tmp_path / "out")
    records = pl.read_parquet(tmp_path / "out" / "data" / "seed_records.parquet")
    bad = records.filter(pl.col("file").is_in(["empty.txt", "junk.bin", "error.html", "latin1.txt"]))
    assert bad.height == 4 and set(bad["status"]) == {"quarantined"}
    assert bad["publication_id"].is_null().all()
    for reason in bad["reason"]:
        assert reason and len(reason) > 20
    assert "empty" in bad.filter(pl.col("file") == "empty.txt")["reason"][0]
    assert "no reader accepts" in bad.filter(pl.col("file") == "error.html")["reason"][0]
    assert summary.status["quarantined"] == 4
    assert summary.status["compiled"] == 5


def test_strict_refuses_quarantined_records_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="quarantined"):
        build(_bad_seeds(tmp_path), out, strict=True)
    assert not (out / "datapackage.json").exists()


def test_invalid_tables_stop_the_write_and_leave_the_previous_package(tmp_path, monkeypatch, built_package):
    out = tmp_path / "out"
    shutil.copytree(built_package, out)
    before = snapshot(out)
    problem = Problem(table="publications", column="doi", key="publication_id='x'", value="bad", message="fails")
    # the real pipeline, with one table's schema check made to fail
    monkeypatch.setattr("exodata.package.checks.check_schema",
                        lambda name, frame: [problem] if name == "publications" else [])
    with pytest.raises(BuildError) as raised:
        build(SEEDS, out)
    assert "publications" in str(raised.value) and "doi" in str(raised.value) and "'bad'" in str(raised.value)
    assert snapshot(out) == before
    assert not list(out.glob(".exodata-*"))


def test_a_failure_while_writing_leaves_the_previous_package(tmp_path, monkeypatch, built_package):
    out = tmp_path / "out"
    shutil.copytree(built_package, out)
    before = snapshot(out)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("exodata.package.writing.append_parquet", explode)
    with pytest.raises(BuildError, match=r"could not write its files \(disk full\); nothing was changed in"):
        build(SEEDS, out)
    assert snapshot(out) == before
    assert not list(out.glob(".exodata-*"))


def test_parallel_build_gives_the_same_bytes(tmp_path, built_package):
    build(SEEDS, tmp_path, jobs=2)
    assert snapshot(tmp_path) == snapshot(built_package)


def test_hidden_files_and_symlinks_are_quarantined_not_dropped(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("000_*")), seeds / "sub")
    (seeds / ".DS_Store").write_bytes(b"\0\1")
    (seeds / "link.txt").symlink_to(next(SEEDS.glob("001_*")))
    build(seeds, tmp_path / "out")
    records = pl.read_parquet(tmp_path / "out" / "data" / "seed_records.parquet")
    by_file = {row["file"]: row for row in records.iter_rows(named=True)}
    assert by_file["sub/" + next(SEEDS.glob("000_*")).name]["status"] == "compiled"
    assert by_file[".DS_Store"]["status"] == "quarantined" and "hidden" in by_file[".DS_Store"]["reason"]
    assert by_file["link.txt"]["status"] == "quarantined" and "symbolic link" in by_file["link.txt"]["reason"]


def test_build_refuses_to_delete_files_it_did_not_write(tmp_path, built_package):
    out = tmp_path / "project"
    (out / "data").mkdir(parents=True)
    (out / "data" / "my_results.csv").write_text("precious\n")
    with pytest.raises(BuildError, match="my_results.csv"):
        build(SEEDS, out)
    assert (out / "data" / "my_results.csv").read_text() == "precious\n"
    assert not (out / "datapackage.json").exists()


def test_rebuilding_over_a_package_is_allowed(tmp_path, built_package):
    out = tmp_path / "out"
    shutil.copytree(built_package, out)
    build(SEEDS, out)
    assert snapshot(out) == snapshot(built_package)


def test_jobs_zero_reads_a_large_corpus_in_one_worker_per_cpu(tmp_path, monkeypatch):
    from exodata.build import AUTO_PARALLEL_BYTES, AUTO_PARALLEL_FILES, choose_jobs

    monkeypatch.setattr("exodata.build.usable_cpus", lambda: 2)
    small = [(tmp_path / f"s{i}.ris", f"s{i}.ris") for i in range(3)]
    for path, _ in small:
        path.write_bytes(b"x" * 10)
    assert choose_jobs(0, small) == 1  # not worth starting workers for
    assert choose_jobs(3, small) == 3  # an explicit number is kept
    big = tmp_path / "big.ris"
    big.write_bytes(b"x" * AUTO_PARALLEL_BYTES)
    assert choose_jobs(0, [*small, (big, "big.ris")]) == 2
    assert choose_jobs(0, [(big, "big.ris")]) == 1  # at most one worker per file
    many = [(small[0][0], f"s{i}.ris") for i in range(AUTO_PARALLEL_FILES)]
    assert choose_jobs(0, many) == 2  # many small files are work too
