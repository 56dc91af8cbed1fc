"""`exodata diff`: what a new version changed in the data, the bump that requires, and the version check.

Real builds (the shipped seeds, and a copy with one record added and one value corrected), small synthetic
packages written here for each kind of schema change, release archives (friendly and hostile), and the
command line's exit codes and output.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version
from typer.testing import CliRunner

import exodata
from exodata.build import build
from exodata.cli import app
from exodata.package.archive import DiffInputError, extract_archive
from exodata.package.diff import diff_packages
from exodata.package.diff_render import render_markdown, render_text
from exodata.package.versions import LEVELS, check_version, required_version
from tests.conftest import SEEDS

ADDED_DOI = "10.9999/exodata.test.2022.001"
CORRECTED = "doi:10.1111/jcmm.15290"  # seed 000: its year 2020 becomes 2021 in the copy
ADDED_RIS = f"""TY  - JOUR
TI  - Exosomes from umbilical cord mesenchymal stem cells attenuate sepsis-induced acute kidney injury
AU  - Doe, Jane
AU  - Roe, Richard
PY  - 2022
JO  - Journal of Invented Results
VL  - 12
IS  - 3
SP  - 101
EP  - 110
DO  - {ADDED_DOI}
AB  - Mesenchymal stem cell derived exosomes reduced acute kidney injury in a sepsis model.
KW  - exosomes
KW  - sepsis
ER  - 
"""


def _bumped(version: str, part: int) -> str:
    numbers = list(Version(version).release[:3])
    numbers[part] += 1
    numbers[part + 1:] = [0] * (2 - part)
    return ".".join(map(str, numbers))


def set_version(directory: Path, version: str) -> None:
    path = directory / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


# --- two real builds -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def changed_build(tmp_path_factory) -> Path:
    """The shipped seeds plus one RIS record, with seed 000's year corrected (in a copy: seeds/ is never edited)."""
    root = tmp_path_factory.mktemp("changed")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    seed = seeds / "000_8efa4e564566d795.txt"
    text = seed.read_text(encoding="utf-8")
    assert text.count("Sons Inc. 2020") == 1
    seed.write_text(text.replace("Sons Inc. 2020", "Sons Inc. 2021"), encoding="utf-8")
    (seeds / "005_added.ris").write_text(ADDED_RIS, encoding="utf-8")
    build(seeds, root / "package")
    return root / "package"


#: (rows added, removed, changed) per table between the shipped build and the changed build
EXPECTED_ROWS = {
    "publications": (1, 0, 1), "authors": (2, 0, 0), "affiliations": (0, 0, 0), "author_affiliations": (0, 0, 0),
    "keywords": (2, 0, 0), "funders": (0, 0, 0), "publication_types": (0, 0, 0), "subject_headings": (0, 0, 0),
    "seed_records": (1, 0, 1), "provenance": (17, 0, 0),
    "conflicts": (0, 0, 0), "concepts": (0, 0, 0), "mentions": (7, 0, 0), "publication_concepts": (4, 0, 0),
    "publication_methods": (0, 0, 0),
    "vesicle_quantities": (0, 0, 0),
}


def test_real_builds_one_record_added_one_value_corrected(built_package, changed_build):
    result = diff_packages(built_package, changed_build)
    assert {name: (t["rows_added"], t["rows_removed"], t["rows_changed"]) for name, t in result["tables"].items()} \
        == EXPECTED_ROWS
    pubs = result["tables"]["publications"]
    assert pubs["columns_changed"] == {"year": 1}
    assert pubs["examples"] == [{"key": {"publication_id": CORRECTED}, "column": "year", "old": 2020, "new": 2021}]
    assert pubs["keys_added"] == [{"publication_id": f"doi:{ADDED_DOI}"}]
    assert result["tables"]["seed_records"]["columns_changed"] == {"sha256": 1}  # the corrected seed's bytes
    assert all(not t["fields_added"] and not t["fields_removed"] and not t["fields_changed"]
               and not t["schema_changed"] for t in result["tables"].values())
    assert result["tables_added"] == result["tables_removed"] == []
    assert [m["property"] for m in result["metadata_changed"]] == ["sources"]
    assert result["bump"] == "minor"
    assert "rows added to publications (1)" in result["reasons"]
    assert all(reason.startswith("rows added to") for reason in result["reasons"])
    old_version = result["old"]["version"]
    assert old_version == result["new"]["version"] == exodata.__version__
    assert Version(old_version).major == 0  # the 0.x rule: a minor change needs only 0.Y.(Z+1)
    assert result["required_version"] == _bumped(old_version, 2)
    assert not result["version_check"]["passed"]  # same version: not enough
    assert check_version(old_version, _bumped(old_version, 2), result["bump"]).passed


