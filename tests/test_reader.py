"""The registry reader: bad input gives one located finding, good input gives a full model."""

from __future__ import annotations

import gc
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.findings import RegistryNotFoundError, Severity
from secid_rdf.model import Namespace, Registry
from secid_rdf.read import located as lines
from secid_rdf.read import registry as reader
from secid_rdf.read.registry import read_registry

GOOD = '---\ntype: reference\nnamespace: good\nfull_name: "Good"\nstatus: active\n---\nBody\n'


def md(*lines: str) -> str:
    """A Markdown namespace file whose frontmatter holds ``lines``."""
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n"


def make_registry(root: Path, files: dict[str, str | bytes]) -> Path:
    """A registry in ``root`` holding one good file plus ``files``."""
    for rel, content in {"reference/good.md": GOOD, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_stats(root: Path) -> tuple[int, list[str]]:
    """Run ``secid-rdf stats`` in-process: its exit code and its stderr lines."""
    result = CliRunner().invoke(main, ["stats", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.splitlines()


def namespace(registry: Registry, type_name: str, name: str) -> Namespace:
    return next(ns for ns in registry.namespaces if (ns.type, ns.namespace) == (type_name, name))


BAD_INPUT = {
    "unparseable YAML": (
        {
            "advisory/org/bad.md": md(
                "type: advisory", "namespace: bad.org", "full_name: [unclosed", "status: x"
            )
        },
        (
            "advisory/org/bad.md:5: error: frontmatter: YAML syntax error: did not find expected"
            " ',' or ']' (while parsing a flow sequence started on line 4)"
        ),
    ),
    "unparseable JSON": (
        {"advisory/org/bad.json": '{\n  "type": "advisory",\n  "namespace": \n}\n'},
        "advisory/org/bad.json:4: error: json: JSON syntax error: Expecting value (column 1)",
    ),
    "unterminated frontmatter": (
        {"advisory/org/bad.md": "---\ntype: advisory\nnamespace: bad.org\n"},
        (
            "advisory/org/bad.md:1: error: frontmatter: frontmatter starts with '---' but has no"
            " closing '---' line"
        ),
    ),
    "missing type": (
        {"advisory/org/bad.md": md("namespace: bad.org", "full_name: Bad")},
        "advisory/org/bad.md:2: error: type: required field is missing",
    ),
    "missing namespace (JSON)": (
        {
            "advisory/org/bad.json": '{"schema_version": "1.0",\n "type": "advisory",\n'
            ' "official_name": "B"}'
        },
        "advisory/org/bad.json:1: error: namespace: required field is missing",
    ),
    "list where a map belongs": (
        {
            "advisory/org/bad.md": md(
                "type: advisory", "namespace: bad.org", "full_name: Bad", "sources: [a, b]"
            )
        },
        "advisory/org/bad.md:5: error: sources: expected a mapping, found a list",
    ),
    "number where a string belongs": (
        {"advisory/org/bad.md": md("type: advisory", "namespace: bad.org", "full_name: 42")},
        "advisory/org/bad.md:4: error: full_name: expected a string, found a number",
    ),
    "blank lines after the delimiters": (
        {
            "advisory/org/bad.md": "---\n\n# a comment\ntype: advisory\nnamespace: bad.org\n"
            "full_name: 42\n---\n\n---\nBody\n"
        },
        "advisory/org/bad.md:6: error: full_name: expected a string, found a number",
    ),
    "a longer dash line is no delimiter": (
        {
            "advisory/org/bad.md": "---\ntype: advisory\nnamespace: bad.org\n----\n"
            "full_name: 42\n---\n"
        },
        (
            "advisory/org/bad.md:5: error: frontmatter: YAML syntax error: could not find"
            " expected ':' (while scanning a simple key started on line 4)"
        ),
    ),
    "non-UTF-8 bytes": (
        {
            "advisory/org/bad.md": b"---\ntype: advisory\nnamespace: bad.org\n"
            b'full_name: "B\xffd"\n---\n'
        },
        (
            "advisory/org/bad.md:4: error: encoding: not UTF-8: byte 0xff at column 14;"
            " save the file as UTF-8"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_gives_one_located_error_and_exit_1(tmp_path: Path, case: str) -> None:
    files, expected = BAD_INPUT[case]
    root = make_registry(tmp_path, files)
    code, errors = run_stats(root)
    assert errors == [expected]
    assert code == 1
    good = read_registry(root)
    assert "secid:reference/good" in {ns.secid for ns in good.namespaces}


def test_missing_names_are_errors_but_the_namespace_still_loads(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "advisory/org/noname.md": md(
                "type: advisory", "namespace: noname.org", "status: active"
            ),
            "advisory/org/nodes.json": json.dumps(
                {
                    "schema_version": "1.0",
                    "type": "advisory",
                    "namespace": "nodes.org",
                    "status": "draft",
                    "match_nodes": [{"description": "no patterns", "weight": 1}],
                },
                indent=2,
            ),
        },
    )
    code, errors = run_stats(root)
    assert errors == [
        "advisory/org/nodes.json:1: error: official_name: required field is missing",
        (
            "advisory/org/nodes.json:7: error: match_nodes[0].patterns: a match node needs at least"
            " one pattern"
        ),
        "advisory/org/noname.md:2: error: full_name: required field is missing",
    ]
    assert code == 1
    registry = read_registry(root)
    assert {"noname.org", "nodes.org"} <= {ns.namespace for ns in registry.namespaces}


def test_same_namespace_twice_in_one_format_is_an_error(tmp_path: Path) -> None:
    twice = md("type: advisory", "namespace: mitre.org", "full_name: MITRE")
    root = make_registry(tmp_path, {"advisory/mitre.org.md": twice, "advisory/org/mitre.md": twice})
    code, errors = run_stats(root)
    assert errors == [  # the reverse-DNS path, the registry's layout, holds the original
        (
            "advisory/mitre.org.md:3: error: namespace: advisory namespace 'mitre.org' is already"
            " defined in advisory/org/mitre.md; this file is not used"
        )
    ]
    assert code == 1
    registry = read_registry(root)
    assert namespace(registry, "advisory", "mitre.org").files == ("advisory/org/mitre.md",)


def test_a_copy_that_repeats_a_namespace_is_reported_not_the_original(tmp_path: Path) -> None:
    original = md("type: advisory", "namespace: mitre.org", "full_name: MITRE")
    # the copy sorts first, yet it is the file that sits outside the layout
    root = make_registry(
        tmp_path, {"advisory/org/mitre.md": original, "advisory/org/a-copy.md": original}
    )
    code, errors = run_stats(root)
    assert [line for line in errors if "already defined" in line] == [
        (
            "advisory/org/a-copy.md:3: error: namespace: advisory namespace 'mitre.org' is already"
            " defined in advisory/org/mitre.md; this file is not used"
        )
    ]
    assert code == 1
    assert namespace(read_registry(root), "advisory", "mitre.org").files == (
        "advisory/org/mitre.md",
    )


def test_file_outside_every_layout_is_a_warning_and_the_field_wins(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "advisory/org/misplaced.md": md(
                "type: advisory", "namespace: elsewhere.org", "full_name: E"
            )
        },
    )
    code, errors = run_stats(root)
    assert errors == [
        (
            "advisory/org/misplaced.md:3: warning: namespace: 'elsewhere.org' belongs at"
            " advisory/org/elsewhere.md (or advisory/elsewhere.org.md); the field is used"
        )
    ]
    assert code == 0
    assert namespace(read_registry(root), "advisory", "elsewhere.org").files == (
        "advisory/org/misplaced.md",
    )


def test_both_layouts_match_without_warnings(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "advisory/aisi.md": md("type: advisory", "namespace: aisi", "full_name: A"),
            "control/com/amazon/aws/s3.json": json.dumps(
                {
                    "schema_version": "1.0",
                    "type": "control",
                    "namespace": "amazon.com/aws/s3",
                    "status": "draft",
                    "official_name": "S3",
                }
            ),
        },
    )
    assert read_registry(root).findings == ()


def test_registry_that_is_not_a_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(RegistryNotFoundError, match="registry folder not found"):
        read_registry(tmp_path / "missing")


def test_cli_usage_error_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "missing")])
    assert result.exit_code == 2


