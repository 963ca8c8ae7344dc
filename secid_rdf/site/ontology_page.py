"""``ontology.html``: the SecID ontology documented from ``ontology/secid.ttl`` itself.

Each term has an anchor equal to its local name, so the term IRI
``https://w3id.org/secid/ontology#Namespace`` lands on ``ontology.html#Namespace``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode

from secid_rdf.site.paths import href
from secid_rdf.site.skeleton import HOME, Alternate, Frame, definition_list, render_page, text
from secid_rdf.site.statements import Statements
from secid_rdf.site.term_links import ONTOLOGY_PAGE, TermLinks
from secid_rdf.vocab import (
    DCTERMS,
    ONTOLOGY_IRI,
    OWL,
    RDFS,
    SECID_NAMESPACE,
    SKOS,
    VS,
)

__all__ = ["ONTOLOGY_TURTLE", "ontology_page"]

ONTOLOGY_TURTLE = ONTOLOGY_PAGE.with_suffix(".ttl")

_KINDS = (
    ("classes", "Classes", (OWL.Class,)),
    ("object-properties", "Object properties", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
    ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)),
    ("schemes", "Concept schemes", (SKOS.ConceptScheme,)),
)
"""The sections of the page: id, heading, and the types of the terms each lists."""

_FACTS = (
    ("Subclass of", RDFS.subClassOf),
    ("Subproperty of", RDFS.subPropertyOf),
    ("Domain", RDFS.domain),
    ("Range", RDFS.range),
    ("Inverse of", OWL.inverseOf),
    ("Equivalent to", OWL.equivalentClass),
)
"""The links a term's entry shows, in this order."""


def _value(links: TermLinks, value: NamedNode | Literal) -> str:
    """An object: a link for an IRI, the text for a literal."""
    if isinstance(value, NamedNode):
        return links.link(value.value)
    return text(value.value)


def _row(label: str, items: Sequence[str]) -> tuple[str, str]:
    """A row of :func:`definition_list`: the items joined (empty, and left out, when none)."""
    return label, ", ".join(items)


def _metadata(graph: Statements, links: TermLinks) -> str:
    """The ontology's IRI, version, licence, creator and dates."""
    rows = [_row("IRI", [f"<code>{text(ONTOLOGY_IRI)}</code>"])]
    for label, predicate in (
        ("Version IRI", OWL.versionIRI),
        ("Version", OWL.versionInfo),
        ("Prior version", OWL.priorVersion),
        ("Licence", DCTERMS.license),
        ("Creator", DCTERMS.creator),
        ("Created", DCTERMS.created),
        ("Modified", DCTERMS.modified),
        ("Source", DCTERMS.source),
    ):
        values = graph.values(ONTOLOGY_IRI, predicate)
        if predicate in (OWL.versionIRI, OWL.priorVersion):  # no page: the IRIs as text
            rows.append(_row(label, [f"<code>{text(v.value)}</code>" for v in values]))
        else:
            rows.append(_row(label, [_value(links, v) for v in values]))
    turtle = text(href(ONTOLOGY_PAGE, ONTOLOGY_TURTLE))
    rows.append(_row("Turtle", [f'<a href="{turtle}" type="text/turtle">ontology.ttl</a>']))
    return definition_list(rows)


def _term(graph: Statements, links: TermLinks, iri: str) -> str:
    """One term's entry: anchor, label, compact name, comment and its links to other terms."""
    local = iri[len(SECID_NAMESPACE) :]
    label = graph.text(iri, RDFS.label, SKOS.prefLabel) or local
    comment = graph.text(iri, RDFS.comment, SKOS.definition)
    if iri.startswith(SECID_NAMESPACE):
        parts = [
            f'<section class="card term" id="{text(local)}">',
            f"<h3>{text(label)} <code>{text(links.label(iri))}</code></h3>",
        ]
    else:  # a term with a page of its own (a concept scheme)
        parts = ['<section class="card term">', f"<h3>{links.link(iri, label)}</h3>"]
    if comment:
        parts.append(f"<p>{text(comment)}</p>")
    rows = [_row(name, [_value(links, v) for v in graph.values(iri, p)]) for name, p in _FACTS]
    rows.append(_row("Status", [text(v.value) for v in graph.values(iri, VS.term_status)]))
    parts.append(definition_list(rows))
    parts.append("</section>")
    return "\n".join(parts)


def _terms(graph: Statements) -> list[tuple[str, str, list[str]]]:
    """Each section's id, heading and terms (each term in its first section only)."""
    seen: set[str] = set()
    sections = []
    for section_id, heading, kinds in _KINDS:
        terms = []
        for kind in kinds:
            for iri in graph.of_type(kind):
                defined = iri.startswith(SECID_NAMESPACE) or ONTOLOGY_IRI in graph.iris(
                    iri, RDFS.isDefinedBy
                )
                if defined and iri not in seen:
                    seen.add(iri)
                    terms.append(iri)
        sections.append((section_id, heading, terms))
    return sections


def ontology_page(graph: Statements, base: str) -> bytes:
    """The page documenting the ontology held in ``graph`` (the ontology file's triples)."""
    links = TermLinks(ONTOLOGY_PAGE, base)
    title = graph.text(ONTOLOGY_IRI, DCTERMS.title, RDFS.label) or "SecID ontology"
    description = graph.text(ONTOLOGY_IRI, DCTERMS.description) or ""
    sections = _terms(graph)
    toc = "".join(
        f'<li><a href="#{section_id}">{text(heading)}</a> ({len(terms)})</li>'
        for section_id, heading, terms in sections
        if terms
    )
    body = [
        f"<h1>{text(title)}</h1>",
        f"<p>{text(description)}</p>",
        _metadata(graph, links),
        f'<nav aria-label="Contents"><ul>{toc}</ul></nav>',
    ]
    for section_id, heading, terms in sections:
        if terms:
            body.append(f'<h2 id="{section_id}">{text(heading)}</h2>')
            body.extend(_term(graph, links, iri) for iri in terms)
    frame = Frame(
        title=title,
        here=ONTOLOGY_PAGE,
        breadcrumbs=(("Home", HOME), ("Ontology", ONTOLOGY_PAGE)),
        alternates=(Alternate("text/turtle", ONTOLOGY_TURTLE, "Turtle"),),
        description=description,
    )
    return render_page(frame, "\n".join(body))
