"""Resolve SecIDs to URLs by asking the graph, with the shipped ``resolve.rq`` query.

The graph is the only source: this module parses the SecID strings, fills the query's
``VALUES`` blocks and reads the answer, whether the query runs in an embedded pyoxigraph
store or on a remote SPARQL 1.1 endpoint. All matching, placeholder filling and
percent-encoding happen in the query itself (see ``secid_rdf/resolve/queries/resolve.rq``), so any
store holding the export resolves SecIDs exactly as ``secid-rdf resolve`` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from secid_rdf.findings import QueryError, StoreError, UnsupportedFormatError
from secid_rdf.secid import SecID, parse_secid
from secid_rdf.store.sparql import QueryResult, read_library_query

__all__ = [
    "BATCH_SIZE",
    "RESOLUTION_FORMATS",
    "RESOLVE_QUERY",
    "QueryRunner",
    "Resolution",
    "ResolvedUrl",
    "format_resolutions",
    "resolve_query",
    "resolve_secids",
]

RESOLVE_QUERY = "resolve"
"""The name of the shipped lookup query (``secid_rdf/resolve/queries/resolve.rq``)."""

BATCH_SIZE = 100
"""SecIDs sent in one query: the graph is scanned once per query, so batches are cheaper
than single SecIDs (200 SecIDs resolve in well under a second on the May 2026 registry)."""

RESOLUTION_FORMATS = ("text", "json")
"""Output formats of :func:`format_resolutions`."""

_PAIRS_HEADER = "VALUES (?type ?path)"
_ROWS_HEADER = "VALUES (?secid ?type ?path ?version ?qualifiers ?subpath ?itemVersion)"

QueryRunner = Callable[[str], QueryResult]
"""Runs SPARQL text somewhere (embedded store or endpoint) and returns the solutions."""


@dataclass(frozen=True)
class ResolvedUrl:
    """One URL a SecID resolves to, with the graph entry that gave it.

    ``kind`` is ``template`` (a URL template filled in), ``lookup`` (a lookup table entry)
    or ``page`` (a link of the entry itself); ``weight`` is ``None`` when the registry gives
    the entry none.
    """

    url: str
    weight: int | None
    entry: str
    kind: str


@dataclass(frozen=True)
class Resolution:
    """The URLs of one SecID, highest weight first (empty when nothing resolves it)."""

    secid: str
    urls: tuple[ResolvedUrl, ...]


def resolve_query(secids: Sequence[SecID]) -> str:
    """The lookup query with its ``VALUES`` blocks set to these SecIDs.

    Rows are labelled by position (``"0"``, ``"1"`` ...), so repeated SecIDs stay apart.

    :param secids: parsed SecIDs (at least one).
    :returns: SPARQL 1.1 query text.
    :raises QueryError: the shipped query lacks its parameter blocks.

    >>> text = resolve_query([parse_secid("secid:advisory/mitre.org/cve#CVE-2024-1234")])
    >>> '("0" "advisory" "mitre.org/cve" "" "" "CVE-2024-1234" "")' in text
    True
    """
    text = read_library_query(RESOLVE_QUERY)
    rows = [(str(index), *_parts(secid)) for index, secid in enumerate(secids)]
    text = _fill_block(text, _PAIRS_HEADER, sorted({(row[1], row[2]) for row in rows}))
    return _fill_block(text, _ROWS_HEADER, rows)


def resolve_secids(
    texts: Sequence[str],
    run: QueryRunner,
    *,
    batch_size: int = BATCH_SIZE,
    answered_by: str | None = None,
) -> tuple[Resolution, ...]:
    """Resolve SecID strings to URLs by running the lookup query through ``run``.

    :param texts: SecID strings, e.g. ``secid:advisory/mitre.org/cve#CVE-2024-1234``.
    :param run: runs query text on a store, e.g. ``lambda q: query_store(store, q)`` or
        ``lambda q: query_endpoint(url, q)``.
    :param batch_size: SecIDs per query.
    :param answered_by: the endpoint URL the answers come from, named when one is malformed.
    :returns: one :class:`Resolution` per input, in input order.
    :raises InvalidSecidError: a string is not a SecID (checked before any query runs).
    :raises QueryError: the store rejects the query, or (without ``answered_by``) answers
        with a row that is not one ``resolve.rq`` gives.
    :raises StoreError: with ``answered_by``, a row that is not one ``resolve.rq`` gives.
    """
    parsed = [parse_secid(text) for text in texts]
    found: list[list[ResolvedUrl]] = [[] for _ in texts]
    for start in range(0, len(parsed), batch_size):
        batch = parsed[start : start + batch_size]
        problem = None
        try:
            for label, resolved in _read_rows(run(resolve_query(batch)), len(batch)):
                found[start + label].append(resolved)
        except _MalformedRowError as error:
            # raised outside this block, so no traceback keeps the solutions alive: pyoxigraph
            # refuses to free them in another thread (the garbage collector's)
            problem = str(error)
        if problem is not None:
            if answered_by is None:
                raise QueryError(problem)
            raise StoreError(answered_by, f"malformed answer: {problem}", answered=True)
    return tuple(Resolution(text, _ordered(urls)) for text, urls in zip(texts, found, strict=True))


def _parts(secid: SecID) -> tuple[str, str, str, str, str, str]:
    """The query's parameters for one SecID, ``""`` for an absent part.

    In order: type, path, version, qualifiers, subpath, item version.
    """
    path = f"{secid.namespace}/{secid.name}" if secid.name else secid.namespace
    qualifiers = "&".join(f"{key}={value}" for key, value in secid.qualifiers)
    return (
        secid.type,
        path,
        secid.version or "",
        qualifiers,
        secid.subpath or "",
        secid.item_version or "",
    )


def _fill_block(text: str, header: str, rows: Iterable[tuple[str, ...]]) -> str:
    """Replace the rows of the one ``VALUES`` block that starts with ``header``."""
    block = re.compile(re.escape(header) + r"\s*\{[^}]*\}")
    values = "\n".join(
        "  (" + " ".join(str(ox.Literal(value)) for value in row) + ")" for row in rows
    )
    filled, count = block.subn(lambda _: f"{header} {{\n{values}\n}}", text)
    if count != 1:
        raise QueryError(f"{RESOLVE_QUERY}.rq must hold exactly one '{header} {{ ... }}' block")
    return filled


class _MalformedRowError(ValueError):
    """An answer row that ``resolve.rq`` cannot have given."""


def _read_rows(result: QueryResult, count: int) -> Iterable[tuple[int, ResolvedUrl]]:
    """(row label, URL) pairs from the query's solutions for ``count`` SecIDs."""
    if not isinstance(result, ox.QuerySolutions):
        raise _MalformedRowError(f"{RESOLVE_QUERY}.rq must be a SELECT query")
    for number, solution in enumerate(result, 1):
        label, url, entry, kind, weight = (
            _value(solution, name) for name in ("secid", "url", "entry", "kind", "weight")
        )
        if label is None or url is None or entry is None or kind is None:
            raise _MalformedRowError(f"row {number} lacks secid, url, entry or kind")
        if not (label.isdecimal() and int(label) < count):
            raise _MalformedRowError(f"row {number}: secid {label[:40]!r} is no row label")
        if weight is not None and not re.fullmatch(r"[+-]?\d{1,18}", weight):
            raise _MalformedRowError(f"row {number}: weight {weight[:40]!r} is no integer")
        yield (
            int(label),
            ResolvedUrl(
                url=url,
                weight=None if weight is None else int(weight),
                entry=entry,
                kind=kind,
            ),
        )


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    """The text of a variable's value in one row (``None`` when it is unbound or unknown).

    An endpoint may send anything; a value that is not an IRI or literal, or holds a blank or
    control character (which could fake an output line), is refused.
    """
    try:
        term = solution[name]
    except (KeyError, IndexError, TypeError):
        return None
    if term is None:
        return None
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise _MalformedRowError(f"{name} is not an IRI or a literal")
    text = term.value
    if not text.isprintable() or any(char.isspace() for char in text):
        raise _MalformedRowError(f"{name} {text[:40]!r} holds a blank or control character")
    return text


