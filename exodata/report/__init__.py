"""``exodata report``: one self-contained HTML page that shows what a package holds.

Three small modules, one step each:

* :mod:`exodata.report.figures` computes every number the page shows, once, from the package's tables (polars);
* :mod:`exodata.report.charts` draws the charts from those figures (Altair, rendered to SVG by vl-convert);
* :mod:`exodata.report.render` fills the HTML template (Jinja2, autoescaped) with the figures, the charts, the
  dataset card and, with ``--against``, the diff from an older version.

The page has no script and loads nothing: styles are inline and each chart is an SVG image in a ``data:`` URL,
so it reads the same with JavaScript off, offline, from a file or a release archive.  Every chart has a caption
and a table of its data, and every count carries ``data-figure="…"`` so that a test (or a reader's script) can
hold it to the tables.  The same package gives the same bytes: no time or path of the run is written.

Its libraries are the ``report`` extra (:data:`REQUIRED`); they are imported only here, inside the command.
"""

from __future__ import annotations

import importlib.util

#: The import names of the report's libraries (the ``report`` extra of ``exodata-msc``).
REQUIRED = ("altair", "vl_convert", "jinja2", "markdown_it")
#: What ``exodata report`` says when one of them is missing.
INSTALL_HINT = "exodata report needs its extra libraries: pip install 'exodata-msc[report]'"


def missing_libraries() -> list[str]:
    """The report libraries that cannot be imported here."""
    found = []
    for name in REQUIRED:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):  # a module set to None in sys.modules, or a broken one
            spec = None
        if spec is None:
            found.append(name)
    return found
