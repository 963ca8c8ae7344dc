"""Put the graph into a triple store and ask it SPARQL questions.

Two kinds of store: an embedded pyoxigraph :class:`~pyoxigraph.Store` built in memory from the
export, and any SPARQL 1.1 server reached over HTTP. A server is loaded through the SPARQL 1.1
Graph Store HTTP Protocol (one ``PUT`` per named graph, so loading again replaces instead of
duplicating) and queried through the SPARQL 1.1 Protocol (an HTML-form ``POST``, the
request form every SPARQL 1.1 server accepts: Virtuoso 7.2 hangs on a ``POST`` of
``application/sparql-query``). HTTP goes through :mod:`urllib.request`, whose handlers give
basic and digest authentication.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
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

__all__ = [
    "EXPORT_DATASET_FILE",
    "EXPORT_QUADS_FILE",
    "Credentials",
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
    "split_graphs",
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
_SERVER_MESSAGE_LIMIT = 300
_VALUES_BLOCK = re.compile(r'VALUES\s+\?(\w+)\s*\{(?:"(?:[^"\\\n]|\\.)*"|[^}"])*\}', re.IGNORECASE)
"""A one-variable ``VALUES ?var { ... }`` block; string literals may hold ``}``."""

_Term = TypeVar("_Term")


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a store that asks for basic or digest authentication."""

    user: str
    password: str


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
class LoadReport:
    """What :func:`load_graphs` sent where, and how long it took."""

    store_url: str
    uploads: tuple[GraphUpload, ...]
    seconds: float

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

    >>> graph_store_url("http://localhost:7878/store", "https://w3id.org/secid/graph/advisory")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fsecid%2Fgraph%2Fadvisory'
    """
    query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return f"{store_url}{separator}{query}"


def load_graphs(
    store_url: str,
    graphs: Mapping[str | None, Sequence[ox.Triple]],
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
) -> LoadReport:
    """Replace each graph in a store with the given triples (one HTTP ``PUT`` per graph).

    :param store_url: the store's Graph Store Protocol endpoint (Oxigraph:
        ``http://host:7878/store``).
    :param graphs: triples by graph IRI, as :func:`split_graphs` gives them.
    :param credentials: sent when the store asks for basic or digest authentication.
    :param timeout: seconds to wait for the store on each request.
    :returns: what was sent, with the store's answers and the elapsed time.
    :raises StoreError: the store is unreachable, refuses the credentials, answers with an
        HTTP error, or does not answer in time; the message names the URL and says how many
        graphs were already replaced.
    """
    _check_http_url(store_url)
    opener = _opener(store_url, credentials)
    started = time.perf_counter()
    if credentials is not None:
        _learn_challenge(opener, store_url, timeout)
    uploads: list[GraphUpload] = []
    for graph, triples in graphs.items():
        url = graph_store_url(store_url, graph)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(
            url, data=body, method="PUT", headers={"Content-Type": _GRAPH_BODY_TYPE}
        )
        try:
            status, _, _ = _send(opener, request, timeout)
        except StoreError as error:
            done = f"{len(uploads)} of {len(graphs)} graphs were loaded before this one"
            raise StoreError(error.url, f"{error.reason} ({done})") from error
        uploads.append(GraphUpload(graph, len(triples), status))
    return LoadReport(store_url, tuple(uploads), time.perf_counter() - started)


def query_endpoint(
    endpoint_url: str,
    query: str,
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
) -> QueryResult:
    """Run a query on a remote SPARQL 1.1 endpoint.

    The query is sent as a URL-encoded ``POST`` (SPARQL 1.1 Protocol section 2.1.2).

    :param endpoint_url: the query endpoint (Oxigraph: ``http://host:7878/query``).
    :param query: SPARQL 1.1 query text.
    :param credentials: sent when the endpoint asks for basic or digest authentication.
    :param timeout: seconds to wait for the answer.
    :returns: solutions, a boolean or triples, parsed from the endpoint's answer.
    :raises StoreError: the endpoint is unreachable, refuses, rejects the query (the message
        carries the server's explanation) or answers in a format that is not SPARQL results
        or RDF.
    """
    _check_http_url(endpoint_url)
    request = urllib.request.Request(
        endpoint_url,
        data=urllib.parse.urlencode({"query": query}).encode("ascii"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _accept(query)},
    )
    _, media_type, body = _send(_opener(endpoint_url, credentials), request, timeout)
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            return _parse_results(body, results_format)
        if rdf_format is not None:
            return tuple(quad.triple for quad in ox.parse(body, format=rdf_format))
    except SyntaxError as error:
        raise StoreError(endpoint_url, f"unreadable {media_type} answer: {error}") from error
    raise StoreError(endpoint_url, f"answered {media_type}, not SPARQL results or RDF")


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
    checked = parsed.serialize(format=ox.QueryResultsFormat.JSON)
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


def _check_http_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL, before any request is made."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(url, "not an http:// or https:// URL")


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """A URL opener that answers basic and digest challenges with the credentials."""
    if credentials is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    passwords.add_password(None, url, credentials.user, credentials.password)
    return urllib.request.build_opener(_BasicAuthHandler(passwords), _DigestAuthHandler(passwords))


class _BasicAuthHandler(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that, once asked for, sends the credentials from the start.

    Every later request carries them without waiting for a challenge (see
    :class:`_DigestAuthHandler` for why).
    """

    passwd: urllib.request.HTTPPasswordMgrWithPriorAuth

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> object:
        """Answer as urllib does, and remember that this store wants basic credentials."""
        response = super().retry_http_basic_auth(host, req, realm)
        self.passwd.update_authenticated(req.full_url, True)
        return response


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers the last challenge before being asked again.

    urllib sends every request without credentials first. A store that then answers 401 and
    closes the connection before reading the body (Virtuoso 7.2 does) breaks every ``PUT``
    whose body outgrows the socket buffers ("Broken pipe"). Once a challenge is known, each
    request carries a fresh answer to it (next nonce count) from the start.
    """

    challenge: dict[str, str] | None = None

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        """Add ``Authorization`` from the known challenge (urllib's request hook)."""
        if self.challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> object:
        """Remember the challenge, then answer it as urllib does."""
        _, _, challenge = auth.partition(" ")
        items = urllib.request.parse_http_list(challenge)
        self.challenge = urllib.request.parse_keqv_list([item for item in items if item])
        return super().retry_http_digest_auth(req, auth)


def _learn_challenge(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> None:
    """Send a bodiless ``HEAD`` so the store's challenge is known before the first ``PUT``.

    Whatever the store answers (stores need not support ``HEAD``) is fine; only an
    unreachable store is an error, reported before anything is sent.
    """
    try:
        _send(opener, urllib.request.Request(url, method="HEAD"), timeout)
    except StoreError as error:
        if not isinstance(error.__cause__, urllib.error.HTTPError):
            raise


def _send(
    opener: urllib.request.OpenerDirector, request: urllib.request.Request, timeout: float
) -> tuple[int, str, bytes]:
    """Send one request; give (status, media type, body) or raise a one-line StoreError."""
    url = request.full_url
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        raise StoreError(url, _http_error_reason(error)) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise StoreError(url, f"no answer within {timeout:g} s") from error
        raise StoreError(url, f"cannot connect: {error.reason}") from error
    except TimeoutError as error:
        raise StoreError(url, f"no answer within {timeout:g} s") from error
    except ValueError as error:  # urllib's auth handlers meet a scheme they do not speak
        raise StoreError(url, f"authentication refused: {error}") from error
    except (OSError, http.client.HTTPException) as error:
        raise StoreError(url, f"connection failed: {error}") from error


def _http_error_reason(error: urllib.error.HTTPError) -> str:
    """``HTTP 400 Bad Request: <the server's message>``, on one line."""
    reason = f"HTTP {error.code} {error.reason}"
    if error.code in (401, 403):
        reason += " (authentication refused: check --user and --password)"
    try:
        body = error.read() if error.fp is not None else b""
    except (OSError, http.client.HTTPException):
        body = b""
    message = _one_line(body.decode("utf-8", errors="replace"))
    return f"{reason}: {message}" if message else reason


def _one_line(text: str) -> str:
    """Server text made safe for one terminal line: no control characters, bounded length."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(line) > _SERVER_MESSAGE_LIMIT:
        line = line[: _SERVER_MESSAGE_LIMIT - 1] + "…"
    return line


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
