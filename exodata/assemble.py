"""Assemble the contract tables from the staged frames of every seed (see :mod:`exodata.rows`).

Columnar on purpose: the staged rows of all seeds are concatenated once, records are grouped by their match
keys, and only groups of duplicates (usually a few percent) go through the Python merge of
:mod:`exodata.merge`.  Its decisions come back as small "keep" frames (which record supplies which column,
which list, which field's mentions), and every table is then one filter and one id mapping away from
its final form.  Memory is bounded by the output tables, never by Python objects per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeVar

from exodata.merge import LIST_TABLES, PUBLICATION_COLUMNS, Member, MergedGroup, group_records, merge_group
from exodata.rows import SOURCE
from exodata.schema import TABLES
from exodata.schema.tables import ANNOTATED_FIELDS, MENTION_FIELDS
from exodata.schema.arrow import polars_schema

if TYPE_CHECKING:
    import polars as pl

FrameT = TypeVar("FrameT", "pl.DataFrame", "pl.LazyFrame")



def _frame(name: str, rows: list[tuple]) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(rows, schema=polars_schema(TABLES[name]), orient="row")


def _members(compiled: pl.DataFrame, publications: pl.LazyFrame) -> dict[int, list[Member]]:
    """The records of every duplicate group, with their values, keyed by group."""
    import polars as pl

    multi = compiled.filter(pl.col("group_size") > 1).lazy().join(
        publications.rename({"src_file": "file", "src_record": "record"}).drop("publication_id"),
        on=["file", "record"], how="left").collect()
    groups: dict[int, list[Member]] = {}
    for row in multi.sort("order").iter_rows(named=True):
        groups.setdefault(row["group"], []).append(Member(
            file=row["file"], record=row["record"], order=row["order"], format=row["format"], rank=row["rank"],
            keys=row["keys"], local_id=row["local_id"],
            values={column: row[column] for column in PUBLICATION_COLUMNS},
            list_sizes={name: row[f"n_{name}"] for name in LIST_TABLES}, author_detail=row["author_detail"]))
    return groups


def _decisions(merged: list[MergedGroup]) -> dict[str, pl.DataFrame]:
    """What the merge keeps of each duplicate group's records, as frames to filter the staged rows with."""
    import polars as pl

    ids, kept_columns, kept_lists, kept_fields = [], [], [], []
    for group in merged:
        ids.extend((m.file, m.record, group.publication_id) for m in group.members)
        for column, sources in group.supporters.items():
            kept_columns.extend((*source, column) for source in sources)
        owners = dict(group.owners)
        if owners.get("authors") is not None and owners.get("authors") == owners.get("affiliations"):
            owners["author_affiliations"] = owners["authors"]  # markers only mean something within one record
        kept_lists.extend((*source, table) for table, source in owners.items())
        for field_name in ANNOTATED_FIELDS:
            if field_name in group.supporters:
                kept_fields.append((*group.supporters[field_name][0], field_name))
        if "keywords" in group.owners:
            kept_fields.append((*group.owners["keywords"], "keyword"))
    source = {"src_file": pl.String, "src_record": pl.Int64}
    return {
        "ids": pl.DataFrame(ids, schema={**source, "merged_id": pl.String}, orient="row"),
        "columns": pl.DataFrame(kept_columns, schema={**source, "column": pl.String}, orient="row"),
        "lists": pl.DataFrame(kept_lists, schema={**source, "table": pl.String}, orient="row"),
        "fields": pl.DataFrame(kept_fields, schema={**source, "field": pl.String}, orient="row"),
    }


