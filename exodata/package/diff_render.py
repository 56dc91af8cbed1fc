"""Render a diff result (:func:`exodata.package.diff.diff_packages`) for people and for the changelog.

:func:`render_text` is what ``exodata diff`` prints: the bump and why, then per changed table its row counts,
a few added, removed and changed rows, and its schema changes.  :func:`render_markdown` writes the bullets of a
CHANGELOG "### Data" section, so the changelog says what the diff found.
"""

from __future__ import annotations

import json
from typing import Any

_WIDTH = 60


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _WIDTH else text[:_WIDTH - 1] + "…"


def _pair(old: Any, new: Any) -> str:
    """``old → new``; two long strings are shown around their first difference."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _WIDTH:
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        start = max(0, first - 20)

        def window(text: str) -> str:
            part = text[start:start + _WIDTH - 2]
            return ("…" if start else "") + part + ("…" if start + _WIDTH - 2 < len(text) else "")

        return f"{json.dumps(window(old), ensure_ascii=False)} → {json.dumps(window(new), ensure_ascii=False)}"
    return f"{_shown(json.dumps(old, ensure_ascii=False))} → {_shown(json.dumps(new, ensure_ascii=False))}"


def _key(key: dict[str, Any]) -> str:
    values = ["null" if v is None else str(v) for v in key.values()]
    return values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"


def changed_tables(result: dict[str, Any]) -> list[str]:
    """The tables both packages have that changed (rows, schema or files), in the new package's order."""
    return [name for name, table in result["tables"].items()
            if table["bump"] != "none" or _schema_lines(table) or table["rows_added"] is None]


def row_summary(table: dict[str, Any], code: str = "") -> str:
    """``1 row added, 2 rows changed (title: 2)``; ``code`` wraps column names (a backtick for Markdown)."""
    if table["rows_added"] is None:
        return table.get("note", "rows not compared")
    parts = [_plural(table[f"rows_{what}"], "row") + f" {what}" for what in ("added", "removed", "changed")
             if table[f"rows_{what}"]]
    if table["rows_changed"]:
        columns = ", ".join(f"{code}{column}{code}: {n:,}" for column, n in table["columns_changed"].items())
        parts[-1] += f" ({columns})"
    return ", ".join(parts)


def _schema_lines(table: dict[str, Any]) -> list[dict[str, Any]]:
    return ([{"change": f"field `{f}` removed", "kind": "removed", "level": "major"} for f in table["fields_removed"]]
            + [{"change": f"field `{f}` added", "kind": "added", "level": "minor"} for f in table["fields_added"]]
            + table["fields_changed"] + table["schema_changed"])


def render_text(result: dict[str, Any]) -> str:
    """The diff for a terminal: versions, bump and reasons, then each changed table with examples."""
    old, new = result["old"], result["new"]
    lines = [f"old: {old['version']}  {old['path']}", f"new: {new['version']}  {new['path']}"]
    if result["bump"] == "none":
        lines.append("no change to the data (bump: none)")
    else:
        required = result["required_version"]
        lines.append(f"bump: {result['bump']}" + (f" (the new version must be at least {required})" if required
                                                   else ""))
        lines += [f"  because: {reason}" for reason in result["reasons"]]
    for name in changed_tables(result):
        table = result["tables"][name]
        summary = row_summary(table)
        lines.append(f"\n{name}: {summary or 'no row changed'}")
        lines += [f"  + {_key(k)}" for k in table["keys_added"]]
        lines += [f"  - {_key(k)}" for k in table["keys_removed"]]
        lines += [f"  ~ {_key(e['key'])}  {e['column']}: {_pair(e['old'], e['new'])}" for e in table["examples"]]
        shown = len(table["keys_added"]) + len(table["keys_removed"]) + len(table["examples"])
        total = sum(table[f"rows_{w}"] or 0 for w in ("added", "removed")) + sum(table["columns_changed"].values())
        if total > shown:
            lines.append(f"  … {total - shown:,} more (see --json, or --examples N)")
        lines += [f"  schema: {c['change']} ({c['kind']}, {c['level']})" for c in _schema_lines(table)]
    if result["tables_added"]:
        lines.append(f"\ntables added: {', '.join(result['tables_added'])}")
    if result["tables_removed"]:
        lines.append(f"\ntables removed: {', '.join(result['tables_removed'])}")
    if result["metadata_changed"]:
        lines.append("\npackage metadata (descriptive):")
        lines += [f"  {m['property']}: {m['change']}" for m in result["metadata_changed"]]
    unchanged = [name for name in result["tables"] if name not in changed_tables(result)]
    if unchanged and result["bump"] != "none":
        lines.append(f"\nunchanged: {', '.join(unchanged)}")
    return "\n".join(lines)


def render_markdown(result: dict[str, Any]) -> str:
    """A CHANGELOG "### Data" section: one bullet per changed table, tables added and removed, metadata."""
    bullets = []
    for name in changed_tables(result):
        table = result["tables"][name]
        rows = row_summary(table, "`")
        parts = [rows] if rows else []
        parts += [c["change"] for c in _schema_lines(table)]
        bullets.append(f"- `{name}`: " + "; ".join(parts) + ".")
    for names, what in ((result["tables_added"], "New"), (result["tables_removed"], "Removed")):
        if names:
            listed = ", ".join(f"`{name}`" for name in names)
            bullets.append(f"- {what} table{'s' if len(names) > 1 else ''} {listed}.")
    if result["metadata_changed"]:
        bullets.append("- Package metadata: " + ", ".join(f"`{m['property']}` ({m['change']})"
                                                          for m in result["metadata_changed"]) + ".")
    if not bullets:
        bullets.append("- No change to the data.")
    lead = f"Compared with {result['old']['version']}: " + (
        f"a {result['bump']} change." if result["bump"] != "none" else "the same data.")
    return "\n".join(["### Data", "", lead, "", *bullets]) + "\n"
