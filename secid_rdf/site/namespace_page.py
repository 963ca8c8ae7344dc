"""The pages a person reads about a namespace and about each of its sources.

They show what the registry holds (names, prose, status, operator, links, URL templates
with a worked example, id patterns, versions, cross-references, the registry file), from
the model the export's workers already hold. Registry text reaches the page only through
:func:`~secid_rdf.site.skeleton.text`, :func:`~secid_rdf.site.skeleton.external_link` and
:func:`~secid_rdf.site.markdown.render_markdown`; links to other SecIDs are relative and
made only to pages the site has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from secid_rdf.iris import WIKIDATA_ITEM, is_web_template
from secid_rdf.model import Example, IdPattern, MatchNode, Namespace, Source, Url, Version
from secid_rdf.resolve.examples import source_example_secid
from secid_rdf.site.markdown import render_markdown
from secid_rdf.site.paths import href, secid_stem
from secid_rdf.site.skeleton import (
    HOME,
    Alternate,
    Frame,
    definition_list,
    external_link,
    render_page,
    text,
)

__all__ = [
    "PageLinks",
    "Resolver",
    "first_paragraph",
    "html_id",
    "html_path",
    "namespace_html",
    "source_html",
    "title_of",
]

Resolver = Callable[[str], str | None]
"""The URL a SecID resolves to, if any."""

_SPACE = re.compile(r"\s+")


def html_id(value: str) -> str:
    """An HTML ``id`` for registry text: no whitespace, never empty (escape it when written).

    >>> html_id("27001 2022")
    '27001_2022'
    """
    return _SPACE.sub("_", value) or "_"


def title_of(node: Namespace | MatchNode, fallback: str) -> str:
    """The name a person knows it by: common name, else official name, else ``fallback``."""
    return node.common_name or node.official_name or fallback


def html_path(stem: PurePosixPath) -> PurePosixPath:
    """The page of a site stem (``advisory/mitre.org`` -> ``advisory/mitre.org.html``)."""
    return stem.with_name(stem.name + ".html")


@dataclass(frozen=True)
class PageLinks:
    """What links need: the data base, the stems of the site's pages, and the resolver."""

    base: str
    stems: Collection[str]
    resolve: Resolver

    def secid_link(self, here: PurePosixPath, secid: str) -> str:
        """A SecID as a relative link to its page when the site has one, else as code."""
        stem = secid_stem(self.base, secid)
        if stem is None or stem not in self.stems:
            return f"<code>{text(secid)}</code>"
        return f'<a href="{text(href(here, html_path(PurePosixPath(stem))))}">{text(secid)}</a>'


def _frame(
    title: str,
    stem: PurePosixPath,
    jsonld: bytes,
    crumbs: list[tuple[str, PurePosixPath]],
    description: str | None,
) -> Frame:
    here = html_path(stem)
    return Frame(
        title=title,
        here=here,
        breadcrumbs=[("Home", HOME), *crumbs, (title, here)],
        alternates=(
            Alternate("application/ld+json", stem.with_name(stem.name + ".jsonld"), "JSON-LD"),
            Alternate("text/turtle", stem.with_name(stem.name + ".ttl"), "Turtle"),
        ),
        jsonld=jsonld.decode("utf-8"),
        description=first_paragraph(description) if description else None,
    )


def first_paragraph(value: str, limit: int = 300) -> str:
    """The first paragraph of registry prose, on one line and at most ``limit`` characters."""
    first = _SPACE.sub(" ", value.strip().split("\n\n", 1)[0])
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _prose(*parts: str | None, level: int = 1) -> str:
    """Registry prose placed under a heading of ``level`` (the page's ``<h1>``, else a card's)."""
    return "".join(render_markdown(part, level) for part in parts if part)


def _listed(values: Iterable[str]) -> str | None:
    shown = [value for value in values if value]
    return ", ".join(shown) if shown else None


def _url_kind(url: Url) -> str:
    if url.kind == "website":
        return "homepage"
    return "lookup" if url.kind == "lookup" else "link"


def _urls(urls: Sequence[Url]) -> str:
    """The registry's links, each with its kind; templates shown as code, not followed."""
    items = []
    for url in filter(_is_kept, urls):
        if url.is_template:
            shown = f"<code>{text(url.value)}</code>"
        else:
            link = external_link(url.value)
            kind = _url_kind(url)
            shown = link.replace("<a ", f'<a class="{kind}" ', 1)
        note = f' <span class="muted">{text(url.note)}</span>' if url.note else ""
        items.append(f"<li>{text(url.kind.replace('_', ' '))}: {shown}{note}</li>")
    return f"<ul>{''.join(items)}</ul>\n" if items else ""


def _is_kept(url: Url) -> bool:
    """False for a template the graph leaves out (not a web URL): pages show the graph's."""
    return not url.is_template or is_web_template(url.value)