def test_real_builds_renderings(built_package, changed_build):
    result = diff_packages(built_package, changed_build)
    text = render_text(result)
    assert "bump: minor" in text and _bumped(result["old"]["version"], 2) in text
    assert f"~ {CORRECTED}  year: 2020 → 2021" in text
    assert f"+ doi:{ADDED_DOI}" in text
    markdown = render_markdown(result)
    assert markdown.startswith("### Data\n")
    assert "- `publications`: 1 row added, 1 row changed (`year`: 1)." in markdown
    assert "- `authors`: 2 rows added." in markdown
    assert "`concepts`" not in markdown and "`funders`" not in markdown  # unchanged tables are not listed


def test_same_build_is_no_change(built_package, package_copy):
    result = diff_packages(built_package, package_copy)
    assert result["bump"] == "none" and result["reasons"] == []
    assert result["required_version"] == result["old"]["version"]
    assert result["version_check"]["passed"]
    assert render_markdown(result).endswith("- No change to the data.\n")


def test_installed_package_is_the_shipped_build(built_package):
    result = diff_packages("installed", built_package)
    assert result["old"]["path"].startswith("installed")
    assert result["bump"] == "none", result["reasons"]


def test_the_version_check_passes_once_the_version_is_bumped(built_package, changed_build, tmp_path):
    bumped = tmp_path / "bumped"
    shutil.copytree(changed_build, bumped)
    version = json.loads((bumped / "datapackage.json").read_text())["version"]
    set_version(bumped, _bumped(version, 2))
    result = diff_packages(built_package, bumped)
    assert result["version_check"]["passed"], result["version_check"]
    set_version(bumped, "0.0.1")
    result = diff_packages(built_package, bumped)
    assert not result["version_check"]["passed"]
    assert "went backwards" in result["version_check"]["message"]


# --- synthetic packages, one change at a time -----------------------------------------------------------------

BASE_SCHEMAS = {
    "pubs": {
        "fields": [
            {"name": "id", "type": "string", "description": "Id.", "constraints": {"required": True,
                                                                                   "pattern": "^p\\d+$"}},
            {"name": "year", "type": "integer", "description": "Year.",
             "constraints": {"minimum": 1800, "maximum": 2100}},
            {"name": "category", "type": "string", "description": "Kind.",
             "constraints": {"enum": ["a", "b", "c"]}},
            {"name": "tags", "type": "list", "itemType": "string", "delimiter": "|", "description": "Tags."},
            {"name": "title", "type": "string", "description": "Title.", "example": "A title"},
        ],
        "missingValues": [""],
        "primaryKey": ["id"],
    },
    "authors": {
        "fields": [
            {"name": "id", "type": "string", "description": "Publication.", "constraints": {"required": True}},
            {"name": "position", "type": "integer", "description": "Position.", "constraints": {"required": True}},
            {"name": "name", "type": "string", "description": "Name."},
        ],
        "primaryKey": ["id", "position"],
        "foreignKeys": [{"fields": ["id"], "reference": {"resource": "pubs", "fields": ["id"]}}],
    },
}


def base_frames() -> dict[str, pl.DataFrame]:
    return {
        "pubs": pl.DataFrame({
            "id": ["p1", "p2", "p3", "p4"], "year": [2020, None, 2021, 2019], "category": ["a", "b", None, "c"],
            "tags": [["x", "y"], [], None, ["z"]], "title": ["One", "Two", None, "Four"],
        }, schema={"id": pl.String, "year": pl.Int64, "category": pl.String, "tags": pl.List(pl.String),
                   "title": pl.String}),
        "authors": pl.DataFrame({"id": ["p1", "p1", "p2"], "position": [1, 2, 1], "name": ["Ann", "Bob", None]}),
    }


BASE_METADATA = {"name": "synthetic", "title": "A synthetic package", "keywords": ["a", "b"],
                 "licenses": [{"name": "CC-BY-4.0"}]}