def _ordered(urls: list[ResolvedUrl]) -> tuple[ResolvedUrl, ...]:
    """Highest weight first, filled templates before pages, each URL once.

    The query sorts too; sorting again here keeps the order stable whatever the store does.
    """
    ranked = sorted(
        urls,
        key=lambda u: (
            -(u.weight or 0),
            u.kind == "page",
            u.url,
            u.entry,
            u.kind,
        ),
    )
    seen: set[str] = set()
    unique = []
    for resolved in ranked:
        if resolved.url not in seen:
            seen.add(resolved.url)
            unique.append(resolved)
    return tuple(unique)


def format_resolutions(resolutions: Sequence[Resolution], fmt: str) -> str:
    """Render resolutions as ``text`` or ``json``.

    ``text`` gives one URL per line (``SECID<TAB>URL`` when there are several SecIDs),
    ``json`` a list of ``{secid, url, weight, entry, kind}`` objects.

    :raises UnsupportedFormatError: ``fmt`` is neither.

    >>> r = Resolution("secid:a/b.org/c", (ResolvedUrl("https://b.org/c", 100, "urn:x", "page"),))
    >>> format_resolutions([r], "text")
    'https://b.org/c\\n'
    """
    if fmt == "json":
        records = [
            {
                "secid": resolution.secid,
                "url": resolved.url,
                "weight": resolved.weight,
                "entry": resolved.entry,
                "kind": resolved.kind,
            }
            for resolution in resolutions
            for resolved in resolution.urls
        ]
        return json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt != "text":
        raise UnsupportedFormatError(fmt, RESOLUTION_FORMATS)
    several = len(resolutions) > 1
    lines = [
        f"{resolution.secid}\t{resolved.url}" if several else resolved.url
        for resolution in resolutions
        for resolved in resolution.urls
    ]
    return "".join(line + "\n" for line in lines)
