"""What ``secid-rdf query`` was asked: the registry (if any) and the query text.

The command takes ``[REGISTRY] [QUERY]``, or ``[REGISTRY]`` with the query from a file or the
shipped library. A lone argument that names a folder is a registry given without a query,
never SPARQL text: a query cannot be a folder name, and reading one as SPARQL would give a
syntax error that hides the real mistake.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secid_rdf.findings import SecidRdfError
from secid_rdf.store.sparql import bind_values, read_library_query

__all__ = ["QueryRequest", "QueryUsageError", "parse_bindings", "parse_query_arguments"]


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
    positional_query = given == 0
    if len(arguments) > 1 + positional_query:
        raise QueryUsageError("too many arguments: give [REGISTRY] QUERY, or [REGISTRY] --file")
    registry = None
    if arguments and (not positional_query or len(arguments) == 2 or os.path.isdir(arguments[0])):
        registry = Path(arguments[0])
    if query_text is None and library_name is not None:
        query_text = read_library_query(library_name)
    if query_text is None:
        if len(arguments) < 1 + (registry is not None):
            where = f"REGISTRY {registry} has no query" if registry is not None else "no query"
            raise QueryUsageError(f"{where}: add QUERY, --file FILE or --library NAME")
        query_text = arguments[-1]
    return QueryRequest(registry, bind_values(query_text, parse_bindings(bindings)))