def _patterns(patterns: Iterable[IdPattern]) -> str | None:
    shown = [
        f"<code>{text(p.regex)}</code>" + (f" {text(p.description)}" if p.description else "")
        for p in patterns
    ]
    return "<br>".join(shown) if shown else None


def _source_examples(
    namespace: Namespace, source: Source, examples: Sequence[Example]
) -> list[tuple[Example, str | None]]:
    return [(example, source_example_secid(namespace, source, example)) for example in examples]


def _examples(examples: Sequence[tuple[Example, str | None]], links: PageLinks) -> str:
    """Each example SecID and the URL it resolves to (a lookup link), as a list."""
    items = []
    for example, full in examples:
        if full is None:
            continue
        url = links.resolve(full) or example.url
        target = (
            external_link(url).replace("<a ", '<a class="lookup" ', 1)
            if url
            else ('<span class="muted">no URL</span>')
        )
        items.append(f"<li><code>{text(full)}</code> → {target}</li>")
    return f"<ul>{''.join(items)}</ul>\n" if items else ""


def _templates(node: MatchNode) -> list[str]:
    """Every URL template of a node and its children, once each, in registry order."""
    found: dict[str, None] = {}
    stack = [node]
    while stack:
        current = stack.pop(0)
        for url in (current.url_template, *current.urls):
            if url is not None and url.is_template and _is_kept(url):
                found.setdefault(url.value)
        stack.extend(current.children)
    return list(found)


def _version_notes(version: Version) -> str:
    link = external_link(version.url) if version.url else ""
    return f"{link} {text(version.note)}".strip() if version.note else link


