"""Dump files written part by part, in the order the whole-graph serialiser gives.

Every dump format is a header, records in a fixed order and a footer: sorted lines for
N-Triples and N-Quads, one block per subject for Turtle, one node object per subject for
JSON-LD. An export converts a registry in parts whose subjects never mix, turns each part
into sorted records (:func:`part_records`), and a :class:`DumpWriter` appends them to a
temporary file, so no dump is ever whole in memory.

Parts come in key order (see :func:`secid_rdf.export.partition.plan_parts`); a few
subjects that belong to no namespace are merged in between as loose records. Those of the
type resources are known before the first part; those of the concepts (URL kinds, tags)
only once every part is converted, but all their keys start with one prefix, the concept
namespace's: a run that sorts after that prefix waits in a second temporary file, which
is appended behind the concepts at the end (with the default base no run does). The
writer checks the order as it goes and raises :class:`OrderError` if it would break.
"""

from __future__ import annotations

import bisect
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import NamedNode, Quad, Triple

from secid_rdf.findings import SecidRdfError
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
    "key_prefix",
    "part_records",
    "part_run",
    "record_separator",
    "to_run",
    "triples_run",
]

Key = str
Records = list[tuple[Key, bytes]]
"""Sorted ``(key, text)`` pairs of one format; joined in order they are the dump body.

The key of a line is the line decoded as Latin-1, which keeps the bytes' order.
"""

_JSONLD_INDENT = b"\n    "
"""What comes before each node object of a flat JSON-LD document (a comma goes between)."""


class OrderError(SecidRdfError):
    """A part or record would be written out of order.

    A bug, or a base IRI the order cannot serve: one inside the concept namespace.
    """


@dataclass(frozen=True)
class Run:
    """The records of one part in one format, joined: their text and first and last keys."""

    data: bytes
    first: Key
    last: Key


def to_run(records: Records, separator: bytes = b"") -> Run | None:
    """The records joined into one run, or ``None`` when there are none."""
    if not records:
        return None
    return Run(separator.join(text for _, text in records), records[0][0], records[-1][0])


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
    return [(node["@id"], _JSONLD_INDENT + json_text(node, 2).encode("utf-8")) for node in nodes]


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
            part_records(fmt, quads, triples, base=base, compactor=compactor, layouts=layouts),
            record_separator(fmt),
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


def record_separator(fmt: OutputFormat) -> bytes:
    """What goes between two records of a dump."""
    return b"," if fmt.name == "jsonld" else b""


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


def key_prefix(fmt: OutputFormat, iri: str, compactor: Compactor) -> Key:
    """What the key of every record of a subject whose IRI starts with ``iri`` starts with."""
    if fmt.name in ("nquads", "ntriples"):
        return "<" + iri
    if fmt.name == "turtle":
        return iri
    return compactor.subject(NamedNode(iri + "x"))[:-1]


