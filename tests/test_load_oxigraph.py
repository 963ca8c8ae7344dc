"""``secid-rdf load`` and ``secid-rdf query`` end to end, on a real Oxigraph server.

The bundled registry is exported, loaded, read back graph by graph, loaded again, and queried.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from secid_rdf.cli import main
from secid_rdf.iris import DATASET_GRAPH_IRI, GRAPH_NAMESPACE
from secid_rdf.vocab import VOID, XSD

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command line in-process, keeping stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory, bundled_registry: Path) -> Path:
    """The bundled registry exported once (no pages: they play no part in loading)."""
    out = tmp_path_factory.mktemp("export")
    result = run("export", str(bundled_registry), "--out", str(out), "--no-pages")
    assert result.exit_code == 0, result.stderr
    return out


def export_graphs(export_dir: Path) -> dict[str, set[ox.Triple]]:
    """What the store should hold: each graph of ``secid.nq``, and ``void.ttl`` in its own.

    Oxigraph stores typed literals in canonical form (``xsd:nonNegativeInteger`` becomes
    ``xsd:integer``, ``+00:00`` becomes ``Z``); ``void.ttl`` has such values, so its triples
    are expected as Oxigraph keeps them. The registry's graphs must come back unchanged.
    """
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for quad in ox.parse(path=export_dir / "secid.nq", format=ox.RdfFormat.N_QUADS):
        graphs[quad.graph_name.value].add(quad.triple)
    canonical = ox.Store()
    canonical.load(path=export_dir / "void.ttl", format=ox.RdfFormat.TURTLE)
    graphs[DATASET_GRAPH_IRI.value] = {quad.triple for quad in canonical}
    return dict(graphs)


def store_graphs(server) -> dict[str, set[ox.Triple]]:
    """What the store holds: every named graph, each read back with a Graph Store GET."""
    listing = urllib.request.Request(
        server.query_url + "?" + urllib.parse.urlencode({"query": LIST_GRAPHS}),
        headers={"Accept": "text/tab-separated-values"},
    )
    with urllib.request.urlopen(listing, timeout=10) as response:
        names = [line.strip("<>") for line in response.read().decode().split("\n")[1:] if line]
    return {name: server.graph(name) for name in names}


def test_load_from_export_puts_every_graph_with_exactly_its_triples(oxigraph_server, export_dir):
    expected = export_graphs(export_dir)
    result = run("load", "--from", str(export_dir), "--store", oxigraph_server.store_url)
    assert result.exit_code == 0, result.stderr
    loaded = store_graphs(oxigraph_server)
    assert sorted(loaded) == sorted(expected)
    for name, triples in expected.items():
        assert len(loaded[name]) == len(triples), name
        assert loaded[name] == triples, name
    assert DATASET_GRAPH_IRI.value in loaded and len(expected) >= 3
    total = sum(len(triples) for triples in expected.values())
    assert f"loaded {len(expected)} graphs, {total} triples into {oxigraph_server.store_url}" in (
        result.stderr
    )


def test_load_registry_in_memory_matches_its_export(oxigraph_server, export_dir, bundled_registry):
    result = run("load", str(bundled_registry), "--store", oxigraph_server.store_url)
    assert result.exit_code == 0, result.stderr
    loaded = store_graphs(oxigraph_server)
    expected = export_graphs(export_dir)
    description = loaded.pop(DATASET_GRAPH_IRI.value)
    del expected[DATASET_GRAPH_IRI.value]
    assert loaded == expected
    distinct = len(set().union(*expected.values()))
    counts = {t.object for t in description if t.predicate == VOID.triples}
    assert ox.Literal(str(distinct), datatype=XSD.integer) in counts


def test_second_load_replaces_and_leaves_every_count_unchanged(oxigraph_server, export_dir):
    args = ("load", "--from", str(export_dir), "--store", oxigraph_server.store_url)
    first = run(*args)
    counts = {name: len(triples) for name, triples in store_graphs(oxigraph_server).items()}
    second = run(*args)
    assert first.exit_code == second.exit_code == 0
    assert {name: len(t) for name, t in store_graphs(oxigraph_server).items()} == counts
    assert "created " in first.stderr and "created " not in second.stderr
    assert second.stderr.count("replaced ") == len(counts)


def test_load_to_a_stopped_server_fails_with_one_line_naming_the_url(oxigraph_server, export_dir):
    oxigraph_server.stop()
    result = run("load", "--from", str(export_dir), "--store", oxigraph_server.store_url)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {oxigraph_server.store_url}?graph=")
    assert "cannot connect" in lines[0] and "0 of " in lines[0]


def test_dry_run_sends_nothing(oxigraph_server, export_dir):
    result = run(
        "load", "--from", str(export_dir), "--store", oxigraph_server.store_url, "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    assert "nothing sent" in result.stderr
    assert store_graphs(oxigraph_server) == {}


def test_graph_prefix_moves_every_graph(oxigraph_server, export_dir):
    prefix = "https://example.org/secid-test/"
    result = run(
        "load",
        "--from",
        str(export_dir),
        "--store",
        oxigraph_server.store_url,
        "--graph-prefix",
        prefix,
    )
    assert result.exit_code == 0, result.stderr
    loaded = store_graphs(oxigraph_server)
    expected = export_graphs(export_dir)
    assert sorted(loaded) == sorted(prefix + name[len(GRAPH_NAMESPACE) :] for name in expected)
    subsets = {t.object.value for t in loaded[prefix + "void"] if t.predicate == VOID.subset}
    assert subsets and all(subset in loaded for subset in subsets)


@pytest.mark.parametrize("source", ["registry", "export"])
def test_query_counts_each_distinct_triple_once(source, export_dir, bundled_registry):
    where = [str(bundled_registry)] if source == "registry" else ["--from", str(export_dir)]
    result = run("query", *where, COUNT_ALL, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = (export_dir / "secid.nt").read_bytes().splitlines()
    assert list(csv.reader(io.StringIO(result.stdout))) == [["n"], [str(len(set(lines)))]]


def test_query_endpoint_gives_the_embedded_answer(oxigraph_server, export_dir):
    assert (
        run("load", "--from", str(export_dir), "--store", oxigraph_server.store_url).exit_code == 0
    )
    query = (
        "SELECT ?type (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s a ?type } "
        f"FILTER(?g != {DATASET_GRAPH_IRI}) }} GROUP BY ?type ORDER BY ?type"
    )
    remote = run("query", query, "--endpoint", oxigraph_server.query_url, "--format", "tsv")
    local = run("query", "--from", str(export_dir), query, "--format", "tsv")
    assert remote.exit_code == local.exit_code == 0, remote.stderr + local.stderr
    assert remote.stdout == local.stdout and remote.stdout.count("\n") > 5


def test_query_endpoint_error_is_one_line_naming_the_url(oxigraph_server):
    result = run("query", "SELECT nonsense", "--endpoint", oxigraph_server.query_url)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {oxigraph_server.query_url}: HTTP 400")
    assert len(result.stderr.splitlines()) == 1
