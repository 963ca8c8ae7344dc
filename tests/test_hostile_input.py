"""Hostile registry files: every one gives one located error line, never a traceback.

Each case is a registry of one good file plus one bad file; the command must name the bad
file, line and field, exit 1, and still convert the good file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_reader import GOOD, make_registry, md

from secid_rdf.cli import main
from secid_rdf.read.located import MAX_DEPTH, MAX_ITEMS, MAX_TEXT_LENGTH
from secid_rdf.read.registry import read_registry
from secid_rdf.read.shared_objects import MAX_PATTERN_LENGTH
from secid_rdf.secid import namespace_problem


def jsonfile(**fields: object) -> str:
    """A JSON namespace file, one key per line, with the usual required keys."""
    document = {"schema_version": "1.0", "type": "advisory", "namespace": "bad.org"}
    document.update(fields)
    return json.dumps(document, indent=1, ensure_ascii=True)


HOSTILE = {
    "lone surrogate in namespace (JSON)": (
        {"advisory/org/bad.json": jsonfile(namespace="bad\ud800.org", official_name="B")},
        (
            "advisory/org/bad.json:4: error: namespace: a lone surrogate (U+D800) at character 4"
            " is not Unicode text"
        ),
    ),
    "lone surrogate in a nested text (JSON)": (
        {
            "advisory/org/bad.json": jsonfile(
                official_name="B", match_nodes=[{"patterns": ["^x$"], "description": "\udfff"}]
            )
        },
        (
            "advisory/org/bad.json:11: error: match_nodes[0].description: a lone surrogate (U+DFFF)"
            " at character 1 is not Unicode text"
        ),
    ),
    "lone surrogate in a key (JSON)": (
        {"advisory/org/bad.json": jsonfile(official_name="B", **{"x\ud800": 1})},
        (
            "advisory/org/bad.json:6: error: json: key 'x\\ud800': a lone surrogate (U+D800) at"
            " character 2 is not Unicode text"
        ),
    ),
    "NUL escape (YAML)": (
        {"advisory/org/bad.md": md("type: advisory", "namespace: bad.org", 'full_name: "B\\0"')},
        (
            "advisory/org/bad.md:4: error: full_name: a control character (U+0000) at character 2"
            " is not Unicode text"
        ),
    ),
    "raw control character (YAML)": (
        {"advisory/org/bad.md": md("type: advisory", "namespace: bad.org", "full_name: B\x01")},
        (
            "advisory/org/bad.md:4: error: frontmatter: character U+0001 is not allowed in YAML"
            " (control characters are not allowed)"
        ),
    ),
    "empty Markdown file": (
        {"advisory/org/bad.md": ""},
        "advisory/org/bad.md:1: error: file: the file is empty; it is not used",
    ),
    "whitespace-only JSON file": (
        {"advisory/org/bad.json": " \n\t\n"},
        "advisory/org/bad.json:1: error: file: the file is empty; it is not used",
    ),
    "namespace climbing out": (
        {"advisory/org/bad.md": md("type: advisory", "namespace: ../../../../x", "full_name: B")},
        (
            "advisory/org/bad.md:3: error: namespace: '../../../../x' is not a SecID namespace:"
            " segment '..' has an empty label (a '.' at its start or end, or two in a row);"
            " the file is not used"
        ),
    ),
    "namespace with an empty segment": (
        {"advisory/org/bad.json": jsonfile(namespace="bad.org//x", official_name="B")},
        (
            "advisory/org/bad.json:4: error: namespace: 'bad.org//x' is not a SecID namespace: has"
            " an empty segment (a '/' at its start or end, or two in a row); the file is not used"
        ),
    ),
    "namespace with a disallowed character": (
        {"advisory/org/bad.md": md("type: advisory", "namespace: bad.org?x=1", "full_name: B")},
        (
            "advisory/org/bad.md:3: error: namespace: 'bad.org?x=1' is not a SecID namespace:"
            " character '?' (U+003F) is not allowed; use letters, digits, '-', '_', '.' and '/';"
            " the file is not used"
        ),
    ),
    "string longer than the bound": (
        {
            "advisory/org/bad.md": md(
                "type: advisory",
                "namespace: bad.org",
                "full_name: B",
                "status: " + "é" * (MAX_TEXT_LENGTH + 1),
            )
        },
        (
            f"advisory/org/bad.md:5: error: status: text is longer than {MAX_TEXT_LENGTH:,}"
            " characters"
        ),
    ),
    "list longer than the bound": (
        {"advisory/org/bad.json": jsonfile(official_name="B", notes=["n"] * (MAX_ITEMS + 1))},
        (
            f"advisory/org/bad.json:6: error: notes: more than {MAX_ITEMS:,} items in one list or"
            " mapping"
        ),
    ),
    "JSON nested past the bound": (
        {"advisory/org/bad.json": '{"a":\n' + "[" * 5000 + "]" * 5000 + "}"},
        f"advisory/org/bad.json:2: error: json: JSON nesting is deeper than {MAX_DEPTH} levels",
    ),
    "YAML nested past the bound": (
        {
            "advisory/org/bad.md": md(
                "type: advisory", "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
            )
        },
        (
            f"advisory/org/bad.md:3: error: frontmatter: YAML nesting is deeper than {MAX_DEPTH}"
            " levels"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_gives_one_located_error_and_the_rest_converts(
    tmp_path: Path, case: str
) -> None:
    files, expected = HOSTILE[case]
    root = make_registry(tmp_path / "registry", files)
    result = CliRunner().invoke(main, ["export", str(root), "--out", str(tmp_path / "out")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(expected)
    assert result.exit_code == 1
    graph = ox.Store()
    graph.load(path=tmp_path / "out" / "secid.nq", format=ox.RdfFormat.N_QUADS)
    subjects = {str(quad.subject.value) for quad in graph}
    assert "https://w3id.org/secid/reference/good" in subjects
    assert not any("/advisory/" in subject for subject in subjects)


def test_overlong_pattern_is_a_located_error_and_only_the_pattern_is_dropped(
    tmp_path: Path,
) -> None:
    long = "a" * (MAX_PATTERN_LENGTH + 1)
    document = jsonfile(
        official_name="B",
        match_nodes=[{"patterns": ["(?i)^cve$"], "children": [{"patterns": [long]}]}],
    )
    root = make_registry(tmp_path, {"advisory/org/bad.json": document})
    registry = read_registry(root)
    assert [str(finding) for finding in registry.findings] == [
        (
            f"advisory/org/bad.json:14: error: match_nodes[0].children[0].patterns[0]: the pattern"
            f" is longer than {MAX_PATTERN_LENGTH} characters; it is not used"
        )
    ]
    (namespace,) = [ns for ns in registry.namespaces if ns.namespace == "bad.org"]
    assert namespace.sources[0].name == "cve"
    assert namespace.sources[0].children[0].patterns == ()


@pytest.mark.parametrize(
    "namespace",
    [
        "aisi",
        "mitre.org",
        "github.com/advisories",
        "amazon.com/aws/s3",
        "Commvault.com",
        "bücher.de",
        "例え.jp/サブ",
        "us-ca",
        "a_b.org",
    ],
)
def test_real_namespace_shapes_fit_the_grammar(namespace: str) -> None:
    assert namespace_problem(namespace) is None


@pytest.mark.parametrize(
    "namespace",
    [
        "",
        "/x",
        "x/",
        "a//b",
        ".",
        "..",
        "a/./b",
        "a/../b",
        ".org",
        "a..org",
        "a b",
        "a@b",
        "a#b",
        "a\\b",
        "a\u202eb",
        "x" * 64,
        "a/" * 200 + "a",
    ],
)
def test_namespaces_the_grammar_cannot_hold_are_refused(namespace: str) -> None:
    assert namespace_problem(namespace) is not None


def test_file_name_that_is_not_utf8_is_named_and_skipped(tmp_path: Path) -> None:
    root = make_registry(tmp_path, {})
    (root / "advisory").mkdir()
    with open(os.fsencode(root) + b"/advisory/bad\xff.md", "wb") as handle:
        handle.write(GOOD.encode())
    result = CliRunner().invoke(main, ["stats", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        "advisory/bad\\xff.md: error: the name is not UTF-8; not read"
    ]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "arguments",
    [
        ["resolve", "secid:advisory/mitre.org/cve#CVE-\udcff"],
        ["query", "--bind", "x=\udcff", 'SELECT * { VALUES ?x { "a" } }'],
        ["load", "--store", "http://127.0.0.1:9/\udcff", "--user", "u", "--password", "p"],
    ],
)
def test_command_line_bytes_that_are_not_utf8_give_one_line_and_exit_2(
    arguments: list[str],
) -> None:
    result = CliRunner().invoke(main, arguments)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    argument = next(argument for argument in arguments if "\udcff" in argument)
    assert result.stderr.splitlines() == [
        (
            f"Error: argument {arguments.index(argument) + 1} is not UTF-8 text: byte 0xff at"
            f" character {argument.index(chr(0xDCFF)) + 1}"
        )
    ]


@pytest.mark.parametrize("output_format", ["text", "github"])
def test_a_huge_value_is_quoted_short_in_every_validate_report(
    tmp_path: Path, output_format: str
) -> None:
    """A million-character status is an error whose line quotes both ends of it, not all."""
    huge = "é" * 1_000_000
    files = {"advisory/org/bad.json": jsonfile(official_name="B", status=huge)}
    root = make_registry(tmp_path / "registry", files)
    result = CliRunner().invoke(main, ["validate", str(root), "--format", output_format])
    assert result.exit_code == 1, result.output
    status_lines = [line for line in result.output.splitlines() if "é" * 20 in line]
    assert status_lines, result.output
    assert all(len(line) < 2_000 for line in status_lines), [len(x) for x in status_lines]
    if output_format == "text":
        assert any("Unknown status" in line and "characters ...]" in line for line in status_lines)
