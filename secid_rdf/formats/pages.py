"""One JSON-LD document per namespace, and a minimal HTML page that embeds it.

A page holds the namespace and everything minted under its IRI (sources, match nodes,
URLs, patterns, examples, versions ...): ``<ns>/...`` and ``<ns>;...``. Each of those is
nested under the first resource that links to it, breadth first from the namespace, so the
document reads as a tree; links to anything else (the type, the operator, concepts) stay
references. Every triple of a page is a triple of the whole export.

Page paths come from the type and the namespace through :func:`page_path`, which can only
give relative paths of plain segments: no registry text can reach outside ``pages/``.
"""

from __future__ import annotations

import hashlib
import html
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from secid_rdf.formats.jsonld import (
    Compactor,
    NodeLayout,
    Subjects,
    document_to_bytes,
    group_by_subject,
)
from secid_rdf.iris import encode_segment, namespace_iri
from secid_rdf.vocab import DCTERMS, RDFS, SKOS

__all__ = [
    "Page",
    "iter_pages",
    "page_path",
    "page_to_html",
    "script_json",
]

_MAX_SEGMENT = 200
"""Longest file-name segment kept as is (file systems allow 255 bytes per name)."""

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
    """The files of one namespace: ``path`` has no suffix (``.jsonld`` / ``.html`` added)."""

    type_name: str
    namespace: str
    path: PurePosixPath
    jsonld: bytes
    html: bytes


def _segment(text: str) -> str:
    """One path segment: percent-encoded, never ``.``, ``..`` or empty, not over-long.

    Encoding leaves only ``A-Z a-z 0-9 - . _ ~`` raw, so ``%`` alone (empty) and ``%2E``
    (dots) cannot come from any other text. A segment longer than :data:`_MAX_SEGMENT` is
    cut and ends with a hash of the text, one character longer than any uncut segment, so
    cut and uncut segments never meet.
    """
    encoded = encode_segment(text)
    if encoded.strip(".") == "":
        encoded = "%" if not encoded else "%2E" * len(encoded)
    if len(encoded) > _MAX_SEGMENT:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        encoded = f"{encoded[: _MAX_SEGMENT - 16]}~{digest}"
    return encoded


def page_path(type_name: str, namespace: str) -> PurePosixPath:
    """Where a namespace's page goes under ``pages/``, without the suffix.

    The namespace's ``/``-separated parts become folders; every part is percent-encoded
    on its own, so two namespaces never share a path and none can climb out of the folder.

    >>> page_path("advisory", "github.com/advisories")
    PurePosixPath('advisory/github.com/advisories')
    >>> page_path("advisory", "../../etc/passwd")
    PurePosixPath('advisory/%2E%2E/%2E%2E/etc/passwd')
    >>> page_path("advisory", "/abs")
    PurePosixPath('advisory/%/abs')
    """
    return PurePosixPath(_segment(type_name), *(_segment(part) for part in namespace.split("/")))


_Layouts = Callable[[str], NodeLayout]
"""A subject's layout by its IRI."""


def _made(by_subject: Subjects, compactor: Compactor) -> _Layouts:
    """Layouts made on first use from ``by_subject`` (when the caller has none)."""
    made: dict[str, NodeLayout] = {}

    def layout_of(subject: str) -> NodeLayout:
        layout = made.get(subject)
        if layout is None:
            layout = made[subject] = compactor.layout(by_subject[subject])
        return layout

    return layout_of


def _under(iri: str, subject: str) -> bool:
    """True when ``subject`` is ``iri`` or minted below it (``/``, ``@``, ``?`` or ``#`` next)."""
    return subject.startswith(iri) and (len(subject) == len(iri) or subject[len(iri)] in "/@?#")


def _owned(namespace: str, subjects: list[str], namespaces: list[str]) -> list[str]:
    """The sorted subjects minted under the namespace IRI, less a nested namespace's.

    ``github.com/advisories`` is a namespace of its own, not a source of ``github.com``:
    what is minted under it goes on its own page. ``namespaces`` are sorted IRIs.
    """
    start = bisect_left(namespaces, namespace + "/")
    nested = [iri for iri in namespaces[start:] if iri.startswith(namespace + "/")]
    owned = []
    for index in range(bisect_left(subjects, namespace), len(subjects)):
        subject = subjects[index]
        if not subject.startswith(namespace):
            break
        if _under(namespace, subject) and not any(_under(iri, subject) for iri in nested):
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