def test_duplicate_yaml_key_is_a_warning(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "advisory/org/v.md": md(
                "type: advisory",
                "namespace: v.org",
                "full_name: V",
                "sources:",
                "  a:",
                "    full_name: A",
                "  a:",
                "    full_name: B",
            )
        },
    )
    registry = read_registry(root)
    assert [str(f) for f in registry.findings] == [
        (
            "advisory/org/v.md:8: warning: sources.a: key appears twice in one mapping;"
            " the last value is used"
        )
    ]
    assert namespace(registry, "advisory", "v.org").sources[0].official_name == "B"


def test_skipped_files_are_not_namespaces(tmp_path: Path) -> None:
    doc = "# Notes\n\nA document without frontmatter.\n"
    template = '---\ntype: advisory\nnamespace: ""\nfull_name: ""\n---\n'
    root = make_registry(
        tmp_path,
        {
            "README.md": doc,
            "INDEX.md": doc,
            "advisory/README.md": md("type: advisory", "namespace: readme", "full_name: R"),
            "advisory/GAPS.md": doc,
            "advisory/_template.md": template,
            "_deferred/cti.md": doc,
            "_deferred/cti/actor.md": md("type: cti", "namespace: actor", "full_name: Actor"),
            ".git/config.json": "{}",
            "advisory/notes.txt": "not a registry file",
        },
    )
    registry = read_registry(root)
    assert registry.findings == ()
    assert [ns.secid for ns in registry.namespaces] == ["secid:reference/good"]
    assert [t.name for t in registry.types] == ["reference"]


