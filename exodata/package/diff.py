"""What a new version of the package changed in the data, and the smallest version bump that requires.

    from exodata.package.diff import diff_packages
    result = diff_packages("exodata-data-0.3.0.zip", ".")      # JSON-ready dict
    result["bump"], result["required_version"], result["reasons"]

Each side is a package directory, its ``datapackage.json``, a release archive ``exodata-data-X.Y.Z.zip`` or
``"installed"`` (:mod:`exodata.package.archive`).  Each package is read with its OWN descriptor and
``schemas/*.json`` (an old package may come from an older exodata with other tables and fields) and its
Parquet copies.  Per table: schema changes (:mod:`exodata.package.schema_diff`), rows added, removed and
changed by primary key (:mod:`exodata.package.row_diff`); then tables added and removed, package metadata,
the bump (:mod:`exodata.package.versions`) and the reasons for it.  Renderings for people and for the
changelog are in :mod:`exodata.package.diff_render`.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exodata.package.archive import DiffInputError, open_package
from exodata.package.layout import PARQUET_KEY
from exodata.package.loading import read_descriptor, safe_path
from exodata.package.row_diff import RowDiff, RowDiffError, compare_rows
from exodata.package.schema_diff import Change, compare_metadata, compare_resource, compare_schema
from exodata.package.versions import Bump, check_version, required_version, strongest

__all__ = ["DiffInputError", "check_version", "diff_packages", "required_version"]

@dataclass
class Side:
    """One package of the comparison: where it is, what to call it, its descriptor and its tables."""

    label: str
    directory: Path
    descriptor: dict[str, Any]

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return None if version is None else str(version)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return {r["name"]: r for r in self.descriptor["resources"]}

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema of table ``name``: the package's own file (or an inline schema)."""
        schema = loaded = self.resources[name].get("schema")
        if not isinstance(schema, dict):
            try:
                loaded = json.loads(safe_path(self.directory, schema).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise DiffInputError(f"{self.label}: the schema {schema!r} of table {name!r} cannot be read "
                                     f"({error}); check the package with `exodata validate`") from None
        fields = loaded.get("fields", []) if isinstance(loaded, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                   for f in fields):
            shown = "inline" if isinstance(schema, dict) else repr(schema)
            raise DiffInputError(f"{self.label}: the {shown} schema of table {name!r} is not a Table Schema (a list "
                                 "of named fields); check the package with `exodata validate`")
        return loaded

    def parquet(self, name: str) -> Path:
        entry = self.resources[name].get(PARQUET_KEY)
        try:
            path = safe_path(self.directory, entry.get("path") if isinstance(entry, dict) else None)
        except ValueError as error:
            raise DiffInputError(f"{self.label}: table {name!r} has no usable '{PARQUET_KEY}' path ({error}); "
                                 "check the package with `exodata validate`") from None
        if not path.is_file():
            raise DiffInputError(f"{self.label}: {entry['path']} of table {name!r} is missing; rebuild the "
                                 "package or check it with `exodata validate`")
        return path


def _open(spec: str | Path, stack: ExitStack) -> Side:
    directory, label = open_package(spec, stack)
    try:
        descriptor = read_descriptor(directory)
    except ValueError as error:
        raise DiffInputError(f"{label}: {error}") from None
    return Side(label, directory, descriptor)


def _field_names(schema: dict[str, Any]) -> list[str]:
    return [f["name"] for f in schema.get("fields") or [] if isinstance(f, dict) and "name" in f]


def _key_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _row_key(old: dict[str, Any], new: dict[str, Any]) -> list[str] | None:
    """The key rows are matched on: the new primary key, else the old one, if both schemas declare its fields."""
    both = set(_field_names(old)) & set(_field_names(new))
    for key in (_key_list(new.get("primaryKey")), _key_list(old.get("primaryKey"))):
        if key and set(key) <= both:
            return key
    return None


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _row_changes(name: str, rows: RowDiff) -> list[Change]:
    changes = []
    if rows.rows_removed:
        changes.append(Change("removed", f"rows removed from {name} ({rows.rows_removed:,})"))
    if rows.rows_added:
        changes.append(Change("added", f"rows added to {name} ({rows.rows_added:,})"))
    if rows.rows_changed:
        changes.append(Change("descriptive", f"values corrected in {name} ({_plural(rows.rows_changed, 'row')})"))
    return changes


def _compare_table(name: str, old: Side, new: Side, examples: int) -> tuple[dict[str, Any], list[Change]]:
    """The JSON entry of a table both packages have, and its classified changes (rows included)."""
    old_schema, new_schema = old.schema(name), new.schema(name)
    schema = compare_schema(old_schema, new_schema)
    schema.schema_changed += compare_resource(old.resources[name], new.resources[name])
    changes = [Change(c.kind, f"{name}: {c.text}", c.field) for c in schema.changes()]
    key = _row_key(old_schema, new_schema)
    if key is None:
        rows = RowDiff(key=[], rows_old=None, rows_new=None, rows_added=None, rows_removed=None,
                       rows_changed=None)
    else:
        old_names = set(_field_names(old_schema))
        columns = [c for c in _field_names(new_schema) if c in old_names and c not in key]
        rows = compare_rows(old.parquet(name), new.parquet(name), key, columns, examples=examples,
                            where=f"table {name!r} of {old.label} and {new.label}")
        changes += _row_changes(name, rows)
    entry = {
        "key": key, "rows_old": rows.rows_old, "rows_new": rows.rows_new, "rows_added": rows.rows_added,
        "rows_removed": rows.rows_removed, "rows_changed": rows.rows_changed,
        "fields_added": schema.fields_added, "fields_removed": schema.fields_removed,
        "fields_changed": [c.as_dict() for c in schema.fields_changed],
        "schema_changed": [c.as_dict() for c in schema.schema_changed],
        "columns_changed": rows.columns_changed, "examples": rows.examples,
        "keys_added": rows.keys_added, "keys_removed": rows.keys_removed,
        "bump": strongest([c.level for c in changes]),
    }
    if key is None:
        entry["note"] = "rows not compared: the two schemas share no primary key"
    return entry, changes


def _version_check(old: Side, new: Side, bump: Bump) -> tuple[str | None, dict[str, Any]]:
    try:
        check = check_version(old.version or "", new.version or "", bump)
    except ValueError as error:
        return None, {"passed": False, "required": None, "message": f"{error}"}
    return check.required, {"passed": check.passed, "required": check.required, "message": check.message}


def diff_packages(old: str | Path, new: str | Path, *, examples: int = 5) -> dict[str, Any]:
    """Compare package ``old`` with package ``new``; return the JSON-ready result.

    Keys: ``old`` / ``new`` (``path``, ``version``), ``bump`` (none, patch, minor or major: the smallest the
    changes require), ``required_version`` (the least version ``new`` needs; None when ``old`` has no valid
    version), ``version_check`` (``passed``, ``required``, ``message`` for ``new``'s version), ``tables``
    (every table both packages have, in the new descriptor's order), ``tables_added``, ``tables_removed``,
    ``metadata_changed`` and ``reasons`` (why that bump).  At most ``examples`` changed values and as many
    added and removed keys are listed per table.  Raises :class:`DiffInputError` (one line naming the file
    and the fix) when an input is not a readable package.
    """
    if examples < 0:
        raise ValueError(f"examples must be 0 or more, not {examples}")
    with ExitStack() as stack:
        old_side, new_side = _open(old, stack), _open(new, stack)
        old_names, new_names = list(old_side.resources), list(new_side.resources)
        tables_added = [n for n in new_names if n not in old_side.resources]
        tables_removed = [n for n in old_names if n not in new_side.resources]
        changes = [Change("removed", f"table {n} removed") for n in tables_removed]
        changes += [Change("added", f"table {n} added") for n in tables_added]
        tables: dict[str, Any] = {}
        for name in (n for n in new_names if n in old_side.resources):
            try:
                tables[name], table_changes = _compare_table(name, old_side, new_side, examples)
            except RowDiffError as error:
                raise DiffInputError(str(error)) from None
            changes += table_changes
    metadata = compare_metadata(old_side.descriptor, new_side.descriptor)
    if metadata:
        changes.append(Change("descriptive", "package metadata changed: "
                                             + ", ".join(m["property"] for m in metadata)))
    bump = strongest([c.level for c in changes])
    required, check = _version_check(old_side, new_side, bump)
    return {
        "old": {"path": old_side.label, "version": old_side.version},
        "new": {"path": new_side.label, "version": new_side.version},
        "bump": bump,
        "required_version": required,
        "version_check": check,
        "tables": tables,
        "tables_added": tables_added,
        "tables_removed": tables_removed,
        "metadata_changed": metadata,
        "reasons": [c.text for c in changes if c.level == bump and bump != "none"],
    }
