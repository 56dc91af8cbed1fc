"""Compare two Table Schemas, two resources and two package descriptors, and classify every change.

Each change is a :class:`Change` with a *kind* (what happened to the contract) and the bump *level* that kind
requires (see ``docs/versions.md``):

======================  =======  ==========================================================================
kind                    level    examples
======================  =======  ==========================================================================
``removed``             major    a field removed (a rename is a removal plus an addition)
``retyped``             major    ``type``, ``format`` or ``itemType`` changed
``tightened``           major    ``required`` added, ``enum`` lost a value, ``minimum`` raised, ``maximum``
                                 lowered, ``pattern`` added or changed, a foreign key added
``breaking``            major    the primary key changed
``changed``             major    any other property that says how values are read or what they mean
                                 (``unit``, ``delimiter``, ``missingValues``, a file's path or encoding)
``added``               minor    a field added
``loosened``            minor    the opposite of each tightening
``reordered``           minor    the fields kept are in another order
``descriptive``         patch    titles, descriptions, examples; package metadata (licenses, sources…)
``relocated``           none     a file moved (the recipe: "relocate the data to a new URL or path: no change
                                 in the version number"); shown, never a reason for a bump
======================  =======  ==========================================================================

The schemas compared are each package's own ``schemas/*.json``, never the current schema source: an old
package may come from an older exodata with other tables and fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from exodata.package.layout import BUILD_KEY, PARQUET_KEY
from exodata.package.versions import Bump

LEVEL_OF_KIND: dict[str, Bump] = {
    "removed": "major", "retyped": "major", "tightened": "major", "breaking": "major", "changed": "major",
    "added": "minor", "loosened": "minor", "reordered": "minor",
    "descriptive": "patch",
    "relocated": "none",
}
#: Field properties that only describe; ``name`` is the identity and ``constraints`` are compared one by one.
DESCRIPTIVE_FIELD_PROPERTIES = frozenset({"title", "description", "example", "examples", "rdfType"})
TYPE_PROPERTIES = ("type", "format", "itemType")
#: Table Schema properties with their defaults, so that writing a default out is no change.
SCHEMA_DEFAULTS: dict[str, Any] = {"missingValues": [""]}
FIELD_DEFAULTS: dict[str, Any] = {"format": "default", "type": "any"}
#: Package properties that are derived from the data or the build, or compared elsewhere.
IGNORED_PACKAGE_PROPERTIES = frozenset({"$schema", "resources", "version", "created", BUILD_KEY})
#: Resource properties that say how the CSV copy is read (a consumer reading the file breaks when they change).
RESOURCE_FILE_PROPERTIES = ("format", "mediatype", "encoding")
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")
_SHOWN = 5


@dataclass(frozen=True)
class Change:
    """One classified change: ``kind`` (see the module table), ``text`` for people, the ``field`` it concerns."""

    kind: str
    text: str
    field: str | None = None

    @property
    def level(self) -> Bump:
        return LEVEL_OF_KIND[self.kind]

    def as_dict(self) -> dict[str, Any]:
        out = {"field": self.field} if self.field is not None else {}
        return {**out, "change": self.text, "kind": self.kind, "level": self.level}


@dataclass
class SchemaDiff:
    """What changed between two Table Schemas of one table."""

    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[Change] = field(default_factory=list)
    #: table-level changes: primary key, foreign keys, field order, schema and resource properties
    schema_changed: list[Change] = field(default_factory=list)

    def changes(self) -> list[Change]:
        """Every change, additions and removals included, in a stable order."""
        return ([Change("removed", f"field `{name}` removed", name) for name in self.fields_removed]
                + [Change("added", f"field `{name}` added", name) for name in self.fields_added]
                + self.fields_changed + self.schema_changed)


#: A list longer than this is shown by its length and first items (a code list of 249 countries is not read).
SHOWN_ITEMS = 6


def show(value: Any) -> str:
    """A value as it appears in a change's text: JSON, so strings are quoted and lists bracketed; a long list
    by its first items and its length."""
    if isinstance(value, list) and len(value) > SHOWN_ITEMS:
        first = ", ".join(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value[:3])
        return f"[{first}, … {len(value)} values]"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _less(a: Any, b: Any) -> bool | None:
    """``a < b`` for bounds of the same kind (numbers, or ISO date strings); None when they do not compare."""
    try:
        return bool(a < b)
    except TypeError:
        return None


def _bound_change(name: str, old: Any, new: Any, *, lower: bool) -> tuple[str, str]:
    if old is None:
        return "tightened", f"`{name}` {show(new)} added"
    if new is None:
        return "loosened", f"`{name}` {show(old)} removed"
    raised = _less(old, new)
    if raised is None:
        return "tightened", f"`{name}` changed {show(old)} → {show(new)}"
    verb = "raised" if raised else "lowered"
    return ("tightened" if raised == lower else "loosened"), f"`{name}` {verb} {show(old)} → {show(new)}"


def _enum_change(old: list | None, new: list | None) -> tuple[str, str]:
    if old is None:
        return "tightened", f"`enum` {show(new)} added"
    if new is None:
        return "loosened", "`enum` removed"
    old_keys, new_keys = {_canonical(v) for v in old}, {_canonical(v) for v in new}
    lost = [v for v in old if _canonical(v) not in new_keys]
    gained = [v for v in new if _canonical(v) not in old_keys]
    parts = ([f"lost {show(lost) if len(lost) > SHOWN_ITEMS else ', '.join(map(show, lost))}"] if lost else []) + (
        [f"gained {show(gained) if len(gained) > SHOWN_ITEMS else ', '.join(map(show, gained))}"] if gained else [])
    if not parts:
        return "descriptive", "`enum` values reordered"
    return ("tightened" if lost else "loosened"), f"`enum` {' and '.join(parts)}"


def compare_constraints(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) for each constraint that differs, in a stable order.

    A value that was valid before may be invalid now → tightened; the reverse → loosened.  A constraint this
    module does not know is tightened when added or changed and loosened when removed (the safe reading).
    """
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:  # 1 and 1.0 are the same bound
            continue
        if name in ("required", "unique"):
            changes.append(("tightened", f"`{name}` added") if after else ("loosened", f"`{name}` removed"))
        elif name == "enum":
            changes.append(_enum_change(before, after))
        elif name in _LOWER_BOUNDS or name in _UPPER_BOUNDS:
            changes.append(_bound_change(name, before, after, lower=name in _LOWER_BOUNDS))
        elif after is None:
            changes.append(("loosened", f"`{name}` {show(before)} removed"))
        elif before is None:
            changes.append(("tightened", f"`{name}` {show(after)} added"))
        else:
            changes.append(("tightened", f"`{name}` changed {show(before)} → {show(after)}"))
    return changes


