"""The curated vocabulary of exodata and the tools that apply it to publications.

>>> from exodata.ingest.vocabulary import load_vocabulary, Annotator, extract_quantities
>>> annotator = Annotator(load_vocabulary())
>>> [m.text for m in annotator.annotate({"title": "MSC-derived exosomes in acute liver failure"}, [])]
['MSC', 'acute liver failure']

The concepts live in the TOML files beside this module (one per category); ``concepts.py`` reads them,
``matcher.py`` finds their mentions, ``quantities.py`` finds the vesicle sizes, doses and particle concentrations a
record states.  The categories are declared in ``exodata/metadata/tables.py``; ``docs/vocabulary.md`` gives their
conventions.
"""

from __future__ import annotations

from exodata.ingest.vocabulary.concepts import CATEGORIES, Concept, load_stoplist, load_vocabulary
from exodata.ingest.vocabulary.matcher import Annotator, Mention
from exodata.ingest.vocabulary.quantities import Quantity, extract_quantities

__all__ = [
    "CATEGORIES",
    "Annotator",
    "Concept",
    "Mention",
    "Quantity",
    "extract_quantities",
    "load_stoplist",
    "load_vocabulary",
]
