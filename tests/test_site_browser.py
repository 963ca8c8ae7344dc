"""The site in a real browser: Debian's Chromium driven by Playwright, over a loopback server.

The bundled registry's site is served by an ``http.server`` thread on 127.0.0.1 that the
tests start and stop; any request for another host is refused and counted, so a page that
needs the network fails here. Without Chromium or Playwright the tests skip, saying how to
install them, except in CI (``CI`` set), where that is a failure: ``.ci/run`` installs them.

Screenshots of three pages at desktop and phone width are written to
``$SECID_RDF_SCREENSHOTS`` (or a temporary folder), whose path is printed, for review.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import rdflib
from conftest import ByName, require_tool
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib.compare import isomorphic

from secid_rdf.export.run import ExportResult
from secid_rdf.formats.context import document_loader
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.site.paths import site_stem

INSTALL = "apt-get install -y chromium && pip install -e '.[test]' (Playwright)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

NAMESPACE = "secid:advisory/nist.gov"
NAMESPACE_NAME = "National Institute of Standards"
SOURCE = "secid:advisory/nist.gov/nvd"
OTHER = "secid:weakness/mitre.org"
"""A namespace of the bundled registry, a source of it, and a namespace the filter hides."""


def _chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
    )


@pytest.fixture(scope="module")
def sync_api() -> Any:
    """Playwright's sync API; skips (fails under CI) without it or Chromium, saying how."""
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
    found = sync_api is not None and _chromium() is not None
    require_tool(found, "the browser test needs Chromium and Playwright", INSTALL)
    return sync_api


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the site folder with the data files' media types, logging nothing."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".jsonld": "application/ld+json",
        ".ttl": "text/turtle",
    }

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture(scope="module")
def site(exported_sites: ByName[ExportResult]) -> Path:
    return exported_sites["bundled"].out_dir


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site's root URL on a loopback port; the server stops with the module."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