def compare_field(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The changes between two descriptors of the same field (same name)."""
    name = new["name"]
    old = {**FIELD_DEFAULTS, **old}
    new = {**FIELD_DEFAULTS, **new}
    changes = []
    for prop in TYPE_PROPERTIES:
        if old.get(prop) != new.get(prop):
            changes.append(Change("retyped", f"`{name}` {prop} {show(old.get(prop))} → {show(new.get(prop))}", name))
    for kind, text in compare_constraints(old.get("constraints") or {}, new.get("constraints") or {}):
        changes.append(Change(kind, f"`{name}`: {text}", name))
    for prop in sorted((set(old) | set(new)) - {"name", "constraints", *TYPE_PROPERTIES}):
        if _canonical(old.get(prop)) == _canonical(new.get(prop)):
            continue
        kind = "descriptive" if prop in DESCRIPTIVE_FIELD_PROPERTIES else "changed"
        changes.append(Change(kind, f"`{name}` {prop} changed", name) if kind == "descriptive" else
                       Change(kind, f"`{name}` {prop} {show(old.get(prop))} → {show(new.get(prop))}", name))
    return changes


def _key_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _foreign_keys(schema: dict[str, Any]) -> dict[str, str]:
    """Each foreign key in a canonical form → how it reads."""
    keys = {}
    for fk in schema.get("foreignKeys") or []:
        reference = fk.get("reference") or {}
        fields, ref_fields = _key_list(fk.get("fields")), _key_list(reference.get("fields"))
        resource = reference.get("resource") or "(this table)"
        shown = f"({', '.join(fields)}) → {resource}({', '.join(ref_fields)})"
        keys[_canonical([fields, resource, ref_fields])] = shown
    return keys


def compare_schema(old: dict[str, Any], new: dict[str, Any]) -> SchemaDiff:
    """Fields added, removed and changed, and table-level changes, between two Table Schemas of one table."""
    diff = SchemaDiff()
    old_fields = {f["name"]: f for f in old.get("fields") or []}
    new_fields = {f["name"]: f for f in new.get("fields") or []}
    diff.fields_removed = [name for name in old_fields if name not in new_fields]
    diff.fields_added = [name for name in new_fields if name not in old_fields]
    for name in new_fields:
        if name in old_fields:
            diff.fields_changed.extend(compare_field(old_fields[name], new_fields[name]))
    kept_old = [name for name in old_fields if name in new_fields]
    kept_new = [name for name in new_fields if name in old_fields]
    if kept_old != kept_new:
        diff.schema_changed.append(Change("reordered", f"field order {', '.join(kept_old)} → {', '.join(kept_new)}"))
    old_pk, new_pk = _key_list(old.get("primaryKey")), _key_list(new.get("primaryKey"))
    if old_pk != new_pk:
        diff.schema_changed.append(Change("breaking", f"primary key ({', '.join(old_pk)}) → ({', '.join(new_pk)})"))
    old_fks, new_fks = _foreign_keys(old), _foreign_keys(new)
    diff.schema_changed += [Change("loosened", f"foreign key {text} removed") for key, text in old_fks.items()
                            if key not in new_fks]
    diff.schema_changed += [Change("tightened", f"foreign key {text} added") for key, text in new_fks.items()
                            if key not in old_fks]
    handled = {"fields", "primaryKey", "foreignKeys", "$schema"}
    for prop in sorted((set(old) | set(new)) - handled):
        before, after = old.get(prop, SCHEMA_DEFAULTS.get(prop)), new.get(prop, SCHEMA_DEFAULTS.get(prop))
        if _canonical(before) != _canonical(after):
            kind = "descriptive" if prop in ("title", "description") else "changed"
            text = (f"schema {prop} changed" if kind == "descriptive"
                    else f"schema {prop} {show(before)} → {show(after)}")
            diff.schema_changed.append(Change(kind, text))
    return diff


def compare_resource(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Changes to a resource's own properties: descriptive ones, and where and how its files are read.

    Derived properties (``bytes``, ``hash``, ``exodata:rows``, ``exodata:schema``) and the schema file's path
    are not compared; the schema's content is (:func:`compare_schema`).  A file property (``format``,
    ``mediatype``, ``encoding``) counts only when both sides state it; a moved file is reported but needs no
    new version.
    """
    changes = [Change("descriptive", f"table {prop} changed") for prop in ("title", "description")
               if old.get(prop) != new.get(prop)]
    for prop in RESOURCE_FILE_PROPERTIES:  # one side leaving a property out means its default: no change
        if prop in old and prop in new and old[prop] != new[prop]:
            changes.append(Change("changed", f"CSV {prop} {show(old.get(prop))} → {show(new.get(prop))}"))
    for what, before, after in (("CSV", old.get("path"), new.get("path")),
                                ("Parquet", (old.get(PARQUET_KEY) or {}).get("path"),
                                 (new.get(PARQUET_KEY) or {}).get("path"))):
        if before != after:
            changes.append(Change("relocated", f"{what} file moved {show(before)} → {show(after)}"))
    return changes


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "title", "path", "email"):
            if isinstance(item.get(key), str):
                return item[key]
    return item if isinstance(item, str) else _canonical(item)


