"""The site-wide pages: home, search index, type pages, ontology, concept schemes, dataset.

Built from small hand-written summaries (some with hostile text), the sample registry's
types and concepts, and the shipped ontology; each page is parsed as HTML5 strictly and
every relative link is followed to a file the export writes.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from conftest import JSON_SAMPLE
from pyoxigraph import Literal, Quad
from rdf_graphs import pyld_graph

from secid_rdf.convert.builder import convert_concepts, convert_types
from secid_rdf.formats.dataset import DatasetInfo, DatasetStats, Distribution, describe_dataset
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.iris import DEFAULT_BASE, tag_iri, type_iri
from secid_rdf.read.registry import read_registry
from secid_rdf.resources import ontology_path
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site import type_pages
from secid_rdf.site.home import MAX_LISTED
from secid_rdf.site.site_pages import site_files, write_site_pages
from secid_rdf.site.summary import NamespaceSummary, SourceSummary
from secid_rdf.testing.synthetic_summaries import synthetic_summaries
from secid_rdf.vocab import (
    RDF,
    SECID_CLASSES,
    SECID_PROPERTIES,
    SECID_STATUSES,
    SKOS,
    TAG_SCHEME,
)

BASE = DEFAULT_BASE
HOSTILE = '</script><img src=x onerror=alert(1)>"\u2028<!--'
XHTML = "{http://www.w3.org/1999/xhtml}"
TOP_FILES = {fmt.file_name for fmt in FORMATS.values()} | {
    "context.jsonld",
    "void.ttl",
    "style.css",
    "icon.svg",
}
TOP_FILES |= {f"{name}{suffix}" for name in KNOWN_TYPES for suffix in (".jsonld", ".ttl")}
"""Files the site-wide pages link to that the export writes with the data files."""


def _summary(
    type_name: str, namespace: str, title: str, *sources: str, description: str = ""
) -> NamespaceSummary:
    secid = f"secid:{type_name}/{namespace}"
    return NamespaceSummary(
        type_name=type_name,
        namespace=namespace,
        secid=secid,
        title=title,
        page=PurePosixPath(f"{type_name}/{namespace}.html"),
        description=description,
        status="active",
        sources=tuple(
            SourceSummary(
                f"{secid}/{name}",
                name.upper(),
                PurePosixPath(f"{type_name}/{namespace}/{name}.html"),
            )
            for name in sources
        ),
    )


SUMMARIES = (
    _summary("advisory", "mitre.org", "MITRE", "cve", description="Runs the CVE programme."),
    _summary("advisory", "github.com/advisories", "GitHub advisories", "ghsa"),
    _summary("weakness", "mitre.org", "MITRE", "cwe", "capec"),
    NamespaceSummary(
        type_name="advisory",
        namespace='evil"x.example',
        secid='secid:advisory/evil"x.example',
        title=HOSTILE,
        page=PurePosixPath('advisory/evil"x.example.html'),
        description=HOSTILE,
        status=HOSTILE,
        sources=(
            SourceSummary(
                'secid:advisory/evil"x.example/db',
                HOSTILE,
                PurePosixPath('advisory/evil"x.example/db.html'),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def vocabulary() -> list[Quad]:
    """The sample registry's SecID types and the concepts its namespaces declare."""
    registry = read_registry(JSON_SAMPLE)
    tag = tag_iri("region", "EU/EEA")  # the sample's tags are all countries
    declared = [
        Quad(tag, RDF.type, SKOS.Concept),
        Quad(tag, SKOS.inScheme, TAG_SCHEME),
        Quad(tag, SKOS.prefLabel, Literal("region: EU/EEA")),
    ]
    types = convert_types(registry, base=BASE).quads
    return [*types, *convert_concepts(registry.namespaces), *declared]


def _void_graph() -> list[Quad]:
    info = DatasetInfo(base=BASE, dump_base=BASE + "_dump/", version="0", modified="2026-05-21")
    stats = DatasetStats(BASE)
    return describe_dataset(stats, [Distribution(fmt, 1234) for fmt in FORMATS.values()], info)


def _build(summaries: Sequence[NamespaceSummary], vocabulary: list[Quad]) -> dict[str, bytes]:
    files = site_files(summaries, base=BASE, void_graph=_void_graph(), vocabulary=vocabulary)
    return {str(path): data for path, data in files}


@pytest.fixture(scope="module")
def site(vocabulary: list[Quad]) -> dict[str, bytes]:
    """Every site-wide file built from :data:`SUMMARIES`, by path."""
    return _build(SUMMARIES, vocabulary)


