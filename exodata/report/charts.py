"""The report's charts: Altair (Vega-Lite) specifications of the figures, rendered to SVG by vl-convert.

vl-convert runs Vega-Lite in an embedded engine, with no browser and no network (``allowed_base_urls=[]``:
the data are inline values), and gives the same SVG bytes for the same specification.  Each chart is returned
as SVG text; :mod:`exodata.report.render` embeds it as an image with its caption and a table of its data.
"""

from __future__ import annotations

from typing import Any

from exodata.report.figures import MATRIX_DISEASES, Figure

#: One look for every chart (no web fonts: the viewer's sans-serif).
CONFIG = {
    "font": "sans-serif",
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
    "legend": {"labelFontSize": 11, "titleFontSize": 12},
}
BAR = "#4c78a8"
WIDTH = 520


def _vega_lite_version() -> str:
    """The Vega-Lite version Altair writes (``v6.4.1`` → ``6.4``), which vl-convert renders with."""
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def _renumber_ids(svg: str) -> str:
    """The SVG with its element ids numbered from 0 in order of appearance.

    The embedded Vega engine numbers gradients with a counter that lives as long as the process
    (``gradient_0``, then ``gradient_1`` for the next chart drawn), so the same chart drawn twice in one process
    would differ; each chart is its own SVG document, so ids only need to be unique within it.
    """
    import re

    found: dict[str, str] = {}
    for name in re.findall(r'\sid="([^"]+)"', svg):
        stem = re.sub(r"\d+$", "", name)
        found.setdefault(name, f"{stem}{sum(1 for new in found.values() if new.startswith(stem))}")
    if not found or all(old == new for old, new in found.items()):
        return svg
    pattern = re.compile(r'(\sid="|url\(#|href="#)(' + "|".join(re.escape(n) for n in found) + r')(?=[")])')
    return pattern.sub(lambda m: m.group(1) + found[m.group(2)], svg)


def to_svg(chart) -> str:
    """The chart as SVG text: the same chart gives the same bytes, in one process or across processes."""
    import vl_convert

    spec = chart.to_dict()
    return _renumber_ids(vl_convert.vegalite_to_svg(spec, vl_version=_vega_lite_version(), allowed_base_urls=[]))


def _data(rows: list[dict[str, Any]], keys: list[str]):
    import altair as alt

    return alt.Data(values=[{k: row[k] for k in keys} for row in rows])


def _count_axis(title: str, most: int):
    """An axis of whole counts: integer ticks only (at most about ten)."""
    import altair as alt

    step = max(1, -(-most // 10))
    return alt.Axis(title=title, values=list(range(0, most + step, step)), format="d")


def bars(figure: Figure, label: str = "name", *, sort_by_count: bool = True, horizontal: bool = True) -> str | None:
    """A bar per row of ``figure``: ``label`` against the row's count."""
    import altair as alt

    if not figure.rows:
        return None
    heading = dict(figure.columns)
    count_title = heading["count"]
    label_title = heading[label]
    order = [row[label] for row in figure.rows]
    most = max(row["count"] for row in figure.rows)
    if horizontal:
        base = alt.Chart(_data(figure.rows, [label, "count"])).mark_bar(color=BAR).encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title),
            x=alt.X("count:Q", axis=_count_axis(count_title, most)),
            tooltip=[f"{label}:N", "count:Q"])
        text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="count:Q")
        chart = (base + text).properties(width=WIDTH, height=max(40, 20 * len(figure.rows)))
    else:
        base = alt.Chart(_data(figure.rows, [label, "count"])).mark_bar(color=BAR).encode(
            x=alt.X(f"{label}:O", sort=order if sort_by_count else None, title=label_title),
            y=alt.Y("count:Q", axis=_count_axis(count_title, most)))
        text = base.mark_text(baseline="bottom", dy=-2, fontSize=11).encode(text="count:Q")
        chart = (base + text).properties(width=max(WIDTH, 24 * len(figure.rows)), height=200)
    return to_svg(chart.configure(**CONFIG))


def matrix(figure: Figure) -> str | None:
    """A heat map of publications per (disease, MSC source), for the diseases with the most such publications."""
    import altair as alt

    if not figure.rows:
        return None
    totals: dict[str, int] = {}
    for row in figure.rows:
        totals[row["label"]] = totals.get(row["label"], 0) + row["count"]
    diseases = sorted(totals, key=lambda name: (-totals[name], name))[:MATRIX_DISEASES]
    rows = [row for row in figure.rows if row["label"] in diseases]
    sources = sorted({row["msc_source"] for row in rows}, key=str.lower)
    base = alt.Chart(_data(rows, ["label", "msc_source", "count"])).encode(
        x=alt.X("msc_source:N", sort=sources, title="MSC source",
                axis=alt.Axis(labelAngle=-90, labelPadding=4)),
        y=alt.Y("label:N", sort=diseases, title="disease"))
    legend = alt.Legend(format="d", values=sorted({row["count"] for row in rows}))
    cells = base.mark_rect().encode(color=alt.Color("count:Q", title="publications", scale=alt.Scale(scheme="blues"),
                                                    legend=legend))
    text = base.mark_text(fontSize=11).encode(text="count:Q")
    chart = (cells + text).properties(width=max(160, 56 * len(sources)), height=max(40, 22 * len(diseases)))
    return to_svg(chart.configure(**CONFIG))


def ranges(figure: Figure) -> str | None:
    """Each stated vesicle size as a line from its lower to its upper value (in nm), one line per statement."""
    import altair as alt

    if not figure.rows:
        return None
    scale = {"nm": 1.0, "µm": 1000.0}
    rows = []
    for index, row in enumerate(figure.rows, start=1):
        factor = scale.get(row["unit"])
        if factor is None:
            continue
        rows.append({"statement": f"{index}. {row['text']}", "from": row["value_min"] * factor,
                     "to": row["value_max"] * factor, "quantity": row["quantity"]})
    if not rows:
        return None
    order = [row["statement"] for row in rows]
    base = alt.Chart(_data(rows, ["statement", "from", "to", "quantity"])).encode(
        y=alt.Y("statement:N", sort=order, title=None))
    color = alt.Color("quantity:N", title="quantity", scale=alt.Scale(scheme="tableau10"))
    line = base.mark_rule(strokeWidth=3).encode(x=alt.X("from:Q", title="nm"), x2="to:Q", color=color)
    ends = (base.mark_point(filled=True, size=40).encode(x="from:Q", color=color)
            + base.mark_point(filled=True, size=40).encode(x="to:Q", color=color))
    chart = (line + ends).properties(width=WIDTH, height=max(40, 22 * len(rows)))
    return to_svg(chart.configure(**CONFIG))
