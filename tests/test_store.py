"""The store module against a real Oxigraph server and small hand-built graphs.

Loading by graph, replacing on reload, querying an endpoint, authentication, and every way a
store fails.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.findings import QueryError, SecidRdfError, StoreError
from secid_rdf.iris import DATASET_GRAPH_IRI
from secid_rdf.store.graph_source import GraphSourceError, graph_quads
from secid_rdf.store.result_tables import format_results
from secid_rdf.store.sparql import (
    Credentials,
    bind_values,
    build_store,
    load_graphs,
    query_endpoint,
    query_store,
    read_export,
    rebase_graphs,
    split_graphs,
)

EX = "https://example.org/"
G_ADVISORY = ox.NamedNode(EX + "graph/advisory")
G_ENTITY = ox.NamedNode(EX + "graph/entity")


def quad(s: str, o: str | ox.Literal, graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    """One quad with predicate ``ex:p``; a str object is an IRI under the example base."""
    obj = ox.NamedNode(EX + o) if isinstance(o, str) else o
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), obj, graph)


QUADS = (
    quad("cve", ox.Literal("CVE list"), G_ADVISORY),
    quad("cve", "mitre", G_ADVISORY),
    quad("ghsa", ox.Literal('quote " brace } newline\n', language="en"), G_ADVISORY),
    quad("mitre", ox.Literal("MITRE"), G_ENTITY),
)


def test_split_graphs_keeps_every_triple_in_its_graph() -> None:
    graphs = split_graphs([*QUADS, quad("x", "y", ox.DefaultGraph())])
    assert list(graphs) == [None, G_ADVISORY.value, G_ENTITY.value]
    assert [len(triples) for triples in graphs.values()] == [1, 3, 1]


def test_load_puts_each_graph_with_exactly_its_triples(oxigraph_server) -> None:
    report = load_graphs(oxigraph_server.store_url, split_graphs(QUADS))
    assert [(u.graph, u.triples, u.status) for u in report.uploads] == [
        (G_ADVISORY.value, 3, 201),
        (G_ENTITY.value, 1, 201),
    ]
    assert report.triples == 4
    for graph in (G_ADVISORY, G_ENTITY):
        expected = {q.triple for q in QUADS if q.graph_name == graph}
        assert oxigraph_server.graph(graph.value) == expected


def test_second_load_replaces_instead_of_adding(oxigraph_server) -> None:
    load_graphs(oxigraph_server.store_url, split_graphs(QUADS))
    smaller = [q for q in QUADS if q.object != ox.NamedNode(EX + "mitre")]
    report = load_graphs(oxigraph_server.store_url, split_graphs(smaller))
    assert {u.status for u in report.uploads} <= {200, 204}
    assert oxigraph_server.graph(G_ADVISORY.value) == {
        q.triple for q in smaller if q.graph_name == G_ADVISORY
    }


def test_load_to_a_stopped_server_names_the_url(oxigraph_server) -> None:
    oxigraph_server.stop()
    with pytest.raises(StoreError) as caught:
        load_graphs(oxigraph_server.store_url, split_graphs(QUADS), timeout=5)
    message = str(caught.value)
    assert message.startswith(f"{oxigraph_server.store_url}?graph=")
    assert "cannot connect" in message and "0 of 2 graphs were loaded" in message
    assert "\n" not in message


def test_http_error_shows_the_server_message(oxigraph_server) -> None:
    with pytest.raises(StoreError) as caught:
        query_endpoint(oxigraph_server.query_url, "SELECT WHERE nonsense")
    assert caught.value.url == oxigraph_server.query_url
    assert "HTTP 400" in caught.value.reason
    assert len(caught.value.reason) > len("HTTP 400 Bad Request: ")  # the server's own words


def test_wrong_path_is_an_http_error_not_a_success(oxigraph_server) -> None:
    with pytest.raises(StoreError, match="HTTP 404"):
        load_graphs(oxigraph_server.base_url + "/no-such-endpoint", split_graphs(QUADS))


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/store"
        with pytest.raises(StoreError, match=r"no (complete )?answer within 0\.3 s"):
            load_graphs(url, split_graphs(QUADS), timeout=0.3)


def test_non_http_url_is_refused_before_any_request() -> None:
    with pytest.raises(StoreError, match="not an http"):
        load_graphs("file:///etc/passwd", split_graphs(QUADS))


def test_query_endpoint_matches_the_embedded_store(oxigraph_server) -> None:
    load_graphs(oxigraph_server.store_url, split_graphs(QUADS))
    local = build_store(QUADS)
    union = "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?o"
    for query in (
        union,
        "ASK { GRAPH ?g { ?s ?p 'MITRE' } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    ):
        remote = format_results(query_endpoint(oxigraph_server.query_url, query), "json")
        assert remote == format_results(query_store(local, query), "json"), query


def test_embedded_store_queries_the_union_of_all_graphs() -> None:
    result = query_store(build_store(QUADS), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert format_results(result, "csv") == b"n\r\n4\r\n"


def test_embedded_store_rejects_bad_sparql() -> None:
    with pytest.raises(QueryError, match=r"not a valid SPARQL 1\.1 query"):
        query_store(build_store(QUADS), "SELECT ?s WHERE {")


def test_bind_values_replaces_the_default_and_escapes_the_value() -> None:
    query = 'SELECT ?s WHERE { VALUES ?label { "a}b" } ?s ?p ?label }'
    bound = bind_values(query, {"label": 'quote " brace } newline\n'})
    assert (
        bound == 'SELECT ?s WHERE { VALUES ?label { "quote \\" brace } newline\\n" } ?s ?p ?label }'
    )


def test_bind_values_finds_the_literal_with_its_exact_text() -> None:
    query = 'SELECT ?s WHERE { VALUES ?label { "x" } ?s ?p ?label }'
    rows = list(query_store(build_store(QUADS), bind_values(query, {"label": "CVE list"})))
    assert [row["s"] for row in rows] == [ox.NamedNode(EX + "cve")]


def test_bind_values_angle_brackets_make_an_iri() -> None:
    query = "SELECT ?s WHERE { VALUES ?o { <urn:x> } ?s ?p ?o }"
    rows = list(query_store(build_store(QUADS), bind_values(query, {"o": f"<{EX}mitre>"})))
    assert [row["s"] for row in rows] == [ox.NamedNode(EX + "cve")]


def test_bind_values_refuses_a_name_without_values_block() -> None:
    with pytest.raises(QueryError, match=r"no VALUES block for: \?nope"):
        bind_values("SELECT * WHERE { VALUES ?s { 1 } }", {"nope": "x"})
    with pytest.raises(QueryError, match="not an IRI"):
        bind_values("SELECT * WHERE { VALUES ?s { 1 } }", {"s": "<not an iri>"})


def test_rebase_moves_only_graphs_under_the_old_prefix() -> None:
    other = quad("x", "y", ox.NamedNode("urn:elsewhere"))
    moved = rebase_graphs([*QUADS, other], EX + "graph/", "urn:test:")
    assert sorted({str(q.graph_name) for q in moved}) == [
        "<urn:elsewhere>",
        "<urn:test:advisory>",
        "<urn:test:entity>",
    ]


def test_read_export_puts_the_dataset_description_in_its_own_graph(tmp_path: Path) -> None:
    (tmp_path / "secid.nq").write_bytes(ox.serialize(QUADS, format=ox.RdfFormat.N_QUADS))
    (tmp_path / "void.ttl").write_text(f"<{EX}dataset> <{EX}triples> 4 .\n")
    quads = read_export(tmp_path)
    assert set(quads) - set(QUADS) == {
        ox.Quad(
            ox.NamedNode(EX + "dataset"),
            ox.NamedNode(EX + "triples"),
            ox.Literal(4),
            DATASET_GRAPH_IRI,
        )
    }


def test_read_export_names_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(SecidRdfError, match=r"secid\.nq: not found"):
        read_export(tmp_path)
    (tmp_path / "secid.nq").write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(SecidRdfError, match=r"secid\.nq: not valid N-Quads: .*line 1"):
        read_export(tmp_path)


def test_table_escapes_control_characters_and_leaves_unbound_cells_empty() -> None:
    store = build_store(QUADS)
    result = query_store(
        store, f"SELECT ?o ?missing WHERE {{ <{EX}ghsa> ?p ?o OPTIONAL {{ ?o ?q ?missing }} }}"
    )
    assert format_results(result, "table").decode().splitlines() == [
        "o" + " " * 24 + " | missing",
        "-" * 25 + "-+-" + "-" * 7,
        'quote " brace } newline\\n |',
    ]


def test_construct_results_are_sorted_ntriples_in_every_format() -> None:
    store = build_store(QUADS)
    outputs = {
        fmt: format_results(query_store(store, "CONSTRUCT WHERE { ?s ?p ?o }"), fmt)
        for fmt in ("table", "csv", "json")
    }
    assert len(set(outputs.values())) == 1
    lines = outputs["table"].decode().splitlines()
    assert lines == sorted(lines) and len(lines) == 4


# --- authentication: a loopback server that demands basic or digest credentials ----------

USER, PASSWORD, REALM, NONCE = "loader", "s3cret", "secid-test", "abc123"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class AuthHandler(http.server.BaseHTTPRequestHandler):
    """A store behind basic or digest authentication that behaves like Virtuoso.

    It answers a request without valid credentials with 401 at once, never reading its body,
    and hangs up.
    """

    scheme = "Basic"
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def _answer(self) -> None:
        if not self._authorised():
            challenge = (
                f'Basic realm="{REALM}"'
                if self.scheme == "Basic"
                else f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'
            )
            self.send_response(401)
            self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204 if self.command == "PUT" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if self.scheme == "Basic":
            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if not header.startswith("Digest "):
            return False
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:]))
        ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{self.command}:{fields.get('uri')}")
        expected = _md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == USER and fields.get("response") == expected

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(params=["Basic", "Digest"])
def auth_store_url(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (AuthHandler,), {"scheme": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store"
    server.shutdown()
    server.server_close()
    thread.join()


def test_credentials_answer_basic_and_digest_challenges(auth_store_url: str) -> None:
    report = load_graphs(
        auth_store_url, split_graphs(QUADS), credentials=Credentials(USER, PASSWORD)
    )
    assert [u.status for u in report.uploads] == [204, 204]


def test_large_graph_reaches_a_store_that_hangs_up_on_unauthenticated_requests(
    auth_store_url: str,
) -> None:
    big = [quad(f"s{i}", ox.Literal("x" * 100), G_ADVISORY) for i in range(40_000)]
    report = load_graphs(auth_store_url, split_graphs(big), credentials=Credentials(USER, PASSWORD))
    assert [(u.triples, u.status) for u in report.uploads] == [(40_000, 204)]


@pytest.mark.parametrize("credentials", [None, Credentials(USER, "wrong")])
def test_refused_credentials_are_an_error(
    auth_store_url: str, credentials: Credentials | None
) -> None:
    with pytest.raises(StoreError) as caught:
        load_graphs(auth_store_url, split_graphs(QUADS), credentials=credentials, timeout=5)
    assert "HTTP 401" in caught.value.reason and "authentication refused" in caught.value.reason
    assert caught.value.url.startswith(auth_store_url)


def test_load_command_takes_the_password_from_the_environment(
    auth_store_url: str, tmp_path: Path
) -> None:
    (tmp_path / "secid.nq").write_bytes(ox.serialize(QUADS, format=ox.RdfFormat.N_QUADS))
    (tmp_path / "void.ttl").write_text(f"<{EX}dataset> <{EX}triples> 4 .\n")
    args = ["load", "--from", str(tmp_path), "--store", auth_store_url, "--user", USER]
    result = CliRunner().invoke(main, args, env={"SECID_RDF_STORE_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.stderr
    assert "loaded 3 graphs, 5 triples" in result.stderr
    refused = CliRunner().invoke(main, args, env={"SECID_RDF_STORE_PASSWORD": "wrong"})
    assert refused.exit_code == 2 and "HTTP 401" in refused.stderr
    missing = CliRunner().invoke(main, args, env={"SECID_RDF_STORE_PASSWORD": None})
    assert missing.exit_code == 2 and "--user needs --password" in missing.stderr


def test_graph_quads_of_an_export_equal_those_of_its_registry(
    tmp_path: Path, bundled_registry: Path
) -> None:
    from secid_rdf.export.run import ExportOptions, export_registry

    export_registry(bundled_registry, tmp_path / "out", ExportOptions(include_pages=False))
    converted = graph_quads(bundled_registry, include_description=False)
    exported = graph_quads(export_dir=tmp_path / "out", include_description=False)
    assert not converted.has_errors and not exported.has_errors
    assert len(converted.quads) > 0
    assert set(exported.quads) == set(converted.quads)
    described = graph_quads(export_dir=tmp_path / "out", include_description=True)
    assert {quad.graph_name for quad in described.quads} - {
        quad.graph_name for quad in exported.quads
    } == {DATASET_GRAPH_IRI}


def test_graph_quads_refuses_a_registry_and_an_export_together(
    tmp_path: Path, bundled_registry: Path
) -> None:
    with pytest.raises(GraphSourceError, match="not both"):
        graph_quads(bundled_registry, export_dir=tmp_path)
