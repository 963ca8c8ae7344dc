"""``secid-rdf validate``, the CI gate for registry changes.

It fails on real mistakes, warns on doubtful data, and points at the registry file and line
to change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import JSON_CORPUS, registry_path, require_corpus

from secid_rdf.cli import main
from secid_rdf.findings import Severity, sort_findings
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.read.registry import parse_namespace_files, read_registry
from secid_rdf.validate.data_files import validate_data
from secid_rdf.validate.file_checks import check_file
from secid_rdf.validate.shacl import registry_findings, validate_registry
from secid_rdf.validate.store_checks import RULE_REGEX, RULE_TERM

SEED = "reference/aisi.md"
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


def run(*args: str) -> Result:
    """Invoke the command line in-process."""
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


@pytest.fixture
def registry(tmp_path: Path, bundled_registry: Path) -> Path:
    """A private copy of the bundled registry that a test may edit."""
    copy = tmp_path / "registry"
    shutil.copytree(bundled_registry, copy)
    return copy


def edit(registry: Path, old: str, new: str) -> int:
    """Replace one line of the seed file; returns that line's number (1-based)."""
    path = registry / SEED
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    matches = [i for i, line in enumerate(lines) if line.rstrip("\n") == old]
    assert len(matches) == 1, f"{old!r} is not exactly one line of {SEED}"
    lines[matches[0]] = new + "\n" if new else ""
    path.write_text("".join(lines), encoding="utf-8")
    return matches[0] + 1


def line_of(registry: Path, text: str) -> int:
    """The number of the only line of the seed file equal to ``text``."""
    lines = (registry / SEED).read_text(encoding="utf-8").splitlines()
    assert lines.count(text) == 1
    return lines.index(text) + 1


def test_bundled_registry_validates_clean() -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 errors, 0 warnings, 0 info\n")


# Each case: (what the user does to the seed file, the rule that must fire at that line).
Change = Callable[[Path], int]


def bogus_status(registry: Path) -> int:
    return edit(registry, "status: active", "status: bogus")


def url_not_a_url(registry: Path) -> int:
    return edit(
        registry,
        '      research: "https://www.aisi.gov.uk/research"',
        '      research: "not a url"',
    )


def url_javascript(registry: Path) -> int:
    return edit(
        registry,
        '      research: "https://www.aisi.gov.uk/research"',
        '      research: "JavaScript:alert(document.cookie)"',
    )


def example_in_other_namespace(registry: Path) -> int:
    return edit(
        registry, '      - "secid:reference/aisi/japan"', '      - "secid:reference/nist/japan"'
    )


def full_name_removed(registry: Path) -> int:
    key_line = line_of(registry, "  us:")
    edit(registry, '    full_name: "US AI Safety Institute"', "")
    return key_line


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        (bogus_status, "secidsh:Namespace-status", "bogus"),
        (url_not_a_url, "convert-iri", "not a url"),
        (url_javascript, "convert-iri", "is not a web URL (JavaScript: is not one of"),
        (example_in_other_namespace, "secidsh:Example-belongs", "secid:reference/nist/japan"),
        (full_name_removed, "secidsh:Source-label", "no name"),
    ],
    ids=["status-bogus", "url-not-a-url", "url-javascript", "example-moved", "full-name-removed"],
)
def test_one_mistake_fails_at_its_line(
    registry: Path, change: Change, rule: str, words: str
) -> None:
    line = change(registry)
    result = run(str(registry), "--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    assert len(errors) == 1, errors
    (error,) = errors
    assert (error["file"], error["line"], error["rule"]) == (SEED, line, rule)
    assert words in error["message"]


def test_unknown_operator_is_a_warning_not_a_failure(registry: Path) -> None:
    line = edit(
        registry, 'operator: "secid:entity/aisi"', 'operator: "secid:entity/nobody.example"'
    )
    result = run(str(registry))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"{SEED}:{line}: warning: operator: operator names no namespace or source"
    )
    assert "secid:entity/nobody.example" in result.output
    assert run(str(registry), "--strict").exit_code == 1


def test_reader_errors_count_as_violations_with_their_own_lines(registry: Path) -> None:
    broken = registry / "reference" / "broken.md"
    broken.write_text("---\ntype: reference\nnamespace: [unclosed\n---\n", encoding="utf-8")
    result = run(str(registry), "--format", "json")
    assert result.exit_code == 1
    located = [
        f for f in json.loads(result.output)["findings"] if f["file"] == "reference/broken.md"
    ]
    assert located and all(f["severity"] == "error" and f.get("line") for f in located)


