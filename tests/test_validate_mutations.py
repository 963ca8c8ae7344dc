"""The gate catches single-key changes to real registry files, each at the changed line.

A small registry is made of copies of real files of the May 2026 corpus: a JSON namespace
file (``advisory/org/mitre.json``), its Markdown twin (``advisory/org/mitre.md``), a
Markdown file without a twin (``control/documentation.md``) and two JSON files with date
fields. Each mutation changes one key in one copy; validation must then report a new
finding of the expected rule and severity at the changed line (errors make ``validate``
exit 1; the warnings are the documented ones). The table in ``docs/validation.md`` lists
the same cases.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import JSON_CORPUS, require_corpus

from secid_rdf.findings import Finding, Severity
from secid_rdf.validate.shacl import validate_registry

FILES = (
    "advisory/org/mitre.json",
    "advisory/org/mitre.md",
    "entity/org/mitre.json",
    "entity/org/mitre.md",
    "control/documentation.md",
    "reference/com/oracle.json",
    "control/io/github/jailbreakbench.json",
)
JSON = "advisory/org/mitre.json"
TWIN = "advisory/org/mitre.md"
ALONE = "control/documentation.md"
E, W = Severity.ERROR, Severity.WARNING


class Mutation(NamedTuple):
    """Replace ``old`` (its first occurrence) by ``new`` in ``file``; expect ``rule``."""

    file: str
    old: str
    new: str
    rule: str
    severity: Severity
    line: int | None = None  # where the finding goes when the changed line is gone


MUTATIONS = {
    # JSON namespace file
    "json status outside the enum": Mutation(
        JSON, '"status": "draft",', '"status": "bogus",', "schema", E
    ),
    "json required status removed": Mutation(JSON, '  "status": "draft",\n', "", "schema", E, 1),
    "json unknown key": Mutation(JSON, '"weight": 100,', '"wieght": 100,', "schema", E),
    "json open_pattern not allowed": Mutation(
        JSON, '"weight": 100,', '"weight": 100, "open_pattern": true,', "schema", E
    ),
    "json weight out of range": Mutation(
        JSON, '"weight": 100,', '"weight": 500,', "secidsh:Entry-weight", E
    ),
    "json child example off its pattern": Mutation(
        JSON,
        '{"input": "CVE-2024-1234", "url"',
        '{"input": "CVE-24-1", "url"',
        "example-pattern",
        E,
    ),
    "json node example off every pattern below": Mutation(
        JSON, '"examples": ["CVE-2024-1234",', '"examples": ["cve-notes",', "example-pattern", E
    ),
    "json http link": Mutation(
        JSON, '"url": "https://www.cve.org",', '"url": "http://www.cve.org",', "link-http", W
    ),
    "json HTML entity in a URL": Mutation(
        JSON,
        '"url": "https://cveawg.mitre.org/api",',
        '"url": "https://cveawg.mitre.org/api?a=1&amp;b=2",',
        "link-html-entity",
        W,
    ),
    "json link that is not a URL": Mutation(
        JSON,
        '"url": "https://github.com/CVEProject/cvelistV5",',
        '"url": "cvelistV5 on GitHub",',
        "convert-iri",
        E,
    ),
    "json pattern that does not compile": Mutation(
        JSON,
        '"patterns": ["^CVE-\\\\d{4}-\\\\d{4,}$"],',
        '"patterns": ["^CVE-[\\\\d{4}"],',
        "secidsh:regex-compiles",
        E,
    ),
    "json checked not a calendar date": Mutation(
        "reference/com/oracle.json",
        '"checked": "2026-03-06",',
        '"checked": "2026-13-45",',
        "date",
        E,
    ),
    "json release_date not ISO": Mutation(
        "control/io/github/jailbreakbench.json",
        '"release_date": null,',
        '"release_date": "29/10/2003",',
        "date",
        E,
    ),
    # Markdown file without a twin
    "markdown status unknown": Mutation(
        ALONE, "status: active", "status: bogus", "secidsh:Namespace-status", E
    ),
    "markdown operator of another type": Mutation(
        ALONE,
        'operator: "secid:entity/various"',
        'operator: "secid:reference/various"',
        "operator-type",
        E,
    ),
    "markdown http website": Mutation(
        ALONE,
        'website: "https://modelcards.withgoogle.com"\nstatus',
        'website: "http://modelcards.withgoogle.com"\nstatus',
        "link-http",
        W,
    ),
    "markdown operator that is not a SecID": Mutation(
        ALONE,
        'operator: "secid:entity/various"',
        'operator: "Various"',
        "convert-reference",
        E,
    ),
    "markdown HTML entity in a URL": Mutation(
        ALONE,
        'website: "https://modelcards.withgoogle.com"\nstatus',
        'website: "https://modelcards.withgoogle.com/?a=1&amp;b=2"\nstatus',
        "link-html-entity",
        W,
    ),
    "markdown example of another namespace": Mutation(
        ALONE,
        '- "secid:control/documentation/model-cards"',
        '- "secid:control/other/model-cards"',
        "secidsh:Example-belongs",
        E,
    ),
    "markdown link that is not a URL": Mutation(
        ALONE,
        'paper: "https://arxiv.org/abs/1810.03993"',
        'paper: "arXiv 1810.03993"',
        "convert-iri",
        E,
    ),
    "markdown pattern that does not compile": Mutation(
        ALONE,
        'full_name: "Datasheets for Datasets"',
        'id_pattern: "[a-z"',
        "secidsh:regex-compiles",
        E,
    ),
    "markdown deprecated_date not a calendar date": Mutation(
        ALONE,
        'full_name: "System Cards"',
        'deprecated_date: "2025-02-30"',
        "date",
        E,
    ),
    # Markdown twin of a JSON file: judged on its own, and against the JSON file
    "twin status unknown": Mutation(
        TWIN, "status: active", "status: bogus", "secidsh:Namespace-status", E
    ),
    "twin example off its pattern": Mutation(
        TWIN,
        '- "secid:advisory/mitre.org/cve#CVE-2024-1234"',
        '- "secid:advisory/mitre.org/cve#CVE-24-1"',
        "example-pattern",
        E,
    ),
    "twin @version example off its pattern": Mutation(
        TWIN,
        '- "secid:advisory/mitre.org/cve#CVE-2023-44487"',
        '- "secid:advisory/mitre.org/cve@5#2023-44487"',
        "example-pattern",
        E,
    ),
    "twin name disagrees with the JSON": Mutation(
        TWIN, 'full_name: "MITRE Corporation"', 'full_name: "Mitre Labs"', "twin-disagrees", W
    ),
    "twin website disagrees with the JSON": Mutation(
        TWIN,
        'website: "https://www.mitre.org"',
        'website: "https://www.mitre.example"',
        "twin-disagrees",
        W,
    ),
    "twin http website": Mutation(
        TWIN, 'website: "https://www.mitre.org"', 'website: "http://www.mitre.org"', "link-http", W
    ),
    "twin operator of another type": Mutation(
        TWIN,
        'operator: "secid:entity/mitre.org"',
        'operator: "secid:advisory/mitre.org"',
        "operator-type",
        E,
    ),
    "twin operator that is not a SecID": Mutation(
        TWIN,
        'operator: "secid:entity/mitre.org"',
        'operator: "MITRE Corporation"',
        "convert-reference",
        E,
    ),
    "twin operator names no entity": Mutation(
        TWIN,
        'operator: "secid:entity/mitre.org"',
        'operator: "secid:entity/nobody.example"',
        "secidsh:Namespace-operatorExists",
        W,
    ),
    "twin HTML entity in a URL": Mutation(
        TWIN,
        'api: "https://cveawg.mitre.org/api"',
        'api: "https://cveawg.mitre.org/api?a=1&amp;b=2"',
        "link-html-entity",
        W,
    ),
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[Finding]]:
    corpus = require_corpus(JSON_CORPUS)
    root = tmp_path_factory.mktemp("baseline") / "registry"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, root / rel)
    return root, set(validate_registry(root).findings)


def test_the_baseline_copies_have_no_errors(baseline: tuple[Path, set[Finding]]) -> None:
    _, findings = baseline
    assert [str(f) for f in findings if f.severity is Severity.ERROR] == []


def test_there_are_enough_mutations_of_each_kind_of_file() -> None:
    assert len(MUTATIONS) >= 25
    for file in (JSON, TWIN, ALONE):
        assert sum(m.file == file for m in MUTATIONS.values()) >= 7


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_single_key_change_is_caught_at_its_line(
    name: str, baseline: tuple[Path, set[Finding]], tmp_path: Path
) -> None:
    source, before = baseline
    mutation = MUTATIONS[name]
    root = tmp_path / "registry"
    shutil.copytree(source, root)
    path = root / mutation.file
    text = path.read_text(encoding="utf-8")
    assert mutation.old in text, f"{name}: {mutation.old!r} is not in {mutation.file}"
    at = text.index(mutation.old)
    path.write_text(text.replace(mutation.old, mutation.new, 1), encoding="utf-8")
    line = mutation.line or text.count("\n", 0, at) + 1 + mutation.old[:0].count("\n")
    validation = validate_registry(root)
    new = [f for f in validation.findings if f not in before]
    wanted = [
        f
        for f in new
        if f.rule == mutation.rule
        and f.severity is mutation.severity
        and f.location is not None
        and (f.location.file, f.location.line) == (mutation.file, line)
    ]
    assert wanted, f"{name}: no {mutation.rule} at {mutation.file}:{line}; new: {new}"
    if mutation.severity is Severity.ERROR:
        assert validation.count(Severity.ERROR) > 0  # validate exits 1
