"""Assemble the contract tables from the staged frames of every seed (see :mod:`exodata.ingest.staging`).

Columnar on purpose: the staged rows of all seeds are concatenated once, records are grouped by their match
keys, and only groups of duplicates (usually a few percent) go through the Python merge of
:mod:`exodata.corpus.merge`.  Its decisions come back as small "keep" frames (which record supplies which column,
which list, which field's rows), and every table is then one filter and one id mapping away from
its final form.  Memory is bounded by the output tables, never by Python objects per record.

Tables are made in :data:`~exodata.metadata.tables.DEPENDENCY_ORDER`, each as its declared kind says
(:class:`~exodata.metadata.classes.Kind`): a child table from its spill files, a long one in parts, the
others from the merged corpus; a derived table from each part of its source, right after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from exodata.corpus.merge import Member, MergedGroup, group_records, merge_group
from exodata.corpus.parts import scan_staged, split_table, table_parts, with_source_columns
from exodata.ingest.staging import LIST_SIZES, SOURCE, SOURCE_NUMBER
from exodata.metadata import TABLES
from exodata.metadata.arrow import polars_schema
from exodata.metadata.classes import CHILD_KINDS, Kind
from exodata.metadata.order import sort_by_key
from exodata.metadata.tables import (
    CHILD_TABLES,
    DEPENDENCY_ORDER,
    LIST_ITEM_FIELDS,
    MENTION_FIELDS,
    MERGED_COLUMNS,
    METHOD_COLUMNS,
    of_kind,
)

if TYPE_CHECKING:
    import polars as pl


def _frame(name: str, rows: list[tuple]) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(rows, schema=polars_schema(TABLES[name]), orient="row")


def _in_key_order(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The contract's columns of table ``name``, rows sorted by its primary key: the order tables are written in."""
    return sort_by_key(frame, TABLES[name])


def _members(compiled: pl.DataFrame, publications: pl.LazyFrame) -> dict[int, list[Member]]:
    """The records of every duplicate group, with their values, keyed by group."""
    import polars as pl

    multi = compiled.filter(pl.col("group_size") > 1).lazy().join(
        publications.drop("publication_id"), on=SOURCE_NUMBER, how="left").collect()
    groups: dict[int, list[Member]] = {}
    for row in multi.sort("order").iter_rows(named=True):
        groups.setdefault(row["group"], []).append(Member(
            file=row["file"], record=row["record"], order=row["order"], format=row["format"], rank=row["rank"],
            keys=row["keys"], local_id=row["local_id"], values={column: row[column] for column in MERGED_COLUMNS},
            list_sizes={name: row[column] for name, column in LIST_SIZES.items()}, author_detail=row["author_detail"]))
    return groups


def _decisions(merged: list[MergedGroup]) -> dict[str, pl.DataFrame]:
    """What the merge keeps of each duplicate group's records, as frames to filter the staged rows with: the
    records supporting each kept column (``columns``), owning each kept list (``lists``), and giving each kept
    field's rows (``fields``: a column's from its most trusted supporter, a list item's with the list)."""
    import polars as pl

    ids, kept_columns, kept_lists, kept_fields = [], [], [], []
    for group in merged:
        ids.extend((m.file, m.record, group.publication_id) for m in group.members)
        for column, sources in group.supporters.items():
            kept_columns.extend((*source, column) for source in sources)
            kept_fields.append((*sources[0], column))
        kept_lists.extend((*source, table) for table, source in group.owners.items())
        kept_fields.extend((*group.owners[table], field_name) for field_name, table in LIST_ITEM_FIELDS.items()
                           if table in group.owners)
    source = {"src_file": pl.String, "src_record": pl.Int64}
    return {
        "ids": pl.DataFrame(ids, schema={**source, "merged_id": pl.String}, orient="row"),
        "columns": pl.DataFrame(kept_columns, schema={**source, "column": pl.String}, orient="row"),
        "lists": pl.DataFrame(kept_lists, schema={**source, "table": pl.String}, orient="row"),
        "fields": pl.DataFrame(kept_fields, schema={**source, "field": pl.String}, orient="row"),
    }


