"""The ``secid-rdf`` command line: options, one API call, rendering, an exit code.

Exit codes everywhere: 0 clean, 1 the data has errors (the rest was still processed),
2 usage error or the run could not start.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secid_rdf.cli.diff_command import diff
from secid_rdf.cli.options import (
    BASE_OPTION,
    EXPORT_DIR_OPTION,
    FOLLOW_REDIRECTS_OPTION,
    OUTPUT_OPTION,
    QUIET_OPTION,
    REGISTRY_ARGUMENT,
    STORE_PASSWORD_OPTION,
    STORE_TIMEOUT_OPTION,
    STORE_USER_OPTION,
    UnusableInputError,
    echo_findings,
    echo_note,
    emit_report,
    not_utf8,
    resolve_registry,
    store_credentials,
)
from secid_rdf.cli.store_commands import load, query
from secid_rdf.findings import SecidRdfError, Severity
from secid_rdf.formats.dataset import CC0_IRI
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.resolve.resolver import RESOLUTION_FORMATS
from secid_rdf.validate.report import REPORT_FORMATS

if TYPE_CHECKING:
    from secid_rdf.resolve.table import Table

__all__ = ["main"]

ENGINE_NAMES = ("pyshacl", "turbo")
"""The keys of :data:`secid_rdf.validate.shacl.ENGINES`, named here so that commands other
than ``validate`` start without importing rdflib and the SHACL engines (a test keeps them
equal)."""


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
@click.version_option(package_name="secid-rdf", prog_name="secid-rdf")
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
    help="Where the files will be published, for void:dataDump. Default: _dump/ under --base.",
)
@click.option(
    "--no-pages",
    is_flag=True,
    help="Write no site: only the dumps, context.jsonld, void.ttl and the rules.",
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
@click.option(
    "--site-url",
    metavar="URL",
    help="Where the output folder is published, when not at the base: the export then also "
    "writes w3id.htaccess, redirects from the base to it. Default: --base (the site is "
    "served at the base itself, by its .htaccess alone).",
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
    site_url: str | None,
    quiet: bool,
) -> None:
    """Write the graph as Turtle, N-Triples, N-Quads and JSON-LD, with a page per namespace.

    Also writes context.jsonld (the JSON-LD context), void.ttl (the dataset description) and
    the rules that serve the folder at the base IRI: .htaccess (Apache) and, with a
    --site-url other than the base, w3id.htaccess (redirects there; see
    docs/publishing.md). Exit code 1 when some registry files had errors (the rest is
    exported).

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
        site_url=check_base(site_url) if site_url is not None else None,
    )
    try:
        with stopping_on_signals():
            result = export_registry(resolve_registry(registry), out_dir, options)
    except ExportStoppedError as stopped:
        click.echo(f"Error: {stopped}", err=True)
        raise click.exceptions.Exit(stopped.exit_code) from None
    echo_findings(result.findings, quiet=quiet)
    if result.removed:
        echo_note(
            f"removed {len(result.removed)} file(s) of the previous export that this one "
            f"does not write: {removed_files(result.removed)}",
            quiet=quiet,
        )
    echo_note(
        f"wrote {len(result.files)} files to {result.out_dir}: {result.triples} triples, "
        f"pages for {result.pages} namespace(s)",
        quiet=quiet,
    )
    if result.has_errors:
        raise click.exceptions.Exit(1)


def checkout_relative(path: Path) -> tuple[Path, str]:
    """``path`` as CI annotations need it: the folder paths start from, and ``path`` in it.

    That folder is the working folder (the checkout). The path is tried as given (a
    symbolic link inside the checkout that leads out of it still names a place inside),
    then resolved; a folder outside the working folder is its own start, with ``""``, so
    findings keep their registry-relative paths, never absolute ones.
    """
    cwd = os.getcwd()
    for candidate in (os.path.abspath(path), str(path.resolve())):
        relative = os.path.relpath(candidate, cwd)
        if relative != ".." and not relative.startswith("../"):
            return Path(cwd), "" if relative == "." else Path(relative).as_posix()
    return Path(os.path.abspath(path)), ""


