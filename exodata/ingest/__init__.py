"""The per-seed stages of a build: decode, read, normalise, annotate, stage.

Each is a pure function of one seed file (see ``compile.py`` and ``staging.py``), so this part of a build runs
in worker processes, or on any engine that maps a Python function over files.
"""
