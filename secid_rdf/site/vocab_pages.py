"""``vocab/<scheme>.html``: the SKOS concept schemes of statuses, URL kinds and tags.

A concept ``<VOCAB_NAMESPACE><scheme>/<name>`` is the anchor ``<name>`` of its scheme's page
(the server sends the concept IRI there). The ontology file declares the schemes, the
statuses and the URL kinds the tested registries use; the data declares every URL kind and
tag it uses, so the page lists both.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from pyoxigraph import NamedNode

from secid_rdf.site.skeleton import HOME, Frame, render_page, text
from secid_rdf.site.statements import Statements
from secid_rdf.site.term_links import ONTOLOGY_PAGE, TermLinks, scheme_page
from secid_rdf.vocab import (
    ONTOLOGY_IRI,
    RDFS,
    SKOS,
    STATUS_SCHEME,
    TAG_SCHEME,
    URL_KIND_SCHEME,
)

__all__ = ["SCHEMES", "scheme_pages", "scheme_title"]

SCHEMES = (STATUS_SCHEME, URL_KIND_SCHEME, TAG_SCHEME)
"""The concept schemes that get a page, in the order the home page lists them."""


def _name(scheme: str) -> str:
    """The scheme's last segment (``status``)."""
    return scheme.rsplit("/", 1)[-1]


def _concepts(graph: Statements, scheme: str) -> list[tuple[str, str]]:
    """``(anchor, IRI)`` of each concept in ``scheme``, sorted by anchor."""
    prefix = scheme + "/"
    found = [
        (iri[len(prefix) :], iri)
        for iri in graph.of_type(SKOS.Concept)
        if iri.startswith(prefix) and scheme in graph.iris(iri, SKOS.inScheme)
    ]
    return sorted(found)


def _concept(graph: Statements, anchor: str, iri: str) -> str:
    """One concept's entry: label, notation, definition, IRI."""
    label = graph.text(iri, SKOS.prefLabel, RDFS.label) or anchor
    notation = graph.text(iri, SKOS.notation)
    definition = graph.text(iri, SKOS.definition, RDFS.comment)
    parts = [f'<li id="{text(anchor)}"><strong>{text(label)}</strong>']
    if notation and notation != label:
        parts.append(f" <code>{text(notation)}</code>")
    if definition:
        parts.append(f"<br>{text(definition)}")
    parts.append(f'<br><code class="muted">{text(iri)}</code></li>')
    return "".join(parts)


def scheme_title(graph: Statements, scheme: NamedNode) -> str:
    """The scheme's label (``SecID statuses``)."""
    return graph.text(scheme.value, SKOS.prefLabel, RDFS.label) or _name(scheme.value)


def scheme_pages(graph: Statements, base: str) -> list[tuple[PurePosixPath, bytes]]:
    """The page of each scheme of :data:`SCHEMES`: its description and every concept in it."""
    return [_scheme_page(graph, scheme.value, base) for scheme in SCHEMES]


def _scheme_page(graph: Statements, scheme: str, base: str) -> tuple[PurePosixPath, bytes]:
    """One scheme's page and its path."""
    here = scheme_page(_name(scheme))
    links = TermLinks(here, base)
    title = scheme_title(graph, NamedNode(scheme))
    comment = graph.text(scheme, RDFS.comment, SKOS.definition) or ""
    concepts = _concepts(graph, scheme)
    body = [
        f"<h1>{text(title)}</h1>",
        f"<p>{text(comment)}</p>" if comment else "",
        (
            f"<p>The SKOS concept scheme <code>{text(scheme)}</code> of the "
            f"{links.link(ONTOLOGY_IRI, 'SecID ontology')}: {len(concepts)} concepts.</p>"
        ),
        '<ul class="concepts">' + "".join(_concept(graph, a, i) for a, i in concepts) + "</ul>",
    ]
    frame = Frame(
        title=title,
        here=here,
        breadcrumbs=(("Home", HOME), ("Ontology", ONTOLOGY_PAGE), (title, here)),
        description=comment or None,
    )
    return here, render_page(frame, "\n".join(part for part in body if part))
