"""Readers: one module per seed format, each a pair of small pure functions.

``accepts(text) -> bool`` says whether the reader recognises the decoded text of a seed, and
``read(text) -> Iterable[RawRecord]`` returns every record in it, each value a :class:`~exodata.ingest.model.Located`
slice of ``text``.  A reader never raises on bad input: a record it cannot use comes back with
``quarantine`` set.  Each reader module has its entry in the format registry, :mod:`exodata.ingest.formats`,
which detects a seed's format and imports the module that reads it.
"""