def test_type_description_files_give_types(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "reference.json": json.dumps(
                {
                    "type": "reference",
                    "official_name": "Reference",
                    "description": "Documents.",
                    "namespaces": [{"namespace": "stale.org"}],
                }
            ),
            "reference.md": "# Reference (`reference`)\n\nDocuments and\npublications.\n",
            "weakness.md": "# Weakness\n\nFlaw\npatterns.\n",
        },
    )
    registry = read_registry(root)
    by_name = {t.name: t for t in registry.types}
    assert list(by_name) == ["reference", "weakness"]
    reference = by_name["reference"]
    assert (reference.official_name, reference.description) == ("Reference", "Documents.")
    assert reference.prose is not None and reference.prose.startswith("# Reference")
    assert [e.path for e in reference.extras] == ["namespaces"]
    assert by_name["weakness"].description == "Flaw patterns."
    assert [ns.namespace for ns in registry.namespaces] == [
        "good"
    ]  # stale lists are not namespaces


def test_yaml_integer_keys_stay_as_written(bundled_registry: Path) -> None:
    iso = namespace(read_registry(bundled_registry), "control", "iso.org")
    source = iso.sources[0]
    assert (source.name, source.secid) == ("27001", "secid:control/iso.org/27001")
    assert [v.value for v in source.versions] == ["2022", "2013"]
    assert source.location.line == 9
    assert (
        source.prose == "Annex A of the 2022 edition lists 93 controls in four themes (A.5 to A.8)."
    )


def test_twins_json_is_the_record_and_markdown_adds_what_it_lacks(bundled_registry: Path) -> None:
    mitre = namespace(read_registry(bundled_registry), "weakness", "mitre.org")
    assert mitre.format == "json+markdown"
    assert mitre.files == ("weakness/org/mitre.json", "weakness/org/mitre.md")
    assert mitre.status == "published"  # JSON wins over the Markdown "active"
    assert mitre.official_name == "The MITRE Corporation"
    assert mitre.operator == "secid:entity/mitre.org"  # only the Markdown has it
    assert mitre.prose is not None and "Markdown twin" in mitre.prose
    cwe = mitre.sources[0]
    assert cwe.location.file == "weakness/org/mitre.json"
    assert cwe.prose is not None and cwe.prose.startswith("CWE entries are views")
    assert [p.regex for p in cwe.id_patterns] == ["CWE-\\d+"]  # JSON has no id_pattern
    assert [u.value for u in cwe.urls] == [
        "https://cwe.mitre.org",
        "https://cwe.mitre.org/data/xml/cwec_latest.xml.zip",
    ]  # JSON urls win, the Markdown urls are not mixed in
    assert dict(mitre.field_locations)["operator"].file == "weakness/org/mitre.md"