def _parse(data: bytes) -> Element:
    """A page parsed strictly: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(data)


def _elements(tree: Element, tag: str) -> Iterator[Element]:
    return tree.iter(XHTML + tag)


def _links(tree: Element) -> Iterator[str]:
    for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src")):
        for element in _elements(tree, tag):
            if attribute in element.attrib:
                yield element.attrib[attribute]


def _ids(tree: Element) -> set[str]:
    return {element.attrib["id"] for element in tree.iter() if "id" in element.attrib}


def _pages(site: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in site.items() if path.endswith(".html")}


def test_every_page_parses_as_html5_without_errors(site: dict[str, bytes]) -> None:
    """Home, search, type, ontology, scheme and dataset pages are all there, and valid."""
    pages = _pages(site)
    expected = {"index.html", "ontology.html", "void.html", "advisory.html", "weakness.html"}
    expected |= {"vocab/status.html", "vocab/urlkind.html", "vocab/tag.html"}
    assert expected <= pages.keys()
    assert {"search.js", "ontology.ttl"} <= site.keys()
    for path, data in pages.items():
        try:
            _parse(data)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: {error}")


def test_every_relative_link_reaches_a_file_of_the_export(site: dict[str, bytes]) -> None:
    """Links go to these files, the summaries' pages or the top-level data files; anchors exist."""
    named = {str(s.page) for s in SUMMARIES} | {str(x.page) for s in SUMMARIES for x in s.sources}
    ids = {path: _ids(_parse(data)) for path, data in _pages(site).items()}
    checked = 0
    for path, data in _pages(site).items():
        for link in _links(_parse(data)):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), unquote(parts.path))
            )
            if not parts.path:
                target = path
            assert target in site.keys() | named | TOP_FILES, f"{path}: {link}"
            if parts.fragment and target in ids:
                assert unquote(parts.fragment) in ids[target], f"{path}: {link}"
            checked += 1
    assert checked > 150


def test_hostile_registry_text_stays_text(site: dict[str, bytes]) -> None:
    """Titles, descriptions, statuses and SecIDs open no element, script or attribute."""
    for path in ("index.html", "advisory.html"):
        tree = _parse(site[path])
        assert not list(_elements(tree, "img")), path
        texts = ["".join(a.itertext()) for a in _elements(tree, "a")]
        assert HOSTILE in texts, path
        scripts = list(_elements(tree, "script"))
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    home = _parse(site["index.html"])
    secids = [li.attrib["data-secid"] for li in _elements(home, "li") if li.get("class") == "entry"]
    assert 'secid:advisory/evil"x.example' in secids
    script = site["search.js"].decode("utf-8")
    assert "</script" not in script.lower() and "<!--" not in script
    assert "\u2028" not in script and "\u2029" not in script
    index = json.loads(re.search(r"var SECID_INDEX = (\[.*?\n\]);", script, re.S).group(1))
    assert [s for s in index if s[1] == HOSTILE] == [
        ['secid:advisory/evil"x.example', HOSTILE, "advisory/evil%22x.example.html", HOSTILE],
        ['secid:advisory/evil"x.example/db', HOSTILE, "advisory/evil%22x.example/db.html"],
    ]


def test_the_same_inputs_give_the_same_bytes(
    site: dict[str, bytes], vocabulary: list[Quad]
) -> None:
    """The summaries' order and the vocabulary's order change nothing."""
    again = _build(list(reversed(SUMMARIES)), list(reversed(vocabulary)))
    assert again == site


def test_home_page_lists_entries_sorted_and_links_the_data(site: dict[str, bytes]) -> None:
    """Without JavaScript: counts per type, every entry in order, ontology, dataset, dumps."""
    home = _parse(site["index.html"])
    secids = [li.attrib["data-secid"] for li in _elements(home, "li") if li.get("class") == "entry"]
    assert secids == [
        'secid:advisory/evil"x.example',
        'secid:advisory/evil"x.example/db',
        "secid:advisory/github.com/advisories",
        "secid:advisory/github.com/advisories/ghsa",
        "secid:advisory/mitre.org",
        "secid:advisory/mitre.org/cve",
        "secid:weakness/mitre.org",
        "secid:weakness/mitre.org/capec",
        "secid:weakness/mitre.org/cwe",
    ]
    rows = {
        "".join(next(_elements(tr, "a")).itertext()): [td.text for td in _elements(tr, "td")][1:]
        for tr in _elements(home, "tr")
        if list(_elements(tr, "a"))
    }
    assert rows["Advisory"] == ["3", "3"] and rows["Weakness"] == ["1", "2"]
    links = set(_links(home))
    assert {"ontology.html", "void.html", "secid.ttl", "secid.jsonld", "search.js"} <= links
    assert next(_elements(home, "input")).attrib == {
        "type": "search",
        "id": "filter",
        "autocomplete": "off",
        "placeholder": "e.g. cve, nist.gov, weakness",
    }
    count = [p for p in _elements(home, "p") if p.get("id") == "filter-count"]
    assert count[0].get("aria-live") == "polite"