def write_package(root: Path, schemas: dict, frames: dict, version: str = "1.2.3", **metadata) -> Path:
    """A minimal package the way exodata lays it out: descriptor, schemas/*.json and data/*.parquet."""
    (root / "schemas").mkdir(parents=True)
    (root / "data").mkdir()
    resources = []
    for name, schema in schemas.items():
        (root / "schemas" / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
        frames[name].write_parquet(root / "data" / f"{name}.parquet")
        resources.append({"name": name, "title": name.title(), "path": f"data/{name}.csv", "format": "csv",
                          "schema": f"schemas/{name}.json", "bytes": 1, "exodata:rows": frames[name].height,
                          "exodata:parquet": {"path": f"data/{name}.parquet", "bytes": 1, "hash": "sha256:0"}})
    descriptor = {**BASE_METADATA, "version": version, **metadata, "resources": resources}
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def diff_after(tmp_path: Path, change_schemas=None, change_frames=None, **metadata) -> dict:
    """Diff the base package against a copy changed by ``change_schemas(schemas)`` / ``change_frames(frames)``."""
    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    schemas, frames = copy.deepcopy(BASE_SCHEMAS), base_frames()
    if change_schemas:
        change_schemas(schemas)
    if change_frames:
        frames = {**frames, **change_frames(frames)}
    new = write_package(tmp_path / "new", schemas, frames, **metadata)
    return diff_packages(old, new)


def field(schemas: dict, name: str, table: str = "pubs") -> dict:
    return next(f for f in schemas[table]["fields"] if f["name"] == name)


def constraint(name: str, key: str, value):
    def change(schemas):
        constraints = field(schemas, name).setdefault("constraints", {})
        if value is None:
            del constraints[key]
        else:
            constraints[key] = value
    return change


def _retype_year(schemas):
    field(schemas, "year")["type"] = "number"


def _drop_foreign_key(schemas):
    del schemas["authors"]["foreignKeys"]


def _add_foreign_key(schemas):
    schemas["authors"]["foreignKeys"].append(
        {"fields": ["id", "position"], "reference": {"resource": "other", "fields": ["id", "position"]}})


def _reorder(schemas):
    schemas["pubs"]["fields"][1], schemas["pubs"]["fields"][2] = (schemas["pubs"]["fields"][2],
                                                                  schemas["pubs"]["fields"][1])


#: (schema change, kind expected in pubs' or authors' changes, bump)
SCHEMA_CASES = {
    "type changed": (_retype_year, "retyped", "major"),
    "required added": (constraint("year", "required", True), "tightened", "major"),
    "required removed": (constraint("id", "required", None), "loosened", "minor"),
    "enum shrunk": (constraint("category", "enum", ["a", "b"]), "tightened", "major"),
    "enum grown": (constraint("category", "enum", ["a", "b", "c", "d"]), "loosened", "minor"),
    "enum swapped a value": (constraint("category", "enum", ["a", "b", "d"]), "tightened", "major"),
    "enum added": (constraint("title", "enum", ["One"]), "tightened", "major"),
    "enum removed": (constraint("category", "enum", None), "loosened", "minor"),
    "enum reordered": (constraint("category", "enum", ["c", "b", "a"]), "descriptive", "patch"),
    "minimum raised": (constraint("year", "minimum", 1900), "tightened", "major"),
    "minimum lowered": (constraint("year", "minimum", 1700), "loosened", "minor"),
    "minimum removed": (constraint("year", "minimum", None), "loosened", "minor"),
    "maximum lowered": (constraint("year", "maximum", 2050), "tightened", "major"),
    "maximum raised": (constraint("year", "maximum", 2200), "loosened", "minor"),
    "minimum added": (constraint("title", "minLength", 1), "tightened", "major"),
    "pattern added": (constraint("title", "pattern", "^[A-Z].*$"), "tightened", "major"),
    "pattern changed": (constraint("id", "pattern", "^p\\d{1,3}$"), "tightened", "major"),
    "pattern removed": (constraint("id", "pattern", None), "loosened", "minor"),
    "unique added": (constraint("title", "unique", True), "tightened", "major"),
    "foreign key added": (_add_foreign_key, "tightened", "major"),
    "foreign key removed": (_drop_foreign_key, "loosened", "minor"),
    "field order changed": (_reorder, "reordered", "minor"),
    "description changed": (lambda s: field(s, "year").update(description="Year of publication."),
                            "descriptive", "patch"),
    "example changed": (lambda s: field(s, "title").update(example="Another"), "descriptive", "patch"),
    "field title added": (lambda s: field(s, "title").update(title="Title"), "descriptive", "patch"),
    "unit added": (lambda s: field(s, "year").update(unit="a"), "changed", "major"),
    "missingValues changed": (lambda s: s["pubs"].update(missingValues=["", "NA"]), "changed", "major"),
    "missingValues written out as the default": (lambda s: s["authors"].update(missingValues=[""]), None, "none"),
}


@pytest.mark.parametrize("case", list(SCHEMA_CASES))
def test_each_schema_change_is_classified(tmp_path, case):
    change, kind, bump = SCHEMA_CASES[case]
    result = diff_after(tmp_path, change)
    changes = [c for t in result["tables"].values() for c in t["fields_changed"] + t["schema_changed"]]
    if kind is None:
        assert changes == []
    else:
        assert [c["kind"] for c in changes] == [kind], changes
        assert changes[0]["level"] == bump
    assert result["bump"] == bump
    assert all(t["rows_changed"] == 0 for t in result["tables"].values())


def test_a_retyped_column_is_compared_by_its_text(tmp_path):
    def retype(schemas):
        field(schemas, "year").update(type="string", constraints={})

    def to_text(frames):
        pubs = frames["pubs"].with_columns(pl.col("year").cast(pl.String))
        return {"pubs": pubs.with_columns(year=pl.when(pl.col("id") == "p4").then(pl.lit("MMXIX")).otherwise("year"))}

    result = diff_after(tmp_path, retype, to_text)
    pubs = result["tables"]["pubs"]
    assert pubs["rows_changed"] == 1  # 2020 and "2020" are the same value; 2019 and "MMXIX" are not
    assert pubs["examples"] == [{"key": {"id": "p4"}, "column": "year", "old": 2019, "new": "MMXIX"}]
    assert result["bump"] == "major" and result["reasons"][0] == 'pubs: `year` type "integer" → "string"'


def test_a_tightened_bound_says_which_way_it_moved(tmp_path):
    result = diff_after(tmp_path, constraint("year", "maximum", 2050))
    [change] = result["tables"]["pubs"]["fields_changed"]
    assert change == {"field": "year", "change": "`year`: `maximum` lowered 2100 → 2050", "kind": "tightened",
                      "level": "major"}
    assert result["reasons"] == ["pubs: `year`: `maximum` lowered 2100 → 2050"]


def _edit_resource(directory: Path, name: str, **changes) -> None:
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == name).update(changes)
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_a_moved_file_is_shown_but_needs_no_new_version(tmp_path):
    """The recipe: "you relocate the data to a new URL or path: no change in the version number"."""
    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    new = write_package(tmp_path / "new", BASE_SCHEMAS, base_frames())
    (new / "data" / "pubs.parquet").rename(new / "data" / "publications.parquet")
    _edit_resource(new, "pubs", path="data/publications.csv",
                   **{"exodata:parquet": {"path": "data/publications.parquet"}})
    result = diff_packages(old, new)
    assert [c["kind"] for c in result["tables"]["pubs"]["schema_changed"]] == ["relocated", "relocated"]
    assert result["bump"] == "none" and result["reasons"] == []
    assert 'CSV file moved "data/pubs.csv" → "data/publications.csv"' in render_text(result)
    _edit_resource(new, "pubs", encoding="latin-1")
    _edit_resource(old, "pubs", encoding="utf-8")
    assert diff_packages(old, new)["reasons"] == ['pubs: CSV encoding "utf-8" → "latin-1"']