def registry_relative(folder: Path, files: tuple[Path, ...]) -> frozenset[str]:
    """The registry-relative POSIX paths of ``files`` that lie inside ``folder``.

    Each file is tried as given and resolved, as the folder is, so symbolic links on the
    way do not matter.
    """
    roots = {os.path.abspath(folder), str(folder.resolve())}
    found = set()
    for file in files:
        for candidate in (os.path.abspath(file), str(file.resolve())):
            for root in roots:
                relative = os.path.relpath(candidate, root)
                if relative != ".." and not relative.startswith("../"):
                    found.add(Path(relative).as_posix())
    return frozenset(found)


def files_to_check(folder: Path, files: tuple[Path, ...]) -> frozenset[str]:
    """The registry-relative paths of the files ``validate REGISTRY FILE...`` checks.

    A Markdown or JSON file outside the registry (pre-commit passes every changed one) is
    named on stderr as not checked, so that a mistyped path is not taken for a pass.

    :raises UnusableInputError: for a path that does not exist (pre-commit never passes a
        deleted file), with the path it may have meant when it is registry-relative.
    """
    found: set[str] = set()
    for file in files:
        if not file.exists():
            hint = ""
            if (folder / file).is_file():
                hint = f"; paths are taken from the working folder: {folder / file}"
            raise UnusableInputError(f"{file}: no such file{hint}")
        inside = registry_relative(folder, (file,))
        if not inside and file.suffix in {".md", ".json"}:
            click.echo(f"{file}: not in the registry folder {folder}; not checked", err=True)
        found |= inside
    return frozenset(found)


