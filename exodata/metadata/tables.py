"""The one schema source: every table and column of the exodata package, declared once.

The names are the public contract of ``shared/design/data-model.md``: add columns and tables freely, rename
or remove none without a MAJOR version.  ``schemas/*.json``, the pandera models the build enforces, the Arrow
schemas used for writing and ``docs/data-dictionary.md`` are all generated from this module.
"""

from __future__ import annotations

from exodata.ingest import formats
from exodata.metadata.classes import CHILD_KINDS, Field, ForeignKey, Kind, Rule, Table
from exodata.metadata.order import dependency_order
from exodata.metadata.vocabularies import ISO_639_1, ISO_3166_1_ALPHA_2

#: A DOI as stored: lower case (DOIs are case-insensitive; ours are normalised to lower case), no resolver prefix.
DOI_PATTERN = r"^10\.\d{4,9}/[^\sA-Z]+$"
PMCID_PATTERN = r"^PMC\d+$"
CURIE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.]*:[A-Za-z0-9_.\-]+$"
#: The concept categories, declared here only (the vocabulary has one TOML file per category, see
#: ``exodata/ingest/vocabulary/concepts.py``): what a publication is about, then (0.6) what a study did.
TOPIC_CATEGORIES = ("disease", "anatomy", "cell_type", "cargo", "process", "therapy")
METHOD_CATEGORIES = ("species", "isolation_method", "characterization_method", "ev_marker", "route", "study_design")
CATEGORIES = TOPIC_CATEGORIES + METHOD_CATEGORIES
#: The column of ``publication_methods`` that lists each method category's concepts.
METHOD_COLUMNS = {
    "species": "species", "isolation_method": "isolation_methods",
    "characterization_method": "characterization_methods", "ev_marker": "ev_markers", "route": "routes",
    "study_design": "study_designs",
}
MENTION_FIELDS = ("title", "title_vernacular", "abstract", "keyword")
#: The publication text fields the annotator reads (with the keywords) and mentions point into.
ANNOTATED_FIELDS = MENTION_FIELDS[:3]
#: The fields vesicle quantities are read from (a vernacular title states none in English).
QUANTITY_FIELDS = ("title", "abstract")
#: What a vesicle quantity measures, and the units it is normalised to.
#: ("size" is no longer produced since 0.6: every stated vesicle size is a diameter; kept so older packages validate.)
QUANTITY_KINDS = ("diameter", "size", "radius", "dose", "particle_concentration")
QUANTITY_UNITS = ("nm", "µm", "µg", "mg", "µg/kg", "mg/kg", "particles", "particles/mL")
STATUSES = ("compiled", "duplicate", "quarantined")
#: The publication years the package accepts, and the normalisers take for a year: [first, last].
YEAR_RANGE = (1800, 2100)
#: A per field row whose ``field`` is one of these belongs to an item of the child list named, not to a
#: publication column: it is kept with that list.
LIST_ITEM_FIELDS = {"keyword": "keywords"}

#: Every table, in the order the package lists them: the order they are declared in below.
TABLES: dict[str, Table] = {}


def _declare(table: Table) -> Table:
    """Add ``table`` to :data:`TABLES`: a table is listed where it is declared, and nowhere else."""
    TABLES[table.name] = table
    return table


#: A publication id: ``doi:<doi>``, else ``pmid:<n>``, else ``pmcid:<PMC…>``, else a content hash.
PUBLICATION_ID_PATTERN = r"^(doi:10\.\S+|pmid:\d+|pmcid:PMC\d+|sha256:[0-9a-f]{16})$"


def _publication_id(description: str = "The publication; joins every table to `publications`.") -> Field:
    return Field("publication_id", "string", description, required=True, pattern=PUBLICATION_ID_PATTERN,
                 example="doi:10.1111/jcmm.15290")


def _position(what: str) -> Field:
    return Field("position", "integer", f"1-based position of the {what} in the record's order.", required=True,
                 minimum=1)


def _to_publications() -> ForeignKey:
    return ForeignKey(("publication_id",), "publications", ("publication_id",))