class Visit:
    """A browser page that records console errors, failed loads and off-site requests."""

    def __init__(self, browser: Any, root: str, viewport: dict[str, int]) -> None:
        self.root = root
        self.problems: list[str] = []
        self.page = browser.new_page(viewport=viewport)
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and self.problems.append(f"console: {message.text}")
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"script: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.route("**/*", self._local_only)

    def _failed(self, request: Any) -> None:
        # a load the browser gave up because the page moved on (the icon) is no fault
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _local_only(self, route: Any) -> None:
        if route.request.url.startswith(self.root):
            route.continue_()
        else:
            self.problems.append(f"off-site request: {route.request.url}")
            route.abort()

    def open(self, secid: str | None) -> Any:
        """Go to the page of a SecID (the home page for ``None``) and wait for it to load."""
        url = page_url(self.root, secid)
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        return self.page


def page_url(root: str, secid: str | None) -> str:
    """Where the site serves the page of a SecID (``None``: the home page)."""
    if secid is None:
        return root + "index.html"
    return f"{root}{site_stem(DEFAULT_BASE, DEFAULT_BASE + secid.removeprefix('secid:'))}.html"


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Visit]:
    """A desktop-sized browser page, closed after the test."""
    current = Visit(browser, server, DESKTOP)
    yield current
    current.page.close()


def registry_urls(site: Path, secid: str) -> set[str]:
    """Every web address the graph gives under a namespace (links, examples, pages)."""
    subject = DEFAULT_BASE + secid.removeprefix("secid:")
    return {
        quad.object.value
        for quad in parse(path=site / "secid.nt", format=RdfFormat.N_TRIPLES)
        if quad.subject.value.startswith(subject)
        and isinstance(quad.object, NamedNode)
        and quad.object.value.startswith(("https://", "http://"))
    }


def test_home_page_filter_finds_a_namespace_by_name(visit: Visit) -> None:
    page = visit.open(None)
    wanted = page.locator(f'li.entry[data-secid="{NAMESPACE}"]')
    other = page.locator(f'li.entry[data-secid="{OTHER}"]')
    wanted.wait_for(state="attached")
    assert wanted.is_visible() and other.is_visible()
    before = page.locator("li.entry:visible").count()
    count_before = page.locator("#filter-count").inner_text()
    page.locator("#filter").fill(NAMESPACE_NAME.lower())
    page.wait_for_function(
        "before => document.getElementById('filter-count').innerText !== before", arg=count_before
    )
    assert wanted.is_visible()
    assert wanted.locator("a").first.is_visible()
    assert other.is_hidden()
    after = page.locator("li.entry:visible").count()
    assert 0 < after < before
    assert page.locator("#filter-count").inner_text().strip()
    assert visit.problems == []


def test_namespace_page_shows_its_sources_and_a_working_lookup_link(
    visit: Visit, site: Path
) -> None:
    page = visit.open(NAMESPACE)
    sources = page.locator("section.source")
    assert sources.count() >= 1
    source = page.locator("section.source#nvd")
    assert source.is_visible()
    assert source.get_by_text("National Vulnerability Database").first.is_visible()
    source_page = page_url(visit.root, SOURCE)
    links = source.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert source_page in links, f"no link to the source's page among {links}"
    lookups = page.locator("a.lookup").evaluate_all("links => links.map(a => a.href)")
    given = registry_urls(site, NAMESPACE)
    working = [href for href in lookups if href.startswith("https://") and href in given]
    assert working, f"no lookup link among {lookups} is a URL the registry gives"
    assert page.locator("a.lookup").first.is_visible()
    assert visit.problems == []


def page_jsonld_graph(page: Any) -> rdflib.Graph:
    """The page's embedded JSON-LD as the browser reads it (``JSON.parse``), to RDF by pyld."""
    document = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": document_loader}
    )
    return rdflib.Graph().parse(data=nquads, format="nquads")


@pytest.mark.parametrize("secid", [NAMESPACE, SOURCE])
def test_embedded_jsonld_is_the_graph_of_the_pages_jsonld_file(visit: Visit, secid: str) -> None:
    page = visit.open(secid)
    twin = page.locator('link[rel="alternate"][type="application/ld+json"]')
    assert twin.count() == 1
    url = twin.evaluate("link => link.href")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers.get_content_type() == "application/ld+json"
        data = response.read()
    from_file = rdflib.Graph().parse(data=data, format="json-ld")
    embedded = page_jsonld_graph(page)
    assert len(embedded) > 0
    assert isomorphic(embedded, from_file), f"{secid}: {len(embedded)} vs {len(from_file)}"
    names = {str(o) for o in embedded.objects(None, rdflib.URIRef("https://schema.org/name"))}
    assert names, "search engines read schema:name"
    assert visit.problems == []


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SECID_RDF_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the site: {folder}")  # noqa: T201 (the path is for the reviewer)
    return folder


@pytest.mark.parametrize(("width", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_three_pages_fit_the_width(
    browser: Any, server: str, screenshots: Path, width: str, viewport: dict[str, int]
) -> None:
    visit = Visit(browser, server, viewport)
    for name, secid in [("home", None), ("namespace", NAMESPACE), ("source", SOURCE)]:
        page = visit.open(secid)
        file = screenshots / f"{name}-{width}.png"
        page.screenshot(path=str(file), full_page=True)
        assert file.stat().st_size > 0
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width} width scrolls sideways by {overflow}px"
    visit.page.close()
    assert visit.problems == []


WORDS_SPLIT_ACROSS_LINES = """() => [...document.querySelectorAll(
    'main th, main td.number, main td.date')]
  .filter(cell => !/\\s/.test(cell.textContent.trim()))
  .filter(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return range.getClientRects().length > 1;
  })
  .map(cell => cell.textContent)"""
"""The one-word header, number and date cells of a page's tables that wrap onto a second
line (a date breaks at its hyphens unless told not to)."""


TABLES_WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('main table')]
  .filter(table => table.scrollWidth > table.clientWidth + 1)
  .map(table => table.querySelector('th').textContent)"""
"""Tables whose columns a phone must scroll sideways to read (a long URL in a cell)."""

LONG_NOTES = """() => document.querySelectorAll('main tr > td:last-child')
  .forEach(cell => cell.append(' https://example.org/' + 'alongpath'.repeat(30)))"""


def test_tables_fit_a_phone_and_keep_headers_counts_and_dates_whole(
    browser: Any, server: str
) -> None:
    visit = Visit(browser, server, PHONE)
    page = visit.open(None)
    assert page.locator("main th").count() > 0
    assert page.evaluate(WORDS_SPLIT_ACROSS_LINES) == []
    page.goto(server + "void.html")
    assert page.locator("main td.number").count() > 0
    assert page.evaluate(WORDS_SPLIT_ACROSS_LINES) == []
    page.goto(server + "weakness/owasp.org/top10.html")  # its versions' release dates
    assert page.locator("main td.date", has_text="2021-09-24").count() == 1
    page.evaluate(LONG_NOTES)  # as real registries have: they squeeze the other columns
    assert page.evaluate(WORDS_SPLIT_ACROSS_LINES) == []
    assert page.evaluate(TABLES_WIDER_THAN_THE_PAGE) == []
    visit.page.close()
    assert visit.problems == []


ACCESSIBILITY = """() => {
  const problems = [];
  const say = (what, el) => problems.push(what + (el ? ": " + el.outerHTML.slice(0, 80) : ""));
  if (!document.documentElement.lang) say("no lang on <html>");
  if (!document.title.trim()) say("no title");
  for (const landmark of ["header", "main", "footer"]) {
    const found = document.querySelectorAll(landmark).length;
    if (found !== 1) say(found + " " + landmark + " landmarks");
  }
  for (const img of document.querySelectorAll("img:not([alt])")) say("image without alt", img);
  for (const a of document.querySelectorAll("a[href]")) {
    if (!a.textContent.trim() && !a.getAttribute("aria-label")) say("link without text", a);
  }
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (!field.labels.length && !field.getAttribute("aria-label")) say("no label", field);
  }
  const ids = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (ids.has(el.id)) say("duplicate id", el);
    ids.add(el.id);
  }
  const rgb = (color) => color.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b]
    .map((v) => v / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const backdrop = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const color = rgb(getComputedStyle(e).backgroundColor);
      if (color.length < 4 || color[3] > 0) return color;
    }
    return [255, 255, 255];
  };
  const checked = new Set();
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const el = texts.currentNode.parentElement;
    if (!texts.currentNode.textContent.trim() || checked.has(el)) continue;
    checked.add(el);
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === "hidden") continue;
    const [a, b] = [luminance(rgb(style.color)), luminance(backdrop(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) say("contrast " + ratio.toFixed(2), el);
  }
  return problems;
}"""
"""What WCAG 2.1 AA asks that a page can be checked for: a language, one header, main and
footer landmark, alt text, named links and fields, unique ids, text contrast (4.5:1, 3:1
for large text; against the nearest opaque background)."""

EVERY_KIND = ["index.html", "advisory.html", "ontology.html", "void.html", "vocab/status.html"]
"""A page of each site-wide kind (with the namespace and source pages beside them)."""


@pytest.mark.parametrize(("width", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_page_of_every_kind_passes_the_accessibility_checks(
    browser: Any, server: str, width: str, viewport: dict[str, int]
) -> None:
    visit = Visit(browser, server, viewport)
    found = {}
    for url in [server + name for name in EVERY_KIND] + [
        page_url(server, secid) for secid in (NAMESPACE, SOURCE)
    ]:
        visit.page.goto(url)
        found[url.removeprefix(server)] = visit.page.evaluate(ACCESSIBILITY)
    visit.page.close()
    assert {page: problems for page, problems in found.items() if problems} == {}
    assert visit.problems == []


def test_the_accessibility_checks_see_each_kind_of_fault(browser: Any) -> None:
    page = browser.new_page()
    page.set_content(
        "<html><head><title>t</title></head><body><main>"
        '<p style="color:#aaa;background:#fff">pale</p><img src="data:,">'
        '<a href="x"></a><input id="q"><p id="q">twice</p></main></body></html>'
    )
    found = " | ".join(page.evaluate(ACCESSIBILITY))
    page.close()
    for fault in [
        "no lang",
        "0 header landmarks",
        "1 main",  # one main is right: must not be reported
        "contrast 2.32",
        "image without alt",
        "link without text",
        "no label",
        "duplicate id",
    ]:
        assert (fault in found) == (fault != "1 main"), (fault, found)
