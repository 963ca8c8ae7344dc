"""Stores and endpoints that misbehave: each gives one line naming the URL and exit 2.

Every server here is a loopback server the test starts and stops: one that redirects to
another host, trickles, answers a malformed result, echoes the password, never stops
sending, or restarts in the middle of a load.
"""

from __future__ import annotations

import gc
import http.server
import json
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from secid_rdf.cli import main
from secid_rdf.findings import StoreError
from secid_rdf.store.http import HttpClient
from secid_rdf.store.sparql import read_export, split_graphs

SECID = "secid:advisory/mitre.org/cve#CVE-2024-1234"


def results(*rows: dict[str, str]) -> bytes:
    """A SPARQL JSON answer with these rows: ``<...>`` values are IRIs, others literals."""
    variables = sorted({name for row in rows for name in row} | {"s", "p", "o"})

    def term(value: str) -> dict[str, str]:
        if value.startswith("<") and value.endswith(">"):
            return {"type": "uri", "value": value[1:-1]}
        return {"type": "literal", "value": value}

    bindings = [{name: term(value) for name, value in row.items()} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()


_O = "<https://w3id.org/secid/ontology#"
GOOD_ROWS = [
    {"s": "<https://e/ns>", "p": "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
     "o": _O + "Namespace>"},
    {"s": "<https://e/ns>", "p": "<http://purl.org/dc/terms/identifier>",
     "o": "secid:advisory/mitre.org"},
    {"s": "<https://e/ns>", "p": _O + "hasSource>", "o": "<https://e/cve>"},
    {"s": "<https://e/cve>", "p": _O + "name>", "o": "cve"},
    {"s": "<https://e/cve>", "p": _O + "hasChild>", "o": "<https://e/id>"},
    {"s": "<https://e/id>", "p": _O + "matchPattern>", "o": "<https://e/pattern>"},
    {"s": "<https://e/pattern>", "p": _O + "xpathRegex>", "o": "^CVE-"},
    {"s": "<https://e/id>", "p": _O + "hasUrlTemplate>", "o": "<https://e/template>"},
    {"s": "<https://e/template>", "p": _O + "template>", "o": "https://b.example/CVE"},
]  # fmt: skip
"""``resolve.rq``'s answer for a registry whose mitre.org/cve items all go to one URL."""

GOOD_ROW = GOOD_ROWS[-1]


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request with :attr:`respond`, set per server; counts the requests."""

    protocol_version = "HTTP/1.1"
    respond: Callable[[Handler], None]
    requests: list[str]

    def do_POST(self) -> None:
        self.requests.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).respond(self)

    def do_GET(self) -> None:
        self.do_POST()

    def do_PUT(self) -> None:
        self.do_POST()

    def answer(self, status: int, body: bytes, media_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading server that says nothing when a client hangs up on a handler."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients here hang up on purpose (time-outs, size caps)."""


@contextmanager
def serve(respond: Callable[[Handler], None]) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering with ``respond``: its base URL and its request paths."""
    requests: list[str] = []
    handler = type("H", (Handler,), {"respond": respond, "requests": requests})
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_error_line(result: Result) -> str:
    """The single line a failed command printed, after checking there is only that one."""
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def good_answer(handler: Handler) -> None:
    handler.answer(200, results(*GOOD_ROWS), "application/sparql-results+json")


# -- redirects -------------------------------------------------------------------------------


def test_redirect_to_another_host_is_refused_unless_asked_for() -> None:
    with serve(good_answer) as (other, other_requests):
        target = other.replace("127.0.0.1", "localhost") + "/query"

        def redirect(handler: Handler) -> None:
            handler.answer(303, b"", "text/plain", Location=target)

        with serve(redirect) as (base, _):
            refused = run("resolve", "--endpoint", f"{base}/query", SECID)
            line = one_error_line(refused)
            assert line.startswith(f"Error: {base}/query: HTTP 303: redirected to another origin")
            assert target in line and "--follow-redirects" in line
            assert other_requests == []
            followed = run("resolve", "--endpoint", f"{base}/query", "--follow-redirects", SECID)
    assert followed.exit_code == 0, followed.stderr
    assert followed.stdout == "https://b.example/CVE\n"
    assert other_requests == ["/query"]


def test_redirect_within_the_same_origin_is_followed() -> None:
    def answer(handler: Handler) -> None:
        if handler.path == "/old":
            handler.answer(303, b"", "text/plain", Location="/query")
        else:
            good_answer(handler)

    with serve(answer) as (base, requests):
        result = run("resolve", "--endpoint", f"{base}/old", SECID)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "https://b.example/CVE\n"
    assert requests == ["/old", "/query"]


# -- time ------------------------------------------------------------------------------------


def trickle_headers(handler: Handler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n" * 100:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


def trickle_body(handler: Handler) -> None:
    body = results(*GOOD_ROWS) * 100
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


@pytest.mark.parametrize("respond", [trickle_headers, trickle_body])
def test_trickling_endpoint_times_out_within_the_timeout(
    respond: Callable[[Handler], None],
) -> None:
    with serve(respond) as (base, _):
        started = time.monotonic()
        result = run("query", "ASK {}", "--endpoint", f"{base}/query", "--timeout", "1.5")
        elapsed = time.monotonic() - started
    line = one_error_line(result)
    assert line == f"Error: {base}/query: no complete answer within 1.5 s"
    assert 1.5 <= elapsed < 1.5 + 1


def test_endless_answer_is_cut_at_the_size_cap() -> None:
    def endless(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/n-triples")
        handler.end_headers()
        chunk = b"<https://e/s> <https://e/p> <https://e/o> .\n" * 1000
        while True:
            handler.wfile.write(chunk)

    with serve(endless) as (base, _):
        client = HttpClient(f"{base}/query", timeout=20, max_bytes=2_000_000)
        with pytest.raises(StoreError) as caught:
            client.send(urllib.request.Request(client.url))
    assert caught.value.reason == "the answer is larger than 2,000,000 bytes; not read"


# -- malformed answers -----------------------------------------------------------------------

MALFORMED = {
    "subject that is a literal": (
        results(*GOOD_ROWS, {**GOOD_ROW, "s": "not an IRI"}),
        "application/sparql-results+json",
    ),
    "row without an object": (
        results(*GOOD_ROWS, {"s": "<https://e/x>", "p": "<https://e/p>"}),
        "application/sparql-results+json",
    ),
    "weight that is no integer": (
        results(*GOOD_ROWS, {"s": "<https://e/id>", "p": _O + "weight>", "o": "heavy"}),
        "application/sparql-results+json",
    ),
    "IRI with a line break": (
        json.dumps(
            {
                "head": {"vars": ["s", "p", "o"]},
                "results": {
                    "bindings": [
                        {
                            "s": {"type": "uri", "value": "https://e/x\nfake"},
                            "p": {"type": "uri", "value": "https://e/p"},
                            "o": {"type": "literal", "value": "x"},
                        }
                    ]
                },
            }
        ).encode(),
        "application/sparql-results+json",
    ),
    "truncated JSON": (results(*GOOD_ROWS)[:-7], "application/sparql-results+json"),
    "not results at all": (b"<html>busy</html>", "text/html"),
    "an RDF answer to a SELECT": (
        b"<https://e/s> <https://e/p> <https://e/o> .\n",
        "application/n-triples",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_answer_is_one_line_naming_the_endpoint(case: str) -> None:
    body, media_type = MALFORMED[case]
    with serve(lambda handler: handler.answer(200, body, media_type)) as (base, _):
        result = run("resolve", "--endpoint", f"{base}/query", SECID)
    line = one_error_line(result)
    assert line.startswith(f"Error: {base}/query: ")
    assert "malformed" in line or "not SPARQL results" in line or "not a SELECT" in line


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_answer_leaves_nothing_another_thread_must_drop(
    monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """The results of pyoxigraph may be dropped only on the thread that made them."""
    body, media_type = MALFORMED[case]
    dropped: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    gc.collect()
    with serve(lambda handler: handler.answer(200, body, media_type)) as (base, _):
        one_error_line(run("resolve", "--endpoint", f"{base}/query", SECID))
    collector = threading.Thread(target=gc.collect)
    collector.start()
    collector.join()
    assert dropped == []


def test_a_url_with_a_line_break_is_never_printed() -> None:
    body = results(*GOOD_ROWS[:-1], {**GOOD_ROW, "o": "https://x/\nfake"})
    with serve(lambda handler: handler.answer(200, body, "application/sparql-results+json")) as (
        base,
        _,
    ):
        result = run("resolve", "--endpoint", f"{base}/query", SECID)
    assert "fake" not in result.stdout + result.stderr
    assert result.stdout == ""


# -- credentials -----------------------------------------------------------------------------


def echo_credentials(handler: Handler) -> None:
    header = handler.headers.get("Authorization", "")
    handler.answer(500, f"cannot use {header} (s3cret)".encode(), "text/plain")


def redirect_away(handler: Handler) -> None:
    handler.answer(302, b"", "text/plain", Location="http://alice:s3cret@localhost:9/x")


@pytest.mark.parametrize("respond", [echo_credentials, redirect_away, None])
@pytest.mark.parametrize("command", ["load", "query", "resolve"])
def test_credentials_never_appear_in_a_message(
    respond: Callable[[Handler], None] | None, command: str, tmp_path: Path
) -> None:
    def attempt(base: str) -> Result:
        url = base.replace("http://", "http://alice:s3cret@") + "/sparql"
        if command == "load":
            (tmp_path / "secid.nq").write_text(
                "<https://e/s> <https://e/p> <https://e/o> <https://e/g> .\n"
            )
            (tmp_path / "void.ttl").write_text("")
            return run("load", "--from", str(tmp_path), "--store", url, "--timeout", "3")
        if command == "query":
            return run("query", "ASK {}", "--endpoint", url, "--timeout", "3")
        return run("resolve", "--endpoint", url, "--timeout", "3", SECID)

    if respond is None:  # nothing listens there
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = f"http://127.0.0.1:{probe.getsockname()[1]}"
        result = attempt(base)
    else:
        with serve(respond) as (base, _):
            result = attempt(base)
    line = one_error_line(result)
    assert "s3cret" not in line and "alice" not in line
    assert "***" in line


# -- load: a store that restarts -------------------------------------------------------------


class RestartingStore:
    """A Graph Store Protocol server over a pyoxigraph store that dies at one ``PUT``.

    At ``PUT`` number :attr:`die_at` it stops listening and drops that request unanswered,
    as a store process killed mid-load does; :meth:`start` brings it back on the same port
    with the data it had.
    """

    def __init__(self, die_at: int) -> None:
        self.store = ox.Store()
        self.die_at = die_at
        self.puts = 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/store"
        self.server: QuietServer | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        outer = self

        class GraphStoreHandler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.puts += 1
                if outer.puts == outer.die_at:
                    threading.Thread(target=outer.stop).start()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                graph = ox.NamedNode(query["graph"][0]) if "graph" in query else ox.DefaultGraph()
                existed = any(True for _ in outer.store.quads_for_pattern(None, None, None, graph))
                for old in list(outer.store.quads_for_pattern(None, None, None, graph)):
                    outer.store.remove(old)
                outer.store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                self.send_response(204 if existed else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """Keep test output quiet."""

        self.server = QuietServer(("127.0.0.1", self.port), GraphStoreHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def graphs(self) -> dict[str | None, set[ox.Triple]]:
        found: dict[str | None, set[ox.Triple]] = {}
        for quad in self.store:
            name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            found.setdefault(name, set()).add(quad.triple)
        return found


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--no-pages", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    return out


def assert_store_holds(store: RestartingStore, export_dir: Path) -> None:
    """Every graph of the export is in the store with its count of triples.

    Graphs are also compared triple by triple, but for the dataset description: pyoxigraph
    stores its typed literals in canonical form (``xsd:nonNegativeInteger`` as ``xsd:integer``).
    """
    expected = split_graphs(read_export(export_dir))
    held = store.graphs()
    assert {name: len(held.get(name, ())) for name in expected} == {
        name: len(triples) for name, triples in expected.items()
    }
    assert set(held) == set(expected)
    for name, triples in expected.items():
        if not name or not name.endswith("/void"):
            assert held[name] == set(triples), name


def test_load_retries_the_graph_a_restarting_store_dropped(export_dir: Path) -> None:
    store = RestartingStore(die_at=3)
    store.start()
    restart = threading.Timer(0.3, store.start)
    original_stop = store.stop

    def stop_then_restart() -> None:
        original_stop()
        restart.start()

    store.stop = stop_then_restart  # type: ignore[method-assign]
    try:
        result = run("load", "--from", str(export_dir), "--store", store.url)
    finally:
        restart.join()
        original_stop()
    assert result.exit_code == 0, result.stderr
    assert "not loaded" not in result.stderr
    assert_store_holds(store, export_dir)


def test_second_load_completes_a_store_that_restarted_mid_load(export_dir: Path) -> None:
    expected = split_graphs(read_export(export_dir))
    store = RestartingStore(die_at=3)
    store.start()
    try:
        first = run("load", "--from", str(export_dir), "--store", store.url, "--timeout", "5")
        assert first.exit_code == 2
        lines = first.stderr.splitlines()
        loaded = [line for line in lines if line.startswith(("created ", "replaced "))]
        missing = [line for line in lines if line.startswith("not loaded ")]
        assert len(loaded) == 2 and len(missing) == len(expected) - 2
        assert lines[-1] == (
            f"Error: {len(expected) - 2} of {len(expected)} graphs were not loaded into"
            f" {store.url}; run the same load again to complete the store"
        )
        store.die_at = 0
        store.start()
        second = run("load", "--from", str(export_dir), "--store", store.url)
    finally:
        store.stop()
    assert second.exit_code == 0, second.stderr
    assert_store_holds(store, export_dir)