def _seed_file(description: str) -> Field:
    """A seed file's path: kept as the file system spells it (not normalised), relative, POSIX separators."""
    return Field("file", "string", description, required=True, normalised=False)


# Row rules.  Each ``holds`` builds a polars expression (polars is imported only when a rule is checked).

def _col(name: str):
    import polars as pl

    return pl.col(name)


def _ends_after_start() -> Rule:
    return Rule("end after start", "`end` is greater than `start`.", ("start", "end"),
                lambda: _col("end") > _col("start"))


def _relative_posix_path() -> Rule:
    return Rule("relative path", "`file` is a relative POSIX path inside the seeds directory (no leading `/`, "
                "no `\\`, no `..` part).", ("file",),
                lambda: ~(_col("file").str.starts_with("/") | _col("file").str.contains("\\", literal=True)
                          | _col("file").str.contains(r"(^|/)\.\.(/|$)")))


def _id_from_identifiers():
    import polars as pl

    pid = pl.col("publication_id")
    return (pl.when(pl.col("doi").is_not_null()).then(pid == pl.lit("doi:") + pl.col("doi"))
            .when(pl.col("pmid").is_not_null()).then(pid == pl.lit("pmid:") + pl.col("pmid").cast(pl.String))
            .when(pl.col("pmcid").is_not_null()).then(pid == pl.lit("pmcid:") + pl.col("pmcid"))
            .otherwise(pid.str.starts_with("sha256:")))


def _not_all_capitals():
    family = _col("family_name")
    return ~((family.str.to_uppercase() == family) & (family.str.to_lowercase() != family)
             & (family.str.len_chars() > 1))


def _no_trailing_separator(column: str) -> Rule:
    return Rule("no trailing separator", f"`{column}` does not end with a list separator (`;` or `,`).", (column,),
                lambda: ~_col(column).str.contains(r"[;,]$"))


PUBLICATIONS = _declare(Table(
    name="publications",
    title="Publications",
    description="One row per distinct work, after de-duplication across seeds and formats.",
    kind=Kind.PUBLICATION,
    traced=True,
    primary_key=("publication_id",),
    fields=(
        Field("publication_id", "string",
              "Stable id: `doi:<doi>`, else `pmid:<n>`, else `pmcid:<PMC…>`, else `sha256:<16 hex>` of the "
              "normalised title, year, first author and abstract.", required=True,
              pattern=PUBLICATION_ID_PATTERN, example="doi:10.1111/jcmm.15290"),
        Field("doi", "string", "DOI, lower case, without a resolver prefix.", pattern=DOI_PATTERN,
              example="10.1111/jcmm.15290"),
        Field("pmid", "integer", "PubMed id.", minimum=1, example="32492261"),
        Field("pmcid", "string", "PubMed Central id.", pattern=PMCID_PATTERN, example="PMC7339207"),
        Field("title", "string", "English title; null when the record gives none (never invented)."),
        Field("title_vernacular", "string", "Title in the original language when the record gives one."),
        Field("journal", "string", "Full journal name as the record gives it."),
        Field("publisher", "string", "Publisher as the record gives it."),
        Field("year", "integer", "Publication year.", minimum=YEAR_RANGE[0], maximum=YEAR_RANGE[1], example="2021"),
        Field("volume", "string", "Volume, as given."),
        Field("issue", "string", "Issue, as given."),
        Field("first_page", "string", "First page, or the e-locator / article number (as given)."),
        Field("last_page", "string", "Last page, as given; null for e-locators."),
        Field("language", "string", "ISO 639-1 code of the article's language.", enum=ISO_639_1,
              vocabulary="ISO 639-1", example="zh"),
        Field("country", "string", "ISO 3166-1 alpha-2 code of the record's country field.",
              enum=ISO_3166_1_ALPHA_2, vocabulary="ISO 3166-1 alpha-2", example="CN"),
        Field("abstract", "string", "English abstract, whitespace-normalised (quoted from the record: the "
              "publisher's terms apply)."),
        Field("cited_by_count", "integer", "Citation count when the record states it.", minimum=0),
        Field("record_count", "integer", "How many seed records were merged into this publication (its "
              "`compiled` and `duplicate` rows in `seed_records`).", required=True, minimum=1),
    ),
    rules=(Rule("id from identifiers", "`publication_id` is `doi:<doi>` when there is a DOI, else `pmid:<pmid>`, "
                "else `pmcid:<pmcid>`, else a `sha256:` content hash.", ("publication_id", "doi", "pmid", "pmcid"),
                _id_from_identifiers),),
))