def test_json_match_tree_is_read_with_lines(bundled_registry: Path) -> None:
    mitre = namespace(read_registry(bundled_registry), "weakness", "mitre.org")
    cwe = mitre.sources[0]
    assert (cwe.name, cwe.secid, cwe.weight, cwe.location.line) == (
        "cwe",
        "secid:weakness/mitre.org/cwe",
        100,
        17,
    )
    assert [(v.value, v.status) for v in cwe.versions] == [("4.15", "superseded"), ("4.14", None)]
    assert cwe.version_required is False
    child = cwe.children[0]
    assert child.secid is None  # a regex class has no SecID
    assert child.url_template is not None
    assert child.url_template.value == "https://cwe.mitre.org/data/definitions/{num}.html"
    assert child.url_template.placeholders == ("num",)
    assert child.url_template.content_type == "text/html"
    assert child.url_template.location.line == 49
    assert [(v.name, v.extract) for v in child.variables] == [("num", "(?i)^CWE-(\\d+)$")]
    example = child.examples[0]
    assert (example.value, example.url, example.variables) == (
        "CWE-79",
        "https://cwe.mitre.org/data/definitions/79.html",
        (("num", "79"),),
    )
    assert example.location == example.location.at(
        "match_nodes[0].children[0].data.examples[0]", 55
    )


def test_depth_two_nodes_and_literal_children(bundled_registry: Path) -> None:
    owasp = namespace(read_registry(bundled_registry), "weakness", "owasp.org")
    top10 = owasp.sources[0]
    assert top10.secid == "secid:weakness/owasp.org/top10"
    edition = top10.children[0]
    assert edition.secid == "secid:weakness/owasp.org/top10@2021"  # listed among the versions
    item = edition.children[0]
    assert item.secid is None  # one of its patterns is a class
    assert item.known_values[0] == ("A01", "Broken Access Control")
    assert item.examples[0].version == "2021"


def test_markdown_fields_and_lines(bundled_registry: Path) -> None:
    registry = read_registry(bundled_registry)
    nist = namespace(registry, "advisory", "nist.gov")
    nvd = nist.sources[0]
    assert [(u.kind, u.is_template) for u in nvd.urls] == [
        ("website", False),
        ("api", False),
        ("lookup", True),
    ]
    pattern = nvd.id_patterns[0]
    assert (pattern.regex, pattern.kind, pattern.location.line) == ("CVE-\\d{4}-\\d{4,}", "cve", 16)
    assert pattern.location.field == "sources.nvd.id_patterns[0]"
    assert nvd.examples[0].is_secid
    seed = namespace(registry, "reference", "aisi")
    assert seed.operator == "secid:entity/aisi"
    assert "secid:entity/aisi" in {ns.secid for ns in registry.namespaces}
    assert seed.urls[0].kind == "website"
    assert seed.prose is not None and seed.prose.startswith("# AI Safety Institutes")
    assert "## uk" not in seed.prose


def test_unknown_keys_are_extras_with_generic_paths(tmp_path: Path) -> None:
    text = (
        "---\ntype: weakness\nnamespace: owasp.org\nfull_name: OWASP\nsources:\n  llm-top10:\n"
        '    full_name: LLM Top 10\n    urls:\n      lookup_note: "URLs need name slugs"\n'
        '    id_pattern_note: "IDs differ by version"\n---\n'
    )
    root = make_registry(tmp_path, {"weakness/org/owasp.md": text})
    source = namespace(read_registry(root), "weakness", "owasp.org").sources[0]
    assert [(u.kind, u.value) for u in source.urls] == [("lookup_note", "URLs need name slugs")]
    [extra] = source.extras
    assert (extra.path, extra.value_json, extra.location.line) == (
        "sources.*.id_pattern_note",
        '"IDs differ by version"',
        10,
    )
    assert extra.location.field == "sources.llm-top10.id_pattern_note"


