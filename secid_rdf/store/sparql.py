"""Put the graph into a triple store and ask it SPARQL questions.

Two kinds of store: an embedded pyoxigraph :class:`~pyoxigraph.Store` built in memory from the
export, and any SPARQL 1.1 server reached over HTTP. A server is loaded through the SPARQL 1.1
Graph Store HTTP Protocol (one ``PUT`` per named graph, so loading again replaces instead of
duplicating), updated with SPARQL Update text (``secid-rdf load --diff``), and queried
through the SPARQL 1.1 Protocol (an HTML-form ``POST``, the
request form every SPARQL 1.1 server accepts: Virtuoso 7.2 hangs on a ``POST`` of
``application/sparql-query``). Every request goes through
:class:`~secid_rdf.store.http.HttpClient`: bounded in time and size, redirects to other
origins refused unless asked for, no secret in any message.
"""

from __future__ import annotations

import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, TypeVar

import pyoxigraph as ox

from secid_rdf.findings import QueryError, SecidRdfError, StoreError
from secid_rdf.iris import DATASET_GRAPH_IRI
from secid_rdf.resources import queries_dir
from secid_rdf.store.http import DEFAULT_TIMEOUT, Credentials, HttpClient, one_line

__all__ = [
    "EXPORT_DATASET_FILE",
    "EXPORT_QUADS_FILE",
    "Credentials",
    "GraphFailure",
    "GraphUpload",
    "LoadReport",
    "QueryResult",
    "bind_values",
    "build_store",
    "graph_store_url",
    "library_query_names",
    "load_graphs",
    "query_endpoint",
    "query_store",
    "read_export",
    "read_library_query",
    "rebase_graphs",
    "send_update",
    "split_graphs",
    "update_url",
]

EXPORT_QUADS_FILE = "secid.nq"
"""The export file holding the registry's named graphs (N-Quads)."""

EXPORT_DATASET_FILE = "void.ttl"
"""The export file holding the dataset description (Turtle), loaded into its own graph."""

QueryResult: TypeAlias = "ox.QuerySolutions | ox.QueryBoolean | tuple[ox.Triple, ...]"
"""What a query gives: solutions (``SELECT``), a boolean (``ASK``) or triples (``CONSTRUCT``,
``DESCRIBE``)."""