def _keep(name: str, rows: pl.LazyFrame, keep: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """The staged rows of one table that the merge keeps for the records of duplicate groups."""
    import polars as pl

    lists, fields, columns = keep["lists"].lazy(), keep["fields"].lazy(), keep["columns"].lazy()
    if name in LIST_TABLES or name == "author_affiliations":
        return rows.join(lists.filter(pl.col("table") == name).drop("table"), on=list(SOURCE), how="semi")
    if name in ("mentions", "vesicle_quantities"):
        return rows.join(fields, on=[*SOURCE, "field"], how="semi")
    if name == "provenance":
        values = rows.filter(pl.col("table") == "publications").join(columns, on=[*SOURCE, "column"], how="semi")
        lists = rows.filter(pl.col("table") != "publications").join(lists, on=[*SOURCE, "table"], how="semi")
        return pl.concat([values, lists])
    raise KeyError(name)


def publication_concepts(mentions: pl.DataFrame, concepts: pl.DataFrame) -> pl.DataFrame:
    """Per (publication, concept): the label, how many mentions, and in which fields (in field order)."""
    import polars as pl

    order = pl.Enum(list(MENTION_FIELDS))
    summary = (
        mentions.group_by("publication_id", "concept_id")
        .agg(pl.col("category").first(), pl.len().cast(pl.Int64).alias("mention_count"),
             pl.col("field").cast(order).unique().sort().cast(pl.String).alias("fields"))
        .join(concepts.select("concept_id", "label"), on="concept_id", how="left")
    )
    return summary.select(TABLES["publication_concepts"].column_names).cast(
        polars_schema(TABLES["publication_concepts"]))


def concept_table() -> pl.DataFrame:
    """The curated vocabulary as the ``concepts`` table."""
    from exodata.vocabulary import load_vocabulary

    return _frame("concepts", [
        (c.concept_id, c.category, c.label, list(c.synonyms), list(c.abbreviations), list(c.zh), list(c.xrefs),
         c.note) for c in load_vocabulary()])


def in_key_order(frame: FrameT, name: str) -> FrameT:
    """The contract's columns of table ``name``, rows sorted by its primary key: the order tables are written in."""
    from exodata.package import sort_by_key

    return sort_by_key(frame, TABLES[name])


#: A child table with more staged rows than this is assembled (and checked and written) in parts, each holding
#: the rows of one range of publication ids: the build's memory is then bounded by a part, not by a table.
PART_ROWS = 1_000_000


def partitions(publication_ids: pl.Series, rows: int) -> list[tuple[str | None, str | None]]:
    """Half-open ranges ``[low, high)`` of publication ids (None: unbounded) that split ``rows`` rows into parts
    of at most about :data:`PART_ROWS`, each range holding an equal share of the publications.

    Ranges follow the sort order of the ids, so the parts of a table, each sorted by its primary key (which
    starts with ``publication_id``), follow one another in key order: written one after the other they are
    the table in key order.  The ranges depend only on the ids and the row count, so rebuilds split alike.
    """
    count = max(1, -(-rows // PART_ROWS))
    ids = publication_ids.unique().sort()
    if count == 1 or ids.len() < count:
        return [(None, None)]
    bounds = [None, *(ids[i * ids.len() // count] for i in range(1, count)), None]
    return list(zip(bounds[:-1], bounds[1:]))


def _in_range(column: str, low: str | None, high: str | None) -> pl.Expr:
    import polars as pl

    condition = pl.lit(True)
    if low is not None:
        condition = condition & (pl.col(column) >= low)
    if high is not None:
        condition = condition & (pl.col(column) < high)
    return condition


def assemble(records: pl.DataFrame, staged: dict[str, pl.LazyFrame]) -> Iterator[tuple[str, pl.DataFrame]]:
    """Every contract table in :data:`~exodata.schema.tables.DEPENDENCY_ORDER`, from the staged rows of all seeds.

    ``records`` is the concatenated ``records`` staging frame; ``staged`` the other staged tables as lazy
    frames (read from the spill files, or in memory).  Yields ``(table name, frame)``, each frame sorted by the
    table's primary key.  A long child table comes as several consecutive frames (see :func:`partitions`), and
    each ``publication_concepts`` part right after the ``mentions`` part it summarises: the caller checks and
    writes each frame and lets it go before the next is built, so the build never holds a whole long table.
    """
    import polars as pl

    records = records.with_row_index("order").with_columns(pl.col("order").cast(pl.Int64))
    compiled = records.filter(pl.col("status") == "compiled")
    compiled = compiled.with_columns(pl.Series("group", group_records(compiled["keys"].to_list()), pl.Int64))
    compiled = compiled.with_columns(pl.len().over("group").cast(pl.Int64).alias("group_size"))
    merged = [merge_group(members) for members in _members(compiled, staged["publications"]).values()]
    keep = _decisions(merged)

    # every compiled record → its publication id (its own, unless a duplicate group was merged)
    ids = (compiled.select(pl.col("file").alias("src_file"), pl.col("record").alias("src_record"),
                           (pl.col("group_size") == 1).alias("single"), "local_id")
           .join(keep["ids"], on=list(SOURCE), how="left")
           .with_columns(pl.coalesce("merged_id", "local_id").alias("final_id")).drop("local_id"))

    def child_table(name: str, low: str | None = None, high: str | None = None) -> pl.DataFrame:
        part = ids.lazy().filter(_in_range("final_id", low, high)).drop("final_id")
        rows = staged[name].join(part, on=list(SOURCE), how="inner")
        kept = pl.concat([rows.filter(pl.col("single")), _keep(name, rows.filter(~pl.col("single")), keep)])
        return in_key_order(
            kept.with_columns(pl.coalesce("merged_id", "publication_id").alias("publication_id")), name).collect()

    def parts(name: str) -> list[tuple[str | None, str | None]]:
        rows = staged[name].select(pl.len()).collect().item()
        return partitions(ids["final_id"], rows)

    singles = staged["publications"].join(ids.lazy().filter(pl.col("single")), on=list(SOURCE), how="semi")
    merged_rows = _frame("publications", [
        tuple({**group.values, "publication_id": group.publication_id, "record_count": len(group.members)}.get(c)
              for c in TABLES["publications"].column_names) for group in merged])
    yield "publications", in_key_order(pl.concat([
        singles.with_columns(pl.lit(1, pl.Int64).alias("record_count")).select(TABLES["publications"].column_names)
        .collect(), merged_rows]), "publications")
    concepts = in_key_order(concept_table(), "concepts")
    yield "concepts", concepts

    duplicates = pl.DataFrame(
        [(*source, reason) for group in merged for source, reason in group.duplicate_reasons.items()],
        schema={"file": pl.String, "record": pl.Int64, "duplicate_reason": pl.String}, orient="row")
    yield "seed_records", in_key_order(
        records.join(ids.select(pl.col("src_file").alias("file"), pl.col("src_record").alias("record"),
                                "merged_id"), on=["file", "record"], how="left")
        .join(duplicates, on=["file", "record"], how="left")
        .with_columns(
            pl.coalesce("merged_id", "local_id").alias("publication_id"),
            pl.when(pl.col("duplicate_reason").is_not_null()).then(pl.lit("duplicate"))
            .otherwise(pl.col("status")).alias("status"),
            pl.coalesce("duplicate_reason", "reason").alias("reason")), "seed_records")
    del records, compiled

    for name in ("authors", "affiliations", "author_affiliations", "keywords", "funders", "provenance"):
        for low, high in parts(name):
            yield name, child_table(name, low, high)
    for low, high in parts("mentions"):
        mentions = child_table("mentions", low, high)
        yield "mentions", mentions
        summary = in_key_order(publication_concepts(mentions, concepts), "publication_concepts")
        del mentions
        yield "publication_concepts", summary
        del summary
    for low, high in parts("vesicle_quantities"):
        yield "vesicle_quantities", child_table("vesicle_quantities", low, high)
    yield "conflicts", in_key_order(_frame("conflicts", [
        (group.publication_id, column, str(kept), str(other), member.file, member.record)
        for group in merged for column, kept, other, member in group.conflicts]), "conflicts")
