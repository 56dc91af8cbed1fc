"""Tables are declared with how they are made: every kind is served, and the order follows the declarations.

A child table is its declaration and its extractor; everything else (the staged tables, the merge's lists, the
records' list sizes, the build order, the assembly) follows from the declarations, which these tests hold
to the code that serves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exodata.corpus.assemble import DERIVATIONS, assemble
from exodata.corpus.merge import Member, merge_group
from exodata.ingest.compile import compile_file
from exodata.ingest.extractors import EXTRACTORS, extracts
from exodata.ingest.staging import FIGURES, LIST_SIZES, RECORD_COLUMNS, STAGED, stage_job, staged_schema
from exodata.metadata import TABLES
from exodata.metadata.classes import STAGED_KINDS, Field, ForeignKey, Kind, Table
from exodata.metadata.order import dependency_order, depends_on
from exodata.metadata.tables import (
    CHILD_TABLES,
    DEPENDENCY_ORDER,
    FOLLOWING_LISTS,
    MERGED_LISTS,
    OFFSET_TARGETS,
    of_kind,
)
from tests.conftest import REPO

EXPORTS = REPO / "tests" / "data" / "exports"


def test_every_table_has_a_kind_and_every_kind_is_used():
    assert all(isinstance(table.kind, Kind) for table in TABLES.values())
    assert {table.kind for table in TABLES.values()} == set(Kind)


def test_every_staged_table_but_provenance_has_an_extractor():
    assert set(STAGED) == set(of_kind(*STAGED_KINDS))
    assert set(EXTRACTORS) == set(of_kind(Kind.PUBLICATION, Kind.CHILD_LIST, Kind.PER_FIELD))


@pytest.mark.parametrize("name", ["provenance", "concepts", "conflicts", "publication_concepts", "nonexistent"])
def test_only_a_table_staged_from_records_takes_an_extractor(name):
    with pytest.raises((ValueError, KeyError)):
        extracts(name)


def test_every_derived_table_has_a_derivation():
    assert set(DERIVATIONS) == set(of_kind(Kind.DERIVED))


def test_provenance_traces_exactly_the_traced_tables():
    assert TABLES["provenance"].field("table").enum == tuple(name for name, t in TABLES.items() if t.traced)


def test_the_merge_lists_and_the_records_list_sizes_come_from_the_declarations():
    lists = of_kind(Kind.CHILD_LIST)
    assert set(MERGED_LISTS) | set(FOLLOWING_LISTS) == set(lists)
    assert all(set(followed) <= set(MERGED_LISTS) for followed in FOLLOWING_LISTS.values())
    assert set(LIST_SIZES) == set(MERGED_LISTS)
    assert set(LIST_SIZES.values()) <= set(FIGURES) <= set(RECORD_COLUMNS)


def _compiled_records():
    for seed in sorted(EXPORTS.iterdir()):
        result = compile_file(seed, seed.name, lambda result: [item.record for item in result.records])
        yield from (record for record in result if record is not None)


def test_extractors_give_their_tables_columns_and_a_span_for_every_traced_value():
    records = list(_compiled_records())
    assert records
    for name, extract in EXTRACTORS.items():
        table = TABLES[name]
        expected = set(staged_schema(name)) - {"publication_id", "src_file", "src_record"}
        traced_columns = [c for c in table.column_names if c not in ("publication_id", "position", "record_count")]
        for record in records:
            rows = extract(record)
            assert set(rows.columns) == expected or rows.count == 0, name
            if not table.traced:
                assert not rows.spans, name
                continue
            positions = [0] * rows.count if table.kind is Kind.PUBLICATION else rows.columns["position"]
            values = {(column, position) for column in traced_columns
                      for position, value in zip(positions, _cells(rows.columns[column], rows.count))
                      if value is not None and not (isinstance(value, list) and not value)}  # [] holds no value
            assert {(column, position) for column, position, _, _ in rows.spans} == values, name
            assert all(0 <= start < end for _, _, start, end in rows.spans), name


def _cells(column, count):
    return column if isinstance(column, (list, tuple)) else [column] * count


def _source_before(names, position: int, source: str) -> str:
    """The nearest table before ``position`` that is not another table derived from ``source``."""
    earlier = position - 1
    while earlier >= 0 and TABLES[names[earlier]].derived_from == source:
        earlier -= 1
    return names[earlier]


def test_the_dependency_order_is_the_one_the_declarations_give():
    assert dependency_order(TABLES, OFFSET_TARGETS) == DEPENDENCY_ORDER
    assert sorted(DEPENDENCY_ORDER) == sorted(TABLES)
    for position, name in enumerate(DEPENDENCY_ORDER):
        assert depends_on(TABLES[name], OFFSET_TARGETS) <= set(DEPENDENCY_ORDER[:position]), name
        source = TABLES[name].derived_from
        if source is not None:  # made from each part of its source: it follows it, or a sibling derived from it
            assert _source_before(DEPENDENCY_ORDER, position, source) == source, name
    assert tuple(n for n in DEPENDENCY_ORDER if TABLES[n].kind in (
        Kind.CHILD_LIST, Kind.PROVENANCE, Kind.PER_FIELD)) == CHILD_TABLES


def _table(name, kind, *, fks=(), **options):
    fields = (Field("publication_id", "string", "id", required=True), Field("field", "string", "field"))
    return Table(name=name, title=name, description=name, fields=fields, primary_key=("publication_id",),
                 kind=kind, foreign_keys=tuple(ForeignKey(("publication_id",), fk, ("publication_id",)) for fk in fks),
                 **options)


def test_a_new_child_list_takes_its_place_among_the_lists():
    tables = {**TABLES, "extra": _table("extra", Kind.CHILD_LIST, fks=("publications",))}
    order = dependency_order(tables, OFFSET_TARGETS)
    assert order[:order.index("extra")] == DEPENDENCY_ORDER[:DEPENDENCY_ORDER.index("provenance")]


@pytest.mark.parametrize("tables", [
    {"a": _table("a", Kind.CHILD_LIST, fks=("b",)), "b": _table("b", Kind.CHILD_LIST, fks=("a",))},  # a cycle
    {"a": _table("a", Kind.CHILD_LIST, fks=("missing",))},
    {"a": _table("a", Kind.PER_FIELD), "b": _table("b", Kind.DERIVED, derived_from="a", fks=("c",)),
     "c": _table("c", Kind.MERGE)},  # needs a table made after its source
])
def test_declarations_that_allow_no_order_are_refused(tables):
    with pytest.raises(ValueError):
        dependency_order(tables, {})


@pytest.mark.parametrize("options", [
    {"kind": "child list"}, {"kind": Kind.SEED, "traced": True}, {"kind": Kind.PER_FIELD, "follows": ("a",)},
    {"kind": Kind.DERIVED}, {"kind": Kind.MERGE, "derived_from": "a"},
])
def test_a_table_refuses_options_its_kind_does_not_take(options):
    kind = options.pop("kind")
    with pytest.raises((TypeError, ValueError)):
        _table("t", kind, **options)


def test_a_list_that_follows_others_is_kept_only_with_one_record_owning_them_all():
    def member(order, authors, affiliations):
        return Member(file=f"f{order}", record=0, order=order, format="ris", rank=0, keys=[], local_id=f"pmid:{order}",
                      values={}, list_sizes={**dict.fromkeys(MERGED_LISTS, 0), "authors": authors,
                                             "affiliations": affiliations}, author_detail=0)

    same = merge_group([member(0, 3, 2), member(1, 2, 1)])
    assert same.owners["author_affiliations"] == same.owners["authors"] == ("f0", 0)
    split = merge_group([member(0, 3, 1), member(1, 2, 2)])
    assert "author_affiliations" not in split.owners


def test_assembly_takes_the_tables_in_dependency_order_a_derived_part_after_its_source(tmp_path, monkeypatch):
    import exodata.corpus.parts

    monkeypatch.setattr(exodata.corpus.parts, "PART_ROWS", 3)  # many parts
    staged: dict[str, list[Path]] = {}
    records = []
    for number, seed in enumerate(sorted(EXPORTS.iterdir())):
        result = stage_job((str(seed), seed.name, number, str(tmp_path / "spill")))
        records.append(result.pop("records"))
        for name, path in result.items():
            staged.setdefault(name, []).append(path)
    import polars as pl

    names = [name for name, _ in assemble(pl.concat(records), staged, tmp_path / "parts")]
    assert list(dict.fromkeys(names)) == list(DEPENDENCY_ORDER)
    assert names.count("mentions") > 1
    for position, name in enumerate(names):
        source = TABLES[name].derived_from
        if source is not None:
            assert _source_before(names, position, source) == source
