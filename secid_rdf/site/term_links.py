"""Links to RDF terms from the documentation pages: to the site's own page when it has one.

An ontology term (``secido:Namespace``) is an anchor of ``ontology.html``, a concept
(``secidv:status/active``) an anchor of its scheme's page, a scheme its page; a data IRI its
page below the base; any other IRI an external link shown by its compact name.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from secid_rdf.formats.context import compact_iri
from secid_rdf.site.paths import file_segment, href, site_stem
from secid_rdf.site.skeleton import external_link, text
from secid_rdf.vocab import ONTOLOGY_IRI, PREFIXES, SECID_NAMESPACE, VOCAB_NAMESPACE

__all__ = ["ONTOLOGY_PAGE", "TermLinks", "scheme_page"]

ONTOLOGY_PAGE = PurePosixPath("ontology.html")


def scheme_page(scheme: str) -> PurePosixPath:
    """The page of the concept scheme ``<VOCAB_NAMESPACE><scheme>`` (``vocab/status.html``)."""
    return PurePosixPath("vocab", file_segment(scheme) + ".html")


class TermLinks:
    """Turns term IRIs into links from one page of the site."""

    def __init__(self, here: PurePosixPath, base: str) -> None:
        """Links start from the page ``here``; data IRIs are those under ``base``."""
        self.here = here
        self.base = base

    def target(self, iri: str) -> tuple[PurePosixPath, str] | None:
        """The site page and anchor of ``iri``, or None when the site has no page for it."""
        if iri == ONTOLOGY_IRI:
            return ONTOLOGY_PAGE, ""
        if iri.startswith(SECID_NAMESPACE):
            return ONTOLOGY_PAGE, iri[len(SECID_NAMESPACE) :]
        if iri.startswith(VOCAB_NAMESPACE):
            scheme, _, rest = iri[len(VOCAB_NAMESPACE) :].partition("/")
            return scheme_page(scheme), rest
        stem = site_stem(self.base, iri)
        if stem is None or iri.startswith(ONTOLOGY_IRI + "/") or stem.parts[0].startswith("_"):
            return None
        return stem.with_name(stem.name + ".html"), ""

    def label(self, iri: str) -> str:
        """A short name: the compact IRI (``secido:Namespace``), else the IRI."""
        if iri == ONTOLOGY_IRI:
            return "SecID ontology"
        return compact_iri(iri, {**PREFIXES, "secid": self.base}) or iri

    def link(self, iri: str, label: str | None = None) -> str:
        """An HTML link to ``iri``'s page on the site, else to ``iri`` itself."""
        shown = label if label is not None else self.label(iri)
        found = self.target(iri)
        if found is None:
            return external_link(iri, shown)
        page, anchor = found
        return f'<a href="{text(href(self.here, page, anchor))}">{text(shown)}</a>'
