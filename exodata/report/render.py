"""The report page: the figures, their charts, the dataset card and the diff, through one Jinja2 template.

:func:`report_html` is the whole of ``exodata report``: it computes the figures (:mod:`exodata.report.figures`),
draws the charts (:mod:`exodata.report.charts`), renders the card (Markdown, raw HTML off) and the template
(``templates/report.html.j2``, autoescaped).  The same package (and OLD) give the same bytes.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from exodata.report.figures import Figure, Figures

#: Characters of a text cell shown at most (long abstracts in conflicts); the tables hold the whole text.
MAX_TEXT = 240


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _number(value: Any) -> str:
    """A figure as printed: integers plainly, other numbers without a trailing ``.0``."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cells(figure: Figure) -> list[list[dict[str, Any]]]:
    """The table rows of ``figure``: per cell its text, whether it is a number and its ``data-figure`` name."""
    from exodata.metadata.tables import STATUSES

    out = []
    for row in figure.rows:
        line = []
        for key, _ in figure.columns:
            value = row.get(key)
            name = None
            if key == "count":
                name = row["figure"]
            elif key in ("value_min", "value_max"):
                name = f"{row['figure']}.{'min' if key == 'value_min' else 'max'}"
            elif key in STATUSES and "figure" in row:  # a count per status beside a row's total
                name = f"{row['figure']}.{key}"
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            line.append({"text": _text(value), "numeric": numeric, "figure": name})
        out.append(line)
    return out


def _image(svg: str | None) -> dict[str, Any] | None:
    """An SVG as an ``<img>``: its ``data:`` URL and its size (so the page lays out before it decodes)."""
    if svg is None:
        return None
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    height = re.search(r'<svg[^>]*\sheight="([\d.]+)"', svg)
    return {"src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "width": round(float(width.group(1))) if width else None,
            "height": round(float(height.group(1))) if height else None}


def draw(figures: Figures) -> dict[str, dict[str, Any] | None]:
    """Every chart of the page, by figure key."""
    from exodata.report import charts

    drawn = {
        "status": charts.bars(figures.status),
        "years": charts.bars(figures.years, sort_by_count=False, horizontal=False),
        "languages": charts.bars(figures.languages),
        "countries": charts.bars(figures.countries),
        "sources": charts.bars(figures.sources),
        "matrix": charts.matrix(figures.matrix),
        "cargo": charts.bars(figures.cargo, "label"),
        "mirnas": charts.bars(figures.mirnas),
        "sizes": charts.ranges(figures.sizes),
    }
    for figure in figures.top:
        drawn[figure.key] = charts.bars(figure, "label")
    return {key: _image(svg) for key, svg in drawn.items()}


def card_html(markdown: str):
    """The dataset card as HTML (raw HTML in it is escaped, not passed through), its headings one level down
    (the page has its own title) and without its title line."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    shifted = "\n".join("#" + line if re.match(r"^#{1,5} ", line) else line for line in lines)
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(shifted))


def diff_view(result: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a :func:`exodata.package.diff.diff_packages` result."""
    from exodata.package.diff_render import changed_tables, row_summary

    tables = []
    for name in changed_tables(result):
        table = result["tables"][name]
        schema = ([f"field {f} removed" for f in table["fields_removed"]]
                  + [f"field {f} added" for f in table["fields_added"]]
                  + [c["change"].replace("`", "") for c in table["fields_changed"] + table["schema_changed"]])
        counts = [{"what": what, "count": table[f"rows_{what}"], "figure": f"diff.{name}.{what}"}
                  for what in ("added", "removed", "changed") if table["rows_added"] is not None]
        tables.append({"name": name, "summary": row_summary(table) or "no row changed", "counts": counts,
                       "schema": schema})
    return {"old": result["old"], "new": result["new"], "bump": result["bump"],
            "required": result["required_version"], "reasons": result["reasons"], "tables": tables,
            "added": result["tables_added"], "removed": result["tables_removed"],
            "metadata": [f"{m['property']}: {m['change']}" for m in result["metadata_changed"]],
            "unchanged": [name for name in result["tables"] if name not in changed_tables(result)]}


def report_html(package: Path, against: str | None = None) -> str:
    """The report of the package in ``package`` (compared with package ``against`` when given) as HTML."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from exodata.release.card import dataset_card
    from exodata.report.figures import compute

    figures = compute(package)
    diff = None
    if against is not None:
        from exodata.package.diff import diff_packages

        diff = diff_view(diff_packages(against, package))
    environment = Environment(loader=PackageLoader("exodata.report", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    environment.globals["cells"] = cells
    template = environment.get_template("report.html.j2")
    return template.render(figures=figures, charts=draw(figures), card=card_html(dataset_card(package)),
                           diff=diff, against=against)
