"""Shared test fixtures: where the real registry snapshots and the bundled registry are.

Two kinds of real data: the sample under ``tests/fixtures/corpus-sample`` (always here, so
core behaviour is tested in any checkout) and the full snapshots in ``../shared/corpora``
(beside the project's usual checkout). A test that needs a full snapshot skips where it is
missing, with a reason that says where it comes from, and fails instead when ``CI`` is set.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pytest

from secid_rdf.convert.builder import Conversion, registry_to_graph
from secid_rdf.export.run import ExportOptions, ExportResult, export_registry
from secid_rdf.model import Registry
from secid_rdf.read.registry import read_registry
from secid_rdf.resources import bundled_registry_path
from secid_rdf.store.sparql import graph_store_url

V = TypeVar("V")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
MARKDOWN_CORPUS = CORPORA / "secid-f1b7ea6" / "registry"
JSON_CORPUS = CORPORA / "secid-7df975b" / "registry"
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "corpus-sample"
MARKDOWN_SAMPLE = SAMPLE / "secid-f1b7ea6" / "registry"
JSON_SAMPLE = SAMPLE / "secid-7df975b" / "registry"

REGISTRY_NAMES = ("bundled", "markdown-sample", "json-sample", "markdown", "json")
"""Every real registry the tests read; the last two are the full snapshots."""


def require_corpus(path: Path) -> Path:
    """A full registry snapshot, or a skip (a failure when ``CI`` is set) that says why."""
    if path.is_dir():
        return path
    reason = (
        f"full registry snapshot not found at {path}: the corpora are the SecID registry "
        "(https://github.com/CloudSecurityAlliance/SecID, CC0) at commits f1b7ea6 and 7df975b, "
        "kept in ../shared/corpora beside the project checkout; without them only "
        "tests/fixtures/corpus-sample is tested"
    )
    missing(reason)
    return path


def missing(reason: str) -> None:
    """Skip the asking test for ``reason``, or fail it when ``CI`` is set: CI has everything."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


def require_tool(found: object, what: str, install: str) -> None:
    """Go on when ``found`` (a path, a module) is there; else :func:`missing` with ``install``."""
    if not found:
        missing(f"{what}: {install}")


def registry_path(name: str) -> Path:
    """The folder of one of :data:`REGISTRY_NAMES` (a full snapshot via :func:`require_corpus`)."""
    paths = {
        "bundled": bundled_registry_path(),
        "markdown-sample": MARKDOWN_SAMPLE,
        "json-sample": JSON_SAMPLE,
    }
    if name in paths:
        return paths[name]
    return require_corpus({"markdown": MARKDOWN_CORPUS, "json": JSON_CORPUS}[name])


@pytest.fixture(scope="session")
def markdown_corpus() -> Path:
    """The Feb 2026 registry snapshot: Markdown only, reverse-DNS layout."""
    return require_corpus(MARKDOWN_CORPUS)


@pytest.fixture(scope="session")
def json_corpus() -> Path:
    """The May 2026 registry snapshot: JSON plus Markdown twins."""
    return require_corpus(JSON_CORPUS)


@pytest.fixture(scope="session")
def bundled_registry() -> Path:
    """The registry that ships with secid-rdf."""
    return bundled_registry_path()


@dataclass(frozen=True)
class PlantedTemplate:
    """A ``javascript:`` URL template put into a copy of the bundled registry."""

    registry: Path
    where: str  # the finding's start: ``file:line: error: field:``
    secid: str  # a SecID the template would resolve


JAVASCRIPT_TEMPLATE = "javascript:alert(24)//"
"""The text every planted template starts with; no output may hold it."""

_PLANTS = {
    "markdown": (
        "advisory/gov/nist.md",
        "https://nvd.nist.gov/vuln/detail/{id}",
        "{id}",
        "14: error: sources.nvd.urls.lookup:",
        "secid:advisory/nist.gov/nvd#CVE-2021-44228",
    ),
    "json": (
        "weakness/org/mitre.json",
        "https://cwe.mitre.org/data/definitions/{num}.html",
        "{num}",
        "49: error: match_nodes[0].children[0].data.url:",
        "secid:weakness/mitre.org/cwe#CWE-79",
    ),
}


def plant_javascript_template(folder: Path, layout: str) -> PlantedTemplate:
    """Copy the bundled registry into ``folder`` with one template of ``layout`` replaced.

    :param layout: ``markdown`` (a source's ``urls.lookup``) or ``json`` (a match node's
        ``data.url``).
    """
    name, template, placeholder, where, secid = _PLANTS[layout]
    registry = folder / "registry"
    shutil.copytree(bundled_registry_path(), registry)
    path = registry / name
    text = path.read_text(encoding="utf-8")
    assert template in text
    path.write_text(text.replace(template, JAVASCRIPT_TEMPLATE + placeholder), encoding="utf-8")
    return PlantedTemplate(registry, f"{name}:{where}", secid)


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


class ByName(dict[str, V]):
    """Values made on first use from a registry name (see :data:`REGISTRY_NAMES`).

    Asking for a full snapshot that is missing skips the asking test (fails it under CI),
    and only that test.
    """

    def __init__(self, make: Callable[[str], V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, name: str) -> V:
        self[name] = value = self._make(name)
        return value


def _read_and_convert(name: str) -> tuple[Registry, Conversion]:
    registry = read_registry(registry_path(name))
    return registry, registry_to_graph(registry)


@pytest.fixture(scope="session")
def exported_sites(tmp_path_factory: pytest.TempPathFactory) -> ByName[ExportResult]:
    """Each test registry exported (dumps and site) once per session, when a test asks for it.

    Tests read these folders and never change them.
    """
    return ByName(
        lambda name: export_registry(
            registry_path(name),
            tmp_path_factory.mktemp(f"site-{name}"),
            ExportOptions(),
            show_progress=False,
        )
    )


@pytest.fixture(scope="session")
def corpus_conversions() -> ByName[tuple[Registry, Conversion]]:
    """Each test registry read and converted once per session, when a test asks for it."""
    return ByName(_read_and_convert)


def free_port() -> int:
    """A loopback TCP port no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(
    process: subprocess.Popen[bytes], port: int, name: str, log: Callable[[], str]
) -> bool:
    """Whether a server ``process`` listens on ``port`` within 20 s; fail if it exits.

    :param log: what the server wrote, for the failure message.
    """
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited: {log()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


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
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.store_url = f"{self.base_url}/store"
        self.query_url = f"{self.base_url}/query"
        command = [found, "serve", "--location", str(location), "--union-default-graph"]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        self.log = location.with_suffix(".log")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        """Return once the port accepts connections; fail the test if the server died."""
        log = functools.partial(self.log.read_text, errors="replace")
        if not wait_until_listening(self.process, self.port, "oxigraph serve", log):
            self.stop()
            pytest.fail(f"oxigraph serve did not listen on port {self.port}")

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


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening any connection fails: a document must be read from itself alone."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("this test must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
