"""The methods layer (0.6): its gold rules in the matcher, and its measured quality.

* The rules of ``shared/design/methods-layer.md`` (gold rules 1-7) and the decisions of
  ``tests/data/methods/README.md``, each on a sentence.
* ``shared/fixtures/methods-dev`` (EXODATA_FIXTURES) must score 1.0 on the six categories and on the quantities;
  the dev split of ``tests/data/methods/dev`` at least 0.95 precision and recall per category.  The blind split
  is never read here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from exodata.ingest.vocabulary import Annotator, load_vocabulary
from exodata.metadata.tables import METHOD_CATEGORIES

REPO = Path(__file__).resolve().parents[2]
METHODS_DEV_SPLIT = REPO / "tests" / "data" / "methods" / "dev"
DEV_FLOOR = 0.95


@pytest.fixture(scope="module")
def annotator():
    return Annotator(load_vocabulary())


def mentions(annotator, text, keywords=()):
    return [(m.category, m.text) for m in annotator.annotate({"abstract": text}, list(keywords))]


def methods(annotator, text, keywords=()):
    return [(c, t) for c, t in mentions(annotator, text, keywords) if c in METHOD_CATEGORIES]


# -- gold rules -------------------------------------------------------------------------------------------------------


def test_rule_1_the_longest_listed_phrase_wins(annotator):
    assert methods(annotator, "Adult female Sprague-Dawley rats received exosomes by tail vein injection.") == [
        ("species", "Sprague-Dawley rats"), ("route", "tail vein injection")]
    assert methods(annotator, "purified by density gradient ultracentrifugation in a phase I clinical trial") == [
        ("isolation_method", "density gradient ultracentrifugation"), ("study_design", "phase I clinical trial")]
    strains = "C57BL/6 mice, BALB/c nude mice, NOD/SCID mice, db/db mice and New Zealand white rabbits"
    assert methods(annotator, strains) == [
        ("species", "C57BL/6 mice"), ("species", "BALB/c nude mice"), ("species", "NOD/SCID mice"),
        ("species", "db/db mice"), ("species", "New Zealand white rabbits")]
    assert methods(annotator, "eight rhesus monkeys and 12 monkeys of unknown origin") == [
        ("species", "rhesus monkeys"), ("species", "monkeys")]
    assert methods(annotator, "cryo-TEM showed bilayers; nano-flow cytometry and single-vesicle flow cytometry") == [
        ("characterization_method", "cryo-TEM"), ("characterization_method", "nano-flow cytometry"),
        ("characterization_method", "flow cytometry")]


def test_rule_2_a_stand_alone_abbreviation_is_its_own_mention(annotator):
    assert methods(annotator, "Vesicles were purified by SEC and analysed by NTA, TEM and DLS.") == [
        ("isolation_method", "SEC"), ("characterization_method", "NTA"), ("characterization_method", "TEM"),
        ("characterization_method", "DLS")]
    assert methods(annotator, "SEC-EVs and ExoQuick-EVs") == [
        ("isolation_method", "SEC"), ("isolation_method", "ExoQuick")]


def test_rule_3_human_tissue_and_cell_and_unsplit_prefixes(annotator):
    assert mentions(annotator, "human umbilical cord mesenchymal stem cells") == [
        ("species", "human"), ("anatomy", "umbilical cord"), ("cell_type", "mesenchymal stem cells")]
    assert methods(annotator, "exosomes from hUC-MSCs and rBMSCs, hADSC-Exos and rBMSC-Exos") == []


def test_rule_4_people_animals_and_models_are_not_species(annotator):
    assert methods(annotator, "patients, participants, animals, large animals, rodents, models and donors") == []
    assert methods(annotator, "in a rat model and a murine model, but not in random-effects models") == [
        ("species", "rat"), ("species", "murine")]
    assert methods(annotator, "This non-human primate study and nonhuman primates") == []
    assert methods(annotator, "cells were grown in 10% fetal bovine serum with bovine serum albumin") == []


def test_rule_5_msc_identity_markers_are_no_mention_but_ev_markers_anywhere_are(annotator):
    text = "MSCs were CD73+, CD90+, CD105+, CD44+, CD29+, CD34−, CD45− and HLA-DR−; CD31 and CD206 were also measured."
    assert mentions(annotator, text) == [("cell_type", "MSCs")]
    assert methods(annotator, "CD63 expression in the liver; CD9-positive, CD81+ and calnexin-negative particles") == [
        ("ev_marker", "CD63"), ("ev_marker", "CD9"), ("ev_marker", "CD81"), ("ev_marker", "calnexin")]
    assert methods(annotator, "anti-CD81 magnetic beads, TSG-101, Alix, ALIX, HSP70 and heat shock protein 70") == [
        ("ev_marker", "CD81"), ("ev_marker", "TSG-101"), ("ev_marker", "Alix"), ("ev_marker", "ALIX"),
        ("ev_marker", "HSP70"), ("ev_marker", "heat shock protein 70")]
    assert methods(annotator, "cytochrome c oxidase activity") == []


def test_the_markers_left_cargo(annotator):
    found = mentions(annotator, "CD9, CD63, CD81, TSG101, Alix, flotillin-1, HSP70 and HSP90")
    assert {category for category, _ in found} == {"ev_marker"}
    assert ("cargo", "tetraspanins") in mentions(annotator, "tetraspanins")  # the class word stays cargo


def test_rule_6_review_alone_is_no_study_design(annotator):
    assert methods(annotator, "In this review and narrative review we", ["review"]) == []
    assert methods(annotator, "a systematic review and meta-analysis of randomised controlled trials") == [
        ("study_design", "systematic review"), ("study_design", "meta-analysis"),
        ("study_design", "randomised controlled trials")]
    assert methods(annotator, "registered at ClinicalTrials.gov; a double-blind trial") == []


def test_rule_7_only_titles_abstracts_and_keywords_are_read(annotator):
    """Affiliations, journal names and MeSH headings never reach the annotator: it reads what it is given."""
    found = annotator.annotate({"title": "In vivo", "abstract": "NTA"}, ["western blot"])
    assert [(m.field, m.text) for m in found] == [
        ("title", "In vivo"), ("abstract", "NTA"), ("keyword", "western blot")]


def test_route_words_and_their_nouns(annotator):
    text = ("given intravenously, by intratracheal instillation, by oral gavage, by local injection, locally "
            "injected, as eye drops, by intramuscular injection, nebulized, inhaled corticosteroids")
    assert methods(annotator, text) == [
        ("route", "intravenously"), ("route", "intratracheal"), ("route", "oral gavage"), ("route", "local injection"),
        ("route", "intramuscular"), ("route", "nebulized"), ("route", "inhaled")]
    assert methods(annotator, "oral mucosa stem cells and oral squamous cell carcinoma") == []


def test_sem_as_standard_error_is_not_a_method(annotator):
    assert methods(annotator, "Data are mean ± SEM (n = 8); SEM showed spheres") == [
        ("characterization_method", "SEM")]


def test_offsets_hold_for_every_method_mention(annotator):
    text = "Wistar rats (1.5×10⁹ particles/ml) were treated intranasally after TFF and AF4; cryo-EM and AFM."
    for mention in annotator.annotate({"abstract": text}, []):
        assert text[mention.start:mention.end] == mention.text


# -- measured: the methods-dev fixtures, the dev split and the (once) blind split ---------------------------------


def _score_script():
    spec = importlib.util.spec_from_file_location("score_methods", REPO / "scripts" / "score_methods.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_methods", module)  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _report(folder: Path, out: Path):
    pytest.importorskip("polars")
    script = _score_script()
    package = script.build_folder(folder, out)
    return script.evaluate(script.predicted_from_package(package), script.gold_from_dir(folder / "gold"))


def test_methods_dev_fixtures_score_one(fixtures_dir, tmp_path):
    folder = fixtures_dir / "methods-dev"
    if not folder.is_dir():
        pytest.skip(f"needs {folder}: set EXODATA_FIXTURES to the shared fixtures folder")
    report = _report(folder, tmp_path / "methods-dev")
    for row in report.mentions:
        assert (row.precision, row.recall) == (1.0, 1.0), (row, report.diff)
    assert (report.quantities.precision, report.quantities.recall) == (1.0, 1.0), report.diff
    assert report.quantities_exact[0] == report.quantities_exact[1], report.diff


@pytest.mark.parametrize("split", ["dev", "blind"])
def test_methods_splits_meet_the_floor(split, tmp_path):
    """The blind split was scored once blind (docs/vocabulary.md); since then it guards like the dev split."""
    folder = METHODS_DEV_SPLIT.parent / split
    if not (folder / "gold").is_dir():
        pytest.skip(f"needs the methods {split} split in {folder}")
    report = _report(folder, tmp_path / f"methods-{split}-split")
    for row in [*report.mentions, report.quantities]:
        assert row.precision >= DEV_FLOOR and row.recall >= DEV_FLOOR, (row, report.diff)
