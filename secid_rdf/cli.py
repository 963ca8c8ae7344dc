"""The ``secid-rdf`` command line: options, one API call, rendering, an exit code.

Exit codes everywhere: 0 clean, 1 the data has errors (the rest was still processed),
2 usage error or the run could not start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from secid_rdf import __version__
from secid_rdf.findings import Finding, SecidRdfError, Severity
from secid_rdf.formats.dataset import CC0_IRI
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.resolve.resolver import RESOLUTION_FORMATS
from secid_rdf.resources import bundled_registry_path
from secid_rdf.store.result_tables import RESULT_FORMATS, format_results
from secid_rdf.validate.report import REPORT_FORMATS
from secid_rdf.validate.shacl import ENGINES

if TYPE_CHECKING:
    from pyoxigraph import Quad

    from secid_rdf.store.sparql import Credentials

__all__ = ["main"]

REGISTRY_ARGUMENT = click.argument(
    "registry", required=False, type=click.Path(file_okay=False, path_type=Path)
)
"""Every command that reads a registry takes it so; a missing or empty folder exits 2."""

QUIET_OPTION = click.option(
    "-q", "--quiet", is_flag=True, help="Print only errors on stderr: no warnings or summary."
)


BASE_OPTION = click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    metavar="IRI",
    help="Base IRI of the data: <IRI><type>/<namespace>/<name>.",
)


def resolve_registry(registry: Path | None) -> Path:
    """The registry folder to use: the one given, or the bundled one."""
    return registry if registry is not None else bundled_registry_path()


def echo_findings(findings: Iterable[Finding], *, quiet: bool) -> None:
    """Findings on stderr, one line each; with ``quiet``, only the errors."""
    for finding in findings:
        if not quiet or finding.severity is Severity.ERROR:
            click.echo(str(finding), err=True)


def echo_note(message: str, *, quiet: bool) -> None:
    """A progress or summary line on stderr, unless ``quiet``."""
    if not quiet:
        click.echo(message, err=True)


class UnusableInputError(click.ClickException):
    """A :class:`SecidRdfError` shown as a one-line error: the run could not go on (exit 2)."""

    exit_code = 2


def not_utf8(text: str) -> str | None:
    """Where ``text`` (from the command line or the environment) holds a byte that is not UTF-8.

    >>> not_utf8("secid:advisory/x"), not_utf8("secid:advisory/\\udcff")
    (None, 'byte 0xff at character 16')
    """
    for index, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            return f"byte 0x{ord(char) - 0xDC00:02x} at character {index + 1}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"character U+{ord(text[error.start]):04X} at character {error.start + 1}"
    return None


class SecidRdfGroup(click.Group):
    """A click group that turns :class:`SecidRdfError` into a one-line error, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse an argument that is not UTF-8 before any command sees it.

        Python hands such bytes over as lone surrogates, which no later step can encode.
        The argument is not shown: it may be a password.
        """
        for position, argument in enumerate(args, 1):
            problem = not_utf8(argument)
            if problem is not None:
                raise UnusableInputError(f"argument {position} is not UTF-8 text: {problem}")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command, mapping :class:`SecidRdfError` to :class:`UnusableInputError`."""
        try:
            return super().invoke(ctx)
        except SecidRdfError as error:
            raise UnusableInputError(str(error)) from error


@click.group(cls=SecidRdfGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="secid-rdf")
def main() -> None:
    """Turn a SecID registry into a validated RDF knowledge graph.

    REGISTRY, where a command takes one, defaults to the registry bundled with secid-rdf.
    """


@main.command()
@REGISTRY_ARGUMENT
@QUIET_OPTION
def stats(registry: Path | None, quiet: bool) -> None:
    """Count what the registry holds: files, namespaces, sources, match nodes, URLs ...

    Counts go to stdout; problems met while reading go to stderr as
    PATH:LINE: SEVERITY: FIELD: message. Exit code 1 when a file had errors.

    \b
    Example:
      secid-rdf stats ../secid/registry
    """
    from secid_rdf.read.registry import read_registry
    from secid_rdf.read.stats import registry_stats

    read = read_registry(resolve_registry(registry))
    echo_findings(read.findings, quiet=quiet)
    click.echo(f"registry: {read.root}")
    click.echo(f"commit: {read.commit or 'unknown (not a git work tree)'}")
    for line in registry_stats(read).lines():
        click.echo(line)
    if any(finding.severity is Severity.ERROR for finding in read.findings):
        raise click.exceptions.Exit(1)


