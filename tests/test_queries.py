"""The shipped query library, and the ``query`` command's options.

Each query's rows on the bundled registry (and on a small registry for the cases the bundled
one does not have), and the same rows from a real Oxigraph server.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.export.run import registry_to_quads
from secid_rdf.resources import queries_dir
from secid_rdf.store.sparql import (
    bind_values,
    build_store,
    library_query_names,
    load_graphs,
    query_endpoint,
    query_store,
    read_library_query,
    split_graphs,
)
from secid_rdf.vocab import SECID

TESTS = Path(__file__).parent
ID = "https://w3id.org/secid/"

Row = tuple[str | None, ...]
STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')

BUNDLED_ROWS: dict[tuple[str, tuple[tuple[str, str], ...]], list[Row]] = {
    ("namespaces-of-type", ()): [
        (
            "advisory",
            "secid:advisory/nist.gov",
            "National Institute of Standards and Technology",
            None,
            None,
        ),
        (
            "control",
            "secid:control/iso.org",
            "International Organization for Standardization",
            None,
            None,
        ),
        ("entity", "secid:entity/aisi", "AI Safety Institutes", None, None),
        ("entity", "secid:entity/mitre.org", "The MITRE Corporation", None, None),
        (
            "reference",
            "secid:reference/aisi",
            "AI Safety Institutes",
            ID + "entity/aisi",
            "AI Safety Institutes",
        ),
        (
            "weakness",
            "secid:weakness/mitre.org",
            "The MITRE Corporation",
            ID + "entity/mitre.org",
            "The MITRE Corporation",
        ),
        ("weakness", "secid:weakness/owasp.org", "OWASP Foundation", None, None),
    ],
    ("namespaces-of-type", (("type", "entity"),)): [
        ("entity", "secid:entity/aisi", "AI Safety Institutes", None, None),
        ("entity", "secid:entity/mitre.org", "The MITRE Corporation", None, None),
    ],
    ("cve-like-sources", ()): [
        ("secid:advisory/nist.gov/nvd", r"CVE-\d{4}-\d{4,}"),
    ],
    ("cve-like-sources", (("item", "CWE-79"),)): [
        ("secid:weakness/mitre.org/cwe", r"(?i)^CWE-\d+$"),
        ("secid:weakness/mitre.org/cwe", r"CWE-\d+"),
    ],
    ("source-lookup", ()): [
        (
            "secid:advisory/nist.gov/nvd",
            r"CVE-\d{4}-\d{4,}",
            "https://nvd.nist.gov/vuln/detail/{id}",
            "lookup",
        ),
    ],
    ("source-lookup", (("source", "secid:weakness/mitre.org/cwe"),)): [
        (
            ID + "weakness/mitre.org/cwe?!node=150268f8e056f45e",
            r"(?i)^CWE-\d+$",
            "https://cwe.mitre.org/data/definitions/{num}.html",
            "lookup",
        ),
        ("secid:weakness/mitre.org/cwe", r"CWE-\d+", None, None),
    ],
    ("operators-missing", ()): [],
    ("sources-without-url", ()): [],
    ("counts-per-type", ()): [
        ("advisory", "1", "1", "0"),
        ("control", "1", "1", "0"),
        ("entity", "2", "5", "0"),
        ("reference", "1", "4", "0"),
        ("weakness", "2", "2", "3"),
    ],
}

GAPS_REGISTRY = {
    "advisory/org/example.md": """---
type: advisory
namespace: example.org
full_name: "Example Advisories"
operator: "secid:entity/example.org"
status: draft
sources:
  bulletins:
    full_name: "Example bulletins, no URL known"
  feed:
    full_name: "Example feed"
    urls:
      lookup: "https://example.org/feed/{id}"
