"""Dump files written part by part, in the order the whole-graph serialiser gives.

Every dump format is a header, records in a fixed order and a footer: sorted lines for
N-Triples and N-Quads, one block per subject for Turtle, one node object per subject for
JSON-LD. An export converts a registry in parts whose subjects never mix, turns each part
into sorted records (:func:`part_records`), and a :class:`DumpWriter` appends them to a
temporary file, so no dump is ever whole in memory.

Parts come in key order (namespaces of one type, sorted by IRI, with IRIs that extend one
another kept in one part); a few subjects that belong to no namespace (type resources,
concepts) are merged in between as loose records. The writer checks the order as it goes
and raises :class:`OrderError` if a part would break it, so the caller can fall back to
writing the dump whole.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import Quad, Triple

from secid_rdf.formats.context import read_context
from secid_rdf.formats.jsonld import Compactor, NodeLayout, group_by_subject, json_text
from secid_rdf.formats.serialize import (
    OutputFormat,
    SortedTriples,
    sorted_lines,
    turtle_blocks,
    turtle_header,
)

__all__ = [
    "DumpWriter",
    "OrderError",
    "Records",
    "Run",
    "dump_frame",
    "part_records",
    "part_run",
    "to_run",
    "triples_run",
]

Key = str
Records = list[tuple[Key, bytes]]
"""Sorted ``(key, text)`` pairs of one format; joined in order they are the dump body.