def check_modified(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Validate ``--modified`` as an xsd:date or xsd:dateTime."""
    from secid_rdf.formats.dataset import parse_modified

    if value is not None:
        try:
            parse_modified(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return value


@main.command()
@REGISTRY_ARGUMENT
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("secid-rdf-out"),
    show_default=True,
    help="Folder to write into (created when missing).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(sorted(FORMATS)),
    multiple=True,
    help="Dump format to write; repeat for several. Default: all.",
)
@BASE_OPTION
@click.option(
    "--dump-base",
    metavar="IRI",
    help="Where the files will be published, for void:dataDump. Default: dump/ beside --base.",
)
@click.option(
    "--no-pages", is_flag=True, help="Do not write pages/<type>/<namespace>.jsonld/.html."
)
@click.option(
    "--modified",
    callback=check_modified,
    metavar="DATE",
    help="dcterms:modified (YYYY-MM-DD or a date-time). Default: the registry's git commit date.",
)
@click.option(
    "--license",
    "license_iri",
    default=CC0_IRI,
    show_default=True,
    metavar="IRI",
    help="The registry's licence, for dcterms:license.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes converting the registry's parts. Default: one per available core.",
)
@click.option(
    "--context-url",
    metavar="IRI",
    help="Name the JSON-LD context by this URL (where context.jsonld is published) in the "
    "dump and pages, instead of carrying it inline.",
)
@QUIET_OPTION
def export(
    registry: Path | None,
    out_dir: Path,
    formats: tuple[str, ...],
    base: str,
    dump_base: str | None,
    no_pages: bool,
    modified: str | None,
    license_iri: str,
    jobs: int | None,
    context_url: str | None,
    quiet: bool,
) -> None:
    """Write the graph as Turtle, N-Triples, N-Quads and JSON-LD, with a page per namespace.

    Also writes context.jsonld (the JSON-LD context) and void.ttl (the dataset description).
    Exit code 1 when some registry files had errors (the rest is exported).

    \b
    Example:
      secid-rdf export --out site/ --format turtle --format jsonld
    """
    from secid_rdf.export.run import ExportOptions, export_registry
    from secid_rdf.export.stopping import ExportStoppedError, stopping_on_signals
    from secid_rdf.iris import absolute_iri, check_base

    options = ExportOptions(
        formats=formats or tuple(FORMATS),
        base=check_base(base),
        dump_base=check_base(dump_base) if dump_base is not None else None,
        include_pages=not no_pages,
        modified=modified,
        license=absolute_iri(license_iri).value,
        jobs=jobs,
        context_url=absolute_iri(context_url).value if context_url is not None else None,
    )
    try:
        with stopping_on_signals():
            result = export_registry(resolve_registry(registry), out_dir, options)
    except ExportStoppedError as stopped:
        click.echo(f"Error: {stopped}", err=True)
        raise click.exceptions.Exit(stopped.exit_code) from None
    echo_findings(result.findings, quiet=quiet)
    if result.removed:
        shown = ", ".join(result.removed[:3]) + (", ..." if len(result.removed) > 3 else "")
        echo_note(
            f"removed {len(result.removed)} file(s) of the previous export that this one "
            f"does not write: {shown}",
            quiet=quiet,
        )
    echo_note(
        f"wrote {len(result.files)} files to {result.out_dir}: {result.triples} triples, "
        f"pages for {result.pages} namespace(s)",
        quiet=quiet,
    )
    if result.has_errors:
        raise click.exceptions.Exit(1)


EXPORT_DIR_OPTION = click.option(
    "--from",
    "export_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Use an existing export folder (its secid.nq and void.ttl) instead of REGISTRY.",
)
STORE_USER_OPTION = click.option(
    "--user", help="User name, sent when the store asks for basic or digest authentication."
)
STORE_PASSWORD_OPTION = click.option(
    "--password",
    envvar="SECID_RDF_STORE_PASSWORD",
    show_envvar=True,
    help="Password for --user; prefer the environment variable, which stays out of shell history.",
)
STORE_TIMEOUT_OPTION = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds each request to the store may take in all (connect, send, whole answer).",
)
FOLLOW_REDIRECTS_OPTION = click.option(
    "--follow-redirects",
    is_flag=True,
    help="Follow redirects to another host, port or scheme too (same-origin ones always are).",
)


def store_credentials(user: str | None, password: str | None) -> Credentials | None:
    """Credentials from --user and --password (or its environment variable), if a user is given."""
    from secid_rdf.store.sparql import Credentials

    if user is None:
        return None
    if password is None:
        raise click.UsageError("--user needs --password or SECID_RDF_STORE_PASSWORD")
    if not_utf8(password) is not None:
        raise click.UsageError("the password (--password or SECID_RDF_STORE_PASSWORD) is not UTF-8")
    return Credentials(user, password)


def graph_quads(
    registry: Path | None,
    export_dir: Path | None,
    *,
    include_description: bool,
    quiet: bool = False,
) -> tuple[Sequence[Quad], bool]:
    """The quads to load or query, and whether converting REGISTRY met errors.

    They are read from an existing export (``--from``), or REGISTRY is converted in memory
    and its findings printed on stderr.
    """
    from secid_rdf.export.run import registry_to_quads
    from secid_rdf.store.sparql import read_export

    if export_dir is not None:
        if registry is not None:
            raise click.UsageError("give REGISTRY or --from, not both")
        return read_export(export_dir, include_description=include_description), False
    exported = registry_to_quads(
        resolve_registry(registry), include_description=include_description
    )
    echo_findings(exported.findings, quiet=quiet)
    return exported.quads, exported.has_errors


@main.command()
@REGISTRY_ARGUMENT
@click.option(
    "--store",
    "store_url",
    required=True,
    metavar="URL",
    help="The store's SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store).",
)
@EXPORT_DIR_OPTION
@click.option(
    "--graph-prefix",
    metavar="IRI",
    help="Name the graphs <IRI><type> and <IRI>void instead of the export's graph IRIs.",
)
@STORE_USER_OPTION
@STORE_PASSWORD_OPTION
@STORE_TIMEOUT_OPTION
@FOLLOW_REDIRECTS_OPTION
@click.option("--dry-run", is_flag=True, help="Show what would be sent where; send nothing.")
@QUIET_OPTION
def load(
    registry: Path | None,
    store_url: str,
    export_dir: Path | None,
    graph_prefix: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    dry_run: bool,
    quiet: bool,
) -> None:
    """Load the graph into a SPARQL 1.1 triple store, one named graph per SecID type.

    Each graph (and the dataset description, in its own graph) is sent with an HTTP PUT to
    URL?graph=<graph IRI>, which replaces that graph: loading again never duplicates.

    \b
    Example:
      oxigraph serve --location store-data --union-default-graph &
      secid-rdf load --store http://localhost:7878/store
    """
    from secid_rdf.iris import GRAPH_NAMESPACE, check_base
    from secid_rdf.store.http import redact_url
    from secid_rdf.store.sparql import load_graphs, rebase_graphs, split_graphs

    credentials = store_credentials(user, password)
    quads, has_errors = graph_quads(registry, export_dir, include_description=True, quiet=quiet)
    if graph_prefix is not None:
        quads = rebase_graphs(quads, GRAPH_NAMESPACE, check_base(graph_prefix))
    graphs = split_graphs(quads)
    if dry_run:
        for graph, triples in graphs.items():
            name = graph or "the default graph"
            echo_note(f"would load {name}: {len(triples)} triples", quiet=quiet)
        total = sum(len(triples) for triples in graphs.values())
        shown = redact_url(store_url)
        echo_note(
            f"dry run: {len(graphs)} graphs, {total} triples, nothing sent to {shown}", quiet=quiet
        )
    else:
        report = load_graphs(
            store_url,
            graphs,
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
        for upload in report.uploads:
            verb = "created" if upload.status == 201 else "replaced"
            name = upload.graph or "the default graph"
            echo_note(f"{verb} {name}: {upload.triples} triples", quiet=quiet)
        for failure in report.failures:
            name = failure.graph or "the default graph"
            click.echo(f"not loaded {name}: {failure.triples} triples: {failure.reason}", err=True)
        counts = f"{len(report.uploads)} graphs, {report.triples} triples"
        echo_note(f"loaded {counts} into {report.store_url} in {report.seconds:.2f} s", quiet=quiet)
        if report.failures:
            raise UnusableInputError(
                f"{len(report.failures)} of {len(graphs)} graphs were not loaded into"
                f" {report.store_url}; run the same load again to complete the store"
            )
    if has_errors:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("arguments", nargs=-1, metavar="[REGISTRY] [QUERY]")
@click.option(
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from this file ('-' for stdin) instead of the QUERY argument.",
)
@click.option(
    "--library",
    "library_name",
    metavar="NAME",
    help="Run a query shipped with secid-rdf (see docs/triple-stores.md), e.g. counts-per-type.",
)
@click.option(
    "--bind",
    "bindings",
    multiple=True,
    metavar="VAR=VALUE",
    help="Set the query's 'VALUES ?VAR { ... }' block to VALUE (<...> is an IRI, else a string).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default=RESULT_FORMATS[0],
    show_default=True,
    help="Result format: an aligned table, or SPARQL 1.1 results CSV, TSV or JSON.",
)
@EXPORT_DIR_OPTION
@click.option(
    "--endpoint",
    metavar="URL",
    help="Send the query to this SPARQL 1.1 endpoint instead (Oxigraph: http://HOST:7878/query).",
)
@STORE_USER_OPTION
@STORE_PASSWORD_OPTION
@STORE_TIMEOUT_OPTION
@FOLLOW_REDIRECTS_OPTION
@QUIET_OPTION
def query(
    arguments: tuple[str, ...],
    query_file: TextIO | None,
    library_name: str | None,
    bindings: tuple[str, ...],
    fmt: str,
    export_dir: Path | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    quiet: bool,
) -> None:
    """Run a SPARQL 1.1 query over the graph and print the results.

    The graph of REGISTRY (or of an export folder, --from) is put in an embedded store whose
    default graph is the union of all graphs. With --endpoint the query goes to a remote
    store instead. CONSTRUCT and DESCRIBE results are printed as sorted N-Triples.

    \b
    Examples:
      secid-rdf query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
      secid-rdf query --library source-lookup --bind source=secid:advisory/mitre.org/cve
      secid-rdf query --file my.rq --endpoint http://localhost:7878/query
    """
    from secid_rdf.store.query_request import parse_query_arguments
    from secid_rdf.store.sparql import build_store, query_endpoint, query_store

    request = parse_query_arguments(
        arguments,
        query_text=query_file.read() if query_file is not None else None,
        library_name=library_name,
        bindings=bindings,
    )
    registry, text = request.registry, request.text
    credentials = store_credentials(user, password)
    has_errors = False
    if endpoint is not None:
        if registry is not None or export_dir is not None:
            raise click.UsageError("--endpoint queries a remote store: give no REGISTRY or --from")
        result = query_endpoint(
            endpoint,
            text,
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
    else:
        quads, has_errors = graph_quads(
            registry, export_dir, include_description=False, quiet=quiet
        )
        result = query_store(build_store(quads), text)
    click.echo(format_results(result, fmt), nl=False)
    if has_errors:
        raise click.exceptions.Exit(1)


def checkout_relative(path: Path) -> str:
    """``path`` as CI annotations need it: relative to the working folder when inside it."""
    resolved = path.resolve()
    relative = os.path.relpath(resolved, Path.cwd().resolve())
    return resolved.as_posix() if relative.startswith("..") else Path(relative).as_posix()


@main.command()
@REGISTRY_ARGUMENT
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Validate these RDF files (an export, or other data using the ontology) "
    "instead of a registry; repeat for several.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORT_FORMATS)),
    default="text",
    show_default=True,
    help="text: PATH:LINE lines and a summary; json; github: workflow annotations; "
    "sarif: SARIF 2.1.0 for code scanning.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on violations.")
@BASE_OPTION
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default="turbo",
    show_default=True,
    help="SHACL engine: pyshacl-turbo (fast) or pyshacl (the reference, slower).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of stdout.",
)
def validate(
    registry: Path | None,
    data_files: tuple[Path, ...],
    fmt: str,
    strict: bool,
    base: str,
    engine: str,
    output: Path | None,
) -> None:
    """Check a registry against the SHACL shapes; every finding points at a file and line.

    Reads and converts REGISTRY, validates the graph with the shapes shipped in shapes/,
    and reports each result at the registry file and line it came from. Reading errors
    count as violations. Exit code 0: no violations (warnings allowed); 1: violations (or
    warnings, with --strict); 2: usage or internal error.

    \b
    Examples:
      secid-rdf validate ../secid/registry --format github
      secid-rdf validate --data secid-rdf-out/secid.nq --format sarif -o secid.sarif
    """
    from secid_rdf.export.atomic_files import write_atomic
    from secid_rdf.validate.report import render_findings
    from secid_rdf.validate.shacl import validate_data, validate_registry

    if data_files and registry is not None:
        raise click.UsageError("give a REGISTRY or --data FILE..., not both")
    if data_files:
        result = validate_data(data_files, engine=engine)
        prefix = ""
    else:
        folder = resolve_registry(registry)
        result = validate_registry(folder, base=base, engine=engine)
        prefix = checkout_relative(folder) if fmt in {"github", "sarif"} else ""
    report = render_findings(result.findings, fmt, path_prefix=prefix)
    if output is None:
        click.echo(report, nl=False)
    else:
        write_atomic(output, report.encode("utf-8"))
    failing = result.count(Severity.ERROR) + (result.count(Severity.WARNING) if strict else 0)
    if failing:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("secids", nargs=-1, required=True, metavar="SECID...")
@click.option(
    "--registry",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Convert this registry folder and resolve against its graph (default: bundled registry).",
)
@EXPORT_DIR_OPTION
@click.option(
    "--endpoint",
    metavar="URL",
    help="Ask this SPARQL 1.1 endpoint holding the export (Oxigraph: http://HOST:7878/query).",
)
@STORE_USER_OPTION
@STORE_PASSWORD_OPTION
@STORE_TIMEOUT_OPTION
@FOLLOW_REDIRECTS_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESOLUTION_FORMATS),
    default=RESOLUTION_FORMATS[0],
    show_default=True,
    help="text: one URL per line (SECID<TAB>URL for several); json: SecID, URL, weight, entry.",
)
def resolve(
    secids: tuple[str, ...],
    registry: Path | None,
    export_dir: Path | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    fmt: str,
) -> None:
    """Resolve SECIDs to URLs, highest weight first, by querying the graph.

    The lookup is the shipped SPARQL query resolve.rq (see docs/resolve.md), run in an
    embedded store holding the graph of --registry (or of an export folder, --from), or on a
    remote store with --endpoint. A SecID that names a namespace or source, or whose item
    matches nothing, gives that entry's own pages. Exit code 1 when a SecID gives no URL.

    \b
    Examples:
      secid-rdf resolve 'secid:advisory/mitre.org/cve#CVE-2024-1234'
      secid-rdf resolve --endpoint http://localhost:7878/query secid:weakness/mitre.org/cwe#CWE-79
    """
    from secid_rdf.resolve.resolver import format_resolutions, resolve_secids
    from secid_rdf.store.sparql import build_store, query_endpoint, query_store

    if endpoint is not None:
        if registry is not None or export_dir is not None:
            raise click.UsageError("--endpoint asks a remote store: give no --registry or --from")
        from secid_rdf.store.http import redact_url

        credentials = store_credentials(user, password)
        resolutions = resolve_secids(
            secids,
            lambda text: query_endpoint(
                endpoint,
                text,
                credentials=credentials,
                timeout=timeout,
                follow_redirects=follow_redirects,
            ),
            answered_by=redact_url(endpoint),
        )
    else:
        quads, _ = graph_quads(registry, export_dir, include_description=False)
        store = build_store(quads)
        resolutions = resolve_secids(secids, lambda text: query_store(store, text))
    click.echo(format_resolutions(resolutions, fmt), nl=False)
    unresolved = [resolution.secid for resolution in resolutions if not resolution.urls]
    for secid in unresolved:
        click.echo(
            f"{secid}: no URL: the graph has no namespace, source or item for it that gives one",
            err=True,
        )
    if unresolved:
        raise click.exceptions.Exit(1)
