"""Which examples that miss their patterns are registry errors and which are warnings.

Real files of the May 2026 corpus, each validated alone: a source's example that is meant
as a name must match the source's pattern (an error), while an example that may be an item
of a subpath nothing describes is a warning, and ``name@version`` is judged by its name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secid_rdf.findings import Severity
from secid_rdf.validate.examples import RULE_EXAMPLE
from secid_rdf.validate.shacl import validate_registry
from tests.conftest import JSON_CORPUS, require_corpus


def example_verdicts(rel: str, tmp_path: Path) -> dict[tuple[int, str], Severity]:
    """(line, example) → severity of each example-pattern finding of one corpus file."""
    root = tmp_path / "registry"
    (root / rel).parent.mkdir(parents=True)
    shutil.copyfile(require_corpus(JSON_CORPUS) / rel, root / rel)
    found = {}
    for finding in validate_registry(root).findings:
        if finding.rule == RULE_EXAMPLE and finding.location is not None:
            line = finding.location.line or 0
            found[(line, finding.message.split("'")[1])] = finding.severity
    return found


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        # a variant of the source's one name: the pattern should accept it
        (
            "control/org/isaca.json",
            {(65, "cmmi-dev"): Severity.ERROR, (69, "cmmi-cyber"): Severity.ERROR},
        ),
        (
            "control/org/ieee.json",
            {
                (96, "1609.2"): Severity.ERROR,
                (97, "1609.3"): Severity.ERROR,
                (98, "1609.4"): Severity.ERROR,
                (615, "human-rights"): Severity.WARNING,
                (616, "well-being"): Severity.WARNING,
            },
        ),
        # its sibling example ts-103-744 is a name the pattern accepts
        ("control/org/etsi.json", {(88, "tr-103-619"): Severity.ERROR}),
        # a pattern that is more than a literal name says what the names look like
        ("control/org/iso.json", {(817, "80001-5-1"): Severity.ERROR}),
        # sections of a framework, given as examples of its source: a warning each
        (
            "control/com/amazon.json",
            {
                (35, "operational-excellence"): Severity.WARNING,
                (35, "reliability"): Severity.WARNING,
                (35, "security"): Severity.WARNING,
            },
        ),
        # isa@6 is the source isa at version 6
        ("control/com/enx.json", {}),
    ],
    ids=[
        "variant",
        "dotted-variant",
        "sibling-is-a-name",
        "regex-name",
        "subpath-items",
        "version",
    ],
)
def test_an_example_off_its_pattern_is_an_error_when_meant_as_a_name(
    rel: str, expected: dict[tuple[int, str], Severity], tmp_path: Path
) -> None:
    assert example_verdicts(rel, tmp_path) == expected