#: The ``publications`` columns a record gives (all but the id and the merge count): what a merge weighs and
#: what ``conflicts.column`` names.
MERGED_COLUMNS = tuple(c for c in PUBLICATIONS.column_names if c not in ("publication_id", "record_count"))


AUTHORS = _declare(Table(
    name="authors",
    title="Authors",
    description="Authors of each publication, in record order.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        _position("author"),
        Field("family_name", "string", "Family name; an ALL-CAPS family name becomes title case (`PU` → `Pu`)."),
        Field("given_name", "string", "Given name(s) or initials, as written."),
        Field("name_as_written", "string", "The name exactly as the record writes it (whitespace-normalised).",
              required=True),
    ),
    rules=(Rule("not all capitals", "`family_name` is not written in capitals only (a one-letter name may be).",
                ("family_name",), _not_all_capitals),),
))

AFFILIATIONS = _declare(Table(
    name="affiliations",
    title="Affiliations",
    description="Distinct affiliations of each publication, in order of first appearance.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        Field("position", "integer", "The record's affiliation number (1-based).", required=True, minimum=1),
        Field("text", "string", "The affiliation as written, without its numbering (Chinese stays Chinese).",
              required=True),
        Field("country", "string", "ISO 3166-1 alpha-2 code when the text names a country.",
              enum=ISO_3166_1_ALPHA_2, vocabulary="ISO 3166-1 alpha-2"),
    ),
))

AUTHOR_AFFILIATIONS = _declare(Table(
    name="author_affiliations",
    title="Author affiliations",
    description="Which author belongs to which affiliation, from the record's markers.",
    kind=Kind.CHILD_LIST,
    follows=("authors", "affiliations"),  # markers only mean something within one record
    primary_key=("publication_id", "author_position", "affiliation_position"),
    foreign_keys=(
        ForeignKey(("publication_id", "author_position"), "authors", ("publication_id", "position")),
        ForeignKey(("publication_id", "affiliation_position"), "affiliations", ("publication_id", "position")),
    ),
    fields=(
        _publication_id(),
        Field("author_position", "integer", "`authors.position`.", required=True, minimum=1),
        Field("affiliation_position", "integer", "`affiliations.position`.", required=True, minimum=1),
    ),
))

KEYWORDS = _declare(Table(
    name="keywords",
    title="Keywords",
    description="Author keywords, as given, trimmed, without trailing separators.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(_publication_id(), _position("keyword"), Field("keyword", "string", "The keyword.", required=True)),
    rules=(_no_trailing_separator("keyword"),),
))

FUNDERS = _declare(Table(
    name="funders",
    title="Funders",
    description="Funders as listed by the record.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(_publication_id(), _position("funder"), Field("name", "string", "The funder, as given.", required=True)),
    rules=(_no_trailing_separator("name"),),
))

#: A MeSH descriptor's unique id (publication types are descriptors too) and a MeSH qualifier's.
MESH_DESCRIPTOR_ID_PATTERN = r"^D\d{6,9}$"
MESH_QUALIFIER_ID_PATTERN = r"^Q\d{6,9}$"


def _list_length(name: str):
    return _col(name).list.len()


