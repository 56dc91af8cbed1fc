"""A built package: writing it, checking it, reading it back, loading it and comparing two versions of it.

Nothing heavy is imported here: ``exodata.load()`` goes through :mod:`exodata.package.loading`, which needs
only JSON and Parquet.
"""
