"""Consistency of the methods-layer development and blind sets (``tests/data/methods``).

These tests check the hand-written gold against the raw records only; they never import or run the
annotator.  Every record is parsed here in the simplest way (MEDLINE tags by regular expression, PubMed XML
with ``xml.etree``, RIS tags by regular expression), and each gold file must agree with it:

* mention texts occur verbatim in the title, abstract or keywords, once per (category, lower-cased text), in
  the order of first appearance within each category;
* publication types and subject headings are the record's own, in record order;
* every quantity text occurs in the title or abstract and its numbers and unit give the gold values;
* identifiers are unique across both splits, the splits are large enough, and every category is covered by
  at least 15 distinct surface texts.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "methods"
SPLITS = ("dev", "blind")
CATEGORIES = ("species", "isolation_method", "characterization_method", "ev_marker", "route", "study_design")
LAYOUTS = {".nbib": "medline", ".xml": "pubmed-xml", ".ris": "ris"}
UNITS_BY_QUANTITY = {
    "diameter": {"nm"},
    "dose": {"µg", "mg", "µg/kg", "mg/kg", "particles"},
    "particle_concentration": {"particles/mL"},
}
GOLD_KEYS = ["doc", "layout", "publication", "mentions", "publication_types", "subject_headings", "quantities"]


# ------------------------------------------------------------------------------------------ parsing

def _medline_fields(text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        tagged = re.match(r"^([A-Z]{2,4})\s*- ?(.*)$", line)
        if tagged:
            fields.append((tagged.group(1), tagged.group(2).strip()))
        elif line.startswith("      ") and fields:
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
    return fields


def _medline_heading(line: str) -> dict:
    parts = line.split("/")
    return {"descriptor": parts[0].lstrip("*"), "descriptor_id": None, "major": "*" in line,
            "qualifiers": [p.lstrip("*") for p in parts[1:]]}


def parse_medline(text: str) -> dict:
    fields = _medline_fields(text)
    one = {tag: value for tag, value in reversed(fields)}
    many = lambda tag: [value for t, value in fields if t == tag]  # noqa: E731
    doi = next(v.split(" ")[0] for v in many("LID") + many("AID") if v.endswith("[doi]"))
    return {
        "doi": doi,
        "pmid": int(one["PMID"]),
        "title": one["TI"],
        "year": int(one["DP"][:4]),
        "journal": one["JT"],
        "abstract_parts": [one.get("AB", "")],
        "keywords": many("OT"),
        "publication_types": many("PT"),
        "subject_headings": [_medline_heading(v) for v in many("MH")],
    }


def _text(element) -> str:
    return "".join(element.itertext()) if element is not None else ""


def parse_pubmed_xml(text: str) -> dict:
    root = ET.fromstring(text.encode("utf-8"))
    articles = root.findall("PubmedArticle")
    assert len(articles) == 1, "one record per document"
    cit = articles[0].find("MedlineCitation")
    art = cit.find("Article")
    headings = []
    for heading in cit.findall("MeshHeadingList/MeshHeading"):
        desc = heading.find("DescriptorName")
        quals = heading.findall("QualifierName")
        headings.append({
            "descriptor": _text(desc),
            "descriptor_id": desc.get("UI"),
            "major": desc.get("MajorTopicYN") == "Y" or any(q.get("MajorTopicYN") == "Y" for q in quals),
            "qualifiers": [_text(q) for q in quals],
        })
    for q in cit.findall("MeshHeadingList/MeshHeading/QualifierName"):
        assert re.fullmatch(r"Q\d{6}", q.get("UI", "")), "qualifier UI"
    for pt in art.findall("PublicationTypeList/PublicationType"):
        assert re.fullmatch(r"D\d{6,9}", pt.get("UI", "")), "publication type UI"
    return {
        "doi": _text(art.find("ELocationID[@EIdType='doi']")),
        "pmid": int(_text(cit.find("PMID"))),
        "title": _text(art.find("ArticleTitle")),
        "year": int(_text(art.find("Journal/JournalIssue/PubDate/Year"))),
        "journal": _text(art.find("Journal/Title")),
        "abstract_parts": [_text(a) for a in art.findall("Abstract/AbstractText")],
        "keywords": [_text(k) for k in cit.findall("KeywordList/Keyword")],
        "publication_types": [_text(p) for p in art.findall("PublicationTypeList/PublicationType")],
        "subject_headings": headings,
    }


def parse_ris(text: str) -> dict:
    fields = [(m.group(1), m.group(2).strip()) for m in re.finditer(r"^([A-Z][A-Z0-9])  - ?(.*)$", text, re.M)]
    one = {tag: value for tag, value in reversed(fields)}
    return {
        "doi": one["DO"],
        "pmid": None,
        "title": one["TI"],
        "year": int(one["PY"][:4]),
        "journal": one.get("T2") or one.get("JO"),
        "abstract_parts": [one.get("AB", "")],
        "keywords": [v for t, v in fields if t == "KW"],
        "publication_types": [],
        "subject_headings": [],
    }


PARSERS = {".nbib": parse_medline, ".xml": parse_pubmed_xml, ".ris": parse_ris}


def load(split: str, stem: str) -> tuple[dict, dict, Path]:
    docs = [p for p in (DATA / split / "docs").glob(stem + ".*")]
    assert len(docs) == 1, f"exactly one document for {stem}"
    doc = docs[0]
    record = PARSERS[doc.suffix](doc.read_text(encoding="utf-8"))
    gold = json.loads((DATA / split / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    return record, gold, doc


def stems(split: str) -> list[str]:
    return sorted(p.stem for p in (DATA / split / "gold").glob("*.json"))


CASES = [(split, stem) for split in SPLITS for stem in stems(split)]


# ------------------------------------------------------------------------------------------ helpers

def mention_fields(record: dict) -> list[str]:
    return [record["title"], " ".join(record["abstract_parts"])] + list(record["abstract_parts"]) + record["keywords"]


def first_positions(text: str, texts: list[str]) -> dict[str, int]:
    """Start of the first word-bounded, case-insensitive occurrence of each text that is not part of a longer
    occurrence of another listed text (the longest listed phrase wins)."""
    low = text.lower()
    occurrences = {
        t: [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(t.lower()) + r"(?!\w)", low)]
        for t in texts
    }
    first = {}
    for t, spans in occurrences.items():
        for s, e in spans:
            inside = any(s2 <= s and e <= e2 and (e2 - s2) > (e - s)
                         for t2, spans2 in occurrences.items() if t2 != t for s2, e2 in spans2)
            if not inside:
                first[t] = s
                break
    return first


SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
NUMBER = re.compile(
    r"(\d+(?:\.\d+)?)"
    r"(?:\s*[×x]\s*10(?:\^(\d+)|\((\d+)\)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))|[eE](\d+))?"
)
UNIT = re.compile(r"\s*(particles/m[lL]|particles|[µμ]g/kg|mg/kg|[µμ]g|mg|nm)$")


def parse_quantity(text: str) -> tuple[float, float, str]:
    unit_match = UNIT.search(text)
    assert unit_match, f"no unit at the end of {text!r}"
    unit = unit_match.group(1).replace("μ", "µ").replace("particles/ml", "particles/mL")
    body = text[: unit_match.start()]
    if "±" in body:  # mean ± dispersion: the mean is the value
        body = body.split("±")[0]
    values = []
    for m in NUMBER.finditer(body):
        exponent = next((g for g in m.groups()[1:] if g), None)
        value = float(m.group(1))
        if exponent is not None:
            value *= 10 ** int(exponent.translate(SUPERSCRIPT))
        values.append(value)
    residue = NUMBER.sub(" ", body)
    assert re.fullmatch(r"[\s,–\-]*(?:(?:to|or|and)[\s,–\-]*)*", residue), f"unexpected words in {text!r}"
    assert values, f"no number in {text!r}"
    return min(values), max(values), unit


# ------------------------------------------------------------------------------------------ tests

def test_split_sizes_and_pairing():
    for split, minimum in (("dev", 20), ("blind", 12)):
        docs = sorted(p.stem for p in (DATA / split / "docs").iterdir())
        assert docs == stems(split), f"{split}: every document has a gold file and vice versa"
        assert len(docs) >= minimum, f"{split}: at least {minimum} documents"


def test_identifiers_unique_across_the_set():
    dois, pmids, names = [], [], []
    for split, stem in CASES:
        record, gold, doc = load(split, stem)
        dois.append(gold["publication"]["doi"])
        names.append(doc.name)
        if gold["publication"]["pmid"] is not None:
            pmids.append(gold["publication"]["pmid"])
    for label, values in (("doi", dois), ("pmid", pmids), ("document", names)):
        dupes = [v for v, n in Counter(values).items() if n > 1]
        assert not dupes, f"duplicate {label}: {dupes}"
    assert all(d.startswith("10.5555/exo-methods-") for d in dois)
    assert all(p >= 99100001 for p in pmids)


@pytest.mark.parametrize("split,stem", CASES, ids=[f"{s}/{t}" for s, t in CASES])
def test_gold_matches_record(split, stem):
    record, gold, doc = load(split, stem)
    assert list(gold) == GOLD_KEYS
    assert gold["doc"] == doc.name
    assert gold["layout"] == LAYOUTS[doc.suffix]
    assert split in gold["publication"]["doi"]

    pub = gold["publication"]
    assert list(pub) == ["doi", "pmid", "title", "year", "journal"]
    assert pub["doi"] == record["doi"]
    assert pub["pmid"] == record["pmid"]
    assert pub["title"] == record["title"].rstrip(".")
    assert pub["year"] == record["year"]
    assert pub["journal"] == record["journal"]

    assert gold["publication_types"] == record["publication_types"]
    assert gold["subject_headings"] == record["subject_headings"]


@pytest.mark.parametrize("split,stem", CASES, ids=[f"{s}/{t}" for s, t in CASES])
def test_mentions(split, stem):
    record, gold, _ = load(split, stem)
    fields = mention_fields(record)
    seen = set()
    for mention in gold["mentions"]:
        assert list(mention) == ["category", "text"]
        assert mention["category"] in CATEGORIES
        key = (mention["category"], mention["text"].lower())
        assert key not in seen, f"listed twice: {key}"
        seen.add(key)
        assert any(mention["text"] in f for f in fields), f"not in title/abstract/keywords: {mention['text']!r}"

    # grouped by category in the fixed order, and within a category in order of first appearance
    order = [CATEGORIES.index(m["category"]) for m in gold["mentions"]]
    assert order == sorted(order), "mentions grouped by category in the documented order"
    joined = "\n".join([record["title"], " ".join(record["abstract_parts"])] + record["keywords"])
    texts = [m["text"] for m in gold["mentions"]]
    first = first_positions(joined, texts)
    for category in CATEGORIES:
        listed = [m["text"] for m in gold["mentions"] if m["category"] == category]
        for t in listed:
            assert t in first, f"{t!r} never stands on its own"
            assert joined[first[t]: first[t] + len(t)] == t, f"{t!r} first appears as another surface form"
        assert listed == sorted(listed, key=lambda t: first[t]), f"{category}: not in order of first appearance"


@pytest.mark.parametrize("split,stem", CASES, ids=[f"{s}/{t}" for s, t in CASES])
def test_quantities(split, stem):
    record, gold, _ = load(split, stem)
    title_abstract = record["title"] + "\n" + " ".join(record["abstract_parts"])
    needed = Counter(q["text"] for q in gold["quantities"])
    for text, n in needed.items():
        assert title_abstract.count(text) >= n, f"quantity text not in title/abstract (x{n}): {text!r}"
    for q in gold["quantities"]:
        assert list(q) == ["quantity", "value_min", "value_max", "unit", "text"]
        assert q["unit"] in UNITS_BY_QUANTITY[q["quantity"]], q
        assert "μ" not in q["unit"], "units use U+00B5"
        vmin, vmax, unit = parse_quantity(q["text"])
        assert unit == q["unit"], q
        assert q["value_min"] == pytest.approx(vmin, rel=1e-9), q
        assert q["value_max"] == pytest.approx(vmax, rel=1e-9), q
        assert q["value_min"] <= q["value_max"]


def test_every_category_is_covered():
    distinct = {c: set() for c in CATEGORIES}
    for split, stem in CASES:
        _, gold, _ = load(split, stem)
        for m in gold["mentions"]:
            distinct[m["category"]].add(m["text"].lower())
    short = {c: len(v) for c, v in distinct.items() if len(v) < 15}
    assert not short, f"fewer than 15 distinct surface texts: {short}"
