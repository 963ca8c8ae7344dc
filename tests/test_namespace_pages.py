"""The site's namespace and source pages: at their IRI's path, data twins that agree, text inert.

Every namespace and source IRI of the graph has a page, a JSON-LD and a Turtle file at its
site path; each page's two data files read (with three parsers) as the same subgraph of the
export; registry text on a page is text, never markup, script or a ``javascript:`` link.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from conftest import ByName
from pyoxigraph import RdfFormat
from rdf_graphs import parse_graph, pyld_graph, rdflib_graph, statements

from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, ExportResult, export_registry
from secid_rdf.findings import Location, Severity
from secid_rdf.iris import DEFAULT_BASE, secid_iri
from secid_rdf.model import Namespace
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site.part_pages import page_stems
from secid_rdf.site.paths import site_stem

REGISTRIES = ["bundled", "markdown", "json"]
HOSTILE = Path(__file__).parent / "fixtures" / "registries" / "script-text"


def written_stems(out: Path) -> list[Path]:
    """Every page of an export, without its suffix (the types' data files included)."""
    found = (path for name in KNOWN_TYPES for path in (out / name).rglob("*.jsonld"))
    return sorted(path.with_suffix("") for path in found)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize("name", REGISTRIES)
def test_each_pages_jsonld_and_turtle_are_one_subgraph_of_the_export(
    name: str, exported_sites: ByName[ExportResult], no_network: None
) -> None:
    out = exported_sites[name].out_dir
    whole = parse_graph((out / "secid.nt").read_bytes(), "secid.nt")
    stems = written_stems(out)
    # every page with pyoxigraph; pyld and rdflib (slower) on every page of the bundled
    # registry and a spread of the corpora's
    thorough = stems if name == "bundled" else stems[:: max(1, len(stems) // 40)]
    for stem in stems:
        jsonld = Path(f"{stem}.jsonld").read_bytes()
        turtle = Path(f"{stem}.ttl").read_bytes()
        read = statements(jsonld, RdfFormat.JSON_LD)
        assert read and read <= whole, stem
        assert statements(turtle, RdfFormat.TURTLE) == read, stem
        if stem in thorough:
            assert pyld_graph(jsonld) == read, stem
            assert rdflib_graph(turtle, "turtle") == read, stem


def html_tree(path: Path) -> Element:
    tree: Element = html5lib.parse(
        path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False
    )
    return tree


def test_hostile_registry_text_is_inert_on_every_page(tmp_path: Path) -> None:
    result = export_registry(HOSTILE, tmp_path, ExportOptions(jobs=1))
    # the one URL field that is not a web URL is an error; prose links are only text
    errors = [str(f) for f in result.findings if f.severity is Severity.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith("advisory/org/example.md:14: error: sources.ex.urls.docs:")
    assert "'javascript:alert(4)' is not a web URL" in errors[0]
    pages = sorted((tmp_path / "advisory").rglob("*.html"))
    assert len(pages) == 2
    raw = b"".join(page.read_bytes() for page in pages)
    assert b"onerror=alert(2)" in raw.replace(b"&gt;", b">").replace(b"&lt;", b"<")
    for page in pages:
        tree = html_tree(page)
        scripts = [e for e in tree.iter("script")]
        assert [e.get("type") for e in scripts] == ["application/ld+json"], page
        jsonld = json.loads(scripts[0].text or "")
        assert jsonld == json.loads(Path(f"{str(page)[:-5]}.jsonld").read_bytes()), page
        assert not list(tree.iter("img")) and not list(tree.iter("b")), page
        for element in tree.iter():
            assert not [a for a in element.attrib if a.lower().startswith("on")], page
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    scheme = urlsplit(value.strip()).scheme.lower()
                    assert scheme in ("", "http", "https", "mailto"), (page, value)
    title = html_tree(tmp_path / "advisory" / "example.org.html").find(".//h1")
    assert title is not None
    assert title.text == "Example </script><script>alert(1)</script> Advisories"


def test_source_page_shows_worked_examples_versions_and_its_namespace(
    exported_sites: ByName[ExportResult],
) -> None:
    out = exported_sites["bundled"].out_dir
    nvd = html_tree(out / "advisory" / "nist.gov" / "nvd.html")
    examples = ".//section[@id='examples']//a[@class='lookup']"
    lookups = [a.get("href") for a in nvd.iterfind(examples)]
    assert "https://nvd.nist.gov/vuln/detail/CVE-2021-44228" in lookups
    crumbs = [a.get("href") for a in nvd.iterfind(".//nav[@class='crumbs']//a")]
    assert crumbs == ["../../index.html", "../../advisory.html", "../nist.gov.html"]
    alternates = {
        link.get("type"): link.get("href") for link in nvd.iterfind(".//link[@rel='alternate']")
    }
    assert alternates == {"application/ld+json": "nvd.jsonld", "text/turtle": "nvd.ttl"}
    iso = html_tree(out / "control" / "iso.org" / "27001.html")
    assert iso.find(".//section[@id='versions']//*[@id='v-2022']") is not None
    namespace = html_tree(out / "advisory" / "nist.gov.html")
    section = namespace.find(".//section[@id='nvd']")
    assert section is not None and "source" in (section.get("class") or "").split()
    assert [a.get("href") for a in section.iterfind(".//h3/a")] == ["nist.gov/nvd.html"]


def test_namespace_page_links_its_operator_and_shows_its_own_examples(
    exported_sites: ByName[ExportResult],
) -> None:
    out = exported_sites["json-sample"].out_dir
    mitre = html_tree(out / "advisory" / "mitre.org.html")
    operators = [
        a.get("href") for a in mitre.iterfind(".//dd/a") if a.text == "secid:entity/mitre.org"
    ]
    assert operators == ["../entity/mitre.org.html"]
    assert (out / "entity" / "mitre.org.html").is_file()
    # an operator the site has no page for stays text, not a broken link
    github = html_tree(out / "advisory" / "github.com.html")
    assert "secid:entity/github.com" in [c.text for c in github.iterfind(".//dd/code")]
    # namespace-level examples written bare name an item under the namespace
    europa = html_tree(out / "regulation" / "europa.eu.html")
    shown = {
        li.findtext("code"): li.find("a").get("href")
        for li in europa.iterfind(".//ul/li")
        if li.find("a") is not None and (li.findtext("code") or "").startswith("secid:")
    }
    assert (
        shown["secid:regulation/europa.eu/gdpr"] == "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
    )


def test_a_namespace_that_left_the_registry_loses_its_pages_and_a_stray_file_stays(
    tmp_path: Path, bundled_registry: Path
) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(bundled_registry, registry)
    out = tmp_path / "out"
    export_registry(registry, out, ExportOptions(jobs=1))
    gone = {"advisory/nist.gov" + end for end in (".html", ".jsonld", ".ttl")}
    gone |= {"advisory/nist.gov/nvd" + end for end in (".html", ".jsonld", ".ttl")}
    assert gone <= set((out / MANIFEST).read_text().splitlines())
    (out / "advisory" / "nist.gov" / "mine.html").write_bytes(b"<p>mine</p>\n")
    (registry / "advisory" / "gov" / "nist.md").unlink()

    result = export_registry(registry, out, ExportOptions(jobs=1))

    assert set(result.removed) == gone
    assert not any((out / name).exists() for name in gone)
    assert (out / "advisory" / "nist.gov" / "mine.html").read_bytes() == b"<p>mine</p>\n"


@pytest.mark.parametrize(
    "secid",
    [
        "secid:advisory/mitre.org",
        "secid:advisory/mitre.org/cve",
        "secid:advisory/a/../b",
        "secid:advisory/./a",
        "secid:advisory/%41",
        "secid:advisory/a b",
        "secid:advisory/" + "x" * 300,
    ],
)
def test_the_stems_pages_link_to_are_the_paths_pages_are_written_at(secid: str) -> None:
    namespace = Namespace(
        type="advisory",
        namespace=secid.removeprefix("secid:advisory/"),
        files=(),
        format="markdown",
        location=Location("advisory/x.md"),
    )
    stem = site_stem(DEFAULT_BASE, secid_iri(DEFAULT_BASE, secid).value)
    assert page_stems(DEFAULT_BASE, [namespace]) == {str(stem)}


def test_a_nested_namespace_has_the_enclosing_namespace_in_its_breadcrumbs(
    exported_sites: ByName[ExportResult],
) -> None:
    out = exported_sites["json"].out_dir  # entity/github.com and entity/github.com/nyu-mll
    nested = html_tree(out / "entity" / "github.com" / "nyu-mll.html")
    crumbs = [a.get("href") for a in nested.iterfind(".//nav[@class='crumbs']//a")]
    assert crumbs == ["../../index.html", "../../entity.html", "../github.com.html"]
    alone = html_tree(out / "control" / "github.com" / "nyu-mll.html")  # no control/github.com
    crumbs = [a.get("href") for a in alone.iterfind(".//nav[@class='crumbs']//a")]
    assert crumbs == ["../../index.html", "../../control.html"]