PUBLICATION_TYPES = _declare(Table(
    name="publication_types",
    title="Publication types",
    description="The record's own publication types, as given (MEDLINE `PT`, PubMed XML `PublicationType`, "
                "a WPRIM page's \"Publication Type:\"), in record order.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        _position("publication type"),
        Field("publication_type", "string", "The publication type as the record gives it.", required=True,
              example="Journal Article"),
        Field("mesh_id", "string", "Its MeSH descriptor id when the record gives one (PubMed XML `UI`), else null.",
              pattern=MESH_DESCRIPTOR_ID_PATTERN, example="D016428"),
    ),
))

SUBJECT_HEADINGS = _declare(Table(
    name="subject_headings",
    title="Subject headings",
    description="The MeSH headings the record's indexers gave (MEDLINE `MH`, PubMed XML `MeshHeading`), in "
                "record order: a descriptor, its qualifiers and which of them are major topics. Not annotated: "
                "no mention points into them.",
    kind=Kind.CHILD_LIST,
    traced=True,
    primary_key=("publication_id", "position"),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        _position("heading"),
        Field("descriptor", "string", "The MeSH descriptor, as written (without MEDLINE's `*`).", required=True,
              example="Mesenchymal Stem Cells"),
        Field("descriptor_id", "string", "The descriptor's MeSH id when the record gives one (PubMed XML `UI`); "
              "null for MEDLINE, which gives none.", pattern=MESH_DESCRIPTOR_ID_PATTERN, example="D059630"),
        Field("major", "boolean", "Whether the heading is a major topic of the work: the descriptor or any of its "
              "qualifiers is starred (MEDLINE) or has `MajorTopicYN=\"Y\"` (XML).", required=True),
        Field("descriptor_major", "boolean", "Whether the descriptor itself is marked a major topic.",
              required=True),
        Field("qualifiers", "list", "The qualifiers (subheadings), as written, in record order; empty when none.",
              required=True, example="metabolism|transplantation"),
        Field("qualifier_ids", "list", "The qualifiers' MeSH ids in the order of `qualifiers` when the record gives "
              "them all (PubMed XML `UI`); empty otherwise (MEDLINE gives none).", required=True,
              item_pattern=MESH_QUALIFIER_ID_PATTERN, example="Q000378|Q000637"),
        Field("major_qualifiers", "list", "The qualifiers marked a major topic, in the order of `qualifiers`.",
              required=True, example="transplantation"),
    ),
    rules=(
        Rule("major when any mark", "`major` is true exactly when `descriptor_major` is or `major_qualifiers` is "
             "not empty.", ("major", "descriptor_major", "major_qualifiers"),
             lambda: _col("major") == (_col("descriptor_major") | (_list_length("major_qualifiers") > 0))),
        Rule("major qualifiers among qualifiers", "Every item of `major_qualifiers` is one of `qualifiers`.",
             ("qualifiers", "major_qualifiers"),
             lambda: _col("major_qualifiers").list.set_difference(_col("qualifiers")).list.len() == 0),
        Rule("one id a qualifier", "`qualifier_ids` is empty or has one id for each of `qualifiers`.",
             ("qualifiers", "qualifier_ids"),
             lambda: (_list_length("qualifier_ids") == 0)
             | (_list_length("qualifier_ids") == _list_length("qualifiers"))),
    ),
))

SEED_RECORDS = _declare(Table(
    name="seed_records",
    title="Seed records",
    description="One row for every record found in every seed file: nothing read is ever unaccounted for.",
    kind=Kind.SEED,
    primary_key=("file", "record"),
    foreign_keys=(_to_publications(),),
    fields=(
        _seed_file("Path of the seed file, relative to the seeds directory (POSIX separators)."),
        Field("record", "integer", "0-based index of the record inside the file (0 for single-record files).",
              required=True, minimum=0),
        Field("format", "string", "The reader that handled it; null when no reader accepted the file.",
              enum=formats.names()),
        Field("encoding", "string", "The text encoding the file was decoded from."),
        Field("sha256", "string", "sha256 of the file's bytes; null when the entry was not read as a file (a "
              "symbolic link, which is never followed).", pattern=r"^[0-9a-f]{64}$"),
        Field("status", "string", "What became of the record.", required=True, enum=STATUSES),
        Field("publication_id", "string", "The publication this record compiled or merged into; null when "
              "quarantined."),
        Field("reason", "string", "Null when compiled; otherwise what happened, where and why (a message that may "
              "quote the seed as written).", normalised=False),
    ),
    rules=(
        _relative_posix_path(),
        Rule("reason unless compiled", "`reason` is null exactly when `status` is `compiled`.", ("status", "reason"),
             lambda: (_col("status") == "compiled") == _col("reason").is_null()),
        Rule("publication unless quarantined", "`publication_id` is null exactly when `status` is `quarantined`.",
             ("status", "publication_id"),
             lambda: (_col("status") == "quarantined") == _col("publication_id").is_null()),
        Rule("format unless quarantined", "`format` is null only for a `quarantined` record.", ("status", "format"),
             lambda: _col("format").is_not_null() | (_col("status") == "quarantined")),
    ),
))