def _versions(versions: Sequence[Version]) -> str:
    rows = []
    for version in versions:
        cells = (
            f'<td id="v-{text(html_id(version.value))}"><code>{text(version.value)}</code></td>',
            f"<td>{text(version.status or '')}</td>",
            f'<td class="date">{text(version.release_date or "")}</td>',
            f"<td>{_version_notes(version)}</td>",
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "<tr><th>Version</th><th>Status</th><th>Released</th><th>Notes</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>\n"


def _names(node: Namespace | MatchNode) -> list[tuple[str, str | None]]:
    return [
        ("Official name", text(node.official_name) if node.official_name else None),
        ("Common name", text(node.common_name) if node.common_name else None),
        ("Also known as", _listed(text(name) for name in node.alternate_names)),
        ("Status", text(node.status) if node.status else None),
    ]


def _references(
    node: MatchNode, here: PurePosixPath, links: PageLinks
) -> list[tuple[str, str | None]]:
    return [
        (
            "Deprecated by",
            links.secid_link(here, node.deprecated_by) if node.deprecated_by else None,
        ),
        ("Deprecated on", text(node.deprecated_date) if node.deprecated_date else None),
        ("See also", _listed(links.secid_link(here, ref) for ref in node.cross_references)),
        ("Version required", "yes" if node.version_required else None),
    ]


def _registry_files(namespace: Namespace) -> str:
    return ", ".join(f"<code>{text(name)}</code>" for name in namespace.files)


def namespace_html(
    namespace: Namespace,
    stem: PurePosixPath,
    jsonld: bytes,
    sources: Sequence[tuple[Source, PurePosixPath | None]],
    links: PageLinks,
) -> bytes:
    """The namespace's page: what it is, who runs it, its links and a section per source.

    :param sources: each source and the stem of its own page (``None`` when it has none).
    """
    here = html_path(stem)
    title = title_of(namespace, namespace.namespace)
    type_page = PurePosixPath(namespace.type + ".html")
    status_notes = f" {text(namespace.status_notes)}" if namespace.status_notes else ""
    facts = [
        *_names(namespace),
        ("Status notes", status_notes.strip() or None),
        ("Operator", links.secid_link(here, namespace.operator) if namespace.operator else None),
        ("Established", str(namespace.established) if namespace.established else None),
        (
            "Wikidata",
            _listed(
                external_link(f"https://www.wikidata.org/wiki/{q}", q)
                if WIKIDATA_ITEM.fullmatch(q)
                else external_link(q)
                for q in namespace.wikidata
            ),
        ),
        ("Wikipedia", _listed(external_link(url) for url in namespace.wikipedia)),
        ("ID patterns", _patterns(namespace.id_patterns)),
        ("Registry file", _registry_files(namespace)),
    ]
    main = [
        f"<h1>{text(title)}</h1>",
        f'<p class="secid"><code>{text(namespace.secid)}</code></p>',
        _prose(namespace.description),
        definition_list(facts),
        _prose(namespace.prose, *namespace.notes),
    ]
    if namespace.urls:
        main += ["<h2>Links</h2>", _urls(namespace.urls)]
    examples = _examples([(e, namespace.example_secid(e)) for e in namespace.examples], links)
    if examples:
        main += ["<h2>Examples</h2>", examples]
    if sources:
        main.append(f"<h2>Sources ({len(sources)})</h2>")
    for source, source_stem in sources:
        main.append(_source_section(namespace, source, source_stem, here, links))
    crumbs = [(namespace.type, type_page), *_enclosing(namespace, links)]
    frame = _frame(title, stem, jsonld, crumbs, namespace.description)
    return render_page(frame, "\n".join(part for part in main if part))


def _enclosing(namespace: Namespace, links: PageLinks) -> list[tuple[str, PurePosixPath]]:
    """Breadcrumbs of the pages a nested namespace sits under, outermost first.

    ``entity/github.com`` is above ``entity/github.com/nyu-mll`` when the site has its page.
    """
    crumbs = []
    parts = namespace.namespace.split("/")
    for end in range(1, len(parts)):
        name = "/".join(parts[:end])
        stem = secid_stem(links.base, f"secid:{namespace.type}/{name}")
        if stem is not None and stem in links.stems:
            crumbs.append((name, html_path(PurePosixPath(stem))))
    return crumbs


def _source_label(source: Source) -> str:
    return source.name or (source.patterns[0].regex if source.patterns else "(unnamed)")


def _source_section(
    namespace: Namespace,
    source: Source,
    stem: PurePosixPath | None,
    here: PurePosixPath,
    links: PageLinks,
) -> str:
    """A source as a section of its namespace's page, linking to its own page."""
    label = _source_label(source)
    heading = text(title_of(source, label))
    if stem is not None:
        heading = f'<a href="{text(href(here, html_path(stem)))}">{heading}</a>'
    parts = [
        f'<section class="source card" id="{text(html_id(label))}">',
        f"<h3>{heading}</h3>",
        f"<p><code>{text(source.secid or label)}</code></p>",
        _prose(source.description, level=3),
        _urls(source.urls),
        _examples(_source_examples(namespace, source, source.examples[:1]), links),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


def source_html(
    namespace: Namespace,
    namespace_stem: PurePosixPath,
    source: Source,
    stem: PurePosixPath,
    jsonld: bytes,
    links: PageLinks,
) -> bytes:
    """A source's page: names, prose, links, URL templates with worked examples, versions."""
    here = html_path(stem)
    label = _source_label(source)
    title = title_of(source, label)
    namespace_title = title_of(namespace, namespace.namespace)
    facts = [
        *_names(source),
        (
            "Namespace",
            f'<a href="{text(href(here, html_path(namespace_stem)))}">{text(namespace.secid)}</a>',
        ),
        *_references(source, here, links),
        ("Patterns", _patterns(source.patterns)),
        ("ID patterns", _patterns(source.id_patterns)),
        ("Registry file", _registry_files(namespace)),
    ]
    main = [
        f"<h1>{text(title)}</h1>",
        f'<p class="secid"><code>{text(source.secid or label)}</code></p>',
        _prose(source.description, source.long_description),
        definition_list(facts),
        _prose(source.prose, *source.notes),
    ]
    if source.urls:
        main += ["<h2>Links</h2>", _urls(source.urls)]
    templates = _templates(source)
    if templates:
        items = "".join(f"<li><code>{text(template)}</code></li>" for template in templates)
        main += ["<h2>URL templates</h2>", f"<ul>{items}</ul>"]
    if source.examples:
        main += [
            '<section id="examples">',
            "<h2>Examples</h2>",
            _examples(_source_examples(namespace, source, source.examples), links),
            "</section>",
        ]
    if source.versions:
        main += [
            '<section id="versions">',
            "<h2>Versions</h2>",
            _versions(source.versions),
            "</section>",
        ]
    if source.children:
        main += ["<h2>Match entries</h2>", _children(source.children)]
    crumbs = [
        (namespace.type, PurePosixPath(namespace.type + ".html")),
        *_enclosing(namespace, links),
        (namespace_title, html_path(namespace_stem)),
    ]
    frame = _frame(title, stem, jsonld, crumbs, source.description)
    return render_page(frame, "\n".join(part for part in main if part))


def _children(children: Sequence[MatchNode]) -> str:
    """The match entries under a source: what each matches, says and links to."""
    items = []
    for child in children:
        what = _patterns(child.patterns) or ""
        described = f" {text(child.description)}" if child.description else ""
        kept = child.url_template if child.url_template and _is_kept(child.url_template) else None
        template = f" → <code>{text(kept.value)}</code>" if kept else ""
        nested = _children(child.children) if child.children else ""
        items.append(f"<li>{what}{described}{template}{nested}</li>")
    return f"<ul>{''.join(items)}</ul>\n"