def test_field_added_is_minor(tmp_path):
    def add(schemas):
        schemas["pubs"]["fields"].append({"name": "doi", "type": "string", "description": "DOI."})

    result = diff_after(tmp_path, add, lambda f: {"pubs": f["pubs"].with_columns(doi=pl.lit("10.1/x"))})
    assert result["tables"]["pubs"]["fields_added"] == ["doi"]
    assert result["tables"]["pubs"]["rows_changed"] == 0  # a new column is not a changed value
    assert result["bump"] == "minor" and result["reasons"] == ["pubs: field `doi` added"]


def test_field_removed_or_renamed_is_major(tmp_path):
    def rename(schemas):
        field(schemas, "title")["name"] = "headline"

    result = diff_after(tmp_path, rename, lambda f: {"pubs": f["pubs"].rename({"title": "headline"})})
    pubs = result["tables"]["pubs"]
    assert (pubs["fields_removed"], pubs["fields_added"]) == (["title"], ["headline"])
    assert result["bump"] == "major" and result["reasons"] == ["pubs: field `title` removed"]


def test_primary_key_changed_is_major_and_rows_are_still_matched(tmp_path):
    result = diff_after(tmp_path, lambda s: s["pubs"].update(primaryKey=["id", "year"]))
    pubs = result["tables"]["pubs"]
    assert [c["kind"] for c in pubs["schema_changed"]] == ["breaking"]
    assert pubs["key"] == ["id", "year"] and pubs["rows_changed"] == pubs["rows_added"] == 0
    assert result["bump"] == "major"