---
""",
}
"""A namespace whose operator is not in the registry, with one source that has no URL."""

GAPS_ROWS: dict[str, list[Row]] = {
    "operators-missing": [("secid:advisory/example.org", ID + "entity/example.org")],
    "sources-without-url": [("secid:advisory/example.org/bulletins",)],
    "counts-per-type": [("advisory", "1", "2", "0")],
}


def write_registry(root: Path, files: dict[str, str]) -> None:
    """Write registry files (relative path -> text) under ``root``."""
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


def rows(result: object) -> list[Row]:
    """Solutions as tuples of plain values (None where unbound), in result order."""
    assert isinstance(result, ox.QuerySolutions)
    width = len(result.variables)
    return [tuple(None if s[i] is None else s[i].value for i in range(width)) for s in result]


def run_library(quads: list[ox.Quad], name: str, bindings: dict[str, str]) -> list[Row]:
    """One shipped query, with its parameters bound, on an embedded store."""
    return rows(query_store(build_store(quads), bind_values(read_library_query(name), bindings)))


@pytest.fixture(scope="module")
def bundled_quads(bundled_registry: Path) -> list[ox.Quad]:
    exported = registry_to_quads(bundled_registry)
    assert not exported.has_errors
    return list(exported.quads)


@pytest.mark.parametrize(
    ("name", "bindings"), list(BUNDLED_ROWS), ids=lambda v: v if isinstance(v, str) else ""
)
def test_shipped_query_rows_on_the_bundled_registry(bundled_quads, name, bindings) -> None:
    assert run_library(bundled_quads, name, dict(bindings)) == BUNDLED_ROWS[(name, bindings)]


@pytest.mark.parametrize("name", sorted(GAPS_ROWS))
def test_shipped_query_rows_on_a_registry_with_gaps(tmp_path: Path, name: str) -> None:
    write_registry(tmp_path, GAPS_REGISTRY)
    exported = registry_to_quads(tmp_path)
    assert not exported.has_errors, exported.findings
    assert run_library(list(exported.quads), name, {}) == GAPS_ROWS[name]


def test_every_shipped_query_is_documented_and_uses_only_ontology_terms() -> None:
    names = library_query_names()
    assert {name for name, _ in BUNDLED_ROWS} <= set(names)
    for name in names:
        text = read_library_query(name)
        header = text.split("PREFIX", 1)[0].strip().splitlines()
        assert len(header) >= 3 and all(line.startswith("#") for line in header), name
        assert query_store(build_store([]), text) is not None  # parses as SPARQL 1.1
        body = STRING_LITERAL.sub('""', text.split("\n", len(header))[-1])
        for term in re.findall(r"\bsecid:([A-Za-z][\w-]*)", body):
            assert term in SECID, f"{name}.rq uses secid:{term}, which the ontology lacks"


def test_every_shipped_query_is_named_in_a_test_or_run_by_a_tested_module() -> None:
    sources = [*TESTS.glob("test_*.py"), *(TESTS.parent / "secid_rdf").glob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    unused = [
        name
        for name in library_query_names()
        if f'"{name}"' not in text and f"{name}.rq" not in text
    ]
    assert not unused, f"shipped queries that no test and no module names: {unused}"


def test_oxigraph_server_gives_the_embedded_rows_for_every_shipped_query(
    oxigraph_server, bundled_quads
) -> None:
    load_graphs(oxigraph_server.store_url, split_graphs(bundled_quads))
    store = build_store(bundled_quads)
    for name in library_query_names():
        text = read_library_query(name)
        remote = rows(query_endpoint(oxigraph_server.query_url, text))
        assert remote == rows(query_store(store, text)), name


# --- the query command -----------------------------------------------------------------


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_query_library_with_bind_prints_the_table() -> None:
    result = invoke(
        "query", "--library", "source-lookup", "--bind", "source=secid:advisory/nist.gov/nvd"
    )
    assert result.exit_code == 0, result.stderr
    header = [cell.strip() for cell in result.stdout.splitlines()[0].split("|")]
    assert header == ["entry", "pattern", "template", "kind"]
    assert "https://nvd.nist.gov/vuln/detail/{id}" in result.stdout


def test_query_json_is_sparql_results_json() -> None:
    result = invoke("query", "--library", "counts-per-type", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["type", "namespaces", "sources", "matchNodes"]
    assert len(document["results"]["bindings"]) == len(BUNDLED_ROWS[("counts-per-type", ())])


def test_query_reads_the_query_from_stdin_and_a_registry_argument(bundled_registry: Path) -> None:
    query = (queries_dir() / "counts-per-type.rq").read_text(encoding="utf-8")
    result = invoke("query", str(bundled_registry), "--file", "-", "--format", "csv", stdin=query)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "advisory,1,1,0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--library", "no-such-query"], "no shipped query named 'no-such-query'"),
        (["query", "--library", "counts-per-type", "--bind", "type"], "write VAR=VALUE"),
        (
            ["query", "--library", "counts-per-type", "--bind", "nope=1"],
            "no VALUES block for: ?nope",
        ),
        (["query"], "no query: add QUERY, --file FILE or --library NAME"),
        (["query", "--library", "counts-per-type", "--file", "-"], "not both"),
        (["query", "no-such-folder", "ASK {}"], "registry folder not found: no-such-folder"),
        (["query", "SELECT ?s WHERE {"], "not a valid SPARQL 1.1 query"),
        (
            ["query", "ASK {}", "--endpoint", "http://127.0.0.1:9/q", "--from", "."],
            "give no REGISTRY or --from",
        ),
    ],
)
def test_query_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_query_on_a_registry_with_errors_answers_and_exits_1(tmp_path: Path) -> None:
    write_registry(tmp_path, {**GAPS_REGISTRY, "advisory/org/broken.md": "---\ntype: [\n---\n"})
    result = invoke("query", str(tmp_path), "--library", "counts-per-type", "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["type,namespaces,sources,matchNodes", "advisory,1,2,0"]
    assert "advisory/org/broken.md:" in result.stderr and "error" in result.stderr
