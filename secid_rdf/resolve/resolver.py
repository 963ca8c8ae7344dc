"""Resolve SecIDs to URLs from the graph: the public API of ``secid-rdf resolve``.

The shipped query ``resolve.rq`` selects what the graph says about the namespaces a SecID
may fall in (in an embedded store, an export folder or any SPARQL 1.1 endpoint);
:func:`~secid_rdf.resolve.table.build_table` makes it a typed table; matching and filling
(:mod:`~secid_rdf.resolve.matching`, :func:`~secid_rdf.resolve.fill.fill_template`) run on
that table, the same code whatever store the statements came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence

from secid_rdf.findings import (
    InvalidSecidError,
    QueryError,
    StoreError,
    UnsupportedFormatError,
    printable,
    shorten,
)
from secid_rdf.resolve.matching import Lookup, Resolution, ResolvedUrl, resolve_request
from secid_rdf.resolve.request import Request, read_request
from secid_rdf.resolve.table import Entry, MalformedAnswerError, Table, build_table, statements
from secid_rdf.store.sparql import QueryResult, read_library_query

__all__ = [
    "BATCH_SIZE",
    "RESOLUTION_FORMATS",
    "RESOLVE_QUERY",
    "WHOLE_REGISTRY",
    "QueryRunner",
    "RemoteLookup",
    "Resolution",
    "ResolvedUrl",
    "entries_query",
    "format_resolutions",
    "resolve_secids",
    "table_from_store",
]

RESOLVE_QUERY = "resolve"
"""The name of the shipped query (``secid_rdf/resolve/queries/resolve.rq``)."""

BATCH_SIZE = 100
"""SecIDs whose namespaces one query fetches from a remote store."""

WHOLE_REGISTRY = "secid:"
"""The scope that takes every namespace."""

RESOLUTION_FORMATS = ("text", "json")
"""Output formats of :func:`format_resolutions`."""

QueryRunner = Callable[[str], QueryResult]
"""Runs SPARQL text somewhere (embedded store or endpoint) and returns the solutions."""

_SCOPE_BLOCK = re.compile(r"VALUES \?scope \{[^}]*\}")


def entries_query(scopes: Iterable[str]) -> str:
    """``resolve.rq`` with its ``VALUES ?scope`` block set to these scopes.

    >>> 'VALUES ?scope {\\n  "secid:weakness/"\\n}' in entries_query(["secid:weakness/"])
    True
    """
    from pyoxigraph import Literal

    text = read_library_query(RESOLVE_QUERY)
    rows = "\n".join(f"  {Literal(scope)}" for scope in sorted(set(scopes)))
    filled, count = _SCOPE_BLOCK.subn(lambda _: f"VALUES ?scope {{\n{rows}\n}}", text)
    if count != 1:
        raise QueryError(
            f"{RESOLVE_QUERY}.rq must hold exactly one 'VALUES ?scope {{ ... }}' block"
        )
    return filled


def table_from_store(
    run: QueryRunner, scopes: Iterable[str] = (WHOLE_REGISTRY,), *, answered_by: str | None = None
) -> Table:
    """The resolution table of the namespaces in ``scopes``, asked through ``run``.

    :param answered_by: the endpoint URL the answer comes from, named when it is malformed.
    :raises QueryError: (embedded store) the answer is not one ``resolve.rq`` gives.
    :raises StoreError: the same from the endpoint ``answered_by``.
    """
    problem = None
    try:
        return build_table(statements(run(entries_query(scopes))))
    except MalformedAnswerError as error:
        # raised outside this block, so no traceback keeps the solutions alive: pyoxigraph
        # refuses to free them in another thread (the garbage collector's)
        problem = str(error)
    if answered_by is None:
        raise QueryError(f"{RESOLVE_QUERY}.rq: malformed answer: {problem}")
    raise StoreError(answered_by, f"malformed answer: {problem}", answered=True)


class RemoteLookup:
    """Namespaces fetched from a store as SecIDs need them, each at most once.

    :meth:`prefetch` asks for the namespaces a batch of SecIDs may fall in (every
    ``/``-prefix of their paths) in one query per :data:`BATCH_SIZE` SecIDs; a search
    across a type fetches that type once.
    """

    def __init__(self, run: QueryRunner, *, answered_by: str | None = None) -> None:
        self._run = run
        self._answered_by = answered_by
        self._namespaces: dict[str, dict[str, Entry]] = {}
        self._asked: set[str] = set()

    def prefetch(self, requests: Sequence[Request]) -> None:
        """Fetch the candidate namespaces of these lookups."""
        for start in range(0, len(requests), BATCH_SIZE):
            scopes = {
                scope
                for request in requests[start : start + BATCH_SIZE]
                for scope in _prefix_scopes(request)
            }
            self._fetch(scopes - self._asked)

    def _fetch(self, scopes: set[str]) -> None:
        if not scopes:
            return
        self._asked |= scopes
        table = table_from_store(self._run, scopes, answered_by=self._answered_by)
        for type_name, found in table.namespaces.items():
            self._namespaces.setdefault(type_name, {}).update(found)

    def split(self, type_name: str, path: str) -> tuple[Entry | None, str, str]:
        """As :meth:`Table.split`, on what was fetched."""
        return Table(self._namespaces).split(type_name, path)

    def of_type(self, type_name: str) -> Iterable[tuple[str, Entry]]:
        """Every namespace of the type (fetched on first use)."""
        self._fetch({f"secid:{type_name}/"} - self._asked)
        return Table(self._namespaces).of_type(type_name)


def _prefix_scopes(request: Request) -> list[str]:
    """The namespace SecIDs a lookup may fall in: every ``/``-prefix of its path."""
    segments = request.path.split("/")
    return [f"secid:{request.type}/" + "/".join(segments[:n]) for n in range(1, len(segments) + 1)]


def resolve_secids(texts: Sequence[str], lookup: Lookup) -> tuple[Resolution, ...]:
    """One :class:`Resolution` per SecID text, in input order; a bad one does not stop the rest.

    :param texts: SecIDs as typed (``secid:advisory/mitre.org/cve#CVE-2024-1234``).
    :param lookup: a :class:`Table` (embedded, cached) or a :class:`RemoteLookup`.
    """
    requests: list[Request | InvalidSecidError] = []
    for text in texts:
        try:
            requests.append(read_request(text))
        except InvalidSecidError as error:
            requests.append(error)
    if isinstance(lookup, RemoteLookup):
        lookup.prefetch([r for r in requests if isinstance(r, Request)])
    return tuple(
        resolve_request(request, lookup)
        if isinstance(request, Request)
        else Resolution(text, "error", message=request.reason)
        for text, request in zip(texts, requests, strict=True)
    )


def format_resolutions(resolutions: Sequence[Resolution], fmt: str) -> str:
    """Render resolutions as ``text`` or ``json``.

    ``text``: a ``found`` SecID gives one URL per line (``SECID<TAB>URL`` when several
    SecIDs were asked); a ``related`` or ``corrected`` one gives ``SECID<TAB>STATUS<TAB>URL``
    lines, so that a URL of a broader entry is never mistaken for the item's; the others
    give nothing here (their reason is :func:`status_lines`). ``json``: one object per
    SecID with its status, message, unmatched part and URLs.

    :raises UnsupportedFormatError: ``fmt`` is neither.

    >>> url = ResolvedUrl("https://b.org/c", 1, "urn:x", "page")
    >>> r = Resolution("secid:a/b.org/c", "found", (url,))
    >>> format_resolutions([r], "text")
    'https://b.org/c\\n'
    """
    if fmt == "json":
        return json.dumps([_record(r) for r in resolutions], indent=2, ensure_ascii=False) + "\n"
    if fmt != "text":
        raise UnsupportedFormatError(fmt, RESOLUTION_FORMATS)
    several = len(resolutions) > 1
    lines = []
    for resolution in resolutions:
        label = printable(shorten(resolution.secid))
        for resolved in resolution.urls:
            if resolution.status == "found":
                lines.append(f"{label}\t{resolved.url}" if several else resolved.url)
            else:
                lines.append(f"{label}\t{resolution.status}\t{resolved.url}")
    return "".join(line + "\n" for line in lines)


def status_lines(resolutions: Sequence[Resolution]) -> list[str]:
    """One ``SECID: STATUS: message`` line for each SecID that was not simply found."""
    return [
        f"{printable(shorten(r.secid))}: {r.status}: {printable(shorten(r.message or 'no URL'))}"
        for r in resolutions
        if r.status != "found" or not r.urls
    ]


def _record(resolution: Resolution) -> dict[str, object]:
    """The JSON object of one resolution."""
    return {
        "secid": resolution.secid,
        "status": resolution.status,
        "message": resolution.message,
        "unmatched": None
        if resolution.unmatched is None
        else {"part": resolution.unmatched[0], "text": resolution.unmatched[1]},
        "urls": [
            {
                "url": u.url,
                "weight": u.weight,
                "kind": u.kind,
                "entry": u.entry,
                "content_type": u.content_type,
                "secid": u.secid,
            }
            for u in resolution.urls
        ],
    }
