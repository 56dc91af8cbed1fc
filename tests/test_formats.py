"""The format registry: tied to the reader modules, to detection and to every list that names formats; and a
new format needs only its reader module and its registry entry (built end to end with a throwaway format)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import textwrap

import polars as pl
import pytest

import exodata
import exodata.ingest.readers
from exodata.ingest import formats
from exodata.ingest.compile import compile_text
from exodata.metadata import TABLES
from tests.conftest import REPO
from tests.readers.test_hostile import export_fixtures, read_text, reader_of

#: Which format each gold layout is (the gold files name the page layouts by letter).
GOLD_LAYOUTS = {"medline": "medline", "ris": "ris", "bibtex": "bibtex", "pubmed-xml": "pubmed_xml",
                "a": "vufind_page", "b": "wprim_page", "c": "aggregator_page"}


def test_every_entry_has_a_reader_module_with_accepts_and_read():
    for entry in formats.FORMATS:
        module = formats.reader(entry.name)
        assert module.__name__ == f"exodata.ingest.readers.{entry.name}"
        assert callable(module.accepts) and callable(module.read), entry.name
        assert entry.name == module.FORMAT


def test_every_reader_module_has_an_entry():
    modules = {found.name for found in pkgutil.iter_modules(exodata.ingest.readers.__path__)}
    readers = {name for name in modules if not name.startswith("_")}
    assert readers == set(formats.names())
    for helper in modules - readers:  # the shared helpers (_guard, _locate, _xml, …) are not readers
        module = importlib.import_module(f"exodata.ingest.readers.{helper}")
        assert not (hasattr(module, "accepts") and hasattr(module, "read")), helper


def test_entries_are_complete_and_distinct():
    entries = formats.FORMATS
    assert len({entry.name for entry in entries}) == len(entries)
    assert len({entry.label for entry in entries}) == len(entries)
    assert sorted(entry.detect for entry in entries) == list(range(len(entries)))
    assert sorted(entry.trust for entry in entries) == list(range(len(entries)))
    assert {entry.kind for entry in entries} == {formats.EXPORT, formats.PAGE}
    assert all(entry.convert_to is None or entry.kind == formats.EXPORT for entry in entries)
    with pytest.raises(KeyError, match="known formats: medline, ris"):
        formats.entry("endnote")


def test_detection_asks_the_most_specific_readers_first():
    order = formats.detection_order()
    assert order == tuple(sorted(formats.names(), key=lambda name: formats.entry(name).detect))
    exports, pages = formats.names(formats.EXPORT), formats.names(formats.PAGE)
    assert set(order[:len(exports)]) == set(exports) and set(order[len(exports):]) == set(pages)
    assert order.index("pubmed_xml") < order.index("jats_xml")  # a PubMed set may carry JATS-like marks


@pytest.mark.parametrize("path", export_fixtures(), ids=lambda path: path.name)
def test_each_export_fixture_is_detected_as_its_format(path):
    assert formats.detect(read_text(path)) == reader_of(path)


def test_each_gold_document_is_detected_as_its_layout_and_every_format_is_seen(gold_pairs):
    seen = {reader_of(path) for path in export_fixtures()}
    for path, gold in gold_pairs:
        assert formats.detect(path.read_text(encoding="utf-8")) == GOLD_LAYOUTS[gold["layout"]], path.name
        seen.add(GOLD_LAYOUTS[gold["layout"]])
    assert seen == set(formats.names())


def test_trust_ranks_exports_before_pages_and_no_format_last():
    exports = [formats.trust_rank(name) for name in formats.names(formats.EXPORT)]
    pages = [formats.trust_rank(name) for name in formats.names(formats.PAGE)]
    assert max(exports) < min(pages) < max(pages) < formats.trust_rank(None)
    assert formats.trust_rank("pubmed_xml") < formats.trust_rank("medline") < formats.trust_rank("ris")


def test_unreadable_seed_message_lists_the_registry_conversion_targets():
    assert formats.convert_to() == "MEDLINE, RIS, BibTeX, CSL-JSON or XML"
    result = compile_text("<!DOCTYPE html><html>not a bibliography</html>", "page.html", "0" * 64, "utf-8")
    assert result.format is None
    assert [item.reason for item in result.records][0].endswith(f"convert it to {formats.convert_to()}")


def test_seed_records_format_is_an_enum_of_the_registry_names():
    field = next(field for field in TABLES["seed_records"].fields if field.name == "format")
    assert field.enum == formats.names()


# --- a new format: its module and its registry entry, nothing else ------------------------------------------

#: A throwaway reader, written into a temporary folder that the driver adds to ``exodata.ingest.readers``.
TINY_READER = '''
"""A throwaway export: a 'TINY-EXPORT 1' line, then one 'doi | title | year' line per record."""

from exodata.ingest.model import Located, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded

FORMAT = "tiny_export"
HEADER = "TINY-EXPORT 1\\n"


def accepts(text):
    return text.startswith(HEADER)


def read(text):
    return read_guarded(text, FORMAT, accepts, _read_line, _lines)


def _lines(text):
    parts, offset = [], len(HEADER)
    for line in text[offset:].splitlines(keepends=True):
        if line.strip():
            parts.append(Part(offset, offset + len(line.rstrip("\\n"))))
        offset += len(line)
    return parts


def _read_line(text, part):
    record = RawRecord(FORMAT, part.index, part.span)
    doi, title, year = text[part.start:part.end].split(" | ")  # a line without three values raises
    start = part.start
    for name, value in (("doi", doi), ("title", title), ("year", year)):
        record.set(name, Located(value, start, start + len(value)))
        start += len(value) + len(" | ")
    return record
'''

#: Registers the throwaway format before anything reads the registry, then builds: what a new entry in
#: exodata/ingest/formats.py plus a new module in exodata/ingest/readers/ amount to.
DRIVER = '''
import sys
from pathlib import Path

from exodata.ingest import formats, readers

readers.__path__.append(sys.argv[1])
formats.FORMATS += (formats.Format("tiny_export", "tiny export", formats.EXPORT, detect=9, trust=0,
                                   convert_to="TINY"),)

from exodata.build import build

build(Path(sys.argv[2]), Path(sys.argv[3]), jobs=1)
'''

RIS = """TY  - JOUR
TI  - Exosomes of mesenchymal stem cells as read from RIS
DO  - 10.1234/tiny.1
PY  - 2021
ER  - 
"""

TINY = """TINY-EXPORT 1
10.1234/tiny.1 | Exosomes of mesenchymal stem cells as read from a tiny export | 2021
10.1234/tiny.2 | Mesenchymal stem cell exosomes in sepsis | 2022
a line the tiny reader cannot use
"""


@pytest.mark.slow
def test_a_new_format_needs_only_its_reader_module_and_its_registry_entry(tmp_path):
    extra, seeds, out = tmp_path / "extra_readers", tmp_path / "seeds", tmp_path / "package"
    for folder in (extra, seeds):
        folder.mkdir()
    (extra / "tiny_export.py").write_text(textwrap.dedent(TINY_READER), encoding="utf-8")
    (seeds / "a.ris").write_text(RIS, encoding="utf-8")
    (seeds / "b.tiny").write_text(TINY, encoding="utf-8")
    (seeds / "c.txt").write_text("Nothing any reader knows.\n", encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")

    subprocess.run([sys.executable, str(driver), str(extra), str(seeds), str(out)], cwd=REPO, check=True)

    tables = exodata.load(path=out)
    records = tables["seed_records"].sort("file", "record")
    tiny = records.filter(pl.col("file") == "b.tiny")
    assert tiny["format"].to_list() == ["tiny_export"] * 3  # compiled, and allowed by the schema's enum
    assert tiny["status"].to_list() == ["duplicate", "compiled", "quarantined"]
    assert tiny["reason"][2] == ("b.tiny: record 3 (line 4): could not be read: ValueError: not enough values "
                                 "to unpack (expected 3, got 1)")
    unread = records.filter(pl.col("file") == "c.txt")["reason"][0]
    assert unread.endswith("convert it to MEDLINE, RIS, BibTeX, CSL-JSON, XML or TINY")
    # The RIS record comes first in seed order, but the tiny export is trusted more (rank 0 against RIS's 4):
    # its title is kept, the RIS one is the conflict.
    merged = tables["publications"].filter(pl.col("doi") == "10.1234/tiny.1")
    assert merged["title"].to_list() == ["Exosomes of mesenchymal stem cells as read from a tiny export"]
    conflict = tables["conflicts"].filter(pl.col("column") == "title")
    assert conflict["other_value"].to_list() == ["Exosomes of mesenchymal stem cells as read from RIS"]
    schema = (out / "schemas" / "seed_records.json").read_text(encoding="utf-8")
    assert '"tiny_export"' in schema
