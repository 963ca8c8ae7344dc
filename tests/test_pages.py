"""Page data: safe paths, a JSON-LD subgraph and its Turtle twin, HTML that survives any text.

The framed JSON-LD tree is a subgraph of the whole, the Turtle holds the same triples, and the
HTML's embedded JSON-LD survives any registry text.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple
from rdf_graphs import pyld_graph, rdflib_graph, statements

from secid_rdf.findings import Severity
from secid_rdf.formats.context import read_context, used_context, with_base
from secid_rdf.formats.dump_format import GraphPart
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.formats.pages import Page, iter_pages
from secid_rdf.iris import DEFAULT_BASE, namespace_iri, secid_iri, step_iri, type_iri
from secid_rdf.site.paths import site_stem
from secid_rdf.site.skeleton import script_json
from secid_rdf.vocab import DCTERMS, RDF, RDFS, SECID, SKOS

ADVISORY = type_iri(DEFAULT_BASE, "advisory")
GITHUB = namespace_iri(DEFAULT_BASE, "advisory", "github.com")
GITHUB_ADVISORIES = namespace_iri(DEFAULT_BASE, "advisory", "github.com/advisories")
GHSA = secid_iri(DEFAULT_BASE, "secid:advisory/github.com/advisories/ghsa")
TEMPLATE = step_iri(GHSA, "template")
CHILD = step_iri(GHSA, "node", "0")
# a source of github.com whose IRI begins like the sub-namespace github.com/advisories
ADVISORIES_SOURCE = secid_iri(DEFAULT_BASE, "secid:advisory/github.com/advisories-archive")


def compact(node: NamedNode) -> str:
    """A data IRI as pages write it: its SecID text, the compact IRI under ``secid:``."""
    assert node.value.startswith(DEFAULT_BASE)
    return "secid:" + node.value[len(DEFAULT_BASE) :]


HOSTILE_LABEL = 'Advisories </script><script>alert("x")</script> <!-- & \u2028 end'


def sample_triples() -> list[Triple]:
    """Two namespaces whose IRIs share a prefix, a source tree, and hostile text."""
    rows = [
        (GITHUB, RDF.type, SECID.Namespace),
        (GITHUB, SECID.secidType, ADVISORY),
        (GITHUB, SECID.hasSource, ADVISORIES_SOURCE),
        (GITHUB, RDFS.label, Literal("GitHub")),
        (ADVISORIES_SOURCE, RDF.type, SECID.Source),
        (ADVISORIES_SOURCE, SECID.namespace, GITHUB),
        (GITHUB_ADVISORIES, RDF.type, SECID.Namespace),
        (GITHUB_ADVISORIES, SECID.secidType, ADVISORY),
        (GITHUB_ADVISORIES, SKOS.prefLabel, Literal(HOSTILE_LABEL)),
        (GITHUB_ADVISORIES, DCTERMS.identifier, Literal("secid:advisory/github.com/advisories")),
        (GITHUB_ADVISORIES, SECID.hasSource, GHSA),
        (GHSA, RDF.type, SECID.Source),
        (GHSA, SECID.namespace, GITHUB_ADVISORIES),
        (GHSA, SECID.hasUrlTemplate, TEMPLATE),
        (GHSA, SECID.hasChild, CHILD),
        (GHSA, SECID.crossReference, ADVISORIES_SOURCE),
        (TEMPLATE, RDF.type, SECID.UrlTemplate),
        (TEMPLATE, SECID.template, Literal("https://github.com/advisories/{id}")),
        (CHILD, RDF.type, SECID.MatchNode),
        (CHILD, SECID.parent, GHSA),
        (CHILD, SECID.hasUrlTemplate, TEMPLATE),  # a second link to the same template
        (ADVISORY, RDF.type, SECID.SecidType),
    ]
    return [Triple(s, p, o) for s, p, o in rows]


NAMESPACES = {"github.com": GITHUB.value, "github.com/advisories": GITHUB_ADVISORIES.value}


def build_pages(triples: list[Triple], roots: list[str] | None = None) -> dict[str, Page]:
    """The pages of both namespaces (or of ``roots``), by namespace (or IRI)."""
    compactor = Compactor(with_base(DEFAULT_BASE))
    quads = [Quad(t.subject, t.predicate, t.object) for t in triples]
    part = GraphPart(quads, base=DEFAULT_BASE, compactor=compactor)
    names = {iri: name for name, iri in NAMESPACES.items()}
    pages = iter_pages(part, roots or list(NAMESPACES.values()), sorted(NAMESPACES.values()))
    return {names.get(page.iri, page.iri): page for page in pages}


def page_path(type_name: str, namespace: str) -> PurePosixPath:
    """Where a namespace's files go (its site stem)."""
    stem = site_stem(DEFAULT_BASE, namespace_iri(DEFAULT_BASE, type_name, namespace).value)
    assert stem is not None
    return stem


