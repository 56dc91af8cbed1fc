"""`exodata release`, `exodata cite` and the release metadata: versions from one place, reproducible archives,
metadata that validates against the Citation File Format and Zenodo's deposit rules."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

import exodata
from exodata.cli import app
from exodata.cli.release import root_metadata
from exodata.metadata.project import project
from exodata.release.archive import distribution_stem
from exodata.release.citation import cff, cite, source_dois, zenodo_metadata
from tests.conftest import REPO

REFERENCE = REPO / "tests" / "data" / "reference"
CFF_SCHEMA = json.loads((REFERENCE / "citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))
ZENODO_SCHEMA = json.loads((REFERENCE / "zenodo-legacy-deposit-metadata.schema.json").read_text(encoding="utf-8"))
VERSION = exodata.__version__


def run(*args: str):
    return CliRunner().invoke(app, list(args))


# -- one version, one metadata source -----------------------------------------------------------------------

def test_the_version_is_written_once_and_read_everywhere():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"] and pyproject["tool"]["hatch"]["version"]["path"] == \
        "exodata/__init__.py"
    written = re.findall(r"\b\d+\.\d+\.\d+\b", (REPO / "exodata" / "__init__.py").read_text(encoding="utf-8"))
    assert written == [VERSION]
    assert json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"] == VERSION
    assert project().releases[-1].version == VERSION, "add this version's [[releases]] entry to project.toml"
    assert f"## [{VERSION}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_release_dates_agree_with_the_changelog():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for release in project().releases:
        assert f"## [{release.version}] - {release.date}" in changelog, release


@pytest.mark.parametrize("name", [".zenodo.json", "CITATION.cff"])
def test_root_metadata_files_are_fresh(name):
    assert (REPO / name).read_text(encoding="utf-8") == root_metadata(REPO)[name], (
        f"{name} drifted from exodata/metadata/project.toml: run `exodata release --metadata` and commit it")


def test_citation_cff_follows_the_cff_1_2_0_schema():
    document = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(document, CFF_SCHEMA)
    assert document["type"] == "dataset" and document["version"] == VERSION
    broken = {**document, "type": "book"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, CFF_SCHEMA)


def test_zenodo_metadata_follows_the_legacy_deposit_rules():
    metadata = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    jsonschema.validate(metadata, ZENODO_SCHEMA)
    assert metadata["upload_type"] == "dataset" and metadata["version"] == VERSION
    relations = {(r["relation"], r["identifier"]) for r in metadata["related_identifiers"]}
    assert ("isCompiledBy", project().repository) in relations
    assert {doi for relation, doi in relations if relation == "isDerivedFrom"} == set(source_dois(REPO))
    for broken in ({**metadata, "license": None}, {k: v for k, v in metadata.items() if k != "creators"},
                   {**metadata, "related_identifiers": [{"identifier": "x", "relation": "isMadeOf"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, ZENODO_SCHEMA)


def test_a_published_doi_reaches_every_citation(monkeypatch):
    about = project()
    released = about.__class__(**{**about.__dict__, "concept_doi": "10.5281/zenodo.100",
                                  "releases": (*about.releases[:-1],
                                               about.releases[-1].__class__(VERSION, about.release.date,
                                                                            "10.5281/zenodo.101"))})
    assert cff(released)["doi"] == "10.5281/zenodo.101"
    assert cff(released)["identifiers"][0]["value"] == "10.5281/zenodo.100"
    assert "https://doi.org/10.5281/zenodo.101" in cite("apa", released)
    assert "doi = {10.5281/zenodo.101}" in cite("bibtex", released)
    jsonschema.validate(yaml.safe_load(cite("cff", released)), CFF_SCHEMA)
    jsonschema.validate(zenodo_metadata(["10.1/x"], released), ZENODO_SCHEMA)


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff"])
def test_cite_prints_this_version(fmt):
    result = run("cite", "--format", fmt)
    assert result.exit_code == 0 and VERSION in result.output
    assert exodata.cite(fmt) == result.output.rstrip("\n")


def test_cite_refuses_an_unknown_format():
    result = run("cite", "--format", "mla")
    assert result.exit_code == 2 and "apa, bibtex, cff" in result.output


# -- release files --------------------------------------------------------------------------------------

def release(out: Path, *extra: str, epoch: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "exodata.cli", "release", "--out", str(out), *extra], cwd=REPO,
                          capture_output=True, text=True, env=env)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_two_releases_are_byte_identical_and_the_archive_is_a_valid_package(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        done = release(out)
        assert done.returncode == 0, done.stderr
    assert digests(first) == digests(second)
    names = set(digests(first))
    stem = distribution_stem(REPO)
    assert stem == "exodata_msc"
    assert {f"exodata-data-{VERSION}.zip", f"exodata-{VERSION}.zenodo.json", "SHA256SUMS",
            f"{stem}-{VERSION}-py3-none-any.whl", f"{stem}-{VERSION}.tar.gz"} == names
    sums = dict(reversed(line.split("  ")) for line in (first / "SHA256SUMS").read_text().splitlines())
    assert sums == {name: digest for name, digest in digests(first).items() if name != "SHA256SUMS"}

    with zipfile.ZipFile(first / f"exodata-data-{VERSION}.zip") as archive:
        members = archive.namelist()
        assert members == sorted(members) and all(m.startswith(f"exodata-data-{VERSION}/") for m in members)
        day = tuple(int(part) for part in project().release.date.split("-"))
        assert {i.date_time for i in archive.infolist()} == {(*day, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in archive.infolist()} == {0o644}
        archive.extractall(tmp_path / "unzipped")
    unzipped = tmp_path / "unzipped" / f"exodata-data-{VERSION}"
    for name in ("README.md", "data-dictionary.md", "report.html", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md",
                 "CITATION.cff"):
        assert (unzipped / name).is_file(), name
    assert (unzipped / "README.md").read_bytes() == (REPO / "DATASET.md").read_bytes()  # the card is the README
    assert run("validate", str(unzipped)).exit_code == 0
    frictionless = Path(sys.executable).parent / "frictionless"
    checked = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=unzipped, capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout[-2000:]
    deposit = json.loads((first / f"exodata-{VERSION}.zenodo.json").read_text())
    jsonschema.validate(deposit, ZENODO_SCHEMA)


def test_the_archive_alone_is_reproducible_and_honours_source_date_epoch(tmp_path):
    one, two, later = tmp_path / "one", tmp_path / "two", tmp_path / "later"
    for out in (one, two):
        assert release(out, "--no-dist").returncode == 0
    assert digests(one) == digests(two)
    done = release(later, "--no-dist", epoch="1800000000")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(later / f"exodata-data-{VERSION}.zip") as archive:
        assert {i.date_time[:3] for i in archive.infolist()} == {(2027, 1, 15)}


def test_release_refuses_a_stale_package_with_one_line(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    descriptor = json.loads((REPO / "datapackage.json").read_text())
    (package / "datapackage.json").write_text(json.dumps({**descriptor, "version": "0.0.1"}))
    done = release(tmp_path / "out", "--no-dist", "--package", str(package))
    assert done.returncode == 1
    assert "version 0.0.1" in done.stderr and "exodata build" in done.stderr and "Traceback" not in done.stderr


def test_upload_needs_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("ZENODO_TOKEN", raising=False)
    result = run("release", "--out", str(tmp_path), "--upload")
    assert result.exit_code == 2 and "ZENODO_TOKEN" in result.output


def test_release_upload_deposits_the_files_on_a_zenodo_server(tmp_path, fake_zenodo):
    env = {**os.environ, "ZENODO_TOKEN": fake_zenodo.token}
    command = [sys.executable, "-m", "exodata.cli", "release", "--no-dist", "--out", str(tmp_path), "--upload",
               "--zenodo-url", fake_zenodo.url]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "a draft to review" in done.stdout and fake_zenodo.token not in done.stdout + done.stderr
    (deposition,) = fake_zenodo.depositions()
    assert deposition["metadata"]["version"] == VERSION
    assert set(fake_zenodo.files_of(deposition["id"])) == {f"exodata-data-{VERSION}.zip", "SHA256SUMS"}
    published = subprocess.run([*command, "--publish"], cwd=REPO, capture_output=True, text=True, env=env)
    assert published.returncode == 0, published.stderr
    assert "record it in exodata/metadata/project.toml" in published.stdout
    assert [d["state"] for d in fake_zenodo.depositions()] == ["done"]
    wrong = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env={**env, "ZENODO_TOKEN": "nope"})
    assert wrong.returncode == 1 and "token" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_distribution_name_is_declared_once_in_each_file_that_needs_it():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project().distribution == pyproject["project"]["name"] == "exodata-msc"
