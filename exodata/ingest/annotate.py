"""The annotate stage: concept mentions and vesicle quantities found in one normalised record.

Annotation is a pure function of one record's values, so it runs in the per-file stage (in worker processes
with ``--jobs``): the merge keeps the annotations of the record whose value it keeps, and no corpus-wide view
is needed.  Offsets refer to the record's normalised strings, which are exactly what a publication keeps.
"""

from __future__ import annotations

from functools import cache

from exodata.ingest.model import Record
from exodata.metadata.tables import ANNOTATED_FIELDS, QUANTITY_FIELDS


@cache
def annotator():
    """One annotator per process: the vocabulary is read and its automaton built once."""
    from exodata.ingest.vocabulary import Annotator, load_vocabulary

    return Annotator(load_vocabulary())


def annotate_record(record: Record) -> None:
    """Set the record's mentions (in its annotated fields and keywords) and quantities (in its quantity fields)."""
    from exodata.ingest.vocabulary import extract_quantities

    fields = {name: record.get(name) for name in ANNOTATED_FIELDS}
    record.mentions = annotator().annotate(fields, [keyword.value for keyword in record.keywords])
    record.quantities = [quantity for name in QUANTITY_FIELDS if fields[name]
                         for quantity in extract_quantities(name, fields[name])]
