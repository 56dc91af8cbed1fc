"""Every promise the data dictionary makes is a constraint that fails when it is broken.

Each case takes a valid row of a shipped table (or a hand-made one where the table ships empty), breaks one
promise, and expects the checks a build runs to name that column (or row rule) and that rule, and nothing
else to be wrong.
"""

from __future__ import annotations

import polars as pl
import pytest

from exodata.metadata import TABLES
from exodata.metadata.arrow import polars_schema
from exodata.package.checks import check_schema
from tests.conftest import REPO

CONFLICT = {"publication_id": "doi:10.1000/x", "column": "year", "kept_value": "2021", "other_value": "2020",
            "file": "a.ris", "record": 0}


#: Valid rows of the tables the shipped seeds may leave empty (none of them has MeSH headings).
HAND_MADE = {
    "conflicts": CONFLICT,
    "publication_types": {"publication_id": "pmid:99000111", "position": 1, "publication_type": "Journal Article",
                          "mesh_id": "D016428"},
    "subject_headings": {"publication_id": "pmid:99000111", "position": 2, "descriptor": "Extracellular Vesicles",
                         "descriptor_id": "D000067128", "major": True, "descriptor_major": False,
                         "qualifiers": ["chemistry", "metabolism"], "qualifier_ids": ["Q000737", "Q000378"],
                         "major_qualifiers": ["metabolism"]},
}


def valid_row(table: str) -> dict:
    frame = pl.read_parquet(REPO / "data" / f"{table}.parquet")
    if frame.height == 0 or table == "conflicts":
        return dict(HAND_MADE[table])
    return frame.row(0, named=True)


def frame_of(table: str, row: dict) -> pl.DataFrame:
    return pl.DataFrame([row], schema=polars_schema(TABLES[table]))


@pytest.mark.parametrize("table", list(TABLES))
def test_the_valid_rows_pass(table):
    assert check_schema(table, frame_of(table, valid_row(table))) == []