def test_rows_removed_added_and_changed(tmp_path):
    def change(frames):
        pubs = frames["pubs"].filter(pl.col("id") != "p4")
        pubs = pubs.with_columns(
            title=pl.when(pl.col("id") == "p1").then(pl.lit("Uno")).otherwise("title"),
            tags=pl.when(pl.col("id") == "p2").then(pl.lit(["w"])).otherwise("tags"),
        )
        extra = pl.DataFrame({"id": ["p9"], "year": [2024], "category": ["a"], "tags": [["q"]], "title": ["Nine"]},
                             schema=pubs.schema)
        return {"pubs": pl.concat([extra, pubs])}  # row order does not matter

    result = diff_after(tmp_path, change_frames=change)
    pubs = result["tables"]["pubs"]
    assert (pubs["rows_added"], pubs["rows_removed"], pubs["rows_changed"]) == (1, 1, 2)
    assert pubs["columns_changed"] == {"tags": 1, "title": 1}
    assert pubs["examples"] == [
        {"key": {"id": "p1"}, "column": "title", "old": "One", "new": "Uno"},
        {"key": {"id": "p2"}, "column": "tags", "old": [], "new": ["w"]},
    ]
    assert pubs["keys_added"] == [{"id": "p9"}] and pubs["keys_removed"] == [{"id": "p4"}]
    assert result["bump"] == "major"
    assert result["reasons"] == ["rows removed from pubs (1)"]


def test_nulls_equal_nulls_and_examples_are_capped_and_sorted(tmp_path):
    def change(frames):  # every title but the null one changes; the null year and tags stay null
        return {"pubs": frames["pubs"].with_columns(title=pl.col("title") + "!")}

    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    new = write_package(tmp_path / "new", BASE_SCHEMAS, {**base_frames(), **change(base_frames())})
    result = diff_packages(old, new, examples=2)
    pubs = result["tables"]["pubs"]
    assert pubs["rows_changed"] == 3 and pubs["columns_changed"] == {"title": 3}
    assert [e["key"]["id"] for e in pubs["examples"]] == ["p1", "p2"]
    assert result["bump"] == "patch" and result["reasons"] == ["values corrected in pubs (3 rows)"]
    assert diff_packages(old, new, examples=0)["tables"]["pubs"]["examples"] == []


def test_every_changed_column_gets_an_example_first(tmp_path):
    def change(frames):
        return {"pubs": frames["pubs"].with_columns(
            title=pl.col("title") + "!", year=pl.when(pl.col("id") == "p4").then(1999).otherwise("year"))}

    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    new = write_package(tmp_path / "new", BASE_SCHEMAS, {**base_frames(), **change(base_frames())})
    examples = diff_packages(old, new, examples=2)["tables"]["pubs"]["examples"]
    assert [(e["key"]["id"], e["column"]) for e in examples] == [("p1", "title"), ("p4", "year")]


def test_colliding_key_hashes_fall_back_to_the_real_key(tmp_path, monkeypatch):
    """Rows are matched by a 64-bit hash of their key; two keys with one hash make the table matched on the key."""
    from exodata.package import row_diff

    def change(frames):
        return {"pubs": frames["pubs"].filter(pl.col("id") != "p4").with_columns(title=pl.col("title") + "!")}

    honest = diff_after(tmp_path / "honest", change_frames=change)["tables"]["pubs"]
    fingerprints = row_diff._Side.fingerprints

    def colliding(self, exact_key):
        frame = fingerprints(self, exact_key)
        return frame if exact_key else frame.with_columns(pl.lit(7, dtype=pl.UInt64).alias(row_diff._KEY_HASH))

    monkeypatch.setattr(row_diff._Side, "fingerprints", colliding)
    assert diff_after(tmp_path / "colliding", change_frames=change)["tables"]["pubs"] == honest
    assert (honest["rows_removed"], honest["rows_changed"]) == (1, 2)  # p3's title is null before and after


def test_a_duplicate_primary_key_is_an_input_error(tmp_path):
    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    frames = base_frames()
    new = write_package(tmp_path / "new", BASE_SCHEMAS, {**frames, "pubs": pl.concat([frames["pubs"]] * 2)})
    with pytest.raises(DiffInputError, match=r"new package's primary key \(id\) is not unique"):
        diff_packages(old, new)


def test_tables_added_and_removed(tmp_path):
    def rename_table(schemas):
        schemas["writers"] = schemas.pop("authors")

    result = diff_after(tmp_path, rename_table, lambda f: {"writers": f["authors"]})
    assert result["tables_added"] == ["writers"] and result["tables_removed"] == ["authors"]
    assert list(result["tables"]) == ["pubs"]
    assert result["bump"] == "major" and result["reasons"] == ["table authors removed"]

    added = diff_after(tmp_path / "added", lambda s: s.update(extra=s["authors"]),
                       lambda f: {"extra": f["authors"]})
    assert added["tables_added"] == ["extra"] and added["bump"] == "minor"
    assert "- New table `extra`." in render_markdown(added)


