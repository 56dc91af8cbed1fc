"""Generate the data dictionary (``docs/data-dictionary.md``) from the schema source."""

from __future__ import annotations

from exodata.metadata.classes import Field, Table
from exodata.metadata.tables import TABLES


def _constraints(field: Field) -> str:
    parts = []
    if field.pattern:
        parts.append(f"matches `{field.pattern}`")
    if field.enum and field.vocabulary:
        parts.append(f"a code of {field.vocabulary}")
    elif field.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in field.enum))
    if field.text and field.normalised and not field.enum:
        parts.append("normalised text" + (" items" if field.type == "list" else ""))
    if field.item_pattern:
        parts.append(f"items match `{field.item_pattern}`")
    if field.item_enum:
        parts.append("items one of " + ", ".join(f"`{v}`" for v in field.item_enum))
    if field.minimum is not None:
        parts.append(f"≥ {field.minimum}")
    if field.maximum is not None:
        parts.append(f"≤ {field.maximum}")
    if field.unit:
        parts.append(f"unit {field.unit}")
    return "; ".join(parts)


def table_section(table: Table) -> str:
    lines = [f"## `{table.name}`: {table.title}", "", table.description, "",
             f"Primary key: ({', '.join(f'`{c}`' for c in table.primary_key)})."]
    for fk in table.foreign_keys:
        lines.append(f"Foreign key: ({', '.join(fk.fields)}) → `{fk.resource}` ({', '.join(fk.reference_fields)}).")
    for rule in table.rules:
        lines.append(f"Rule ({rule.name}): {rule.description}")
    lines += ["", "| column | type | null | constraints | description |", "|---|---|---|---|---|"]
    for f in table.fields:
        description = f.description + (f" Example: `{f.example}`." if f.example else "")
        description = description.replace("|", "\\|")  # a list's example is written as in CSV: a|b
        constraints = _constraints(f).replace("|", "\\|")
        lines.append(f"| `{f.name}` | {f.type} | {'no' if f.required else 'yes'} | {constraints} | {description} |")
    return "\n".join(lines)


def data_dictionary() -> str:
    """The whole data dictionary as Markdown (generated: edit ``exodata/metadata/tables.py`` instead)."""
    head = [
        "# exodata data dictionary",
        "",
        "<!-- Generated from exodata/metadata/tables.py by `exodata dictionary --out docs/data-dictionary.md`; "
        "do not edit by hand. -->",
        "",
        "Every table ships as `data/<table>.parquet` (typed; what `exodata.load()` reads) and `data/<table>.csv` "
        "(the interchange copy; list columns joined with `|`). Nulls are real nulls (empty cells in CSV).",
        "",
        "Every constraint below is checked by `exodata validate` (and before a build writes anything); "
        "*normalised text* means Unicode NFC, no white space but single spaces between words, never empty. "
        "Check a table of your own with `exodata validate --table NAME FILE`.",
        "",
    ]
    return "\n".join(head) + "\n" + "\n\n".join(table_section(t) for t in TABLES.values()) + "\n"