_GRAPH_BODY_TYPE = "application/n-triples"
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_QUERY_FORM = re.compile(
    r"(?:\s|#[^\n]*|(?:PREFIX\s+[^\s:<]*:|BASE)\s*<[^>\n]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)
"""The query form after the prologue (SPARQL 1.1 grammar rules 2-4): it decides what to
``Accept``, since some stores answer ``CONSTRUCT`` with result bindings when allowed to."""
_VALUES_BLOCK = re.compile(r'VALUES\s+\?(\w+)\s*\{(?:"(?:[^"\\\n]|\\.)*"|[^}"])*\}', re.IGNORECASE)
"""A one-variable ``VALUES ?var { ... }`` block; string literals may hold ``}``."""

_Term = TypeVar("_Term")


@dataclass(frozen=True)
class GraphUpload:
    """One graph sent to a store: its IRI, its size and the HTTP status the store answered.

    ``graph`` is ``None`` for the default graph; ``status`` is 201 when the store created the
    graph, 204 or 200 when it replaced it.
    """

    graph: str | None
    triples: int
    status: int


@dataclass(frozen=True)
class GraphFailure:
    """A graph that was not loaded: its IRI, its size and why (after one retry)."""

    graph: str | None
    triples: int
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load_graphs` sent where, what failed, and how long it took.

    ``store_url`` is shown without credentials.
    """

    store_url: str
    uploads: tuple[GraphUpload, ...]
    seconds: float
    failures: tuple[GraphFailure, ...] = ()

    @property
    def triples(self) -> int:
        """Triples sent over all graphs."""
        return sum(upload.triples for upload in self.uploads)


def read_export(directory: Path, *, include_description: bool = True) -> tuple[ox.Quad, ...]:
    """The quads of an export folder.

    ``secid.nq`` is read as written, ``void.ttl`` placed in the dataset description graph.

    :param directory: a folder written by ``secid-rdf export``.
    :param include_description: also read ``void.ttl``; without it, only the registry's graph.
    :returns: the quads of the files read.
    :raises SecidRdfError: a file is missing or does not parse.
    """
    quads = _parse_file(directory / EXPORT_QUADS_FILE, ox.RdfFormat.N_QUADS)
    if not include_description:
        return tuple(quads)
    description = (
        ox.Quad(quad.subject, quad.predicate, quad.object, DATASET_GRAPH_IRI)
        for quad in _parse_file(directory / EXPORT_DATASET_FILE, ox.RdfFormat.TURTLE)
    )
    return (*quads, *description)


def _parse_file(path: Path, rdf_format: ox.RdfFormat) -> list[ox.Quad]:
    """Every quad of one export file, or an error naming the file."""
    if not path.is_file():
        raise SecidRdfError(f"{path}: not found (give a folder written by `secid-rdf export`)")
    try:
        return list(ox.parse(path=path, format=rdf_format, rename_blank_nodes=True))
    except SyntaxError as error:
        raise SecidRdfError(f"{path}: not valid {rdf_format.name}: {error}") from error


def split_graphs(quads: Iterable[ox.Quad]) -> dict[str | None, list[ox.Triple]]:
    """Group quads by graph, in graph IRI order (the default graph, keyed ``None``, first).

    >>> g = ox.NamedNode("https://example.org/g")
    >>> t = (ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"))
    >>> {k: len(v) for k, v in split_graphs([ox.Quad(*t, ox.Literal("1"), g)]).items()}
    {'https://example.org/g': 1}
    """
    graphs: dict[str | None, list[ox.Triple]] = {}
    for quad in quads:
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, []).append(quad.triple)
    return dict(sorted(graphs.items(), key=lambda item: (item[0] is not None, item[0] or "")))


def rebase_graphs(quads: Iterable[ox.Quad], old_prefix: str, new_prefix: str) -> list[ox.Quad]:
    """Rename every named graph whose IRI starts with ``old_prefix`` to start with ``new_prefix``.

    A graph is renamed both as graph name and where a triple names it (the dataset
    description's ``void:subset``).

    Lets two registries (or two versions of one) live side by side in one store.

    >>> q = ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"),
    ...             ox.NamedNode("https://e.org/graph/a"), ox.NamedNode("https://e.org/graph/b"))
    >>> moved = rebase_graphs([q], "https://e.org/graph/", "urn:x:")[0]
    >>> moved.object, moved.graph_name
    (<NamedNode value=https://e.org/graph/a>, <NamedNode value=urn:x:b>)
    """
    quads = list(quads)
    renamed = {
        quad.graph_name: ox.NamedNode(new_prefix + quad.graph_name.value[len(old_prefix) :])
        for quad in quads
        if isinstance(quad.graph_name, ox.NamedNode)
        and quad.graph_name.value.startswith(old_prefix)
    }

    def rename(term: _Term) -> _Term | ox.NamedNode:
        return renamed.get(term, term) if isinstance(term, ox.NamedNode) else term

    return [
        ox.Quad(rename(quad.subject), quad.predicate, rename(quad.object), rename(quad.graph_name))
        for quad in quads
    ]


def graph_store_url(store_url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of one graph: ``?graph=IRI``, or ``?default``.

    >>> graph_store_url("http://localhost:7878/store", "https://w3id.org/secid/_graph/advisory")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fsecid%2F_graph%2Fadvisory'
    """
    query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return f"{store_url}{separator}{query}"


def load_graphs(
    store_url: str,
    graphs: Mapping[str | None, Sequence[ox.Triple]],
    *,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    follow_redirects: bool = False,
    retry_pause: float = 1.0,
) -> LoadReport:
    """Replace each graph in a store with the given triples (one HTTP ``PUT`` per graph).

    A graph whose ``PUT`` fails is sent once more after ``retry_pause`` seconds (a store that
    restarts is back by then). Once a graph has been loaded, a graph that fails twice is
    reported in :attr:`LoadReport.failures` and the load goes on; when the store stops
    answering at all, the graphs not yet tried are reported too. Loading again completes
    the store, since each ``PUT`` replaces its graph.

    :param store_url: the store's Graph Store Protocol endpoint (Oxigraph:
        ``http://host:7878/store``); user info in it is taken as the credentials.
    :param graphs: triples by graph IRI, as :func:`split_graphs` gives them.
    :param credentials: sent when the store asks for basic or digest authentication.
    :param timeout: seconds each request may take in all.
    :param follow_redirects: follow redirects to another origin too.
    :param retry_pause: seconds to wait before sending a failed graph again.
    :returns: what was sent and what failed, with the store's answers and the elapsed time.
    :raises StoreError: the store is unreachable or refuses the first graph, twice; the
        message names the URL (never its credentials).
    """
    client = HttpClient(store_url, credentials, timeout=timeout, follow_redirects=follow_redirects)
    started = time.perf_counter()
    if client.credentials is not None:
        _learn_challenge(client)
    uploads: list[GraphUpload] = []
    failures: list[GraphFailure] = []
    items = list(graphs.items())
    for index, (graph, triples) in enumerate(items):
        try:
            status = _put_twice(client, graph, triples, retry_pause)
        except StoreError as error:
            if not uploads and not failures:
                done = f"0 of {len(graphs)} graphs were loaded"
                raise StoreError(error.url, f"{error.reason} ({done})") from error
            failures.append(GraphFailure(graph, len(triples), f"{error.url}: {error.reason}"))
            if not error.answered:  # the store is gone: the rest would fail the same way
                failures += (
                    GraphFailure(name, len(rest), "not sent: the store stopped answering")
                    for name, rest in items[index + 1 :]
                )
                break
            continue
        uploads.append(GraphUpload(graph, len(triples), status))
    seconds = time.perf_counter() - started
    return LoadReport(client.shown_url, tuple(uploads), seconds, tuple(failures))


def _put_twice(
    client: HttpClient, graph: str | None, triples: Sequence[ox.Triple], pause: float
) -> int:
    """``PUT`` one graph; when that fails, once more after ``pause`` seconds. The status."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    url = graph_store_url(client.url, graph)
    for attempt in (1, 2):
        request = urllib.request.Request(
            url, data=body, method="PUT", headers={"Content-Type": _GRAPH_BODY_TYPE}
        )
        try:
            return client.send(request).status
        except StoreError:
            if attempt == 2:
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _learn_challenge(client: HttpClient) -> None:
    """Send a bodiless ``HEAD`` so the store's challenge is known before the first ``PUT``.

    Whatever the store answers (stores need not support ``HEAD``) is fine; only an
    unreachable store is an error, reported before anything is sent.
    """
    try:
        client.send(urllib.request.Request(client.url, method="HEAD"))
    except StoreError as error:
        if not error.answered:
            raise


def update_url(store_url: str) -> str:
    """The update endpoint beside a Graph Store endpoint, in Oxigraph's layout.

    >>> update_url("http://localhost:7878/store")
    'http://localhost:7878/update'
    """
    head, _, query = store_url.partition("?")
    folder, _, last = head.rstrip("/").rpartition("/")
    updated = f"{folder}/update" if last == "store" else f"{head.rstrip('/')}/update"
    return updated + (f"?{query}" if query else "")


def send_update(
    endpoint_url: str,
    update: str,
    *,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    follow_redirects: bool = False,
) -> None:
    """``POST`` SPARQL Update text to an update endpoint (SPARQL 1.1 Protocol, section 2.2.2).

    :raises StoreError: the endpoint is unreachable, refuses or rejects the update.
    """
    client = HttpClient(
        endpoint_url, credentials, timeout=timeout, follow_redirects=follow_redirects
    )
    request = urllib.request.Request(
        client.url,
        data=update.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    client.send(request)


def query_endpoint(
    endpoint_url: str,
    query: str,
    *,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    follow_redirects: bool = False,
) -> QueryResult:
    """Run a query on a remote SPARQL 1.1 endpoint.

    The query is sent as a URL-encoded ``POST`` (SPARQL 1.1 Protocol section 2.1.2).

    :param endpoint_url: the query endpoint (Oxigraph: ``http://host:7878/query``); user
        info in it is taken as the credentials.
    :param query: SPARQL 1.1 query text.
    :param credentials: sent when the endpoint asks for basic or digest authentication.
    :param timeout: seconds the request may take in all.
    :param follow_redirects: follow redirects to another origin too.
    :returns: solutions, a boolean or triples, parsed from the endpoint's answer.
    :raises StoreError: the endpoint is unreachable, refuses, rejects the query (the message
        carries the server's explanation), redirects elsewhere, is too slow or too long, or
        answers in a format that is not SPARQL results or RDF, or with a malformed one.
    """
    client = HttpClient(
        endpoint_url, credentials, timeout=timeout, follow_redirects=follow_redirects
    )
    request = urllib.request.Request(
        client.url,
        data=urllib.parse.urlencode({"query": query}).encode("ascii"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _accept(query)},
    )
    answer = client.send(request)
    media_type = answer.media_type
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            return _parse_results(answer.body, results_format)
        if rdf_format is not None:
            return tuple(quad.triple for quad in ox.parse(answer.body, format=rdf_format))
    except (SyntaxError, ValueError) as error:
        reason = f"malformed {media_type} answer: {one_line(str(error))}"
        raise client.error(client.url, reason, answered=True) from None
    reason = f"answered {one_line(media_type)}, not SPARQL results or RDF"
    raise client.error(client.url, reason, answered=True)


def _accept(query: str) -> str:
    """The ``Accept`` header for a query: result bindings, or triples for graph queries."""
    form = _QUERY_FORM.match(query)
    is_graph_query = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
    return _TRIPLES_ACCEPT if is_graph_query else _RESULTS_ACCEPT


def _parse_results(body: bytes, results_format: ox.QueryResultsFormat) -> QueryResult:
    """Parse an endpoint's results completely now, so a bad answer fails here, not mid-output."""
    parsed = ox.parse_query_results(body, format=results_format)
    if isinstance(parsed, ox.QueryBoolean):
        return parsed
    try:
        checked = parsed.serialize(format=ox.QueryResultsFormat.JSON)
    finally:
        # pyoxigraph's solutions may be dropped only on the thread that made them: an error's
        # traceback must not keep them for the cyclic collector, which runs on any thread
        del parsed
    return ox.parse_query_results(checked, format=ox.QueryResultsFormat.JSON)


def build_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory pyoxigraph store: every named graph as given, their RDF merge as default.

    In the default graph a triple that sits in several graphs is there once.

    pyoxigraph's own union default graph repeats such a triple once per graph, which inflates
    ``COUNT`` and duplicates rows (oxigraph issue #1919, present in 0.5.13); the export has
    such triples (a URL kind is declared in each type's graph).

    >>> g1, g2 = ox.NamedNode("https://e.org/g1"), ox.NamedNode("https://e.org/g2")
    >>> s, p = ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p")
    >>> one = ox.Literal("1")
    >>> store = build_store([ox.Quad(s, p, one, g1), ox.Quad(s, p, one, g2)])
    >>> [str(row["n"].value) for row in store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")]
    ['1']
    """
    named = list(quads)
    store = ox.Store()
    store.extend(named)
    store.extend([ox.Quad(quad.subject, quad.predicate, quad.object) for quad in named])
    return store


def query_store(store: ox.Store, query: str) -> QueryResult:
    """Run a SPARQL 1.1 query on an embedded store built by :func:`build_store`.

    The default graph is the merge of all graphs; ``GRAPH`` reaches each named graph.

    :raises QueryError: the query is not valid SPARQL 1.1.

    >>> q = ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"),
    ...             ox.Literal("1"), ox.NamedNode("https://e.org/g"))
    >>> [s["o"].value for s in query_store(build_store([q]), "SELECT ?o { ?s ?p ?o }")]
    ['1']
    """
    try:
        result = store.query(query)
    except SyntaxError as error:
        raise QueryError(f"not a valid SPARQL 1.1 query: {error}") from error
    if isinstance(result, ox.QueryTriples):
        return tuple(result)
    return result


def bind_values(query: str, bindings: Mapping[str, str]) -> str:
    """Replace the ``VALUES ?name { ... }`` block of each binding with the given value.

    This is how the shipped queries take parameters, portably across stores. A value written
    in angle brackets (``<https://...>``) becomes an IRI, any other value a string literal.

    :raises QueryError: the query has no one-variable ``VALUES`` block for a name, or a value
        in angle brackets is not an IRI.

    >>> bind_values('SELECT * { VALUES ?id { "x" } ?s ?p ?id }', {"id": 'a "b"'})
    'SELECT * { VALUES ?id { "a \\\\"b\\\\"" } ?s ?p ?id }'
    """
    names = {match.group(1) for match in _VALUES_BLOCK.finditer(query)}
    missing = sorted(set(bindings) - names)
    if missing:
        raise QueryError(
            f"the query has no VALUES block for: {', '.join('?' + m for m in missing)}"
        )
    terms = {name: str(_term(value)) for name, value in bindings.items()}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"VALUES ?{name} {{ {terms[name]} }}" if name in terms else match.group(0)

    return _VALUES_BLOCK.sub(replace, query)


def _term(value: str) -> ox.NamedNode | ox.Literal:
    """A bound value as an RDF term: ``<...>`` is an IRI, anything else a string."""
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as error:
            raise QueryError(f"not an IRI: {value}: {error}") from error
    return ox.Literal(value)


def library_query_names() -> tuple[str, ...]:
    """The names of the queries shipped with secid-rdf (file stems in ``resolve/queries``)."""
    return tuple(sorted(path.stem for path in queries_dir().glob("*.rq")))


def read_library_query(name: str) -> str:
    """The text of the shipped query ``name``.

    :raises QueryError: no shipped query has that name.
    """
    names = library_query_names()
    if name not in names:
        raise QueryError(f"no shipped query named {name!r}; choose one of: {', '.join(names)}")
    return (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