def test_invalid_regex_is_one_error_at_the_pattern(registry: Path) -> None:
    line = edit(
        registry,
        '    full_name: "Japan AI Safety Institute"',
        '    full_name: "Japan AI Safety Institute"\n    id_pattern: "[a-z"',
    )
    findings = validate_registry(registry).findings
    assert [(f.location.line if f.location else None, f.rule, f.severity) for f in findings] == [
        (line + 1, RULE_REGEX, Severity.ERROR)
    ]


def test_github_and_sarif_paths_are_relative_to_the_checkout(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(registry, "status: active", "status: bogus")
    monkeypatch.chdir(registry.parent)
    github = run("registry", "--format", "github").output
    assert github.startswith("::error file=registry/reference/aisi.md,line=7,")
    sarif = json.loads(run("registry", "--format", "sarif").output)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "registry/reference/aisi.md"
    assert location["region"]["startLine"] == 7
    root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == registry.parent.as_uri() + "/"  # what the relative URIs start from


def test_report_can_go_to_a_file(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = run(str(registry), "--format", "sarif", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    # one line on the terminal says how the run went, as the text report's last does
    assert result.stderr == f"0 errors, 0 warnings, 0 info: wrote {out}\n"
    assert run(str(registry), "--format", "sarif", "-o", str(out), "-q").stderr == ""


def test_report_to_a_dash_goes_to_stdout(registry: Path) -> None:
    result = run(str(registry), "--format", "sarif", "-o", "-")
    assert json.loads(result.stdout)["version"] == "2.1.0"
    assert result.stderr == "" and not Path("-").exists()


def test_registry_and_data_together_is_a_usage_error(registry: Path) -> None:
    data = FIXTURES / "Namespace-status" / "PASS.ttl"
    assert run(str(registry), "--data", str(data)).exit_code == 2


def test_data_files_are_validated_against_the_shipped_shapes() -> None:
    good = FIXTURES / "Namespace-status" / "PASS.ttl"
    bad = FIXTURES / "Namespace-status" / "FAIL.ttl"
    assert run("--data", str(good)).exit_code == 0
    result = run("--data", str(bad))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{bad.as_posix()}: error: Unknown status")
    assert "https://w3id.org/secid/id/reference/aisi" in first  # RDF has no lines: name the node


def test_unknown_data_format_is_an_error_not_a_crash(tmp_path: Path) -> None:
    odd = tmp_path / "graph.unknown"
    odd.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(odd)])
    assert result.exit_code == 2
    assert "RDF format" in result.output


def test_misspelt_ontology_term_in_data_is_a_violation(tmp_path: Path) -> None:
    data = tmp_path / "typo.ttl"
    data.write_text(
        (FIXTURES / "Namespace-status" / "PASS.ttl").read_text(encoding="utf-8")
        + '\n<reference/aisi> secido:officialName "AISI" .\n',
        encoding="utf-8",
    )
    findings = validate_data([data]).findings
    assert [(f.rule, f.severity) for f in findings] == [(RULE_TERM, Severity.ERROR)]
    assert "secido:officialName" in findings[0].message


def test_exported_files_validate_including_offline_json_ld(tmp_path: Path) -> None:
    out = tmp_path / "out"
    exported = CliRunner().invoke(main, ["export", "--out", str(out), "--no-pages"])
    assert exported.exit_code == 0, exported.output
    for name in ("secid.nq", "secid.jsonld", "void.ttl"):
        result = run("--data", str(out / name))
        assert result.exit_code == 0, f"{name}: {result.output}"


@pytest.mark.parametrize("corpus", ["markdown-sample", "json-sample", "markdown", "json"])
def test_corpora_validate_and_every_finding_has_a_line(corpus: str) -> None:
    path = registry_path(corpus)
    findings = validate_registry(path).findings
    assert findings, "real registries have dangling operators at least"
    unlocated = [str(f) for f in findings if f.location is None or f.location.line is None]
    assert unlocated == []
    for finding in findings:
        assert (path / finding.location.file).is_file(), str(finding)


@pytest.mark.parametrize("corpus", ["markdown", "json"])
def test_part_by_part_run_finds_what_one_run_over_the_whole_graph_finds(corpus: str) -> None:
    path = registry_path(corpus)
    registry = read_registry(
        path, parse=partial(parse_namespace_files, check=check_file), content_digest=False
    )
    whole = registry_findings(registry, base=DEFAULT_BASE, engine="turbo", shapes=None)
    assert whole, "real registries have dangling operators at least"
    for jobs in (1, 2):  # the groups in this process, then in two worker processes
        parts = validate_registry(path, jobs=jobs).findings
        assert [str(f) for f in parts] == [str(f) for f in sort_findings(whole)]
        assert parts == tuple(sort_findings(whole))


def test_reference_engine_agrees_with_the_default_engine(markdown_corpus: Path) -> None:
    turbo = validate_registry(markdown_corpus, engine="turbo").findings
    reference = validate_registry(markdown_corpus, engine="pyshacl").findings
    assert [str(f) for f in turbo] == [str(f) for f in reference]


def test_report_bytes_do_not_depend_on_hash_seed(markdown_corpus: Path) -> None:
    script = str(Path(sys.executable).parent / "secid-rdf")
    outputs = set()
    for seed in ("0", "1"):
        completed = subprocess.run(
            [script, "validate", str(markdown_corpus), "--format", "json"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert completed.returncode == 1, completed.stderr  # the corpus has real violations
        outputs.add(completed.stdout)
    assert len(outputs) == 1


def test_ci_paths_stay_relative_when_the_registry_is_reached_through_a_symlink(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(registry, "status: active", "status: bogus")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "reg").symlink_to(registry, target_is_directory=True)
    monkeypatch.chdir(checkout)
    sarif = json.loads(run("reg", "--format", "sarif").output)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "reg/reference/aisi.md"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    github = run(str(checkout / "reg"), "--format", "github").output
    assert github.startswith("::error file=reference/aisi.md,line=7,")  # never absolute


def test_given_files_get_exactly_the_findings_a_full_run_gives_them(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(registry, "status: active", "status: bogus")
    full = validate_registry(registry).findings
    for rel in (SEED, "entity/aisi.md"):
        only = validate_registry(registry, only={rel}).findings
        assert only == tuple(f for f in full if f.location and f.location.file == rel)
    monkeypatch.chdir(registry.parent)
    result = run("registry", f"registry/{SEED}")
    assert result.exit_code == 1
    assert result.output.startswith(f"{SEED}:7: error: status: Unknown status")
    assert run("registry", "registry/entity/aisi.md").exit_code == 0


def test_a_given_file_that_does_not_exist_exits_2_in_one_line(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(registry.parent)
    missing = run("registry", "registry/nonexistent.json")
    assert missing.exit_code == 2
    assert missing.output == "Error: registry/nonexistent.json: no such file\n"
    registry_relative = run("registry", SEED)  # from the registry, not the working folder
    assert registry_relative.exit_code == 2
    assert registry_relative.output == (
        f"Error: {SEED}: no such file; paths are taken from the working folder: registry/{SEED}\n"
    )


def test_a_given_file_outside_the_registry_is_named_as_not_checked(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (registry.parent / "README.md").write_text("# a checkout\n", encoding="utf-8")
    (registry.parent / "setup.cfg").write_text("[metadata]\n", encoding="utf-8")
    monkeypatch.chdir(registry.parent)
    result = CliRunner().invoke(main, ["validate", "registry", "README.md", "setup.cfg"])
    assert result.exit_code == 0  # pre-commit passes such files: they fail nothing
    assert result.stderr == "README.md: not in the registry folder registry; not checked\n"
    assert result.stdout == "0 errors, 0 warnings, 0 info\n"


def test_files_with_data_instead_of_a_registry_is_a_usage_error(tmp_path: Path) -> None:
    file = tmp_path / "x.md"
    file.write_text("---\n---\n", encoding="utf-8")
    data = str(FIXTURES / "Namespace-status" / "PASS.ttl")
    result = CliRunner().invoke(main, ["validate", "--data", data, str(file)])
    assert result.exit_code == 2
    assert "REGISTRY" in result.output


def test_the_pre_commit_hook_runs_the_changed_files(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    root = Path(__file__).parents[1]
    (hook,) = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "secid-rdf-validate" and hook["pass_filenames"] is True
    edit(registry, "status: active", "status: bogus")
    monkeypatch.chdir(registry.parent)
    command = [*hook["entry"].split(), *hook["args"], f"registry/{SEED}"]
    assert command[:2] == ["secid-rdf", "validate"]
    result = CliRunner().invoke(main, command[1:])
    assert result.exit_code == 1
    assert f"{SEED}:7: error:" in result.output


def test_the_action_uploads_sarif_and_annotates_the_pull_request() -> None:
    import yaml

    root = Path(__file__).parents[1]
    action = yaml.safe_load((root / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    scripts = " ".join(step.get("run", "") for step in steps)
    assert "--format sarif -o secid-rdf.sarif" in scripts
    assert "--format github" in scripts
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    assert upload["with"]["sarif_file"] == "secid-rdf.sarif"


def test_the_action_uploads_violations_and_stops_on_unusable_input(tmp_path: Path) -> None:
    import yaml

    root = Path(__file__).parents[1]
    steps = yaml.safe_load((root / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    names = [step.get("name") for step in steps]
    upload = steps[names.index("Upload to code scanning")]
    assert names.index("Annotate the pull request") < names.index("Upload to code scanning")
    assert "!cancelled()" in upload["if"]  # after annotations that failed on violations
    sarif = steps[names.index("SARIF report")]["run"]
    fake = tmp_path / "secid-rdf"
    for code, step_fails in ((0, False), (1, False), (2, True)):
        fake.write_text(f"#!/bin/sh\nexit {code}\n", encoding="utf-8")
        fake.chmod(0o755)
        env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", sarif], env=env, check=False
        )  # GitHub runs a bash step with -e -o pipefail
        assert (done.returncode != 0) is step_fails, code


@pytest.fixture
def mitre_twin(tmp_path: Path) -> Path:
    """A registry of corpus copies: ``advisory/org/mitre.json`` and its Markdown twin."""
    corpus = require_corpus(JSON_CORPUS)
    root = tmp_path / "registry"
    for rel in ("advisory/org/mitre.json", "advisory/org/mitre.md", "entity/org/mitre.json"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, root / rel)
    return root


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_twin_disagreement_names_the_key_each_file_writes(mitre_twin: Path) -> None:
    replace_in(
        mitre_twin / "advisory/org/mitre.md",
        'full_name: "MITRE Corporation"',
        'full_name: "Mitre Labs"',
    )
    (finding,) = [f for f in validate_registry(mitre_twin).findings if f.rule == "twin-disagrees"]
    assert finding.message.startswith(
        "full_name is 'Mitre Labs' here but official_name is 'MITRE Corporation' in "
        "advisory/org/mitre.json:"
    )


def test_an_operator_of_another_type_is_named_with_its_article(mitre_twin: Path) -> None:
    replace_in(
        mitre_twin / "advisory/org/mitre.md",
        'operator: "secid:entity/mitre.org"',
        'operator: "secid:advisory/mitre.org"',
    )
    (finding,) = [f for f in validate_registry(mitre_twin).findings if f.rule == "operator-type"]
    assert "names an advisory namespace" in finding.message


def test_long_values_cost_linear_time_and_are_located(registry: Path) -> None:
    import time

    def cpu(root: Path) -> tuple[float, tuple[str, ...]]:
        start = time.process_time()
        findings = validate_registry(root).findings
        return time.process_time() - start, tuple(str(f) for f in findings)

    validate_registry(registry)  # warm: imports and shapes, as in the runs measured
    plain, _ = min(cpu(registry) for _ in range(2))
    status = edit(registry, "status: active", 'status: "' + "é" * 1_000_000 + '"')
    path = registry / "reference" / "aisi.md"
    text = path.read_text(encoding="utf-8")
    pattern = "a" * 1_000_000
    path.write_text(
        text.replace("sources:\n", f'id_pattern: "{pattern}"\nsources:\n', 1), encoding="utf-8"
    )
    long, findings = min(cpu(registry) for _ in range(2))
    assert long <= 2 * plain + 0.2, (long, plain)
    assert any(f.startswith(f"{SEED}:{status}: error: status:") for f in findings), findings
    assert any("id_pattern" in f and ": error:" in f for f in findings), findings


def test_a_pattern_the_sparql_engine_cannot_compile_is_a_located_finding(registry: Path) -> None:
    path = registry / SEED
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("sources:\n", 'id_pattern: "a{1000000}"\nsources:\n', 1), encoding="utf-8"
    )
    line = text[: text.index("sources:\n")].count("\n") + 1
    findings = validate_registry(registry).findings
    assert [(f.location.line if f.location else None, f.rule) for f in findings] == [
        (line, RULE_REGEX)
    ]
