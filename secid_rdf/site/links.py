"""Check a written site: every relative link names a file of it, every IRI has its files.

The site is read from a folder over ``file://`` as well as from a web server, so a link
that names a missing file, leaves the site root or points at an element id the target page
lacks is a broken link on every host. Links with a scheme (``https:``, ``mailto:``) or to
another host (``//host``) are the registry's and are not followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pyoxigraph import NamedNode, RdfFormat, parse

from secid_rdf.site.paths import site_stem
from secid_rdf.site.search import index_links
from secid_rdf.site.skeleton import SCRIPT
from secid_rdf.vocab import RDF, SECID

__all__ = [
    "TWINS",
    "BrokenLink",
    "PageLinks",
    "broken_links",
    "described_iris",
    "page_links",
    "unserved_iris",
]

_LINKING = frozenset({"href", "src"})
"""The attributes whose value a browser follows or loads."""

TWINS = (".html", ".jsonld", ".ttl")
"""The files a data IRI dereferences to: the page and its two data twins."""


@dataclass(frozen=True, order=True)
class BrokenLink:
    """A link of ``page`` (a site path) that leads nowhere, and why."""

    page: PurePosixPath
    link: str
    reason: str

    def __str__(self) -> str:
        """``PAGE: LINK: reason``, one line."""
        return f"{self.page}: {self.link}: {self.reason}"


@dataclass(frozen=True)
class PageLinks:
    """What the check needs of one page: its element ids and the links it holds."""

    ids: frozenset[str]
    links: tuple[str, ...]


class _Collector(HTMLParser):
    """Collects ``id`` values and ``href``/``src`` values of every element, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in _LINKING:
                self.links.append(value)

    handle_startendtag = handle_starttag


def page_links(html: str) -> PageLinks:
    """The ids and links of one HTML document."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return PageLinks(frozenset(collector.ids), tuple(collector.links))


def _target(page: PurePosixPath, link: str) -> tuple[PurePosixPath | None, str, str]:
    """The site path a relative link names, its decoded fragment, or a reason it has none.

    Returns ``(None, "", "")`` for a link the check does not follow (another scheme or host).
    """
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None, "", ""
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment, ""
    if parts.path.startswith("/"):
        return None, fragment, "a root-relative link breaks when the site is not at the root"
    resolved: list[str] = list(page.parts[:-1])
    for segment in unquote(parts.path).split("/"):
        if segment == "..":
            if not resolved:
                return None, fragment, "leaves the site root"
            resolved.pop()
        elif segment not in ("", "."):
            resolved.append(segment)
    if not resolved or parts.path.endswith("/"):
        return None, fragment, "names a folder, not a file"
    return PurePosixPath(*resolved), fragment, ""


def broken_links(site: Path) -> list[BrokenLink]:
    """Every broken relative ``href``/``src`` of every ``.html`` file under ``site``, sorted.

    The links of the home page's filter (each row of ``search.js``) are checked too.

    A link is broken when the file it names is missing, when it leaves the site root or
    starts at the server root, or when its fragment is no ``id`` of the target page (a
    fragment on a file that is not HTML is not checked).
    """
    pages: dict[PurePosixPath, PageLinks] = {}
    for file in sorted(site.rglob("*.html")):
        path = PurePosixPath(file.relative_to(site).as_posix())
        pages[path] = page_links(file.read_text(encoding="utf-8", errors="replace"))
    linking = {page: found.links for page, found in pages.items()}
    if (site / SCRIPT).is_file():  # the filter's results link from the home page's folder
        linking[SCRIPT] = tuple(index_links((site / SCRIPT).read_bytes()))
    broken: list[BrokenLink] = []
    for page, links in linking.items():
        for link in links:
            target, fragment, reason = _target(page, link)
            if reason:
                broken.append(BrokenLink(page, link, reason))
            elif target is None:
                continue
            elif not (site / target).is_file():
                broken.append(BrokenLink(page, link, f"no file {target}"))
            elif fragment and target in pages and fragment not in pages[target].ids:
                broken.append(BrokenLink(page, link, f"no id {fragment!r} on {target}"))
    return sorted(broken)


def described_iris(dump: Path) -> list[str]:
    """The IRIs of every namespace and source an N-Triples dump (``secid.nt``) holds, sorted.

    These are the IRIs a site must serve: give them to :func:`unserved_iris`.
    """
    kinds = {SECID.Namespace, SECID.Source}
    return sorted(
        {
            quad.subject.value
            for quad in parse(path=dump, format=RdfFormat.N_TRIPLES)
            if quad.predicate == RDF.type
            and quad.object in kinds
            and isinstance(quad.subject, NamedNode)
        }
    )


def unserved_iris(site: Path, base: str, iris: Iterable[str]) -> Iterator[str]:
    """The IRIs whose page or data twin is not in ``site`` (each with what is missing).

    An IRI not below ``base`` cannot be served by the site and is reported too.
    """
    for iri in iris:
        stem = site_stem(base, iri)
        if stem is None:
            yield f"{iri}: not below {base}"
            continue
        missing = [suffix for suffix in TWINS if not (site / f"{stem}{suffix}").is_file()]
        if missing:
            yield f"{iri}: no {', '.join(f'{stem}{suffix}' for suffix in missing)}"
