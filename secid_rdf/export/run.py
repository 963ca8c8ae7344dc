"""``secid-rdf export``: read a registry, convert it, and write every output file.

The registry is converted part by part (:mod:`secid_rdf.export.partition`), in several processes
where the platform allows, and each dump grows part by part in a temporary file beside it
(:mod:`secid_rdf.export.dump_files`), so memory holds the model and one part per process, never a
whole dump. Every file is renamed into place only when complete, so an interrupted or
failed run leaves every file either as it was or complete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from pyoxigraph import Quad

from secid_rdf import __version__
from secid_rdf.convert.builder import convert_types, registry_to_graph
from secid_rdf.export.atomic_files import temporary_path, write_atomic
from secid_rdf.export.dump_files import DumpWriter
from secid_rdf.export.output_folder import OutputFolder
from secid_rdf.export.page_files import write_page
from secid_rdf.export.partition import (
    PartSettings,
    converting,
    page_owners,
    parse_in,
    plan_parts,
)
from secid_rdf.export.site_files import write_site_files
from secid_rdf.export.workers import Workers
from secid_rdf.findings import (
    Finding,
    SecidRdfError,
    Severity,
    UnsupportedFormatError,
    sort_findings,
)
from secid_rdf.formats.context import context_to_text, with_base
from secid_rdf.formats.dataset import (
    CC0_IRI,
    DatasetInfo,
    DatasetStats,
    Distribution,
    default_dump_base,
    describe_dataset,
)
from secid_rdf.formats.dump_format import GraphPart, OutputFormat
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.formats.serialize import FORMATS, serialize
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.model import Registry
from secid_rdf.read.git import commit_date
from secid_rdf.read.registry import cyclic_gc_paused, read_registry
from secid_rdf.site.htaccess import RULE_FILES, check_rule_urls, write_rules
from secid_rdf.site.part_pages import page_stems
from secid_rdf.site.site_pages import write_site_pages
from secid_rdf.site.summary import NamespaceSummary
from secid_rdf.vocab import VOCAB_NAMESPACE

__all__ = [
    "CONTEXT_FILE",
    "DATASET_FILE",
    "ExportOptions",
    "ExportResult",
    "ExportedGraph",
    "export_registry",
    "registry_to_quads",
    "write_export",
]

CONTEXT_FILE = "context.jsonld"
DATASET_FILE = "void.ttl"


@dataclass(frozen=True)
class ExportedGraph:
    """A registry converted in memory: its named-graph quads and every finding met."""

    registry: Registry
    quads: tuple[Quad, ...]
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        """True when reading or converting met an error (the rest was still converted)."""
        return any(finding.severity is Severity.ERROR for finding in self.findings)


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """What to write: formats (keys of :data:`FORMATS`), IRIs, pages, dataset metadata.

    ``dump_base`` defaults to :func:`secid_rdf.formats.dataset.default_dump_base` of ``base``;
    ``modified`` to the registry's commit date when the registry is in a git work tree;
    ``jobs`` (processes converting parts) to one per available core. JSON-LD documents
    carry their context inline unless ``context_url`` says where it is published. The site
    is published at ``site_url`` (the base by default): the redirect rules, written only
    when it is not the base, point there.
    """

    formats: tuple[str, ...] = tuple(FORMATS)
    base: str = DEFAULT_BASE
    dump_base: str | None = None
    include_pages: bool = True
    modified: str | None = None
    license: str = CC0_IRI
    jobs: int | None = None
    context_url: str | None = None
    site_url: str | None = None

    def compactor(self) -> Compactor:
        """The JSON-LD compactor of these options (the shipped context, inline or by URL)."""
        return Compactor(with_base(self.base), context_url=self.context_url)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (paths relative to ``out_dir``) and what it found."""

    out_dir: Path
    files: tuple[str, ...]
    triples: int
    pages: int
    findings: tuple[Finding, ...]
    removed: tuple[str, ...] = ()
    """Files of the previous export that this one does not write, now gone."""

    @property
    def has_errors(self) -> bool:
        """True when some registry files had errors (exit code 1)."""
        return any(finding.severity is Severity.ERROR for finding in self.findings)


def registry_to_quads(
    registry_path: Path,
    *,
    base: str = DEFAULT_BASE,
    include_description: bool = False,
    commit: str | None = None,
) -> ExportedGraph:
    """Read and convert a registry: the quads every export file is written from.

    :param include_description: add the dataset description (VoID/DCAT/PROV counts) in its
        own graph, as a store loading the graph wants it; it names no dump files, since
        none were written.
    :param commit: the git commit the files were taken from, for a folder that is not a
        work tree (a revision written out by ``git archive``).
    :raises RegistryNotFoundError: when ``registry_path`` is not a folder.
    """
    registry = read_registry(registry_path)
    if commit is not None:
        registry = dataclasses.replace(registry, commit=commit, digest=None)
    conversion = registry_to_graph(registry, base=base)
    quads = tuple(conversion.quads)
    if include_description:
        info = DatasetInfo(
            base=base,
            dump_base=default_dump_base(base),
            commit=registry.commit,
            digest=registry.digest,
            version=__version__,
        )
        quads += tuple(describe_dataset(DatasetStats.of(quads, base), (), info))
    findings = sort_findings([*registry.findings, *conversion.findings])
    return ExportedGraph(registry, quads, tuple(findings))