@main.command()
@REGISTRY_ARGUMENT
@click.argument(
    "files",
    nargs=-1,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[FILE]...",
)
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
    type=click.Choice(ENGINE_NAMES),
    default="turbo",
    show_default=True,
    help="SHACL engine: pyshacl-turbo (fast) or pyshacl (the reference, slower).",
)
@OUTPUT_OPTION
@QUIET_OPTION
@click.option(
    "--no-cache",
    is_flag=True,
    help="With FILE...: read the rest of REGISTRY again instead of using its cached index.",
)
def validate(
    registry: Path | None,
    files: tuple[Path, ...],
    data_files: tuple[Path, ...],
    fmt: str,
    strict: bool,
    base: str,
    engine: str,
    output: Path | None,
    quiet: bool,
    no_cache: bool,
) -> None:
    """Check a registry against the SHACL shapes; every finding points at a file and line.

    Reads and converts REGISTRY, validates the graph with the shapes shipped in shapes/,
    and reports each result at the registry file and line it came from. Reading errors
    count as violations. With FILE..., only those files of REGISTRY are checked (what a
    pre-commit hook passes: the changed files), with the findings a full run gives them;
    the rest of REGISTRY is known from an index cached by content. A FILE that does not
    exist is a usage error; one outside REGISTRY is named as not checked. Exit code 0: no
    violations (warnings allowed); 1: violations (or warnings, with --strict); 2: usage or
    internal error.

    \b
    Examples:
      secid-rdf validate ../secid/registry --format github
      secid-rdf validate registry registry/advisory/org/mitre.json
      secid-rdf validate --data secid-rdf-out/secid.nq --format sarif -o secid.sarif
    """
    from secid_rdf.validate.data_files import validate_data
    from secid_rdf.validate.report import render_findings, severity_summary
    from secid_rdf.validate.shacl import validate_registry

    if data_files and registry is not None:
        raise click.UsageError("give a REGISTRY or --data FILE..., not both")
    if files and registry is None:
        raise click.UsageError("give the REGISTRY folder before the FILEs to check")
    if data_files:
        result = validate_data(data_files, engine=engine)
        root, prefix = Path.cwd(), ""
    else:
        folder = resolve_registry(registry)
        only = files_to_check(folder, files) if files else None
        result = validate_registry(
            folder, base=base, engine=engine, only=only, use_cache=not no_cache
        )
        root, prefix = checkout_relative(folder) if fmt in {"github", "sarif"} else (folder, "")
    report = render_findings(result.findings, fmt, path_prefix=prefix, root=root)
    emit_report(report, output, quiet=quiet, summary=f"{severity_summary(result.findings)}: ")
    failing = result.count(Severity.ERROR) + (result.count(Severity.WARNING) if strict else 0)
    if failing:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("arguments", nargs=-1, required=True, metavar="[REGISTRY] SECID...")
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
    help="text: one URL per line (SECID<TAB>URL for several; SECID<TAB>STATUS<TAB>URL when "
    "only a broader entry matched); json: status, message and URLs of each SecID.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Convert REGISTRY again instead of using the table cached for its content.",
)
@QUIET_OPTION
def resolve(
    arguments: tuple[str, ...],
    export_dir: Path | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    fmt: str,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Resolve SECIDs to URLs, highest weight first, from the graph of REGISTRY.

    REGISTRY, the first argument unless it starts with 'secid:' or is '-', is converted
    once and its table cached by content; --from reads an export folder, --endpoint asks a
    SPARQL 1.1 store holding the export. SECID '-' reads SecIDs from standard input, one
    per line. Each SecID gets its own answer: found, corrected, related (only a broader
    entry matched: its pages, marked as such), not_found, or error (not a SecID); see
    docs/resolve.md.
    Exit code 0 when every SecID was found, 1 when one was not, 2 when nothing could run.

    \b
    Examples:
      secid-rdf resolve 'secid:advisory/mitre.org/cve#CVE-2024-1234'
      secid-rdf resolve ../secid/registry secid:weakness/mitre.org/cwe#CWE-79
      secid-rdf resolve --endpoint http://localhost:7878/query secid:weakness/mitre.org/cwe#CWE-79
    """
    from secid_rdf.read.registry_argument import split_registry_argument
    from secid_rdf.resolve.request import is_secid_argument
    from secid_rdf.resolve.resolver import (
        RemoteLookup,
        format_resolutions,
        resolve_secids,
        status_lines,
    )
    from secid_rdf.resolve.sources import endpoint_lookup, export_table, registry_table

    registry, given = split_registry_argument(arguments, is_item=is_secid_argument, item="a SecID")
    if not given:
        raise click.UsageError("give at least one SECID after REGISTRY")
    texts = list(given)
    if "-" in texts:
        lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
        texts = [item for text in texts for item in (lines if text == "-" else [text])]
        if not texts:
            raise click.UsageError("no SecID: standard input held none")
    lookup: RemoteLookup | Table
    if endpoint is not None:
        if registry is not None or export_dir is not None:
            raise click.UsageError("--endpoint asks a remote store: give no REGISTRY or --from")
        lookup = endpoint_lookup(
            endpoint,
            credentials=store_credentials(user, password),
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
    elif export_dir is not None:
        if registry is not None:
            raise click.UsageError("give REGISTRY or --from, not both")
        lookup = export_table(export_dir, use_cache=not no_cache)
    else:
        lookup = registry_table(
            resolve_registry(registry),
            use_cache=not no_cache,
            report=lambda finding: echo_findings([finding], quiet=quiet),
        )
    resolutions = resolve_secids(texts, lookup)
    click.echo(format_resolutions(resolutions, fmt), nl=False)
    problems = status_lines(resolutions)
    for line in problems:
        click.echo(line, err=True)
    if any(resolution.status != "found" for resolution in resolutions):
        raise click.exceptions.Exit(1)


main.add_command(diff)
main.add_command(load)
main.add_command(query)


_REMOVED_SHOWN = 20
"""Resources named in the line that says what an export removed; the rest are counted."""


def removed_files(names: Sequence[str]) -> str:
    """The removed files, one entry per resource: a page's three files are one entry.

    >>> removed_files(["a/b.html", "a/b.jsonld", "a/b.ttl", "secid.nq"])
    'a/b.{html,jsonld,ttl}, secid.nq'
    >>> removed_files([f"p{n}.html" for n in range(22)]).endswith("p7.html and 2 more")
    True
    """
    by_stem: dict[str, list[str]] = {}
    for name in sorted(names):
        stem, dot, suffix = name.rpartition(".")
        if not dot or "/" in suffix:
            stem, suffix = name, ""
        by_stem.setdefault(stem, []).append(suffix)
    shown = [_entry(stem, suffixes) for stem, suffixes in list(by_stem.items())[:_REMOVED_SHOWN]]
    more = len(by_stem) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _entry(stem: str, suffixes: list[str]) -> str:
    if len(suffixes) == 1:
        return f"{stem}.{suffixes[0]}" if suffixes[0] else stem
    return f"{stem}.{{{','.join(suffixes)}}}"
