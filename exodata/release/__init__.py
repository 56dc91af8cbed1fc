"""Releasing the dataset: ``exodata.release.zenodo`` uploads a built release to Zenodo.

Nothing is imported here, so ``import exodata`` stays cheap; ``requests`` is imported only when an upload runs.
"""