PROVENANCE = _declare(Table(
    name="provenance",
    title="Provenance",
    description="Where every non-null value of the bibliographic tables came from: character offsets into the "
                "decoded text of a seed file. A merged value has one row for each record that supports it.",
    kind=Kind.PROVENANCE,
    primary_key=("publication_id", "table", "column", "position", "file", "record"),
    foreign_keys=(
        _to_publications(),
        ForeignKey(("file", "record"), "seed_records", ("file", "record")),
    ),
    fields=(
        _publication_id(),
        Field("table", "string", "The table holding the value.", required=True,
              enum=tuple(name for name, table in TABLES.items() if table.traced)),  # the traced tables above
        Field("column", "string", "The column holding the value.", required=True),
        Field("position", "integer", "The row's `position` in a child table; 0 for `publications`.",
              required=True, minimum=0),
        _seed_file("The seed file (as in `seed_records.file`)."),
        Field("record", "integer", "The record inside the file (as in `seed_records.record`).", required=True,
              minimum=0),
        Field("start", "integer", "Offset of the first character in the decoded seed text.", required=True,
              minimum=0),
        Field("end", "integer", "Offset just past the last character.", required=True, minimum=0),
    ),
    rules=(
        _ends_after_start(),
        Rule("position 0 for publications", "`position` is 0 exactly when `table` is `publications`.",
             ("table", "position"), lambda: (_col("table") == "publications") == (_col("position") == 0)),
        Rule("column of its table", "`column` is a column of `table` (not its id or position).", ("table", "column"),
             lambda: _valid_provenance_column()),
    ),
))

CONFLICTS = _declare(Table(
    name="conflicts",
    title="Conflicts between duplicates",
    description="Values on which duplicate records of one publication disagree; the kept value is in "
                "`publications`, each differing value is listed here with the record that gave it.",
    kind=Kind.MERGE,
    primary_key=("publication_id", "column", "file", "record"),
    foreign_keys=(_to_publications(), ForeignKey(("file", "record"), "seed_records", ("file", "record"))),
    fields=(
        _publication_id(),
        Field("column", "string", "The `publications` column.", required=True, enum=MERGED_COLUMNS),
        Field("kept_value", "string", "The value kept in `publications` (as text).", required=True),
        Field("other_value", "string", "The value another record gave (as text).", required=True),
        _seed_file("The seed file of the other record."),
        Field("record", "integer", "The other record inside its file.", required=True, minimum=0),
    ),
    rules=(Rule("values differ", "`other_value` differs from `kept_value`.", ("kept_value", "other_value"),
                lambda: _col("kept_value") != _col("other_value")),),
))

