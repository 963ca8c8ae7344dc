"""The exported site under a real Apache httpd, with the rule files the export writes.

Debian's ``apache2`` is started on a free loopback port with a minimal configuration of its
own (a temporary server root, ``AllowOverride All``). ``/kg/`` serves an export of the
bundled registry through its ``.htaccess``: a path other than the base's, as for a site
published at ``--site-url``. ``/w3id/secid/`` holds the export's ``w3id.htaccess`` made for
that site, as w3id.org would. Without Apache the tests skip, saying how to install it,
except in CI (``CI`` set), where they fail: ``.ci/run`` installs it.
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import REGISTRY_NAMES, ByName, free_port, require_tool, wait_until_listening
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, parse

from secid_rdf.export.run import ExportOptions, ExportResult, export_registry
from secid_rdf.resources import bundled_registry_path
from secid_rdf.site.htaccess import W3ID_RULES, write_rules

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
INSTALL = "apt-get install -y apache2"

BASE = "https://w3id.org/secid/"
SITE_PATH = "/kg/"
"""Where the test serves the site: published away from the base's path (``--site-url``)."""
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
ACCEPTS = {"text/turtle": ".ttl", "application/ld+json": ".jsonld", BROWSER: ".html"}

SOURCE = "advisory/nist.gov/nvd"
"""A source of the bundled registry (its namespace has a page of its own too)."""

CONTRACT_FILES = [
    "index.html",
    *(f"{stem}{suffix}" for stem in ("advisory/nist.gov", SOURCE) for suffix in ACCEPTS.values()),
    *(f"control/iso.org/27001{suffix}" for suffix in ACCEPTS.values()),
    "ontology.html",
    "ontology.ttl",
    "vocab/status.html",
    "void.html",
    "void.ttl",
    "icon.svg",
]
"""The site files these tests ask for (see the site layout in docs/publishing.md): the
export writes every one."""

MODULE_NAMES = ["mpm_event", "authz_core", "rewrite", "headers", "mime", "dir", "alias"]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Apache:
    """An ``apache2`` process serving ``root/htdocs`` on ``port``."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def site(self) -> Path:
        return self.root / "htdocs" / SITE_PATH.strip("/")

    connection: http.client.HTTPConnection | None = None

    def get(self, path: str, accept: str, host: str | None = None) -> Response:
        """``GET path`` with ``Accept`` (and ``Host``), redirects not followed.

        The connection is kept alive across calls.
        """
        headers = {"Accept": accept} | ({"Host": host} if host else {})
        try:
            return self._get(path, headers)
        except (http.client.HTTPException, ConnectionError):  # it closed an idle connection
            self.close()
            return self._get(path, headers)

    def _get(self, path: str, headers: dict[str, str]) -> Response:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.connection.request("GET", path, headers=headers)
        answer = self.connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())

    def close(self) -> None:
        """Close the kept-alive connection, if any."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def error_log(self) -> str:
        """What Apache wrote on starting, and its error log."""
        logs = [self.root / "startup.log", self.root / "error.log"]
        return "".join(log.read_text(errors="replace") for log in logs if log.exists())


def _config(root: Path, port: int) -> str:
    """A configuration that loads only what the rules need and reads nothing of /etc/apache2."""
    modules = "".join(
        f"LoadModule {name}_module {MODULES}/mod_{name}.so\n" for name in MODULE_NAMES
    )
    user = ""
    if os.geteuid() == 0:  # Apache refuses to serve as root; its workers run as nobody
        nobody = pwd.getpwnam("nobody")
        user = f"User nobody\nGroup #{nobody.pw_gid}\n"
    return (
        f"ServerRoot {root}\nDefaultRuntimeDir {root}\nPidFile {root}/httpd.pid\n"
        f"ServerName 127.0.0.1\nListen 127.0.0.1:{port}\n{user}{modules}"
        f"ErrorLog {root}/error.log\nLogLevel warn\nTypesConfig /dev/null\n"
        f"DocumentRoot {root}/htdocs\n"
        "<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n"
        f"<Directory {root}/htdocs>\n  AllowOverride All\n  Require all granted\n</Directory>\n"
        '<FilesMatch "^\\.ht">\n  Require all denied\n</FilesMatch>\n'
    )


