"""The dataset card (DATASET.md): generated from the package, so the committed one is what a build writes."""

from __future__ import annotations

import re

import polars as pl
import pytest

from exodata.metadata.project import project
from exodata.metadata.quality import LAYERS, quality
from exodata.release.card import CARD, dataset_card
from tests.conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def card() -> str:
    return dataset_card(REPO)


def test_the_committed_card_is_the_card_of_the_committed_package(card):
    assert (REPO / CARD).read_text(encoding="utf-8") == card, "DATASET.md is stale: run `exodata build`"


def test_a_build_writes_the_card_beside_the_descriptor(tmp_path):
    from exodata.build import build

    build(SEEDS, tmp_path)
    written = (tmp_path / CARD).read_text(encoding="utf-8")
    assert written == dataset_card(tmp_path)
    assert written == (REPO / CARD).read_text(encoding="utf-8")  # same seeds, same card


def test_the_card_has_its_sections(card):
    headings = re.findall(r"^## (.+)$", card, flags=re.M)
    assert headings == ["What the data is, and what it is not", "How it was made", "Contents",
                        "Coverage per concept category", "Provenance and licences", "Known limitations",
                        "How to cite", "Versions"]


def test_the_counts_are_the_tables(card):
    import exodata

    tables = exodata.load(path=REPO)
    for name, frame in tables.items():
        assert f"| `{name}` | {frame.height} |" in card, name
    status = dict(tables["seed_records"].group_by("status").len().iter_rows())
    assert f"{status.get('compiled', 0)} compiled, {status.get('duplicate', 0)} duplicate" in card
    for code, count in tables["seed_records"]["format"].fill_null("unknown").value_counts().iter_rows():
        assert f"| `{code}` | {count} |" in card, code  # per source format
    linked = tables["publication_concepts"]
    concepts = tables["concepts"]
    for category in ("disease", "anatomy", "cell_type", "cargo", "process", "therapy"):
        vocabulary = concepts.filter(pl.col("category") == category).height
        rows = linked.filter(pl.col("category") == category)
        assert (f"| {category} | {vocabulary} | {rows['concept_id'].n_unique()} | "
                f"{rows['publication_id'].n_unique()} |") in card, category


def test_licences_sources_and_releases_come_from_the_project(card):
    about = project()
    assert about.licenses["data"]["url"] in card and about.licenses["code"]["url"] in card
    for source in about.sources:
        assert source["path"] in card
    for release in about.releases:
        assert f"| {release.version} | {release.date} |" in card
    assert exodata_cite() in card
    # the card's split between our licence and the publishers' text is the one LICENSE-DATA.md makes
    terms = (REPO / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in terms and "publishers'" in terms and "publishers'" in card
    assert about.licenses["data"]["id"] == "CC-BY-4.0"


def exodata_cite() -> str:
    import exodata

    return exodata.cite("apa")


def test_the_measured_quality_is_stated(card):
    for layer in LAYERS:
        overall = quality().blind(layer).scores["all"]
        assert f"| all | {overall['tp']} | {overall['fp']} | {overall['fn']} | {overall['precision']:.3f} |" in card
    for limitation in quality().limitations:
        assert limitation in card


def test_the_card_is_deterministic(tmp_path):
    assert dataset_card(REPO) == dataset_card(REPO)


def test_the_card_states_the_scope(card):
    from exodata.harvest.scope import scope

    assert " ".join(scope().description.split()) in card and "exodata/metadata/scope.toml" in card
