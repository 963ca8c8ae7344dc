"""The change between two graphs as an update a store applies: SPARQL Update or RDF Patch.

Both are written from the removed and added quads, sorted, one named graph at a time, so
the same diff gives the same bytes. Terms are written by pyoxigraph in N-Triples syntax,
which SPARQL and RDF Patch share: no registry text can leave its literal or IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Quad

__all__ = ["UPDATE_FORMATS", "rdf_patch", "sparql_update"]

UPDATE_FORMATS = ("sparql-update", "rdf-patch")
"""The update formats ``secid-rdf diff --format`` writes."""

_BATCH = 5000
"""Triples per ``DELETE DATA`` or ``INSERT DATA`` operation, so no request grows unbounded."""


def _triple(quad: Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


def _by_graph(quads: Iterable[Quad]) -> dict[str, list[str]]:
    """Triple lines by graph (``""`` for the default graph), each list sorted."""
    graphs: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        graph = "" if isinstance(quad.graph_name, DefaultGraph) else str(quad.graph_name)
        graphs[graph].append(_triple(quad))
    return {graph: sorted(lines) for graph, lines in sorted(graphs.items())}


def sparql_update(removed: Iterable[Quad], added: Iterable[Quad]) -> str:
    """SPARQL 1.1 Update text: ``DELETE DATA`` of the removed quads, then ``INSERT DATA``.

    Empty when nothing changed (an empty request is a valid update that does nothing).

    >>> from pyoxigraph import Literal, NamedNode
    >>> q = Quad(NamedNode("urn:s"), NamedNode("urn:p"), Literal("o"), NamedNode("urn:g"))
    >>> print(sparql_update([], [q]), end="")
    INSERT DATA {
      GRAPH <urn:g> {
        <urn:s> <urn:p> "o" .
      }
    }
    """
    operations = [
        _operation(verb, graph, lines[start : start + _BATCH])
        for verb, quads in (("DELETE DATA", removed), ("INSERT DATA", added))
        for graph, lines in _by_graph(quads).items()
        for start in range(0, len(lines), _BATCH)
    ]
    return " ;\n".join(operations) + ("\n" if operations else "")


def _operation(verb: str, graph: str, lines: list[str]) -> str:
    if not graph:
        body = "".join(f"  {line}\n" for line in lines)
        return f"{verb} {{\n{body}}}"
    body = "".join(f"    {line}\n" for line in lines)
    return f"{verb} {{\n  GRAPH {graph} {{\n{body}  }}\n}}"


def rdf_patch(removed: Iterable[Quad], added: Iterable[Quad]) -> str:
    """An RDF Patch (https://afs.github.io/rdf-patch/) in one transaction: ``D`` then ``A`` rows.

    >>> from pyoxigraph import Literal, NamedNode
    >>> q = Quad(NamedNode("urn:s"), NamedNode("urn:p"), Literal("o"), NamedNode("urn:g"))
    >>> print(rdf_patch([q], []), end="")
    TX .
    D <urn:s> <urn:p> "o" <urn:g> .
    TC .
    """
    rows = ["TX ."]
    for letter, quads in (("D", removed), ("A", added)):
        for graph, lines in _by_graph(quads).items():
            suffix = f" {graph} ." if graph else " ."
            rows += [f"{letter} {line[:-2]}{suffix}" for line in lines]
    rows.append("TC .")
    return "".join(row + "\n" for row in rows)
