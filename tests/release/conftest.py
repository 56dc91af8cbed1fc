"""The fake Zenodo fixture, for the release tests."""

from tests.release.fake_zenodo import fake_zenodo  # noqa: F401 - a fixture, found by pytest through this import
