"""Shared test fixtures: where the real registry snapshots and the bundled registry are."""

from __future__ import annotations

from pathlib import Path

import pytest

from secid_rdf.resources import bundled_registry_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
MARKDOWN_CORPUS = CORPORA / "secid-f1b7ea6" / "registry"
JSON_CORPUS = CORPORA / "secid-7df975b" / "registry"


@pytest.fixture(scope="session")
def markdown_corpus() -> Path:
    """The Feb 2026 registry snapshot: Markdown only, reverse-DNS layout."""
    if not MARKDOWN_CORPUS.is_dir():
        pytest.fail(f"corpus missing: {MARKDOWN_CORPUS} (../shared must sit beside the project)")
    return MARKDOWN_CORPUS


@pytest.fixture(scope="session")
def json_corpus() -> Path:
    """The May 2026 registry snapshot: JSON plus Markdown twins."""
    if not JSON_CORPUS.is_dir():
        pytest.fail(f"corpus missing: {JSON_CORPUS} (../shared must sit beside the project)")
    return JSON_CORPUS


@pytest.fixture(scope="session")
def bundled_registry() -> Path:
    """The registry that ships with secid-rdf."""
    return bundled_registry_path()
