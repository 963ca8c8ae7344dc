"""``validate REGISTRY FILE...`` checks only those files, and finds what a full run finds there.

The rest of the registry is known from an index cached by content: links from the files
checked to namespaces and sources elsewhere are judged against it, a file that repeats a
namespace defined elsewhere is reported, and an index entry is rebuilt as soon as its file
changes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from secid_rdf.findings import Finding
from secid_rdf.validate.shacl import validate_registry
from tests.conftest import JSON_CORPUS, require_corpus

CHECKED = (
    "control/org/isaca.json",  # examples off their patterns
    "advisory/org/aiaaic.md",  # a twin: disagrees with its JSON file; operator missing
    "capability/com/amazon/aws/iam.json",  # cross references, found and missing
    "advisory/org/mitre.json",  # an operator that exists elsewhere: no finding
)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty cache folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def full_run() -> tuple[Finding, ...]:
    """Every finding of a full run on the May 2026 corpus."""
    return validate_registry(require_corpus(JSON_CORPUS)).findings


def in_files(findings: tuple[Finding, ...], files: set[str]) -> list[Finding]:
    return [f for f in findings if f.location is not None and f.location.file in files]


@pytest.mark.parametrize("rel", CHECKED)
def test_one_file_gets_the_findings_of_a_full_run(rel: str, full_run: tuple[Finding, ...]) -> None:
    checked = validate_registry(JSON_CORPUS, only={rel}).findings
    assert list(checked) == in_files(full_run, {rel})
    assert checked or rel == "advisory/org/mitre.json"


def test_several_files_cold_then_cached(full_run: tuple[Finding, ...]) -> None:
    files = set(CHECKED)
    cold = validate_registry(JSON_CORPUS, only=files).findings
    cached = validate_registry(JSON_CORPUS, only=files).findings
    assert list(cold) == list(cached) == in_files(full_run, files)


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Path]:
    """A registry of a few corpus files: an advisory whose operator entity is missing."""
    root = tmp_path / "registry"
    for rel in ("advisory/com/alibaba.md", "entity/org/mitre.json", "advisory/org/mitre.json"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(require_corpus(JSON_CORPUS) / rel, root / rel)
    yield root


def rules_in(root: Path, rel: str) -> list[str]:
    return [f.rule for f in validate_registry(root, only={rel}).findings]


def test_a_changed_file_in_the_index_is_read_again(registry: Path) -> None:
    checked = "advisory/com/alibaba.md"
    missing = "secidsh:Namespace-operatorExists"
    assert missing in rules_in(registry, checked)  # and the index is now cached
    entity = registry / "entity/com/alibaba.json"
    entity.parent.mkdir(parents=True)
    text = (registry / "entity/org/mitre.json").read_text(encoding="utf-8")
    entity.write_text(text.replace('"mitre.org"', '"alibaba.com"', 1), encoding="utf-8")
    assert missing not in rules_in(registry, checked)  # a new file
    entity.write_text(text.replace('"mitre.org"', '"alibaba.example"', 1), encoding="utf-8")
    assert missing in rules_in(registry, checked)  # a changed file
    entity.write_text(text.replace('"mitre.org"', '"alibaba.com"', 1), encoding="utf-8")
    assert missing not in rules_in(registry, checked)
    entity.unlink()
    assert missing in rules_in(registry, checked)  # a removed file


def test_a_namespace_repeated_in_a_new_file_is_reported_there(registry: Path) -> None:
    copy = registry / "advisory/org/mitre-copy.json"
    shutil.copyfile(registry / "advisory/org/mitre.json", copy)
    rel = "advisory/org/mitre-copy.json"
    messages = [f.message for f in validate_registry(registry, only={rel}).findings]
    assert any("already defined in advisory/org/mitre.json" in m for m in messages)
    assert validate_registry(registry, only={"advisory/org/mitre.json"}).findings == ()


def test_a_copy_that_is_not_used_is_not_told_where_it_belongs(registry: Path) -> None:
    rel = "advisory/org/mitre-copy.json"
    shutil.copyfile(registry / "advisory/org/mitre.json", registry / rel)
    (finding,) = in_files(validate_registry(registry).findings, {rel})
    assert finding.message.endswith("this file is not used")


def test_a_copy_at_the_flat_path_is_reported_not_the_original(registry: Path) -> None:
    original, copy = "advisory/org/mitre.json", "advisory/mitre.org.json"
    shutil.copyfile(registry / original, registry / copy)
    full = validate_registry(registry).findings
    assert in_files(full, {original}) == []
    (finding,) = in_files(full, {copy})
    assert finding.message.startswith(
        f"advisory namespace 'mitre.org' is already defined in {original}"
    )
    assert list(validate_registry(registry, only={copy}).findings) == [finding]
    assert validate_registry(registry, only={original}).findings == ()


def test_an_operator_that_is_not_a_secid_is_found_in_the_twin_that_writes_it(
    registry: Path,
) -> None:
    rel = "advisory/org/mitre.md"
    text = (require_corpus(JSON_CORPUS) / rel).read_text(encoding="utf-8")
    line = text[: text.index("operator:")].count("\n") + 1
    (registry / rel).write_text(
        text.replace('operator: "secid:entity/mitre.org"', 'operator: "MITRE Corporation"'),
        encoding="utf-8",
    )
    full = validate_registry(registry).findings
    (finding,) = [f for f in full if f.rule == "convert-reference"]
    assert finding.location is not None
    assert (finding.location.file, finding.location.line, finding.location.field) == (
        rel,
        line,
        "operator",
    )
    assert "secid:entity/<domain>" in finding.message  # nothing of this registry
    assert finding in validate_registry(registry, only={rel}).findings