def _namespace_document(
    namespace: str,
    owned: list[str],
    by_subject: Subjects,
    layouts: _Layouts,
    compactor: Compactor,
) -> dict[str, Any]:
    """The framed page document: the namespace tree, plus any owned resource it never links.

    Its context is inline (the entries the page uses) unless the compactor names a URL.
    """
    roots = [namespace, *(subject for subject in owned if subject != namespace)]
    tree, *others = _frame(roots, by_subject, layouts)
    body = tree if not others else {"@graph": [tree, *others]}
    return {"@context": compactor.document_context(body), **body}


def _title(namespace: str, by_subject: Subjects, fallback: str) -> str:
    """A human title: the namespace's preferred label, else its label, else ``fallback``."""
    triples = by_subject.get(namespace, [])
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.identifier):
        values = sorted(
            t.object.value
            for t in triples
            if t.predicate == predicate and isinstance(t.object, Literal)
        )
        if values:
            return values[0]
    return fallback


def script_json(text: str) -> str:
    """JSON text made safe inside ``<script type="application/ld+json">``; same JSON value.

    >>> script_json('{"note": "</script><b>"}')
    '{"note": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    for character, escape in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escape)
    return text


def page_to_html(jsonld: str, *, title: str, secid: str, jsonld_name: str) -> bytes:
    """A minimal HTML page that embeds the JSON-LD text ``jsonld``, for publishers to copy."""
    heading = html.escape(title)
    link = html.escape(quote(jsonld_name))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{heading}</title>\n"
        f'<link rel="alternate" type="application/ld+json" href="{link}">\n'
        '<script type="application/ld+json">\n'
        f"{script_json(jsonld.rstrip())}\n"
        "</script>\n"
        "</head>\n"
        "<body>\n"
        f"<h1>{heading}</h1>\n"
        f"<p><code>{html.escape(secid)}</code></p>\n"
        "</body>\n"
        "</html>\n"
    ).encode()


def iter_pages(
    triples: Iterable[Triple] | Subjects,
    namespaces: Iterable[tuple[str, str]],
    *,
    base: str,
    compactor: Compactor,
    layouts: Mapping[str, NodeLayout] | None = None,
) -> Iterator[Page]:
    """The page of each ``(type, namespace)``, in the order given, once per path.

    :param triples: the whole exported graph (distinct triples), or those triples grouped
        by subject (:func:`~secid_rdf.formats.jsonld.group_by_subject`).
    :param namespaces: ``(type, namespace)`` pairs of the registry.
    :param base: the data base IRI the graph was minted with.
    :param layouts: each subject's :meth:`~secid_rdf.formats.jsonld.Compactor.layout`, when the
        caller has made them already (for the flat JSON-LD dump).
    """
    by_subject = triples if isinstance(triples, dict) else group_by_subject(triples)
    layout_of = layouts.__getitem__ if layouts is not None else _made(by_subject, compactor)
    subjects = sorted(by_subject)
    pairs = list(namespaces)
    namespace_iris = sorted(namespace_iri(base, *pair).value for pair in pairs)
    done: set[PurePosixPath] = set()
    for type_name, namespace in pairs:
        path = page_path(type_name, namespace)
        iri = namespace_iri(base, type_name, namespace).value
        if path in done or iri not in by_subject:
            continue
        done.add(path)
        owned = _owned(iri, subjects, namespace_iris)
        document = _namespace_document(iri, owned, by_subject, layout_of, compactor)
        secid = f"secid:{type_name}/{namespace}"
        jsonld = document_to_bytes(document)
        yield Page(
            type_name=type_name,
            namespace=namespace,
            path=path,
            jsonld=jsonld,
            html=page_to_html(
                jsonld.decode("utf-8"),
                title=_title(iri, by_subject, secid),
                secid=secid,
                jsonld_name=path.name + ".jsonld",
            ),
        )
