"""The site-wide pages, written once every part of an export is in.

The export's workers write each namespace's and source's own pages; this module writes the
pages that span the registry (home, search index, type pages) from the workers'
:class:`~secid_rdf.site.summary.NamespaceSummary` records, and the pages of the ontology,
the concept schemes and the dataset from their graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import groupby, pairwise
from pathlib import Path, PurePosixPath

from pyoxigraph import Quad, RdfFormat, parse

from secid_rdf.export.atomic_files import inside, write_or_link
from secid_rdf.formats.context import with_base
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.resources import ontology_path
from secid_rdf.site.dataset_page import DATASET_PAGE, dataset_page, dumps
from secid_rdf.site.home import TypeCount, home_page
from secid_rdf.site.ontology_page import ONTOLOGY_TURTLE, ontology_page
from secid_rdf.site.search import search_script
from secid_rdf.site.skeleton import HOME, SCRIPT
from secid_rdf.site.statements import Statements
from secid_rdf.site.summary import NamespaceSummary, SourceSummary
from secid_rdf.site.term_links import ONTOLOGY_PAGE
from secid_rdf.site.type_pages import type_infos, type_pages
from secid_rdf.site.vocab_pages import SCHEMES, scheme_pages, scheme_title

__all__ = ["site_files", "write_site_pages"]


def _sorted(sources: Sequence[SourceSummary]) -> bool:
    """Whether the sources are in SecID order already (as the export sends them)."""
    return all(first <= second for first, second in pairwise(sources))


def site_files(
    summaries: Sequence[NamespaceSummary],
    *,
    base: str,
    void_graph: Iterable[Quad],
    vocabulary: Iterable[Quad] = (),
    compactor: Compactor | None = None,
) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Every site-wide file, as ``(path below the site root, bytes)``, in a fixed order.

    One at a time, so that only one page is in memory besides the summaries.

    :param summaries: every namespace of the export, in any order (they are listed by
        type and namespace, their sources by SecID).
    :param void_graph: the dataset description, as written to ``void.ttl``.
    :param vocabulary: the SecID types' and the open-vocabulary concepts' quads (the
        export's loose quads): type descriptions, URL kinds and tags the data declares.
    :param compactor: the JSON-LD compactor of the export (the shipped context inline).
    """
    ordered = [
        summary
        if _sorted(summary.sources)
        else replace(summary, sources=tuple(sorted(summary.sources)))
        for summary in sorted(summaries, key=lambda item: (item.type_name, item.namespace))
    ]
    ontology_bytes = ontology_path().read_bytes()  # shipped with the package
    ontology_quads = list(parse(ontology_bytes, format=RdfFormat.TURTLE))
    vocabulary = list(vocabulary)
    concepts = Statements([*ontology_quads, *vocabulary])
    description = Statements(void_graph)
    compactor = compactor or Compactor(with_base(base))
    infos = type_infos(Statements(vocabulary), ordered, base)
    by_type = {name: list(group) for name, group in groupby(ordered, key=lambda s: s.type_name)}
    counts = []
    for info in infos:
        members = by_type.get(info.name, [])
        yield from type_pages(info, members, vocabulary, compactor=compactor)
        sources = sum(len(member.sources) for member in members)
        counts.append(TypeCount(info.name, info.label, info.page, len(members), sources))
    schemes = scheme_pages(concepts, base)
    yield from schemes
    scheme_links = [
        (scheme_title(concepts, scheme), page)
        for scheme, (page, _) in zip(SCHEMES, schemes, strict=True)
    ]
    links = dumps(description)
    yield HOME, home_page(ordered, counts, dumps=links, schemes=scheme_links, base=base)
    yield SCRIPT, search_script(ordered)
    yield ONTOLOGY_PAGE, ontology_page(Statements(ontology_quads), base)
    yield ONTOLOGY_TURTLE, ontology_bytes
    yield DATASET_PAGE, dataset_page(description, base)


def write_site_pages(
    out_dir: Path,
    summaries: Sequence[NamespaceSummary],
    *,
    base: str,
    void_graph: Iterable[Quad],
    vocabulary: Iterable[Quad] = (),
    compactor: Compactor | None = None,
    previous: Callable[[str], str | None] = lambda name: None,
) -> list[str]:
    """Write the site-wide files (see :func:`site_files`) under ``out_dir``.

    :param previous: the path of a file of an earlier export by its path relative to
        ``out_dir``, if any: a file with the same bytes is linked, not written.
    :returns: the paths written, ``/``-separated and relative to ``out_dir``.
    :raises SecidRdfError: when a file cannot be written.
    """
    written = []
    for path, data in site_files(
        summaries,
        base=base,
        void_graph=void_graph,
        vocabulary=vocabulary,
        compactor=compactor,
    ):
        name = str(path)
        write_or_link(inside(out_dir, name), data, previous(name))
        written.append(name)
    return written