class DumpWriter:
    """Writes one dump to a temporary file beside ``path``, in order, then renames it.

    :meth:`loose` records (subjects of no part) wait until a run with a greater key comes;
    :meth:`close` writes the rest and the footer; :meth:`commit` renames the file into place.
    ``context`` is the JSON-LD dump's ``"@context"`` (a URL, or the context itself); the
    shipped context, inline, when ``None``.

    :param late: the prefix of the keys of loose records that may come after the runs:
        runs that sort after every such key wait in a second temporary file.
    """

    def __init__(
        self,
        fmt: OutputFormat,
        path: Path,
        temporary: Path,
        *,
        base: str,
        context: str | Mapping[str, Any] | None = None,
        late: Key | None = None,
    ) -> None:
        self.format = fmt
        self.path = path
        self.temporary = temporary
        self.held_path = Path(f"{temporary}.held")
        if context is None:
            context = read_context()["@context"]
        head, self._tail, self._empty_tail = dump_frame(fmt, base, context)
        self._separator = record_separator(fmt)
        self._late = late
        self._loose: Records = []
        self._last: Key | None = None
        self._held_keys: tuple[Key, Key] | None = None
        self._main_last: Key | None = None
        self._files: list[BinaryIO] = [open(temporary, "xb")]
        self._records = [0, 0]
        self.size = len(head)
        self._files[0].write(head)

    def loose(self, records: Iterable[tuple[Key, bytes]]) -> None:
        """Records to merge in where they belong; a key seen before must have the same text."""
        merged = dict(self._loose)
        for key, text in records:
            if merged.setdefault(key, text) != text:
                raise OrderError(f"{self.format.name}: two different records for {key!r}")
        self._loose = sorted(merged.items())

    def write(self, run: Run | None) -> None:
        """Append a part's run after the loose records that sort before it."""
        if run is None:
            return
        if self._held_keys is None and self._late is not None and run.last >= self._late:
            if run.first < self._late or run.first.startswith(self._late):
                raise OrderError(f"{self.format.name}: {run.first!r} falls among the concepts")
            self._files.append(open(self.held_path, "xb+"))
            self._held_keys = (run.first, run.last)
            self._main_last = self._last
            self._append(run.data)  # the loose records before it wait for close()
            self._last = run.last
            return
        waiting = 0 if self._held_keys is None else self._loose_before(*self._held_keys)
        self._emit_loose(waiting, self._loose_before(run.first, run.last))
        if self._last is not None and run.first <= self._last:
            raise OrderError(f"{self.format.name}: {run.first!r} comes too late")
        self._append(run.data)
        self._last = run.last
        if self._held_keys is not None:
            self._held_keys = (self._held_keys[0], run.last)

    def close(self) -> None:
        """Write the remaining loose records, the held runs and the footer; close the file."""
        if self._held_keys is not None:
            held = self._files.pop()
            first, last = self._held_keys
            self._last = self._main_last
            self._emit_loose(0, self._loose_before(first, last))
            if self._records[0] and self._records[1]:
                self._files[0].write(self._separator)
                self.size += len(self._separator)
            held.seek(0)
            shutil.copyfileobj(held, self._files[0])
            held.close()
            self.held_path.unlink()
            self._records[0] += self._records[1]
            self._held_keys = None
            self._last = last
        self._emit_loose(0, len(self._loose))
        tail = self._tail if self._records[0] else self._empty_tail
        self._files[0].write(tail)
        self.size += len(tail)
        self._files.pop().close()

    def commit(self) -> None:
        """Move the finished dump into place."""
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Close and delete the temporary files (the old dump, if any, stays)."""
        while self._files:
            self._files.pop().close()
        self.temporary.unlink(missing_ok=True)
        self.held_path.unlink(missing_ok=True)

    def _loose_before(self, first: Key, last: Key) -> int:
        """How many loose records sort before a run from ``first`` to ``last``.

        :raises OrderError: when a loose record falls inside the run.
        """
        keys = [key for key, _ in self._loose]
        start = bisect.bisect_left(keys, first)
        if start < len(keys) and keys[start] <= last:
            raise OrderError(f"{self.format.name}: {keys[start]!r} falls inside a part")
        return start

    def _emit_loose(self, start: int, end: int) -> None:
        """Write the loose records from index ``start`` to ``end`` (excluded)."""
        for key, text in self._loose[start:end]:
            if self._last is not None and key <= self._last:
                raise OrderError(f"{self.format.name}: {key!r} comes too late")
            self._append(text)
            self._last = key
        del self._loose[start:end]

    def _append(self, data: bytes) -> None:
        """Records (one, or a run of them joined) at the end of the current file."""
        if not data:
            return
        segment = len(self._files) - 1
        if self._records[segment]:
            self._files[segment].write(self._separator)
            self.size += len(self._separator)
        self._files[segment].write(data)
        self.size += len(data)
        self._records[segment] += 1
