"""The PubMed XML reader's one-walk path lookup finds what lxml's ``findall`` finds for each path asked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from exodata.ingest.model import Located, RawRecord
from exodata.ingest.readers import pubmed_xml
from exodata.ingest.readers._locate import add_affiliation

_DECOYS = ["<Other>v</Other>", "<!-- c -->", "<?pi x?>", '<x:PMID xmlns:x="urn:x">1</x:PMID>', "<Year>1</Year>"]


def _children(tree: dict, depth: int):
    """Markup of child elements named mostly as the paths go (several alike, so order matters), with decoys."""
    named = []
    for tag, (_, below) in sorted(tree.items()):
        inner = _children(below, depth - 1) if below and depth else st.just("v")
        named.append(inner.map(lambda content, tag=tag: f"<{tag}>{content}</{tag}>"))
    return st.lists(st.one_of(*named, st.sampled_from(_DECOYS)), max_size=4).map("".join)


@settings(max_examples=300)
@given(_children(pubmed_xml._PATH_TREE, 5))
def test_one_walk_finds_what_findall_finds(body):
    root = etree.fromstring(f"<PubmedArticle>{body}</PubmedArticle>")
    found: dict = {}
    pubmed_xml._collect(root, pubmed_xml._PATH_TREE, found)
    paths = {path for table in (pubmed_xml._JOURNAL_PATHS, pubmed_xml._BOOK_PATHS) for group in table.values()
             for path in group}
    for path in paths:
        assert found.get(path, []) == root.findall(path), path
    assert set(found) <= paths


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from(["Dept A.", "Dept  A.", "Dept\nA.", "Dept B.", " Dept B. ", "C", " "]),
                         max_size=5), min_size=1, max_size=4))
def test_affiliation_positions_agree_with_add_affiliation(authors):
    """The reader's lookup of known affiliations numbers them as add_affiliation does, author by author."""
    text = "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><AuthorList>"
    where = []
    for names in authors:
        text += "<Author><LastName>A</LastName>"
        spans = []
        for name in names:
            text += "<AffiliationInfo><Affiliation>"
            spans.append((len(text), len(text) + len(name)))
            text += f"{name}</Affiliation></AffiliationInfo>"
        where.append(spans)
        text += "</Author>"
    text += "</AuthorList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    record = pubmed_xml.read(text)[0]
    plain = RawRecord(record.format, 0, record.span)
    expected = []
    for spans in where:
        positions: list[int] = []
        for start, end in spans:
            value = Located(text[start:end], start, end).strip()
            if value:
                position = add_affiliation(plain, value)
                if position not in positions:
                    positions.append(position)
        expected.append(positions)
    assert record.affiliations == plain.affiliations
    assert [author.affiliations for author in record.authors] == expected
