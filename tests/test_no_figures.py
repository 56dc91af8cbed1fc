"""Docstrings and comments of the library hold no measured figures (seconds, megabytes, speed-ups, shares):
figures go stale where nobody re-measures them, so they live in docs/benchmarks.md, with the module and the
commit they were measured at, and the code says what it does and why in words."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import pytest

from tests.conftest import REPO

FIGURE = re.compile(r"[0-9](?:\.[0-9]+)? ?(?:s|ms|µs|us|MB|GB|x|%)\b|[0-9]+ times (?:faster|slower)")
#: Figures that are no measurement: an example of what a formatter prints.
NOT_MEASURED = {("exodata/release/zenodo.py", "1.2 MB")}
MODULES = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "exodata").rglob("*.py"))


def _prose(source: str) -> list[str]:
    """The comments and docstrings of a module."""
    texts = [token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            texts.append(ast.get_docstring(node, clean=False) or "")
    return texts


@pytest.mark.parametrize("module", MODULES)
def test_no_measured_figures_in_docstrings_or_comments(module):
    source = (REPO / module).read_text(encoding="utf-8")
    found = [match.group() for text in _prose(source) for match in FIGURE.finditer(text)]
    assert [figure for figure in found if (module, figure) not in NOT_MEASURED] == []
