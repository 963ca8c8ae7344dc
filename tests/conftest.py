"""Shared test fixtures: where the real registry snapshots and the bundled registry are."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from secid_rdf.convert.builder import Conversion, registry_to_graph
from secid_rdf.model import Registry
from secid_rdf.read.registry import read_registry
from secid_rdf.resources import bundled_registry_path
from secid_rdf.store.sparql import graph_store_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
MARKDOWN_CORPUS = CORPORA / "secid-f1b7ea6" / "registry"
JSON_CORPUS = CORPORA / "secid-7df975b" / "registry"


@pytest.fixture(scope="session")
def markdown_corpus() -> Path:
    """The Feb 2026 registry snapshot: Markdown only, reverse-DNS layout."""
    if not MARKDOWN_CORPUS.is_dir():
        pytest.fail(f"corpus missing: {MARKDOWN_CORPUS} (../shared must sit beside the project)")
    return MARKDOWN_CORPUS


@pytest.fixture(scope="session")
def json_corpus() -> Path:
    """The May 2026 registry snapshot: JSON plus Markdown twins."""
    if not JSON_CORPUS.is_dir():
        pytest.fail(f"corpus missing: {JSON_CORPUS} (../shared must sit beside the project)")
    return JSON_CORPUS


@pytest.fixture(scope="session")
def bundled_registry() -> Path:
    """The registry that ships with secid-rdf."""
    return bundled_registry_path()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden files from the code under test."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output (review the diff)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def corpus_conversions(
    bundled_registry: Path, markdown_corpus: Path, json_corpus: Path
) -> dict[str, tuple[Registry, Conversion]]:
    """Each test registry read and converted once per session.

    Keys are ``bundled``, ``markdown`` and ``json``; values are (registry, conversion).
    """
    paths = {"bundled": bundled_registry, "markdown": markdown_corpus, "json": json_corpus}
    result = {}
    for name, path in paths.items():
        registry = read_registry(path)
        result[name] = (registry, registry_to_graph(registry))
    return result


class OxigraphServer:
    """A real ``oxigraph serve`` process on a free loopback port, for store tests.

    ``store_url`` is its Graph Store Protocol endpoint, ``query_url`` its SPARQL endpoint.
    Queries see the union of all graphs as default graph (``--union-default-graph``), as the
    shipped queries expect.
    """

    def __init__(self, location: Path) -> None:
        binary = Path(sys.executable).with_name("oxigraph")
        found = str(binary) if binary.is_file() else shutil.which("oxigraph")
        if found is None:
            pytest.fail("the oxigraph server binary is missing: pip install '.[test]'")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.store_url = f"{self.base_url}/store"
        self.query_url = f"{self.base_url}/query"
        command = [found, "serve", "--location", str(location), "--union-default-graph"]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        self.log = location.with_suffix(".log")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def _wait_until_ready(self, seconds: float = 15.0) -> None:
        """Return once the port accepts connections; fail the test if the server died."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {self.log.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        pytest.fail(f"oxigraph serve did not listen on port {self.port} within {seconds} s")

    def graph(self, name: str) -> set[ox.Triple]:
        """The triples the server holds in one graph, read back with a Graph Store GET."""
        request = urllib.request.Request(
            graph_store_url(self.store_url, name), headers={"Accept": "application/n-triples"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return {quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server (disk store in ``tmp_path``), stopped after the test."""
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()