The key of a line is the line decoded as Latin-1, which keeps the bytes' order.
"""

_JSONLD_SEPARATOR = b",\n    "
"""What comes before each node object of a flat JSON-LD document (the first drops the comma)."""


class OrderError(Exception):
    """A part or record would be written out of order; the dump must be written whole."""


@dataclass(frozen=True)
class Run:
    """The records of one part in one format, joined: their text and first and last keys."""

    data: bytes
    first: Key
    last: Key


def to_run(records: Records) -> Run | None:
    """The records joined into one run, or ``None`` when there are none."""
    if not records:
        return None
    return Run(b"".join(text for _, text in records), records[0][0], records[-1][0])


def part_records(
    fmt: OutputFormat,
    quads: Sequence[Quad],
    triples: SortedTriples,
    *,
    base: str,
    compactor: Compactor,
    layouts: Iterable[NodeLayout] | None = None,
) -> Records:
    """The sorted records of one part in ``fmt``.

    :param quads: the part's quads (N-Quads keeps their graphs).
    :param triples: ``distinct_triples(quads)`` (every other format).
    :param layouts: the JSON-LD layout of each subject of ``triples``, when the caller
        has them (they are made from ``triples`` otherwise).
    """
    if fmt.name in ("nquads", "ntriples"):
        terms: Sequence[Quad] | Sequence[Triple] = quads if fmt.keeps_graphs else triples
        data = sorted_lines(terms, fmt.rdf_format)
        return [(line.decode("latin-1"), line) for line in data.splitlines(keepends=True)]
    if fmt.name == "turtle":
        return [(key, text.encode("utf-8")) for key, text in turtle_blocks(triples, base)]
    if layouts is None:
        layouts = (
            compactor.layout(of_subject) for of_subject in group_by_subject(triples).values()
        )
    nodes = sorted((layout.build() for layout in layouts), key=lambda node: node["@id"])
    return [(node["@id"], _JSONLD_SEPARATOR + json_text(node, 2).encode("utf-8")) for node in nodes]


def part_run(
    fmt: OutputFormat,
    quads: Sequence[Quad],
    triples: SortedTriples,
    *,
    base: str,
    compactor: Compactor,
    layouts: Iterable[NodeLayout] | None = None,
) -> Run | None:
    """The run of one part in ``fmt``: :func:`part_records` joined, or ``None`` if empty.

    Line-based formats skip the records: their sorted text is the run, and only its first
    and last lines are keys.
    """
    if fmt.name not in ("nquads", "ntriples"):
        return to_run(
            part_records(fmt, quads, triples, base=base, compactor=compactor, layouts=layouts)
        )
    data = sorted_lines(quads if fmt.keeps_graphs else triples, fmt.rdf_format)
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


def dump_frame(
    fmt: OutputFormat, base: str, context: str | Mapping[str, Any]
) -> tuple[bytes, bytes, bytes]:
    """A dump's header, its footer, and the footer of a dump without records.

    :param context: the JSON-LD dump's ``"@context"``: the context itself, or its URL.
    """
    if fmt.name == "turtle":
        return turtle_header(base).encode("utf-8"), b"", b""
    if fmt.name == "jsonld":
        head = f'{{\n  "@context": {json_text(context, 1)},\n  "@graph": ['
        return head.encode("utf-8"), b"\n  ]\n}\n", b"]\n}\n"
    return b"", b"", b""


class DumpWriter:
    """Writes one dump to a temporary file beside ``path``, in order, then renames it.

    :meth:`loose` records (subjects of no part) wait until a run with a greater key comes;
    :meth:`close` writes the rest and the footer; :meth:`commit` renames the file into place.
    ``context`` is the JSON-LD dump's ``"@context"`` (a URL, or the context itself); the
    shipped context, inline, when ``None``.
    """

    def __init__(
        self,
        fmt: OutputFormat,
        path: Path,
        temporary: Path,
        *,
        base: str,
        context: str | Mapping[str, Any] | None = None,
    ) -> None:
        self.format = fmt
        self.path = path
        self.temporary = temporary
        if context is None:
            context = read_context()["@context"]
        self._head, self._tail, self._empty_tail = dump_frame(fmt, base, context)
        self._handle: BinaryIO | None = open(temporary, "xb")
        self._loose: Records = []
        self._last: Key | None = None
        self._written = 0
        self.size = 0
        self._append(self._head, record=False)

    def loose(self, records: Iterable[tuple[Key, bytes]]) -> None:
        """Records to merge in where they belong; a key seen before must have the same text."""
        merged = dict(self._loose)
        for key, text in records:
            if merged.setdefault(key, text) != text:
                raise OrderError(f"{self.format.name}: two different records for {key!r}")
        self._loose = sorted(merged.items())
        if self._loose and self._last is not None and self._loose[0][0] <= self._last:
            raise OrderError(f"{self.format.name}: {self._loose[0][0]!r} comes too late")

    def write(self, run: Run | None) -> None:
        """Append a part's run after the loose records that sort before it."""
        if run is None:
            return
        keys = [key for key, _ in self._loose]
        start = bisect.bisect_left(keys, run.first)
        if start < len(keys) and keys[start] <= run.last:
            raise OrderError(f"{self.format.name}: {keys[start]!r} falls inside a part")
        self._emit_loose(start)
        if self._last is not None and run.first <= self._last:
            raise OrderError(f"{self.format.name}: {run.first!r} comes too late")
        self._append(run.data)
        self._last = run.last

    def close(self) -> None:
        """Write the remaining loose records and the footer, and close the file."""
        self._emit_loose(len(self._loose))
        assert self._handle is not None
        self._append(self._tail if self._written else self._empty_tail, record=False)
        self._handle.close()
        self._handle = None

    def commit(self) -> None:
        """Move the finished dump into place."""
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Close and delete the temporary file (the old dump, if any, stays)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.temporary.unlink(missing_ok=True)

    def _emit_loose(self, count: int) -> None:
        for key, text in self._loose[:count]:
            self._append(text)
            self._last = key
        del self._loose[:count]

    def _append(self, data: bytes, *, record: bool = True) -> None:
        assert self._handle is not None
        if record and not self._written and self.format.name == "jsonld":
            data = data[1:]  # the first node object has no comma before it
        self._handle.write(data)
        self.size += len(data)
        self._written += record and bool(data)
