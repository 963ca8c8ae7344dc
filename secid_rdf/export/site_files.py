"""The site's files that no part makes and no site-wide page needs: type data, style, icon.

The workers make the namespace and source pages part by part; the main process writes the
SecID types' data files (from the types' own triples), the stylesheet and the icon once
every part is in, and the site-wide pages (:mod:`secid_rdf.site.site_pages`) after the dataset
description.
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
from secid_rdf.resources import site_icon_path, site_stylesheet_path
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site.skeleton import ICON, STYLESHEET

__all__ = ["write_site_files"]

Previous = Callable[[str], str | None]


def write_site_files(
    out_dir: Path,
    type_quads: Sequence[Quad],
    *,
    base: str,
    compactor: Compactor,
    previous: Previous,
) -> list[str]:
    """Write the types' data files, the stylesheet and the icon under ``out_dir``.

    :returns: their paths relative to ``out_dir``.
    :raises SecidRdfError: when a file cannot be written.
    """
    part = GraphPart(type_quads, base=base, compactor=compactor)
    roots = [type_iri(base, name).value for name in sorted(KNOWN_TYPES)]
    written: list[str] = []
    for page in iter_pages(part, roots, []):
        written += write_page(out_dir, page, previous)
    for path, source in ((STYLESHEET, site_stylesheet_path()), (ICON, site_icon_path())):
        name = str(path)
        write_or_link(inside(out_dir, name), source.read_bytes(), previous(name))
        written.append(name)
    return written
