"""docs/architecture.md names modules that exist: a move or a rename updates it, or this fails."""

from __future__ import annotations

import re

from tests.conftest import REPO

ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_module_path_in_the_architecture_exists():
    paths = set(re.findall(r"exodata/[\w/]*\w(?:\.\w+|/)?", ARCHITECTURE)) - {"exodata/ingest/readers/<fmt>.py"}
    assert len(paths) > 20, "the paths were not found: update this test with docs/architecture.md"
    missing = sorted(path for path in paths if not (REPO / path).exists())
    assert missing == []


def test_the_flow_names_the_stages_in_order():
    stages = re.findall(r"^  → (\w+) +exodata/", ARCHITECTURE, flags=re.M)
    assert stages == ["decode", "detect", "read", "normalise", "annotate", "stage", "merge", "assemble", "check",
                      "write"]
