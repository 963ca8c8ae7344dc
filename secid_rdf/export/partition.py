"""An export's parts: which namespaces go together, and converting them in worker processes.

A part is a run of namespaces of one SecID type, in IRI order, of at most
:data:`PART_SIZE` namespaces and about :data:`PART_WEIGHT` model objects. Namespaces
whose IRIs extend one another (``.../advisory/github.com`` and
``.../advisory/github.com%2Fadvisories``) stay in one part: their subjects interleave in
sorted order. So the parts' records follow one another in every dump format (see
:mod:`secid_rdf.export.dump_files`).

A :class:`PartPool` forks its workers before the registry is read, and hands each part's
namespaces to the next worker that is free, through a pipe; results come back in part
order. Workers forked after the read would share the
parent's model page by page, and copy most of those pages as soon as they touch a
reference count or reuse a freed block: with a large registry, each worker would end up
holding the whole model again. Each worker also makes its namespaces' pages; the parent,
which mostly waits, writes them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, cast

from pyoxigraph import NamedNode, Quad

from secid_rdf.convert.builder import convert_part
from secid_rdf.export.dump_files import Run, part_run, triples_run
from secid_rdf.findings import Finding, SecidRdfError
from secid_rdf.formats.context import read_context
from secid_rdf.formats.dataset import DatasetStats
from secid_rdf.formats.jsonld import Compactor, group_by_subject
from secid_rdf.formats.pages import Page, iter_pages, page_path
from secid_rdf.formats.serialize import FORMATS, distinct_triples
from secid_rdf.iris import namespace_iri
from secid_rdf.model import MatchNode, Namespace
from secid_rdf.read.registry import ParsedFiles, parse_namespace_files

__all__ = [
    "PART_SIZE",
    "PART_WEIGHT",
    "PartPool",
    "PartResult",
    "PartSettings",
    "namespace_weight",
    "page_owners",
    "plan_parts",
]

PART_SIZE = 200
"""Most namespaces in a part: bounds the memory a part takes in a worker."""

PART_WEIGHT = 600
"""Model objects a part aims at (:func:`namespace_weight`): parts of about equal work, so
no worker is left with a long part while the other waits at the end."""


@dataclass(frozen=True)
class PartSettings:
    """What converting any part needs; sent once to each worker.

    :param formats: names of the dump formats to make runs for.
    :param known: the registry's ``(type, namespace)`` pairs (SecID references).
    :param with_pages: whether to make the namespace pages.
    :param context_url: where the JSON-LD context is published, for documents to name it;
        ``None`` puts it inline.
    """

    base: str
    formats: tuple[str, ...]
    known: frozenset[tuple[str, str]]
    commit: str | None
    with_pages: bool
    context_url: str | None = None


@dataclass(frozen=True)
class PartResult:
    """One converted part: a run per format name, counts, concepts, findings, pages."""

    runs: dict[str, Run | None]
    stats: DatasetStats
    concepts: list[Quad]
    findings: list[Finding]
    pages: list[Page]


def namespace_weight(namespace: Namespace) -> int:
    """How much converting a namespace takes, roughly: the model objects that become triples.

    Measured on both corpora and synthetic registries, the time per unit stays within a
    factor of about two, where namespaces alone differ by a factor of fifty.
    """
    own = namespace.urls, namespace.extras, namespace.examples, namespace.id_patterns
    return 1 + sum(map(len, own)) + sum(map(_node_weight, namespace.sources))


def _node_weight(node: MatchNode) -> int:
    own = node.urls, node.examples, node.versions, node.extras, node.id_patterns, node.patterns
    return 1 + sum(map(len, own)) + sum(map(_node_weight, node.children))


def plan_parts(
    namespaces: Sequence[Namespace], base: str, size: int | None = None
) -> list[list[Namespace]]:
    """Split namespaces into parts: one type each, IRI order, related IRIs together.

    A part ends once it holds ``size`` namespaces (default :data:`PART_SIZE`) or weighs
    :data:`PART_WEIGHT`. Inside a part, namespaces keep the order of ``namespaces`` (the
    registry's), so a duplicate is reported against the same first definition as in a
    whole conversion.

    :param size: namespaces per part at most; a part grows beyond it only to keep related
        IRIs together.
    """
    size = size or PART_SIZE
    order = {id(namespace): index for index, namespace in enumerate(namespaces)}
    by_type: dict[str, list[tuple[str, Namespace]]] = {}
    for namespace in namespaces:
        iri = namespace_iri(base, namespace.type, namespace.namespace).value
        by_type.setdefault(namespace.type, []).append((iri, namespace))
    parts: list[list[Namespace]] = []
    for type_name in sorted(by_type):
        part: list[Namespace] = []
        weight = 0
        root: str | None = None
        for iri, namespace in sorted(by_type[type_name], key=lambda item: item[0]):
            if root is None or not iri.startswith(root):
                root = iri
                if len(part) >= size or weight >= PART_WEIGHT:
                    parts.append(part)
                    part, weight = [], 0
            part.append(namespace)
            weight += namespace_weight(namespace)
        if part:
            parts.append(part)
    return [sorted(part, key=lambda namespace: order[id(namespace)]) for part in parts]


def page_owners(namespaces: Sequence[Namespace]) -> frozenset[tuple[str, str]]:
    """The ``(type, namespace)`` pairs that write a page: the first of each page path."""
    owners: dict[object, tuple[str, str]] = {}
    for namespace in namespaces:
        owners.setdefault(
            page_path(namespace.type, namespace.namespace), (namespace.type, namespace.namespace)
        )
    return frozenset(owners.values())


_compactor: Compactor | None = None
"""This process's compactor (its caches serve every part the process converts)."""


def _convert(
    settings: PartSettings, task: tuple[list[Namespace], list[tuple[str, str]]]
) -> PartResult:
    """Convert one part: its runs, counts, concepts, findings and pages."""
    global _compactor
    if _compactor is None or _compactor.context_url != settings.context_url:
        _compactor = Compactor(read_context()["@context"], context_url=settings.context_url)
    namespaces, pages_of = task
    converted = convert_part(
        namespaces, known=settings.known, commit=settings.commit, base=settings.base
    )
    triples = distinct_triples(converted.quads)
    by_subject = group_by_subject(triples)
    # compacted once, for the JSON-LD dump and the pages
    layouts = {subject: _compactor.layout(of_subject) for subject, of_subject in by_subject.items()}
    runs: dict[str, Run | None] = {}
    for name in sorted(settings.formats, key=lambda name: name != "nquads"):
        if name == "ntriples" and "nquads" in runs and converted.quads:
            graph = converted.quads[0].graph_name
            if isinstance(graph, NamedNode):
                runs[name] = triples_run(runs["nquads"], graph.value)
                if runs[name] is not None:
                    continue
        runs[name] = part_run(
            FORMATS[name],
            converted.quads,
            triples,
            base=settings.base,
            compactor=_compactor,
            layouts=layouts.values(),
        )
    stats = DatasetStats(settings.base)
    stats.add(converted.quads, triples)
    pages = (
        list(
            iter_pages(
                by_subject, pages_of, base=settings.base, compactor=_compactor, layouts=layouts
            )
        )
        if settings.with_pages
        else []
    )
    return PartResult(runs, stats, converted.concepts, converted.findings, pages)


_AHEAD = 2
"""Parts a worker holds at once: the one it converts and the next."""


def _serve(connection: Connection) -> None:
    """A worker's loop: settings, then files to parse or parts to convert, until ``None``.

    Answers leave through a :class:`_Sender`: while the parent reads one (megabytes,
    through a pipe), the worker already converts its next part.
    """
    settings: PartSettings | None = None
    sender = _Sender(connection)
    while (task := connection.recv()) is not None:
        if isinstance(task, PartSettings):
            settings = task
            continue
        index, (kind, body) = task
        try:
            if kind == _PARSE:
                answer: _Answer = (index, parse_namespace_files(body), None)
            else:
                assert settings is not None
                answer = (index, _convert(settings, body), None)
        except Exception as error:
            answer = (index, None, error)
        try:
            data = _pickled(answer)
        except Exception as error:
            data = _pickled((index, None, SecidRdfError(f"a worker failed: {error!r}")))
        sender.put(data)
    sender.stop()


def _pickled(message: object) -> memoryview:
    """``message`` as :meth:`Connection.recv` reads it back (a view: results are megabytes)."""
    return ForkingPickler.dumps(message)


_PARSE = "parse"
_CONVERT = "convert"
"""What a task asks of a worker: parse namespace files, or convert a part."""

FILES_PER_TASK = 100
"""Namespace files a worker parses per task."""

_Answer = tuple[int | None, Any, BaseException | None]
"""A worker's answer: the task's index, its result or the error it raised."""

_STOP = object()
"""Tells a sender thread to end."""


class _Sender:
    """A thread that sends pickled messages (:func:`_pickled`) through one connection.

    Neither end then blocks on a full pipe: a worker blocks writing a large result until
    the parent reads it; were the parent blocked writing the next part to that worker
    meanwhile, neither would move.
    """

    def __init__(self, connection: Connection) -> None:
        self._queue: queue.SimpleQueue[memoryview | object] = queue.SimpleQueue()
        self._connection = connection
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def put(self, data: memoryview) -> None:
        """Queue a pickled message."""
        self._queue.put(data)

    def stop(self) -> None:
        """End the thread once the queued messages are sent."""
        self._queue.put(_STOP)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while (data := self._queue.get()) is not _STOP:
            try:
                self._connection.send_bytes(cast(memoryview, data))
            except OSError:  # the other end was closed after an error
                return


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


class PartPool:
    """Processes that convert parts, forked when made (before the registry is read).

    :param jobs: processes to use; by default one per available core. With 1, or where
        the platform cannot fork, parts are converted in this process.
    """

    def __init__(self, jobs: int | None = None) -> None:
        workers = jobs or _cores()
        if "fork" not in multiprocessing.get_all_start_methods():
            workers = 1
        self._processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        self._senders: list[_Sender] = []
        self._busy = False
        if workers <= 1:
            return
        context = multiprocessing.get_context("fork")
        for _ in range(workers):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_serve, args=(child_end,), daemon=True)
            process.start()
            child_end.close()
            self._processes.append(process)
            self._connections.append(parent_end)

    def __enter__(self) -> PartPool:
        """The pool itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the workers."""
        self.close()

    def close(self) -> None:
        """Stop the workers; any part still running is abandoned."""
        for connection in self._connections:
            if not self._busy:
                with contextlib.suppress(OSError):
                    connection.send(None)
        for process in self._processes:
            if self._busy:
                process.terminate()
        self._stop_senders()  # after terminate: a sender blocked on a full pipe gets EPIPE
        for connection in self._connections:
            connection.close()
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        self._processes = []
        self._connections = []

    def run(
        self,
        settings: PartSettings,
        parts: Sequence[Sequence[Namespace]],
        page_namespaces: frozenset[tuple[str, str]],
    ) -> Iterator[PartResult]:
        """The result of each part, in part order.

        The workers get their first parts at once, so they convert while the caller does
        other work before it reads the first result.

        :param page_namespaces: the ``(type, namespace)`` pairs whose pages to write.
        :raises SecidRdfError: (or any error of a part) when a part fails.
        """
        tasks = [
            (
                list(part),
                [
                    (ns.type, ns.namespace)
                    for ns in part
                    if (ns.type, ns.namespace) in page_namespaces
                ],
            )
            for part in parts
        ]
        if not self._connections:
            return (_convert(settings, task) for task in tasks)
        return self._start(settings, [(_CONVERT, task) for task in tasks])

    def parse_files(self, files: Sequence[tuple[str, str]]) -> ParsedFiles:
        """Parse namespace files in the workers (:data:`reader.FileParser`)."""
        if not self._connections or len(files) <= FILES_PER_TASK:
            return parse_namespace_files(files)
        chunks = [
            (_PARSE, list(files[start : start + FILES_PER_TASK]))
            for start in range(0, len(files), FILES_PER_TASK)
        ]
        namespaces: list[Namespace | None] = []
        findings: list[Finding] = []
        for parsed, found in self._start(None, chunks):
            namespaces += parsed
            findings += found
        return namespaces, findings

    def _start(self, settings: PartSettings | None, tasks: Sequence[object]) -> Iterator[Any]:
        """Send each worker its first tasks (after ``settings``, if any) now.

        :returns: the results of ``tasks`` in task order, each worker getting its next task
            as it answers.
        """
        self._busy = True
        self._senders = [_Sender(connection) for connection in self._connections]
        unsent = iter(range(len(tasks)))

        def send_next(worker: int) -> None:
            index = next(unsent, None)
            if index is not None:
                self._senders[worker].put(_pickled((index, tasks[index])))

        if settings is not None:
            message = _pickled(settings)
            for sender in self._senders:
                sender.put(message)
        for _ in range(_AHEAD):  # a first task for every worker before any gets a second
            for worker in range(len(self._senders)):
                send_next(worker)
        return self._collect(len(tasks), send_next)

    def _collect(self, count: int, send_next: Callable[[int], None]) -> Iterator[Any]:
        """Yield the results of tasks ``0 .. count - 1`` in order, keeping workers busy.

        Each worker holds up to :data:`_AHEAD` tasks, so it never waits for its next one.
        """
        connections = self._connections
        done: dict[int, Any] = {}
        try:
            for index in range(count):
                while index not in done:
                    for connection in cast(list[Connection], wait(connections)):
                        answered, result, error = self._receive(connection)
                        if error is not None:
                            raise error
                        assert answered is not None
                        done[answered] = result
                        send_next(connections.index(connection))
                yield done.pop(index)
        finally:
            self._stop_senders()
        self._busy = False

    def _stop_senders(self) -> None:
        for sender in self._senders:
            sender.stop()
        self._senders = []

    @staticmethod
    def _receive(connection: Connection) -> _Answer:
        try:
            answer: _Answer = connection.recv()
        except (EOFError, OSError) as error:
            raise SecidRdfError("a worker process ended unexpectedly") from error
        return answer