def test_crlf_and_bom_are_read(tmp_path: Path) -> None:
    text = "\ufeff---\r\ntype: advisory\r\nnamespace: crlf.org\r\nfull_name: C\r\n---\r\nBody\r\n"
    root = make_registry(tmp_path, {"advisory/org/crlf.md": text.encode("utf-8")})
    registry = read_registry(root)
    assert registry.findings == ()
    assert namespace(registry, "advisory", "crlf.org").location.line == 3


def test_headings_inside_code_fences_stay_prose(tmp_path: Path) -> None:
    text = (
        md(
            "type: advisory",
            "namespace: f.org",
            "full_name: F",
            "sources:",
            "  cve:",
            "    full_name: X",
        )
        + "Intro\n\n```\n## cve\n```\n\n---\n\n## CVE\n\nAbout it.\n"
    )
    root = make_registry(tmp_path, {"advisory/org/f.md": text})
    ns = namespace(read_registry(root), "advisory", "f.org")
    assert ns.prose == "Intro\n\n```\n## cve\n```"
    assert ns.sources[0].prose == "About it."


def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(md("type: advisory", "namespace: outside.org", "full_name: O"))
    root = make_registry(tmp_path / "registry", {})
    (root / "advisory").mkdir()
    os.symlink(outside, root / "advisory" / "outside.md")
    os.symlink(tmp_path, root / "loop")
    registry = read_registry(root)
    assert [ns.namespace for ns in registry.namespaces] == ["good"]
    assert [str(f) for f in registry.findings] == [
        "advisory/outside.md: warning: symbolic link not followed",
        "loop: warning: symbolic link not followed",
    ]


def test_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 40)
    root = make_registry(
        tmp_path, {"advisory/big.md": "---\ntype: advisory\nnamespace: big\n" + "x: y\n" * 20}
    )
    messages = [str(f) for f in read_registry(root).findings]
    assert "advisory/big.md: error: file: file is larger than 40 bytes; not read" in messages


def test_deep_match_tree_is_cut_with_an_error(tmp_path: Path) -> None:
    node: dict[str, object] = {"patterns": ["^x$"]}
    for _ in range(10):
        node = {"patterns": ["^x$"], "children": [node]}
    data = {
        "schema_version": "1.0",
        "type": "ttp",
        "namespace": "deep.org",
        "status": "draft",
        "official_name": "Deep",
        "match_nodes": [node],
    }
    root = make_registry(tmp_path, {"ttp/org/deep.json": json.dumps(data)})
    registry = read_registry(root)
    [finding] = registry.findings
    assert finding.severity is Severity.ERROR
    assert "match tree is deeper than 8 levels" in finding.message
    depth, current = 0, namespace(registry, "ttp", "deep.org").sources[0]
    while current.children:
        depth, current = depth + 1, current.children[0]
    assert depth == 8


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        rows.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    text = md("type: advisory", "namespace: bomb.org", "full_name: B", *rows)
    root = make_registry(tmp_path, {"advisory/org/bomb.md": text})
    [finding] = read_registry(root).findings
    assert finding.message == f"YAML document expands to more than {lines.MAX_NODES} nodes"


def test_python_tags_build_no_objects(tmp_path: Path) -> None:
    text = md(
        "type: advisory", "namespace: tag.org", "full_name: !!python/object/apply:os.getcwd []"
    )
    root = make_registry(tmp_path, {"advisory/org/tag.md": text})
    registry = read_registry(root)
    assert [str(f) for f in registry.findings] == [
        "advisory/org/tag.md:4: error: full_name: expected a string, found a list"
    ]


def test_git_commit_is_recorded_inside_a_work_tree(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "repo" / "registry", {})
    assert read_registry(root).commit is None
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "-C",
        str(tmp_path / "repo"),
    ]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "registry"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    assert read_registry(root).commit == head.stdout.strip()


def test_type_and_namespace_must_fit_the_secid_grammar(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path,
        {
            "advisory/bad.md": md("type: Advisory", "namespace: bad", "full_name: B"),
            "advisory/org/space.md": md("type: advisory", "namespace: my org", "full_name: S"),
        },
    )
    code, errors = run_stats(root)
    assert errors == [
        (
            "advisory/bad.md:2: error: type: type 'Advisory' must be lower-case letters, digits,"
            " '-' or '_'"
        ),
        (
            "advisory/org/space.md:3: error: namespace: 'my org' is not a SecID namespace:"
            " character ' ' (U+0020) is not allowed; use letters, digits, '-', '_', '.' and '/';"
            " the file is not used"
        ),
    ]
    assert code == 1
    assert [ns.namespace for ns in read_registry(root).namespaces] == ["good"]


