"""The data files of a resource's page: one JSON-LD document and one Turtle document.

A page holds a resource (a namespace, a source, a SecID type) and everything minted under
its IRI (sources, match nodes, URLs, patterns, examples, versions ...): ``<iri>/...``,
``<iri>@...``, ``<iri>?...`` and ``<iri>#...``, less what has a page of its own (a source
with a page is a link on its namespace's page: each triple is on one page only). In the
JSON-LD, each of those is nested under the first resource that links to it, breadth first
from the page's resource, so the document reads as a tree; links to anything else (the
type, the operator, concepts) stay references. The Turtle holds the same triples, a block
per subject as in the dump. Every triple of a page is a triple of the whole export.

Page paths are the resource IRI's path below the base (:func:`~secid_rdf.site.paths.site_stem`),
which can only give relative paths of plain segments: no registry text can reach outside the
site.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pyoxigraph import NamedNode, Triple

from secid_rdf.formats.context import context_for, mentions
from secid_rdf.formats.dump_format import GraphPart
from secid_rdf.formats.jsonld import NodeLayout, Subjects, document_to_bytes
from secid_rdf.formats.turtle import part_blocks, turtle_header
from secid_rdf.site.paths import site_stem

__all__ = ["Page", "iter_pages"]

@dataclass(frozen=True)
class Page:
    """The files of one resource's page: ``path`` is the site stem (suffixes added).

    ``html`` is ``None`` until a page module renders it (some resources have data files only).
    """

    iri: str
    path: PurePosixPath
    jsonld: bytes
    turtle: bytes
    html: bytes | None = None


_Layouts = Callable[[str], NodeLayout]
"""A subject's layout by its IRI."""


def _under(iri: str, subject: str) -> bool:
    """True when ``subject`` is ``iri`` or minted below it (``/``, ``@``, ``?`` or ``#`` next)."""
    return subject.startswith(iri) and (len(subject) == len(iri) or subject[len(iri)] in "/@?#")


def _owned(root: str, subjects: list[str], own_pages: Sequence[str]) -> list[str]:
    """The sorted subjects minted under the IRI ``root``, less those of a page of their own.

    ``github.com/advisories`` is a namespace of its own, not a source of ``github.com``, and
    what is minted under a source with a page goes on that page. ``own_pages`` are sorted
    IRIs.
    """
    below = []
    for index in range(bisect_left(own_pages, root + "/"), len(own_pages)):
        if not own_pages[index].startswith(root + "/"):
            break
        below.append(own_pages[index])
    owned = []
    for index in range(bisect_left(subjects, root), len(subjects)):
        subject = subjects[index]
        if not subject.startswith(root):
            break
        if _under(root, subject) and not any(_under(iri, subject) for iri in below):
            owned.append(subject)
    return owned


def _linked(triples: list[Triple], owned: set[str]) -> list[str]:
    """The IRIs in ``owned`` that ``triples`` link to, in N-Triples order of the objects.

    ``<iri>`` sorts as ``iri>`` does, so the IRIs are sorted with ``>`` appended: an IRI
    comes after the longer ones it begins when they go on with a character below ``>``.
    """
    linked = []
    for triple in triples:
        obj = triple.object
        if isinstance(obj, NamedNode):
            iri = obj.value
            if iri in owned:
                linked.append(iri)
    if len(linked) > 1:
        linked.sort(key=lambda iri: iri + ">")
    return linked


def _frame(roots: list[str], by_subject: Subjects, layouts: _Layouts) -> list[dict[str, Any]]:
    """Node objects for ``roots``; each other root is nested, breadth first, where first met.

    A root already nested under an earlier one is not repeated at the top level.
    """
    owned = set(roots)
    children: dict[str, list[str]] = {}
    order: list[str] = []
    tops: list[str] = []
    seen: set[str] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        tops.append(root)
        queue = deque([root])
        while queue:
            subject = queue.popleft()
            order.append(subject)
            for child in _linked(by_subject[subject], owned):
                if child not in seen:
                    seen.add(child)
                    children.setdefault(subject, []).append(child)
                    queue.append(child)
    nodes: dict[str, dict[str, Any]] = {}
    for subject in reversed(order):
        embedded = {child: nodes.pop(child) for child in children.get(subject, ())}
        nodes[subject] = layouts(subject).build(embedded)
    return [nodes[top] for top in tops]


class _Contexts:
    """The inline context of each page: the entries of the export's context its nodes use.

    Pages share a few dozen sets of entries: each set's context is made once.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        self._context = context
        self._made: dict[frozenset[str], dict[str, Any]] = {}

    def of(self, body: dict[str, Any]) -> dict[str, Any]:
        """The context of a page whose nodes are ``body``."""
        names = frozenset(name for name in mentions(body) if name in self._context)
        found = self._made.get(names)
        if found is None:
            found = self._made[names] = context_for(self._context, names)
        return found


def _document(
    root: str,
    owned: list[str],
    by_subject: Subjects,
    layouts: _Layouts,
    contexts: _Contexts | str,
) -> dict[str, Any]:
    """The framed page document: the root's tree, plus any owned resource it never links.

    Its context is the entries of the context its nodes use, or the context's URL (given as
    ``contexts``).
    """
    roots = [root, *(subject for subject in owned if subject != root)]
    tree, *others = _frame(roots, by_subject, layouts)
    body = tree if not others else {"@graph": [tree, *others]}
    return {"@context": contexts if isinstance(contexts, str) else contexts.of(body), **body}


def iter_pages(part: GraphPart, roots: Iterable[str], namespaces: Sequence[str]) -> Iterator[Page]:
    """The data files of each resource in ``roots``, in the order given, once per site path.

    A page holds its root and what is minted under the root's IRI, less what a namespace of
    ``namespaces`` or the root of another page below it holds (``github.com/advisories``
    under ``github.com``, a source under its namespace): the page links to those. A root
    that is no subject of the part, or whose path an earlier root took, gets no page.

    :param part: the triples (with the base they were minted under and their layouts).
    :param roots: resource IRIs: namespaces first, so a source never takes a namespace's path.
    :param namespaces: the part's namespace IRIs.
    """
    by_subject = part.by_subject
    base = part.base or ""
    paged: dict[PurePosixPath, str] = {}
    for iri in roots:
        path = site_stem(base, iri)
        if path is not None and path not in paged and iri in by_subject:
            paged[path] = iri
    if not paged:
        return
    layouts = part.layouts.__getitem__
    compactor = part.compactor
    url = compactor.context_url
    contexts = _Contexts(compactor.context) if url is None else url
    subjects = sorted(by_subject)
    own_pages = sorted({*namespaces, *paged.values()})
    header = turtle_header(part.base)
    blocks = dict(part_blocks(part))
    for path, iri in paged.items():
        owned = _owned(iri, subjects, own_pages)
        document = _document(iri, owned, by_subject, layouts, contexts)
        turtle = header + "".join(blocks[subject] for subject in owned)
        yield Page(iri, path, document_to_bytes(document), turtle.encode("utf-8"))
