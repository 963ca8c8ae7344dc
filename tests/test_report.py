"""Finding renderers: every format is valid for the tool that reads it and says where to look."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secid_rdf.findings import Finding, Location, Severity, UnsupportedFormatError
from secid_rdf.validate.report import REPORT_FORMATS, render_findings

FINDINGS = [
    Finding(
        Location("reference/aisi.md", 14, "sources.uk.urls.website"),
        Severity.ERROR,
        "secidsh:UrlLink-target",
        "not an absolute http(s) IRI: 'not a url'",
    ),
    Finding(
        Location("reference/aisi.md", 4, "operator"),
        Severity.WARNING,
        "secidsh:Namespace-operatorExists",
        "names no entity, 100%\nreally",
    ),
    Finding(Location("entity/aisi.md", None, None), Severity.INFO, "R9", "a note"),
    Finding(None, Severity.ERROR, "SRD001", "registry-wide problem"),
]


def test_text_lists_findings_sorted_then_counts_by_severity_and_rule() -> None:
    lines = render_findings(FINDINGS, "text").splitlines()
    assert lines[:4] == [
        "<registry>: error: registry-wide problem",
        "entity/aisi.md: info: a note",
        "reference/aisi.md:4: warning: operator: names no entity, 100%\\nreally",
        (
            "reference/aisi.md:14: error: sources.uk.urls.website: not an absolute http(s) IRI: "
            "'not a url'"
        ),
    ]
    assert "2 errors, 1 warning, 1 info" in lines
    assert any(line.split() == ["1", "error", "SRD001"] for line in lines)
    assert any(
        line.split() == ["1", "warning", "secidsh:Namespace-operatorExists"] for line in lines
    )


def test_text_prefix_puts_paths_under_the_registry_folder() -> None:
    text = render_findings(FINDINGS[:1], "text", path_prefix="registry/")
    assert text.startswith("registry/reference/aisi.md:14: error: ")


def test_json_is_parseable_and_keeps_every_field() -> None:
    doc = json.loads(render_findings(FINDINGS, "json", path_prefix="registry"))
    assert doc["summary"] == {"error": 2, "warning": 1, "info": 1}
    first = doc["findings"][0]
    assert first == {"severity": "error", "rule": "SRD001", "message": "registry-wide problem"}
    located = next(f for f in doc["findings"] if f.get("line") == 14)
    assert located["file"] == "registry/reference/aisi.md"
    assert located["field"] == "sources.uk.urls.website"


def test_github_commands_escape_newlines_and_carry_file_and_line() -> None:
    out = render_findings(FINDINGS, "github", path_prefix="registry").splitlines()
    assert len(out) == len(FINDINGS)  # a newline in a message must not start a new command
    assert (
        "::warning file=registry/reference/aisi.md,line=4,"
        "title=secidsh%3ANamespace-operatorExists::operator: names no entity, 100%25%0Areally"
    ) in out
    assert "::notice file=registry/entity/aisi.md,title=R9::a note" in out
    assert "::error title=SRD001::registry-wide problem" in out


def test_sarif_has_the_structure_code_scanning_requires() -> None:
    log = json.loads(render_findings(FINDINGS, "sarif", path_prefix="registry"))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "secid-rdf"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(run["results"]) == len(FINDINGS)
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
    located = next(r for r in run["results"] if r["ruleId"] == "secidsh:UrlLink-target")
    physical = located["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "registry/reference/aisi.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"]["startLine"] == 14
    info = next(r for r in run["results"] if r["ruleId"] == "R9")
    assert info["level"] == "note"
    assert "region" not in info["locations"][0]["physicalLocation"]  # no line: no region


@pytest.mark.parametrize("fmt", sorted(REPORT_FORMATS))
def test_every_format_is_deterministic_whatever_the_input_order(fmt: str) -> None:
    assert render_findings(FINDINGS, fmt) == render_findings(FINDINGS[::-1], fmt)


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        render_findings([], "xml")
    assert "sarif" in str(info.value)


SARIF_SCHEMA_FILE = Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


def test_sarif_validates_against_the_sarif_schema_with_awkward_paths() -> None:
    import jsonschema

    awkward = "reg istry #1/Überblick"
    findings = [
        Finding(Location("advisory/com/a b#c/Grüße.json", 3), Severity.ERROR, "read", "x"),
        *FINDINGS,
    ]
    root = Path("/home/runner/work/my registry")
    log = json.loads(render_findings(findings, "sarif", path_prefix=awkward, root=root))
    schema = json.loads(SARIF_SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    assert run_["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": "file:///home/runner/work/my%20registry/"}
    }
    read = next(r for r in run_["results"] if r["ruleId"] == "read")
    artifact = read["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {
        "uri": "reg%20istry%20%231/%C3%9Cberblick/advisory/com/a%20b%23c/Gr%C3%BC%C3%9Fe.json",
        "uriBaseId": "%SRCROOT%",
    }
    for rule in run_["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"], rule["id"]
        assert rule["helpUri"].startswith("https://w3id.org/secid/shapes#"), rule["id"]
    descriptions = {r["id"]: r["fullDescription"]["text"] for r in run_["tool"]["driver"]["rules"]}
    assert descriptions["secidsh:UrlLink-target"].startswith("A link needs exactly one")
    assert "not UTF-8" in descriptions["read"]


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_characters_that_are_not_printable_are_escaped_in_each_line(fmt: str) -> None:
    hostile = "found \u202egpj.exe\x1b[2J\u2028end"
    finding = Finding(Location("a.md", 3, "status"), Severity.ERROR, "R1", hostile)
    line = render_findings([finding], fmt).splitlines()[0]
    assert line.isprintable()
    assert line.endswith("found \\u202egpj.exe\\x1b[2J\\u2028end")
