"""``index.html``: what SecID is, the types with their counts, the filter, the data files.

Without JavaScript the page lists the counts per type linking to the type pages, and every
entry when the registry is small (:data:`MAX_LISTED`); ``search.js`` filters the entries
as one types, adding them from its index when the page does not list them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from secid_rdf.site.dataset_page import DATASET_PAGE, DATASET_TURTLE, Dump
from secid_rdf.site.paths import href
from secid_rdf.site.skeleton import HOME, SCRIPT, Frame, render_page, text
from secid_rdf.site.summary import NamespaceSummary
from secid_rdf.site.term_links import ONTOLOGY_PAGE

__all__ = ["MAX_LISTED", "TypeCount", "home_page"]

MAX_LISTED = 2000
"""Most entries (namespaces and sources) the home page lists in its HTML."""

CONTEXT = PurePosixPath("context.jsonld")

_ABOUT = (
    "SecID names security knowledge the way Package URL names packages: one identifier, "
    "<code>secid:type/namespace/name[@version][#item]</code>, for an advisory, a weakness, "
    "a control, a regulation and the rest, whoever publishes it. The SecID registry of the "
    "Cloud Security Alliance (CC0) says, for each namespace (who publishes), its sources "
    "(what they publish), the patterns of their identifiers and the URL templates that "
    "resolve a SecID to a web page. This site shows the registry as pages for people and "
    "as linked data for machines: every SecID IRI here has a page, a JSON-LD file and a "
    "Turtle file."
)


@dataclass(frozen=True)
class TypeCount:
    """A SecID type as the home page lists it: label, page, and its namespaces and sources."""

    name: str
    label: str
    page: PurePosixPath
    namespaces: int
    sources: int


def _entry(summary_secid: str, title: str, page: PurePosixPath, description: str) -> str:
    """One ``li.entry`` of the list the filter works on."""
    note = f' <span class="muted">{text(description)}</span>' if description else ""
    return (
        f'<li class="entry" data-secid="{text(summary_secid)}">'
        f'<a href="{text(href(HOME, page))}">{text(title)}</a> '
        f"<code>{text(summary_secid)}</code>{note}</li>"
    )


def _entries(summaries: Sequence[NamespaceSummary]) -> list[str]:
    """Every namespace and source as an entry, or none when there are too many."""
    total = sum(1 + len(summary.sources) for summary in summaries)
    if total > MAX_LISTED:
        return []
    items = []
    for summary in summaries:
        items.append(_entry(summary.secid, summary.title, summary.page, summary.description))
        items.extend(_entry(s.secid, s.title, s.page, "") for s in summary.sources)
    return items


def _types_table(types: Sequence[TypeCount]) -> str:
    rows = "".join(
        f'<tr><td><a href="{text(href(HOME, item.page))}">{text(item.label)}</a> '
        f"<code>secid:{text(item.name)}</code></td>"
        f'<td class="number">{item.namespaces:,}</td><td class="number">{item.sources:,}</td></tr>'
        for item in types
    )
    total_ns = sum(item.namespaces for item in types)
    total_sources = sum(item.sources for item in types)
    return (
        "<table><thead><tr><th>Type</th><th>Namespaces</th><th>Sources</th></tr></thead>"
        f"<tbody>{rows}</tbody><tfoot><tr><th>All types</th>"
        f'<td class="number">{total_ns:,}</td><td class="number">{total_sources:,}</td>'
        "</tr></tfoot></table>"
    )


def _data_links(
    dumps: Sequence[Dump], schemes: Sequence[tuple[str, PurePosixPath]], base: str
) -> str:
    """The links to the ontology, the dataset, the concept schemes and the dump files."""
    items = [
        (
            f'<li><a href="{text(href(HOME, ONTOLOGY_PAGE))}">The SecID ontology</a>: '
            "classes and properties of the graph</li>"
        ),
        (
            f'<li><a href="{text(href(HOME, DATASET_PAGE))}">The dataset</a>: counts, licence, '
            f'downloads (<a href="{text(href(HOME, DATASET_TURTLE))}">void.ttl</a>)</li>'
        ),
    ]
    items.extend(
        f'<li><a href="{text(href(HOME, page))}">{text(label)}</a></li>' for label, page in schemes
    )
    items.extend(
        f"<li>{dump.link(HOME, base)}: {text(dump.title)} "
        f"(<code>{text(dump.media_type)}</code>)</li>"
        for dump in dumps
    )
    items.append(
        f'<li><a href="{text(href(HOME, CONTEXT))}">context.jsonld</a>: the JSON-LD context</li>'
    )
    return "<ul>" + "".join(items) + "</ul>"


def home_page(
    summaries: Sequence[NamespaceSummary],
    types: Sequence[TypeCount],
    *,
    dumps: Sequence[Dump],
    schemes: Sequence[tuple[str, PurePosixPath]],
    base: str,
) -> bytes:
    """The home page; ``summaries`` in the order the list shows them.

    :param schemes: ``(label, page)`` of each concept scheme page.
    """
    entries = _entries(summaries)
    total = sum(1 + len(summary.sources) for summary in summaries)
    if entries:
        without_script = f"{total:,} entries, listed below."
    else:
        without_script = (
            f"{total:,} entries: too many to list here; the type pages list them all, "
            "and the filter searches them with JavaScript on."
        )
    body = [
        "<h1>SecID: identifiers for security knowledge</h1>",
        f"<p>{_ABOUT}</p>",
        '<h2 id="types">Types</h2>',
        _types_table(types),
        '<h2 id="find">Find a namespace or source</h2>',
        (
            '<div id="search" hidden><label for="filter">Filter by name, SecID, title or '
            'description</label> <input type="search" id="filter" autocomplete="off" '
            'placeholder="e.g. cve, nist.gov, weakness"></div>'
        ),
        f'<p id="filter-count" aria-live="polite">{text(without_script)}</p>',
        '<ul id="entries" class="entries">' + "".join(entries) + "</ul>",
        '<h2 id="data">Data</h2>',
        _data_links(dumps, schemes, base),
    ]
    frame = Frame(
        title="SecID registry",
        here=HOME,
        description="The SecID registry of security knowledge identifiers: types, "
        "namespaces and sources, with search, as pages and linked data.",
        scripts=(SCRIPT,),
    )
    return render_page(frame, "\n".join(body))