def _listing(labels: list[str]) -> str:
    shown = ", ".join(labels[:_SHOWN])
    return shown + (f" and {len(labels) - _SHOWN} more" if len(labels) > _SHOWN else "")


def _list_change(old: list, new: list) -> str:
    """How a list property changed: items added, removed, changed (same label, other content) or reordered."""
    old_keys, new_keys = {_canonical(v) for v in old}, {_canonical(v) for v in new}
    removed = [_label(v) for v in old if _canonical(v) not in new_keys]
    added = [_label(v) for v in new if _canonical(v) not in old_keys]
    changed = [label for label in added if label in removed]
    added = [label for label in added if label not in changed]
    removed = [label for label in removed if label not in changed]
    parts = [f"{verb} {_listing(labels)}" for verb, labels in (("added", added), ("removed", removed),
                                                              ("changed", changed)) if labels]
    return "; ".join(parts) or "reordered"


def compare_metadata(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Package-level properties that changed (title, description, licenses, sources, keywords, contributors…),
    all descriptive; the version and derived properties (``created``, ``exodata:build``) are ignored."""
    changed = []
    for prop in sorted((set(old) | set(new)) - IGNORED_PACKAGE_PROPERTIES):
        before, after = old.get(prop), new.get(prop)
        if _canonical(before) == _canonical(after):
            continue
        if isinstance(before, list) and isinstance(after, list):
            text = _list_change(before, after)
        elif before is None or after is None:
            text = "added" if before is None else "removed"
        else:
            text = "changed"
        changed.append({"property": prop, "change": text, "kind": "descriptive", "level": "patch"})
    return changed