def test_descriptive_changes_only_are_a_patch(tmp_path):
    result = diff_after(tmp_path, title="A better title", keywords=["a", "b", "c"],
                        contributors=[{"title": "Someone"}], licenses=[{"name": "CC-BY-4.0", "title": "CC BY"}])
    assert result["bump"] == "patch"
    changes = {m["property"]: m["change"] for m in result["metadata_changed"]}
    assert changes == {"contributors": "added", "keywords": "added c", "licenses": "changed CC-BY-4.0",
                       "title": "changed"}
    assert result["reasons"] == ["package metadata changed: contributors, keywords, licenses, title"]
    assert "- Package metadata: `contributors` (added), `keywords` (added c)" in render_markdown(result)


def test_derived_properties_and_the_version_are_ignored(tmp_path):
    result = diff_after(tmp_path, version="9.9.9", created="2026-01-01T00:00:00Z",
                        **{"exodata:build": {"seed_files": 7}})
    assert result["bump"] == "none" and result["metadata_changed"] == []


def test_an_old_package_with_other_tables_and_fields_is_read_with_its_own_schemas(built_package, tmp_path):
    """The old side need not match the current schema source: a table with fields exodata never had."""
    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames(), version="0.1.0")
    result = diff_packages(old, built_package)
    assert result["tables_removed"] == ["pubs"]
    assert "publications" in result["tables_added"] and result["bump"] == "major"
    assert result["required_version"] == "0.2.0"
    authors = result["tables"]["authors"]  # in both, but the old one has other fields and another key
    assert authors["fields_removed"] == ["id", "name"] and "publication_id" in authors["fields_added"]
    assert authors["key"] is None and authors["rows_added"] is None and "not compared" in authors["note"]
    assert "rows not compared" in render_text(result) and "rows not compared" in render_markdown(result)


# --- a property: the row counts agree with a plain Python model -----------------------------------------------

_rows = st.dictionaries(st.integers(0, 30), st.tuples(st.one_of(st.none(), st.integers(0, 3)),
                                                        st.lists(st.sampled_from("ab"), max_size=2)), max_size=12)


@settings(max_examples=40)
@given(old_rows=_rows, new_rows=_rows)
def test_row_counts_match_a_python_model(old_rows, new_rows):
    schema = {"fields": [{"name": "k", "type": "integer"}, {"name": "v", "type": "integer"},
                         {"name": "l", "type": "list"}], "primaryKey": ["k"]}

    def frame(rows):
        return pl.DataFrame({"k": list(rows), "v": [v for v, _ in rows.values()],
                             "l": [items for _, items in rows.values()]},
                            schema={"k": pl.Int64, "v": pl.Int64, "l": pl.List(pl.String)})

    with tempfile.TemporaryDirectory() as tmp:
        old = write_package(Path(tmp) / "old", {"t": schema}, {"t": frame(old_rows)})
        new = write_package(Path(tmp) / "new", {"t": schema}, {"t": frame(new_rows)})
        table = diff_packages(old, new, examples=50)["tables"]["t"]
    common = old_rows.keys() & new_rows.keys()
    assert table["rows_added"] == len(new_rows.keys() - old_rows.keys())
    assert table["rows_removed"] == len(old_rows.keys() - new_rows.keys())
    assert table["rows_changed"] == sum(old_rows[k] != new_rows[k] for k in common)
    assert [e["key"]["k"] for e in table["examples"]] == sorted(
        k for k in common for i in range(2) if old_rows[k][i] != new_rows[k][i])


# --- versions ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "bump", "required"), [
    ("1.2.3", "major", "2.0.0"), ("1.2.3", "minor", "1.3.0"), ("1.2.3", "patch", "1.2.4"), ("1.2.3", "none", "1.2.3"),
    ("0.3.0", "major", "0.4.0"), ("0.3.0", "minor", "0.3.1"), ("0.3.0", "patch", "0.3.1"), ("0.3.0", "none", "0.3.0"),
    ("0.3.2", "major", "0.4.0"), ("0.0.4", "minor", "0.0.5"), ("2.0", "patch", "2.0.1"), ("1.4.0rc1", "minor", "1.5.0"),
])
def test_required_version(old, bump, required):
    assert required_version(old, bump) == required


@pytest.mark.parametrize(("old", "new", "bump", "passed"), [
    ("0.3.0", "0.3.0", "minor", False), ("0.3.0", "0.3.1", "minor", True), ("0.3.0", "0.4.0", "minor", True),
    ("0.3.0", "0.3.1", "major", False), ("0.3.0", "0.4.0", "major", True), ("0.3.0", "1.0.0", "major", True),
    ("0.3.0", "0.3.0", "none", True), ("0.3.0", "0.3.1", "patch", True),
    ("1.2.3", "1.2.3", "patch", False), ("1.2.3", "1.2.4", "patch", True), ("1.2.3", "1.3.0", "major", False),
    ("1.2.3", "2.0.0rc1", "major", False), ("1.2.3", "2.0.0", "major", True), ("1.2.3", "1.2.2", "none", False),
])
def test_check_version(old, new, bump, passed):
    check = check_version(old, new, bump)
    assert check.passed is passed and bool(check) is passed
    assert check.required == required_version(old, bump)
    if not passed:
        assert check.required in check.message


