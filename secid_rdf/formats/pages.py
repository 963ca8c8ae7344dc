"""The data files of a resource's page: one JSON-LD document and one Turtle document.

A page holds a resource (a namespace, a source, a SecID type) and everything minted under
its IRI (sources, match nodes, URLs, patterns, examples, versions ...): ``<iri>/...``,
``<iri>@...``, ``<iri>?...`` and ``<iri>#...``. In the JSON-LD, each of those is nested
under the first resource that links to it, breadth first from the page's resource, so the
document reads as a tree; links to anything else (the type, the operator, concepts) stay
references. The Turtle holds the same triples, a block per subject as in the dump. Every
triple of a page is a triple of the whole export.

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

__all__ = ["Page", "iter_pages", "script_json"]

_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
"""JSON escapes that keep text inside ``<script>``: no ``</script>``, ``<!--`` or entity.

Applied with ``str.replace``, one character at a time (no replacement brings back a
character replaced earlier): fifty times faster than ``str.translate`` with a table that
maps to several characters."""


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


def _owned(root: str, subjects: list[str], namespaces: Sequence[str]) -> list[str]:
    """The sorted subjects minted under the IRI ``root``, less a nested namespace's.

    ``github.com/advisories`` is a namespace of its own, not a source of ``github.com``:
    what is minted under it goes on its own page. ``namespaces`` are sorted IRIs.
    """
    nested = []
    for index in range(bisect_left(namespaces, root + "/"), len(namespaces)):
        if not namespaces[index].startswith(root + "/"):
            break
        nested.append(namespaces[index])
    owned = []
    for index in range(bisect_left(subjects, root), len(subjects)):
        subject = subjects[index]
        if not subject.startswith(root):
            break
        if _under(root, subject) and not any(_under(iri, subject) for iri in nested):
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


class _Mentions:
    """What each node's object mentions (:func:`~secid_rdf.formats.context.mentions`).

    Made once per node: a node is on its namespace's page and on its source's.
    """

    def __init__(self, layouts: _Layouts, context: dict[str, Any]) -> None:
        self._layouts = layouts
        self._context = context
        self._made: dict[str, set[str]] = {}
        self._contexts: dict[frozenset[str], dict[str, Any]] = {}

    def context(self, subjects: Iterable[str]) -> dict[str, Any]:
        """The context entries the nodes of ``subjects`` use (pages share a few dozen sets)."""
        names = frozenset(name for name in self._of(subjects) if name in self._context)
        found = self._contexts.get(names)
        if found is None:
            found = self._contexts[names] = context_for(self._context, names)
        return found

    def _of(self, subjects: Iterable[str]) -> set[str]:
        """The union of the mentions of the nodes of ``subjects``."""
        union: set[str] = set()
        for subject in subjects:
            found = self._made.get(subject)
            if found is None:
                layout = self._layouts(subject)
                values = [value for _, items in layout.entries for value, _ in items]
                keys = [key for key, _ in layout.entries]
                found = self._made[subject] = mentions([layout.id, keys, values])
            union |= found
        return union


def _document(
    root: str,
    owned: list[str],
    by_subject: Subjects,
    layouts: _Layouts,
    node_mentions: _Mentions | str,
) -> dict[str, Any]:
    """The framed page document: the root's tree, plus any owned resource it never links.

    Its context is the entries of the context its nodes use, or the context's URL (given as
    ``node_mentions``).
    """
    roots = [root, *(subject for subject in owned if subject != root)]
    tree, *others = _frame(roots, by_subject, layouts)
    body = tree if not others else {"@graph": [tree, *others]}
    if isinstance(node_mentions, str):
        return {"@context": node_mentions, **body}
    return {"@context": node_mentions.context(roots), **body}


def script_json(text: str) -> str:
    """JSON text made safe inside ``<script type="application/ld+json">``; same JSON value.

    >>> script_json('{"note": "</script><b>"}')
    '{"note": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    for character, escape in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escape)
    return text


def iter_pages(part: GraphPart, roots: Iterable[str], namespaces: Sequence[str]) -> Iterator[Page]:
    """The data files of each resource in ``roots``, in the order given, once per site path.

    A page holds its root and what is minted under the root's IRI, less what a namespace in
    ``namespaces`` (nested below the root) owns; a root that is no subject of the part, or
    whose path an earlier root took, gets no page.

    :param part: the triples (with the base they were minted under and their layouts).
    :param roots: resource IRIs: namespaces first, so a source never takes a namespace's path.
    :param namespaces: the part's namespace IRIs, sorted.
    """
    by_subject = part.by_subject
    layouts = part.layouts.__getitem__
    compactor = part.compactor
    url = compactor.context_url
    node_mentions = _Mentions(layouts, compactor.context) if url is None else url
    base = part.base or ""
    subjects = sorted(by_subject)
    header = turtle_header(part.base)
    blocks = dict(part_blocks(part))
    done: set[PurePosixPath] = set()
    for iri in roots:
        path = site_stem(base, iri)
        if path is None or path in done or iri not in by_subject:
            continue
        done.add(path)
        owned = _owned(iri, subjects, namespaces)
        document = _document(iri, owned, by_subject, layouts, node_mentions)
        turtle = header + "".join(blocks[subject] for subject in owned)
        yield Page(iri, path, document_to_bytes(document), turtle.encode("utf-8"))
