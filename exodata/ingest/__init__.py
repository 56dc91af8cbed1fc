"""The per-seed stages of a build: decode, detect, read, normalise, annotate, stage.

Each is a pure function of one seed file (``compile.py`` runs the first five, guarded; ``annotate.py`` and
``staging.py`` are the last two), so this part of a build runs in worker processes, or on any engine that maps
a Python function over files.
"""
