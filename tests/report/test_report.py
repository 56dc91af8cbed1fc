"""``exodata report`` without a browser: self-contained, deterministic, every figure equal to the tables."""

from __future__ import annotations

import re
import subprocess
import sys

import lxml.html

from exodata.report.render import report_html
from tests.conftest import REPO
from tests.report.conftest import write_report
from tests.report.expected import check


def _figures(html: str) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(html)
    return [(element.get("data-figure"), element.text_content()) for element in tree.xpath("//*[@data-figure]")]


def test_every_figure_equals_the_tables(report, rich_package):
    check(_figures(report.read_text(encoding="utf-8")), rich_package)


def test_the_committed_package_reports_too(tmp_path):
    out = tmp_path / "report.html"
    done = write_report(REPO, out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}"
    check(_figures(out.read_text(encoding="utf-8")), REPO)


def test_two_runs_give_the_same_bytes(report, rich_package, tmp_path):
    again = tmp_path / "again.html"
    assert write_report(rich_package, again, "--against", str(REPO)).returncode == 0
    assert again.read_bytes() == report.read_bytes()
    # and in one process, twice (the chart engine's counters must not leak into the page)
    assert report_html(rich_package, str(REPO)) == report_html(rich_package, str(REPO))


def test_the_page_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "@import" not in html
    assert not re.search(r"url\((?!#)", html), "CSS loads something"
    tree = lxml.html.fromstring(html)
    sources = tree.xpath("//@src")
    assert sources and all(src.startswith("data:image/svg+xml;base64,") for src in sources)
    assert [link.get("href") for link in tree.xpath("//link")] == ["data:,"]  # no favicon request either


def test_every_chart_has_a_caption_and_its_data(report):
    tree = lxml.html.fromstring(report.read_text(encoding="utf-8"))
    charts = tree.xpath("//img[@class='chart']")
    assert len(charts) >= 12
    for chart in charts:
        figure = chart.getparent()
        assert figure.tag == "figure" and figure.find("figcaption") is not None
        assert figure.xpath(".//table/tbody/tr"), figure.get("id")
        assert chart.get("alt") and chart.get("width") and chart.get("height")


def test_the_report_shows_the_card_records_set_aside_and_the_diff(report, rich_package):
    import polars as pl

    import exodata

    html = report.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//header//details[@class='card']//h3[text()='Known limitations']")
    quarantined = exodata.load("seed_records", path=rich_package).filter(pl.col("status") == "quarantined")
    listed = tree.xpath("//figure[@id='quarantined']//tbody/tr")
    assert len(listed) == quarantined.height
    conflicts = exodata.load("conflicts", path=rich_package)
    assert len(tree.xpath("//figure[@id='conflicts']//tbody/tr")) == conflicts.height > 0
    from exodata.package.diff import diff_packages

    bump = diff_packages(REPO, rich_package)["bump"]
    assert f"a {bump} change" in " ".join(tree.xpath("string(//section[@id='changes'])").split())


def test_without_the_extra_it_says_what_to_install():
    code = ("import sys; sys.modules['altair'] = None\n"
            "from exodata.cli import main; sys.argv = ['exodata', 'report', '.']; main()")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "exodata report: needs its extra libraries: pip install 'exodata-msc[report]'"]


def test_a_wrong_old_is_one_line(tmp_path):
    done = write_report(REPO, tmp_path / "r.html", "--against", str(tmp_path / "nothing"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_seed_records_are_counted_per_source_format(report, rich_package):
    import exodata

    tree = lxml.html.fromstring(report.read_text(encoding="utf-8"))
    rows = tree.xpath("//figure[@id='formats']//tbody/tr")
    codes = [row.xpath("string(td[2])") for row in rows]
    formats = exodata.load("seed_records", path=rich_package)["format"].fill_null("unknown")
    assert sorted(codes) == sorted(set(formats.to_list())) and "europepmc_json" in codes
    assert sum(int(row.xpath("string(td[3])")) for row in rows) == len(formats)