def whole() -> set[str]:
    return {str(triple) for triple in sample_triples()}


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ("mitre.org", "advisory/mitre.org"),
        ("github.com/advisories", "advisory/github.com/advisories"),
        ("../../etc/passwd", "advisory/%2E%2E/%2E%2E/etc/passwd"),
        ("a/./c", "advisory/a/%2E/c"),
        ("C:\\Windows", "advisory/C%3A%5CWindows"),
        ("…", "advisory/…"),
        ("a%2Fb", "advisory/a%252Fb"),
    ],
)
def test_page_path_is_a_plain_relative_path(namespace: str, expected: str) -> None:
    path = page_path("advisory", namespace)
    assert path == PurePosixPath(expected)
    assert not path.is_absolute()
    assert all(part not in ("", ".", "..") for part in path.parts)


def test_page_paths_never_leave_the_site_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for namespace in ["..", "../..", "/", "//x", "../../../tmp/evil", ".", "~", "%2E%2E"]:
        for type_name in ("advisory", ".."):
            try:
                iri = namespace_iri(DEFAULT_BASE, type_name, namespace).value
            except ValueError:
                continue  # no SecID: no page
            stem = site_stem(DEFAULT_BASE, iri)
            assert stem is not None
            assert (root / stem).resolve().is_relative_to(root.resolve()), namespace


def test_page_paths_of_distinct_namespaces_differ() -> None:
    names = ["a", "a/b", "a%2Fb", "A", ".", "%2E", "%", "..", "a/..", "a/%2E%2E", "_", "-"]
    paths = {page_path("advisory", name) for name in names}
    assert len(paths) == len(names)


def test_long_namespace_segment_is_shortened_but_stays_unique() -> None:
    first, second = "x" * 300 + "1", "x" * 300 + "2"
    a, b = page_path("advisory", first), page_path("advisory", second)
    assert a != b
    assert all(len(part) + len(".jsonld") <= 255 for part in (*a.parts, *b.parts))
    # cut segments are one character longer than any uncut one, so no namespace written to
    # look like a cut segment can take its path
    assert len(a.name) == 201
    assert len(page_path("advisory", "y" * 200).name) == 200


def test_page_holds_exactly_the_triples_minted_under_its_namespace() -> None:
    pages = build_pages(sample_triples())
    prefix = GITHUB_ADVISORIES.value
    owned = {
        t
        for t in sample_triples()
        if t.subject.value == prefix
        or t.subject.value[: len(prefix) + 1] in {prefix + mark for mark in "/?#@"}
    }
    read = statements(pages["github.com/advisories"].jsonld, RdfFormat.JSON_LD)
    assert read == {str(t) for t in owned}
    assert read <= whole()
    assert pyld_graph(pages["github.com/advisories"].jsonld) == read


def test_prefix_sharing_namespace_keeps_its_own_sources_only() -> None:
    read = statements(build_pages(sample_triples())["github.com"].jsonld, RdfFormat.JSON_LD)
    subjects = {line.split(" ", 1)[0] for line in read}
    assert subjects == {f"<{GITHUB.value}>", f"<{ADVISORIES_SOURCE.value}>"}


def test_page_nests_sources_inside_the_namespace() -> None:
    document = json.loads(build_pages(sample_triples())["github.com/advisories"].jsonld)
    assert document["@context"] == used_context(read_context()["@context"], document)
    assert "hasSource" in document["@context"]
    assert "wikipedia" not in document["@context"]  # only the terms the page uses
    assert document["@id"] == compact(GITHUB_ADVISORIES)
    source = document["hasSource"]
    assert source["@id"] == compact(GHSA)
    assert source["namespace"] == compact(GITHUB_ADVISORIES)  # back link stays a reference
    assert source["hasUrlTemplate"]["template"] == "https://github.com/advisories/{id}"
    assert source["hasChild"]["hasUrlTemplate"] == compact(TEMPLATE)  # nested once only
    assert source["crossReference"] == compact(ADVISORIES_SOURCE)  # another namespace's source
    assert document["secidType"] == compact(ADVISORY)


def test_unreachable_resource_of_a_namespace_is_still_on_its_page() -> None:
    orphan = step_iri(GITHUB_ADVISORIES, "url", "docs", "https://example.org/")
    triples = [*sample_triples(), Triple(orphan, RDF.type, SECID.UrlLink)]
    page = build_pages(triples)["github.com/advisories"]
    document = json.loads(page.jsonld)
    assert [node["@id"] for node in document["@graph"]] == [
        compact(GITHUB_ADVISORIES),
        compact(orphan),
    ]
    assert f"<{orphan.value}> <{RDF.type.value}> <{SECID.UrlLink.value}>" in statements(
        page.jsonld, RdfFormat.JSON_LD
    )


