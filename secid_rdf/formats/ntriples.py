"""N-Triples and N-Quads: written by pyoxigraph, each distinct line once, sorted bytewise.

A line is its own record, and its key is the line decoded as Latin-1, which keeps the
bytes' order. N-Triples holds the union of the named graphs; N-Quads keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple
from pyoxigraph import serialize as oxigraph_serialize

from secid_rdf.formats.dump_format import GraphPart, Key, OutputFormat, Records, Run
from secid_rdf.formats.jsonld import Compactor

__all__ = ["NQuads", "NTriples", "sorted_lines", "triples_run"]


def sorted_lines(terms: Iterable[Quad] | Iterable[Triple], rdf_format: RdfFormat) -> bytes:
    """Quads or triples in a line-based format, each distinct line once, sorted bytewise.

    Lines keep their newline, so each line is copied once (the N-Quads of a large
    registry are hundreds of megabytes).
    """
    data = oxigraph_serialize(terms, format=rdf_format)
    assert data is not None  # pyoxigraph returns the bytes when given no output
    lines = data.splitlines(keepends=True)
    del data
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    unique = set(lines)
    del lines
    unique.discard(b"\n")
    return b"".join(sorted(unique))


def _lines_run(data: bytes) -> Run | None:
    """Sorted lines as a run: the text, and its first and last lines as keys."""
    if not data:
        return None
    first = data[: data.index(b"\n") + 1]
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1 :]
    return Run(data, first.decode("latin-1"), last.decode("latin-1"))


def triples_run(quads_run: Run | None, graph: str) -> Run | None:
    """The N-Triples run of a part whose N-Quads run has every line in ``graph``.

    Dropping the one graph from every line keeps the lines distinct and in order (what
    follows an N-Quads line's object is a space, as in N-Triples), so the N-Triples run
    needs no second serialisation and sort. ``None`` when some line is in another graph.
    """
    if quads_run is None:
        return None
    tail = f" <{graph}> .\n".encode()
    data = quads_run.data
    if data.count(tail) != data.count(b"\n"):  # a newline ends every line, and only there
        return None
    return Run(
        data.replace(tail, b" .\n"),
        quads_run.first[: -len(tail)] + " .\n",
        quads_run.last[: -len(tail)] + " .\n",
    )


class _Lines(OutputFormat):
    """A line-based format: a record per line, no header or footer."""

    rdf_format: RdfFormat

    def _text(self, part: GraphPart) -> bytes:
        terms: Iterable[Quad] | Iterable[Triple] = part.quads if self.keeps_graphs else part.triples
        return sorted_lines(terms, self.rdf_format)

    def records(self, part: GraphPart) -> Records:
        """Each line, keyed by its text."""
        lines = self._text(part).splitlines(keepends=True)
        return [(line.decode("latin-1"), line) for line in lines]

    def run(self, part: GraphPart) -> Run | None:
        """The sorted text itself: only its first and last lines are keys."""
        return _lines_run(self._text(part))

    def key_prefix(self, iri: str, compactor: Compactor) -> Key:
        """A line starts with its subject."""
        return "<" + iri


class NQuads(_Lines):
    """N-Quads: every quad in its named graph."""

    name = "nquads"
    file_name = "secid.nq"
    media_type = "application/n-quads"
    title = "N-Quads"
    keeps_graphs = True
    rdf_format = RdfFormat.N_QUADS


class NTriples(_Lines):
    """N-Triples: the union of the graphs.

    When the part's N-Quads run is made already and holds one graph, the N-Triples run
    is that run with the graph dropped from each line (see :func:`triples_run`).
    """

    name = "ntriples"
    file_name = "secid.nt"
    media_type = "application/n-triples"
    title = "N-Triples"
    rdf_format = RdfFormat.N_TRIPLES

    def run(self, part: GraphPart) -> Run | None:
        """The run, from the N-Quads run when it serves."""
        quads_run = part.runs.get(NQuads.name)
        if quads_run is not None and part.quads:
            graph = part.quads[0].graph_name
            if isinstance(graph, NamedNode):
                run = triples_run(quads_run, graph.value)
                if run is not None:
                    return run
        return super().run(part)