@contextlib.contextmanager
def _progress(length: int, *, show: bool) -> Iterator[Callable[[], None]]:
    """A function that advances a progress bar on stderr by one step (a no-op when hidden)."""
    if not show:
        yield lambda: None
        return
    with click.progressbar(length=length, label="writing", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def export_registry(
    registry_path: Path,
    out_dir: Path,
    options: ExportOptions | None = None,
    *,
    show_progress: bool | None = None,
) -> ExportResult:
    """Export a registry: dumps, context, namespace pages and the dataset description.

    :param registry_path: the registry folder.
    :param out_dir: the folder to write into (created when missing).
    :param options: formats, IRIs, pages, dataset metadata; defaults write everything.
    :param show_progress: show a progress bar on stderr; by default only on a terminal.
    :returns: the files written and every finding from reading and converting.
    :raises RegistryNotFoundError: when ``registry_path`` is not a folder.
    :raises UnsupportedFormatError: for an unknown format name.
    :raises InvalidIriError: when the base or site URL is no http(s) URL.
    """
    options = options or ExportOptions()
    unknown = [name for name in options.formats if name not in FORMATS]
    if unknown:
        raise UnsupportedFormatError(unknown[0], tuple(sorted(FORMATS)))
    check_rule_urls(options.base, options.site_url)
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    with cyclic_gc_paused():  # as in reading: many long-lived objects, few cycles
        return _export(registry_path, out_dir, options, show_progress=show_progress)


def _export(
    registry_path: Path, out_dir: Path, options: ExportOptions, *, show_progress: bool
) -> ExportResult:
    """The steps of :func:`export_registry`, once the options are checked."""
    # workers forked before the read (see secid_rdf.export.workers) and before the lock
    with Workers(options.jobs) as workers, _output_folder(out_dir) as folder:
        registry = read_registry(registry_path, parse=parse_in(workers))
        return _write(registry, folder, out_dir, options, workers, show_progress)


def write_export(
    registry: Registry,
    out_dir: Path,
    options: ExportOptions,
    workers: Workers,
    *,
    show_progress: bool = False,
) -> ExportResult:
    """Write every file of an export of a registry already read, converting in ``workers``.

    :raises SecidRdfError: when a file cannot be written or a part fails.
    """
    with _output_folder(out_dir) as folder:
        return _write(registry, folder, out_dir, options, workers, show_progress)


def _output_folder(out_dir: Path) -> OutputFolder:
    """The output folder, owning every file an export may write at its top."""
    dumps = [fmt.file_name for fmt in FORMATS.values()]
    return OutputFolder(out_dir, [*dumps, CONTEXT_FILE, DATASET_FILE, *RULE_FILES])


def _write(
    registry: Registry,
    folder: OutputFolder,
    out_dir: Path,
    options: ExportOptions,
    workers: Workers,
    show_progress: bool,
) -> ExportResult:
    """Write the export into the folder's new version, then swap it in."""
    selected = [fmt for name, fmt in FORMATS.items() if name in options.formats]
    try:
        written = _write_files(registry, folder, selected, options, workers, show_progress)
        folder.commit()
    except SecidRdfError as error:
        raise folder.public(error) from error
    files = [fmt.file_name for fmt in selected] + [CONTEXT_FILE, DATASET_FILE]
    files += written.pages
    findings = sort_findings([*registry.findings, *written.findings])
    return ExportResult(
        out_dir,
        tuple(sorted(files)),
        written.stats.triples,
        len(written.summaries),
        tuple(findings),
        tuple(folder.removed),
    )


def _write_files(
    registry: Registry,
    folder: OutputFolder,
    selected: list[OutputFormat],
    options: ExportOptions,
    workers: Workers,
    show_progress: bool,
) -> _Written:
    """Every file of the export, complete, in the folder's new version."""
    staging = folder.staging
    written = _write_in_parts(registry, folder, selected, options, show_progress, workers)
    try:
        info = _dataset_info(registry, options)
        distributions = [Distribution(writer.format, writer.size) for writer in written.dumps]
        described = list(describe_dataset(written.stats, distributions, info))
        description = serialize(described, "turtle", base=info.base)
        context = context_to_text({"@context": with_base(options.base)}).encode("utf-8")
        for writer in written.dumps:
            writer.commit()
    finally:
        for writer in written.dumps:
            writer.discard()
    write_atomic(staging / CONTEXT_FILE, context)
    write_atomic(staging / DATASET_FILE, description)
    written.pages += write_rules(staging, options.base, options.site_url)
    if options.include_pages:
        written.pages += write_site_pages(
            staging,
            written.summaries,
            base=options.base,
            void_graph=described,
            vocabulary=written.vocabulary,
            compactor=options.compactor(),
            previous=folder.previous,
        )
    return written


@dataclass
class _Written:
    """What writing the dumps and pages gave: unfinished dumps, counts, findings, pages.

    ``pages`` are the site's files written (its rule files too); ``summaries`` the
    namespaces with a page; ``vocabulary`` the quads of no part (the types and the
    concepts) the type pages read.
    """

    dumps: list[DumpWriter]
    stats: DatasetStats
    findings: list[Finding]
    pages: list[str]
    summaries: list[NamespaceSummary]
    vocabulary: list[Quad]


def _dataset_info(registry: Registry, options: ExportOptions) -> DatasetInfo:
    """The description's metadata: options, and the registry's commit and its date."""
    modified = options.modified
    if modified is None and registry.commit is not None:
        modified = commit_date(registry.root, registry.commit)
    return DatasetInfo(
        base=options.base,
        dump_base=options.dump_base or default_dump_base(options.base),
        license=options.license,
        modified=modified,
        commit=registry.commit,
        digest=registry.digest,
        version=__version__,
    )


def _open_dumps(
    out_dir: Path, selected: list[OutputFormat], options: ExportOptions
) -> list[DumpWriter]:
    """A writer per format, each on a new temporary file beside its dump.

    The concepts' records come last, but may sort before some parts' records: those parts
    wait in the writer (see :class:`~secid_rdf.export.dump_files.DumpWriter`).
    """
    writers: list[DumpWriter] = []
    compactor = options.compactor()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in selected:
            path = out_dir / fmt.file_name
            late = fmt.key_prefix(VOCAB_NAMESPACE, compactor)
            writers.append(
                DumpWriter(
                    fmt,
                    path,
                    temporary_path(path),
                    base=options.base,
                    compactor=compactor,
                    late=late,
                )
            )
    except OSError as error:
        for writer in writers:
            writer.discard()
        raise SecidRdfError(f"cannot write in {out_dir}: {error.strerror or error}") from error
    return writers


def _add_loose(
    writers: list[DumpWriter], quads: list[Quad], stats: DatasetStats, base: str
) -> None:
    """Quads about subjects of no part (types, concepts): loose records, and their counts."""
    part = GraphPart(quads, base=base)
    for writer in writers:
        writer.loose(writer.format.records(part))
    stats.add(quads, part.triples)


def _write_in_parts(
    registry: Registry,
    folder: OutputFolder,
    selected: list[OutputFormat],
    options: ExportOptions,
    show_progress: bool,
    workers: Workers,
) -> _Written:
    """Convert the registry part by part, appending each part to the dumps as it comes."""
    out_dir = folder.staging
    parts = plan_parts(registry.namespaces, options.base)
    with_pages = options.include_pages
    settings = PartSettings(
        base=options.base,
        formats=tuple(fmt.name for fmt in selected),
        commit=registry.commit,
        with_pages=with_pages,
        context_url=options.context_url,
        page_stems=page_stems(options.base, registry.namespaces) if with_pages else frozenset(),
    )
    owners = page_owners(registry.namespaces, options.base) if with_pages else frozenset()
    writers = _open_dumps(out_dir, selected, options)
    written = _Written(writers, DatasetStats(options.base), [], [], [], [])
    try:
        # the workers start on the parts now
        with converting(workers, settings, parts, owners, str(out_dir)) as results:
            types = convert_types(registry, base=options.base)
            _add_loose(writers, types.quads, written.stats, options.base)
            written.findings += types.findings
            concepts: dict[Quad, None] = {}
            with _progress(len(parts), show=show_progress) as step:
                for result in results:
                    for writer in writers:
                        writer.write(result.runs[writer.format.name])
                    written.stats.update(result.stats)
                    concepts.update(dict.fromkeys(result.concepts))
                    written.findings += result.findings
                    for page in result.pages:
                        written.pages += write_page(out_dir, page, folder.previous)
                    written.summaries += result.summaries
                    step()
        _add_loose(writers, list(concepts), written.stats, options.base)
        if with_pages:
            written.vocabulary = [*types.quads, *concepts]
            written.pages += write_site_files(
                out_dir,
                types.quads,
                base=options.base,
                compactor=options.compactor(),
                previous=folder.previous,
            )
        for writer in writers:
            writer.close()
    except BaseException:
        for writer in writers:
            writer.discard()
        raise
    return written