def test_shared_child_nests_under_the_first_parent_in_n_triples_order() -> None:
    # "<ns/p/q>" sorts before "<ns/p>" ("/" < ">"), though the IRI "ns/p" sorts first
    ns = GITHUB_ADVISORIES
    deep, short, shared = (NamedNode(ns.value + suffix) for suffix in ("/p/q", "/p", "?!x"))
    rows = [
        (ns, RDF.type, SECID.Namespace),
        (ns, SECID.hasSource, short),
        (ns, SECID.hasSource, deep),
        (short, SECID.hasChild, shared),
        (deep, SECID.hasChild, shared),
        (shared, RDF.type, SECID.MatchNode),
    ]
    page = build_pages([Triple(s, p, o) for s, p, o in rows])["github.com/advisories"]
    sources = {node["@id"]: node for node in json.loads(page.jsonld)["hasSource"]}
    assert sources[compact(deep)]["hasChild"]["@id"] == compact(shared)
    assert sources[compact(short)]["hasChild"] == compact(shared)


class ScriptExtractor(HTMLParser):
    """Collects the text of ``<script type="application/ld+json">`` the way a browser does."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.title: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "script"
            self.scripts.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "title":
            self.title.append(data)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own JSON-LD parser
def test_turtle_twin_holds_the_same_triples_as_the_jsonld() -> None:
    for page in build_pages(sample_triples()).values():
        read = statements(page.jsonld, RdfFormat.JSON_LD)
        assert statements(page.turtle, RdfFormat.TURTLE) == read
        assert rdflib_graph(page.turtle, "turtle") == read
        assert page.turtle.startswith(b"@base <" + DEFAULT_BASE.encode() + b"> .\n")


def test_a_source_page_holds_the_source_and_what_is_minted_under_it() -> None:
    pages = build_pages(sample_triples(), [GITHUB_ADVISORIES.value, GHSA.value])
    page = pages[GHSA.value]
    assert page.path == PurePosixPath("advisory/github.com/advisories/ghsa")
    subjects = {line.split(" ", 1)[0] for line in statements(page.jsonld, RdfFormat.JSON_LD)}
    assert subjects == {f"<{GHSA.value}>", f"<{TEMPLATE.value}>", f"<{CHILD.value}>"}
    assert json.loads(page.jsonld)["@id"] == compact(GHSA)


def test_a_namespace_page_links_to_a_source_page_and_every_triple_is_on_one_page() -> None:
    roots = [GITHUB_ADVISORIES.value, GHSA.value, GITHUB.value]
    pages = build_pages(sample_triples(), roots)
    namespace = json.loads(pages["github.com/advisories"].jsonld)
    assert namespace["hasSource"] == compact(GHSA)  # a reference: the source has its page
    read = [statements(page.jsonld, RdfFormat.JSON_LD) for page in pages.values()]
    assert sum(len(triples) for triples in read) == len(set().union(*read))  # no triple twice
    assert set().union(*read) == whole() - {
        f"<{ADVISORY.value}> <{RDF.type.value}> <{SECID.SecidType.value}>"  # the type's page
    }


def test_a_source_whose_path_is_taken_stays_on_its_namespaces_page() -> None:
    # "%65" is "e": a server maps both IRIs to the file of advisories-archive
    clash = NamedNode(GITHUB.value + "/advisories-archiv%65")
    triples = [*sample_triples(), Triple(clash, RDF.type, SECID.Source)]
    pages = build_pages(triples, [GITHUB.value, ADVISORIES_SOURCE.value, clash.value])
    assert [page.iri for page in pages.values()] == [GITHUB.value, ADVISORIES_SOURCE.value]
    assert f"<{clash.value}> <{RDF.type.value}> <{SECID.Source.value}>" in statements(
        pages["github.com"].jsonld, RdfFormat.JSON_LD
    )


def test_a_later_resource_never_takes_an_earlier_ones_path() -> None:
    # the source "advisories" of github.com would sit where the namespace github.com/advisories is
    clash = secid_iri(DEFAULT_BASE, "secid:advisory/github.com/advisories")
    pages = build_pages(sample_triples(), [GITHUB_ADVISORIES.value, clash.value, GITHUB.value])
    assert [page.iri for page in pages.values()] == [GITHUB_ADVISORIES.value, GITHUB.value]


def test_script_json_escapes_what_could_end_the_script() -> None:
    document = {"x": "</SCRIPT> <!-- --> & \u2028\u2029"}
    text = script_json(json.dumps(document, ensure_ascii=False))
    assert not any(char in text for char in "<>&\u2028\u2029")
    assert json.loads(text) == document


def test_registry_text_with_closing_script_tags_cannot_break_the_html_page(tmp_path: Path) -> None:
    from secid_rdf.export.run import export_registry

    registry = Path(__file__).parent / "fixtures" / "registries" / "script-text"
    result = export_registry(registry, tmp_path, show_progress=False)
    # its one error: a javascript: URL, left out (tests/test_namespace_pages.py)
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == ["convert-iri"]
    pages = tmp_path / "advisory"
    jsonld_text = (pages / "example.org.jsonld").read_text(encoding="utf-8")
    assert "</script>" in jsonld_text  # the registry text really is in the page
    parser = ScriptExtractor()
    parser.feed((pages / "example.org.html").read_text(encoding="utf-8"))
    parser.close()
    assert len(parser.scripts) == 1
    assert json.loads(parser.scripts[0]) == json.loads(jsonld_text)
    title = "Example </script><script>alert(1)</script> Advisories · SecID"
    assert "".join(parser.title) == title