def test_a_large_registry_is_searched_from_the_index_and_its_types_are_split(
    vocabulary: list[Quad], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over MAX_LISTED entries, the home page lists none; type pages hold PAGE_SIZE each."""
    monkeypatch.setattr(type_pages, "PAGE_SIZE", 100)
    summaries = synthetic_summaries(1500, seed=3)
    entries = len(summaries) + sum(len(s.sources) for s in summaries)
    assert entries > MAX_LISTED
    site = _build(summaries, vocabulary)
    home = _parse(site["index.html"])
    assert not [li for li in _elements(home, "li") if li.get("class") == "entry"]
    script = site["search.js"].decode("utf-8")
    index = json.loads(re.search(r"var SECID_INDEX = (\[.*?\n\]);", script, re.S).group(1))
    assert len(index) == entries
    for type_name in {s.type_name for s in summaries}:
        members = sorted(s.secid for s in summaries if s.type_name == type_name)
        pages = [f"{type_name}.html"] + [
            f"_type/{type_name}/{n}.html" for n in range(2, -(-len(members) // 100) + 1)
        ]
        listed = []
        for page in pages:
            tree = _parse(site[page])
            listed += [
                "".join(next(_elements(li, "code")).itertext())
                for li in _elements(tree, "li")
                if li.get("class") == "namespace"
            ]
            pagers = [nav for nav in _elements(tree, "nav") if nav.get("class") == "pages"]
            assert len(pagers) == (2 if len(pages) > 1 else 0), page
        assert listed == members
        assert f"_type/{type_name}/{len(pages) + 1}.html" not in site


def test_ontology_page_has_an_anchor_per_term_and_links_them(site: dict[str, bytes]) -> None:
    """Every class and property of the ontology: its anchor, label, domain and range links."""
    tree = _parse(site["ontology.html"])
    ids = _ids(tree)
    missing = [term for term in (*SECID_CLASSES, *SECID_PROPERTIES) if term not in ids]
    assert missing == []
    section = next(s for s in _elements(tree, "section") if s.get("id") == "hasSource")
    targets = [a.attrib["href"] for a in _elements(section, "a")]
    assert "ontology.html#Namespace" in targets and "ontology.html#Source" in targets
    assert site["ontology.ttl"] == ontology_path().read_bytes()
    text = site["ontology.html"].decode("utf-8")
    assert "https://w3id.org/secid/ontology/0.2.0" in text  # the version IRI
    assert "creativecommons.org/publicdomain/zero/1.0/" in text


def test_concept_scheme_pages_list_the_ontology_and_data_concepts(
    site: dict[str, bytes], vocabulary: list[Quad]
) -> None:
    """Statuses and URL kinds from the ontology; URL kinds and tags the data declares."""
    status = _ids(_parse(site["vocab/status.html"]))
    assert set(SECID_STATUSES) <= status
    declared = {
        quad.subject.value
        for quad in vocabulary
        if quad.subject.value.startswith("https://w3id.org/secid/vocab/")
    }
    tags = {
        iri.removeprefix("https://w3id.org/secid/vocab/tag/") for iri in declared if "/tag/" in iri
    }
    kinds = {
        iri.removeprefix("https://w3id.org/secid/vocab/urlkind/")
        for iri in declared
        if "/urlkind/" in iri
    }
    assert tags == {"region/EU%2FEEA"} and kinds
    assert tags <= _ids(_parse(site["vocab/tag.html"]))
    assert kinds | {"website", "lookup"} <= _ids(_parse(site["vocab/urlkind.html"]))


def test_dataset_page_shows_the_description_and_links_the_dumps(site: dict[str, bytes]) -> None:
    """Title, licence, counts, class partitions, and one link per dump with its size."""
    tree = _parse(site["void.html"])
    text = "".join(tree.itertext())
    assert "SecID registry knowledge graph" in text and "1,234" in text
    links = set(_links(tree))
    assert {fmt.file_name for fmt in FORMATS.values()} <= links
    assert "void.ttl" in links and "https://creativecommons.org/publicdomain/zero/1.0/" in links


def test_type_page_embeds_the_type_triples_and_links_its_data(
    site: dict[str, bytes], vocabulary: list[Quad]
) -> None:
    """The JSON-LD in advisory.html, read by pyld, is the type's triples; its twins are linked."""
    iri = type_iri(BASE, "advisory")
    expected = {str(quad.triple) for quad in vocabulary if quad.subject == iri}
    assert len(expected) > 5
    tree = _parse(site["advisory.html"])
    embedded = next(s for s in _elements(tree, "script") if s.get("type") == "application/ld+json")
    assert pyld_graph((embedded.text or "").encode("utf-8")) == expected
    alternates = {
        link.attrib["type"]: link.attrib["href"]
        for link in _elements(tree, "link")
        if link.get("rel") == "alternate"
    }
    assert alternates == {"application/ld+json": "advisory.jsonld", "text/turtle": "advisory.ttl"}


def test_write_site_pages_writes_the_listed_files_and_links_unchanged_ones(
    tmp_path: Path, vocabulary: list[Quad]
) -> None:
    """The paths returned are the files written; a second run hard-links identical files."""
    first = tmp_path / "one"
    names = write_site_pages(
        first, SUMMARIES, base=BASE, void_graph=_void_graph(), vocabulary=vocabulary
    )
    on_disk = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert sorted(names) == on_disk
    second = tmp_path / "two"

    def previous(name: str) -> str | None:
        return os.path.join(first, name)

    again = write_site_pages(
        second,
        SUMMARIES,
        base=BASE,
        void_graph=_void_graph(),
        vocabulary=vocabulary,
        previous=previous,
    )
    assert again == names
    assert all((first / n).stat().st_ino == (second / n).stat().st_ino for n in names)
