"""Render SPARQL query results: an aligned text table for people, or the W3C result formats.

``csv``, ``tsv`` and ``json`` are the SPARQL 1.1 Query Results CSV/TSV and JSON formats
(https://www.w3.org/TR/sparql11-results-csv-tsv/, https://www.w3.org/TR/sparql11-results-json/),
written by pyoxigraph. ``CONSTRUCT`` and ``DESCRIBE`` give triples, which are written as
sorted N-Triples whatever the format.
"""

from __future__ import annotations

import pyoxigraph as ox

from secid_rdf.findings import UnsupportedFormatError
from secid_rdf.store.sparql import QueryResult

__all__ = ["RESULT_FORMATS", "format_results"]

_W3C_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}

RESULT_FORMATS: tuple[str, ...] = ("table", *_W3C_FORMATS)
"""The names accepted by :func:`format_results`, ``table`` first (the default)."""


def format_results(result: QueryResult, fmt: str) -> bytes:
    """Serialise query results in one of :data:`RESULT_FORMATS`.

    :raises UnsupportedFormatError: ``fmt`` is not one of :data:`RESULT_FORMATS`.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"),
    ...                   ox.Literal("café")))
    >>> print(format_results(store.query("SELECT ?s ?o { ?s ?p ?o }"), "table").decode())
    s               | o
    ----------------+-----
    https://e.org/s | café
    <BLANKLINE>
    """
    if fmt not in RESULT_FORMATS:
        raise UnsupportedFormatError(fmt, RESULT_FORMATS)
    # pyoxigraph's stubs type serialize() as ``bytes | None``; without an output it gives bytes.
    if isinstance(result, tuple):
        data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        lines = data.splitlines(keepends=True)  # type: ignore[union-attr]
        return b"".join(sorted(set(lines)))
    if fmt != "table":
        return result.serialize(format=_W3C_FORMATS[fmt])  # type: ignore[return-value]
    if isinstance(result, ox.QueryBoolean):
        return b"true\n" if bool(result) else b"false\n"
    header = [variable.value for variable in result.variables]
    rows = [[_cell(solution[i]) for i in range(len(header))] for solution in result]
    return _table(header, rows).encode("utf-8")


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as people read it: the IRI or the literal's text.

    Control characters are escaped so that registry text cannot move the cursor or fake a row.
    """
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = str(term)
    else:
        text = term.value
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a rule under the header, ``|`` between cells."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * width for width in widths], *rows]
    rendered = []
    for index, cells in enumerate(lines):
        joiner = "-+-" if index == 1 else " | "
        fill = "-" if index == 1 else " "
        padded = [cell.ljust(width, fill) for cell, width in zip(cells, widths, strict=True)]
        rendered.append(joiner.join(padded).rstrip() + "\n")
    return "".join(rendered)