def test_check_version_says_when_the_version_went_backwards():
    assert "went backwards" in check_version("1.2.3", "1.2.2", "none").message


@pytest.mark.parametrize(("old", "bump"), [("x.y", "minor"), ("1.2.3", "huge")])
def test_bad_versions_and_levels_are_errors(old, bump):
    with pytest.raises(ValueError):
        required_version(old, bump)


_version = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4))


@given(old=_version, new=_version, bump=st.sampled_from(LEVELS))
def test_a_version_passes_exactly_when_it_reaches_the_required_one(old, new, bump):
    old_s, new_s = ".".join(map(str, old)), ".".join(map(str, new))
    required = required_version(old_s, bump)
    assert check_version(old_s, required, bump).passed
    assert check_version(old_s, new_s, bump).passed == (Version(new_s) >= Version(required) >= Version(old_s))
    if bump != "none":
        assert Version(required) > Version(old_s)
        if old[0] == 0:  # the 0.x rule: never a 1.0.0 by itself, and major means the next minor
            assert Version(required).major == 0
            assert Version(required).minor == old[1] + (bump == "major")


# --- inputs: archives, hostile archives, installed ---------------------------------------------------------------

def zip_package(directory: Path, archive: Path, top: str | None = "exodata-data-0.3.0") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                relative = path.relative_to(directory).as_posix()
                zipped.write(path, f"{top}/{relative}" if top else relative)
    return archive


@pytest.mark.parametrize("top", ["exodata-data-0.3.0", None])
def test_a_release_archive_is_a_package(built_package, changed_build, tmp_path, top):
    archive = zip_package(built_package, tmp_path / "exodata-data-0.3.0.zip", top)
    result = diff_packages(archive, changed_build)
    assert result["old"]["path"] == str(archive)
    assert result["bump"] == "minor" and result["tables"]["publications"]["rows_added"] == 1
    assert diff_packages(archive, built_package / "datapackage.json")["bump"] == "none"


def _hostile(tmp_path: Path, name: str, *, symlink: bool = False) -> Path:
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("exodata-data-0.3.0/datapackage.json", '{"resources": []}')
        info = zipfile.ZipInfo(name)
        if symlink:
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(info, "/etc/passwd" if symlink else "x")
    return archive


@pytest.mark.parametrize(("member", "symlink", "says"), [
    ("exodata-data-0.3.0/../../escaped.json", False, "'..'"),
    ("/tmp/exodata-absolute.json", False, "absolute path"),
    ("C:/exodata-absolute.json", False, "absolute path"),
    ("exodata-data-0.3.0/schemas/link.json", True, "symbolic link"),
])
def test_hostile_archives_are_refused_before_anything_is_written(tmp_path, member, symlink, says):
    archive = _hostile(tmp_path, member, symlink=symlink)
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(DiffInputError) as error:
        extract_archive(archive, into)
    message = str(error.value)
    assert says in message and str(archive) in message and "\n" not in message
    assert list(into.iterdir()) == [] and not (tmp_path / "escaped.json").exists()


def test_archive_bombs_stop_at_the_limits(built_package, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("datapackage.json", '{"resources": []}')
        zipped.writestr("data/big.parquet", b"\0" * (4 << 20))  # 4 MiB of zeros compress to a few KiB
    assert bomb.stat().st_size < 64 << 10
    with pytest.raises(DiffInputError, match="more than the limit of 1,048,576"):
        extract_archive(bomb, tmp_path / "a", max_bytes=1 << 20)
    with pytest.raises(DiffInputError, match="2 members, more than the 1"):
        extract_archive(bomb, tmp_path / "b", max_members=1)
    assert extract_archive(bomb, tmp_path / "c") == tmp_path / "c"  # within the default limits


def test_an_archive_whose_headers_understate_a_size_is_refused(tmp_path):
    """A member claiming 16 bytes but inflating to 4 MiB: never more than the claim is written."""
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("datapackage.json", '{"resources": []}')
        zipped.writestr("data/big.parquet", b"\0" * (4 << 20))
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = data.rfind(signature)  # the second member's
        data[at + offset:at + offset + 4] = (16).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises(DiffInputError, match="liar.zip"):
        extract_archive(archive, tmp_path / "into", max_bytes=1 << 20)
    written = tmp_path / "into" / "data" / "big.parquet"
    assert not written.exists() or written.stat().st_size <= 1 << 20


def test_an_archive_without_a_package_is_refused(tmp_path):
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a/readme.txt", "hello")
        zipped.writestr("b/readme.txt", "hello")
    with pytest.raises(DiffInputError, match="no datapackage.json"):
        diff_packages(archive, archive)


# --- the command line ---------------------------------------------------------------------------------------------

def _run(*args: str):
    return CliRunner().invoke(app, ["diff", *map(str, args)])


def test_cli_text_and_json(built_package, changed_build):
    text = _run(built_package, changed_build)
    assert text.exit_code == 0, text.output
    assert "publications: 1 row added, 1 row changed (year: 1)" in text.stdout
    result = _run(built_package, changed_build, "--json", "--examples", "1")
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)  # nothing but JSON on stdout
    for key in ("old", "new", "bump", "required_version", "tables", "tables_added", "tables_removed",
                "metadata_changed", "reasons"):
        assert key in parsed
    for key in ("rows_added", "rows_removed", "rows_changed", "fields_added", "fields_removed", "fields_changed",
                "columns_changed", "examples"):
        assert key in parsed["tables"]["publications"]
    assert len(parsed["tables"]["provenance"]["keys_added"]) == 1
    markdown = _run(built_package, changed_build, "--markdown")
    assert markdown.exit_code == 0 and markdown.stdout.startswith("### Data")


