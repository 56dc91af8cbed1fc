"""Generate Frictionless Table Schema (v2) descriptors from the schema source."""

from __future__ import annotations

from typing import Any

from exodata.metadata.classes import LIST_DELIMITER, NORMALISED_TEXT_PATTERN, Field, Table

PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


def field_descriptor(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": field.name, "type": field.type, "description": field.description}
    if field.type == "list":
        out.update(delimiter=LIST_DELIMITER, itemType="string")
    if field.example is not None:
        out["example"] = field.example
    constraints: dict[str, Any] = {}
    if field.required and field.type != "list":
        # a required list is never null but may be empty, and an empty list is an empty CSV cell, which
        # Table Schema reads as missing: so lists are not marked required here (pandera and Arrow enforce it)
        constraints["required"] = True
    if field.pattern is not None:
        constraints["pattern"] = field.pattern
    elif field.type == "string" and field.normalised and field.enum is None:
        constraints["pattern"] = NORMALISED_TEXT_PATTERN  # NFC is checked by `exodata validate`
    if field.enum is not None:
        constraints["enum"] = list(field.enum)
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.maximum is not None:
        constraints["maximum"] = field.maximum
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(table: Table) -> dict[str, Any]:
    """The Table Schema of ``table``, as written to ``schemas/<table>.json``."""
    schema: dict[str, Any] = {
        "$schema": PROFILE,
        "fields": [field_descriptor(f) for f in table.fields],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.rules:
        # rules a Table Schema cannot state, listed for people; `exodata validate` checks them
        schema["exodata:rules"] = [{"name": r.name, "description": r.description} for r in table.rules]
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference_fields)}}
            for fk in table.foreign_keys
        ]
    return schema
