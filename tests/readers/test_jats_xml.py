"""JATS XML reader: front matter of a single article and of a pmc-articleset with a broken article."""

from __future__ import annotations

from pathlib import Path

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import jats_xml as reader
from exodata.ingest.readers._locate import span_errors

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture(scope="module")
def article():
    text = (EXPORTS / "jats_article.xml").read_text(encoding="utf-8")
    return text, reader.read(text)


@pytest.fixture(scope="module")
def articleset():
    text = (EXPORTS / "jats_articleset_broken.xml").read_text(encoding="utf-8")
    return text, reader.read(text)


def test_single_article_front_matter(article):
    text, records = article
    assert len(records) == 1
    record = records[0]
    assert record.quarantine is None and span_errors(text, record) == []
    assert {name: value.value for name, value in record.fields.items() if name != "abstract"} == {
        "title": "Exosomes in osteoarthritis and cartilage injury: advanced development and potential therapeutic "
                 "strategies",
        "journal": "International Journal of Biological Sciences",
        "publisher": "Ivyspring International Publisher",
        "year": "2020",
        "volume": "16",
        "issue": "11",
        "first_page": "1811",
        "last_page": "1820",
        "doi": "10.7150/ijbs.41637",
        "language": "en",
    }
    abstract = record.fields["abstract"]
    assert "<italic>" in abstract.text and "<italic>" not in abstract.decoded
    assert abstract.decoded.startswith("Injury to articular cartilage")
    assert [keyword.text for keyword in record.keywords] == ["exosomes", "osteoarthritis", "cartilage injury"]
    assert "Body text" not in repr(record)


def test_affiliations_without_labels_linked_by_xref(article):
    _, records = article
    record = records[0]
    assert [value.value for value in record.affiliations][1] == (
        "Dr. Li Dak Sum & Yip Yio Chin Center for Stem Cell and Regenerative Medicine, School of Medicine, "
        "Zhejiang University, Hangzhou, China.")
    assert record.affiliations[1].text.startswith("Dr. Li Dak Sum &amp; Yip")
    assert not record.affiliations[0].text.startswith("<label>")
    assert [(author.name.value, author.affiliations) for author in record.authors] == [
        ("Zhou, Quanfa", [1, 2]), ("Cai, Youzhi", [1]), ("Jiang, Yangzi", [3]), ("Lin, Xiangjin", [1])]


def test_article_normalises_like_the_ris_gold_of_the_same_paper(article, fixtures_dir):
    import json

    gold = json.loads((fixtures_dir / "dev" / "gold" / "205_3778a097aff622fe.json").read_text(encoding="utf-8"))
    record = normalise_record(article[1][0])
    for column in ("doi", "title", "journal", "year", "volume", "issue", "first_page", "last_page"):
        assert record.get(column) == gold["publication"][column], column
    assert [(a.family_name, a.given_name) for a in record.authors] == [
        (a["family_name"], a["given_name"]) for a in gold["authors"]]
    assert [a.text for a in record.affiliations] == gold["affiliations"]


def test_articleset_broken_article_quarantined_others_compile(articleset):
    text, records = articleset
    assert [record.index for record in records] == [0, 1, 2]
    assert records[0].quarantine is None and records[2].quarantine is None
    assert "article 2" in records[1].quarantine and "line 29" in records[1].quarantine
    for record in records:
        assert span_errors(text, record) == []


def test_articleset_values(articleset):
    _, records = articleset
    first, third = records[0], records[2]
    assert first.fields["pmcid"].text == "9386173" and first.fields["pmcid"].value == "PMC9386173"
    assert first.fields["year"].text == "2022" and first.fields["pmid"].text == "35990308"
    assert [author.name.value for author in first.authors] == ["Lu, Yukang", "Wang, Lanfeng"]  # no editor
    assert third.fields["first_page"].text == "26913" and "last_page" not in third.fields
    assert [author.name.value for author in third.authors] == ["Lötvall, Jan", "Théry, Clotilde"]
    assert [author.affiliations for author in third.authors] == [[1], [2]]
    assert [funder.text for funder in third.funders] == ["Swedish Research Council"]


def test_accepts():
    assert reader.accepts('<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal '
                          'Archiving and Interchange DTD v1.3 20210610//EN" "x.dtd">\n<article>')
    assert reader.accepts('<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">')
    assert not reader.accepts("<article><p>Some HTML page</p></article>")
    assert not reader.accepts("<PubmedArticleSet><PubmedArticle>")
