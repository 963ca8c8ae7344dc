"""The site's files that no single part makes: type data, the stylesheet, site-wide pages.

The workers write the namespace and source pages part by part; the main process writes
these once every part is in, from the SecID types' own triples and the small
:class:`~secid_rdf.site.summary.NamespaceSummary` records the workers sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import Quad

from secid_rdf.export.atomic_files import inside, write_or_link
from secid_rdf.export.page_files import write_page
from secid_rdf.formats.dump_format import GraphPart
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.formats.pages import iter_pages
from secid_rdf.iris import type_iri
from secid_rdf.resources import site_stylesheet_path
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site.skeleton import STYLESHEET
from secid_rdf.site.summary import NamespaceSummary

__all__ = ["site_wide_pages", "write_site_files"]

Previous = Callable[[str], str | None]


def site_wide_pages(summaries: Sequence[NamespaceSummary]) -> list[tuple[str, bytes]]:
    """The pages that list every namespace: home, a page per type, the search index.

    The call point of the site-wide pages: none are made yet, so the site has no
    ``index.html`` and no ``<type>.html``.
    """
    del summaries
    return []


def write_site_files(
    out_dir: Path,
    type_quads: Sequence[Quad],
    summaries: Sequence[NamespaceSummary],
    *,
    base: str,
    compactor: Compactor,
    previous: Previous,
) -> list[str]:
    """Write the types' data files, the stylesheet and the site-wide pages under ``out_dir``.

    :returns: their paths relative to ``out_dir``.
    :raises SecidRdfError: when a file cannot be written.
    """
    part = GraphPart(type_quads, base=base, compactor=compactor)
    roots = [type_iri(base, name).value for name in sorted(KNOWN_TYPES)]
    written: list[str] = []
    for page in iter_pages(part, roots, []):
        written += write_page(out_dir, page, previous)
    files = [(str(STYLESHEET), site_stylesheet_path().read_bytes())]
    files += site_wide_pages(summaries)
    for name, data in files:
        write_or_link(inside(out_dir, name), data, previous(name))
        written.append(name)
    return written