@pytest.fixture(scope="module")
def apache() -> Iterator[Apache]:
    """Apache serving an export of the bundled registry, stopped after the module's tests."""
    require_tool(APACHE.is_file(), "the site's Apache test needs apache2", INSTALL)
    root = Path(tempfile.mkdtemp(prefix="secid-apache-"))
    try:
        root.chmod(0o755)  # the workers (nobody, when run as root) read the site
        port = free_port()
        site = root / "htdocs" / SITE_PATH.strip("/")
        site_url = f"http://127.0.0.1:{port}{SITE_PATH}"
        export_registry(bundled_registry_path(), site, ExportOptions(jobs=1, site_url=site_url))
        redirects = root / "htdocs" / "w3id" / "secid"
        redirects.mkdir(parents=True)
        shutil.copyfile(site / W3ID_RULES, redirects / ".htaccess")
        for path in [root / "htdocs", *(root / "htdocs").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        config = root / "httpd.conf"
        config.write_text(_config(root, port), encoding="utf-8")
        with (root / "startup.log").open("wb") as startup:
            process = subprocess.Popen(
                [str(APACHE), "-f", str(config), "-DFOREGROUND"],
                stdout=subprocess.DEVNULL,
                stderr=startup,
            )
        server = Apache(root, port, process)
        try:
            if not wait_until_listening(process, port, "apache2", server.error_log):
                pytest.fail(f"apache2 did not listen on port {port}")
            yield server
        finally:
            server.close()
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(f"no network in tests: {url}", "loading document failed")


def _subjects_of_turtle(body: bytes) -> set[str]:
    return {
        quad.subject.value
        for quad in parse(body, format=RdfFormat.TURTLE)
        if isinstance(quad.subject, NamedNode)
    }


def _subjects_of_jsonld(body: bytes) -> set[str]:
    expanded = jsonld.expand(json.loads(body), {"documentLoader": _offline_loader})
    return {node["@id"] for node in expanded if "@id" in node} | {
        item["@id"] for node in expanded for item in node.get("@graph", []) if "@id" in item
    }


def _assert_serves(apache: Apache, path: str, accept: str, file: str) -> Response:
    """``path`` asked with ``accept`` answers 200 with exactly the bytes of the site's ``file``."""
    answer = apache.get(path, accept)
    assert answer.status == 200, f"{path} ({accept}): {answer.status}\n{apache.error_log()}"
    assert answer.body == (apache.site / file).read_bytes(), f"{path} ({accept}) is not {file}"
    assert "Accept" in answer.headers.get("Vary", ""), f"{path} ({accept}): no Vary: Accept"
    assert answer.headers.get("Access-Control-Allow-Origin") == "*", f"{path}: no CORS"
    return answer


def test_the_export_writes_every_file_these_tests_ask_for(apache: Apache) -> None:
    assert [name for name in CONTRACT_FILES if not (apache.site / name).is_file()] == []


def test_a_source_iri_gets_turtle_json_ld_or_html_by_accept(apache: Apache) -> None:
    iri = BASE + SOURCE
    turtle = _assert_serves(apache, f"{SITE_PATH}{SOURCE}", "text/turtle", f"{SOURCE}.ttl")
    assert turtle.headers.get_content_type() == "text/turtle"
    assert iri in _subjects_of_turtle(turtle.body)

    data = _assert_serves(apache, f"{SITE_PATH}{SOURCE}", "application/ld+json", f"{SOURCE}.jsonld")
    assert data.headers.get_content_type() == "application/ld+json"
    assert iri in _subjects_of_jsonld(data.body)
    _assert_serves(apache, f"{SITE_PATH}{SOURCE}", "application/json", f"{SOURCE}.jsonld")

    page = _assert_serves(apache, f"{SITE_PATH}{SOURCE}", BROWSER, f"{SOURCE}.html")
    assert page.headers.get_content_type() == "text/html"
    assert page.headers.get_content_charset() == "utf-8"


def test_a_namespace_iri_that_is_also_a_folder_gets_its_page(apache: Apache) -> None:
    assert (apache.site / "advisory" / "nist.gov").is_dir()  # holds the source's files
    for accept, suffix in ACCEPTS.items():
        _assert_serves(
            apache, f"{SITE_PATH}advisory/nist.gov", accept, f"advisory/nist.gov{suffix}"
        )


@pytest.mark.parametrize(
    "path",
    [
        f"{SITE_PATH}control/iso.org/27001@2022",  # a version: its source
        f"{SITE_PATH}control/iso.org/27001@2013",
    ],
)
def test_a_version_iri_lands_on_its_source(apache: Apache, path: str) -> None:
    for accept, suffix in ACCEPTS.items():
        _assert_serves(apache, path, accept, f"control/iso.org/27001{suffix}")


def test_an_item_iri_lands_on_its_source_page(apache: Apache) -> None:
    # .../nvd#CVE-2021-44228: the fragment never reaches the server; a query is ignored
    _assert_serves(apache, f"{SITE_PATH}{SOURCE}?lang=ja", BROWSER, f"{SOURCE}.html")
    _assert_serves(apache, f"{SITE_PATH}{SOURCE}?lang=ja", "text/turtle", f"{SOURCE}.ttl")


def test_the_base_ontology_concepts_and_dumps_are_served(apache: Apache) -> None:
    for accept in ACCEPTS:
        _assert_serves(apache, f"{SITE_PATH}", accept, "index.html")
        _assert_serves(apache, f"{SITE_PATH}vocab/status/active", accept, "vocab/status.html")
    _assert_serves(apache, f"{SITE_PATH}ontology", BROWSER, "ontology.html")
    _assert_serves(apache, f"{SITE_PATH}ontology", "text/turtle", "ontology.ttl")
    dump = _assert_serves(apache, f"{SITE_PATH}_dump/secid.ttl", BROWSER, "secid.ttl")
    assert dump.headers.get_content_type() == "text/turtle"
    nquads = _assert_serves(apache, f"{SITE_PATH}_dump/secid.nq", "*/*", "secid.nq")
    assert nquads.headers.get_content_type() == "application/n-quads"
    description = _assert_serves(apache, f"{SITE_PATH}_dump/void.ttl", "text/turtle", "void.ttl")
    assert BASE + "_dump/void.ttl#dataset" in _subjects_of_turtle(description.body)


def test_graphs_and_ontology_versions_land_on_their_descriptions(apache: Apache) -> None:
    for path in ("_graph/advisory", "_graph/void"):
        _assert_serves(apache, f"{SITE_PATH}{path}", "text/turtle", "void.ttl")
        _assert_serves(apache, f"{SITE_PATH}{path}", BROWSER, "void.html")
    for path in ("ontology/0.2.0", "ontology/0.1.0"):
        _assert_serves(apache, f"{SITE_PATH}{path}", "text/turtle", "ontology.ttl")
        _assert_serves(apache, f"{SITE_PATH}{path}", "application/ld+json", "ontology.html")


def test_the_icon_is_served_as_svg(apache: Apache) -> None:
    icon = _assert_serves(apache, f"{SITE_PATH}icon.svg", BROWSER, "icon.svg")
    assert icon.headers.get_content_type() == "image/svg+xml"


def _follow(apache: Apache, path: str, accept: str) -> tuple[list[str], Response]:
    """``GET path`` and the 303s after it (at most four): the paths asked, the last answer.

    Only ``303 See Other`` is followed: a 301 or 302 would be kept by caches as the IRI's
    own answer, and ends the walk like any other status.
    """
    asked = [path]
    answer = apache.get(path, accept)
    while answer.status == 303 and len(asked) < 5:
        asked.append(answer.headers["Location"].split(str(apache.port), 1)[1])
        answer = apache.get(asked[-1], accept)
    return asked, answer


@pytest.mark.parametrize(
    "secid",
    [
        "advisory/nist.gov/unlisted-name",  # a name a source would match by its pattern
        "advisory/nist.gov/unlisted-name@2",  # ... with a version
        "advisory/nist.gov/unlisted-name.html",  # what w3id.htaccess sends a browser to
        "advisory/nist.gov/10.1145/3319535",  # a name with slashes (a DOI)
        "advisory/nist.gov/conf/ccs/SmithJ23@2",  # (a DBLP key), with a version
    ],
)
def test_a_secid_without_a_file_lands_on_its_namespace_by_303(apache: Apache, secid: str) -> None:
    for prefix in (SITE_PATH, "/w3id/secid/"):
        for accept, suffix in ACCEPTS.items():
            asked, answer = _follow(apache, f"{prefix}{secid}?lang=ja", accept)
            assert asked[-1] == f"{SITE_PATH}advisory/nist.gov", asked
            assert answer.status == 200, asked
            assert answer.body == (apache.site / f"advisory/nist.gov{suffix}").read_bytes()


def test_a_path_below_a_source_lands_on_the_source(apache: Apache) -> None:
    # the source has a page but no folder: the server sees the last segment as PATH_INFO
    assert not (apache.site / SOURCE).exists()
    asked, answer = _follow(apache, f"{SITE_PATH}{SOURCE}/CVE-2021-44228", "text/turtle")
    assert asked[1:] == [f"{SITE_PATH}{SOURCE}"]
    assert answer.body == (apache.site / f"{SOURCE}.ttl").read_bytes()


@pytest.mark.parametrize("name", REGISTRY_NAMES)
def test_every_iri_the_graph_describes_dereferences_to_its_description(
    apache: Apache, name: str, exported_sites: ByName[ExportResult]
) -> None:
    """Every subject below the base, through both rule files, for Turtle and a browser.

    The export is served at the base's path, with the ``.htaccess`` and ``w3id.htaccess``
    an export at this server's URL writes. Each IRI answers 200 after at most one 303
    (``.htaccess``) or two (``w3id.htaccess``, then the site), and the Turtle it lands on
    describes it, when it lands on Turtle (a concept scheme's page has none).
    """
    out = exported_sites[name].out_dir
    base_path = urlsplit(BASE).path
    site_url = f"http://127.0.0.1:{apache.port}{base_path}"
    served = apache.root / "htdocs" / base_path.strip("/")
    redirects = apache.root / "htdocs" / "redirects" / base_path.strip("/")
    shutil.copytree(out, served)
    try:
        write_rules(served, BASE, site_url)  # the rules of this export, had it this site URL
        redirects.mkdir(parents=True)
        shutil.move(served / W3ID_RULES, redirects / ".htaccess")
        for path in [apache.root / "htdocs", *(apache.root / "htdocs").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        subjects = sorted(
            {
                quad.subject.value
                for quad in parse(path=out / "secid.nt", format=RdfFormat.N_TRIPLES)
                if isinstance(quad.subject, NamedNode) and quad.subject.value.startswith(BASE)
            }
        )
        described: dict[str, set[str]] = {}
        failures = []
        for iri in subjects:
            rest = iri.removeprefix(BASE).split("#")[0]
            for prefix, hops in ((base_path, 1), (f"/redirects{base_path}", 2)):
                for accept in ("text/turtle", BROWSER):
                    asked, answer = _follow(apache, prefix + rest, accept)
                    where = f"{iri} ({accept}) at {' -> '.join(asked)}"
                    if answer.status != 200 or len(asked) > hops + 1:
                        failures.append(f"{where}: {answer.status}")
                    elif answer.headers.get_content_type() == "text/turtle":
                        if asked[-1] not in described:
                            described[asked[-1]] = _subjects_of_turtle(answer.body)
                        if iri not in described[asked[-1]]:
                            failures.append(f"{where}: does not describe it")
    finally:
        shutil.rmtree(served)
        shutil.rmtree(redirects.parent)
    assert len(subjects) > 10 and described
    assert failures == [], f"{len(failures)} of {len(subjects)}: {failures[:5]}"


def test_a_303_names_the_site_whatever_host_the_client_names(apache: Apache) -> None:
    path = f"{SITE_PATH}advisory/nist.gov/unlisted-name"
    answer = apache.get(path, BROWSER, host="evil.example")
    site_url = f"http://127.0.0.1:{apache.port}{SITE_PATH}"
    assert (answer.status, answer.headers["Location"]) == (303, f"{site_url}advisory/nist.gov")


def test_what_the_site_does_not_hold_is_not_found(apache: Apache) -> None:
    missing = [
        f"{SITE_PATH}advisory/nowhere.example",
        f"{SITE_PATH}advisory/nowhere.example/a-name",
        f"{SITE_PATH}advisory/nowhere.example/a/b/c/d",
        f"{SITE_PATH}advisory/nist.gov/a/b/c/d/e",  # deeper than a name goes
        f"{SITE_PATH}advisory/a%0d%0ab",
        f"{SITE_PATH}.htaccess",
    ]
    for path in missing:
        assert apache.get(path, BROWSER).status in (403, 404), path


def test_w3id_rules_answer_303_to_the_right_file_for_each_accept(apache: Apache) -> None:
    site_url = f"http://127.0.0.1:{apache.port}{SITE_PATH}"
    cases = {
        SOURCE: SOURCE,
        "advisory/nist.gov": "advisory/nist.gov",
        "control/iso.org/27001@2022": "control/iso.org/27001",
    }
    for path, stem in cases.items():
        for accept, suffix in ACCEPTS.items():
            answer = apache.get(f"/w3id/secid/{path}?lang=ja", accept)
            assert answer.status == 303, f"{path} ({accept}): {answer.status}"
            assert answer.headers["Location"] == f"{site_url}{stem}{suffix}"
            assert "Accept" in answer.headers.get("Vary", "")
            target = answer.headers["Location"].removeprefix(f"http://127.0.0.1:{apache.port}")
            _assert_serves(apache, target, accept, f"{stem}{suffix}")
    redirects = {
        "": site_url,
        "vocab/status/active": f"{site_url}vocab/status.html",
        "_dump/secid.nt": f"{site_url}secid.nt",
        "_graph/advisory": f"{site_url}void.ttl",
        "context.jsonld": f"{site_url}context.jsonld",  # the context's IRI, as it is
        "ontology": f"{site_url}ontology.ttl",
        "ontology/0.1.0": f"{site_url}ontology.ttl",
    }
    for path, location in redirects.items():
        answer = apache.get(f"/w3id/secid/{path}", "text/turtle")
        assert (answer.status, answer.headers["Location"]) == (303, location)
    pages = {"_graph/advisory": "void.html", "ontology/0.2.0": "ontology.html"}
    for path, page in pages.items():  # a static host has no .htaccess to serve the IRI
        answer = apache.get(f"/w3id/secid/{path}", BROWSER)
        assert (answer.status, answer.headers["Location"]) == (303, f"{site_url}{page}")


SITE_IRIS = [
    "",
    "_dump/secid.nt",
    "context.jsonld",
    "_graph/advisory",
    "ontology",
    "ontology/0.2.0",
    "vocab/status",
    "vocab/status/active",
    "advisory",
    "advisory/nist.gov",
    SOURCE,
    "control/iso.org/27001@2022",
]
"""An IRI for each rule of both files: the base, a dump, the JSON-LD context, a named graph,
the ontology and its version IRI, a concept scheme and a concept, a type, a namespace, a
source, a version."""


def test_every_rule_sends_each_accept_to_a_file_the_export_wrote(apache: Apache) -> None:
    """Through ``.htaccess`` a 200, through ``w3id.htaccess`` a 303 to a 200: never a 404."""
    failures = []
    for prefix in (SITE_PATH, "/w3id/secid/"):
        for path in SITE_IRIS:
            for accept in [*ACCEPTS, "application/json", "*/*"]:
                answer = apache.get(prefix + path, accept)
                if answer.status == 303:
                    location = answer.headers["Location"]
                    answer = apache.get(location.split(str(apache.port), 1)[1], accept)
                if answer.status != 200:
                    failures.append(f"{prefix}{path} ({accept}): {answer.status}")
    assert failures == [], "\n".join(failures)


def test_w3id_rules_send_nothing_odd_to_another_host(apache: Apache) -> None:
    for path in ["/w3id/secid//evil.example/x", "/w3id/secid/a%0d%0aSet-Cookie:%20x=1"]:
        answer = apache.get(path, BROWSER)
        location = answer.headers.get("Location", "")
        assert location.startswith(f"http://127.0.0.1:{apache.port}{SITE_PATH}") or not location
        assert "Set-Cookie" not in answer.headers
