"""Dump files written part by part, in the order the whole-graph serialiser gives.

Every dump format is a header, records in a fixed order and a footer
(:class:`~secid_rdf.formats.dump_format.OutputFormat`). An export converts a registry in
parts whose subjects never mix, turns each part into a run of sorted records, and a
:class:`DumpWriter` appends them to a temporary file, so no dump is ever whole in memory.

Parts come in key order (see :func:`secid_rdf.export.partition.plan_parts`); a few
subjects that belong to no namespace are merged in between as loose records. Those of the
type resources are known before the first part; those of the concepts (URL kinds, tags)
only once every part is converted, but all their keys start with one prefix, the concept
namespace's: a run that sorts after that prefix waits in a second temporary file, which
is appended behind the concepts at the end (with the default base, the runs of the types
that sort after ``vocab/``, such as ``weakness``, do). The
writer checks the order as it goes and raises :class:`OrderError` if it would break.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from secid_rdf.findings import SecidRdfError
from secid_rdf.formats.context import with_base
from secid_rdf.formats.dump_format import Key, OutputFormat, Records, Run
from secid_rdf.formats.jsonld import Compactor

__all__ = ["DumpWriter", "OrderError"]


class OrderError(SecidRdfError):
    """A part or record would be written out of order.

    A bug, or a base IRI the order cannot serve: one inside the concept namespace.
    """


class DumpWriter:
    """Writes one dump to a temporary file beside ``path``, in order, then renames it.

    :meth:`loose` records (subjects of no part) wait until a run with a greater key comes;
    :meth:`close` writes the rest and the footer; :meth:`commit` renames the file into place.

    :param compactor: the JSON-LD compactor (a JSON-LD dump's context is its context); by
        default one for the shipped context, inline.
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
        compactor: Compactor | None = None,
        late: Key | None = None,
    ) -> None:
        self.format = fmt
        self.path = path
        self.temporary = temporary
        self.held_path = Path(f"{temporary}.held")
        head = fmt.header(base, compactor or Compactor(with_base(base)))
        self._separator = fmt.separator
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
        """Append a part's run after the loose records that sort before it.

        :raises SecidRdfError: when the file cannot be written (disk full ...).
        """
        with self._naming_errors():
            self._write(run)

    def close(self) -> None:
        """Write the remaining loose records, the held runs and the footer; close the file.

        :raises SecidRdfError: when the file cannot be written.
        """
        with self._naming_errors():
            self._close()

    def _write(self, run: Run | None) -> None:
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

    def _close(self) -> None:
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
        tail = self.format.footer(empty=not self._records[0])
        self._files[0].write(tail)
        self.size += len(tail)
        self._files.pop().close()

    def commit(self) -> None:
        """Move the finished dump into place."""
        with self._naming_errors():
            os.replace(self.temporary, self.path)

    @contextlib.contextmanager
    def _naming_errors(self) -> Iterator[None]:
        """An error of the file system as one line that names the dump."""
        try:
            yield
        except OSError as error:
            raise SecidRdfError(f"cannot write {self.path}: {error.strerror or error}") from error

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
