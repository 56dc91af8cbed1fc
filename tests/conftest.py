"""Shared test fixtures.

The conformance material lives outside the repository, in the project's ``shared`` folder: the dev
fixtures (documents plus gold JSON) and the pinned ontology files.  Tests find it through two
environment variables, which ``.ci/run`` sets:

* ``EXODATA_FIXTURES``: the ``fixtures`` folder (holding ``dev/`` and ``seeds/``);
* ``EXODATA_ONTOLOGY``: the ``ontology`` folder.

When a variable is unset the tests look for ``../shared`` beside the checkout; when the material cannot
be found they are skipped with a message that names the variable to set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: Hypothesis settings for the whole suite.  No per-example deadline: the suite runs with ``-n 8`` on a
#: 2-core machine shared with other work, where an example that takes 5 ms alone can take over a second, and
#: Hypothesis' default deadline (200 ms) then fails a test that found nothing wrong.  The same goes for the
#: ``too_slow`` health check (generating the examples, not running them).  How long code takes is measured
#: by the scripts in ``benchmarks/``, never asserted by a test.
settings.register_profile("exodata", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("exodata")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _shared(variable: str, folder: str) -> Path | None:
    given = os.environ.get(variable)
    if given:
        path = Path(given)
        if not path.is_dir():
            raise pytest.UsageError(f"{variable}={given} is not a directory")
        return path
    guess = REPO.parent / "shared" / folder
    return guess if guess.is_dir() else None


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    path = _shared("EXODATA_FIXTURES", "fixtures")
    if path is None:
        pytest.skip("needs the shared fixtures: set EXODATA_FIXTURES=/path/to/shared/fixtures")
    return path


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    path = _shared("EXODATA_ONTOLOGY", "ontology")
    if path is None:
        pytest.skip("needs the pinned ontology files: set EXODATA_ONTOLOGY=/path/to/shared/ontology")
    return path


def load_gold(fixtures: Path) -> list[tuple[Path, dict]]:
    """Every (document path, gold dict) pair of the dev fixtures and the seed gold."""
    pairs = []
    for gold_file in sorted((fixtures / "dev" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pairs.append((fixtures / "dev" / "docs" / gold["doc"], gold))
    for gold_file in sorted((fixtures / "seeds" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pairs.append((SEEDS / gold["doc"], gold))
    return pairs


@pytest.fixture(scope="session")
def gold_pairs(fixtures_dir: Path) -> list[tuple[Path, dict]]:
    return load_gold(fixtures_dir)
