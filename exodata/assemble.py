"""Assemble the contract tables (polars DataFrames) from merged publications, seed results and annotations.

Rows are gathered as plain column lists and turned into frames with the dtypes generated from the schema
source, so a column the schema does not declare cannot slip into a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exodata.merge import Publication
from exodata.schema import TABLES
from exodata.schema.arrow import polars_schema

if TYPE_CHECKING:
    import polars as pl

MENTION_FIELD_ORDER = ("title", "title_vernacular", "abstract", "keyword")


class Rows:
    """Row collector for one table: rows are tuples in column order, turned into a frame in one go."""

    def __init__(self, name: str) -> None:
        self.table = TABLES[name]
        self.columns = tuple(self.table.column_names)
        self.rows: list[tuple] = []

    def add(self, **values: Any) -> None:
        """Add a row by column name (a column left out is null; an undeclared one is an error)."""
        if not values.keys() <= set(self.columns):
            raise KeyError(f"table {self.table.name}: undeclared column(s) {sorted(values.keys() - set(self.columns))}")
        self.rows.append(tuple(map(values.get, self.columns)))

    def append(self, *values: Any) -> None:
        """Add a row given in column order (for the large tables: no dict per row)."""
        self.rows.append(values)

    def frame(self) -> pl.DataFrame:
        """The rows as a polars frame with the generated dtypes (polars reads the tuples row-wise, natively)."""
        import polars as pl

        return pl.DataFrame(self.rows, schema=polars_schema(self.table), orient="row")


def bibliographic_tables(publications: list[Publication]) -> dict[str, pl.DataFrame]:
    """publications, authors, affiliations, author_affiliations, keywords, funders, provenance, conflicts."""
    rows = {name: Rows(name) for name in (
        "publications", "authors", "affiliations", "author_affiliations", "keywords", "funders", "provenance",
        "conflicts")}

    provenance_rows = rows["provenance"]

    def provenance(pid: str, table: str, column: str, position: int, entry, start: int, end: int) -> None:
        provenance_rows.append(pid, table, column, position, entry.file, entry.index, start, end)

    for pub in publications:
        pid = pub.publication_id
        values = {column: support.value for column, support in pub.fields.items()}
        rows["publications"].add(publication_id=pid, record_count=len(pub.entries), **values)
        for column, support in pub.fields.items():
            for entry, start, end in support.spans:
                provenance(pid, "publications", column, 0, entry, start, end)
        for column, kept, other, entry in pub.conflicts:
            rows["conflicts"].add(publication_id=pid, column=column, kept_value=str(kept), other_value=str(other),
                                  file=entry.file, record=entry.index)

        owner = pub.lists.get("authors")
        for author in owner.record.authors if owner else ():
            rows["authors"].add(publication_id=pid, position=author.position, family_name=author.family_name,
                                given_name=author.given_name, name_as_written=author.name_as_written)
            for column in ("family_name", "given_name", "name_as_written"):
                if getattr(author, column) is not None:
                    provenance(pid, "authors", column, author.position, owner, author.start, author.end)
        affiliation_owner = pub.lists.get("affiliations")
        for affiliation in affiliation_owner.record.affiliations if affiliation_owner else ():
            rows["affiliations"].add(publication_id=pid, position=affiliation.position, text=affiliation.text,
                                     country=affiliation.country)
            for column in ("text", "country"):
                if getattr(affiliation, column) is not None:
                    provenance(pid, "affiliations", column, affiliation.position, affiliation_owner,
                               affiliation.start, affiliation.end)
        if owner is not None and owner is affiliation_owner:  # markers only mean something within one record
            for author in owner.record.authors:
                for affiliation_position in sorted(set(author.affiliations)):
                    rows["author_affiliations"].add(publication_id=pid, author_position=author.position,
                                                    affiliation_position=affiliation_position)
        for name, column in (("keywords", "keyword"), ("funders", "name")):
            list_owner = pub.lists.get(name)
            for position, item in enumerate(getattr(list_owner.record, name) if list_owner else (), start=1):
                rows[name].add(publication_id=pid, position=position, **{column: item.value})
                provenance(pid, name, column, position, list_owner, item.start, item.end)
    return {name: collector.frame() for name, collector in rows.items()}


def seed_record_table(results, publications: list[Publication], order_of) -> pl.DataFrame:
    """One row per record of every seed file, with its status and the publication it went into."""
    by_order: dict[int, tuple[str, str | None]] = {}
    for pub in publications:
        for entry in pub.entries:
            reason = pub.duplicate_reasons.get(entry.order)
            by_order[entry.order] = (pub.publication_id, reason)
    rows = Rows("seed_records")
    for result in results:
        for item in result.records:
            common = dict(file=result.file, record=item.index, format=result.format, encoding=result.encoding,
                          sha256=result.sha256)
            if item.record is None:
                rows.add(status="quarantined", reason=item.reason, **common)
                continue
            pid, duplicate_reason = by_order[order_of(result.file, item.index)]
            rows.add(status="duplicate" if duplicate_reason else "compiled", publication_id=pid,
                     reason=duplicate_reason, **common)
    return rows.frame()


def _kept_annotations(pub: Publication) -> tuple[list, list]:
    """The mentions and quantities that belong to the publication's kept values.

    Each record was annotated on its own values (in the per-file stage); a kept value is exactly the string of
    the record(s) that support it, so that record's annotations of that field hold for the publication.
    """
    mentions, quantities = [], []
    for field_name in ("title", "title_vernacular", "abstract"):
        support = pub.fields.get(field_name)
        if support is None:
            continue
        record = support.spans[0][0].record
        mentions.extend(m for m in record.mentions if m.field == field_name)
        quantities.extend(q for q in record.quantities if q.field == field_name)
    owner = pub.lists.get("keywords")
    if owner is not None:
        mentions.extend(m for m in owner.record.mentions if m.field == "keyword")
    return mentions, quantities


def knowledge_tables(publications: list[Publication]) -> dict[str, pl.DataFrame]:
    """concepts (the curated vocabulary), mentions, publication_concepts and vesicle_quantities."""
    from exodata.vocabulary import load_vocabulary

    concepts = Rows("concepts")
    labels = {}
    for concept in load_vocabulary():
        labels[concept.concept_id] = concept.label
        concepts.add(concept_id=concept.concept_id, category=concept.category, label=concept.label,
                     synonyms=list(concept.synonyms), abbreviations=list(concept.abbreviations),
                     chinese_terms=list(concept.zh), xrefs=list(concept.xrefs), note=concept.note)
    mentions, quantities = Rows("mentions"), Rows("vesicle_quantities")
    for pub in publications:
        pid = pub.publication_id
        kept_mentions, kept_quantities = _kept_annotations(pub)
        for m in kept_mentions:
            mentions.append(pid, m.concept_id, m.category, m.field, m.keyword_position, m.start, m.end, m.text)
        for quantity in kept_quantities:
            quantities.add(publication_id=pid, quantity=quantity.quantity, value_min=quantity.value_min,
                           value_max=quantity.value_max, unit=quantity.unit, field=quantity.field,
                           start=quantity.start, end=quantity.end, text=quantity.text)
    concept_frame, mention_frame = concepts.frame(), mentions.frame()
    return {"concepts": concept_frame, "mentions": mention_frame,
            "publication_concepts": publication_concepts(mention_frame, concept_frame),
            "vesicle_quantities": quantities.frame()}


def publication_concepts(mentions: pl.DataFrame, concepts: pl.DataFrame) -> pl.DataFrame:
    """Per (publication, concept): the label, how many mentions, and in which fields (in field order)."""
    import polars as pl

    order = pl.Enum(list(MENTION_FIELD_ORDER))
    summary = (
        mentions.group_by("publication_id", "concept_id")
        .agg(pl.col("category").first(), pl.len().cast(pl.Int64).alias("mention_count"),
             pl.col("field").cast(order).unique().sort().cast(pl.String).alias("fields"))
        .join(concepts.select("concept_id", "label"), on="concept_id", how="left")
    )
    return summary.select(TABLES["publication_concepts"].column_names).cast(
        polars_schema(TABLES["publication_concepts"]))