CONCEPTS = _declare(Table(
    name="concepts",
    title="Concepts",
    description="The controlled vocabulary, curated in the repository (exodata/vocabulary/).",
    kind=Kind.VOCABULARY,
    primary_key=("concept_id",),
    fields=(
        Field("concept_id", "string", "A CURIE from a public ontology (MONDO, UBERON, CL, GO, CHEBI, SO, MESH, "
              "NCIT, HP); `EXO:` only where none fits.", required=True, pattern=CURIE_PATTERN,
              example="MONDO:0019542"),
        Field("category", "string", "The kind of concept.", required=True, enum=CATEGORIES),
        Field("label", "string", "Preferred label.", required=True),
        Field("synonyms", "list", "Further surface forms, matched case-insensitively.", required=True),
        Field("abbreviations", "list", "Abbreviations, matched case-sensitively as whole words.", required=True),
        Field("chinese_terms", "list", "Chinese terms used by Chinese records.", required=True),
        Field("xrefs", "list", "Cross-references to other ontologies (CURIEs).", required=True,
              item_pattern=CURIE_PATTERN),
        Field("note", "string", "Why an `EXO:` id, or another curation note."),
        Field("msc_source", "string", "The source of mesenchymal stem cells this concept names (a tissue such as "
              "bone marrow, or a cell derived from one such as BMSCs), as one name shared by the tissue and its "
              "cells; null when it names none.", example="bone marrow"),
    ),
))

MENTIONS = _declare(Table(
    name="mentions",
    title="Mentions",
    description="Every occurrence of a concept in a publication's title, vernacular title, abstract or keywords. "
                "`publications.<field>[start:end] == text` (for keywords: `keywords.keyword` at "
                "`keyword_position`).",
    kind=Kind.PER_FIELD,
    primary_key=("publication_id", "field", "keyword_position", "start", "end", "concept_id"),
    foreign_keys=(_to_publications(), ForeignKey(("concept_id",), "concepts", ("concept_id",))),
    fields=(
        _publication_id(),
        Field("concept_id", "string", "`concepts.concept_id`.", required=True, pattern=CURIE_PATTERN),
        Field("category", "string", "The concept's category.", required=True, enum=CATEGORIES),
        Field("field", "string", "Where the text was found.", required=True, enum=MENTION_FIELDS),
        Field("keyword_position", "integer", "`keywords.position` when `field` is `keyword`, else null.",
              minimum=1),
        Field("start", "integer", "Character offset of the mention in the field's text.", required=True,
              minimum=0),
        Field("end", "integer", "Character offset just past the mention.", required=True, minimum=1),
        Field("text", "string", "The exact surface text.", required=True),
    ),
    rules=(
        _ends_after_start(),
        Rule("text fills the span", "`text` has `end - start` characters.", ("start", "end", "text"),
             lambda: _col("text").str.len_chars() == _col("end") - _col("start")),
        Rule("keyword position for keywords", "`keyword_position` is set exactly when `field` is `keyword`.",
             ("field", "keyword_position"),
             lambda: (_col("field") == "keyword") == _col("keyword_position").is_not_null()),
    ),
))

PUBLICATION_CONCEPTS = _declare(Table(
    name="publication_concepts",
    title="Publication concepts",
    description="Per publication and concept: how often and where it is mentioned (a summary of `mentions`).",
    kind=Kind.DERIVED,
    derived_from="mentions",
    primary_key=("publication_id", "concept_id"),
    foreign_keys=(_to_publications(), ForeignKey(("concept_id",), "concepts", ("concept_id",))),
    fields=(
        _publication_id(),
        Field("concept_id", "string", "`concepts.concept_id`.", required=True, pattern=CURIE_PATTERN),
        Field("category", "string", "The concept's category.", required=True, enum=CATEGORIES),
        Field("label", "string", "The concept's preferred label.", required=True),
        Field("mention_count", "integer", "Number of mentions.", required=True, minimum=1),
        Field("fields", "list", "The fields it is mentioned in, in the order title, title_vernacular, abstract, "
              "keyword.", required=True, item_enum=MENTION_FIELDS),
    ),
))

