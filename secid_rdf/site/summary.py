"""What the site-wide pages (home, type pages, search) know of each namespace.

The export's workers render a namespace's own pages from its part of the graph; the pages
that list every namespace are written once all parts are in, from these small records, so
the main process never holds the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["NamespaceSummary", "SourceSummary"]


@dataclass(frozen=True, order=True)
class SourceSummary:
    """A source as listed under its namespace: its SecID, title, page and description.

    :param description: the first paragraph of the description, plain text (the filter of
        the home page searches it).
    """

    secid: str
    title: str
    page: PurePosixPath
    description: str = ""


@dataclass(frozen=True, order=True)
class NamespaceSummary:
    """A namespace as listed on the home page, its type's page and in the search index.

    :param page: the namespace page's path below the site root (``advisory/mitre.org.html``).
    :param description: the first paragraph of the description, plain text (no Markdown).
    """

    type_name: str
    namespace: str
    secid: str
    title: str
    page: PurePosixPath
    description: str = ""
    status: str | None = None
    sources: tuple[SourceSummary, ...] = ()