def _keep(name: str, rows: pl.LazyFrame, keep: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """The staged rows of child table ``name`` that the merge keeps for the records of duplicate groups."""
    import polars as pl

    lists, fields, columns = keep["lists"].lazy(), keep["fields"].lazy(), keep["columns"].lazy()
    kind = TABLES[name].kind
    if kind is Kind.CHILD_LIST:
        return rows.join(lists.filter(pl.col("table") == name).drop("table"), on=SOURCE_NUMBER, how="semi")
    if kind is Kind.PER_FIELD:
        return rows.join(fields, on=[SOURCE_NUMBER, "field"], how="semi")
    if kind is Kind.PROVENANCE:
        values = rows.filter(pl.col("table") == "publications").join(columns, on=[SOURCE_NUMBER, "column"],
                                                                     how="semi")
        lists = rows.filter(pl.col("table") != "publications").join(lists, on=[SOURCE_NUMBER, "table"], how="semi")
        return pl.concat([values, lists])
    raise ValueError(f"table {name} is {kind}, not a child table")


def publication_concepts(mentions: pl.DataFrame, concepts: pl.DataFrame) -> pl.DataFrame:
    """Per (publication, concept): the label, how many mentions, and in which fields (in field order); rows in
    key order.

    The fields are gathered as a bit mask (one bit per field, OR-ed per group) and the mask then looked up in
    the list of every field combination: a list aggregation per group costs more than the rest together.
    The mentions are sorted by the key first and grouped in that order, so the groups come out in key order:
    sorting the mentions costs less than sorting their groups afterwards (docs/benchmarks.md).
    """
    import polars as pl

    fields = list(MENTION_FIELDS)
    combinations = pl.DataFrame(
        {"mask": range(1 << len(fields)),
         "fields": [[f for bit, f in enumerate(fields) if mask >> bit & 1] for mask in range(1 << len(fields))]},
        schema={"mask": pl.Int64, "fields": pl.List(pl.String)})
    bit = pl.col("field").replace_strict({f: 1 << position for position, f in enumerate(fields)}, return_dtype=pl.Int64)
    key = list(TABLES["publication_concepts"].primary_key)
    summary = (
        mentions.lazy().sort(key, maintain_order=True)
        .group_by(key, maintain_order=True)
        .agg(pl.col("category").first(), pl.len().cast(pl.Int64).alias("mention_count"),
             bit.bitwise_or().alias("mask"))
        .join(combinations.lazy(), on="mask", how="left", maintain_order="left")
        .join(concepts.lazy().select("concept_id", "label"), on="concept_id", how="left", maintain_order="left")
    )
    return summary.select(TABLES["publication_concepts"].column_names).cast(
        polars_schema(TABLES["publication_concepts"])).collect()


def concept_table() -> pl.DataFrame:
    """The curated vocabulary as the ``concepts`` table."""
    from exodata.ingest.vocabulary import load_vocabulary

    return _frame("concepts", [
        (c.concept_id, c.category, c.label, list(c.synonyms), list(c.abbreviations), list(c.zh), list(c.xrefs),
         c.note, c.msc_source) for c in load_vocabulary()])


def publication_methods(mentions: pl.DataFrame, concepts: pl.DataFrame) -> pl.DataFrame:
    """Per publication with a method mention: the labels of its concepts in each method category, sorted and
    each once, and how many method mentions there are; rows in key order."""
    import polars as pl

    table = TABLES["publication_methods"]
    labelled = (
        mentions.lazy().filter(pl.col("category").is_in(list(METHOD_COLUMNS)))
        .join(concepts.lazy().select("concept_id", "label"), on="concept_id", how="left")
    )
    lists = [pl.col("label").filter(pl.col("category") == category).unique().sort().alias(column)
             for category, column in METHOD_COLUMNS.items()]
    summary = labelled.group_by("publication_id").agg(*lists, pl.len().cast(pl.Int64).alias("method_mention_count"))
    return summary.sort("publication_id").select(table.column_names).cast(polars_schema(table)).collect()


#: Derived table → how it is made from one part of its source, given the vocabulary.
DERIVATIONS: dict[str, Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]] = {
    "publication_concepts": publication_concepts,
    "publication_methods": publication_methods,
}


#: Table → the derived tables made from each of its parts.
_DERIVED_FROM = {name: tuple(derived for derived in of_kind(Kind.DERIVED) if TABLES[derived].derived_from == name)
                 for name in TABLES}


