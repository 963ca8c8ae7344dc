"""What ``secid-rdf query`` was asked: the registry (if any) and the query text.

The command takes ``[REGISTRY] [QUERY]``, or ``[REGISTRY]`` with the query from a file or the
shipped library. With a query argument, a lone argument is the registry when it names a
folder, the query when it reads as one (it names a query form: ``SELECT``, ``ASK``,
``CONSTRUCT``, ``DESCRIBE``), and an error otherwise: a mistyped folder read as SPARQL would
give a syntax error that hides the real mistake.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secid_rdf.findings import SecidRdfError
from secid_rdf.read.registry_argument import split_registry_argument
from secid_rdf.store.sparql import bind_values, read_library_query

__all__ = [
    "QueryRequest",
    "QueryUsageError",
    "is_query_argument",
    "parse_bindings",
    "parse_query_arguments",
]

_QUERY_FORM = re.compile(r"\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
"""A word every SPARQL 1.1 query holds: its query form (SPARQL 1.1 Query, section 16)."""


class QueryUsageError(SecidRdfError, ValueError):
    """The query command's arguments do not say which registry and which query to use."""


@dataclass(frozen=True)
class QueryRequest:
    """The registry folder to query (``None``: the default one) and the SPARQL text, bound."""

    registry: Path | None
    text: str


def parse_bindings(bindings: Sequence[str]) -> dict[str, str]:
    """``VAR=VALUE`` settings as a mapping (a leading ``?`` on VAR is allowed).

    :raises QueryUsageError: a setting has no ``=`` or no name.

    >>> parse_bindings(["?source=secid:advisory/mitre.org/cve"])
    {'source': 'secid:advisory/mitre.org/cve'}
    """
    parsed: dict[str, str] = {}
    for binding in bindings:
        name, equals, value = binding.partition("=")
        if not equals or not name.lstrip("?"):
            raise QueryUsageError(f"--bind {binding!r}: write VAR=VALUE")
        parsed[name.lstrip("?")] = value
    return parsed


def parse_query_arguments(
    arguments: Sequence[str],
    *,
    query_text: str | None = None,
    library_name: str | None = None,
    bindings: Sequence[str] = (),
) -> QueryRequest:
    """Split ``[REGISTRY] [QUERY]`` and find the query: the argument, a file's text or the library.

    :param arguments: the positional arguments, in order.
    :param query_text: the query read from ``--file``, if given.
    :param library_name: a shipped query's name (``--library``), if given.
    :param bindings: ``VAR=VALUE`` settings for the query's ``VALUES`` blocks.
    :returns: the registry (or ``None``) and the query text with its values set.
    :raises QueryUsageError: no query, two sources of a query, too many arguments, or a
        setting that is not ``VAR=VALUE``.
    :raises RegistryNotFoundError: the first argument is neither a folder nor a query.
    :raises QueryError: no shipped query has the library name.

    >>> parse_query_arguments(["ASK {}"])
    QueryRequest(registry=None, text='ASK {}')
    >>> parse_query_arguments(["."])  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    secid_rdf.store.query_request.QueryUsageError: REGISTRY . has no query ...
    """
    given = (query_text is not None) + (library_name is not None)
    if given > 1:
        raise QueryUsageError("give --file or --library, not both")
    if given:
        if len(arguments) > 1:
            raise QueryUsageError("too many arguments: give [REGISTRY] --file or --library")
        registry = Path(arguments[0]) if arguments else None
        text = query_text if query_text is not None else read_library_query(str(library_name))
    else:
        registry, rest = split_registry_argument(
            arguments, is_item=is_query_argument, item="a SPARQL query"
        )
        if len(rest) > 1:
            raise QueryUsageError("too many arguments: give [REGISTRY] QUERY")
        if not rest:
            where = f"REGISTRY {registry} has no query" if registry is not None else "no query"
            raise QueryUsageError(f"{where}: add QUERY, --file FILE or --library NAME")
        text = rest[0]
    return QueryRequest(registry, bind_values(text, parse_bindings(bindings)))


def is_query_argument(text: str) -> bool:
    """True for an argument that reads as SPARQL: it names a query form.

    >>> is_query_argument("ask {}"), is_query_argument("registry/askew")
    (True, False)
    """
    return _QUERY_FORM.search(text) is not None