def test_cli_check_version_exit_codes(built_package, changed_build, tmp_path):
    failed = _run(built_package, changed_build, "--check-version", "--json")
    assert failed.exit_code == 1
    json.loads(failed.stdout)
    required = _bumped(exodata.__version__, 2)
    assert f"at least {required}" in failed.stderr and "rows added to publications (1)" in failed.stderr
    bumped = tmp_path / "bumped"
    shutil.copytree(changed_build, bumped)
    set_version(bumped, required)
    passed = _run(built_package, bumped, "--check-version")
    assert passed.exit_code == 0, passed.output
    assert _run(built_package, built_package, "--check-version").exit_code == 0


@pytest.mark.parametrize("bad", ["missing-dir", "not-a-package", "bad-zip", "hostile-zip"])
def test_cli_usage_errors_exit_2_in_one_line(built_package, tmp_path, bad):
    paths = {"missing-dir": tmp_path / "nope", "not-a-package": tmp_path, "bad-zip": tmp_path / "broken.zip",
             "hostile-zip": None}
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    path = paths[bad] or _hostile(tmp_path, "../escaped.json")
    for args in ((path, built_package), (built_package, path)):
        result = _run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("damage", "says"), [
    (lambda d: (d / "schemas" / "pubs.json").write_text("{not json"),
     "schema 'schemas/pubs.json' of table 'pubs' cannot"),
    (lambda d: (d / "schemas" / "pubs.json").write_text('{"fields": [1]}'), "is not a Table Schema"),
    (lambda d: (d / "data" / "pubs.parquet").write_bytes(b"PAR1 garbage"), "cannot compare the Parquet copies"),
    (lambda d: (d / "data" / "pubs.parquet").unlink(), "data/pubs.parquet of table 'pubs' is missing"),
    (lambda d: (d / "datapackage.json").write_text("[]"), "'resources' must be a list"),
])
def test_a_damaged_package_is_a_one_line_input_error(tmp_path, damage, says):
    old = write_package(tmp_path / "old", BASE_SCHEMAS, base_frames())
    new = write_package(tmp_path / "new", BASE_SCHEMAS, base_frames())
    damage(new)
    with pytest.raises(DiffInputError, match=re.escape(says)) as error:
        diff_packages(old, new)
    assert str(new) in str(error.value) and "\n" not in str(error.value)
    result = _run(old, new)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_cli_refuses_json_and_markdown_together(built_package):
    result = _run(built_package, built_package, "--json", "--markdown")
    assert result.exit_code == 2 and "one of --json and --markdown" in result.stderr


def test_the_program_prints_no_traceback(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    done = subprocess.run([sys.executable, "-m", "exodata.cli", "diff", str(tmp_path / "broken.zip"), "installed"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_a_git_revision_names_the_package_committed_there(tmp_path, built_package, monkeypatch):
    """`exodata diff v0.3.0 .` compares with the package of a release tag (as CI does)."""
    import shutil
    import subprocess

    repository = tmp_path / "repository"
    shutil.copytree(built_package, repository)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "package"], ["tag", "v9.9.9"]):
        subprocess.run([*git, *step], cwd=repository, check=True)
    monkeypatch.chdir(repository)
    result = diff_packages("v9.9.9", ".")
    assert result["bump"] == "none" and result["old"]["path"] == "v9.9.9 (git)"
    with pytest.raises(DiffInputError, match="git revision"):
        diff_packages("v0.0.0-nowhere", ".")
