"""``void.html``: the dataset page, written from the same description as ``void.ttl``.

The dumps are published under ``<base>_dump/`` and the server serves ``_dump/X`` as the
file ``X`` at the top of the site, so a dump IRI there becomes a relative link; a dump
published elsewhere (``--dump-base``) keeps its absolute IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from pyoxigraph import Literal, NamedNode

from secid_rdf.formats.dataset import MEDIA_TYPES
from secid_rdf.site.paths import href
from secid_rdf.site.skeleton import (
    HOME,
    Alternate,
    Frame,
    definition_list,
    external_link,
    render_page,
    text,
)
from secid_rdf.site.statements import Statements
from secid_rdf.site.term_links import TermLinks
from secid_rdf.vocab import DCAT, DCTERMS, FOAF, VOID

__all__ = ["DATASET_PAGE", "DATASET_TURTLE", "Dump", "dataset_iri", "dataset_page", "dumps"]

DATASET_PAGE = PurePosixPath("void.html")
DATASET_TURTLE = PurePosixPath("void.ttl")


@dataclass(frozen=True)
class Dump:
    """A distribution of the dataset: a dump file, its media type and size in bytes."""

    title: str
    iri: str
    media_type: str
    byte_size: int | None

    def link(self, here: PurePosixPath, base: str) -> str:
        """A link to the file: relative when it is published under ``<base>_dump/``."""
        local = base + "_dump/"
        if self.iri.startswith(local) and "/" not in self.iri[len(local) :]:
            name = self.iri[len(local) :]
            return f'<a href="{text(href(here, PurePosixPath(name)))}">{text(name)}</a>'
        return external_link(self.iri)


def dataset_iri(graph: Statements) -> str | None:
    """The described dataset: the ``dcat:Dataset`` (its graphs are only ``void:Dataset``)."""
    found = graph.of_type(DCAT.Dataset)
    return found[0] if found else None


def _integer(graph: Statements, subject: str, predicate: NamedNode) -> int | None:
    text_value = graph.text(subject, predicate)
    return int(text_value) if text_value is not None and text_value.isdigit() else None


def dumps(graph: Statements) -> list[Dump]:
    """The dataset's distributions, in the order of their IRIs."""
    dataset = dataset_iri(graph)
    if dataset is None:
        return []
    out = []
    for node in graph.iris(dataset, DCAT.distribution):
        for iri in graph.iris(node, DCAT.downloadURL):
            media = "".join(graph.iris(node, DCAT.mediaType)[:1])
            out.append(
                Dump(
                    title=graph.text(node, DCTERMS.title) or iri,
                    iri=iri,
                    media_type=media.removeprefix(MEDIA_TYPES),
                    byte_size=_integer(graph, node, DCAT.byteSize),
                )
            )
    return out


def _shown(graph: Statements, links: TermLinks, subject: str, predicate: NamedNode) -> str:
    """Every value of a predicate: IRIs as links (an organisation by its name), else text."""
    shown = []
    for value in graph.values(subject, predicate):
        if isinstance(value, Literal):
            shown.append(text(value.value))
        else:
            shown.append(links.link(value.value, graph.text(value.value, FOAF.name)))
    return ", ".join(shown)


def _count(value: int | None) -> str | None:
    return None if value is None else f"{value:,}"


def dataset_page(graph: Statements, base: str) -> bytes:
    """The page of the dataset ``graph`` (the quads of ``void.ttl``) describes."""
    here = DATASET_PAGE
    links = TermLinks(here, base)
    dataset = dataset_iri(graph) or ""
    title = graph.text(dataset, DCTERMS.title) or "SecID dataset"
    description = graph.text(dataset, DCTERMS.description) or ""
    rows: list[tuple[str, str | None]] = [
        ("IRI", f"<code>{text(dataset)}</code>"),
        ("Publisher", _shown(graph, links, dataset, DCTERMS.publisher)),
        ("Licence", _shown(graph, links, dataset, DCTERMS.license)),
        ("Version", _shown(graph, links, dataset, DCAT.version)),
        ("Modified", _shown(graph, links, dataset, DCTERMS.modified)),
        ("Landing page", _shown(graph, links, dataset, DCAT.landingPage)),
        ("Vocabulary", _shown(graph, links, dataset, VOID.vocabulary)),
    ]
    for label, predicate in (
        ("Triples", VOID.triples),
        ("Entities", VOID.entities),
        ("Distinct subjects", VOID.distinctSubjects),
        ("Distinct objects", VOID.distinctObjects),
        ("Properties", VOID.properties),
        ("Classes", VOID.classes),
    ):
        rows.append((label, _count(_integer(graph, dataset, predicate))))
    partitions = sorted(
        (links.label(cls), cls, _integer(graph, partition, VOID.entities))
        for partition in graph.iris(dataset, VOID.classPartition)
        for cls in graph.iris(partition, VOID["class"])
    )
    class_rows = "".join(
        f'<tr><td>{links.link(cls, label)}</td><td class="number">{_count(count) or ""}</td></tr>'
        for label, cls, count in partitions
    )
    dump_rows = "".join(
        f"<tr><td>{dump.link(here, base)}</td><td>{text(dump.title)}</td>"
        f"<td><code>{text(dump.media_type)}</code></td>"
        f'<td class="number">{_count(dump.byte_size) or ""}</td></tr>'
        for dump in dumps(graph)
    )
    turtle = text(href(here, DATASET_TURTLE))
    body = [
        f"<h1>{text(title)}</h1>",
        f"<p>{text(description)}</p>",
        definition_list(rows),
        '<h2 id="distributions">Downloads</h2>',
        (
            "<table><thead><tr><th>File</th><th>Distribution</th><th>Media type</th>"
            f"<th>Bytes</th></tr></thead><tbody>{dump_rows}</tbody></table>"
        ),
        (
            f'<p>This description as data: <a href="{turtle}" type="text/turtle">void.ttl</a> '
            "(VoID, DCAT and PROV).</p>"
        ),
        '<h2 id="classes">Entities by class</h2>',
        (
            "<table><thead><tr><th>Class</th><th>Entities</th></tr></thead>"
            f"<tbody>{class_rows}</tbody></table>"
        ),
    ]
    frame = Frame(
        title=title,
        here=here,
        breadcrumbs=(("Home", HOME), ("Dataset", here)),
        alternates=(Alternate("text/turtle", DATASET_TURTLE, "Turtle"),),
        description=description or None,
    )
    return render_page(frame, "\n".join(body))