class _Corpus:
    """The corpus once merged: every compiled record's final publication id and what the merge keeps of
    duplicate groups; makes each table from it, as the table's kind says (:meth:`frames`).

    Built from the concatenated ``records`` staging frame and the spill files of the other staged tables
    (see :func:`exodata.ingest.staging.spill`); long child tables are split into parts through files in
    ``workdir`` (without it, every table comes whole: see :mod:`exodata.corpus.parts`), in a background thread
    from the start (:meth:`close` stops it).
    """

    def __init__(self, records: pl.DataFrame, staged: dict[str, list[Path]], workdir: Path | None) -> None:
        import polars as pl

        records = records.with_row_index("order").with_columns(pl.col("order").cast(pl.Int64))
        compiled = records.filter(pl.col("status") == "compiled")
        compiled = compiled.with_columns(pl.Series("group", group_records(compiled["keys"].to_list()), pl.Int64))
        compiled = compiled.with_columns(pl.len().over("group").cast(pl.Int64).alias("group_size"))
        self.staged = staged
        self.publications = scan_staged("publications", staged.get("publications", []))
        self.merged = [merge_group(members) for members in _members(compiled, self.publications).values()]
        # the merge's decisions name records by (file, record); staged rows by their source number
        numbers = compiled.select(pl.col("file").alias("src_file"), pl.col("record").alias("src_record"),
                                  SOURCE_NUMBER)
        self.keep = {name: frame.join(numbers, on=list(SOURCE), how="inner").drop(*SOURCE)
                     for name, frame in _decisions(self.merged).items()}

        # every compiled record → its publication id (its own, unless a duplicate group was merged)
        self.ids = (compiled.select(SOURCE_NUMBER, (pl.col("group_size") == 1).alias("single"), "local_id")
                    .join(self.keep["ids"], on=SOURCE_NUMBER, how="left")
                    .with_columns(pl.coalesce("merged_id", "local_id").alias("final_id"))
                    .select(SOURCE_NUMBER, "single", "merged_id", "final_id"))
        del compiled
        self.owners = self.ids.select(SOURCE_NUMBER, "single", "final_id").sort(SOURCE_NUMBER)  # for with_owners
        numbered = records.filter(pl.col(SOURCE_NUMBER).is_not_null()).select(
            (pl.col(SOURCE_NUMBER) // (1 << 32)).alias("number"), "file").unique("number")
        self.file_names = pl.Series("file", [None] * (int(numbered["number"].max() or 0) + 1), pl.String).scatter(
            numbered["number"], numbered["file"]) if numbered.height else pl.Series("file", [], pl.String)
        self.records: pl.DataFrame | None = records  # until the seed table is made
        self.concepts: pl.DataFrame | None = None  # the vocabulary, once made: derived tables need it

        # Long tables are split in a background thread from here on, one after the other, while the tables
        # before them are assembled, checked and written: a split is a pass over a whole table's spill files,
        # and done when its table's turn comes it kept the checker waiting (docs/benchmarks.md).  A split holds a
        # batch of rows at a time, so memory stays bounded.
        self.splitter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exodata-split")
        self.splits = {name: self.splitter.submit(split_table, name, staged.get(name, []), self.ids, workdir)
                       for name in CHILD_TABLES}

    def close(self) -> None:
        """Stop the background splits (waiting for the one running)."""
        self.splitter.shutdown(wait=True, cancel_futures=True)

    def frames(self, name: str) -> Iterator[pl.DataFrame]:
        """Table ``name`` as its kind makes it, sorted by primary key: one frame, or a long child table's parts."""
        kind = TABLES[name].kind
        if kind in CHILD_KINDS:
            parts = table_parts(name, self.staged.get(name, []), self.splits[name].result(), self.owners)
            yield from (self.child_table(name, rows) for rows in parts)
        elif kind is Kind.PUBLICATION:
            yield self.publication_table(name)
        elif kind is Kind.VOCABULARY:
            self.concepts = _in_key_order(concept_table(), name)
            yield self.concepts
        elif kind is Kind.SEED:
            yield self.seed_table(name)
        elif kind is Kind.MERGE:
            yield self.conflict_table(name)
        else:
            raise ValueError(f"table {name} is {kind}: it is made from another table's parts, not on its own")

    def derived(self, name: str, source: pl.DataFrame) -> pl.DataFrame:
        """Derived table ``name`` of one part of its source, sorted by primary key."""
        return _in_key_order(DERIVATIONS[name](source, self.concepts), name)

    def publication_table(self, name: str) -> pl.DataFrame:
        """A single record's staged row, or a duplicate group's merged values, for each publication."""
        import polars as pl

        columns = TABLES[name].column_names
        singles = self.publications.join(self.ids.lazy().filter(pl.col("single")), on=SOURCE_NUMBER, how="semi")
        merged_rows = _frame(name, [
            tuple({**group.values, "publication_id": group.publication_id, "record_count": len(group.members)}.get(c)
                  for c in columns) for group in self.merged])
        return _in_key_order(pl.concat([
            singles.with_columns(pl.lit(1, pl.Int64).alias("record_count")).select(columns).collect(), merged_rows]),
            name)

    def seed_table(self, name: str) -> pl.DataFrame:
        """Every record read, with the publication it compiled or merged into (the records are let go after)."""
        import polars as pl

        records, self.records = self.records, None
        duplicates = pl.DataFrame(
            [(*source, reason) for group in self.merged for source, reason in group.duplicate_reasons.items()],
            schema={"file": pl.String, "record": pl.Int64, "duplicate_reason": pl.String}, orient="row")
        return _in_key_order(
            records.join(self.ids.select(SOURCE_NUMBER, "merged_id"), on=SOURCE_NUMBER, how="left")
            .join(duplicates, on=["file", "record"], how="left")
            .with_columns(
                pl.coalesce("merged_id", "local_id").alias("publication_id"),
                pl.when(pl.col("duplicate_reason").is_not_null()).then(pl.lit("duplicate"))
                .otherwise(pl.col("status")).alias("status"),
                pl.coalesce("duplicate_reason", "reason").alias("reason")), name)

    def conflict_table(self, name: str) -> pl.DataFrame:
        """Every value a duplicate record gave that differs from the kept one."""
        return _in_key_order(_frame(name, [
            (group.publication_id, column, str(kept), str(other), member.file, member.record)
            for group in self.merged for column, kept, other, member in group.conflicts]), name)

    def child_table(self, name: str, rows: pl.LazyFrame) -> pl.DataFrame:
        """The final rows of one child table (or part): ``rows`` are its staged rows joined with the owners."""
        import polars as pl

        rows = rows.collect()  # once: as a lazy plan read twice below, the spill files would be read twice
        if TABLES[name].kind is Kind.PROVENANCE:
            rows = with_source_columns(rows, self.file_names)
        single = rows.get_column("single")
        kept = pl.concat([rows.filter(single), _keep(name, rows.filter(~single).lazy(), self.keep).collect()])
        del rows
        return _in_key_order(
            kept.rename({"final_id": "publication_id"}), name)  # child tables are spilled without it


def assemble(records: pl.DataFrame, staged: dict[str, list[Path]],
             workdir: Path | None = None) -> Iterator[tuple[str, pl.DataFrame]]:
    """Every contract table in :data:`~exodata.metadata.tables.DEPENDENCY_ORDER`, from the staged rows of all seeds.

    ``records`` is the concatenated ``records`` staging frame; ``staged`` the spill files of the other staged
    tables (see :func:`exodata.ingest.staging.spill`).  Long tables are split into parts through files in
    ``workdir`` (without it, every table comes whole).  Yields ``(table name, frame)``, each frame sorted by the
    table's primary key.  A long child table comes as several consecutive frames (see
    :func:`~exodata.corpus.parts.part_bounds`), and each part of a derived table right after the part of its
    source it is made from: the caller checks and writes each frame and lets it go before the next is built,
    so the build never holds a whole long table.
    """
    corpus = _Corpus(records, staged, workdir)
    del records
    try:
        for name in DEPENDENCY_ORDER:
            if TABLES[name].kind is Kind.DERIVED:
                continue  # made below, from each part of its source
            for frame in corpus.frames(name):
                yield name, frame
                derived = [(table, corpus.derived(table, frame)) for table in _DERIVED_FROM[name]]
                del frame
                while derived:
                    yield derived.pop(0)
    finally:
        corpus.close()