# (table, changes, rule, column): the change breaks exactly that rule of that column (a row rule: its columns);
# where one change must break two promises, ALSO names the second
BROKEN = [
    # the two gaps the issue found: an upper-case DOI and an abstract with a leading space
    ("publications", {"doi": "10.1000/BAD.2", "publication_id": "doi:10.1000/BAD.2"}, "pattern", "doi"),
    ("publications", {"abstract": " A leading space."}, "normalised text", "abstract"),
    ("publications", {"title": "Two  spaces"}, "normalised text", "title"),
    ("publications", {"title": "A line\nbreak"}, "normalised text", "title"),
    ("publications", {"journal": "Cafe\u0301 journal"}, "normalised text", "journal"),  # decomposed: not NFC
    ("publications", {"title": ""}, "normalised text", "title"),
    ("publications", {"language": "xx"}, "enum", "language"),
    ("publications", {"country": "XX"}, "enum", "country"),
    ("publications", {"year": 1799}, "minimum", "year"),
    ("publications", {"year": 2101}, "maximum", "year"),
    ("publications", {"pmcid": "7339207"}, "pattern", "pmcid"),
    ("publications", {"cited_by_count": -1}, "minimum", "cited_by_count"),
    ("publications", {"record_count": None}, "required", "record_count"),
    ("publications", {"publication_id": "pmid:1"}, "id from identifiers", "publication_id, doi, pmid, pmcid"),
    ("authors", {"family_name": "PU"}, "not all capitals", "family_name"),
    ("authors", {"name_as_written": " Qian PU"}, "normalised text", "name_as_written"),
    ("affiliations", {"country": "China"}, "enum", "country"),
    ("keywords", {"keyword": "exosomes;"}, "no trailing separator", "keyword"),
    ("funders", {"name": "National Natural Science Foundation,"}, "no trailing separator", "name"),
    ("publication_types", {"mesh_id": "D16428"}, "pattern", "mesh_id"),
    ("publication_types", {"publication_type": "Journal  Article"}, "normalised text", "publication_type"),
    ("subject_headings", {"descriptor_id": "Q000737"}, "pattern", "descriptor_id"),
    ("subject_headings", {"descriptor": "*Exosomes "}, "normalised text", "descriptor"),
    ("subject_headings", {"qualifier_ids": ["Q000737", "D000378"]}, "item pattern", "qualifier_ids"),
    ("subject_headings", {"major_qualifiers": []}, "major when any mark", "major, descriptor_major, major_qualifiers"),
    ("subject_headings", {"major_qualifiers": ["therapy"]}, "major qualifiers among qualifiers",
     "qualifiers, major_qualifiers"),
    ("subject_headings", {"qualifier_ids": ["Q000737"]}, "one id a qualifier", "qualifiers, qualifier_ids"),
    ("subject_headings", {"major": None}, "required", "major"),
    ("seed_records", {"file": "../outside.ris"}, "relative path", "file"),
    ("seed_records", {"file": "C:\\seeds\\a.ris"}, "relative path", "file"),
    ("seed_records", {"reason": "why not"}, "reason unless compiled", "status, reason"),
    ("seed_records", {"publication_id": None}, "publication unless quarantined", "status, publication_id"),
    ("seed_records", {"format": None}, "format unless quarantined", "status, format"),
    ("seed_records", {"sha256": "ABC"}, "pattern", "sha256"),
    ("seed_records", {"status": "merged", "reason": "merged by hand"}, "enum", "status"),
    ("provenance", {"end": 0, "start": 5}, "end after start", "start, end"),
    ("provenance", {"position": 0}, "position 0 for publications", "table, position"),
    ("provenance", {"column": "position"}, "column of its table", "table, column"),
    ("provenance", {"table": "mentions"}, "enum", "table"),  # ALSO: no such (table, column) pair
    ("conflicts", {"column": "record_count"}, "enum", "column"),
    ("conflicts", {"other_value": "2021"}, "values differ", "kept_value, other_value"),
    ("concepts", {"xrefs": ["MESH D000001"]}, "item pattern", "xrefs"),
    ("concepts", {"synonyms": ["a|b"]}, "list items", "synonyms"),
    ("concepts", {"synonyms": [" padded"]}, "list items", "synonyms"),
    ("concepts", {"category": "gene"}, "enum", "category"),
    ("mentions", {"keyword_position": 1}, "keyword position for keywords", "field, keyword_position"),
    ("mentions", {"text": "x"}, "text fills the span", "start, end, text"),
    ("mentions", {"end": 1, "start": 1}, "end after start", "start, end"),  # ALSO: text no longer fills it
    ("mentions", {"concept_id": "not a curie"}, "pattern", "concept_id"),
    ("publication_concepts", {"fields": ["affiliation"]}, "item enum", "fields"),
    ("publication_concepts", {"mention_count": 0}, "minimum", "mention_count"),
    ("vesicle_quantities", {"value_min": 300.0}, "range in order", "value_min, value_max"),
    ("vesicle_quantities", {"unit": "inches"}, "enum", "unit"),
    ("vesicle_quantities", {"quantity": "mood"}, "enum", "quantity"),
    ("vesicle_quantities", {"field": "keyword"}, "enum", "field"),
    ("vesicle_quantities", {"text": "about 50-200 nm"}, "text fills the span", "start, end, text"),
    ("vesicle_quantities", {"end": 77}, "end after start", "start, end"),  # ALSO: text no longer fills it
]

ALSO = {
    ("provenance", "enum"): {("column of its table", "table, column")},
    ("mentions", "end after start"): {("text fills the span", "start, end, text")},
    ("vesicle_quantities", "end after start"): {("text fills the span", "start, end, text")},
}


@pytest.mark.parametrize(("table", "changes", "rule", "column"), BROKEN,
                         ids=[f"{t}-{r}-{'-'.join(c)}" for t, c, r, _ in BROKEN])
def test_a_broken_promise_is_named_with_its_rule(table, changes, rule, column):
    row = {**valid_row(table), **changes}
    problems = check_schema(table, frame_of(table, row))
    assert problems, f"{table}: {changes} passed the checks"
    expected = {(rule, column)} | ALSO.get((table, rule), set())
    assert {(p.rule, p.column) for p in problems} == expected, [str(p) for p in problems]
    assert all(p.row == 1 for p in problems)


def test_every_row_rule_has_a_case():
    declared = {(t.name, rule.name) for t in TABLES.values() for rule in t.rules}
    covered = {(table, rule) for table, _, rule, _ in BROKEN}
    assert declared <= covered, sorted(declared - covered)


def test_every_field_constraint_kind_has_a_case():
    """Each kind of constraint the source declares (pattern, enum, bounds, normalised text, list items) is
    broken at least once above."""
    kinds = set()
    for table in TABLES.values():
        for f in table.fields:
            kinds |= {k for k, present in (("pattern", f.pattern), ("enum", f.enum), ("minimum", f.minimum is not None),
                                           ("maximum", f.maximum is not None), ("item pattern", f.item_pattern),
                                           ("item enum", f.item_enum)) if present}
            if f.type == "string" and f.normalised:
                kinds.add("normalised text")
            if f.type == "list":
                kinds.add("list items")
    assert kinds <= {rule for _, _, rule, _ in BROKEN}