def test_json_root_must_be_an_object(tmp_path: Path) -> None:
    root = make_registry(tmp_path, {"advisory/org/list.json": "[1, 2]\n"})
    code, errors = run_stats(root)
    assert errors == ["advisory/org/list.json:1: error: json: expected a JSON object, found a list"]
    assert code == 1


def test_json_duplicate_key_is_a_warning(tmp_path: Path) -> None:
    text = (
        '{"schema_version": "1.0", "type": "advisory", "namespace": "d.org",\n'
        ' "official_name": "First",\n "official_name": "Second", "status": "draft"}\n'
    )
    root = make_registry(tmp_path, {"advisory/org/d.json": text})
    registry = read_registry(root)
    assert [str(f) for f in registry.findings] == [
        (
            "advisory/org/d.json:3: warning: official_name: key appears twice in one mapping;"
            " the last value is used"
        )
    ]
    assert namespace(registry, "advisory", "d.org").official_name == "Second"


def test_two_sources_with_one_name_are_an_error(tmp_path: Path) -> None:
    node = '  {"patterns": ["(?i)^cve$"], "weight": 1}'
    text = (
        '{"schema_version": "1.0", "type": "advisory", "namespace": "t.org", "status": "draft",\n'
        ' "official_name": "T", "match_nodes": [\n' + node + ",\n" + node + "\n]}\n"
    )
    root = make_registry(tmp_path, {"advisory/org/t.json": text})
    code, errors = run_stats(root)
    assert errors == [
        (
            "advisory/org/t.json:4: error: match_nodes[1]: source name 'cve' is already used at"
            " line 3; both would have the SecID secid:advisory/t.org/cve"
        )
    ]
    assert code == 1
    assert len(namespace(read_registry(root), "advisory", "t.org").sources) == 2


def test_json_lines_survive_escapes_and_nesting() -> None:
    text = (
        '{"a" : [ 1 , -2.5e3, true, null, "x\\"y", {"b":{}}, [] , [[3]]],\n'
        ' "c\\u00e9": {"d": "e:f,{g}"},\n "a": 0}'
    )
    parsed = lines.parse_json(text)
    assert parsed.value == {"a": 0, "cé": {"d": "e:f,{g}"}}
    assert parsed.lines[("a", 7, 0, 0)] == 1
    assert parsed.lines[("cé", "d")] == 2
    assert parsed.lines[("a",)] == 3
    assert parsed.duplicates == (("a",),)


def test_unparseable_type_description_is_an_error(tmp_path: Path) -> None:
    root = make_registry(tmp_path, {"advisory.json": '{"type": "advisory",\n "x": }'})
    code, errors = run_stats(root)
    assert errors == ["advisory.json:2: error: json: JSON syntax error: Expecting value (column 7)"]
    assert code == 1


def test_reader_reports_a_wrongly_typed_json_official_name_once(tmp_path: Path) -> None:
    document = {
        "schema_version": "1.0",
        "namespace": "bad.org",
        "type": "advisory",
        "status": "draft",
        "official_name": 42,
    }
    root = make_registry(tmp_path, {"advisory/org/bad.json": json.dumps(document, indent=2)})
    exit_code, lines = run_stats(root)
    about_name = [line for line in lines if ": official_name: " in line]
    assert exit_code == 1
    assert about_name == [
        "advisory/org/bad.json:6: error: official_name: expected a string, found a number"
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_pauses_the_cyclic_gc_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    root = make_registry(tmp_path, {})
    seen: list[bool] = []
    read_file = reader._read_namespace_file

    def spy(*args: Any) -> Namespace | None:
        seen.append(gc.isenabled())
        return read_file(*args)

    monkeypatch.setattr(reader, "_read_namespace_file", spy)
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert [ns.namespace for ns in read_registry(root).namespaces] == ["good"]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()
    assert seen == [False]
