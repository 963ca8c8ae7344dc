"""docs/mapping.md covers every key path the corpora hold and names only real terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from secid_rdf.convert.builder import Conversion
from secid_rdf.model import Registry
from secid_rdf.read.stats import registry_stats
from secid_rdf.vocab import SECID, SECID_CLASSES, SECID_PROPERTIES

MAPPING = Path(__file__).resolve().parent.parent / "docs" / "mapping.md"
ROW = re.compile(r"^\|(?P<key>[^|]*)\|(?P<rdf>[^|]*)\|(?P<notes>[^|]*)\|\s*$")
CODE = re.compile(r"`([^`]+)`")


def rows() -> list[tuple[str, str, str]]:
    """The (key, RDF, notes) cells of every three-column table row, headers left out."""
    found = []
    for line in MAPPING.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and not set(match["key"].strip()) <= {"-"} and match["key"].strip() != "key":
            found.append((match["key"].strip(), match["rdf"].strip(), match["notes"].strip()))
    return found


def documented_paths() -> set[str]:
    return {path for key, _, _ in rows() for path in CODE.findall(key)}


@pytest.mark.parametrize("corpus", ["markdown-sample", "json-sample", "markdown", "json"])
def test_every_key_path_stats_reports_is_documented(
    corpus: str, corpus_conversions: dict[str, tuple[Registry, Conversion]]
) -> None:
    registry, _ = corpus_conversions[corpus]
    reported = set(registry_stats(registry).extras)
    assert reported, "the corpus should report some extra keys"
    missing = sorted(reported - documented_paths())
    assert missing == [], f"add these key paths to {MAPPING.name}: {missing}"


def test_every_row_names_a_term_or_says_why_not() -> None:
    for key, rdf, _ in rows():
        assert rdf, f"row {key!r} says nothing"
        assert CODE.search(rdf) or rdf.startswith("not exported, because"), key


def test_every_secid_term_named_in_the_document_exists() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    # secido:<name> not followed by "-" (minted concepts) or "/" (SecID strings)
    named = set(re.findall(r"\bsecido:([A-Za-z][A-Za-z0-9]*)\b(?![-/<])", text))
    assert named - set(SECID) == set()


def test_the_document_covers_every_class_and_property_of_the_ontology() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    absent = [
        name
        for name in (*SECID_CLASSES, *SECID_PROPERTIES)
        if f"secido:{name}`" not in text and f"secido:{name} " not in text
    ]
    assert absent == []
