"""Benchmark (not a test): how long the normalisers and export readers take on hostile input.

Run: python benchmarks/bench_hostile.py [--repeat N]

The tests check what the code does with such input (refused, quarantined, parsed as far as it goes); how long
it takes is measured here, where a shared machine's noise is read by a person instead of failing a build.
Each normaliser case is timed at two lengths: about twice the time for twice the text is linear behaviour.
Each figure is the best of N runs in this process.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

#: Adversarial text for the normalisers, as a function of its length: long runs that a careless regular
#: expression would backtrack over.
NORMALISER_CASES: dict[str, Callable[[int], str]] = {
    "year then spaces": lambda n: "2021" + " " * n + "x(",
    "separators then a year": lambda n: " ," * (n // 2) + "2020x",
    "words": lambda n: "a " * (n // 2) + "x",
    "DOI with parentheses": lambda n: "10.1234/" + ")" * n,
    "repeated PMC path": lambda n: "/pmc/" * (n // 5),
    "digits then a dash": lambda n: "1" * n + "-",
}

_XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
{body}
"""
_PUBMED = ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
           "<ArticleTitle>{payload}</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")

#: (reader, text) of hostile exports: each is refused or quarantined, or read without recursion.
READER_CASES: dict[str, tuple[str, Callable[[], str]]] = {
    "PubMed XML: entity expansion": (
        "pubmed_xml", lambda: _XML_BOMB.replace("{root}", "PubmedArticleSet")
        .replace("{body}", _PUBMED.replace("{payload}", "&lol3;"))),
    "PubMed XML: 5,000 nested elements": (
        "pubmed_xml", lambda: _PUBMED.replace("{payload}", "<i>" * 5000 + "deep" + "</i>" * 5000)),
    "CSL-JSON: 5,000 nested arrays": (
        "csl_json", lambda: '[{"type": "article-journal", "title": "x", "note": ' + "[" * 5000 + "]" * 5000 + "}]"),
    "CSL-JSON: a 50,000-digit integer": (
        "csl_json", lambda: '[{"type": "article-journal", "title": "x", "volume": ' + "9" * 50000 + "}]"),
    "BibTeX: 5,000 nested braces": (
        "bibtex", lambda: "@article{deep,\n  title = {" + "{" * 5000 + "x" + "}" * 5000 + "},\n  doi = {10.1/x}\n}\n"),
    "RIS: text over the size limit": ("ris", lambda: "TY  - JOUR\nTI  - x\n" + " " * (32 * 2**20 + 1)),
    "MEDLINE: 10,000 MH lines": (
        "medline", lambda: "PMID- 1\nTI  - A title.\n" + "\n".join(
            f"MH  - {'*' * (i % 2)}Descriptor {i}/qualifier {i % 7}/*q{i % 3}" for i in range(10_000)) + "\n"),
    "PubMed XML: 10,000 MeshHeadings": ("pubmed_xml", lambda: _PUBMED.replace("{payload}", "T").replace(
        "</Article>", "</Article><MeshHeadingList>" + "".join(
            f'<MeshHeading><DescriptorName UI="D{i:06d}" MajorTopicYN="N">Term {i}</DescriptorName>'
            f'<QualifierName UI="Q{i:06d}" MajorTopicYN="Y">q{i}</QualifierName></MeshHeading>' for i in range(10_000))
        + "</MeshHeadingList>")),
}


def best_of(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--length", type=int, default=50_000, help="characters of the shorter normaliser input")
    args = parser.parse_args()

    from exodata.ingest import formats
    from exodata.ingest.normalise import (
        clean_text,
        country_code,
        country_in_text,
        doi_from_link,
        language_code,
        normalise_doi,
        parse_citation_line,
        parse_published_line,
        pmcid_from_link,
        pmid_from_link,
        split_author_name,
        split_pages,
    )

    functions = (parse_citation_line, parse_published_line, split_pages, normalise_doi, doi_from_link,
                 pmid_from_link, pmcid_from_link, country_in_text, split_author_name, language_code,
                 country_code, clean_text)
    for function in functions:  # first calls build caches and import what they need: not what is measured
        function("2021;33(6):757-760 China")
    print(f"every normaliser on one input (seconds, best of {args.repeat}):")
    print(f"  {'case':<26} {args.length:>10,} ch {2 * args.length:>10,} ch   ratio")
    for label, make in NORMALISER_CASES.items():
        short, long = make(args.length), make(2 * args.length)
        seconds = [best_of(args.repeat, lambda text=text: [function(text) for function in functions])
                   for text in (short, long)]
        print(f"  {label:<26} {seconds[0]:13.4f} {seconds[1]:13.4f}   {seconds[1] / max(seconds[0], 1e-9):5.2f}")
    print(f"hostile exports, one read (seconds, best of {args.repeat}):")
    for label, (name, make) in READER_CASES.items():
        reader, text = formats.reader(name), make()
        print(f"  {label:<36} {best_of(args.repeat, lambda: reader.read(text)):8.4f}")  # noqa: B023 - called here


if __name__ == "__main__":
    main()