PUBLICATION_METHODS = _declare(Table(
    name="publication_methods",
    title="Publication methods",
    description="Per publication: what the study did, one list of concept labels per method category (a summary "
                "of `mentions`; a publication with no method mention has no row). Answers \"isolated by SEC, "
                "characterised by NTA and TEM, in rats\" with one filter; the mentions behind each label carry "
                "the offsets.",
    kind=Kind.DERIVED,
    derived_from="mentions",
    primary_key=("publication_id",),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        *(Field(column, "list", f"`concepts.label` of every `{category}` concept mentioned, each once, in "
                f"alphabetical order (empty when none).", required=True, example=example)
          for (category, column), example in zip(METHOD_COLUMNS.items(), (
              "rat", "size-exclusion chromatography", "nanoparticle tracking analysis", "CD63",
              "intravenous", "in vivo"), strict=True)),
        Field("method_mention_count", "integer", "Number of mentions of the six method categories.",
              required=True, minimum=1),
    ),
))

VESICLE_QUANTITIES = _declare(Table(
    name="vesicle_quantities",
    title="Vesicle quantities",
    description="Quantities stated about the vesicles (a diameter of 50-200 nm, a dose of 100 µg or 1 × 10^10 "
                "particles, a concentration of 2 × 10^11 particles/mL), with provenance.",
    kind=Kind.PER_FIELD,
    primary_key=("publication_id", "field", "start"),
    foreign_keys=(_to_publications(),),
    fields=(
        _publication_id(),
        Field("quantity", "string", "What is measured: the vesicles' diameter (or radius), a dose (mass, mass per kg "
              "or particle count) or a particle concentration.", required=True, enum=QUANTITY_KINDS,
              example="diameter"),
        Field("value_min", "number", "Lower end of the stated range (the value itself when a single value).",
              required=True),
        Field("value_max", "number", "Upper end of the stated range.", required=True),
        Field("unit", "string", "Unit as normalised.", required=True, enum=QUANTITY_UNITS, example="nm"),
        Field("field", "string", "Where the text was found.", required=True, enum=QUANTITY_FIELDS),
        Field("start", "integer", "Character offset in the field's text.", required=True, minimum=0),
        Field("end", "integer", "Character offset just past the statement.", required=True, minimum=1),
        Field("text", "string", "The exact text of the statement.", required=True),
    ),
    rules=(
        _ends_after_start(),
        Rule("range in order", "`value_min` is at most `value_max`.", ("value_min", "value_max"),
             lambda: _col("value_min") <= _col("value_max")),
        Rule("text fills the span", "`text` has `end - start` characters.", ("start", "end", "text"),
             lambda: _col("text").str.len_chars() == _col("end") - _col("start")),
    ),
))

def _valid_provenance_column():
    import polars as pl

    pairs = [f"{t.name}.{c}" for t in TABLES.values() if t.traced
             for c in t.column_names if c not in ("publication_id", "position", "record_count")]
    return pl.concat_str([pl.col("table"), pl.col("column")], separator=".").is_in(pairs)


#: Tables whose ``start``/``end`` offsets point into the text of other tables (``field`` names which one).
OFFSET_TARGETS = {"mentions": ("publications", "keywords"), "vesicle_quantities": ("publications",)}

#: The order a build makes, checks and writes tables in (see :func:`~exodata.metadata.order.dependency_order`):
#: each after the tables its foreign keys and :data:`OFFSET_TARGETS` point into, the lists it follows and the
#: table it is derived from.
DEPENDENCY_ORDER = dependency_order(TABLES, OFFSET_TARGETS)


def of_kind(*kinds: Kind) -> tuple[str, ...]:
    """The tables of these kinds, in :data:`DEPENDENCY_ORDER`."""
    return tuple(name for name in DEPENDENCY_ORDER if TABLES[name].kind in kinds)


#: Child tables (see :data:`~exodata.metadata.classes.CHILD_KINDS`), in the order they are made.
CHILD_TABLES = of_kind(*CHILD_KINDS)
#: The lists the merge chooses an owner for: each kept whole from one record of a duplicate group (a list that
#: follows others is kept with them).
MERGED_LISTS = tuple(name for name in of_kind(Kind.CHILD_LIST) if not TABLES[name].follows)
#: The child lists that follow others: each kept when one record's lists of them all are kept.
FOLLOWING_LISTS = {name: TABLES[name].follows for name in of_kind(Kind.CHILD_LIST) if TABLES[name].follows}
